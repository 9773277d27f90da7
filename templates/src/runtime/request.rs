//! Plain request values: what generated request functions return and the client sends.
//!
//! A `Request` knows its method, path, query and body (JSON, a form, text, bytes or a
//! multipart form: see [`RequestBody`]), the media type it accepts, and how to read a
//! successful response. It needs no network to build or inspect, so it can be tested as data
//! or sent with another HTTP stack: send `method()`, `path_and_query()`, `accepts()` and
//! `body()`, then hand the status, headers and body to `decode_response`, which gives the
//! value or the same `Error` `Client::send` would.

use std::fmt;

use serde::Serialize;

use super::body::RequestBody;
use super::content::Content;
use super::error::InvalidRequest;
use super::form;
use super::multipart::Multipart;
use super::percent::{encode_cursor, encode_segment};
use super::secrets::REDACTED;

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

/// Whether a request carries the access token (`Authorization: Bearer <token>`), as the
/// operation's OpenAPI `security` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    /// Sent with the token; a client without one refuses it before sending
    /// ([`Error::TokenRequired`](super::Error::TokenRequired)). The default.
    Required,
    /// Sent with the token when the client has one, without it otherwise.
    Optional,
    /// Never sent with the token: the caller has none yet (OAuth's token endpoints).
    Anonymous,
}

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
#[derive(Debug, Clone)]
struct QueryParam {
    name: &'static str,
    value: String,
    /// A paging cursor, already percent-encoded by HubSpot: its `%XX` sequences are kept.
    cursor: bool,
}

/// A date-time as it goes into a URL: RFC 3339 in UTC (`2026-03-01T10:00:00Z`), as HubSpot
/// reads it. `DateTime`'s own `Display` (`2026-03-01 10:00:00 UTC`) is not what it expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rfc3339<'a>(pub &'a chrono::DateTime<chrono::Utc>);

impl fmt::Display for Rfc3339<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

/// One API call, ready to send.
pub struct Request<T> {
    operation: &'static str,
    method: Method,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<QueryParam>,
    body: Option<Result<RequestBody, String>>,
    accept: &'static str,
    idempotent: bool,
    auth: Auth,
    /// Wire names of parameters, fields and parts whose values are credentials.
    secrets: &'static [&'static str],
    /// The most inputs a batch request may carry, and a lower one while the body sets a field.
    batch_limit: Option<usize>,
    batch_limit_when_set: Option<(&'static str, usize)>,
    search: bool,
    decode: Decode<T>,
}

impl<T> fmt::Debug for Request<T> {
    // Secret parameters are shown as `<redacted>`; bodies never show their content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|q| (q.name, self.shown(q.name, &q.value)))
            .collect();
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.render_path(true))
            .field("query", &query)
            .field("accept", &self.accept)
            .field("body", &self.body())
            .field("idempotent", &self.idempotent)
            .field("auth", &self.auth)
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
            accept: "application/json",
            // Not repeated until declared safe; generated functions always declare it.
            idempotent: false,
            auth: Auth::Required,
            secrets: &[],
            batch_limit: None,
            batch_limit_when_set: None,
            search: false,
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
        self.body = Some(
            serde_json::to_vec(body)
                .map(RequestBody::Json)
                .map_err(|e| format!("the JSON does not serialise: {e}")),
        );
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body: the properties of `body`, which
    /// must serialise to an object, as `key=value` pairs.
    pub fn form<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(form::encode(body).map(RequestBody::Form));
        self
    }

    /// Sets a text body of `media_type` (`text/plain`).
    pub fn text(mut self, media_type: &'static str, text: impl Into<String>) -> Self {
        self.body = Some(Ok(RequestBody::Text {
            media_type,
            text: text.into(),
        }));
        self
    }

    /// Sets a text body if there is one.
    pub fn text_opt(self, media_type: &'static str, text: Option<impl Into<String>>) -> Self {
        match text {
            Some(text) => self.text(media_type, text),
            None => self,
        }
    }

    /// Sets a body of bytes of `media_type` (`application/octet-stream`), from memory, a
    /// file or a stream.
    pub fn binary(mut self, media_type: &'static str, content: impl Into<Content>) -> Self {
        self.body = Some(Ok(RequestBody::Binary {
            media_type,
            content: content.into(),
        }));
        self
    }

    /// Sets a body of bytes if there is one.
    pub fn binary_opt(self, media_type: &'static str, content: Option<impl Into<Content>>) -> Self {
        match content {
            Some(content) => self.binary(media_type, content),
            None => self,
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Some(match form.invalid() {
            Some(message) => Err(message.to_owned()),
            None => Ok(RequestBody::Multipart(form)),
        });
        self
    }

    /// Sets the media types a successful answer may come in, as an `Accept` header value
    /// (`application/json` unless set).
    pub fn accept(mut self, media_types: &'static str) -> Self {
        self.accept = media_types;
        self
    }

    /// Declares whether sending the request twice has the same effect as sending it once,
    /// which decides whether it may be retried after an ambiguous failure.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Declares whether the request carries the access token (by default it must).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Names the parameters, body fields and parts (by their names on the wire, at any
    /// depth of the body or the answer) whose values are credentials: they are shown as
    /// `<redacted>` by `Debug` and logs, and taken out of errors, including what an answer
    /// echoes of them and the snippet of an answer that did not decode.
    pub fn secrets(mut self, names: &'static [&'static str]) -> Self {
        self.secrets = names;
        self
    }

    /// Declares that a batch request may carry at most `max` inputs (HubSpot refuses a
    /// larger one whole): `Client::batch` cuts inputs to fit.
    pub fn batch_limit(mut self, max: usize) -> Self {
        self.batch_limit = Some(max.max(1));
        self
    }

    /// Declares a lower batch limit while the JSON body sets `field` (a non-empty list, or
    /// any value but `null`): a batch read asking for `propertiesWithHistory` takes 50.
    pub fn batch_limit_when_set(mut self, field: &'static str, max: usize) -> Self {
        self.batch_limit_when_set = Some((field, max.max(1)));
        self
    }

    /// The most inputs this request may carry, as declared for its body: `None` when
    /// nothing was declared (not a batch, or built by hand).
    pub fn max_inputs(&self) -> Option<usize> {
        let lower = self.batch_limit_when_set.and_then(|(field, max)| {
            let Some(RequestBody::Json(bytes)) = self.body() else {
                return None;
            };
            let body: serde_json::Value = serde_json::from_slice(bytes).ok()?;
            let set = match body.get(field)? {
                serde_json::Value::Null => false,
                serde_json::Value::Array(items) => !items.is_empty(),
                _ => true,
            };
            set.then_some(max)
        });
        match (self.batch_limit, lower) {
            (Some(max), Some(lower)) => Some(max.min(lower)),
            (max, lower) => max.or(lower),
        }
    }

    /// Declares the request a CRM search, which HubSpot limits apart from the app's budget:
    /// the client paces it on a budget of its own (`ClientBuilder::search_rate_limit`).
    pub fn search(mut self) -> Self {
        self.search = true;
        self
    }

    /// Whether the request is a CRM search (see [`search`](Self::search)).
    pub fn is_search(&self) -> bool {
        self.search
    }

    /// Whether the request carries the access token: [`Auth::Required`] (send
    /// `Authorization: Bearer <token>`; without a token, do not send it at all),
    /// [`Auth::Optional`] (send it if there is one), or [`Auth::Anonymous`] (never send it).
    pub fn authentication(&self) -> Auth {
        self.auth
    }

    /// The wire names whose values are credentials (see [`secrets`](Self::secrets)).
    pub fn secret_names(&self) -> &'static [&'static str] {
        self.secrets
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

    /// The `Accept` header: the media types a successful answer may come in.
    pub fn accepts(&self) -> &'static str {
        self.accept
    }

    /// The path with every parameter percent-encoded into its own segment.
    pub fn path(&self) -> Result<String, InvalidRequest> {
        self.render_path(false)
    }

    /// The path and query as logs show them: secret values as `<redacted>`.
    #[cfg(feature = "client")]
    pub(crate) fn shown_path_and_query(&self) -> String {
        let mut out = match self.render_path(true) {
            Ok(path) => path,
            Err(_) => self.template.to_owned(),
        };
        self.write_query(true, &mut out);
        out
    }

    /// Whether a secret is written into the URL (a path or query parameter).
    #[cfg(feature = "client")]
    pub(crate) fn url_has_secrets(&self) -> bool {
        let names = self.path_params.iter().map(|(name, _)| *name);
        let mut names = names.chain(self.query.iter().map(|q| q.name));
        names.any(|name| self.secrets.contains(&name))
    }

    /// A parameter's value, or `<redacted>` for a secret.
    fn shown<'v>(&self, name: &str, value: &'v str) -> &'v str {
        if self.secrets.contains(&name) {
            REDACTED
        } else {
            value
        }
    }

    /// The path; with `redacted`, secret parameters as `<redacted>`, for showing.
    fn render_path(&self, redacted: bool) -> Result<String, InvalidRequest> {
        // Appended to the base URL, a path without its `/` could name another host
        // (`.evil.example/x`) and take the token there.
        if !self.template.starts_with('/') {
            return Err(self.invalid(format!(
                "the path {} does not start with `/`",
                self.template
            )));
        }
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
            if redacted && self.secrets.contains(&name) {
                path.push_str(REDACTED);
            } else {
                encode_segment(value, &mut path);
            }
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
        self.write_query(false, &mut out);
        Ok(out)
    }

    /// Appends the encoded query string; with `redacted`, secret values as `<redacted>`, for
    /// showing.
    fn write_query(&self, redacted: bool, out: &mut String) {
        for (i, param) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_segment(param.name, out);
            out.push('=');
            if redacted && self.secrets.contains(&param.name) {
                out.push_str(REDACTED);
            } else if param.cursor {
                encode_cursor(&param.value, out);
            } else {
                encode_segment(&param.value, out);
            }
        }
    }

    /// The body, if the operation takes one (and it could be made: see
    /// [`validate`](Self::validate)). [`RequestBody::content_type`] gives its `Content-Type`,
    /// [`RequestBody::bytes`] or [`RequestBody::to_bytes`] what to send.
    pub fn body(&self) -> Option<&RequestBody> {
        match &self.body {
            Some(Ok(body)) => Some(body),
            _ => None,
        }
    }

    /// Checks everything that could make the request unsendable.
    pub fn validate(&self) -> Result<(), InvalidRequest> {
        self.path()?;
        if let Some(Err(message)) = &self.body {
            return Err(self.invalid(format!("the body cannot be sent: {message}")));
        }
        Ok(())
    }

    /// Every path and query parameter, by name, as given.
    pub(super) fn params(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        let path = self
            .path_params
            .iter()
            .map(|(name, value)| (*name, value.as_str()));
        path.chain(self.query_pairs())
    }

    /// The JSON body, parsed; `None` without one.
    #[cfg(feature = "client")]
    pub(crate) fn json_body(&self) -> Option<serde_json::Value> {
        match self.body() {
            Some(RequestBody::Json(bytes)) => serde_json::from_slice(bytes).ok(),
            _ => None,
        }
    }

    /// The same request with `body` as its JSON body (a search's next page).
    #[cfg(feature = "client")]
    pub(crate) fn with_json_body(&self, body: &serde_json::Value) -> Request<T> {
        Request {
            operation: self.operation,
            method: self.method,
            template: self.template,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            body: Some(
                serde_json::to_vec(body)
                    .map(RequestBody::Json)
                    .map_err(|e| format!("the JSON does not serialise: {e}")),
            ),
            accept: self.accept,
            idempotent: self.idempotent,
            auth: self.auth,
            secrets: self.secrets,
            batch_limit: self.batch_limit,
            batch_limit_when_set: self.batch_limit_when_set,
            search: self.search,
            decode: self.decode,
        }
    }

    /// How a successful answer is read.
    pub(super) fn decoder(&self) -> Decode<T> {
        self.decode
    }

    fn invalid(&self, message: String) -> InvalidRequest {
        InvalidRequest {
            operation: self.operation,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;

    fn list() -> Request<serde_json::Value> {
        Request::new("list", Method::Get, "/items", decode::json)
    }

    fn query_of(request: &Request<serde_json::Value>) -> String {
        request.path_and_query().unwrap()
    }

    #[test]
    fn a_path_without_its_slash_could_name_another_host_and_is_refused() {
        let request: Request<serde_json::Value> =
            Request::new("odd", Method::Get, ".evil.example/x", decode::json);
        let error = request.path_and_query().unwrap_err();
        assert!(error.message.contains("does not start with `/`"), "{error}");
        assert!(list().path_and_query().is_ok());
    }

    #[test]
    fn date_times_go_into_urls_as_rfc_3339() {
        use chrono::TimeZone;
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let later = at + chrono::Duration::milliseconds(250);
        assert_eq!(Rfc3339(&at).to_string(), "2026-03-01T10:00:00Z");
        assert_eq!(Rfc3339(&later).to_string(), "2026-03-01T10:00:00.250Z");
        let request = list()
            .query("createdAt", Rfc3339(&at))
            .queries("updatedAt", [later].iter().map(Rfc3339));
        assert_eq!(
            query_of(&request),
            "/items?createdAt=2026-03-01T10%3A00%3A00Z&updatedAt=2026-03-01T10%3A00%3A00.250Z"
        );
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
    fn bodies_say_what_they_are() {
        #[derive(Serialize)]
        struct Token {
            grant_type: &'static str,
            code: Option<&'static str>,
        }
        let token = Token {
            grant_type: "refresh_token",
            code: None,
        };
        let form = Request::<()>::new("token", Method::Post, "/t", decode::empty).form(&token);
        let body = form.body().unwrap();
        assert_eq!(body.content_type(), "application/x-www-form-urlencoded");
        assert_eq!(body.bytes(), Some(&b"grant_type=refresh_token"[..]));
        let not_a_form = Request::<()>::new("token", Method::Post, "/t", decode::empty).form(&[1]);
        assert_eq!(
            not_a_form.validate().unwrap_err().to_string(),
            "token: invalid request: the body cannot be sent: a form body must be an object, \
             not an array"
        );
        let text = list().text_opt("text/plain", Some("x = 1"));
        assert_eq!(text.body().unwrap().content_type(), "text/plain");
        assert!(list().text_opt("text/plain", None::<&str>).body().is_none());
        let binary = list().binary("image/png", vec![137u8, 80]);
        assert_eq!(binary.body().unwrap().bytes(), Some(&[137u8, 80][..]));
        let shown = format!("{binary:?}");
        assert!(
            shown.contains("image/png") && shown.contains("2 bytes"),
            "{shown}"
        );
    }

    #[test]
    fn secret_parameters_are_redacted_when_shown() {
        let request = Request::<()>::new(
            "get_token_info",
            Method::Get,
            "/oauth/v1/access-tokens/{token}",
            decode::empty,
        )
        .path_param("token", "at-SECRET")
        .query("hapikey", "hk-SECRET")
        .cursor("after", "Mw%3D%3D")
        .secrets(&["hapikey", "token"]);
        assert_eq!(
            request.path_and_query().unwrap(),
            "/oauth/v1/access-tokens/at-SECRET?hapikey=hk-SECRET&after=Mw%3D%3D"
        );
        assert_eq!(
            request.shown_path_and_query(),
            "/oauth/v1/access-tokens/<redacted>?hapikey=<redacted>&after=Mw%3D%3D"
        );
        assert!(request.url_has_secrets());
        let shown = format!("{request:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("<redacted>") && shown.contains("Mw%3D%3D"),
            "{shown}"
        );
        assert_eq!(request.authentication(), Auth::Required, "the default");
        assert_eq!(request.secret_names(), ["hapikey", "token"]);
    }

    #[test]
    fn a_multipart_form_that_could_not_be_made_is_refused_before_sending() {
        let form = Multipart::new().file(
            "file",
            super::super::multipart::FilePart::new("x").with_content_type("a\nb"),
        );
        let request = list().multipart(form);
        assert!(request.body().is_none());
        let error = request.validate().unwrap_err().to_string();
        assert!(error.contains("contains a line break"), "{error}");
    }

    #[test]
    fn a_batch_limit_is_lower_while_the_body_sets_its_field() {
        let read = |body: serde_json::Value| {
            list()
                .json(&body)
                .batch_limit(100)
                .batch_limit_when_set("propertiesWithHistory", 50)
                .max_inputs()
        };
        assert_eq!(read(serde_json::json!({"inputs": []})), Some(100));
        assert_eq!(
            read(serde_json::json!({"propertiesWithHistory": []})),
            Some(100)
        );
        assert_eq!(
            read(serde_json::json!({"propertiesWithHistory": null})),
            Some(100)
        );
        assert_eq!(
            read(serde_json::json!({"propertiesWithHistory": ["email"]})),
            Some(50)
        );
        assert_eq!(list().max_inputs(), None, "not a batch");
    }
}
