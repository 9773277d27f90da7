//! Request functions of one module: one function per operation, returning a plain
//! `Request` value that the client (or any HTTP stack) sends.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::types::{doc_attrs, ident, type_tokens};
use crate::ir::{Module, Operation, Param, ParamLocation, TypeRef};

/// The `operations.rs` of a module.
pub fn operations_file(module: &Module) -> TokenStream {
    let operations = module.operations.iter().map(operation);
    quote! {
        //! Request functions, one per operation. Each returns a `Request` to pass to
        //! `Client::send` (or to send with any HTTP stack).
        #![allow(clippy::too_many_arguments)]

        #[allow(unused_imports)]
        use super::*;

        #(#operations)*
    }
}

fn operation(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let name_text = &op.name;
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim());
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.doc {
        if Some(description) != op.summary.as_ref() {
            doc.push_str(description.trim());
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path));
    if op.partial.is_some() {
        doc.push_str(
            "\n\nA 207 answer, where some inputs failed, is `Outcome::Partial` with the errors.",
        );
    }
    let docs = doc_attrs(Some(&doc));

    let required: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path || p.required)
        .collect();
    let args = required.iter().map(|p| {
        let arg = ident(&p.name);
        let ty = arg_type(&p.ty);
        quote!(#arg: #ty)
    });
    let query_arg = op.query_struct.as_ref().map(|q| {
        let q = ident(q);
        quote!(query: &#q)
    });
    let body_arg = op.body.as_ref().map(|b| {
        let ty = match &b.ty {
            TypeRef::List(item) => {
                let item = type_tokens(item);
                quote!(&[#item])
            }
            other => {
                let t = type_tokens(other);
                quote!(&#t)
            }
        };
        if b.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        }
    });
    let all_args = args.chain(query_arg).chain(body_arg);

    let (output, decode) = match (&op.ok, &op.partial) {
        (ok, Some(partial)) => {
            let ok = ok.as_ref().map_or(quote!(()), type_tokens);
            let partial = type_tokens(partial);
            (
                quote!(crate::runtime::Outcome<#ok, #partial>),
                quote!(crate::runtime::decode::outcome::<#ok, #partial>),
            )
        }
        (Some(ok), None) => {
            let ok = type_tokens(ok);
            (quote!(#ok), quote!(crate::runtime::decode::json::<#ok>))
        }
        (None, None) => (quote!(()), quote!(crate::runtime::decode::empty)),
    };
    // `GET` is `Method::Get`.
    let method = ident(&op.method.as_str().to_upper_camel_case());
    let path = &op.path;
    let setters = op.params.iter().map(|p| {
        let wire = &p.wire_name;
        let value = ident(&p.name);
        match (p.location, p.required) {
            (ParamLocation::Path, _) => match &p.ty {
                // OpenAPI's default path style for arrays: comma-separated.
                TypeRef::List(_) => quote!(.path_param(#wire, #value.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))),
                ty => {
                    let value = display_value(ty, quote!(#value));
                    quote!(.path_param(#wire, #value))
                }
            },
            (ParamLocation::Query, true) => match &p.ty {
                TypeRef::List(_) => quote!(.queries(#wire, #value.iter())),
                _ if p.cursor => quote!(.cursor(#wire, #value)),
                _ => quote!(.query(#wire, #value)),
            },
            (ParamLocation::Query, false) => match &p.ty {
                TypeRef::List(_) => quote!(.queries(#wire, query.#value.iter().flatten())),
                _ if p.cursor => quote!(.cursor_opt(#wire, query.#value.as_ref())),
                _ => quote!(.query_opt(#wire, query.#value.as_ref())),
            },
        }
    });
    let body_setter = op.body.as_ref().map(|b| {
        if b.required {
            quote!(.json(body))
        } else {
            quote!(.json_opt(body))
        }
    });
    let idempotent = op.idempotent;
    let query_struct = op
        .query_struct
        .as_ref()
        .map(|q| query_struct(q, &op.name, &op.params));
    quote! {
        #query_struct

        #docs
        // Inline: the response decoder is then compiled only for the operations a program
        // calls, not for all of them in this crate.
        #[inline]
        pub fn #name(#(#all_args),*) -> crate::runtime::Request<#output> {
            crate::runtime::Request::new(#name_text, crate::runtime::Method::#method, #path, #decode)
                #(#setters)*
                #body_setter
                .idempotent(#idempotent)
        }
    }
}

/// How a required argument of type `ty` is taken.
/// (Lowering has already resolved aliases of parameter types.)
fn arg_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::ObjectId => quote!(impl Into<crate::runtime::ObjectId>),
        TypeRef::Boolean | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => {
            type_tokens(ty)
        }
        TypeRef::List(item) => {
            let item = type_tokens(item);
            quote!(&[#item])
        }
        other => {
            let t = type_tokens(other);
            quote!(&#t)
        }
    }
}

/// A path argument as something `Display`.
fn display_value(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::ObjectId => quote!(#value.into()),
        _ => value,
    }
}

fn query_struct(name: &str, operation: &str, params: &[Param]) -> TokenStream {
    let name = ident(name);
    let doc = format!(" Optional query parameters of [`{operation}`].");
    let fields = params
        .iter()
        .filter(|p| p.location == ParamLocation::Query && !p.required)
        .map(|p| {
            let docs = doc_attrs(p.doc.as_deref());
            let field = ident(&p.name);
            let ty = type_tokens(&p.ty);
            quote! {
                #docs
                pub #field: Option<#ty>,
            }
        });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    }
}
