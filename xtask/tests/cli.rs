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
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: strng\n").unwrap();
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
        stderr.contains("bad.yaml: #/components/schemas/A/type: unknown type `strng`"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing was written");
}

/// A document with a defect HubSpot's published documents have (here a `$ref` to a schema
/// it does not define) and the command line for it.
fn defective(case: &str) -> (PathBuf, Vec<String>) {
    let dir = scratch(case);
    let spec = dir.join("defective.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n").unwrap();
    let out = dir.join("out");
    let args = vec![
        "codegen".to_owned(),
        "--spec".to_owned(),
        spec.to_string_lossy().into_owned(),
        "--out".to_owned(),
        out.to_string_lossy().into_owned(),
    ];
    (out, args)
}

const MISSING_REF: &str = "defective.yaml: #/components/schemas/A: unknown $ref '#/components/schemas/Missing': typed as a JSON value";

#[test]
fn a_defective_document_generates_with_a_warning_naming_file_and_pointer() {
    let (out, args) = defective("defective");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = xtask(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("warning: {MISSING_REF}")),
        "{stderr}"
    );
    let models = std::fs::read_to_string(out.join("src/v1/models.rs")).unwrap();
    assert!(
        models.contains("pub type A = ::serde_json::Value;"),
        "{models}"
    );
}

#[test]
fn strict_turns_warnings_into_errors_and_writes_nothing() {
    let (out, mut args) = defective("strict");
    args.push("--strict".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = xtask(&args);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "error: warnings are errors in a strict run:\n  {MISSING_REF}"
        )),
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
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: cargo xtask"), "{args:?}: {stderr}");
    }
}

/// A misspelt flag is named, with the flag that was meant, as Rust tools do.
#[test]
fn a_misspelt_flag_gets_a_suggestion() {
    let output = xtask(&["codegen", "--sepc", "x.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: unexpected argument '--sepc' found")
            && stderr.contains("a similar argument exists: '--spec'"),
        "{stderr}"
    );
}

/// `--help` of each command lists what the README says it takes; `--version` answers.
#[test]
fn every_command_has_help_and_the_tool_a_version() {
    let help = |args: &[&str]| {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let top = help(&["--help"]);
    assert!(top.contains("codegen") && top.contains("diff"), "{top}");
    let codegen = help(&["codegen", "--help"]);
    for flag in [
        "--check",
        "--strict",
        "--spec <FILE>",
        "--out <DIR>",
        "--package <NAME>",
        "--name",
        "--runtime <DIR2>",
    ] {
        assert!(codegen.contains(flag), "{flag} in {codegen}");
    }
    let diff = help(&["diff", "--help"]);
    assert!(
        diff.contains("Usage: cargo xtask diff <OLD> <NEW>"),
        "{diff}"
    );
    let version = help(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("cargo xtask {}", env!("CARGO_PKG_VERSION"))
    );
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

const THING: &str = "openapi: 3.0.3\ninfo: {title: Things, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id:\n          type: string\n";

/// `--package` names the crate (`--name` says the same); the runtime crate goes to
/// `DIR/runtime`, or to `--runtime`, and the crate depends on it by relative path.
#[test]
fn package_and_runtime_options() {
    let dir = scratch("options");
    let spec = dir.join("things.yaml");
    std::fs::write(&spec, THING).unwrap();
    let codegen = |extra: &[&str]| {
        let mut args = vec!["codegen", "--spec", spec.to_str().unwrap()];
        args.extend(extra);
        let output = xtask(&args);
        assert!(
            output.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let manifest =
        |crate_dir: &str| std::fs::read_to_string(dir.join(crate_dir).join("Cargo.toml")).unwrap();

    let out = dir.join("things");
    codegen(&["--out", out.to_str().unwrap(), "--package", "my-things"]);
    let things = manifest("things");
    assert!(things.contains("name = \"my-things\""), "{things}");
    assert!(
        things.contains("description = \"Typed Rust client for Things, version 1.\""),
        "{things}"
    );
    assert!(
        things.contains("hubspot-runtime = { path = \"runtime\", default-features = false }"),
        "{things}"
    );
    assert!(out.join("runtime/src/lib.rs").exists());
    assert!(manifest("things/runtime").contains("name = \"hubspot-runtime\""));

    let shared = dir.join("shared-runtime");
    for name in ["first", "second"] {
        let out = dir.join(name);
        codegen(&[
            "--out",
            out.to_str().unwrap(),
            "--name",
            name,
            "--runtime",
            shared.to_str().unwrap(),
        ]);
        let text = manifest(name);
        assert!(text.contains(&format!("name = \"{name}\"")), "{text}");
        assert!(
            text.contains(
                "hubspot-runtime = { path = \"../shared-runtime\", default-features = false }"
            ),
            "{text}"
        );
        assert!(
            !out.join("runtime").exists(),
            "{name} has no runtime of its own"
        );
    }
    assert!(shared.join("src/lib.rs").exists());
}

/// Every file under `dir` with its contents, in path order.
fn snapshot(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = std::fs::read(&path).unwrap();
                files.push((path, contents));
            }
        }
    }
    files.sort();
    files
}

/// The runtime crate is staged while the documents are generated; when they fail, what was
/// staged is taken back: an older crate and its runtime are left as they were, with its
/// runtime's files edited (so the run would have replaced them) and one missing (so it would
/// have made it).
#[test]
fn a_failed_run_leaves_an_older_crate_and_its_runtime_as_they_were() {
    let dir = scratch("failed-over-older");
    let spec = dir.join("things.yaml");
    std::fs::write(&spec, THING).unwrap();
    let out = dir.join("things");
    let args = [
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    assert!(xtask(&args).status.success());
    std::fs::write(out.join("runtime/src/lib.rs"), "// edited\n").unwrap();
    std::fs::remove_file(out.join("runtime/Cargo.toml")).unwrap();
    let before = snapshot(&out);

    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: strng\n").unwrap();
    let output = xtask(&args);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        snapshot(&out),
        before,
        "no file changed, made or left behind"
    );
}

#[test]
fn a_bad_package_name_is_a_usage_error() {
    let dir = scratch("bad-package");
    let spec = dir.join("things.yaml");
    std::fs::write(&spec, THING).unwrap();
    for name in ["my things", "1things", "hubspot-runtime", ""] {
        let out = dir.join("out");
        let output = xtask(&[
            "codegen",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--package",
            name,
        ]);
        assert_eq!(output.status.code(), Some(2), "{name:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(&format!("`{name}`")),
            "{name:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!out.exists(), "{name:?}: nothing written");
    }
}

/// A binary works on the checkout it runs in, whichever one built it (a shared
/// `CARGO_TARGET_DIR` runs one clone's binary in another): `codegen` reads and writes that
/// checkout's files, and the runtime it writes is the one compiled into it, never another
/// checkout's `templates/`.
#[test]
fn the_checkout_is_found_at_run_time_and_the_runtime_is_the_binarys() {
    let checkout = scratch("other-checkout");
    std::fs::write(
        checkout.join("Cargo.toml"),
        "[workspace]\nmembers = [\"generated\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(checkout.join("spec/v1")).unwrap();
    std::fs::write(checkout.join("spec/v1/things.yaml"), THING).unwrap();
    // Templates that are not ours: a binary that read them would copy this.
    std::fs::create_dir_all(checkout.join("templates/src/runtime")).unwrap();
    std::fs::write(
        checkout.join("templates/src/runtime/client.rs"),
        "compile_error!(\"another checkout's runtime\");\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(checkout.join("spec"))
            .env_remove("CARGO_MANIFEST_DIR")
            .output()
            .expect("xtask runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };

    run(&["codegen"]);
    let generated = std::fs::read_to_string(checkout.join("generated/Cargo.toml")).unwrap();
    assert!(
        generated
            .contains("hubspot-runtime = { path = \"../templates\", default-features = false }"),
        "{generated}"
    );
    assert!(checkout.join("generated/src/v1/models.rs").exists());
    assert!(checkout.join("tests/it/models.rs").exists());

    run(&["codegen", "--spec", "v1/things.yaml", "--out", "../out"]);
    let written = std::fs::read_to_string(checkout.join("out/runtime/src/lib.rs")).unwrap();
    let ours = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../templates/src/runtime/client.rs"),
    )
    .unwrap();
    // Ours, as the runtime crate carries it: in the one file, its unit tests left out.
    let ours = match ours.find("\n#[cfg(test)]\nmod tests {") {
        Some(tests) => ours[..tests].trim_end().to_owned(),
        None => ours,
    };
    assert!(written.starts_with("// @generated"), "{written}");
    assert!(
        written.contains(&format!("// templates/src/runtime/client.rs\n{ours}\n}}\n")),
        "{written}"
    );
    assert!(!written.contains("another checkout's runtime"));
}
