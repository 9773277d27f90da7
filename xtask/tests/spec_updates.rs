//! Spec updates as users run them: `cargo xtask diff` with its verdict for CI, and
//! `cargo xtask update-spec` on a scratch checkout (its own `spec/`, `generated/` and
//! `spec/crate.toml`) and a small collection laid out as HubSpot's
//! (`PublicApiSpecs/<Group>/<Api>/Rollouts/<id>/<version>/<file>.json`): what it writes and
//! prints, and that every failure leaves the checkout exactly as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

/// The checkout's one document: version `v1` of an API titled as this repository titles its
/// own, with the generator's extensions HubSpot's documents never have.
const THINGS_V1: &str = "\
openapi: 3.0.3
info:
  title: HubSpot CRM Things
  description: Things in the CRM.
  version: v1
  x-rust-api: things
paths:
  /crm/v1/things/{thingId}:
    get:
      x-rust-name: read_thing
      summary: Read a thing
      parameters:
        - name: thingId
          in: path
          required: true
          schema: {type: string}
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /crm/v1/things:
    post:
      summary: Create a thing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingInput'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        kind:
          x-rust-name: ThingKind
          type: string
          enum: [SMALL, LARGE]
    ThingInput:
      type: object
      required: [name]
      properties:
        name: {type: string}
";

/// The Things API as the collection publishes it at `version`, titled `title`. From 2026-03
/// on it lists things (a new operation with an optional query parameter), a thing may have a
/// colour, a kind may be medium, and reading one is described in other words: additions and
/// documentation only. Without `create` (as in the beta), creating is gone: breaking.
fn things(version: &str, title: &str, create: bool) -> Value {
    let dated = version.starts_with("20");
    let base = if dated {
        format!("/crm/things/{version}")
    } else {
        format!("/crm/{version}/things")
    };
    let thing_ref = json!({"$ref": "#/components/schemas/Thing"});
    let mut paths = serde_json::Map::new();
    paths.insert(
        format!("{base}/{{thingId}}"),
        json!({"get": {
            "summary": if dated { "Read one thing" } else { "Read a thing" },
            "operationId": "get-thing",
            "parameters": [{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The thing.", "content": {"application/json": {"schema": thing_ref}}}}
        }}),
    );
    let mut collection = serde_json::Map::new();
    if create {
        collection.insert(
            "post".to_owned(),
            json!({
                "summary": "Create a thing",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingInput"}}}},
                "responses": {"201": {"description": "Created.", "content": {"application/json": {"schema": thing_ref}}}}
            }),
        );
    }
    if dated {
        collection.insert(
            "get".to_owned(),
            json!({
                "summary": "List things",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}}],
                "responses": {"200": {"description": "Things.", "content": {"application/json": {"schema": {"type": "array", "items": thing_ref}}}}}
            }),
        );
    }
    paths.insert(base, Value::Object(collection));
    let mut thing = json!({
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["SMALL", "LARGE"]}
        }
    });
    if dated {
        thing["properties"]["color"] = json!({"type": "string"});
        thing["properties"]["kind"]["enum"] = json!(["SMALL", "MEDIUM", "LARGE"]);
    }
    json!({
        "openapi": "3.0.1",
        "info": {"title": title, "description": "Basepom for all HubSpot Projects", "version": version},
        "servers": [{"url": "https://api.hubapi.com"}],
        "paths": paths,
        "components": {"schemas": {
            "Thing": thing,
            "ThingInput": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        }}
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("update-spec")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The binary run in `checkout`, found from the directory it runs in (as in a checkout of
/// its own, not this one).
fn xtask_in(checkout: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(checkout)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A checkout with `spec/v1/things.yaml`, `spec/crate.toml` at 0.1.0, and `generated/` made
/// from them.
fn checkout(dir: &Path) -> PathBuf {
    let checkout = dir.join("checkout");
    std::fs::create_dir_all(checkout.join("spec/v1")).unwrap();
    std::fs::write(
        checkout.join("Cargo.toml"),
        "[workspace]\nmembers = [\"generated\"]\n",
    )
    .unwrap();
    std::fs::write(checkout.join("spec/v1/things.yaml"), THINGS_V1).unwrap();
    std::fs::write(
        checkout.join("spec/crate.toml"),
        "# Kept.\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let output = xtask_in(&checkout, &["codegen"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    checkout
}

/// Writes `documents` (paths under the collection, and their JSON) as a collection.
fn collection(dir: &Path, documents: &[(&str, Value)]) -> PathBuf {
    let collection = dir.join("collection");
    for (path, document) in documents {
        let path = collection.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(document).unwrap()).unwrap();
    }
    collection
}

/// The collection of these tests: the Things API in three versions over two rollouts, a
/// Postman collection beside one document and in a folder of its own, and another API.
fn things_collection(dir: &Path) -> PathBuf {
    let postman = json!({"info": {"name": "Things", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []});
    collection(
        dir,
        &[
            (
                "PublicApiSpecs/CRM/Things/Rollouts/100/v1/things.json",
                things("v1", "CRM Things", true),
            ),
            (
                "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json",
                things("2026-03", "Things", true),
            ),
            (
                "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/Things 2026-03 Collection.json",
                postman.clone(),
            ),
            (
                "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/Collection Directory_Things/Things.json",
                postman,
            ),
            (
                "PublicApiSpecs/CRM/Things/Rollouts/300/2026-09-beta/things.json",
                things("2026-09-beta", "CRM Things", false),
            ),
            (
                "PublicApiSpecs/CMS/Widgets/Rollouts/100/v3/widgets.json",
                things("v3", "CMS Widgets", true),
            ),
        ],
    )
}

/// Every file under `dir` with its contents, in path order.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The newest version that is not a pre-release is taken: written as `spec/` keeps its
/// documents, generated, compared with `v1`, and the crate's version and changelog follow.
#[test]
fn a_new_version_is_written_generated_and_judged() {
    let dir = scratch("success");
    let checkout = checkout(&dir);
    let from = things_collection(&dir);
    let output = xtask_in(
        &checkout,
        &["update-spec", "--from", from.to_str().unwrap()],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    for expected in [
        "things: versions in the collection: v1, 2026-03, 2026-09-beta; newest in spec/: v1\n",
        "taking 2026-03\n",
        "wrote spec/2026-03/things.yaml (from PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json)\n",
        "v1 (v1) -> 2026-03 (v2026_03)\n",
        "    + list: GET /crm/things/2026-03 [compatible addition]\n",
        "    ~ read_thing\n        summary changed [documentation-only]\n",
        "        field `color` added (String) [compatible addition]\n",
        "        value `MEDIUM` added [compatible addition]\n",
        "verdict: compatible addition (",
        "crate version: 0.1.0 -> 0.1.1 (wrote spec/crate.toml",
        "wrote generated/src/v2026_03/operations.rs\n",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }

    // As spec/ keeps documents: YAML, the API named, the extensions carried over.
    let written = read(checkout.join("spec/2026-03/things.yaml"));
    assert!(
        written.starts_with("# From HubSpot's public API spec collection"),
        "{written}"
    );
    for expected in [
        "  x-rust-api: things\n",
        "x-rust-name: read_thing",
        "x-rust-name: ThingKind",
    ] {
        assert!(
            written.contains(expected),
            "missing {expected:?} in\n{written}"
        );
    }
    let operations = read(checkout.join("generated/src/v2026_03/operations.rs"));
    assert!(operations.contains("pub fn read_thing("), "{operations}");

    // The version goes up as the verdict says, where codegen reads it.
    assert_eq!(
        read(checkout.join("spec/crate.toml")),
        "# Kept.\nversion = \"0.1.1\"\n"
    );
    assert!(read(checkout.join("generated/Cargo.toml")).contains("\nversion = \"0.1.1\"\n"));
    let changelog = read(checkout.join("generated/CHANGELOG.md"));
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    for expected in [
        "\n## 0.1.1\n\nAdds HubSpot's API version 2026-03 as `v2026_03`.",
        "\n### Added\n\n- New operation `list`: `GET /crm/things/2026-03`\n",
        "\n### Documentation\n\n- `read_thing`: summary changed\n",
    ] {
        assert!(
            changelog.contains(expected),
            "missing {expected:?} in\n{changelog}"
        );
    }
    assert!(!changelog.contains("### Breaking"), "{changelog}");

    // The changelog is not stale output: the crate is up to date with it.
    let check = xtask_in(&checkout, &["codegen", "--check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));

    // A breaking update raises the minor version below 1.0, its section goes on top.
    let output = xtask_in(
        &checkout,
        &[
            "update-spec",
            "--from",
            from.to_str().unwrap(),
            "--version",
            "2026-09-beta",
        ],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("2026-03 (v2026_03) -> 2026-09-beta (v2026_09_beta)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    - create: POST /crm/things/2026-03 [breaking]\n"),
        "{stdout}"
    );
    assert!(stdout.contains("crate version: 0.1.1 -> 0.2.0"), "{stdout}");
    let changelog = read(checkout.join("generated/CHANGELOG.md"));
    let (newer, older) = (
        changelog.find("\n## 0.2.0\n").unwrap(),
        changelog.find("\n## 0.1.1\n").unwrap(),
    );
    assert!(newer < older, "{changelog}");
    assert!(
        changelog.contains(
            "\n### Breaking\n\n- Removed operation `create`: `POST /crm/things/2026-03`\n"
        ),
        "{changelog}"
    );
    assert!(xtask_in(&checkout, &["codegen", "--check"])
        .status
        .success());
}

/// `--dry-run` says what it would do and changes nothing; `--no-bump` writes the documents
/// and the crate but leaves the version and changelog alone.
#[test]
fn dry_run_changes_nothing_and_no_bump_keeps_the_version() {
    let dir = scratch("dry-run");
    let checkout = checkout(&dir);
    let from = things_collection(&dir);
    let before = snapshot(&checkout);
    let output = xtask_in(
        &checkout,
        &["update-spec", "--from", from.to_str().unwrap(), "--dry-run"],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    for expected in [
        "would write spec/2026-03/things.yaml",
        "verdict: compatible addition (",
        "crate version: 0.1.0 -> 0.1.1 (would write spec/crate.toml",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    assert_eq!(snapshot(&checkout), before, "a dry run changes nothing");

    let output = xtask_in(
        &checkout,
        &["update-spec", "--from", from.to_str().unwrap(), "--no-bump"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(!text(&output.stdout).contains("crate version:"));
    assert!(checkout.join("spec/2026-03/things.yaml").exists());
    assert!(checkout.join("generated/src/v2026_03/models.rs").exists());
    assert_eq!(
        read(checkout.join("spec/crate.toml")),
        "# Kept.\nversion = \"0.1.0\"\n"
    );
    assert!(!checkout.join("generated/CHANGELOG.md").exists());
}

/// Runs a failing update: exit code 1, `error: ` and the expected words on standard error,
/// and the checkout exactly as it was.
fn fails(checkout: &Path, args: &[&str], expected: &[&str]) {
    let before = snapshot(checkout);
    let mut all = vec!["update-spec"];
    all.extend(args);
    let output = xtask_in(checkout, &all);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    for expected in expected {
        assert!(
            stderr.contains(expected),
            "{args:?}: missing {expected:?} in {stderr}"
        );
    }
    assert_eq!(snapshot(checkout), before, "{args:?}: nothing changed");
}

#[test]
fn bad_input_names_the_path_and_changes_nothing() {
    let dir = scratch("errors");
    let checkout = checkout(&dir);
    let from = things_collection(&dir);
    let from = from.to_str().unwrap();

    let missing = dir.join("nowhere");
    fails(
        &checkout,
        &["--from", missing.to_str().unwrap()],
        &[&format!("{}: no such directory", missing.display())],
    );
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    fails(
        &checkout,
        &["--from", empty.to_str().unwrap()],
        &[&format!("{}: no PublicApiSpecs directory", empty.display())],
    );
    fails(
        &checkout,
        &["--from", from, "--version", "2030-03"],
        &["/PublicApiSpecs: no version 2030-03: things has v1, 2026-03, 2026-09-beta\n"],
    );
    fails(
        &checkout,
        &["--from", from, "--version", "v1"],
        &["error: spec/v1/things.yaml: version v1 is in spec/ already"],
    );

    let others = collection(
        &dir.join("others"),
        &[(
            "PublicApiSpecs/CMS/Widgets/Rollouts/100/v3/widgets.json",
            things("v3", "CMS Widgets", true),
        )],
    );
    fails(
        &checkout,
        &["--from", others.to_str().unwrap()],
        &["/PublicApiSpecs: no document of `things` (titled like HubSpot CRM Things)"],
    );
}

#[test]
fn a_document_that_does_not_parse_is_named() {
    let dir = scratch("unparsable");
    let checkout = checkout(&dir);

    let not_json = things_collection(&dir.join("not-json"));
    let bad = not_json.join("PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/broken.json");
    std::fs::write(&bad, "{\"openapi\": \"3.0.1\", ").unwrap();
    fails(
        &checkout,
        &["--from", not_json.to_str().unwrap()],
        &[&format!("{}: not a JSON document", bad.display())],
    );

    let mut wrong = things("2026-03", "Things", true);
    wrong["components"]["schemas"]["Thing"]["properties"]["id"]["type"] = json!("strng");
    let not_openapi = collection(
        &dir.join("not-openapi"),
        &[(
            "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json",
            wrong,
        )],
    );
    fails(
        &checkout,
        &["--from", not_openapi.to_str().unwrap()],
        &[
            "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json: #/components/schemas/Thing/properties/id",
            "strng",
        ],
    );
}

/// A document that generates only with a warning fails the strict generation of `spec/`
/// before anything is written; one that fails while being written is taken back, with the
/// new version's directory, the crate version and the changelog.
#[test]
fn a_failed_generation_leaves_spec_and_generated_as_they_were() {
    let dir = scratch("generation");
    let checkout = checkout(&dir);

    let mut loose = things("2026-03", "Things", true);
    loose["components"]["schemas"]["Thing"]["properties"]["owner"] =
        json!({"$ref": "#/components/schemas/Owner"});
    let loose = collection(
        &dir.join("loose"),
        &[(
            "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json",
            loose,
        )],
    );
    fails(
        &checkout,
        &["--from", loose.to_str().unwrap()],
        &[
            "warnings are errors in a strict run",
            "PublicApiSpecs/CRM/Things/Rollouts/200/2026-03/things.json: #/components/schemas/Thing/properties/owner",
        ],
    );

    // `generated/src` a file: the documents are fine, writing the crate is not.
    let from = things_collection(&dir);
    std::fs::remove_dir_all(checkout.join("generated/src")).unwrap();
    std::fs::write(checkout.join("generated/src"), "in the way\n").unwrap();
    fails(
        &checkout,
        &["--from", from.to_str().unwrap()],
        &["generated/src"],
    );
    assert!(!checkout.join("spec/2026-03").exists());
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = scratch("usage");
    for args in [
        &["update-spec"][..],
        &["update-spec", "--from"],
        &["update-spec", "--from", "x", "--bump"],
    ] {
        let output = xtask_in(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
    let missing = text(&xtask_in(&dir, &["update-spec"]).stderr);
    assert!(
        missing.contains("--from <DIR>") && missing.contains("Usage: cargo xtask update-spec"),
        "{missing}"
    );
    let help = xtask_in(&dir, &["update-spec", "--help"]);
    let help = text(&help.stdout);
    for flag in ["--from <DIR>", "--version <V>", "--dry-run", "--no-bump"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

/// `diff --fail-on-breaking` fails (code 1, the count on standard error) only when a change is
/// breaking; `--format markdown` writes a changelog section, the verdict apart.
#[test]
fn diff_fails_on_breaking_changes_when_asked_and_writes_markdown() {
    let dir = scratch("diff");
    let write = |name: &str, from: &str, to: &str| {
        let path = dir.join(name);
        std::fs::write(&path, THINGS_V1.replacen(from, to, 1)).unwrap();
        path.to_string_lossy().into_owned()
    };
    let old = write("old.yaml", "", "");
    let added = write(
        "added.yaml",
        "          enum: [SMALL, LARGE]",
        "          enum: [SMALL, LARGE, HUGE]",
    );
    let narrowed = write(
        "narrowed.yaml",
        "          enum: [SMALL, LARGE]",
        "          enum: [SMALL]",
    );

    let output = xtask_in(&dir, &["diff", &old, &added, "--fail-on-breaking"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("        value `HUGE` added [compatible addition]\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "verdict: compatible addition (1 compatible addition): \
             bump 0.x.y to 0.x.(y+1) (patch), 1.x.y to 1.(x+1).0 (minor)\n"
        ),
        "{stdout}"
    );

    let output = xtask_in(&dir, &["diff", &old, &narrowed, "--fail-on-breaking"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stdout).contains("        value `LARGE` removed [breaking]\n"),
        "the report comes first: {}",
        text(&output.stdout)
    );
    assert_eq!(
        text(&output.stderr),
        "error: 1 breaking change (--fail-on-breaking)\n"
    );
    // Without the flag the same report passes.
    assert!(xtask_in(&dir, &["diff", &old, &narrowed]).status.success());

    let output = xtask_in(&dir, &["diff", &old, &narrowed, "--format", "markdown"]);
    assert!(output.status.success());
    assert_eq!(
        text(&output.stdout),
        "## Unreleased\n\n\
         Compared: `v1 (v1) -> v1 (v1)`.\n\n\
         ### Breaking\n\n\
         - `ThingKind`: value `LARGE` removed\n"
    );
    assert!(text(&output.stderr).starts_with("verdict: breaking (1 breaking)"));

    let output = xtask_in(&dir, &["diff", &old, &narrowed, "--format", "html"]);
    assert_eq!(output.status.code(), Some(2));
    let help = text(&xtask_in(&dir, &["diff", "--help"]).stdout);
    for flag in [
        "--format <FORMAT>",
        "--fail-on-breaking",
        "[possible values: text, markdown]",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}
