//! Reading directories: the one walker behind the spec, runtime and output listings, and the
//! names files are reported under.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Every file under `dir`, however deep, in path order (so output never depends on the order
/// the file system lists entries in).
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).map_err(|e| Error::io(&current, e))? {
            let entry = entry.map_err(|e| Error::io(&current, e))?;
            let path = entry.path();
            // The listing says what most entries are; only a link needs a look at its target.
            let is_dir = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => kind.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether `path` ends in one of `extensions` (without the dot, compared ignoring case).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// `path` relative to `root` with `/` separators, or as given when outside it.
pub fn display_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The path from directory `from` to `to`, `/`-separated, for a manifest's `path = "..."`.
/// Both are taken as written (made absolute by the caller), `.` and `..` resolved by name.
pub fn relative_path(from_dir: &Path, to_dir: &Path) -> String {
    let from = normalized(from_dir);
    let to = normalized(to_dir);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Nothing in common (another drive): only an absolute path leads there.
        return to_dir.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// The components of `path` with `.` dropped and `..` applied.
fn normalized(path: &Path) -> Vec<String> {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            Component::RootDir => parts.push(String::new()),
            Component::Prefix(prefix) => {
                parts.push(prefix.as_os_str().to_string_lossy().into_owned())
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_directories() {
        let cases = [
            ("/w/generated", "/w/templates", "../templates"),
            ("/w/out", "/w/out/runtime", "runtime"),
            ("/w/a/b", "/w/c", "../../c"),
            ("/w/a/./b/../b", "/w/a/rt", "../rt"),
            ("/w/a", "/w/a", "."),
        ];
        for (from, to, expected) in cases {
            assert_eq!(
                relative_path(Path::new(from), Path::new(to)),
                expected,
                "{from} -> {to}"
            );
        }
    }
}
