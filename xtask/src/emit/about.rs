//! What a generated crate says about itself, from its documents' `info`: the one-line
//! description in `Cargo.toml`, and the docs of the crate, of each API and of each version.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{inner_doc_attrs, inner_doc_markdown};
use crate::ir::{Api, Module};

/// The crate's modules grouped by API, in module order.
pub fn by_api(api: &Api) -> Vec<(Option<&str>, Vec<&Module>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Module>)> = Vec::new();
    for module in &api.modules {
        let key = module.api.as_deref();
        match groups.last_mut() {
            Some((last, modules)) if *last == key => modules.push(module),
            _ => groups.push((key, vec![module])),
        }
    }
    groups
}

/// The `description` of `Cargo.toml`, text only (the caller escapes it for TOML):
/// `Typed Rust client for Contacts (2026-03, v3) and Files (v3).`
pub fn summary(api: &Api) -> String {
    let groups = by_api(api);
    let parts: Vec<String> = match groups.as_slice() {
        [(_, modules)] => {
            let versions: Vec<&str> = modules.iter().map(|m| m.version.as_str()).collect();
            let label = if versions.len() == 1 {
                "version"
            } else {
                "versions"
            };
            vec![format!(
                "{}, {label} {}",
                join_and(&titles(modules)),
                join_and(&versions)
            )]
        }
        groups => groups
            .iter()
            .map(|(_, modules)| {
                let versions: Vec<&str> = modules.iter().map(|m| m.version.as_str()).collect();
                let title = titles(modules).first().copied().unwrap_or("API");
                format!("{title} ({})", versions.join(", "))
            })
            .collect(),
    };
    format!("Typed Rust client for {}.", join_and(&parts))
}

/// The crate's own docs (`//!` of `lib.rs`).
pub fn crate_docs(api: &Api) -> TokenStream {
    let groups = by_api(api);
    let (intro, descriptions, table) = match groups.as_slice() {
        [(_, modules)] => {
            let intro = format!(
                "{}: typed requests and models, one module per API version.",
                join_and(&titles(modules))
            );
            let mut table =
                String::from("| Module | API version | Cargo feature |\n|---|---|---|\n");
            for m in modules {
                table.push_str(&format!(
                    "| [`{}`] | `{}` | `{}` |\n",
                    m.path(),
                    m.version,
                    m.feature()
                ));
            }
            (intro, descriptions(modules), table)
        }
        groups => {
            let intro = format!(
                "Typed requests and models for {} HubSpot APIs, one module per API and version, sent by one `Client`.",
                groups.len()
            );
            let mut table =
                String::from("| Module | API | Version | Cargo feature |\n|---|---|---|---|\n");
            for (_, modules) in groups {
                let title = table_text(titles(modules).first().copied().unwrap_or(""));
                for m in modules {
                    table.push_str(&format!(
                        "| [`{}`] | {title} | `{}` | `{}` |\n",
                        m.path(),
                        m.version,
                        m.feature()
                    ));
                }
            }
            (intro, Vec::new(), table)
        }
    };
    let outro = "Every module's feature is on by default. Record ids are [`ObjectId`]s, which accept the\n\
                 numbers HubSpot sends as well as strings; enums keep values they do not know; structs keep\n\
                 properties they do not declare.";
    let intro = inner_doc_attrs(Some(&intro));
    let descriptions = descriptions.iter().map(|d| paragraph(d));
    let table = our_paragraph(&table);
    let outro = our_paragraph(outro);
    quote! {
        #intro
        #(#descriptions)*
        #table
        #outro
    }
}

/// The docs of an API's module in a crate of several (`contacts/mod.rs`).
pub fn api_docs(modules: &[&Module]) -> TokenStream {
    let intro = format!(
        "{}, one module per API version.",
        join_and(&titles(modules))
    );
    let mut table = String::from("| Module | Version | Cargo feature |\n|---|---|---|\n");
    for m in modules {
        table.push_str(&format!(
            "| [`{}`] | `{}` | `{}` |\n",
            m.name,
            m.version,
            m.feature()
        ));
    }
    let intro = inner_doc_attrs(Some(&intro));
    let descriptions = descriptions(modules);
    let descriptions = descriptions.iter().map(|d| paragraph(d));
    let table = our_paragraph(&table);
    quote! {
        #intro
        #(#descriptions)*
        #table
    }
}

/// The docs of a version's module: which API, which version, from which documents, and what
/// those documents say of themselves.
pub fn version_docs(module: &Module) -> TokenStream {
    let intro = format!(
        "Version `{}` of {}, from {}.",
        module.version,
        join_and(&titles(&[module])),
        module.sources.join(", ")
    );
    let intro = inner_doc_attrs(Some(&intro));
    let descriptions = descriptions(&[module]);
    let descriptions = descriptions.iter().map(|d| paragraph(d));
    quote! {
        #intro
        #(#descriptions)*
    }
}

/// The distinct titles of the modules' documents, shortest first (an API before its
/// `... Schema` API), then in document order.
fn titles<'m>(modules: &[&'m Module]) -> Vec<&'m str> {
    let mut titles: Vec<&str> = Vec::new();
    for about in modules.iter().flat_map(|m| &m.about) {
        if !about.title.is_empty() && !titles.contains(&about.title.as_str()) {
            titles.push(&about.title);
        }
    }
    titles.sort_by_key(|t| t.len());
    if titles.is_empty() {
        titles.push("the API");
    }
    titles
}

/// One description per title, in the order of [`titles`]: the first its documents give.
fn descriptions(modules: &[&Module]) -> Vec<String> {
    let mut descriptions = Vec::new();
    for title in titles(modules) {
        let first = modules
            .iter()
            .flat_map(|m| &m.about)
            .filter(|about| about.title == title)
            .find_map(|about| about.description.as_ref());
        if let Some(description) = first {
            if !descriptions.contains(description) {
                descriptions.push(description.clone());
            }
        }
    }
    descriptions
}

/// Doc lines for a paragraph of a document's prose, after a blank line.
fn paragraph(text: &str) -> TokenStream {
    let lines = inner_doc_attrs(Some(text));
    quote! {
        #![doc = ""]
        #lines
    }
}

/// Doc lines for a paragraph the generator writes (tables, links to items), after a blank
/// line.
fn our_paragraph(text: &str) -> TokenStream {
    let lines = inner_doc_markdown(text);
    quote! {
        #![doc = ""]
        #lines
    }
}

/// A document's words in a table cell: nothing in them reads as Markdown or HTML.
fn table_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '|' | '[' | ']' | '<' | '>' | '`' | '*' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}
