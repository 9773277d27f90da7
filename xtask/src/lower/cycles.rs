//! Recursive types: box the fields that would make a type contain itself, and reject type
//! aliases that expand to themselves (Rust cannot express those).

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Pointer, Result};
use crate::ir::{TypeDef, TypeKind, TypeRef};
use crate::load::Document;

/// Named types a type reference mentions, however deep (`Vec<Map<A>>` mentions `A`).
fn mentioned(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => mentioned(inner, out),
        _ => {}
    }
}

/// The named type a reference holds inline (not behind a `Vec`, map or `Box`).
fn direct(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

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
            let mut next = Vec::new();
            mentioned(target, &mut next);
            for n in next {
                if &n == name {
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
                if seen.insert(n.clone()) {
                    stack.push(n);
                }
            }
        }
    }
    Ok(())
}

/// Types a type holds inline: struct fields, union alternatives and alias targets.
fn direct_edges(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(target) => direct(target).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
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
            stack.extend(direct_edges(def).into_iter().map(str::to_owned));
        }
    }
    false
}

pub(super) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let to_box: Vec<usize> = {
            let def = &types[&name];
            let refs: Vec<Option<&str>> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| direct(&f.ty)).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| direct(&v.ty)).collect(),
                _ => continue,
            };
            refs.iter()
                .enumerate()
                .filter(|(_, r)| r.is_some_and(|r| reaches(r, &name, types)))
                .map(|(i, _)| i)
                .collect()
        };
        let Some(def) = types.get_mut(&name) else {
            continue;
        };
        for i in to_box {
            let ty = match &mut def.kind {
                TypeKind::Struct(s) => &mut s.fields[i].ty,
                TypeKind::Union(u) => &mut u.variants[i].ty,
                _ => continue,
            };
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
    }
}
