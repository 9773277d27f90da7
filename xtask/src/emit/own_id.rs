//! `ObjectIds::own_id`: the record a batch input (or result) is about, and the keys under
//! which HubSpot's batch errors name that record in their `context`. The batch helper
//! matches errors to inputs by it, so an id that many inputs share (a target) never decides.
//!
//! The record is the struct's first record id, found through nested structs, unless that
//! first id sits in a list (then there is no single record). Its keys come from where it sits:
//! - a property named like a record id other than `id` (`fromObjectId`): its own name;
//! - `id` inside a property (`from.id`): that property's name plus `ObjectId`
//!   (`fromObjectId`), as HubSpot names the two sides of an association;
//! - `id` at the top of the struct: `id`, and `fromObjectId`, since an association batch
//!   whose inputs are bare records (batch read) is about each record as the source.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use crate::ir::{Field, Module, Struct, TypeKind, TypeRef};

/// How deep nested structs are searched; record ids sit one or two levels down.
const MAX_DEPTH: usize = 8;

/// The `own_id` method for `s`, or `None` when it has no single first record id.
pub(super) fn own_id_method(module: &Module, s: &Struct) -> Option<TokenStream> {
    let First::Path(path) = first_id(module, s, 0) else {
        return None;
    };
    let keys = context_keys(&path);
    let mut expr = quote!(self);
    for field in &path {
        let name = ident(&field.name);
        expr = if field.is_option() {
            quote!(#expr.#name.as_ref()?)
        } else {
            quote!(#expr.#name)
        };
    }
    Some(quote! {
        fn own_id(&self) -> Option<crate::runtime::OwnId<'_>> {
            Some(crate::runtime::OwnId { id: #expr.as_str(), keys: &[#(#keys),*] })
        }
    })
}

/// Where a struct's first record id is.
enum First<'m> {
    NoIds,
    /// The fields leading to it, the last one an `ObjectId`.
    Path(Vec<&'m Field>),
    /// In a list, or too deep to tell.
    NotSingle,
}

fn first_id<'m>(module: &'m Module, s: &'m Struct, depth: usize) -> First<'m> {
    if depth > MAX_DEPTH {
        return First::NotSingle;
    }
    for field in &s.fields {
        match first_in(module, &field.ty, depth) {
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
fn first_in<'m>(module: &'m Module, ty: &'m TypeRef, depth: usize) -> First<'m> {
    match ty {
        TypeRef::ObjectId => First::Path(Vec::new()),
        TypeRef::Boxed(inner) => first_in(module, inner, depth),
        TypeRef::List(inner) => match first_in(module, inner, depth) {
            First::NoIds => First::NoIds,
            _ => First::NotSingle,
        },
        TypeRef::Named(name) => match struct_of(module, name, 0) {
            Some(child) => first_id(module, child, depth + 1),
            None => First::NoIds,
        },
        _ => First::NoIds,
    }
}

fn struct_of<'m>(module: &'m Module, name: &str, hops: usize) -> Option<&'m Struct> {
    match &module.types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        TypeKind::Alias(TypeRef::Named(target)) if hops < module.types.len() => {
            struct_of(module, target, hops + 1)
        }
        _ => None,
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
        1 => vec!["id".to_owned(), "fromObjectId".to_owned()],
        n => vec![format!("{}ObjectId", path[n - 2].wire_name)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ExtraField, TypeDef};

    fn field(wire: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: crate::naming::value_name(wire),
            wire_name: wire.to_owned(),
            doc: None,
            ty,
            required,
            nullable: false,
        }
    }

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

    fn module(types: Vec<(&str, TypeKind)>) -> Module {
        Module {
            name: "v1".to_owned(),
            version: "1".to_owned(),
            sources: Vec::new(),
            types: types
                .into_iter()
                .map(|(name, kind)| {
                    let def = TypeDef {
                        name: name.to_owned(),
                        schema_name: None,
                        doc: None,
                        kind,
                    };
                    (name.to_owned(), def)
                })
                .collect(),
            operations: Vec::new(),
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    fn method(module: &Module, name: &str) -> Option<String> {
        let TypeKind::Struct(s) = &module.types[name].kind else {
            panic!("{name} is not a struct")
        };
        own_id_method(module, s).map(|tokens| tokens.to_string())
    }

    #[test]
    fn an_association_input_is_named_by_its_source() {
        let m = module(vec![
            (
                "ObjectRef",
                strukt(vec![field("id", TypeRef::ObjectId, true)]),
            ),
            (
                "Pair",
                strukt(vec![
                    field("from", named("ObjectRef"), true),
                    field("to", named("ObjectRef"), true),
                ]),
            ),
        ]);
        let pair = method(&m, "Pair").unwrap();
        assert!(pair.contains("self . from . id . as_str ()"), "{pair}");
        assert!(pair.contains("keys : & [\"fromObjectId\"]"), "{pair}");
        let bare = method(&m, "ObjectRef").unwrap();
        assert!(
            bare.contains("keys : & [\"id\" , \"fromObjectId\"]"),
            "{bare}"
        );
    }

    #[test]
    fn a_named_id_property_keeps_its_name_and_optionals_are_followed() {
        let m = module(vec![
            (
                "Labels",
                strukt(vec![
                    field("fromObjectId", TypeRef::ObjectId, false),
                    field("toObjectId", TypeRef::ObjectId, true),
                ]),
            ),
            ("Outer", strukt(vec![field("pair", named("Labels"), false)])),
        ]);
        let labels = method(&m, "Labels").unwrap();
        assert!(labels.contains("self . from_object_id . as_ref () ? . as_str ()"));
        assert!(labels.contains("keys : & [\"fromObjectId\"]"), "{labels}");
        let outer = method(&m, "Outer").unwrap();
        assert!(outer.contains("self . pair . as_ref () ? . from_object_id"));
        assert!(outer.contains("keys : & [\"fromObjectId\"]"), "{outer}");
    }

    #[test]
    fn a_first_id_in_a_list_is_no_single_record() {
        let m = module(vec![
            (
                "ObjectRef",
                strukt(vec![field("id", TypeRef::ObjectId, true)]),
            ),
            (
                "Many",
                strukt(vec![
                    field("label", TypeRef::String, true),
                    field("to", TypeRef::List(Box::new(named("ObjectRef"))), true),
                    field("from", named("ObjectRef"), true),
                ]),
            ),
            ("Plain", strukt(vec![field("label", TypeRef::String, true)])),
        ]);
        assert_eq!(method(&m, "Many"), None);
        assert_eq!(method(&m, "Plain"), None);
    }
}
