//! The list of every generated model, for the round-trip tests.
//!
//! Tests read the specs to make JSON for each schema, then need the Rust type of that
//! schema by name. This file maps names to types, so a new schema is tested as soon as it
//! is generated, with no list to keep by hand.

use quote::quote;

use super::format;
use super::types::ident;
use crate::error::Result;
use crate::ir::{Api, Struct, TypeKind};

/// `tests/it/models.rs` for the crate `crate_name` (as a Rust identifier).
pub fn round_trip_registry(api: &Api, crate_name: &str, command: &str) -> Result<String> {
    let krate = ident(crate_name);
    let arms = api.modules.iter().flat_map(|m| {
        let module = ident(&m.name);
        let module_name = &m.name;
        let krate = krate.clone();
        m.types.iter().map(move |(id, _)| {
            let t = m.types.name(id);
            let ty = ident(t);
            quote!((#module_name, #t) => Some(via::<#krate::#module::#ty>(json)),)
        })
    });
    // Structs that keep undeclared properties, with the name of that map.
    let extra_arms = api.modules.iter().flat_map(|m| {
        let module = ident(&m.name);
        let module_name = &m.name;
        let krate = krate.clone();
        m.types.iter().filter_map(move |(id, def)| {
            let t = m.types.name(id);
            let TypeKind::Struct(Struct {
                extra: Some(extra), ..
            }) = &def.kind
            else {
                return None;
            };
            let ty = ident(t);
            let field = ident(&extra.name);
            Some(quote!((#module_name, #t) => Some(add_extra::<#krate::#module::#ty, _>(json, entries, |typed| &mut typed.#field)),))
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

        /// Deserialises `json` as the named struct, adds `entries` to the map that keeps its
        /// undeclared properties, and serialises it as text (where a repeated key would
        /// show); `None` when the type keeps no such map.
        pub fn with_extra(module: &str, type_name: &str, json: &serde_json::Value, entries: &[(String, serde_json::Value)]) -> Option<Result<String, serde_json::Error>> {
            match (module, type_name) {
                #(#extra_arms)*
                _ => None,
            }
        }

        fn add_extra<T, V>(
            json: &serde_json::Value,
            entries: &[(String, serde_json::Value)],
            extra: impl FnOnce(&mut T) -> &mut std::collections::BTreeMap<String, V>,
        ) -> Result<String, serde_json::Error>
        where
            T: serde::Serialize + serde::de::DeserializeOwned,
            V: serde::de::DeserializeOwned,
        {
            let mut typed: T = serde_json::from_str(&json.to_string())?;
            let map = extra(&mut typed);
            for (key, value) in entries {
                map.insert(key.clone(), serde_json::from_value(value.clone())?);
            }
            serde_json::to_string(&typed)
        }
    };
    format::rust_file("tests/it/models.rs", &format::header(command, &[]), tokens)
}
