//! The async HTTP client: authentication, retries, rate limits, errors.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use tokio::time::Instant;

use super::credentials::{bearer, describe, AccessToken, OAuth, Token, TokenSource};
use super::error::{Error, InvalidRequest, Retry};
#[cfg(feature = "redis")]
use super::limiter::RedisRateLimit;
use super::limiter::{Limiter, Permit, RateLimitHeaders, Window};
use super::request::{Auth, Method, Request};
use super::response::{after_transport_failure, Reach};
use super::retry::RetryPolicy;
use super::secrets::SecretValues;
use super::transfer::{self, Piece, Plan};

/// HubSpot's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.hubapi.com";

/// Sends requests to HubSpot. Cheap to clone; clones share connections and the rate limiter.
///
/// A client without a token (`Client::builder().build()`) sends the operations that need
/// none (OAuth's token exchange, public data); one that needs it fails with
/// [`Error::TokenRequired`] before anything is sent.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// What goes in `Authorization`.
    credentials: Credentials,
    /// A fixed token, to take it out of anything an answer echoes.
    token: SecretValues,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    /// Paces CRM searches, which HubSpot limits apart from the app's budget.
    search_limiter: Limiter,
    /// The user's ceiling on inputs per batch request.
    batch_size: Option<usize>,
    batch_concurrency: usize,
    /// Batch limits learnt from HubSpot's refusals, by operation, lower than declared.
    learnt_batch_limits: std::sync::Mutex<std::collections::HashMap<&'static str, usize>>,
}

/// Where the access token comes from.
#[derive(Clone)]
enum Credentials {
    /// No token: only operations that take none can be sent.
    None,
    /// `Bearer <token>` of a private app (or an access token given as is), marked sensitive.
    Fixed(HeaderValue),
    /// Asked before each attempt: OAuth refreshes, or the application's own source.
    Source(Arc<dyn TokenSource>),
}

impl Credentials {
    fn shown(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Fixed(_) => "<redacted>",
            Credentials::Source(_) => "<from a token source>",
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.credentials.shown())
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
    oauth: Option<OAuth>,
    token_source: Option<SourceSetting>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    search_rate_limit: Window,
    adapt_to_headers: bool,
    #[cfg(feature = "redis")]
    redis_rate_limit: Option<RedisRateLimit>,
    rate_limit_file: Option<PathBuf>,
    batch_size: Option<usize>,
    batch_concurrency: usize,
    http: HttpSettings,
}

/// The application's token source. Its `Debug` says only that there is one.
#[derive(Clone)]
struct SourceSetting(Arc<dyn TokenSource>);

impl fmt::Debug for SourceSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSource { .. }")
    }
}

/// The user's `reqwest::ClientBuilder`, if one was given. Its `Debug` shows no settings: a
/// proxy's URL may carry a password.
#[derive(Default)]
struct HttpSettings(Option<reqwest::ClientBuilder>);

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Some(_) => "reqwest::ClientBuilder { .. }",
            None => "default",
        })
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            oauth: None,
            token_source: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            rate_limit: None,
            search_rate_limit: DEFAULT_SEARCH_RATE_LIMIT,
            adapt_to_headers: true,
            #[cfg(feature = "redis")]
            redis_rate_limit: None,
            rate_limit_file: None,
            batch_size: None,
            batch_concurrency: 4,
            http: HttpSettings::default(),
        }
    }
}

/// How many times one request is sent again after HubSpot refused its access token as
/// expired, each time with a newer one.
const MAX_TOKEN_REFRESHES: usize = 3;

/// CRM searches per second: HubSpot allows about 4 to 5 per second and token, apart from the
/// app's budget, and its search answers may not say so in headers.
pub const DEFAULT_SEARCH_RATE_LIMIT: Window = Window {
    max: 4,
    interval: Duration::from_secs(1),
};

/// Inputs per request of a batch whose request declares no limit (`Request::max_inputs`):
/// most of HubSpot's batch endpoints take 100, and none documented fewer.
pub const DEFAULT_BATCH_LIMIT: usize = 100;

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

    /// The access token (private app or OAuth), sent as `Authorization: Bearer` with every
    /// operation that takes one. Without it, only operations that need no token can be sent.
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// An OAuth app's installation: the client gets and refreshes its own access tokens at
    /// HubSpot's token endpoint, ahead of expiry and once more when HubSpot answers 401
    /// `EXPIRED_AUTHENTICATION` (that request was not applied, and is sent again with the
    /// new token), one refresh at a time however many requests wait for it. A refresh
    /// HubSpot refuses for good (a revoked refresh token, an uninstalled app) fails every
    /// request with [`Error::TokenRefresh`]; see [`OAuth::on_refresh`] to keep new tokens.
    pub fn oauth(mut self, oauth: OAuth) -> Self {
        self.oauth = Some(oauth);
        self
    }

    /// Access tokens from the application's own source (tokens kept elsewhere), asked
    /// before each attempt; when HubSpot answers 401 `EXPIRED_AUTHENTICATION`, it is asked
    /// once more with the refused token, and the request is sent again.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token_source = Some(SourceSetting(Arc::new(source)));
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

    /// Sends at most `max` CRM searches in any `interval` (4 a second by default), on a
    /// budget of their own beside the app's: HubSpot limits search by itself, at about 4 to
    /// 5 requests per second and token. Shared through the same file or Redis as the app's
    /// budget when those are configured.
    pub fn search_rate_limit(mut self, max: u32, interval: Duration) -> Self {
        self.search_rate_limit = Window { max, interval };
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
    pub fn redis_rate_limit(mut self, redis: RedisRateLimit) -> Self {
        self.redis_rate_limit = Some(redis);
        self
    }

    /// Shares one rate-limit budget, through a file, with every client on this machine (in
    /// any process) configured with the same file: together they stay under the app's
    /// limit, as HubSpot reports it (and under [`rate_limit`](Self::rate_limit)), with no
    /// server to run. The file is created if missing; every worker must be able to read and
    /// write it. Workers on several machines share a budget through Redis instead (cargo
    /// feature `redis`). If the file cannot be used, requests go on under local pacing,
    /// with a warning.
    pub fn rate_limit_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.rate_limit_file = Some(path.into());
        self
    }

    /// A ceiling on inputs per batch request: it can lower the limit each operation
    /// declares (HubSpot's: 100 for CRM objects, 1,000 for associations, ...) but never
    /// raise it. None by default.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = Some(size.max(1));
        self
    }

    /// Batch requests in flight at once (4 by default).
    pub fn batch_concurrency(mut self, concurrency: usize) -> Self {
        self.batch_concurrency = concurrency.max(1);
        self
    }

    /// The HTTP client to build on, configured as your network needs: a proxy
    /// (`reqwest::Proxy`), private root certificates, a DNS resolver, TLS and connection-pool
    /// settings. The runtime's own `reqwest` is re-exported as `runtime::reqwest`, so the
    /// builder comes from the same version:
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use hubspot_runtime::{reqwest, Client};
    ///
    /// let http = reqwest::Client::builder().proxy(reqwest::Proxy::all("http://proxy.internal:3128")?);
    /// let client = Client::builder().token("pat-...").http_client(http).build()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// What the client guarantees holds whatever the builder says: [`build`](Self::build)
    /// turns redirects off (so the token and request bodies go nowhere but the base URL's
    /// origin) and sets this builder's [`timeout`](Self::timeout),
    /// [`connect_timeout`](Self::connect_timeout) and [`user_agent`](Self::user_agent)
    /// over the builder's own. That is why it takes a builder rather than a built
    /// `reqwest::Client`, whose redirect policy cannot be changed: to share connections
    /// among HubSpot APIs, share the [`Client`] (clones share everything).
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        self.http = HttpSettings(Some(http));
        self
    }

    /// Checks the token (if one was set), user agent and base URL, and builds the client. An
    /// error says what is wrong without showing the token.
    pub fn build(self) -> Result<Client, Error> {
        let limiter = self.limiter()?;
        let search_limiter = self.search_limiter()?;
        let mut token = SecretValues::default();
        if let Some(fixed) = &self.token {
            token.add(fixed.expose_secret());
        }
        let user_agent = check_user_agent(&self.user_agent)?;
        check_base_url(&self.base_url)?;
        let http = self
            .http
            .0
            .unwrap_or_default()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(user_agent)
            // HubSpot does not redirect API calls: a redirect is a proxy or an attack, and
            // following it could carry the token elsewhere. It is returned as an error.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let credentials = match (self.token, self.oauth, self.token_source) {
            (None, None, None) => Credentials::None,
            (Some(fixed), None, None) => Credentials::Fixed(bearer(fixed.expose_secret())?),
            (None, Some(oauth), None) => {
                Credentials::Source(Arc::new(oauth.into_source(http.clone(), &self.base_url)?))
            }
            (None, None, Some(SourceSetting(source))) => Credentials::Source(source),
            _ => {
                return Err(Error::Config(
                    "more than one of a token, OAuth and a token source: choose one".to_owned(),
                ))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url,
                credentials,
                token,
                retry: self.retry,
                limiter,
                search_limiter,
                batch_size: self.batch_size,
                batch_concurrency: self.batch_concurrency,
                learnt_batch_limits: Default::default(),
            }),
        })
    }

    /// The searches' budget: its own window, shared the way the app's budget is (a key or
    /// file of its own beside it), never adapting to headers, which describe the app's.
    fn search_limiter(&self) -> Result<Limiter, Error> {
        let window = Some(self.search_rate_limit);
        let lease = self.timeout.saturating_add(self.connect_timeout);
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis_rate_limit {
            return Limiter::redis(redis.for_searches(), window, false, lease);
        }
        if let Some(path) = &self.rate_limit_file {
            let mut searches = path.as_os_str().to_owned();
            searches.push(".search");
            return Ok(Limiter::file(searches.into(), window, false, lease));
        }
        Ok(Limiter::local(window, false))
    }

    fn limiter(&self) -> Result<Option<Limiter>, Error> {
        let ceiling = self
            .rate_limit
            .map(|(max, interval)| Window { max, interval });
        // A send its client never reports as answered counts until the longest attempt
        // would have ended.
        let lease = self.timeout.saturating_add(self.connect_timeout);
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis_rate_limit {
            if self.rate_limit_file.is_some() {
                return Err(Error::Config(
                    "the rate limit is shared through both Redis and a file: choose one".to_owned(),
                ));
            }
            let limiter = Limiter::redis(redis.clone(), ceiling, self.adapt_to_headers, lease)?;
            return Ok(Some(limiter));
        }
        if let Some(path) = &self.rate_limit_file {
            if path.as_os_str().is_empty() {
                return Err(Error::Config(
                    "shared rate limit file: the path is empty".to_owned(),
                ));
            }
            let limiter = Limiter::file(path.clone(), ceiling, self.adapt_to_headers, lease);
            return Ok(Some(limiter));
        }
        Ok((ceiling.is_some() || self.adapt_to_headers)
            .then(|| Limiter::local(ceiling, self.adapt_to_headers)))
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default settings.
    pub fn new(token: impl Into<Token>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    /// Inputs per request for `operation`, which declares `declared`: the least of that (or
    /// [`DEFAULT_BATCH_LIMIT`]), the user's ceiling, and a limit HubSpot's refusals taught.
    pub(crate) fn batch_limit(&self, operation: &str, declared: Option<usize>) -> usize {
        let learnt = self.learnt_batch_limits().get(operation).copied();
        let declared = declared.unwrap_or(DEFAULT_BATCH_LIMIT);
        [Some(declared), self.inner.batch_size, learnt]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(declared)
            .max(1)
    }

    /// HubSpot refused `tried` inputs of `operation`, saying it takes at most `max`: kept for
    /// the rest of the client's life, with one warning when it lowers what was known.
    pub(crate) fn learn_batch_limit(&self, operation: &'static str, max: usize, tried: usize) {
        let mut learnt = self.learnt_batch_limits();
        if learnt.get(operation).is_some_and(|known| *known <= max) {
            return;
        }
        learnt.insert(operation, max);
        tracing::warn!(
            operation,
            max,
            tried,
            "HubSpot takes at most {max} inputs a request for {operation}: splitting batches to that size from now on"
        );
    }

    fn learnt_batch_limits(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<&'static str, usize>> {
        self.inner
            .learnt_batch_limits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn batch_concurrency(&self) -> usize {
        self.inner.batch_concurrency
    }

    /// Sends a request, retrying as the [`RetryPolicy`] allows, and reads the response.
    pub async fn send<T>(&self, request: &Request<T>) -> Result<T, Error> {
        // Built once: a request that cannot be built is never sent, let alone retried, and
        // every attempt shares the same body bytes (or reads the same files again).
        let prepared = self.prepare(request)?;
        let mut retries = 0;
        // 429s are retried by time, not by `max_attempts`.
        let mut rate_limited = 0;
        let mut first_rate_limited: Option<Instant> = None;
        // The access token HubSpot refused as expired: the next attempt asks past it.
        let mut expired: Option<AccessToken> = None;
        let mut refreshes = 0;
        loop {
            let token = match &prepared.token_source {
                Some(source) => match source.access_token(expired.take().as_ref()).await {
                    Ok(token) => Some(token),
                    Err(error) => match error.retry() {
                        Retry::Backoff if retries + 1 < self.inner.retry.max_attempts => {
                            retries += 1;
                            tokio::time::sleep(self.inner.retry.backoff(retries - 1)).await;
                            continue;
                        }
                        _ => return Err(error),
                    },
                },
                None => None,
            };
            // A search waits for its own budget first, so it holds no place in the app's
            // meanwhile.
            let search = match request.is_search() {
                true => Some(self.inner.search_limiter.acquire().await),
                false => None,
            };
            let app = match &self.inner.limiter {
                Some(limiter) => Some(limiter.acquire().await),
                None => None,
            };
            let permits = [search, app];
            let error = match self
                .attempt(request, &prepared, permits, token.as_ref())
                .await
            {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            // An access token that expired on the way: HubSpot applied nothing, so the
            // request goes again at once with another (a few times at most, should each new
            // one be spent before this request gets to use it).
            if let Some(token) = token {
                if error.is_expired_authentication()
                    && prepared.replayable
                    && refreshes < MAX_TOKEN_REFRESHES
                {
                    refreshes += 1;
                    expired = Some(token);
                    continue;
                }
            }
            // A stream is read as it is sent: the attempt took it, and there is no other.
            if !prepared.replayable {
                return Err(error);
            }
            let wait = match (error.retry(), &error) {
                (Retry::Never, _) => return Err(error),
                // The classifier leaves the daily cap out: what remains is worth waiting for,
                // until the deadline, whatever the attempt count.
                (Retry::RateLimit, Error::RateLimited(limited)) => {
                    // A search's 429 is of the search limit, which is its own.
                    if let Some(limiter) =
                        self.inner.limiter.as_ref().filter(|_| !request.is_search())
                    {
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
                        None => return Err(error),
                    }
                }
                _ if retries + 1 >= self.inner.retry.max_attempts => return Err(error),
                _ => {
                    retries += 1;
                    self.inner.retry.backoff(retries - 1)
                }
            };
            tracing::warn!(
                operation = request.operation(),
                retry = retries + rate_limited,
                wait_ms = wait.as_millis() as u64,
                error = %error,
                "retrying HubSpot request"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The HTTP request for `request`: URL, token, headers and body (or, for a body with
    /// files or a stream, the pieces each attempt makes its body of).
    fn prepare<'r, T>(&self, request: &'r Request<T>) -> Result<Prepared<'r>, Error> {
        request.validate()?;
        // Only ever to the configured base URL, and only for operations that take it.
        let credentials = match (request.authentication(), &self.inner.credentials) {
            (Auth::Anonymous, _) => &Credentials::None,
            (Auth::Required, Credentials::None) => {
                return Err(Error::TokenRequired {
                    operation: request.operation(),
                })
            }
            (Auth::Required | Auth::Optional, credentials) => credentials,
        };
        let url = format!("{}{}", self.inner.base_url, request.path_and_query()?);
        let url = reqwest::Url::parse(&url).map_err(|e| InvalidRequest {
            operation: request.operation(),
            message: format!("the URL does not parse: {e}"),
        })?;
        let method = match request.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let header = |name: &str, value: &str| {
            HeaderValue::from_str(value).map_err(|_| InvalidRequest {
                operation: request.operation(),
                message: format!("the {name} {value:?} cannot be sent in a header"),
            })
        };
        let mut http = reqwest::Request::new(method, url);
        let headers = http.headers_mut();
        let token_source = match credentials {
            Credentials::None => None,
            Credentials::Fixed(authorization) => {
                headers.insert(AUTHORIZATION, authorization.clone());
                None
            }
            // Each attempt asks for its token: it may have been refreshed in between.
            Credentials::Source(source) => Some(source.clone()),
        };
        headers.insert(ACCEPT, header("accepted media type", request.accepts())?);
        let mut pieces = None;
        if let Some(body) = request.body() {
            headers.insert(CONTENT_TYPE, header("content type", &body.content_type())?);
            match transfer::plan(body) {
                // One copy into shared bytes; each attempt's clone shares them.
                Plan::InMemory(bytes) => *http.body_mut() = Some(reqwest::Body::from(bytes)),
                Plan::Pieces(body) => pieces = Some(body),
            }
        }
        Ok(Prepared {
            replayable: pieces.as_deref().is_none_or(transfer::replayable),
            http,
            pieces,
            token_source,
        })
    }

    /// One attempt: send, then read the answer (classification is `decode_response`'s).
    /// `permits` are the attempt's places in the rate limits (a search's, the app's); it is given up as soon as the
    /// answer's headers arrive (or the attempt fails), because HubSpot has counted the
    /// request by then, so reading and decoding the body does not hold up the next send.
    async fn attempt<T>(
        &self,
        request: &Request<T>,
        prepared: &Prepared<'_>,
        permits: [Option<Permit>; 2],
        token: Option<&AccessToken>,
    ) -> Result<T, Error> {
        let operation = request.operation();
        // A body of bytes always clones (sharing them); files and streams are not on it yet.
        let mut http = prepared.http.try_clone().ok_or_else(|| InvalidRequest {
            operation,
            message: "the request body cannot be sent twice".to_owned(),
        })?;
        let mut secrets = None;
        if let Some(token) = token {
            let value = token.token.expose_secret();
            http.headers_mut().insert(AUTHORIZATION, bearer(value)?);
            let mut token = SecretValues::default();
            token.add(value);
            secrets = Some(token);
        }
        if let Some(pieces) = &prepared.pieces {
            let (body, length) = transfer::attempt_body(pieces)
                .await
                .map_err(|message| InvalidRequest { operation, message })?;
            if let Some(length) = length {
                http.headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            *http.body_mut() = Some(body);
        }
        tracing::debug!(
            operation,
            method = %request.method(),
            url = format_args!("{}{}", self.inner.base_url, request.shown_path_and_query()),
            "sending HubSpot request"
        );
        let sent = self.inner.http.execute(http).await;
        // The answer has begun to arrive (or the attempt failed): the request counts from now.
        let limits = match &sent {
            Ok(response) => RateLimitHeaders::read(response.headers()),
            Err(_) => RateLimitHeaders::default(),
        };
        for permit in permits.into_iter().flatten() {
            permit.answered(&limits).await;
        }
        let mut response = sent.map_err(|e| transport_error(request, e))?;
        let status = response.status().as_u16();
        // Reading the body takes the response; its headers stay for classification.
        let headers = std::mem::take(response.headers_mut());
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(request, e))?;
        tracing::debug!(operation, status, bytes = body.len(), "HubSpot answered");
        request
            .decode_response(status, &headers, &body)
            .map_err(|mut error| {
                // Should HubSpot ever repeat the token, it goes no further.
                error.scrub(&self.inner.token);
                if let Some(secrets) = &secrets {
                    error.scrub(secrets);
                }
                error
            })
    }
}

/// A request ready for its attempts.
struct Prepared<'r> {
    /// Everything but a body of files or a stream.
    http: reqwest::Request,
    /// The pieces of a body with files or a stream, which each attempt reads anew.
    pieces: Option<Vec<Piece<'r>>>,
    /// Where each attempt's access token comes from, when it is not fixed.
    token_source: Option<Arc<dyn TokenSource>>,
    /// No stream in the body: it can be sent again.
    replayable: bool,
}

/// The user agent as a header, or what keeps it from being one.
fn check_user_agent(user_agent: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(user_agent).map_err(|_| {
        let problem = match user_agent
            .char_indices()
            .find(|&(_, c)| c != '\t' && c.is_ascii_control())
        {
            Some((at, c)) => format!("{} at byte {at}", describe(c)),
            None => "a character headers cannot carry".to_owned(),
        };
        Error::Config(format!("the user agent {user_agent:?} contains {problem}"))
    })
}

/// The base URL must be an `http` or `https` URL with a host, and no credentials, query or
/// fragment (the request path is appended to it).
fn check_base_url(base_url: &str) -> Result<(), Error> {
    // A URL with `@` may hold a password: it is not repeated.
    let shown = if base_url.contains('@') {
        "(not shown)".to_owned()
    } else {
        format!("{base_url:?}")
    };
    let invalid = |why: &str| Error::Config(format!("the base URL {shown} {why}"));
    let url = reqwest::Url::parse(base_url).map_err(|e| invalid(&format!("is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Not shown: it holds a password.
        return Err(Error::Config(
            "the base URL carries credentials; the token is the only credential sent".to_owned(),
        ));
    }
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid(
            "must start with https:// (or http:// for a local test server)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "may not have a query or fragment: request paths are appended to it",
        ));
    }
    Ok(())
}

/// The error for a connection that failed or broke: whether the request got out decides
/// whether it may have been applied, and so whether it may be sent again.
fn transport_error<T>(request: &Request<T>, e: reqwest::Error) -> Error {
    let operation = request.operation();
    // reqwest's message names the URL, which here holds a secret.
    let e = if request.url_has_secrets() {
        e.without_url()
    } else {
        e
    };
    if e.is_builder() {
        return Error::InvalidRequest(InvalidRequest {
            operation,
            message: format!("the HTTP request could not be built: {e}"),
        });
    }
    // Nothing reached HubSpot if we could not connect; otherwise it may have.
    let reach = if e.is_connect() {
        Reach::NotSent
    } else {
        Reach::Sent
    };
    let (may_have_been_applied, retryable) =
        after_transport_failure(reach, request.is_idempotent());
    if e.is_timeout() {
        Error::Timeout {
            operation,
            may_have_been_applied,
            retryable,
        }
    } else {
        Error::Transport {
            operation,
            source: e,
            may_have_been_applied,
            retryable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_error(result: Result<impl fmt::Debug, Error>) -> String {
        match result {
            Err(Error::Config(message)) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn a_token_that_cannot_be_sent_is_refused_without_being_shown() {
        let message = config_error(bearer("s3cr3t\nX: y"));
        assert_eq!(
            message,
            "the access token contains a line break (character 7 of 11); a token is printable \
             ASCII without spaces: was it read with a trailing newline?"
        );
        assert!(config_error(bearer("s3cr3t ")).contains("a space (character 7 of 7)"));
        assert!(config_error(bearer("s3crét")).contains("a non-ASCII character"));
        assert_eq!(config_error(bearer("")), "the access token is empty");
        let value = bearer("pat-na1-abc").unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value, "Bearer pat-na1-abc");
    }

    #[test]
    fn user_agent_and_base_url_are_checked() {
        assert!(
            config_error(check_user_agent("me\r\nX: y")).contains("a carriage return at byte 2")
        );
        assert!(check_user_agent("my-app/1.0 (ops@example.com)").is_ok());
        for (base_url, why) in [
            ("api.hubapi.com", "is not a URL"),
            ("ftp://api.hubapi.com", "must start with https://"),
            ("https://api.hubapi.com/?x=1", "may not have a query"),
            (
                "https://api.hubapi.com/#x",
                "may not have a query or fragment",
            ),
        ] {
            let message = config_error(check_base_url(base_url));
            assert!(message.contains(why), "{base_url}: {message}");
        }
        let credentials = config_error(check_base_url("https://me:hunter2@proxy.example"));
        assert!(!credentials.contains("hunter2"), "{credentials}");
        assert!(check_base_url("http://127.0.0.1:8080/prefix").is_ok());
    }

    #[test]
    fn a_request_reqwest_cannot_build_is_invalid_and_never_retried() {
        let unbuildable = reqwest::Client::new().get("no scheme").build().unwrap_err();
        assert!(unbuildable.is_builder());
        let request = Request::<()>::new("op", Method::Get, "/x", super::super::decode::empty);
        let error = transport_error(&request, unbuildable);
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(!error.is_retryable() && !error.may_have_been_applied());
    }

    #[test]
    fn the_token_goes_only_with_operations_that_take_it() {
        let request = |auth| {
            Request::<()>::new("op", Method::Get, "/x", super::super::decode::empty).auth(auth)
        };
        let sent_token = |client: &Client, auth| {
            let request = request(auth);
            let prepared = client.prepare(&request).unwrap();
            prepared
                .http
                .headers()
                .get(AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let with_token = Client::new("pat-na1-abc").unwrap();
        assert_eq!(
            sent_token(&with_token, Auth::Required).as_deref(),
            Some("Bearer pat-na1-abc")
        );
        assert_eq!(
            sent_token(&with_token, Auth::Optional).as_deref(),
            Some("Bearer pat-na1-abc")
        );
        assert_eq!(sent_token(&with_token, Auth::Anonymous), None);

        let tokenless = Client::builder().build().unwrap();
        assert!(
            format!("{tokenless:?}").contains(r#"token: "none""#),
            "{tokenless:?}"
        );
        assert_eq!(sent_token(&tokenless, Auth::Optional), None);
        assert_eq!(sent_token(&tokenless, Auth::Anonymous), None);
        let Err(error) = tokenless.prepare(&request(Auth::Required)) else {
            panic!("a request that needs the token was prepared without one")
        };
        assert!(
            matches!(error, Error::TokenRequired { operation: "op" }),
            "{error:?}"
        );
        assert!(!error.is_retryable() && !error.may_have_been_applied());
        assert_eq!(
            error.to_string(),
            "op: needs an access token and the client has none (set one with \
             ClientBuilder::token); nothing was sent"
        );
    }
}
