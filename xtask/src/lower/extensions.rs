//! The vendor extensions the generator reads, each parsed in one place, with one message
//! for a value of the wrong kind.

use indexmap::IndexMap;
use serde_json::Value;

use crate::error::{Error, Pointer, Result};
use crate::load::Document;

/// Names the Rust type of an inline schema, or the function of an operation.
pub const X_RUST_NAME: &str = "x-rust-name";

/// On an operation: whether repeating it is safe.
pub const X_IDEMPOTENT: &str = "x-idempotent";

/// `x-rust-name` as written (not yet made a Rust name), if the extensions at `at` have one.
pub(super) fn rust_name<'e>(
    doc: &Document,
    extensions: &'e IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<&'e str>> {
    match extensions.get(X_RUST_NAME) {
        None => Ok(None),
        Some(Value::String(name)) if !name.trim().is_empty() => Ok(Some(name)),
        Some(_) => Err(Error::spec(
            &doc.file,
            &at.join(X_RUST_NAME),
            "`x-rust-name` must be a non-empty string",
        )),
    }
}

/// `x-idempotent`, if the extensions at `at` have it.
pub(super) fn idempotent(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<bool>> {
    match extensions.get(X_IDEMPOTENT) {
        None => Ok(None),
        Some(Value::Bool(idempotent)) => Ok(Some(*idempotent)),
        Some(_) => Err(Error::spec(
            &doc.file,
            &at.join(X_IDEMPOTENT),
            "`x-idempotent` must be true or false",
        )),
    }
}
