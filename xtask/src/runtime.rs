//! The runtime crate (`templates/`) as compiled into this binary: its files, which a run
//! writes next to a crate generated outside this repository, and what its manifest says
//! (package name, features, the dependencies generated code shares with it).
//!
//! The sources are embedded rather than read at run time, so a binary never reads the
//! templates of another checkout, and always writes the runtime its own generator targets.

mod sources {
    include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));
}

/// One file of the runtime crate.
#[derive(Clone, Debug)]
pub struct RuntimeFile {
    /// Relative to the runtime crate, `/`-separated: `Cargo.toml`, `src/runtime/de.rs`.
    pub path: String,
    /// Where it comes from, for the generated-file header: `templates/src/runtime/de.rs`.
    pub source: String,
    pub contents: &'static str,
    /// `contents` up to the unit tests at its end (blank space before them left out), if it
    /// has any: what a copy outside this workspace keeps.
    pub before_tests: Option<&'static str>,
}

/// Every file of the runtime crate, in path order.
pub fn files() -> Vec<RuntimeFile> {
    sources::SOURCES
        .iter()
        .map(|&(path, contents, kept)| RuntimeFile {
            path: path.to_owned(),
            source: format!("templates/{path}"),
            contents,
            before_tests: kept.map(|length| &contents[..length]),
        })
        .collect()
}

/// The runtime crate's `Cargo.toml`.
pub fn manifest() -> &'static str {
    sources::SOURCES
        .iter()
        .find(|(path, _, _)| *path == "Cargo.toml")
        .map(|(_, contents, _)| *contents)
        .expect("build.rs embeds templates/Cargo.toml")
}

/// The runtime's package name (`hubspot-runtime`).
pub fn package() -> &'static str {
    entries(manifest(), "package")
        .find(|(key, _)| *key == "name")
        .and_then(|(_, value)| strings(value).next())
        .expect("templates/Cargo.toml names its package")
}

/// The runtime's features other than `default`, with whether `default` turns each on.
pub fn features() -> Vec<(&'static str, bool)> {
    let table: Vec<(&str, &str)> = entries(manifest(), "features").collect();
    let defaults: Vec<&str> = table
        .iter()
        .find(|(key, _)| *key == "default")
        .map(|(_, value)| strings(value).collect())
        .unwrap_or_default();
    table
        .iter()
        .filter(|(key, _)| *key != "default")
        .map(|(key, _)| (*key, defaults.contains(key)))
        .collect()
}

/// How the runtime's manifest asks for the dependency `name` (the text after `name =`).
pub fn dependency(name: &str) -> Option<&'static str> {
    entries(manifest(), "dependencies")
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The `key = value` lines of the table `[name]`, values as written. Our manifest keeps each
/// entry on one line, which is all this reads.
fn entries<'m>(manifest: &'m str, name: &str) -> impl Iterator<Item = (&'m str, &'m str)> {
    let header = format!("[{name}]");
    manifest
        .lines()
        .map(str::trim)
        .skip_while(move |line| *line != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            Some((key.trim(), value.trim()))
        })
}

/// The double-quoted strings in a TOML value (`"a"`, `["a", "b"]`).
fn strings(value: &str) -> impl Iterator<Item = &str> {
    value.split('"').skip(1).step_by(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_says_what_generated_crates_need() {
        assert_eq!(package(), "hubspot-runtime");
        assert!(features().contains(&("client", true)), "{:?}", features());
        // This reader takes one entry per line: a value spread over lines would be misread.
        for table in ["package", "dependencies", "features"] {
            for (key, value) in entries(manifest(), table) {
                let balanced =
                    value.matches(['[', '{']).count() == value.matches([']', '}']).count();
                assert!(balanced, "[{table}] {key} = {value}: keep it on one line");
            }
        }
        for name in ["chrono", "serde", "serde_json"] {
            let spec = dependency(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!spec.contains("optional"), "{name} = {spec}");
        }
    }

    #[test]
    fn every_runtime_source_is_embedded() {
        let files = files();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for path in [
            "Cargo.toml",
            "src/lib.rs",
            "src/runtime/mod.rs",
            "src/runtime/client.rs",
        ] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
        for file in &files {
            let on_disk = std::fs::read_to_string(dir.join(&file.path)).unwrap();
            assert_eq!(file.contents, on_disk, "{}", file.path);
        }
    }
}
