//! One type for one shape: inline schemas that lower to the same type (documentation aside)
//! share one definition, however many places write them out. HubSpot's documents repeat
//! inline enums and unions verbatim (Media Bridge writes one 89-way `oneOf` 96 times); a type
//! per place would compile each copy again and make `Send` proofs run through every copy.
//!
//! Each place of a shared type is recorded for the naming step (`names.rs`), which names the
//! type for the words its places share, or as the `x-rust-name` one of them gives. Component
//! schemas are never merged.

use std::collections::{BTreeMap, HashMap};

use super::extensions::X_RUST_NAME;
use super::names::Wanted;
use super::schema::Lowerer;
use crate::error::{Error, Pointer, Result};
use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};
use crate::load::Document;

/// The inline types met so far, by shape.
#[derive(Default)]
pub(super) struct Shapes {
    /// Each inline type's shape to its id. Only looked up, never iterated, so the hash
    /// order cannot reach the output.
    by_shape: HashMap<TypeKind, TypeId>,
    /// Each `x-rust-name` given so far: the type of its shape, and the type to refer to it by
    /// (that type, or an alias when the shape was already named otherwise).
    given: BTreeMap<String, (TypeId, TypeId)>,
}

impl<'a> Lowerer<'a> {
    /// The type of an inline schema that needs a definition (`def`, at a place that would
    /// call it `wanted`, or that `x-rust-name` names so when `explicit`): the type of the same
    /// shape if one was met before, or `def` as a new type.
    pub(super) fn inline_type(
        &mut self,
        doc: &Document,
        at: &Pointer,
        def: TypeDef,
        wanted: Wanted,
        explicit: Option<String>,
    ) -> Result<TypeRef> {
        let shape = def.kind.shape();
        if let Some(name) = explicit {
            return self.explicitly_named(doc, at, def, name, shape);
        }
        if let Some(&existing) = self.shapes.by_shape.get(&shape) {
            self.add_place(existing, &def, wanted);
            return Ok(TypeRef::Named(existing));
        }
        let id = self.new_type();
        self.names.inline(id, wanted, None);
        self.shapes.by_shape.insert(shape, id);
        self.define(id, def, doc, at)?;
        Ok(TypeRef::Named(id))
    }

    fn explicitly_named(
        &mut self,
        doc: &Document,
        at: &Pointer,
        def: TypeDef,
        wanted: String,
        shape: TypeKind,
    ) -> Result<TypeRef> {
        let existing = self.shapes.by_shape.get(&shape).copied();
        let place = Wanted::words(wanted.clone());
        if let Some(&(named, reference)) = self.shapes.given.get(&wanted) {
            if existing != Some(named) {
                let (file, pointer) = &self.origins[&named];
                return Err(Error::spec(
                    &doc.file,
                    &at.join(X_RUST_NAME),
                    format!("`x-rust-name: {wanted}` names a different type at {file}: {pointer}"),
                ));
            }
            self.add_place(named, &def, place);
            return Ok(TypeRef::Named(reference));
        }
        // That no other type has the name is checked when types are named.
        let given_at = (doc.file.clone(), at.join(X_RUST_NAME));
        match existing {
            // The shape was met before without a name: the type takes this one.
            Some(existing) if !self.names.is_given(existing) => {
                self.names.give(existing, wanted.clone(), given_at);
                self.shapes.given.insert(wanted, (existing, existing));
                self.add_place(existing, &def, place);
                Ok(TypeRef::Named(existing))
            }
            // The shape already has another `x-rust-name`: this one is an alias of it.
            Some(existing) => {
                let alias = self.new_type();
                self.names.ask(alias, place.clone(), Some(given_at));
                self.shapes.given.insert(wanted, (existing, alias));
                self.add_place(existing, &def, place);
                let alias_def = TypeDef {
                    schema_name: None,
                    doc: def.doc,
                    kind: TypeKind::Alias(TypeRef::Named(existing)),
                };
                self.define(alias, alias_def, doc, at)?;
                Ok(TypeRef::Named(alias))
            }
            None => {
                let id = self.new_type();
                self.names.inline(id, place, Some(given_at));
                self.shapes.by_shape.insert(shape, id);
                self.shapes.given.insert(wanted, (id, id));
                self.define(id, def, doc, at)?;
                Ok(TypeRef::Named(id))
            }
        }
    }

    /// Another place of an existing inline type, which would call it `wanted`. Documentation
    /// that differs between places describes the places rather than the type, so the type
    /// keeps only what all agree on.
    fn add_place(&mut self, existing: TypeId, place: &TypeDef, wanted: Wanted) {
        self.names.add_place(existing, wanted);
        if let Some(Some(def)) = self.types.get_mut(existing.index()) {
            keep_common_docs(def, place);
        }
    }
}

fn keep_common_docs(def: &mut TypeDef, other: &TypeDef) {
    if def.doc != other.doc {
        def.doc = None;
    }
    if let (TypeKind::Struct(mine), TypeKind::Struct(theirs)) = (&mut def.kind, &other.kind) {
        for (field, other) in mine.fields.iter_mut().zip(&theirs.fields) {
            if field.doc != other.doc {
                field.doc = None;
            }
        }
    }
}
