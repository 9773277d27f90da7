//! One budget shared by every client that names the same store: a file on one machine
//! (`file.rs`) or a Redis key on any number (`redis.rs`). This engine does what is the same
//! for both: it asks the store to admit each send and sleeps as long as the store says,
//! hands out permits that report answers (or, dropped, release their send), and paces the
//! client locally (`local.rs`), with a warning, while the store cannot be used, trying it
//! again a few seconds later. It never fails a request.
//!
//! The store keeps the budget and admits sends atomically, by one rule in both stores:
//! - a send counts from its admission until its client reports the answer, and then for a
//!   whole interval from that moment; a send whose client never reports (it died) counts
//!   until its lease ends, and no send counts past the lease of the client looking;
//! - the windows are the client's ceiling (the user's limit) and the limit HubSpot reported,
//!   which any client that learns it from an answer writes for all;
//! - until a limit is known, one send at a time goes out, across all clients;
//! - a full window whose next place to free is in flight is looked at again soon (an
//!   answer frees it), else when that place leaves the window; a wait is at least 1 ms;
//! - sends are kept a minute, or the longest window if longer.
//!
//! `tests` at the end holds both stores to the same admission cases.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::local::LocalLimiter;
use super::{PermitKind, RateLimitHeaders, Window};

/// For a full window whose next place to free is still in flight (and at the start, before
/// any answer), the longest wait before looking again: short, as an answer frees it at once.
pub(super) const IN_FLIGHT_RECHECK: Duration = Duration::from_millis(5);

/// How long a store that failed is left alone, its client pacing itself meanwhile.
pub(super) const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Sends are kept this long at least, whatever the windows: another client's ceiling may
/// span longer than this one's, and a limit learnt later counts the sends before it.
pub(super) const MIN_HORIZON: Duration = Duration::from_secs(60);

/// A store's time unit: microseconds.
pub(super) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// One send, unique across clients: a random prefix and a counter.
pub(super) type Member = u128;

/// What the store says to a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Admission {
    Admitted,
    /// Ask again after this long.
    Wait(Duration),
}

/// A send to admit.
#[derive(Clone, Copy, Debug)]
pub(super) struct Admit {
    pub member: Member,
    /// The user's limit for this client (at least one request), if any.
    pub ceiling: Option<Window>,
    /// How long the send counts at most if never reported.
    pub lease: Duration,
    /// When, in microseconds since the Unix epoch: `None` for the store's own clock (the
    /// machine's for the file, Redis's for Redis); a fixed time only in tests.
    pub at: Option<u64>,
}

/// Why the store could not be used.
#[derive(Debug)]
pub(super) struct Unavailable(pub String);

pub(super) type StoreFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, Unavailable>> + Send + 'a>>;

/// Where a shared budget is kept: admission and release, each atomic across clients.
pub(super) trait Store: fmt::Debug + Send + Sync + 'static {
    /// What the logs call it: "Redis rate limit", "rate limit file".
    fn kind(&self) -> &'static str;

    /// Which one (a key, a path), for the logs.
    fn place(&self) -> String;

    /// Admits the send under the rule (module docs), or says how long to wait.
    fn admit(&self, send: Admit) -> StoreFuture<'_, Admission>;

    /// The send was answered (at `at`, `None` for the store's clock): it counts from then.
    /// `learnt` is a limit the answer reported, written for every client.
    fn release(
        &self,
        member: Member,
        learnt: Option<Window>,
        at: Option<u64>,
    ) -> StoreFuture<'_, ()>;
}

/// A client's part in a shared budget.
pub(super) struct SharedBudget {
    store: Box<dyn Store>,
    ceiling: Option<Window>,
    adaptive: bool,
    lease: Duration,
    /// Paces while the store cannot be used, and keeps the limit learnt from headers.
    local: LocalLimiter,
    /// While set, the store is left alone until then.
    down_until: Mutex<Option<Instant>>,
    member_prefix: u64,
    next_member: AtomicU64,
}

impl fmt::Debug for SharedBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedBudget")
            .field("store", &self.store)
            .field("ceiling", &self.ceiling)
            .finish_non_exhaustive()
    }
}

impl SharedBudget {
    pub(super) fn new(
        store: Box<dyn Store>,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Self {
        // A ceiling of no requests would admit none: one, as local pacing takes it.
        let ceiling = ceiling.map(|w| Window {
            max: w.max.max(1),
            interval: w.interval,
        });
        SharedBudget {
            store,
            ceiling,
            adaptive,
            lease,
            local: LocalLimiter::new(ceiling, adaptive),
            down_until: Mutex::new(None),
            member_prefix: fastrand::u64(..),
            next_member: AtomicU64::new(0),
        }
    }

    fn member(&self) -> Member {
        let n = self.next_member.fetch_add(1, Ordering::Relaxed);
        (Member::from(self.member_prefix) << 64) | Member::from(n)
    }

    fn down_until(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.down_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) async fn acquire(self: &Arc<Self>) -> PermitKind {
        if self
            .down_until()
            .is_some_and(|until| Instant::now() < until)
        {
            return PermitKind::Local(self.local.acquire().await);
        }
        let member = self.member();
        loop {
            let send = Admit {
                member,
                ceiling: self.ceiling,
                lease: self.lease,
                at: None,
            };
            match self.store.admit(send).await {
                Ok(Admission::Admitted) => {
                    self.store_works();
                    return PermitKind::Shared(SharedPermit {
                        member: Some(member),
                        budget: self.clone(),
                    });
                }
                Ok(Admission::Wait(wait)) => tokio::time::sleep(wait).await,
                Err(Unavailable(reason)) => {
                    self.store_failed(&reason);
                    return PermitKind::Local(self.local.acquire().await);
                }
            }
        }
    }

    fn store_works(&self) {
        if self.down_until().take().is_some() {
            tracing::info!(
                place = %self.store.place(),
                "{} is back: sharing the rate limit again",
                self.store.kind()
            );
        }
    }

    fn store_failed(&self, reason: &str) {
        let mut down_until = self.down_until();
        let now = Instant::now();
        // Several sends may fail together: one warning.
        if down_until.is_some_and(|until| now < until) {
            return;
        }
        *down_until = Some(now + RETRY_AFTER_FAILURE);
        tracing::warn!(
            place = %self.store.place(),
            reason,
            retry_in_s = RETRY_AFTER_FAILURE.as_secs(),
            "{} unavailable: pacing this client on its own",
            self.store.kind()
        );
    }

    pub(super) fn rate_limited(&self) {
        // Only local pacing adapts; the shared budget is HubSpot's own limit.
        self.local.rate_limited();
    }

    pub(super) fn limit(&self) -> Option<Window> {
        self.local.limit()
    }
}

/// A send admitted by the store; dropping it unanswered releases it then.
pub(super) struct SharedPermit {
    /// `None` once reported.
    member: Option<Member>,
    budget: Arc<SharedBudget>,
}

impl fmt::Debug for SharedPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPermit")
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

impl SharedPermit {
    /// Tells the store the send was answered, so it counts from now, and writes the limit
    /// the answer reports for every client. Done (or given up) when this returns, so it is
    /// not lost if the process ends right after.
    pub(super) async fn report(mut self, headers: &RateLimitHeaders) {
        let Some(member) = self.member.take() else {
            return;
        };
        let budget = &self.budget;
        budget.local.learn(headers);
        let learnt = headers.window().filter(|_| budget.adaptive);
        release(budget, member, learnt).await;
    }
}

impl Drop for SharedPermit {
    fn drop(&mut self) {
        let Some(member) = self.member.take() else {
            return; // Reported already.
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to release it on: the send counts until its lease ends.
            return;
        };
        let budget = self.budget.clone();
        runtime.spawn(async move { release(&budget, member, None).await });
    }
}

async fn release(budget: &SharedBudget, member: Member, learnt: Option<Window>) {
    if let Err(Unavailable(reason)) = budget.store.release(member, learnt, None).await {
        tracing::debug!(
            place = %budget.store.place(),
            reason,
            "could not report an answer to the {}; the send counts until its lease ends",
            budget.store.kind()
        );
    }
}

#[cfg(all(test, feature = "redis"))]
#[path = "../../../../tests/src/redis_server.rs"]
mod redis_server;

#[cfg(test)]
mod tests {
    //! The admission rule, case by case, against every store, each giving the same answers
    //! at the same (fixed) times; and the engine over each store.

    use super::*;

    fn window(max: u32, millis: u64) -> Window {
        Window {
            max,
            interval: Duration::from_millis(millis),
        }
    }

    const LEASE: Duration = Duration::from_secs(5);
    /// A time far enough from the epoch that no window reaches before it.
    const T: u64 = 1_000_000_000;
    const SECOND: u64 = 1_000_000;

    /// One step of a case, at a time in microseconds.
    enum Step {
        Admit(Admit, Admission),
        Release(u64, Member, Option<Window>),
    }

    fn admit(at: u64, member: Member, expect: Admission) -> Step {
        admit_with(at, member, None, LEASE, expect)
    }

    fn admit_with(
        at: u64,
        member: Member,
        ceiling: Option<Window>,
        lease: Duration,
        expect: Admission,
    ) -> Step {
        let send = Admit {
            member,
            ceiling,
            lease,
            at: Some(at),
        };
        Step::Admit(send, expect)
    }

    fn release(at: u64, member: Member, learnt: Option<Window>) -> Step {
        Step::Release(at, member, learnt)
    }

    fn wait(micros: u64) -> Admission {
        Admission::Wait(Duration::from_micros(micros))
    }

    use Admission::Admitted;

    /// Each case: a name and its steps, on an empty budget.
    fn cases() -> Vec<(&'static str, Vec<Step>)> {
        let recheck = Admission::Wait(IN_FLIGHT_RECHECK);
        let ceiling = Some(window(2, 1000));
        let long = Some(window(1, 90_000));
        vec![
            (
                "no limit known: one send at a time",
                vec![
                    admit(T, 1, Admitted),
                    admit(T + 10, 2, recheck),
                    release(T + 100, 1, None),
                    admit(T + 200, 2, Admitted),
                ],
            ),
            (
                "a learnt limit: a place frees a whole interval after its answer",
                vec![
                    admit(T, 1, Admitted),
                    release(T + 100, 1, Some(window(2, 1000))),
                    admit(T + 200, 2, Admitted),
                    // Two in the window, the second in flight: the next goes when the
                    // first answer is a second old.
                    admit(T + 300, 3, wait(100 + SECOND - 300)),
                    release(T + 400, 2, None),
                    admit(T + 500, 3, wait(100 + SECOND - 500)),
                    admit(T + 100 + SECOND, 3, Admitted),
                ],
            ),
            (
                "a full window whose next place is in flight is looked at again soon",
                vec![
                    admit(T, 1, Admitted),
                    release(T + 10, 1, Some(window(1, 1000))),
                    admit(T + 10 + SECOND, 2, Admitted),
                    admit(T + 20 + SECOND, 3, recheck),
                ],
            ),
            (
                "in flight under a short window: a share of it, below the recheck",
                vec![
                    admit(T, 1, Admitted),
                    release(T + 10, 1, Some(window(4, 8))),
                    admit(T + 8_010, 2, Admitted),
                    admit(T + 8_011, 3, Admitted),
                    admit(T + 8_012, 4, Admitted),
                    admit(T + 8_013, 5, Admitted),
                    // 8 ms over 4 places.
                    admit(T + 8_014, 6, wait(2_000)),
                ],
            ),
            (
                "a ceiling below the learnt limit holds too",
                vec![
                    admit(T, 1, Admitted),
                    release(T + 100, 1, Some(window(10, 1000))),
                    admit_with(T + 200, 2, Some(window(1, 1000)), LEASE, wait(SECOND - 100)),
                    admit(T + 200, 2, Admitted),
                ],
            ),
            (
                "a ceiling alone is a limit, and a wait a millisecond at least",
                vec![
                    admit_with(T, 1, ceiling, LEASE, Admitted),
                    admit_with(T + 1, 2, ceiling, LEASE, Admitted),
                    release(T + 2, 1, None),
                    admit_with(T + 3, 3, ceiling, LEASE, wait(SECOND - 1)),
                    admit_with(T + SECOND + 1, 3, ceiling, LEASE, wait(1_000)),
                    admit_with(T + SECOND + 2, 3, ceiling, LEASE, Admitted),
                ],
            ),
            (
                "an unreported send counts until its lease ends, then for an interval",
                vec![
                    admit(T, 1, Admitted),
                    release(T, 1, Some(window(1, 1000))),
                    admit(T + SECOND, 2, Admitted),
                    admit(T + 7 * SECOND - 1, 3, wait(1_000)),
                    admit(T + 7 * SECOND, 3, Admitted),
                ],
            ),
            (
                "no send counts past the lease of the client looking",
                vec![
                    release(T, 99, Some(window(1, 1000))),
                    // A client with a long lease, then one with a short one.
                    admit_with(T + 1, 1, None, Duration::from_secs(50), Admitted),
                    admit(T + 2, 2, recheck),
                    admit(T + 6 * SECOND + 1, 2, wait(1_000)),
                    admit(T + 6 * SECOND + 2, 2, Admitted),
                ],
            ),
            (
                "a send is kept a minute, or the longest window",
                vec![
                    admit_with(T, 1, long, LEASE, Admitted),
                    release(T, 1, None),
                    admit_with(T + 89 * SECOND, 2, long, LEASE, wait(SECOND)),
                    admit_with(T + 90 * SECOND, 2, long, LEASE, Admitted),
                ],
            ),
            (
                "a new limit replaces the learnt one",
                vec![
                    admit(T, 1, Admitted),
                    release(T, 1, Some(window(1, 1000))),
                    admit(T + 500, 2, wait(SECOND - 500)),
                    release(T + 600, 99, Some(window(2, 1000))),
                    admit(T + 700, 2, Admitted),
                ],
            ),
            (
                "the release of an unknown send changes nothing but the limit",
                vec![
                    release(T, 99, Some(window(1, 1000))),
                    admit(T + 1, 1, Admitted),
                    admit(T + 2, 2, recheck),
                ],
            ),
        ]
    }

    async fn run_cases(name: &str, make: &mut dyn FnMut(usize) -> Box<dyn Store>) {
        for (index, (case, steps)) in cases().into_iter().enumerate() {
            let store = make(index);
            for (number, step) in steps.into_iter().enumerate() {
                let context = || format!("{name}: {case}, step {number}");
                match step {
                    Step::Admit(send, expect) => {
                        let got = store
                            .admit(send)
                            .await
                            .unwrap_or_else(|e| panic!("{}: {e:?}", context()));
                        assert_eq!(got, expect, "{}", context());
                    }
                    Step::Release(at, member, learnt) => store
                        .release(member, learnt, Some(at))
                        .await
                        .unwrap_or_else(|e| panic!("{}: {e:?}", context())),
                }
            }
        }
    }

    /// A directory of its own, removed when dropped.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "hubspot-runtime-{name}-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn file_store(&self, name: &str) -> Box<dyn Store> {
            Box::new(super::super::file::FileStore::new(self.0.join(name)))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A Redis store at a key of its own on the test's server; `None` (the test said it
    /// skipped) where `redis-server` is not installed and not required.
    #[cfg(feature = "redis")]
    struct TestRedis(redis_server::RedisServer, u64);

    #[cfg(feature = "redis")]
    impl TestRedis {
        fn start(test: &str) -> Option<Self> {
            Some(TestRedis(
                redis_server::RedisServer::for_test(test)?,
                fastrand::u64(..),
            ))
        }

        fn store(&self, name: &str) -> Box<dyn Store> {
            let key = format!("{name}-{}", self.1);
            let config = super::super::RedisRateLimit::new(self.0.url.clone(), key);
            Box::new(super::super::redis::RedisStore::new(config).unwrap())
        }
    }

    #[tokio::test]
    async fn every_store_admits_by_the_same_rule() {
        let dir = TempDir::new("rule");
        run_cases("the file", &mut |case| {
            dir.file_store(&format!("case-{case}"))
        })
        .await;
        #[cfg(feature = "redis")]
        if let Some(redis) = TestRedis::start("every_store_admits_by_the_same_rule (Redis)") {
            run_cases("Redis", &mut |case| redis.store(&format!("case-{case}"))).await;
        }
    }

    fn headers(max: u64, millis: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            max: Some(max),
            interval: Some(Duration::from_millis(millis)),
            remaining: None,
        }
    }

    fn budget(
        store: Box<dyn Store>,
        ceiling: Option<Window>,
        lease: Duration,
    ) -> Arc<SharedBudget> {
        Arc::new(SharedBudget::new(store, ceiling, true, lease))
    }

    fn shared(permit: PermitKind) -> SharedPermit {
        match permit {
            PermitKind::Shared(permit) => permit,
            other => panic!("not through the store: {other:?}"),
        }
    }

    /// The engine's cases, each run on stores made by `store` (the same place each call).
    async fn engine_cases(store: &dyn Fn(&str) -> Box<dyn Store>) {
        two_clients_of_one_store_share_one_budget(store).await;
        a_ceiling_of_no_requests_lets_one_through_at_a_time(store).await;
        a_permit_dropped_unanswered_counts_from_then(store).await;
        a_dead_clients_send_counts_until_its_lease_ends(store).await;
    }

    async fn two_clients_of_one_store_share_one_budget(store: &dyn Fn(&str) -> Box<dyn Store>) {
        let lease = Duration::from_secs(5);
        let clients = [
            budget(store("share"), None, lease),
            budget(store("share"), None, lease),
        ];
        // One learns the limit, 3 a quarter-second, and writes it for both. Its send counts
        // from its report on, so no later than `start`.
        let first = shared(clients[0].acquire().await);
        let start = std::time::Instant::now();
        first.report(&headers(3, 250)).await;
        let granted = Arc::new(Mutex::new(vec![start]));
        let mut tasks = Vec::new();
        for client in &clients {
            for _ in 0..4 {
                let (client, granted) = (client.clone(), granted.clone());
                tasks.push(tokio::spawn(async move {
                    let permit = shared(client.acquire().await);
                    granted.lock().unwrap().push(std::time::Instant::now());
                    permit.report(&headers(3, 250)).await;
                }));
            }
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut granted = granted.lock().unwrap().clone();
        granted.sort();
        // Nine sends: any four of them (three a window, plus one) span a whole window.
        for four in granted.windows(4) {
            assert!(
                four[3] - four[0] >= Duration::from_millis(249),
                "{:?}",
                four[3] - four[0]
            );
        }
    }

    async fn a_ceiling_of_no_requests_lets_one_through_at_a_time(
        store: &dyn Fn(&str) -> Box<dyn Store>,
    ) {
        let client = budget(store("zero"), Some(window(0, 100)), Duration::from_secs(5));
        let start = std::time::Instant::now();
        for _ in 0..2 {
            shared(client.acquire().await)
                .report(&headers(10, 1000))
                .await;
        }
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    async fn a_permit_dropped_unanswered_counts_from_then(store: &dyn Fn(&str) -> Box<dyn Store>) {
        // A limit of one a second, and a lease far longer.
        let client = budget(store("dropped"), None, Duration::from_secs(30));
        shared(client.acquire().await)
            .report(&headers(1, 200))
            .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let start = std::time::Instant::now();
        drop(client.acquire().await);
        // Released when dropped, not at the end of its lease: the next goes a window on.
        let _next = client.acquire().await;
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(190) && took < Duration::from_secs(5),
            "{took:?}"
        );
    }

    async fn a_dead_clients_send_counts_until_its_lease_ends(
        store: &dyn Fn(&str) -> Box<dyn Store>,
    ) {
        let lease = Duration::from_millis(300);
        let dead = budget(store("lease"), None, lease);
        let alive = budget(store("lease"), None, lease);
        shared(alive.acquire().await).report(&headers(2, 100)).await;
        // Sent and never reported: its process ended.
        let start = std::time::Instant::now();
        std::mem::forget(dead.acquire().await);
        std::mem::forget(dead.acquire().await);
        let _next = alive.acquire().await;
        assert!(start.elapsed() >= lease, "{:?}", start.elapsed());
    }

    #[tokio::test]
    async fn the_engine_over_a_file() {
        let dir = TempDir::new("engine");
        engine_cases(&|name| dir.file_store(name)).await;
    }

    #[cfg(feature = "redis")]
    #[tokio::test]
    async fn the_engine_over_redis() {
        if let Some(redis) = TestRedis::start("the_engine_over_redis") {
            engine_cases(&|name| redis.store(name)).await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_failed_is_tried_again_after_a_while() {
        let dir = TempDir::new("later");
        let budget_dir = dir.0.join("not-yet");
        let client = budget(
            Box::new(super::super::file::FileStore::new(
                budget_dir.join("budget"),
            )),
            None,
            Duration::from_secs(5),
        );
        // Its directory is not there yet: paced locally.
        assert!(matches!(client.acquire().await, PermitKind::Local(_)));
        std::fs::create_dir(&budget_dir).unwrap();
        // Left alone for a while, then used again.
        tokio::time::advance(RETRY_AFTER_FAILURE - Duration::from_millis(1)).await;
        assert!(matches!(client.acquire().await, PermitKind::Local(_)));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(matches!(client.acquire().await, PermitKind::Shared(_)));
    }
}
