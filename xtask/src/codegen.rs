//! The `codegen` command: specs in, crate out, through load -> lower -> emit -> write.

use std::path::{Path, PathBuf};

use crate::crate_version::{set_manifest_version, CrateVersion};
use crate::emit::{self, CrateOptions};
use crate::error::{Error, Result, Warning};
pub use crate::files::display_name;
use crate::files::{files_under, has_extension, relative_path};
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
    /// The runtime crate the generated crate depends on.
    pub runtime: RuntimeCrate,
    /// Where to write the round-trip registry of every model, if anywhere.
    pub registry: Option<PathBuf>,
    /// Display names are relative to this directory.
    pub root: PathBuf,
    /// Warnings are errors: nothing is written if the documents need a looser type or
    /// leave something out. Always so for `spec/`.
    pub strict: bool,
    /// The crate's version, when something says (`spec/crate.toml` for `generated/`);
    /// otherwise the manifest keeps the version every generated crate starts at.
    pub version: Option<semver::Version>,
}

/// Where the runtime crate of a job is.
#[derive(Clone, Debug)]
pub enum RuntimeCrate {
    /// A crate that is there already, such as this repository's `templates/`.
    Existing(PathBuf),
    /// A directory the run writes the runtime crate to, as this binary carries it.
    Write(PathBuf),
}

impl RuntimeCrate {
    pub fn dir(&self) -> &Path {
        match self {
            RuntimeCrate::Existing(dir) | RuntimeCrate::Write(dir) => dir,
        }
    }
}

impl Job {
    /// A crate generated from `specs` (already named for messages) into `out_dir`, outside
    /// this repository's workspace, with the runtime crate written to `runtime_dir`.
    pub fn standalone(
        specs: Vec<(PathBuf, String)>,
        out_dir: PathBuf,
        runtime_dir: PathBuf,
        package: &str,
        root: PathBuf,
    ) -> Job {
        Job {
            specs,
            out_dir,
            options: CrateOptions {
                package: package.to_owned(),
                command: "cargo xtask codegen --spec ... --out ...".to_owned(),
                standalone: true,
            },
            runtime: RuntimeCrate::Write(runtime_dir),
            registry: None,
            root,
            strict: false,
            version: None,
        }
    }
}

/// The checkout this run works in, found when the run starts, not when the binary was
/// built: the nearest directory holding a `Cargo.toml` with `[workspace]`, looking up from
/// the directory cargo runs the command for (`CARGO_MANIFEST_DIR`), else from the current
/// one. A binary built in one checkout and run in another works on the other.
pub fn workspace_root() -> Result<PathBuf> {
    let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_dir().map_err(|e| Error::io(".", e))?,
    };
    find_workspace(&start).ok_or_else(|| {
        Error::Usage(format!(
            "no Cargo.toml with [workspace] in {} or above it: run `cargo xtask codegen` in a checkout of the generator, or give `--spec` and `--out`",
            start.display()
        ))
    })
}

/// The nearest of `start` and its ancestors whose `Cargo.toml` declares a workspace.
pub fn find_workspace(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// The default job: every document under `spec/` into `generated/`, at the version
/// `spec/crate.toml` gives.
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
        runtime: RuntimeCrate::Existing(root.join("templates")),
        registry: Some(root.join("tests/it/models.rs")),
        root: root.to_owned(),
        strict: true,
        version: CrateVersion::read(root)?.map(|read| read.version),
    })
}

/// The `.yaml`, `.yml` and `.json` documents under `dir`, in path order.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut specs = files_under(dir)?;
    specs.retain(|path| has_extension(path, &["yaml", "yml", "json"]));
    Ok(specs)
}

/// Loads every document of a job.
pub fn load_all(job: &Job) -> Result<Vec<Document>> {
    job.specs
        .iter()
        .map(|(path, display)| load::load_file(path, display))
        .collect()
}

/// Everything a run would write, computed without touching the disk.
pub fn plan(job: &Job) -> Result<(Plan, Vec<Warning>)> {
    check_runtime_dir(job)?;
    let (mut plan, warnings) = crate_plan(job)?;
    if let Some(runtime) = runtime_plan(job) {
        plan.extend(runtime);
    }
    Ok((plan, warnings))
}

fn check_runtime_dir(job: &Job) -> Result<()> {
    let runtime_dir = job.runtime.dir();
    if runtime_dir == job.out_dir || runtime_dir.starts_with(job.out_dir.join("src")) {
        return Err(Error::Usage(format!(
            "the runtime crate cannot go to {}: it would mix with the generated crate's files",
            display_name(&job.root, runtime_dir)
        )));
    }
    Ok(())
}

/// The files generated from the documents: the crate, and the round-trip registry.
fn crate_plan(job: &Job) -> Result<(Plan, Vec<Warning>)> {
    let docs = load_all(job)?;
    let (api, warnings) = lower::lower(&docs)?;
    if job.strict && !warnings.is_empty() {
        return Err(Error::Strict(warnings));
    }
    let runtime_path = relative_path(&job.out_dir, job.runtime.dir());
    let files = emit::emit_crate(&api, &job.options, &runtime_path)?;
    let mut plan = Plan::new(&job.root);
    for file in files {
        let path = job.out_dir.join(&file.path);
        let contents = match &job.version {
            Some(version) if file.path == "Cargo.toml" => {
                set_manifest_version(&file.contents, version, &display_name(&job.root, &path))?
            }
            _ => file.contents,
        };
        plan.add(path, contents);
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

/// The runtime crate's files, when the job writes them: the same whatever the documents.
fn runtime_plan(job: &Job) -> Option<Plan> {
    let RuntimeCrate::Write(dir) = &job.runtime else {
        return None;
    };
    let mut plan = Plan::new(&job.root);
    for file in emit::runtime_crate(&job.options.command) {
        plan.add(dir.join(&file.path), file.contents);
    }
    plan.own_dir(dir.join("src"));
    Some(plan)
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    pub changed: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Runs a job: writes the crate, or with `check` only compares it with the disk.
pub fn run(job: &Job, check: bool) -> Result<Report> {
    if check {
        let (plan, warnings) = plan(job)?;
        let stale = plan.stale()?;
        if !stale.is_empty() {
            return Err(Error::Stale(stale));
        }
        return Ok(Report {
            changed: Vec::new(),
            warnings,
        });
    }
    check_runtime_dir(job)?;
    let runtime = runtime_plan(job);
    // The runtime crate is the same two files whatever the documents (one of them 200 KB):
    // they are staged on a thread of their own while the documents are generated, and
    // taken back if that fails.
    let (generated, runtime_staged) = std::thread::scope(|scope| {
        let staging = runtime.as_ref().map(|plan| scope.spawn(|| plan.stage()));
        let generated = crate_plan(job);
        let staged = staging.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (generated, staged.transpose())
    });
    let (mut plan, warnings, mut staged) = match (generated, runtime_staged) {
        (Ok((plan, warnings)), Ok(staged)) => (plan, warnings, staged.unwrap_or_default()),
        (Err(e), staged) => {
            if let Ok(Some(staged)) = staged {
                staged.undo();
            }
            return Err(e);
        }
        // A runtime that could not be staged has undone itself.
        (Ok(_), Err(e)) => return Err(e),
    };
    match plan.stage() {
        Ok(generated) => staged.absorb(generated),
        Err(e) => {
            staged.undo();
            return Err(e);
        }
    }
    if let Some(runtime) = runtime {
        plan.extend(runtime);
    }
    let changed = plan.commit(staged)?;
    Ok(Report { changed, warnings })
}
