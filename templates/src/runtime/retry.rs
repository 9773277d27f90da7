//! When and how long to wait before sending again, and a client-side rate limiter that keeps
//! requests under HubSpot's limit instead of bouncing off it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

/// How often and how patiently the client retries.
///
/// Retried: 429 answers other than the daily cap (after `Retry-After` when HubSpot sends it),
/// and connection failures before the request was sent. Retried only for idempotent
/// operations, because the request may already have taken effect: 502, 503 and 504
/// answers, timeouts and connections that broke after sending.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; `1` disables retries.
    pub max_attempts: u32,
    /// The first backoff; each further one doubles, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` worth waiting for; a 429 asking for more is returned as an
    /// error instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first): exponential, with "equal
    /// jitter" (half fixed, half random) so many clients do not retry in lockstep.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        let cap = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = cap / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Allows at most `max` requests in any window of `interval`.
///
/// HubSpot counts a request when it arrives: after we decide to send it, before its answer
/// comes back. So a request counts from the moment it is sent until its answer arrives (the
/// client drops the [`Permit`] when the headers are in), and from then on as if it had been
/// sent at that moment; the window never holds more requests than HubSpot's, however long
/// requests take on the way. Sends are recorded before a limit is known too, so a limit
/// learnt from HubSpot's headers counts the requests already made.
#[derive(Debug)]
pub struct RateLimiter {
    state: Arc<Mutex<Window>>,
}

#[derive(Debug)]
struct Window {
    /// `None` until a limit is configured or learnt.
    max: Option<u32>,
    interval: Duration,
    /// Each counted send: its permit, and when it counts from (`None` while in flight).
    sent: VecDeque<(u64, Option<Instant>)>,
    next_permit: u64,
}

/// A counted send. When it is dropped (the answer arrived, or the request was abandoned), the
/// send counts from that moment.
#[derive(Debug)]
pub struct Permit {
    id: u64,
    state: Arc<Mutex<Window>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut window = lock(&self.state);
        let now = Instant::now();
        // Permits are counted in increasing order and only ever removed, so `sent` is sorted.
        if let Ok(i) = window.sent.binary_search_by_key(&self.id, |(p, _)| *p) {
            window.sent[i].1 = Some(now);
        }
    }
}

/// The window's lock; a panic elsewhere while holding it leaves only counts behind, which are
/// still usable.
fn lock(state: &Mutex<Window>) -> MutexGuard<'_, Window> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends remembered while no limit is known.
const HISTORY: usize = 1024;

/// How soon to look again when every counted send is still in flight.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(5);

/// The longest interval taken from HubSpot's headers: a larger one would stall the client.
pub const MAX_LEARNT_INTERVAL: Duration = Duration::from_secs(60);

impl Window {
    /// How long to wait before a send is allowed; `None` if it is allowed now.
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        let max = self.max?;
        let interval = self.interval;
        self.sent
            .retain(|(_, at)| at.is_none_or(|at| now.duration_since(at) < interval));
        if self.sent.len() < max as usize {
            return None;
        }
        let oldest = self.sent.iter().filter_map(|(_, at)| *at).min();
        let wait = oldest.map_or(IN_FLIGHT_POLL, |at| {
            interval.saturating_sub(now.duration_since(at))
        });
        Some(wait.max(Duration::from_millis(1)))
    }

    fn count(&mut self) -> u64 {
        let permit = self.next_permit;
        self.next_permit += 1;
        self.sent.push_back((permit, None));
        if self.max.is_none() && self.sent.len() > HISTORY {
            self.sent.pop_front();
        }
        permit
    }
}

impl RateLimiter {
    pub fn new(max: u32, interval: Duration) -> Self {
        Self::with(Some(max.max(1)), interval)
    }

    /// A limiter that lets everything through until [`update`](Self::update) sets a limit.
    pub fn unlimited() -> Self {
        Self::with(None, Duration::ZERO)
    }

    fn with(max: Option<u32>, interval: Duration) -> Self {
        RateLimiter {
            state: Arc::new(Mutex::new(Window {
                max,
                interval,
                sent: VecDeque::new(),
                next_permit: 0,
            })),
        }
    }

    /// Waits until a request may be sent, and counts it until the permit is dropped.
    pub async fn acquire(&self) -> Permit {
        loop {
            let wait = {
                let mut window = lock(&self.state);
                match window.wait(Instant::now()) {
                    None => {
                        return Permit {
                            id: window.count(),
                            state: self.state.clone(),
                        }
                    }
                    Some(wait) => wait,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Adopts the limit HubSpot reports in its headers (the interval at most
    /// `MAX_LEARNT_INTERVAL`, a minute).
    pub fn update(&self, max: u32, interval: Duration) {
        let mut window = lock(&self.state);
        window.max = Some(max.max(1));
        window.interval = interval.min(MAX_LEARNT_INTERVAL);
    }

    /// The limit in force, if any.
    pub fn limit(&self) -> Option<(u32, Duration)> {
        let window = lock(&self.state);
        window.max.map(|max| (max, window.interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_send_counts_from_its_answer() {
        let interval = Duration::from_millis(120);
        let limiter = RateLimiter::new(2, interval);
        let start = Instant::now();
        let first = limiter.acquire().await;
        let _second = limiter.acquire().await;
        assert!(start.elapsed() < interval / 2, "two sends fit at once");
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(first);
        let answered = Instant::now();
        let _third = limiter.acquire().await;
        // The third waits a whole interval from the first answer, not from the first send.
        assert!(
            answered.elapsed() >= interval - Duration::from_millis(5),
            "{:?}",
            answered.elapsed()
        );
    }

    #[tokio::test]
    async fn an_abandoned_request_frees_its_place() {
        let limiter = RateLimiter::new(1, Duration::from_millis(50));
        let stuck = limiter.acquire();
        // A send cancelled while holding its permit: the permit is dropped with it.
        drop(
            tokio::time::timeout(Duration::from_millis(10), async {
                let _permit = stuck.await;
                std::future::pending::<()>().await
            })
            .await,
        );
        let next = tokio::time::timeout(Duration::from_secs(1), limiter.acquire()).await;
        assert!(next.is_ok(), "the limiter is not stuck");
    }

    #[test]
    fn a_learnt_interval_is_capped() {
        let limiter = RateLimiter::unlimited();
        limiter.update(0, Duration::from_secs(86_400));
        assert_eq!(limiter.limit(), Some((1, MAX_LEARNT_INTERVAL)));
    }

    #[tokio::test]
    async fn a_learnt_limit_counts_earlier_sends() {
        let limiter = RateLimiter::unlimited();
        for _ in 0..3 {
            drop(limiter.acquire().await);
        }
        limiter.update(3, Duration::from_millis(100));
        let start = Instant::now();
        let _ = limiter.acquire().await;
        assert!(
            start.elapsed() >= Duration::from_millis(90),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 0..40 {
            let wait = policy.backoff(retry);
            let cap = policy
                .initial_backoff
                .saturating_mul(1 << retry.min(20))
                .min(policy.max_backoff);
            assert!(
                wait >= cap / 2 && wait <= cap,
                "retry {retry}: {wait:?} not in [{:?}, {cap:?}]",
                cap / 2
            );
        }
    }
}
