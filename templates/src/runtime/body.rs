//! Request bodies as plain values: JSON, a form, text, bytes or a multipart form.
//!
//! A body is data until it is sent: its content type and bytes (or its parts) can be read,
//! so a request can go out through another HTTP stack. Bytes may come from memory, from a
//! file (read each time the request is sent) or, with the `client` feature, from a stream
//! (read as it is sent, so it goes out once).

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use super::multipart::Multipart;

/// What a request sends.
#[non_exhaustive]
pub enum RequestBody {
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`, encoded.
    Form(Vec<u8>),
    /// Text of a media type such as `text/plain`.
    Text {
        media_type: &'static str,
        text: String,
    },
    /// Bytes of a media type such as `application/octet-stream`.
    Binary {
        media_type: &'static str,
        content: Content,
    },
    /// `multipart/form-data`.
    Multipart(Multipart),
}

impl RequestBody {
    /// The `Content-Type` to send; for a multipart form, with its boundary.
    pub fn content_type(&self) -> Cow<'static, str> {
        match self {
            RequestBody::Json(_) => Cow::Borrowed("application/json"),
            RequestBody::Form(_) => Cow::Borrowed("application/x-www-form-urlencoded"),
            RequestBody::Text { media_type, .. } | RequestBody::Binary { media_type, .. } => {
                Cow::Borrowed(media_type)
            }
            RequestBody::Multipart(form) => Cow::Owned(form.content_type()),
        }
    }

    /// The bytes to send, when the body is one piece held in memory: JSON, a form, text, or
    /// bytes. `None` for a file, a stream or a multipart form: see [`to_bytes`](Self::to_bytes)
    /// and [`Multipart::parts`].
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            RequestBody::Json(bytes) | RequestBody::Form(bytes) => Some(bytes),
            RequestBody::Text { text, .. } => Some(text.as_bytes()),
            RequestBody::Binary { content, .. } => content.as_bytes(),
            RequestBody::Multipart(_) => None,
        }
    }

    /// The whole body as bytes, reading any file now. A stream cannot be read this way
    /// (it is an error of kind `InvalidInput`): it is read only as it is sent.
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        for segment in self.segments() {
            match segment {
                Segment::Bytes(bytes) => out.extend_from_slice(&bytes),
                Segment::File(path) => out.extend(std::fs::read(path)?),
                #[cfg(feature = "client")]
                Segment::Stream(_) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "a stream is read only as it is sent",
                    ))
                }
            }
        }
        Ok(out)
    }

    /// Whether the body can be sent more than once: it holds no stream.
    pub fn is_replayable(&self) -> bool {
        self.segments()
            .iter()
            .all(|segment| matches!(segment, Segment::Bytes(_) | Segment::File(_)))
    }

    /// The body in the order it goes on the wire: bytes held in memory, and files and
    /// streams that are read only when it is sent.
    pub(crate) fn segments(&self) -> Vec<Segment<'_>> {
        match self {
            RequestBody::Json(bytes) | RequestBody::Form(bytes) => {
                vec![Segment::Bytes(Cow::Borrowed(bytes))]
            }
            RequestBody::Text { text, .. } => vec![Segment::Bytes(Cow::Borrowed(text.as_bytes()))],
            RequestBody::Binary { content, .. } => vec![content.segment()],
            RequestBody::Multipart(form) => form.segments(),
        }
    }
}

impl fmt::Debug for RequestBody {
    // Never the content: a form may hold a client secret or a refresh token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            RequestBody::Json(_) => "Json",
            RequestBody::Form(_) => "Form",
            RequestBody::Text { .. } => "Text",
            RequestBody::Binary { .. } => "Binary",
            RequestBody::Multipart(_) => "Multipart",
        };
        let mut out = f.debug_struct(kind);
        out.field("content_type", &self.content_type());
        match self {
            RequestBody::Binary { content, .. } => out.field("content", content),
            RequestBody::Multipart(form) => out.field("parts", &form.parts()),
            _ => out.field("bytes", &self.bytes().map_or(0, <[u8]>::len)),
        };
        out.finish()
    }
}

/// A piece of a body on its way to the wire.
pub(crate) enum Segment<'a> {
    Bytes(Cow<'a, [u8]>),
    /// Read when the request is sent, and again for each retry.
    File(&'a Path),
    /// Read as it is sent, once.
    #[cfg(feature = "client")]
    Stream(&'a StreamSlot),
}

/// Bytes to send: held in memory, read from a file each time the request is sent, or (with
/// the `client` feature) taken from a stream, which can be sent only once.
pub struct Content {
    source: Source,
}

enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
    #[cfg(feature = "client")]
    Stream(StreamSlot),
}

impl Content {
    /// Bytes held in memory.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Content {
            source: Source::Bytes(bytes.into()),
        }
    }

    /// The file at `path`, read when the request is sent (and read again if it is retried).
    /// A file that cannot be read fails the request before anything is sent.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Content {
            source: Source::File(path.into()),
        }
    }

    /// Chunks from a stream, sent as they come. A stream is read once: a request with one
    /// is never retried after it was sent, and cannot be sent a second time.
    #[cfg(feature = "client")]
    pub fn stream<S, B, E>(stream: S) -> Self
    where
        S: futures_util::Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<bytes::Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::{StreamExt, TryStreamExt};
        let stream = stream.map_ok(Into::into).map_err(Into::into).boxed();
        Content {
            source: Source::Stream(StreamSlot(std::sync::Mutex::new(Some(stream)))),
        }
    }

    /// The bytes, if they are held in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The file, if the bytes are read from one.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(path) => Some(path),
            _ => None,
        }
    }

    /// Whether the bytes come from a stream (and so can be sent only once).
    pub fn is_stream(&self) -> bool {
        !matches!(self.source, Source::Bytes(_) | Source::File(_))
    }

    pub(crate) fn segment(&self) -> Segment<'_> {
        match &self.source {
            Source::Bytes(bytes) => Segment::Bytes(Cow::Borrowed(bytes)),
            Source::File(path) => Segment::File(path),
            #[cfg(feature = "client")]
            Source::Stream(slot) => Segment::Stream(slot),
        }
    }
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Bytes(bytes) => write!(f, "{} bytes", bytes.len()),
            Source::File(path) => write!(f, "file {}", path.display()),
            #[cfg(feature = "client")]
            Source::Stream(_) => f.write_str("a stream"),
        }
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Self {
        Content::bytes(bytes)
    }
}

impl From<&[u8]> for Content {
    fn from(bytes: &[u8]) -> Self {
        Content::bytes(bytes)
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::bytes(text)
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::bytes(text)
    }
}

/// The chunks of a stream body.
#[cfg(feature = "client")]
pub(crate) type ByteStream = futures_util::stream::BoxStream<
    'static,
    Result<bytes::Bytes, Box<dyn std::error::Error + Send + Sync>>,
>;

/// A stream until it is taken to be sent; empty after. The lock makes a request that holds
/// one shareable between threads, as every request is.
#[cfg(feature = "client")]
pub(crate) struct StreamSlot(std::sync::Mutex<Option<ByteStream>>);

#[cfg(feature = "client")]
impl StreamSlot {
    /// The stream, the first time only.
    pub(crate) fn take(&self) -> Option<ByteStream> {
        match self.0.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_in_memory_show_their_bytes_and_content_type() {
        let text = RequestBody::Text {
            media_type: "text/plain",
            text: "exports.main = () => {}".to_owned(),
        };
        assert_eq!(text.content_type(), "text/plain");
        assert_eq!(text.bytes(), Some(&b"exports.main = () => {}"[..]));
        assert_eq!(text.to_bytes().unwrap(), b"exports.main = () => {}");
        assert!(text.is_replayable());
        let binary = RequestBody::Binary {
            media_type: "application/octet-stream",
            content: vec![0u8, 159, 146, 150].into(),
        };
        assert_eq!(binary.bytes(), Some(&[0u8, 159, 146, 150][..]));
    }

    #[test]
    fn a_file_is_read_when_the_body_is_read() {
        let path = std::env::temp_dir().join(format!("body-file-{}.bin", std::process::id()));
        std::fs::write(&path, b"file bytes").unwrap();
        let body = RequestBody::Binary {
            media_type: "application/octet-stream",
            content: Content::file(&path),
        };
        assert_eq!(body.bytes(), None, "not read until asked");
        assert_eq!(body.to_bytes().unwrap(), b"file bytes");
        assert!(body.is_replayable());
        std::fs::remove_file(&path).unwrap();
        let gone = body.to_bytes().unwrap_err();
        assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
    }

    #[cfg(feature = "client")]
    #[test]
    fn a_stream_is_taken_once_and_never_read_in_advance() {
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(b"ab".to_vec())]);
        let body = RequestBody::Binary {
            media_type: "application/octet-stream",
            content: Content::stream(chunks),
        };
        assert!(!body.is_replayable());
        assert_eq!(
            body.to_bytes().unwrap_err().kind(),
            std::io::ErrorKind::InvalidInput
        );
        let segments = body.segments();
        let [Segment::Stream(slot)] = segments.as_slice() else {
            panic!("one stream segment")
        };
        assert!(slot.take().is_some());
        assert!(slot.take().is_none(), "a stream goes out once");
    }

    #[test]
    fn debug_never_shows_the_content() {
        let form = RequestBody::Form(b"client_secret=s3cr3t".to_vec());
        let shown = format!("{form:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("20"), "{shown}");
    }
}
