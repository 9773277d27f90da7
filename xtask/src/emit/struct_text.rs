//! A struct's definition and constructor, written as formatted text (see `lines.rs`): with
//! its `Serialize` and `Deserialize` (`struct_serde.rs`), nearly all of a models file.

use super::lines::Lines;
use super::types::{ident, type_text, type_tokens};
use crate::ir::{Field, Struct};

/// What the map of undeclared properties says of itself.
const EXTRA_DOC: &str =
    "Properties the schema does not declare, kept so that they survive a round trip.";
const LENIENT_EXTRA_DOC: &str =
    "Properties the schema does not declare, and values of optional properties that do not\n\
     fit their type, kept so that they survive a round trip.";

/// `pub struct`, with `doc` and the derives: `Debug` unless `redacted` (the type writes its
/// own, see `debug.rs`), `Default` when no field is required.
pub fn definition(type_name: &str, doc: &str, s: &Struct, redacted: bool) -> String {
    let mut out = Lines::default();
    out.doc(Some(doc));
    let debug = if redacted { "" } else { "Debug, " };
    let default = if s.fields.iter().any(|f| f.required) {
        ""
    } else {
        "Default, "
    };
    out.line(&format!("#[derive(Clone, {debug}{default}PartialEq)]"));
    if s.fields.is_empty() && s.extra.is_none() {
        out.line(&format!("pub struct {type_name} {{}}"));
        return out.into_text();
    }
    out.open(&format!("pub struct {type_name} {{"));
    for f in &s.fields {
        out.doc(f.doc.as_deref());
        out.line(&format!("pub {}: {},", name(f), field_type(f)));
    }
    if let Some(extra) = &s.extra {
        out.doc(Some(if s.lenient {
            LENIENT_EXTRA_DOC
        } else {
            EXTRA_DOC
        }));
        out.line(&format!(
            "pub {}: ::std::collections::BTreeMap<String, {}>,",
            ident(&extra.name),
            type_text(&type_tokens(&extra.value))
        ));
    }
    out.close("}");
    out.into_text()
}

/// `new`, taking the required fields (anything `Into` their types).
pub fn constructor(type_name: &str, s: &Struct) -> String {
    let mut out = Lines::default();
    out.open(&format!("impl {type_name} {{"));
    out.line("/// A value with the required fields set and every optional field `None`.");
    let params: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| format!("{}: impl Into<{}>", name(f), field_type(f)))
        .collect();
    out.call("pub fn new", &params, " -> Self {");
    out.indent();
    let mut inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            if f.required {
                format!("{0}: {0}.into(),", name(f))
            } else {
                format!("{}: None,", name(f))
            }
        })
        .collect();
    if let Some(extra) = &s.extra {
        inits.push(format!(
            "{}: ::std::collections::BTreeMap::new(),",
            ident(&extra.name)
        ));
    }
    out.braced("Self", &inits, "");
    out.close("}");
    out.close("}");
    out.into_text()
}

/// A field's Rust name.
pub fn name(f: &Field) -> String {
    ident(&f.name).to_string()
}

/// A field's type: an `Option` when it may be absent or null.
pub fn field_type(f: &Field) -> String {
    let ty = type_text(&type_tokens(&f.ty));
    if f.is_option() {
        format!("Option<{ty}>")
    } else {
        ty
    }
}
