//! Where HubSpot's published documents say less than its live API does
//! (`../shared/HUBSPOT.md`), read as the live API behaves, so that a crate generated from a
//! document as HubSpot publishes it holds up against real answers.
//!
//! HubSpot's error schemas mark fields required that its error items and bodies leave out:
//! a 207 item may have no `errors` or `links` (or `null`), a 429 body has no `category`,
//! `context` is sometimes a string. Read strictly, one such item fails a whole batch chunk.

use crate::ir::{Struct, TypeKind, TypeRef};

/// One of HubSpot's error schemas as it publishes them: its name, every property it
/// declares, and the ones the live API always sends.
struct ErrorSchema {
    name: &'static str,
    properties: &'static [&'static str],
    always_sent: &'static [&'static str],
}

const ERROR_SCHEMAS: &[ErrorSchema] = &[
    // A 207's error items, and errors of some 4xx answers.
    ErrorSchema {
        name: "StandardError",
        properties: &[
            "category",
            "context",
            "errors",
            "id",
            "links",
            "message",
            "status",
            "subCategory",
        ],
        always_sent: &["message", "status"],
    },
    // The body of a failed request; a 429 answers with `errorType` instead of `category`.
    ErrorSchema {
        name: "Error",
        properties: &[
            "category",
            "context",
            "correlationId",
            "errors",
            "links",
            "message",
            "subCategory",
        ],
        always_sent: &["correlationId", "message"],
    },
    // One of the detailed errors in either.
    ErrorSchema {
        name: "ErrorDetail",
        properties: &["code", "context", "in", "message", "subCategory"],
        always_sent: &["message"],
    },
];

/// When `schema_name` and its type are one of HubSpot's error schemas (by name, and by
/// shape: every property HubSpot publishes for it, those it always sends as strings, and
/// undeclared properties kept), reads it as `x-lenient: true` would, with only what HubSpot
/// always sends required: any other field may be missing or `null`, and a value that does
/// not fit its type is kept in `extra` instead of failing the item. Returns whether it did.
/// A document's own `x-lenient` (either way) is read instead of this.
pub(super) fn read_hubspot_error_leniently(schema_name: &str, kind: &mut TypeKind) -> bool {
    let TypeKind::Struct(s) = kind else {
        return false;
    };
    let Some(published) = ERROR_SCHEMAS.iter().find(|e| e.name == schema_name) else {
        return false;
    };
    if !has_shape(s, published) {
        return false;
    }
    for field in &mut s.fields {
        field.required &= published.always_sent.contains(&field.wire_name.as_str());
    }
    s.lenient = true;
    true
}

fn has_shape(s: &Struct, published: &ErrorSchema) -> bool {
    let field = |wire: &str| s.fields.iter().find(|f| f.wire_name == wire);
    let keeps_undeclared = s.extra.as_ref().is_some_and(|e| e.value == TypeRef::Json);
    keeps_undeclared
        && published.properties.iter().all(|p| field(p).is_some())
        && published
            .always_sent
            .iter()
            .all(|p| field(p).is_some_and(|f| f.ty == TypeRef::String))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ExtraField, Field, TypeId};

    /// `StandardError` as HubSpot publishes it: every property required but `id` and
    /// `subCategory`.
    fn standard_error() -> TypeKind {
        let lists = TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::String))));
        let error_detail = TypeRef::Named(TypeId::new(0));
        let errors = TypeRef::List(Box::new(error_detail));
        let fields = vec![
            Field::plain("category", TypeRef::String, true),
            Field::plain("context", lists, true),
            Field::plain("errors", errors, true),
            Field::plain("id", TypeRef::String, false),
            Field::plain("links", TypeRef::Map(Box::new(TypeRef::String)), true),
            Field::plain("message", TypeRef::String, true),
            Field::plain("status", TypeRef::String, true),
            Field::plain("subCategory", TypeRef::Json, false),
        ];
        TypeKind::Struct(Struct {
            fields,
            extra: Some(ExtraField {
                name: "extra".into(),
                value: TypeRef::Json,
            }),
            lenient: false,
        })
    }

    fn required(kind: &TypeKind) -> Vec<&str> {
        let TypeKind::Struct(s) = kind else {
            panic!("{kind:?} is not a struct")
        };
        let fields = s.fields.iter().filter(|f| f.required);
        fields.map(|f| f.wire_name.as_str()).collect()
    }

    #[test]
    fn hubspots_standard_error_requires_only_status_and_message() {
        let mut kind = standard_error();
        assert!(read_hubspot_error_leniently("StandardError", &mut kind));
        assert_eq!(required(&kind), ["message", "status"]);
        assert!(matches!(
            kind,
            TypeKind::Struct(Struct { lenient: true, .. })
        ));
    }

    #[test]
    fn another_name_or_shape_is_left_as_written() {
        let mut renamed = standard_error();
        assert!(!read_hubspot_error_leniently("BatchError", &mut renamed));
        assert_eq!(renamed, standard_error());

        let TypeKind::Struct(mut without_links) = standard_error() else {
            unreachable!()
        };
        without_links.fields.retain(|f| f.wire_name != "links");
        let mut kind = TypeKind::Struct(without_links);
        let before = kind.clone();
        assert!(!read_hubspot_error_leniently("StandardError", &mut kind));
        assert_eq!(kind, before);

        let TypeKind::Struct(mut closed) = standard_error() else {
            unreachable!()
        };
        closed.extra = None;
        let mut kind = TypeKind::Struct(closed);
        assert!(!read_hubspot_error_leniently("StandardError", &mut kind));

        let mut enum_kind = TypeKind::Alias(TypeRef::String);
        assert!(!read_hubspot_error_leniently("Error", &mut enum_kind));
    }
}
