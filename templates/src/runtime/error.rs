//! The one error type of the client.
//!
//! Messages name the operation and, for API errors, HubSpot's `correlationId`, which is what
//! HubSpot support asks for. No variant holds request headers, so the token never appears
//! in an error.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::request::InvalidRequest;

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

/// A non-2xx answer other than 429, with HubSpot's error body.
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
    /// The start of the body when it was not HubSpot's error shape.
    pub body_snippet: Option<String>,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (e.g. no token).
    Config(String),
    /// The request could not be built (e.g. an empty path parameter); nothing was sent.
    InvalidRequest(InvalidRequest),
    /// The connection failed or broke.
    Transport {
        operation: &'static str,
        source: reqwest::Error,
    },
    /// No answer in time.
    Timeout { operation: &'static str },
    /// A 2xx answer whose body is not what the operation returns.
    Decode {
        operation: &'static str,
        status: u16,
        message: String,
        body_snippet: String,
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
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::InvalidRequest(e) => e.fmt(f),
            Error::Transport { operation, source } => {
                write!(f, "{operation}: connection failed: {source}")
            }
            Error::Timeout { operation } => write!(f, "{operation}: timed out"),
            Error::Decode {
                operation,
                status,
                message,
                body_snippet,
            } => write!(
                f,
                "{operation}: unexpected {status} response body ({message}): {body_snippet}"
            ),
            Error::Api(e) => {
                write!(f, "{}: HubSpot answered {}", e.operation, e.status)?;
                if let Some(category) = &e.category {
                    write!(f, " {category}")?;
                }
                write!(f, ": {}", e.message)?;
                if let Some(id) = &e.correlation_id {
                    write!(f, " (correlationId {id})")?;
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

/// The fields of HubSpot's error bodies, all optional: error bodies vary.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub message: Option<String>,
    pub category: Option<String>,
    pub sub_category: Option<serde_json::Value>,
    pub correlation_id: Option<String>,
    pub policy_name: Option<String>,
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
    pub context: Option<serde_json::Value>,
}

/// At most this many bytes of a body go into an error message.
const SNIPPET: usize = 512;

pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET)]);
    if body.len() > SNIPPET {
        format!("{text}…")
    } else {
        text.into_owned()
    }
}

#[inline]
pub(crate) fn api_error(operation: &'static str, status: u16, body: &[u8]) -> ApiError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let shaped = parsed.as_ref().is_some_and(|b| b.message.is_some());
    let b = parsed.unwrap_or_default();
    ApiError {
        operation,
        status,
        category: b.category,
        sub_category: b.sub_category.map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }),
        message: b.message.unwrap_or_else(|| format!("HTTP {status}")),
        correlation_id: b.correlation_id,
        errors: b.errors,
        context: b.context,
        body_snippet: (!shaped && !body.is_empty()).then(|| snippet(body)),
    }
}
