//! One type for one shape: inline schemas that lower to the same type (documentation aside)
//! share one definition, however many places write them out. HubSpot's documents repeat
//! inline enums and unions verbatim (Media Bridge writes one 89-way `oneOf` 96 times); a type
//! per place would compile each copy again and make `Send` proofs run through every copy.
//!
//! A shared type is first named after the place lowering meets first; once every place is
//! known, it takes the words all its places' names share (`AbsoluteValueInputsItem` and
//! `AddNumbersInputsItem` give `InputsItem`), or the `x-rust-name` one of them gives.
//! Component schemas keep their names and are never merged.

use std::collections::{BTreeMap, HashMap};

use super::extensions::X_RUST_NAME;
use super::schema::Lowerer;
use crate::error::{Error, Pointer, Result};
use crate::ir::{Operation, Renames, TypeDef, TypeKind, TypeRef};
use crate::load::Document;
use crate::naming;

/// The inline types met so far, by shape.
#[derive(Default)]
pub(super) struct Shapes {
    /// Each inline type's shape to its name. Only looked up, never iterated, so the hash
    /// order cannot reach the output.
    by_shape: HashMap<TypeKind, String>,
    /// Each inline type's name to the names its places would have given it, in the order
    /// lowering met them.
    places: BTreeMap<String, Vec<String>>,
    /// Inline types an `x-rust-name` names: type to the name it takes.
    chosen: BTreeMap<String, String>,
    /// Each `x-rust-name` given so far: the type of its shape, and the name to refer to it by
    /// (the type's, or an alias's when the shape was already named otherwise).
    given: BTreeMap<String, (String, String)>,
}

impl<'a> Lowerer<'a> {
    /// The type of an inline schema that needs a definition (`def`, named as its place
    /// suggests or as `x-rust-name` says): the type of the same shape if one was met before,
    /// or `def` as a new type.
    pub(super) fn inline_type(
        &mut self,
        doc: &Document,
        at: &Pointer,
        def: TypeDef,
        explicit: bool,
    ) -> Result<TypeRef> {
        let shape = def.kind.shape();
        if explicit {
            return self.explicitly_named(doc, at, def, shape);
        }
        if let Some(existing) = self.shapes.by_shape.get(&shape).cloned() {
            self.add_place(&existing, &def);
            return Ok(TypeRef::Named(existing));
        }
        let name = self.names.claim(&def.name);
        self.shapes.by_shape.insert(shape, name.clone());
        self.shapes
            .places
            .insert(name.clone(), vec![def.name.clone()]);
        self.define(
            TypeDef {
                name: name.clone(),
                ..def
            },
            doc,
            at,
        )?;
        Ok(TypeRef::Named(name))
    }

    fn explicitly_named(
        &mut self,
        doc: &Document,
        at: &Pointer,
        def: TypeDef,
        shape: TypeKind,
    ) -> Result<TypeRef> {
        let wanted = def.name.clone();
        let existing = self.shapes.by_shape.get(&shape).cloned();
        if let Some((named, reference)) = self.shapes.given.get(&wanted).cloned() {
            if existing.as_ref() != Some(&named) {
                let (file, pointer) = &self.origins[&named];
                return Err(Error::spec(
                    &doc.file,
                    &at.join(X_RUST_NAME),
                    format!("`x-rust-name: {wanted}` names a different type at {file}: {pointer}"),
                ));
            }
            self.add_place(&named, &def);
            return Ok(TypeRef::Named(reference));
        }
        if !self.names.is_free(&wanted) {
            return Err(Error::spec(
                &doc.file,
                &at.join(X_RUST_NAME),
                format!("`x-rust-name: {wanted}` is already the name of a component schema"),
            ));
        }
        let name = self.names.claim(&wanted);
        match existing {
            // The shape was met before without a name: the type takes this one.
            Some(existing) if !self.shapes.chosen.contains_key(&existing) => {
                self.shapes.chosen.insert(existing.clone(), name.clone());
                self.shapes
                    .given
                    .insert(name, (existing.clone(), existing.clone()));
                self.add_place(&existing, &def);
                Ok(TypeRef::Named(existing))
            }
            // The shape already has another `x-rust-name`: this one is an alias of it.
            Some(existing) => {
                self.shapes
                    .given
                    .insert(name.clone(), (existing.clone(), name.clone()));
                self.add_place(&existing, &def);
                let alias = TypeDef {
                    name: name.clone(),
                    schema_name: None,
                    doc: def.doc,
                    kind: TypeKind::Alias(TypeRef::Named(existing)),
                };
                self.define(alias, doc, at)?;
                Ok(TypeRef::Named(name))
            }
            None => {
                self.shapes.by_shape.insert(shape, name.clone());
                self.shapes.chosen.insert(name.clone(), name.clone());
                self.shapes
                    .given
                    .insert(name.clone(), (name.clone(), name.clone()));
                self.shapes.places.insert(name.clone(), vec![wanted]);
                self.define(
                    TypeDef {
                        name: name.clone(),
                        ..def
                    },
                    doc,
                    at,
                )?;
                Ok(TypeRef::Named(name))
            }
        }
    }

    /// Another place of an existing inline type. Documentation that differs between places
    /// describes the places rather than the type, so the type keeps only what all agree on.
    fn add_place(&mut self, existing: &str, place: &TypeDef) {
        self.shapes
            .places
            .entry(existing.to_owned())
            .or_default()
            .push(place.name.clone());
        if let Some(def) = self.types.get_mut(existing) {
            keep_common_docs(def, place);
        }
    }

    /// Gives each inline type met at several places the name they suggest together (or the
    /// one `x-rust-name` gave it), and points every reference, in types and operations, at
    /// the new names.
    pub(super) fn name_shared_shapes(&mut self, operations: &mut [Operation]) {
        let mut renames = Renames::new();
        for (name, places) in &self.shapes.places {
            let wanted = match self.shapes.chosen.get(name) {
                Some(chosen) => chosen.clone(),
                None if places.len() >= 2 => match common_name(places) {
                    Some(common) if self.names.is_free(&common) => self.names.claim(&common),
                    _ => continue,
                },
                None => continue,
            };
            if &wanted != name {
                renames.insert(name.clone(), wanted);
            }
        }
        if renames.is_empty() {
            return;
        }
        let types = std::mem::take(&mut self.types);
        for (name, mut def) in types {
            def.rename_mentions(&renames);
            if let Some(new) = renames.get(&name) {
                def.name.clone_from(new);
            }
            self.types.insert(def.name.clone(), def);
        }
        for operation in operations {
            operation.rename_types(&renames);
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

/// Words the generator adds to a place's name (`{Parent}{Property}Item`, `{Function}Body`,
/// `...Variant2`): alone they say nothing about a type.
const STRUCTURAL_WORDS: &[&str] = &[
    "Body", "Error", "Extra", "Item", "Query", "Response", "Value", "Variant",
];

/// The name the places of one type suggest together: the words most of them end with (at
/// least two; the longer ending when as many end with either), after the words all of those
/// begin with. `BatchResponseSimplePublicObjectStatus` and
/// `BatchResponsePublicDefaultAssociationStatus` give `BatchResponseStatus`; 85 places
/// `{Parent}InputsItem` and 11 others give `InputsItem`. `None` when no two places share a
/// word of their own at the end, or the name would be one word.
fn common_name(places: &[String]) -> Option<String> {
    let words: Vec<Vec<&str>> = places.iter().map(|p| camel_words(p)).collect();
    let structural = |word: &str| {
        STRUCTURAL_WORDS.contains(&word.trim_end_matches(|c: char| c.is_ascii_digit()))
    };
    let mut endings: BTreeMap<&[&str], usize> = BTreeMap::new();
    for place in &words {
        for start in 0..place.len() {
            *endings.entry(&place[start..]).or_default() += 1;
        }
    }
    let (suffix, _) = endings
        .into_iter()
        .filter(|(ending, count)| *count >= 2 && !ending.iter().all(|w| structural(w)))
        // Most places, then most words; among equals the first in order of words.
        .min_by_key(|(ending, count)| (std::cmp::Reverse((*count, ending.len())), *ending))?;
    let sharing: Vec<&[&str]> = words
        .iter()
        .filter(|w| w.ends_with(suffix))
        .map(|w| &w[..w.len() - suffix.len()])
        .collect();
    let first = sharing[0];
    let shortest = sharing.iter().map(|w| w.len()).min().unwrap_or(0);
    let prefix = (0..shortest)
        .take_while(|&i| sharing.iter().all(|w| w[i] == first[i]))
        .count();
    let name = [&first[..prefix], suffix].concat();
    // One word alone (`Type`, `Status`) is too vague for a type of its own.
    (name.len() >= 2).then(|| naming::type_name(&name.concat()))
}

/// The words of an UpperCamelCase name: `InputsItem` is `Inputs`, `Item`; digits stay with
/// the word before them (`Variant2`).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(places: &[&str]) -> Option<String> {
        common_name(&places.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn places_suggest_the_words_they_share() {
        assert_eq!(
            common(&["AbsoluteValueInputsItem", "AddNumbersInputsItem"]).as_deref(),
            Some("InputsItem")
        );
        assert_eq!(
            common(&[
                "BatchResponseSimplePublicObjectStatus",
                "BatchResponseSimplePublicUpsertObjectStatus",
                "BatchResponsePublicDefaultAssociationStatus",
            ])
            .as_deref(),
            Some("BatchResponseStatus")
        );
        // Most places decide; the others share the type but not its name.
        assert_eq!(
            common(&[
                "AbsoluteValueInputsItem",
                "AddNumbersInputsItem",
                "ContainsStringToCheck",
                "IfStringElseExpression",
            ])
            .as_deref(),
            Some("InputsItem")
        );
        // As many places end with either: the longer ending says more.
        assert_eq!(
            common(&["FooBarStatus", "BazBarStatus", "QuxState", "FooState"]).as_deref(),
            Some("BarStatus")
        );
        assert_eq!(
            common(&["ColumnType", "ColumnRequestType"]).as_deref(),
            Some("ColumnType")
        );
        assert_eq!(
            common(&[
                "AssociationSpecAssociationCategory",
                "AssociationSpecWithLabelCategory"
            ])
            .as_deref(),
            Some("AssociationSpecCategory")
        );
        // A prefix and a suffix never overlap, even when one name holds the other.
        assert_eq!(
            common(&["FooStatus", "FooStatusStatus"]).as_deref(),
            Some("FooStatus")
        );
        // A keyword or prelude name is made safe as every type name is.
        assert_eq!(
            common(&["FooToString", "BarToString"]).as_deref(),
            Some("ToStringType")
        );
    }

    #[test]
    fn words_the_generator_adds_do_not_name_a_type() {
        assert_eq!(common(&["FooItem", "BarItem"]), None);
        assert_eq!(
            common(&["CreateThingBody", "UpdateThingBody"]).as_deref(),
            Some("ThingBody")
        );
        assert_eq!(
            common(&["ListThingsResponse201", "GetThingResponse201"]),
            None
        );
        assert_eq!(common(&["AVariant2", "BVariant2"]), None);
        assert_eq!(common(&["Alpha", "Beta"]), None);
        assert_eq!(common(&["FileAccess", "ImportFromUrlInputAccess"]), None);
    }

    #[test]
    fn camel_case_splits_into_words() {
        assert_eq!(camel_words("InputsItem"), ["Inputs", "Item"]);
        assert_eq!(camel_words("FooV2Variant3"), ["Foo", "V2", "Variant3"]);
        assert_eq!(camel_words("T200"), ["T200"]);
    }
}
