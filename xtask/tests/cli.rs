//! The `xtask` binary as users run it: exit codes and messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

#[test]
fn check_passes_on_the_checked_in_crate() {
    let output = xtask(&["codegen", "--check"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_bad_document_exits_non_zero_naming_file_and_pointer() {
    let dir = scratch("bad");
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n").unwrap();
    let out = dir.join("out");
    let output = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "bad.yaml: #/components/schemas/A: unknown $ref '#/components/schemas/Missing'"
        ),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &["codegen", "--bogus"][..],
        &["frobnicate"],
        &["codegen", "--spec", "x.yaml"],
        &["diff", "one"],
    ] {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("usage: cargo xtask"),
            "{args:?}"
        );
    }
}

#[test]
fn diff_prints_the_report() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "spec/v4", "spec/2026-03"])
        .current_dir(&root)
        .output()
        .expect("xtask runs");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout)
        .contains("+ search: POST /crm/objects/2026-03/{objectType}/search"));
}

/// A checkout whose files have Windows line endings (git's `autocrlf`) is up to date: `--check`
/// passes and a run rewrites nothing. A real difference is still found.
#[test]
fn check_ignores_line_endings() {
    let dir = scratch("crlf");
    let spec = dir.join("api.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Thing:\n      description: A thing.\n      type: object\n      properties:\n        id:\n          type: string\n").unwrap();
    let out = dir.join("out");
    let codegen = |check: bool| {
        let mut args = vec!["codegen", "--spec", spec.to_str().unwrap()];
        args.extend(["--out", out.to_str().unwrap()]);
        if check {
            args.push("--check");
        }
        xtask(&args)
    };
    assert!(codegen(false).status.success());

    let models = out.join("src/v1/models.rs");
    let mut converted = 0;
    for entry in std::fs::read_dir(out.join("src/v1")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
        converted += 1;
    }
    assert!(converted >= 2, "mod.rs and models.rs");
    let crlf = std::fs::read(&models).unwrap();

    let check = codegen(true);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let run = codegen(false);
    assert!(run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read(&models).unwrap(), crlf, "left as checked out");

    let edited = String::from_utf8(crlf)
        .unwrap()
        .replace("A thing.", "A changed thing.");
    std::fs::write(&models, edited).unwrap();
    let check = codegen(true);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("src/v1/models.rs (differs)"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
