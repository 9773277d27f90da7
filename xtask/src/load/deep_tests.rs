//! Documents that once took time doubling with each level of nested schemas, and places
//! where a schema is never read, through `parse_value`.

use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use super::parse_value;

/// Far more than these take; with time doubling per level, 200 levels would never finish.
const PATIENCE: Duration = Duration::from_secs(60);

fn document(paths: Value, components: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components})
}

/// Loads on another thread, so a hang fails the test instead of stalling it.
fn load(document: Value) -> std::result::Result<(), String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = parse_value(document, "deep.json").map(drop);
        let _ = send.send(outcome.map_err(|e| e.to_string()));
    });
    receive
        .recv_timeout(PATIENCE)
        .unwrap_or_else(|_| panic!("no answer within {PATIENCE:?}"))
}

/// Puts a schema inside another.
type Wrap = fn(Value) -> Value;

/// `levels` schemas, each inside the one before through every kind of place a schema
/// holds schemas, around `innermost`; and the pointer from the outermost to it.
fn nested(levels: usize, innermost: Value) -> (Value, String) {
    let places: [(&str, Wrap); 7] = [
        (
            "/properties/x",
            |s| json!({"type": "object", "properties": {"x": s, "y": {"type": "string"}}}),
        ),
        ("/items", |s| json!({"type": "array", "items": s})),
        ("/allOf/1", |s| json!({"allOf": [{"type": "object"}, s]})),
        ("/oneOf/0", |s| json!({"oneOf": [s, {"type": "string"}]})),
        ("/anyOf/0", |s| json!({"anyOf": [s]})),
        ("/not", |s| json!({"not": s})),
        (
            "/additionalProperties",
            |s| json!({"type": "object", "additionalProperties": s}),
        ),
    ];
    let mut schema = innermost;
    let mut pointer = String::new();
    for level in 0..levels {
        let (place, wrap) = places[level % places.len()];
        schema = wrap(schema);
        pointer.insert_str(0, place);
    }
    (schema, pointer)
}

#[test]
fn a_wrong_value_200_schemas_deep_is_found_with_its_pointer() {
    let (schema, inside) = nested(200, json!("oops"));
    let error = load(document(json!({}), json!({"schemas": {"A": schema}}))).unwrap_err();
    assert_eq!(
        error,
        format!("deep.json: #/components/schemas/A{inside}: invalid type: string \"oops\", expected struct Schema")
    );
}

/// Every place a document holds schemas is checked the same way; a place left out would
/// still take time doubling per level.
#[test]
fn every_place_that_holds_a_schema_is_checked() {
    let (bad, inside) = nested(200, json!(7));
    let media = json!({"application/json": {"schema": bad}});
    let operation = json!({
        "parameters": [{"name": "p", "in": "query", "schema": bad}],
        "responses": {"200": {"description": "ok", "content": media}},
    });
    let cases = [
        (
            json!({"/a": {"get": operation.clone()}}),
            json!({}),
            "/paths/~1a/get/parameters/0/schema",
        ),
        (
            json!({"/a": {"parameters": [{"name": "p", "in": "query", "content": media}]}}),
            json!({}),
            "/paths/~1a/parameters/0/content/application~1json/schema",
        ),
        (
            json!({"/a": {"post": {"requestBody": {"content": media}, "responses": {}}}}),
            json!({}),
            "/paths/~1a/post/requestBody/content/application~1json/schema",
        ),
        (
            json!({"/a": {"put": {"responses": {"default": {"description": "d", "headers": {"h": {"schema": bad}}}}}}}),
            json!({}),
            "/paths/~1a/put/responses/default/headers/h/schema",
        ),
        (
            json!({"/a": {"get": {"responses": {}, "callbacks": {"c": {"{$url}": {"post": operation}}}}}}),
            json!({}),
            "/paths/~1a/get/callbacks/c/{$url}/post/parameters/0/schema",
        ),
        (
            json!({}),
            json!({"responses": {"R": {"description": "d", "content": {"a/b": {"encoding": {"f": {"headers": {"h": {"schema": bad}}}}}}}}}),
            "/components/responses/R/content/a~1b/encoding/f/headers/h/schema",
        ),
        (
            json!({}),
            json!({"parameters": {"P": {"name": "p", "in": "path", "required": true, "schema": bad}}}),
            "/components/parameters/P/schema",
        ),
        (
            json!({}),
            json!({"requestBodies": {"B": {"content": media}}}),
            "/components/requestBodies/B/content/application~1json/schema",
        ),
        (
            json!({}),
            json!({"headers": {"H": {"schema": bad}}}),
            "/components/headers/H/schema",
        ),
        (
            json!({}),
            json!({"callbacks": {"C": {"/b": {"get": {"responses": {"4XX": {"description": "d", "content": media}}}}}}}),
            "/components/callbacks/C/~1b/get/responses/4XX/content/application~1json/schema",
        ),
    ];
    for (paths, components, place) in cases {
        let error = load(document(paths, components)).unwrap_err();
        assert_eq!(
            error,
            format!(
                "deep.json: #{place}{inside}: invalid type: integer `7`, expected struct Schema"
            )
        );
    }
}

/// What `openapiv3` never reads is not checked: fields beside a `$ref`, `null` in an
/// optional field, response keys that are not status codes, paths not starting with `/`,
/// and a parameter's `schema` when `content` comes first.
#[test]
fn what_openapiv3_ignores_is_not_rejected() {
    let bad = json!("oops");
    let paths = json!({
        "/a": {"$ref": "#/components/pathItems/A", "get": bad},
        "not-a-path": {"get": {"parameters": [{"schema": bad}]}},
        "/b": {
            "parameters": [
                {"$ref": "#/components/parameters/P", "schema": bad},
                {"name": "q", "in": "query", "content": {"text/plain": {"schema": null}}, "schema": bad},
            ],
            "get": {
                "requestBody": null,
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A", "properties": bad}}}},
                    "not-a-status": {"content": {"a/b": {"schema": bad}}},
                },
            },
        },
    });
    let components = json!({
        "schemas": {"A": {
            "type": "object",
            "properties": {"x": {"type": "array", "items": null}, "y": {"not": null, "oneOf": null}},
            "additionalProperties": null,
        }},
        "callbacks": {"C": {"$ref": "#/components/callbacks/D", "/c": bad}},
    });
    load(document(paths, components)).unwrap();
}

#[test]
fn a_schema_field_of_the_wrong_shape_is_named() {
    for (schema, place, message) in [
        (
            json!({"type": "object", "properties": ["x"]}),
            "/properties",
            "expected a mapping, found a sequence",
        ),
        (
            json!({"allOf": {"type": "string"}}),
            "/allOf",
            "expected a sequence, found a mapping",
        ),
        (
            json!({"type": "object", "additionalProperties": "x"}),
            "/additionalProperties",
            "expected a boolean or a schema, found the string \"x\"",
        ),
    ] {
        let (schema, inside) = nested(3, schema);
        let error = load(document(json!({}), json!({"schemas": {"A": schema}}))).unwrap_err();
        assert_eq!(
            error,
            format!("deep.json: #/components/schemas/A{inside}{place}: {message}")
        );
    }
}
