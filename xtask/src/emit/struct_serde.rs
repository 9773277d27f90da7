//! A struct's `Serialize` and `Deserialize`, written as formatted text.
//!
//! They are two thirds of a models file's lines, and always the same shapes; written as text
//! they skip syn's parse and prettyplease, which are most of what a run costs on a small
//! document. The text is laid out as rustfmt would: a call on one line when it fits in 100
//! columns, else an argument a line. Generated crates compile it, and the round-trip tests
//! run it on every model.

use proc_macro2::Literal;

use super::lines::Lines;
use super::struct_text::{field_type, name};
use super::types::ident;
use crate::ir::{Field, Struct};
use crate::ir::{Spelling, TypeTable};

/// Both impls of the struct `type_name`, each from the start of a line.
pub fn serde_impls(type_name: &str, s: &Struct, types: &TypeTable) -> String {
    let mut out = Lines::default();
    serialize(&mut out, type_name, s);
    deserialize(&mut out, type_name, s, types);
    out.into_text()
}

/// One object: fields in order (an optional one only when set, since absent and null mean
/// the same for it), then the extra map, which never repeats a key a field wrote. See
/// `runtime::ser` for why not a derive.
fn serialize(out: &mut Lines, type_name: &str, s: &Struct) {
    out.open(&format!("impl ::serde::Serialize for {type_name} {{"));
    out.open("fn serialize<__S: ::serde::Serializer>(");
    out.line("&self,");
    out.line("serializer: __S,");
    out.close_open(") -> Result<__S::Ok, __S::Error> {");
    if s.fields.is_empty() && s.extra.is_none() {
        out.line("crate::runtime::ser::Object::new(serializer)?.end()");
    } else {
        out.line("let mut object = crate::runtime::ser::Object::new(serializer)?;");
        for f in &s.fields {
            let method = if f.required { "field" } else { "optional" };
            let args = [wire(f), format!("&self.{}", name(f))];
            out.call(&format!("object.{method}"), &args, ";");
        }
        if let Some(extra) = &s.extra {
            let declared: Vec<String> = s
                .fields
                .iter()
                .map(|f| {
                    let set = if f.required {
                        "true".to_owned()
                    } else {
                        format!("self.{}.is_some()", name(f))
                    };
                    format!("({}, {set})", wire(f))
                })
                .collect();
            let extra = format!("&self.{}", ident(&extra.name));
            let one_line = format!("object.extra({extra}, &[{}]);", declared.join(", "));
            if out.fits(&one_line) {
                out.line(&one_line);
            } else {
                out.open("object.extra(");
                out.line(&format!("{extra},"));
                out.list("&[", &declared, "],");
                out.close(");");
            }
        }
        out.line("object.end()");
    }
    out.close("}");
    out.close("}");
}

/// The struct's slots for `runtime::de::object`, the one map visitor: known keys fill their
/// slots, unknown keys go to the extra map (or are rejected when the schema forbids them). See
/// `runtime::de` for why not `#[serde(flatten)]`. Each key's arm is a plain call whose result
/// is the arm's value, and required fields are checked with `let`-`else`: that shape
/// type-checks markedly faster than a `?` in every arm. `read` and `finish` are `#[inline]`:
/// in a release build their instances can land in another codegen unit than the visitor's
/// loop, and reading then takes 4.5 % more instructions than with a visitor per struct.
fn deserialize(out: &mut Lines, type_name: &str, s: &Struct, types: &TypeTable) {
    out.open(&format!(
        "impl<'de> ::serde::Deserialize<'de> for {type_name} {{"
    ));
    out.open("fn deserialize<__D: ::serde::Deserializer<'de>>(");
    out.line("deserializer: __D,");
    out.close_open(") -> Result<Self, __D::Error> {");
    out.line("#[derive(Default)]");
    if s.fields.is_empty() && s.extra.is_none() {
        out.line("struct __Slots {}");
    } else {
        out.open("struct __Slots {");
        for f in &s.fields {
            out.line(&format!("{}: Option<{}>,", name(f), field_type(f, types)));
        }
        if let Some(extra) = &s.extra {
            out.line(&format!(
                "{}: ::std::collections::BTreeMap<String, {}>,",
                ident(&extra.name),
                extra.value.spelled(Spelling::Code, types)
            ));
        }
        out.close("}");
    }
    out.open("impl<'de> crate::runtime::de::Slots<'de> for __Slots {");
    out.line(&format!("type Value = {type_name};"));
    let expecting = Literal::string(&format!("a {type_name} object"));
    out.line(&format!("const EXPECTING: &'static str = {expecting};"));
    out.line("#[inline]");
    out.open("fn read<__A: ::serde::de::MapAccess<'de>>(");
    out.line("&mut self,");
    out.line("key: crate::runtime::de::Key<'de>,");
    // An object that takes no keys at all never reads a value.
    let takes_keys = !s.fields.is_empty() || s.extra.is_some();
    out.line(if takes_keys {
        "map: &mut __A,"
    } else {
        "_map: &mut __A,"
    });
    out.close_open(") -> Result<(), __A::Error> {");
    read_arms(out, s);
    out.close("}");
    out.line("#[inline]");
    out.open(&format!(
        "fn finish<__E: ::serde::de::Error>(self) -> Result<{type_name}, __E> {{"
    ));
    for f in s.fields.iter().filter(|f| f.required) {
        out.open(&format!("let Some({}) = self.{} else {{", name(f), name(f)));
        out.line(&format!("return Err(__E::missing_field({}));", wire(f)));
        out.close("};");
    }
    let mut values: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            if f.required {
                format!("{},", name(f))
            } else {
                format!("{0}: self.{0}.flatten(),", name(f))
            }
        })
        .collect();
    if let Some(extra) = &s.extra {
        values.push(format!("{0}: self.{0},", ident(&extra.name)));
    }
    out.braced(&format!("Ok({type_name}"), &values, ")");
    out.close("}");
    out.close("}");
    out.line("crate::runtime::de::object::<__Slots, __D>(deserializer)");
    out.close("}");
    out.close("}");
}

/// `read`'s match on the key: one arm per field, then the unknown key's.
fn read_arms(out: &mut Lines, s: &Struct) {
    out.open("match key.as_str() {");
    // A lenient struct keeps an optional field's odd value in its extra map (of any JSON).
    let lenient = s.extra.as_ref().filter(|_| s.lenient);
    for f in &s.fields {
        let slot = format!("&mut self.{}", name(f));
        match lenient {
            Some(extra) if !f.required => {
                let extra = format!("&mut self.{}", ident(&extra.name));
                let args = [slot, extra, "map".to_owned(), wire(f)];
                let head = format!("{} => crate::runtime::de::lenient_field", wire(f));
                out.call(&head, &args, ",");
            }
            _ => {
                let args = [slot, "map".to_owned(), wire(f)];
                out.call(
                    &format!("{} => crate::runtime::de::field", wire(f)),
                    &args,
                    ",",
                );
            }
        }
    }
    match &s.extra {
        Some(extra) => out.line(&format!(
            "_ => crate::runtime::de::unknown(&mut self.{}, key, map),",
            ident(&extra.name)
        )),
        None => {
            let known: Vec<String> = s.fields.iter().map(wire).collect();
            let one_line = format!(
                "other => Err(::serde::de::Error::unknown_field(other, &[{}])),",
                known.join(", ")
            );
            if out.fits(&one_line) {
                out.line(&one_line);
            } else {
                out.open("other => Err(::serde::de::Error::unknown_field(");
                out.line("other,");
                out.list("&[", &known, "],");
                out.close(")),");
            }
        }
    }
    out.close("}");
}

fn wire(f: &Field) -> String {
    Literal::string(&f.wire_name).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::lines::WIDTH;
    use super::*;
    use crate::ir::{ExtraField, TypeId, TypeRef};

    /// Every shape (no fields, fields with and without an extra map, lenient, lines that
    /// break) makes two impls that parse, with an arm per field and lines within the width.
    /// (Replacing impls written with `quote!`, this text had the same tokens for the 872
    /// structs of every fixture and reference document.)
    #[test]
    fn every_shape_makes_both_impls() {
        let long = "aLongPropertyName";
        let fields = vec![
            Field::plain("id", TypeRef::String, true),
            Field::plain("count", TypeRef::I64, false),
            Field::plain("when", TypeRef::DateTime, false),
            Field::plain(long, TypeRef::List(Box::new(TypeRef::Json)), false),
            Field::plain("type", TypeRef::Named(TypeId::new(0)), true),
        ];
        let extra = ExtraField {
            name: "extra".to_owned(),
            value: TypeRef::Json,
        };
        let shapes = [
            Struct {
                fields: Vec::new(),
                extra: None,
                lenient: false,
            },
            Struct {
                fields: Vec::new(),
                extra: Some(extra.clone()),
                lenient: false,
            },
            Struct {
                fields: fields.clone(),
                extra: None,
                lenient: false,
            },
            Struct {
                fields: fields.clone(),
                extra: Some(extra.clone()),
                lenient: false,
            },
            Struct {
                fields,
                extra: Some(extra),
                lenient: true,
            },
        ];
        let types = TypeTable::new(vec![("Kind".to_owned(), None)]);
        for s in &shapes {
            let text = serde_impls("Thing", s, &types);
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(parsed.items.len(), 2, "{text}");
            let arms = text.matches(" => ").count();
            assert_eq!(arms, s.fields.len() + 1, "{text}");
            let lenient_arms = text.matches("lenient_field").count();
            let expected = if s.lenient {
                s.fields.iter().filter(|f| !f.required).count()
            } else {
                0
            };
            assert_eq!(lenient_arms, expected, "{text}");
            assert_eq!(text.contains("unknown_field"), s.extra.is_none(), "{text}");
            assert!(
                text.lines().all(|line| line.len() <= WIDTH),
                "a line past {WIDTH} columns:\n{text}"
            );
            // With fields, each list too long for a line is broken an item a line.
            if !s.fields.is_empty() {
                let broken = match (&s.extra, s.lenient) {
                    (None, _) => "unknown_field(\n",
                    (Some(_), false) => "object.extra(\n",
                    (Some(_), true) => "lenient_field(\n",
                };
                assert!(text.contains(broken), "no `{broken}` in\n{text}");
            }
        }
    }
}
