//! Request functions of one module: one function per operation, returning a plain
//! `Request` value that the client (or any HTTP stack) sends.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::debug::{self, Shown};
use super::struct_text::{impl_text, Setter};
use super::types::{doc_attrs, ident, type_tokens};
use crate::ir::{
    Auth, Body, BodyKind, Module, Operation, Param, ParamLocation, Part, PartKind, ResponseBody,
    Spelling, TypeRef, TypeTable,
};

/// The start of a module's `operations.rs`. The request functions and the end follow as
/// pieces of their own (`operation_fns`, `operations_tail`), formatted apart and joined.
pub fn operations_head() -> TokenStream {
    quote! {
        //! Request functions, one per operation. Each returns a `Request` to pass to
        //! `Client::send` (or to send with any HTTP stack).
        #![allow(clippy::too_many_arguments)]

        #[allow(unused_imports)]
        use super::*;
    }
}

/// The request functions of `operations`, with their query and multipart structs; `types`
/// names the types they use.
pub fn operation_fns(types: &TypeTable, operations: &[Operation]) -> TokenStream {
    let operations = operations.iter().map(|op| operation(op, types));
    quote!(#(#operations)*)
}

/// The end of a module's `operations.rs`: the proof that its query structs are `Send + Sync`.
pub fn operations_tail(module: &Module) -> TokenStream {
    let query_structs = module
        .operations
        .iter()
        .filter_map(|op| op.query_struct)
        .map(|id| module.types.name(id));
    super::models::send_sync_assertion(query_structs)
}

fn operation(op: &Operation, types: &TypeTable) -> TokenStream {
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
    if let Some(body) = &op.body {
        doc.push_str(&body_doc(body));
    }
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
        let ty = arg_type(&p.ty, types);
        quote!(#arg: #ty)
    });
    let query_arg = op.query_struct.map(|q| {
        let q = ident(types.name(q));
        quote!(query: &#q)
    });
    let body_arg = op.body.as_ref().map(|body| body_arg(body, types));
    let all_args = args.chain(query_arg).chain(body_arg);

    let (output, decode) = match (&op.ok, &op.partial) {
        // Lowering records a 207 body only beside a JSON success or none.
        (None | Some(ResponseBody::Json(_)), Some(partial)) => {
            let ok = op
                .ok
                .as_ref()
                .and_then(ResponseBody::json)
                .map_or(quote!(()), |ok| type_tokens(ok, types));
            let partial = type_tokens(partial, types);
            (
                quote!(crate::runtime::Outcome<#ok, #partial>),
                quote!(crate::runtime::decode::outcome::<#ok, #partial>),
            )
        }
        (Some(ResponseBody::Json(ok)), None) => {
            let ok = type_tokens(ok, types);
            (quote!(#ok), quote!(crate::runtime::decode::json::<#ok>))
        }
        (Some(ResponseBody::Text { .. }), _) => {
            (quote!(String), quote!(crate::runtime::decode::text))
        }
        (Some(ResponseBody::Binary { .. }), _) => {
            (quote!(Vec<u8>), quote!(crate::runtime::decode::bytes))
        }
        (None, None) => (quote!(()), quote!(crate::runtime::decode::empty)),
    };
    let accept = match &op.ok {
        Some(ResponseBody::Text { media_types } | ResponseBody::Binary { media_types }) => {
            let accept = if media_types.is_empty() {
                "*/*".to_owned()
            } else {
                media_types.join(", ")
            };
            Some(quote!(.accept(#accept)))
        }
        _ => None,
    };
    // `GET` is `Method::Get`.
    let method = ident(&op.method.as_str().to_upper_camel_case());
    let path = &op.path;
    let setters = op.params.iter().map(param_setter);
    let body_setter = op.body.as_ref().map(body_setter);
    let idempotent = op.idempotent;
    // `Auth::Required` is the runtime's default.
    let auth = match op.auth {
        Auth::Required => None,
        Auth::Optional => Some(quote!(.auth(crate::runtime::Auth::Optional))),
        Auth::Anonymous => Some(quote!(.auth(crate::runtime::Auth::Anonymous))),
    };
    let secrets = (!op.secrets.is_empty()).then(|| {
        let names = &op.secrets;
        quote!(.secrets(&[#(#names),*]))
    });
    let batch_limit = op.batch.as_ref().map(|batch| {
        let max = proc_macro2::Literal::u32_unsuffixed(batch.limit.max);
        let lower = batch.limit.lower.as_ref().map(|lower| {
            let (field, max) = (
                &lower.field,
                proc_macro2::Literal::u32_unsuffixed(lower.max),
            );
            quote!(.batch_limit_when_set(#field, #max))
        });
        quote!(.batch_limit(#max) #lower)
    });
    let search = op.search.then(|| quote!(.search()));
    let query_struct = op
        .query_struct
        .map(|q| query_struct(types.name(q), &op.name, &op.params, types));
    let parts_struct = op
        .body
        .as_ref()
        .and_then(|b| parts_struct(b, &op.name, types));
    quote! {
        #query_struct
        #parts_struct

        #docs
        // Inline: the response decoder is then compiled only for the operations a program
        // calls, not for all of them in this crate.
        #[inline]
        pub fn #name(#(#all_args),*) -> crate::runtime::Request<#output> {
            crate::runtime::Request::new(#name_text, crate::runtime::Method::#method, #path, #decode)
                #(#setters)*
                #body_setter
                #accept
                .idempotent(#idempotent)
                #auth
                #secrets
                #batch_limit
                #search
        }
    }
}

/// How a required argument of type `ty` is taken.
/// (Lowering has already resolved aliases of parameter types.)
fn arg_type(ty: &TypeRef, types: &TypeTable) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::ObjectId => quote!(impl Into<crate::runtime::ObjectId>),
        TypeRef::Boolean | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => {
            type_tokens(ty, types)
        }
        TypeRef::List(item) => {
            let item = type_tokens(item, types);
            quote!(&[#item])
        }
        other => {
            let t = type_tokens(other, types);
            quote!(&#t)
        }
    }
}

/// How the function puts a parameter on the request: required ones from its arguments,
/// optional ones from its query struct.
fn param_setter(p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let name = ident(&p.name);
    match (p.location, &p.ty) {
        // OpenAPI's default path style for arrays: comma-separated.
        (ParamLocation::Path, TypeRef::List(item)) => {
            let values = url_values(item, quote!(#name.iter()));
            quote!(.path_param(#wire, #values.map(ToString::to_string).collect::<Vec<_>>().join(",")))
        }
        (ParamLocation::Path, ty) => {
            let value = url_value(ty, quote!(#name));
            quote!(.path_param(#wire, #value))
        }
        (ParamLocation::Query, TypeRef::List(item)) => {
            let values = if p.required {
                quote!(#name.iter())
            } else {
                quote!(query.#name.iter().flatten())
            };
            let values = url_values(item, values);
            quote!(.queries(#wire, #values))
        }
        (ParamLocation::Query, _) if p.cursor && p.required => quote!(.cursor(#wire, #name)),
        (ParamLocation::Query, _) if p.cursor => quote!(.cursor_opt(#wire, query.#name.as_ref())),
        (ParamLocation::Query, ty) if p.required => {
            let value = url_value(ty, quote!(#name));
            quote!(.query(#wire, #value))
        }
        (ParamLocation::Query, ty) => {
            let value = url_values(ty, quote!(query.#name.as_ref()));
            quote!(.query_opt(#wire, #value))
        }
    }
}

/// A required argument of type `ty` as the `Display` value that goes into the URL: a record
/// id from the `impl Into<ObjectId>` it is taken as, a date-time as RFC 3339 (not as
/// `DateTime`'s own `Display`).
fn url_value(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::ObjectId => quote!(#value.into()),
        TypeRef::DateTime => quote!(crate::runtime::Rfc3339(#value)),
        _ => value,
    }
}

/// Values of type `item` from an iterator or `Option` of references, mapped to what goes into
/// the URL as `url_value` maps one.
fn url_values(item: &TypeRef, values: TokenStream) -> TokenStream {
    match item {
        TypeRef::DateTime => quote!(#values.map(crate::runtime::Rfc3339)),
        _ => values,
    }
}

fn query_struct(
    type_name: &str,
    operation: &str,
    params: &[Param],
    types: &TypeTable,
) -> TokenStream {
    let name = ident(type_name);
    let doc = format!(" Optional query parameters of [`{operation}`].");
    let optional: Vec<&Param> = params
        .iter()
        .filter(|p| p.location == ParamLocation::Query && !p.required)
        .collect();
    let shown: Vec<Shown> = optional
        .iter()
        .map(|p| Shown {
            name: &p.name,
            optional: true,
            secret: p.secret,
        })
        .collect();
    let redacting_debug = debug::redacting_impl(type_name, &shown, None);
    let derive_debug = redacting_debug.is_none().then(|| quote!(Debug,));
    let fields = optional.iter().map(|p| {
        let docs = doc_attrs(p.doc.as_deref());
        let field = ident(&p.name);
        let ty = type_tokens(&p.ty, types);
        quote! {
            #docs
            pub #field: Option<#ty>,
        }
    });
    let setters = optional
        .iter()
        .map(|p| Setter {
            field: ident(&p.name).to_string(),
            value: p.ty.spelled(Spelling::Code, types),
            optional: true,
            takes_option: p.cursor,
        })
        .collect::<Vec<_>>();
    let methods = impl_tokens(&impl_text(type_name, None, &setters));
    quote! {
        #[doc = #doc]
        #[derive(Clone, #derive_debug Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #methods

        #redacting_debug
    }
}

/// An `impl` block written as text (`struct_text::impl_text`, as models' are), as tokens.
fn impl_tokens(text: &str) -> TokenStream {
    text.parse()
        .expect("the generator writes impl blocks that parse")
}

/// What the documentation says about a body that is not plain JSON, or that could have been
/// sent another way.
fn body_doc(body: &Body) -> String {
    let json = matches!(body.kind, BodyKind::Json(_));
    if json && body.alternatives.is_empty() {
        return String::new();
    }
    let mut doc = format!("\n\nThe body is sent as `{}`", body.media_type);
    if !body.alternatives.is_empty() {
        let others: Vec<String> = body.alternatives.iter().map(|m| format!("`{m}`")).collect();
        doc.push_str(&format!("; the API also takes {}", others.join(", ")));
    }
    doc.push('.');
    doc
}

/// The function's argument for its body.
fn body_arg(body: &Body, types: &TypeTable) -> TokenStream {
    let ty = match &body.kind {
        BodyKind::Json(TypeRef::List(item)) => {
            let item = type_tokens(item, types);
            quote!(&[#item])
        }
        BodyKind::Json(ty) | BodyKind::Form(ty) => {
            let t = type_tokens(ty, types);
            quote!(&#t)
        }
        BodyKind::Multipart(form) => match form.parts_struct {
            Some(id) => {
                let name = ident(types.name(id));
                quote!(#name)
            }
            None => quote!(crate::runtime::Multipart),
        },
        BodyKind::Text => quote!(&str),
        BodyKind::Binary if body.required => quote!(impl Into<crate::runtime::Content>),
        BodyKind::Binary => quote!(crate::runtime::Content),
    };
    if body.required {
        quote!(body: #ty)
    } else {
        quote!(body: Option<#ty>)
    }
}

/// How the function puts its body on the request.
fn body_setter(body: &Body) -> TokenStream {
    let media_type = &body.media_type;
    match (&body.kind, body.required) {
        (BodyKind::Json(_), true) => quote!(.json(body)),
        (BodyKind::Json(_), false) => quote!(.json_opt(body)),
        (BodyKind::Form(_), _) => quote!(.form(body)),
        (BodyKind::Multipart(form), _) => match form.parts_struct {
            Some(_) => {
                let parts = form.parts.iter().map(part_setter);
                quote!(.multipart(crate::runtime::Multipart::new() #(#parts)*))
            }
            None => quote!(.multipart(body)),
        },
        (BodyKind::Text, true) => quote!(.text(#media_type, body)),
        (BodyKind::Text, false) => quote!(.text_opt(#media_type, body)),
        (BodyKind::Binary, true) => quote!(.binary(#media_type, body)),
        (BodyKind::Binary, false) => quote!(.binary_opt(#media_type, body)),
    }
}

/// One part of a multipart form, from the field of the body struct.
fn part_setter(part: &Part) -> TokenStream {
    let wire = &part.wire_name;
    let field = ident(&part.name);
    match (&part.kind, part.required) {
        (PartKind::File, true) => quote!(.file(#wire, body.#field)),
        (PartKind::File, false) => quote!(.file_opt(#wire, body.#field)),
        (PartKind::Files, _) => quote!(.files(#wire, body.#field)),
        (PartKind::Text(_), true) => quote!(.field(#wire, &body.#field)),
        (PartKind::Text(_), false) => quote!(.field_opt(#wire, body.#field.as_ref())),
        (PartKind::Json(_), true) => quote!(.json(#wire, &body.#field)),
        (PartKind::Json(_), false) => quote!(.json_opt(#wire, body.#field.as_ref())),
    }
}

/// The struct a multipart body is given as: typed fields, and files as the runtime's
/// `FilePart`s.
fn parts_struct(body: &Body, operation: &str, types: &TypeTable) -> Option<TokenStream> {
    let BodyKind::Multipart(form) = &body.kind else {
        return None;
    };
    let type_name = types.name(form.parts_struct?);
    let name = ident(type_name);
    let doc = format!(
        " The parts of the `{}` body of [`{operation}`].",
        body.media_type
    );
    let fields = form.parts.iter().map(|part| {
        let docs = doc_attrs(part.doc.as_deref());
        let field = ident(&part.name);
        let ty = match &part.kind {
            PartKind::File => quote!(crate::runtime::FilePart),
            PartKind::Files => quote!(Vec<crate::runtime::FilePart>),
            PartKind::Text(ty) | PartKind::Json(ty) => type_tokens(ty, types),
        };
        let ty = if part.required || part.kind == PartKind::Files {
            ty
        } else {
            quote!(Option<#ty>)
        };
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    // Without required parts, every field has a natural empty value.
    let default = form
        .parts
        .iter()
        .all(|p| !p.required || p.kind == PartKind::Files)
        .then(|| quote!(Default));
    let shown: Vec<Shown> = form
        .parts
        .iter()
        .map(|p| Shown {
            name: &p.name,
            optional: !p.required && p.kind != PartKind::Files,
            secret: p.secret,
        })
        .collect();
    let redacting_debug = debug::redacting_impl(type_name, &shown, None);
    let derives: Vec<TokenStream> = redacting_debug
        .is_none()
        .then(|| quote!(Debug))
        .into_iter()
        .chain(default)
        .collect();
    let derive = (!derives.is_empty()).then(|| quote!(#[derive(#(#derives),*)]));
    let part_type = |part: &Part| match &part.kind {
        PartKind::File => "crate::runtime::FilePart".to_owned(),
        PartKind::Files => "Vec<crate::runtime::FilePart>".to_owned(),
        PartKind::Text(ty) | PartKind::Json(ty) => ty.spelled(Spelling::Code, types),
    };
    let field = |part: &Part| ident(&part.name).to_string();
    let params: Vec<String> = form
        .parts
        .iter()
        .filter(|p| p.required && p.kind != PartKind::Files)
        .map(|p| format!("{}: impl Into<{}>", field(p), part_type(p)))
        .collect();
    let inits: Vec<String> = form
        .parts
        .iter()
        .map(|p| match (p.required, &p.kind) {
            (_, PartKind::Files) => format!("{}: Vec::new(),", field(p)),
            (true, _) => format!("{0}: {0}.into(),", field(p)),
            (false, _) => format!("{}: None,", field(p)),
        })
        .collect();
    let optional: Vec<Setter> = form
        .parts
        .iter()
        .filter(|p| !p.required || p.kind == PartKind::Files)
        .map(|p| Setter {
            field: field(p),
            value: part_type(p),
            optional: p.kind != PartKind::Files,
            takes_option: false,
        })
        .collect();
    let methods = impl_tokens(&impl_text(type_name, Some((&params, &inits)), &optional));
    Some(quote! {
        #[doc = #doc]
        #derive
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #methods

        #redacting_debug
    })
}
