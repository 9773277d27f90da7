//! Plain request values: what generated request functions return and the client sends.
//!
//! A `Request` knows its method, path, query and JSON body, and how to read a successful
//! response. It needs no network to build or inspect, so it can be tested as data or sent
//! with another HTTP stack: send `method()`, `path_and_query()` and `body()`, then hand the
//! status, headers and body to `decode_response`, which gives the value or the same `Error`
//! `Client::send` would.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::Error;
use super::response::{self, ResponseHeaders};

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request that cannot be sent as built: an empty or dot-only path parameter, or a body
/// that does not serialise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest {
    pub operation: &'static str,
    pub message: String,
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: invalid request: {}", self.operation, self.message)
    }
}

impl std::error::Error for InvalidRequest {}

/// A success that may be partial: HubSpot answers batch calls with 207 Multi-Status when
/// some inputs failed, with the failures in the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T, P> {
    /// Every input went through (any 2xx but 207).
    Complete(T),
    /// 207: some inputs failed; the body lists them.
    Partial(P),
}

impl<T, P> Outcome<T, P> {
    pub fn is_partial(&self) -> bool {
        matches!(self, Outcome::Partial(_))
    }
}

/// Reads a successful response of type `T` from its status and body.
pub type Decode<T> = fn(u16, &[u8]) -> Result<T, serde_json::Error>;

/// One query parameter as the request function set it.
#[derive(Debug)]
struct QueryParam {
    name: &'static str,
    value: String,
    /// A paging cursor, already percent-encoded by HubSpot: its `%XX` sequences are kept.
    cursor: bool,
}

/// One API call, ready to send.
pub struct Request<T> {
    operation: &'static str,
    method: Method,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<QueryParam>,
    body: Option<Result<Vec<u8>, String>>,
    idempotent: bool,
    decode: Decode<T>,
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path())
            .field("query", &self.query)
            .field("body_bytes", &self.body().map(<[u8]>::len))
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

impl<T> Request<T> {
    /// A request for `template`, a path with `{name}` placeholders.
    pub fn new(
        operation: &'static str,
        method: Method,
        template: &'static str,
        decode: Decode<T>,
    ) -> Self {
        Request {
            operation,
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            // Not repeated until declared safe; generated functions always declare it.
            idempotent: false,
            decode,
        }
    }

    /// Sets the value of the `{name}` placeholder.
    pub fn path_param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.query.push(QueryParam {
            name,
            value: value.to_string(),
            cursor: false,
        });
        self
    }

    /// Adds a paging cursor (`after`, `before`): a value HubSpot handed out already
    /// percent-encoded (`Mw%3D%3D`), so its `%XX` sequences are sent as they are and only bytes
    /// that cannot stand in a query value are encoded. Encoding the `%` again would send HubSpot
    /// another cursor.
    pub fn cursor(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.query.push(QueryParam {
            name,
            value: value.to_string(),
            cursor: true,
        });
        self
    }

    /// Adds a paging cursor if it is set.
    pub fn cursor_opt<V: fmt::Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.cursor(name, value),
            None => self,
        }
    }

    /// Adds a query parameter if it is set.
    pub fn query_opt<V: fmt::Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds the query parameter once for each value.
    pub fn queries<V: fmt::Display>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }

    /// Sets the JSON body if there is one.
    pub fn json_opt<B: Serialize + ?Sized>(self, body: Option<&B>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// Sets the JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| e.to_string()));
        self
    }

    /// Declares whether sending the request twice has the same effect as sending it once,
    /// which decides whether it may be retried after an ambiguous failure.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The operation's name, e.g. `batch_read`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The path with every parameter percent-encoded into its own segment.
    pub fn path(&self) -> Result<String, InvalidRequest> {
        let mut path = String::with_capacity(self.template.len() + 32);
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                self.invalid(format!("unclosed placeholder in {}", self.template))
            })?;
            path.push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            let value = self
                .path_params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .ok_or_else(|| self.invalid(format!("path parameter `{name}` is not set")))?;
            // `.` and `..` are dot-segments to every URL parser, however they are encoded.
            if value.is_empty() || value == "." || value == ".." {
                return Err(self.invalid(format!("path parameter `{name}` may not be {value:?}")));
            }
            encode_segment(value, &mut path);
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        Ok(path)
    }

    /// Query parameters in the order they were added, as given: most are not yet encoded,
    /// but paging cursors already are (see [`cursor`](Self::cursor)). Use
    /// [`path_and_query`](Self::path_and_query) to get each encoded as it must be.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.query.iter().map(|q| (q.name, q.value.as_str()))
    }

    /// The path and the encoded query string.
    pub fn path_and_query(&self) -> Result<String, InvalidRequest> {
        let mut out = self.path()?;
        for (i, param) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_segment(param.name, &mut out);
            out.push('=');
            if param.cursor {
                encode_cursor(&param.value, &mut out);
            } else {
                encode_segment(&param.value, &mut out);
            }
        }
        Ok(out)
    }

    /// The JSON body, if the operation takes one.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.body {
            Some(Ok(bytes)) => Some(bytes),
            _ => None,
        }
    }

    /// Checks everything that could make the request unsendable.
    pub fn validate(&self) -> Result<(), InvalidRequest> {
        self.path()?;
        if let Some(Err(message)) = &self.body {
            return Err(self.invalid(format!("the body does not serialise: {message}")));
        }
        Ok(())
    }

    /// Reads an answer from its status and body alone; like
    /// [`decode_response`](Self::decode_response) without headers, so a 429 cannot say how
    /// long to wait.
    pub fn decode(&self, status: u16, body: &[u8]) -> Result<T, Error> {
        self.decode_response(status, &[] as &[(&str, &str)], body)
    }

    /// Reads an answer, whatever its status: a 2xx body as `T`, anything else as the
    /// [`Error`] that `Client::send` returns for it, classified the same way
    /// ([`Error::is_retryable`], [`Error::may_have_been_applied`]). `headers` are the
    /// answer's (`Retry-After`, rate limits, `Content-Type`); see [`ResponseHeaders`].
    pub fn decode_response<H: ResponseHeaders + ?Sized>(
        &self,
        status: u16,
        headers: &H,
        body: &[u8],
    ) -> Result<T, Error> {
        if !(200..300).contains(&status) {
            return Err(response::failure(
                self.operation,
                self.idempotent,
                status,
                headers,
                body,
            ));
        }
        (self.decode)(status, body)
            .map_err(|e| response::undecodable(self.operation, status, headers, body, &e))
    }

    fn invalid(&self, message: String) -> InvalidRequest {
        InvalidRequest {
            operation: self.operation,
            message,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn push_encoded(byte: u8, out: &mut String) {
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 0xF)] as char);
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value can never
/// add a segment, a query or a fragment.
fn encode_segment(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            push_encoded(byte, out);
        }
    }
}

/// Encodes a cursor that is already percent-encoded: `%XX` sequences stay as they are, as do
/// the characters a query may hold as they are; what would end the value (`&`, `#`), change
/// its meaning (`=`, `+`, `;`), or cannot stand in a URL (spaces, controls, non-ASCII, a `%`
/// that starts no sequence) is encoded.
fn encode_cursor(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = byte == b'%'
            && bytes.len() > i + 2
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        let plain = is_unreserved(byte)
            || matches!(
                byte,
                b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b',' | b':' | b'@' | b'/' | b'?'
            );
        if escape || plain {
            out.push(byte as char);
        } else {
            push_encoded(byte, out);
        }
    }
}

/// Decoders that generated request functions use.
pub mod decode {
    use super::*;

    /// An empty body reads as JSON `null`: that is `()` for operations that answer without a
    /// body, and an error for those that promise one.
    fn body_or_null(body: &[u8]) -> &[u8] {
        if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            body
        }
    }

    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(_status: u16, body: &[u8]) -> Result<T, serde_json::Error> {
        serde_json::from_slice(body_or_null(body))
    }

    /// No body is expected; whatever arrives is ignored.
    pub fn empty(_status: u16, _body: &[u8]) -> Result<(), serde_json::Error> {
        Ok(())
    }

    /// `T`, or `P` for 207 Multi-Status.
    pub fn outcome<T: DeserializeOwned, P: DeserializeOwned>(
        status: u16,
        body: &[u8],
    ) -> Result<Outcome<T, P>, serde_json::Error> {
        if status == 207 {
            serde_json::from_slice(body_or_null(body)).map(Outcome::Partial)
        } else {
            serde_json::from_slice(body_or_null(body)).map(Outcome::Complete)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Request<serde_json::Value> {
        Request::new("list", Method::Get, "/items", decode::json)
    }

    fn query_of(request: &Request<serde_json::Value>) -> String {
        request.path_and_query().unwrap()
    }

    #[test]
    fn cursors_keep_their_percent_sequences() {
        let live = "MTcxMjY5MDQ1MDM2MnwwLTF8NzA4MDM5NjM0NXw2LTI3NTgyNDU5fC03NTgwNjg4Mjk%3D";
        assert_eq!(
            query_of(&list().cursor("after", live)),
            format!("/items?after={live}")
        );
        assert_eq!(
            query_of(&list().cursor_opt("before", Some("Mw%3D%3D"))),
            "/items?before=Mw%3D%3D"
        );
        assert_eq!(
            query_of(&list().cursor_opt("after", None::<&str>)),
            "/items"
        );
    }

    #[test]
    fn cursors_encode_what_cannot_stand_in_a_query_value() {
        // A decoded cursor (`=`, `+`), separators, spaces, non-ASCII and a lone `%`.
        assert_eq!(
            query_of(&list().cursor("after", "a+b/c==&x=1#f é 50%!%4")),
            "/items?after=a%2Bb/c%3D%3D%26x%3D1%23f%20%C3%A9%2050%25!%254"
        );
    }

    #[test]
    fn other_query_values_are_fully_encoded() {
        let request = list().query("q", "Mw%3D%3D").cursor("after", "Mw%3D%3D");
        assert_eq!(query_of(&request), "/items?q=Mw%253D%253D&after=Mw%3D%3D");
        let pairs: Vec<_> = request.query_pairs().collect();
        assert_eq!(pairs, [("q", "Mw%3D%3D"), ("after", "Mw%3D%3D")]);
    }

    #[test]
    fn decode_reads_an_error_answer_as_the_error_it_is() {
        let request = list();
        let limited = request
            .decode(
                429,
                br#"{"status":"error","message":"Daily limit","policyName":"DAILY"}"#,
            )
            .unwrap_err();
        assert!(
            matches!(&limited, Error::RateLimited(l) if l.message == "Daily limit"),
            "{limited:?}"
        );
        let refused = request.decode(404, b"").unwrap_err();
        assert_eq!(refused.status(), Some(404));
        assert_eq!(request.decode(200, b"[1]").unwrap(), serde_json::json!([1]));
    }

    #[test]
    fn decode_response_reads_headers_too() {
        let request = Request::<()>::new("op", Method::Post, "/x", decode::empty);
        let headers = vec![("retry-after".to_owned(), "7".to_owned())];
        let error = request.decode_response(429, &headers, b"").unwrap_err();
        let Error::RateLimited(limited) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(limited.retry_after, Some(std::time::Duration::from_secs(7)));
    }

    #[test]
    fn text_where_json_was_expected_says_so() {
        let request = list();
        let error = request
            .decode_response(200, &[("Content-Type", "text/plain")], b"OK")
            .unwrap_err();
        assert!(error.may_have_been_applied() && !error.is_retryable());
        assert_eq!(
            error.to_string(),
            "list: HubSpot answered 200 with 2 bytes of text/plain: OK, where JSON was expected \
             (the request went through)"
        );
    }

    #[test]
    fn an_empty_207_reads_like_any_other_empty_body() {
        let request: Request<Outcome<serde_json::Map<String, serde_json::Value>, Vec<u8>>> =
            Request::new("batch", Method::Post, "/b", decode::outcome);
        let partial = request.decode(207, b"").unwrap_err().to_string();
        let complete = request.decode(200, b"").unwrap_err().to_string();
        assert_eq!(
            partial,
            "batch: HubSpot answered 207 with an empty body, where JSON was expected (the \
             request went through)"
        );
        assert_eq!(complete, partial.replace("207", "200"));
    }
}
