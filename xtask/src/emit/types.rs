//! Type references and documentation as tokens.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::ir::TypeRef;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a reference. Non-prelude types are written with absolute paths so a
/// schema named `Value` or `DateTime` cannot shadow them.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Boolean => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::ObjectId => quote!(crate::runtime::ObjectId),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::List(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner);
            quote!(Box<#inner>)
        }
    }
}

/// A type's tokens as prettyplease writes a type: `::std::collections::BTreeMap<String, Vec<i64>>`.
/// For the types `type_tokens` makes (paths with generic arguments), in text emitted without
/// formatting.
pub fn type_text(tokens: &TokenStream) -> String {
    let mut text = String::new();
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                if text.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    text.push(' ');
                }
                text.push_str(&ident.to_string());
            }
            TokenTree::Punct(punct) => {
                text.push(punct.as_char());
                if punct.as_char() == ',' {
                    text.push(' ');
                }
            }
            // `type_tokens` makes neither; written as proc-macro2 writes them.
            other @ (TokenTree::Literal(_) | TokenTree::Group(_)) => {
                text.push_str(&other.to_string());
            }
        }
    }
    text
}

/// `#[doc]` attributes for a description, rewritten where rustdoc would misread it (HTML
/// tags, brackets, bare URLs, code blocks that would become doctests; see `markdown.rs`).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let lines = doc_lines(text, true)
        .into_iter()
        .map(|line| quote!(#[doc = #line]));
    quote!(#(#lines)*)
}

/// `#![doc]` attributes for a description, as [`doc_attrs`] rewrites it, for a module's or
/// crate's own docs.
pub fn inner_doc_attrs(text: Option<&str>) -> TokenStream {
    let lines = doc_lines(text, true)
        .into_iter()
        .map(|line| quote!(#![doc = #line]));
    quote!(#(#lines)*)
}

/// `#![doc]` attributes for Markdown the generator writes itself (tables, links to items), as
/// written.
pub fn inner_doc_markdown(text: &str) -> TokenStream {
    let lines = doc_lines(Some(text), false)
        .into_iter()
        .map(|line| quote!(#![doc = #line]));
    quote!(#(#lines)*)
}

/// The lines of a doc comment, each after a space; a description from a document is first
/// rewritten where rustdoc would misread it.
pub fn doc_lines(text: Option<&str>, from_document: bool) -> Vec<String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Vec::new();
    };
    let text = if from_document {
        super::markdown::for_rustdoc(text)
    } else {
        text.to_owned()
    };
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As prettyplease prints the same tokens.
    #[test]
    fn type_text_is_the_formatted_type() {
        let types = [
            TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::DateTime)))),
            TypeRef::ObjectId,
            TypeRef::Boxed(Box::new(TypeRef::Named("Filter".to_owned()))),
            TypeRef::Date,
        ];
        for ty in types {
            let tokens = type_tokens(&ty);
            let file: syn::File = syn::parse2(quote!(type T = #tokens;)).unwrap();
            let formatted = prettyplease::unparse(&file);
            assert_eq!(formatted, format!("type T = {};\n", type_text(&tokens)));
        }
    }
}
