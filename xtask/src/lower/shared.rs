//! Which types several modules (versions, APIs) have in common, decided once the modules are
//! lowered (`Api::shared`): emit writes them once, in `shared.rs`, re-exported by each module
//! that uses them: less code to compile, and `v4::X` and `v2026_03::X` are the same type, so
//! values move between versions as they are.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Module, SharedTypes, TypeDef};

/// For each type name, the largest set of at least two modules that define it identically
/// (documentation included), keeping only types whose every mentioned type is shared by the
/// same modules. A module whose definition differs keeps its own type of that name, so two
/// APIs may each have their own `Error`.
pub(super) fn shared_types(modules: &[Module]) -> SharedTypes {
    // Each name's distinct definitions, with the modules that define it so.
    let mut definitions: BTreeMap<&str, Vec<(&TypeDef, BTreeSet<usize>)>> = BTreeMap::new();
    for (index, module) in modules.iter().enumerate() {
        for (name, def) in &module.types {
            let variants = definitions.entry(name).or_default();
            match variants.iter_mut().find(|(first, _)| *first == def) {
                Some((_, users)) => {
                    users.insert(index);
                }
                None => variants.push((def, BTreeSet::from([index]))),
            }
        }
    }
    let mut shared: BTreeMap<String, (TypeDef, BTreeSet<usize>)> = definitions
        .into_iter()
        .filter_map(|(name, variants)| {
            // The most widely used definition; on a tie, the one met first.
            let (def, users) = variants
                .into_iter()
                .rev()
                .max_by_key(|(_, users)| users.len())?;
            (users.len() >= 2).then(|| (name.to_owned(), (def.clone(), users)))
        })
        .collect();
    // A shared type is compiled once, for all its modules: everything it mentions must be
    // the shared type in each of them.
    loop {
        let mut changed = false;
        let names: Vec<String> = shared.keys().cloned().collect();
        for name in names {
            let (def, users) = &shared[&name];
            let mut kept = users.clone();
            for mentioned in mentions(def) {
                match shared.get(mentioned) {
                    Some((_, theirs)) => kept.retain(|m| theirs.contains(m)),
                    None => kept.clear(),
                }
            }
            if kept.len() < 2 {
                shared.remove(&name);
                changed = true;
            } else if &kept != users {
                shared.get_mut(&name).expect("listed above").1 = kept;
                changed = true;
            }
        }
        if !changed {
            return SharedTypes { types: shared };
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
