//! Runtime trait impls that let the client page and batch: `Page` for list responses,
//! `BatchOutput` for batch responses, `ContinueFrom`/`PagedResult` for batch reads that page
//! per input, `ObjectIds` for batch inputs and results. Lowering decided which types get
//! which impl (`Operation::paging`, `Operation::batch`, `Module::record_ids`); this spells
//! them out.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, type_tokens};
use crate::ir::{
    BatchOutput, Cursor, FieldStep, Module, OwnRecord, Page, RecordIds, ResultPage, TypeId,
    TypeKind, TypeRef, TypeTable,
};

/// One trait impl: the type it is for (by id, and its name), the trait, and the code.
pub struct TraitImpl {
    pub type_id: TypeId,
    pub type_name: String,
    pub trait_name: &'static str,
    pub tokens: TokenStream,
}

pub fn trait_impls(module: &Module) -> Vec<TraitImpl> {
    let types = &module.types;
    // Several operations may share a type; each impl is written once, in order of type name.
    let mut pages: BTreeMap<&str, &Page> = BTreeMap::new();
    let mut outputs: BTreeMap<&str, &BatchOutput> = BTreeMap::new();
    let mut continuable: BTreeMap<&str, (TypeId, &str)> = BTreeMap::new();
    for op in &module.operations {
        if let Some(page) = &op.paging {
            pages.entry(types.name(page.type_id)).or_insert(page);
        }
        if let Some(batch) = &op.batch {
            if let Some((input, after)) = &batch.input_after {
                continuable
                    .entry(types.name(*input))
                    .or_insert((*input, after));
            }
            for output in &batch.outputs {
                outputs.entry(types.name(output.type_id)).or_insert(output);
            }
        }
    }
    let mut paged_results: BTreeMap<&str, &ResultPage> = BTreeMap::new();
    for output in outputs.values() {
        if let Some(paged) = &output.item_paging {
            paged_results
                .entry(types.name(paged.type_id))
                .or_insert(paged);
        }
    }
    let records: BTreeMap<&str, (TypeId, &RecordIds)> = module
        .record_ids
        .iter()
        .map(|(&id, record)| (types.name(id), (id, record)))
        .collect();

    let mut impls = Vec::new();
    let mut add = |type_id: TypeId, trait_name: &'static str, tokens: TokenStream| {
        impls.push(TraitImpl {
            type_id,
            type_name: types.name(type_id).to_owned(),
            trait_name,
            tokens,
        });
    };
    for page in pages.into_values() {
        add(page.type_id, "Page", page_impl(page, types));
    }
    for output in outputs.into_values() {
        add(
            output.type_id,
            "BatchOutput",
            batch_output_impl(output, types),
        );
    }
    for (name, (id, after)) in continuable {
        add(id, "ContinueFrom", continue_from_impl(name, after));
    }
    for paged in paged_results.into_values() {
        add(
            paged.type_id,
            "PagedResult",
            paged_result_impl(paged, types),
        );
    }
    for (name, (id, record)) in records {
        if let Some(tokens) = object_ids_impl(types, id, name, record) {
            add(id, "ObjectIds", tokens);
        }
    }
    impls
}

fn page_impl(page: &Page, types: &TypeTable) -> TokenStream {
    let ty = ident(types.name(page.type_id));
    let items = ident(&page.items);
    let item = type_tokens(&page.item, types);
    let next_after = next_after_expr(&page.next);
    quote! {
        impl crate::runtime::Page for #ty {
            type Item = #item;
            fn next_after(&self) -> Option<String> {
                #next_after
            }
            fn into_items(self) -> Vec<#item> {
                self.#items
            }
        }
    }
}

/// The cursor of the next page, as an expression on `self`.
fn next_after_expr(cursor: &Cursor) -> TokenStream {
    let step = |f: &FieldStep, expr: TokenStream| {
        let field = ident(&f.field);
        if f.optional {
            quote!(#expr.#field.as_ref()?)
        } else {
            quote!((&#expr.#field))
        }
    };
    let paging = step(&cursor.paging, quote!(self));
    let next = step(&cursor.next, paging);
    let after = ident(&cursor.after.field);
    if cursor.after.optional {
        quote!(#next.#after.clone())
    } else {
        quote!(Some(#next.#after.clone()))
    }
}

/// A batch input with an optional `after` cursor can ask for its next page.
fn continue_from_impl(type_name: &str, after: &str) -> TokenStream {
    let ty = ident(type_name);
    let after = ident(after);
    quote! {
        impl crate::runtime::ContinueFrom for #ty {
            fn continue_from(&self, after: String) -> Self {
                let mut next = self.clone();
                next.#after = Some(after);
                next
            }
        }
    }
}

/// A batch result with its own `paging` and one list of items pages that list.
fn paged_result_impl(paged: &ResultPage, types: &TypeTable) -> TokenStream {
    let ty = ident(types.name(paged.type_id));
    let items = ident(&paged.items);
    let paging = ident(&paged.next.paging.field);
    let next_after = next_after_expr(&paged.next);
    quote! {
        impl crate::runtime::PagedResult for #ty {
            fn next_after(&self) -> Option<String> {
                #next_after
            }
            fn merge(&mut self, later: Self) {
                self.#items.extend(later.#items);
                self.#paging = later.#paging;
            }
        }
    }
}

/// `results: [T]` plus, when present, `errors: [E]`.
fn batch_output_impl(output: &BatchOutput, types: &TypeTable) -> TokenStream {
    let ty = ident(types.name(output.type_id));
    let results = ident(&output.results);
    let item = type_tokens(&output.item, types);
    let errors = match &output.errors {
        Some(errors) => {
            let field = ident(&errors.field);
            let list = if errors.optional {
                quote!(self.#field.unwrap_or_default())
            } else {
                quote!(self.#field)
            };
            quote!(#list.iter().map(|error| ::serde_json::to_value(error).unwrap_or_default()).collect())
        }
        None => quote!(Vec::new()),
    };
    quote! {
        impl crate::runtime::BatchOutput for #ty {
            type Item = #item;
            // Inline: serialising the errors is compiled only where batches are used.
            #[inline]
            fn into_parts(self) -> (Vec<#item>, Vec<::serde_json::Value>) {
                let errors = #errors;
                (self.#results, errors)
            }
        }
    }
}

fn object_ids_impl(
    types: &TypeTable,
    id: TypeId,
    name: &str,
    record: &RecordIds,
) -> Option<TokenStream> {
    let TypeKind::Struct(s) = &types.get(id)?.kind else {
        return None;
    };
    let mut pushes = s
        .fields
        .iter()
        .filter(|f| record.fields.contains(&f.name))
        .map(|f| {
            let field = ident(&f.name);
            let collect = collect_ids(&f.ty, quote!(value));
            if f.is_option() {
                quote!(if let Some(value) = &self.#field { #collect })
            } else {
                quote!({ let value = &self.#field; #collect })
            }
        });
    let own_id = record.own.as_ref().map(own_id_method);
    let ty = ident(name);
    // A struct that names no record (a create's input) has no ids to collect.
    let body = match pushes.next() {
        Some(first) => quote! {
            let mut ids = Vec::new();
            #first
            #(#pushes)*
            ids
        },
        None => quote!(Vec::new()),
    };
    Some(quote! {
        impl crate::runtime::ObjectIds for #ty {
            fn object_ids(&self) -> Vec<&str> {
                #body
            }
            #own_id
        }
    })
}

/// `ObjectIds::own_id`: the id at the end of the record's path, and its `context` keys.
fn own_id_method(own: &OwnRecord) -> TokenStream {
    let mut expr = quote!(self);
    for step in &own.path {
        let name = ident(&step.field);
        expr = if step.optional {
            quote!(#expr.#name.as_ref()?)
        } else {
            quote!(#expr.#name)
        };
    }
    let keys = &own.keys;
    quote! {
        fn own_id(&self) -> Option<crate::runtime::OwnId<'_>> {
            Some(crate::runtime::OwnId { id: #expr.as_str(), keys: &[#(#keys),*] })
        }
    }
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
