//! `$ref`s to components, followed in one place: every lookup of
//! `#/components/<section>/<name>` during lowering goes through `component` or `deref`.

use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::{Error, Pointer, Result};
use crate::load::Document;

/// How deep `$ref` chains and nested `allOf`s may go before we call them cyclic.
pub(super) const MAX_REF_DEPTH: usize = 64;

/// A section of `components` that `$ref`s point into.
pub(super) trait Section: Sized {
    /// The section's key, e.g. `schemas`.
    const KEY: &'static str;
    fn entries(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Section for Schema {
    const KEY: &'static str = "schemas";
    fn entries(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Section for Parameter {
    const KEY: &'static str = "parameters";
    fn entries(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Section for RequestBody {
    const KEY: &'static str = "requestBodies";
    fn entries(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Section for Response {
    const KEY: &'static str = "responses";
    fn entries(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// A component a `$ref` led to.
pub(super) struct Found<'a, T> {
    /// Its name in its section, unescaped.
    pub(super) name: String,
    pub(super) value: &'a T,
    /// Where it is written, for messages about it.
    pub(super) at: Pointer,
}

/// The component a `$ref` names, one step: its entry may itself be a `$ref`. `at` is where
/// the reference is written.
pub(super) fn component<'a, T: Section>(
    doc: &'a Document,
    reference: &str,
    at: &Pointer,
) -> Result<Found<'a, ReferenceOr<T>>> {
    component_if_defined(doc, reference, at)?.ok_or_else(|| unknown(doc, reference, at))
}

/// Like `component`, but a well-formed reference to a component the document does not
/// define is `None`, for the caller to fall back on (published documents have such
/// defects). A reference of an unsupported form is still an error.
pub(super) fn component_if_defined<'a, T: Section>(
    doc: &'a Document,
    reference: &str,
    at: &Pointer,
) -> Result<Option<Found<'a, ReferenceOr<T>>>> {
    let Some(name) = local_name(reference, T::KEY) else {
        return Err(Error::spec(
            &doc.file,
            at,
            format!(
                "unsupported $ref '{reference}': only references to #/components/{}/<name> are supported",
                T::KEY
            ),
        ));
    };
    let value = doc
        .api
        .components
        .as_ref()
        .and_then(|c| T::entries(c).get(&name));
    Ok(value.map(|value| Found {
        // A reference without escapes is already the component's pointer, as written.
        at: Pointer::from_ref(reference)
            .filter(|_| !reference.contains('~'))
            .unwrap_or_else(|| component_pointer(T::KEY, &name)),
        name,
        value,
    }))
}

/// The message for a reference to a component that does not exist.
pub(super) fn unknown_message(reference: &str) -> String {
    format!("unknown $ref '{reference}'")
}

fn unknown(doc: &Document, reference: &str, at: &Pointer) -> Error {
    Error::spec(&doc.file, at, unknown_message(reference))
}

/// The component a `$ref` leads to through any chain of `$ref`s: the one written out.
pub(super) fn deref<'a, T: Section>(
    doc: &'a Document,
    reference: &str,
    at: &Pointer,
) -> Result<Found<'a, T>> {
    let mut reference = reference;
    for _ in 0..MAX_REF_DEPTH {
        let found = component::<T>(doc, reference, at)?;
        match found.value {
            ReferenceOr::Item(value) => {
                return Ok(Found {
                    name: found.name,
                    value,
                    at: found.at,
                })
            }
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    Err(Error::spec(
        &doc.file,
        at,
        format!("cyclic $ref '{reference}'"),
    ))
}

/// The value written at `at`, or where its `$ref`s lead, and where that is.
pub(super) fn item<'a, T: Section>(
    doc: &'a Document,
    value: &'a ReferenceOr<T>,
    at: &Pointer,
) -> Result<(&'a T, Pointer)> {
    match value {
        ReferenceOr::Item(value) => Ok((value, at.clone())),
        ReferenceOr::Reference { reference } => {
            let found = deref(doc, reference, at)?;
            Ok((found.value, found.at))
        }
    }
}

/// `#/components/schemas/Foo` in the section `schemas` is `Foo` (unescaped).
fn local_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    if !rest.contains('~') {
        return Some(rest.to_owned());
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

fn component_pointer(section: &str, name: &str) -> Pointer {
    Pointer::root().join("components").join(section).join(name)
}
