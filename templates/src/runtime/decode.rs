//! Reading answers: the decoders generated request functions name (the body as JSON, text
//! or bytes, or `T` and `P` for a 207), and [`Request::decode_response`], which reads any
//! answer, through the classifier (`response.rs`) for what is not a success, the same way
//! `Client::send` does, and takes the request's secrets out of what it returns.

use serde::de::DeserializeOwned;

use super::body::RequestBody;
use super::error::{Error, Expected};
use super::form;
use super::request::{Outcome, Request};
use super::response::{self, ResponseHeaders};
use super::secrets::SecretValues;

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

/// The body as text: it must be UTF-8.
pub fn text(_status: u16, body: &[u8]) -> Result<String, serde_json::Error> {
    String::from_utf8(body.to_vec()).map_err(|e| {
        serde::de::Error::custom(format_args!(
            "the body is not UTF-8 text: {}",
            e.utf8_error()
        ))
    })
}

/// The body's bytes, as they came.
pub fn bytes(_status: u16, body: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    Ok(body.to_vec())
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

impl<T> Request<T> {
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
            let mut error = response::failure(
                self.operation(),
                self.is_idempotent(),
                status,
                headers,
                body,
            );
            self.redact(&mut error, None);
            return Err(error);
        }
        (self.decoder())(status, body).map_err(|e| {
            let expected = Expected::of(self.accepts());
            let mut error =
                response::undecodable(self.operation(), expected, status, headers, body, &e);
            self.redact(&mut error, Some(body));
            error
        })
    }

    /// Takes the request's secret values out of an error about its answer, and for a
    /// successful answer that did not decode, the values under secret names in it (or all
    /// of its text, when it is not JSON and so cannot be searched).
    fn redact(&self, error: &mut Error, success_body: Option<&[u8]>) {
        if self.secret_names().is_empty() {
            return;
        }
        let mut values = self.secret_values();
        if let Some(body) = success_body {
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(answer) => values.add_json(&answer, self.secret_names()),
                Err(syntax) => error.withhold_body(&syntax),
            }
        }
        error.scrub(&values);
    }

    /// The values the request sends under secret names: parameters, and the fields of a
    /// JSON or form body or the parts of a multipart form, however deep.
    fn secret_values(&self) -> SecretValues {
        let mut values = SecretValues::default();
        let secret = |name: &str| self.secret_names().contains(&name);
        for (_, value) in self.params().filter(|(name, _)| secret(name)) {
            values.add(value);
        }
        match self.body() {
            Some(RequestBody::Json(bytes)) => {
                if let Ok(json) = serde_json::from_slice(bytes) {
                    values.add_json(&json, self.secret_names());
                }
            }
            Some(RequestBody::Form(bytes)) => {
                for (_, value) in form::decode(bytes).iter().filter(|(k, _)| secret(k)) {
                    values.add(value);
                }
            }
            Some(RequestBody::Multipart(form)) => {
                for part in form.parts() {
                    let Some(bytes) = part.content().as_bytes() else {
                        continue;
                    };
                    if secret(part.name()) {
                        values.add(&String::from_utf8_lossy(bytes));
                    }
                    if let Ok(json) = serde_json::from_slice(bytes) {
                        values.add_json(&json, self.secret_names());
                    }
                }
            }
            _ => {}
        }
        values
    }
}

#[cfg(test)]
mod tests {
    use super::super::multipart::Multipart;
    use super::super::request::{Auth, Method};
    use super::*;

    fn list() -> Request<serde_json::Value> {
        Request::new("list", Method::Get, "/items", json)
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
        let request = Request::<()>::new("op", Method::Post, "/x", empty);
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
    fn text_and_bytes_answers_are_read_as_they_came() {
        let text = Request::new("ip_ranges", Method::Get, "/r", text).accept("text/plain");
        assert_eq!(text.accepts(), "text/plain");
        assert_eq!(text.decode(200, b"10.0.0.0/8\n").unwrap(), "10.0.0.0/8\n");
        let error = text
            .decode_response(200, &[("Content-Type", "text/plain")], b"\xff1")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ip_ranges: HubSpot answered 200 with 2 bytes of text/plain: \u{fffd}1, where UTF-8 \
             text was expected (the body is not UTF-8 text: invalid utf-8 sequence of 1 bytes \
             from index 0) (the request went through)"
        );
        let binary = Request::new("export", Method::Get, "/e", bytes)
            .accept("application/vnd.ms-excel, text/csv");
        assert_eq!(binary.decode(200, b"\xff\x00").unwrap(), [0xff, 0]);
        assert_eq!(binary.decode(200, b"").unwrap(), b"");
    }

    /// A token exchange as generated for OAuth: a form, no bearer token, and the names of
    /// the credentials it sends and receives.
    fn token_exchange(form: &serde_json::Value) -> Request<serde_json::Value> {
        Request::new("create_token", Method::Post, "/oauth/v1/token", json)
            .form(form)
            .auth(Auth::Anonymous)
            .secrets(&["access_token", "client_secret", "code", "refresh_token"])
    }

    #[test]
    fn an_answer_echoing_a_sent_secret_is_redacted_in_the_error() {
        let request = token_exchange(&serde_json::json!({
            "grant_type": "authorization_code",
            "client_secret": "cs-SECRET/+",
            "code": "code-SECRET",
        }));
        let echo = r#"{"status":"BAD_AUTH_CODE","message":"unknown code code-SECRET for secret cs-SECRET%2F%2B",
            "correlationId":"c-1","context":{"code":["code-SECRET"]},"errors":[{"message":"cs-SECRET/+"}]}"#;
        let error = request.decode(400, echo.as_bytes()).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("unknown code <redacted> for secret <redacted>"),
            "{shown}"
        );
        let page = request
            .decode_response(
                502,
                &[("content-type", "text/html")],
                b"<h1>no code-SECRET</h1>",
            )
            .unwrap_err();
        assert!(!format!("{page} {page:?}").contains("SECRET"), "{page:?}");
    }

    #[test]
    fn a_token_answer_that_does_not_decode_keeps_its_tokens_to_itself() {
        let request = Request::<std::collections::BTreeMap<String, u32>>::new(
            "create_token",
            Method::Post,
            "/oauth/v1/token",
            json,
        )
        .secrets(&["access_token", "refresh_token"]);
        let answer =
            br#"{"access_token":"at-SECRET","refresh_token":"rt-SECRET","expires_in":1800}"#;
        let error = request.decode(200, answer).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("expires_in"),
            "the rest of the snippet stays: {shown}"
        );
        // Cut short, the answer is no JSON to search: none of it is shown.
        let cut = request.decode(200, &answer[..30]).unwrap_err();
        let shown = format!("{cut} {cut:?}");
        assert!(
            !shown.contains("SECRET") && !shown.contains("at-"),
            "{shown}"
        );
        // A number where a token was expected is quoted by serde: it is taken out too.
        let texts = Request::<std::collections::BTreeMap<String, String>>::new(
            "create_token",
            Method::Post,
            "/oauth/v1/token",
            json,
        )
        .secrets(&["access_token"]);
        let numeric = texts
            .decode(200, br#"{"access_token":918273645}"#)
            .unwrap_err();
        assert!(!numeric.to_string().contains("918273645"), "{numeric}");
        // Without secrets, a snippet is shown as it came.
        let plain = Request::<u32>::new("count", Method::Get, "/n", json);
        assert!(plain
            .decode(200, answer)
            .unwrap_err()
            .to_string()
            .contains("at-SECRET"));
    }

    #[test]
    fn a_multipart_or_json_body_gives_up_its_secrets_too() {
        let json = Request::<()>::new("connect", Method::Post, "/c", empty)
            .json(&serde_json::json!({"app": {"api_key": "ak-SECRET"}, "name": "n"}))
            .secrets(&["api_key"]);
        let error = json
            .decode(403, br#"{"message":"bad key ak-SECRET"}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "connect: HubSpot answered 403: bad key <redacted>"
        );
        let form = Multipart::new()
            .text("password", "pw-SECRET")
            .text("name", "n");
        let multipart = Request::<()>::new("login", Method::Post, "/l", empty)
            .multipart(form)
            .secrets(&["password"]);
        let error = multipart
            .decode(401, br#"{"message":"pw-SECRET is wrong"}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "login: HubSpot answered 401: <redacted> is wrong"
        );
    }

    #[test]
    fn an_empty_207_reads_like_any_other_empty_body() {
        let request: Request<Outcome<serde_json::Map<String, serde_json::Value>, Vec<u8>>> =
            Request::new("batch", Method::Post, "/b", outcome);
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
