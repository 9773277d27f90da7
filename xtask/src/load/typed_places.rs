//! Where `openapiv3` reads which of its types: the typed children of each kind of value.
//!
//! Both the schema check (`schemas.rs`) and error location (`locate.rs`) walk a document
//! along these places. They name only what `openapiv3` really reads, so a check never
//! rejects a value that the parse would have ignored: paths start with `/`, responses are
//! `default` or a status code, a `$ref` stands for its whole object, `null` is an absent
//! optional field, and a parameter with both `content` and `schema` is read by the first.

use openapiv3::StatusCode;
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;
use serde_json::{Map, Value};

/// What a value is read as.
#[derive(Clone, Copy)]
pub enum Kind {
    Document,
    /// `paths`: keys starting with `/` hold path items.
    Paths,
    /// A path item under `paths` (`ReferenceOr<PathItem>`).
    PathItem,
    /// A path item inside a callback, which cannot be a `$ref`.
    CallbackPathItem,
    Operation,
    Parameter,
    RequestBody,
    /// `responses`: `default` and status codes hold responses.
    Responses,
    Response,
    MediaType,
    Encoding,
    Header,
    /// A callback under `components` (`ReferenceOr<Callback>`).
    Callback,
    Components,
    Schema,
    /// A map whose every value is of the given kind.
    MapOf(&'static Kind),
    /// A list whose every item is of the given kind.
    ListOf(&'static Kind),
}

impl Kind {
    /// Whether `openapiv3` reads this kind as `ReferenceOr<_>`: a string `$ref` then stands
    /// for the whole object, and the fields beside it are never read.
    pub fn may_be_ref(self) -> bool {
        matches!(
            self,
            Kind::PathItem
                | Kind::Parameter
                | Kind::RequestBody
                | Kind::Response
                | Kind::Header
                | Kind::Callback
                | Kind::Schema
        )
    }
}

/// A `$ref` object, as `openapiv3`'s `ReferenceOr` reads it.
pub fn is_reference(value: &Value) -> bool {
    value.get("$ref").is_some_and(Value::is_string)
}

/// The typed children of `value` read as `kind`, as (key or index, kind), in document order
/// (keys are sorted) but for `paths` before `components`.
/// Schemas have none here: their children are `schema_children`.
pub fn children(value: &Value, kind: Kind) -> Vec<(String, Kind)> {
    if kind.may_be_ref() && is_reference(value) {
        return Vec::new();
    }
    let Some(object) = value.as_object() else {
        return match (kind, value) {
            (Kind::ListOf(item), Value::Array(items)) => {
                (0..items.len()).map(|i| (i.to_string(), *item)).collect()
            }
            _ => Vec::new(),
        };
    };
    let fields = |fields: &[(&str, Kind, Null)]| present(object, fields);
    use Null::{Absent, Wrong};
    const OPERATION: Kind = Kind::Operation;
    const PARAMETERS: Kind = Kind::ListOf(&Kind::Parameter);
    const CONTENT: Kind = Kind::MapOf(&Kind::MediaType);
    const HEADERS: Kind = Kind::MapOf(&Kind::Header);
    match kind {
        // Paths first, as people read a document.
        Kind::Document => fields(&[
            ("paths", Kind::Paths, Wrong),
            ("components", Kind::Components, Absent),
        ]),
        Kind::Paths => keyed(object, |key| key.starts_with('/'), Kind::PathItem),
        Kind::PathItem | Kind::CallbackPathItem => fields(&[
            ("delete", OPERATION, Absent),
            ("get", OPERATION, Absent),
            ("head", OPERATION, Absent),
            ("options", OPERATION, Absent),
            ("parameters", PARAMETERS, Wrong),
            ("patch", OPERATION, Absent),
            ("post", OPERATION, Absent),
            ("put", OPERATION, Absent),
            ("trace", OPERATION, Absent),
        ]),
        Kind::Operation => fields(&[
            (
                "callbacks",
                Kind::MapOf(&Kind::MapOf(&Kind::CallbackPathItem)),
                Wrong,
            ),
            ("parameters", PARAMETERS, Wrong),
            ("requestBody", Kind::RequestBody, Absent),
            ("responses", Kind::Responses, Wrong),
        ]),
        // `content` and `schema` are alternatives; `openapiv3` reads the first it meets.
        Kind::Parameter | Kind::Header => object
            .keys()
            .find(|key| *key == "content" || *key == "schema")
            .map(|key| {
                let child = if key == "content" {
                    CONTENT
                } else {
                    Kind::Schema
                };
                (key.clone(), child)
            })
            .into_iter()
            .collect(),
        Kind::RequestBody => fields(&[("content", CONTENT, Wrong)]),
        Kind::Responses => keyed(object, is_response_key, Kind::Response),
        Kind::Response => fields(&[("content", CONTENT, Wrong), ("headers", HEADERS, Wrong)]),
        Kind::MediaType => fields(&[
            ("encoding", Kind::MapOf(&Kind::Encoding), Wrong),
            ("schema", Kind::Schema, Absent),
        ]),
        Kind::Encoding => fields(&[("headers", HEADERS, Wrong)]),
        Kind::Callback => keyed(object, |_| true, Kind::CallbackPathItem),
        Kind::Components => fields(&[
            ("callbacks", Kind::MapOf(&Kind::Callback), Wrong),
            ("headers", HEADERS, Wrong),
            ("parameters", Kind::MapOf(&Kind::Parameter), Wrong),
            ("requestBodies", Kind::MapOf(&Kind::RequestBody), Wrong),
            ("responses", Kind::MapOf(&Kind::Response), Wrong),
            ("schemas", Kind::MapOf(&Kind::Schema), Wrong),
        ]),
        Kind::Schema | Kind::ListOf(_) => Vec::new(),
        Kind::MapOf(value) => keyed(object, |_| true, *value),
    }
}

/// What `null` is in a field: the field left out (an `Option` in `openapiv3`), or a wrong
/// value (a required field, or a list or map, which must be one when present).
#[derive(Clone, Copy, PartialEq)]
enum Null {
    Absent,
    Wrong,
}

/// The listed fields that are present, in the order given.
fn present(object: &Map<String, Value>, fields: &[(&str, Kind, Null)]) -> Vec<(String, Kind)> {
    fields
        .iter()
        .filter(|(key, _, null)| {
            object
                .get(*key)
                .is_some_and(|v| !(v.is_null() && *null == Null::Absent))
        })
        .map(|(key, kind, _)| ((*key).to_owned(), *kind))
        .collect()
}

fn keyed(
    object: &Map<String, Value>,
    read: impl Fn(&str) -> bool,
    kind: Kind,
) -> Vec<(String, Kind)> {
    object
        .keys()
        .filter(|key| read(key))
        .map(|key| (key.clone(), kind))
        .collect()
}

/// `default` or a status code such as `200` or `4XX`: the keys `Responses` reads.
fn is_response_key(key: &str) -> bool {
    let deserializer: StrDeserializer<'_, ValueError> = key.into_deserializer();
    key == "default" || StatusCode::deserialize(deserializer).is_ok()
}

/// A field of a schema object that cannot hold what `openapiv3` reads there (`properties`
/// that is not a mapping, say), with why; its schemas are not searched.
pub fn malformed_field(schema: &Map<String, Value>) -> Option<(&str, String)> {
    schema.iter().find_map(|(field, value)| {
        let expected = match (field.as_str(), value) {
            (_, Value::Null) => return None,
            ("properties", Value::Object(_)) => return None,
            ("properties", _) => "a mapping",
            ("allOf" | "oneOf" | "anyOf", Value::Array(_)) => return None,
            ("allOf" | "oneOf" | "anyOf", _) => "a sequence",
            ("additionalProperties", Value::Bool(_) | Value::Object(_)) => return None,
            ("additionalProperties", _) => "a boolean or a schema",
            _ => return None,
        };
        Some((
            field.as_str(),
            format!("expected {expected}, found {}", describe(value)),
        ))
    })
}

/// A value as an error message names it.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a sequence".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// One place in a schema that holds a schema: `items`, or `properties` and a name.
pub struct SchemaChild<'a> {
    pub field: &'a str,
    /// The property name or list index under `field`, if the field holds several.
    pub entry: Option<Entry<'a>>,
    pub value: &'a mut Value,
}

#[derive(Clone, Copy)]
pub enum Entry<'a> {
    Key(&'a str),
    Index(usize),
}

/// The schemas inside a schema object, in document order, where `openapiv3` reads them:
/// `properties` (a map), `allOf`/`oneOf`/`anyOf` (lists), `items` and `not`, and
/// `additionalProperties` when it is an object rather than a boolean. A field of the wrong
/// shape holds no child (see `malformed_field`).
pub fn schema_children(schema: &mut Map<String, Value>) -> Vec<SchemaChild<'_>> {
    let mut out = Vec::new();
    for (field, value) in schema.iter_mut() {
        let field = field.as_str();
        match (field, value) {
            ("properties", Value::Object(properties)) => {
                out.extend(properties.iter_mut().map(|(name, value)| SchemaChild {
                    field,
                    entry: Some(Entry::Key(name)),
                    value,
                }));
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(items)) => {
                out.extend(items.iter_mut().enumerate().map(|(i, value)| SchemaChild {
                    field,
                    entry: Some(Entry::Index(i)),
                    value,
                }));
            }
            ("items" | "not", value) if !value.is_null() => out.push(SchemaChild {
                field,
                entry: None,
                value,
            }),
            ("additionalProperties", value @ Value::Object(_)) => out.push(SchemaChild {
                field,
                entry: None,
                value,
            }),
            _ => {}
        }
    }
    out
}
