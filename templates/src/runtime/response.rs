//! Reading an answer without any I/O: what each status, header and body means, as the
//! crate's [`Error`]. `Client::send` and [`Request::decode_response`] both come here, so
//! both paths classify every answer the same way.
//!
//! [`Request::decode_response`]: super::Request::decode_response

use std::time::Duration;

use serde_json::{Map, Value};

use super::error::{ApiError, BodySummary, Error, Expected, RateLimitPolicy, RateLimited};

/// An answer's headers, looked up by name (case-insensitive). Implemented for reqwest's
/// `HeaderMap` (with the `client` feature) and for lists of `(name, value)` pairs, so any
/// HTTP stack can hand its headers over.
pub trait ResponseHeaders {
    /// The value of the header `name`, if present and text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> ResponseHeaders for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> ResponseHeaders for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> ResponseHeaders for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// Headers as axum, hyper and reqwest give them (a webhook request's too).
#[cfg(any(feature = "client", feature = "webhooks"))]
impl ResponseHeaders for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name)?.to_str().ok()
    }
}

pub(crate) fn header_u64<H: ResponseHeaders + ?Sized>(headers: &H, name: &str) -> Option<u64> {
    headers.header(name)?.trim().parse().ok()
}

/// The error for a non-2xx answer. Pure: status, headers, body and whether the operation
/// may be repeated decide everything, including whether to retry.
pub(crate) fn failure<H: ResponseHeaders + ?Sized>(
    operation: &'static str,
    idempotent: bool,
    status: u16,
    headers: &H,
    body: &[u8],
) -> Error {
    if (300..400).contains(&status) {
        return Error::Redirect {
            operation,
            status,
            location: headers.header("location").map(str::to_owned),
        };
    }
    let parsed = ErrorBody::parse(body);
    if status == 429 {
        return Error::RateLimited(Box::new(rate_limited(operation, headers, parsed)));
    }
    let shaped = parsed.as_ref().is_some_and(|b| b.message.is_some());
    let b = parsed.unwrap_or_default();
    Error::Api(Box::new(ApiError {
        operation,
        status,
        category: b.category,
        sub_category: b.sub_category,
        message: b.message.unwrap_or_else(|| format!("HTTP {status}")),
        correlation_id: b.correlation_id,
        errors: b.errors,
        context: b.context,
        body: (!shaped).then(|| summarize(headers, body)),
        // A gateway's or HubSpot's passing trouble; repeating is only safe when the operation
        // may run twice.
        retryable: matches!(status, 502..=504) && idempotent,
    }))
}

/// The error for a 2xx answer the operation could not read.
pub(crate) fn undecodable<H: ResponseHeaders + ?Sized>(
    operation: &'static str,
    expected: Expected,
    status: u16,
    headers: &H,
    body: &[u8],
    error: &serde_json::Error,
) -> Error {
    Error::Decode {
        operation,
        expected,
        status,
        message: error.to_string(),
        body: summarize(headers, body),
    }
}

/// How far a request got before the connection failed.
#[cfg(feature = "client")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// It never left: the connection could not be made, or the request could not be built.
    NotSent,
    /// It was (at least partly) written: HubSpot may have acted on it.
    Sent,
}

/// Whether a request that failed on the way may have been applied, and may be sent again.
#[cfg(feature = "client")]
pub(crate) fn after_transport_failure(reach: Reach, idempotent: bool) -> (bool, bool) {
    let may_have_been_applied = reach == Reach::Sent;
    (may_have_been_applied, !may_have_been_applied || idempotent)
}

fn rate_limited<H: ResponseHeaders + ?Sized>(
    operation: &'static str,
    headers: &H,
    parsed: Option<ErrorBody>,
) -> RateLimited {
    let b = parsed.unwrap_or_default();
    let daily_remaining = header_u64(headers, "x-hubspot-ratelimit-daily-remaining");
    let policy = match b.policy_name.as_deref() {
        Some(name) => RateLimitPolicy::from_name(name),
        // Without a policy name, an exhausted daily budget still says which limit this is.
        None if daily_remaining == Some(0) => RateLimitPolicy::Daily,
        None => RateLimitPolicy::Other(String::new()),
    };
    RateLimited {
        operation,
        policy,
        message: b.message.unwrap_or_else(|| "too many requests".to_owned()),
        correlation_id: b.correlation_id,
        retry_after: header_u64(headers, "retry-after").map(Duration::from_secs),
        interval: header_u64(headers, "x-hubspot-ratelimit-interval-milliseconds")
            .map(Duration::from_millis),
        max: header_u64(headers, "x-hubspot-ratelimit-max"),
        remaining: header_u64(headers, "x-hubspot-ratelimit-remaining"),
        daily: header_u64(headers, "x-hubspot-ratelimit-daily"),
        daily_remaining,
    }
}

/// The fields of HubSpot's error bodies, each read on its own: bodies vary (`errors: null`,
/// `context` a string, fields missing), and one odd field must not lose the others.
#[derive(Default)]
struct ErrorBody {
    message: Option<String>,
    category: Option<String>,
    sub_category: Option<String>,
    correlation_id: Option<String>,
    policy_name: Option<String>,
    errors: Vec<Value>,
    context: Option<Value>,
}

impl ErrorBody {
    /// `None` when the body is not a JSON object.
    fn parse(body: &[u8]) -> Option<ErrorBody> {
        let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        let mut text = |key: &str| match map.remove(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        Some(ErrorBody {
            message: text("message"),
            category: text("category"),
            correlation_id: text("correlationId"),
            policy_name: text("policyName"),
            sub_category: match map.remove("subCategory") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s),
                Some(other) => Some(other.to_string()),
            },
            errors: match map.remove("errors") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            context: non_null(&mut map, "context"),
        })
    }
}

fn non_null(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.remove(key).filter(|v| !v.is_null())
}

/// At most this many bytes of a body go into a snippet.
const SNIPPET: usize = 512;
/// At most this many characters of its first line go into a message.
const FIRST_LINE: usize = 200;

/// Describes a body for messages.
pub(crate) fn summarize<H: ResponseHeaders + ?Sized>(headers: &H, body: &[u8]) -> BodySummary {
    let content_type = headers.header("content-type").map(str::to_owned);
    let html = content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    let start = String::from_utf8_lossy(&body[..body.len().min(SNIPPET)]);
    let snippet = if body.len() > SNIPPET {
        format!("{start}…")
    } else {
        start.clone().into_owned()
    };
    let text = if html {
        without_tags(&start)
    } else {
        start.into_owned()
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut first_line: String = line.chars().take(FIRST_LINE).collect();
    if line.chars().count() > FIRST_LINE {
        first_line.push('…');
    }
    BodySummary {
        content_type,
        len: body.len(),
        first_line,
        snippet,
    }
}

/// The text of an HTML fragment: tags become line breaks, so the first line is the first
/// text a browser would show (a `<title>`, say), not `<!DOCTYPE html>`.
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::error::Retry;
    use super::*;

    const NONE: &[(&str, &str)] = &[];

    fn classify(status: u16, idempotent: bool, headers: &[(&str, &str)], body: &str) -> Error {
        failure("op", idempotent, status, headers, body.as_bytes())
    }

    #[test]
    fn server_errors_are_retried_only_when_repeating_is_safe() {
        for status in [502, 503, 504] {
            let read = classify(status, true, NONE, "");
            assert_eq!(read.retry(), Retry::Backoff, "{status}");
            let create = classify(status, false, NONE, "");
            assert_eq!(create.retry(), Retry::Never, "{status}");
            assert!(create.may_have_been_applied(), "{status}");
        }
        let internal = classify(500, true, NONE, "");
        assert!(!internal.is_retryable());
        assert!(internal.may_have_been_applied());
    }

    #[test]
    fn client_errors_are_final_and_not_applied() {
        for status in [400, 401, 403, 404, 409] {
            let error = classify(status, true, NONE, r#"{"message":"no"}"#);
            assert!(!error.is_retryable(), "{status}");
            assert!(!error.may_have_been_applied(), "{status}");
        }
    }

    #[test]
    fn a_rolling_window_429_is_its_own_kind_with_the_headers_it_saw() {
        let headers = [
            ("Retry-After", "3"),
            ("X-HubSpot-RateLimit-Max", "190"),
            ("x-hubspot-ratelimit-interval-milliseconds", "10000"),
            ("x-hubspot-ratelimit-remaining", "0"),
        ];
        let body = r#"{"status":"error","message":"slow down","policyName":"TEN_SECONDLY_ROLLING","correlationId":"c-1"}"#;
        let error = classify(429, false, &headers, body);
        assert_eq!(error.retry(), Retry::RateLimit);
        assert!(!error.may_have_been_applied());
        let Error::RateLimited(limited) = error else {
            panic!("{error:?}")
        };
        assert_eq!(limited.policy, RateLimitPolicy::TenSecondlyRolling);
        assert_eq!(limited.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(limited.max, Some(190));
        assert_eq!(limited.interval, Some(Duration::from_secs(10)));
        assert_eq!(limited.remaining, Some(0));
        assert_eq!(limited.correlation_id.as_deref(), Some("c-1"));
    }

    #[test]
    fn a_daily_429_is_never_retried_whatever_else_its_body_holds() {
        let odd = r#"{"status":"error","message":"daily","policyName":"DAILY","errors":null,"links":null,"context":"x","correlationId":7}"#;
        let error = classify(429, true, NONE, odd);
        assert_eq!(error.retry(), Retry::Never);
        let Error::RateLimited(limited) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(limited.policy, RateLimitPolicy::Daily);
        assert_eq!(limited.message, "daily");
        // Without a policy name, the exhausted daily budget tells.
        let unnamed = classify(
            429,
            true,
            &[("x-hubspot-ratelimit-daily-remaining", "0")],
            "",
        );
        assert_eq!(unnamed.retry(), Retry::Never);
    }

    #[test]
    fn errors_null_keeps_message_category_and_correlation_id() {
        let body = r#"{"status":"error","message":"Property values were not valid","correlationId":"abc","category":"VALIDATION_ERROR","errors":null,"subCategory":null,"context":null,"links":null}"#;
        let error = classify(400, true, NONE, body);
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.message, "Property values were not valid");
        assert_eq!(api.category.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(api.correlation_id.as_deref(), Some("abc"));
        assert!(api.errors.is_empty() && api.context.is_none() && api.body.is_none());
        assert_eq!(
            error.to_string(),
            "op: HubSpot answered 400 VALIDATION_ERROR: Property values were not valid (correlationId abc)"
        );
    }

    #[test]
    fn an_html_page_from_a_proxy_is_described() {
        let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>";
        let error = classify(
            502,
            false,
            &[("Content-Type", "text/html; charset=utf-8")],
            page,
        );
        let text = error.to_string();
        assert_eq!(
            text,
            format!(
                "op: HubSpot answered 502 with {} bytes of text/html; charset=utf-8: 502 Bad Gateway; \
                 the request was sent and may have been applied",
                page.len()
            )
        );
    }

    #[test]
    fn redirects_name_the_status_and_location() {
        let error = classify(302, true, &[("Location", "http://elsewhere.example/x")], "");
        assert!(!error.is_retryable() && !error.may_have_been_applied());
        assert_eq!(error.status(), Some(302));
        let text = error.to_string();
        assert!(
            text.contains("302") && text.contains("http://elsewhere.example/x"),
            "{text}"
        );
        let nowhere = classify(307, true, NONE, "").to_string();
        assert!(nowhere.contains("no Location"), "{nowhere}");
    }

    #[test]
    fn bodies_are_summarised_by_type_size_and_first_line() {
        let plain = summarize(
            &[("content-type", "text/plain")],
            b"\n  upstream timed out\nmore",
        );
        assert_eq!(plain.first_line, "upstream timed out");
        assert_eq!(
            plain.to_string(),
            "26 bytes of text/plain: upstream timed out"
        );
        assert_eq!(summarize(NONE, b" \n").to_string(), "an empty body");
        let long = "x".repeat(1000);
        let summary = summarize(NONE, long.as_bytes());
        assert_eq!(summary.first_line.chars().count(), FIRST_LINE + 1);
        assert_eq!(summary.len, 1000);
    }

    #[test]
    fn transport_failures_before_sending_are_always_retried() {
        assert_eq!(
            after_transport_failure(Reach::NotSent, false),
            (false, true)
        );
        assert_eq!(after_transport_failure(Reach::Sent, true), (true, true));
        assert_eq!(after_transport_failure(Reach::Sent, false), (true, false));
    }
}
