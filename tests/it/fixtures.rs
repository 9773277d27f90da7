//! Deliberately awkward specs: every document in `tests/fixtures/` is picked up, its emitted
//! code and its lowering warnings are snapshot-tested, and the crate made from all of them is
//! compiled and documented with warnings as errors.

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

        let files = emit::emit_crate(&api, &options(&name), "runtime").unwrap();
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
fn fixture_crate_compiles_and_documents_without_warnings() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crate");
    let root = tests::workspace_root();
    let fixtures = fixtures();
    // Fixtures of different titles are different APIs, each a module with its versions.
    let docs: Vec<Document> = fixtures.iter().map(|(_, path)| load(path)).collect();
    let (api, _) = xtask::lower::lower(&docs).unwrap();
    let features: Vec<String> = api.modules.iter().map(|m| m.feature()).collect();
    let specs = fixtures
        .iter()
        .map(|(_, path)| (path.clone(), display(path)))
        .collect();
    let mut job = Job::standalone(specs, out.clone(), out.join("runtime"), "fixtures", root);
    job.runtime = tests::shared_runtime();
    // Fixtures are awkward on purpose; their warnings are snapshot above.
    job.strict = false;
    codegen::run(&job, false).unwrap();
    // Without the HTTP client: it is the same runtime the workspace already checks, and
    // leaving it out spares building a TLS stack a second time.
    let args = [
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        features.join(","),
    ];
    tests::cargo_check(&out, &args).unwrap();
    tests::cargo_doc(&out, &args).unwrap();
}
