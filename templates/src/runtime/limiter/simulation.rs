//! Several independent clients against a model of HubSpot's window, on paused time: the
//! same schedule as `tests/benches/workers.rs` (100 requests of one app among N workers,
//! 10 a second, refused requests not counted), run in milliseconds, so that a change to the
//! local limiter shows what it does to capacity and 429s before the real benchmark runs.
//!
//! The model: an exact sliding window counted on arrival, 1 ms on the way, 7 ms at the
//! server for an accepted request and 1 ms for a refused one, `-Remaining` on every answer.
//! Each worker sends its requests four at a time, as `Client::batch` does, and retries a 429
//! with the client's own `RetryPolicy::rate_limit_wait`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::super::error::{RateLimitPolicy, RateLimited};
use super::super::retry::RetryPolicy;
use super::{Limiter, RateLimitHeaders};

const MAX: usize = 10;
const INTERVAL: Duration = Duration::from_secs(1);
const UP: Duration = Duration::from_millis(1);
const SERVE: Duration = Duration::from_millis(7);
const REFUSE: Duration = Duration::from_millis(1);
const CONCURRENCY: usize = 4;

/// The app's window at the server.
#[derive(Default)]
struct Server {
    arrivals: VecDeque<Instant>,
}

impl Server {
    /// A request arrives now: accepted, and what remains of the window after it.
    fn arrive(&mut self, now: Instant) -> (bool, u64) {
        while self
            .arrivals
            .front()
            .is_some_and(|at| now.duration_since(*at) >= INTERVAL)
        {
            self.arrivals.pop_front();
        }
        if self.arrivals.len() < MAX {
            self.arrivals.push_back(now);
            (true, (MAX - self.arrivals.len()) as u64)
        } else {
            (false, 0)
        }
    }
}

/// One run's outcome.
#[derive(Debug)]
struct Outcome {
    /// The least time the window allows over the time the slowest worker took.
    pub capacity: f64,
    pub refused_per_success: f64,
}

fn headers(remaining: u64) -> RateLimitHeaders {
    RateLimitHeaders {
        max: Some(MAX as u64),
        interval: Some(INTERVAL),
        remaining: Some(remaining),
    }
}

/// Sends one request until it is accepted; returns how many times it was refused.
async fn send(limiter: &Limiter, server: &Mutex<Server>, policy: &RetryPolicy) -> u32 {
    let mut refused = 0;
    let first_refused = Instant::now();
    loop {
        let permit = limiter.acquire().await;
        tokio::time::sleep(UP).await;
        let (accepted, remaining) = server.lock().unwrap().arrive(Instant::now());
        tokio::time::sleep(if accepted { SERVE } else { REFUSE }).await;
        permit.answered(&headers(remaining)).await;
        if accepted {
            return refused;
        }
        limiter.rate_limited();
        let limited = RateLimited {
            operation: "simulated",
            policy: RateLimitPolicy::TenSecondlyRolling,
            message: String::new(),
            correlation_id: None,
            retry_after: None,
            interval: Some(INTERVAL),
            max: Some(MAX as u64),
            remaining: Some(0),
            daily: None,
            daily_remaining: None,
        };
        let wait = policy
            .rate_limit_wait(&limited, refused, first_refused.elapsed())
            .expect("within the deadline");
        refused += 1;
        tokio::time::sleep(wait).await;
    }
}

/// `workers` clients, started together, send `requests` requests in all.
async fn run(workers: usize, requests: usize) -> Outcome {
    let server = Arc::new(Mutex::new(Server::default()));
    let refused = Arc::new(AtomicU32::new(0));
    let start = Instant::now();
    let mut handles = Vec::new();
    for worker in 0..workers {
        let own = requests / workers + usize::from(worker < requests % workers);
        let (server, refused) = (server.clone(), refused.clone());
        handles.push(tokio::spawn(async move {
            let limiter = Arc::new(Limiter::local(None, true));
            let left = Arc::new(AtomicU32::new(own as u32));
            let mut senders = Vec::new();
            for _ in 0..CONCURRENCY {
                let (limiter, left, server, refused) = (
                    limiter.clone(),
                    left.clone(),
                    server.clone(),
                    refused.clone(),
                );
                senders.push(tokio::spawn(async move {
                    let policy = RetryPolicy::default();
                    while left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        let times = send(&limiter, &server, &policy).await;
                        refused.fetch_add(times, Ordering::SeqCst);
                    }
                }));
            }
            for sender in senders {
                sender.await.unwrap();
            }
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let took = start.elapsed();
    // The first `MAX` at once, then `MAX` more each interval.
    let least = INTERVAL * (requests.div_ceil(MAX) as u32 - 1);
    Outcome {
        capacity: least.as_secs_f64() / took.as_secs_f64(),
        refused_per_success: f64::from(refused.load(Ordering::SeqCst)) / requests as f64,
    }
}

/// Runs `runs` seeds and returns the median capacity and the median 429s per success.
async fn medians(workers: usize, requests: usize, runs: u64) -> (f64, f64) {
    let mut capacity = Vec::new();
    let mut refused = Vec::new();
    for seed in 0..runs {
        fastrand::seed(seed);
        let outcome = run(workers, requests).await;
        capacity.push(outcome.capacity);
        refused.push(outcome.refused_per_success);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(capacity), median(refused))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forty seeds of each schedule of the benchmark. The bounds are the benchmark's own
    /// figures where the local limiter meets them, and below its current medians otherwise,
    /// so that a change that makes pacing worse fails here first. `--nocapture` prints the
    /// medians.
    #[tokio::test(start_paused = true)]
    async fn independent_workers_share_the_window() {
        for (workers, requests, least_capacity, most_refused) in [
            (1, 100, 0.97, 0.0),
            (4, 100, 0.85, 0.1),
            (16, 112, 0.80, 0.7),
        ] {
            let (capacity, refused) = medians(workers, requests, 40).await;
            println!(
                "N = {workers:<2}: {:.1} % of capacity, {refused:.3} 429s per success",
                capacity * 100.0
            );
            assert!(
                capacity >= least_capacity && refused <= most_refused,
                "N = {workers}: {capacity:.3} of capacity (at least {least_capacity}), \
                 {refused:.3} 429s per success (at most {most_refused})"
            );
        }
    }
}
