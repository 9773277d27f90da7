//! Conformance with HubSpot's published documents in `../shared/specs`: our `spec/` keeps
//! every path, operation, parameter, response and schema they publish, and every published
//! schema has its Rust type.
//!
//! A user's clone has no `../shared`; there these tests say so and pass. CI (`CI=true`)
//! requires the documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr};

/// The published documents for each checked-in version.
const VERSIONS: &[(&str, &[&str])] = &[
    (
        "v4",
        &["associations-v4.json", "associations-schema-v4.json"],
    ),
    (
        "2026-03",
        &[
            "associations-2026-03.json",
            "associations-schema-2026-03.json",
        ],
    ),
];

/// Where our `spec/` departs on purpose from what HubSpot publishes, to read what the live
/// API sends (`../shared/HUBSPOT.md`). The schema comparison allows exactly these, and
/// `every_recorded_deviation_is_still_one` keeps the list true.
const DEVIATIONS: &[Deviation] = &[
    Deviation {
        schema: "Error",
        property: "category",
        change: Change::Optional,
        why: "a 429 body has `errorType` and no `category`",
    },
    Deviation {
        schema: "Error",
        property: "context",
        change: Change::MapOrString,
        why: "`context` is sometimes a plain string",
    },
    Deviation {
        schema: "ErrorDetail",
        property: "context",
        change: Change::MapOrString,
        why: "`context` is sometimes a plain string",
    },
    Deviation {
        schema: "StandardError",
        property: "category",
        change: Change::Optional,
        why: "error items do not always carry `category`",
    },
    Deviation {
        schema: "StandardError",
        property: "context",
        change: Change::Optional,
        why: "only `status` and `message` are always sent",
    },
    Deviation {
        schema: "StandardError",
        property: "context",
        change: Change::MapOrString,
        why: "`context` is sometimes a plain string",
    },
    Deviation {
        schema: "StandardError",
        property: "errors",
        change: Change::Optional,
        why: "207 error items leave `errors` out or send `null`",
    },
    Deviation {
        schema: "StandardError",
        property: "links",
        change: Change::Optional,
        why: "207 error items leave `links` out or send `null`",
    },
];

struct Deviation {
    schema: &'static str,
    property: &'static str,
    change: Change,
    /// What the live API does that the published document does not allow.
    why: &'static str,
}

#[derive(PartialEq)]
enum Change {
    /// Required there, optional here.
    Optional,
    /// A map of string lists there; here that map or a string (`ErrorContext`).
    MapOrString,
}

fn deviates(schema: &str, property: &str, change: Change) -> bool {
    DEVIATIONS
        .iter()
        .any(|d| d.schema == schema && d.property == property && d.change == change)
}

pub fn reference_dir() -> Option<PathBuf> {
    let dir = tests::workspace_root().join("../shared/specs");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").map_or(true, |ci| ci != "true"),
        "CI needs HubSpot's reference documents in {}",
        dir.display()
    );
    eprintln!(
        "no reference documents found in {}; skipping the conformance checks",
        dir.display()
    );
    None
}

fn load(path: PathBuf) -> xtask::load::Document {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    xtask::load::load_file(&path, &name).unwrap()
}

/// `METHOD path` with the parameters, body and response codes that define an operation.
fn operations(api: &OpenAPI) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in api.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let mut params: Vec<String> = op
                .parameters
                .iter()
                .filter_map(|p| p.as_item())
                .map(|p| {
                    let data = p.parameter_data_ref();
                    let schema = match &data.format {
                        openapiv3::ParameterSchemaOrContent::Schema(s) => {
                            serde_json::to_string(s).unwrap()
                        }
                        openapiv3::ParameterSchemaOrContent::Content(_) => "content".to_owned(),
                    };
                    format!(
                        "{}:{}:{}:{}",
                        data.name,
                        required_in(p),
                        data.required,
                        strip_noise(&schema)
                    )
                })
                .collect();
            params.sort();
            let body = op.request_body.as_ref().map(|b| match b {
                ReferenceOr::Item(b) => content_facts(&b.content),
                ReferenceOr::Reference { reference } => reference.clone(),
            });
            let mut codes: Vec<String> = op
                .responses
                .responses
                .iter()
                .map(|(code, r)| {
                    let schema = match r {
                        ReferenceOr::Item(r) => content_facts(&r.content),
                        ReferenceOr::Reference { reference } => reference.clone(),
                    };
                    format!("{code}={schema}")
                })
                .collect();
            if op.responses.default.is_some() {
                codes.push("default".to_owned());
            }
            out.insert(format!(
                "{} {path} params={params:?} body={body:?} responses={codes:?}",
                method.to_uppercase()
            ));
        }
    }
    out
}

fn required_in(p: &openapiv3::Parameter) -> &'static str {
    match p {
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    }
}

/// The schemas of a body's media types, as facts.
fn content_facts(content: &openapiv3::Content) -> String {
    content
        .values()
        .map(|m| strip_noise(&serde_json::to_string(&m.schema).unwrap()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Drops what is prose or example, keeping the facts.
fn strip_noise(json: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.retain(|k, _| k != "description" && k != "example" && !k.starts_with("x-"));
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value.to_string()
}

#[test]
fn spec_keeps_every_published_operation() {
    let Some(dir) = reference_dir() else { return };
    let root = tests::workspace_root();
    for (version, files) in VERSIONS {
        for file in *files {
            let reference = load(dir.join(file));
            let ours_name = if file.contains("schema") {
                "associations-schema.yaml"
            } else {
                "associations.yaml"
            };
            let ours = load(root.join("spec").join(version).join(ours_name));
            let published = operations(&reference.api);
            let written = operations(&ours.api);
            let missing: Vec<_> = published.difference(&written).collect();
            let added: Vec<_> = written.difference(&published).collect();
            assert!(
                missing.is_empty() && added.is_empty(),
                "{file} vs spec/{version}/{ours_name}:\nmissing {missing:#?}\nadded {added:#?}"
            );
        }
    }
}

#[test]
fn every_published_schema_has_its_rust_type() {
    let Some(dir) = reference_dir() else { return };
    let ours = tests::checked_in_api();
    for (version, files) in VERSIONS {
        let docs: Vec<_> = files.iter().map(|f| load(dir.join(f))).collect();
        let (published, _) = xtask::lower::lower(&docs).unwrap();
        let published = &published.modules[0];
        let module = ours.modules.iter().find(|m| &m.version == version).unwrap();
        let mut schemas = 0;
        for def in published.types.values() {
            let Some(schema) = &def.schema_name else {
                continue;
            };
            schemas += 1;
            let ours = module
                .types
                .values()
                .find(|t| t.schema_name.as_ref() == Some(schema))
                .unwrap_or_else(|| panic!("{version}: published schema {schema} has no Rust type"));
            assert_eq!(ours.name, def.name, "{version}: {schema}");
            let wire = |t: &xtask::ir::TypeDef, published: bool| match &t.kind {
                xtask::ir::TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .map(|f| {
                        let made_optional =
                            published && deviates(schema, &f.wire_name, Change::Optional);
                        (f.wire_name.clone(), f.required && !made_optional)
                    })
                    .collect::<BTreeSet<_>>(),
                _ => BTreeSet::new(),
            };
            assert_eq!(
                wire(ours, false),
                wire(def, true),
                "{version}: properties of {schema}"
            );
        }
        let expected: usize = docs
            .iter()
            .flat_map(|d| d.api.components.iter().flat_map(|c| c.schemas.keys()))
            .collect::<BTreeSet<_>>()
            .len();
        assert_eq!(
            schemas, expected,
            "{version}: every published schema was lowered"
        );
    }
}

/// Each recorded deviation is still a difference between the published schema and ours,
/// and of the kind recorded, in every version.
#[test]
fn every_recorded_deviation_is_still_one() {
    use xtask::ir::{Field, Module, TypeKind, TypeRef};
    let Some(dir) = reference_dir() else { return };
    let ours = tests::checked_in_api();
    fn field<'m>(module: &'m Module, schema: &str, property: &str) -> Option<&'m Field> {
        let def = module
            .types
            .values()
            .find(|t| t.schema_name.as_deref() == Some(schema))?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        s.fields.iter().find(|f| f.wire_name == property)
    }
    let string_lists = TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::String))));
    for (version, files) in VERSIONS {
        let docs: Vec<_> = files.iter().map(|f| load(dir.join(f))).collect();
        let (published, _) = xtask::lower::lower(&docs).unwrap();
        let published = &published.modules[0];
        let module = ours.modules.iter().find(|m| &m.version == version).unwrap();
        for d in DEVIATIONS {
            let at = format!("{version}: {}.{} ({})", d.schema, d.property, d.why);
            let theirs = field(published, d.schema, d.property)
                .unwrap_or_else(|| panic!("{at}: not in the published documents"));
            let ours =
                field(module, d.schema, d.property).unwrap_or_else(|| panic!("{at}: not in spec/"));
            match d.change {
                Change::Optional => assert!(theirs.required && !ours.required, "{at}"),
                Change::MapOrString => {
                    assert_eq!(theirs.ty, string_lists, "{at}: published type");
                    let TypeRef::Named(name) = &ours.ty else {
                        panic!("{at}: ours is {:?}", ours.ty)
                    };
                    let TypeKind::Union(union) = &module.types[name].kind else {
                        panic!("{at}: {name} is not a union")
                    };
                    let variants: Vec<&TypeRef> = union.variants.iter().map(|v| &v.ty).collect();
                    assert_eq!(variants, [&string_lists, &TypeRef::String], "{at}");
                }
            }
        }
    }
}

/// `cargo xtask codegen --spec FILE --out DIR` on each published document, as it is, gives
/// a crate that compiles without warnings and has one function per operation and one type per
/// schema of the document. The crates are built together, as one workspace.
#[test]
fn every_reference_document_generates_a_crate_that_compiles() {
    let Some(dir) = reference_dir() else { return };
    let root = tests::workspace_root();
    let runtime = xtask::codegen::runtime_files(&root).unwrap();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reference-crates");
    let _ = std::fs::remove_dir_all(&out);
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    documents.sort();
    assert_eq!(
        documents.len(),
        8,
        "4 versions x 2 APIs in {}",
        dir.display()
    );

    let mut members = Vec::new();
    let mut features = Vec::new();
    for path in &documents {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = load(path.clone());
        let operations: usize = doc
            .api
            .paths
            .iter()
            .filter_map(|(_, item)| item.as_item())
            .map(|item| item.iter().count())
            .sum();
        let schemas = doc.api.components.as_ref().map_or(0, |c| c.schemas.len());
        let (api, warnings) = xtask::lower::lower(std::slice::from_ref(&doc)).unwrap();
        assert!(warnings.is_empty(), "{stem}: {warnings:?}");
        let module = &api.modules[0];
        assert_eq!(
            module.operations.len(),
            operations,
            "{stem}: a function per operation"
        );
        assert_eq!(
            module
                .types
                .values()
                .filter(|t| t.schema_name.is_some())
                .count(),
            schemas,
            "{stem}: a type per schema"
        );

        let package = format!("reference-{stem}");
        let job = xtask::codegen::Job {
            specs: vec![(path.clone(), format!("{stem}.json"))],
            out_dir: out.join(&stem),
            options: xtask::emit::CrateOptions {
                package: package.clone(),
                command: "cargo xtask codegen --spec ... --out ...".to_owned(),
                standalone: false,
            },
            registry: None,
            root: out.clone(),
        };
        xtask::codegen::run(&job, &runtime, false).unwrap();
        members.push(format!("{stem:?}"));
        features.push(format!("{package}/{}", module.name));
    }
    std::fs::write(
        out.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // The models and request functions of each; the HTTP client is the workspace's own.
    let args = [
        "--workspace".to_owned(),
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        features.join(","),
    ];
    tests::cargo_check(&out, &args).unwrap();
}
