//! One import of many associations, as a user's job would run it, for the memory benchmark
//! (`tests/benches/import_memory.rs`): `IMPORT_INPUTS` contact-company associations through
//! `Client::batch_stream` (`IMPORT_MODE=stream`, inputs made as they are sent) or
//! `Client::batch` (`IMPORT_MODE=vec`, all inputs in a `Vec` first), against `HUBSPOT_BASE_URL`
//! with `HUBSPOT_TOKEN`. Prints one JSON line: `inputs`, `succeeded`, `failed`, `requests`,
//! `peak_rss_kb` (the process's high-water mark of resident memory) and `elapsed_ms`.

use std::time::Instant;

use futures_util::{stream, StreamExt};
use hubspot_associations::{v4, ClientBuilder};

fn pair(id: u64) -> v4::PublicAssociationMultiPost {
    v4::PublicAssociationMultiPost::new(
        v4::PublicObjectId::new(id),
        v4::PublicObjectId::new(9_000_000_000 + id),
        vec![v4::AssociationSpec::new(
            v4::AssociationCategory::HubspotDefined,
            1,
        )],
    )
}

type Created = hubspot_associations::Outcome<
    v4::BatchResponseLabelsBetweenObjectPair,
    v4::BatchResponseLabelsBetweenObjectPairWithErrors,
>;

fn create(chunk: &[v4::PublicAssociationMultiPost]) -> hubspot_associations::Request<Created> {
    v4::batch_create(
        "contacts",
        "companies",
        &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
    )
}

/// The process's peak resident memory, from `/proc/self/status`.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn run() -> Result<serde_json::Value, String> {
    let inputs: u64 = std::env::var("IMPORT_INPUTS")
        .map_err(|_| "set IMPORT_INPUTS")?
        .parse()
        .map_err(|e| format!("IMPORT_INPUTS: {e}"))?;
    let mode = std::env::var("IMPORT_MODE").unwrap_or_else(|_| "stream".to_owned());
    let client = ClientBuilder::from_env()
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let (succeeded, failed, requests) = match mode.as_str() {
        "stream" => {
            let mut chunks =
                std::pin::pin!(client.batch_stream(stream::iter((1..=inputs).map(pair)), create));
            let (mut succeeded, mut failed, mut requests) = (0, 0, 0);
            while let Some(chunk) = chunks.next().await {
                succeeded += chunk.succeeded.len();
                failed += chunk.failures.len();
                requests += chunk.requests;
            }
            (succeeded, failed, requests)
        }
        "vec" => {
            let report = client.batch((1..=inputs).map(pair).collect(), create).await;
            (report.succeeded, report.failures.len(), report.requests)
        }
        other => return Err(format!("IMPORT_MODE={other:?}: stream or vec")),
    };
    Ok(serde_json::json!({
        "inputs": inputs,
        "succeeded": succeeded,
        "failed": failed,
        "requests": requests,
        "peak_rss_kb": peak_rss_kb(),
        "elapsed_ms": start.elapsed().as_millis() as u64,
    }))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match runtime.block_on(run()) {
        Ok(line) => println!("{line}"),
        Err(error) => {
            eprintln!("import: {error}");
            std::process::exit(1);
        }
    }
}
