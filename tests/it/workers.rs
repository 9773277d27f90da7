//! Several worker processes of one HubSpot app, against the fake HubSpot's exact window:
//! each pacing itself, sharing one budget through a file, and through a real Redis.

use std::path::Path;
use std::time::Duration;

use super::logs::CapturedLogs;
use hubspot_associations::runtime::RetryPolicy;
use hubspot_associations::{v4, Client, RedisRateLimit};
use tests::fake_hubspot::{FakeHubSpot, Fault, TOKEN};
use tests::redis_server::RedisServer;
use tests::workers::{self, Outcome};

const WORKERS: usize = 4;
const INPUTS_PER_WORKER: u64 = 600;
const BATCH_SIZE: usize = 100;

fn run(server: &FakeHubSpot, redis: Option<(&str, &str)>) -> Vec<Outcome> {
    run_sharing(server, redis, None)
}

fn run_sharing(
    server: &FakeHubSpot,
    redis: Option<(&str, &str)>,
    file: Option<&Path>,
) -> Vec<Outcome> {
    workers::run(&workers::Run {
        exe: Path::new(env!("CARGO_BIN_EXE_worker")),
        base_url: &server.base_url,
        workers: WORKERS,
        inputs_per_worker: INPUTS_PER_WORKER,
        batch_size: Some(BATCH_SIZE),
        redis,
        file,
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// No input lost or failed, each created exactly once.
fn assert_every_input_created_once(server: &FakeHubSpot, outcomes: &[Outcome]) {
    for outcome in outcomes {
        assert!(
            outcome.failed.is_empty(),
            "worker {} failed {} inputs: {:?}",
            outcome.first,
            outcome.failed.len(),
            outcome.reasons
        );
        assert_eq!(outcome.succeeded, INPUTS_PER_WORKER);
        for id in outcome.first..outcome.first + INPUTS_PER_WORKER {
            assert_eq!(server.times_created(&id.to_string()), 1, "input {id}");
        }
    }
}

#[test]
fn independent_workers_share_the_limit_without_losing_inputs() {
    let server = FakeHubSpot::start();
    server.rate_limit(5, Duration::from_millis(250));
    let outcomes = run(&server, None);
    assert_every_input_created_once(&server, &outcomes);
    let stats = server.stats();
    let requests = WORKERS * INPUTS_PER_WORKER as usize / BATCH_SIZE;
    assert_eq!(stats.requests - stats.rate_limited, requests);
}

#[test]
fn independent_workers_lose_nothing_when_refused_requests_count_too() {
    let server = FakeHubSpot::start();
    server.rate_limit(5, Duration::from_millis(250));
    // Every overshoot now also takes a place for a whole window from everyone.
    server.count_refused_requests(true);
    let outcomes = run(&server, None);
    assert_every_input_created_once(&server, &outcomes);
}

#[test]
fn workers_sharing_a_redis_budget_are_never_refused() {
    let Some(redis) = RedisServer::for_test("workers_sharing_a_redis_budget_are_never_refused")
    else {
        return;
    };
    let server = FakeHubSpot::start();
    server.rate_limit(5, Duration::from_millis(250));
    let outcomes = run(&server, Some((&redis.url, "hubspot-test-app")));
    assert_every_input_created_once(&server, &outcomes);
    let stats = server.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(
        stats.requests,
        WORKERS * INPUTS_PER_WORKER as usize / BATCH_SIZE
    );
}

/// A budget file of its own, removed when dropped.
struct BudgetFile(std::path::PathBuf);

impl BudgetFile {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("hubspot-rate-limit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        BudgetFile(path)
    }
}

impl Drop for BudgetFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn workers_sharing_a_budget_file_are_never_refused() {
    let file = BudgetFile::new("workers");
    let server = FakeHubSpot::start();
    server.rate_limit(5, Duration::from_millis(250));
    let outcomes = run_sharing(&server, None, Some(&file.0));
    assert_every_input_created_once(&server, &outcomes);
    let stats = server.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    // The workers kept their budget there, with the limit HubSpot reported.
    let budget = std::fs::read_to_string(&file.0).unwrap();
    assert!(budget.contains("\nlimit 5 250000\n"), "{budget}");
    assert_eq!(
        stats.requests,
        WORKERS * INPUTS_PER_WORKER as usize / BATCH_SIZE
    );
}

#[tokio::test]
async fn an_unusable_budget_file_leaves_requests_to_local_pacing_with_a_warning() {
    let captured = CapturedLogs::start(tracing::Level::WARN);
    let server = FakeHubSpot::start();
    server.rate_limit(4, Duration::from_millis(200));
    // A directory cannot be opened as a file.
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .rate_limit_file(std::env::temp_dir())
        .build()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), labels_through(&client, 8))
        .await
        .expect("not held up by the file");
    assert_eq!(server.stats().rate_limited, 0);
    let logs = captured.text();
    assert!(
        logs.contains("rate limit file unavailable: pacing this client on its own"),
        "{logs}"
    );
}

#[tokio::test]
async fn a_limit_already_in_redis_lets_a_new_client_start_at_full_speed() {
    let Some(redis) =
        RedisServer::for_test("a_limit_already_in_redis_lets_a_new_client_start_at_full_speed")
    else {
        return;
    };
    let server = FakeHubSpot::start();
    server.rate_limit(10, Duration::from_secs(1));
    let client = || {
        Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .redis_rate_limit(RedisRateLimit::new(&redis.url, "hubspot-test-app"))
            .build()
            .unwrap()
    };
    // One client learns the limit from HubSpot's headers and writes it to Redis.
    labels_through(&client(), 1).await;
    // A new client knows it from Redis: its first four requests go out together instead of
    // one first, alone, until an answer tells the limit.
    // Sent one first, alone, they would take two answers' time.
    let slow = Duration::from_secs(1);
    for _ in 0..4 {
        server.queue(Fault::Slow(slow));
    }
    let fresh = client();
    let start = std::time::Instant::now();
    futures_util::future::join_all((0..4).map(|_| labels_through(&fresh, 1))).await;
    let took = start.elapsed();
    assert!(took >= slow && took < slow * 2, "{took:?}");
}

async fn labels_through(client: &Client, times: usize) {
    for _ in 0..times {
        client
            .send(&v4::list_labels("contacts", "companies"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn without_redis_requests_go_on_under_local_pacing_with_a_warning() {
    let captured = CapturedLogs::start(tracing::Level::WARN);

    let server = FakeHubSpot::start();
    server.rate_limit(4, Duration::from_millis(200));
    // Nobody listens on the first; the second accepts connections and never answers.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("redis://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    for url in [closed_url, silent_url] {
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .retry(RetryPolicy::never())
            .redis_rate_limit(
                RedisRateLimit::new(url, "hubspot-test-app").timeout(Duration::from_millis(200)),
            )
            .build()
            .unwrap();
        tokio::time::timeout(Duration::from_secs(10), labels_through(&client, 8))
            .await
            .expect("not held up by Redis");
    }
    held.abort();
    let logs = captured.text();
    assert!(
        logs.contains("Redis rate limit unavailable: pacing this client on its own"),
        "{logs}"
    );
    assert_eq!(server.stats().rate_limited, 0, "paced locally");
}

#[test]
fn a_bad_redis_url_is_a_configuration_error() {
    let error = Client::builder()
        .token(TOKEN)
        .redis_rate_limit(RedisRateLimit::new("http://nowhere", "app"))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("not a Redis URL"), "{error}");
}
