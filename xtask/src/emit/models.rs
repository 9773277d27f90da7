//! Types of one module: structs, enums, unions and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::debug::{self, Shown};
use super::render::Emitted;
use super::types::{doc_attrs, ident, type_tokens};
use super::{struct_serde, struct_text};
use crate::ir::{Enum, Struct, TypeDef, TypeId, TypeKind, TypeTable, Union};

/// A type to write: its id, and the table that defines and names it (its module's; for a
/// shared type, the first module's that uses it).
#[derive(Clone, Copy)]
pub struct Model<'a> {
    pub types: &'a TypeTable,
    pub id: TypeId,
}

impl<'a> Model<'a> {
    pub fn name(self) -> &'a str {
        self.types.name(self.id)
    }

    /// Its definition; `None` only for an operation's struct, which is no model.
    pub fn def(self) -> Option<&'a TypeDef> {
        self.types.get(self.id)
    }
}

/// The start of a file of types (a module's `models.rs`, or `shared.rs`): its doc and lints,
/// and `imports`. The types and the end follow as pieces of their own (`type_defs`,
/// `models_tail`), which are formatted apart and joined.
pub fn models_head(doc: &str, imports: TokenStream) -> TokenStream {
    let doc = format!(" {doc}");
    quote! {
        #![doc = #doc]
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant)]

        #imports
    }
}

/// The definitions of `models`, each with its own impls.
pub fn type_defs(models: &[Model]) -> Emitted {
    let mut emitted = Emitted::default();
    for &model in models {
        let (Some(def), name, types) = (model.def(), model.name(), model.types) else {
            continue;
        };
        match &def.kind {
            TypeKind::Struct(s) => {
                let redacting_debug = redacting_debug(name, s);
                let doc = type_doc(def);
                emitted.text(struct_text::definition(
                    name,
                    &doc,
                    s,
                    redacting_debug.is_some(),
                    types,
                ));
                if let Some(debug) = redacting_debug {
                    emitted.tokens(debug);
                }
                emitted.text(struct_text::constructor(name, s, types));
                emitted.text(struct_serde::serde_impls(name, s, types));
            }
            TypeKind::Enum(e) => emitted.tokens(enum_def(name, type_doc_attrs(def), e)),
            TypeKind::Union(u) => {
                emitted.tokens(union_def(type_doc_attrs(def), &ident(name), u, types));
            }
            TypeKind::Alias(target) => {
                let docs = type_doc_attrs(def);
                let name = ident(name);
                let target = type_tokens(target, types);
                emitted.tokens(quote! {
                    #docs
                    pub type #name = #target;
                });
            }
        }
    }
    emitted
}

/// The end of a file of types: the runtime-trait `impls`, then the proof that every type of
/// the file is `Send + Sync`.
pub fn models_tail(models: &[Model], impls: TokenStream) -> TokenStream {
    let send_sync = send_sync_assertion(models.iter().map(|model| model.name()));
    quote! {
        #impls

        #send_sync
    }
}

/// A compile-time proof that each named type is `Send + Sync`: any value may be held
/// across `.await` in a spawned task or shared between threads. A type whose proof the
/// compiler cannot finish (E0275, as 96 copies of one recursive union once caused) fails
/// the crate's build here instead of its users' code.
pub fn send_sync_assertion<'n>(names: impl IntoIterator<Item = &'n str>) -> TokenStream {
    let types: Vec<_> = names.into_iter().map(ident).collect();
    if types.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            const fn send_sync<T: Send + Sync>() {}
            #(send_sync::<#types>();)*
        };
    }
}

/// A type's doc: its description, then the schema it comes from.
fn type_doc(def: &TypeDef) -> String {
    let mut doc = def.doc.clone().unwrap_or_default();
    if let Some(schema) = &def.schema_name {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("Schema `{schema}`."));
    }
    doc
}

/// The `Debug` of a struct with secret fields, which redacts them; `None` for others, which
/// derive it.
fn redacting_debug(type_name: &str, s: &Struct) -> Option<TokenStream> {
    let shown: Vec<Shown> = s
        .fields
        .iter()
        .map(|f| Shown {
            name: &f.name,
            optional: f.is_option(),
            secret: f.secret,
        })
        .collect();
    let extra_name = s.extra.as_ref().map(|e| e.name.as_str());
    debug::redacting_impl(type_name, &shown, extra_name)
}

fn type_doc_attrs(def: &TypeDef) -> TokenStream {
    doc_attrs(Some(&type_doc(def)))
}

fn enum_def(type_name: &str, docs: TokenStream, e: &Enum) -> TokenStream {
    let name = ident(type_name);
    let fallback = ident(&e.fallback);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = format!(" `{}`", v.wire.replace('`', "'"));
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    let from_str_owned = from_str.clone();
    let known = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        // HubSpot adds values often; a `match` needs `_` for them (or `Unknown`'s value).
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this crate does not know yet, kept exactly as received.
            #fallback(String),
        }

        impl #name {
            /// Every value the API documents.
            pub const KNOWN: &'static [Self] = &[#(#known),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#fallback(other) => other,
                }
            }
        }

        // By the value on the wire (a known value before an unknown one of the same text),
        // so that the order does not change when a version adds values.
        impl PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for #name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                let unknown = |value: &Self| matches!(value, Self::#fallback(_));
                (self.as_str(), unknown(self)).cmp(&(other.as_str(), unknown(other)))
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_str_owned)*
                    _ => Self::#fallback(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                crate::runtime::de::string_enum(deserializer)
            }
        }
    }
}

fn union_def(
    docs: TokenStream,
    name: &proc_macro2::Ident,
    u: &Union,
    types: &TypeTable,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, types);
        quote!(#variant(#ty),)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}
