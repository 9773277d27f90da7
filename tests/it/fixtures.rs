//! Deliberately awkward specs: every document in `tests/fixtures/` is picked up, its emitted
//! code and its lowering warnings are snapshot-tested, and the crate made from all of them is
//! compiled with warnings as errors.

use std::path::{Path, PathBuf};

use xtask::codegen::{self, Job};
use xtask::emit::{self, CrateOptions};
use xtask::load::Document;

/// Each fixture's name (its file stem) and path, in path order: a new document is tested as
/// soon as it is added.
fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = tests::workspace_root().join("tests/fixtures");
    let paths = codegen::spec_files(&dir).unwrap();
    assert!(!paths.is_empty(), "no documents in {}", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, path)
        })
        .collect()
}

/// How a fixture is named in messages and headers.
fn display(path: &Path) -> String {
    codegen::display_name(&tests::workspace_root(), path)
}

fn load(path: &Path) -> Document {
    xtask::load::load_file(path, &display(path)).unwrap()
}

fn options(package: &str) -> CrateOptions {
    CrateOptions {
        package: package.to_owned(),
        command: "cargo xtask codegen --spec ... --out ...".to_owned(),
        standalone: true,
    }
}

#[test]
fn fixture_snapshots() {
    for (name, path) in fixtures() {
        let (api, warnings) = xtask::lower::lower(&[load(&path)]).unwrap();
        // Where the generator typed something more loosely than written, or left it out.
        let warnings = if warnings.is_empty() {
            "no warnings".to_owned()
        } else {
            let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            lines.join("\n")
        };
        insta::assert_snapshot!(format!("{name}_warnings"), warnings);

        let files = emit::emit_crate(&api, &[], &options(&name)).unwrap();
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

#[test]
fn fixture_crate_compiles_without_warnings() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crate");
    let root = tests::workspace_root();
    let fixtures = fixtures();
    let features: Vec<String> = fixtures
        .iter()
        .map(|(_, path)| xtask::naming::module_name(load(path).api.info.version.trim()))
        .collect();
    let job = Job {
        specs: fixtures
            .iter()
            .map(|(_, path)| (path.clone(), display(path)))
            .collect(),
        out_dir: out.clone(),
        options: options("fixtures"),
        registry: None,
        root: root.clone(),
    };
    let runtime = codegen::runtime_files(&root).unwrap();
    codegen::run(&job, &runtime, false).unwrap();
    // Without the HTTP client: it is the same runtime the workspace already checks, and
    // leaving it out spares building a TLS stack a second time.
    let args = [
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        features.join(","),
    ];
    tests::cargo_check(&out, &args).unwrap();
}
