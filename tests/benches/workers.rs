//! Several worker processes of one app against the fake HubSpot enforcing 10 requests a
//! second (an exact sliding window): N = 1, 4 and 16 processes, 100,000 inputs in all,
//! each process pacing itself (with refused requests not counted in the window, then
//! counted), then all sharing one budget through a file, and through Redis (a
//! `redis-server` of its own).
//! Prints, for each: the share of the limit's capacity used, 429s per successful request,
//! inputs failed, and slowest ÷ fastest worker.
//!
//! `cargo bench -p tests --bench workers`; after `--`, `independent`, `refused`, `file` or
//! `redis` and values of N pick some of the runs (`-- redis 4 16`).

use std::path::Path;
use std::time::Duration;

use tests::fake_hubspot::{Counted, FakeHubSpot};
use tests::redis_server::RedisServer;
use tests::workers;

const INPUTS: u64 = 100_000;
const LIMIT: usize = 10;
const WINDOW: Duration = Duration::from_secs(1);
const BATCH: u64 = 1000;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Each worker paces itself; a refused request does not count in the window.
    Independent,
    /// Each worker paces itself; a refused request counts in the window.
    Refused,
    /// The workers share one budget in a file.
    File,
    /// The workers share one budget in Redis.
    Redis,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Independent => "independent",
            Mode::Refused => "refused",
            Mode::File => "file",
            Mode::Redis => "redis",
        }
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it cheap there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("workers: run with `cargo bench -p tests --bench workers`");
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let all = [Mode::Independent, Mode::Refused, Mode::File, Mode::Redis];
    let named: Vec<Mode> = all
        .into_iter()
        .filter(|m| args.iter().any(|a| a == m.name()))
        .collect();
    let modes = if named.is_empty() {
        all.to_vec()
    } else {
        named
    };
    let sizes: Vec<usize> = match args.iter().filter_map(|a| a.parse().ok()).collect() {
        sizes if Vec::is_empty(&sizes) => vec![1, 4, 16],
        sizes => sizes,
    };
    let redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{:<12} {:>3} {:>9} {:>9} {:>10} {:>11} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "mode",
        "N",
        "requests",
        "time s",
        "capacity",
        "429/success",
        "failed",
        "slow/fast",
        "first ms",
        "reuse ms",
        "serve ms"
    );
    for &mode in &modes {
        for &n in &sizes {
            let server = FakeHubSpot::start();
            server.rate_limit(LIMIT, WINDOW);
            server.count_refused_requests(mode == Mode::Refused);
            let key = format!("bench-{n}");
            let per_worker = INPUTS / n as u64;
            let file = std::env::temp_dir().join(format!(
                "hubspot-bench-rate-limit-{}-{n}",
                std::process::id()
            ));
            let outcomes = workers::run(&workers::Run {
                exe: Path::new(env!("CARGO_BIN_EXE_worker")),
                base_url: &server.base_url,
                workers: n,
                inputs_per_worker: per_worker,
                batch_size: None,
                redis: (mode == Mode::Redis).then_some((redis.url.as_str(), key.as_str())),
                file: (mode == Mode::File).then_some(file.as_path()),
            })
            .unwrap_or_else(|e| panic!("{e}"));
            let _ = std::fs::remove_file(&file);
            let stats = server.stats();
            let requests = n as u64 * per_worker.div_ceil(BATCH);
            // Those requests at the limit, as fast as the exact window allows: LIMIT at once,
            // and LIMIT more each WINDOW later (the k-th request goes a WINDOW after the
            // (k - LIMIT)-th), so the last goes out ⌈requests / LIMIT⌉ - 1 windows in.
            let ideal = WINDOW * (requests.div_ceil(LIMIT as u64) - 1) as u32;
            let slowest = outcomes.iter().map(|o| o.elapsed).max().unwrap_or_default();
            let fastest = outcomes.iter().map(|o| o.elapsed).min().unwrap_or_default();
            let failed: usize = outcomes.iter().map(|o| o.failed.len()).sum();
            let succeeded_requests = stats.requests - stats.rate_limited;
            let lateness = Lateness::of(&server.timeline(), WINDOW, LIMIT);
            println!(
                "{:<12} {:>3} {:>9} {:>9.2} {:>9.1}% {:>11.3} {:>7} {:>8.2} {:>8.1} {:>8.1} {:>8.1}",
                mode.name(),
                n,
                requests,
                slowest.as_secs_f64(),
                100.0 * ideal.as_secs_f64() / slowest.as_secs_f64(),
                stats.rate_limited as f64 / succeeded_requests.max(1) as f64,
                failed,
                slowest.as_secs_f64() / fastest.as_secs_f64().max(1e-9),
                lateness.first_window.as_secs_f64() * 1e3,
                lateness.per_reuse.as_secs_f64() * 1e3,
                lateness.serving.as_secs_f64() * 1e3,
            );
        }
    }
}

/// Where the time beyond the exact window's minimum went, read from the arrivals the fake
/// counted. Under the window the last request's place was used first in the first window
/// and then once a window: its arrival is the first window's spread, plus one window per
/// reuse, plus each reuse's lateness.
#[derive(Default)]
struct Lateness {
    /// From the first accepted arrival to the first use of the last request's place.
    first_window: Duration,
    /// How much later than a window after its previous use that place was used again, on
    /// average.
    per_reuse: Duration,
    /// From arrival to answer, on average over accepted requests.
    serving: Duration,
}

impl Lateness {
    fn of(timeline: &[Counted], window: Duration, limit: usize) -> Lateness {
        let mut accepted: Vec<&Counted> = timeline.iter().filter(|c| !c.refused).collect();
        accepted.sort_by_key(|c| c.arrived);
        let (Some(first), Some(last)) = (accepted.first(), accepted.last()) else {
            return Lateness::default();
        };
        let n = accepted.len();
        let first_use = (n - 1) % limit;
        let reuses = (n - 1) / limit;
        let chain = last.arrived - accepted[first_use].arrived;
        Lateness {
            first_window: accepted[first_use].arrived - first.arrived,
            per_reuse: chain
                .saturating_sub(window * reuses as u32)
                .checked_div(reuses.max(1) as u32)
                .unwrap_or_default(),
            serving: accepted.iter().map(|c| c.served_in).sum::<Duration>() / n as u32,
        }
    }
}
