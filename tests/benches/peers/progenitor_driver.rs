//! Generates a crate with progenitor from one OpenAPI document, as `cargo progenitor` would,
//! for `tests/benches/peers.sh`. Not a workspace member: the script builds it in a crate of its
//! own (progenitor pinned there), outside this repository.
//!
//! usage: progenitor_driver DOCUMENT OUT_DIR PACKAGE_NAME
//! Exit status 1, with the reason on stderr, when progenitor refuses or panics on the document.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;

use progenitor::{GenerationSettings, Generator};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [document, out, name] = args.as_slice() else {
        eprintln!("usage: progenitor_driver DOCUMENT OUT_DIR PACKAGE_NAME");
        return ExitCode::from(2);
    };
    // progenitor asserts on documents it does not understand; the benchmark reports those.
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| generate(document, Path::new(out), name)));
    let reason = match outcome {
        Ok(Ok(())) => return ExitCode::SUCCESS,
        Ok(Err(error)) => error,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            format!("progenitor panicked: {}", first_line(message))
        }
    };
    eprintln!("{document}: {reason}");
    ExitCode::FAILURE
}

fn generate(document: &str, out: &Path, name: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(document).map_err(|e| format!("cannot read: {e}"))?;
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(&text).map_err(|e| format!("not an OpenAPI document: {e}"))?;
    let mut generator = Generator::new(&GenerationSettings::default());
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor refused it: {}", first_line(&e.to_string())))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor emitted invalid Rust: {e}"))?;
    let code = prettyplease::unparse(&file);

    std::fs::create_dir_all(out.join("src")).map_err(|e| format!("{}: {e}", out.display()))?;
    write(&out.join("Cargo.toml"), &manifest(name, &generator))?;
    write(&out.join("src/lib.rs"), &code)
}

/// The dependencies `cargo progenitor` 0.15 writes for a crate that depends on
/// progenitor-client (the default for its release builds).
fn manifest(name: &str, generator: &Generator) -> String {
    let types = generator.get_type_space();
    let mut dependencies = vec![
        "bytes = \"1.9\"",
        "futures-core = \"0.3\"",
        "progenitor-client = \"=0.15.1\"",
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }",
        "serde = { version = \"1.0\", features = [\"derive\"] }",
        "serde_urlencoded = \"0.7\"",
    ];
    if types.uses_regress() {
        dependencies.push("regress = \"0.10\"");
    }
    if types.uses_uuid() {
        dependencies.push("uuid = { version = \"1.0\", features = [\"serde\", \"v4\"] }");
    }
    if types.uses_chrono() {
        dependencies
            .push("chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }");
    }
    if generator.uses_futures() {
        dependencies.push("futures = \"0.3\"");
    }
    if types.uses_serde_json() {
        dependencies.push("serde_json = \"1.0\"");
    }
    dependencies.sort_unstable();
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{}\n",
        dependencies.join("\n")
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
