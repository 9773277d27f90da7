//! `cargo xtask` — project automation. Run `cargo xtask --help` for the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use xtask::codegen::{self, Job};
use xtask::error::Error;
use xtask::update_spec::{self, UpdateError};

/// Generates the HubSpot client crate from OpenAPI documents, and compares documents.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate `generated/` from every document under `spec/`, or a crate of its own from
    /// the documents given with `--spec`.
    Codegen(CodegenArgs),
    /// List the operations and types a spec update adds, removes and changes, each classed as
    /// breaking, compatible addition or documentation-only, and the version bump that implies.
    Diff(DiffArgs),
    /// Take a new version of the APIs in `spec/` from a checkout of HubSpot's public spec
    /// collection, regenerate `generated/`, and say what the update changes.
    UpdateSpec(UpdateSpecArgs),
}

#[derive(Args)]
#[command(override_usage = "cargo xtask diff <OLD> <NEW> [OPTIONS]")]
struct DiffArgs {
    /// The documents before: a document or a directory of documents.
    old: PathBuf,
    /// The documents after: a document or a directory of documents.
    new: PathBuf,
    /// `text`: each change with its class, and the verdict; `markdown`: a changelog section
    /// (the verdict goes to standard error).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when any change is breaking (for CI).
    #[arg(long)]
    fail_on_breaking: bool,
}

/// How `diff` writes its report.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
}

#[derive(Args)]
#[command(after_help = "\
The collection is laid out as PublicApiSpecs/<Group>/<Api>/Rollouts/<id>/<version>/<file>.json;
its documents are matched to those of spec/ by `info.title`. The new version goes to
spec/<version>/, the crate is regenerated, and the newest version spec/ had is compared with it.
Unless --no-bump, spec/crate.toml's version is raised as that verdict says (at least as for an
addition: the crate gains a module) and the changes go to the top of generated/CHANGELOG.md.")]
struct UpdateSpecArgs {
    /// A checkout of HubSpot's public spec collection (HubSpot/HubSpot-public-api-spec-collection).
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// The version to take (`2026-09`, `v4`, `2026-09-beta`); by default the newest one that is
    /// not a pre-release.
    #[arg(long, value_name = "V")]
    version: Option<String>,
    /// Say what would be taken, written and bumped, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Leave the crate's version (spec/crate.toml) and generated/CHANGELOG.md as they are.
    #[arg(long)]
    no_bump: bool,
}

#[derive(Args)]
#[command(after_help = "\
Documents (YAML or JSON) of several APIs, told apart by `info.title` or `x-rust-api` on `info`,
make one crate with a module per API and version; documents of one API, a module per version.")]
struct CodegenArgs {
    /// Change nothing; fail, naming each stale file, if the output is out of date.
    #[arg(long)]
    check: bool,
    /// Make warnings about the documents errors (always so for `spec/`).
    #[arg(long)]
    strict: bool,
    /// A document to generate from, instead of `spec/` (repeat for several).
    #[arg(long, value_name = "FILE", requires = "out")]
    spec: Vec<PathBuf>,
    /// The directory of the crate generated from the `--spec` documents.
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    /// The generated package's name (by default, named after DIR).
    #[arg(long, visible_alias = "name", value_name = "NAME", requires = "out",
          value_parser = checked_package_name)]
    package: Option<String>,
    /// Where the runtime crate goes (by default DIR/runtime); several generated crates can
    /// share one, and so one `Client` type.
    #[arg(long, value_name = "DIR2", requires = "out")]
    runtime: Option<PathBuf>,
}

// syn and prettyplease allocate a node for nearly every token they read and print, and free
// them all again: with the system's allocator that is a quarter of a run. Only the binary
// chooses; the library leaves the choice to whoever links it. Only release builds (without
// debug assertions) use it: in a debug build (`cargo xtask`) mimalloc's C, compiled
// unoptimised, is slower than the system's allocator, and compiling it optimised would cost
// every clean build. Its v2 starts a process faster than v3 and runs as fast (BENCHMARKS.md).
#[cfg(not(debug_assertions))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Below this many bytes of documents, a run goes without transparent huge pages.
#[cfg(all(target_os = "linux", not(debug_assertions)))]
const SMALL_RUN: u64 = 64 * 1024;

/// The bytes of the documents given with `--spec` (`u64::MAX` when there are none, as for
/// `codegen` on `spec/`, or one cannot be read).
#[cfg(all(target_os = "linux", not(debug_assertions)))]
fn specs_size(specs: &[PathBuf]) -> u64 {
    if specs.is_empty() {
        return u64::MAX;
    }
    specs
        .iter()
        .try_fold(0u64, |total, spec| {
            Some(total.saturating_add(std::fs::metadata(spec).ok()?.len()))
        })
        .unwrap_or(u64::MAX)
}

fn main() -> ExitCode {
    // Usage errors, `--help` and `--version` end here, the way every clap program does
    // (exit code 2 for a usage error).
    let cli = Cli::parse();
    #[cfg(all(target_os = "linux", not(debug_assertions)))]
    if let Command::Codegen(args) = &cli.command {
        if specs_size(&args.spec) < SMALL_RUN {
            // mimalloc asks for transparent huge pages, so each thread's first allocation
            // makes the kernel clear 2 MiB; a run on small documents allocates less than
            // that in all, and spent a tenth to a fifth of its time there (BENCHMARKS.md).
            // Larger runs keep them. This process only; it cannot fail in a way that
            // matters.
            // SAFETY: `prctl` with these arguments reads and writes no memory of ours;
            // they are passed as the `unsigned long`s it reads.
            unsafe {
                let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
                libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused);
            }
        }
    }
    let result = match cli.command {
        Command::Codegen(args) => codegen_command(args),
        Command::Diff(args) => diff_command(args),
        Command::UpdateSpec(args) => update_spec_command(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // What only the run itself can find out about its arguments (a directory the
        // runtime cannot go to, no workspace here): reported as clap reports usage errors.
        Err(Error::Usage(message)) => Cli::command()
            .error(clap::error::ErrorKind::ValueValidation, message)
            .exit(),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn codegen_command(args: CodegenArgs) -> Result<(), Error> {
    let CodegenArgs {
        check,
        strict,
        spec,
        out,
        package,
        runtime,
    } = args;
    let job = match out {
        Some(out) => custom_job(spec, out, package, runtime, strict)?,
        None => codegen::default_job(&codegen::workspace_root()?)?,
    };
    let report = codegen::run(&job, check)?;
    // One write for the whole report: standard error is not buffered.
    let mut lines = String::new();
    for warning in &report.warnings {
        lines.push_str(&format!("{warning}\n"));
    }
    if !check {
        if report.changed.is_empty() {
            lines.push_str(&format!(
                "{}: up to date\n",
                codegen::display_name(&job.root, &job.out_dir)
            ));
        }
        for changed in &report.changed {
            lines.push_str(&format!("wrote {changed}\n"));
        }
    }
    eprint!("{lines}");
    Ok(())
}

/// Ends a run that failed for a reason the generator's `Error` does not describe (a verdict
/// that fails the build, an update the collection cannot supply) as any failed run ends:
/// `error: ...` on standard error and exit code 1.
fn fail(message: impl std::fmt::Display) -> ! {
    use std::io::Write;
    // `exit` runs no destructors: what was printed must be out first.
    let _ = std::io::stdout().flush();
    eprintln!("error: {message}");
    std::process::exit(1)
}

fn diff_command(args: DiffArgs) -> Result<(), Error> {
    let DiffArgs {
        old,
        new,
        format,
        fail_on_breaking,
    } = args;
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let side = |path: &std::path::Path| -> Result<xtask::ir::Api, Error> {
        let path = cwd.join(path);
        let files = if path.is_dir() {
            codegen::spec_files(&path)?
        } else {
            vec![path]
        };
        let docs = files
            .iter()
            .map(|file| xtask::load::load_file(file, &codegen::display_name(&cwd, file)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(xtask::lower::lower_versions(&docs)?.0)
    };
    let report = xtask::diff::diff(&side(&old)?, &side(&new)?);
    let verdict = report.verdict();
    match format {
        Format::Text => print!("{report}"),
        Format::Markdown => {
            print!(
                "{}",
                xtask::diff::changelog_section(&report, "Unreleased", None)
            );
            eprintln!("{verdict}");
        }
    }
    if fail_on_breaking && verdict.is_breaking() {
        fail(format_args!(
            "{} breaking change{} (--fail-on-breaking)",
            verdict.breaking,
            if verdict.breaking == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

fn update_spec_command(args: UpdateSpecArgs) -> Result<(), Error> {
    let UpdateSpecArgs {
        from,
        version,
        dry_run,
        no_bump,
    } = args;
    let root = codegen::workspace_root()?;
    let options = update_spec::Options {
        from,
        version,
        dry_run,
        bump: !no_bump,
    };
    match update_spec::run(&root, &options) {
        Ok(outcome) => {
            print!("{outcome}");
            Ok(())
        }
        Err(UpdateError::Generator(error)) => Err(error),
        Err(error @ UpdateError::At { .. }) => fail(error),
    }
}

fn custom_job(
    specs: Vec<PathBuf>,
    out: PathBuf,
    name: Option<String>,
    runtime: Option<PathBuf>,
    strict: bool,
) -> Result<Job, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let package = match name {
        Some(name) => name,
        None => {
            let dir = out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            xtask::naming::value_name(&dir).replace('_', "-")
        }
    };
    let specs = specs
        .into_iter()
        .map(|path| {
            // Headers name the document as given, or by file name when given by an
            // absolute path: no machine paths in generated files.
            let display = if path.is_absolute() {
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            } else {
                codegen::display_name(&cwd, &path)
            };
            (cwd.join(path), display)
        })
        .collect();
    let out_dir = cwd.join(out);
    let runtime_dir = runtime.map_or_else(|| out_dir.join("runtime"), |dir| cwd.join(dir));
    let mut job = Job::standalone(specs, out_dir, runtime_dir, &package, cwd);
    job.strict = strict;
    Ok(job)
}

/// A name cargo accepts for a package, and not the runtime's, which the crate depends on.
fn checked_package_name(name: &str) -> Result<String, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "`{name}` is not a package name: use ASCII letters, digits, `-` and `_`, starting with a letter"
        ));
    }
    if name == xtask::runtime::package() {
        return Err(format!(
            "`{name}` is the runtime crate's name; the generated crate needs another"
        ));
    }
    Ok(name.to_owned())
}
