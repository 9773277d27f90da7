//! Every model of every version survives JSON -> Rust -> JSON.

use serde_json::Value;
use tests::repeated_keys::repeated_keys;
use tests::sample::Sampler;
use tests::semantic;
use xtask::ir::{TypeKind, TypeRef};

use crate::models;

/// Random documents per type. Each is small; together they cover missing optionals, nulls,
/// numeric ids, unknown enum values and undeclared properties many times over.
const CASES: u64 = 200;

fn seed(module: &str, type_name: &str, case: u64) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in module.bytes().chain([0]).chain(type_name.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ case
}

#[test]
fn round_trip_every_model_of_both_versions() {
    let api = tests::checked_in_api();
    let mut failures = Vec::new();
    let mut round_trips = 0;
    for module in &api.modules {
        for (id, _) in module.types.iter() {
            let name = module.types.name(id);
            for case in 0..CASES {
                let seed = seed(&module.name, name, case);
                let before = Sampler::new(&module.types, seed).named(name);
                let label = format!("{}::{name} (seed {seed})", module.name);
                let after = match models::round_trip(&module.name, name, &before) {
                    None => {
                        failures.push(format!(
                            "{label}: no generated type; run `cargo xtask codegen`"
                        ));
                        break;
                    }
                    Some(Err(e)) => {
                        failures.push(format!("{label}: does not deserialize: {e}\n    {before}"));
                        continue;
                    }
                    Some(Ok(after)) => after,
                };
                round_trips += 1;
                let ty = TypeRef::Named(id);
                if let Err(diff) = semantic::same(&module.types, &ty, &before, &after) {
                    failures.push(format!(
                        "{label}: {diff}\n    before: {before}\n    after:  {after}"
                    ));
                    continue;
                }
                // What we write, we read back to the same text.
                match models::round_trip(&module.name, name, &after) {
                    Some(Ok(again)) if again == after => {}
                    other => failures.push(format!(
                        "{label}: second round trip gave {other:?}, not {after}"
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    let types: usize = api.modules.iter().map(|m| m.types.len()).sum();
    assert_eq!(round_trips, types * CASES as usize);
    assert_eq!(api.modules.len(), 2, "both versions are generated");
}

/// Documents per type for the `extra` test: each puts an entry under every declared key.
const EXTRA_CASES: u64 = 25;

/// `extra` never repeats a declared field, for every model that keeps undeclared
/// properties: an entry under a declared key is left out where the field is written (the
/// field wins), and is the key's only value where the field is not.
#[test]
fn extra_never_duplicates_a_declared_field() {
    let api = tests::checked_in_api();
    let mut failures = Vec::new();
    let mut models_checked = 0;
    for module in &api.modules {
        for (id, def) in module.types.iter() {
            let name = module.types.name(id);
            let TypeKind::Struct(s) = &def.kind else {
                continue;
            };
            let Some(extra) = &s.extra else {
                continue;
            };
            models_checked += 1;
            for case in 0..EXTRA_CASES {
                let seed = seed(&module.name, name, case);
                let label = format!("{}::{name} (seed {seed})", module.name);
                let mut sampler = Sampler::new(&module.types, seed);
                let before = sampler.named(name);
                let entries: Vec<(String, Value)> = s
                    .fields
                    .iter()
                    .map(|f| (f.wire_name.clone(), sampler.value(&extra.value, 1)))
                    .collect();
                let Some(Ok(plain)) = models::round_trip(&module.name, name, &before) else {
                    failures.push(format!("{label}: does not round-trip"));
                    continue;
                };
                let text = match models::with_extra(&module.name, name, &before, &entries) {
                    Some(Ok(text)) => text,
                    other => {
                        failures.push(format!("{label}: with extra entries gave {other:?}"));
                        break;
                    }
                };
                let repeated = repeated_keys(&text).expect("JSON text");
                if !repeated.is_empty() {
                    failures.push(format!("{label}: repeats {repeated:?} in {text}"));
                    continue;
                }
                let after: Value = serde_json::from_str(&text).expect("JSON text");
                for (key, junk) in &entries {
                    let wanted = plain.get(key).unwrap_or(junk);
                    if after.get(key) != Some(wanted) {
                        failures.push(format!(
                            "{label}: `{key}` is {:?}, not {wanted}",
                            after.get(key)
                        ));
                    }
                }
                let undeclared = |json: &Value| {
                    let mut json = json.clone();
                    if let Some(map) = json.as_object_mut() {
                        map.retain(|key, _| s.fields.iter().all(|f| &f.wire_name != key));
                    }
                    json
                };
                if undeclared(&after) != undeclared(&plain) {
                    failures.push(format!("{label}: undeclared properties changed: {text}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    assert!(
        models_checked > 50,
        "only {models_checked} models keep extra properties"
    );
}

/// The sampler really produces the awkward cases, so the test above exercises them.
#[test]
fn round_trip_samples_include_the_live_api_quirks() {
    let api = tests::checked_in_api();
    let v4 = api.modules.iter().find(|m| m.name == "v4").unwrap();
    let mut numeric_id = false;
    let mut unknown_enum = false;
    let mut undeclared = false;
    let mut missing_optional = false;
    for case in 0..CASES {
        let pair = Sampler::new(&v4.types, case).named("PublicAssociationMultiWithLabel");
        let text = pair.to_string();
        numeric_id |= pair["from"]["id"].is_number();
        unknown_enum |= text.contains("UNDOCUMENTED_");
        undeclared |= text.contains("undeclared0");
        missing_optional |= pair.get("paging").is_none();
    }
    assert!(numeric_id && unknown_enum && undeclared && missing_optional);
}
