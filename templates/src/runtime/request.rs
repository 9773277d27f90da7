//! Plain request values: what generated request functions return and the client sends.
//!
//! A `Request` knows its method, path, query and JSON body, and how to read a successful
//! response. It needs no network to build or inspect, so it can be tested as data or sent
//! with another HTTP stack: send `method()`, `path_and_query()` and `body()`, then hand the
//! status and body to `decode`.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

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

/// One API call, ready to send.
pub struct Request<T> {
    operation: &'static str,
    method: Method,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
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
        self.query.push((name, value.to_string()));
        self
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
            self.query.push((name, value.to_string()));
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

    /// Query parameters in the order they were added, not yet encoded.
    pub fn query_pairs(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// The path and the encoded query string.
    pub fn path_and_query(&self) -> Result<String, InvalidRequest> {
        let mut out = self.path()?;
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_segment(name, &mut out);
            out.push('=');
            encode_segment(value, &mut out);
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

    /// Reads a successful (2xx) response.
    pub fn decode(&self, status: u16, body: &[u8]) -> Result<T, serde_json::Error> {
        (self.decode)(status, body)
    }

    fn invalid(&self, message: String) -> InvalidRequest {
        InvalidRequest {
            operation: self.operation,
            message,
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value can never
/// add a segment, a query or a fragment.
fn encode_segment(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xF)] as char);
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
            serde_json::from_slice(body).map(Outcome::Partial)
        } else {
            serde_json::from_slice(body_or_null(body)).map(Outcome::Complete)
        }
    }
}
