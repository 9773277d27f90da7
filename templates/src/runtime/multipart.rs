//! `multipart/form-data` bodies (RFC 7578): file uploads with their fields.
//!
//! A [`Multipart`] is a list of parts, each a name with text, JSON or a file. It is encoded
//! here, not by the HTTP client, so a request is complete as data: [`Multipart::parts`] shows
//! what will be sent and [`RequestBody::to_bytes`](super::RequestBody::to_bytes) gives the
//! bytes for another HTTP stack.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

use serde::Serialize;

use super::content::{Content, Segment};

/// A file to upload: its bytes (from memory, a file or a stream), and the file name and
/// content type to send with them.
pub struct FilePart {
    content: Content,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file made of `content` (bytes, or a [`Content`] from a file or a stream), sent
    /// without a file name and as `application/octet-stream` unless set.
    pub fn new(content: impl Into<Content>) -> Self {
        FilePart {
            content: content.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file at `path`, read when the request is sent (again on each retry), named by
    /// its last component and typed by its extension (`.csv` is `text/csv`) unless set.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let content_type = path
            .extension()
            .and_then(|ext| ext.to_str())
            .and_then(media_type_of_extension)
            .map(str::to_owned);
        FilePart {
            content: Content::file(path),
            file_name,
            content_type,
        }
    }

    /// Sets the file name sent with the part.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type sent with the part.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn content(&self) -> &Content {
        &self.content
    }

    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content", &self.content)
            .finish()
    }
}

/// One part of a multipart form.
pub struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    content: Content,
}

impl Part {
    /// The form field's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name, for a file.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's `Content-Type`; a text field has none (it is `text/plain`).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    pub fn content(&self) -> &Content {
        &self.content
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content", &self.content)
            .finish()
    }
}

/// A `multipart/form-data` body: parts in the order they are added.
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
    /// Why the form cannot be sent, if a part could not be made.
    invalid: Option<String>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
        // Two independently seeded hashes: 128 random bits without a dependency.
        let random = || RandomState::new().build_hasher().finish();
        Multipart::with_boundary(format!("hubspot-{:016x}{:016x}", random(), random()))
    }

    pub(crate) fn with_boundary(boundary: String) -> Self {
        Multipart {
            boundary,
            parts: Vec::new(),
            invalid: None,
        }
    }

    /// Adds a text field.
    pub fn text(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.push(name.into(), None, None, Content::bytes(text.into()))
    }

    /// Adds a field whose value is written as text: a string as it is, a number or boolean
    /// as JSON writes it, an enum by its value on the wire.
    pub fn field<V: Serialize + ?Sized>(self, name: impl Into<String>, value: &V) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => self.text(name, text),
            Ok(other) => self.text(name, other.to_string()),
            Err(e) => self.fail(format!("field `{}` does not serialise: {e}", name.into())),
        }
    }

    /// Adds a field if it is set.
    pub fn field_opt<V: Serialize>(self, name: impl Into<String>, value: Option<&V>) -> Self {
        match value {
            Some(value) => self.field(name, value),
            None => self,
        }
    }

    /// Adds a field sent as JSON (`Content-Type: application/json`).
    pub fn json<V: Serialize + ?Sized>(self, name: impl Into<String>, value: &V) -> Self {
        let name = name.into();
        match serde_json::to_vec(value) {
            Ok(json) => self.push(
                name,
                None,
                Some("application/json".to_owned()),
                Content::bytes(json),
            ),
            Err(e) => self.fail(format!("field `{name}` does not serialise: {e}")),
        }
    }

    /// Adds a JSON field if it is set.
    pub fn json_opt<V: Serialize>(self, name: impl Into<String>, value: Option<&V>) -> Self {
        match value {
            Some(value) => self.json(name, value),
            None => self,
        }
    }

    /// Adds a file.
    pub fn file(self, name: impl Into<String>, file: FilePart) -> Self {
        let content_type = file
            .content_type
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        self.push(
            name.into(),
            file.file_name,
            Some(content_type),
            file.content,
        )
    }

    /// Adds a file if there is one.
    pub fn file_opt(self, name: impl Into<String>, file: Option<FilePart>) -> Self {
        match file {
            Some(file) => self.file(name, file),
            None => self,
        }
    }

    /// Adds each file under the same name.
    pub fn files(self, name: impl Into<String>, files: impl IntoIterator<Item = FilePart>) -> Self {
        let name = name.into();
        files
            .into_iter()
            .fold(self, |form, file| form.file(name.clone(), file))
    }

    /// The parts, in the order they are sent.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The boundary between parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// `multipart/form-data; boundary=...`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// Why the form cannot be sent, if a part could not be made.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    fn push(
        mut self,
        name: String,
        file_name: Option<String>,
        content_type: Option<String>,
        content: Content,
    ) -> Self {
        // A line break would end the part's headers and let the value write its own.
        if let Some(bad) = content_type.as_deref().filter(|t| t.contains(['\r', '\n'])) {
            return self.fail(format!(
                "the content type {bad:?} of part `{name}` contains a line break"
            ));
        }
        self.parts.push(Part {
            name,
            file_name,
            content_type,
            content,
        });
        self
    }

    fn fail(mut self, message: String) -> Self {
        self.invalid.get_or_insert(message);
        self
    }

    /// The encoded form: each part's headers, its content and the closing boundary.
    pub(crate) fn segments(&self) -> Vec<Segment<'_>> {
        let mut segments = Vec::with_capacity(self.parts.len() * 2 + 1);
        let mut head = Vec::new();
        for part in &self.parts {
            head.extend_from_slice(b"--");
            head.extend_from_slice(self.boundary.as_bytes());
            head.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            quote_into(&part.name, &mut head);
            head.push(b'"');
            if let Some(file_name) = &part.file_name {
                head.extend_from_slice(b"; filename=\"");
                quote_into(file_name, &mut head);
                head.push(b'"');
            }
            if let Some(content_type) = &part.content_type {
                head.extend_from_slice(b"\r\nContent-Type: ");
                head.extend_from_slice(content_type.as_bytes());
            }
            head.extend_from_slice(b"\r\n\r\n");
            match part.content.segment() {
                // Bytes held in memory join the headers around them, in one piece.
                Segment::Bytes(bytes) => head.extend_from_slice(&bytes),
                other => {
                    segments.push(Segment::Bytes(Cow::Owned(std::mem::take(&mut head))));
                    segments.push(other);
                }
            }
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"--");
        head.extend_from_slice(self.boundary.as_bytes());
        head.extend_from_slice(b"--\r\n");
        segments.push(Segment::Bytes(Cow::Owned(head)));
        segments
    }
}

/// A name or file name inside the quotes of `Content-Disposition`, escaped as browsers do
/// (the HTML standard): `"`, CR and LF percent-encoded, everything else as UTF-8.
fn quote_into(value: &str, out: &mut Vec<u8>) {
    for byte in value.bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(byte),
        }
    }
}

/// The media type of common file extensions, for files whose type is not given.
fn media_type_of_extension(extension: &str) -> Option<&'static str> {
    let media_type = match extension.to_ascii_lowercase().as_str() {
        "csv" => "text/csv",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "woff2" => "font/woff2",
        _ => return None,
    };
    Some(media_type)
}

#[cfg(test)]
mod tests {
    use super::super::body::RequestBody;
    use super::*;

    fn encoded(form: Multipart) -> String {
        let bytes = RequestBody::Multipart(form).to_bytes().unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn parts_are_framed_as_rfc_7578_says() {
        #[derive(Serialize)]
        struct Options {
            access: &'static str,
        }
        let form = Multipart::with_boundary("B".to_owned())
            .field("folderId", &12)
            .field_opt("charsetHunch", None::<&String>)
            .json("options", &Options { access: "PRIVATE" })
            .file(
                "file",
                FilePart::new(b"a,b\n".to_vec())
                    .with_file_name("x.csv")
                    .with_content_type("text/csv"),
            );
        assert_eq!(
            encoded(form),
            "--B\r\nContent-Disposition: form-data; name=\"folderId\"\r\n\r\n12\r\n\
             --B\r\nContent-Disposition: form-data; name=\"options\"\r\nContent-Type: application/json\r\n\r\n{\"access\":\"PRIVATE\"}\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n\r\n\
             --B--\r\n"
        );
    }

    #[test]
    fn scalar_fields_are_written_as_text() {
        #[derive(Serialize)]
        enum Kind {
            #[serde(rename = "FILE_UPLOAD")]
            Upload,
        }
        let form = Multipart::with_boundary("B".to_owned())
            .field("s", "plain")
            .field("b", &true)
            .field("e", &Kind::Upload);
        let text = encoded(form);
        for expected in [
            "\r\n\r\nplain\r\n",
            "\r\n\r\ntrue\r\n",
            "\r\n\r\nFILE_UPLOAD\r\n",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text:?}");
        }
    }

    #[test]
    fn names_cannot_break_out_of_their_quotes_or_headers() {
        let form = Multipart::with_boundary("B".to_owned())
            .file("f\"\r\nX: y", FilePart::new("z").with_file_name("a\".txt"));
        let text = encoded(form);
        assert!(
            text.contains("name=\"f%22%0D%0AX: y\"; filename=\"a%22.txt\""),
            "{text}"
        );
        let injected =
            Multipart::new().file("f", FilePart::new("z").with_content_type("a\r\nX: y"));
        assert!(injected.invalid().unwrap().contains("line break"));
        assert!(injected.parts().is_empty());
    }

    #[test]
    fn a_file_is_named_and_typed_from_its_path_and_read_when_encoded() {
        let path = std::env::temp_dir().join(format!("multipart-{}.csv", std::process::id()));
        std::fs::write(&path, "id\n1\n").unwrap();
        let part = FilePart::file(&path);
        assert_eq!(part.content_type(), Some("text/csv"));
        let name = part.file_name().unwrap().to_owned();
        let form = Multipart::with_boundary("B".to_owned()).file("files", part);
        assert_eq!(form.segments().len(), 3, "headers, the file, the rest");
        let text = encoded(form);
        std::fs::remove_file(&path).unwrap();
        assert!(
            text.contains(&format!(
                "filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\nid\n1\n\r\n--B--"
            )),
            "{text}"
        );
        assert_eq!(FilePart::file("a.unknown").content_type(), None);
    }

    #[test]
    fn every_form_gets_its_own_boundary() {
        let (a, b) = (Multipart::new(), Multipart::new());
        assert_ne!(a.boundary(), b.boundary());
        assert_eq!(a.boundary().len(), "hubspot-".len() + 32);
        assert_eq!(
            a.content_type(),
            format!("multipart/form-data; boundary={}", a.boundary())
        );
    }
}
