//! The runtime crate (`templates/`) as compiled into this binary: its files, which a run
//! writes next to a crate generated outside this repository, and what its manifest says
//! (package name, features, the dependencies generated code shares with it).
//!
//! The sources are embedded rather than read at run time, so a binary never reads the
//! templates of another checkout, and always writes the runtime its own generator targets.

#[cfg(test)]
mod for_tests;

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

/// What generated crates need of the runtime's manifest, read once.
#[derive(Debug)]
struct Facts {
    package: String,
    /// Features other than `default`, with whether `default` turns each on.
    features: Vec<(String, bool)>,
    /// Each dependency as the manifest asks for it, as a TOML value.
    dependencies: Vec<(String, String)>,
}

fn facts() -> &'static Facts {
    static FACTS: std::sync::OnceLock<Facts> = std::sync::OnceLock::new();
    FACTS.get_or_init(|| {
        read_facts(manifest()).unwrap_or_else(|e| panic!("templates/Cargo.toml: {e}"))
    })
}

fn read_facts(manifest: &str) -> Result<Facts, String> {
    let table: toml::Table = manifest.parse().map_err(|e| format!("{e}"))?;
    let section = |name: &str| match table.get(name) {
        Some(toml::Value::Table(section)) => Ok(section),
        _ => Err(format!("no [{name}] table")),
    };
    let package = section("package")?
        .get("name")
        .and_then(toml::Value::as_str)
        .ok_or("[package] has no name")?
        .to_owned();
    let names = |value: &toml::Value| -> Vec<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let features = section("features")?;
    let defaults = features.get("default").map(names).unwrap_or_default();
    let features = features
        .keys()
        .filter(|name| *name != "default")
        .map(|name| (name.clone(), defaults.contains(name)))
        .collect();
    let dependencies = section("dependencies")?
        .iter()
        .map(|(name, value)| (name.clone(), value.to_string()))
        .collect();
    Ok(Facts {
        package,
        features,
        dependencies,
    })
}

/// The runtime's package name (`hubspot-runtime`).
pub fn package() -> &'static str {
    &facts().package
}

/// The runtime's features other than `default`, with whether `default` turns each on.
pub fn features() -> Vec<(&'static str, bool)> {
    facts()
        .features
        .iter()
        .map(|(name, on)| (name.as_str(), *on))
        .collect()
}

/// How the runtime's manifest asks for the dependency `name`, as a TOML value
/// (`"1"`, `{ version = "1", features = ["derive"] }`).
pub fn dependency(name: &str) -> Option<&'static str> {
    facts()
        .dependencies
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_says_what_generated_crates_need() {
        assert_eq!(package(), "hubspot-runtime");
        assert!(features().contains(&("client", true)), "{:?}", features());
        assert!(features().contains(&("redis", false)), "{:?}", features());
        for name in ["chrono", "serde", "serde_json"] {
            let spec = dependency(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!spec.contains("optional"), "{name} = {spec}");
        }
        // Written as TOML values, keys in the manifest's order, whatever its layout.
        let spread =
            "[package]\nname = \"rt\"\n[features]\ndefault = [\n  \"a\",\n]\na = []\nb = [\"a\"]\n\
                      [dependencies]\nserde = { version = \"1\", features = [\n  \"derive\",\n] }\n\
                      [dependencies.chrono]\nversion = \"0.4\"\ndefault-features = false\n";
        let facts = read_facts(spread).unwrap();
        assert_eq!(facts.package, "rt");
        assert_eq!(
            facts.features,
            [("a".to_owned(), true), ("b".to_owned(), false)]
        );
        assert_eq!(
            facts.dependencies,
            [
                (
                    "serde".to_owned(),
                    "{ version = \"1\", features = [\"derive\"] }".to_owned()
                ),
                (
                    "chrono".to_owned(),
                    "{ version = \"0.4\", default-features = false }".to_owned()
                ),
            ]
        );
        assert!(read_facts("[package]\n").unwrap_err().contains("name"));
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

    /// The runtime's modules use only those `mod.rs` lists below them, so none depends,
    /// even through others, on one that depends on it (tests aside).
    #[test]
    fn runtime_modules_use_only_those_below_them() {
        let mod_rs = source("src/runtime/mod.rs");
        let order: Vec<String> = syn::parse_file(mod_rs)
            .unwrap()
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(module) => Some(module.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut violations = Vec::new();
        for (path, contents) in sources::SOURCES {
            let Some(rest) = path.strip_prefix("src/runtime/") else {
                continue;
            };
            // A file of `limiter/` belongs to `limiter`, and names the others from two up.
            let (module, up) = match rest.split_once('/') {
                Some((dir, _)) => (dir, 2),
                None => (rest.trim_end_matches(".rs"), 1),
            };
            if module == "mod" {
                continue;
            }
            let position = order.iter().position(|m| m == module);
            let position = position.unwrap_or_else(|| panic!("{path}: not in mod.rs"));
            for used in modules_used(contents, up) {
                match order.iter().position(|m| *m == used) {
                    Some(at) if at <= position => {
                        violations.push(format!("{path} uses `{used}`, listed above it"))
                    }
                    _ => {}
                }
            }
        }
        assert!(
            violations.is_empty(),
            "{violations:#?}\nin the order {order:?}"
        );
        // The check sees what it must: `request` uses `body`, and `body` does not.
        assert!(modules_used(source("src/runtime/request.rs"), 1).contains(&"body".to_owned()));
        assert!(!modules_used(source("src/runtime/body.rs"), 1).contains(&"request".to_owned()));
    }

    fn source(path: &str) -> &'static str {
        sources::SOURCES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, contents)| *contents)
            .unwrap_or_else(|| panic!("{path} is embedded"))
    }

    /// The modules a file names as `super::NAME` (`up` times `super`), outside its items for
    /// tests.
    fn modules_used(contents: &str, up: usize) -> Vec<String> {
        use quote::ToTokens;
        let file = syn::parse_file(contents).unwrap();
        let mut used = Vec::new();
        for item in file.items.iter().filter(|item| !for_tests::for_tests(item)) {
            collect_super_paths(item.to_token_stream(), up, &mut used);
        }
        used.sort();
        used.dedup();
        used
    }

    /// Adds each `NAME` in `super :: ... :: NAME` (`up` times `super`) or
    /// `super :: { NAME, ... }` found in `tokens`, at any depth.
    fn collect_super_paths(tokens: proc_macro2::TokenStream, up: usize, used: &mut Vec<String>) {
        use proc_macro2::TokenTree;
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let is_super = |t: &TokenTree| matches!(t, TokenTree::Ident(i) if i == "super");
        let is_colon = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ':');
        let mut i = 0;
        while i < tokens.len() {
            if let TokenTree::Group(group) = &tokens[i] {
                collect_super_paths(group.stream(), up, used);
            }
            // `super` `:` `:` repeated `up` times, and not more.
            let mut at = i;
            let mut supers = 0;
            while at + 2 < tokens.len()
                && is_super(&tokens[at])
                && is_colon(&tokens[at + 1])
                && is_colon(&tokens[at + 2])
            {
                supers += 1;
                at += 3;
            }
            if supers == up && (i == 0 || !is_colon(&tokens[i - 1])) {
                match tokens.get(at) {
                    Some(TokenTree::Ident(name)) if name != "super" => used.push(name.to_string()),
                    Some(TokenTree::Group(group)) => {
                        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                        for (k, token) in inner.iter().enumerate() {
                            let first = k == 0
                                || matches!(&inner[k - 1], TokenTree::Punct(p) if p.as_char() == ',');
                            if let (true, TokenTree::Ident(name)) = (first, token) {
                                used.push(name.to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
            i = if supers > 0 { at } else { i + 1 };
        }
    }
}
