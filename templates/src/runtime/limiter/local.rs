//! Pacing without coordination: each client keeps a share of the app's budget and adapts it
//! to what HubSpot reports, so several independent workers settle under the limit together.
//!
//! A send counts from the moment it is sent until its answer's headers arrive, and from then
//! on as if sent at that moment: HubSpot counts it on arrival, in between, so latency can
//! never push a client over a limit. Three limits apply at once, each over the same record
//! of sends: the one the user set (a ceiling), the one HubSpot reports, and the client's
//! share of the latter. The share grows by one send per answer that leaves budget over
//! (`X-HubSpot-RateLimit-Remaining` above zero; additive increase), and roughly halves, by a
//! random factor, on a 429 (multiplicative decrease, at most once per half window), down to
//! one send every two windows. Until the first answer arrives, one request at a time goes
//! out, so workers that start together do not all spend the budget before any of them
//! hears of it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::RateLimitHeaders;

/// At most `max` requests in any `interval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub max: u32,
    pub interval: Duration,
}

/// The smallest share, in sends per window: one every two windows.
const MIN_SHARE: f64 = 0.5;

/// Sends remembered while no limit is known, so a limit learnt later counts them.
const HISTORY: usize = 1024;

#[derive(Debug)]
pub(super) struct LocalLimiter {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Woken when a send is answered or a limit changes; waiters then look again.
    changed: Notify,
}

#[derive(Debug)]
struct State {
    ceiling: Option<Window>,
    learnt: Option<Window>,
    adaptive: bool,
    /// Sends per window of the limit in force that this client allows itself.
    share: f64,
    last_cut: Option<Instant>,
    answered: bool,
    /// Each counted send: its permit, and when it counts from (`None` while in flight).
    /// Permits are counted in increasing order and only ever removed, so this is sorted.
    sent: VecDeque<(u64, Option<Instant>)>,
    next_permit: u64,
}

/// A counted send of the local limiter.
#[derive(Debug)]
pub(super) struct LocalPermit {
    id: u64,
    shared: Arc<Shared>,
}

impl Drop for LocalPermit {
    fn drop(&mut self) {
        {
            let mut state = lock(&self.shared.state);
            let now = Instant::now();
            state.answered = true;
            if let Ok(i) = state.sent.binary_search_by_key(&self.id, |(p, _)| *p) {
                state.sent[i].1 = Some(now);
            }
        }
        self.shared.changed.notify_waiters();
    }
}

/// The state's lock; a panic elsewhere while holding it leaves only counts behind, which
/// are still usable.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a send has to wait for.
#[derive(Debug, PartialEq)]
enum Wait {
    Nothing,
    /// A send in the window is answered (or a limit changes).
    Answer,
    For(Duration),
}

impl Wait {
    /// Both waits: the longer timed one, else an answer.
    fn and(self, other: Wait) -> Wait {
        match (self, other) {
            (Wait::For(a), Wait::For(b)) => Wait::For(a.max(b)),
            (Wait::For(a), _) | (_, Wait::For(a)) => Wait::For(a),
            (Wait::Answer, _) | (_, Wait::Answer) => Wait::Answer,
            _ => Wait::Nothing,
        }
    }
}

impl State {
    /// The limit HubSpot reported, else the user's.
    fn governing(&self) -> Option<Window> {
        self.learnt.or(self.ceiling)
    }

    /// The client's share as a window: `share` sends per interval, or one send per
    /// `interval / share` below one.
    fn share_window(&self) -> Option<Window> {
        let governing = self.governing().filter(|_| self.adaptive)?;
        Some(if self.share >= 1.0 {
            Window {
                max: (self.share.floor() as u32).min(governing.max),
                interval: governing.interval,
            }
        } else {
            Window {
                max: 1,
                interval: governing.interval.div_f64(self.share.max(MIN_SHARE)),
            }
        })
    }

    fn in_flight(&self) -> usize {
        self.sent.iter().filter(|(_, at)| at.is_none()).count()
    }

    fn wait(&mut self, now: Instant) -> Wait {
        let windows = [self.ceiling, self.learnt, self.share_window()];
        let horizon = windows.iter().flatten().map(|w| w.interval).max();
        match horizon {
            Some(horizon) => self
                .sent
                .retain(|(_, at)| at.is_none_or(|at| now.duration_since(at) < horizon)),
            None => {
                while self.sent.len() > HISTORY {
                    self.sent.pop_front();
                }
            }
        }
        if self.adaptive && !self.answered && self.in_flight() > 0 {
            return Wait::Answer;
        }
        windows
            .iter()
            .flatten()
            .fold(Wait::Nothing, |wait, window| {
                wait.and(self.window_wait(window, now))
            })
    }

    /// What a send has to wait for to keep within `window`.
    fn window_wait(&self, window: &Window, now: Instant) -> Wait {
        let mut answered = Vec::new();
        let mut count = 0usize;
        for (_, at) in &self.sent {
            match at {
                None => count += 1,
                Some(at) if now.duration_since(*at) < window.interval => {
                    count += 1;
                    answered.push(*at);
                }
                Some(_) => {}
            }
        }
        let max = window.max as usize;
        if count < max {
            return Wait::Nothing;
        }
        // One more may go when `count - max + 1` sends have left the window.
        let leaving = count - max;
        if leaving >= answered.len() {
            return Wait::Answer;
        }
        let (_, at, _) = answered.select_nth_unstable(leaving);
        let wait = window.interval.saturating_sub(now.duration_since(*at));
        Wait::For(wait.max(Duration::from_millis(1)))
    }

    fn count(&mut self) -> u64 {
        let permit = self.next_permit;
        self.next_permit += 1;
        self.sent.push_back((permit, None));
        permit
    }
}

impl LocalLimiter {
    pub(super) fn new(ceiling: Option<Window>, adaptive: bool) -> Self {
        let ceiling = ceiling.map(|w| Window {
            max: w.max.max(1),
            interval: w.interval,
        });
        LocalLimiter {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    ceiling,
                    learnt: None,
                    adaptive,
                    share: 1.0,
                    last_cut: None,
                    answered: false,
                    sent: VecDeque::new(),
                    next_permit: 0,
                }),
                changed: Notify::new(),
            }),
        }
    }

    pub(super) async fn acquire(&self) -> LocalPermit {
        loop {
            // Registered before looking, so an answer in between is not missed.
            let mut changed = std::pin::pin!(self.shared.changed.notified());
            changed.as_mut().enable();
            let wait = {
                let mut state = lock(&self.shared.state);
                match state.wait(Instant::now()) {
                    Wait::Nothing => {
                        return LocalPermit {
                            id: state.count(),
                            shared: self.shared.clone(),
                        }
                    }
                    wait => wait,
                }
            };
            match wait {
                Wait::For(wait) => {
                    let _ = tokio::time::timeout(wait, changed).await;
                }
                _ => changed.await,
            }
        }
    }

    pub(super) fn observe(&self, headers: &RateLimitHeaders) {
        let changed = {
            let mut state = lock(&self.shared.state);
            if !state.adaptive {
                return;
            }
            state.answered = true;
            let learnt = headers.window();
            let changed = learnt.is_some() && learnt != state.learnt;
            if changed {
                state.learnt = learnt;
            }
            if let Some(governing) = state.governing() {
                let ceiling = f64::from(governing.max);
                if headers.remaining != Some(0) {
                    state.share += 1.0;
                }
                state.share = state.share.min(ceiling);
            }
            changed
        };
        if changed {
            self.shared.changed.notify_waiters();
        }
    }

    pub(super) fn rate_limited(&self) {
        let mut state = lock(&self.shared.state);
        let Some(governing) = state.governing().filter(|_| state.adaptive) else {
            return;
        };
        let now = Instant::now();
        if state
            .last_cut
            .is_some_and(|cut| now.duration_since(cut) < governing.interval / 2)
        {
            return;
        }
        state.last_cut = Some(now);
        let factor = 0.4 + 0.2 * fastrand::f64();
        state.share = (state.share * factor).max(MIN_SHARE);
    }

    pub(super) fn limit(&self) -> Option<Window> {
        lock(&self.shared.state).governing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(limiter: &LocalLimiter) -> f64 {
        lock(&limiter.shared.state).share
    }

    fn window(max: u32, millis: u64) -> Window {
        Window {
            max,
            interval: Duration::from_millis(millis),
        }
    }

    fn headers(max: u64, millis: u64, remaining: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            max: Some(max),
            interval: Some(Duration::from_millis(millis)),
            remaining: Some(remaining),
        }
    }

    /// Acquires a permit if one is granted by `within`, without moving the clock past it.
    async fn acquire_within(limiter: &LocalLimiter, within: Duration) -> Option<LocalPermit> {
        tokio::time::timeout(within, limiter.acquire()).await.ok()
    }

    #[tokio::test(start_paused = true)]
    async fn a_send_counts_from_its_answer() {
        let limiter = LocalLimiter::new(Some(window(2, 100)), false);
        let start = Instant::now();
        let first = limiter.acquire().await;
        let _second = limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::ZERO, "two sends fit at once");
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(first);
        let answered = Instant::now();
        let _third = limiter.acquire().await;
        // A whole interval from the first answer, not from the first send.
        assert_eq!(answered.elapsed(), Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_wakes_when_an_answer_frees_its_place() {
        let limiter = Arc::new(LocalLimiter::new(Some(window(1, 100)), false));
        let held = limiter.acquire().await;
        let waiter = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                let _permit = limiter.acquire().await;
                Instant::now()
            }
        });
        // In flight, the send holds its place however long it takes: no polling, no early
        // wake-up.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiter.is_finished());
        let answered = Instant::now();
        drop(held);
        let granted = waiter.await.unwrap();
        assert_eq!(granted - answered, Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_request_frees_its_place() {
        let limiter = LocalLimiter::new(Some(window(1, 50)), false);
        // A send cancelled while holding its permit: the permit is dropped with it.
        let cancelled = tokio::time::timeout(Duration::from_millis(10), async {
            let _permit = limiter.acquire().await;
            std::future::pending::<()>().await
        })
        .await;
        assert!(cancelled.is_err());
        let start = Instant::now();
        let _next = limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(50));
    }

    #[tokio::test(start_paused = true)]
    async fn one_request_at_a_time_until_the_first_answer() {
        let limiter = LocalLimiter::new(None, true);
        let first = limiter.acquire().await;
        assert!(acquire_within(&limiter, Duration::from_secs(1))
            .await
            .is_none());
        drop(first);
        let second = acquire_within(&limiter, Duration::ZERO).await;
        let third = acquire_within(&limiter, Duration::ZERO).await;
        assert!(
            second.is_some() && third.is_some(),
            "no limit known: unlimited"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_learnt_limit_counts_earlier_sends() {
        let limiter = LocalLimiter::new(None, true);
        for _ in 0..3 {
            drop(limiter.acquire().await);
        }
        // Remaining 0: the share stays at one send per window.
        limiter.observe(&headers(3, 100, 0));
        assert_eq!(limiter.limit(), Some(window(3, 100)));
        let start = Instant::now();
        let _ = limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(100));
    }

    #[test]
    fn a_learnt_interval_is_capped() {
        let limiter = LocalLimiter::new(None, true);
        limiter.observe(&headers(0, 86_400_000, 5));
        assert_eq!(
            limiter.limit(),
            Some(Window {
                max: 1,
                interval: super::super::MAX_LEARNT_INTERVAL
            })
        );
    }

    #[test]
    fn the_share_grows_while_budget_remains_and_halves_on_a_429() {
        let limiter = LocalLimiter::new(None, true);
        limiter.observe(&headers(10, 1000, 9));
        assert_eq!(share(&limiter), 2.0);
        for _ in 0..20 {
            limiter.observe(&headers(10, 1000, 5));
        }
        assert_eq!(share(&limiter), 10.0, "never above the limit");
        limiter.observe(&headers(10, 1000, 0));
        assert_eq!(share(&limiter), 10.0, "no budget left: no growth");
        limiter.rate_limited();
        let cut = share(&limiter);
        assert!((4.0..=6.0).contains(&cut), "{cut}");
        limiter.rate_limited();
        assert_eq!(share(&limiter), cut, "one cut per half window");
    }

    #[test]
    fn a_ceiling_is_lowered_by_the_headers_but_never_raised() {
        let limiter = LocalLimiter::new(Some(window(5, 1000)), true);
        for _ in 0..200 {
            limiter.observe(&headers(100, 1000, 50));
        }
        assert_eq!(share(&limiter), 100.0);
        let state = lock(&limiter.shared.state);
        let windows = [state.ceiling, state.learnt, state.share_window()];
        // The user's 5 a second still applies on top of HubSpot's 100.
        assert!(windows.contains(&Some(window(5, 1000))), "{windows:?}");
        drop(state);
        let lower = LocalLimiter::new(Some(window(50, 1000)), true);
        lower.observe(&headers(10, 1000, 5));
        assert_eq!(lower.limit(), Some(window(10, 1000)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_small_share_sends_once_every_few_windows() {
        let limiter = LocalLimiter::new(Some(window(10, 100)), true);
        limiter.observe(&headers(10, 100, 0));
        limiter.rate_limited();
        let share = share(&limiter);
        assert!((MIN_SHARE..=0.6).contains(&share), "{share}");
        drop(limiter.acquire().await);
        let start = Instant::now();
        let _ = limiter.acquire().await;
        // One send per interval / share; the timer rounds up to a millisecond.
        let every = Duration::from_millis(100).div_f64(share);
        let waited = start.elapsed();
        assert!(
            waited >= every && waited <= every + Duration::from_millis(1),
            "{waited:?} for one send every {every:?}"
        );
    }
}
