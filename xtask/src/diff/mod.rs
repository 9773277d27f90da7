//! `cargo xtask diff OLD NEW`: what a spec update does to the generated code, and what that
//! means for the crate's version.
//!
//! Both sides are lowered to the intermediate model and compared by Rust name, which is what
//! user code sees: operations and types added, removed, and changed (fields, parameters,
//! bodies, responses, enum values, descriptions). Each change is classed by what it does to
//! code written against the old side (`Class`: breaking, compatible addition,
//! documentation-only), and the report ends in the version bump that implies (`Verdict`).
//! `markdown.rs` writes the same report as a changelog section.

mod class;
mod markdown;

use std::collections::BTreeSet;
use std::fmt::{self, Write};

pub use class::{Bump, Class, Verdict};
pub use markdown::changelog_section;

use crate::ir::{
    Api, Auth, Body, BodyKind, Module, Operation, ParamLocation, Part, PartKind, ResponseBody,
    Spelling, TypeDef, TypeKind, TypeRef, TypeTable,
};

/// Differences between two sides, as report lines.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub sections: Vec<Section>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Section {
    /// `old module -> new module`.
    pub title: String,
    /// The Rust path of the module compared: the new side's, or the old side's when the new
    /// side has none.
    pub module: String,
    pub operations: Vec<Change>,
    pub types: Vec<Change>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// A name and what it is (`GET /path`, `struct, 3 fields`): a compatible addition.
    Added(String, String),
    /// A name and what it was: breaking.
    Removed(String, String),
    /// A name and each thing that changed about it, each with its own class.
    Changed(String, Vec<Detail>),
}

/// One thing that changed about an operation or a type.
#[derive(Debug, PartialEq, Eq)]
pub struct Detail {
    /// What changed, in the report's words (`field `x` removed`).
    pub text: String,
    pub class: Class,
}

impl Detail {
    fn new(class: Class, text: impl Into<String>) -> Detail {
        Detail {
            text: text.into(),
            class,
        }
    }

    fn breaking(text: impl Into<String>) -> Detail {
        Detail::new(Class::Breaking, text)
    }

    fn addition(text: impl Into<String>) -> Detail {
        Detail::new(Class::Addition, text)
    }

    fn documentation(text: impl Into<String>) -> Detail {
        Detail::new(Class::Documentation, text)
    }
}

impl Change {
    /// The Rust name of the operation or type.
    pub fn name(&self) -> &str {
        match self {
            Change::Added(name, _) | Change::Removed(name, _) | Change::Changed(name, _) => name,
        }
    }

    /// The class of each change this stands for: one for an addition or removal, one per
    /// detail otherwise.
    pub fn classes(&self) -> Vec<Class> {
        match self {
            Change::Added(..) => vec![Class::Addition],
            Change::Removed(..) => vec![Class::Breaking],
            Change::Changed(_, details) => details.iter().map(|d| d.class).collect(),
        }
    }
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.sections
            .iter()
            .all(|s| s.operations.is_empty() && s.types.is_empty())
    }

    /// How many changes of each class the report holds.
    pub fn verdict(&self) -> Verdict {
        let mut verdict = Verdict::default();
        for section in &self.sections {
            for change in section.operations.iter().chain(&section.types) {
                for class in change.classes() {
                    verdict.count(class);
                }
            }
        }
        verdict
    }
}

/// Compares two sides. With one version on each side those two are compared; otherwise
/// versions are matched by module name.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut report = Report::default();
    if let ([old], [new]) = (old.modules.as_slice(), new.modules.as_slice()) {
        report.sections.push(diff_modules(old, new));
        return report;
    }
    let paths: BTreeSet<String> = old
        .modules
        .iter()
        .chain(&new.modules)
        .map(Module::path)
        .collect();
    for path in paths {
        let find = |api: &'_ Api| api.modules.iter().find(|m| m.path() == path).cloned();
        let empty = |like: &Module| Module {
            api: like.api.clone(),
            name: like.name.clone(),
            version: String::new(),
            sources: Vec::new(),
            about: Vec::new(),
            types: Default::default(),
            operations: Vec::new(),
            record_ids: Default::default(),
        };
        match (find(old), find(new)) {
            (Some(o), Some(n)) => report.sections.push(diff_modules(&o, &n)),
            (Some(o), None) => report.sections.push(diff_modules(&o, &empty(&o))),
            (None, Some(n)) => report.sections.push(diff_modules(&empty(&n), &n)),
            (None, None) => {}
        }
    }
    report
}

/// The items of two sides paired by `key`, in key order: each key with the old side's item
/// and the new side's, either missing where that side has none.
fn paired<'a, T>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> &str,
) -> Vec<(&'a str, Option<&'a T>, Option<&'a T>)> {
    let keys: BTreeSet<&'a str> = old.iter().chain(new).map(&key).collect();
    let find = |side: &'a [T], wanted: &str| side.iter().find(|item| key(item) == wanted);
    keys.into_iter()
        .map(|k| (k, find(old, k), find(new, k)))
        .collect()
}

/// The types of the two sides, which name the types their references mention. Ids of the
/// two sides are unrelated: types are compared by name.
#[derive(Clone, Copy)]
struct Sides<'a> {
    old: &'a TypeTable,
    new: &'a TypeTable,
}

impl Sides<'_> {
    /// Whether a reference of the old side and one of the new side are the same type.
    fn same(&self, old: &TypeRef, new: &TypeRef) -> bool {
        old.translated(self.old, self.new).as_ref() == Some(new)
    }

    /// Whether a definition's kind is the same on both sides.
    fn same_kind(&self, old: &TypeKind, new: &TypeKind) -> bool {
        old.translated(self.old, self.new).as_ref() == Some(new)
    }

    /// Whether a multipart part is held alike on both sides.
    fn same_part(&self, old: &PartKind, new: &PartKind) -> bool {
        match (old, new) {
            (PartKind::File, PartKind::File) | (PartKind::Files, PartKind::Files) => true,
            (PartKind::Text(a), PartKind::Text(b)) | (PartKind::Json(a), PartKind::Json(b)) => {
                self.same(a, b)
            }
            _ => false,
        }
    }
}

/// A type reference in the report's words.
fn short(ty: &TypeRef, types: &TypeTable) -> String {
    ty.spelled(Spelling::Short, types)
}

fn diff_modules(old: &Module, new: &Module) -> Section {
    let title = format!("{} -> {}", label(old), label(new));
    let sides = Sides {
        old: &old.types,
        new: &new.types,
    };
    let mut operations = Vec::new();
    for (name, o, n) in paired(&old.operations, &new.operations, |o| &o.name) {
        match (o, n) {
            (Some(o), Some(n)) => {
                let changes = operation_changes(o, n, sides);
                if !changes.is_empty() {
                    operations.push(Change::Changed(name.to_owned(), changes));
                }
            }
            (Some(o), None) => operations.push(Change::Removed(name.to_owned(), endpoint(o))),
            (None, Some(n)) => operations.push(Change::Added(name.to_owned(), endpoint(n))),
            (None, None) => {}
        }
    }
    let mut types = Vec::new();
    let names_of = |types: &'_ TypeTable| -> Vec<String> {
        types
            .iter()
            .map(|(id, _)| types.name(id).to_owned())
            .collect()
    };
    let names: BTreeSet<String> = names_of(&old.types)
        .into_iter()
        .chain(names_of(&new.types))
        .collect();
    for name in names {
        match (defined(&old.types, &name), defined(&new.types, &name)) {
            (Some(o), Some(n)) => {
                let changes = type_changes(o, n, sides);
                if !changes.is_empty() {
                    types.push(Change::Changed(name, changes));
                }
            }
            (Some(o), None) => types.push(Change::Removed(name, kind(o, &old.types))),
            (None, Some(n)) => types.push(Change::Added(name, kind(n, &new.types))),
            (None, None) => {}
        }
    }
    let module = if new.version.is_empty() { old } else { new }.path();
    Section {
        title,
        module,
        operations,
        types,
    }
}

/// The definition of the type of this name.
fn defined<'t>(types: &'t TypeTable, name: &str) -> Option<&'t TypeDef> {
    types.get(types.id_of(name)?)
}

fn label(m: &Module) -> String {
    if m.version.is_empty() {
        "(none)".to_owned()
    } else {
        format!("{} ({})", m.version, m.path())
    }
}

fn endpoint(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

fn kind(t: &TypeDef, types: &TypeTable) -> String {
    match &t.kind {
        TypeKind::Struct(s) => format!("struct, {}", counted(s.fields.len(), "field")),
        TypeKind::Enum(e) => format!("enum, {}", counted(e.variants.len(), "value")),
        TypeKind::Union(u) => format!("one of {} types", u.variants.len()),
        TypeKind::Alias(target) => format!("= {}", short(target, types)),
    }
}

/// A request body as the function takes it, and how it is sent when that is not JSON.
fn request_body(body: Option<&Body>, types: &TypeTable) -> String {
    let Some(body) = body else {
        return "()".to_owned();
    };
    match &body.kind {
        BodyKind::Json(ty) => short(ty, types),
        BodyKind::Form(ty) => format!("{} as a form", short(ty, types)),
        BodyKind::Multipart(form) => match form.parts_struct {
            Some(id) => format!("{} as multipart", types.name(id)),
            None => "Multipart".to_owned(),
        },
        BodyKind::Text => format!("text ({})", body.media_type),
        BodyKind::Binary => format!("bytes ({})", body.media_type),
    }
}

/// A success body as the function returns it.
fn response_body(body: Option<&ResponseBody>, types: &TypeTable) -> String {
    match body {
        None => "()".to_owned(),
        Some(ResponseBody::Json(ty)) => short(ty, types),
        Some(ResponseBody::Text { .. }) => "String".to_owned(),
        Some(ResponseBody::Binary { .. }) => "Vec<u8>".to_owned(),
    }
}

/// The path without version segments, so `/crm/v4/associations/...` and
/// `/crm/associations/2026-03/...` compare equal.
fn path_shape(path: &str) -> String {
    path.split('/')
        .filter(|s| !crate::naming::is_version(s))
        .collect::<Vec<_>>()
        .join("/")
}

/// A description, without surrounding blanks; none when empty.
fn trimmed(description: &Option<String>) -> Option<&str> {
    description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

/// Whether a text (`description`, `summary`) changed: `Some` with the words for it, `None`
/// when it did not.
fn described(what: &str, old: &Option<String>, new: &Option<String>) -> Option<String> {
    match (trimmed(old), trimmed(new)) {
        (a, b) if a == b => None,
        (None, Some(_)) => Some(format!("{what} added")),
        (Some(_), None) => Some(format!("{what} removed")),
        _ => Some(format!("{what} changed")),
    }
}

fn operation_changes(old: &Operation, new: &Operation, sides: Sides) -> Vec<Detail> {
    let mut changes = Vec::new();
    if old.method != new.method || path_shape(&old.path) != path_shape(&new.path) {
        changes.push(Detail::breaking(format!(
            "endpoint: {} -> {}",
            endpoint(old),
            endpoint(new)
        )));
    }
    param_changes(old, new, sides, &mut changes);
    let old_query = old.query_struct.map(|id| sides.old.name(id));
    let new_query = new.query_struct.map(|id| sides.new.name(id));
    match (old_query, new_query) {
        (None, Some(query)) => changes.push(Detail::breaking(format!(
            "now takes its optional query parameters as `{query}`"
        ))),
        (Some(query), None) => changes.push(Detail::breaking(format!("no longer takes `{query}`"))),
        (Some(a), Some(b)) if a != b => {
            changes.push(Detail::breaking(format!("query struct: {a} -> {b}")))
        }
        _ => {}
    }
    let (old_body, new_body) = (
        request_body(old.body.as_ref(), sides.old),
        request_body(new.body.as_ref(), sides.new),
    );
    if old_body != new_body {
        changes.push(Detail::breaking(format!("body: {old_body} -> {new_body}")));
    } else if let (Some(a), Some(b)) = (&old.body, &new.body) {
        if a.required != b.required {
            changes.push(Detail::breaking(if b.required {
                "body is now required"
            } else {
                "body is now optional"
            }));
        }
        if let (BodyKind::Multipart(a), BodyKind::Multipart(b)) = (&a.kind, &b.kind) {
            part_changes(&a.parts, &b.parts, sides, &mut changes);
        }
    }
    let (old_ok, new_ok) = (
        response_body(old.ok.as_ref(), sides.old),
        response_body(new.ok.as_ref(), sides.new),
    );
    if old_ok != new_ok {
        changes.push(Detail::breaking(format!("response: {old_ok} -> {new_ok}")));
    }
    // A 207 makes the function return `Outcome`: any change of it changes the return type.
    match (&old.partial, &new.partial) {
        (Some(_), None) => {
            changes.push(Detail::breaking("no longer answers 207 (partial success)"))
        }
        (None, Some(p)) => changes.push(Detail::breaking(format!(
            "may answer 207 (partial success) with {}",
            short(p, sides.new)
        ))),
        (Some(o), Some(n)) if !sides.same(o, n) => changes.push(Detail::breaking(format!(
            "207 response: {} -> {}",
            short(o, sides.old),
            short(n, sides.new)
        ))),
        _ => {}
    }
    if old.idempotent != new.idempotent {
        // Fewer retries surface errors that callers did not see before.
        let class = if new.idempotent {
            Class::Addition
        } else {
            Class::Breaking
        };
        changes.push(Detail::new(
            class,
            format!(
                "retried after ambiguous failures: {} -> {}",
                old.idempotent, new.idempotent
            ),
        ));
    }
    if old.auth != new.auth {
        // Requiring the token fails a client without one; not requiring it fails no one.
        let class = if new.auth == Auth::Required {
            Class::Breaking
        } else {
            Class::Addition
        };
        changes.push(Detail::new(
            class,
            format!(
                "access token: {} -> {}",
                token_use(old.auth),
                token_use(new.auth)
            ),
        ));
    }
    if let Some(words) = described("summary", &old.summary, &new.summary) {
        changes.push(Detail::documentation(words));
    }
    if let Some(words) = described("description", &old.doc, &new.doc) {
        changes.push(Detail::documentation(words));
    }
    changes
}

/// Parameters by name, then the order of the function's arguments.
fn param_changes(old: &Operation, new: &Operation, sides: Sides, changes: &mut Vec<Detail>) {
    for (name, o, n) in paired(&old.params, &new.params, |p| &p.name) {
        match (o, n) {
            (Some(_), None) => {
                changes.push(Detail::breaking(format!("parameter `{name}` removed")))
            }
            (None, Some(p)) => {
                // An optional query parameter is a field of the query struct; any other is
                // an argument of the function.
                let class = if p.location == ParamLocation::Query && !p.required {
                    Class::Addition
                } else {
                    Class::Breaking
                };
                changes.push(Detail::new(
                    class,
                    format!(
                        "parameter `{name}` added ({}{}, {})",
                        if p.location == ParamLocation::Path {
                            "path"
                        } else {
                            "query"
                        },
                        if p.required { ", required" } else { "" },
                        short(&p.ty, sides.new)
                    ),
                ));
            }
            (Some(o), Some(n)) => {
                if !sides.same(&o.ty, &n.ty) {
                    changes.push(Detail::breaking(format!(
                        "parameter `{name}`: {} -> {}",
                        short(&o.ty, sides.old),
                        short(&n.ty, sides.new)
                    )));
                }
                if o.required != n.required {
                    changes.push(Detail::breaking(format!(
                        "parameter `{name}` is {}",
                        if n.required {
                            "now required"
                        } else {
                            "now optional"
                        }
                    )));
                }
                if let Some(words) = described("description", &o.doc, &n.doc) {
                    changes.push(Detail::documentation(format!(
                        "parameter `{name}`: {words}"
                    )));
                }
            }
            (None, None) => {}
        }
    }
    // Path and required query parameters are the function's arguments, in this order.
    let arguments = |op: &Operation| -> Vec<String> {
        op.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path || p.required)
            .map(|p| p.name.clone())
            .collect()
    };
    let (a, b) = (arguments(old), arguments(new));
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    if a != b && sorted(a.clone()) == sorted(b.clone()) {
        changes.push(Detail::breaking(format!(
            "arguments reordered: ({}) -> ({})",
            a.join(", "),
            b.join(", ")
        )));
    }
}

/// A multipart part as its field holds it.
fn part_kind(kind: &PartKind, types: &TypeTable) -> String {
    match kind {
        PartKind::File => "file".to_owned(),
        PartKind::Files => "files".to_owned(),
        PartKind::Text(ty) => short(ty, types),
        PartKind::Json(ty) => format!("{} as JSON", short(ty, types)),
    }
}

/// The parts of a multipart body, fields of the struct the function takes.
fn part_changes(old: &[Part], new: &[Part], sides: Sides, changes: &mut Vec<Detail>) {
    // A list of files is empty when not given: it is optional whatever the document says.
    let required = |p: &Part| p.required && p.kind != PartKind::Files;
    for (wire, o, n) in paired(old, new, |p| &p.wire_name) {
        match (o, n) {
            (Some(_), None) => changes.push(Detail::breaking(format!("part `{wire}` removed"))),
            (None, Some(p)) => changes.push(Detail::new(
                if required(p) {
                    Class::Breaking
                } else {
                    Class::Addition
                },
                format!(
                    "part `{wire}` added ({}{})",
                    part_kind(&p.kind, sides.new),
                    if required(p) { ", required" } else { "" }
                ),
            )),
            (Some(a), Some(b)) => {
                if !sides.same_part(&a.kind, &b.kind) {
                    changes.push(Detail::breaking(format!(
                        "part `{wire}`: {} -> {}",
                        part_kind(&a.kind, sides.old),
                        part_kind(&b.kind, sides.new)
                    )));
                }
                if required(a) != required(b) {
                    changes.push(Detail::breaking(format!(
                        "part `{wire}` is {}",
                        if required(b) {
                            "now required"
                        } else {
                            "now optional"
                        }
                    )));
                }
                if let Some(words) = described("description", &a.doc, &b.doc) {
                    changes.push(Detail::documentation(format!("part `{wire}`: {words}")));
                }
            }
            (None, None) => {}
        }
    }
}

/// How an operation uses the access token, in the report's words.
fn token_use(auth: Auth) -> &'static str {
    match auth {
        Auth::Required => "required",
        Auth::Optional => "sent if the client has one",
        Auth::Anonymous => "never sent",
    }
}

/// What changed about a type. A struct's `new` takes its required fields, so a field that
/// becomes required, or is added required, changes `new`: breaking, whether the type goes
/// into requests or only comes in answers (code may build those too, for tests).
fn type_changes(old: &TypeDef, new: &TypeDef, sides: Sides) -> Vec<Detail> {
    let mut changes = Vec::new();
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(o), TypeKind::Struct(n)) => {
            for (wire, a, b) in paired(&o.fields, &n.fields, |f| &f.wire_name) {
                match (a, b) {
                    (Some(_), None) => {
                        changes.push(Detail::breaking(format!("field `{wire}` removed")))
                    }
                    (None, Some(f)) => {
                        // `new` takes the required fields; an optional one is set afterwards.
                        let class = if f.required {
                            Class::Breaking
                        } else {
                            Class::Addition
                        };
                        let required = if f.required { ", required" } else { "" };
                        changes.push(Detail::new(
                            class,
                            format!(
                                "field `{wire}` added ({}{required})",
                                short(&f.ty, sides.new)
                            ),
                        ));
                    }
                    (Some(a), Some(b)) => {
                        if !sides.same(&a.ty, &b.ty) {
                            changes.push(Detail::breaking(format!(
                                "field `{wire}`: {} -> {}",
                                short(&a.ty, sides.old),
                                short(&b.ty, sides.new)
                            )));
                        }
                        if a.is_option() != b.is_option() {
                            changes.push(Detail::breaking(format!(
                                "field `{wire}` is {}",
                                if b.is_option() {
                                    "now optional"
                                } else {
                                    "now required"
                                }
                            )));
                        } else if a.required != b.required {
                            // Both `Option`s (one nullable), but `new` takes required fields.
                            changes.push(Detail::breaking(format!(
                                "field `{wire}` is {} by `new`",
                                if b.required {
                                    "now taken"
                                } else {
                                    "no longer taken"
                                }
                            )));
                        }
                        if let Some(words) = described("description", &a.doc, &b.doc) {
                            changes.push(Detail::documentation(format!("field `{wire}`: {words}")));
                        }
                    }
                    (None, None) => {}
                }
            }
            if o.extra.is_some() != n.extra.is_some() {
                changes.push(if n.extra.is_some() {
                    Detail::addition("now keeps undeclared properties")
                } else {
                    Detail::breaking("now rejects undeclared properties")
                });
            }
        }
        (TypeKind::Enum(o), TypeKind::Enum(n)) => {
            let values = |e: &crate::ir::Enum| {
                e.variants
                    .iter()
                    .map(|v| v.wire.clone())
                    .collect::<BTreeSet<_>>()
            };
            let (a, b) = (values(o), values(n));
            for added in b.difference(&a) {
                changes.push(Detail::addition(format!("value `{added}` added")));
            }
            for removed in a.difference(&b) {
                changes.push(Detail::breaking(format!("value `{removed}` removed")));
            }
        }
        (o, n) if !sides.same_kind(o, n) => changes.push(Detail::breaking(format!(
            "{} -> {}",
            kind(old, sides.old),
            kind(new, sides.new)
        ))),
        _ => {}
    }
    if let Some(words) = described("description", &old.doc, &new.doc) {
        changes.push(Detail::documentation(words));
    }
    changes
}

impl fmt::Display for Report {
    /// Each section's changes, a class after each addition, removal and detail, then the
    /// verdict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for section in &self.sections {
            writeln!(f, "{}", section.title)?;
            for (heading, changes) in [
                ("operations", &section.operations),
                ("types", &section.types),
            ] {
                let count = |pick: fn(&Change) -> bool| changes.iter().filter(|c| pick(c)).count();
                writeln!(
                    f,
                    "  {heading}: {} added, {} removed, {} changed",
                    count(|c| matches!(c, Change::Added(..))),
                    count(|c| matches!(c, Change::Removed(..))),
                    count(|c| matches!(c, Change::Changed(..)))
                )?;
                for change in changes {
                    let mut line = String::new();
                    match change {
                        Change::Added(name, what) => {
                            write!(line, "    + {name}: {what} [{}]", Class::Addition)?
                        }
                        Change::Removed(name, what) => {
                            write!(line, "    - {name}: {what} [{}]", Class::Breaking)?
                        }
                        Change::Changed(name, details) => {
                            write!(line, "    ~ {name}")?;
                            for detail in details {
                                write!(line, "\n        {} [{}]", detail.text, detail.class)?;
                            }
                        }
                    }
                    writeln!(f, "{line}")?;
                }
            }
        }
        writeln!(f, "{}", self.verdict())
    }
}

/// `1 field`, `8 fields`.
fn counted(count: usize, what: &str) -> String {
    if count == 1 {
        format!("1 {what}")
    } else {
        format!("{count} {what}s")
    }
}
