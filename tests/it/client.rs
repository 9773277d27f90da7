//! The client end to end against the fake HubSpot on 127.0.0.1, both versions.

use std::time::{Duration, Instant};

use super::logs::CapturedLogs;
use futures_util::TryStreamExt;
use hubspot_associations::runtime::{Error, FailureReason, Outcome, RateLimitPolicy, RetryPolicy};
use hubspot_associations::{v4, Client};
use tests::fake_hubspot::{FakeHubSpot, Fault, TOKEN};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
}

fn client(server: &FakeHubSpot) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(fast_retries())
        .build()
        .unwrap()
}

macro_rules! lifecycle {
    ($test:ident, $version:ident) => {
        /// Create -> read -> paginate -> label -> archive.
        #[tokio::test]
        async fn $test() {
            use hubspot_associations::$version as api;
            let server = FakeHubSpot::start();
            let client = client(&server);

            let label = api::PublicAssociationDefinitionCreateRequest::new("Manager", "manager");
            let labels = client
                .send(&api::create_label("contacts", "companies", &label))
                .await
                .unwrap();
            let manager = labels
                .results
                .iter()
                .find(|l| l.label.as_deref() == Some("Manager"))
                .unwrap()
                .type_id;

            let spec = api::AssociationSpec::new(api::AssociationCategory::UserDefined, manager);
            let pair = client
                .send(&api::create_association(
                    "contacts",
                    101u64,
                    "companies",
                    202u64,
                    &[spec],
                ))
                .await
                .unwrap();
            assert_eq!(pair.labels, vec!["Manager".to_owned()]);
            assert_eq!(
                pair.to_object_id, "202",
                "the live API's numeric id arrives as an ObjectId"
            );

            // 1,200 more: split into two requests by the batch helper.
            let inputs: Vec<_> = (0..1200u64)
                .map(|i| {
                    api::PublicAssociationMultiPost::new(
                        api::PublicObjectId::new(101u64),
                        api::PublicObjectId::new(10_000 + i),
                        vec![api::AssociationSpec::new(
                            api::AssociationCategory::HubspotDefined,
                            1,
                        )],
                    )
                })
                .collect();
            let report = client
                .batch(inputs, |chunk| {
                    api::batch_create(
                        "contacts",
                        "companies",
                        &api::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
                    )
                })
                .await;
            assert!(report.is_complete(), "{:?}", report.failures);
            assert_eq!(
                (report.succeeded, report.requests, report.results.len()),
                (1200, 2, 1200)
            );

            let all: Vec<_> = client
                .paginate(|after| {
                    api::list_associations(
                        "contacts",
                        101u64,
                        "companies",
                        &api::ListAssociationsQuery::default()
                            .with_after(after)
                            .with_limit(500),
                    )
                })
                .try_collect()
                .await
                .unwrap();
            assert_eq!(all.len(), 1201);
            let pages = server
                .seen()
                .iter()
                .filter(|s| s.method == "GET" && s.raw_path.contains("/associations/companies"))
                .count();
            assert_eq!(pages, 3, "500 + 500 + 201");

            let read_body = api::BatchInputPublicFetchAssociationsBatchRequest::new(vec![
                api::PublicFetchAssociationsBatchRequest::new(101u64),
            ]);
            match client
                .send(&api::batch_read("contacts", "companies", &read_body))
                .await
                .unwrap()
            {
                Outcome::Complete(read) => assert_eq!(read.results[0].to.len(), 1201),
                Outcome::Partial(partial) => panic!("unexpected partial result {partial:?}"),
            }

            let rename = api::PublicAssociationDefinitionUpdateRequest::new(manager, "Boss");
            client
                .send(&api::update_label("contacts", "companies", &rename))
                .await
                .unwrap();
            let labels = client
                .send(&api::list_labels("contacts", "companies"))
                .await
                .unwrap();
            assert_eq!(labels.results[0].label.as_deref(), Some("Boss"));

            let unlabel = api::BatchInputPublicAssociationMultiPost::new(vec![
                api::PublicAssociationMultiPost::new(
                    api::PublicObjectId::new(101u64),
                    api::PublicObjectId::new(202u64),
                    vec![api::AssociationSpec::new(
                        api::AssociationCategory::UserDefined,
                        manager,
                    )],
                ),
            ]);
            client
                .send(&api::batch_archive_labels(
                    "contacts",
                    "companies",
                    &unlabel,
                ))
                .await
                .unwrap();
            assert_eq!(
                server.association_count("contacts", "101", "companies"),
                1200
            );

            client
                .send(&api::delete_association(
                    "contacts",
                    101u64,
                    "companies",
                    10_000u64,
                ))
                .await
                .unwrap();
            let archive = api::BatchInputPublicAssociationMultiArchive::new(vec![
                api::PublicAssociationMultiArchive::new(
                    api::PublicObjectId::new(101u64),
                    (1..1200u64)
                        .map(|i| api::PublicObjectId::new(10_000 + i))
                        .collect::<Vec<_>>(),
                ),
            ]);
            client
                .send(&api::batch_archive("contacts", "companies", &archive))
                .await
                .unwrap();
            assert_eq!(server.association_count("contacts", "101", "companies"), 0);
            client
                .send(&api::delete_label("contacts", "companies", manager))
                .await
                .unwrap();
            assert!(client
                .send(&api::list_labels("contacts", "companies"))
                .await
                .unwrap()
                .results
                .is_empty());
        }
    };
}

lifecycle!(lifecycle_v4, v4);
lifecycle!(lifecycle_v2026_03, v2026_03);

/// One batch request associating contacts with companies.
fn create_contact_companies(
    chunk: &[v4::PublicAssociationMultiPost],
) -> hubspot_associations::Request<
    hubspot_associations::Outcome<
        v4::BatchResponseLabelsBetweenObjectPair,
        v4::BatchResponseLabelsBetweenObjectPairWithErrors,
    >,
> {
    v4::batch_create(
        "contacts",
        "companies",
        &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
    )
}

fn create_inputs(count: u64) -> Vec<v4::PublicAssociationMultiPost> {
    (0..count)
        .map(|i| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(1_000_000 + i),
                v4::PublicObjectId::new(5_000_000_000u64 + i),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_of_10000_under_429_and_503_accounts_for_every_input() {
    let server = FakeHubSpot::start();
    for fault in [
        Fault::Status(503),
        Fault::RateLimit {
            policy: "TEN_SECONDLY_ROLLING",
            retry_after: None,
        },
        Fault::Status(502),
    ] {
        server.queue(fault);
    }
    server.random_faults(20, 15);
    // Ten inputs HubSpot rejects: they must come back as failures, not vanish.
    let rejected: Vec<String> = (0..10).map(|i| (1_000_000 + i * 997).to_string()).collect();
    server.reject_ids(rejected.clone());
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy {
            max_attempts: 30,
            ..fast_retries()
        })
        .build()
        .unwrap();

    let report = client
        .batch(create_inputs(10_000), create_contact_companies)
        .await;

    assert_eq!(report.requests, 10);
    assert_eq!(
        report.succeeded + report.failures.len(),
        10_000,
        "every input is accounted for"
    );
    assert_eq!(report.succeeded, 9_990);
    let mut failed: Vec<String> = report
        .failures
        .iter()
        .map(|f| f.input.from.id.to_string())
        .collect();
    failed.sort();
    let mut expected = rejected;
    expected.sort();
    assert_eq!(failed, expected);
    for failure in &report.failures {
        let FailureReason::Rejected(error) = &failure.reason else {
            panic!("{failure:?}")
        };
        assert_eq!(error["category"], "VALIDATION_ERROR");
    }
    assert_eq!(server.total_associations(), 9_990);
    let stats = server.stats();
    assert!(
        stats.rate_limited > 0 && stats.server_errors > 0,
        "faults were injected: {stats:?}"
    );
}

#[tokio::test]
async fn a_failed_request_fails_each_of_its_inputs_with_the_reason() {
    let server = FakeHubSpot::start();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .batch_size(100)
        // One request at a time, so the fault meets the first chunk of 100.
        .batch_concurrency(1)
        .build()
        .unwrap();
    server.queue(Fault::Status(400));
    let report = client
        .batch(create_inputs(250), create_contact_companies)
        .await;
    assert_eq!(report.requests, 3);
    assert_eq!(report.succeeded, 150);
    assert_eq!(report.failures.len(), 100);
    let FailureReason::Request(error) = &report.failures[0].reason else {
        panic!()
    };
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn partial_success_is_kept_apart() {
    let server = FakeHubSpot::start();
    server.reject_ids(["1000001".to_owned()]);
    let client = client(&server);
    let body = v4::BatchInputPublicAssociationMultiPost::new(create_inputs(3));
    match client
        .send(&v4::batch_create("contacts", "companies", &body))
        .await
        .unwrap()
    {
        Outcome::Partial(partial) => {
            assert_eq!(partial.results.len(), 2);
            assert_eq!(partial.num_errors, Some(1));
            assert_eq!(
                partial.errors.unwrap()[0].message,
                "Record 1000001 cannot be associated."
            );
        }
        Outcome::Complete(_) => panic!("a 207 must not look like full success"),
    }
}

#[tokio::test]
async fn status_drift_from_201_to_200_is_still_success() {
    let server = FakeHubSpot::start();
    server.answer_create_with_200();
    let body = v4::BatchInputPublicAssociationMultiPost::new(create_inputs(2));
    let outcome = client(&server)
        .send(&v4::batch_create("contacts", "companies", &body))
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Complete(ref c) if c.results.len() == 2));
}

#[tokio::test]
async fn unknown_enum_values_from_the_server_survive() {
    let server = FakeHubSpot::start();
    server.send_category("WORK_EXPERIMENTAL");
    let client = client(&server);
    let spec = v4::AssociationSpec::new(v4::AssociationCategory::HubspotDefined, 1);
    client
        .send(&v4::create_association(
            "contacts",
            1u64,
            "companies",
            2u64,
            &[spec],
        ))
        .await
        .unwrap();
    let page = client
        .send(&v4::list_associations(
            "contacts",
            1u64,
            "companies",
            &Default::default(),
        ))
        .await
        .unwrap();
    assert_eq!(
        page.results[0].association_types[0].category,
        v4::AssociationCategory::Unknown("WORK_EXPERIMENTAL".into())
    );
}

#[tokio::test]
async fn daily_limit_is_not_retried() {
    let server = FakeHubSpot::start();
    server.queue(Fault::RateLimit {
        policy: "DAILY",
        retry_after: None,
    });
    let error = client(&server)
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(limited.policy, RateLimitPolicy::Daily);
    assert_eq!(limited.daily_remaining, Some(0));
    assert_eq!(
        limited.correlation_id.as_deref(),
        Some("c0ffee00-0000-4000-8000-000000000429")
    );
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn secondly_limit_is_retried_after_retry_after() {
    let server = FakeHubSpot::start();
    server.queue(Fault::RateLimit {
        policy: "SECONDLY",
        retry_after: Some(1),
    });
    let start = Instant::now();
    client(&server)
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited as Retry-After said"
    );
    assert_eq!(server.stats().requests, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_not_waited_for() {
    let server = FakeHubSpot::start();
    server.queue(Fault::RateLimit {
        policy: "SECONDLY",
        retry_after: Some(3600),
    });
    let start = Instant::now();
    let error = client(&server)
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(limited.retry_after, Some(Duration::from_secs(3600)));
    assert!(start.elapsed() < Duration::from_secs(5), "returned at once");
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn server_errors_are_retried_only_when_repeating_is_safe() {
    let server = FakeHubSpot::start();
    let client = client(&server);
    server.queue(Fault::Status(503));
    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    assert_eq!(server.stats().requests, 2);

    server.queue(Fault::Status(503));
    let label = v4::PublicAssociationDefinitionCreateRequest::new("Once", "once");
    let error = client
        .send(&v4::create_label("contacts", "companies", &label))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        server.stats().requests,
        3,
        "creating a label is not repeated: it could create two"
    );
}

#[tokio::test]
async fn dropped_connections_and_slow_answers() {
    let server = FakeHubSpot::start();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(fast_retries())
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    server.queue(Fault::Drop);
    // Far beyond the timeout, which leaves an ordinary answer on a loaded machine room.
    server.queue(Fault::Slow(Duration::from_secs(20)));
    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    assert_eq!(
        server.stats().requests,
        3,
        "a broken and a timed-out read were retried"
    );

    server.queue(Fault::Slow(Duration::from_secs(20)));
    let label = v4::PublicAssociationDefinitionCreateRequest::new("Slow", "slow");
    let error = client
        .send(&v4::create_label("contacts", "companies", &label))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: "create_label",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn hostile_path_parameter_reaches_the_server_as_one_segment() {
    let server = FakeHubSpot::start();
    let hostile = "contacts/../../crm/v4/owners?archived=true#x";
    client(&server)
        .send(&v4::list_associations(
            hostile,
            5u64,
            "companies",
            &Default::default(),
        ))
        .await
        .unwrap();
    let seen = server.seen();
    let path = &seen.last().unwrap().raw_path;
    assert_eq!(path.split('/').count(), 8, "{path}");
    assert!(
        path.starts_with(
            "/crm/v4/objects/contacts%2F..%2F..%2Fcrm%2Fv4%2Fowners%3Farchived%3Dtrue%23x/5/"
        ),
        "{path}"
    );
    assert_eq!(seen.last().unwrap().query, None);

    let error = client(&server)
        .send(&v4::list_associations(
            "contacts",
            "..",
            "companies",
            &Default::default(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(
        server.stats().requests,
        1,
        "nothing was sent for the dot segment"
    );
}

#[tokio::test]
async fn the_token_never_appears_in_debug_logs_or_errors() {
    let secret = "pat-na1-SECRET-never-print-me";
    let captured = CapturedLogs::start(tracing::Level::TRACE);

    let server = FakeHubSpot::start();
    server.accept_token(secret);
    let client = Client::builder()
        .token(secret)
        .base_url(&server.base_url)
        .retry(fast_retries())
        .build()
        .unwrap();
    let mut texts = vec![format!("{client:?}")];

    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    // HubSpot refuses: the error carries its message, not our headers.
    server.queue(Fault::Status(403));
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
    texts.push(format!("{error} {error:?}"));
    // Rate limited, with retries logged on the way.
    for _ in 0..3 {
        server.queue(Fault::RateLimit {
            policy: "TEN_SECONDLY_ROLLING",
            retry_after: None,
        });
    }
    server.queue(Fault::RateLimit {
        policy: "DAILY",
        retry_after: None,
    });
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?}"));
    // Nobody listening.
    let closed = Client::builder()
        .token(secret)
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let error = closed
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?}"));
    let request = v4::list_labels("contacts", "companies");
    texts.push(format!("{request:?}"));

    let logs = captured.text();
    assert!(
        logs.contains("retrying HubSpot request"),
        "the retries were logged: {logs}"
    );
    texts.push(logs);
    for text in texts {
        assert!(
            !text.contains(secret) && !text.contains("SECRET"),
            "token leaked: {text}"
        );
    }
    // The server did receive it, so the check above is about our output only.
    assert!(server
        .seen()
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&*format!("Bearer {secret}"))));
}

#[tokio::test]
async fn the_client_keeps_under_the_limit_the_server_reports() {
    let server = FakeHubSpot::start();
    server.rate_limit(5, Duration::from_millis(500));
    let client = client(&server);
    // The first answer reports the limit; from then on the client paces itself.
    for _ in 0..15 {
        client
            .send(&v4::list_labels("contacts", "companies"))
            .await
            .unwrap();
    }
    let stats = server.stats();
    assert!(
        stats.rate_limited == 0,
        "bounced off the limit {} times",
        stats.rate_limited
    );
}

#[tokio::test]
async fn a_request_gives_up_its_rate_limit_place_when_the_headers_arrive() {
    let server = FakeHubSpot::start();
    server.queue(Fault::SlowBody(Duration::from_secs(2)));
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .rate_limit(1, Duration::from_millis(200))
        .build()
        .unwrap();
    let slow = v4::list_labels("contacts", "companies");
    let next = v4::list_labels("contacts", "deals");
    let order = std::sync::Mutex::new(Vec::new());
    let send = |request, name| {
        let (client, order) = (&client, &order);
        async move {
            client.send(request).await.unwrap();
            order.lock().unwrap().push(name);
        }
    };
    // The second request may go 200 ms after the first one's headers, so it is answered
    // while the first one's body is still on its way; counting the first from its body
    // would hold the second until 2.2 s, after the first.
    tokio::join!(send(&slow, "slow body"), async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        send(&next, "next").await
    });
    assert_eq!(*order.lock().unwrap(), ["next", "slow body"]);
}

#[tokio::test]
async fn batch_read_follows_each_inputs_own_paging() {
    let server = FakeHubSpot::start();
    let client = client(&server);
    // Record 1 has 1,100 companies, record 2 has 3, record 3 has none.
    let mut inputs = Vec::new();
    for (from, count) in [(1u64, 1100u64), (2, 3)] {
        inputs.extend((0..count).map(|i| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(from),
                v4::PublicObjectId::new(9_000_000 + i),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        }));
    }
    let created = client.batch(inputs, create_contact_companies).await;
    assert!(created.is_complete());
    server.read_page_size(500);

    let reads = [1u64, 2, 3]
        .map(v4::PublicFetchAssociationsBatchRequest::new)
        .to_vec();
    let report = client
        .batch_all_pages(reads, |chunk| {
            v4::batch_read(
                "contacts",
                "companies",
                &v4::BatchInputPublicFetchAssociationsBatchRequest::new(chunk.to_vec()),
            )
        })
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);
    let mut counts: Vec<(String, usize)> = report
        .results
        .iter()
        .map(|r| (r.from.id.to_string(), r.to.len()))
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        [
            ("1".to_owned(), 1100),
            ("2".to_owned(), 3),
            ("3".to_owned(), 0)
        ]
    );
    assert_eq!(
        report.requests, 3,
        "one read, then pages 2 and 3 of record 1"
    );
    assert!(report
        .results
        .iter()
        .all(|r| r.paging.as_ref().is_none_or(|p| p.next.is_none())));
}

#[tokio::test]
async fn paging_that_goes_in_circles_ends() {
    let server = FakeHubSpot::start();
    server.cycle_paging();
    let client = client(&server);
    let pages = client.paginate(|after| {
        v4::list_associations(
            "contacts",
            1u64,
            "companies",
            &v4::ListAssociationsQuery::default()
                .with_after(after)
                .with_limit(10),
        )
    });
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(5), pages.try_collect::<Vec<_>>())
        .await
        .expect("the stream ends")
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(
        server.stats().requests,
        3,
        "first page, cursor 1, cursor 0; then 1 again is refused"
    );
}

#[tokio::test]
async fn a_result_that_only_mentions_an_input_does_not_answer_it() {
    let server = FakeHubSpot::start();
    let client = client(&server);
    // Contact 6 is associated with contact 5; HubSpot rejects 5.
    let link = v4::AssociationSpec::new(v4::AssociationCategory::HubspotDefined, 1);
    client
        .send(&v4::create_association(
            "contacts",
            6u64,
            "contacts",
            5u64,
            &[link],
        ))
        .await
        .unwrap();
    server.reject_ids(["5".to_owned()]);
    let reads = [5u64, 6]
        .map(v4::PublicFetchAssociationsBatchRequest::new)
        .to_vec();
    let report = client
        .batch(reads, |chunk| {
            v4::batch_read(
                "contacts",
                "contacts",
                &v4::BatchInputPublicFetchAssociationsBatchRequest::new(chunk.to_vec()),
            )
        })
        .await;
    assert_eq!(report.succeeded, 1);
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].input.id, "5");
    assert!(matches!(
        report.failures[0].reason,
        FailureReason::Rejected(_)
    ));
}
