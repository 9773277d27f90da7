//! The intermediate model: plain data between lowering and emitting.
//!
//! Every name here is final (a valid, unique Rust identifier); the emitter only spells it.
//! Nothing in this module knows about `openapiv3` or token streams.

use std::collections::BTreeMap;

/// Everything generated from one run: one module per API version.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    /// Sorted by module name.
    pub modules: Vec<Module>,
}

/// One API version, e.g. `v4` or `2026-03`, merged from all its documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The Rust module name and cargo feature, e.g. `v2026_03`.
    pub name: String,
    /// The version as the documents spell it (`info.version`), e.g. `2026-03`.
    pub version: String,
    /// The documents this module was generated from, as named in messages.
    pub sources: Vec<String>,
    /// Keyed and therefore emitted in order of Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Sorted by function name.
    pub operations: Vec<Operation>,
}

/// One operation of the API: a request function.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The function name, from method and path (or `x-rust-name`).
    pub name: String,
    pub method: HttpMethod,
    /// The path template as the document writes it, e.g. `/crm/v4/objects/{objectType}`.
    pub path: String,
    pub summary: Option<String>,
    pub doc: Option<String>,
    /// Path parameters in template order, then query parameters.
    pub params: Vec<Param>,
    /// The struct that holds the optional query parameters, if there are any.
    pub query_struct: Option<String>,
    pub body: Option<Body>,
    /// The body of a full success, `None` when success has no body (204).
    pub ok: Option<TypeRef>,
    /// The body of a 207 partial success, when the operation documents one.
    pub partial: Option<TypeRef>,
    /// Sending it twice has the effect of sending it once, so it may be retried after an
    /// ambiguous failure.
    pub idempotent: bool,
    /// The item type of the batch inputs (`inputs: [...]` in the body), for batch helpers.
    pub batch_input: Option<TypeRef>,
}

/// The methods the generator makes request functions for; the runtime's `Method` has a
/// variant of each name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
    ];

    /// As HTTP spells it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// The method of an OpenAPI path item key (`get`), if requests of it are generated.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(key))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub ty: TypeRef,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// The `components/schemas` name this type comes from, if it is not an inline schema.
    pub schema_name: Option<String>,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A named schema that is just another type (`type Ids = Vec<String>`).
    Alias(TypeRef),
}

/// An object schema with known properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Where properties the schema does not name are kept; `None` when the schema forbids
    /// them (`additionalProperties: false`).
    pub extra: Option<ExtraField>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// May be `null` on the wire.
    pub nullable: bool,
}

impl Field {
    /// Fields that may be absent or null are `Option`s in Rust.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

/// The map that keeps properties a struct does not declare.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraField {
    pub name: String,
    pub value: TypeRef,
}

/// A string enum. Values not listed deserialise into the `fallback` variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    pub fallback: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    pub wire: String,
}

/// `oneOf` / `anyOf`: the first alternative that fits the JSON wins.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
}

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Boolean,
    I32,
    I64,
    F32,
    F64,
    /// `format: date-time`.
    DateTime,
    /// `format: date`.
    Date,
    /// A record id: accepts a JSON string or number, sends a string.
    ObjectId,
    /// Any JSON value: for schemas that leave the shape open.
    Json,
    /// A type defined in the same module.
    Named(String),
    List(Box<TypeRef>),
    /// An object with arbitrary keys.
    Map(Box<TypeRef>),
    /// Indirection that breaks a cycle of types containing each other.
    Boxed(Box<TypeRef>),
}

impl TypeDef {
    /// Equal apart from documentation: two documents may describe the same schema in
    /// different words and still mean the same type.
    pub fn same_shape(&self, other: &TypeDef) -> bool {
        fn strip(t: &TypeDef) -> TypeDef {
            let mut t = t.clone();
            t.doc = None;
            if let TypeKind::Struct(s) = &mut t.kind {
                s.fields.iter_mut().for_each(|f| f.doc = None);
            }
            t
        }
        strip(self) == strip(other)
    }
}
