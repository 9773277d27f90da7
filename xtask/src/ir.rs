//! The intermediate model: plain data between lowering and emitting.
//!
//! Every name here is final (a valid, unique Rust identifier); the emitter only spells it.
//! Nothing in this module knows about `openapiv3` or token streams.

use std::collections::BTreeMap;

/// Everything generated from one run: one module per API and version.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    /// Sorted by API, then by module name.
    pub modules: Vec<Module>,
    /// The types several modules define alike, written once for all of them.
    pub shared: SharedTypes,
}

/// The types several modules define alike, and which modules (indexes into `Api::modules`)
/// use each (`lower/shared.rs`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SharedTypes {
    pub types: BTreeMap<String, (TypeDef, std::collections::BTreeSet<usize>)>,
}

impl SharedTypes {
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.types.values().map(|(def, _)| def)
    }

    /// Whether module `module`'s type `name` is the shared one (rather than its own).
    pub fn serves(&self, module: usize, name: &str) -> bool {
        self.types
            .get(name)
            .is_some_and(|(_, users)| users.contains(&module))
    }

    /// The modules that use any shared type.
    pub fn users(&self) -> std::collections::BTreeSet<usize> {
        self.types
            .values()
            .flat_map(|(_, users)| users.iter().copied())
            .collect()
    }
}

/// One version of one API, e.g. `v4` or `2026-03`, merged from all its documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The API's module when the crate holds several APIs (`contacts`), `None` when it holds
    /// one: then its versions sit at the crate root.
    pub api: Option<String>,
    /// The version's Rust module name, e.g. `v2026_03`.
    pub name: String,
    /// The version as the documents spell it (`info.version`), e.g. `2026-03`.
    pub version: String,
    /// The documents this module was generated from, as named in messages.
    pub sources: Vec<String>,
    /// What each document says of itself, in the order of `sources`.
    pub about: Vec<About>,
    /// Keyed and therefore emitted in order of Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Sorted by function name.
    pub operations: Vec<Operation>,
    /// The structs the batch operations' inputs and results reach that hold record ids, by
    /// name: how the batch helper matches results and errors to inputs.
    pub record_ids: BTreeMap<String, RecordIds>,
}

impl Module {
    /// The Rust path from the crate root: `contacts::v3`, or `v4`.
    pub fn path(&self) -> String {
        self.segments().join("::")
    }

    /// The directory under `src/`: `contacts/v3`, or `v4`.
    pub fn dir(&self) -> String {
        self.segments().join("/")
    }

    /// The cargo feature that turns the module on: `contacts_v3`, or `v4`.
    pub fn feature(&self) -> String {
        self.segments().join("_")
    }

    fn segments(&self) -> Vec<&str> {
        self.api
            .iter()
            .map(String::as_str)
            .chain([self.name.as_str()])
            .collect()
    }
}

/// What a document says of itself (`info`).
#[derive(Clone, Debug, PartialEq)]
pub struct About {
    /// `info.title` without version words or repeated words: `Automation Actions V4` is
    /// `Automation Actions`.
    pub title: String,
    /// `info.description`, unless empty or boilerplate.
    pub description: Option<String>,
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
    pub ok: Option<ResponseBody>,
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
    /// A CRM search (`POST .../search` with `filterGroups`, or `x-search`): paced on the
    /// search limit of its own, and paged past HubSpot's 10,000-result cap by the client.
    pub search: bool,
    /// Whether the request carries the client's access token.
    pub auth: Auth,
    /// The wire names of every secret the request or its answers may hold (parameters,
    /// fields of the body and answer types, however deep, and parts), sorted: the runtime
    /// keeps their values out of `Debug`, logs and errors.
    pub secrets: Vec<String>,
}

/// Whether an operation sends the access token (`Authorization: Bearer`), from its
/// `security` or else the document's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Sent with the token; a client without one refuses it before sending. Any non-empty
    /// security requirement.
    Required,
    /// Sent with the token when the client has one: an empty requirement (`{}`) among the
    /// alternatives, or no `security` anywhere in the document.
    Optional,
    /// Never sent with the token: `security: []` (OAuth's token endpoints).
    Anonymous,
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
    /// How many inputs one request may carry.
    pub limit: BatchLimit,
}

/// The most inputs one request of a batch operation may carry (`lower/batch_limits.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchLimit {
    pub max: u32,
    pub source: LimitSource,
    /// A lower limit while the body asks for something costlier.
    pub lower: Option<LowerLimit>,
}

/// Where a batch limit comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitSource {
    /// `maxItems` on the body's `inputs`.
    MaxItems,
    /// `x-batch-max` on the operation.
    Extension,
    /// HubSpot's documented limit for this API family.
    Table(&'static str),
    /// A batch endpoint of a family nobody documented.
    Default,
}

/// A lower batch limit while the body sets `field` (a non-empty list, or any other value).
#[derive(Clone, Debug, PartialEq)]
pub struct LowerLimit {
    /// The body's property, by its wire name (`propertiesWithHistory`).
    pub field: String,
    pub max: u32,
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

/// A struct that holds record ids (the runtime's `ObjectIds`).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordIds {
    /// Its fields that hold ids, themselves or through other such structs (Rust names).
    pub fields: Vec<String>,
    /// The one record it is about, if it has a single first id.
    pub own: Option<OwnRecord>,
}

/// The record a batch input or result is about (the runtime's `OwnId`).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnRecord {
    /// The fields from the struct to the id.
    pub path: Vec<FieldStep>,
    /// The `context` keys under which HubSpot's batch errors name the record.
    pub keys: Vec<String>,
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
    /// A credential (`hapikey`, an OAuth `code`): kept out of `Debug`, logs and errors.
    pub secret: bool,
}

/// A request body: what the request function takes, and how it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub kind: BodyKind,
    pub required: bool,
    /// The `Content-Type` it is sent with (for multipart, the boundary is added when sent).
    pub media_type: String,
    /// The other media types the document offers for it, which are not used.
    pub alternatives: Vec<String>,
}

impl Body {
    /// The type of a JSON body.
    pub fn json(&self) -> Option<&TypeRef> {
        match &self.kind {
            BodyKind::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// What a request body is on the wire, and so what the function takes for it.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// JSON of this type.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`: the properties of this type (an object) as pairs.
    Form(TypeRef),
    /// `multipart/form-data`.
    Multipart(Multipart),
    /// Text the caller writes (`text/plain`).
    Text,
    /// Bytes from memory, a file or a stream (`application/octet-stream`, images, ...).
    Binary,
}

/// A multipart form of typed fields and files.
#[derive(Clone, Debug, PartialEq)]
pub struct Multipart {
    /// The struct of parts the function takes; `None` when the document lists no parts, and
    /// the caller builds the form.
    pub struct_name: Option<String>,
    /// In the order they are sent: fields first, then files, so a server reads what a file
    /// is before the file.
    pub parts: Vec<Part>,
}

/// One property of a multipart body: a field of the struct and a part of the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The Rust field name.
    pub name: String,
    /// The form field's name.
    pub wire_name: String,
    pub doc: Option<String>,
    pub required: bool,
    pub kind: PartKind,
    /// A credential: its value is kept out of `Debug`.
    pub secret: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PartKind {
    /// A file (`type: string, format: binary`).
    File,
    /// Files under one name (an array of those); none is an empty list.
    Files,
    /// A value sent as text: a string, number, boolean, date, id or enum.
    Text(TypeRef),
    /// A value sent as JSON: an object, array or any other shape.
    Json(TypeRef),
}

/// A success answer's body.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    /// JSON of this type.
    Json(TypeRef),
    /// Text (`text/plain`, `text/csv`): a `String`.
    Text {
        /// What the request accepts.
        media_types: Vec<String>,
    },
    /// Anything else (`application/octet-stream`, images, spreadsheets): the bytes.
    Binary {
        /// What the request accepts; none is anything.
        media_types: Vec<String>,
    },
}

impl ResponseBody {
    /// The type of a JSON body.
    pub fn json(&self) -> Option<&TypeRef> {
        match self {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// The `components/schemas` name this type comes from, if it is not an inline schema.
    pub schema_name: Option<String>,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A named schema that is just another type (`type Ids = Vec<String>`).
    Alias(TypeRef),
}

/// An object schema with known properties.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Where properties the schema does not name are kept; `None` when the schema forbids
    /// them (`additionalProperties: false`).
    pub extra: Option<ExtraField>,
    /// Optional fields whose value does not fit are kept in `extra` instead of failing the
    /// whole value (`x-lenient: true`, for error schemas).
    pub lenient: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// May be `null` on the wire.
    pub nullable: bool,
    /// A credential (`client_secret`, `access_token`, ...): its value is kept out of `Debug`.
    pub secret: bool,
}

impl Field {
    /// Fields that may be absent or null are `Option`s in Rust.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }

    /// A field as lowering makes one from a plain property: named after `wire`, without
    /// doc, not nullable, not secret. For tests.
    #[cfg(test)]
    pub fn plain(wire: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: crate::naming::value_name(wire),
            wire_name: wire.to_owned(),
            doc: None,
            ty,
            required,
            nullable: false,
            secret: false,
        }
    }
}

/// The map that keeps properties a struct does not declare.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExtraField {
    pub name: String,
    pub value: TypeRef,
}

/// A string enum. Values not listed deserialise into the `fallback` variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Enum {
    pub variants: Vec<Variant>,
    pub fallback: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    pub wire: String,
}

/// `oneOf` / `anyOf`: the first alternative that fits the JSON wins.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// How a type reference is written: as generated code names it (`::chrono::DateTime<::chrono::Utc>`,
/// `crate::runtime::ObjectId`, `::std::collections::BTreeMap<String, T>`), or as messages and
/// reports name it, short and without paths (`DateTime<Utc>`, `ObjectId`, `Map<String, T>`,
/// and no `Box`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    Code,
    Short,
}

impl TypeRef {
    /// The one printer of a type reference.
    pub fn spelled(&self, spelling: Spelling) -> String {
        let code = spelling == Spelling::Code;
        let pick = |code_name: &str, short: &str| if code { code_name } else { short }.to_owned();
        match self {
            TypeRef::String => "String".to_owned(),
            TypeRef::Boolean => "bool".to_owned(),
            TypeRef::I32 => "i32".to_owned(),
            TypeRef::I64 => "i64".to_owned(),
            TypeRef::F32 => "f32".to_owned(),
            TypeRef::F64 => "f64".to_owned(),
            TypeRef::DateTime => pick("::chrono::DateTime<::chrono::Utc>", "DateTime<Utc>"),
            TypeRef::Date => pick("::chrono::NaiveDate", "NaiveDate"),
            TypeRef::ObjectId => pick("crate::runtime::ObjectId", "ObjectId"),
            TypeRef::Json => pick("::serde_json::Value", "Value"),
            TypeRef::Named(name) => name.clone(),
            TypeRef::List(inner) => format!("Vec<{}>", inner.spelled(spelling)),
            TypeRef::Map(inner) if code => format!(
                "::std::collections::BTreeMap<String, {}>",
                inner.spelled(spelling)
            ),
            TypeRef::Map(inner) => format!("Map<String, {}>", inner.spelled(spelling)),
            TypeRef::Boxed(inner) if code => format!("Box<{}>", inner.spelled(spelling)),
            TypeRef::Boxed(inner) => inner.spelled(spelling),
        }
    }

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

    /// Points the reference at the new name of a renamed type, however deep it mentions it.
    pub fn rename(&mut self, renames: &Renames) {
        match self {
            TypeRef::Named(name) => rename(name, renames),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
                inner.rename(renames)
            }
            _ => {}
        }
    }
}

/// Old type names to new ones.
pub type Renames = BTreeMap<String, String>;

fn rename(name: &mut String, renames: &Renames) {
    if let Some(new) = renames.get(name.as_str()) {
        name.clone_from(new);
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
        self.name == other.name
            && self.schema_name == other.schema_name
            && self.kind.shape() == other.kind.shape()
    }

    /// Points every reference in the definition at the new names of renamed types. A union
    /// alternative named after the type it holds takes the type's new name.
    pub fn rename_mentions(&mut self, renames: &Renames) {
        let slots: Vec<Slot> = self.children().into_iter().map(|(slot, _)| slot).collect();
        for slot in slots {
            if let Some(ty) = self.child_mut(slot) {
                ty.rename(renames);
            }
        }
        if let TypeKind::Union(union) = &mut self.kind {
            for i in 0..union.variants.len() {
                let Some(new) = renames.get(&union.variants[i].name) else {
                    continue;
                };
                let held = union.variants[i].ty.as_named() == Some(new.as_str());
                if held && union.variants.iter().all(|v| &v.name != new) {
                    union.variants[i].name.clone_from(new);
                }
            }
        }
    }
}

impl TypeKind {
    /// The kind without its documentation: what makes two types the same type.
    pub fn shape(&self) -> TypeKind {
        let mut kind = self.clone();
        if let TypeKind::Struct(s) = &mut kind {
            s.fields.iter_mut().for_each(|f| f.doc = None);
        }
        kind
    }
}

impl Operation {
    /// Points every type the operation names at the new names of renamed types. Every field
    /// is named here, so a new one that holds a type cannot be forgotten.
    pub fn rename_types(&mut self, renames: &Renames) {
        let Operation {
            name: _,
            method: _,
            path: _,
            summary: _,
            doc: _,
            params,
            query_struct,
            body,
            ok,
            partial,
            idempotent: _,
            paging,
            batch,
            search: _,
            auth: _,
            secrets: _,
        } = self;
        for param in params {
            let Param {
                name: _,
                wire_name: _,
                location: _,
                ty,
                required: _,
                doc: _,
                cursor: _,
                secret: _,
            } = param;
            ty.rename(renames);
        }
        if let Some(query) = query_struct {
            rename(query, renames);
        }
        if let Some(Body {
            kind,
            required: _,
            media_type: _,
            alternatives: _,
        }) = body
        {
            match kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) => ty.rename(renames),
                BodyKind::Multipart(Multipart { struct_name, parts }) => {
                    if let Some(struct_name) = struct_name {
                        rename(struct_name, renames);
                    }
                    for Part {
                        name: _,
                        wire_name: _,
                        doc: _,
                        required: _,
                        kind,
                        secret: _,
                    } in parts
                    {
                        match kind {
                            PartKind::Text(ty) | PartKind::Json(ty) => ty.rename(renames),
                            PartKind::File | PartKind::Files => {}
                        }
                    }
                }
                BodyKind::Text | BodyKind::Binary => {}
            }
        }
        match ok {
            Some(ResponseBody::Json(ty)) => ty.rename(renames),
            Some(
                ResponseBody::Text { media_types: _ } | ResponseBody::Binary { media_types: _ },
            )
            | None => {}
        }
        if let Some(ty) = partial {
            ty.rename(renames);
        }
        if let Some(Page {
            type_name,
            items: _,
            item,
            next: _,
        }) = paging
        {
            rename(type_name, renames);
            item.rename(renames);
        }
        if let Some(Batch {
            input,
            input_after,
            outputs,
            limit: _,
        }) = batch
        {
            input.rename(renames);
            if let Some((input_struct, _)) = input_after {
                rename(input_struct, renames);
            }
            for output in outputs {
                let BatchOutput {
                    type_name,
                    results: _,
                    item,
                    errors: _,
                    item_paging,
                } = output;
                rename(type_name, renames);
                item.rename(renames);
                if let Some(page) = item_paging {
                    rename(&mut page.type_name, renames);
                }
            }
        }
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

    /// Whether a value of this reference (aliases not followed) is written as text in a URL
    /// or a form field: a scalar, a date, a record id or a string enum.
    fn is_text(&self, ty: &TypeRef) -> bool;
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

    fn is_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(name) => {
                matches!(self.get(name).map(|d| &d.kind), Some(TypeKind::Enum(_)))
            }
            TypeRef::String
            | TypeRef::Boolean
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::ObjectId => true,
            TypeRef::Json | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Boxed(_) => false,
        }
    }
}

/// As messages and reports name it (`Spelling::Short`).
impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.spelled(Spelling::Short))
    }
}
