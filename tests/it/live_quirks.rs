//! What the live API does that the documents do not say (see HUBSPOT.md), pinned down on
//! the generated types themselves.

use hubspot_associations::v2026_03;
use hubspot_associations::v4;
use hubspot_associations::ObjectId;
use serde_json::json;

#[test]
fn round_trip_numeric_ids_are_read_and_sent_as_strings() {
    let big = 98_765_432_101_234_u64; // beyond 2^31, as HubSpot sends them
    let parsed: v4::MultiAssociatedObjectWithLabel = serde_json::from_value(json!({
        "toObjectId": big,
        "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 1, "label": null}],
    }))
    .unwrap();
    assert_eq!(parsed.to_object_id, ObjectId::from(big));
    assert_eq!(parsed.to_object_id.as_u64(), Some(big));
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back["toObjectId"], json!(big.to_string()));
}

#[test]
fn round_trip_unknown_enum_values_survive() {
    let parsed: v4::AssociationSpecWithLabel =
        serde_json::from_value(json!({"category": "SOME_FUTURE_CATEGORY", "typeId": 7})).unwrap();
    assert_eq!(
        parsed.category,
        v4::AssociationCategory::Unknown("SOME_FUTURE_CATEGORY".into())
    );
    assert_eq!(parsed.category.as_str(), "SOME_FUTURE_CATEGORY");
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        back,
        json!({"category": "SOME_FUTURE_CATEGORY", "typeId": 7})
    );

    let known: v4::AssociationCategory = serde_json::from_value(json!("WORK")).unwrap();
    assert_eq!(known, v4::AssociationCategory::Work);
    assert_eq!(
        "USER_DEFINED".parse::<v4::AssociationCategory>().unwrap(),
        v4::AssociationCategory::UserDefined
    );
}

#[test]
fn round_trip_undeclared_properties_and_their_nulls_survive() {
    let input = json!({"id": "42", "brandNew": {"nested": [1, null]}, "alsoNew": null});
    let parsed: v2026_03::PublicObjectId = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(parsed.extra.len(), 2);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), input);
}

#[test]
fn requested_at_may_be_null() {
    let parsed: v4::BatchResponsePublicDefaultAssociation = serde_json::from_value(json!({
        "status": "COMPLETE",
        "results": [],
        "requestedAt": null,
        "startedAt": "2026-01-02T03:04:05.678Z",
        "completedAt": "2026-01-02T03:04:06Z",
    }))
    .unwrap();
    assert_eq!(parsed.requested_at, None);
    assert_eq!(parsed.status, v4::BatchStatus::Complete);
    assert_eq!(
        parsed.started_at.to_rfc3339(),
        "2026-01-02T03:04:05.678+00:00"
    );
}

#[test]
fn error_detail_context_may_be_a_string_or_a_map() {
    let text: v4::ErrorDetail =
        serde_json::from_value(json!({"message": "m", "context": "free text"})).unwrap();
    assert_eq!(
        text.context,
        Some(v4::ErrorContext::Text("free text".into()))
    );
    let map: v4::ErrorDetail =
        serde_json::from_value(json!({"message": "m", "context": {"ids": ["1", "2"]}})).unwrap();
    let Some(v4::ErrorContext::Map(context)) = map.context else {
        panic!("expected a map")
    };
    assert_eq!(context["ids"], ["1", "2"]);
}

#[test]
fn missing_required_and_duplicate_fields_are_clear_errors() {
    let missing = serde_json::from_value::<v4::PublicObjectId>(json!({})).unwrap_err();
    assert!(
        missing.to_string().contains("missing field `id`"),
        "{missing}"
    );
    let duplicate =
        serde_json::from_str::<v4::PublicObjectId>(r#"{"id": "1", "id": "2"}"#).unwrap_err();
    assert!(
        duplicate.to_string().contains("duplicate field `id`"),
        "{duplicate}"
    );
    let wrong = serde_json::from_value::<v4::PublicObjectId>(json!([])).unwrap_err();
    assert!(
        wrong.to_string().contains("a PublicObjectId object"),
        "{wrong}"
    );
}

#[test]
fn same_schema_has_the_same_name_in_both_versions() {
    // Migrating is a change of module path: this compiles only if both names exist.
    let old = v4::PublicAssociationMultiPost::new(
        v4::PublicObjectId::new(1u64),
        v4::PublicObjectId::new("2"),
        vec![v4::AssociationSpec::new(
            v4::AssociationCategory::HubspotDefined,
            279,
        )],
    );
    let new = v2026_03::PublicAssociationMultiPost::new(
        v2026_03::PublicObjectId::new(1u64),
        v2026_03::PublicObjectId::new("2"),
        vec![v2026_03::AssociationSpec::new(
            v2026_03::AssociationCategory::HubspotDefined,
            279,
        )],
    );
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        serde_json::to_value(&new).unwrap()
    );

    let api = tests::checked_in_api();
    let (a, b) = (&api.modules[0], &api.modules[1]);
    for (id, def) in a.types.iter() {
        if let Some(schema) = &def.schema_name {
            if let Some((other, _)) = b
                .types
                .iter()
                .find(|(_, t)| t.schema_name.as_ref() == Some(schema))
            {
                assert_eq!(a.types.name(id), b.types.name(other), "schema {schema}");
            }
        }
    }
}
