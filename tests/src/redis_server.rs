//! A `redis-server` of the test's own on 127.0.0.1: a free port, a temporary directory,
//! nothing saved to disk, killed when dropped.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts one, or fails with what is missing: `.ci/run` installs `redis-server`.
    pub fn start() -> Result<RedisServer, String> {
        let port = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
            .port();
        let dir = std::env::temp_dir().join(format!("hubspot-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
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
                format!(
                    "cannot start redis-server ({e}): install it (`apt-get install redis-server`)"
                )
            })?;
        let mut server = RedisServer {
            url: format!("redis://127.0.0.1:{port}"),
            child,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ping(port) {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("redis-server exited at start: {status}"));
            }
            if Instant::now() > deadline {
                return Err(format!("redis-server on port {port} does not answer PING"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }
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
