//! The intermediate model: plain data between lowering and emitting.
//!
//! Every name here is final (a valid, unique Rust identifier); the emitter only spells it.
//! Types are known by id (`TypeId`) into their module's `TypeTable`, which holds each type's
//! name, given once at the end of lowering. Nothing in this module knows about `openapiv3` or
//! token streams.

use std::collections::{BTreeMap, BTreeSet};

/// Everything generated from one run: one module per API and version.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    /// Sorted by API, then by module name.
    pub modules: Vec<Module>,
    /// The types several modules define alike, written once for all of them.
    pub shared: SharedTypes,
}

/// The types several modules define alike (`lower/shared.rs`), in order of name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SharedTypes {
    types: Vec<SharedType>,
    /// Each module's types that are shared ones: (module, id).
    served: BTreeSet<(usize, TypeId)>,
}

/// One type several modules define alike.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedType {
    /// Each module that uses it (an index into `Api::modules`), with the type's id there.
    pub ids: BTreeMap<usize, TypeId>,
}

impl SharedType {
    /// The module whose definition is written (the first that uses it; all are alike), and
    /// the type's id there.
    pub fn written(&self) -> (usize, TypeId) {
        let (&module, &id) = self.ids.first_key_value().expect("a shared type has users");
        (module, id)
    }
}

impl SharedTypes {
    /// `types` in order of name.
    pub fn new(types: Vec<SharedType>) -> Self {
        let served = types
            .iter()
            .flat_map(|t| t.ids.iter().map(|(&module, &id)| (module, id)))
            .collect();
        SharedTypes { types, served }
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// In order of name.
    pub fn types(&self) -> &[SharedType] {
        &self.types
    }

    /// Whether module `module`'s type `id` is a shared one (rather than its own).
    pub fn serves(&self, module: usize, id: TypeId) -> bool {
        self.served.contains(&(module, id))
    }

    /// The modules that use any shared type.
    pub fn users(&self) -> BTreeSet<usize> {
        self.served.iter().map(|&(module, _)| module).collect()
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
    /// Every type of the module, by id, with its name.
    pub types: TypeTable,
    /// Sorted by function name.
    pub operations: Vec<Operation>,
    /// The structs the batch operations' inputs and results reach that hold record ids: how
    /// the batch helper matches results and errors to inputs.
    pub record_ids: BTreeMap<TypeId, RecordIds>,
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
    /// The struct that holds the optional query parameters, if there are any (a type of the
    /// module without a definition: this operation's parameters are its fields).
    pub query_struct: Option<TypeId>,
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
    pub type_id: TypeId,
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
    pub input_after: Option<(TypeId, String)>,
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
    pub type_id: TypeId,
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
    pub type_id: TypeId,
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
    /// The struct of parts the function takes (a type of the module without a definition:
    /// the parts are its fields); `None` when the document lists no parts, and the caller
    /// builds the form.
    pub parts_struct: Option<TypeId>,
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

/// A type the module defines. Its name is its table's (`TypeTable::name`).
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
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
    /// After the type it holds, given with the type names (`lower/names.rs`); empty until
    /// then.
    pub name: String,
    pub ty: TypeRef,
}

/// A type of one module: its place in the module's `TypeTable`, which holds its name and
/// definition. Ids of two modules, or of two lowerings of one document, are unrelated: types
/// of different modules compare by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);

impl TypeId {
    /// The type at `index` of its table.
    pub fn new(index: usize) -> TypeId {
        TypeId(u32::try_from(index).expect("fewer than 2^32 types in a module"))
    }

    /// Its place in its table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A module's types, each known by its `TypeId` and named once, at the end of lowering
/// (`lower/names.rs`). Each is a definition, or a struct an operation defines beside its
/// function (`Operation::query_struct`, `Multipart::parts_struct`), which has only its name
/// here: the operation holds its fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeTable {
    /// By id: each type's name and definition.
    entries: Vec<(String, Option<TypeDef>)>,
    /// The ids of the definitions in order of name: the order they are written in.
    by_name: Vec<TypeId>,
}

impl TypeTable {
    /// The table of `entries`, by id: each type's name and definition (`None` for an
    /// operation's struct). Names are unique.
    pub fn new(entries: Vec<(String, Option<TypeDef>)>) -> TypeTable {
        let mut by_name: Vec<TypeId> = entries
            .iter()
            .enumerate()
            .filter(|(_, (_, def))| def.is_some())
            .map(|(i, _)| TypeId::new(i))
            .collect();
        by_name.sort_unstable_by(|a, b| entries[a.index()].0.cmp(&entries[b.index()].0));
        TypeTable { entries, by_name }
    }

    /// A type's name.
    pub fn name(&self, id: TypeId) -> &str {
        &self.entries[id.index()].0
    }

    /// A type's definition; `None` for an operation's struct.
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.entries.get(id.index())?.1.as_ref()
    }

    pub fn get_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.entries.get_mut(id.index())?.1.as_mut()
    }

    /// The defined type of this name.
    pub fn id_of(&self, name: &str) -> Option<TypeId> {
        let found = self.by_name.binary_search_by(|id| self.name(*id).cmp(name));
        found.ok().map(|i| self.by_name[i])
    }

    /// The definitions, in order of name.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.by_name
            .iter()
            .filter_map(|&id| Some((id, self.get(id)?)))
    }

    /// How many types are defined.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// Where the type printer finds the names of types: a module's `TypeTable`, or while
/// lowering, the names types have so far.
pub trait TypeNames {
    fn type_name(&self, id: TypeId) -> &str;
}

impl TypeNames for TypeTable {
    fn type_name(&self, id: TypeId) -> &str {
        self.name(id)
    }
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
    /// A type of the same module.
    Named(TypeId),
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
    /// The one printer of a type reference; `names` names the types it mentions.
    pub fn spelled(&self, spelling: Spelling, names: &(impl TypeNames + ?Sized)) -> String {
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
            TypeRef::Named(id) => names.type_name(*id).to_owned(),
            TypeRef::List(inner) => format!("Vec<{}>", inner.spelled(spelling, names)),
            TypeRef::Map(inner) if code => format!(
                "::std::collections::BTreeMap<String, {}>",
                inner.spelled(spelling, names)
            ),
            TypeRef::Map(inner) => format!("Map<String, {}>", inner.spelled(spelling, names)),
            TypeRef::Boxed(inner) if code => format!("Box<{}>", inner.spelled(spelling, names)),
            TypeRef::Boxed(inner) => inner.spelled(spelling, names),
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
    pub fn mentioned(&self) -> Option<TypeId> {
        self.walk().find_map(TypeRef::as_named)
    }

    /// The reference a value holds in place, past any `Box`.
    pub fn unboxed(&self) -> &TypeRef {
        self.walk()
            .find(|ty| !matches!(ty, TypeRef::Boxed(_)))
            .unwrap_or(self)
    }

    /// The type, if this reference is exactly one of the module's.
    pub fn as_named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// The same reference in another module: the type it mentions (named in `from`) as `to`
    /// names it. `None` when `to` defines no type of that name.
    pub fn translated(&self, from: &TypeTable, to: &TypeTable) -> Option<TypeRef> {
        Some(match self {
            TypeRef::Named(id) => TypeRef::Named(to.id_of(from.name(*id))?),
            TypeRef::List(inner) => TypeRef::List(Box::new(inner.translated(from, to)?)),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(inner.translated(from, to)?)),
            TypeRef::Boxed(inner) => TypeRef::Boxed(Box::new(inner.translated(from, to)?)),
            other => other.clone(),
        })
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
    /// Equal apart from documentation: two documents may describe the same schema in
    /// different words and still mean the same type.
    pub fn same_shape(&self, other: &TypeDef) -> bool {
        self.schema_name == other.schema_name && self.kind.shape() == other.kind.shape()
    }

    /// The same definition in another module: each type it mentions (named in `from`) as `to`
    /// names it. `None` when `to` defines no type of one of those names.
    pub fn translated(&self, from: &TypeTable, to: &TypeTable) -> Option<TypeDef> {
        Some(TypeDef {
            schema_name: self.schema_name.clone(),
            doc: self.doc.clone(),
            kind: self.kind.translated(from, to)?,
        })
    }
}

impl TypeKind {
    /// Every type reference the definition holds, with where: struct fields, then the extra
    /// map's values; union alternatives; an alias's target.
    pub fn children(&self) -> Vec<(Slot, &TypeRef)> {
        match self {
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
        match (self, slot) {
            (TypeKind::Struct(s), Slot::Field(i)) => s.fields.get_mut(i).map(|f| &mut f.ty),
            (TypeKind::Struct(s), Slot::Extra) => s.extra.as_mut().map(|e| &mut e.value),
            (TypeKind::Union(u), Slot::Variant(i)) => u.variants.get_mut(i).map(|v| &mut v.ty),
            (TypeKind::Alias(target), Slot::Target) => Some(target),
            _ => None,
        }
    }

    /// The kind without its documentation: what makes two types the same type.
    pub fn shape(&self) -> TypeKind {
        let mut kind = self.clone();
        if let TypeKind::Struct(s) = &mut kind {
            s.fields.iter_mut().for_each(|f| f.doc = None);
        }
        kind
    }

    /// The same kind in another module (`TypeRef::translated` for each reference it holds).
    pub fn translated(&self, from: &TypeTable, to: &TypeTable) -> Option<TypeKind> {
        let mut kind = self.clone();
        for (slot, ty) in self.children() {
            let translated = ty.translated(from, to)?;
            if let Some(child) = kind.child_mut(slot) {
                *child = translated;
            }
        }
        Some(kind)
    }
}

/// Lookups on a module's types by id, the same while lowering (the definitions so far, by
/// id) and while emitting (`TypeTable`).
pub trait Types {
    /// A type's definition, if it has one (yet).
    fn def(&self, id: TypeId) -> Option<&TypeDef>;

    /// How many types there are: no chain of aliases is longer.
    fn count(&self) -> usize;

    /// What a reference stands for: through any chain of aliases to the type at its end.
    /// Other references are themselves.
    fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut ty = ty;
        // Bounded: lowering asks before `cycles` has refused aliases of themselves.
        for _ in 0..=self.count() {
            match ty
                .as_named()
                .and_then(|id| self.def(id))
                .map(|def| &def.kind)
            {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => break,
            }
        }
        ty
    }

    /// The struct a reference holds in place (through `Box` and aliases), with its id.
    fn struct_of<'t>(&'t self, ty: &TypeRef) -> Option<(TypeId, &'t Struct)> {
        let id = self.resolve(ty.unboxed()).as_named()?;
        match &self.def(id)?.kind {
            TypeKind::Struct(s) => Some((id, s)),
            _ => None,
        }
    }

    /// Whether a value of this reference (aliases not followed) is written as text in a URL
    /// or a form field: a scalar, a date, a record id or a string enum.
    fn is_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(id) => {
                matches!(self.def(*id).map(|d| &d.kind), Some(TypeKind::Enum(_)))
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

impl Types for TypeTable {
    fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.get(id)
    }

    fn count(&self) -> usize {
        self.entries.len()
    }
}

/// The definitions so far, by id, while lowering: `None` for a type not defined yet (a
/// component schema not lowered yet) or without a definition (an operation's struct).
impl Types for [Option<TypeDef>] {
    fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.get(id.index())?.as_ref()
    }

    fn count(&self) -> usize {
        self.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(target: TypeRef) -> Option<TypeDef> {
        Some(TypeDef {
            schema_name: None,
            doc: None,
            kind: TypeKind::Alias(target),
        })
    }

    #[test]
    fn a_table_names_every_type_and_lists_its_definitions_by_name() {
        let table = TypeTable::new(vec![
            ("Zebra".to_owned(), alias(TypeRef::String)),
            ("ListQuery".to_owned(), None),
            ("Apple".to_owned(), alias(TypeRef::I64)),
        ]);
        let listed: Vec<&str> = table.iter().map(|(id, _)| table.name(id)).collect();
        assert_eq!(listed, ["Apple", "Zebra"]);
        assert_eq!(table.len(), 2);
        let query = TypeId::new(1);
        assert_eq!(table.name(query), "ListQuery");
        assert_eq!(table.get(query), None);
        assert_eq!(table.id_of("ListQuery"), None);
        assert_eq!(table.id_of("Zebra"), Some(TypeId::new(0)));
        assert_eq!(
            TypeRef::List(Box::new(TypeRef::Named(TypeId::new(2))))
                .spelled(Spelling::Short, &table),
            "Vec<Apple>"
        );
    }

    #[test]
    fn references_move_between_modules_by_name() {
        let old = TypeTable::new(vec![
            ("A".to_owned(), alias(TypeRef::String)),
            ("B".to_owned(), alias(TypeRef::String)),
        ]);
        let new = TypeTable::new(vec![
            ("B".to_owned(), alias(TypeRef::String)),
            ("C".to_owned(), alias(TypeRef::String)),
        ]);
        let (old_b, new_b) = (TypeId::new(1), TypeId::new(0));
        let boxed_list = |id| TypeRef::List(Box::new(TypeRef::Boxed(Box::new(TypeRef::Named(id)))));
        assert_eq!(
            boxed_list(old_b).translated(&old, &new),
            Some(boxed_list(new_b))
        );
        // `A` is not in the new module.
        assert_eq!(TypeRef::Named(TypeId::new(0)).translated(&old, &new), None);
        let kind = TypeKind::Alias(TypeRef::Named(old_b));
        let in_new = kind.translated(&old, &new);
        assert_eq!(in_new, Some(TypeKind::Alias(TypeRef::Named(new_b))));
    }
}
