//! When and how long to wait before sending again, and a client-side rate limiter that keeps
//! requests under HubSpot's limit instead of bouncing off it.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
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
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
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
/// Sends are recorded even before a limit is known, so a limit learnt from HubSpot's headers
/// counts the requests already in flight. The window is kept a little longer than the limit's,
/// because HubSpot counts a request when it arrives, a moment after we count it.
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    /// `None` until a limit is configured or learnt.
    max: Option<u32>,
    interval: Duration,
    sent: VecDeque<Instant>,
}

/// Sends remembered while no limit is known.
const HISTORY: usize = 1024;

impl RateLimiter {
    pub fn new(max: u32, interval: Duration) -> Self {
        RateLimiter {
            state: Mutex::new(Window {
                max: Some(max.max(1)),
                interval,
                sent: VecDeque::new(),
            }),
        }
    }

    /// A limiter that lets everything through until [`update`](Self::update) sets a limit.
    pub fn unlimited() -> Self {
        RateLimiter {
            state: Mutex::new(Window {
                max: None,
                interval: Duration::ZERO,
                sent: VecDeque::new(),
            }),
        }
    }

    /// Waits until a request may be sent, and counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut window = self.state.lock().await;
                let now = Instant::now();
                let span = window.interval + window.interval / 50;
                let Some(max) = window.max else {
                    window.sent.push_back(now);
                    if window.sent.len() > HISTORY {
                        window.sent.pop_front();
                    }
                    return;
                };
                while window
                    .sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= span)
                {
                    window.sent.pop_front();
                }
                if window.sent.len() < max as usize {
                    window.sent.push_back(now);
                    return;
                }
                // The oldest send that still counts: the one `max` places from the end.
                let blocking = window.sent[window.sent.len() - max as usize];
                span.saturating_sub(now.duration_since(blocking))
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Adopts the limit HubSpot reports in its headers.
    pub async fn update(&self, max: u32, interval: Duration) {
        let mut window = self.state.lock().await;
        window.max = Some(max.max(1));
        window.interval = interval;
    }

    /// The limit in force, if any.
    pub async fn limit(&self) -> Option<(u32, Duration)> {
        let window = self.state.lock().await;
        window.max.map(|max| (max, window.interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
