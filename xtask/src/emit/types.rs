//! Type references and documentation as tokens.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Spelling, TypeRef, TypeTable};

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A type reference's tokens, from the model's one printer (`TypeRef::spelled`), the types
/// it mentions named by `types`.
pub fn type_tokens(ty: &TypeRef, types: &TypeTable) -> TokenStream {
    ty.spelled(Spelling::Code, types)
        .parse()
        .expect("the model spells types that parse")
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
    use crate::ir::TypeId;

    /// The model's spelling for code is how prettyplease prints the type, so text written
    /// without formatting reads as the rest.
    #[test]
    fn types_are_spelled_as_formatted() {
        let table = TypeTable::new(vec![("Filter".to_owned(), None)]);
        let filter = TypeRef::Named(TypeId::new(0));
        let types = [
            TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::DateTime)))),
            TypeRef::ObjectId,
            TypeRef::Boxed(Box::new(filter)),
            TypeRef::Date,
        ];
        for ty in types {
            let tokens = type_tokens(&ty, &table);
            let file: syn::File = syn::parse2(quote!(type T = #tokens;)).unwrap();
            let formatted = prettyplease::unparse(&file);
            assert_eq!(
                formatted,
                format!("type T = {};\n", ty.spelled(Spelling::Code, &table))
            );
        }
    }
}
