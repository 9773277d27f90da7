//! The runtime crate (`templates/`) as compiled into this binary: its files, which a run
//! writes next to a crate generated outside this repository, and what its manifest says
//! (package name, features, the dependencies generated code shares with it).
//!
//! The sources are embedded rather than read at run time, so a binary never reads the
//! templates of another checkout, and always writes the runtime its own generator targets.

mod sources {
    include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));
}

/// The runtime crate's Rust sources as one file, unit tests left out: what a copy's
/// `src/lib.rs` holds.
pub fn amalgamated() -> &'static str {
    sources::AMALGAMATED
}

/// The runtime crate's `Cargo.toml`.
pub fn manifest() -> &'static str {
    sources::SOURCES
        .iter()
        .find(|(path, _)| *path == "Cargo.toml")
        .map(|(_, contents)| *contents)
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
        let paths: Vec<&str> = sources::SOURCES.iter().map(|(path, _)| *path).collect();
        for path in [
            "Cargo.toml",
            "src/lib.rs",
            "src/runtime/mod.rs",
            "src/runtime/client.rs",
        ] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
        for (path, contents) in sources::SOURCES {
            let on_disk = std::fs::read_to_string(dir.join(path)).unwrap();
            assert_eq!(*contents, on_disk, "{path}");
        }
    }

    /// Every module of the runtime is in the one-file copy, after a comment naming its file,
    /// and no test code is.
    #[test]
    fn the_copy_holds_every_module_and_no_tests() {
        let copy = amalgamated();
        // Modules declared for tests only, as `#[cfg(test)]` then `mod name;`.
        let for_tests: Vec<String> = sources::SOURCES
            .iter()
            .flat_map(|(_, contents)| contents.split("#[cfg(test)]\nmod ").skip(1))
            .filter_map(|rest| Some(format!("/{}.rs", rest.split_once(";\n")?.0)))
            .collect();
        assert!(
            !for_tests.is_empty(),
            "the simulation is declared for tests"
        );
        for (path, _) in sources::SOURCES {
            let test_only = for_tests
                .iter()
                .any(|suffix| path.ends_with(suffix.as_str()));
            if path.ends_with(".rs") && *path != "src/lib.rs" && !test_only {
                assert!(copy.contains(&format!("// templates/{path}\n")), "{path}");
            }
        }
        assert!(!copy.contains("#[cfg(test)]"), "test code in the copy");
        let file = syn::parse_file(copy).expect("the copy is one valid Rust file");
        // A `mod name;` that `build.rs` did not recognise would send the compiler looking for
        // a file the copy does not have.
        fn bodiless(items: &[syn::Item]) -> Vec<String> {
            items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Mod(module) => Some(match &module.content {
                        None => vec![module.ident.to_string()],
                        Some((_, inner)) => bodiless(inner),
                    }),
                    _ => None,
                })
                .flatten()
                .collect()
        }
        assert_eq!(
            bodiless(&file.items),
            Vec::<String>::new(),
            "modules left as files"
        );
    }
}
