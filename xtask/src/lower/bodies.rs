//! Request and response bodies of every media type: which one an operation uses when it
//! offers several (JSON first), and what it becomes: JSON of a type, a form, a multipart form
//! of typed fields and files, text, or bytes. Nothing a document describes is dropped: what
//! cannot be typed as written is typed more loosely, with a warning.

use indexmap::IndexMap;
use openapiv3::{
    MediaType, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::names::Wanted;
use super::refs;
use super::schema::{AsSchema, Hint, Lowerer};
use super::secrets;
use crate::error::{Pointer, Result};
use crate::ir::{Body, BodyKind, Multipart, Part, PartKind, ResponseBody, TypeRef, Types};
use crate::load::Document;
use crate::naming::{self, Namespace};

/// What a body of one media type is, in order of preference when an operation offers
/// several: JSON keeps its types, a form and a multipart form keep theirs field by field,
/// text and bytes are what the caller writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

/// A media type without parameters, lower case: `text/plain; charset=utf-8` is `text/plain`.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// JSON bodies, including HubSpot's `*/*` for its shared error response.
pub(super) fn is_json_media_type(media: &str) -> bool {
    let media = essence(media);
    media == "application/json"
        || media == "*/*"
        || media == "application/*"
        || media.ends_with("+json")
}

fn kind(doc: &Document, media: &str, content: &MediaType) -> Kind {
    let essence = essence(media);
    match essence.as_str() {
        "multipart/form-data" => Kind::Multipart,
        "application/x-www-form-urlencoded" => Kind::Form,
        // `*/*` is JSON in HubSpot's documents, unless its schema says bytes.
        _ if content.schema.as_ref().is_some_and(|s| is_binary(doc, s)) => Kind::Binary,
        _ if is_json_media_type(&essence) => Kind::Json,
        _ if essence.starts_with("text/")
            || essence == "application/xml"
            || essence.ends_with("+xml") =>
        {
            Kind::Text
        }
        _ => Kind::Binary,
    }
}

/// `type: string, format: binary`, written out or behind `$ref`s.
fn is_binary<S: AsSchema>(doc: &Document, schema: &ReferenceOr<S>) -> bool {
    let schema = match schema {
        ReferenceOr::Item(schema) => schema.as_schema(),
        ReferenceOr::Reference { reference } => {
            match refs::deref::<Schema>(doc, reference, &Pointer::root()) {
                Ok(found) => found.value,
                Err(_) => return false,
            }
        }
    };
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(string))
            if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
    )
}

/// The items of an array schema of files.
fn is_binary_array<S: AsSchema>(doc: &Document, schema: &ReferenceOr<S>) -> bool {
    let ReferenceOr::Item(schema) = schema else {
        return false;
    };
    match &schema.as_schema().schema_kind {
        SchemaKind::Type(Type::Array(array)) => array
            .items
            .as_ref()
            .is_some_and(|items| is_binary(doc, items)),
        _ => false,
    }
}

/// The media type to send bytes as: the document's, unless it is a range (`image/*`).
fn concrete(media: &str) -> String {
    if media.contains('*') {
        "application/octet-stream".to_owned()
    } else {
        media.to_owned()
    }
}

impl<'a> Lowerer<'a> {
    /// The request body: the media type it is sent as (the first of JSON, form, multipart,
    /// text and bytes the document offers) and what the function takes for it.
    pub(super) fn lower_body(
        &mut self,
        doc: &'a Document,
        op: &'a openapiv3::Operation,
        type_base: &str,
        at: &Pointer,
    ) -> Result<Option<Body>> {
        let Some(body) = &op.request_body else {
            return Ok(None);
        };
        let (body, body_at) = refs::item(doc, body, &at.join("requestBody"))?;
        let content_at = body_at.join("content");
        let Some((media, content, kind)) = body
            .content
            .iter()
            .map(|(media, content)| (media, content, kind(doc, media, content)))
            .min_by_key(|(_, _, kind)| *kind)
        else {
            self.warn(
                doc,
                &content_at,
                "a request body without a media type is not sent",
            );
            return Ok(None);
        };
        let alternatives = body
            .content
            .keys()
            .filter(|other| *other != media)
            .cloned()
            .collect();
        let schema_at = content_at.join(media).join("schema");
        let hint = Hint::new(format!("{type_base}Body"));
        let (kind, media_type) = match kind {
            Kind::Json => (
                BodyKind::Json(self.body_type(doc, content, &schema_at, &hint)?),
                media.clone(),
            ),
            Kind::Form => {
                let ty = self.body_type(doc, content, &schema_at, &hint)?;
                if !self.is_object(&ty) {
                    self.warn_of_type(
                        doc,
                        &schema_at,
                        "a form body of type ".to_owned(),
                        &ty,
                        " is not an object: the request fails unless its value serialises to one",
                    );
                }
                (BodyKind::Form(ty), essence(media))
            }
            Kind::Multipart => (
                BodyKind::Multipart(self.lower_multipart(doc, content, &schema_at, type_base)?),
                essence(media),
            ),
            Kind::Text => {
                let is_string = |schema: &Schema| {
                    matches!(schema.schema_kind, SchemaKind::Type(Type::String(_)))
                };
                if content
                    .schema
                    .as_ref()
                    .and_then(|s| s.as_item())
                    .is_some_and(|s| !is_string(s))
                {
                    self.warn(
                        doc,
                        &schema_at,
                        "a text body whose schema is not a string is sent as text the caller writes",
                    );
                }
                (BodyKind::Text, media.clone())
            }
            Kind::Binary => (BodyKind::Binary, concrete(media)),
        };
        // An empty form is what a form with no field set sends: forms are always taken, and
        // their fields say what is optional.
        let required = body.required || matches!(kind, BodyKind::Form(_) | BodyKind::Multipart(_));
        Ok(Some(Body {
            kind,
            required,
            media_type,
            alternatives,
        }))
    }

    /// The body of one answer, if it documents one: JSON if it is offered, else text if
    /// every media type is text, else bytes.
    pub(super) fn response_body(
        &mut self,
        doc: &'a Document,
        content: &'a IndexMap<String, MediaType>,
        content_at: &Pointer,
        hint: &Hint,
    ) -> Result<Option<ResponseBody>> {
        let kinds: Vec<(&String, &MediaType, Kind)> = content
            .iter()
            .map(|(media, content)| (media, content, kind(doc, media, content)))
            .collect();
        if let Some((media, content, _)) = kinds.iter().find(|(_, _, kind)| *kind == Kind::Json) {
            let schema_at = content_at.join(media.as_str()).join("schema");
            return Ok(Some(ResponseBody::Json(
                self.body_type(doc, content, &schema_at, hint)?,
            )));
        }
        if kinds.is_empty() {
            return Ok(None);
        }
        let media_types = kinds.iter().map(|(media, _, _)| (*media).clone()).collect();
        Ok(Some(
            if kinds.iter().all(|(_, _, kind)| *kind == Kind::Text) {
                ResponseBody::Text { media_types }
            } else {
                ResponseBody::Binary { media_types }
            },
        ))
    }

    /// The type of a JSON or form body; any JSON value when it has no schema.
    fn body_type(
        &mut self,
        doc: &'a Document,
        content: &'a MediaType,
        schema_at: &Pointer,
        hint: &Hint,
    ) -> Result<TypeRef> {
        match &content.schema {
            Some(schema) => self.type_ref(doc, schema, schema_at, hint),
            None => Ok(TypeRef::Json),
        }
    }

    /// A multipart body's parts: each property of its object schema is a field of the
    /// function's struct, sent as a file, as text or as JSON.
    fn lower_multipart(
        &mut self,
        doc: &'a Document,
        content: &'a MediaType,
        schema_at: &Pointer,
        type_base: &str,
    ) -> Result<Multipart> {
        let object = match &content.schema {
            Some(schema) => {
                let (schema, at) = refs::item(doc, schema, schema_at)?;
                match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                        Some((object, at))
                    }
                    _ => None,
                }
            }
            None => None,
        };
        let Some((object, at)) = object else {
            self.warn(
                doc,
                schema_at,
                "a multipart body that lists no properties: the function takes a `Multipart` the caller builds",
            );
            return Ok(Multipart {
                parts_struct: None,
                parts: Vec::new(),
            });
        };
        let parts_struct = self.operation_struct(format!("{type_base}Body"));
        let parent = Wanted::name_of(parts_struct);
        let mut names = Namespace::new();
        let (mut fields, mut files) = (Vec::new(), Vec::new());
        let siblings: Vec<&str> = object.properties.keys().map(String::as_str).collect();
        for (wire, property) in &object.properties {
            let property_at = at.join("properties").join(wire);
            // A file's type for the name rule: bytes, never a flag.
            let mut ty = TypeRef::String;
            let kind = if is_binary(doc, property) {
                PartKind::File
            } else if is_binary_array(doc, property) {
                PartKind::Files
            } else {
                let hint = Hint::property(&parent, wire);
                ty = self.type_ref(doc, property, &property_at, &hint)?;
                if self.is_text(&ty) {
                    PartKind::Text(ty.clone())
                } else {
                    PartKind::Json(ty.clone())
                }
            };
            let secret = secrets::property(doc, wire, &siblings, property, &ty, &property_at)?;
            let part = Part {
                name: names.claim(&naming::value_name(wire)),
                wire_name: wire.clone(),
                doc: property
                    .as_item()
                    .and_then(|p| p.as_schema().schema_data.description.clone()),
                required: object.required.contains(wire),
                kind,
                secret,
            };
            match part.kind {
                PartKind::File | PartKind::Files => files.push(part),
                _ => fields.push(part),
            }
        }
        fields.extend(files);
        Ok(Multipart {
            parts_struct: Some(parts_struct),
            parts: fields,
        })
    }

    /// A value written as text in a form: a scalar, a date, an id or a string enum.
    fn is_text(&self, ty: &TypeRef) -> bool {
        let types = self.types_ref();
        types.is_text(types.resolve(ty))
    }

    /// A type whose values serialise to JSON objects, or may.
    fn is_object(&self, ty: &TypeRef) -> bool {
        let types = self.types_ref();
        types.struct_of(ty).is_some()
            || matches!(types.resolve(ty), TypeRef::Map(_) | TypeRef::Json)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn media(schema: serde_json::Value) -> MediaType {
        serde_json::from_value(json!({ "schema": schema })).unwrap()
    }

    #[test]
    fn media_types_sort_into_kinds_by_name_and_schema() {
        let doc = crate::load::parse_str(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                "components": {"schemas": {"Blob": {"type": "string", "format": "binary"}}}}"#,
            "t.json",
            true,
        )
        .unwrap();
        let text = media(json!({"type": "string"}));
        let bytes = media(json!({"$ref": "#/components/schemas/Blob"}));
        let cases = [
            ("*/*", &text, Kind::Json),
            ("*/*", &bytes, Kind::Binary),
            ("application/json; charset=utf-8", &text, Kind::Json),
            ("application/x-www-form-urlencoded", &text, Kind::Form),
            ("Multipart/Form-Data", &text, Kind::Multipart),
            ("text/csv", &text, Kind::Text),
            ("text/csv", &bytes, Kind::Binary),
            ("application/problem+xml", &text, Kind::Text),
            ("image/png", &text, Kind::Binary),
        ];
        for (name, content, expected) in cases {
            assert_eq!(kind(&doc, name, content), expected, "{name}");
        }
    }

    #[test]
    fn json_is_preferred_then_forms_then_text_then_bytes() {
        let mut kinds = [
            Kind::Binary,
            Kind::Text,
            Kind::Multipart,
            Kind::Form,
            Kind::Json,
        ];
        kinds.sort();
        assert_eq!(
            kinds,
            [
                Kind::Json,
                Kind::Form,
                Kind::Multipart,
                Kind::Text,
                Kind::Binary
            ]
        );
        assert_eq!(concrete("image/*"), "application/octet-stream");
        assert_eq!(concrete("image/png"), "image/png");
    }
}
