//! One budget shared through a file by every client on one machine that names it, with no
//! server to run: each send is admitted while holding the file's lock, so no two clients
//! (threads, or processes) take the same place. The budget is the limit HubSpot reports
//! (any client that learns it from an answer's headers writes it for all) under the ceiling
//! each client was configured with.
//!
//! The rules are the Redis budget's (`redis.rs`): a send counts from when it is admitted
//! until its client reports the answer, and then for a whole interval from that moment; a
//! send whose client never reports (it died) counts until its lease ends; until a limit is
//! known, one send at a time goes out, across all clients. Times are the machine's clock,
//! which every process on it shares.
//!
//! The file never fails a request: when it cannot be opened, read or written, or its lock is
//! held longer than the timeout, the client paces itself locally (see `local.rs`) with a
//! warning, and tries the file again a few seconds later. A file that holds something else
//! is never written; a line of a budget that does not read is dropped.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::local::{LocalLimiter, LocalPermit};
use super::{
    micros, PermitKind, RateLimitHeaders, Window, IN_FLIGHT_RECHECK, MAX_LEARNT_INTERVAL,
    RETRY_SHARED_AFTER,
};

/// How long to wait for another client to let go of the file's lock before pacing locally.
const LOCK_TIMEOUT: Duration = Duration::from_millis(500);

/// Between two tries of a held lock: clients hold it for a few microseconds.
const LOCK_RETRY: Duration = Duration::from_millis(1);

/// Sends are kept this long at least, whatever the windows.
const MIN_HORIZON: Duration = Duration::from_secs(60);

/// The first line of a budget file.
const HEADER: &str = "hubspot-rate-limit 1";

pub(super) struct FileLimiter {
    path: PathBuf,
    lease: Duration,
    ceiling: Option<Window>,
    adaptive: bool,
    /// Paces while the file cannot be used, and keeps the limit learnt from headers.
    local: LocalLimiter,
    file: Mutex<Link>,
    /// Members are unique across clients: a random prefix and a counter.
    member_prefix: u64,
    next_member: AtomicU64,
}

#[derive(Default)]
struct Link {
    file: Option<File>,
    down_until: Option<Instant>,
}

impl std::fmt::Debug for FileLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileLimiter")
            .field("path", &self.path)
            .field("ceiling", &self.ceiling)
            .finish_non_exhaustive()
    }
}

/// What the file holds: the limit learnt from HubSpot, and the sends that count, each with
/// when it counts from (in microseconds since the Unix epoch; a send in flight counts from
/// the end of its lease).
#[derive(Clone, Debug, Default, PartialEq)]
struct Budget {
    limit: Option<Window>,
    sends: Vec<(u64, u128)>,
}

impl Budget {
    /// Reads a budget; `None` when the text is something else, which is left alone. Lines
    /// that do not read are dropped: a write cut short leaves the new lines it wrote, then
    /// what remains of the old ones (see `read_change_write`).
    fn parse(text: &str) -> Option<Budget> {
        let mut lines = text.lines();
        match lines.next() {
            None => return Some(Budget::default()),
            Some(HEADER) => {}
            Some(_) => return None,
        }
        let mut budget = Budget::default();
        for line in lines {
            let fields: Vec<&str> = line.split(' ').collect();
            match fields[..] {
                ["limit", max, interval] => {
                    if let (Ok(max @ 1..), Ok(interval @ 1..)) = (max.parse(), interval.parse()) {
                        budget.limit = Some(Window {
                            max,
                            interval: Duration::from_micros(interval).min(MAX_LEARNT_INTERVAL),
                        });
                    }
                }
                ["send", from, member] => {
                    if let (Ok(from), Ok(member)) = (from.parse(), u128::from_str_radix(member, 16))
                    {
                        budget.sends.push((from, member));
                    }
                }
                _ => {}
            }
        }
        Some(budget)
    }

    fn write(&self) -> String {
        let mut text = format!("{HEADER}\n");
        if let Some(limit) = self.limit {
            let _ = writeln!(text, "limit {} {}", limit.max, micros(limit.interval));
        }
        for (from, member) in &self.sends {
            let _ = writeln!(text, "send {from} {member:x}");
        }
        text
    }

    /// Admits a send now under `ceiling` and the learnt limit, or says how long to wait.
    fn admit(
        &mut self,
        now: u64,
        ceiling: Option<Window>,
        lease: Duration,
        member: u128,
    ) -> Result<(), Duration> {
        let windows: Vec<Window> = ceiling.into_iter().chain(self.limit).collect();
        // A minute at least, as Redis keeps: another client's ceiling may span longer than
        // this one's windows, and a limit learnt later counts the sends before it.
        let horizon = windows
            .iter()
            .map(|w| w.interval)
            .fold(MIN_HORIZON, Duration::max);
        let oldest = now.saturating_sub(micros(horizon));
        self.sends.retain(|(from, _)| *from > oldest);
        // A send counting from later than this client's lease could last is another
        // client's with a longer lease, or from a clock that went back: it counts, but not
        // past this lease, rather than holding its place for longer.
        let latest = now.saturating_add(micros(lease));
        for (from, _) in &mut self.sends {
            *from = (*from).min(latest);
        }
        let mut wait = Duration::ZERO;
        if windows.is_empty() && self.sends.iter().any(|(from, _)| *from > now) {
            wait = IN_FLIGHT_RECHECK;
        }
        for window in &windows {
            let span = micros(window.interval);
            let since = now.saturating_sub(span);
            let mut counted: Vec<u64> = self
                .sends
                .iter()
                .map(|(from, _)| *from)
                .filter(|from| *from > since)
                .collect();
            let max = window.max as usize;
            if counted.len() < max {
                continue;
            }
            // One more may go when `count - max + 1` sends have left the window.
            let leaving = counted.len() - max;
            let (_, leaving, _) = counted.select_nth_unstable(leaving);
            let this = if *leaving > now {
                // In flight: its answer frees it, so look again soon.
                (window.interval / window.max).min(IN_FLIGHT_RECHECK)
            } else {
                Duration::from_micros(leaving.saturating_add(span).saturating_sub(now))
            };
            wait = wait.max(this);
        }
        if !wait.is_zero() {
            return Err(wait.max(Duration::from_millis(1)));
        }
        self.sends.push((now.saturating_add(micros(lease)), member));
        Ok(())
    }

    /// The send was answered: it counts from now. A limit the answer reported is written.
    fn release(&mut self, now: u64, member: u128, learnt: Option<Window>) {
        if let Some(send) = self.sends.iter_mut().find(|(_, m)| *m == member) {
            send.0 = now;
        }
        if learnt.is_some() {
            self.limit = learnt;
        }
    }
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, micros)
}

/// Why a look at the file did not happen.
enum Unusable {
    /// Another client holds the lock.
    Busy,
    Failed(io::Error),
}

impl FileLimiter {
    pub(super) fn new(
        path: PathBuf,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Self {
        // A ceiling of no requests would admit none: one, as local pacing takes it.
        let ceiling = ceiling.map(|w| Window {
            max: w.max.max(1),
            interval: w.interval,
        });
        FileLimiter {
            path,
            lease,
            ceiling,
            adaptive,
            local: LocalLimiter::new(ceiling, adaptive),
            file: Mutex::new(Link::default()),
            member_prefix: fastrand::u64(..),
            next_member: AtomicU64::new(0),
        }
    }

    fn link(&self) -> MutexGuard<'_, Link> {
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `change` on the budget while holding the file's lock, and writes it back if it
    /// changed.
    fn with_budget<T>(&self, change: impl FnOnce(&mut Budget) -> T) -> Result<T, Unusable> {
        let mut link = self.link();
        if link.file.is_none() {
            link.file = Some(open(&self.path).map_err(Unusable::Failed)?);
        }
        let file = link.file.as_mut().expect("opened above");
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Unusable::Busy),
            Err(TryLockError::Error(e)) => return Err(Unusable::Failed(e)),
        }
        let locked = Locked(file);
        if !same_file(locked.0, &self.path) {
            // Deleted or replaced since it was opened: the others use the file at the path.
            drop(locked);
            link.file = None;
            return Err(Unusable::Busy);
        }
        read_change_write(locked.0, change).map_err(Unusable::Failed)
    }

    /// `change` on the budget, waiting for the lock up to [`LOCK_TIMEOUT`]; `None` (with a
    /// warning) when the file cannot be used.
    async fn budget<T>(&self, mut change: impl FnMut(&mut Budget) -> T) -> Option<T> {
        if self
            .link()
            .down_until
            .is_some_and(|until| Instant::now() < until)
        {
            return None;
        }
        let started = Instant::now();
        loop {
            match self.with_budget(&mut change) {
                Ok(value) => {
                    let mut link = self.link();
                    if link.down_until.take().is_some() {
                        tracing::info!(path = %self.path.display(), "the rate limit file is back: sharing the rate limit again");
                    }
                    return Some(value);
                }
                Err(Unusable::Busy) if started.elapsed() < LOCK_TIMEOUT => {
                    tokio::time::sleep(LOCK_RETRY).await;
                }
                Err(Unusable::Busy) => {
                    self.went_away("its lock was held longer than the timeout");
                    return None;
                }
                Err(Unusable::Failed(e)) => {
                    self.went_away(&e.to_string());
                    return None;
                }
            }
        }
    }

    fn went_away(&self, reason: &str) {
        let mut link = self.link();
        link.file = None;
        link.down_until = Some(Instant::now() + RETRY_SHARED_AFTER);
        tracing::warn!(
            path = %self.path.display(),
            reason,
            retry_in_s = RETRY_SHARED_AFTER.as_secs(),
            "rate limit file unavailable: pacing this client on its own"
        );
    }

    fn member(&self) -> u128 {
        let n = self.next_member.fetch_add(1, Ordering::Relaxed);
        (u128::from(self.member_prefix) << 64) | u128::from(n)
    }

    pub(super) async fn acquire(self: &Arc<Self>) -> PermitKind {
        let member = self.member();
        loop {
            let admitted = self
                .budget(|budget| budget.admit(now_micros(), self.ceiling, self.lease, member))
                .await;
            match admitted {
                Some(Ok(())) => {
                    return PermitKind::File(FilePermit {
                        member: Some(member),
                        limiter: self.clone(),
                    })
                }
                Some(Err(wait)) => tokio::time::sleep(wait).await,
                None => {
                    let permit: LocalPermit = self.local.acquire().await;
                    return PermitKind::Local(permit);
                }
            }
        }
    }

    pub(super) fn rate_limited(&self) {
        // Only local pacing adapts; the shared budget is HubSpot's own limit.
        self.local.rate_limited();
    }

    pub(super) fn limit(&self) -> Option<Window> {
        self.local.limit()
    }
}

/// Opens (creating if needed) the budget file for reading and writing.
fn open(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    // A pipe would block the reader, and a device is no place for a budget.
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    Ok(file)
}

fn read_change_write<T>(file: &File, change: impl FnOnce(&mut Budget) -> T) -> io::Result<T> {
    let mut file = file;
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    // Someone else's file, named by mistake, is not overwritten.
    let not_a_budget = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it holds something other than a rate limit budget (it begins otherwise than {HEADER:?}), and is left as it is"),
        )
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| not_a_budget())?;
    let mut budget = Budget::parse(text).ok_or_else(not_a_budget)?;
    let before = budget.clone();
    let value = change(&mut budget);
    if budget != before {
        // Written over the old text, then cut to length: a write cut short (the process
        // killed, the disk full) leaves a budget whose first lines are new, not an empty file.
        let written = budget.write();
        file.seek(SeekFrom::Start(0))?;
        file.write_all(written.as_bytes())?;
        file.set_len(written.len() as u64)?;
    }
    Ok(value)
}

/// The file's lock, let go however its holder ends (a panic included).
struct Locked<'a>(&'a File);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Whether `file` is still the file at `path` (neither deleted nor replaced).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere a file in use cannot be deleted or replaced.
#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

/// A send admitted through the file; dropping it unanswered reports it as answered then.
pub(super) struct FilePermit {
    /// `None` once reported.
    member: Option<u128>,
    limiter: Arc<FileLimiter>,
}

impl std::fmt::Debug for FilePermit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePermit")
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

impl FilePermit {
    /// Writes that the send was answered, so it counts from now, and the limit the answer
    /// reports for every client.
    pub(super) async fn report(mut self, headers: &RateLimitHeaders) {
        let Some(member) = self.member.take() else {
            return;
        };
        self.limiter.local.learn(headers);
        let learnt = headers.window().filter(|_| self.limiter.adaptive);
        let released = self
            .limiter
            .budget(|budget| budget.release(now_micros(), member, learnt))
            .await;
        if released.is_none() {
            tracing::debug!("could not write an answer to the rate limit file; the send counts until its lease ends");
        }
    }
}

impl Drop for FilePermit {
    fn drop(&mut self) {
        let Some(member) = self.member.take() else {
            return; // Reported already.
        };
        // Without waiting for a held lock: a send not written as answered counts until its
        // lease ends, which only holds back the others a little.
        let _ = self
            .limiter
            .with_budget(|budget| budget.release(now_micros(), member, None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(max: u32, millis: u64) -> Window {
        Window {
            max,
            interval: Duration::from_millis(millis),
        }
    }

    fn headers(max: u64, millis: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            max: Some(max),
            interval: Some(Duration::from_millis(millis)),
            remaining: None,
        }
    }

    /// A budget file of its own, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "hubspot-runtime-budget-{}-{name}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn a_budget_reads_back_what_it_wrote_and_nothing_else() {
        let budget = Budget {
            limit: Some(window(190, 10_000)),
            sends: vec![
                (1_700_000_000_000_000, 7),
                (1_700_000_000_500_000, u128::MAX),
            ],
        };
        assert_eq!(Budget::parse(&budget.write()), Some(budget));
        assert_eq!(Budget::parse(""), Some(Budget::default()));
        for other in [
            "not a budget",
            "hubspot-rate-limit 2\n",
            "[budget]\nsend 1 2\n",
        ] {
            assert_eq!(Budget::parse(other), None, "{other:?}");
        }
        // A write cut short loses the lines it cut, not the budget.
        let damaged = "hubspot-rate-limit 1\nlimit 0 1000\nsend 12 zz\nsend 12\nsend 5 a\nsen";
        assert_eq!(
            Budget::parse(damaged),
            Some(Budget {
                limit: None,
                sends: vec![(5, 10)]
            })
        );
    }

    #[test]
    fn admission_keeps_every_window_and_counts_sends_in_flight() {
        let lease = Duration::from_secs(5);
        let second = 1_000_000;
        let mut budget = Budget::default();
        // No limit known: one send at a time.
        assert_eq!(budget.admit(0, None, lease, 1), Ok(()));
        assert_eq!(budget.admit(10, None, lease, 2), Err(IN_FLIGHT_RECHECK));
        budget.release(100, 1, Some(window(2, 1000)));
        assert_eq!(budget.admit(200, None, lease, 2), Ok(()));
        // Two in the window, the second in flight: the next goes when the first answer is
        // a second old.
        assert_eq!(
            budget.admit(300, None, lease, 3),
            Err(Duration::from_micros(100 + second - 300))
        );
        budget.release(400, 2, None);
        assert_eq!(
            budget.admit(500, None, lease, 3),
            Err(Duration::from_micros(100 + second - 500))
        );
        assert_eq!(budget.admit(100 + second, None, lease, 3), Ok(()));
        // A ceiling lower than the learnt limit holds too.
        budget.release(300 + second, 3, None);
        let ceiling = Some(window(1, 1000));
        assert!(budget.admit(400 + second, ceiling, lease, 4).is_err());
        assert!(budget.admit(400 + second, None, lease, 4).is_ok());
    }

    #[test]
    fn a_send_beyond_this_clients_lease_counts_until_the_lease_ends() {
        // Another client's, with a longer lease, or from a clock that went back.
        let lease = Duration::from_secs(5);
        let now = 1_000_000;
        let mut budget = Budget {
            limit: Some(window(1, 1000)),
            sends: vec![(u64::MAX / 2, 1)],
        };
        assert_eq!(budget.admit(now, None, lease, 2), Err(IN_FLIGHT_RECHECK));
        assert_eq!(budget.sends, [(now + 5_000_000, 1)]);
        // It counts from the end of the lease, for a whole interval.
        assert!(budget.admit(now + 5_999_999, None, lease, 2).is_err());
        assert_eq!(budget.admit(now + 6_000_000, None, lease, 2), Ok(()));
    }

    #[test]
    fn a_write_cut_short_leaves_the_lines_it_wrote() {
        // New text written over old, then the process ended before the file was cut to
        // length: the new lines, then what was left of the old ones.
        let text = "hubspot-rate-limit 1\nlimit 10 1000000\nsend 5 a\n0000 3f\nsend 7 b\n";
        assert_eq!(
            Budget::parse(text),
            Some(Budget {
                limit: Some(window(10, 1000)),
                sends: vec![(5, 10), (7, 11)]
            })
        );
        // A limit of no requests, or over no time, is no limit.
        assert_eq!(
            Budget::parse("hubspot-rate-limit 1\nlimit 10 0\n").map(|b| b.limit),
            Some(None)
        );
    }

    #[tokio::test]
    async fn a_ceiling_of_no_requests_lets_one_through_at_a_time() {
        let file = TempFile::new("zero");
        let limiter = Arc::new(FileLimiter::new(
            file.0.clone(),
            Some(window(0, 100)),
            true,
            Duration::from_secs(5),
        ));
        let start = std::time::Instant::now();
        for _ in 0..2 {
            match limiter.acquire().await {
                PermitKind::File(permit) => permit.report(&headers(10, 1000)).await,
                other => panic!("not through the file: {other:?}"),
            }
        }
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_permit_dropped_unanswered_counts_from_then() {
        let file = TempFile::new("dropped");
        let limiter = Arc::new(FileLimiter::new(
            file.0.clone(),
            None,
            true,
            Duration::from_secs(30),
        ));
        let permit = limiter.acquire().await;
        let dropped = now_micros();
        drop(permit);
        let budget = Budget::parse(&std::fs::read_to_string(&file.0).unwrap()).unwrap();
        let [(from, _)] = budget.sends[..] else {
            panic!("{budget:?}")
        };
        assert!(
            from >= dropped && from < dropped + 1_000_000,
            "{from} {dropped}"
        );
    }

    #[tokio::test]
    async fn a_file_deleted_under_a_client_is_made_again() {
        let file = TempFile::new("deleted");
        let limiter = Arc::new(FileLimiter::new(
            file.0.clone(),
            None,
            true,
            Duration::from_secs(5),
        ));
        for _ in 0..2 {
            match limiter.acquire().await {
                PermitKind::File(permit) => permit.report(&headers(10, 1000)).await,
                other => panic!("not through the file: {other:?}"),
            }
            std::fs::remove_file(&file.0).unwrap();
        }
        // The second send went to a new file at the path, which others would open too.
        let _third = limiter.acquire().await;
        let budget = Budget::parse(&std::fs::read_to_string(&file.0).unwrap()).unwrap();
        assert_eq!(budget.sends.len(), 1, "{budget:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_file_that_failed_is_tried_again_after_a_while() {
        let dir = TempFile::new("later");
        let limiter = Arc::new(FileLimiter::new(
            dir.0.join("budget"),
            None,
            false,
            Duration::from_secs(5),
        ));
        // Its directory is not there yet: paced locally.
        assert!(matches!(limiter.acquire().await, PermitKind::Local(_)));
        std::fs::create_dir(&dir.0).unwrap();
        // Left alone for a while, then used again.
        tokio::time::advance(RETRY_SHARED_AFTER - Duration::from_millis(1)).await;
        assert!(matches!(limiter.acquire().await, PermitKind::Local(_)));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(matches!(limiter.acquire().await, PermitKind::File(_)));
        std::fs::remove_dir_all(&dir.0).unwrap();
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_device_is_no_budget_file() {
        let limiter = Arc::new(FileLimiter::new(
            PathBuf::from("/dev/null"),
            None,
            true,
            Duration::from_secs(5),
        ));
        let permit = tokio::time::timeout(Duration::from_secs(1), limiter.acquire())
            .await
            .expect("not held up");
        assert!(matches!(permit, PermitKind::Local(_)), "{permit:?}");
    }

    #[tokio::test]
    async fn clients_with_the_same_file_share_one_budget() {
        let file = TempFile::new("share");
        let lease = Duration::from_secs(5);
        let clients: Vec<Arc<FileLimiter>> = (0..2)
            .map(|_| Arc::new(FileLimiter::new(file.0.clone(), None, true, lease)))
            .collect();
        // One learns the limit, 3 a quarter-second, and writes it for both.
        match clients[0].acquire().await {
            PermitKind::File(permit) => permit.report(&headers(3, 250)).await,
            other => panic!("not through the file: {other:?}"),
        }
        let start = std::time::Instant::now();
        let granted = Arc::new(Mutex::new(vec![start]));
        let mut tasks = Vec::new();
        for client in &clients {
            for _ in 0..4 {
                let (client, granted) = (client.clone(), granted.clone());
                tasks.push(tokio::spawn(async move {
                    match client.acquire().await {
                        PermitKind::File(permit) => {
                            granted.lock().unwrap().push(std::time::Instant::now());
                            permit.report(&headers(3, 250)).await;
                        }
                        other => panic!("not through the file: {other:?}"),
                    }
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
        let budget = Budget::parse(&std::fs::read_to_string(&file.0).unwrap()).unwrap();
        assert_eq!(budget.limit, Some(window(3, 250)));
        assert_eq!(budget.sends.len(), 9);
    }

    #[tokio::test]
    async fn a_file_that_holds_something_else_is_left_alone() {
        let file = TempFile::new("other");
        let other = b"\xff\xfe someone else's data".as_slice();
        for contents in [other, b"[settings]\nkeep = true\n".as_slice()] {
            std::fs::write(&file.0, contents).unwrap();
            let limiter = Arc::new(FileLimiter::new(
                file.0.clone(),
                None,
                true,
                Duration::from_secs(5),
            ));
            // Paced locally instead, without waiting.
            let permit = tokio::time::timeout(Duration::from_secs(1), limiter.acquire())
                .await
                .expect("not held up");
            assert!(matches!(permit, PermitKind::Local(_)), "{permit:?}");
            assert_eq!(std::fs::read(&file.0).unwrap(), contents);
        }
    }

    #[tokio::test]
    async fn a_dead_clients_send_counts_until_its_lease_ends() {
        let file = TempFile::new("lease");
        let lease = Duration::from_millis(300);
        let dead = Arc::new(FileLimiter::new(file.0.clone(), None, true, lease));
        let alive = Arc::new(FileLimiter::new(file.0.clone(), None, true, lease));
        match alive.acquire().await {
            PermitKind::File(permit) => permit.report(&headers(2, 100)).await,
            other => panic!("not through the file: {other:?}"),
        }
        // Sent and never reported: its process ended.
        let start = std::time::Instant::now();
        std::mem::forget(dead.acquire().await);
        std::mem::forget(dead.acquire().await);
        let _next = alive.acquire().await;
        assert!(start.elapsed() >= lease, "{:?}", start.elapsed());
    }
}
