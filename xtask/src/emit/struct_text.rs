//! A struct's definition and constructor, written as formatted text (see `lines.rs`): with
//! its `Serialize` and `Deserialize` (`struct_serde.rs`), nearly all of a models file.

use super::lines::Lines;
use super::types::ident;
use crate::ir::{Field, Spelling, Struct, TypeTable};

/// What the map of undeclared properties says of itself.
const EXTRA_DOC: &str =
    "Properties the schema does not declare, kept so that they survive a round trip.";
const LENIENT_EXTRA_DOC: &str =
    "Properties the schema does not declare, and values of optional properties that do not\n\
     fit their type, kept so that they survive a round trip.";

/// `pub struct`, with `doc` and the derives: `Debug` unless `redacted` (the type writes its
/// own, see `debug.rs`), `Default` when no field is required. `types` names the types it
/// mentions.
pub fn definition(
    type_name: &str,
    doc: &str,
    s: &Struct,
    redacted: bool,
    types: &TypeTable,
) -> String {
    let mut out = Lines::default();
    out.doc(Some(doc));
    let debug = if redacted { "" } else { "Debug, " };
    let default = if s.fields.iter().any(|f| f.required) {
        ""
    } else {
        "Default, "
    };
    out.line(&format!("#[derive(Clone, {debug}{default}PartialEq)]"));
    // HubSpot adds optional fields often: users build values with `new` and the setters,
    // so a new field is no breaking change for them.
    out.line("#[non_exhaustive]");
    if s.fields.is_empty() && s.extra.is_none() {
        out.line(&format!("pub struct {type_name} {{}}"));
        return out.into_text();
    }
    out.open(&format!("pub struct {type_name} {{"));
    for f in &s.fields {
        out.doc(f.doc.as_deref());
        out.line(&format!("pub {}: {},", name(f), field_type(f, types)));
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
            extra.value.spelled(Spelling::Code, types)
        ));
    }
    out.close("}");
    out.into_text()
}

/// `new`, taking the required fields (anything `Into` their types), and a setter of each
/// optional field.
pub fn constructor(type_name: &str, s: &Struct, types: &TypeTable) -> String {
    let params: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| format!("{}: impl Into<{}>", name(f), field_type(f, types)))
        .collect();
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
    let optional: Vec<Setter> = s
        .fields
        .iter()
        .filter(|f| !f.required && f.is_option())
        .map(|f| Setter {
            field: name(f),
            value: f.ty.spelled(Spelling::Code, types),
            optional: true,
            takes_option: false,
        })
        .collect();
    impl_text(type_name, Some((&params, &inits)), &optional)
}

/// `impl {type_name}` with `new` (its parameters and the fields it sets, each line ending
/// in its comma), when given, and the setters of `fields`.
pub fn impl_text(
    type_name: &str,
    new: Option<(&[String], &[String])>,
    fields: &[Setter],
) -> String {
    let mut out = Lines::default();
    out.open(&format!("impl {type_name} {{"));
    if let Some((params, inits)) = new {
        out.line("/// A value with the required fields set and every optional field `None`.");
        out.call("pub fn new", params, " -> Self {");
        out.indent();
        out.braced("Self", inits, "");
        out.close("}");
    }
    setters(&mut out, fields);
    out.close("}");
    out.into_text()
}

/// A field's Rust name.
pub fn name(f: &Field) -> String {
    ident(&f.name).to_string()
}

/// A field's type: an `Option` when it may be absent or null.
pub fn field_type(f: &Field, types: &TypeTable) -> String {
    let ty = f.ty.spelled(Spelling::Code, types);
    if f.is_option() {
        format!("Option<{ty}>")
    } else {
        ty
    }
}

/// A setter of one field: `with_{field}`, taking anything `Into` the field's value type.
pub struct Setter {
    /// The field's Rust name.
    pub field: String,
    /// Its value's type (inside the `Option` of an optional field).
    pub value: String,
    /// Whether the field is an `Option`, which the setter fills.
    pub optional: bool,
    /// Whether the setter takes an `Option` itself (a paging cursor, which
    /// `Client::paginate` hands over as one).
    pub takes_option: bool,
}

/// The setters of the fields of one struct, as methods of the `impl` block being written:
/// `with_` and the field's name without a keyword's trailing `_` (or with it, where that
/// would name two alike), taking anything `Into` the field's value.
fn setters(out: &mut Lines, fields: &[Setter]) {
    let plain = |field: &str| field.trim_end_matches('_').to_owned();
    for setter in fields {
        let field = &setter.field;
        let clash = fields
            .iter()
            .any(|other| other.field != *field && plain(&other.field) == plain(field));
        let method = if clash {
            format!("with_{field}")
        } else {
            format!("with_{}", plain(field))
        };
        out.blank();
        out.line(&format!("/// Sets `{field}`."));
        let taken = if setter.takes_option {
            format!("Option<{}>", setter.value)
        } else {
            setter.value.clone()
        };
        let params = ["mut self".to_owned(), format!("value: impl Into<{taken}>")];
        out.call(&format!("pub fn {method}"), &params, " -> Self {");
        out.indent();
        let value = if setter.optional && !setter.takes_option {
            "Some(value.into())"
        } else {
            "value.into()"
        };
        out.line(&format!("self.{field} = {value};"));
        out.line("self");
        out.close("}");
    }
}
