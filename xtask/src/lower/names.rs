//! The naming step for types: every type of a module is named here, once, when the module is
//! lowered. Lowering knows types by id and only records what each asks to be called; this
//! step decides the names.
//!
//! Lowering asks for a name for each type when it makes the type (`Names::ask`): a component
//! schema its schema's name, an inline type the name of the place it is met first
//! (`{Parent}{Property}`) or the one its `x-rust-name` gives, an operation's struct
//! `{Function}Query` or `{Function}Body`. This step claims those names on one namespace in
//! the order lowering asked for them, which decides the collision suffixes
//! (`Namespace::claim`). Then an inline type met at several places takes the words they share
//! (`common_name`: `AbsoluteValueInputsItem` and `AddNumbersInputsItem` give `InputsItem`),
//! unless an `x-rust-name` names it; and a union's alternatives are named after the types they
//! hold.

use std::collections::BTreeMap;

use super::extensions::X_RUST_NAME;
use crate::error::{Error, Pointer, Result};
use crate::ir::{TypeId, TypeNames, TypeRef, Union};
use crate::naming::{self, Namespace};

/// A name a type asks for: words, after the name of another type when it is named after one
/// (a component's inline types after the component, a multipart body's parts after its
/// struct), which is known only once that type is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Wanted {
    after: Option<TypeId>,
    words: String,
}

impl Wanted {
    pub(super) fn words(words: impl Into<String>) -> Self {
        Wanted {
            after: None,
            words: words.into(),
        }
    }

    /// The name of type `id`, as it is claimed.
    pub(super) fn name_of(id: TypeId) -> Self {
        Wanted {
            after: Some(id),
            words: String::new(),
        }
    }

    /// This name followed by more words.
    pub(super) fn followed_by(&self, words: &str) -> Self {
        Wanted {
            after: self.after,
            words: format!("{}{words}", self.words),
        }
    }

    /// The name, given the names types have claimed so far (`claimed`, by id).
    fn spelled(&self, claimed: &[Option<String>]) -> String {
        let after = self
            .after
            .and_then(|id| claimed.get(id.index())?.as_deref());
        format!("{}{}", after.unwrap_or(""), self.words)
    }
}

/// A name a type asks for, claimed on the module's namespace in turn.
struct Request {
    id: TypeId,
    wanted: Wanted,
    /// Where an `x-rust-name` asks for exactly this name (its file and pointer), which must
    /// then be free.
    given_at: Option<(String, Pointer)>,
}

/// The places an inline type is met at.
struct Places {
    /// What each place would call it, in the order lowering met them.
    places: Vec<Wanted>,
    /// An `x-rust-name` names it (its last request): the places do not.
    given: bool,
}

/// What lowering asks of the naming step.
#[derive(Default)]
pub(super) struct Names {
    /// In the order lowering asked.
    requests: Vec<Request>,
    /// The inline types, by id.
    inline: BTreeMap<TypeId, Places>,
}

/// Every type's name, by id.
pub(super) struct Decided {
    /// The name each type asked for first, as claimed: the name lowering's warnings give it.
    pub(super) first: Vec<String>,
    /// Its name.
    pub(super) last: Vec<String>,
}

impl Names {
    /// Type `id` asks to be called `wanted`: a component schema, an operation's struct, or
    /// (with `given_at`, where its `x-rust-name` is) the alias a second `x-rust-name` of an
    /// inline shape makes.
    pub(super) fn ask(&mut self, id: TypeId, wanted: Wanted, given_at: Option<(String, Pointer)>) {
        self.requests.push(Request {
            id,
            wanted,
            given_at,
        });
    }

    /// A new inline type, at a place that would call it `wanted`, or that names it with an
    /// `x-rust-name` (`given_at`).
    pub(super) fn inline(
        &mut self,
        id: TypeId,
        wanted: Wanted,
        given_at: Option<(String, Pointer)>,
    ) {
        let given = given_at.is_some();
        self.ask(id, wanted.clone(), given_at);
        self.inline.insert(
            id,
            Places {
                places: vec![wanted],
                given,
            },
        );
    }

    /// Another place of inline type `id`.
    pub(super) fn add_place(&mut self, id: TypeId, wanted: Wanted) {
        if let Some(places) = self.inline.get_mut(&id) {
            places.places.push(wanted);
        }
    }

    /// An `x-rust-name` (at `given_at`) names inline type `id`, met before without one.
    pub(super) fn give(&mut self, id: TypeId, wanted: String, given_at: (String, Pointer)) {
        self.ask(id, Wanted::words(wanted), Some(given_at));
        if let Some(places) = self.inline.get_mut(&id) {
            places.given = true;
        }
    }

    /// Whether an `x-rust-name` names inline type `id`.
    pub(super) fn is_given(&self, id: TypeId) -> bool {
        self.inline.get(&id).is_some_and(|places| places.given)
    }

    /// The name type `id` (of `count`) asked for first, as claimed: what a message during
    /// lowering calls it.
    pub(super) fn first_name(&self, id: TypeId, count: usize) -> String {
        let mut namespace = Namespace::new();
        let mut claimed = vec![None; count];
        for request in &self.requests {
            let name = namespace.claim(&request.wanted.spelled(&claimed));
            if request.id == id {
                return name;
            }
            if let Some(slot) = claimed.get_mut(request.id.index()) {
                slot.get_or_insert(name);
            }
        }
        String::new()
    }

    /// Names the `count` types: each name asked for, claimed in order, then each inline type
    /// met at several places, in order of its first name, the words they share if no type
    /// has that name (unless an `x-rust-name` named it). An `x-rust-name` that is already the
    /// name of another type is an error.
    pub(super) fn decide(&self, count: usize) -> Result<Decided> {
        let mut namespace = Namespace::new();
        let mut first: Vec<Option<String>> = vec![None; count];
        let mut last: Vec<Option<String>> = vec![None; count];
        for request in &self.requests {
            let wanted = request.wanted.spelled(&first);
            if let Some((file, pointer)) = &request.given_at {
                if !namespace.is_free(&wanted) {
                    return Err(Error::spec(
                        file,
                        pointer,
                        format!(
                            "`{X_RUST_NAME}: {wanted}` is already the name of a component schema"
                        ),
                    ));
                }
            }
            let name = namespace.claim(&wanted);
            let i = request.id.index();
            if first[i].is_none() {
                first[i] = Some(name.clone());
            }
            last[i] = Some(name);
        }
        let mut shared: Vec<(TypeId, Vec<String>)> = self
            .inline
            .iter()
            .filter(|(_, places)| !places.given && places.places.len() >= 2)
            .map(|(id, places)| {
                (
                    *id,
                    places.places.iter().map(|p| p.spelled(&first)).collect(),
                )
            })
            .collect();
        shared.sort_by(|(a, _), (b, _)| first[a.index()].cmp(&first[b.index()]));
        for (id, places) in shared {
            if let Some(common) = common_name(&places) {
                if namespace.is_free(&common) {
                    last[id.index()] = Some(namespace.claim(&common));
                }
            }
        }
        let first = first.into_iter().map(Option::unwrap_or_default).collect();
        let last = last.into_iter().map(Option::unwrap_or_default).collect();
        Ok(Decided { first, last })
    }
}

/// Names the alternatives of a union after the types they hold (`Text`, `Integer`, a type's
/// name), made unique in order; an alternative named after a type that took another name
/// at the end (`Decided::last`) takes that one, unless another alternative has it.
pub(super) fn name_variants(union: &mut Union, decided: &Decided) {
    let mut names = Namespace::new();
    for variant in &mut union.variants {
        variant.name = names.claim(&variant_word(&variant.ty, &decided.first));
    }
    for i in 0..union.variants.len() {
        let Some(id) = union.variants[i].ty.as_named() else {
            continue;
        };
        let (first, last) = (&decided.first[id.index()], &decided.last[id.index()]);
        if first == last || &union.variants[i].name != first {
            continue;
        }
        if union.variants.iter().all(|v| &v.name != last) {
            union.variants[i].name.clone_from(last);
        }
    }
}

/// What a union alternative holding `ty` is called before it is made unique.
fn variant_word(ty: &TypeRef, names: &[String]) -> String {
    match ty {
        TypeRef::Named(id) => names.type_name(*id).to_owned(),
        TypeRef::String => "Text".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::I32 | TypeRef::I64 => "Integer".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "Number".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::ObjectId => "Id".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::List(_) => "List".to_owned(),
        TypeRef::Map(_) => "Map".to_owned(),
        TypeRef::Boxed(inner) => variant_word(inner, names),
    }
}

/// Names by id: what lowering's messages name types by (`Decided::first`).
impl TypeNames for [String] {
    fn type_name(&self, id: TypeId) -> &str {
        self.get(id.index()).map_or("", String::as_str)
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
    use crate::ir::UnionVariant;

    fn id(index: usize) -> TypeId {
        TypeId::new(index)
    }

    fn words(words: &str) -> Wanted {
        Wanted::words(words)
    }

    /// Where an `x-rust-name` is, for the names it gives.
    fn given_at() -> Option<(String, Pointer)> {
        Some(("doc.yaml".to_owned(), Pointer::root().join(X_RUST_NAME)))
    }

    #[test]
    fn claims_in_order_decide_suffixes_and_names_after_other_types() {
        let mut names = Names::default();
        names.ask(id(0), words("Thing"), None);
        names.ask(id(1), words("Thing"), None);
        names.ask(id(2), Wanted::name_of(id(1)).followed_by("Status"), None);
        names.ask(id(3), words("V2"), None);
        names.ask(id(4), words("V2"), None);
        let decided = names.decide(5).unwrap();
        assert_eq!(
            decided.last,
            ["Thing", "Thing2", "Thing2Status", "V2", "V2_2"]
        );
        assert_eq!(decided.first, decided.last);
        assert_eq!(names.first_name(id(2), 5), "Thing2Status");
    }

    #[test]
    fn a_type_met_at_several_places_takes_the_words_they_share_when_free() {
        let mut names = Names::default();
        names.inline(id(0), words("AbsoluteValueInputsItem"), None);
        names.add_place(id(0), words("AddNumbersInputsItem"));
        names.inline(id(1), words("FooBarStatus"), None);
        names.add_place(id(1), words("BazBarStatus"));
        // A component of the name the places of the second suggest.
        names.ask(id(2), words("BarStatus"), None);
        names.inline(id(3), words("AloneStatus"), None);
        let decided = names.decide(4).unwrap();
        assert_eq!(
            decided.first,
            [
                "AbsoluteValueInputsItem",
                "FooBarStatus",
                "BarStatus",
                "AloneStatus"
            ]
        );
        assert_eq!(
            decided.last,
            ["InputsItem", "FooBarStatus", "BarStatus", "AloneStatus"]
        );
    }

    #[test]
    fn an_x_rust_name_names_a_type_whatever_its_places_say() {
        let mut names = Names::default();
        names.inline(id(0), words("AInputsItem"), None);
        names.add_place(id(0), words("BInputsItem"));
        assert!(!names.is_given(id(0)));
        names.give(id(0), "Chosen".to_owned(), given_at().unwrap());
        assert!(names.is_given(id(0)));
        names.inline(id(1), words("Given"), given_at());
        names.add_place(id(1), words("XInputsItem"));
        names.add_place(id(1), words("YInputsItem"));
        let decided = names.decide(2).unwrap();
        assert_eq!(decided.first, ["AInputsItem", "Given"]);
        assert_eq!(decided.last, ["Chosen", "Given"]);
    }

    #[test]
    fn an_x_rust_name_that_another_type_has_is_an_error() {
        let mut names = Names::default();
        names.ask(id(0), words("Thing"), None);
        names.inline(id(1), words("Thing"), given_at());
        let error = names.decide(2).err().expect("the name is taken");
        let message = error.to_string();
        assert!(message.contains("doc.yaml"), "{message}");
        assert!(
            message.contains("`x-rust-name: Thing` is already the name of a component schema"),
            "{message}"
        );
    }

    fn union(types: Vec<TypeRef>) -> Union {
        let variants = types.into_iter().map(|ty| UnionVariant {
            name: String::new(),
            ty,
        });
        Union {
            variants: variants.collect(),
        }
    }

    fn variant_names(union: &Union) -> Vec<&str> {
        union.variants.iter().map(|v| v.name.as_str()).collect()
    }

    #[test]
    fn alternatives_are_named_after_what_they_hold_and_made_unique() {
        let decided = Decided {
            first: vec!["Thing".to_owned()],
            last: vec!["Thing".to_owned()],
        };
        let mut u = union(vec![
            TypeRef::Named(id(0)),
            TypeRef::String,
            TypeRef::String,
            TypeRef::I64,
            TypeRef::List(Box::new(TypeRef::Json)),
        ]);
        name_variants(&mut u, &decided);
        assert_eq!(
            variant_names(&u),
            ["Thing", "Text", "Text2", "Integer", "List"]
        );
    }

    #[test]
    fn an_alternative_takes_its_types_later_name_unless_another_has_it() {
        let decided = Decided {
            first: vec!["FooBarStatus".to_owned(), "Foo".to_owned()],
            last: vec!["BarStatus".to_owned(), "Text2".to_owned()],
        };
        let mut renamed = union(vec![TypeRef::Named(id(0)), TypeRef::String]);
        name_variants(&mut renamed, &decided);
        assert_eq!(variant_names(&renamed), ["BarStatus", "Text"]);
        let mut kept = union(vec![
            TypeRef::String,
            TypeRef::String,
            TypeRef::Named(id(1)),
        ]);
        name_variants(&mut kept, &decided);
        assert_eq!(variant_names(&kept), ["Text", "Text2", "Foo"]);
    }

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
