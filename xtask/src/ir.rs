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
    /// How to ask for the next page, when the operation takes an `after` cursor and its
    /// success body names the next one.
    pub paging: Option<Page>,
    /// When the body is a batch of inputs (`inputs: [...]`): what the batch helpers need.
    pub batch: Option<Batch>,
}

/// A list response that names the cursor of the next page (the runtime's `Page`).
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The struct that holds one page (the success body, aliases followed).
    pub type_name: String,
    /// Its required list of items (`results`).
    pub items: String,
    pub item: TypeRef,
    pub next: Cursor,
}

/// Where the cursor of the next page is, as fields from the struct: `paging.next.after`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub paging: FieldStep,
    pub next: FieldStep,
    pub after: FieldStep,
}

/// One field on the way to a value.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldStep {
    /// The Rust field name.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// What the batch helpers need to split, send and merge a batch operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// One input: the item type of the body's required `inputs` list.
    pub input: TypeRef,
    /// When an input can ask for the next page of its own results (the runtime's
    /// `ContinueFrom`): the input struct and its optional `after` field.
    pub input_after: Option<(String, String)>,
    /// The success and 207 bodies that list results (the runtime's `BatchOutput`).
    pub outputs: Vec<BatchOutput>,
}

/// A batch response: results, and errors when it lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchOutput {
    /// The struct (aliases followed).
    pub type_name: String,
    /// Its required list of results (`results`).
    pub results: String,
    pub item: TypeRef,
    /// Its list of errors (`errors`), if it has one.
    pub errors: Option<FieldStep>,
    /// When each result pages a list of its own (batch reads), how to follow it.
    pub item_paging: Option<ResultPage>,
}

/// A batch result that pages its own list (the runtime's `PagedResult`).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultPage {
    /// The result struct (aliases followed).
    pub type_name: String,
    /// Its one required list, which later pages extend.
    pub items: String,
    pub next: Cursor,
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
    /// A paging cursor HubSpot hands out already percent-encoded: sent as given, not
    /// encoded again.
    pub cursor: bool,
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
    /// Optional fields whose value does not fit are kept in `extra` instead of failing the
    /// whole value (`x-lenient: true`, for error schemas).
    pub lenient: bool,
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

impl TypeRef {
    /// The reference a `Vec`, map or `Box` holds; `None` for the others.
    pub fn inner(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => Some(inner),
            _ => None,
        }
    }

    /// The one walk over a type reference: this reference, then each one inside it,
    /// outermost first. `Vec<Box<A>>` walks `Vec<Box<A>>`, `Box<A>`, `A`.
    pub fn walk(&self) -> impl Iterator<Item = &TypeRef> {
        std::iter::successors(Some(self), |ty| ty.inner())
    }

    /// The defined type this reference mentions, however deep: `Vec<Map<A>>` mentions `A`.
    pub fn mentioned(&self) -> Option<&str> {
        self.walk().find_map(TypeRef::as_named)
    }

    /// The reference a value holds in place, past any `Box`.
    pub fn unboxed(&self) -> &TypeRef {
        self.walk()
            .find(|ty| !matches!(ty, TypeRef::Boxed(_)))
            .unwrap_or(self)
    }

    /// The name of a defined type, if this reference is exactly one.
    pub fn as_named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// Where a type reference sits in a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The struct field at this index.
    Field(usize),
    /// The values of the struct's map of undeclared properties.
    Extra,
    /// The union alternative at this index.
    Variant(usize),
    /// What an alias stands for.
    Target,
}

impl Slot {
    /// A value of the definition holds a value of this slot's type in place, not behind a
    /// map: such slots make a recursive type infinitely large unless boxed.
    pub fn in_place(self) -> bool {
        self != Slot::Extra
    }
}

impl TypeDef {
    /// Every type reference the definition holds, with where: struct fields, then the extra
    /// map's values; union alternatives; an alias's target.
    pub fn children(&self) -> Vec<(Slot, &TypeRef)> {
        match &self.kind {
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().enumerate();
                let fields = fields.map(|(i, field)| (Slot::Field(i), &field.ty));
                let extra = s.extra.iter().map(|extra| (Slot::Extra, &extra.value));
                fields.chain(extra).collect()
            }
            TypeKind::Union(u) => {
                let variants = u.variants.iter().enumerate();
                variants.map(|(i, v)| (Slot::Variant(i), &v.ty)).collect()
            }
            TypeKind::Alias(target) => vec![(Slot::Target, target)],
            TypeKind::Enum(_) => Vec::new(),
        }
    }

    /// The type reference at `slot`, to change it.
    pub fn child_mut(&mut self, slot: Slot) -> Option<&mut TypeRef> {
        match (&mut self.kind, slot) {
            (TypeKind::Struct(s), Slot::Field(i)) => s.fields.get_mut(i).map(|f| &mut f.ty),
            (TypeKind::Struct(s), Slot::Extra) => s.extra.as_mut().map(|e| &mut e.value),
            (TypeKind::Union(u), Slot::Variant(i)) => u.variants.get_mut(i).map(|v| &mut v.ty),
            (TypeKind::Alias(target), Slot::Target) => Some(target),
            _ => None,
        }
    }

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

/// Lookups on a module's types by name, the same while lowering (before the module exists)
/// and while emitting.
pub trait Types {
    /// What a reference stands for: through any chain of aliases to the type at its end.
    /// Other references are themselves.
    fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef;

    /// The struct a reference holds in place (through `Box` and aliases), with its name.
    fn struct_of<'t>(&'t self, ty: &TypeRef) -> Option<(&'t str, &'t Struct)>;
}

impl Types for BTreeMap<String, TypeDef> {
    fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut ty = ty;
        // Bounded: lowering asks before `cycles` has refused aliases of themselves.
        for _ in 0..=self.len() {
            match ty
                .as_named()
                .and_then(|name| self.get(name))
                .map(|def| &def.kind)
            {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => break,
            }
        }
        ty
    }

    fn struct_of<'t>(&'t self, ty: &TypeRef) -> Option<(&'t str, &'t Struct)> {
        let name = self.resolve(ty.unboxed()).as_named()?;
        match self.get_key_value(name)? {
            (
                name,
                TypeDef {
                    kind: TypeKind::Struct(s),
                    ..
                },
            ) => Some((name, s)),
            _ => None,
        }
    }
}
