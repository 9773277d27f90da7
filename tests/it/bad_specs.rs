//! Bad documents give an error naming the file and the JSON pointer, and leave the output
//! directory exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, Job};

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
    let mut job = Job::standalone(
        vec![(spec.to_owned(), "bad.yaml".to_owned())],
        dir.join("out"),
        dir.join("out/runtime"),
        "out",
        dir.to_owned(),
    );
    job.strict = true;
    job
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
    let result = codegen::run(&job(&dir, &spec), false);

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

/// Generates `text` without `--strict` and returns the crate's files (path, contents) and
/// the warnings, as `file: pointer: message`.
fn generates(case: &str, text: &str) -> (BTreeMap<PathBuf, String>, Vec<String>) {
    let dir = scratch(case);
    let spec = dir.join("bad.yaml");
    fs::write(&spec, text).unwrap();
    let job = Job {
        strict: false,
        ..job(&dir, &spec)
    };
    let report =
        codegen::run(&job, false).unwrap_or_else(|e| panic!("{case}: codegen failed: {e}"));
    let files = snapshot(&job.out_dir)
        .into_iter()
        .map(|(path, bytes)| {
            let path = path.strip_prefix(&job.out_dir).unwrap().to_owned();
            (path, String::from_utf8(bytes).unwrap())
        })
        .collect();
    let warnings = report
        .warnings
        .iter()
        .map(|w| format!("{}: {}: {}", w.file, w.pointer, w.message))
        .collect();
    (files, warnings)
}

/// Defects found in HubSpot's published documents generate code with a warning naming the
/// file and pointer; `--strict` (always on for `spec/`) makes them errors that write nothing.
mod defects {
    use super::*;

    /// Runs `text` strictly (it must fail, listing `warning`, writing nothing) and leniently
    /// (it must generate, with exactly that warning); returns the lenient crate's files.
    fn warns(case: &str, text: &str, warning: &str) -> BTreeMap<PathBuf, String> {
        let error = fails(&format!("{case}_strict"), "bad.yaml", text);
        assert_eq!(
            error,
            format!("warnings are errors in a strict run:\n  {warning}"),
            "{case}"
        );
        let (files, warnings) = generates(case, text);
        assert_eq!(warnings, [warning], "{case}");
        files
    }

    fn file<'f>(files: &'f BTreeMap<PathBuf, String>, path: &str) -> &'f str {
        files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("no {path} among {:?}", files.keys()))
    }

    #[test]
    fn dangling_ref_in_a_body_is_a_json_value() {
        let text = format!(
            "{HEADER}paths:\n  /things:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Foo'\n      responses:\n        '204':\n          description: done\n"
        );
        let files = warns(
            "dangling_ref",
            &text,
            "bad.yaml: #/paths/~1things/post/requestBody/content/application~1json/schema: unknown $ref '#/components/schemas/Foo': typed as a JSON value",
        );
        let operations = file(&files, "src/v1/operations.rs");
        assert!(
            operations.contains("body: Option<&::serde_json::Value>"),
            "{operations}"
        );
    }

    #[test]
    fn dangling_ref_in_a_property_is_a_json_value() {
        let text = format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        owner:\n          $ref: '#/components/schemas/Owner'\n"
        );
        let files = warns(
            "dangling_property_ref",
            &text,
            "bad.yaml: #/components/schemas/Thing/properties/owner: unknown $ref '#/components/schemas/Owner': typed as a JSON value",
        );
        let models = file(&files, "src/v1/models.rs");
        assert!(
            models.contains("pub owner: Option<::serde_json::Value>"),
            "{models}"
        );
    }

    #[test]
    fn dangling_ref_as_a_whole_schema_is_a_json_value() {
        let text = format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      $ref: '#/components/schemas/Gone'\n"
        );
        let files = warns(
            "dangling_alias",
            &text,
            "bad.yaml: #/components/schemas/Thing: unknown $ref '#/components/schemas/Gone': typed as a JSON value",
        );
        let models = file(&files, "src/v1/models.rs");
        assert!(
            models.contains("pub type Thing = ::serde_json::Value;"),
            "{models}"
        );
    }

    #[test]
    fn dangling_all_of_part_is_left_out() {
        let text = format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      allOf:\n        - $ref: '#/components/schemas/Gone'\n        - type: object\n          properties:\n            name:\n              type: string\n"
        );
        let files = warns(
            "dangling_all_of",
            &text,
            "bad.yaml: #/components/schemas/Thing/allOf/0: unknown $ref '#/components/schemas/Gone': left out of the allOf",
        );
        let models = file(&files, "src/v1/models.rs");
        assert!(models.contains("pub name: Option<String>"), "{models}");
    }

    /// Commerce Subscriptions v3 declares `objectType` and `objectId` on operations whose path
    /// names only `{subscriptionId}`.
    #[test]
    fn path_parameter_missing_from_the_path_is_left_out() {
        let text = format!(
            "{HEADER}paths:\n  /things/{{thingId}}:\n    get:\n      parameters:\n        - {{name: objectType, in: path, required: true, schema: {{type: string}}}}\n        - {{name: thingId, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '204':\n          description: done\n"
        );
        let files = warns(
            "extra_path_parameter",
            &text,
            "bad.yaml: #/paths/~1things~1{thingId}/get/parameters/0: path parameter `objectType` does not appear in the path; left out",
        );
        let operations = file(&files, "src/v1/operations.rs");
        assert!(operations.contains("thing_id: &str"), "{operations}");
        assert!(!operations.contains("object_type"), "{operations}");
    }
}

/// `cargo xtask codegen` on a checkout's `spec/` is strict without being asked: a warning
/// fails the run and `generated/` is not touched.
#[test]
fn the_default_job_is_strict() {
    let root = scratch("default_job");
    fs::create_dir_all(root.join("spec/v1")).unwrap();
    fs::write(
        root.join("spec/v1/api.yaml"),
        format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n"),
    )
    .unwrap();
    let job = codegen::default_job(&root).unwrap();
    let error = codegen::run(&job, false).unwrap_err().to_string();
    assert_eq!(
        error,
        "warnings are errors in a strict run:\n  spec/v1/api.yaml: #/components/schemas/A: unknown $ref '#/components/schemas/Missing': typed as a JSON value"
    );
    assert!(!root.join("generated").exists());
    assert!(!root.join("tests").exists(), "no registry was written");
}

/// A placeholder in the path with no parameter declared for it cannot be generated.
#[test]
fn undeclared_path_placeholder() {
    let text = format!(
        "{HEADER}paths:\n  /things/{{thingId}}:\n    get:\n      responses:\n        '204':\n          description: done\n"
    );
    let error = fails("undeclared_placeholder", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/paths/~1things~1{thingId}/get: the path names `{thingId}` but no path parameter `thingId` is declared"
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

/// A wrong value as deep in nested schemas as a JSON file can hold one (`serde_json` reads 128
/// levels): found at once, where the time once doubled with each level.
#[test]
fn wrong_type_sixty_schemas_deep() {
    let mut schema = "\"oops\"".to_owned();
    for _ in 0..60 {
        schema = format!(r#"{{"type": "object", "properties": {{"x": {schema}}}}}"#);
    }
    let text = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"A": {schema}}}}}}}"#
    );
    let error = fails("wrong_type_sixty_deep", "bad.json", &text);
    assert_eq!(
        error,
        format!(
            "bad.yaml: #/components/schemas/A{}: invalid type: string \"oops\", expected struct Schema",
            "/properties/x".repeat(60)
        )
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

/// `allOf` copies a component's properties into the struct it makes: a property that leads
/// back to that component through `allOf` would be lowered inside itself without end.
#[test]
fn a_schema_that_contains_itself_through_all_of() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        p:\n          oneOf:\n            - allOf:\n                - $ref: '#/components/schemas/A'\n                - type: object\n                  properties:\n                    x: {{type: string}}\n            - type: string\n"
    );
    let error = fails("all_of_itself", "bad.yaml", &text);
    assert_error(
        &error,
        "bad.yaml: #/components/schemas/A/properties/p: this schema contains itself through `allOf`",
    );
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
fn secret_must_be_a_boolean() {
    let property = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: string\n          x-secret: 1\n"
    );
    let error = fails("secret_not_bool", "bad.yaml", &property);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/A/properties/b/x-secret: `x-secret` must be true or false"
    );
    let parameter = format!(
        "{HEADER}paths:\n  /x:\n    get:\n      parameters:\n        - name: key\n          in: query\n          x-secret: 'yes'\n          schema:\n            type: string\n      responses:\n        '204':\n          description: none\n"
    );
    let error = fails("secret_param_not_bool", "bad.yaml", &parameter);
    assert_eq!(
        error,
        "bad.yaml: #/paths/~1x/get/parameters/0/x-secret: `x-secret` must be true or false"
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

/// An `x-rust-name` names one type: one shape, and not a component schema's name.
#[test]
fn rust_name_names_one_shape() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: string\n          x-rust-name: Mood\n          enum: [calm]\n        c:\n          type: string\n          x-rust-name: Mood\n          enum: [angry]\n"
    );
    let error = fails("rust_name_two_shapes", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/A/properties/c/x-rust-name: `x-rust-name: Mood` names a different type at bad.yaml: #/components/schemas/A/properties/b"
    );
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: string\n          x-rust-name: B\n          enum: [calm]\n    B:\n      type: string\n"
    );
    let error = fails("rust_name_of_a_component", "bad.yaml", &text);
    assert_eq!(
        error,
        "bad.yaml: #/components/schemas/A/properties/b/x-rust-name: `x-rust-name: B` is already the name of a component schema"
    );
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
    let job = job(&dir, &spec);

    let stale = codegen::run(&job, true).unwrap_err().to_string();
    assert!(
        stale.contains("out/src/leftover.rs (not generated, would be removed)"),
        "{stale}"
    );
    assert!(stale.contains("out/src/lib.rs (missing)"), "{stale}");

    codegen::run(&job, false).unwrap();
    assert!(!out.join("src/leftover.rs").exists());
    assert!(fs::read_to_string(out.join("src/v1/models.rs"))
        .unwrap()
        .contains("pub struct Thing"));
    codegen::run(&job, true).unwrap();

    fs::write(out.join("src/v1/models.rs"), "// edited by hand\n").unwrap();
    let stale = codegen::run(&job, true).unwrap_err().to_string();
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
