//! Crates generated from HubSpot's published documents as they are (`../shared/specs` and
//! its `dev/`): one type for each repeated inline shape, error schemas read as the live API
//! sends errors, and a user's code over such crates (`tests/consumer/lib.rs`) that decodes
//! sparse error items and holds models across `.await` in spawned tasks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::ir::{Module, TypeKind};

use super::reference_docs::reference_dir;

/// A document of `../shared/specs/dev`, when the reference documents are there (required
/// in CI, as they are).
pub(crate) fn dev_document(name: &str) -> Option<PathBuf> {
    let path = reference_dir()?.join("dev").join(name);
    assert!(
        path.is_file() || std::env::var("CI").map_or(true, |ci| ci != "true"),
        "CI needs {}",
        path.display()
    );
    path.is_file().then_some(path)
}

fn load(path: &Path) -> xtask::load::Document {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    xtask::load::load_file(path, &name).unwrap()
}

/// The one module of a document, or why it does not lower (documents this generator does
/// not support yet, such as those with non-JSON bodies).
fn lower(path: &Path) -> Result<Module, xtask::error::Error> {
    let (api, _) = xtask::lower::lower(&[load(path)])?;
    Ok(api.modules.into_iter().next().unwrap())
}

/// Every published document and every dev document that lowers.
fn published_modules() -> Vec<(String, Module)> {
    let Some(dir) = reference_dir() else {
        return Vec::new();
    };
    let mut paths = xtask::codegen::spec_files(&dir).unwrap();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            lower(&path).ok().map(|module| (name, module))
        })
        .collect()
}

#[test]
fn no_two_inline_types_of_a_module_have_one_shape() {
    let modules = published_modules();
    for (name, module) in &modules {
        let mut shapes = BTreeSet::new();
        for (id, def) in module.types.iter() {
            if def.schema_name.is_some() || matches!(def.kind, TypeKind::Alias(_)) {
                continue;
            }
            assert!(
                shapes.insert(format!("{:?}", def.kind.shape())),
                "{name}: {} has the shape of another inline type",
                module.types.name(id)
            );
        }
    }
}

#[test]
fn media_bridges_repeated_union_is_one_type_and_components_keep_their_names() {
    let Some(path) = dev_document("media-bridge-2026-03.json") else {
        return;
    };
    let module = lower(&path).unwrap();
    let unions: Vec<&str> = module
        .types
        .iter()
        .filter(|(_, def)| matches!(&def.kind, TypeKind::Union(u) if u.variants.len() == 89))
        .map(|(id, _)| module.types.name(id))
        .collect();
    assert_eq!(unions, ["InputsItem"], "the 96 copies of the 89-way oneOf");

    let doc = load(&path);
    let schemas = &doc.api.components.as_ref().unwrap().schemas;
    for schema in schemas.keys() {
        let (id, _) = module
            .types
            .iter()
            .find(|(_, def)| def.schema_name.as_ref() == Some(schema))
            .unwrap_or_else(|| panic!("component {schema} has no type"));
        assert_eq!(
            module.types.name(id),
            xtask::naming::type_name(schema),
            "{schema}"
        );
    }
    assert_eq!(lower(&path).unwrap(), module, "lowering is deterministic");
}

#[test]
fn hubspots_error_schemas_require_only_what_it_always_sends() {
    let expected: [(&str, &[&str]); 3] = [
        ("StandardError", &["message", "status"]),
        ("Error", &["correlationId", "message"]),
        ("ErrorDetail", &["message"]),
    ];
    let modules = published_modules();
    let mut checked = BTreeSet::new();
    for (name, module) in &modules {
        for (schema, always_sent) in expected {
            let Some((_, def)) = module
                .types
                .iter()
                .find(|(_, def)| def.schema_name.as_deref() == Some(schema))
            else {
                continue;
            };
            let TypeKind::Struct(s) = &def.kind else {
                panic!("{name}: {schema} is not a struct")
            };
            let required: Vec<&str> = s
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.wire_name.as_str())
                .collect();
            assert_eq!(required, always_sent, "{name}: {schema}");
            assert!(s.lenient, "{name}: {schema} reads each field on its own");
            checked.insert(schema);
        }
    }
    if !modules.is_empty() {
        assert_eq!(checked.len(), 3, "each error schema is in some document");
    }
}

/// `x-lenient: false` in a document is read instead of the generator's own knowledge.
#[test]
fn a_documents_own_x_lenient_false_keeps_an_error_schema_as_written() {
    let Some(dir) = reference_dir() else { return };
    let mut doc = load(&dir.join("associations-v4.json"));
    let schemas = &mut doc.api.components.as_mut().unwrap().schemas;
    let Some(openapiv3::ReferenceOr::Item(schema)) = schemas.get_mut("StandardError") else {
        panic!("associations-v4.json writes out StandardError")
    };
    let extensions = &mut schema.schema_data.extensions;
    extensions.insert(xtask::lower::X_LENIENT.to_owned(), false.into());
    let (api, _) = xtask::lower::lower(&[doc]).unwrap();
    let types = &api.modules[0].types;
    let standard_error = types.id_of("StandardError").and_then(|id| types.get(id));
    let Some(TypeKind::Struct(s)) = standard_error.map(|def| &def.kind) else {
        panic!("StandardError is a struct")
    };
    let required: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire_name.as_str())
        .collect();
    let published = [
        "category", "context", "errors", "links", "message", "status",
    ];
    assert_eq!(required, published);
    assert!(!s.lenient);
}

/// Generates `associations-v4.json` and `dev/media-bridge-2026-03.json` as published, and
/// runs `tests/consumer/lib.rs` over them: a 207 whose error items leave out `errors`,
/// `links` and `category` decodes, and a spawned task holds Media Bridge's recursive models
/// across `.await`.
#[test]
fn code_over_published_crates_decodes_sparse_errors_and_spawns_tasks() {
    let Some(dir) = reference_dir() else { return };
    let Some(media_bridge) = dev_document("media-bridge-2026-03.json") else {
        return;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("published-crates");
    let _ = std::fs::remove_dir_all(&out);
    let crates = [
        ("associations", dir.join("associations-v4.json")),
        ("media-bridge", media_bridge),
    ];
    for (name, spec) in &crates {
        let file = spec.file_name().unwrap().to_string_lossy().into_owned();
        // Both on one runtime crate, as `--runtime` gives crates that are used together.
        let mut job = xtask::codegen::Job::standalone(
            vec![(spec.clone(), file)],
            out.join(name),
            out.join("runtime"),
            &format!("published-{name}"),
            out.clone(),
        );
        job.options.standalone = false;
        job.runtime = tests::shared_runtime();
        xtask::codegen::run(&job, false).unwrap();
    }
    // The models and request values only: the HTTP client is the workspace's own.
    tests::test_consumer(
        &out,
        &["associations", "media-bridge"],
        "lib.rs",
        "consumer",
        r#"associations = { package = "published-associations", path = "../associations", default-features = false, features = ["v4"] }
media-bridge = { package = "published-media-bridge", path = "../media-bridge", default-features = false, features = ["v2026_03"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt"] }
"#,
    )
    .unwrap();
}
