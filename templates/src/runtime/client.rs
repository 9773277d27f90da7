//! The async HTTP client: authentication, retries, rate limits, errors.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use tokio::time::Instant;

use super::error::{api_error, snippet, Error, ErrorBody, RateLimitPolicy, RateLimited};
#[cfg(feature = "redis")]
use super::limiter::SharedRateLimit;
use super::limiter::{Limiter, Permit, RateLimitHeaders, Window};
use super::request::{Method, Request};
use super::retry::RetryPolicy;

/// HubSpot's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.hubapi.com";

/// A private-app or OAuth access token. Its `Debug` never shows the value.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl From<String> for Token {
    fn from(token: String) -> Self {
        Token(token)
    }
}

impl From<&str> for Token {
    fn from(token: &str) -> Self {
        Token(token.to_owned())
    }
}

/// Sends requests to HubSpot. Cheap to clone; clones share connections and the rate limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    token: Token,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    pub(crate) batch_size: usize,
    pub(crate) batch_concurrency: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("retry", &self.inner.retry)
            .field("batch_size", &self.inner.batch_size)
            .field("batch_concurrency", &self.inner.batch_concurrency)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    token: Option<Token>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    adapt_to_headers: bool,
    #[cfg(feature = "redis")]
    shared_rate_limit: Option<SharedRateLimit>,
    batch_size: usize,
    batch_concurrency: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            rate_limit: None,
            adapt_to_headers: true,
            #[cfg(feature = "redis")]
            shared_rate_limit: None,
            batch_size: MAX_BATCH_SIZE,
            batch_concurrency: 4,
        }
    }
}

/// HubSpot's limit on inputs in one batch request.
pub const MAX_BATCH_SIZE: usize = 1000;

impl ClientBuilder {
    /// A builder with the token from `HUBSPOT_TOKEN` and, when set, the base URL from
    /// `HUBSPOT_BASE_URL`.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        let token = std::env::var("HUBSPOT_TOKEN").map_err(|_| {
            Error::Config("set HUBSPOT_TOKEN to a private app or OAuth access token".to_owned())
        })?;
        let builder = ClientBuilder::default().token(token);
        Ok(match std::env::var("HUBSPOT_BASE_URL") {
            Ok(base_url) => builder.base_url(base_url),
            Err(_) => builder,
        })
    }

    /// The access token (private app or OAuth), sent as `Authorization: Bearer`.
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Where to send requests instead of `https://api.hubapi.com` (tests, proxies).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The limit on one attempt, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends at most `max` requests in any `interval`: a ceiling that the limit HubSpot
    /// reports can lower but never raise. HubSpot's limits are per app, by tier (100 to 190
    /// requests per 10 seconds), shared by every process using the app's token.
    pub fn rate_limit(mut self, max: u32, interval: Duration) -> Self {
        self.rate_limit = Some((max, interval));
        self
    }

    /// Whether to follow what HubSpot reports (on by default): adopt the limit in
    /// `X-HubSpot-RateLimit-Max` and `-Interval-Milliseconds`, and adapt this client's share
    /// of it to `-Remaining` and to 429s, so independent workers of one app settle under
    /// the app's limit together. Off, the client keeps to [`rate_limit`](Self::rate_limit)
    /// alone, or does not pace at all without one.
    pub fn adapt_to_rate_limit_headers(mut self, adapt: bool) -> Self {
        self.adapt_to_headers = adapt;
        self
    }

    /// Shares one rate-limit budget, through Redis, with every client (in any process, on
    /// any machine) configured with the same Redis and key: together they stay under the
    /// app's limit, as HubSpot reports it (and under [`rate_limit`](Self::rate_limit)). If
    /// Redis cannot be reached or is slow, requests go on under local pacing, with a
    /// warning.
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit(mut self, shared: SharedRateLimit) -> Self {
        self.shared_rate_limit = Some(shared);
        self
    }

    /// Inputs per batch request, at most (and by default) 1,000.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size.clamp(1, MAX_BATCH_SIZE);
        self
    }

    /// Batch requests in flight at once (4 by default).
    pub fn batch_concurrency(mut self, concurrency: usize) -> Self {
        self.batch_concurrency = concurrency.max(1);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let limiter = self.limiter()?;
        let token = self.token.ok_or_else(|| {
            Error::Config("no access token: call ClientBuilder::token".to_owned())
        })?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url,
                token,
                retry: self.retry,
                limiter,
                batch_size: self.batch_size,
                batch_concurrency: self.batch_concurrency,
            }),
        })
    }

    fn limiter(&self) -> Result<Option<Limiter>, Error> {
        let ceiling = self
            .rate_limit
            .map(|(max, interval)| Window { max, interval });
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared_rate_limit {
            // A send its client never reports as answered counts until the longest attempt
            // would have ended.
            let lease = self.timeout + self.connect_timeout;
            let limiter = Limiter::shared(shared.clone(), ceiling, self.adapt_to_headers, lease)?;
            return Ok(Some(limiter));
        }
        Ok((ceiling.is_some() || self.adapt_to_headers)
            .then(|| Limiter::local(ceiling, self.adapt_to_headers)))
    }
}

/// Why an attempt failed, and whether to try again.
struct Failure {
    error: Error,
    retry: Retry,
}

enum Retry {
    No,
    Backoff,
    /// A 429: how long to wait is the retry policy's call.
    RateLimited,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default settings.
    pub fn new(token: impl Into<Token>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    pub(crate) fn batch_size(&self) -> usize {
        self.inner.batch_size
    }

    pub(crate) fn batch_concurrency(&self) -> usize {
        self.inner.batch_concurrency
    }

    /// Sends a request, retrying as the [`RetryPolicy`] allows, and reads the response.
    pub async fn send<T>(&self, request: &Request<T>) -> Result<T, Error> {
        request.validate()?;
        let url = format!("{}{}", self.inner.base_url, request.path_and_query()?);
        let mut retries = 0;
        // 429s are retried by time, not by `max_attempts`.
        let mut rate_limited = 0;
        let mut first_rate_limited: Option<Instant> = None;
        loop {
            let permit = match &self.inner.limiter {
                Some(limiter) => Some(limiter.acquire().await),
                None => None,
            };
            let failure = match self.attempt(request, &url, permit).await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            let wait = match (failure.retry, &failure.error) {
                (Retry::RateLimited, Error::RateLimited(limited)) => {
                    if let (Some(limiter), false) = (
                        &self.inner.limiter,
                        limited.policy == RateLimitPolicy::Daily,
                    ) {
                        limiter.rate_limited();
                    }
                    let waited = first_rate_limited
                        .get_or_insert_with(Instant::now)
                        .elapsed();
                    match self
                        .inner
                        .retry
                        .rate_limit_wait(limited, rate_limited, waited)
                    {
                        Some(wait) => {
                            rate_limited += 1;
                            wait
                        }
                        None => return Err(failure.error),
                    }
                }
                (Retry::Backoff, _) if retries + 1 < self.inner.retry.max_attempts => {
                    retries += 1;
                    self.inner.retry.backoff(retries - 1)
                }
                _ => return Err(failure.error),
            };
            tracing::warn!(
                operation = request.operation(),
                retry = retries + rate_limited,
                wait_ms = wait.as_millis() as u64,
                error = %failure.error,
                "retrying HubSpot request"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt. `permit` is the attempt's place in the rate limit; it is given up as soon
    /// as the answer's headers arrive (or the attempt fails), because HubSpot has counted the
    /// request by then, so reading and decoding the body does not hold up the next send.
    async fn attempt<T>(
        &self,
        request: &Request<T>,
        url: &str,
        permit: Option<Permit>,
    ) -> Result<T, Failure> {
        let operation = request.operation();
        let method = match request.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .inner
            .http
            .request(method, url)
            .bearer_auth(&self.inner.token.0)
            .header(ACCEPT, "application/json");
        if let Some(body) = request.body() {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        tracing::debug!(operation, method = %request.method(), url, "sending HubSpot request");
        let transport = |e: reqwest::Error| {
            // Nothing reached HubSpot if we could not connect; otherwise it may have.
            let safe = e.is_connect() || request.is_idempotent();
            let error = if e.is_timeout() {
                Error::Timeout { operation }
            } else {
                Error::Transport {
                    operation,
                    source: e,
                }
            };
            Failure {
                error,
                retry: if safe { Retry::Backoff } else { Retry::No },
            }
        };
        let sent = builder.send().await;
        // The answer has begun to arrive (or the attempt failed): the request counts from now.
        if let Some(permit) = permit {
            permit.answered().await;
        }
        let response = sent.map_err(transport)?;
        let status = response.status().as_u16();
        self.observe_limits(response.headers());
        // A 429's headers say how long to wait; reading the body takes the response.
        let limit_headers = (status == 429).then(|| response.headers().clone());
        let body = response.bytes().await.map_err(transport)?;
        tracing::debug!(operation, status, bytes = body.len(), "HubSpot answered");

        if (200..300).contains(&status) {
            return request.decode(status, &body).map_err(|e| Failure {
                error: Error::Decode {
                    operation,
                    status,
                    message: e.to_string(),
                    body_snippet: snippet(&body),
                },
                retry: Retry::No,
            });
        }
        if let Some(headers) = limit_headers {
            return Err(Failure {
                error: Error::RateLimited(Box::new(rate_limited(operation, &headers, &body))),
                retry: Retry::RateLimited,
            });
        }
        let retry = if matches!(status, 502..=504) && request.is_idempotent() {
            Retry::Backoff
        } else {
            Retry::No
        };
        Err(Failure {
            error: Error::Api(Box::new(api_error(operation, status, &body))),
            retry,
        })
    }

    /// Tells the limiter what HubSpot said about the limit.
    fn observe_limits(&self, headers: &HeaderMap) {
        if let Some(limiter) = &self.inner.limiter {
            limiter.observe(&RateLimitHeaders {
                max: header_u64(headers, "x-hubspot-ratelimit-max"),
                interval: header_u64(headers, "x-hubspot-ratelimit-interval-milliseconds")
                    .map(Duration::from_millis),
                remaining: header_u64(headers, "x-hubspot-ratelimit-remaining"),
            });
        }
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

// Inline, like `api_error`: error parsing is compiled where requests are sent.
#[inline]
fn rate_limited(operation: &'static str, headers: &HeaderMap, body: &[u8]) -> RateLimited {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    RateLimited {
        operation,
        policy: RateLimitPolicy::from_name(parsed.policy_name.as_deref().unwrap_or("")),
        message: parsed
            .message
            .unwrap_or_else(|| "too many requests".to_owned()),
        correlation_id: parsed.correlation_id,
        retry_after: header_u64(headers, RETRY_AFTER.as_str()).map(Duration::from_secs),
        interval: header_u64(headers, "x-hubspot-ratelimit-interval-milliseconds")
            .map(Duration::from_millis),
        max: header_u64(headers, "x-hubspot-ratelimit-max"),
        remaining: header_u64(headers, "x-hubspot-ratelimit-remaining"),
        daily: header_u64(headers, "x-hubspot-ratelimit-daily"),
        daily_remaining: header_u64(headers, "x-hubspot-ratelimit-daily-remaining"),
    }
}
