//! `cargo xtask` — project automation. Run `cargo xtask help` for the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{self, Job};
use xtask::error::Error;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen            generate `generated/` from every document under `spec/`
  codegen --check    change nothing; fail, naming each stale file, if `generated/` is out of date
  codegen --spec FILE [--spec FILE ...] --out DIR [--package NAME] [--runtime DIR2] [--strict]
                     generate a standalone crate in DIR from the given documents (YAML or JSON):
                     a module per version, and, for documents of several APIs (told apart by
                     `info.title`, or `x-rust-api` on `info`), a module per API and version;
                     the runtime crate it depends on goes to DIR/runtime, or to DIR2, which
                     several generated crates can share (one runtime, one `Client` type);
                     the package is named NAME (`--name` says the same), or after DIR;
                     with --strict, warnings about the documents are errors (always so for
                     `spec/`)
  diff OLD NEW       list the operations and types a spec update adds, removes and changes;
                     OLD and NEW are documents or directories of documents
  help               show this message";

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
fn specs_size(args: &[String]) -> u64 {
    let specs: Vec<&String> = args
        .windows(2)
        .filter(|pair| pair[0] == "--spec")
        .map(|pair| &pair[1])
        .collect();
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(all(target_os = "linux", not(debug_assertions)))]
    if specs_size(&args) < SMALL_RUN {
        // mimalloc asks for transparent huge pages, so each thread's first allocation makes
        // the kernel clear 2 MiB; a run on small documents allocates less than that in all,
        // and spent a tenth to a fifth of its time there (BENCHMARKS.md). Larger runs keep
        // them. This process only; it cannot fail in a way that matters.
        // SAFETY: `prctl` with these arguments reads and writes no memory of ours; they are
        // passed as the `unsigned long`s it reads.
        unsafe {
            let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
            libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused);
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Error> {
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_command(&args[1..]),
        Some("diff") => diff_command(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Error::Usage(format!("unknown command `{other}`"))),
        None => Err(Error::Usage("missing command".to_owned())),
    }
}

fn codegen_command(args: &[String]) -> Result<(), Error> {
    let mut check = false;
    let mut strict = false;
    let mut specs = Vec::new();
    let mut out = None;
    let mut name = None;
    let mut runtime = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| Error::Usage(format!("`{flag}` needs a value")))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--strict" => strict = true,
            "--spec" => specs.push(PathBuf::from(value("--spec")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--package" | "--name" => name = Some(value(arg)?),
            "--runtime" => runtime = Some(PathBuf::from(value("--runtime")?)),
            other => return Err(Error::Usage(format!("unknown option `{other}`"))),
        }
    }
    let job = match (specs.is_empty(), out) {
        (true, None) if name.is_none() && runtime.is_none() => {
            codegen::default_job(&codegen::workspace_root()?)?
        }
        (false, Some(out)) => custom_job(specs, out, name, runtime, strict)?,
        _ => {
            return Err(Error::Usage(
                "`--spec` and `--out` go together, and `--package` and `--runtime` need them"
                    .to_owned(),
            ))
        }
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

fn diff_command(args: &[String]) -> Result<(), Error> {
    let [old, new] = args else {
        return Err(Error::Usage("`diff` takes two paths: OLD NEW".to_owned()));
    };
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let side = |path: &String| -> Result<xtask::ir::Api, Error> {
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
    let report = xtask::diff::diff(&side(old)?, &side(new)?);
    print!("{report}");
    Ok(())
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
        Some(name) => checked_package_name(name)?,
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
fn checked_package_name(name: String) -> Result<String, Error> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(Error::Usage(format!(
            "`{name}` is not a package name: use ASCII letters, digits, `-` and `_`, starting with a letter"
        )));
    }
    if name == xtask::runtime::package() {
        return Err(Error::Usage(format!(
            "`{name}` is the runtime crate's name; the generated crate needs another"
        )));
    }
    Ok(name)
}
