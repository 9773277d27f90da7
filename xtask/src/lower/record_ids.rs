//! The record ids of batch inputs and results, which the batch helper matches results and
//! 207 errors to inputs by (the runtime's `ObjectIds`): which structs a batch reaches hold
//! ids, in which fields, and the record each is about, with the keys under which HubSpot's
//! batch errors name that record in their `context`. Decided once per module and recorded as
//! `Module::record_ids`; emit only spells it out.
//!
//! The record is the struct's first record id, found through nested structs, unless that
//! first id sits in a list (then there is no single record), so an id that many inputs share
//! (a target) never decides. Its keys come from where it sits:
//! - a property named like a record id other than `id` (`fromObjectId`): its own name;
//! - `id` inside a property (`from.id`): that property's name plus `ObjectId`
//!   (`fromObjectId`), as HubSpot names the two sides of an association;
//! - `id` at the top of the struct: `id`, and `fromObjectId`, since an association batch
//!   whose inputs are bare records (batch read) is about each record as the source.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    Field, FieldStep, Operation, OwnRecord, RecordIds, Struct, TypeId, TypeRef, Types,
};

/// How deep nested structs are searched; record ids sit one or two levels down.
const MAX_DEPTH: usize = 8;

/// Every struct the module's batch inputs and results reach that holds record ids, and
/// every batch input and result struct.
pub(super) fn record_ids(
    types: &(impl Types + ?Sized),
    operations: &[Operation],
) -> BTreeMap<TypeId, RecordIds> {
    let roots: Vec<&TypeRef> = operations
        .iter()
        .filter_map(|op| op.batch.as_ref())
        .flat_map(|batch| {
            let results = batch.outputs.iter().map(|output| &output.item);
            std::iter::once(&batch.input).chain(results)
        })
        .collect();
    let with_ids = structs_with_ids(types, &roots);
    // Every struct a batch sends or answers with is matched through `ObjectIds`, even one
    // that names no record (a create's input): it then names none.
    let named_roots = roots
        .iter()
        .filter_map(|root| types.struct_of(root).map(|(id, _)| id));
    let matched: BTreeSet<TypeId> = with_ids.iter().copied().chain(named_roots).collect();
    matched
        .iter()
        .filter_map(|&id| {
            let (_, s) = types.struct_of(&TypeRef::Named(id))?;
            let fields = s
                .fields
                .iter()
                .filter(|f| holds_ids(&f.ty, &with_ids))
                .map(|f| f.name.clone())
                .collect();
            let own = own_record(types, s);
            Some((id, RecordIds { fields, own }))
        })
        .collect()
}

/// What a field holds one or many of: its type under any `Vec` and `Box`.
fn element(ty: &TypeRef) -> &TypeRef {
    ty.walk()
        .find(|t| !matches!(t, TypeRef::List(_) | TypeRef::Boxed(_)))
        .unwrap_or(ty)
}

/// Whether a field holds record ids itself or through structs in `set`.
fn holds_ids(ty: &TypeRef, set: &BTreeSet<TypeId>) -> bool {
    match element(ty) {
        TypeRef::ObjectId => true,
        TypeRef::Named(id) => set.contains(id),
        _ => false,
    }
}

/// Structs reachable from `roots` that hold record ids.
fn structs_with_ids(types: &(impl Types + ?Sized), roots: &[&TypeRef]) -> BTreeSet<TypeId> {
    // Reachable structs first.
    let mut reachable = BTreeMap::new();
    let mut stack: Vec<&TypeRef> = roots.to_vec();
    while let Some(ty) = stack.pop() {
        let Some((id, s)) = types.struct_of(ty) else {
            continue;
        };
        if reachable.insert(id, s).is_none() {
            stack.extend(s.fields.iter().map(|f| element(&f.ty)));
        }
    }
    // Then those that hold ids, to a fixed point.
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for (&id, s) in &reachable {
            if s.fields.iter().any(|f| holds_ids(&f.ty, &set)) {
                set.insert(id);
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// The record `s` is about, or `None` when it has no single first record id.
fn own_record(types: &(impl Types + ?Sized), s: &Struct) -> Option<OwnRecord> {
    let First::Path(path) = first_id(types, s, 0) else {
        return None;
    };
    Some(OwnRecord {
        keys: context_keys(&path),
        path: path
            .iter()
            .map(|field| FieldStep {
                field: field.name.clone(),
                optional: field.is_option(),
            })
            .collect(),
    })
}

/// Where a struct's first record id is.
enum First<'t> {
    NoIds,
    /// The fields leading to it, the last one an `ObjectId`.
    Path(Vec<&'t Field>),
    /// In a list, or too deep to tell.
    NotSingle,
}

fn first_id<'t>(types: &'t (impl Types + ?Sized), s: &'t Struct, depth: usize) -> First<'t> {
    if depth > MAX_DEPTH {
        return First::NotSingle;
    }
    for field in &s.fields {
        match first_in(types, &field.ty, depth) {
            First::NoIds => continue,
            First::Path(mut path) => {
                path.insert(0, field);
                return First::Path(path);
            }
            First::NotSingle => return First::NotSingle,
        }
    }
    First::NoIds
}

/// The first record id inside a value of type `ty`; the path below the field holding it.
fn first_in<'t>(types: &'t (impl Types + ?Sized), ty: &'t TypeRef, depth: usize) -> First<'t> {
    match ty {
        TypeRef::ObjectId => First::Path(Vec::new()),
        TypeRef::Boxed(inner) => first_in(types, inner, depth),
        TypeRef::List(inner) => match first_in(types, inner, depth) {
            First::NoIds => First::NoIds,
            _ => First::NotSingle,
        },
        TypeRef::Named(_) => match types.struct_of(ty) {
            Some((_, child)) => first_id(types, child, depth + 1),
            None => First::NoIds,
        },
        _ => First::NoIds,
    }
}

fn context_keys(path: &[&Field]) -> Vec<String> {
    let Some(last) = path.last() else {
        return Vec::new();
    };
    if last.wire_name != "id" {
        return vec![last.wire_name.clone()];
    }
    match path.len() {
        // HubSpot's CRM object batches name records as `ids`.
        1 => vec!["id".to_owned(), "ids".to_owned(), "fromObjectId".to_owned()],
        n => vec![format!("{}ObjectId", path[n - 2].wire_name)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ExtraField, TypeDef, TypeKind, TypeTable};

    fn strukt(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct {
            fields,
            extra: Some(ExtraField {
                name: "extra".to_owned(),
                value: TypeRef::Json,
            }),
            lenient: false,
        })
    }

    /// A table of types named `names`, by id in that order, of `kinds`, which refer to one
    /// another by name with the function they are given.
    fn types(
        names: &[&str],
        kinds: impl FnOnce(&dyn Fn(&str) -> TypeRef) -> Vec<TypeKind>,
    ) -> TypeTable {
        let named = |name: &str| {
            let index = names.iter().position(|n| *n == name);
            TypeRef::Named(TypeId::new(index.expect("a listed type")))
        };
        let defs = names.iter().zip(kinds(&named)).map(|(name, kind)| {
            let def = TypeDef {
                schema_name: None,
                doc: None,
                kind,
            };
            (name.to_string(), Some(def))
        });
        TypeTable::new(defs.collect())
    }

    /// The record of struct `name`.
    fn own(types: &TypeTable, name: &str) -> Option<OwnRecord> {
        let def = types.id_of(name).and_then(|id| types.get(id));
        let Some(TypeKind::Struct(s)) = def.map(|d| &d.kind) else {
            panic!("{name} is not a struct")
        };
        own_record(types, s)
    }

    /// A record at the end of `path` (each step with whether it is an `Option`), named by
    /// `keys`.
    fn record(path: &[(&str, bool)], keys: &[&str]) -> Option<OwnRecord> {
        Some(OwnRecord {
            path: path
                .iter()
                .map(|(field, optional)| FieldStep {
                    field: field.to_string(),
                    optional: *optional,
                })
                .collect(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
        })
    }

    #[test]
    fn an_association_input_is_named_by_its_source() {
        let t = types(&["ObjectRef", "Pair"], |named| {
            vec![
                strukt(vec![Field::plain("id", TypeRef::ObjectId, true)]),
                strukt(vec![
                    Field::plain("from", named("ObjectRef"), true),
                    Field::plain("to", named("ObjectRef"), true),
                ]),
            ]
        });
        assert_eq!(
            own(&t, "Pair"),
            record(&[("from", false), ("id", false)], &["fromObjectId"])
        );
        assert_eq!(
            own(&t, "ObjectRef"),
            record(&[("id", false)], &["id", "ids", "fromObjectId"])
        );
    }

    #[test]
    fn a_named_id_property_keeps_its_name_and_optionals_are_followed() {
        let t = types(&["Labels", "Outer"], |named| {
            vec![
                strukt(vec![
                    Field::plain("fromObjectId", TypeRef::ObjectId, false),
                    Field::plain("toObjectId", TypeRef::ObjectId, true),
                ]),
                strukt(vec![Field::plain("pair", named("Labels"), false)]),
            ]
        });
        assert_eq!(
            own(&t, "Labels"),
            record(&[("from_object_id", true)], &["fromObjectId"])
        );
        assert_eq!(
            own(&t, "Outer"),
            record(
                &[("pair", true), ("from_object_id", true)],
                &["fromObjectId"]
            )
        );
    }

    #[test]
    fn a_first_id_in_a_list_is_no_single_record() {
        let t = types(&["ObjectRef", "Many", "Plain"], |named| {
            vec![
                strukt(vec![Field::plain("id", TypeRef::ObjectId, true)]),
                strukt(vec![
                    Field::plain("label", TypeRef::String, true),
                    Field::plain("to", TypeRef::List(Box::new(named("ObjectRef"))), true),
                    Field::plain("from", named("ObjectRef"), true),
                ]),
                strukt(vec![Field::plain("label", TypeRef::String, true)]),
            ]
        });
        assert_eq!(own(&t, "Many"), None);
        assert_eq!(own(&t, "Plain"), None);
    }

    #[test]
    fn structs_that_reach_ids_are_found_through_lists_and_nested_structs() {
        let t = types(&["ObjectRef", "Input", "Unrelated"], |named| {
            vec![
                strukt(vec![Field::plain("id", TypeRef::ObjectId, true)]),
                strukt(vec![
                    Field::plain("label", TypeRef::String, true),
                    Field::plain("to", TypeRef::List(Box::new(named("ObjectRef"))), true),
                ]),
                strukt(vec![Field::plain("id", TypeRef::ObjectId, true)]),
            ]
        });
        let input = TypeRef::Named(t.id_of("Input").unwrap());
        let found = structs_with_ids(&t, &[&input]);
        let names: Vec<&str> = found.into_iter().map(|id| t.name(id)).collect();
        assert_eq!(names, ["ObjectRef", "Input"]);
    }
}
