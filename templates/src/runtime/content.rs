//! Bytes a body sends: from memory, from a file (read each time the request is sent) or,
//! with the `client` feature, from a stream (read as it is sent, so it goes out once); and
//! the pieces a body is made of on its way to the wire.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

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
