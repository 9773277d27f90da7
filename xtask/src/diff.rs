//! `cargo xtask diff OLD NEW`: what a spec update does to the generated code.
//!
//! Both sides are lowered to the intermediate model and compared by Rust name, which is what
//! user code sees: operations and types added, removed, and changed (fields, parameters,
//! bodies, responses, enum values).

use std::collections::BTreeSet;
use std::fmt::{self, Write};

use crate::ir::{
    Api, Auth, Body, BodyKind, Module, Operation, ParamLocation, ResponseBody, TypeDef, TypeKind,
    TypeRef,
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
    pub operations: Vec<Change>,
    pub types: Vec<Change>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Added(String, String),
    Removed(String, String),
    Changed(String, Vec<String>),
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.sections
            .iter()
            .all(|s| s.operations.is_empty() && s.types.is_empty())
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

fn diff_modules(old: &Module, new: &Module) -> Section {
    let title = format!("{} -> {}", label(old), label(new));
    let mut operations = Vec::new();
    let names: BTreeSet<&str> = old
        .operations
        .iter()
        .chain(&new.operations)
        .map(|o| o.name.as_str())
        .collect();
    for name in names {
        let find = |m: &'_ Module| m.operations.iter().find(|o| o.name == name).cloned();
        match (find(old), find(new)) {
            (Some(o), Some(n)) => {
                let changes = operation_changes(&o, &n);
                if !changes.is_empty() {
                    operations.push(Change::Changed(name.to_owned(), changes));
                }
            }
            (Some(o), None) => operations.push(Change::Removed(name.to_owned(), endpoint(&o))),
            (None, Some(n)) => operations.push(Change::Added(name.to_owned(), endpoint(&n))),
            (None, None) => {}
        }
    }
    let mut types = Vec::new();
    let names: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for name in names {
        match (old.types.get(name), new.types.get(name)) {
            (Some(o), Some(n)) => {
                let changes = type_changes(o, n);
                if !changes.is_empty() {
                    types.push(Change::Changed(name.clone(), changes));
                }
            }
            (Some(o), None) => types.push(Change::Removed(name.clone(), kind(o))),
            (None, Some(n)) => types.push(Change::Added(name.clone(), kind(n))),
            (None, None) => {}
        }
    }
    Section {
        title,
        operations,
        types,
    }
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

fn kind(t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Struct(s) => format!("struct, {} fields", s.fields.len()),
        TypeKind::Enum(e) => format!("enum, {} values", e.variants.len()),
        TypeKind::Union(u) => format!("one of {} types", u.variants.len()),
        TypeKind::Alias(target) => format!("= {}", rust(target)),
    }
}

/// A type reference as it reads in Rust.
pub fn rust(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::DateTime => "DateTime<Utc>".to_owned(),
        TypeRef::Date => "NaiveDate".to_owned(),
        TypeRef::ObjectId => "ObjectId".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", rust(inner)),
        TypeRef::Map(inner) => format!("Map<String, {}>", rust(inner)),
        TypeRef::Boxed(inner) => rust(inner),
    }
}

/// A request body as the function takes it, and how it is sent when that is not JSON.
fn request_body(body: Option<&Body>) -> String {
    let Some(body) = body else {
        return "()".to_owned();
    };
    match &body.kind {
        BodyKind::Json(ty) => rust(ty),
        BodyKind::Form(ty) => format!("{} as a form", rust(ty)),
        BodyKind::Multipart(form) => match &form.struct_name {
            Some(name) => format!("{name} as multipart"),
            None => "Multipart".to_owned(),
        },
        BodyKind::Text => format!("text ({})", body.media_type),
        BodyKind::Binary => format!("bytes ({})", body.media_type),
    }
}

/// A success body as the function returns it.
fn response_body(body: Option<&ResponseBody>) -> String {
    match body {
        None => "()".to_owned(),
        Some(ResponseBody::Json(ty)) => rust(ty),
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

fn operation_changes(old: &Operation, new: &Operation) -> Vec<String> {
    let mut changes = Vec::new();
    if old.method != new.method || path_shape(&old.path) != path_shape(&new.path) {
        changes.push(format!("endpoint: {} -> {}", endpoint(old), endpoint(new)));
    }
    let param = |op: &Operation, name: &str| op.params.iter().find(|p| p.name == name).cloned();
    let names: BTreeSet<&str> = old
        .params
        .iter()
        .chain(&new.params)
        .map(|p| p.name.as_str())
        .collect();
    for name in names {
        match (param(old, name), param(new, name)) {
            (Some(_), None) => changes.push(format!("parameter `{name}` removed")),
            (None, Some(p)) => changes.push(format!(
                "parameter `{name}` added ({}{}, {})",
                if p.location == ParamLocation::Path {
                    "path"
                } else {
                    "query"
                },
                if p.required { ", required" } else { "" },
                rust(&p.ty)
            )),
            (Some(o), Some(n)) => {
                if o.ty != n.ty {
                    changes.push(format!(
                        "parameter `{name}`: {} -> {}",
                        rust(&o.ty),
                        rust(&n.ty)
                    ));
                }
                if o.required != n.required {
                    changes.push(format!(
                        "parameter `{name}` is {}",
                        if n.required {
                            "now required"
                        } else {
                            "now optional"
                        }
                    ));
                }
            }
            (None, None) => {}
        }
    }
    let (old_body, new_body) = (
        request_body(old.body.as_ref()),
        request_body(new.body.as_ref()),
    );
    if old_body != new_body {
        changes.push(format!("body: {old_body} -> {new_body}"));
    }
    let (old_ok, new_ok) = (
        response_body(old.ok.as_ref()),
        response_body(new.ok.as_ref()),
    );
    if old_ok != new_ok {
        changes.push(format!("response: {old_ok} -> {new_ok}"));
    }
    match (&old.partial, &new.partial) {
        (Some(_), None) => changes.push("no longer answers 207 (partial success)".to_owned()),
        (None, Some(p)) => {
            changes.push(format!("may answer 207 (partial success) with {}", rust(p)))
        }
        (Some(o), Some(n)) if o != n => {
            changes.push(format!("207 response: {} -> {}", rust(o), rust(n)))
        }
        _ => {}
    }
    if old.idempotent != new.idempotent {
        changes.push(format!(
            "retried after ambiguous failures: {} -> {}",
            old.idempotent, new.idempotent
        ));
    }
    if old.auth != new.auth {
        changes.push(format!(
            "access token: {} -> {}",
            token_use(old.auth),
            token_use(new.auth)
        ));
    }
    changes
}

/// How an operation uses the access token, in the report's words.
fn token_use(auth: Auth) -> &'static str {
    match auth {
        Auth::Required => "required",
        Auth::Optional => "sent if the client has one",
        Auth::Anonymous => "never sent",
    }
}

fn type_changes(old: &TypeDef, new: &TypeDef) -> Vec<String> {
    let mut changes = Vec::new();
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(o), TypeKind::Struct(n)) => {
            let field = |s: &crate::ir::Struct, wire: &str| {
                s.fields.iter().find(|f| f.wire_name == wire).cloned()
            };
            let wires: BTreeSet<&str> = o
                .fields
                .iter()
                .chain(&n.fields)
                .map(|f| f.wire_name.as_str())
                .collect();
            for wire in wires {
                match (field(o, wire), field(n, wire)) {
                    (Some(_), None) => changes.push(format!("field `{wire}` removed")),
                    (None, Some(f)) => changes.push(format!(
                        "field `{wire}` added ({}{})",
                        rust(&f.ty),
                        if f.required { ", required" } else { "" }
                    )),
                    (Some(a), Some(b)) => {
                        if a.ty != b.ty {
                            changes.push(format!(
                                "field `{wire}`: {} -> {}",
                                rust(&a.ty),
                                rust(&b.ty)
                            ));
                        }
                        if a.is_option() != b.is_option() {
                            changes.push(format!(
                                "field `{wire}` is {}",
                                if b.is_option() {
                                    "now optional"
                                } else {
                                    "now required"
                                }
                            ));
                        }
                    }
                    (None, None) => {}
                }
            }
            if o.extra.is_some() != n.extra.is_some() {
                changes.push(
                    if n.extra.is_some() {
                        "now keeps undeclared properties"
                    } else {
                        "now rejects undeclared properties"
                    }
                    .to_owned(),
                );
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
                changes.push(format!("value `{added}` added"));
            }
            for removed in a.difference(&b) {
                changes.push(format!("value `{removed}` removed"));
            }
        }
        (o, n) if o != n => changes.push(format!("{} -> {}", kind(old), kind(new))),
        _ => {}
    }
    changes
}

impl fmt::Display for Report {
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
                        Change::Added(name, what) => write!(line, "    + {name}: {what}")?,
                        Change::Removed(name, what) => write!(line, "    - {name}: {what}")?,
                        Change::Changed(name, details) => {
                            write!(line, "    ~ {name}")?;
                            for detail in details {
                                write!(line, "\n        {detail}")?;
                            }
                        }
                    }
                    writeln!(f, "{line}")?;
                }
            }
        }
        Ok(())
    }
}
