//! Several worker processes of one app against the fake HubSpot enforcing 10 requests a
//! second (an exact sliding window): N = 1, 4 and 16 processes, 100,000 inputs in all,
//! each process pacing itself, then all sharing one budget through Redis (a `redis-server`
//! of its own). Prints, for each: the share of the limit's capacity used, 429s per
//! successful request, inputs failed, and slowest ÷ fastest worker.
//! `cargo bench -p tests --bench workers`.

use std::path::Path;
use std::time::Duration;

use tests::fake_hubspot::FakeHubSpot;
use tests::redis_server::RedisServer;
use tests::workers;

const INPUTS: u64 = 100_000;
const LIMIT: usize = 10;
const WINDOW: Duration = Duration::from_secs(1);
const BATCH: u64 = 1000;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it cheap there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("workers: run with `cargo bench -p tests --bench workers`");
        return;
    }
    let redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{:<12} {:>3} {:>9} {:>9} {:>10} {:>11} {:>7} {:>8}",
        "mode", "N", "requests", "time s", "capacity", "429/success", "failed", "slow/fast"
    );
    for shared in [false, true] {
        for n in [1usize, 4, 16] {
            let server = FakeHubSpot::start();
            server.rate_limit(LIMIT, WINDOW);
            let key = format!("bench-{n}");
            let per_worker = INPUTS / n as u64;
            let outcomes = workers::run(&workers::Run {
                exe: Path::new(env!("CARGO_BIN_EXE_worker")),
                base_url: &server.base_url,
                workers: n,
                inputs_per_worker: per_worker,
                batch_size: None,
                redis: shared.then_some((redis.url.as_str(), key.as_str())),
            })
            .unwrap_or_else(|e| panic!("{e}"));
            let stats = server.stats();
            let requests = n as u64 * per_worker.div_ceil(BATCH);
            // Those requests at the limit: the first LIMIT at once, then LIMIT per WINDOW.
            let ideal = WINDOW.mul_f64(requests.saturating_sub(LIMIT as u64) as f64 / LIMIT as f64);
            let slowest = outcomes.iter().map(|o| o.elapsed).max().unwrap_or_default();
            let fastest = outcomes.iter().map(|o| o.elapsed).min().unwrap_or_default();
            let failed: usize = outcomes.iter().map(|o| o.failed.len()).sum();
            let succeeded_requests = stats.requests - stats.rate_limited;
            println!(
                "{:<12} {:>3} {:>9} {:>9.2} {:>9.1}% {:>11.3} {:>7} {:>8.2}",
                if shared { "Redis" } else { "independent" },
                n,
                requests,
                slowest.as_secs_f64(),
                100.0 * ideal.as_secs_f64() / slowest.as_secs_f64(),
                stats.rate_limited as f64 / succeeded_requests.max(1) as f64,
                failed,
                slowest.as_secs_f64() / fastest.as_secs_f64().max(1e-9),
            );
        }
    }
}
