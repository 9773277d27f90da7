//! A checkout of HubSpot's public spec collection: its documents, their titles and versions,
//! and the order of versions and rollouts.
//!
//! The layout is `PublicApiSpecs/<Group>/<Api>/Rollouts/<id>/<version>/<file>.json`. Only the
//! JSON files directly in a version directory are documents; the folders beside them hold
//! Postman collections, and a JSON file without `openapi` and `info.title` is one of those.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::UpdateError;
use crate::files::has_extension;

/// The directory of documents in a checkout of the collection.
pub const DOCUMENTS: &str = "PublicApiSpecs";

/// One OpenAPI document of the collection.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where it is.
    pub path: PathBuf,
    /// Where it is in the collection (`PublicApiSpecs/CRM/...`), `/`-separated: what the
    /// document written to `spec/` says it came from.
    pub source: String,
    /// The rollout directory it is in (`130902`); a later rollout has a greater id.
    pub rollout: String,
    pub title: String,
    /// `info.version`, which names the generated module.
    pub version: String,
}

/// What is read of a file before knowing whether it matters: serde skips the rest.
#[derive(Deserialize)]
struct Head {
    openapi: Option<Value>,
    info: Option<Value>,
}

/// Every OpenAPI document of the collection checked out at `from`, in path order.
pub fn entries(from: &Path) -> Result<Vec<Entry>, UpdateError> {
    match std::fs::metadata(from) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(UpdateError::at(from, "not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(UpdateError::at(from, "no such directory"))
        }
        Err(e) => return Err(UpdateError::at(from, e.to_string())),
    }
    let documents = from.join(DOCUMENTS);
    if !documents.is_dir() {
        return Err(UpdateError::at(
            from,
            format!(
                "no {DOCUMENTS} directory: is this a checkout of HubSpot's public API spec collection?"
            ),
        ));
    }
    let mut entries = Vec::new();
    for group in subdirectories(&documents)? {
        for api in subdirectories(&group)? {
            let rollouts = api.join("Rollouts");
            if !rollouts.is_dir() {
                continue;
            }
            for rollout in subdirectories(&rollouts)? {
                for version in subdirectories(&rollout)? {
                    for file in files(&version)? {
                        if let Some(entry) = entry(from, &rollout, &file)? {
                            entries.push(entry);
                        }
                    }
                }
            }
        }
    }
    Ok(entries)
}

/// The document at `file`, or `None` when it is not an OpenAPI document.
fn entry(from: &Path, rollout: &Path, file: &Path) -> Result<Option<Entry>, UpdateError> {
    let text = std::fs::read_to_string(file).map_err(|e| UpdateError::at(file, e.to_string()))?;
    let head: Head = serde_json::from_str(&text)
        .map_err(|e| UpdateError::at(file, format!("not a JSON document: {e}")))?;
    let info = head.info.as_ref();
    let text_of = |key: &str| {
        info.and_then(|info| info.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (Some(_), Some(title), Some(version)) =
        (head.openapi, text_of("title"), text_of("version"))
    else {
        return Ok(None);
    };
    let source = file
        .strip_prefix(from)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(Some(Entry {
        path: file.to_owned(),
        source,
        rollout: name_of(rollout),
        title,
        version,
    }))
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The directories in `dir`, in name order.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, UpdateError> {
    Ok(listing(dir)?.into_iter().filter(|p| p.is_dir()).collect())
}

/// The `.json` files in `dir` (not below it), in name order.
fn files(dir: &Path) -> Result<Vec<PathBuf>, UpdateError> {
    Ok(listing(dir)?
        .into_iter()
        .filter(|p| p.is_file() && has_extension(p, &["json"]))
        .collect())
}

fn listing(dir: &Path) -> Result<Vec<PathBuf>, UpdateError> {
    let read = std::fs::read_dir(dir).map_err(|e| UpdateError::at(dir, e.to_string()))?;
    let mut paths = Vec::new();
    for entry in read {
        paths.push(
            entry
                .map_err(|e| UpdateError::at(dir, e.to_string()))?
                .path(),
        );
    }
    paths.sort();
    Ok(paths)
}

/// Where a version stands among HubSpot's: numbered versions (`v3`, `v4`) came before date
/// versions (`2025-09`, `2026-03`), and a pre-release (`2026-09-beta`) comes before its
/// release. Versions of another form sort first, by text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct VersionOrder {
    /// 0 for another form, 1 for numbered, 2 for dated.
    rank: u8,
    numbers: Vec<u64>,
    /// No suffix: the release itself.
    release: bool,
    text: String,
}

impl VersionOrder {
    pub fn of(version: &str) -> VersionOrder {
        let text = version.trim().to_ascii_lowercase();
        let (rank, numbers, suffix) = if let Some((numbers, suffix)) = numbered(&text) {
            (1, numbers, suffix)
        } else if let Some((numbers, suffix)) = dated(&text) {
            (2, numbers, suffix)
        } else {
            (0, Vec::new(), text.as_str())
        };
        VersionOrder {
            rank,
            numbers,
            release: suffix.is_empty(),
            text: text.clone(),
        }
    }

    /// A version of a known form without a suffix such as `-beta`: what is taken when no
    /// version is asked for.
    pub fn is_release(&self) -> bool {
        self.rank > 0 && self.release
    }
}

/// `v4` or `v4-beta`: the number and what follows it.
fn numbered(text: &str) -> Option<(Vec<u64>, &str)> {
    let rest = text.strip_prefix('v')?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let number = rest[..end].parse().ok()?;
    Some((vec![number], suffix(&rest[end..])?))
}

/// `2026-03` or `2026-09-beta`: year, month and what follows them.
fn dated(text: &str) -> Option<(Vec<u64>, &str)> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        text.get(range.clone())
            .filter(|part| part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse().ok())
    };
    if bytes.get(4) != Some(&b'-') {
        return None;
    }
    let (year, month): (u64, u64) = (digits(0..4)?, digits(5..7)?);
    Some((vec![year, month], suffix(&text[7..])?))
}

/// What follows a version's number: nothing, or `-` and a word.
fn suffix(rest: &str) -> Option<&str> {
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('-').filter(|s| !s.is_empty())
    }
}

/// Rollouts by id, numerically: a later rollout has a greater id.
pub fn compare_rollouts(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_as_hubspot_released_them() {
        let mut versions = vec![
            "2026-09",
            "v4",
            "2026-09-beta",
            "latest",
            "2025-09",
            "v3",
            "2026-03",
            "v10",
        ];
        versions.sort_by_key(|v| VersionOrder::of(v));
        assert_eq!(
            versions,
            [
                "latest",
                "v3",
                "v4",
                "v10",
                "2025-09",
                "2026-03",
                "2026-09-beta",
                "2026-09"
            ]
        );
        let releases: Vec<bool> = [
            "v4",
            "2026-03",
            "2026-09-beta",
            "v4-beta",
            "latest",
            "2026-3",
        ]
        .iter()
        .map(|v| VersionOrder::of(v).is_release())
        .collect();
        assert_eq!(releases, [true, true, false, false, false, false]);
    }

    #[test]
    fn rollouts_sort_by_number() {
        let mut rollouts = vec!["130902", "50914", "321895"];
        rollouts.sort_by(|a, b| compare_rollouts(a, b));
        assert_eq!(rollouts, ["50914", "130902", "321895"]);
    }
}
