//! One worker of a multi-process run: creates a range of contact-company associations
//! through `Client::batch`, as a user's worker process would, and reports what happened.
//!
//! Configured by environment: `HUBSPOT_TOKEN` and `HUBSPOT_BASE_URL` (the fake HubSpot),
//! `WORKER_FIRST` and `WORKER_INPUTS` (source ids `FIRST..FIRST+INPUTS`), optionally
//! `WORKER_BATCH_SIZE`, `WORKER_REDIS` with `WORKER_REDIS_KEY` to share the rate limit
//! through Redis, or `WORKER_RATE_LIMIT_FILE` to share it through a file. It waits for a line on standard input before it starts, so that all
//! workers start together, and prints one JSON line: `succeeded`, `failed` (the source ids
//! named in failures), `reasons` (the first few failure reasons) and `elapsed_ms`.

use std::io::BufRead;
use std::time::Instant;

use hubspot_associations::{v4, ClientBuilder};

fn var(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

fn number(name: &str) -> Result<Option<u64>, String> {
    var(name)?
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|e| format!("{name}={v:?} is not a number: {e}"))
        })
        .transpose()
}

async fn run() -> Result<serde_json::Value, String> {
    let first = number("WORKER_FIRST")?.ok_or("set WORKER_FIRST")?;
    let inputs = number("WORKER_INPUTS")?.ok_or("set WORKER_INPUTS")?;
    let mut builder = ClientBuilder::from_env().map_err(|e| e.to_string())?;
    if let Some(size) = number("WORKER_BATCH_SIZE")? {
        builder = builder.batch_size(usize::try_from(size).map_err(|e| e.to_string())?);
    }
    if let Some(url) = var("WORKER_REDIS")? {
        let key = var("WORKER_REDIS_KEY")?.ok_or("set WORKER_REDIS_KEY with WORKER_REDIS")?;
        builder = builder.redis_rate_limit(hubspot_associations::RedisRateLimit::new(url, key));
    }
    if let Some(path) = var("WORKER_RATE_LIMIT_FILE")? {
        builder = builder.rate_limit_file(path);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let pairs: Vec<_> = (first..first + inputs)
        .map(|id| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(id),
                v4::PublicObjectId::new(9_000_000_000 + id),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        })
        .collect();

    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("waiting for the start signal: {e}"))?;
    let start = Instant::now();
    let report = client
        .batch(pairs, |chunk| {
            v4::batch_create(
                "contacts",
                "companies",
                &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    let elapsed = start.elapsed();
    let failed: Vec<String> = report
        .failures
        .iter()
        .map(|f| f.input.from.id.to_string())
        .collect();
    let reasons: Vec<String> = report
        .failures
        .iter()
        .take(3)
        .map(|f| format!("{:?}", f.reason))
        .collect();
    Ok(serde_json::json!({
        "succeeded": report.succeeded,
        "failed": failed,
        "reasons": reasons,
        "elapsed_ms": elapsed.as_millis() as u64,
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    match run().await {
        Ok(outcome) => println!("{outcome}"),
        Err(message) => {
            eprintln!("worker: {message}");
            std::process::exit(2);
        }
    }
}
