//! Which types several modules (versions, APIs) have in common, decided once the modules are
//! lowered (`Api::shared`): emit writes them once, in `shared.rs`, re-exported by each module
//! that uses them: less code to compile, and `v4::X` and `v2026_03::X` are the same type, so
//! values move between versions as they are. Types of different modules are compared by name
//! (their ids are unrelated).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Module, SharedType, SharedTypes, TypeDef, TypeId};

/// For each type name, the largest set of at least two modules that define it identically
/// (documentation included, the types it mentions by name), keeping only types whose every
/// mentioned type is shared by the same modules. A module whose definition differs keeps
/// its own type of that name, so two APIs may each have their own `Error`.
pub(super) fn shared_types(modules: &[Module]) -> SharedTypes {
    // Each name's distinct definitions, with the modules that define it so.
    let mut definitions: BTreeMap<&str, Vec<Definition>> = BTreeMap::new();
    for (index, module) in modules.iter().enumerate() {
        for (id, def) in module.types.iter() {
            let variants = definitions.entry(module.types.name(id)).or_default();
            let alike = |variant: &&mut Definition| {
                let first_types = &modules[variant.first].types;
                def.translated(&module.types, first_types).as_ref() == Some(variant.def)
            };
            match variants.iter_mut().find(alike) {
                Some(variant) => {
                    variant.users.insert(index);
                }
                None => variants.push(Definition {
                    first: index,
                    def,
                    users: BTreeSet::from([index]),
                }),
            }
        }
    }
    let mut shared: BTreeMap<&str, Definition> = definitions
        .into_iter()
        .filter_map(|(name, variants)| {
            // The most widely used definition; on a tie, the one met first.
            let variant = variants
                .into_iter()
                .rev()
                .max_by_key(|variant| variant.users.len())?;
            (variant.users.len() >= 2).then_some((name, variant))
        })
        .collect();
    // A shared type is compiled once, for all its modules: everything it mentions must be
    // the shared type in each of them.
    loop {
        let mut changed = false;
        let names: Vec<&str> = shared.keys().copied().collect();
        for name in names {
            let variant = &shared[name];
            let first_types = &modules[variant.first].types;
            let mut kept = variant.users.clone();
            for mentioned in mentions(variant.def) {
                match shared.get(first_types.name(mentioned)) {
                    Some(theirs) => kept.retain(|m| theirs.users.contains(m)),
                    None => kept.clear(),
                }
            }
            if kept.len() < 2 {
                shared.remove(name);
                changed = true;
            } else if kept != variant.users {
                shared.get_mut(name).expect("listed above").users = kept;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let types = shared
        .into_iter()
        .map(|(name, variant)| SharedType {
            ids: variant
                .users
                .into_iter()
                .filter_map(|m| Some((m, modules[m].types.id_of(name)?)))
                .collect(),
        })
        .collect();
    SharedTypes::new(types)
}

/// One definition of a type name, as the first module that defines it so has it (the types
/// it mentions named by that module), with the modules that define it so.
struct Definition<'m> {
    first: usize,
    def: &'m TypeDef,
    users: BTreeSet<usize>,
}

/// The defined types a definition mentions, however deep.
fn mentions(def: &TypeDef) -> Vec<TypeId> {
    def.kind
        .children()
        .into_iter()
        .filter_map(|(_, ty)| ty.mentioned())
        .collect()
}
