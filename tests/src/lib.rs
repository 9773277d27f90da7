//! Support for the integration tests in `it/`: where things are, JSON made from schemas, and
//! comparison of JSON by what the schema says it means.

/// The README's examples run as doctests of this crate, so they cannot go stale.
#[doc = include_str!("../../README.md")]
mod readme {}

pub mod fake_hubspot;
pub mod redis_server;
pub mod repeated_keys;
pub mod resettable;
pub mod sample;
pub mod semantic;
pub mod upload_server;
pub mod workers;

use std::path::PathBuf;

/// The repository root.
pub fn workspace_root() -> PathBuf {
    xtask::codegen::workspace_root().expect("tests run in the checkout")
}

/// The model of the checked-in specs, as `cargo xtask codegen` lowers them.
pub fn checked_in_api() -> xtask::ir::Api {
    let job = xtask::codegen::default_job(&workspace_root()).expect("spec/ documents are listed");
    let docs = xtask::codegen::load_all(&job).expect("spec/ documents load");
    xtask::lower::lower(&docs).expect("spec/ documents lower").0
}

/// Runs `cargo check` with warnings denied on crates generated outside the workspace (a
/// standalone crate, or a directory made a workspace of several). Dependencies resolve
/// offline against the workspace lock file: `cargo test` has already fetched them. All such
/// checks share one target directory, so dependencies are built once.
pub fn cargo_check(dir: &std::path::Path, args: &[String]) -> Result<(), String> {
    let mut command = generated_cargo(dir, &["check", "--all-targets"])?;
    run(command.args(args))
}

/// Runs `cargo test` as `cargo_check` runs `cargo check`: for code that uses crates
/// generated outside the workspace.
pub fn cargo_test(dir: &std::path::Path, args: &[String]) -> Result<(), String> {
    let mut command = generated_cargo(dir, &["test"])?;
    run(command.args(args))
}

/// Runs `cargo doc --no-deps` with rustdoc's warnings denied, as `cargo_check` runs `cargo
/// check` (and sharing its dependencies, which the same flags keep valid).
pub fn cargo_doc(dir: &std::path::Path, args: &[String]) -> Result<(), String> {
    let mut command = generated_cargo(dir, &["doc", "--no-deps"])?;
    run(command.args(args).env("RUSTDOCFLAGS", "-D warnings"))
}

fn generated_cargo(
    dir: &std::path::Path,
    subcommand: &[&str],
) -> Result<std::process::Command, String> {
    let root = workspace_root();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = std::process::Command::new(cargo);
    command
        .args(subcommand)
        .args(["--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target/generated-crates"))
        .env("RUSTFLAGS", "-D warnings");
    Ok(command)
}

fn run(command: &mut std::process::Command) -> Result<(), String> {
    let output = command.output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
