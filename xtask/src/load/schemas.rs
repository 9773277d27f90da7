//! Checks every schema of a document on its own, in time linear in the document's size.
//!
//! `openapiv3` reads a `ReferenceOr<Schema>` by trying its variants in turn, and reads a
//! failing one a second time for its message, so a wrong value nested `n` inline schemas deep
//! is parsed 2^n times before the whole document fails. Here `openapiv3` still judges every
//! schema, but one at a time and bottom-up: a schema object is parsed with the schemas inside
//! it (already checked) replaced by `{}`, which is always valid, so no parse ever fails below
//! the schema it is about. Once every schema passes, the parse of the whole document retries
//! only at the few levels above the schemas.

use openapiv3::{ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::typed_places::{self, Entry, Kind};
use crate::error::Pointer;

/// The first schema, in document order, that `openapiv3` would reject, with its message.
/// The document is changed only while it is checked, and given back as it came.
pub fn first_invalid(document: &mut Value) -> Option<(Pointer, String)> {
    walk(document, &At::ROOT, Kind::Document)
}

/// Follows the places that hold schemas down to the schemas.
fn walk(value: &mut Value, at: &At<'_>, kind: Kind) -> Option<(Pointer, String)> {
    if let Kind::Schema = kind {
        return schema(value, at);
    }
    for (key, child_kind) in typed_places::children(value, kind) {
        let child = match value {
            Value::Object(object) => object.get_mut(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        if let Some(child) = child {
            if let Some(found) = walk(child, &at.child(Entry::Key(&key)), child_kind) {
                return Some(found);
            }
        }
    }
    None
}

/// Checks the schemas inside `value`, then `value` itself with those replaced by `{}`.
fn schema(value: &mut Value, at: &At<'_>) -> Option<(Pointer, String)> {
    if typed_places::is_reference(value) {
        return None;
    }
    if let Value::Object(object) = value {
        if let Some((field, message)) = typed_places::malformed_field(object) {
            return Some((at.child(Entry::Key(field)).pointer(), message));
        }
        for child in typed_places::schema_children(object) {
            let field = at.child(Entry::Key(child.field));
            let entry;
            let place = match child.entry {
                Some(key) => {
                    entry = field.child(key);
                    &entry
                }
                None => &field,
            };
            if let Some(found) = schema(child.value, place) {
                return Some(found);
            }
        }
    }
    let mut inner = Vec::new();
    for_each_child(value, |slot| {
        inner.push(std::mem::replace(slot, Value::Object(Map::new())))
    });
    let verdict = ReferenceOr::<Schema>::deserialize(&*value);
    let mut inner = inner.into_iter();
    for_each_child(value, |slot| {
        if let Some(original) = inner.next() {
            *slot = original;
        }
    });
    verdict.err().map(|e| (at.pointer(), e.to_string()))
}

/// Calls `visit` on the place of each schema inside a schema, in document order.
fn for_each_child(value: &mut Value, mut visit: impl FnMut(&mut Value)) {
    if let Value::Object(object) = value {
        for child in typed_places::schema_children(object) {
            visit(child.value);
        }
    }
}

/// Where a value sits: its parent's place and its own key, kept on the stack while the walk
/// descends and written out as a `Pointer` only for an error.
struct At<'a> {
    parent: Option<(&'a At<'a>, Entry<'a>)>,
}

impl<'a> At<'a> {
    const ROOT: At<'static> = At { parent: None };

    fn child(&'a self, entry: Entry<'a>) -> At<'a> {
        At {
            parent: Some((self, entry)),
        }
    }

    fn pointer(&self) -> Pointer {
        let mut entries = Vec::new();
        let mut at = self;
        while let Some((parent, entry)) = at.parent {
            entries.push(entry);
            at = parent;
        }
        entries
            .into_iter()
            .rev()
            .fold(Pointer::root(), |pointer, entry| match entry {
                Entry::Key(key) => pointer.join(key),
                Entry::Index(index) => pointer.join(index),
            })
    }
}
