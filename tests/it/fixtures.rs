//! Deliberately awkward specs: their emitted code is snapshot-tested, and the crate made from
//! them is compiled and documented with warnings as errors.

use std::path::{Path, PathBuf};

use xtask::codegen::{self, Job};
use xtask::emit::{self, CrateOptions};

const FIXTURES: &[&str] = &[
    "composition",
    "descriptions",
    "keywords",
    "nested",
    "operations",
    "parameters",
];

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

#[test]
fn fixture_crate_compiles_and_documents_without_warnings() {
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
