//! The client's transport against the fake HubSpot: redirects, paging cursors, what a
//! client refuses to build, "may have been applied", error bodies, and the sans-IO path
//! agreeing with `Client::send`.

use std::time::Duration;

use futures_util::TryStreamExt;
use hubspot_associations::runtime::{Error, FailureReason, RateLimitPolicy, RetryPolicy};
use hubspot_associations::{v4, Client, ClientBuilder};
use tests::fake_hubspot::{cursor, FakeHubSpot, Fault, TOKEN};

fn client_with(server: &FakeHubSpot, retry: RetryPolicy) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(retry)
        .build()
        .unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn new_label() -> v4::PublicAssociationDefinitionCreateRequest {
    v4::PublicAssociationDefinitionCreateRequest::new("Partner", "partner")
}

/// Associates contact `from` with companies 1..=count.
pub(crate) async fn associate(client: &Client, from: u64, count: u64) {
    let inputs: Vec<_> = (1..=count)
        .map(|to| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(from),
                v4::PublicObjectId::new(to),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        })
        .collect();
    let report = client
        .batch(inputs, |chunk| {
            v4::batch_create(
                "contacts",
                "companies",
                &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);
}

fn list_page(
    after: Option<String>,
) -> hubspot_associations::Request<v4::CollectionResponseMultiAssociatedObjectWithLabelForwardPaging>
{
    v4::list_associations(
        "contacts",
        7u64,
        "companies",
        &v4::ListAssociationsQuery::default()
            .with_after(after)
            .with_limit(500),
    )
}

#[tokio::test]
async fn redirects_are_not_followed_and_the_token_stays_home() {
    let a = FakeHubSpot::start();
    let b = FakeHubSpot::start();
    // As observed: A sends the client to B, and B on to itself.
    let hop1 = format!("{}/hop1", b.base_url);
    a.queue(Fault::Redirect(hop1.clone()));
    b.queue(Fault::Redirect("/hop2".to_owned()));
    let client = client_with(&a, quick_retries());

    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    let Error::Redirect {
        status, location, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*status, location.as_deref()), (302, Some(hop1.as_str())));
    let text = error.to_string();
    assert!(text.contains("302") && text.contains(&hop1), "{text}");
    assert!(!error.is_retryable() && !error.may_have_been_applied());
    assert!(b.seen().is_empty(), "B saw {:?}", b.seen());
    assert_eq!(a.stats().requests, 1, "a redirect is not retried");

    // Not to the same host either: HubSpot does not redirect API calls.
    a.queue(Fault::Redirect("/crm/v4/elsewhere".to_owned()));
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(302));
    assert_eq!(a.stats().requests, 2);
}

#[tokio::test]
async fn paginate_sends_cursors_exactly_as_hubspot_gave_them() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());
    associate(&client, 7, 1201).await;

    let all: Vec<_> = client.paginate(list_page).try_collect().await.unwrap();
    assert_eq!(all.len(), 1201, "no page lost to a cursor encoded twice");
    let queries: Vec<String> = server
        .seen()
        .into_iter()
        .filter(|s| s.method == "GET")
        .filter_map(|s| s.query)
        .collect();
    assert_eq!(
        queries,
        [
            "limit=500".to_owned(),
            format!("after={}&limit=500", cursor(500)),
            format!("after={}&limit=500", cursor(1000)),
        ]
    );
    assert!(queries[1].contains("%3D%3D&"), "{}", queries[1]);
}

#[tokio::test]
async fn hand_fed_cursors_are_sent_as_given_and_one_encoded_again_pages_wrong() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());
    associate(&client, 7, 600).await;

    let first = client.send(&list_page(None)).await.unwrap();
    let next = first.paging.clone().unwrap().next.unwrap();
    assert!(next.after.ends_with("%3D"), "{}", next.after);
    assert_eq!(
        next.link.as_deref(),
        Some(&*format!("?after={}", next.after))
    );
    let second = client
        .send(&list_page(Some(next.after.clone())))
        .await
        .unwrap();
    assert_eq!((first.results.len(), second.results.len()), (500, 100));
    let on_first: std::collections::HashSet<_> = first
        .results
        .iter()
        .map(|r| r.to_object_id.to_string())
        .collect();
    assert!(second
        .results
        .iter()
        .all(|r| !on_first.contains(&r.to_object_id.to_string())));

    // The fake reads the cursor literally, as HubSpot does: the same cursor sent as an
    // ordinary, fully encoded query value reaches it as another cursor, and paging ends early
    // without an error.
    let encoded_again = hubspot_associations::Request::new(
        "list_associations",
        hubspot_associations::runtime::Method::Get,
        "/crm/v4/objects/contacts/7/associations/companies",
        hubspot_associations::runtime::decode::json::<
            v4::CollectionResponseMultiAssociatedObjectWithLabelForwardPaging,
        >,
    )
    .query("after", &next.after);
    assert!(encoded_again.path_and_query().unwrap().contains("%253D"));
    let wrong = client.send(&encoded_again).await.unwrap();
    assert!(wrong.results.is_empty() && wrong.paging.is_none());
}

#[tokio::test]
async fn batch_read_cursors_go_back_in_the_body_exactly_as_given() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());
    associate(&client, 7, 5).await;
    server.read_page_size(2);
    let read = |inputs: &[v4::PublicFetchAssociationsBatchRequest]| {
        v4::batch_read(
            "contacts",
            "companies",
            &v4::BatchInputPublicFetchAssociationsBatchRequest::new(inputs.to_vec()),
        )
    };

    // By hand: the cursor of the first answer, set on the input as it came.
    let first = client
        .send(&read(&[v4::PublicFetchAssociationsBatchRequest::new(7u64)]))
        .await
        .unwrap();
    let hubspot_associations::Outcome::Complete(first) = first else {
        panic!("{first:?}")
    };
    let after = first.results[0].paging.clone().unwrap().next.unwrap().after;
    assert_eq!(after, cursor(2));
    let mut input = v4::PublicFetchAssociationsBatchRequest::new(7u64);
    input.after = Some(after);
    let hubspot_associations::Outcome::Complete(second) =
        client.send(&read(&[input])).await.unwrap()
    else {
        panic!("partial")
    };
    assert_eq!(second.results[0].to[0].to_object_id, "3");

    // And by batch_all_pages, which feeds each result's cursor back.
    let report = client
        .batch_all_pages(
            vec![v4::PublicFetchAssociationsBatchRequest::new(7u64)],
            read,
        )
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);
    assert_eq!(report.results[0].to.len(), 5);
    assert_eq!(report.requests, 3);
}

#[test]
fn a_client_that_could_not_send_is_refused_at_build() {
    let secret = "pat-na1-SECRET";
    let refused = |builder: ClientBuilder| match builder.build() {
        Err(Error::Config(message)) => message,
        other => panic!("{other:?}"),
    };
    let message = refused(ClientBuilder::default().token(format!("{secret}\nX: y")));
    assert!(message.contains("a line break"), "{message}");
    assert!(!message.contains("SECRET"), "{message}");
    let message = refused(Client::builder().token(secret).user_agent("app\n"));
    assert!(message.contains("user agent"), "{message}");
    let message = refused(Client::builder().token(secret).base_url("localhost:8080"));
    assert!(message.contains("base URL"), "{message}");
}

#[tokio::test]
async fn a_reset_after_the_request_was_written_may_have_been_applied() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());

    server.queue(Fault::Reset);
    let error = client
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.may_have_been_applied(), "{error:?}");
    assert!(
        !error.is_retryable(),
        "creating a label twice could make two"
    );
    assert!(
        error.to_string().contains("may have been applied"),
        "{error}"
    );
    assert_eq!(server.stats().requests, 1);
    let labels = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    assert_eq!(labels.results.len(), 1, "the fake did create the label");

    // A read is simply sent again.
    server.queue(Fault::Reset);
    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    assert_eq!(server.stats().requests, 4);
}

#[tokio::test]
async fn an_answer_cut_short_or_late_may_have_been_applied() {
    let server = FakeHubSpot::start();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(quick_retries())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    server.queue(Fault::Drop);
    let cut = client
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    assert!(
        cut.may_have_been_applied() && !cut.is_retryable(),
        "{cut:?}"
    );

    server.queue(Fault::Slow(Duration::from_secs(2)));
    let late = client
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    assert!(matches!(late, Error::Timeout { .. }), "{late:?}");
    assert!(late.may_have_been_applied() && !late.is_retryable());
    assert!(late.to_string().contains("may have been applied"), "{late}");
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn nothing_sent_is_said_so_and_retried() {
    let closed = Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy {
            max_attempts: 2,
            ..quick_retries()
        })
        .build()
        .unwrap();
    let error = closed
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    assert!(!error.may_have_been_applied(), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("nothing was sent"), "{error}");
}

#[tokio::test]
async fn batch_failures_say_whether_their_inputs_may_have_been_applied() {
    let server = FakeHubSpot::start();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .batch_size(2)
        .batch_concurrency(1)
        .build()
        .unwrap();
    server.queue(Fault::Reset);
    server.queue(Fault::Status(400));
    let inputs: Vec<_> = (1..=6u64)
        .map(|to| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(7u64),
                v4::PublicObjectId::new(to),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        })
        .collect();
    let report = client
        .batch(inputs, |chunk| {
            v4::batch_create(
                "contacts",
                "companies",
                &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    assert_eq!((report.succeeded, report.failures.len()), (2, 4));
    let mut by_target: Vec<(String, bool)> = report
        .failures
        .iter()
        .map(|f| (f.input.to.id.to_string(), f.may_have_been_applied()))
        .collect();
    by_target.sort();
    // The reset chunk went through on the server; the refused one did not.
    assert_eq!(
        by_target,
        [
            ("1".to_owned(), true),
            ("2".to_owned(), true),
            ("3".to_owned(), false),
            ("4".to_owned(), false)
        ]
    );
    assert!(matches!(
        report.failures[0].reason,
        FailureReason::Request(_)
    ));
    assert_eq!(server.association_count("contacts", "7", "companies"), 4);
}

#[tokio::test]
async fn error_bodies_with_null_fields_keep_what_they_say() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());
    server.queue(Fault::errors_null(400));
    let error = client
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.message, "Property values were not valid");
    assert_eq!(api.category.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(
        error.correlation_id(),
        Some("0a1b2c3d-0000-4000-8000-00000000e4e0")
    );

    server.queue(Fault::odd_daily_limit());
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(limited.policy, RateLimitPolicy::Daily);
    assert_eq!(server.stats().requests, 2, "the daily cap is not retried");
}

#[tokio::test]
async fn what_came_back_instead_of_json_is_described() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, quick_retries());

    server.queue(Fault::proxy_page(502));
    let error = client
        .send(&v4::create_label("contacts", "companies", &new_label()))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("create_label: HubSpot answered 502 with ")
            && text.contains(" bytes of text/html: 502 Bad Gateway;"),
        "{text}"
    );

    server.queue(Fault::Answer {
        status: 200,
        content_type: "text/plain",
        body: "OK\n".to_owned(),
    });
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "list_labels: HubSpot answered 200 with 3 bytes of text/plain: OK, where JSON was \
         expected (the request went through)"
    );

    server.queue(Fault::Answer {
        status: 207,
        content_type: "application/json",
        body: String::new(),
    });
    let body = v4::BatchInputPublicAssociationMultiPost::new(Vec::new());
    let error = client
        .send(&v4::batch_create("contacts", "companies", &body))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "batch_create: HubSpot answered 207 with an empty body, where JSON was expected (the \
         request went through)"
    );
}

/// The same faults through `Client::send` and through `decode_response` on the raw answer.
#[tokio::test]
async fn the_sans_io_path_gives_the_errors_send_gives() {
    let server = FakeHubSpot::start();
    let client = client_with(&server, RetryPolicy::never());
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let request = v4::batch_read(
        "contacts",
        "companies",
        &v4::BatchInputPublicFetchAssociationsBatchRequest::new(vec![
            v4::PublicFetchAssociationsBatchRequest::new(1u64),
        ]),
    );
    let faults = [
        Fault::RateLimit {
            policy: "TEN_SECONDLY_ROLLING",
            retry_after: Some(3),
        },
        Fault::errors_null(400),
        Fault::proxy_page(503),
        Fault::Redirect("http://127.0.0.1:9/x".to_owned()),
    ];
    for fault in faults {
        server.queue(fault.clone());
        let sent = client.send(&request).await.unwrap_err();
        server.queue(fault);
        let answer = raw
            .post(format!(
                "{}{}",
                server.base_url,
                request.path_and_query().unwrap()
            ))
            .bearer_auth(TOKEN)
            .body(request.body().unwrap().to_bytes().unwrap())
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let body = answer.bytes().await.unwrap();
        let read = request
            .decode_response(status, &headers, &body)
            .unwrap_err();
        assert_eq!(read.to_string(), sent.to_string());
        assert_eq!(read.is_retryable(), sent.is_retryable(), "{read}");
        assert_eq!(read.may_have_been_applied(), sent.may_have_been_applied());
        assert_eq!(format!("{read:?}"), format!("{sent:?}"));
    }

    let limited = request
        .decode(
            429,
            br#"{"status":"error","message":"Slow down","policyName":"SECONDLY"}"#,
        )
        .unwrap_err();
    assert!(!limited.to_string().contains("missing field"), "{limited}");
    assert_eq!(
        limited.to_string(),
        "batch_read: rate limited (Secondly): Slow down"
    );
}
