//! What HubSpot adds breaks no one, as `cargo-semver-checks` judges it: the crate generated
//! from HubSpot's contacts v3 document against the one from the same document with an
//! optional field and an enum value added is compatible, and against one with an enum value
//! removed is not.
//!
//! It needs `cargo-semver-checks` (`cargo install cargo-semver-checks --locked`) and HubSpot's
//! documents in `../shared/specs`; without either it says it skipped, unless
//! `HUBSPOT_TEST_REQUIRE_SEMVER_CHECKS=1` (as `.ci/run` sets) makes a missing tool a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::published::dev_document;

/// Set to `1` where a missing `cargo-semver-checks` must fail this test (CI).
const REQUIRE: &str = "HUBSPOT_TEST_REQUIRE_SEMVER_CHECKS";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Whether `cargo semver-checks` runs here; says the test skipped when it does not.
fn semver_checks_installed() -> bool {
    let installed = cargo()
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        assert!(
            std::env::var(REQUIRE).map_or(true, |v| v != "1"),
            "cargo-semver-checks is not installed, and {REQUIRE}=1"
        );
        tests::skipped(
            "additions_to_a_document_are_compatible_and_removals_are_not",
            "cargo-semver-checks not found; `cargo install cargo-semver-checks --locked` to run it",
        );
    }
    installed
}

/// The crate generated from `document` in `dir`, and its rustdoc JSON, which
/// `cargo-semver-checks` compares.
fn rustdoc_of(document: &Value, dir: &Path, target: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let spec = dir.join("contacts.json");
    std::fs::write(&spec, document.to_string()).unwrap();
    let out = dir.join("crate");
    let job = xtask::codegen::Job::standalone(
        vec![(spec, "contacts.json".to_owned())],
        out.clone(),
        out.join("runtime"),
        "contacts",
        dir.to_owned(),
    );
    xtask::codegen::run(&job, false).unwrap();
    std::fs::copy(
        tests::workspace_root().join("Cargo.lock"),
        out.join("Cargo.lock"),
    )
    .unwrap();
    let output = cargo()
        .args(["rustdoc", "--offline", "--quiet", "--lib", "--"])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .current_dir(&out)
        // rustdoc's JSON is unstable output, which cargo-semver-checks asks for the same way.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = dir.join("rustdoc.json");
    std::fs::copy(target.join("doc/contacts.json"), &json).unwrap();
    json
}

/// `cargo semver-checks` on two rustdoc JSONs: whether it passed, and what it said.
fn semver_checks(baseline: &Path, current: &Path) -> (bool, String) {
    let output = cargo()
        .args(["semver-checks", "check-release", "--baseline-rustdoc"])
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn additions_to_a_document_are_compatible_and_removals_are_not() {
    let Some(path) = dev_document("contacts-v3.json") else {
        return;
    };
    if !semver_checks_installed() {
        return;
    }
    let published: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let category = "/components/schemas/AssociationSpec/properties/associationCategory/enum";
    let mut added = published.clone();
    added
        .pointer_mut("/components/schemas/SimplePublicObjectInput/properties")
        .and_then(Value::as_object_mut)
        .expect("SimplePublicObjectInput's properties")
        .insert(
            "objectWriteTraceId".to_owned(),
            serde_json::json!({"type": "string"}),
        );
    added
        .pointer_mut(category)
        .and_then(Value::as_array_mut)
        .expect("the association categories")
        .push("PARTNER_DEFINED".into());
    let mut removed = published.clone();
    removed
        .pointer_mut(category)
        .and_then(Value::as_array_mut)
        .expect("the association categories")
        .pop();

    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semver");
    let target = root.join("target");
    let baseline = rustdoc_of(&published, &root.join("published"), &target);
    let (compatible, said) =
        semver_checks(&baseline, &rustdoc_of(&added, &root.join("added"), &target));
    assert!(compatible, "{said}");
    assert!(said.contains("no semver update required"), "{said}");
    assert!(!said.contains("warning"), "{said}");
    let (compatible, said) = semver_checks(
        &baseline,
        &rustdoc_of(&removed, &root.join("removed"), &target),
    );
    assert!(!compatible, "{said}");
    assert!(said.contains("enum_variant_missing"), "{said}");
}
