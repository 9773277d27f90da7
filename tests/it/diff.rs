//! `cargo xtask diff`: what a spec update changes, on the checked-in versions.

use std::path::Path;

fn side(dir: &str) -> xtask::ir::Api {
    let root = tests::workspace_root();
    let files = xtask::codegen::spec_files(&root.join(dir)).unwrap();
    let docs: Vec<_> = files
        .iter()
        .map(|f| {
            xtask::load::load_file(f, &xtask::codegen::display_name(&root, Path::new(f))).unwrap()
        })
        .collect();
    xtask::lower::lower_versions(&docs).unwrap().0
}

#[test]
fn diff_of_v4_and_2026_03_names_what_changed() {
    let report = xtask::diff::diff(&side("spec/v4"), &side("spec/2026-03")).to_string();
    for expected in [
        "v4 (v4) -> 2026-03 (v2026_03)",
        "operations: 1 added, 0 removed, 3 changed",
        "    + search: POST /crm/objects/2026-03/{objectType}/search",
        "    ~ batch_archive\n        response: () -> BatchResponse",
        "    ~ batch_purge_limits\n        response: () -> BatchResponse",
        "types: 9 added, 0 removed, 0 changed",
        "    + BatchResponse: struct, 8 fields",
        "    + FilterOperator: enum, 13 values",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
    // Moving the version within the path is not a change of endpoint.
    assert!(!report.contains("endpoint:"), "{report}");
}

#[test]
fn diff_of_a_version_with_itself_is_empty() {
    let report = xtask::diff::diff(&side("spec/v4"), &side("spec/v4"));
    assert!(report.is_empty(), "{report}");
}

#[test]
fn diff_of_several_versions_pairs_them_by_module() {
    let both = side("spec");
    assert!(xtask::diff::diff(&both, &both).is_empty());
    // A version on one side only: all of it is added.
    let report = xtask::diff::diff(&side("spec/v4"), &both).to_string();
    assert!(
        report.contains("(none) -> 2026-03 (v2026_03)\n  operations: 20 added"),
        "{report}"
    );
    assert!(
        report.contains("v4 (v4) -> v4 (v4)\n  operations: 0 added, 0 removed, 0 changed"),
        "{report}"
    );
}

#[test]
fn diff_reports_removals_and_field_changes() {
    let Some(dir) = crate::reference_docs::reference_dir() else {
        return;
    };
    let load = |f: &str| xtask::load::load_file(&dir.join(f), f).unwrap();
    let old = xtask::lower::lower(&[load("associations-2026-03.json")])
        .unwrap()
        .0;
    let new = xtask::lower::lower(&[load("associations-2026-09.json")])
        .unwrap()
        .0;
    let report = xtask::diff::diff(&old, &new).to_string();
    // 2026-09 drops list and search and the 207 responses.
    for expected in [
        "    - list_associations: GET",
        "    - search: POST",
        "no longer answers 207",
        "    - BatchResponseLabelsBetweenObjectPairWithErrors",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
}

#[test]
fn diff_names_bodies_and_answers_by_kind() {
    let doc = |body: &str, answer: &str| {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: v9}}\npaths:\n  /files/v9/files:\n    post:\n      \
             requestBody:\n        content:\n          {body}\n      responses:\n        '200':\n          \
             description: ok\n          content:\n            {answer}\n"
        );
        let doc = xtask::load::parse_str(&text, "t.yaml", false).unwrap();
        xtask::lower::lower(&[doc]).unwrap().0
    };
    let old = doc(
        "application/json: {schema: {type: object}}",
        "application/json: {schema: {type: object}}",
    );
    let new = doc(
        "multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}",
        "text/plain: {schema: {type: string}}",
    );
    let report = xtask::diff::diff(&old, &new).to_string();
    for expected in [
        "body: Value -> CreateBody as multipart",
        "response: Value -> String",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
}

#[test]
fn diff_names_a_change_in_the_use_of_the_token() {
    let old = side("spec/v4");
    let mut new = old.clone();
    let operation = &mut new.modules[0].operations[0];
    operation.auth = xtask::ir::Auth::Anonymous;
    let name = operation.name.clone();
    let report = xtask::diff::diff(&old, &new).to_string();
    assert!(
        report.contains(&format!(
            "    ~ {name}\n        access token: required -> never sent"
        )),
        "{report}"
    );
}
