//! Request values as data: built and checked without any network.

use hubspot_associations::runtime::{Method, Outcome};
use hubspot_associations::{v2026_03, v4};
use serde_json::json;

#[test]
fn a_request_is_plain_data() {
    let body = v4::BatchInputPublicFetchAssociationsBatchRequest::new(vec![
        v4::PublicFetchAssociationsBatchRequest::new(7u64),
    ]);
    let request = v4::batch_read("contacts", "0-2", &body);
    assert_eq!(request.operation(), "batch_read");
    assert_eq!(request.method(), Method::Post);
    assert_eq!(
        request.path().unwrap(),
        "/crm/v4/associations/contacts/0-2/batch/read"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(request.body().unwrap().bytes().unwrap())
            .unwrap(),
        json!({"inputs": [{"id": "7"}]})
    );
    assert_eq!(request.body().unwrap().content_type(), "application/json");
    assert_eq!(request.accepts(), "application/json");
    assert!(request.is_idempotent(), "a batch read may be repeated");

    let list = v2026_03::list_associations(
        "deals",
        98_765_432_101u64,
        "tickets",
        &v2026_03::ListAssociationsQuery::default()
            .with_after("MTAw".to_owned())
            .with_limit(500),
    );
    assert_eq!(list.method(), Method::Get);
    assert_eq!(
        list.path_and_query().unwrap(),
        "/crm/objects/2026-03/deals/98765432101/associations/tickets?after=MTAw&limit=500"
    );
    assert!(list.body().is_none());
}

#[test]
fn only_repeatable_operations_are_marked_idempotent() {
    let label = v4::PublicAssociationDefinitionCreateRequest::new("Manager", "manager");
    assert!(!v4::create_label("contacts", "companies", &label).is_idempotent());
    assert!(v4::delete_label("contacts", "companies", 5).is_idempotent());
    assert!(v4::list_labels("contacts", "companies").is_idempotent());
    let create = v4::BatchInputPublicAssociationMultiPost::new(Vec::new());
    assert!(
        v4::batch_create("contacts", "companies", &create).is_idempotent(),
        "creating an existing association changes nothing"
    );
}

#[test]
fn hostile_path_parameters_stay_inside_their_segment() {
    let request = v4::list_associations(
        "contacts/../../owners?x=1#frag",
        "1 2",
        "companies",
        &Default::default(),
    );
    assert_eq!(
        request.path().unwrap(),
        "/crm/v4/objects/contacts%2F..%2F..%2Fowners%3Fx%3D1%23frag/1%202/associations/companies"
    );
    for dots in ["..", ".", ""] {
        let error = v4::list_associations("contacts", dots, "companies", &Default::default())
            .path()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("path parameter `objectId` may not be"),
            "{error}"
        );
    }
}

#[test]
fn responses_decode_by_status() {
    let request = v4::batch_create(
        "contacts",
        "companies",
        &v4::BatchInputPublicAssociationMultiPost::new(Vec::new()),
    );
    let complete = br#"{"status":"COMPLETE","results":[],"startedAt":"2026-01-01T00:00:00Z","completedAt":"2026-01-01T00:00:01Z"}"#;
    // Documented as 201; HubSpot has moved such endpoints to 200 before. Both are success.
    assert!(matches!(
        request.decode(201, complete).unwrap(),
        Outcome::Complete(_)
    ));
    assert!(matches!(
        request.decode(200, complete).unwrap(),
        Outcome::Complete(_)
    ));
    let partial = br#"{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"VALIDATION_ERROR","message":"bad","context":{},"errors":[],"links":{}}],"startedAt":"2026-01-01T00:00:00Z","completedAt":"2026-01-01T00:00:01Z"}"#;
    match request.decode(207, partial).unwrap() {
        Outcome::Partial(p) => assert_eq!(p.errors.unwrap()[0].message, "bad"),
        other => panic!("207 must be partial, got {other:?}"),
    }
    // 204 operations ignore whatever body arrives.
    let archive = v4::delete_label("contacts", "companies", 1);
    archive.decode(204, b"").unwrap();
    archive.decode(200, b"{\"unexpected\":true}").unwrap();
}

#[test]
fn a_bodiless_success_decodes_even_where_207_is_possible() {
    use hubspot_associations::runtime::decode;
    let outcome = decode::outcome::<(), serde_json::Value>(204, b"").unwrap();
    assert_eq!(outcome, Outcome::Complete(()));
    assert!(
        decode::outcome::<(), serde_json::Value>(207, b"{\"errors\":[]}")
            .unwrap()
            .is_partial()
    );
    // An operation that promises a body still fails on an empty one.
    assert!(decode::json::<v4::PublicObjectId>(200, b"").is_err());
}

#[test]
fn bodies_are_written_in_field_order_with_wire_names() {
    // Exact text, not `Value` equality: key order and the absence of unset optional
    // properties are part of what is sent.
    let mut spec = v4::AssociationSpecWithLabel::new(v4::AssociationCategory::UserDefined, 1042);
    spec.label = Some("Decision maker".to_owned());
    spec.extra.insert("added".to_owned(), json!(true));
    assert_eq!(
        serde_json::to_string(&spec).unwrap(),
        r#"{"category":"USER_DEFINED","label":"Decision maker","typeId":1042,"added":true}"#
    );

    let body = v2026_03::BatchInputPublicAssociationMultiPost::new(vec![
        v2026_03::PublicAssociationMultiPost::new(
            v2026_03::PublicObjectId::new(101u64),
            v2026_03::PublicObjectId::new("202"),
            vec![v2026_03::AssociationSpec::new(
                v2026_03::AssociationCategory::HubspotDefined,
                279,
            )],
        ),
    ]);
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        concat!(
            r#"{"inputs":[{"from":{"id":"101"},"to":{"id":"202"},"#,
            r#""types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}]}]}"#
        )
    );
}

#[test]
fn cursors_are_sent_as_hubspot_gave_them_and_other_values_encoded() {
    let live = "MTcxMjY5MDQ1MDM2MnwwLTF8NzA4MDM5NjM0NXw2LTI3NTgyNDU5fC03NTgwNjg4Mjk%3D";
    for version in [
        v4::list_associations(
            "contacts",
            1u64,
            "companies",
            &v4::ListAssociationsQuery::default()
                .with_after(live.to_owned())
                .with_limit(10),
        )
        .path_and_query(),
        v2026_03::list_associations(
            "contacts",
            1u64,
            "companies",
            &v2026_03::ListAssociationsQuery::default().with_after(live.to_owned()),
        )
        .path_and_query(),
    ] {
        let url = version.unwrap();
        assert!(url.contains(&format!("?after={live}")), "{url}");
    }
}
