//! A user's code over the crate generated from `tests/fixtures/crm_objects.yaml` (a CRM
//! objects API shaped as HubSpot's, whose document says nothing of its limits), against the
//! fake HubSpot, which keeps HubSpot's: 100 inputs a batch, 50 for a read with property
//! histories, 200 results a search page, none past the 10,000th, and about 5 searches a
//! second. `tests/it/limits.rs` generates the crate next to this one and runs these tests.

#[cfg(test)]
#[allow(dead_code, unused_imports)]
mod fake_hubspot;
#[cfg(test)]
#[allow(dead_code, unused_imports)]
mod resettable;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use crm::runtime::{BatchChunk, Client, ObjectIds, RetryPolicy};
    use crm::v3;
    use futures_util::{stream, StreamExt, TryStreamExt};

    use super::fake_hubspot::{FakeHubSpot, ObjectLimits, TOKEN};

    fn client(server: &FakeHubSpot) -> Client {
        Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .retry(RetryPolicy {
                initial_backoff: Duration::from_millis(2),
                max_backoff: Duration::from_millis(20),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap()
    }

    fn contact(n: usize) -> v3::SimplePublicObjectInputForCreate {
        let properties = BTreeMap::from([("email".to_owned(), format!("contact-{n}@example.com"))]);
        v3::SimplePublicObjectInputForCreate::new(properties)
    }

    type Created =
        crm::Outcome<v3::BatchResponseSimplePublicObject, v3::BatchResponseSimplePublicObjectWithErrors>;

    fn sorted(mut sizes: Vec<usize>) -> Vec<usize> {
        sizes.sort_unstable();
        sizes
    }

    fn create(chunk: &[v3::SimplePublicObjectInputForCreate]) -> crm::Request<Created> {
        let body = v3::BatchInputSimplePublicObjectInputForCreate::new(chunk.to_vec());
        v3::batch_create("contacts", &body)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn contacts_go_in_batches_of_a_hundred_and_each_is_created_once() {
        let server = FakeHubSpot::start();
        let inputs: Vec<_> = (0..25_000).map(contact).collect();
        let report = client(&server).batch(inputs, create).await;
        assert!(report.failures.is_empty(), "{:?}", report.failures.first());
        assert_eq!((report.succeeded, report.requests), (25_000, 250));
        assert_eq!(report.results.len(), 25_000);
        let sizes = server.object_batch_sizes();
        assert_eq!(sizes.len(), 250);
        assert!(sizes.iter().all(|size| *size == 100), "{sizes:?}");
        assert_eq!(server.object_count("contacts"), 25_000);
        assert_eq!(server.objects_distinct("contacts", "email"), 25_000);
    }

    #[tokio::test]
    async fn a_read_with_property_histories_goes_in_batches_of_fifty() {
        let server = FakeHubSpot::start();
        server.seed_objects("contacts", 120);
        let ids: Vec<_> = (1..=120u64).map(v3::SimplePublicObjectId::new).collect();
        let report = client(&server)
            .batch(ids, |chunk| {
                let body = v3::BatchReadInputSimplePublicObjectId::new(
                    chunk.to_vec(),
                    vec!["email".to_owned()],
                    vec!["lifecyclestage".to_owned()],
                );
                v3::batch_read("contacts", &body)
            })
            .await;
        assert!(report.failures.is_empty(), "{:?}", report.failures.first());
        assert_eq!(report.results.len(), 120);
        // Chunks go out four at a time, so they may arrive in any order.
        assert_eq!(sorted(server.object_batch_sizes()), [20, 50, 50]);

        // Without histories, the same read takes 100 a request.
        let ids: Vec<_> = (1..=120u64).map(v3::SimplePublicObjectId::new).collect();
        client(&server)
            .batch(ids, |chunk| {
                let body = v3::BatchReadInputSimplePublicObjectId::new(chunk.to_vec(), vec![], vec![]);
                v3::batch_read("contacts", &body)
            })
            .await;
        assert_eq!(sorted(server.object_batch_sizes()[3..].to_vec()), [20, 100]);
    }

    #[tokio::test]
    async fn a_server_stricter_than_documented_is_met_by_splitting_and_nothing_fails() {
        let server = FakeHubSpot::start();
        server.object_limits(ObjectLimits {
            batch: 40,
            ..ObjectLimits::default()
        });
        let client = client(&server);
        let report = client.batch((0..250).map(contact).collect(), create).await;
        assert!(report.failures.is_empty(), "{:?}", report.failures.first());
        assert_eq!(report.succeeded, 250);
        assert_eq!(server.object_count("contacts"), 250);
        let sizes = server.object_batch_sizes();
        // The first request of 100 is refused and split; the rest are cut at 40 (in any
        // order, as they run four at a time).
        assert!(sizes.contains(&100), "{sizes:?}");
        let refused = sizes.iter().filter(|size| **size > 40).count();
        assert!(refused <= 3, "at most the requests already on their way: {sizes:?}");
        assert_eq!(sizes.iter().filter(|size| **size <= 40).sum::<usize>(), 250);
        // The client keeps the limit: a later batch is cut at 40 from the start.
        let before = sizes.len();
        client.batch((250..330).map(contact).collect(), create).await;
        assert_eq!(server.object_batch_sizes()[before..], [40, 40]);
    }

    /// An input that counts how many of its kind exist at once.
    #[derive(Clone)]
    struct Counted(v3::SimplePublicObjectInputForCreate);

    static ALIVE: AtomicUsize = AtomicUsize::new(0);
    static MOST_ALIVE: AtomicUsize = AtomicUsize::new(0);

    impl Counted {
        fn new(n: usize) -> Self {
            let alive = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
            MOST_ALIVE.fetch_max(alive, Ordering::SeqCst);
            Counted(contact(n))
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            ALIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    impl ObjectIds for Counted {
        fn object_ids(&self) -> Vec<&str> {
            Vec::new()
        }
    }

    #[tokio::test]
    async fn a_stream_of_inputs_holds_only_the_chunks_in_flight() {
        let server = FakeHubSpot::start();
        let client = client(&server);
        let inputs = stream::iter((0..20_000).map(Counted::new));
        let mut chunks = std::pin::pin!(client.batch_stream(inputs, |chunk: &[Counted]| {
            let body = v3::BatchInputSimplePublicObjectInputForCreate::new(
                chunk.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
            );
            v3::batch_create("contacts", &body)
        }));
        let (mut succeeded, mut failed) = (0, 0);
        while let Some(BatchChunk { succeeded: ok, failures, .. }) = chunks.next().await {
            succeeded += ok.len();
            failed += failures.len();
        }
        assert_eq!((succeeded, failed), (20_000, 0));
        assert_eq!(server.object_count("contacts"), 20_000);
        // Four chunks of 100 in flight, one being cut, and their outcomes on the way out.
        let most = MOST_ALIVE.load(Ordering::SeqCst);
        assert!(most <= 6 * 100, "{most} inputs were held at once");
    }

    fn search_body() -> v3::PublicObjectSearchRequest {
        v3::PublicObjectSearchRequest::new(String::new(), vec![], 10, vec!["email".to_owned()], vec![])
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_search_pages_past_ten_thousand_results_each_once_in_order() {
        let server = FakeHubSpot::start();
        server.seed_objects("contacts", 25_000);
        // Faster than HubSpot's 5 a second, so the test does not take half a minute; the
        // pacing at HubSpot's own limit is the next test's.
        server.object_limits(ObjectLimits {
            searches: (50, Duration::from_secs(1)),
            ..ObjectLimits::default()
        });
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .search_rate_limit(40, Duration::from_secs(1))
            .build()
            .unwrap();
        let found: Vec<v3::SimplePublicObject> = client
            .search_all(v3::search("contacts", &search_body()))
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<u64> = found.iter().map(|r| r.id.as_str().parse().unwrap()).collect();
        assert_eq!(ids.len(), 25_000);
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in hs_object_id order, none twice");
        assert_eq!((ids[0], ids[24_999]), (1, 25_000));
        let (answered, refused) = server.searches();
        assert_eq!((answered, refused), (125, 0));
    }

    #[tokio::test]
    async fn searches_keep_under_hubspots_search_limit_by_default() {
        let server = FakeHubSpot::start();
        server.seed_objects("contacts", 2_000);
        let started = std::time::Instant::now();
        let found: Vec<v3::SimplePublicObject> = client(&server)
            .search_all(v3::search("contacts", &search_body()))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(found.len(), 2_000);
        // Ten pages at four a second, none refused.
        assert_eq!(server.searches(), (10, 0));
        assert!(started.elapsed() >= Duration::from_millis(1_400), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_search_sorted_otherwise_stops_at_the_cap_with_a_clear_error() {
        let server = FakeHubSpot::start();
        server.seed_objects("contacts", 10_300);
        server.object_limits(ObjectLimits {
            searches: (100, Duration::from_secs(1)),
            ..ObjectLimits::default()
        });
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .search_rate_limit(80, Duration::from_secs(1))
            .build()
            .unwrap();
        let mut body = search_body();
        body.sorts = vec!["-createdate".to_owned()];
        let results: Vec<_> = client.search_all(v3::search("contacts", &body)).collect().await;
        let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        assert_eq!(ok.len(), 10_000);
        let [error] = errors.as_slice() else {
            panic!("{} errors", errors.len())
        };
        let error = error.as_ref().unwrap_err();
        assert!(matches!(error, crm::Error::SearchCap { .. }), "{error:?}");
        assert!(error.to_string().contains("hs_object_id"), "{error}");
        // It never asked for the page HubSpot refuses.
        assert_eq!(server.searches(), (50, 0));
    }
}
