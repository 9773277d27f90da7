//! The generator's extensions carried from a document in `spec/` to its next version.
//!
//! `spec/` names operations and inline types (`x-rust-name`), and says which operations may be
//! retried (`x-idempotent`), which schemas are read leniently (`x-lenient`), which values are
//! secrets (`x-secret`), which operations are searches (`x-search`) and how many inputs a
//! batch takes (`x-batch-max`); HubSpot's documents say none of that (`lower::OF_A_PLACE`). Each such extension of the
//! old document is put at the same place in the new one, so names and behaviour stay as they
//! were wherever the API did not change. Places are compared by key, paths without their
//! version segments (`/crm/v4/x` is `/crm/2026-09/x`), and parameters by name and location.

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use crate::error::Pointer;
use crate::lower::OF_A_PLACE;
use crate::naming::is_version;

/// Puts the extensions of `old` into `new` where `new` has the same place and says nothing
/// of its own there. Returns the extensions whose place `new` does not have, as
/// `x-rust-name at #/pointer`.
pub fn carry(old: &Json, new: &mut Yaml) -> Vec<String> {
    let mut missed = Vec::new();
    walk(old, Some(new), &Pointer::root(), &mut missed);
    missed.sort();
    missed
}

fn walk(old: &Json, mut new: Option<&mut Yaml>, at: &Pointer, missed: &mut Vec<String>) {
    match old {
        Json::Object(object) => {
            let under_paths = at.as_str() == "#/paths";
            for (key, value) in object {
                if OF_A_PLACE.contains(&key.as_str()) {
                    match new.as_deref_mut().and_then(Yaml::as_mapping_mut) {
                        Some(mapping) => {
                            let key = Yaml::String(key.clone());
                            if !mapping.contains_key(&key) {
                                let value = serde_yaml::to_value(value).unwrap_or(Yaml::Null);
                                mapping.insert(key, value);
                            }
                        }
                        None => missed.push(format!("{key} at {at}")),
                    }
                    continue;
                }
                let child = new
                    .as_deref_mut()
                    .and_then(Yaml::as_mapping_mut)
                    .and_then(|mapping| child_of(mapping, key, under_paths));
                walk(value, child, &at.join(key), missed);
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let child = new
                    .as_deref_mut()
                    .and_then(Yaml::as_sequence_mut)
                    .and_then(|sequence| item_of(sequence, item, i));
                walk(item, child, &at.join(i), missed);
            }
        }
        _ => {}
    }
}

/// The value under `key` in `mapping`; under `paths`, the path of the same shape.
fn child_of<'m>(mapping: &'m mut Mapping, key: &str, under_paths: bool) -> Option<&'m mut Yaml> {
    if !under_paths {
        return mapping.get_mut(key);
    }
    let shape = path_shape(key);
    mapping
        .iter_mut()
        .find(|(k, _)| k.as_str().is_some_and(|k| path_shape(k) == shape))
        .map(|(_, v)| v)
}

/// The item of `sequence` that stands where `item` stood: a parameter by name and location,
/// anything else by index.
fn item_of<'s>(sequence: &'s mut [Yaml], item: &Json, index: usize) -> Option<&'s mut Yaml> {
    let Some(name) = item.get("name").and_then(Json::as_str) else {
        return sequence.get_mut(index);
    };
    let location = item.get("in").and_then(Json::as_str);
    sequence.iter_mut().find(|candidate| {
        candidate.get("name").and_then(Yaml::as_str) == Some(name)
            && candidate.get("in").and_then(Yaml::as_str) == location
    })
}

/// A path without its version segments.
fn path_shape(path: &str) -> String {
    path.split('/')
        .filter(|segment| !is_version(segment))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_go_to_the_same_place_in_the_next_version() {
        let old: Json = serde_json::json!({
            "paths": {
                "/things/v1/{id}": {
                    "get": {
                        "x-rust-name": "read_thing",
                        "x-idempotent": true,
                        "parameters": [{"name": "id", "in": "path", "x-secret": true}]
                    },
                    "delete": {"x-rust-name": "drop_thing"}
                }
            },
            "components": {"schemas": {
                "Thing": {"x-lenient": true, "properties": {"kind": {"x-rust-name": "ThingKind"}}},
                "Gone": {"x-rust-name": "Gone"}
            }}
        });
        let mut new: Yaml = serde_yaml::from_str(
            "paths:\n  /things/2026-09/{id}:\n    get:\n      x-rust-name: own_name\n      \
             parameters:\n      - {name: extra, in: query}\n      - {name: id, in: path}\n\
             components:\n  schemas:\n    Thing:\n      properties:\n        kind: {type: string}\n",
        )
        .unwrap();
        let missed = carry(&old, &mut new);
        let expected: Yaml = serde_yaml::from_str(
            "paths:\n  /things/2026-09/{id}:\n    get:\n      x-rust-name: own_name\n      \
             parameters:\n      - {name: extra, in: query}\n      - {name: id, in: path, x-secret: true}\n      \
             x-idempotent: true\n\
             components:\n  schemas:\n    Thing:\n      properties:\n        kind: {type: string, x-rust-name: ThingKind}\n      \
             x-lenient: true\n",
        )
        .unwrap();
        assert_eq!(new, expected);
        assert_eq!(
            missed,
            [
                "x-rust-name at #/components/schemas/Gone",
                "x-rust-name at #/paths/~1things~1v1~1{id}/delete"
            ]
        );
    }
}
