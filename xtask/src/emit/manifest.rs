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
