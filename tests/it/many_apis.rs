//! One crate for several APIs: a module per API and version, one runtime and one `Client`,
//! identical schemas emitted once, and no conflict between different schemas of one name.

use std::path::{Path, PathBuf};

use xtask::codegen::{self, Job};
use xtask::ir::{Api, HttpMethod, Module, ParamLocation, TypeRef};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("many-apis")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn job(specs: &[PathBuf], out: &Path, package: &str) -> Job {
    let specs = specs
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (path.clone(), name)
        })
        .collect();
    let mut job = Job::standalone(
        specs,
        out.to_owned(),
        out.join("runtime"),
        package,
        out.to_owned(),
    );
    job.runtime = tests::shared_runtime();
    job
}

fn lower(specs: &[PathBuf]) -> Api {
    let docs: Vec<_> = specs
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            xtask::load::load_file(path, &name).unwrap()
        })
        .collect();
    xtask::lower::lower(&docs).unwrap().0
}

fn module<'a>(api: &'a Api, path: &str) -> &'a Module {
    api.modules
        .iter()
        .find(|m| m.path() == path)
        .unwrap_or_else(|| panic!("no module {path}"))
}

const APPLES: &str = "openapi: 3.0.3
info: {title: Apples V1, description: Apples and how to pick them., version: v1}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        colour: {type: string}
    Common:
      type: object
      properties:
        id: {type: string}
";

const PEARS: &str = "openapi: 3.0.3
info: {title: Pears, description: Pears., version: v1}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [ripe]
      properties:
        ripe: {type: boolean}
    Common:
      type: object
      properties:
        id: {type: string}
";

/// A document of the pears API whose title says otherwise: `x-rust-api` puts it there.
const PEAR_TREES: &str = "openapi: 3.0.3
info: {title: Orchard Trees, version: v1, x-rust-api: Pears}
paths: {}
components:
  schemas:
    Tree:
      type: object
      properties:
        height: {type: integer}
";

/// Two APIs that both define `Thing`, differently, and `Common`, identically: each keeps its
/// own `Thing`, `Common` is emitted once, and the crate compiles and documents with warnings
/// denied.
#[test]
fn apis_group_by_title_and_may_define_different_schemas_of_one_name() {
    let dir = scratch("fruit");
    let specs: Vec<PathBuf> = [
        ("apples.yaml", APPLES),
        ("pears.yaml", PEARS),
        ("pear-trees.yaml", PEAR_TREES),
    ]
    .iter()
    .map(|(name, text)| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    })
    .collect();
    let api = lower(&specs);
    let paths: Vec<String> = api.modules.iter().map(Module::path).collect();
    assert_eq!(paths, ["apples::v1", "pears::v1"]);
    assert!(module(&api, "pears::v1").types.id_of("Tree").is_some());

    let out = dir.join("fruit");
    codegen::run(&job(&specs, &out, "fruit"), false).unwrap();
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    for models in ["src/apples/v1/models.rs", "src/pears/v1/models.rs"] {
        assert!(read(models).contains("pub struct Thing"), "{models}");
        assert!(!read(models).contains("pub struct Common"), "{models}");
    }
    let shared = read("src/shared.rs");
    assert!(shared.contains("pub struct Common"), "{shared}");
    assert!(!shared.contains("pub struct Thing"), "{shared}");

    // What the crate says of itself comes from the documents.
    let manifest = read("Cargo.toml");
    assert!(
        manifest.contains("description = \"Typed Rust client for Apples (v1) and Pears (v1).\"\n"),
        "{manifest}"
    );
    assert!(manifest.contains("apples_v1 = []"), "{manifest}");
    let pears = read("src/pears/mod.rs");
    assert!(
        pears.contains("//! Pears and Orchard Trees, one module per API version."),
        "{pears}"
    );
    assert!(pears.contains("//! Pears.\n"), "{pears}");
    assert!(read("src/lib.rs").contains("| [`apples::v1`] | Apples | `v1` | `apples_v1` |"));

    let args = [
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        "apples_v1,pears_v1".to_owned(),
    ];
    tests::cargo_check(&out, &args).unwrap();
    tests::cargo_doc(&out, &args).unwrap();
}

/// The operation at `method path` of a module, called with made-up arguments: it must take
/// only path parameters that are strings, and optional query parameters.
fn call(module: &Module, method: HttpMethod, path: &str) -> String {
    let op = module
        .operations
        .iter()
        .find(|o| o.method == method && o.path == path)
        .unwrap_or_else(|| panic!("{}: no {method:?} {path}", module.path()));
    assert!(op.body.is_none(), "{path}");
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path || p.required)
        .map(|p| {
            assert!(
                p.location == ParamLocation::Path && p.ty == TypeRef::String,
                "{path}: {p:?}"
            );
            "\"1\"".to_owned()
        })
        .collect();
    if let Some(query) = op.query_struct {
        let query = module.types.name(query);
        args.push(format!("&{}::{query}::default()", module.path()));
    }
    format!("{}::{}({})", module.path(), op.name, args.join(", "))
}

/// HubSpot's documents for contacts and pipelines (two versions each), files and meta
/// origins make one crate that compiles with warnings denied, where one `Client` sends the
/// requests of two APIs.
#[test]
fn several_published_apis_make_one_crate_with_one_client() {
    let Some(dir) = super::reference_docs::reference_dir() else {
        return;
    };
    let dev = dir.join("dev");
    let specs: Vec<PathBuf> = [
        "contacts-v3.json",
        "contacts-2026-03.json",
        "pipelines-v3.json",
        "pipelines-2026-03.json",
        "files-v3.json",
        "meta-origins-2026-03.json",
    ]
    .iter()
    .map(|name| dev.join(name))
    .collect();
    let api = lower(&specs);
    let paths: Vec<String> = api.modules.iter().map(Module::path).collect();
    assert_eq!(
        paths,
        [
            "contacts::v2026_03",
            "contacts::v3",
            "files::v3",
            "meta_origins::v2026_03",
            "pipelines::v2026_03",
            "pipelines::v3"
        ]
    );
    // Error bodies are the same schema in every API: one type.
    let shared: Vec<&str> = api
        .shared
        .types()
        .iter()
        .map(|t| {
            let (module, id) = t.written();
            api.modules[module].types.name(id)
        })
        .collect();
    assert!(shared.contains(&"Error"), "{shared:?}");

    let out = scratch("published").join("hubspot");
    codegen::run(&job(&specs, &out, "hubspot"), false).unwrap();
    let contact = call(
        module(&api, "contacts::v3"),
        HttpMethod::Get,
        "/crm/v3/objects/contacts/{contactId}",
    );
    let pipeline = call(
        module(&api, "pipelines::v3"),
        HttpMethod::Get,
        "/crm/v3/pipelines/{objectType}/{pipelineId}",
    );
    std::fs::create_dir_all(out.join("examples")).unwrap();
    std::fs::write(
        out.join("examples/one_client.rs"),
        format!(
            "use hubspot::{{contacts, pipelines, Client, Error}};

/// One client, so one rate limiter and one retry policy, for both APIs.
async fn contact_and_pipeline(client: &Client) -> Result<(), Error> {{
    let contact = client.send(&{contact}).await?;
    let pipeline = client.send(&{pipeline}).await?;
    println!(\"{{contact:?}} {{pipeline:?}}\");
    Ok(())
}}

fn main() -> Result<(), Error> {{
    let client = Client::new(\"pat-na1-not-a-real-token\")?;
    drop(contact_and_pipeline(&client));
    Ok(())
}}
"
        ),
    )
    .unwrap();
    tests::cargo_check(&out, &[]).unwrap();
    // Its docs (a table linking every API's versions) build with warnings denied.
    tests::cargo_doc(&out, &[]).unwrap();
}
