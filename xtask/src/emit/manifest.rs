//! The generated crate's `Cargo.toml`: what it is (from the documents' `info`), a feature per
//! API version, the runtime's features forwarded, and the runtime crate as a path dependency.

use super::{about, format, CrateOptions};
use crate::ir::Api;
use crate::runtime;

/// What generated code names directly; the runtime's manifest says which versions.
const SHARED_DEPENDENCIES: [&str; 3] = ["chrono", "serde", "serde_json"];

/// `Cargo.toml` of the generated crate; `runtime` is the runtime crate's directory relative
/// to it.
pub fn cargo_toml(api: &Api, options: &CrateOptions, runtime: &str) -> String {
    // The documents' words go into a TOML string: keep them to what needs no escaping.
    let description: String = about::summary(api)
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    let runtime_package = runtime::package();
    // The runtime's features, under the same names: `client` (and what the runtime adds
    // later) is asked for through the generated crate.
    let forwarded = runtime::features();
    let mut features: Vec<String> = forwarded
        .iter()
        .map(|(name, _)| format!("{name} = [\"{runtime_package}/{name}\"]\n"))
        .collect();
    features.extend(
        api.modules
            .iter()
            .map(|m| format!("{} = []\n", m.feature())),
    );
    let default: Vec<String> = forwarded
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| format!("{name:?}"))
        .chain(api.modules.iter().map(|m| format!("{:?}", m.feature())))
        .collect();
    let mut dependencies: Vec<String> = SHARED_DEPENDENCIES
        .iter()
        .map(|name| {
            let spec = runtime::dependency(name).expect("templates/Cargo.toml lists it");
            format!("{name} = {spec}\n")
        })
        .collect();
    dependencies.push(format!(
        "{runtime_package} = {{ path = {runtime:?}, default-features = false }}\n"
    ));
    dependencies.sort();
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        "{header}\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         description = \"{description}\"\n\
         license = \"MIT OR Apache-2.0\"\n\
         publish = false\n\
         {workspace}\n\
         [features]\n\
         default = [{default}]\n\
         {features}\n\
         [dependencies]\n\
         {dependencies}",
        header = format::toml_header(&options.command, &[]),
        package = options.package,
        default = default.join(", "),
        features = features.concat(),
        dependencies = dependencies.concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{About, Module};

    fn module(api: Option<&str>, name: &str, version: &str, title: &str) -> Module {
        Module {
            api: api.map(str::to_owned),
            name: name.to_owned(),
            version: version.to_owned(),
            sources: vec![format!("{name}.json")],
            about: vec![About {
                title: title.to_owned(),
                description: None,
            }],
            types: Default::default(),
            operations: Vec::new(),
            record_ids: Default::default(),
        }
    }

    fn options() -> CrateOptions {
        CrateOptions {
            package: "hubspot".to_owned(),
            command: "test".to_owned(),
            standalone: true,
        }
    }

    /// Every feature of the runtime (`client`, and any it gains) is one of the crate's, and
    /// on by default when it is on by default in the runtime.
    #[test]
    fn the_runtime_features_are_forwarded() {
        let api = Api {
            modules: vec![module(None, "v3", "v3", "Contacts")],
            ..Api::default()
        };
        let manifest = cargo_toml(&api, &options(), "../runtime");
        let runtime = runtime::package();
        let default = manifest
            .lines()
            .find(|line| line.starts_with("default = ["))
            .expect("a default feature list");
        for (feature, on) in runtime::features() {
            assert!(
                manifest.contains(&format!("\n{feature} = [\"{runtime}/{feature}\"]\n")),
                "{feature}: {manifest}"
            );
            assert_eq!(
                default.contains(&format!("\"{feature}\"")),
                on,
                "{feature} by default: {default}"
            );
        }
        assert!(manifest.contains(&format!(
            "{runtime} = {{ path = \"../runtime\", default-features = false }}\n"
        )));
        assert!(
            manifest.contains("description = \"Typed Rust client for Contacts, version v3.\"\n")
        );
    }

    #[test]
    fn several_apis_have_a_feature_per_api_and_version() {
        let api = Api {
            modules: vec![
                module(Some("contacts"), "v2026_03", "2026-03", "Contacts"),
                module(Some("contacts"), "v3", "v3", "Contacts"),
                module(Some("files"), "v3", "v3", "Files"),
            ],
            ..Api::default()
        };
        let manifest = cargo_toml(&api, &options(), "runtime");
        for feature in ["contacts_v2026_03", "contacts_v3", "files_v3"] {
            assert!(
                manifest.contains(&format!("\n{feature} = []\n")),
                "{manifest}"
            );
        }
        assert!(
            manifest.contains(
                "description = \"Typed Rust client for Contacts (2026-03, v3) and Files (v3).\"\n"
            ),
            "{manifest}"
        );
    }
}
