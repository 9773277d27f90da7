//! `cargo xtask` — project automation. Run `cargo xtask help` for the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{self, Job};
use xtask::emit::CrateOptions;
use xtask::error::Error;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen            generate `generated/` from every document under `spec/`
  codegen --check    change nothing; fail, naming each stale file, if `generated/` is out of date
  codegen --spec FILE [--spec FILE ...] --out DIR [--name PACKAGE] [--strict]
                     generate a standalone crate in DIR from the given documents (YAML or JSON);
                     with --strict, warnings about the documents are errors (always so for
                     `spec/`)
  diff OLD NEW       list the operations and types a spec update adds, removes and changes;
                     OLD and NEW are documents or directories of documents
  help               show this message";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
            "--name" => name = Some(value("--name")?),
            other => return Err(Error::Usage(format!("unknown option `{other}`"))),
        }
    }
    let root = codegen::workspace_root();
    let job = match (specs.is_empty(), out) {
        (true, None) if name.is_none() => codegen::default_job(&root)?,
        (false, Some(out)) => custom_job(specs, out, name, strict)?,
        _ => return Err(Error::Usage("`--spec` and `--out` go together".to_owned())),
    };
    let runtime = codegen::runtime_files(&root)?;
    let report = codegen::run(&job, &runtime, check)?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if !check {
        if report.changed.is_empty() {
            eprintln!("{}: up to date", codegen::display_name(&root, &job.out_dir));
        }
        for changed in &report.changed {
            eprintln!("wrote {changed}");
        }
    }
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
        Ok(xtask::lower::lower(&docs)?.0)
    };
    let report = xtask::diff::diff(&side(old)?, &side(new)?);
    print!("{report}");
    Ok(())
}

fn custom_job(
    specs: Vec<PathBuf>,
    out: PathBuf,
    name: Option<String>,
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
    let command = "cargo xtask codegen --spec ... --out ...".to_owned();
    Ok(Job {
        specs: specs
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
            .collect(),
        out_dir: cwd.join(out),
        options: CrateOptions {
            package,
            command,
            standalone: true,
        },
        registry: None,
        root: cwd,
        strict,
    })
}
