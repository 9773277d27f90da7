//! The function names HubSpot's published documents get (`../shared/specs` and its `dev/`),
//! checked against the rules a person would follow: no API version in a name, no repeat of the
//! prefix every path of a document shares, no `PUT` called create, one name for one operation
//! in every version of an API, at least 99 % of names at most 40 characters and none over 50,
//! and a numeric suffix only where two operations really collide.
//!
//! Each document is lowered on its own. One that cannot be lowered yet because of a request
//! body that is not JSON is skipped, with its error shown; it does not count as a pass.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use xtask::ir::HttpMethod;

/// The most a name may have.
const MAX_LEN: usize = 50;
/// What 99 % of names stay within.
const USUAL_LEN: usize = 40;
/// The one lowering error that skips a document: what another branch makes generate.
const NOT_YET: &str = "only JSON bodies are supported";

/// One operation of a document and the function it became.
struct Named {
    /// The API: the file name without its version (`contacts` for `contacts-v3.json`).
    api: String,
    file: String,
    method: HttpMethod,
    /// The path with version segments left out.
    path: String,
    name: String,
}

#[test]
fn hubspot_documents_get_names_a_person_would_write() {
    let Some(files) = documents() else { return };
    let mut named = Vec::new();
    let mut skipped = Vec::new();
    let mut violations = Vec::new();
    for path in &files {
        let file = display(path);
        let doc = match xtask::load::load_file(path, &file) {
            Ok(doc) => doc,
            Err(e) => {
                violations.push(format!("{file} does not load: {e}"));
                continue;
            }
        };
        let api = match xtask::lower::lower(std::slice::from_ref(&doc)) {
            Ok((api, _)) => api,
            Err(e) if e.to_string().contains(NOT_YET) => {
                skipped.push(e.to_string());
                continue;
            }
            Err(e) => {
                violations.push(format!("{file} does not lower: {e}"));
                continue;
            }
        };
        let paths: Vec<&str> = doc.api.paths.paths.keys().map(String::as_str).collect();
        let prefix = shared_prefix(&paths);
        let operations: Vec<_> = api.modules.iter().flat_map(|m| &m.operations).collect();
        for op in &operations {
            let name = &op.name;
            let at = format!("{file}: {} {}: `{name}`", op.method.as_str(), op.path);
            if has_version(name) {
                violations.push(format!("{at} names the version"));
            }
            let own: BTreeSet<String> = path_words(&op.path, prefix.len());
            for word in words(name) {
                let word = singular(&word);
                if prefix.iter().any(|p| p == &word) && !own.contains(&word) {
                    violations.push(format!(
                        "{at} repeats `{word}` from the prefix every path shares"
                    ));
                }
            }
            if op.method == HttpMethod::Put && verb(name) == "create" {
                violations.push(format!("{at}: a PUT replaces or updates"));
            }
            if name.len() > MAX_LEN {
                violations.push(format!("{at} is over {MAX_LEN} characters"));
            }
            if let Some(base) = numeric_base(name) {
                let collides = operations.iter().any(|other| {
                    other.name == base
                        && other.method == op.method
                        && shape(&other.path) == shape(&op.path)
                });
                if !collides {
                    violations.push(format!(
                        "{at} has a numeric suffix, but no operation of the same method and path \
                         shape is called `{base}`"
                    ));
                }
            }
            named.push(Named {
                api: api_of(path),
                file: file.clone(),
                method: op.method,
                path: versionless(&op.path),
                name: name.clone(),
            });
        }
    }
    let (report, differing) = statistics(&named, files.len(), &skipped);
    eprintln!("{report}");
    let over = named.iter().filter(|n| n.name.len() > USUAL_LEN).count();
    if over * 100 > named.len() {
        violations.push(format!(
            "{over} of {} names are over {USUAL_LEN} characters; at most 1 % may be",
            named.len()
        ));
    }
    violations.extend(differing);
    assert!(
        !named.is_empty() || files.is_empty(),
        "no document could be lowered"
    );
    assert!(
        violations.is_empty(),
        "{} names break the rules:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// Every JSON document in the reference directory and its `dev/`, or `None` outside CI when
/// there are none.
fn documents() -> Option<Vec<PathBuf>> {
    let dir = super::reference_docs::reference_dir()?;
    let dev = dir.join("dev");
    assert!(
        dev.is_dir() || std::env::var("CI").map_or(true, |ci| ci != "true"),
        "CI needs HubSpot's documents in {}",
        dev.display()
    );
    let mut files = Vec::new();
    for dir in [dir, dev] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("no documents in {}; not checked", dir.display());
            continue;
        };
        files.extend(
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json")),
        );
    }
    files.sort();
    Some(files)
}

fn display(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    match path.parent().and_then(Path::file_name) {
        Some(parent) if parent == "dev" => format!("dev/{name}"),
        _ => name.into_owned(),
    }
}

/// The report, and a violation for each operation named differently in two versions.
fn statistics(named: &[Named], documents: usize, skipped: &[String]) -> (String, Vec<String>) {
    let percent = |n: usize| n as f64 * 100.0 / named.len().max(1) as f64;
    let with_version = named.iter().filter(|n| has_version(&n.name)).count();
    let over = named.iter().filter(|n| n.name.len() > USUAL_LEN).count();
    let longest = named.iter().max_by_key(|n| n.name.len());
    let puts: Vec<&Named> = named
        .iter()
        .filter(|n| n.method == HttpMethod::Put)
        .collect();
    let puts_created = puts.iter().filter(|n| verb(&n.name) == "create").count();
    let suffixed = named
        .iter()
        .filter(|n| numeric_base(&n.name).is_some())
        .count();
    let mut versions: BTreeMap<(&str, HttpMethod, &str), BTreeMap<&str, &str>> = BTreeMap::new();
    for n in named {
        versions
            .entry((&n.api, n.method, &n.path))
            .or_default()
            .insert(&n.file, &n.name);
    }
    let mut differing = Vec::new();
    for ((api, method, path), names) in &versions {
        let distinct: BTreeSet<&&str> = names.values().collect();
        if distinct.len() > 1 {
            differing.push(format!(
                "{api}: {} {path} is named differently in different versions: {names:?}",
                method.as_str()
            ));
        }
    }
    let mut report = format!(
        "function names of {} operations in {} of {documents} documents:\n",
        named.len(),
        documents - skipped.len()
    );
    let _ = writeln!(
        report,
        "  with a version: {with_version} ({:.1} %)",
        percent(with_version)
    );
    let _ = writeln!(
        report,
        "  over {USUAL_LEN} characters: {over} ({:.1} %)",
        percent(over)
    );
    if let Some(longest) = longest {
        let _ = writeln!(
            report,
            "  longest: `{}` ({} characters, {})",
            longest.name,
            longest.name.len(),
            longest.file
        );
    }
    let _ = writeln!(
        report,
        "  PUTs named create: {puts_created} of {}",
        puts.len()
    );
    let _ = writeln!(report, "  numeric suffixes: {suffixed}");
    let _ = writeln!(
        report,
        "  operations named differently in two versions of one API: {}",
        differing.len()
    );
    for skip in skipped {
        let _ = writeln!(report, "  skipped {skip}");
    }
    (report, differing)
}

/// `v3`, `2025-09`, `2026-09-beta`: a version segment of a path.
fn is_version(segment: &str) -> bool {
    let mut parts = segment.split('-');
    let first = parts.next().unwrap_or_default();
    let numbered = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let v_number = first.len() >= 2
        && first.starts_with('v')
        && first[1..].bytes().all(|b| b.is_ascii_digit());
    let date = numbered(first, 4) && parts.next().is_some_and(|month| numbered(month, 2));
    (v_number || date) && parts.all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a function name spells a version: a word `v3`, or `2025_09`.
fn has_version(name: &str) -> bool {
    let words: Vec<&str> = name.split('_').collect();
    words.iter().any(|w| is_version(w))
        || words
            .windows(2)
            .any(|pair| is_version(&format!("{}-{}", pair[0], pair[1])))
}

fn versionless(path: &str) -> String {
    path.split('/')
        .filter(|s| !is_version(s))
        .collect::<Vec<_>>()
        .join("/")
}

/// The file name without extension and version: `contacts-2026-03.json` is `contacts`.
fn api_of(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_string_lossy();
    let parts: Vec<&str> = stem.split('-').collect();
    let end = (0..parts.len())
        .find(|&i| is_version(&parts[i..].join("-")))
        .unwrap_or(parts.len());
    parts[..end].join("-")
}

/// The literal segments (versions left out, singular words) every path starts with.
fn shared_prefix(paths: &[&str]) -> Vec<String> {
    let literal = |path: &str| -> Vec<String> {
        versionless(path)
            .split('/')
            .filter(|s| !s.is_empty())
            .take_while(|s| !s.starts_with('{'))
            .map(str::to_owned)
            .collect()
    };
    let mut prefix = paths.first().map(|p| literal(p)).unwrap_or_default();
    for path in paths {
        let segments = literal(path);
        let same = prefix
            .iter()
            .zip(&segments)
            .take_while(|(a, b)| a == b)
            .count();
        prefix.truncate(same);
    }
    prefix
        .iter()
        .flat_map(|s| words(s))
        .map(|w| singular(&w))
        .collect()
}

/// The words of a path after its first `skip` literal segments, parameter names included.
fn path_words(path: &str, skip: usize) -> BTreeSet<String> {
    let versionless = versionless(path);
    let segments: Vec<&str> = versionless.split('/').filter(|s| !s.is_empty()).collect();
    let literal_prefix = segments.iter().take_while(|s| !s.starts_with('{')).count();
    segments[skip.min(literal_prefix)..]
        .iter()
        .flat_map(|s| words(s))
        .map(|w| singular(&w))
        .collect()
}

/// Lowercase words of a name, a path segment or a camelCase parameter.
fn words(text: &str) -> Vec<String> {
    let mut spaced = String::new();
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            spaced.push(' ');
        }
        spaced.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            ' '
        });
    }
    spaced.split_whitespace().map(str::to_owned).collect()
}

/// Good enough to compare `contacts` with `contact`.
fn singular(word: &str) -> String {
    match word.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None if word.ends_with("ss") || word.ends_with("us") => word.to_owned(),
        None => word.strip_suffix('s').unwrap_or(word).to_owned(),
    }
}

/// The verb a function name starts with, after `batch_`.
fn verb(name: &str) -> &str {
    let name = name.strip_prefix("batch_").unwrap_or(name);
    name.split('_').next().unwrap_or(name)
}

/// `get_thing` for `get_thing_2`.
fn numeric_base(name: &str) -> Option<&str> {
    let (base, suffix) = name.rsplit_once('_')?;
    (!suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) && !has_version(name))
        .then_some(base)
}

/// A path with its parameters unnamed: `/things/{}`.
fn shape(path: &str) -> String {
    versionless(path)
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn version_segments() {
    for version in ["v3", "v4", "2025-09", "2026-09-beta", "2026-03"] {
        assert!(is_version(version), "{version}");
    }
    for other in ["v", "vx", "ip-ranges", "2026", "objects", "12-34"] {
        assert!(!is_version(other), "{other}");
    }
    assert!(has_version("list_domains_2025_09"));
    assert!(has_version("list_automation_v4_actions"));
    assert!(!has_version("list_labels"));
    assert_eq!(
        api_of(Path::new("x/associations-schema-2026-09.json")),
        "associations-schema"
    );
    assert_eq!(api_of(Path::new("x/contacts-v3.json")), "contacts");
    assert_eq!(numeric_base("create_pipeline_2"), Some("create_pipeline"));
    assert_eq!(numeric_base("list_domains_2025_09"), None);
    assert_eq!(
        shared_prefix(&["/crm/v3/objects/contacts", "/crm/v3/objects/contacts/{id}"]),
        ["crm", "object", "contact"]
    );
}
