//! Recursive types: box the fields that would make a type contain itself, and reject type
//! aliases that expand to themselves (Rust cannot express those).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Pointer, Result};
use crate::ir::{Slot, TypeDef, TypeKind, TypeRef};
use crate::load::Document;

pub(super) fn check_aliases(types: &BTreeMap<String, TypeDef>, docs: &[&Document]) -> Result<()> {
    for (name, def) in types {
        let TypeKind::Alias(_) = def.kind else {
            continue;
        };
        let mut stack = vec![name.clone()];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            let Some(TypeKind::Alias(target)) = types.get(&current).map(|d| &d.kind) else {
                continue;
            };
            if let Some(n) = target.mentioned() {
                if n == name {
                    let schema = def.schema_name.clone().unwrap_or_else(|| name.clone());
                    let file = docs
                        .iter()
                        .find(|d| {
                            d.api
                                .components
                                .as_ref()
                                .is_some_and(|c| c.schemas.contains_key(&schema))
                        })
                        .map_or_else(String::new, |d| d.file.clone());
                    return Err(Error::spec(
                        &file,
                        &Pointer::root()
                            .join("components")
                            .join("schemas")
                            .join(&schema),
                        "cyclic $ref: this schema is defined in terms of itself",
                    ));
                }
                if seen.insert(n.to_owned()) {
                    stack.push(n.to_owned());
                }
            }
        }
    }
    Ok(())
}

/// Types a type holds in place: struct fields, union alternatives and alias targets that
/// name a type directly (not inside a `Vec`, map or `Box`).
fn direct_edges(def: &TypeDef) -> impl Iterator<Item = &str> {
    def.children()
        .into_iter()
        .filter(|(slot, _)| slot.in_place())
        .filter_map(|(_, ty)| ty.as_named())
}

fn reaches(from: &str, target: &str, types: &BTreeMap<String, TypeDef>) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(current) = stack.pop() {
        if current == target {
            return true;
        }
        if !seen.insert(current.clone()) {
            continue;
        }
        if let Some(def) = types.get(&current) {
            stack.extend(direct_edges(def).map(str::to_owned));
        }
    }
    false
}

pub(super) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let def = &types[&name];
        let to_box: Vec<Slot> = def
            .children()
            .into_iter()
            .filter(|(slot, ty)| {
                matches!(slot, Slot::Field(_) | Slot::Variant(_))
                    && ty.as_named().is_some_and(|r| reaches(r, &name, types))
            })
            .map(|(slot, _)| slot)
            .collect();
        let Some(def) = types.get_mut(&name) else {
            continue;
        };
        for slot in to_box {
            if let Some(ty) = def.child_mut(slot) {
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
        }
    }
}
