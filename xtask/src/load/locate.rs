//! Finds the innermost value that makes a document fail to parse.
//!
//! `openapiv3` flattens extension fields into most of its types, and serde loses track of
//! the path inside a flattened struct, so a bad parameter deep in an operation is reported
//! at `#/paths`. When parsing fails, this walks the document along the places that hold
//! typed children, parses each child as its own type, and descends into the first one that
//! fails, so the error names the exact location.

use openapiv3::{
    Components, Header, MediaType, OpenAPI, Operation, Parameter, PathItem, ReferenceOr,
    RequestBody, Response, Responses, Schema,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Pointer;

#[derive(Clone, Copy)]
enum Kind {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameters,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Headers,
    Header,
    Components,
    Schemas,
    SchemaList,
    Schema,
    ResponseMap,
    ParameterMap,
    RequestBodyMap,
}

/// Where and why `document` fails to parse, or `None` if no child is to blame.
pub fn locate(document: &Value) -> Option<(Pointer, String)> {
    find(document, Pointer::root(), Kind::Document)
}

fn parse<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    T::deserialize(value).map(|_| ()).map_err(|e| e.to_string())
}

fn check(value: &Value, kind: Kind) -> Result<(), String> {
    match kind {
        Kind::Document => parse::<OpenAPI>(value),
        Kind::PathItem => parse::<ReferenceOr<PathItem>>(value),
        Kind::Operation => parse::<Operation>(value),
        Kind::Parameter => parse::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => parse::<ReferenceOr<RequestBody>>(value),
        Kind::Responses => parse::<Responses>(value),
        Kind::Response => parse::<ReferenceOr<Response>>(value),
        Kind::MediaType => parse::<MediaType>(value),
        Kind::Header => parse::<ReferenceOr<Header>>(value),
        Kind::Components => parse::<Components>(value),
        Kind::Schema => parse::<ReferenceOr<Schema>>(value),
        Kind::Parameters | Kind::SchemaList => match value {
            Value::Array(_) => Ok(()),
            other => Err(format!("expected a sequence, found {}", describe(other))),
        },
        Kind::Paths
        | Kind::Content
        | Kind::Headers
        | Kind::Schemas
        | Kind::ResponseMap
        | Kind::ParameterMap
        | Kind::RequestBodyMap => match value {
            Value::Object(_) => Ok(()),
            other => Err(format!("expected a mapping, found {}", describe(other))),
        },
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a sequence".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// The typed children of a value of `kind`: (key, kind).
fn children(value: &Value, kind: Kind) -> Vec<(String, Kind)> {
    let each = |child: Kind| match value {
        Value::Object(map) => map
            .keys()
            .filter(|k| !k.starts_with("x-"))
            .map(|k| (k.clone(), child))
            .collect(),
        Value::Array(items) => (0..items.len()).map(|i| (i.to_string(), child)).collect(),
        _ => Vec::new(),
    };
    let fields = |fields: &[(&str, Kind)]| {
        fields
            .iter()
            .map(|(k, kind)| ((*k).to_owned(), *kind))
            .collect()
    };
    match kind {
        Kind::Document => fields(&[("paths", Kind::Paths), ("components", Kind::Components)]),
        Kind::Paths => each(Kind::PathItem),
        Kind::PathItem => {
            let mut out: Vec<(String, Kind)> = [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .iter()
            .map(|m| ((*m).to_owned(), Kind::Operation))
            .collect();
            out.push(("parameters".to_owned(), Kind::Parameters));
            out
        }
        Kind::Operation => fields(&[
            ("parameters", Kind::Parameters),
            ("requestBody", Kind::RequestBody),
            ("responses", Kind::Responses),
        ]),
        Kind::Parameters => each(Kind::Parameter),
        Kind::Parameter | Kind::Header => {
            fields(&[("schema", Kind::Schema), ("content", Kind::Content)])
        }
        Kind::RequestBody => fields(&[("content", Kind::Content)]),
        Kind::Responses => each(Kind::Response),
        Kind::Response => fields(&[("content", Kind::Content), ("headers", Kind::Headers)]),
        Kind::Content => each(Kind::MediaType),
        Kind::MediaType => fields(&[("schema", Kind::Schema)]),
        Kind::Headers => each(Kind::Header),
        Kind::Components => fields(&[
            ("schemas", Kind::Schemas),
            ("responses", Kind::ResponseMap),
            ("parameters", Kind::ParameterMap),
            ("requestBodies", Kind::RequestBodyMap),
        ]),
        Kind::Schemas => each(Kind::Schema),
        Kind::ResponseMap => each(Kind::Response),
        Kind::ParameterMap => each(Kind::Parameter),
        Kind::RequestBodyMap => each(Kind::RequestBody),
        Kind::SchemaList => each(Kind::Schema),
        Kind::Schema => {
            let mut out = fields(&[
                ("properties", Kind::Schemas),
                ("items", Kind::Schema),
                ("allOf", Kind::SchemaList),
                ("oneOf", Kind::SchemaList),
                ("anyOf", Kind::SchemaList),
                ("not", Kind::Schema),
            ]);
            if value
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            {
                out.push(("additionalProperties".to_owned(), Kind::Schema));
            }
            out
        }
    }
}

/// Maps and lists whose own check only looks at their shape: their children must still be
/// searched.
fn is_container(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Paths
            | Kind::Parameters
            | Kind::SchemaList
            | Kind::Content
            | Kind::Headers
            | Kind::Schemas
            | Kind::ResponseMap
            | Kind::ParameterMap
            | Kind::RequestBodyMap
    )
}

fn find(value: &Value, at: Pointer, kind: Kind) -> Option<(Pointer, String)> {
    let error = check(value, kind).err();
    if error.is_none() && !is_container(kind) {
        return None;
    }
    for (key, child_kind) in children(value, kind) {
        let child = match value {
            Value::Object(map) => map.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        if let Some(found) = child.and_then(|child| find(child, at.join(&key), child_kind)) {
            return Some(found);
        }
    }
    error.map(|error| (at, error))
}
