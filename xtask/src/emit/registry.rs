//! The list of every generated model, for the round-trip tests.
//!
//! Tests read the specs to make JSON for each schema, then need the Rust type of that
//! schema by name. This file maps names to types, so a new schema is tested as soon as it
//! is generated, with no list to keep by hand.

use quote::quote;

use super::format;
use super::types::ident;
use crate::error::Result;
use crate::ir::Api;

/// `tests/it/models.rs` for the crate `crate_name` (as a Rust identifier).
pub fn round_trip_registry(api: &Api, crate_name: &str, command: &str) -> Result<String> {
    let krate = ident(crate_name);
    let arms = api.modules.iter().flat_map(|m| {
        let module = ident(&m.name);
        let module_name = &m.name;
        let krate = krate.clone();
        m.types.keys().map(move |t| {
            let ty = ident(t);
            quote!((#module_name, #t) => Some(via::<#krate::#module::#ty>(json)),)
        })
    });
    let tokens = quote! {
        //! Maps `(module, type)` to the generated type, for tests that need every model.

        /// Deserialises `json` as the named type and serialises it again; `None` when no such
        /// type was generated.
        pub fn round_trip(module: &str, type_name: &str, json: &serde_json::Value) -> Option<Result<serde_json::Value, serde_json::Error>> {
            match (module, type_name) {
                #(#arms)*
                _ => None,
            }
        }

        fn via<T: serde::Serialize + serde::de::DeserializeOwned>(json: &serde_json::Value) -> Result<serde_json::Value, serde_json::Error> {
            // Through text, as responses arrive, so keys are borrowed from the input.
            let typed: T = serde_json::from_str(&json.to_string())?;
            serde_json::to_value(&typed)
        }
    };
    format::rust_file("tests/it/models.rs", &format::header(command, &[]), tokens)
}
