//! Runs worker processes (`src/bin/worker.rs`) against the fake HubSpot, all started at
//! once, and collects what each reports.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::fake_hubspot::TOKEN;

/// What to run.
pub struct Run<'a> {
    /// The worker binary (`CARGO_BIN_EXE_worker`).
    pub exe: &'a Path,
    pub base_url: &'a str,
    pub workers: usize,
    pub inputs_per_worker: u64,
    pub batch_size: Option<usize>,
    /// A Redis URL and key to share the rate limit through.
    pub redis: Option<(&'a str, &'a str)>,
    /// A file to share the rate limit through.
    pub file: Option<&'a Path>,
}

/// What one worker reported.
#[derive(Debug)]
pub struct Outcome {
    /// Its source ids are `first..first + inputs`.
    pub first: u64,
    pub succeeded: u64,
    /// Source ids named in failures.
    pub failed: Vec<String>,
    pub reasons: Vec<String>,
    pub elapsed: Duration,
}

/// Source ids of worker `i` start here.
pub fn first_id(i: usize, inputs_per_worker: u64) -> u64 {
    1_000_000 + i as u64 * inputs_per_worker
}

/// Starts every worker, then tells all of them to go, and waits for their reports.
pub fn run(run: &Run) -> Result<Vec<Outcome>, String> {
    let mut children = Vec::new();
    for i in 0..run.workers {
        let first = first_id(i, run.inputs_per_worker);
        let mut command = Command::new(run.exe);
        command
            .env("HUBSPOT_TOKEN", TOKEN)
            .env("HUBSPOT_BASE_URL", run.base_url)
            .env("WORKER_FIRST", first.to_string())
            .env("WORKER_INPUTS", run.inputs_per_worker.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(size) = run.batch_size {
            command.env("WORKER_BATCH_SIZE", size.to_string());
        }
        if let Some((url, key)) = run.redis {
            command
                .env("WORKER_REDIS", url)
                .env("WORKER_REDIS_KEY", key);
        }
        if let Some(file) = run.file {
            command.env("WORKER_RATE_LIMIT_FILE", file);
        }
        let child = command
            .spawn()
            .map_err(|e| format!("{}: {e}", run.exe.display()))?;
        children.push((first, child));
    }
    // Each worker builds its inputs and client before it reads the signal.
    std::thread::sleep(Duration::from_millis(200));
    for (_, child) in &mut children {
        let stdin = child.stdin.as_mut().ok_or("no stdin")?;
        stdin
            .write_all(b"go\n")
            .map_err(|e| format!("start signal: {e}"))?;
    }
    children
        .into_iter()
        .map(|(first, child)| {
            let output = child.wait_with_output().map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            if !output.status.success() {
                return Err(format!(
                    "worker {first} failed ({}): {stdout}{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let report: serde_json::Value = serde_json::from_str(stdout.trim())
                .map_err(|e| format!("worker {first} reported {stdout:?}: {e}"))?;
            let strings = |key: &str| -> Vec<String> {
                report[key]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            };
            Ok(Outcome {
                first,
                succeeded: report["succeeded"].as_u64().unwrap_or(0),
                failed: strings("failed"),
                reasons: strings("reasons"),
                elapsed: Duration::from_millis(report["elapsed_ms"].as_u64().unwrap_or(0)),
            })
        })
        .collect()
}
