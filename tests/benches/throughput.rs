//! 100,000 batch inputs against the fake HubSpot enforcing a scaled-down rate limit (10
//! requests a second, 429 with HubSpot's body and headers beyond it). Prints the time taken
//! against the limit's ideal, and the requests, retries and 429s it took.
//! `cargo bench -p tests --bench throughput`.

use std::time::{Duration, Instant};

use hubspot_associations::runtime::RetryPolicy;
use hubspot_associations::{v4, Client};
use tests::fake_hubspot::{FakeHubSpot, TOKEN};

const INPUTS: u64 = 100_000;
const LIMIT: usize = 10;
const WINDOW: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it cheap there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("throughput: run with `cargo bench -p tests --bench throughput`");
        return;
    }
    for adaptive in [true, false] {
        let server = FakeHubSpot::start();
        server.rate_limit(LIMIT, WINDOW);
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .adapt_to_rate_limit_headers(adaptive)
            .retry(RetryPolicy {
                max_attempts: 50,
                initial_backoff: Duration::from_millis(50),
                max_backoff: Duration::from_secs(2),
                ..RetryPolicy::default()
            })
            .batch_concurrency(4)
            .build()
            .expect("client");
        let inputs: Vec<_> = (0..INPUTS)
            .map(|i| {
                v4::PublicAssociationMultiPost::new(
                    v4::PublicObjectId::new(1_000_000 + i),
                    v4::PublicObjectId::new(9_000_000_000u64 + i),
                    vec![v4::AssociationSpec::new(
                        v4::AssociationCategory::HubspotDefined,
                        1,
                    )],
                )
            })
            .collect();
        let start = Instant::now();
        let report = client
            .batch(inputs, |chunk| {
                v4::batch_create(
                    "contacts",
                    "companies",
                    &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
                )
            })
            .await;
        let elapsed = start.elapsed();
        let stats = server.stats();
        // `requests` requests at LIMIT per WINDOW: the first LIMIT go at once.
        let ideal = WINDOW.mul_f64((report.requests.saturating_sub(LIMIT)) as f64 / LIMIT as f64);
        println!(
            "{:<36} {:>6.2} s (ideal {:>5.2} s, {:>5.1} % of capacity); {} inputs through, {} failed; {} requests, {} retries, {} answered 429",
            if adaptive { "client-side limiter from headers" } else { "retrying 429s only" },
            elapsed.as_secs_f64(),
            ideal.as_secs_f64(),
            100.0 * ideal.as_secs_f64() / elapsed.as_secs_f64(),
            report.succeeded,
            report.failures.len(),
            report.requests,
            stats.requests - report.requests,
            stats.rate_limited,
        );
        assert_eq!(report.succeeded as u64, INPUTS, "nothing lost");
    }
}
