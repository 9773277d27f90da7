//! The `codegen` command: specs in, crate out, through load -> lower -> emit -> write.

use std::path::{Path, PathBuf};

use crate::emit::{self, CrateOptions, RuntimeFile};
use crate::error::{Error, Result, Warning};
pub use crate::files::display_name;
use crate::files::{files_under, has_extension};
use crate::load::{self, Document};
use crate::lower;
use crate::write::Plan;

/// The checked-in crate's package name.
pub const PACKAGE: &str = "hubspot-associations";

/// What one codegen run reads and writes.
#[derive(Clone, Debug)]
pub struct Job {
    /// Documents with the names they are reported under.
    pub specs: Vec<(PathBuf, String)>,
    /// The crate directory to generate.
    pub out_dir: PathBuf,
    pub options: CrateOptions,
    /// Where to write the round-trip registry of every model, if anywhere.
    pub registry: Option<PathBuf>,
    /// Display names are relative to this directory.
    pub root: PathBuf,
}

/// The repository this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The default job: every document under `spec/` into `generated/`.
pub fn default_job(root: &Path) -> Result<Job> {
    let spec_dir = root.join("spec");
    let specs = spec_files(&spec_dir)?;
    if specs.is_empty() {
        return Err(Error::Usage(format!(
            "no .yaml, .yml or .json documents under {}",
            spec_dir.display()
        )));
    }
    let specs = specs
        .into_iter()
        .map(|path| {
            let display = display_name(root, &path);
            (path, display)
        })
        .collect();
    Ok(Job {
        specs,
        out_dir: root.join("generated"),
        options: CrateOptions {
            package: PACKAGE.to_owned(),
            command: "cargo xtask codegen".to_owned(),
            standalone: false,
        },
        registry: Some(root.join("tests/it/models.rs")),
        root: root.to_owned(),
    })
}

/// The `.yaml`, `.yml` and `.json` documents under `dir`, in path order.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut specs = files_under(dir)?;
    specs.retain(|path| has_extension(path, &["yaml", "yml", "json"]));
    Ok(specs)
}

/// The runtime sources under `templates/src/runtime`, in path order.
pub fn runtime_files(root: &Path) -> Result<Vec<RuntimeFile>> {
    let dir = root.join("templates/src/runtime");
    let mut paths = files_under(&dir)?;
    paths.retain(|path| has_extension(path, &["rs"]));
    paths
        .into_iter()
        .map(|path| {
            let contents = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            Ok(RuntimeFile {
                path: display_name(&dir, &path),
                source: display_name(root, &path),
                contents,
            })
        })
        .collect()
}

/// Loads every document of a job.
pub fn load_all(job: &Job) -> Result<Vec<Document>> {
    job.specs
        .iter()
        .map(|(path, display)| load::load_file(path, display))
        .collect()
}

/// Everything a run would write, computed without touching the disk.
pub fn plan(job: &Job, runtime: &[RuntimeFile]) -> Result<(Plan, Vec<Warning>)> {
    let docs = load_all(job)?;
    let (api, warnings) = lower::lower(&docs)?;
    let files = emit::emit_crate(&api, runtime, &job.options)?;
    let mut plan = Plan::new(&job.root);
    for file in files {
        plan.add(job.out_dir.join(&file.path), file.contents);
    }
    plan.own_dir(job.out_dir.join("src"));
    if let Some(registry) = &job.registry {
        let krate = job.options.package.replace('-', "_");
        plan.add(
            registry,
            emit::round_trip_registry(&api, &krate, &job.options.command)?,
        );
    }
    Ok((plan, warnings))
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    pub changed: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Runs a job: writes the crate, or with `check` only compares it with the disk.
pub fn run(job: &Job, runtime: &[RuntimeFile], check: bool) -> Result<Report> {
    let (plan, warnings) = plan(job, runtime)?;
    if check {
        let stale = plan.stale()?;
        if !stale.is_empty() {
            return Err(Error::Stale(stale));
        }
        return Ok(Report {
            changed: Vec::new(),
            warnings,
        });
    }
    let changed = plan.apply()?;
    Ok(Report { changed, warnings })
}
