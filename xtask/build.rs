//! Compiles the runtime crate's sources (`templates/`) into the generator, so a binary writes
//! the runtime it was built with wherever it runs (`include_str!` makes cargo rebuild it when a
//! file changes; the directory is watched so an added file is noticed too). Where each file's
//! unit tests start is found here, so a run that copies the runtime does not search for it.

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
        "/// The runtime crate's files: path relative to `templates/`, contents, and how much of\n\
         /// them a copy keeps when it leaves out the unit tests at the end (found here, once).\n\
         pub const SOURCES: &[(&str, &str, Option<usize>)] = &[\n",
    );
    for file in &files {
        let relative = file
            .strip_prefix(&templates)
            .expect("listed under templates/")
            .to_string_lossy()
            .replace('\\', "/");
        let absolute = file.to_str().expect("a UTF-8 path to templates/");
        let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{absolute}: {e}"));
        let kept = kept_length(&source);
        writeln!(
            out,
            "    ({relative:?}, include_str!({absolute:?}), {kept:?}),"
        )
        .expect("a String");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(target.join("runtime_sources.rs"), out).expect("OUT_DIR is writable");
}

/// Where a copy of `source` ends without its unit tests (`#[cfg(test)] mod tests` at the end),
/// trailing blank space left out; `None` when it has none.
fn kept_length(source: &str) -> Option<usize> {
    let tests = source.find("\n#[cfg(test)]\nmod tests {")?;
    Some(source[..tests].trim_end().len())
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
