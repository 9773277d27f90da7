//! Compiles the runtime crate's sources (`templates/`) into the generator, so a binary writes
//! the runtime it was built with wherever it runs (`include_str!` makes cargo rebuild it when a
//! file changes; the directory is watched so an added file is noticed too). The runtime
//! copy a run writes next to a crate generated outside this repository is put together here,
//! once: the Rust sources as one file, without their unit tests (see `amalgamate`).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;

#[path = "src/runtime/for_tests.rs"]
mod for_tests;
use for_tests::for_tests;

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let templates = manifest_dir.join("../templates");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/runtime/for_tests.rs");
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

/// `file` without its items for tests (`#[cfg(test)]`, also `#[cfg(all(test, ...))]`: unit
/// tests and modules only they use), each `mod name;` in it replaced by `mod name { ... }`
/// holding that module's file, the same way down, after a comment naming the file. A copy
/// of the runtime is then two files to write, not one per module: on a small document, most
/// of what writing a crate costs is creating files. The file is parsed with `syn`, and the
/// text between the items it changes is kept as written, comments included.
fn amalgamate(templates: &Path, file: &Path, out: &mut String) {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed = syn::parse_file(&source).unwrap_or_else(|e| {
        let at = e.span().start();
        panic!("{}:{}:{}: {e}", file.display(), at.line, at.column + 1)
    });
    // A module's children live beside `lib.rs` or `mod.rs`, else in a directory of its name.
    let children = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().expect("in a directory").to_owned(),
        _ => file.with_extension(""),
    };
    let mut kept = 0;
    for item in &parsed.items {
        let range = item.span().byte_range();
        if for_tests(item) {
            // Gone, with the blank space before it.
            out.push_str(source[kept..range.start].trim_end());
            out.push('\n');
            kept = range.end;
            continue;
        }
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some(semicolon) = module.semi else {
            assert!(
                !has_file_modules(module),
                "{}: `mod {}` holds `mod name;`: only top-level declarations are read",
                file.display(),
                module.ident
            );
            continue;
        };
        assert!(
            !module.attrs.iter().any(|a| a.path().is_ident("path")),
            "{}: `#[path]` on `mod {}` is for test modules only",
            file.display(),
            module.ident
        );
        let name = module.ident.to_string();
        let child = [
            children.join(format!("{name}.rs")),
            children.join(&name).join("mod.rs"),
        ]
        .into_iter()
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{}: no file for `mod {name};`", file.display()));
        let shown = child
            .strip_prefix(templates)
            .expect("under templates/")
            .to_string_lossy()
            .replace('\\', "/");
        // Everything up to the `;` as written (attributes, visibility, `mod name`).
        out.push_str(&source[kept..semicolon.span.byte_range().start]);
        writeln!(out, " {{\n// templates/{shown}").expect("a String");
        amalgamate(templates, &child, out);
        out.push('}');
        kept = range.end;
    }
    out.push_str(&source[kept..]);
    // Ending where its last kept item ends.
    out.truncate(out.trim_end().len());
    out.push('\n');
}

/// Whether an inline module declares modules in files of their own (anywhere inside).
fn has_file_modules(module: &syn::ItemMod) -> bool {
    module.content.as_ref().is_some_and(|(_, items)| {
        items.iter().any(|item| match item {
            syn::Item::Mod(inner) => inner.semi.is_some() || has_file_modules(inner),
            _ => false,
        })
    })
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
