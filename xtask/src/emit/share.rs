//! Types several versions have in common are emitted once, in `shared.rs`, and re-exported
//! by each version: half the code to compile, and `v4::X` and `v2026_03::X` are the same type,
//! so values move between versions as they are.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, TypeDef};

/// Types defined identically (documentation included) by every module that defines them,
/// by at least two modules, and referring only to other such types.
pub fn shared_types(api: &Api) -> BTreeMap<String, TypeDef> {
    let mut seen: BTreeMap<&str, (&TypeDef, usize)> = BTreeMap::new();
    let mut differing = BTreeSet::new();
    for module in &api.modules {
        for (name, def) in &module.types {
            match seen.get_mut(name.as_str()) {
                None => {
                    seen.insert(name, (def, 1));
                }
                Some((first, count)) if *first == def => *count += 1,
                Some(_) => {
                    differing.insert(name.as_str());
                }
            }
        }
    }
    let mut shared: BTreeMap<String, TypeDef> = seen
        .into_iter()
        .filter(|(name, (_, count))| *count >= 2 && !differing.contains(name))
        .map(|(name, (def, _))| (name.to_owned(), def.clone()))
        .collect();
    // A shared type may only mention shared types: it is compiled once, for every version.
    loop {
        let outside: Vec<String> = shared
            .iter()
            .filter(|(_, def)| mentions(def).iter().any(|n| !shared.contains_key(*n)))
            .map(|(name, _)| name.clone())
            .collect();
        if outside.is_empty() {
            return shared;
        }
        for name in outside {
            shared.remove(&name);
        }
    }
}

/// The defined types a definition mentions, however deep.
fn mentions(def: &TypeDef) -> Vec<&str> {
    def.children()
        .into_iter()
        .filter_map(|(_, ty)| ty.mentioned())
        .collect()
}
