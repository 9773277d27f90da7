//! Runtime trait impls that let the client page and batch: `Page` for list responses,
//! `BatchOutput` for batch responses, `ObjectIds` for batch inputs and results.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, type_tokens};
use crate::ir::{Field, Module, ParamLocation, Struct, TypeKind, TypeRef};

/// One trait impl: the type it is for, the trait, and the code.
pub struct TraitImpl {
    pub type_name: String,
    pub trait_name: &'static str,
    pub tokens: TokenStream,
}

pub fn trait_impls(module: &Module) -> Vec<TraitImpl> {
    let mut pages = BTreeSet::new();
    let mut outputs = BTreeSet::new();
    let mut id_roots = Vec::new();
    for op in &module.operations {
        let cursor = op
            .params
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.wire_name == "after");
        // Impls go on the struct itself: an alias and its target are one type.
        if let (true, Some(TypeRef::Named(ok))) = (cursor, &op.ok) {
            pages.insert(resolve(module, ok));
        }
        if let Some(input) = &op.batch_input {
            id_roots.push(input.clone());
            for ty in op.ok.iter().chain(&op.partial) {
                if let TypeRef::Named(name) = ty {
                    outputs.insert(resolve(module, name));
                }
            }
        }
    }
    let mut impls = Vec::new();
    let mut add = |type_name: &str, trait_name: &'static str, tokens: Option<TokenStream>| {
        if let Some(tokens) = tokens {
            impls.push(TraitImpl {
                type_name: type_name.to_owned(),
                trait_name,
                tokens,
            });
        }
    };
    for name in &pages {
        add(name, "Page", page_impl(module, name));
    }
    let mut paged_results = BTreeSet::new();
    for name in &outputs {
        if let Some((tokens, item)) = batch_output_impl(module, name) {
            add(name, "BatchOutput", Some(tokens));
            if let Some(item) = named(&item) {
                paged_results.insert(resolve(module, item));
            }
            id_roots.push(item);
        }
    }
    let mut continuable = BTreeSet::new();
    for op in &module.operations {
        if let Some(TypeRef::Named(input)) = &op.batch_input {
            continuable.insert(resolve(module, input));
        }
    }
    for name in &continuable {
        add(name, "ContinueFrom", continue_from_impl(module, name));
    }
    for name in &paged_results {
        add(name, "PagedResult", paged_result_impl(module, name));
    }
    let with_ids = structs_with_ids(module, &id_roots);
    for name in &with_ids {
        add(name, "ObjectIds", object_ids_impl(module, name, &with_ids));
    }
    impls
}

/// The name of the type an alias chain ends in.
fn resolve(module: &Module, name: &str) -> String {
    let mut name = name;
    for _ in 0..module.types.len() {
        match module.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(TypeRef::Named(target))) => name = target,
            _ => break,
        }
    }
    name.to_owned()
}

fn struct_of<'m>(module: &'m Module, name: &str) -> Option<&'m Struct> {
    match &module.types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        TypeKind::Alias(TypeRef::Named(target)) => struct_of(module, target),
        _ => None,
    }
}

fn field<'s>(s: &'s Struct, wire: &str) -> Option<&'s Field> {
    s.fields.iter().find(|f| f.wire_name == wire)
}

fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// `results: [T]` plus `paging.next.after`.
fn page_impl(module: &Module, name: &str) -> Option<TokenStream> {
    let s = struct_of(module, name)?;
    let results = field(s, "results").filter(|f| !f.is_option())?;
    let TypeRef::List(item) = &results.ty else {
        return None;
    };
    let after_expr = next_after_expr(module, s)?;
    let results = ident(&results.name);
    let ty = ident(name);
    let item = type_tokens(item);
    Some(quote! {
        impl crate::runtime::Page for #ty {
            type Item = #item;
            fn next_after(&self) -> Option<String> {
                #after_expr
            }
            fn into_items(self) -> Vec<#item> {
                self.#results
            }
        }
    })
}

/// The `after` cursor of `paging.next.after`, as an expression on `self`.
fn next_after_expr(module: &Module, s: &Struct) -> Option<TokenStream> {
    let paging = field(s, "paging")?;
    let next = field(struct_of(module, named(&paging.ty)?)?, "next")?;
    let after =
        field(struct_of(module, named(&next.ty)?)?, "after").filter(|f| f.ty == TypeRef::String)?;
    let (paging_field, next_field, after_field) =
        (ident(&paging.name), ident(&next.name), ident(&after.name));
    let step = |f: &Field, expr: TokenStream| {
        if f.is_option() {
            quote!(#expr.as_ref()?)
        } else {
            quote!((&#expr))
        }
    };
    let paging_expr = step(paging, quote!(self.#paging_field));
    let next_expr = step(next, quote!(#paging_expr.#next_field));
    Some(if after.is_option() {
        quote!(#next_expr.#after_field.clone())
    } else {
        quote!(Some(#next_expr.#after_field.clone()))
    })
}

/// A batch input with an optional `after` cursor can ask for its next page.
fn continue_from_impl(module: &Module, name: &str) -> Option<TokenStream> {
    let s = struct_of(module, name)?;
    let after = field(s, "after").filter(|f| !f.required && f.ty == TypeRef::String)?;
    let after_field = ident(&after.name);
    let ty = ident(name);
    Some(quote! {
        impl crate::runtime::ContinueFrom for #ty {
            fn continue_from(&self, after: String) -> Self {
                let mut next = self.clone();
                next.#after_field = Some(after);
                next
            }
        }
    })
}

/// A batch result with its own `paging` and one list of items pages that list.
fn paged_result_impl(module: &Module, name: &str) -> Option<TokenStream> {
    let s = struct_of(module, name)?;
    let after = next_after_expr(module, s)?;
    let lists: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && matches!(f.ty, TypeRef::List(_)))
        .collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    let items = ident(&items.name);
    let paging = ident(&field(s, "paging")?.name);
    let ty = ident(name);
    Some(quote! {
        impl crate::runtime::PagedResult for #ty {
            fn next_after(&self) -> Option<String> {
                #after
            }
            fn merge(&mut self, later: Self) {
                self.#items.extend(later.#items);
                self.#paging = later.#paging;
            }
        }
    })
}

/// `results: [T]` plus, when present, `errors: [E]`.
fn batch_output_impl(module: &Module, name: &str) -> Option<(TokenStream, TypeRef)> {
    let s = struct_of(module, name)?;
    let results = field(s, "results").filter(|f| !f.is_option())?;
    let TypeRef::List(item) = &results.ty else {
        return None;
    };
    let results_field = ident(&results.name);
    let errors = match field(s, "errors") {
        Some(errors) => {
            let errors_field = ident(&errors.name);
            let list = if errors.is_option() {
                quote!(self.#errors_field.unwrap_or_default())
            } else {
                quote!(self.#errors_field)
            };
            quote!(#list.iter().map(|error| ::serde_json::to_value(error).unwrap_or_default()).collect())
        }
        None => quote!(Vec::new()),
    };
    let ty = ident(name);
    let item_tokens = type_tokens(item);
    Some((
        quote! {
            impl crate::runtime::BatchOutput for #ty {
                type Item = #item_tokens;
                // Inline: serialising the errors is compiled only where batches are used.
                #[inline]
                fn into_parts(self) -> (Vec<#item_tokens>, Vec<::serde_json::Value>) {
                    let errors = #errors;
                    (self.#results_field, errors)
                }
            }
        },
        (**item).clone(),
    ))
}

/// Whether a field holds record ids itself or through structs in `set`.
fn holds_ids(ty: &TypeRef, set: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::ObjectId => true,
        TypeRef::List(inner) | TypeRef::Boxed(inner) => holds_ids(inner, set),
        TypeRef::Named(n) => set.contains(n),
        _ => false,
    }
}

/// Structs reachable from `roots` that hold record ids (so matching can use them).
fn structs_with_ids(module: &Module, roots: &[TypeRef]) -> BTreeSet<String> {
    // Reachable structs first.
    let mut reachable = BTreeSet::new();
    let mut stack: Vec<String> = roots
        .iter()
        .filter_map(|t| named(t).map(|n| resolve(module, n)))
        .collect();
    while let Some(name) = stack.pop() {
        let Some(s) = module.types.get(&name).and_then(|t| match &t.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }) else {
            continue;
        };
        if !reachable.insert(name) {
            continue;
        }
        for f in &s.fields {
            let mut ty = &f.ty;
            while let TypeRef::List(inner) | TypeRef::Boxed(inner) = ty {
                ty = inner;
            }
            if let TypeRef::Named(n) = ty {
                stack.push(resolve(module, n));
            }
        }
    }
    // Then those that hold ids, to a fixed point.
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for name in &reachable {
            if let Some(s) = struct_of(module, name) {
                if s.fields.iter().any(|f| holds_ids(&f.ty, &set)) {
                    set.insert(name.clone());
                }
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn object_ids_impl(module: &Module, name: &str, set: &BTreeSet<String>) -> Option<TokenStream> {
    let s = struct_of(module, name)?;
    let pushes = s.fields.iter().filter(|f| holds_ids(&f.ty, set)).map(|f| {
        let field = ident(&f.name);
        let collect = collect_ids(&f.ty, quote!(value));
        if f.is_option() {
            quote!(if let Some(value) = &self.#field { #collect })
        } else {
            quote!({ let value = &self.#field; #collect })
        }
    });
    let own_id = super::own_id::own_id_method(module, s);
    let ty = ident(name);
    Some(quote! {
        impl crate::runtime::ObjectIds for #ty {
            fn object_ids(&self) -> Vec<&str> {
                let mut ids = Vec::new();
                #(#pushes)*
                ids
            }
            #own_id
        }
    })
}

fn collect_ids(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::ObjectId => quote!(ids.push(#value.as_str());),
        TypeRef::Boxed(inner) => collect_ids(inner, quote!((**#value))),
        TypeRef::List(inner) => {
            let each = collect_ids(inner, quote!(item));
            quote!(for item in #value.iter() { #each })
        }
        _ => quote!(ids.extend(crate::runtime::ObjectIds::object_ids(#value));),
    }
}
