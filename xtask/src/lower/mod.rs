//! Stage 2: OpenAPI documents to the intermediate model.
//!
//! Documents are grouped into modules by `info.version`. Within a module, component schemas
//! of every document share one set of type names: a schema that two documents both define
//! must mean the same type. Inline schemas that need a type of their own (objects with
//! properties, enums, unions) are named after where they sit (`{Parent}{Property}`) unless
//! the document names them with `x-rust-name`.

mod cycles;
mod extensions;
mod helpers;
mod operations;
mod refs;
mod schema;

use std::collections::BTreeMap;

use crate::error::{Error, Pointer, Result, Warning};
use crate::ir::{Api, Module};
use crate::load::Document;
use crate::naming;

pub use extensions::{X_IDEMPOTENT, X_RUST_NAME};

/// Lowers all documents. Warnings name schemas that were typed more loosely than written.
pub fn lower(docs: &[Document]) -> Result<(Api, Vec<Warning>)> {
    let mut by_module: BTreeMap<String, Vec<&Document>> = BTreeMap::new();
    let mut versions: BTreeMap<String, (String, String)> = BTreeMap::new();
    for doc in docs {
        let version = doc.api.info.version.trim();
        if version.is_empty() {
            return Err(Error::spec(
                &doc.file,
                &Pointer::root().join("info").join("version"),
                "`info.version` is empty; it names the generated module",
            ));
        }
        let module = naming::module_name(version);
        match versions.get(&module) {
            Some((other, file)) if other != version => {
                return Err(Error::spec(
                    &doc.file,
                    &Pointer::root().join("info").join("version"),
                    format!(
                        "version `{version}` gives the module name `{module}`, as does version `{other}` of {file}"
                    ),
                ))
            }
            _ => {
                versions.insert(module.clone(), (version.to_owned(), doc.file.clone()));
            }
        }
        by_module.entry(module).or_default().push(doc);
    }

    let mut api = Api::default();
    let mut warnings = Vec::new();
    for (name, mut docs) in by_module {
        docs.sort_by(|a, b| a.file.cmp(&b.file));
        let version = versions[&name].0.clone();
        let (module, module_warnings) = lower_module(name, version, &docs)?;
        api.modules.push(module);
        warnings.extend(module_warnings);
    }
    Ok((api, warnings))
}

fn lower_module(
    name: String,
    version: String,
    docs: &[&Document],
) -> Result<(Module, Vec<Warning>)> {
    let mut lowerer = schema::Lowerer::new(docs);
    lowerer.lower_components()?;
    let operations = lowerer.lower_operations()?;
    let (mut types, warnings) = lowerer.finish();
    cycles::check_aliases(&types, docs)?;
    cycles::box_recursive_fields(&mut types);
    Ok((
        Module {
            name,
            version,
            sources: docs.iter().map(|d| d.file.clone()).collect(),
            types,
            operations,
        },
        warnings,
    ))
}
