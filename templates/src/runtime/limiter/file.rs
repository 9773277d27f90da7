//! The store of a budget shared through a file by every client on one machine that names
//! it, with no server to run (see `shared.rs` for the rule and the engine around it): each
//! admission reads, changes and writes the budget while holding the file's lock
//! (`File::try_lock`), so no two clients (threads, or processes) take the same place. Times
//! are the machine's clock, which every process on it shares.
//!
//! A lock held longer than [`LOCK_TIMEOUT`], or a file that cannot be opened, read or
//! written, makes the store unavailable, and the client paces itself meanwhile. A file that
//! holds something else is never written; a line of a budget that does not read is dropped.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::shared::{
    micros, Admission, Admit, Member, Store, StoreFuture, Unavailable, IN_FLIGHT_RECHECK,
    MIN_HORIZON,
};
use super::{Window, MAX_LEARNT_INTERVAL};

/// How long to wait for another client to let go of the file's lock before pacing locally.
const LOCK_TIMEOUT: Duration = Duration::from_millis(500);

/// Between two tries of a held lock: clients hold it for a few microseconds.
const LOCK_RETRY: Duration = Duration::from_millis(1);

/// The first line of a budget file.
const HEADER: &str = "hubspot-rate-limit 1";

/// A budget file, opened when first used and again after a failure.
pub(super) struct FileStore {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What the file holds: the limit learnt from HubSpot, and the sends that count, each with
/// when it counts from (in microseconds since the Unix epoch; a send in flight counts from
/// the end of its lease).
#[derive(Clone, Debug, Default, PartialEq)]
struct Budget {
    limit: Option<Window>,
    sends: Vec<(u64, Member)>,
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

    /// Admits a send now under `ceiling` and the learnt limit, or says how long to wait: the
    /// rule of `shared.rs`, which the Redis store's script keeps too.
    fn admit(&mut self, now: u64, send: &Admit) -> Admission {
        let windows: Vec<Window> = send.ceiling.into_iter().chain(self.limit).collect();
        let horizon = windows
            .iter()
            .map(|w| w.interval)
            .fold(MIN_HORIZON, Duration::max);
        let oldest = now.saturating_sub(micros(horizon));
        self.sends.retain(|(from, _)| *from > oldest);
        // A send counting from later than this client's lease could last is another
        // client's with a longer lease, or from a clock that went back: it counts, but not
        // past this lease, rather than holding its place for longer.
        let latest = now.saturating_add(micros(send.lease));
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
                Duration::from_micros(span / u64::from(window.max)).min(IN_FLIGHT_RECHECK)
            } else {
                Duration::from_micros(leaving.saturating_add(span).saturating_sub(now))
            };
            wait = wait.max(this);
        }
        if !wait.is_zero() {
            return Admission::Wait(wait.max(Duration::from_millis(1)));
        }
        self.sends.push((latest, send.member));
        Admission::Admitted
    }

    /// The send was answered: it counts from now. A limit the answer reported is written.
    fn release(&mut self, now: u64, member: Member, learnt: Option<Window>) {
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

impl FileStore {
    pub(super) fn new(path: PathBuf) -> Self {
        FileStore {
            path,
            file: Mutex::new(None),
        }
    }

    fn file(&self) -> MutexGuard<'_, Option<File>> {
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `change` on the budget while holding the file's lock, and writes it back if it
    /// changed.
    fn with_budget<T>(&self, change: impl FnOnce(&mut Budget) -> T) -> Result<T, Unusable> {
        let mut slot = self.file();
        if slot.is_none() {
            *slot = Some(open(&self.path).map_err(Unusable::Failed)?);
        }
        let file = slot.as_mut().expect("opened above");
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Unusable::Busy),
            Err(TryLockError::Error(e)) => return Err(Unusable::Failed(e)),
        }
        let locked = Locked(file);
        if !same_file(locked.0, &self.path) {
            // Deleted or replaced since it was opened: the others use the file at the path.
            drop(locked);
            *slot = None;
            return Err(Unusable::Busy);
        }
        read_change_write(locked.0, change).map_err(Unusable::Failed)
    }

    /// `change` on the budget, waiting for the lock up to [`LOCK_TIMEOUT`].
    async fn budget<T>(&self, mut change: impl FnMut(&mut Budget) -> T) -> Result<T, Unavailable> {
        let started = Instant::now();
        loop {
            match self.with_budget(&mut change) {
                Ok(value) => return Ok(value),
                Err(Unusable::Busy) if started.elapsed() < LOCK_TIMEOUT => {
                    tokio::time::sleep(LOCK_RETRY).await;
                }
                Err(Unusable::Busy) => {
                    return Err(Unavailable(
                        "its lock was held longer than the timeout".to_owned(),
                    ))
                }
                Err(Unusable::Failed(e)) => {
                    // Opened again next time: it may have been fixed, or replaced.
                    *self.file() = None;
                    return Err(Unavailable(e.to_string()));
                }
            }
        }
    }
}

impl Store for FileStore {
    fn kind(&self) -> &'static str {
        "rate limit file"
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn admit(&self, send: Admit) -> StoreFuture<'_, Admission> {
        Box::pin(async move {
            self.budget(|budget| budget.admit(send.at.unwrap_or_else(now_micros), &send))
                .await
        })
    }

    fn release(
        &self,
        member: Member,
        learnt: Option<Window>,
        at: Option<u64>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.budget(|budget| budget.release(at.unwrap_or_else(now_micros), member, learnt))
                .await
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn window(max: u32, millis: u64) -> Window {
        Window {
            max,
            interval: Duration::from_millis(millis),
        }
    }

    /// A path of its own, removed when dropped.
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

    fn send(member: Member) -> Admit {
        Admit {
            member,
            ceiling: None,
            lease: Duration::from_secs(5),
            at: None,
        }
    }

    fn read(path: &Path) -> Budget {
        Budget::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
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
    async fn a_file_deleted_under_a_client_is_made_again() {
        let file = TempFile::new("deleted");
        let store = FileStore::new(file.0.clone());
        for member in 0..2 {
            assert_eq!(
                store.admit(send(member)).await.unwrap(),
                Admission::Admitted
            );
            store
                .release(member, Some(window(10, 1000)), None)
                .await
                .unwrap();
            std::fs::remove_file(&file.0).unwrap();
        }
        // The second send went to a new file at the path, which others would open too.
        assert_eq!(store.admit(send(2)).await.unwrap(), Admission::Admitted);
        assert_eq!(read(&file.0).sends.len(), 1);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_device_is_no_budget_file() {
        let store = FileStore::new(PathBuf::from("/dev/null"));
        let Err(Unavailable(reason)) = store.admit(send(1)).await else {
            panic!("admitted through /dev/null")
        };
        assert!(reason.contains("not a regular file"), "{reason}");
    }

    #[tokio::test]
    async fn a_file_that_holds_something_else_is_left_alone() {
        let file = TempFile::new("other");
        let other = b"\xff\xfe someone else's data".as_slice();
        for contents in [other, b"[settings]\nkeep = true\n".as_slice()] {
            std::fs::write(&file.0, contents).unwrap();
            let store = FileStore::new(file.0.clone());
            let Err(Unavailable(reason)) = store.admit(send(1)).await else {
                panic!("admitted through someone else's file")
            };
            assert!(reason.contains("left as it is"), "{reason}");
            assert_eq!(std::fs::read(&file.0).unwrap(), contents);
        }
    }

    #[tokio::test]
    async fn a_lock_held_too_long_makes_the_file_unavailable() {
        let file = TempFile::new("held");
        let store = FileStore::new(file.0.clone());
        store.admit(send(1)).await.unwrap();
        store.release(1, None, None).await.unwrap();
        let holder = File::open(&file.0).unwrap();
        holder.lock().unwrap();
        let started = std::time::Instant::now();
        let Err(Unavailable(reason)) = store.admit(send(2)).await else {
            panic!("admitted under another's lock")
        };
        assert!(reason.contains("held longer"), "{reason}");
        assert!(started.elapsed() >= LOCK_TIMEOUT);
        holder.unlock().unwrap();
        assert_eq!(store.admit(send(2)).await.unwrap(), Admission::Admitted);
    }
}
