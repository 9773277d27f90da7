//! Finds the innermost value that makes a document fail to parse.
//!
//! `openapiv3` flattens extension fields into most of its types, and serde loses track of
//! the path inside a flattened struct, so a bad parameter deep in an operation is reported
//! at `#/paths`. When parsing fails, this walks the document along the places that hold
//! typed children (`shape.rs`), parses each child as its own type, and descends into the
//! first one that fails, so the error names the exact location.
//!
//! Schemas are not searched: `schemas::first_invalid` has already checked each of them, so
//! the fault is in the few levels above them and each of those is parsed a bounded number
//! of times.

use openapiv3::{
    Callback, Components, Encoding, Header, MediaType, OpenAPI, Operation, Parameter, PathItem,
    ReferenceOr, RequestBody, Response, Responses,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::typed_places::{self, describe, Kind};
use crate::error::Pointer;

/// Where and why `document`, whose schemas are all valid, fails to parse, or `None` if no
/// child is to blame.
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
        Kind::CallbackPathItem => parse::<PathItem>(value),
        Kind::Operation => parse::<Operation>(value),
        Kind::Parameter => parse::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => parse::<ReferenceOr<RequestBody>>(value),
        Kind::Responses => parse::<Responses>(value),
        Kind::Response => parse::<ReferenceOr<Response>>(value),
        Kind::MediaType => parse::<MediaType>(value),
        Kind::Encoding => parse::<Encoding>(value),
        Kind::Header => parse::<ReferenceOr<Header>>(value),
        Kind::Callback => parse::<ReferenceOr<Callback>>(value),
        Kind::Components => parse::<Components>(value),
        Kind::Schema => Ok(()),
        Kind::ListOf(_) => match value {
            Value::Array(_) => Ok(()),
            other => Err(format!("expected a sequence, found {}", describe(other))),
        },
        Kind::Paths | Kind::MapOf(_) => match value {
            Value::Object(_) => Ok(()),
            other => Err(format!("expected a mapping, found {}", describe(other))),
        },
    }
}

/// Maps and lists whose own check only looks at their shape: their children must still be
/// searched.
fn is_container(kind: Kind) -> bool {
    matches!(kind, Kind::Paths | Kind::MapOf(_) | Kind::ListOf(_))
}

fn find(value: &Value, at: Pointer, kind: Kind) -> Option<(Pointer, String)> {
    let error = check(value, kind).err();
    if error.is_none() && !is_container(kind) {
        return None;
    }
    for (key, child_kind) in typed_places::children(value, kind) {
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
