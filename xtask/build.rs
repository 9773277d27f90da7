//! Compiles the runtime crate's sources (`templates/`) into the generator, so a binary writes
//! the runtime it was built with wherever it runs (`include_str!` makes cargo rebuild it when a
//! file changes; the directory is watched so an added file is noticed too). The runtime
//! copy a run writes next to a crate generated outside this repository is put together here,
//! once: the Rust sources as one file, without their unit tests (see `amalgamate`).

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let templates = manifest_dir.join("../templates");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../templates/Cargo.toml");
    println!("cargo:rerun-if-changed=../templates/src");

    let mut files = vec![templates.join("Cargo.toml")];
    rust_files(&templates.join("src"), &mut files);
    files.sort();
    let mut out = String::from(
        "/// The runtime crate's files: path relative to `templates/`, and contents.\n\
         pub const SOURCES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file
            .strip_prefix(&templates)
            .expect("listed under templates/")
            .to_string_lossy()
            .replace('\\', "/");
        let absolute = file.to_str().expect("a UTF-8 path to templates/");
        writeln!(out, "    ({relative:?}, include_str!({absolute:?})),").expect("a String");
    }
    out.push_str("];\n");
    let mut copy = String::new();
    amalgamate(&templates, &templates.join("src/lib.rs"), &mut copy);
    writeln!(
        out,
        "/// The runtime crate's Rust sources as one file, unit tests left out: what a copy's\n\
         /// `src/lib.rs` holds.\npub const AMALGAMATED: &str = {copy:?};"
    )
    .expect("a String");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(target.join("runtime_sources.rs"), out).expect("OUT_DIR is writable");
}

/// Where a copy of `source` ends without its unit tests (`#[cfg(test)] mod tests` at the end),
/// trailing blank space left out; `None` when it has none.
fn kept_length(source: &str) -> Option<usize> {
    let tests = source.find("\n#[cfg(test)]\nmod tests {")?;
    Some(source[..tests].trim_end().len())
}

/// `file` without its unit tests or modules for tests, each `mod name;` in it replaced by `mod name { ... }`
/// holding that module's file, the same way down, after a comment naming the file. A copy
/// of the runtime is then two files to write, not one per module: on a small document, most
/// of what writing a crate costs is creating files.
fn amalgamate(templates: &Path, file: &Path, out: &mut String) {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let kept = &source[..kept_length(&source).unwrap_or(source.len())];
    // A module's children live beside `lib.rs` or `mod.rs`, else in a directory of its name.
    let children = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().expect("in a directory").to_owned(),
        _ => file.with_extension(""),
    };
    for line in kept.trim_end().lines() {
        let Some((head, name)) = module_declaration(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        // A module for tests only goes, with its attribute, as the unit tests do.
        if out.ends_with("#[cfg(test)]\n") {
            out.truncate(out.len() - "#[cfg(test)]\n".len());
            continue;
        }
        let child = [
            children.join(format!("{name}.rs")),
            children.join(name).join("mod.rs"),
        ]
        .into_iter()
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{}: no file for `mod {name};`", file.display()));
        let shown = child
            .strip_prefix(templates)
            .expect("under templates/")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(out, "{head} {{\n// templates/{shown}").expect("a String");
        amalgamate(templates, &child, out);
        out.push_str("}\n");
    }
}

/// `pub mod name;` -> (`pub mod name`, `name`): a declaration of a module in its own file.
fn module_declaration(line: &str) -> Option<(&str, &str)> {
    let head = line.trim_end().strip_suffix(';')?;
    let (before, name) = head.rsplit_once(' ')?;
    let visibility = before.trim_start().strip_suffix("mod")?.trim_end();
    let plain = visibility.is_empty() || visibility == "pub" || visibility.starts_with("pub(");
    let identifier = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (plain && identifier && !name.is_empty()).then_some((head, name))
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
