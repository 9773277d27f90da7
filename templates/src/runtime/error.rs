//! The one error type of the client, and of reading answers without it.
//!
//! Messages name the operation and, for API errors, HubSpot's `correlationId`, which is what
//! HubSpot support asks for. No variant holds request headers, so the token never appears
//! in an error. Each error says whether trying again can help ([`Error::is_retryable`]) and
//! whether the request may have taken effect ([`Error::may_have_been_applied`]).

use std::fmt;
use std::time::Duration;

use super::secrets::{SecretValues, REDACTED};

/// Which of HubSpot's rate limits was hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateLimitPolicy {
    /// The daily cap: retrying today is pointless.
    Daily,
    Secondly,
    TenSecondlyRolling,
    /// A policy this crate does not know, as HubSpot named it (or empty if it did not).
    Other(String),
}

impl RateLimitPolicy {
    pub fn from_name(name: &str) -> Self {
        match name {
            "DAILY" => RateLimitPolicy::Daily,
            "SECONDLY" => RateLimitPolicy::Secondly,
            "TEN_SECONDLY_ROLLING" => RateLimitPolicy::TenSecondlyRolling,
            other => RateLimitPolicy::Other(other.to_owned()),
        }
    }
}

/// A 429 answer, with what HubSpot said about the limit.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimited {
    pub operation: &'static str,
    pub policy: RateLimitPolicy,
    pub message: String,
    pub correlation_id: Option<String>,
    /// `Retry-After`, when sent.
    pub retry_after: Option<Duration>,
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`.
    pub interval: Option<Duration>,
    /// `X-HubSpot-RateLimit-Max`.
    pub max: Option<u64>,
    /// `X-HubSpot-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Daily`.
    pub daily: Option<u64>,
    /// `X-HubSpot-RateLimit-Daily-Remaining`.
    pub daily_remaining: Option<u64>,
}

/// A non-2xx answer other than 429 and redirects, with HubSpot's error body.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub operation: &'static str,
    pub status: u16,
    pub category: Option<String>,
    pub sub_category: Option<String>,
    pub message: String,
    pub correlation_id: Option<String>,
    /// `errors[]`, as sent.
    pub errors: Vec<serde_json::Value>,
    /// `context`, as sent (a map, or sometimes a string).
    pub context: Option<serde_json::Value>,
    /// What came back when it was not HubSpot's error shape (an HTML page from a proxy, say).
    pub body: Option<BodySummary>,
    /// A 502, 503 or 504 for an operation that is safe to repeat.
    pub retryable: bool,
}

/// What a body was, for messages: its media type, size and first line of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodySummary {
    /// `Content-Type`, if the answer had one.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub len: usize,
    /// The first line of text (of an HTML page, the first text between its tags), shortened.
    pub first_line: String,
    /// The start of the body as it came (lossy UTF-8), for debugging.
    pub snippet: String,
}

impl BodySummary {
    /// Whether the body holds nothing but whitespace.
    pub fn is_empty(&self) -> bool {
        self.first_line.is_empty() && self.snippet.trim().is_empty()
    }
}

impl fmt::Display for BodySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("an empty body");
        }
        let media = self.content_type.as_deref().unwrap_or("no content type");
        write!(f, "{} bytes of {media}", self.len)?;
        if !self.first_line.is_empty() {
            write!(f, ": {}", self.first_line)?;
        }
        Ok(())
    }
}

/// What a successful answer is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    Json,
    /// UTF-8 text (`text/plain`, `text/csv`).
    Text,
}

impl Expected {
    /// What an operation that accepts `media_types` (its `Accept`) reads; bytes are never
    /// unreadable, so anything but JSON is read as text when reading fails.
    pub(crate) fn of(media_types: &str) -> Self {
        if is_json(media_types) {
            Expected::Json
        } else {
            Expected::Text
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Json => "JSON",
            Expected::Text => "UTF-8 text",
        })
    }
}

/// What the classifier says about trying a failed request again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Trying again cannot help, or could apply the change twice.
    Never,
    /// A transient failure: try again after a backoff.
    Backoff,
    /// HubSpot's rolling-window rate limit (any policy but `DAILY`): try again when the
    /// window allows. [`Error::RateLimited`] carries `Retry-After` and the rate-limit headers;
    /// the client's `RetryPolicy::rate_limit_wait` turns them into a wait, bounded by a
    /// deadline rather than by attempts.
    RateLimit,
}

/// A request that cannot be sent as built: an empty or dot-only path parameter, or a body
/// that cannot be made (JSON that does not serialise, a form that is not an object).
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

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (e.g. no token); nothing was sent.
    Config(String),
    /// The request could not be built (e.g. an empty path parameter); nothing was sent.
    InvalidRequest(InvalidRequest),
    /// The operation needs an access token and the client has none; nothing was sent.
    TokenRequired { operation: &'static str },
    /// The OAuth access token could not be refreshed: `reason` says what the token endpoint
    /// answered or what failed on the way. When `permanent` (a revoked refresh token, an
    /// uninstalled app, wrong credentials), every request fails with it until the app is
    /// authorized again; otherwise a later try may work. Nothing was sent.
    #[cfg(feature = "client")]
    TokenRefresh { reason: String, permanent: bool },
    /// A search matched more results than one query may page through (HubSpot stops at
    /// the 10,000th), and it cannot be restarted past them: `reason` says why (its sort is
    /// not `hs_object_id` ascending, or its filter groups leave no room for one more
    /// filter). The next page was not asked for.
    SearchCap {
        operation: &'static str,
        reason: String,
    },
    /// The connection failed before the request was sent, or broke after.
    #[cfg(feature = "client")]
    Transport {
        operation: &'static str,
        source: reqwest::Error,
        /// The request was (at least partly) written, so HubSpot may have acted on it.
        may_have_been_applied: bool,
        /// Nothing was sent, or the operation is safe to repeat.
        retryable: bool,
    },
    /// No answer in time.
    Timeout {
        operation: &'static str,
        may_have_been_applied: bool,
        retryable: bool,
    },
    /// A redirect, which is never followed: HubSpot does not redirect API calls, and the token
    /// must not go to another address.
    Redirect {
        operation: &'static str,
        status: u16,
        /// The `Location` it pointed to.
        location: Option<String>,
    },
    /// A 2xx answer whose body is not what the operation returns. The request went through.
    Decode {
        operation: &'static str,
        /// What the operation reads.
        expected: Expected,
        status: u16,
        message: String,
        body: BodySummary,
    },
    /// HubSpot refused the request.
    Api(Box<ApiError>),
    /// HubSpot's rate limit, after the retries the policy allows.
    RateLimited(Box<RateLimited>),
}

impl Error {
    /// HubSpot's `correlationId`, for support requests.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.correlation_id.as_deref(),
            Error::RateLimited(e) => e.correlation_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status HubSpot answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::RateLimited(_) => Some(429),
            Error::Decode { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request may have taken effect although it failed: it was sent and the
    /// connection broke or timed out before the whole answer came, HubSpot answered 5xx, or
    /// it answered 2xx with a body that could not be read. `false` means nothing was sent or
    /// HubSpot refused it (4xx, 429). Check before repeating a call that is not idempotent.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            #[cfg(feature = "client")]
            Error::Transport {
                may_have_been_applied,
                ..
            } => *may_have_been_applied,
            Error::Timeout {
                may_have_been_applied,
                ..
            } => *may_have_been_applied,
            Error::Decode { .. } => true,
            Error::Api(e) => e.status >= 500,
            Error::Config(_)
            | Error::InvalidRequest(_)
            | Error::TokenRequired { .. }
            | Error::SearchCap { .. }
            | Error::Redirect { .. }
            | Error::RateLimited(_) => false,
            #[cfg(feature = "client")]
            Error::TokenRefresh { .. } => false,
        }
    }

    /// Whether HubSpot refused the request's access token as expired (401
    /// `EXPIRED_AUTHENTICATION`): nothing was applied, and it may go again with another.
    pub fn is_expired_authentication(&self) -> bool {
        matches!(self, Error::Api(e)
            if e.status == 401 && e.category.as_deref() == Some("EXPIRED_AUTHENTICATION"))
    }

    /// Whether to try again, and how long to wait.
    pub fn retry(&self) -> Retry {
        let backoff_if = |retryable: bool| {
            if retryable {
                Retry::Backoff
            } else {
                Retry::Never
            }
        };
        match self {
            #[cfg(feature = "client")]
            Error::Transport { retryable, .. } => backoff_if(*retryable),
            Error::Timeout { retryable, .. } => backoff_if(*retryable),
            Error::Api(e) => backoff_if(e.retryable),
            Error::RateLimited(e) if e.policy == RateLimitPolicy::Daily => Retry::Never,
            Error::RateLimited(_) => Retry::RateLimit,
            Error::Config(_)
            | Error::InvalidRequest(_)
            | Error::TokenRequired { .. }
            | Error::SearchCap { .. }
            | Error::Redirect { .. }
            | Error::Decode { .. } => Retry::Never,
            #[cfg(feature = "client")]
            Error::TokenRefresh { permanent, .. } => backoff_if(!permanent),
        }
    }

    /// Whether the same request may succeed if sent again, and is safe to send again: a
    /// rate limit other than the daily cap, a connection that failed before sending, and for
    /// operations safe to repeat also 502/503/504, timeouts and broken connections.
    pub fn is_retryable(&self) -> bool {
        self.retry() != Retry::Never
    }

    /// Replaces every secret value in what the error repeats of the request and the answer.
    pub(crate) fn scrub(&mut self, secrets: &SecretValues) {
        if secrets.is_empty() {
            return;
        }
        let scrub_body = |body: &mut BodySummary| {
            secrets.scrub(&mut body.first_line);
            secrets.scrub(&mut body.snippet);
        };
        match self {
            Error::InvalidRequest(e) => secrets.scrub(&mut e.message),
            Error::Redirect {
                location: Some(location),
                ..
            } => secrets.scrub(location),
            Error::Decode { message, body, .. } => {
                secrets.scrub(message);
                scrub_body(body);
            }
            Error::Api(e) => {
                for text in [&mut e.message]
                    .into_iter()
                    .chain(e.category.as_mut())
                    .chain(e.sub_category.as_mut())
                    .chain(e.correlation_id.as_mut())
                {
                    secrets.scrub(text);
                }
                e.errors
                    .iter_mut()
                    .for_each(|item| secrets.scrub_json(item));
                if let Some(context) = &mut e.context {
                    secrets.scrub_json(context);
                }
                if let Some(body) = &mut e.body {
                    scrub_body(body);
                }
            }
            Error::RateLimited(e) => secrets.scrub(&mut e.message),
            _ => {}
        }
    }

    /// Leaves out the text of a successful answer that could not be read, when the answer
    /// may hold secrets that cannot be told apart in it: it is not JSON (`syntax` says why,
    /// and unlike the message of a typed read, which quotes the value that did not fit,
    /// never quotes the body).
    pub(crate) fn withhold_body(&mut self, syntax: &serde_json::Error) {
        if let Error::Decode {
            body,
            message,
            expected,
            ..
        } = self
        {
            if !body.is_empty() {
                body.first_line = REDACTED.to_owned();
                body.snippet = REDACTED.to_owned();
            }
            if *expected == Expected::Json {
                *message = syntax.to_string();
            }
        }
    }
}

/// How much of a failed attempt got through, for messages.
fn reach(may_have_been_applied: bool) -> &'static str {
    if may_have_been_applied {
        "the request was sent and may have been applied"
    } else {
        "nothing was sent"
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::InvalidRequest(e) => e.fmt(f),
            Error::TokenRequired { operation } => write!(
                f,
                "{operation}: needs an access token and the client has none (set one with \
                 ClientBuilder::token); nothing was sent"
            ),
            #[cfg(feature = "client")]
            Error::TokenRefresh { reason, permanent } => write!(
                f,
                "could not refresh the OAuth access token: {reason}{}; nothing was sent",
                if *permanent {
                    " (refused for good: the refresh token was revoked, the app uninstalled, or \
                     the app's credentials are wrong; authorize the app again)"
                } else {
                    ""
                }
            ),
            Error::SearchCap { operation, reason } => write!(
                f,
                "{operation}: HubSpot pages a search through its first 10,000 results only, \
                 and this one cannot be restarted past them: {reason}"
            ),
            #[cfg(feature = "client")]
            Error::Transport {
                operation,
                source,
                may_have_been_applied,
                ..
            } => write!(
                f,
                "{operation}: connection failed ({}): {source}",
                reach(*may_have_been_applied)
            ),
            Error::Timeout {
                operation,
                may_have_been_applied,
                ..
            } => write!(
                f,
                "{operation}: timed out ({})",
                reach(*may_have_been_applied)
            ),
            Error::Redirect {
                operation,
                status,
                location,
            } => write!(
                f,
                "{operation}: answered {status}, a redirect to {}; redirects are not followed \
                 (HubSpot does not redirect API calls: check the base URL and any proxy)",
                location.as_deref().unwrap_or("nowhere (no Location)")
            ),
            Error::Decode {
                operation,
                expected,
                status,
                message,
                body,
            } => {
                write!(f, "{operation}: HubSpot answered {status} with ")?;
                // serde's message about an empty body (read as `null`) would point at text
                // that never came.
                if *expected != Expected::Json {
                    write!(f, "{body}, where {expected} was expected ({message})")?;
                } else if body.is_empty()
                    || body.content_type.as_deref().is_some_and(|t| !is_json(t))
                {
                    write!(f, "{body}, where JSON was expected")?;
                } else {
                    write!(f, "a body that does not fit ({message}): {}", body.snippet)?;
                }
                write!(f, " (the request went through)")
            }
            Error::Api(e) => {
                write!(f, "{}: HubSpot answered {}", e.operation, e.status)?;
                if let Some(category) = &e.category {
                    write!(f, " {category}")?;
                }
                match &e.body {
                    Some(body) => write!(f, " with {body}")?,
                    None => write!(f, ": {}", e.message)?,
                }
                if let Some(id) = &e.correlation_id {
                    write!(f, " (correlationId {id})")?;
                }
                if self.may_have_been_applied() {
                    write!(f, "; {}", reach(true))?;
                }
                Ok(())
            }
            Error::RateLimited(e) => {
                write!(
                    f,
                    "{}: rate limited ({:?}): {}",
                    e.operation, e.policy, e.message
                )?;
                if let Some(id) = &e.correlation_id {
                    write!(f, " (correlationId {id})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "client")]
            Error::Transport { source, .. } => Some(source),
            Error::InvalidRequest(e) => Some(e),
            _ => None,
        }
    }
}

impl From<InvalidRequest> for Error {
    fn from(e: InvalidRequest) -> Self {
        Error::InvalidRequest(e)
    }
}

/// Whether a `Content-Type` is JSON: `application/json`, `*/json`, `*+json`, or the
/// `*/*` HubSpot's documents give its error answers.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "*/*" || essence.ends_with("/json") || essence.ends_with("+json")
}
