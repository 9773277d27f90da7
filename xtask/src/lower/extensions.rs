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

/// On `info`: the API the document belongs to, in place of its title (documents of one API
/// whose titles differ, such as an API and its schema API).
pub const X_RUST_API: &str = "x-rust-api";

/// On an object schema: read its optional properties leniently, keeping a value that does
/// not fit in `extra` instead of failing the whole object.
pub const X_LENIENT: &str = "x-lenient";

/// On an operation: whether it is a CRM search (paced on the search limit, paged past
/// 10,000 results), whatever its path and body say.
pub const X_SEARCH: &str = "x-search";

/// On an operation: the most inputs one request of a batch may carry.
pub const X_BATCH_MAX: &str = "x-batch-max";

/// On a property, parameter or schema: whether its value is a credential, to be kept out
/// of `Debug`, logs and errors, whatever its name says.
pub const X_SECRET: &str = "x-secret";

/// The extensions that say something of one place in a document (all but `x-rust-api`,
/// which is the document's): what `update-spec` carries to a document's next version.
pub const OF_A_PLACE: [&str; 6] = [
    X_RUST_NAME,
    X_IDEMPOTENT,
    X_LENIENT,
    X_SECRET,
    X_SEARCH,
    X_BATCH_MAX,
];

/// `x-rust-name` as written (not yet made a Rust name), if the extensions at `at` have one.
pub(super) fn rust_name<'e>(
    doc: &Document,
    extensions: &'e IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<&'e str>> {
    non_empty_string(doc, extensions, at, X_RUST_NAME)
}

/// `x-rust-api` as written, if the extensions at `at` (`info`) have it.
pub(super) fn rust_api<'e>(
    doc: &Document,
    extensions: &'e IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<&'e str>> {
    non_empty_string(doc, extensions, at, X_RUST_API)
}

fn non_empty_string<'e>(
    doc: &Document,
    extensions: &'e IndexMap<String, Value>,
    at: &Pointer,
    key: &str,
) -> Result<Option<&'e str>> {
    match extensions.get(key) {
        None => Ok(None),
        Some(Value::String(name)) if !name.trim().is_empty() => Ok(Some(name)),
        Some(_) => Err(Error::spec(
            &doc.file,
            &at.join(key),
            format!("`{key}` must be a non-empty string"),
        )),
    }
}

/// `x-idempotent`, if the extensions at `at` have it.
pub(super) fn idempotent(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<bool>> {
    flag(doc, extensions, at, X_IDEMPOTENT)
}

/// `x-search`, if the extensions at `at` have it.
pub(super) fn search(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<bool>> {
    flag(doc, extensions, at, X_SEARCH)
}

/// `x-batch-max`, a positive integer, if the extensions at `at` have it.
pub(super) fn batch_max(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<u32>> {
    match extensions.get(X_BATCH_MAX) {
        None => Ok(None),
        Some(value) => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(max @ 1..) => Ok(Some(max)),
            _ => Err(Error::spec(
                &doc.file,
                &at.join(X_BATCH_MAX),
                format!("`{X_BATCH_MAX}` must be a positive integer"),
            )),
        },
    }
}

/// `x-lenient`, if the extensions at `at` have it.
pub(super) fn lenient(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<bool>> {
    flag(doc, extensions, at, X_LENIENT)
}

/// `x-secret`, if the extensions at `at` have it.
pub(super) fn secret(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
) -> Result<Option<bool>> {
    flag(doc, extensions, at, X_SECRET)
}

fn flag(
    doc: &Document,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
    key: &str,
) -> Result<Option<bool>> {
    match extensions.get(key) {
        None => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(_) => Err(Error::spec(
            &doc.file,
            &at.join(key),
            format!("`{key}` must be true or false"),
        )),
    }
}
