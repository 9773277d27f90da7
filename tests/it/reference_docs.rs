//! Conformance with HubSpot's published documents in `../shared/specs`: our `spec/` keeps
//! every path, operation, parameter, response and schema they publish, and every published
//! schema has its Rust type. Those documents, and the other APIs' documents in
//! `../shared/specs/dev/`, generate crates that compile and document without warnings.
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
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        tests::skipped(
            "the conformance checks",
            &format!("no reference documents found in {}", dir.display()),
        )
    });
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
        // The associations API and its schema API, as one, as `spec/` has them.
        let (published, _) = xtask::lower::lower_versions(&docs).unwrap();
        let published = &published.modules[0];
        let module = ours.modules.iter().find(|m| &m.version == version).unwrap();
        let mut schemas = 0;
        for (id, def) in published.types.iter() {
            let Some(schema) = &def.schema_name else {
                continue;
            };
            schemas += 1;
            let (ours_id, ours) = module
                .types
                .iter()
                .find(|(_, t)| t.schema_name.as_ref() == Some(schema))
                .unwrap_or_else(|| panic!("{version}: published schema {schema} has no Rust type"));
            assert_eq!(
                module.types.name(ours_id),
                published.types.name(id),
                "{version}: {schema}"
            );
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

/// Whether a document marks a schema's property required.
fn published_required(docs: &[xtask::load::Document], schema: &str, property: &str) -> bool {
    docs.iter()
        .filter_map(|d| d.api.components.as_ref()?.schemas.get(schema)?.as_item())
        .any(|s| match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) => {
                object.required.iter().any(|r| r == property)
            }
            _ => false,
        })
}

/// Each recorded deviation is still a difference between the published schema and ours,
/// and of the kind recorded, in every version.
#[test]
fn every_recorded_deviation_is_still_one() {
    use xtask::ir::{Field, Module, TypeKind, TypeRef};
    let Some(dir) = reference_dir() else { return };
    let ours = tests::checked_in_api();
    fn field<'m>(module: &'m Module, schema: &str, property: &str) -> Option<&'m Field> {
        let (_, def) = module
            .types
            .iter()
            .find(|(_, t)| t.schema_name.as_deref() == Some(schema))?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        s.fields.iter().find(|f| f.wire_name == property)
    }
    let string_lists = TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::String))));
    for (version, files) in VERSIONS {
        let docs: Vec<_> = files.iter().map(|f| load(dir.join(f))).collect();
        let (published, _) = xtask::lower::lower_versions(&docs).unwrap();
        let published = &published.modules[0];
        let module = ours.modules.iter().find(|m| &m.version == version).unwrap();
        for d in DEVIATIONS {
            let at = format!("{version}: {}.{} ({})", d.schema, d.property, d.why);
            let theirs = field(published, d.schema, d.property)
                .unwrap_or_else(|| panic!("{at}: not in the published documents"));
            let ours =
                field(module, d.schema, d.property).unwrap_or_else(|| panic!("{at}: not in spec/"));
            match d.change {
                // As the document writes it: the generator reads HubSpot's error schemas
                // leniently on its own (`lower/quirks.rs`).
                Change::Optional => assert!(
                    published_required(&docs, d.schema, d.property) && !ours.required,
                    "{at}"
                ),
                Change::MapOrString => {
                    assert_eq!(theirs.ty, string_lists, "{at}: published type");
                    let TypeRef::Named(id) = ours.ty else {
                        panic!("{at}: ours is {:?}", ours.ty)
                    };
                    let Some(TypeKind::Union(union)) = module.types.get(id).map(|d| &d.kind) else {
                        panic!("{at}: {} is not a union", module.types.name(id))
                    };
                    let variants: Vec<&TypeRef> = union.variants.iter().map(|v| &v.ty).collect();
                    assert_eq!(variants, [&string_lists, &TypeRef::String], "{at}");
                }
            }
        }
    }
}

/// The `.json` documents in `dir`, sorted.
fn json_documents(dir: &Path) -> Vec<PathBuf> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    documents.sort();
    documents
}

/// `cargo xtask codegen --spec FILE --out DIR` on each published document, as it is, gives
/// a crate that compiles without warnings and has one function per operation and one type per
/// schema of the document, and no warnings; so does each document in `dev/`, whose defects
/// (a `$ref` to nothing, a path parameter the path does not name) give warnings, which are
/// shown. The crates are built together, as one workspace (one `cargo check`), and
/// documented with rustdoc's warnings denied (one `cargo doc`).
#[test]
fn every_reference_document_generates_a_crate_that_compiles_and_documents() {
    let Some(dir) = reference_dir() else { return };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reference-crates");
    let _ = std::fs::remove_dir_all(&out);
    let documents = json_documents(&dir);
    assert_eq!(
        documents.len(),
        8,
        "4 versions x 2 APIs in {}",
        dir.display()
    );
    let dev_documents = json_documents(&dir.join("dev"));
    let mut members = Vec::new();
    let mut features = Vec::new();
    let all = documents
        .iter()
        .map(|p| (p, "reference"))
        .chain(dev_documents.iter().map(|p| (p, "dev")));
    for (path, kind) in all {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = format!("{stem}.json");
        let package = format!("{kind}-{stem}");
        // One runtime for all of them, as `--runtime` gives crates that are used together.
        let mut job = xtask::codegen::Job::standalone(
            vec![(path.clone(), file.clone())],
            out.join(&package),
            out.join("runtime"),
            &package,
            out.clone(),
        );
        job.options.standalone = false;
        // HubSpot's published documents must generate as they are; the dev documents have
        // defects that are warnings (shown below).
        job.strict = kind == "reference";
        xtask::codegen::run(&job, false).unwrap_or_else(|e| panic!("{e}"));
        let doc = load(path.clone());
        let (api, warnings) = xtask::lower::lower(std::slice::from_ref(&doc)).unwrap();
        let module = &api.modules[0];
        if kind == "reference" {
            assert!(warnings.is_empty(), "{stem}: {warnings:?}");
        }
        for warning in &warnings {
            eprintln!("{warning}");
        }
        let operations: usize = doc
            .api
            .paths
            .iter()
            .filter_map(|(_, item)| item.as_item())
            .map(|item| item.iter().count())
            .sum();
        let schemas = doc.api.components.as_ref().map_or(0, |c| c.schemas.len());
        assert_eq!(
            module.operations.len(),
            operations,
            "{stem}: a function per operation"
        );
        assert_eq!(
            module
                .types
                .iter()
                .filter(|(_, t)| t.schema_name.is_some())
                .count(),
            schemas,
            "{stem}: a type per schema"
        );
        members.push(format!("{package:?}"));
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
    // The models and request functions of each; the HTTP client is the workspace's own, and
    // is documented with the checked-in crate (`up_to_date.rs`).
    let args = [
        "--workspace".to_owned(),
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        features.join(","),
    ];
    tests::cargo_check(&out, &args).unwrap();

    tests::cargo_doc(&out, &args).unwrap();
}
