//! The generated crate's version. `spec/crate.toml` keeps it (`version = "0.1.0"`), `codegen`
//! writes it into `generated/Cargo.toml`, and `update-spec` raises it as a spec update's
//! verdict says. The file is read with `toml`; a new version replaces only the version's
//! string in the text, so comments and layout stay as they were written.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Pointer, Result};

/// Where the version is kept, relative to the checkout.
pub const FILE: &str = "spec/crate.toml";

/// What a new `spec/crate.toml` says besides the version.
const HEADER: &str = "\
# The version of the generated crate (`generated/Cargo.toml`). `cargo xtask update-spec`
# raises it as the verdict of a spec update says; change it by hand for other releases.
";

/// The version read from `spec/crate.toml`, with the text it came from.
#[derive(Clone, Debug)]
pub struct CrateVersion {
    pub version: semver::Version,
    /// The file's text, written back with only the version replaced.
    text: String,
    /// Where the version's string (quotes included) is in `text`.
    span: Range<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrateFile {
    version: toml::Spanned<String>,
}

/// The part of a manifest that says the package's version; the rest is not read.
#[derive(Deserialize)]
struct Manifest {
    package: Package,
}

#[derive(Deserialize)]
struct Package {
    version: toml::Spanned<String>,
}

impl CrateVersion {
    /// Reads `spec/crate.toml` of the checkout at `root`; `None` when there is none, and the
    /// crate keeps the version the generator gives every crate.
    pub fn read(root: &Path) -> Result<Option<CrateVersion>> {
        let path = root.join(FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => CrateVersion::parse(&text, FILE).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Reads the text of a `crate.toml`, named `file` in errors.
    pub fn parse(text: &str, file: &str) -> Result<CrateVersion> {
        let parsed: CrateFile = toml::from_str(text)
            .map_err(|e| Error::spec(file, &Pointer::root(), format!("invalid TOML: {e}")))?;
        let span = parsed.version.span();
        let version = parse_version(parsed.version.get_ref(), file)?;
        Ok(CrateVersion {
            version,
            text: text.to_owned(),
            span,
        })
    }

    /// The file's text with `version` in place of the one read.
    pub fn with_version(&self, version: &semver::Version) -> String {
        replace_span(&self.text, &self.span, version)
    }

    /// The text of a new `spec/crate.toml` holding `version`.
    pub fn new_file(version: &semver::Version) -> String {
        format!("{HEADER}version = \"{version}\"\n")
    }
}

/// `manifest`, a generated `Cargo.toml` named `file` in errors, with the package at `version`.
pub fn set_manifest_version(
    manifest: &str,
    version: &semver::Version,
    file: &str,
) -> Result<String> {
    let parsed: Manifest = toml::from_str(manifest).map_err(|e| {
        Error::spec(
            file,
            &Pointer::root().join("package").join("version"),
            format!("cannot set the crate's version: {e}"),
        )
    })?;
    Ok(replace_span(
        manifest,
        &parsed.package.version.span(),
        version,
    ))
}

fn parse_version(text: &str, file: &str) -> Result<semver::Version> {
    semver::Version::parse(text.trim()).map_err(|e| {
        Error::spec(
            file,
            &Pointer::root().join("version"),
            format!("`{text}` is not a version such as \"0.1.0\": {e}"),
        )
    })
}

/// `text` with the TOML string at `span` replaced by `version`. A version is made of ASCII
/// letters, digits, `.`, `-` and `+`, so it needs no escaping.
fn replace_span(text: &str, span: &Range<usize>, version: &semver::Version) -> String {
    format!("{}\"{version}\"{}", &text[..span.start], &text[span.end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_replaces_only_the_version() {
        let text = "# Kept.\nversion = \"0.1.0\" # this too\n";
        let read = CrateVersion::parse(text, FILE).unwrap();
        assert_eq!(read.version, semver::Version::new(0, 1, 0));
        assert_eq!(
            read.with_version(&semver::Version::new(0, 2, 0)),
            "# Kept.\nversion = \"0.2.0\" # this too\n"
        );
        let fresh = CrateVersion::new_file(&semver::Version::new(1, 0, 0));
        let again = CrateVersion::parse(&fresh, FILE).unwrap();
        assert_eq!(again.version, semver::Version::new(1, 0, 0));
    }

    #[test]
    fn errors_name_the_file_and_what_is_wrong() {
        for (text, expected) in [
            (
                "version = \"one\"\n",
                "spec/crate.toml: #/version: `one` is not a version",
            ),
            ("version = \n", "spec/crate.toml: #: invalid TOML"),
            ("name = \"x\"\n", "spec/crate.toml: #: invalid TOML"),
            (
                "version = \"0.1.0\"\nname = \"x\"\n",
                "unknown field `name`",
            ),
        ] {
            let error = CrateVersion::parse(text, FILE).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn the_manifest_gets_the_version() {
        let manifest = "# header\n\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = { version = \"1\" }\n";
        let set =
            set_manifest_version(manifest, &semver::Version::new(0, 3, 1), "Cargo.toml").unwrap();
        assert_eq!(
            set,
            "# header\n\n[package]\nname = \"x\"\nversion = \"0.3.1\"\n\n[dependencies]\nserde = { version = \"1\" }\n"
        );
        let error =
            set_manifest_version("[package]\n", &semver::Version::new(0, 3, 1), "Cargo.toml")
                .unwrap_err()
                .to_string();
        assert!(
            error.starts_with("Cargo.toml: #/package/version: "),
            "{error}"
        );
    }
}
