//! The one error type of the generator. Every variant says what went wrong and where.

use std::fmt;
use std::path::PathBuf;

/// A location inside a document, written as a JSON pointer (`#/paths/~1crm~1v4~1.../post`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Parses a local `$ref` such as `#/components/schemas/Foo`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference
            .strip_prefix('#')
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .map(|_| Pointer(reference.to_owned()))
    }

    /// This pointer with one more segment, escaped as RFC 6901 requires.
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        use fmt::Write;
        // Lowering makes one for every property it visits: one allocation, most of the time.
        let mut pointer = String::with_capacity(self.0.len() + 24);
        pointer.push_str(&self.0);
        pointer.push('/');
        let start = pointer.len();
        write!(pointer, "{segment}").expect("writing to a String cannot fail");
        if pointer[start..].contains(['~', '/']) {
            let escaped = pointer[start..].replace('~', "~0").replace('/', "~1");
            pointer.truncate(start);
            pointer.push_str(&escaped);
        }
        Pointer(pointer)
    }

    /// The unescaped segments after `#`.
    pub fn segments(&self) -> Vec<String> {
        self.0
            .trim_start_matches('#')
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A document is malformed or uses something the generator does not support.
    #[error("{file}: {pointer}: {message}")]
    Spec {
        file: String,
        pointer: Pointer,
        message: String,
    },
    /// The command line was not understood.
    #[error("{0}")]
    Usage(String),
    /// The generator produced code that does not parse: a bug in the generator, never in the
    /// input. The message names the file so the bug can be reproduced.
    #[error("internal error: generated {file} is not valid Rust: {message}")]
    InvalidOutput { file: String, message: String },
    /// A strict run (`--strict`, and always for `spec/`) met warnings; they are listed.
    #[error("warnings are errors in a strict run:\n{}", .0.iter().map(|w| format!("  {}: {}: {}", w.file, w.pointer, w.message)).collect::<Vec<_>>().join("\n"))]
    Strict(Vec<Warning>),
    /// `--check` found files that differ from what codegen would write.
    #[error("generated code is out of date; run `cargo xtask codegen`:\n{}", .0.iter().map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n"))]
    Stale(Vec<String>),
}

impl Error {
    pub fn spec(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Spec {
            file: file.to_owned(),
            pointer: pointer.clone(),
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the generator could handle only by falling back to a looser type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub file: String,
    pub pointer: Pointer,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning: {}: {}: {}",
            self.file, self.pointer, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_their_segments() {
        let pointer = Pointer::root()
            .join("paths")
            .join("/a/{id}")
            .join("x~y")
            .join(3);
        assert_eq!(pointer.as_str(), "#/paths/~1a~1{id}/x~0y/3");
        assert_eq!(pointer.segments(), ["paths", "/a/{id}", "x~y", "3"]);
    }
}
