//! `cargo xtask update-spec --from DIR`: a new version of the APIs in `spec/`, taken from a
//! checkout of HubSpot's public spec collection, with the crate regenerated and what that does
//! to it said.
//!
//! The documents of `spec/` are grouped into APIs as `codegen` groups them (`x-rust-api` on
//! `info`, else the title); each document of an API's newest version in `spec/` is a role
//! (`associations.yaml`, `associations-schema.yaml`) that the collection's document of the
//! same title fills in the new version (`collection.rs`; titles match when the words of one
//! end the other's, as `naming::api_module_name` gives them: `CRM Associations` is
//! `HubSpot CRM Associations`). The new documents are written as `spec/` keeps its own: YAML,
//! `x-rust-api` on `info`, the generator's extensions of the old documents carried over
//! (`carry.rs`).
//!
//! Nothing is written until everything has been read, compared and generated in memory; then
//! the documents, the crate version and the changelog are written and the crate regenerated
//! through `codegen`, and if that fails what was written is taken back.

mod carry;
mod collection;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::codegen;
use crate::crate_version::{self, CrateVersion};
use crate::diff::{self, Bump, Class, Report};
use crate::error::Error;
use crate::load::{self, Document};
use crate::lower;
use crate::naming;

pub use collection::VersionOrder;

/// Where the changelog of the generated crate is, relative to the checkout.
pub const CHANGELOG: &str = "generated/CHANGELOG.md";

/// What a new `CHANGELOG.md` starts with.
const CHANGELOG_HEADER: &str = "\
# Changelog

What each release of the generated crate changes, newest first. `cargo xtask update-spec`
writes a section for each update of HubSpot's documents.
";

/// The version a crate has when `spec/crate.toml` does not say.
const FIRST_VERSION: semver::Version = semver::Version::new(0, 1, 0);

/// Why an update could not be made. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The collection or `spec/` cannot give what the update needs; the path says where.
    #[error("{}: {message}", path.display())]
    At { path: PathBuf, message: String },
    /// Reading a document, generating or writing failed.
    #[error(transparent)]
    Generator(#[from] Error),
}

impl UpdateError {
    fn at(path: impl Into<PathBuf>, message: impl Into<String>) -> UpdateError {
        UpdateError::At {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// What the command was asked.
#[derive(Clone, Debug)]
pub struct Options {
    /// The checkout of the collection, as given (messages name its files under it).
    pub from: PathBuf,
    /// The version to take; by default the newest that is not a pre-release.
    pub version: Option<String>,
    /// Read, compare and generate, but write nothing.
    pub dry_run: bool,
    /// Raise the crate's version and write the changelog as the verdict says.
    pub bump: bool,
}

/// What an update did (or, in a dry run, would do).
#[derive(Debug)]
pub struct Outcome {
    /// Each API of `spec/`, the versions the collection has of it and the newest `spec/` has.
    pub apis: Vec<ApiVersions>,
    /// The version taken.
    pub version: String,
    /// The documents written to `spec/`, and where each came from.
    pub documents: Vec<(String, String)>,
    /// What could not be carried over or found; the update went on without it.
    pub notes: Vec<String>,
    /// The newest version in `spec/` compared with the new one.
    pub report: Report,
    /// The crate's version before and after, when the update raises it.
    pub crate_version: Option<(semver::Version, semver::Version)>,
    /// The section prepended to the changelog, when the update writes one.
    pub changelog: Option<String>,
    /// The files codegen wrote (none in a dry run).
    pub generated: Vec<String>,
    pub dry_run: bool,
}

/// One API of `spec/` and its versions.
#[derive(Debug)]
pub struct ApiVersions {
    pub api: String,
    /// In release order.
    pub available: Vec<String>,
    pub newest_in_spec: String,
}

/// A document of `spec/`.
struct SpecDoc {
    doc: Document,
    /// Its data, for carrying its extensions over.
    value: serde_json::Value,
    api: String,
    /// The file's name in its version directory (`associations.yaml`).
    file_name: String,
}

/// A document of the newest version of an API in `spec/`, which the new version fills.
struct Role<'s> {
    api: &'s str,
    old: &'s SpecDoc,
    /// The title's words as `naming::api_module_name` gives them.
    words: Vec<String>,
}

/// A new document of `spec/`: where it goes, what it says, where it came from.
struct NewDoc {
    api: String,
    path: PathBuf,
    display: String,
    text: String,
    /// The document, named in messages by its place in the collection.
    doc: Document,
    source: String,
}

/// Runs the update in the checkout at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Outcome, UpdateError> {
    let spec_docs = read_spec(root)?;
    let roles = roles(&spec_docs);
    let entries = collection::entries(&options.from)?;
    let documents = options.from.join(collection::DOCUMENTS);
    let filled = fill(&roles, &entries);
    let apis = versions(&spec_docs, &roles, &filled, &documents)?;
    let all: BTreeSet<&str> = apis
        .iter()
        .flat_map(|a| a.available.iter().map(String::as_str))
        .collect();
    let version = choose_version(options.version.as_deref(), &all, &documents, &apis)?;
    if let Some(present) = present(&spec_docs, root, &version) {
        return Err(UpdateError::at(
            present,
            format!("version {version} is in spec/ already; edit its documents, or remove them to take it again"),
        ));
    }
    let (new_docs, mut notes) = take(root, &options.from, &roles, &filled, &version)?;
    for api in &apis {
        if !api.available.contains(&version) {
            notes.push(format!(
                "`{}` has no version {version}: left as it is",
                api.api
            ));
        }
    }
    let report = verdict(&spec_docs, &apis, &new_docs)?;
    let read_version = CrateVersion::read(root)?;
    let release = options
        .bump
        .then(|| release(read_version.as_ref(), &report, &apis, &new_docs, &version));
    check_generation(root, &new_docs, release.as_ref())?;

    let mut outcome = Outcome {
        apis,
        version: version.clone(),
        documents: new_docs
            .iter()
            .map(|d| (d.display.clone(), d.source.clone()))
            .collect(),
        notes,
        report,
        crate_version: release
            .as_ref()
            .map(|r| (r.current.clone(), r.next.clone())),
        changelog: release.as_ref().map(|r| r.section.clone()),
        generated: Vec::new(),
        dry_run: options.dry_run,
    };
    if !options.dry_run {
        let target = root.join("spec").join(&version);
        outcome.generated = write_and_generate(
            root,
            &target,
            &new_docs,
            release.as_ref(),
            read_version.as_ref(),
        )?;
    }
    Ok(outcome)
}

/// The documents of the collection that fill each role, by role.
fn fill<'e>(roles: &[Role], entries: &'e [collection::Entry]) -> Vec<Vec<&'e collection::Entry>> {
    let mut filled = vec![Vec::new(); roles.len()];
    for entry in entries {
        if let Some(role) = best_role(roles, &entry.title) {
            filled[role].push(entry);
        }
    }
    filled
}

/// Each API of `spec/` with the versions the collection has of it; an error when the
/// collection has no document of any.
fn versions(
    spec_docs: &[SpecDoc],
    roles: &[Role],
    filled: &[Vec<&collection::Entry>],
    documents: &Path,
) -> Result<Vec<ApiVersions>, UpdateError> {
    let mut available: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (role, entries) in roles.iter().zip(filled) {
        let versions = available.entry(role.api).or_default();
        versions.extend(entries.iter().map(|e| e.version.as_str()));
    }
    if available.values().all(BTreeSet::is_empty) {
        let apis: Vec<String> = available.keys().map(|a| format!("`{a}`")).collect();
        let titles: Vec<&str> = roles
            .iter()
            .map(|r| r.old.doc.api.info.title.as_str())
            .collect();
        return Err(UpdateError::at(
            documents,
            format!(
                "no document of {} (titled like {})",
                apis.join(", "),
                titles.join(", ")
            ),
        ));
    }
    Ok(available
        .into_iter()
        .map(|(api, versions)| {
            let mut available: Vec<String> = versions.into_iter().map(str::to_owned).collect();
            available.sort_by_key(|v| VersionOrder::of(v));
            ApiVersions {
                api: api.to_owned(),
                available,
                newest_in_spec: newest(spec_docs.iter().filter(|d| d.api == api))
                    .unwrap_or_default(),
            }
        })
        .collect())
}

/// Where `spec/` already has `version`, if it does: a document of it, or its directory.
fn present(spec_docs: &[SpecDoc], root: &Path, version: &str) -> Option<String> {
    let taken = spec_docs
        .iter()
        .find(|d| d.doc.api.info.version.trim() == version);
    match taken {
        Some(doc) => Some(doc.doc.file.clone()),
        None => root
            .join("spec")
            .join(version)
            .exists()
            .then(|| format!("spec/{version}")),
    }
}

/// The new documents of `version`, one per role the collection fills, and notes on roles it
/// leaves empty and extensions that could not be carried over.
fn take(
    root: &Path,
    from: &Path,
    roles: &[Role],
    filled: &[Vec<&collection::Entry>],
    version: &str,
) -> Result<(Vec<NewDoc>, Vec<String>), UpdateError> {
    let mut notes = Vec::new();
    let mut new_docs = Vec::new();
    let api_has_version = |api: &str| {
        roles
            .iter()
            .zip(filled)
            .any(|(role, entries)| role.api == api && entries.iter().any(|e| e.version == version))
    };
    for (role, entries) in roles.iter().zip(filled) {
        let at_version: Vec<&collection::Entry> = entries
            .iter()
            .copied()
            .filter(|e| e.version == version)
            .collect();
        match latest(&at_version)? {
            Some(entry) => {
                new_docs.push(new_document(root, from, role, entry, version, &mut notes)?)
            }
            None if api_has_version(role.api) => notes.push(format!(
                "{version} has no document titled like {} ({}): spec/{version}/ has no {}",
                role.old.doc.api.info.title, role.old.doc.file, role.old.file_name
            )),
            None => {}
        }
    }
    Ok((new_docs, notes))
}

/// The crate's next release: its version and changelog section.
struct Release {
    current: semver::Version,
    next: semver::Version,
    section: String,
}

/// The release an update makes: the version raised as the verdict says, at least as for an
/// addition (the crate gains the new version's module whatever the comparison says).
fn release(
    read: Option<&CrateVersion>,
    report: &Report,
    apis: &[ApiVersions],
    new_docs: &[NewDoc],
    version: &str,
) -> Release {
    let current = read.map_or(FIRST_VERSION, |read| read.version.clone());
    let class = report
        .verdict()
        .class()
        .map_or(Class::Addition, |class| class.max(Class::Addition));
    let next = Bump::for_class(class, &current).apply(&current);
    let modules: Vec<String> = new_docs
        .iter()
        .map(|d| d.api.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|api| module_path(api, version, apis.len() > 1))
        .collect();
    let intro = format!(
        "Adds HubSpot's API version {version} as {}. What changed since the newest version \
         before it:",
        modules.join(", ")
    );
    let section = diff::changelog_section(report, &next.to_string(), Some(&intro));
    Release {
        current,
        next,
        section,
    }
}

/// Generates the crate in memory with the new documents where they will be (staged outside
/// the checkout, under their `spec/` names) and at the new version: nothing is written unless
/// this succeeds.
fn check_generation(
    root: &Path,
    new_docs: &[NewDoc],
    release: Option<&Release>,
) -> Result<(), UpdateError> {
    let staging = Staging::new(new_docs)?;
    let mut job = codegen::default_job(root)?;
    job.specs.extend(
        new_docs
            .iter()
            .zip(&staging.paths)
            .map(|(doc, staged)| (staged.clone(), doc.display.clone())),
    );
    if let Some(release) = release {
        job.version = Some(release.next.clone());
    }
    codegen::plan(&job)?;
    Ok(())
}

/// Writes the documents, the crate version and the changelog, and regenerates the crate
/// through `codegen`; if any of it fails, what was written is taken back. Returns the files
/// codegen wrote.
fn write_and_generate(
    root: &Path,
    target: &Path,
    new_docs: &[NewDoc],
    release: Option<&Release>,
    read_version: Option<&CrateVersion>,
) -> Result<Vec<String>, UpdateError> {
    let mut written = Written::default();
    let result = write_all(root, target, new_docs, release, read_version, &mut written)
        .and_then(|()| Ok(codegen::run(&codegen::default_job(root)?, false)?));
    match result {
        Ok(report) => Ok(report.changed),
        Err(e) => {
            written.undo();
            Err(e)
        }
    }
}

/// Every document of `spec/`, with its API and data.
fn read_spec(root: &Path) -> Result<Vec<SpecDoc>, UpdateError> {
    let job = codegen::default_job(root)?;
    job.specs
        .iter()
        .map(|(path, display)| {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let is_json = display.ends_with(".json");
            let value = load::read_value(&text, display, is_json)?;
            let doc = load::parse_value(value.clone(), display)?;
            let named = doc
                .api
                .info
                .extensions
                .get(lower::X_RUST_API)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            let api = naming::api_module_name(named.as_deref().unwrap_or(&doc.api.info.title));
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(SpecDoc {
                doc,
                value,
                api,
                file_name,
            })
        })
        .collect()
}

/// The newest of the documents' versions.
fn newest<'d>(docs: impl Iterator<Item = &'d SpecDoc>) -> Option<String> {
    docs.map(|d| d.doc.api.info.version.trim().to_owned())
        .max_by_key(|v| VersionOrder::of(v))
}

/// The documents of each API's newest version in `spec/`.
fn roles(docs: &[SpecDoc]) -> Vec<Role<'_>> {
    let apis: BTreeSet<&str> = docs.iter().map(|d| d.api.as_str()).collect();
    let mut roles = Vec::new();
    for api in apis {
        let of_api = || docs.iter().filter(move |d| d.api == api);
        let Some(newest) = newest(of_api()) else {
            continue;
        };
        for doc in of_api().filter(|d| d.doc.api.info.version.trim() == newest) {
            roles.push(Role {
                api,
                old: doc,
                words: title_words(&doc.doc.api.info.title),
            });
        }
    }
    roles
}

fn title_words(title: &str) -> Vec<String> {
    naming::api_module_name(title)
        .split('_')
        .map(str::to_owned)
        .collect()
}

/// The role a document of this title fills: the one whose title's words end its words, or
/// whose words its title's end, sharing the most words (the first of equals).
fn best_role(roles: &[Role], title: &str) -> Option<usize> {
    let words = title_words(title);
    let mut best: Option<(usize, usize)> = None;
    for (i, role) in roles.iter().enumerate() {
        let shared = role
            .words
            .iter()
            .rev()
            .zip(words.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let whole = shared == role.words.len().min(words.len());
        let better = match best {
            Some((_, most)) => shared > most,
            None => true,
        };
        if shared > 0 && whole && better {
            best = Some((i, shared));
        }
    }
    best.map(|(i, _)| i)
}

/// The version asked for, or else the newest release any API has.
fn choose_version(
    asked: Option<&str>,
    all: &BTreeSet<&str>,
    documents: &Path,
    apis: &[ApiVersions],
) -> Result<String, UpdateError> {
    let listing = || {
        apis.iter()
            .map(|a| format!("{} has {}", a.api, a.available.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match asked {
        Some(asked) => {
            let asked = asked.trim();
            if all.contains(asked) {
                Ok(asked.to_owned())
            } else {
                Err(UpdateError::at(
                    documents,
                    format!("no version {asked}: {}", listing()),
                ))
            }
        }
        None => all
            .iter()
            .filter(|v| VersionOrder::of(v).is_release())
            .max_by_key(|v| VersionOrder::of(v))
            .map(|v| v.to_string())
            .ok_or_else(|| {
                UpdateError::at(
                    documents,
                    format!(
                        "no released version, only pre-releases ({}): choose one with --version",
                        listing()
                    ),
                )
            }),
    }
}

/// Of the documents that fill one role in one version, the one of the latest rollout.
fn latest<'e>(
    entries: &[&'e collection::Entry],
) -> Result<Option<&'e collection::Entry>, UpdateError> {
    let Some(last) = entries
        .iter()
        .copied()
        .max_by(|a, b| collection::compare_rollouts(&a.rollout, &b.rollout))
    else {
        return Ok(None);
    };
    let rivals: Vec<&str> = entries
        .iter()
        .filter(|e| e.rollout == last.rollout && e.path != last.path)
        .map(|e| e.source.as_str())
        .collect();
    if !rivals.is_empty() {
        return Err(UpdateError::at(
            &last.path,
            format!(
                "documents titled alike in one rollout, and nothing says which to take: {}",
                rivals.join(", ")
            ),
        ));
    }
    Ok(Some(last))
}

/// The collection's document as `spec/` keeps it.
fn new_document(
    root: &Path,
    from: &Path,
    role: &Role,
    entry: &collection::Entry,
    version: &str,
    notes: &mut Vec<String>,
) -> Result<NewDoc, UpdateError> {
    let shown = from.join(&entry.source);
    let shown_name = shown.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(&entry.path)
        .map_err(|e| UpdateError::at(&entry.path, e.to_string()))?;
    let mut value: serde_yaml::Value = serde_json::from_str(&text)
        .map_err(|e| UpdateError::at(&shown, format!("not a JSON document: {e}")))?;
    if let Some(info) = value
        .get_mut("info")
        .and_then(serde_yaml::Value::as_mapping_mut)
    {
        info.insert(
            serde_yaml::Value::String(lower::X_RUST_API.to_owned()),
            serde_yaml::Value::String(role.api.to_owned()),
        );
    }
    for missed in carry::carry(&role.old.value, &mut value) {
        notes.push(format!(
            "{}: {missed} is not in the new document; not carried over",
            role.old.doc.file
        ));
    }
    let yaml = serde_yaml::to_string(&value)
        .map_err(|e| UpdateError::at(&shown, format!("cannot be written as YAML: {e}")))?;
    let display = format!("spec/{version}/{}", role.old.file_name);
    let text = format!(
        "# From HubSpot's public API spec collection, as `cargo xtask update-spec` took it:\n\
         # {source},\n\
         # with `x-rust-api` set and the generator's extensions of {old} carried over.\n\n\
         {yaml}",
        source = entry.source,
        old = role.old.doc.file,
    );
    // Read under the collection's name: the document's pointers are the same in YAML, and
    // an error is about the file the user has.
    let doc = load::parse_str(&text, &shown_name, false)?;
    Ok(NewDoc {
        api: role.api.to_owned(),
        path: root.join("spec").join(version).join(&role.old.file_name),
        display,
        text,
        doc,
        source: entry.source.clone(),
    })
}

/// Each API's newest version in `spec/` compared with its new one.
fn verdict(
    spec_docs: &[SpecDoc],
    apis: &[ApiVersions],
    new_docs: &[NewDoc],
) -> Result<Report, UpdateError> {
    let mut report = Report::default();
    for api in apis {
        let new: Vec<Document> = new_docs
            .iter()
            .filter(|d| d.api == api.api)
            .map(|d| d.doc.clone())
            .collect();
        if new.is_empty() {
            continue;
        }
        let old: Vec<Document> = spec_docs
            .iter()
            .filter(|d| d.api == api.api && d.doc.api.info.version.trim() == api.newest_in_spec)
            .map(|d| d.doc.clone())
            .collect();
        let (old, _) = lower::lower_versions(&old)?;
        let (new, warnings) = lower::lower_versions(&new)?;
        // `spec/` generates strictly.
        if !warnings.is_empty() {
            return Err(Error::Strict(warnings).into());
        }
        let mut compared = diff::diff(&old, &new);
        if apis.len() > 1 {
            for section in &mut compared.sections {
                section.title = format!("{}: {}", api.api, section.title);
                section.module = format!("{}::{}", api.api, section.module);
            }
        }
        report.sections.extend(compared.sections);
    }
    Ok(report)
}

/// Where the version's module is in the crate: `v2026_09`, or `contacts::v2026_09` in a
/// crate of several APIs.
fn module_path(api: &str, version: &str, several: bool) -> String {
    let module = naming::module_name(version);
    if several {
        format!("`{api}::{module}`")
    } else {
        format!("`{module}`")
    }
}

/// The new documents written to a directory of their own for a run of `codegen::plan`,
/// removed when dropped.
struct Staging {
    dir: PathBuf,
    paths: Vec<PathBuf>,
}

impl Staging {
    fn new(docs: &[NewDoc]) -> Result<Staging, UpdateError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("xtask-update-spec-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut staging = Staging {
            dir,
            paths: Vec::new(),
        };
        for (i, doc) in docs.iter().enumerate() {
            // One directory per document: two APIs' documents may share a file name.
            let path = staging
                .dir
                .join(i.to_string())
                .join(doc.path.file_name().unwrap_or_default());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, &doc.text).map_err(|e| Error::io(&path, e))?;
            staging.paths.push(path);
        }
        Ok(staging)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What `write_all` changed, to take back.
#[derive(Default)]
struct Written {
    /// The new version's directory, once made.
    spec_dir: Option<PathBuf>,
    /// Files replaced or made, with what they held before (`None`: they did not exist).
    files: Vec<(PathBuf, Option<Vec<u8>>)>,
    /// `generated/`, when it had to be made for the changelog.
    generated_dir: Option<PathBuf>,
}

impl Written {
    /// Puts everything back as it was. Best effort: it runs after a failure already reported.
    fn undo(self) {
        for (path, before) in self.files.into_iter().rev() {
            let _ = match before {
                Some(bytes) => std::fs::write(&path, bytes),
                None => std::fs::remove_file(&path),
            };
        }
        if let Some(dir) = self.spec_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(dir) = self.generated_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }

    fn replace(&mut self, path: PathBuf, contents: &str) -> Result<(), UpdateError> {
        let before = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(path, e).into()),
        };
        self.files.push((path.clone(), before));
        std::fs::write(&path, contents).map_err(|e| Error::io(path, e).into())
    }
}

/// Writes the new documents and, for a release, the crate version and the changelog,
/// recording each step in `written`.
fn write_all(
    root: &Path,
    target: &Path,
    docs: &[NewDoc],
    release: Option<&Release>,
    read_version: Option<&CrateVersion>,
    written: &mut Written,
) -> Result<(), UpdateError> {
    // `create_dir`, not `create_dir_all`: the directory was checked to be missing, and one
    // made since by someone else is not ours to remove.
    std::fs::create_dir(target).map_err(|e| Error::io(target, e))?;
    written.spec_dir = Some(target.to_owned());
    for doc in docs {
        std::fs::write(&doc.path, &doc.text).map_err(|e| Error::io(&doc.path, e))?;
    }
    let Some(release) = release else {
        return Ok(());
    };
    let text = match read_version {
        Some(read) => read.with_version(&release.next),
        None => CrateVersion::new_file(&release.next),
    };
    written.replace(root.join(crate_version::FILE), &text)?;
    let path = root.join(CHANGELOG);
    let generated = root.join("generated");
    if !generated.exists() {
        std::fs::create_dir(&generated).map_err(|e| Error::io(&generated, e))?;
        written.generated_dir = Some(generated);
    }
    let before = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e).into()),
    };
    written.replace(path, &prepend(before.as_deref(), &release.section))
}

/// The changelog with `section` before its first release section (after its title and
/// introduction), or a new changelog holding it.
pub fn prepend(changelog: Option<&str>, section: &str) -> String {
    let existing = changelog.unwrap_or(CHANGELOG_HEADER);
    let first_release = existing
        .match_indices("## ")
        .map(|(at, _)| at)
        .find(|&at| at == 0 || existing[..at].ends_with('\n'));
    match first_release {
        Some(at) => format!("{}{section}\n{}", &existing[..at], &existing[at..]),
        None => {
            let head = existing.trim_end();
            format!("{head}\n\n{section}")
        }
    }
}

impl fmt::Display for Outcome {
    /// The versions found, what was written, notes, the comparison and its verdict, and the
    /// crate's new version.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for api in &self.apis {
            writeln!(
                f,
                "{}: versions in the collection: {}; newest in spec/: {}",
                api.api,
                api.available.join(", "),
                api.newest_in_spec
            )?;
        }
        let would = if self.dry_run { "would write" } else { "wrote" };
        writeln!(f, "taking {}", self.version)?;
        for (written, source) in &self.documents {
            writeln!(f, "{would} {written} (from {source})")?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        write!(f, "{}", self.report)?;
        if let Some((from, to)) = &self.crate_version {
            writeln!(
                f,
                "crate version: {from} -> {to} ({would} {}, and the changes at the top of {CHANGELOG})",
                crate_version::FILE
            )?;
        }
        if !self.dry_run {
            if self.generated.is_empty() {
                writeln!(f, "generated/: up to date")?;
            }
            for changed in &self.generated {
                writeln!(f, "wrote {changed}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_go_before_the_latest_release() {
        let first = prepend(None, "## 0.2.0\n\n- a\n");
        assert_eq!(
            first,
            format!("{}\n\n## 0.2.0\n\n- a\n", CHANGELOG_HEADER.trim_end())
        );
        let second = prepend(Some(&first), "## 0.3.0\n\n- b\n");
        assert!(
            second.ends_with("writes a section for each update of HubSpot's documents.\n\n## 0.3.0\n\n- b\n\n## 0.2.0\n\n- a\n"),
            "{second}"
        );
        assert_eq!(
            prepend(Some("# Log\n"), "## 1.0.0\n"),
            "# Log\n\n## 1.0.0\n"
        );
    }

    #[test]
    fn titles_match_when_the_words_of_one_end_the_other() {
        let doc = |title: &str| {
            let text =
                format!("openapi: 3.0.3\ninfo: {{title: {title}, version: v4}}\npaths: {{}}\n");
            SpecDoc {
                doc: load::parse_str(&text, "a.yaml", false).unwrap(),
                value: serde_json::Value::Null,
                api: "associations".to_owned(),
                file_name: "a.yaml".to_owned(),
            }
        };
        let docs = [
            doc("HubSpot CRM Associations"),
            doc("HubSpot CRM Associations Schema"),
        ];
        let roles = roles(&docs);
        for (title, expected) in [
            ("Associations", Some(0)),
            ("CRM Associations", Some(0)),
            ("Associations v4", Some(0)),
            ("CRM Associations Schema", Some(1)),
            ("Associations Schema", Some(1)),
            ("CrmPublicAssociationsServiceV4", None),
            ("Line Item Associations", None),
            ("Schema Associations", None),
        ] {
            assert_eq!(best_role(&roles, title), expected, "{title}");
        }
    }
}
