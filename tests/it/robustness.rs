//! Thousands of broken and odd documents through the loader and the generator: never a panic,
//! never a hang; always an error or code. A sample of the documents that generate code is
//! compiled as one crate.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use xtask::emit::{self, CrateOptions};

/// Mutated documents per run.
const MUTANTS: u64 = 1500;
/// No document may take longer than this to load, lower and emit.
const PATIENCE: Duration = Duration::from_secs(20);
/// Documents that generate code and are compiled together.
const COMPILED: usize = 25;

/// Every fixture (found, not listed) and one of the project's documents.
fn bases() -> Vec<Value> {
    let root = tests::workspace_root();
    let mut paths = xtask::codegen::spec_files(&root.join("tests/fixtures")).unwrap();
    paths.push(root.join("spec/v4/associations-schema.yaml"));
    paths
        .iter()
        .map(|path| {
            let name = xtask::codegen::display_name(&root, path);
            let text = std::fs::read_to_string(path).unwrap();
            xtask::load::read_value(&text, &name, name.ends_with(".json")).unwrap()
        })
        .collect()
}

/// Every location in a value, as a list of keys/indices.
fn locations(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                at.push(k.clone());
                locations(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                locations(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'v>(value: &'v mut Value, at: &[String]) -> Option<&'v mut Value> {
    at.iter().try_fold(value, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

const ODD_NAMES: &[&str] = &[
    "type",
    "Type",
    "TYPE",
    "self",
    "Self",
    "",
    "1st",
    "ünïcødé",
    "🙂",
    "a-b",
    "a_b",
    "aB",
    "$ref",
    "crate",
    "Option",
    "r#type",
];

fn odd_value(rng: &mut StdRng, schemas: &[String]) -> Value {
    let schema = || schemas.first().cloned().unwrap_or_default();
    match rng.random_range(0..16) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(rng.random::<i32>()),
        3 => json!(0.5),
        4 => json!(""),
        5 => json!([]),
        6 => json!({}),
        7 => {
            json!({"$ref": format!("#/components/schemas/{}", schemas.get(rng.random_range(0..schemas.len().max(1))).cloned().unwrap_or_default())})
        }
        8 => json!({"$ref": "#/components/schemas/DoesNotExist"}),
        9 => json!({"$ref": "#"}),
        10 => {
            json!({"type": "object", "properties": {ODD_NAMES[rng.random_range(0..ODD_NAMES.len())]: {"type": "string"}, "x".repeat(300): {"type": "integer"}}})
        }
        11 => json!({"type": "string", "enum": ["a", "A", "", "a b", "A_B", "Unknown", 1, null]}),
        12 => {
            json!({"allOf": [{"$ref": format!("#/components/schemas/{}", schema())}, {"type": "string"}]})
        }
        13 => {
            json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": format!("#/components/schemas/{}", schema())}}]})
        }
        14 => json!({"type": ["string", "null"]}),
        _ => json!("#/components/schemas/".repeat(rng.random_range(1..4))),
    }
}

fn mutate(base: &Value, rng: &mut StdRng) -> Value {
    let mut doc = base.clone();
    let schemas: Vec<String> = doc["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for _ in 0..rng.random_range(1..4) {
        let mut all = Vec::new();
        locations(&doc, &mut Vec::new(), &mut all);
        let at = all[rng.random_range(0..all.len())].clone();
        match rng.random_range(0..6) {
            // Remove it.
            0 if !at.is_empty() => {
                let (key, parent) = at.split_last().unwrap();
                match get_mut(&mut doc, parent) {
                    Some(Value::Object(map)) => {
                        map.remove(key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
            // Replace it with something odd.
            1 | 2 => {
                let value = odd_value(rng, &schemas);
                if let Some(slot) = get_mut(&mut doc, &at) {
                    *slot = value;
                }
            }
            // Copy another part of the document over it.
            3 => {
                let other = all[rng.random_range(0..all.len())].clone();
                let copy = get_mut(&mut doc, &other).map(|v| v.clone());
                if let (Some(copy), Some(slot)) = (copy, get_mut(&mut doc, &at)) {
                    *slot = copy;
                }
            }
            // Rename a key to something awkward.
            4 if !at.is_empty() => {
                let (key, parent) = at.split_last().unwrap();
                if let Some(Value::Object(map)) = get_mut(&mut doc, parent) {
                    if let Some(v) = map.remove(key) {
                        map.insert(
                            ODD_NAMES[rng.random_range(0..ODD_NAMES.len())].to_owned(),
                            v,
                        );
                    }
                }
            }
            // Make a schema refer to itself or to another that refers back.
            _ => {
                let both_ways = rng.random();
                let section = doc
                    .get_mut("components")
                    .and_then(|c| c.get_mut("schemas"))
                    .and_then(Value::as_object_mut);
                if let (Some(section), Some(a), Some(b)) =
                    (section, schemas.first(), schemas.last())
                {
                    section.insert(
                        a.clone(),
                        json!({"$ref": format!("#/components/schemas/{b}")}),
                    );
                    if both_ways {
                        section.insert(
                            b.clone(),
                            json!({"allOf": [{"$ref": format!("#/components/schemas/{a}")}]}),
                        );
                    }
                }
            }
        }
    }
    doc
}

enum Verdict {
    Generated(Value),
    Refused,
}

/// Loads, lowers and emits one document on its own thread, so a panic or a hang is caught.
fn try_generate(doc: Value, text: Option<String>, label: &str) -> Result<Verdict, String> {
    let (send, receive) = mpsc::channel();
    let thread_label = label.to_owned();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let loaded = match &text {
                Some(text) => xtask::load::parse_str(text, "mutant.yaml", false),
                None => xtask::load::parse_value(doc.clone(), "mutant.yaml"),
            };
            let generated = loaded
                .and_then(|d| xtask::lower::lower(&[d]))
                .and_then(|(api, _)| {
                    let options = CrateOptions {
                        package: "mutant".to_owned(),
                        command: "test".to_owned(),
                        standalone: true,
                    };
                    emit::emit_crate(&api, &options, "runtime")
                });
            match generated {
                Ok(_) if text.is_none() => Verdict::Generated(doc),
                Ok(_) => Verdict::Refused,
                Err(e) => {
                    // Every refusal names where: a file and a JSON pointer.
                    let message = e.to_string();
                    assert!(message.starts_with("mutant.yaml: #"), "{message}");
                    Verdict::Refused
                }
            }
        }));
        let _ = send.send(outcome.map_err(|_| format!("{thread_label}: panicked")));
    });
    match receive.recv_timeout(PATIENCE) {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("{label}: no answer within {PATIENCE:?}")),
    }
}

#[test]
fn thousands_of_broken_documents_never_panic_or_hang() {
    let bases = bases();
    let mut failures = Vec::new();
    let mut generated = Vec::new();
    let mut refused = 0;
    for seed in 0..MUTANTS {
        let mut rng = StdRng::seed_from_u64(seed);
        let base = &bases[seed as usize % bases.len()];
        let mutant = mutate(base, &mut rng);
        // Some mutants go through text: truncated, or with a byte changed.
        let text = (seed % 5 == 0).then(|| {
            let mut text = serde_json::to_string_pretty(&mutant).unwrap();
            let cut = rng.random_range(0..text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            if rng.random() {
                text.truncate(cut);
            } else {
                text.insert(
                    cut,
                    ['{', '}', ':', '"', '-', '\t', '&', '*'][rng.random_range(0..8)],
                );
            }
            text
        });
        match try_generate(mutant, text, &format!("seed {seed}")) {
            Ok(Verdict::Generated(doc)) => generated.push(doc),
            Ok(Verdict::Refused) => refused += 1,
            Err(failure) => failures.push(failure),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {MUTANTS} documents failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        refused > MUTANTS as usize / 10 && generated.len() > MUTANTS as usize / 10,
        "refused {refused}, generated {}",
        generated.len()
    );

    // What generates must also compile: a sample, each document its own module.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutant-crate");
    let _ = std::fs::remove_dir_all(&out);
    let docs: Vec<xtask::load::Document> = generated
        .into_iter()
        .take(COMPILED)
        .enumerate()
        .map(|(i, mut doc)| {
            doc["info"]["version"] = json!(format!("mutant-{i}"));
            xtask::load::parse_value(doc, &format!("mutant-{i}.yaml")).unwrap()
        })
        .collect();
    let (api, _) = xtask::lower::lower(&docs).unwrap();
    let options = CrateOptions {
        package: "mutants".to_owned(),
        command: "test".to_owned(),
        standalone: true,
    };
    let runtime = xtask::files::relative_path(&out, tests::shared_runtime().dir());
    for file in emit::emit_crate(&api, &options, &runtime).unwrap() {
        let path = out.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.contents).unwrap();
    }
    let features: Vec<String> = api.modules.iter().map(|m| m.feature()).collect();
    tests::cargo_check(
        &out,
        &[
            "--no-default-features".to_owned(),
            "--features".to_owned(),
            features.join(","),
        ],
    )
    .unwrap();
}
