//! Which values are credentials: fields, parameters and parts named like one
//! (`naming::is_secret_name`) or marked `x-secret`, and per operation the wire names of all
//! those its request and answers may hold, which the runtime keeps out of `Debug`, logs and
//! errors.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::extensions;
use super::refs;
use super::schema::AsSchema;
use crate::error::{Pointer, Result};
use crate::ir::{Body, BodyKind, Param, PartKind, ResponseBody, TypeKind, TypeRef, Types};
use crate::load::Document;
use crate::naming;

/// Whether a property is a secret: its `x-secret` (on its schema as written, or on the
/// component its `$ref` names), else its name among its `siblings`. A boolean is a flag
/// about a credential (`password_set`), never one.
pub(super) fn property<S: AsSchema>(
    doc: &Document,
    wire: &str,
    siblings: &[&str],
    schema: &ReferenceOr<S>,
    ty: &TypeRef,
    at: &Pointer,
) -> Result<bool> {
    let marked = match schema {
        ReferenceOr::Item(schema) => {
            extensions::secret(doc, &schema.as_schema().schema_data.extensions, at)?
        }
        ReferenceOr::Reference { reference } => match refs::deref::<Schema>(doc, reference, at) {
            Ok(found) => extensions::secret(doc, &found.value.schema_data.extensions, &found.at)?,
            // Typed loosely, with a warning, where the type was made.
            Err(_) => None,
        },
    };
    Ok(marked.unwrap_or_else(|| by_name(wire, siblings, ty)))
}

/// Whether a parameter is a secret: its `x-secret`, else its name among the operation's
/// other parameters.
pub(super) fn parameter(
    doc: &Document,
    wire: &str,
    siblings: &[&str],
    extensions: &IndexMap<String, Value>,
    ty: &TypeRef,
    at: &Pointer,
) -> Result<bool> {
    let marked = extensions::secret(doc, extensions, at)?;
    Ok(marked.unwrap_or_else(|| by_name(wire, siblings, ty)))
}

fn by_name(wire: &str, siblings: &[&str], ty: &TypeRef) -> bool {
    *ty != TypeRef::Boolean && naming::is_secret_name(wire, siblings)
}

/// The wire names of the secrets an operation's request or answers may hold: its secret
/// parameters and parts, and the secret fields of every type its body and answers reach.
pub(super) fn of_operation(
    types: &(impl Types + ?Sized),
    params: &[Param],
    body: Option<&Body>,
    ok: Option<&ResponseBody>,
    partial: Option<&TypeRef>,
) -> Vec<String> {
    let mut names: BTreeSet<String> = params
        .iter()
        .filter(|p| p.secret)
        .map(|p| p.wire_name.clone())
        .collect();
    let mut roots: Vec<&TypeRef> = Vec::new();
    match body.map(|b| &b.kind) {
        Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => roots.push(ty),
        Some(BodyKind::Multipart(form)) => {
            for part in &form.parts {
                if part.secret {
                    names.insert(part.wire_name.clone());
                }
                if let PartKind::Text(ty) | PartKind::Json(ty) = &part.kind {
                    roots.push(ty);
                }
            }
        }
        Some(BodyKind::Text | BodyKind::Binary) | None => {}
    }
    roots.extend(ok.and_then(ResponseBody::json));
    roots.extend(partial);
    // Every type reachable from the roots, each visited once (types may be recursive).
    let mut seen = BTreeSet::new();
    let mut pending: Vec<_> = roots.iter().filter_map(|ty| ty.mentioned()).collect();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(def) = types.def(id) else { continue };
        if let TypeKind::Struct(s) = &def.kind {
            names.extend(
                s.fields
                    .iter()
                    .filter(|f| f.secret)
                    .map(|f| f.wire_name.clone()),
            );
        }
        pending.extend(
            def.kind
                .children()
                .into_iter()
                .filter_map(|(_, ty)| ty.mentioned()),
        );
    }
    names.into_iter().collect()
}
