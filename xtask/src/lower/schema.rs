//! Schemas to types: components first, then the inline schemas of operations.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, ObjectType, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use super::extensions;
use super::names::{self, Names, Wanted};
use super::quirks;
use super::refs::{self, MAX_REF_DEPTH};
use super::secrets;
use super::shapes::Shapes;
use crate::error::{Error, Pointer, Result, Warning};
use crate::ir::{
    Enum, ExtraField, Field, Spelling, Struct, TypeDef, TypeId, TypeKind, TypeRef, TypeTable,
    Union, UnionVariant, Variant,
};
use crate::load::Document;
use crate::naming::{self, Namespace};

/// What a schema becomes: a type of its own, or a use of an existing or built-in type.
enum Lowered {
    Nominal(TypeKind),
    Ref(TypeRef),
}

/// What to call an inline schema that needs a type of its own.
#[derive(Clone)]
pub(super) struct Hint {
    pub(super) name: Wanted,
    /// The schema is a property that holds a record id.
    pub(super) object_id: bool,
}

impl Hint {
    pub(super) fn new(name: impl Into<String>) -> Self {
        Hint {
            name: Wanted::words(name),
            object_id: false,
        }
    }

    pub(super) fn property(parent: &Wanted, wire: &str) -> Self {
        Hint {
            name: parent.followed_by(&naming::type_name(wire)),
            object_id: naming::is_object_id_property(wire),
        }
    }

    fn suffixed(&self, suffix: &str) -> Self {
        Hint {
            name: self.name.followed_by(suffix),
            object_id: false,
        }
    }
}

/// A warning as lowering meets it: the type it names, if any (`before`, the type, `after`),
/// is named when lowering is done.
#[derive(PartialEq)]
struct PendingWarning {
    file: String,
    pointer: Pointer,
    before: String,
    ty: Option<TypeRef>,
    after: String,
}

pub(super) struct Lowerer<'a> {
    pub(super) docs: &'a [&'a Document],
    /// Every type of the module by id, with its definition once it has one (a component
    /// schema before it is lowered, and an operation's struct, have none).
    pub(super) types: Vec<Option<TypeDef>>,
    /// What each type asks to be called, for the naming step at the end (`names.rs`).
    pub(super) names: Names,
    /// Component schema name to type, shared by all documents of the module.
    components: BTreeMap<String, TypeId>,
    /// Where each type was first defined, for messages about conflicting definitions.
    pub(super) origins: BTreeMap<TypeId, (String, Pointer)>,
    /// Inline types by shape, so that one shape is one type.
    pub(super) shapes: Shapes,
    /// The inline schemas being lowered, by pointer, innermost last: `allOf` copies a
    /// component's properties into the struct it makes, so a property that leads back
    /// through `allOf` to that component would be lowered inside itself forever.
    inline_stack: Vec<String>,
    warnings: Vec<PendingWarning>,
}

impl<'a> Lowerer<'a> {
    pub(super) fn new(docs: &'a [&'a Document]) -> Self {
        let schema_names: BTreeSet<&String> = docs
            .iter()
            .filter_map(|d| d.api.components.as_ref())
            .flat_map(|c| c.schemas.keys())
            .collect();
        let mut lowerer = Lowerer {
            docs,
            types: Vec::new(),
            names: Names::default(),
            components: BTreeMap::new(),
            origins: BTreeMap::new(),
            shapes: Shapes::default(),
            inline_stack: Vec::new(),
            warnings: Vec::new(),
        };
        // Component schemas ask for their names first, so they keep them.
        for schema in schema_names {
            let id = lowerer.new_type();
            let wanted = Wanted::words(naming::type_name(schema));
            lowerer.names.ask(id, wanted, None);
            lowerer.components.insert(schema.clone(), id);
        }
        lowerer
    }

    /// A new type, without a definition yet.
    pub(super) fn new_type(&mut self) -> TypeId {
        let id = TypeId::new(self.types.len());
        self.types.push(None);
        id
    }

    /// A struct an operation defines beside its function (its optional query parameters,
    /// or its multipart parts), which asks to be called `wanted`.
    pub(super) fn operation_struct(&mut self, wanted: String) -> TypeId {
        let id = self.new_type();
        self.names.ask(id, Wanted::words(wanted), None);
        id
    }

    pub(super) fn types_ref(&self) -> &[Option<TypeDef>] {
        &self.types
    }

    /// The module's types, named (`names.rs`), and the warnings, which name types as
    /// lowering met them.
    pub(super) fn finish(self) -> Result<(TypeTable, Vec<Warning>)> {
        let decided = self.names.decide(self.types.len())?;
        let warnings = self
            .warnings
            .into_iter()
            .map(|w| {
                let ty =
                    w.ty.map(|ty| ty.spelled(Spelling::Short, decided.first.as_slice()));
                Warning {
                    file: w.file,
                    pointer: w.pointer,
                    message: format!("{}{}{}", w.before, ty.unwrap_or_default(), w.after),
                }
            })
            .collect();
        let entries = self
            .types
            .into_iter()
            .zip(&decided.last)
            .map(|(mut def, name)| {
                if let Some(TypeDef {
                    kind: TypeKind::Union(union),
                    ..
                }) = &mut def
                {
                    names::name_variants(union, &decided);
                }
                (name.clone(), def)
            })
            .collect();
        Ok((TypeTable::new(entries), warnings))
    }

    pub(super) fn lower_components(&mut self) -> Result<()> {
        for doc in self.docs {
            let Some(components) = &doc.api.components else {
                continue;
            };
            let mut schemas: Vec<_> = components.schemas.iter().collect();
            schemas.sort_by(|a, b| a.0.cmp(b.0));
            for (schema_name, schema) in schemas {
                let id = self.components[schema_name];
                let at = Pointer::root()
                    .join("components")
                    .join("schemas")
                    .join(schema_name);
                let (doc_text, kind) = match schema {
                    ReferenceOr::Reference { reference } => {
                        (None, TypeKind::Alias(self.named_by(doc, reference, &at)?))
                    }
                    ReferenceOr::Item(schema) => {
                        let hint = Hint {
                            name: Wanted::name_of(id),
                            object_id: false,
                        };
                        let mut kind = match self.lowered(doc, schema, &at, &hint)? {
                            Lowered::Nominal(kind) => kind,
                            Lowered::Ref(ty) => TypeKind::Alias(ty),
                        };
                        let extensions = &schema.schema_data.extensions;
                        if extensions::lenient(doc, extensions, &at)?.is_none() {
                            quirks::read_hubspot_error_leniently(schema_name, &mut kind);
                        }
                        (schema.schema_data.description.clone(), kind)
                    }
                };
                let def = TypeDef {
                    schema_name: Some(schema_name.clone()),
                    doc: doc_text,
                    kind,
                };
                self.define(id, def, doc, &at)?;
            }
        }
        Ok(())
    }

    /// The type a schema `$ref` stands for: the component schema it names, or, when the
    /// document does not define that schema, a JSON value (with a warning).
    fn named_by(&mut self, doc: &'a Document, reference: &str, at: &Pointer) -> Result<TypeRef> {
        match refs::component_if_defined::<Schema>(doc, reference, at)? {
            Some(found) => Ok(TypeRef::Named(self.components[&found.name])),
            None => {
                self.warn(
                    doc,
                    at,
                    format!(
                        "{}: typed as a JSON value",
                        refs::unknown_message(reference)
                    ),
                );
                Ok(TypeRef::Json)
            }
        }
    }

    /// Gives type `id` its definition; a component schema that another document of the
    /// module defined already must be the same type.
    pub(super) fn define(
        &mut self,
        id: TypeId,
        def: TypeDef,
        doc: &Document,
        at: &Pointer,
    ) -> Result<()> {
        if let Some(Some(existing)) = self.types.get(id.index()) {
            if existing.same_shape(&def) {
                return Ok(());
            }
            let (file, pointer) = &self.origins[&id];
            return Err(Error::spec(
                &doc.file,
                at,
                format!(
                    "type `{}` is defined differently here than at {file}: {pointer}; schemas of the same name in one version must agree",
                    self.names.first_name(id, self.types.len())
                ),
            ));
        }
        self.origins.insert(id, (doc.file.clone(), at.clone()));
        self.types[id.index()] = Some(def);
        Ok(())
    }

    /// Records a warning once: a path item's parameters are read for each of its operations.
    pub(super) fn warn(&mut self, doc: &Document, at: &Pointer, message: impl Into<String>) {
        self.add_warning(doc, at, message.into(), None, String::new());
    }

    /// Records a warning that names type `ty` between `before` and `after`, once.
    pub(super) fn warn_of_type(
        &mut self,
        doc: &Document,
        at: &Pointer,
        before: String,
        ty: &TypeRef,
        after: &str,
    ) {
        self.add_warning(doc, at, before, Some(ty.clone()), after.to_owned());
    }

    fn add_warning(
        &mut self,
        doc: &Document,
        at: &Pointer,
        before: String,
        ty: Option<TypeRef>,
        after: String,
    ) {
        let warning = PendingWarning {
            file: doc.file.clone(),
            pointer: at.clone(),
            before,
            ty,
            after,
        };
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The type of a schema in use position: a reference, a built-in type, or a new named
    /// type for an inline schema that needs one.
    pub(super) fn type_ref<S: AsSchema>(
        &mut self,
        doc: &'a Document,
        schema: &'a ReferenceOr<S>,
        at: &Pointer,
        hint: &Hint,
    ) -> Result<TypeRef> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.named_by(doc, reference, at),
            ReferenceOr::Item(schema) => schema.as_schema(),
        };
        let explicit =
            extensions::rust_name(doc, &schema.schema_data.extensions, at)?.map(naming::type_name);
        let hint = match &explicit {
            Some(name) => Hint {
                name: Wanted::words(name.clone()),
                object_id: hint.object_id,
            },
            None => hint.clone(),
        };
        let place = format!("{}#{}", doc.file, at);
        if self.inline_stack.contains(&place) {
            return Err(Error::spec(
                &doc.file,
                at,
                "this schema contains itself through `allOf`, which copies a schema's \
                 properties in place; a recursive type needs a component schema and a `$ref` \
                 to it",
            ));
        }
        self.inline_stack.push(place);
        let lowered = self.lowered(doc, schema, at, &hint);
        self.inline_stack.pop();
        let kind = match lowered? {
            Lowered::Ref(ty) => return Ok(ty),
            Lowered::Nominal(kind) => kind,
        };
        let def = TypeDef {
            schema_name: None,
            doc: schema.schema_data.description.clone(),
            kind,
        };
        self.inline_type(doc, at, def, hint.name, explicit)
    }

    fn lowered(
        &mut self,
        doc: &'a Document,
        schema: &'a Schema,
        at: &Pointer,
        hint: &Hint,
    ) -> Result<Lowered> {
        let lowered = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    Lowered::Nominal(TypeKind::Enum(lower_enum(&values)))
                } else {
                    Lowered::Ref(scalar(
                        "string",
                        format_text(&string.format).as_deref(),
                        hint,
                    ))
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    self.warn(
                        doc,
                        &at.join("enum"),
                        "integer enums are typed as plain integers",
                    );
                }
                Lowered::Ref(scalar(
                    "integer",
                    format_text(&integer.format).as_deref(),
                    hint,
                ))
            }
            SchemaKind::Type(Type::Number(number)) => Lowered::Ref(scalar(
                "number",
                format_text(&number.format).as_deref(),
                hint,
            )),
            SchemaKind::Type(Type::Boolean(_)) => Lowered::Ref(scalar("boolean", None, hint)),
            SchemaKind::Type(Type::Array(array)) => {
                Lowered::Ref(TypeRef::List(Box::new(match &array.items {
                    Some(items) => {
                        self.type_ref(doc, items, &at.join("items"), &hint.suffixed("Item"))?
                    }
                    None => TypeRef::Json,
                })))
            }
            SchemaKind::Type(Type::Object(object)) => self.object_type(doc, object, at, hint)?,
            SchemaKind::OneOf {
                one_of: alternatives,
            }
            | SchemaKind::AnyOf {
                any_of: alternatives,
            } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union_type(doc, alternatives, &at.join(keyword), hint)?
            }
            SchemaKind::AllOf { all_of: parts } => match parts.as_slice() {
                [] => Lowered::Ref(TypeRef::Json),
                [only] => {
                    Lowered::Ref(self.type_ref(doc, only, &at.join("allOf").join(0), hint)?)
                }
                _ => {
                    let merged = self.merge_all_of(doc, parts, None, at)?;
                    Lowered::Nominal(TypeKind::Struct(
                        self.lower_struct(doc, &merged, at, &hint.name)?,
                    ))
                }
            },
            SchemaKind::Not { .. } => {
                self.warn(
                    doc,
                    &at.join("not"),
                    "`not` schemas are typed as any JSON value",
                );
                Lowered::Ref(TypeRef::Json)
            }
            SchemaKind::Any(any) => self.any_type(doc, any, at, hint)?,
        };
        apply_lenient(doc, schema, at, lowered)
    }

    fn object_type(
        &mut self,
        doc: &'a Document,
        object: &'a ObjectType,
        at: &Pointer,
        hint: &Hint,
    ) -> Result<Lowered> {
        let forbids_extra = matches!(
            object.additional_properties,
            Some(AdditionalProperties::Any(false))
        );
        if !object.properties.is_empty() || forbids_extra {
            let merged = Merged::from_object(object, at);
            return Ok(Lowered::Nominal(TypeKind::Struct(
                self.lower_struct(doc, &merged, at, &hint.name)?,
            )));
        }
        Ok(Lowered::Ref(self.open_object(
            doc,
            object.additional_properties.as_ref(),
            at,
            hint,
        )?))
    }

    /// An object without declared properties: a map when its values are typed; otherwise
    /// the document says nothing more about it, and its shape is open.
    fn open_object(
        &mut self,
        doc: &'a Document,
        additional: Option<&'a AdditionalProperties>,
        at: &Pointer,
        hint: &Hint,
    ) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(values)) => TypeRef::Map(Box::new(self.type_ref(
                doc,
                values,
                &at.join("additionalProperties"),
                &hint.suffixed("Value"),
            )?)),
            _ => TypeRef::Json,
        })
    }

    fn union_type(
        &mut self,
        doc: &'a Document,
        alternatives: &'a [ReferenceOr<Schema>],
        at: &Pointer,
        hint: &Hint,
    ) -> Result<Lowered> {
        match alternatives {
            [] => Ok(Lowered::Ref(TypeRef::Json)),
            [only] => Ok(Lowered::Ref(self.type_ref(doc, only, &at.join(0), hint)?)),
            _ => {
                let mut variants = Vec::new();
                for (i, alternative) in alternatives.iter().enumerate() {
                    let ty = self.type_ref(
                        doc,
                        alternative,
                        &at.join(i),
                        &hint.suffixed(&format!("Variant{}", i + 1)),
                    )?;
                    // Named with the types (`names::name_variants`).
                    variants.push(UnionVariant {
                        name: String::new(),
                        ty,
                    });
                }
                Ok(Lowered::Nominal(TypeKind::Union(Union { variants })))
            }
        }
    }

    /// Schemas `openapiv3` could not sort into one kind: mixed keywords, or none at all.
    fn any_type(
        &mut self,
        doc: &'a Document,
        any: &'a AnySchema,
        at: &Pointer,
        hint: &Hint,
    ) -> Result<Lowered> {
        const TYPES: &[&str] = &[
            "string", "number", "integer", "boolean", "array", "object", "null",
        ];
        if let Some(ty) = &any.typ {
            if !TYPES.contains(&ty.as_str()) {
                return Err(Error::spec(
                    &doc.file,
                    &at.join("type"),
                    format!("unknown type `{ty}`; expected one of {}", TYPES.join(", ")),
                ));
            }
        }
        if !any.all_of.is_empty() {
            let own = (!any.properties.is_empty()).then(|| Merged::from_any(any, at));
            let merged = self.merge_all_of(doc, &any.all_of, own, at)?;
            return Ok(Lowered::Nominal(TypeKind::Struct(
                self.lower_struct(doc, &merged, at, &hint.name)?,
            )));
        }
        if !any.one_of.is_empty() || !any.any_of.is_empty() {
            if !any.properties.is_empty() {
                self.warn(doc, at, "properties next to `oneOf`/`anyOf` are ignored; the alternatives must declare them");
            }
            let (keyword, alternatives) = if any.one_of.is_empty() {
                ("anyOf", &any.any_of)
            } else {
                ("oneOf", &any.one_of)
            };
            return self.union_type(doc, alternatives, &at.join(keyword), hint);
        }
        let typ = any.typ.as_deref();
        if !any.properties.is_empty()
            || matches!(
                any.additional_properties,
                Some(AdditionalProperties::Any(false))
            )
        {
            let merged = Merged::from_any(any, at);
            return Ok(Lowered::Nominal(TypeKind::Struct(
                self.lower_struct(doc, &merged, at, &hint.name)?,
            )));
        }
        if typ == Some("object") || any.additional_properties.is_some() {
            return Ok(Lowered::Ref(self.open_object(
                doc,
                any.additional_properties.as_ref(),
                at,
                hint,
            )?));
        }
        if typ == Some("array") || any.items.is_some() {
            return Ok(Lowered::Ref(TypeRef::List(Box::new(match &any.items {
                Some(items) => {
                    self.type_ref(doc, items, &at.join("items"), &hint.suffixed("Item"))?
                }
                None => TypeRef::Json,
            }))));
        }
        if !any.enumeration.is_empty() {
            let strings: Vec<String> = any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let non_null = any.enumeration.iter().filter(|v| !v.is_null()).count();
            if typ.is_none_or(|t| t == "string") && !strings.is_empty() && strings.len() == non_null
            {
                return Ok(Lowered::Nominal(TypeKind::Enum(lower_enum(&strings))));
            }
            self.warn(
                doc,
                &at.join("enum"),
                "enum values that do not all match the type are typed as any JSON value",
            );
            return Ok(Lowered::Ref(TypeRef::Json));
        }
        Ok(Lowered::Ref(match typ {
            Some(typ) => scalar(typ, any.format.as_deref(), hint),
            None => TypeRef::Json,
        }))
    }

    /// Collects the properties of every `allOf` part, following `$ref`s and nested `allOf`s.
    fn merge_all_of(
        &mut self,
        doc: &'a Document,
        parts: &'a [ReferenceOr<Schema>],
        own: Option<Merged<'a>>,
        at: &Pointer,
    ) -> Result<Merged<'a>> {
        let mut merged = Merged::default();
        for (i, part) in parts.iter().enumerate() {
            self.collect_part(
                doc,
                part,
                &at.join("allOf").join(i),
                &mut merged,
                &mut Vec::new(),
            )?;
        }
        if let Some(own) = own {
            merged.absorb(own);
        }
        Ok(merged)
    }

    fn collect_part(
        &mut self,
        doc: &'a Document,
        part: &'a ReferenceOr<Schema>,
        at: &Pointer,
        merged: &mut Merged<'a>,
        seen: &mut Vec<String>,
    ) -> Result<()> {
        let (schema, at) = match part {
            ReferenceOr::Item(schema) => (schema, at.clone()),
            ReferenceOr::Reference { reference } => {
                if seen.contains(reference) || seen.len() >= MAX_REF_DEPTH {
                    return Err(Error::spec(
                        &doc.file,
                        at,
                        format!("cyclic $ref '{reference}' in allOf"),
                    ));
                }
                let Some(target) = refs::component_if_defined::<Schema>(doc, reference, at)? else {
                    // Nothing is known of the part: whatever it adds is kept in `extra`.
                    self.warn(
                        doc,
                        at,
                        format!(
                            "{}: left out of the allOf",
                            refs::unknown_message(reference)
                        ),
                    );
                    return Ok(());
                };
                seen.push(reference.clone());
                let result = self.collect_part(doc, target.value, &target.at, merged, seen);
                seen.pop();
                return result;
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                merged.absorb(Merged::from_object(object, &at))
            }
            SchemaKind::AllOf { all_of } => {
                for (i, inner) in all_of.iter().enumerate() {
                    self.collect_part(doc, inner, &at.join("allOf").join(i), merged, seen)?;
                }
            }
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                for (i, inner) in any.all_of.iter().enumerate() {
                    self.collect_part(doc, inner, &at.join("allOf").join(i), merged, seen)?;
                }
                merged.absorb(Merged::from_any(any, &at));
            }
            _ => {
                return Err(Error::spec(
                    &doc.file,
                    &at,
                    "unsupported allOf part: only object schemas can be combined with allOf",
                ))
            }
        }
        Ok(())
    }

    fn lower_struct(
        &mut self,
        doc: &'a Document,
        merged: &Merged<'a>,
        at: &Pointer,
        parent: &Wanted,
    ) -> Result<Struct> {
        let mut names = Namespace::new();
        let mut fields = Vec::with_capacity(merged.properties.len());
        let siblings: Vec<&str> = merged.properties.keys().map(String::as_str).collect();
        for (wire, (schema, prop_at)) in &merged.properties {
            let ty = self.type_ref(doc, schema, prop_at, &Hint::property(parent, wire))?;
            let secret = secrets::property(doc, wire, &siblings, *schema, &ty, prop_at)?;
            let (nullable, description) = match schema {
                ReferenceOr::Item(schema) => (
                    schema.schema_data.nullable,
                    schema.schema_data.description.clone(),
                ),
                // A reference is nullable when what it leads to is; an unusable reference
                // was refused by `type_ref` above.
                ReferenceOr::Reference { reference } => (
                    refs::deref::<Schema>(doc, reference, prop_at)
                        .is_ok_and(|found| found.value.schema_data.nullable),
                    None,
                ),
            };
            fields.push(Field {
                name: names.claim(&naming::value_name(wire)),
                wire_name: wire.clone(),
                doc: description,
                ty,
                required: merged.required.contains(wire.as_str()),
                nullable,
                secret,
            });
        }
        let extra = match merged.additional {
            Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Schema(values)) => Some(self.type_ref(
                doc,
                values,
                &at.join("additionalProperties"),
                &Hint {
                    name: parent.followed_by("Extra"),
                    object_id: false,
                },
            )?),
            _ => Some(TypeRef::Json),
        };
        Ok(Struct {
            fields,
            extra: extra.map(|value| ExtraField {
                name: names.claim("extra"),
                value,
            }),
            lenient: false,
        })
    }
}

/// The properties of an object schema, or of several merged by `allOf`, in document order.
#[derive(Default)]
struct Merged<'a> {
    properties: indexmap::IndexMap<String, (&'a ReferenceOr<Box<Schema>>, Pointer)>,
    required: BTreeSet<&'a str>,
    additional: Option<&'a AdditionalProperties>,
}

impl<'a> Merged<'a> {
    fn from_object(object: &'a ObjectType, at: &Pointer) -> Self {
        Self::from_parts(
            &object.properties,
            &object.required,
            object.additional_properties.as_ref(),
            at,
        )
    }

    fn from_any(any: &'a AnySchema, at: &Pointer) -> Self {
        Self::from_parts(
            &any.properties,
            &any.required,
            any.additional_properties.as_ref(),
            at,
        )
    }

    fn from_parts(
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        at: &Pointer,
    ) -> Self {
        Merged {
            properties: properties
                .iter()
                .map(|(name, schema)| (name.clone(), (schema, at.join("properties").join(name))))
                .collect(),
            required: required.iter().map(String::as_str).collect(),
            additional,
        }
    }

    /// Adds another part; the first part to declare a property decides its type.
    fn absorb(&mut self, other: Merged<'a>) {
        for (name, property) in other.properties {
            self.properties.entry(name).or_insert(property);
        }
        self.required.extend(other.required);
        self.additional = match (self.additional, other.additional) {
            (Some(AdditionalProperties::Any(false)), _)
            | (_, Some(AdditionalProperties::Any(false))) => {
                Some(&AdditionalProperties::Any(false))
            }
            (Some(mine), _) => Some(mine),
            (None, theirs) => theirs,
        };
    }
}

/// Lets `type_ref` take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
pub(super) trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// `x-lenient: true` on an object schema whose undeclared properties are kept as any JSON:
/// values that do not fit go there.
fn apply_lenient(
    doc: &Document,
    schema: &Schema,
    at: &Pointer,
    lowered: Lowered,
) -> Result<Lowered> {
    if extensions::lenient(doc, &schema.schema_data.extensions, at)? != Some(true) {
        return Ok(lowered);
    }
    match lowered {
        Lowered::Nominal(TypeKind::Struct(mut s))
            if s.extra.as_ref().is_some_and(|e| e.value == TypeRef::Json) =>
        {
            s.lenient = true;
            Ok(Lowered::Nominal(TypeKind::Struct(s)))
        }
        _ => Err(Error::spec(
            &doc.file,
            &at.join(extensions::X_LENIENT),
            "`x-lenient` needs an object schema with properties that keeps undeclared ones \
             (no `additionalProperties` or `additionalProperties: true`): that is where values \
             that do not fit are kept",
        )),
    }
}

fn lower_enum(values: &[String]) -> Enum {
    let mut names = Namespace::new();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|value| seen.insert(value.as_str()))
        .map(|value| Variant {
            name: names.claim(&naming::variant_name(value)),
            wire: value.clone(),
        })
        .collect();
    let fallback = if names.is_free("Unknown") {
        names.claim("Unknown")
    } else {
        names.claim("UnknownValue")
    };
    Enum { variants, fallback }
}

/// The one table of scalar types: a schema's `type` and `format` (and whether it holds a
/// record id) to a type. Anything else is any JSON value.
fn scalar(typ: &str, format: Option<&str>, hint: &Hint) -> TypeRef {
    match (typ, format) {
        ("string", Some("date-time")) => TypeRef::DateTime,
        ("string", Some("date")) => TypeRef::Date,
        ("string", None) if hint.object_id => TypeRef::ObjectId,
        ("string", _) => TypeRef::String,
        ("integer", Some("int32")) => TypeRef::I32,
        ("integer", _) => TypeRef::I64,
        ("number", Some("float")) => TypeRef::F32,
        ("number", _) => TypeRef::F64,
        ("boolean", _) => TypeRef::Boolean,
        _ => TypeRef::Json,
    }
}

/// A `format` as the document writes it (`openapiv3` parses the ones it knows into enums,
/// which serialise back to the same text).
fn format_text<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match serde_json::to_value(format).ok()? {
        serde_json::Value::String(text) => Some(text),
        _ => None,
    }
}
