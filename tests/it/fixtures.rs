//! Deliberately awkward specs: their emitted code is snapshot-tested, and the crate made from
//! them is compiled with warnings as errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::codegen::{self, Job};
use xtask::emit::{self, CrateOptions};

const FIXTURES: &[&str] = &["composition", "keywords", "nested", "operations"];

fn fixture(name: &str) -> PathBuf {
    tests::workspace_root()
        .join("tests/fixtures")
        .join(format!("{name}.yaml"))
}

fn options(package: &str) -> CrateOptions {
    CrateOptions {
        package: package.to_owned(),
        command: "cargo xtask codegen --spec ... --out ...".to_owned(),
        standalone: true,
    }
}

#[test]
fn fixture_models_snapshots() {
    for name in FIXTURES {
        let path = fixture(name);
        let doc = xtask::load::load_file(&path, &format!("tests/fixtures/{name}.yaml")).unwrap();
        let (api, _warnings) = xtask::lower::lower(&[doc]).unwrap();
        let files = emit::emit_crate(&api, &[], &options(name)).unwrap();
        let module = &api.modules[0].name;
        let models = files
            .iter()
            .find(|f| f.path == format!("src/{module}/models.rs"))
            .expect("a models file");
        insta::assert_snapshot!(format!("{name}_models"), models.contents);
        if let Some(operations) = files
            .iter()
            .find(|f| f.path == format!("src/{module}/operations.rs"))
        {
            insta::assert_snapshot!(format!("{name}_operations"), operations.contents);
        }
    }
}

/// Runs `cargo check` on a crate generated outside the workspace. Dependencies resolve
/// offline against the workspace lock file: `cargo test` has already fetched them.
pub fn cargo_check(crate_dir: &Path, features: &[String]) {
    let root = tests::workspace_root();
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        // Without the HTTP client: it is the same runtime the workspace already checks, and
        // leaving it out spares building a TLS stack a second time.
        .args([
            "check",
            "--offline",
            "--quiet",
            "--all-targets",
            "--no-default-features",
            "--features",
        ])
        .arg(features.join(","))
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", root.join("target/generated-crates"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo check failed in {}:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fixture_crate_compiles_without_warnings() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crate");
    let root = tests::workspace_root();
    let job = Job {
        specs: FIXTURES
            .iter()
            .map(|name| (fixture(name), format!("tests/fixtures/{name}.yaml")))
            .collect(),
        out_dir: out.clone(),
        options: options("fixtures"),
        registry: None,
        root: root.clone(),
    };
    let runtime = codegen::runtime_files(&root).unwrap();
    codegen::run(&job, &runtime, false).unwrap();
    let features: Vec<String> = FIXTURES
        .iter()
        .map(|name| xtask::naming::module_name(&format!("fixture-{name}")))
        .collect();
    cargo_check(&out, &features);
}
