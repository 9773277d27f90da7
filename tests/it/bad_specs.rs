//! Bad documents give an error naming the file and the JSON pointer, and leave the output
//! directory exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, Job};
use xtask::emit::CrateOptions;

const HEADER: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bad-specs")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn job(dir: &Path, spec: &Path) -> Job {
    Job {
        specs: vec![(spec.to_owned(), "bad.yaml".to_owned())],
        out_dir: dir.join("out"),
        options: CrateOptions {
            package: "out".to_owned(),
            command: "test".to_owned(),
            standalone: true,
        },
        registry: None,
        root: dir.to_owned(),
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Runs codegen on `text` over an output directory that already holds a crate, and returns
/// the error after checking that the directory did not change.
fn fails(case: &str, file_name: &str, text: &str) -> String {
    let dir = scratch(case);
    let out = dir.join("out");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("Cargo.toml"), "[package]\nname = \"previous\"\n").unwrap();
    fs::write(out.join("src/lib.rs"), "// the previous, good output\n").unwrap();
    let before = snapshot(&out);

    let spec = dir.join(file_name);
    fs::write(&spec, text).unwrap();
    let runtime = codegen::runtime_files(&tests::workspace_root()).unwrap();
    let result = codegen::run(&job(&dir, &spec), &runtime, false);

    assert_eq!(
        snapshot(&out),
        before,
        "{case}: the output directory changed"
    );
    match result {
        Ok(report) => panic!("{case}: codegen succeeded: {report:?}"),
        Err(e) => e.to_string(),
    }
}

fn assert_error(error: &str, expected: &str) {
    assert!(
        error.starts_with(expected),
        "expected an error starting with\n  {expected}\ngot\n  {error}"
    );
}

#[test]
fn dangling_ref() {
    let text = format!(
        "{HEADER}paths:\n  /things:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Foo'\n      responses:\n        '204':\n          description: done\n"
    );
    let error = fails("dangling_ref", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/paths/~1things/post/requestBody/content/application~1json/schema: unknown $ref '#/components/schemas/Foo'"
    );
}

#[test]
fn dangling_ref_in_a_property() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        owner:\n          $ref: '#/components/schemas/Owner'\n"
    );
    let error = fails("dangling_property_ref", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/Thing/properties/owner: unknown $ref '#/components/schemas/Owner'"
    );
}

#[test]
fn wrong_type_of_a_field() {
    let text = format!(
        "{HEADER}paths:\n  /things:\n    get:\n      parameters: 7\n      responses: {{}}\n"
    );
    let error = fails("wrong_type", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/paths/~1things/get/parameters: expected a sequence, found the number 7"
    );
}

#[test]
fn wrong_type_deep_in_a_schema() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        tags:\n          type: array\n          items:\n            type: 42\n"
    );
    let error = fails("wrong_type_deep", "bad.yaml", &text);
    assert_error(
        &error,
        "bad.yaml: #/components/schemas/Thing/properties/tags/items: ",
    );
}

#[test]
fn unknown_schema_type() {
    let text =
        format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: strng\n");
    let error = fails("unknown_type", "bad.yaml", &text);
    assert_error(
        &error,
        "bad.yaml: #/components/schemas/Thing/type: unknown type `strng`",
    );
}

#[test]
fn missing_paths() {
    let error = fails("missing_paths", "bad.yaml", HEADER);
    assert_eq!(error, "bad.yaml: #: missing required field `paths`");
}

#[test]
fn invalid_yaml() {
    let text = format!("{HEADER}paths:\n  /things: [unclosed\n");
    let error = fails("invalid_yaml", "bad.yaml", &text);
    assert_error(&error, "bad.yaml: #: invalid YAML: ");
    assert!(error.contains("line 6"), "the error says where: {error}");
}

#[test]
fn truncated_json() {
    let error = fails(
        "truncated_json",
        "bad.json",
        r#"{"openapi": "3.0.3", "info": {"title": "#,
    );
    assert_error(&error, "bad.yaml: #: invalid JSON: EOF while parsing");
}

#[test]
fn openapi_31_is_refused() {
    let error = fails(
        "openapi_31",
        "bad.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    );
    assert_eq!(
        error,
        "bad.yaml: #/openapi: OpenAPI 3.1.0 is not supported; documents must be OpenAPI 3.0.x"
    );
}

#[test]
fn cyclic_refs() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n"
    );
    let error = fails("cyclic_refs", "bad.yaml", &text);
    assert_error(&error, "bad.yaml: #/components/schemas/A: cyclic $ref");
}

#[test]
fn unsupported_all_of() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - type: object\n          properties:\n            a:\n              type: string\n        - type: string\n"
    );
    let error = fails("unsupported_all_of", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/A/allOf/1: unsupported allOf part: only object schemas can be combined with allOf"
    );
}

#[test]
fn external_refs_are_refused() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: 'other.yaml#/B'\n"
    );
    let error = fails("external_ref", "bad.yaml", &text);
    assert_error(
        &error,
        "bad.yaml: #/components/schemas/A/properties/b: unsupported $ref 'other.yaml#/B'",
    );
}

#[test]
fn lenient_must_be_a_boolean() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      x-lenient: 'yes'\n      properties:\n        b:\n          type: string\n"
    );
    let error = fails("lenient_not_bool", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/A/x-lenient: `x-lenient` must be true or false"
    );
}

#[test]
fn lenient_needs_a_place_for_values_that_do_not_fit() {
    for (case, schema) in [
        ("lenient_closed", "      type: object\n      additionalProperties: false\n      x-lenient: true\n      properties:\n        b:\n          type: string\n"),
        ("lenient_typed_extra", "      type: object\n      additionalProperties:\n        type: integer\n      x-lenient: true\n      properties:\n        b:\n          type: string\n"),
        ("lenient_string", "      type: string\n      x-lenient: true\n"),
    ] {
        let text = format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n{schema}");
        let error = fails(case, "bad.yaml", &text);
        assert_error(
            &error,
            "bad.yaml: #/components/schemas/A/x-lenient: `x-lenient` needs an object schema",
        );
    }
}

/// The counterpart: a good run replaces the old crate, removing files it no longer makes,
/// and `--check` names what differs.
#[test]
fn good_spec_replaces_the_output_and_check_names_stale_files() {
    let dir = scratch("good");
    let out = dir.join("out");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("src/leftover.rs"), "// from an older run\n").unwrap();
    let spec = dir.join("good.yaml");
    fs::write(&spec, format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id:\n          type: string\n")).unwrap();
    let runtime = codegen::runtime_files(&tests::workspace_root()).unwrap();
    let job = job(&dir, &spec);

    let stale = codegen::run(&job, &runtime, true).unwrap_err().to_string();
    assert!(
        stale.contains("out/src/leftover.rs (not generated, would be removed)"),
        "{stale}"
    );
    assert!(stale.contains("out/src/lib.rs (missing)"), "{stale}");

    codegen::run(&job, &runtime, false).unwrap();
    assert!(!out.join("src/leftover.rs").exists());
    assert!(fs::read_to_string(out.join("src/v1/models.rs"))
        .unwrap()
        .contains("pub struct Thing"));
    codegen::run(&job, &runtime, true).unwrap();

    fs::write(out.join("src/v1/models.rs"), "// edited by hand\n").unwrap();
    let stale = codegen::run(&job, &runtime, true).unwrap_err().to_string();
    assert!(stale.contains("out/src/v1/models.rs (differs)"), "{stale}");
}

/// A write that fails part way (here: a directory is in the way of a file) undoes what it
/// did: no new directories, no temporaries, old files untouched.
#[test]
fn a_failed_write_leaves_the_output_as_it_was() {
    let dir = scratch("failed_write");
    let out = dir.join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("kept.rs"), "// old\n").unwrap();
    fs::write(out.join("zblocker"), "a file where a directory should be\n").unwrap();
    let before = snapshot(&out);

    let mut plan = xtask::write::Plan::new(&dir);
    plan.add(out.join("kept.rs"), "// new\n".to_owned());
    plan.add(out.join("new/deeper/a.rs"), "// a\n".to_owned());
    plan.add(out.join("zblocker/b.rs"), "// b\n".to_owned());
    assert!(plan.apply().is_err());

    assert_eq!(snapshot(&out), before);
    assert!(
        !out.join("new").exists(),
        "directories made by the failed run are removed"
    );
}
