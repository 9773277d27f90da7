//! Recursive types: box the fields that would make a type contain itself, and reject type
//! aliases that expand to themselves (Rust cannot express those).

use std::collections::BTreeSet;

use crate::error::{Error, Pointer, Result};
use crate::ir::{Slot, TypeDef, TypeId, TypeKind, TypeRef, TypeTable};
use crate::load::Document;

pub(super) fn check_aliases(types: &TypeTable, docs: &[&Document]) -> Result<()> {
    for (id, def) in types.iter() {
        let TypeKind::Alias(_) = def.kind else {
            continue;
        };
        let mut stack = vec![id];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            let Some(TypeKind::Alias(target)) = types.get(current).map(|d| &d.kind) else {
                continue;
            };
            if let Some(n) = target.mentioned() {
                if n == id {
                    let schema = def
                        .schema_name
                        .clone()
                        .unwrap_or_else(|| types.name(id).to_owned());
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
                if seen.insert(n) {
                    stack.push(n);
                }
            }
        }
    }
    Ok(())
}

/// Types a type holds in place: struct fields, union alternatives and alias targets that
/// name a type directly (not inside a `Vec`, map or `Box`).
fn direct_edges(def: &TypeDef) -> impl Iterator<Item = TypeId> + '_ {
    def.kind
        .children()
        .into_iter()
        .filter(|(slot, _)| slot.in_place())
        .filter_map(|(_, ty)| ty.as_named())
}

fn reaches(from: TypeId, target: TypeId, types: &TypeTable) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(current) = stack.pop() {
        if current == target {
            return true;
        }
        if !seen.insert(current) {
            continue;
        }
        if let Some(def) = types.get(current) {
            stack.extend(direct_edges(def));
        }
    }
    false
}

/// In order of name: a field boxed for one type no longer counts for those after it.
pub(super) fn box_recursive_fields(types: &mut TypeTable) {
    let ids: Vec<TypeId> = types.iter().map(|(id, _)| id).collect();
    for id in ids {
        let Some(def) = types.get(id) else {
            continue;
        };
        let to_box: Vec<Slot> = def
            .kind
            .children()
            .into_iter()
            .filter(|(slot, ty)| {
                matches!(slot, Slot::Field(_) | Slot::Variant(_))
                    && ty.as_named().is_some_and(|r| reaches(r, id, types))
            })
            .map(|(slot, _)| slot)
            .collect();
        let Some(def) = types.get_mut(id) else {
            continue;
        };
        for slot in to_box {
            if let Some(ty) = def.kind.child_mut(slot) {
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
        }
    }
}
