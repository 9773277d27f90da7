//! Support code shared by all generated API modules.
//!
//! Generated models and request functions call into this module instead of repeating the
//! same logic in every type. The HTTP client is behind the `client` feature.

// Listed so that each module uses only those below it (a test in the generator checks this):
// no module depends, even indirectly, on one that depends on it.
#[cfg(feature = "client")]
mod batch;
#[cfg(feature = "client")]
mod paging;
#[cfg(feature = "client")]
mod search;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod attribution;
#[cfg(feature = "client")]
mod credentials;
#[cfg(feature = "client")]
mod limiter;
#[cfg(feature = "client")]
mod transfer;
#[cfg(feature = "client")]
mod retry;

#[cfg(feature = "webhooks")]
pub mod webhook;
pub mod decode;
mod request;
mod body;
mod multipart;
mod content;
mod response;
mod error;
mod secrets;
mod form;
mod percent;
mod model;
mod object_id;
pub mod de;
pub mod ser;

pub use body::RequestBody;
pub use content::Content;
pub use error::{
    ApiError, BodySummary, Error, Expected, InvalidRequest, RateLimitPolicy, RateLimited, Retry,
};
pub use model::{BatchOutput, ContinueFrom, ObjectIds, OwnId, Page, PagedResult};
pub use multipart::{FilePart, Multipart, Part};
pub use object_id::ObjectId;
pub use request::{Auth, Decode, Method, Outcome, Request, Rfc3339};
pub use response::ResponseHeaders;
pub use secrets::{Redacted, RedactedValues, REDACTED};

#[cfg(feature = "client")]
pub use batch::{BatchChunk, BatchFailure, BatchReport, FailureReason};
#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_BATCH_LIMIT, DEFAULT_SEARCH_RATE_LIMIT,
};
#[cfg(feature = "client")]
pub use credentials::{AccessToken, OAuth, Token, TokenFuture, TokenSet, TokenSource};
#[cfg(feature = "redis")]
pub use limiter::RedisRateLimit;
#[cfg(feature = "client")]
pub use limiter::{Limiter, Permit, RateLimitHeaders, Window, MAX_LEARNT_INTERVAL};
/// The `reqwest` the client is built on, for [`ClientBuilder::http_client`].
#[cfg(feature = "client")]
pub use reqwest;
#[cfg(feature = "client")]
pub use retry::RetryPolicy;
#[cfg(feature = "client")]
pub use search::{SEARCH_CAP, SEARCH_PAGE};
#[cfg(feature = "webhooks")]
pub use webhook::{WebhookError, WebhookEvent, WebhookVerifier};
