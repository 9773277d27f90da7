//! Request bodies as plain values: JSON, a form, text, bytes or a multipart form.
//!
//! A body is data until it is sent: its content type and bytes (or its parts) can be read,
//! so a request can go out through another HTTP stack. Bytes may come from memory, from a
//! file (read each time the request is sent) or, with the `client` feature, from a stream
//! (read as it is sent, so it goes out once).

use std::borrow::Cow;
use std::fmt;

use super::content::{Content, Segment};
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
