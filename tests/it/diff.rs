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

/// A small API to change one thing at a time: an operation that reads a thing (a path
/// parameter and an optional query parameter), one that creates one from an input struct, a
/// struct only answers hold, and an enum.
const THINGS: &str = "\
openapi: 3.0.3
info: {title: Things, version: v1}
paths:
  /things/{thingId}:
    get:
      x-rust-name: read_thing
      summary: Read a thing
      description: Reads one thing.
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
        - {name: archived, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /things/{thingId}/parts/{partId}:
    delete:
      x-rust-name: delete_part
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
        - {name: partId, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
  /things:
    post:
      x-rust-name: create_thing
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingInput'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
components:
  schemas:
    Thing:
      description: A thing.
      type: object
      required: [id]
      properties:
        id: {type: string, description: Its id.}
        kind: {$ref: '#/components/schemas/Kind'}
    ThingInput:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Kind:
      type: string
      enum: [SMALL, LARGE]
";

/// `THINGS` with `from` replaced by `to`, lowered.
fn things(from: &str, to: &str) -> xtask::ir::Api {
    assert!(THINGS.contains(from), "{from:?} is not in the document");
    let text = THINGS.replacen(from, to, 1);
    let doc = xtask::load::parse_str(&text, "things.yaml", false).unwrap();
    xtask::lower::lower_versions(&[doc]).unwrap().0
}

/// Each edit of `THINGS`: what the report says of it, with its class, and the verdict.
fn classed(cases: &[(&str, &str, &str)], class: xtask::diff::Class) {
    let old = things("", "");
    for (from, to, expected) in cases {
        let report = xtask::diff::diff(&old, &things(from, to));
        let text = report.to_string();
        assert!(
            text.contains(&format!("{expected} [{class}]")),
            "{from:?} -> {to:?}: missing {expected:?} [{class}] in\n{text}"
        );
        assert_eq!(
            report.verdict().class(),
            Some(class),
            "{from:?} -> {to:?}:\n{text}"
        );
    }
}

#[test]
fn removals_renames_new_requirements_and_new_types_are_breaking() {
    use xtask::diff::Class;
    classed(
        &[
            // An operation removed, or renamed.
            (
                "      x-rust-name: delete_part\n",
                "      x-rust-name: remove_part\n",
                "    - delete_part: DELETE /things/{thingId}/parts/{partId}",
            ),
            // A type removed (here by its name changing).
            ("    Kind:\n", "    Category:\n", "    - Kind: enum, 2 values"),
            // A field removed, or its type changed.
            (
                "        id: {type: string, description: Its id.}\n",
                "",
                "field `id` removed",
            ),
            (
                "        id: {type: string, description: Its id.}",
                "        id: {type: integer, description: Its id.}",
                "field `id`: ObjectId -> i64",
            ),
            // An enum narrowed.
            ("enum: [SMALL, LARGE]", "enum: [SMALL]", "value `LARGE` removed"),
            // A parameter's, body's or response's type changed.
            (
                "{name: archived, in: query, schema: {type: boolean}}",
                "{name: archived, in: query, schema: {type: string}}",
                "parameter `archived`: bool -> String",
            ),
            (
                "{application/json: {schema: {$ref: '#/components/schemas/ThingInput'}}}",
                "{application/json: {schema: {type: array, items: {type: string}}}}",
                "body: ThingInput -> Vec<String>",
            ),
            (
                "        '204': {description: gone}",
                "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}",
                "response: () -> Thing",
            ),
            // A required field (its struct's `new` takes one more, in answers too), a
            // required parameter.
            (
                "      required: [id]\n      properties:\n",
                "      required: [id, size]\n      properties:\n        size: {type: integer, format: int32}\n",
                "field `size` added (i32, required)",
            ),
            (
                "      required: [name]\n      properties:\n",
                "      required: [name, size]\n      properties:\n        size: {type: integer, format: int32}\n",
                "field `size` added (i32, required)",
            ),
            (
                "{name: archived, in: query, schema: {type: boolean}}",
                "{name: archived, in: query, schema: {type: boolean}}\n        - {name: owner, in: query, required: true, schema: {type: string}}",
                "parameter `owner` added (query, required, String)",
            ),
            // Path parameters renamed, or swapped.
            (
                "  /things/{thingId}/parts/{partId}:\n    delete:\n      x-rust-name: delete_part\n      parameters:\n        - {name: thingId, in: path, required: true, schema: {type: string}}\n",
                "  /things/{id}/parts/{partId}:\n    delete:\n      x-rust-name: delete_part\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n",
                "parameter `thing_id` removed",
            ),
            (
                "  /things/{thingId}/parts/{partId}:",
                "  /things/{partId}/parts/{thingId}:",
                "arguments reordered: (thing_id, part_id) -> (part_id, thing_id)",
            ),
            // A first optional query parameter: the function takes a query struct.
            (
                "  /things:\n    post:\n      x-rust-name: create_thing\n",
                "  /things:\n    post:\n      x-rust-name: create_thing\n      parameters:\n        - {name: dryRun, in: query, schema: {type: boolean}}\n",
                "now takes its optional query parameters as `CreateThingQuery`",
            ),
        ],
        Class::Breaking,
    );
}

#[test]
fn additions_of_what_no_code_can_rely_on_being_absent_are_compatible() {
    use xtask::diff::Class;
    classed(
        &[
            // An operation and a type.
            (
                "components:\n",
                "  /widgets:\n    get:\n      x-rust-name: list_widgets\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}\ncomponents:\n",
                "    + list_widgets: GET /widgets",
            ),
            (
                "    Kind:\n",
                "    Widget:\n      type: object\n      properties:\n        id: {type: string}\n    Kind:\n",
                "    + Widget: struct, 1 field",
            ),
            // An optional field, an enum value, an optional query parameter.
            (
                "      properties:\n        name: {type: string}\n",
                "      properties:\n        name: {type: string}\n        note: {type: string}\n",
                "field `note` added (String)",
            ),
            ("enum: [SMALL, LARGE]", "enum: [SMALL, LARGE, HUGE]", "value `HUGE` added"),
            (
                "{name: archived, in: query, schema: {type: boolean}}",
                "{name: archived, in: query, schema: {type: boolean}}\n        - {name: limit, in: query, schema: {type: integer, format: int32}}",
                "parameter `limit` added (query, i32)",
            ),
        ],
        Class::Addition,
    );
}

#[test]
fn changed_descriptions_are_documentation_only() {
    use xtask::diff::Class;
    classed(
        &[
            (
                "description: Reads one thing.",
                "description: Reads a thing by id.",
                "description changed",
            ),
            (
                "summary: Read a thing",
                "summary: Read one thing",
                "summary changed",
            ),
            (
                "description: A thing.",
                "description: Something.",
                "description changed",
            ),
            (
                "description: Its id.",
                "description: The id.",
                "field `id`: description changed",
            ),
        ],
        Class::Documentation,
    );
}

/// The verdict closes the report; `--format markdown` writes the same changes as a
/// changelog section, a list per class.
#[test]
fn the_report_ends_in_the_verdict_and_reads_as_a_changelog() {
    let old = things("", "");
    let new = things(
        "enum: [SMALL, LARGE]\n",
        "enum: [SMALL, LARGE, HUGE]\n    Extra:\n      type: object\n      properties:\n        list: {type: array, items: {type: string}}\n",
    );
    let new = {
        let mut new = new;
        new.modules[0]
            .operations
            .retain(|op| op.name != "delete_part");
        let types = &mut new.modules[0].types;
        let thing = types.id_of("Thing").unwrap();
        types.get_mut(thing).unwrap().doc = Some("Changed.".to_owned());
        new
    };
    let report = xtask::diff::diff(&old, &new);
    let text = report.to_string();
    assert!(
        text.ends_with(
            "verdict: breaking (1 breaking, 2 compatible additions, 1 documentation-only): \
             bump 0.x.y to 0.(x+1).0 (minor), 1.x.y to 2.0.0 (major)\n"
        ),
        "{text}"
    );
    assert_eq!(
        xtask::diff::changelog_section(&report, "Unreleased", None),
        "## Unreleased\n\n\
         Compared: `v1 (v1) -> v1 (v1)`.\n\n\
         ### Breaking\n\n\
         - Removed operation `delete_part`: `DELETE /things/{thingId}/parts/{partId}`\n\n\
         ### Added\n\n\
         - New type `Extra`: struct, 1 field\n\
         - `Kind`: value `HUGE` added\n\n\
         ### Documentation\n\n\
         - `Thing`: description changed\n"
    );
    let same = xtask::diff::diff(&old, &old);
    assert_eq!(same.verdict().class(), None);
    assert!(same
        .to_string()
        .ends_with("verdict: no changes: no version bump\n"));
}
