//! Resident memory of one import against its size: 100,000, 1,000,000 and 10,000,000
//! associations through `Client::batch_stream` (inputs made as they are sent), and through
//! `Client::batch` (a `Vec` of them first, every result kept) for the sizes it can hold. Each
//! import runs in a process of its own (`tests/src/bin/import.rs`), whose peak resident
//! memory is printed, against a fake HubSpot in this process that keeps nothing of what it
//! creates.
//!
//! `cargo bench -p tests --bench import_memory`; after `--`, `stream` or `vec` and sizes pick
//! some of the runs (`-- stream 100000 1000000`).

use std::path::Path;
use std::process::Command;

use tests::fake_hubspot::{FakeHubSpot, TOKEN};

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it cheap.
    if !std::env::args().any(|a| a == "--bench") {
        println!("import_memory: run with `cargo bench -p tests --bench import_memory`");
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let modes: Vec<&str> = match ["stream", "vec"]
        .into_iter()
        .filter(|m| args.iter().any(|a| a == m))
        .collect::<Vec<_>>()
    {
        named if named.is_empty() => vec!["stream", "vec"],
        named => named,
    };
    let sizes: Vec<u64> = match args
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>()
    {
        sizes if sizes.is_empty() => vec![100_000, 1_000_000, 10_000_000],
        sizes => sizes,
    };
    let server = FakeHubSpot::start();
    server.forget_creations();
    println!(
        "{:<7} {:>11} {:>11} {:>7} {:>9} {:>13} {:>10}",
        "mode", "inputs", "succeeded", "failed", "requests", "peak RSS MB", "time s"
    );
    for &mode in &modes {
        for &inputs in &sizes {
            // Every input and result of the `Vec` form is held at once: past a million,
            // that is the gigabytes this benchmark shows the stream avoids.
            if mode == "vec" && inputs > 1_000_000 {
                continue;
            }
            let output = Command::new(Path::new(env!("CARGO_BIN_EXE_import")))
                .env("HUBSPOT_TOKEN", TOKEN)
                .env("HUBSPOT_BASE_URL", &server.base_url)
                .env("IMPORT_INPUTS", inputs.to_string())
                .env("IMPORT_MODE", mode)
                .output()
                .expect("the import binary runs");
            if !output.status.success() {
                panic!("import failed: {}", String::from_utf8_lossy(&output.stderr));
            }
            let line: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("one JSON line");
            let count = |name: &str| line[name].as_u64().unwrap_or_default();
            println!(
                "{:<7} {:>11} {:>11} {:>7} {:>9} {:>13.1} {:>10.1}",
                mode,
                count("inputs"),
                count("succeeded"),
                count("failed"),
                count("requests"),
                line["peak_rss_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0,
                line["elapsed_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
            );
        }
    }
}
