//! `Debug` for types that hold credentials: every field as `derive(Debug)` would show it,
//! but a secret as `<redacted>` (`Some(<redacted>)` when it is set and optional), and the
//! map of undeclared properties by its keys alone. Types without secrets derive `Debug`.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;

/// A field as `Debug` shows it.
pub struct Shown<'a> {
    /// The Rust field name.
    pub name: &'a str,
    /// The field is an `Option`.
    pub optional: bool,
    pub secret: bool,
}

/// `derive(Debug)` when no field is secret (and `None` is returned), else an
/// `impl Debug` that redacts them. `extra` is the map of undeclared properties, if any.
pub fn redacting_impl(
    type_name: &str,
    fields: &[Shown],
    extra: Option<&str>,
) -> Option<TokenStream> {
    if !fields.iter().any(|f| f.secret) {
        return None;
    }
    let name = ident(type_name);
    let entries = fields.iter().map(|f| {
        let field = ident(f.name);
        let label = f.name;
        match (f.secret, f.optional) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, false) => quote!(.field(#label, &crate::runtime::Redacted)),
            (true, true) => {
                quote!(.field(#label, &self.#field.as_ref().map(|_| crate::runtime::Redacted)))
            }
        }
    });
    let extra = extra.map(|extra| {
        let field = ident(extra);
        quote!(.field(#extra, &crate::runtime::RedactedValues(&self.#field)))
    });
    Some(quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#entries)*
                    #extra
                    .finish()
            }
        }
    })
}
