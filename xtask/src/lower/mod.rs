//! Stage 2: OpenAPI documents to the intermediate model.
//!
//! Documents are grouped into APIs by `info.title` (version words and repeated words aside,
//! or by `x-rust-api` on `info`), and each API's documents into modules by `info.version`.
//! Within a module, component schemas of every document share one set of type names: a
//! schema that two documents both define must mean the same type. Modules are lowered each on
//! their own, so two APIs may define different schemas of the same name. Types are known by
//! id while lowering and named once, when the module is lowered (`names.rs`): inline schemas
//! that need a type of their own (objects with properties, enums, unions) are named after
//! where they sit (`{Parent}{Property}`) unless the document names them with `x-rust-name`.

mod auth;
pub mod batch_limits;
mod bodies;
mod cycles;
mod extensions;
mod names;
mod operations;
mod pages_and_batches;
mod quirks;
mod record_ids;
mod refs;
mod schema;
mod secrets;
mod shapes;
mod shared;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Pointer, Result, Warning};
use crate::ir::{About, Api, Module};
use crate::load::Document;
use crate::naming;

pub use extensions::{
    OF_A_PLACE, X_BATCH_MAX, X_IDEMPOTENT, X_LENIENT, X_RUST_API, X_RUST_NAME, X_SEARCH, X_SECRET,
};

/// Descriptions that say nothing about the API: HubSpot's build leaves its Maven parent's
/// text in many documents.
const BOILERPLATE_DESCRIPTIONS: &[&str] = &["Basepom for all HubSpot Projects"];

/// Lowers all documents, one module per API and version. Warnings name schemas that were
/// typed more loosely than written.
pub fn lower(docs: &[Document]) -> Result<(Api, Vec<Warning>)> {
    lower_grouped(docs, true)
}

/// Lowers all documents as versions of one API, whatever their titles: what `diff` compares.
pub fn lower_versions(docs: &[Document]) -> Result<(Api, Vec<Warning>)> {
    lower_grouped(docs, false)
}

fn lower_grouped(docs: &[Document], by_api: bool) -> Result<(Api, Vec<Warning>)> {
    // (API, version module) -> documents, and the version each module was named from.
    let mut groups: BTreeMap<(String, String), Vec<&Document>> = BTreeMap::new();
    let mut versions: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for doc in docs {
        let version = doc.api.info.version.trim();
        if version.is_empty() {
            return Err(Error::spec(
                &doc.file,
                &Pointer::root().join("info").join("version"),
                "`info.version` is empty; it names the generated module",
            ));
        }
        let api = if by_api { api_of(doc)? } else { String::new() };
        let key = (api, naming::module_name(version));
        match versions.get(&key) {
            Some((other, file)) if other != version => {
                return Err(Error::spec(
                    &doc.file,
                    &Pointer::root().join("info").join("version"),
                    format!(
                        "version `{version}` gives the module name `{}`, as does version `{other}` of {file}",
                        key.1
                    ),
                ))
            }
            _ => {
                versions.insert(key.clone(), (version.to_owned(), doc.file.clone()));
            }
        }
        groups.entry(key).or_default().push(doc);
    }

    // One API keeps its versions at the crate root; several get a module each.
    let apis: BTreeSet<&String> = groups.keys().map(|(api, _)| api).collect();
    let several = apis.len() > 1;
    let mut api = Api::default();
    let mut warnings = Vec::new();
    for (key, mut docs) in groups {
        docs.sort_by(|a, b| a.file.cmp(&b.file));
        let version = versions[&key].0.clone();
        let (api_name, name) = key;
        let (mut module, module_warnings) = lower_module(name, version, &docs)?;
        module.api = several.then_some(api_name);
        api.modules.push(module);
        warnings.extend(module_warnings);
    }
    api.shared = shared::shared_types(&api.modules);
    Ok((api, warnings))
}

/// The API module a document belongs to: `x-rust-api` on `info`, or its title.
fn api_of(doc: &Document) -> Result<String> {
    let info = &doc.api.info;
    let named = extensions::rust_api(doc, &info.extensions, &Pointer::root().join("info"))?;
    Ok(naming::api_module_name(named.unwrap_or(&info.title)))
}

/// What a document says of itself, for the crate's documentation.
fn about(doc: &Document) -> About {
    let info = &doc.api.info;
    let title = naming::api_title(&info.title);
    let description = info
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty() && !BOILERPLATE_DESCRIPTIONS.contains(d))
        .map(str::to_owned);
    About {
        title: if title.is_empty() {
            info.title.trim().to_owned()
        } else {
            title
        },
        description,
    }
}

fn lower_module(
    name: String,
    version: String,
    docs: &[&Document],
) -> Result<(Module, Vec<Warning>)> {
    let mut lowerer = schema::Lowerer::new(docs);
    lowerer.lower_components()?;
    let operations = lowerer.lower_operations()?;
    let (mut types, warnings) = lowerer.finish()?;
    cycles::check_aliases(&types, docs)?;
    cycles::box_recursive_fields(&mut types);
    let record_ids = record_ids::record_ids(&types, &operations);
    Ok((
        Module {
            api: None,
            name,
            version,
            sources: docs.iter().map(|d| d.file.clone()).collect(),
            about: docs.iter().map(|d| about(d)).collect(),
            types,
            operations,
            record_ids,
        },
        warnings,
    ))
}
