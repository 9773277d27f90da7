//! A `redis-server` of the test's own on 127.0.0.1: a free port, a temporary directory,
//! nothing saved to disk, killed when dropped.
//!
//! A machine without `redis-server` skips the tests that need one, saying so, unless
//! `HUBSPOT_TEST_REQUIRE_REDIS=1` (as `.ci/run` sets) makes that a failure.
//!
//! The runtime's unit tests include this file too (`#[path]`), so it needs only `std`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Set to `1` where a missing `redis-server` must fail the tests that need it (CI).
pub const REQUIRE_REDIS: &str = "HUBSPOT_TEST_REQUIRE_REDIS";

pub struct RedisServer {
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    dir: PathBuf,
}

/// Why no server was started.
#[derive(Debug)]
pub enum StartError {
    /// `redis-server` is not on `PATH`.
    NotInstalled,
    /// It is, but exited at start (as when another process took its port first).
    Exited(std::process::ExitStatus),
    /// It is, but did not come up.
    Failed(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::NotInstalled => {
                f.write_str("redis-server not found on PATH; install it to run this test")
            }
            StartError::Exited(status) => write!(f, "redis-server exited at start: {status}"),
            StartError::Failed(why) => f.write_str(why),
        }
    }
}

impl RedisServer {
    /// A server for `test`; or, when `redis-server` is not installed and
    /// [`REQUIRE_REDIS`] is not `1`, `None` after saying that `test` skipped and why.
    /// Panics when the server is required but missing, or installed but does not start.
    pub fn for_test(test: &str) -> Option<RedisServer> {
        match RedisServer::start() {
            Ok(server) => Some(server),
            Err(StartError::NotInstalled) if !required() => {
                skipped(test, &StartError::NotInstalled.to_string());
                None
            }
            Err(error) => panic!("{test}: {error}"),
        }
    }

    /// Starts one, or says what is missing.
    pub fn start() -> Result<RedisServer, StartError> {
        // The port is found free by binding it and letting go, so another process may take
        // it before redis-server binds it; redis-server then exits, and a new port is tried.
        let mut attempts = 3;
        loop {
            attempts -= 1;
            match RedisServer::start_on_a_free_port() {
                Err(StartError::Exited(_)) if attempts > 0 => continue,
                outcome => return outcome,
            }
        }
    }

    fn start_on_a_free_port() -> Result<RedisServer, StartError> {
        let port = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .and_then(|l| l.local_addr())
            .map_err(|e| StartError::Failed(format!("no free port on 127.0.0.1: {e}")))?
            .port();
        let dir = std::env::temp_dir().join(format!("hubspot-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| StartError::Failed(format!("{}: {e}", dir.display())))?;
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
            ])
            .args(["--appendonly", "no", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                match e.kind() {
                    std::io::ErrorKind::NotFound => StartError::NotInstalled,
                    _ => StartError::Failed(format!("cannot start redis-server: {e}")),
                }
            })?;
        let mut server = RedisServer {
            url: format!("redis://127.0.0.1:{port}"),
            child,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ping(port) {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(StartError::Exited(status));
            }
            if Instant::now() > deadline {
                return Err(StartError::Failed(format!(
                    "redis-server on port {port} does not answer PING"
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }
}

/// Says that `test` did not run and why, where `cargo test` shows it: libtest keeps what a
/// passing test prints with `eprintln!` to itself, but not what it writes to the handle.
pub fn skipped(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
}

/// Whether [`REQUIRE_REDIS`] says a missing server is a failure.
fn required() -> bool {
    std::env::var(REQUIRE_REDIS).is_ok_and(|value| value == "1")
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
