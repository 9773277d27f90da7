//! When and how long to wait before sending again.

use std::time::Duration;

use super::error::RateLimited;

/// How often and how patiently the client retries.
///
/// Retried: 429 answers other than the daily cap, for as long as `rate_limit_deadline`
/// allows (after `Retry-After` when HubSpot sends it), and connection failures before the
/// request was sent. Retried only for idempotent operations, because the request may already
/// have taken effect: 502, 503 and 504 answers, timeouts and connections that broke after
/// sending. Only the latter count against `max_attempts`.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all for failures other than 429, the first one included; `1` disables
    /// retries of those.
    pub max_attempts: u32,
    /// The first backoff; each further one doubles, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` worth waiting for; a 429 asking for more is returned as an
    /// error instead.
    pub max_retry_after: Duration,
    /// How long a request keeps retrying 429s of the rolling window, from its first 429:
    /// several of HubSpot's 10-second windows by default. Until then such a 429 is never
    /// returned as an error. `Duration::ZERO` returns the first one.
    pub rate_limit_deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            rate_limit_deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            rate_limit_deadline: Duration::ZERO,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first): exponential, with "equal
    /// jitter" (half fixed, half random) so many clients do not retry in lockstep.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self
            .initial_backoff
            .saturating_mul(doubling(retry))
            .min(self.max_backoff);
        equal_jitter(cap)
    }

    /// How long to wait after a 429 that [`Error::retry`](super::Error::retry) says is worth
    /// waiting for ([`Retry::RateLimit`](super::Retry::RateLimit): not the daily cap), or
    /// `None` to give up and return it. `earlier` is the number of 429s this request had
    /// before this one, `waited` the time since its first.
    ///
    /// A `Retry-After` beyond `max_retry_after` is given up on. Other 429s wait at least
    /// `Retry-After`, and otherwise from one slot of the window (`interval / max`) doubling
    /// with each 429, up to one whole window, with jitter; until the wait would end past
    /// `rate_limit_deadline`.
    pub fn rate_limit_wait(
        &self,
        limited: &RateLimited,
        earlier: u32,
        waited: Duration,
    ) -> Option<Duration> {
        if limited
            .retry_after
            .is_some_and(|after| after > self.max_retry_after)
        {
            return None;
        }
        let window = limited.interval.filter(|i| !i.is_zero());
        let slot = match (window, limited.max) {
            (Some(interval), Some(max)) if max > 0 => {
                interval / u32::try_from(max).unwrap_or(u32::MAX)
            }
            _ => self.initial_backoff,
        };
        let cap = window.unwrap_or(self.max_backoff).max(slot);
        let wait = equal_jitter(slot.saturating_mul(doubling(earlier)).min(cap));
        let wait = limited.retry_after.map_or(wait, |after| wait.max(after));
        (waited.saturating_add(wait) <= self.rate_limit_deadline).then_some(wait)
    }
}

fn doubling(times: u32) -> u32 {
    1u32.checked_shl(times.min(31)).unwrap_or(u32::MAX)
}

/// Half of `cap` fixed, the other half random.
fn equal_jitter(cap: Duration) -> Duration {
    let half = cap / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::super::error::RateLimitPolicy;
    use super::*;

    fn limited(policy: RateLimitPolicy, retry_after: Option<u64>) -> RateLimited {
        RateLimited {
            operation: "batch_create",
            policy,
            message: "You have reached your secondly limit.".to_owned(),
            correlation_id: None,
            retry_after: retry_after.map(Duration::from_secs),
            interval: Some(Duration::from_secs(10)),
            max: Some(100),
            remaining: Some(0),
            daily: None,
            daily_remaining: None,
        }
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

    #[test]
    fn rolling_window_429s_wait_longer_each_time_until_the_deadline() {
        let policy = RetryPolicy::default();
        let rolling = limited(RateLimitPolicy::TenSecondlyRolling, None);
        let slot = Duration::from_millis(100);
        let mut waited = Duration::ZERO;
        let mut earlier = 0;
        while let Some(wait) = policy.rate_limit_wait(&rolling, earlier, waited) {
            let cap = (slot * (1 << earlier.min(20))).min(Duration::from_secs(10));
            assert!(wait >= cap / 2 && wait <= cap, "429 {earlier}: {wait:?}");
            waited += wait;
            earlier += 1;
        }
        // Given up only when the next wait would pass the deadline: not after a count.
        assert!(waited <= policy.rate_limit_deadline);
        assert!(
            waited + Duration::from_secs(10) > policy.rate_limit_deadline,
            "{waited:?}"
        );
        assert!(earlier > policy.max_attempts, "{earlier} waits");
    }

    #[test]
    fn retry_after_is_a_floor_and_a_long_one_gives_up() {
        let policy = RetryPolicy::default();
        let after = limited(RateLimitPolicy::Secondly, Some(3));
        let wait = policy.rate_limit_wait(&after, 0, Duration::ZERO).unwrap();
        assert!(wait >= Duration::from_secs(3), "{wait:?}");
        let too_long = limited(RateLimitPolicy::Secondly, Some(3600));
        assert_eq!(policy.rate_limit_wait(&too_long, 0, Duration::ZERO), None);
        let never = RetryPolicy::never();
        let rolling = limited(RateLimitPolicy::TenSecondlyRolling, None);
        assert_eq!(never.rate_limit_wait(&rolling, 0, Duration::ZERO), None);
    }
}
