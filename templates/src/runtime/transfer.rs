//! A request body on its way out through reqwest. Bytes held in memory become one body that
//! every attempt shares; a body with files or a stream is built anew for each attempt from
//! pieces made once per send: its bytes shared, its files opened again, its stream taken by
//! the first attempt (so there is no second).

use std::path::Path;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use tokio::io::AsyncReadExt;

use super::body::RequestBody;
use super::content::{ByteStream, Segment, StreamSlot};

/// How a body is sent, decided once per send.
pub(crate) enum Plan<'r> {
    /// All of it in memory: one body, shared by every attempt.
    InMemory(Vec<u8>),
    /// Files or a stream among its pieces: each attempt makes its own body.
    Pieces(Vec<Piece<'r>>),
}

pub(crate) enum Piece<'r> {
    Bytes(Bytes),
    File(&'r Path),
    Stream(&'r StreamSlot),
}

pub(crate) fn plan(body: &RequestBody) -> Plan<'_> {
    let segments = body.segments();
    if segments.iter().all(|s| matches!(s, Segment::Bytes(_))) {
        let mut bytes = Vec::new();
        for segment in segments {
            if let Segment::Bytes(piece) = segment {
                if bytes.is_empty() {
                    bytes = piece.into_owned();
                } else {
                    bytes.extend_from_slice(&piece);
                }
            }
        }
        return Plan::InMemory(bytes);
    }
    let pieces = segments.into_iter().map(|segment| match segment {
        Segment::Bytes(bytes) => Piece::Bytes(Bytes::from(bytes.into_owned())),
        Segment::File(path) => Piece::File(path),
        Segment::Stream(slot) => Piece::Stream(slot),
    });
    Plan::Pieces(pieces.collect())
}

/// Whether the pieces can make a second body: they hold no stream.
pub(crate) fn replayable(pieces: &[Piece<'_>]) -> bool {
    !pieces.iter().any(|p| matches!(p, Piece::Stream(_)))
}

/// One attempt's body, and its length when every piece has a known one. Files are opened
/// here, before anything is sent: one that cannot be read is an error, as is a stream that
/// an earlier send took.
pub(crate) async fn attempt_body(
    pieces: &[Piece<'_>],
) -> Result<(reqwest::Body, Option<u64>), String> {
    let mut streams: Vec<ByteStream> = Vec::with_capacity(pieces.len());
    let mut length = Some(0u64);
    for piece in pieces {
        let (stream, len) = match piece {
            Piece::Bytes(bytes) => (
                stream::once(std::future::ready(Ok(bytes.clone()))).boxed(),
                Some(bytes.len() as u64),
            ),
            Piece::File(path) => {
                let unreadable = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
                let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
                let size = file.metadata().await.map_err(unreadable)?.len();
                (
                    file_chunks(file, size, path.display().to_string()),
                    Some(size),
                )
            }
            Piece::Stream(slot) => {
                let stream = slot.take().ok_or_else(|| {
                    "the body's stream was sent already, and a stream can be sent only once"
                        .to_owned()
                })?;
                (stream, None)
            }
        };
        length = length.zip(len).map(|(total, len)| total + len);
        streams.push(stream);
    }
    let body = reqwest::Body::wrap_stream(stream::iter(streams).flatten());
    Ok((body, length))
}

/// At most this many bytes of a file are read at a time.
const CHUNK: usize = 64 * 1024;

/// The first `size` bytes of `file`, in chunks. A file that ends sooner (it was cut while
/// it was sent) is an error, not a short body.
fn file_chunks(file: tokio::fs::File, size: u64, name: String) -> ByteStream {
    stream::unfold(Some((file.take(size), size)), move |state| {
        let name = name.clone();
        async move {
            let (mut file, left) = state?;
            if left == 0 {
                return None;
            }
            let mut chunk = vec![0; CHUNK.min(usize::try_from(left).unwrap_or(CHUNK))];
            match file.read(&mut chunk).await {
                Ok(0) => Some((Err(format!("{name} ended {left} bytes early").into()), None)),
                Ok(n) => {
                    chunk.truncate(n);
                    Some((Ok(Bytes::from(chunk)), Some((file, left - n as u64))))
                }
                Err(e) => Some((Err(Box::new(e) as _), None)),
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::super::content::Content;
    use super::super::multipart::{FilePart, Multipart};
    use super::*;

    fn binary(content: Content) -> RequestBody {
        RequestBody::Binary {
            media_type: "application/octet-stream",
            content,
        }
    }

    #[test]
    fn bodies_in_memory_are_one_piece() {
        let form = RequestBody::Multipart(Multipart::new().text("a", "1").json("b", &[2]));
        let Plan::InMemory(bytes) = plan(&form) else {
            panic!("in memory")
        };
        assert_eq!(bytes, form.to_bytes().unwrap());
        assert!(matches!(plan(&binary(vec![1u8].into())), Plan::InMemory(b) if b == [1]));
    }

    #[tokio::test]
    async fn a_file_is_opened_for_each_attempt_and_its_length_is_known() {
        let path = std::env::temp_dir().join(format!("transfer-{}.csv", std::process::id()));
        std::fs::write(&path, "id\n1\n").unwrap();
        let form = RequestBody::Multipart(Multipart::new().file("files", FilePart::file(&path)));
        let Plan::Pieces(pieces) = plan(&form) else {
            panic!("a file is read when sent")
        };
        assert!(replayable(&pieces));
        let expected = form.to_bytes().unwrap().len() as u64;
        // The bytes themselves are checked on the wire, in the integration tests.
        for _attempt in 0..2 {
            let (_, length) = attempt_body(&pieces).await.unwrap();
            assert_eq!(length, Some(expected));
        }
        std::fs::remove_file(&path).unwrap();
        let error = attempt_body(&pieces).await.err().unwrap();
        assert!(error.starts_with("cannot read "), "{error}");
    }

    #[tokio::test]
    async fn a_stream_goes_to_the_first_attempt_only() {
        let chunks = stream::iter([Ok::<_, std::io::Error>("abc")]);
        let body = binary(Content::stream(chunks));
        let Plan::Pieces(pieces) = plan(&body) else {
            panic!("a stream is read when sent")
        };
        assert!(!replayable(&pieces));
        let (_, length) = attempt_body(&pieces).await.unwrap();
        assert_eq!(length, None, "a stream's length is not known");
        let again = attempt_body(&pieces).await.err().unwrap();
        assert!(again.contains("can be sent only once"), "{again}");
    }

    #[tokio::test]
    async fn file_chunks_read_the_file_and_notice_it_was_cut() {
        let path = std::env::temp_dir().join(format!("chunks-{}.bin", std::process::id()));
        let data: Vec<u8> = (0..CHUNK * 2 + 10).map(|i| i as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let file = tokio::fs::File::open(&path).await.unwrap();
        let chunks: Vec<_> = file_chunks(file, data.len() as u64, "f".to_owned())
            .collect()
            .await;
        assert_eq!(chunks.len(), 3);
        let read: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(read, data);
        let file = tokio::fs::File::open(&path).await.unwrap();
        let cut: Vec<_> = file_chunks(file, data.len() as u64 + 5, "f".to_owned())
            .collect()
            .await;
        std::fs::remove_file(&path).unwrap();
        let last = cut.last().unwrap().as_ref().unwrap_err().to_string();
        assert_eq!(last, "f ended 5 bytes early");
    }
}
