//! What the client sends as `Authorization: Bearer`: a private app's token, which never
//! expires; or access tokens from a [`TokenSource`], such as an OAuth app's, which HubSpot
//! gives 30 minutes: [`OAuth`] refreshes them itself, ahead of expiry and when HubSpot answers
//! 401 `EXPIRED_AUTHENTICATION`, one refresh at a time however many requests wait for it, and
//! hands each new token set to the application to keep.
//!
//! No token or secret is shown by `Debug`, written to logs or kept in an error.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};

use super::error::Error;
use super::form;
use super::secrets::SecretValues;

/// A private-app or OAuth access token, or a refresh token. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, to keep it (a refresh token in a database, say). Named so that it
    /// stands out where it is used.
    pub fn expose_secret(&self) -> &str {
        &self.0
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

/// An access token and when it expires, if that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    pub token: Token,
    pub expires_at: Option<SystemTime>,
    /// When to get another before it expires.
    refresh_at: Option<SystemTime>,
}

/// How long before expiry a token is refreshed: five minutes, or a quarter of its life when
/// that is shorter.
const REFRESH_AHEAD: Duration = Duration::from_secs(300);

/// The longest life an issued token is taken to have, whatever `expires_in` says (HubSpot
/// says 1,800 s): a day, so that a wild answer neither overflows the clock nor keeps a token
/// for ever.
const LONGEST_LIFE: Duration = Duration::from_secs(24 * 3600);

impl AccessToken {
    /// A token that expires at `expires_at` (refreshed five minutes before), or never.
    pub fn new(token: impl Into<Token>, expires_at: Option<SystemTime>) -> Self {
        AccessToken {
            token: token.into(),
            expires_at,
            refresh_at: expires_at.map(|at| at.checked_sub(REFRESH_AHEAD).unwrap_or(at)),
        }
    }

    /// A token issued now to live `expires_in`.
    fn issued(token: Token, expires_in: Duration) -> Self {
        let now = SystemTime::now();
        let expires_in = expires_in.min(LONGEST_LIFE);
        let ahead = REFRESH_AHEAD.min(expires_in / 4);
        AccessToken {
            token,
            expires_at: Some(now + expires_in),
            refresh_at: Some(now + expires_in.saturating_sub(ahead)),
        }
    }

    /// Whether it is still good to send, not due for refresh.
    fn fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    /// Whether it has not expired yet, though it may be due for refresh.
    fn valid(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// What HubSpot issued on a refresh: the access token and the refresh token to use next
/// (HubSpot may issue a new one). Handed to [`OAuth::on_refresh`] to keep.
#[derive(Clone, Debug)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub refresh_token: Token,
}

/// What a token source's future gives.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// Where the client gets access tokens it did not get itself: tokens kept elsewhere (a
/// secrets manager, another service that refreshes them). The client asks before each
/// attempt of a request that carries a token.
pub trait TokenSource: Send + Sync + 'static {
    /// A valid access token. `expired` is one HubSpot has just refused as expired: give
    /// another. An error fails the request with it.
    fn access_token<'a>(&'a self, expired: Option<&'a AccessToken>) -> TokenFuture<'a>;
}

/// What the application does with each new token set.
type KeepTokens = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// An OAuth app's credentials for one installation: the client gets and refreshes its own
/// access tokens at HubSpot's token endpoint (`grant_type=refresh_token`), on the client's
/// base URL.
#[derive(Clone)]
pub struct OAuth {
    client_id: String,
    client_secret: Token,
    refresh_token: Token,
    access_token: Option<AccessToken>,
    token_path: String,
    on_refresh: Option<KeepTokens>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .field("access_token", &self.access_token)
            .field("token_path", &self.token_path)
            .finish_non_exhaustive()
    }
}

impl OAuth {
    /// The app's client id and secret, and the installation's refresh token.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Token>,
        refresh_token: impl Into<Token>,
    ) -> Self {
        OAuth {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
            access_token: None,
            token_path: "/oauth/v1/token".to_owned(),
            on_refresh: None,
        }
    }

    /// An access token the application already has (kept from an earlier run), used until
    /// it is due for refresh. Without one, the first request refreshes.
    pub fn access_token(mut self, token: impl Into<Token>, expires_at: SystemTime) -> Self {
        self.access_token = Some(AccessToken::new(token, Some(expires_at)));
        self
    }

    /// The path of the token endpoint on the client's base URL: `/oauth/v1/token` by
    /// default; the date-versioned OAuth API's is `/oauth/{version}/token`.
    pub fn token_path(mut self, path: impl Into<String>) -> Self {
        self.token_path = path.into();
        self
    }

    /// Called with every usable token set HubSpot issues, before any request uses it, so the
    /// application can keep it (HubSpot may issue a new refresh token, and the old one may
    /// then stop working). It runs while other requests wait for the token: to write it
    /// somewhere slow, hand it to a task of its own. Should it panic, the client logs that
    /// and uses the new tokens all the same.
    pub fn on_refresh(mut self, keep: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(keep));
        self
    }

    /// The token source the client uses, sending refreshes with `http` to `base_url`.
    pub(crate) fn into_source(
        self,
        http: reqwest::Client,
        base_url: &str,
    ) -> Result<Refresher, Error> {
        if !self.token_path.starts_with('/') || self.token_path.contains("://") {
            return Err(Error::Config(format!(
                "OAuth token path {:?}: a path on the base URL, starting with `/`",
                self.token_path
            )));
        }
        let url = reqwest::Url::parse(&format!("{base_url}{}", self.token_path))
            .map_err(|e| Error::Config(format!("OAuth token path {:?}: {e}", self.token_path)))?;
        for (what, value) in [
            ("client id", self.client_id.as_str()),
            ("client secret", self.client_secret.expose_secret()),
            ("refresh token", self.refresh_token.expose_secret()),
        ] {
            if value.is_empty() {
                return Err(Error::Config(format!("OAuth: the {what} is empty")));
            }
        }
        if let Some(current) = &self.access_token {
            bearer(current.token.expose_secret())?;
        }
        Ok(Refresher {
            shared: Arc::new(RefresherShared {
                http,
                url,
                client_id: self.client_id,
                client_secret: self.client_secret,
                on_refresh: self.on_refresh,
                state: Arc::new(tokio::sync::Mutex::new(RefreshState {
                    current: self.access_token,
                    refresh_token: self.refresh_token,
                    refused: None,
                    last_failure: None,
                    refreshes: 0,
                })),
                tried: AtomicU64::new(0),
            }),
        })
    }
}

/// The client's own OAuth token source.
pub(crate) struct Refresher {
    shared: Arc<RefresherShared>,
}

struct RefresherShared {
    http: reqwest::Client,
    url: reqwest::Url,
    client_id: String,
    client_secret: Token,
    on_refresh: Option<KeepTokens>,
    /// Held while refreshing, so requests that need a token wait for the one refresh.
    state: Arc<tokio::sync::Mutex<RefreshState>>,
    /// Refreshes tried, whatever came of them: a request that waited while one was tried
    /// takes its outcome instead of trying again.
    tried: AtomicU64,
}

struct RefreshState {
    current: Option<AccessToken>,
    refresh_token: Token,
    /// Why HubSpot refused to refresh for good; every later request fails with it.
    refused: Option<String>,
    /// Why the last refresh failed for a passing reason, if it did.
    last_failure: Option<String>,
    refreshes: u64,
}

impl RefreshState {
    /// The token to send when a refresh could not be had: the current one while it has
    /// not expired (and is not the one HubSpot refused), else the failure.
    fn despite_failure(
        &self,
        expired: Option<&AccessToken>,
        reason: &str,
    ) -> Result<AccessToken, Error> {
        let now = SystemTime::now();
        match &self.current {
            Some(current) if Some(current) != expired && current.valid(now) => Ok(current.clone()),
            _ => Err(Error::TokenRefresh {
                reason: reason.to_owned(),
                permanent: false,
            }),
        }
    }
}

/// Tries of a refresh that failed for a passing reason (a broken connection, a 5xx, a 429).
const REFRESH_TRIES: u32 = 3;

impl TokenSource for Refresher {
    fn access_token<'a>(&'a self, expired: Option<&'a AccessToken>) -> TokenFuture<'a> {
        Box::pin(async move {
            let shared = &self.shared;
            let tried_before = shared.tried.load(Ordering::Acquire);
            let state = shared.state.clone().lock_owned().await;
            if let Some(reason) = &state.refused {
                return Err(refused(reason.clone()));
            }
            if shared.tried.load(Ordering::Acquire) != tried_before {
                // A refresh was tried while this request waited: its outcome is this one's.
                match (&state.last_failure, &state.current) {
                    (Some(reason), _) => return state.despite_failure(expired, reason),
                    (None, Some(current)) => return Ok(current.clone()),
                    (None, None) => {}
                }
            }
            if let Some(current) = &state.current {
                if Some(current) != expired && current.fresh(SystemTime::now()) {
                    return Ok(current.clone());
                }
            }
            // In a task of its own: a request that stops waiting (a timeout, a dropped
            // future) must not cancel a refresh halfway, after HubSpot issued a new refresh
            // token and retired the old one, but before the client kept it.
            let (refresher, expired) = (shared.clone(), expired.cloned());
            tokio::spawn(async move { refresher.refresh_holding(state, expired).await })
                .await
                .unwrap_or_else(|stopped| {
                    Err(Error::TokenRefresh {
                        reason: format!("the refresh stopped: {stopped}"),
                        permanent: false,
                    })
                })
        })
    }
}

impl RefresherShared {
    /// Refreshes, holding the state, and says what came of it.
    async fn refresh_holding(
        &self,
        mut state: tokio::sync::OwnedMutexGuard<RefreshState>,
        expired: Option<AccessToken>,
    ) -> Result<AccessToken, Error> {
        let mut wait = Duration::from_millis(200);
        let mut tries = 0;
        let outcome = loop {
            tries += 1;
            match self.refresh(&state.refresh_token).await {
                Ok(issued) => match bearer(issued.access_token.token.expose_secret()) {
                    Ok(_) => break Ok(issued),
                    Err(error) => {
                        // HubSpot may have retired the refresh token this used: keep the
                        // new one, though the access token is of no use.
                        state.refresh_token = issued.refresh_token;
                        let reason = format!("the token endpoint issued an access token that cannot be sent: {error}");
                        if tries >= REFRESH_TRIES {
                            break Err(Failure::Passing(reason));
                        }
                        tracing::warn!(reason = %reason, "could not refresh the OAuth access token; trying again");
                    }
                },
                Err(Failure::Passing(reason)) if tries < REFRESH_TRIES => {
                    tracing::warn!(reason = %reason, retry_in_ms = wait.as_millis() as u64, "could not refresh the OAuth access token; trying again");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(failure) => break Err(failure),
            }
        };
        self.tried.fetch_add(1, Ordering::Release);
        let issued = match outcome {
            Ok(issued) => issued,
            Err(Failure::Refused(reason)) => {
                tracing::error!(reason = %reason, "HubSpot refused to refresh the OAuth access token");
                state.refused = Some(reason.clone());
                return Err(refused(reason));
            }
            Err(Failure::Passing(reason)) => {
                let kept = state.despite_failure(expired.as_ref(), &reason);
                tracing::warn!(reason = %reason, current_token_used = kept.is_ok(), "could not refresh the OAuth access token");
                state.last_failure = Some(reason);
                return kept;
            }
        };
        state.refreshes += 1;
        state.last_failure = None;
        state.refresh_token = issued.refresh_token.clone();
        state.current = Some(issued.access_token.clone());
        tracing::info!(
            refreshes = state.refreshes,
            "refreshed the OAuth access token"
        );
        // Still before any request uses it: they wait for the state this holds.
        if let Some(keep) = &self.on_refresh {
            if std::panic::catch_unwind(AssertUnwindSafe(|| keep(&issued))).is_err() {
                tracing::error!(
                    "the application's on_refresh panicked; the client keeps the new tokens"
                );
            }
        }
        Ok(issued.access_token)
    }
}

fn refused(reason: String) -> Error {
    Error::TokenRefresh {
        reason,
        permanent: true,
    }
}

/// Why a refresh did not give a token.
enum Failure {
    /// HubSpot refused it (a revoked refresh token, an uninstalled app, wrong credentials):
    /// trying again cannot help.
    Refused(String),
    /// The connection, a 5xx or a 429: later may work.
    Passing(String),
}

impl RefresherShared {
    async fn refresh(&self, refresh_token: &Token) -> Result<TokenSet, Failure> {
        let pairs = BTreeMap::from([
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ]);
        let body = form::encode(&pairs).map_err(Failure::Refused)?;
        let mut secrets = SecretValues::default();
        secrets.add(self.client_secret.expose_secret());
        secrets.add(refresh_token.expose_secret());
        let scrubbed = |mut text: String| {
            secrets.scrub(&mut text);
            text
        };
        let sent = self
            .http
            .post(self.url.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(body)
            .send()
            .await;
        // The reqwest error may name the URL, never a secret (the form is the body).
        let answer = sent.map_err(|e| Failure::Passing(format!("the token endpoint: {e}")))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| Failure::Passing(format!("the token endpoint's answer: {e}")))?;
        let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        if !(200..300).contains(&status) {
            let reason = scrubbed(refusal_reason(status, json.as_ref()));
            // OAuth's refusals (`invalid_grant`, `invalid_client`) and HubSpot's are 400s (401
            // for some clients); anything else may be a proxy's or a passing state.
            return Err(if status == 400 || status == 401 {
                Failure::Refused(reason)
            } else {
                Failure::Passing(reason)
            });
        }
        let field = |name: &str| json.as_ref()?.get(name)?.as_str().map(str::to_owned);
        let access = field("access_token").filter(|t| !t.is_empty());
        let Some(access) = access else {
            return Err(Failure::Passing(format!(
                "the token endpoint answered {status} without an access token"
            )));
        };
        let expires_in = json
            .as_ref()
            .and_then(|j| j.get("expires_in")?.as_u64())
            .map_or(Duration::from_secs(1800), Duration::from_secs);
        let refresh_token = field("refresh_token")
            .filter(|t| !t.is_empty())
            .map_or_else(|| refresh_token.clone(), Token::from);
        Ok(TokenSet {
            access_token: AccessToken::issued(Token::from(access), expires_in),
            refresh_token,
        })
    }
}

/// What a refusal says, as OAuth words it (`error`, `error_description`) or as HubSpot does
/// (`status`, `message`).
fn refusal_reason(status: u16, json: Option<&serde_json::Value>) -> String {
    let text = |name: &str| {
        json.and_then(|j| j.get(name))
            .and_then(serde_json::Value::as_str)
            .filter(|t| !t.is_empty())
    };
    let said: Vec<&str> = ["error", "status", "error_description", "message"]
        .into_iter()
        .filter_map(text)
        .filter(|t| *t != "error")
        .collect();
    match said.as_slice() {
        [] => format!("the token endpoint answered {status}"),
        said => format!("the token endpoint answered {status}: {}", said.join(": ")),
    }
}

/// Names a character that cannot go into a header, without showing the text around it.
pub(crate) fn describe(c: char) -> &'static str {
    match c {
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        ' ' => "a space",
        c if c.is_control() => "a control character",
        c if !c.is_ascii() => "a non-ASCII character",
        _ => "a character headers cannot carry",
    }
}

/// `Bearer <token>` as a header, marked sensitive so it is never printed; or why the token
/// cannot be one.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, Error> {
    if token.is_empty() {
        return Err(Error::Config("the access token is empty".to_owned()));
    }
    if let Some((at, c)) = token.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
        let position = token[..at].chars().count() + 1;
        let length = token.chars().count();
        return Err(Error::Config(format!(
            "the access token contains {} (character {position} of {length}); a token is \
             printable ASCII without spaces: was it read with a trailing newline?",
            describe(c)
        )));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| Error::Config("the access token cannot be sent in a header".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_cause_without_a_secret() {
        let json = serde_json::json!({"error": "invalid_grant",
            "error_description": "missing or unknown refresh token", "status": "error"});
        assert_eq!(
            refusal_reason(400, Some(&json)),
            "the token endpoint answered 400: invalid_grant: missing or unknown refresh token"
        );
        let hubspot = serde_json::json!({"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"});
        assert_eq!(
            refusal_reason(400, Some(&hubspot)),
            "the token endpoint answered 400: BAD_REFRESH_TOKEN: missing or unknown refresh token"
        );
        assert_eq!(refusal_reason(400, None), "the token endpoint answered 400");
    }

    #[test]
    fn tokens_are_refreshed_ahead_of_expiry() {
        // When each was issued, from the token itself: the clock moves on between the calls.
        let issued_at = |token: &AccessToken, life: u64| {
            token.expires_at.expect("an expiry") - Duration::from_secs(life)
        };
        let hubspot = AccessToken::issued(Token::from("a"), Duration::from_secs(1800));
        let issued = issued_at(&hubspot, 1800);
        assert!(hubspot.fresh(issued + Duration::from_secs(1499)));
        assert!(!hubspot.fresh(issued + Duration::from_secs(1501)));
        // A short-lived one a quarter of its life ahead.
        let short = AccessToken::issued(Token::from("b"), Duration::from_secs(8));
        let issued = issued_at(&short, 8);
        assert!(short.fresh(issued + Duration::from_millis(5900)));
        assert!(!short.fresh(issued + Duration::from_millis(6100)));
        let now = SystemTime::now();
        let kept = AccessToken::new("c", Some(now + Duration::from_secs(200)));
        assert!(!kept.fresh(now), "due within five minutes");
        assert!(AccessToken::new("d", None).fresh(now + Duration::from_secs(1 << 30)));
    }

    #[test]
    fn a_wild_expiry_is_taken_as_a_day_at_most() {
        let before = SystemTime::now();
        let token = AccessToken::issued(Token::from("a"), Duration::MAX);
        let expires_at = token.expires_at.expect("an expiry");
        assert!(
            expires_at <= SystemTime::now() + LONGEST_LIFE,
            "{expires_at:?}"
        );
        assert!(expires_at >= before + LONGEST_LIFE, "{expires_at:?}");
    }

    #[test]
    fn a_kept_access_token_that_cannot_be_sent_is_refused_at_build() {
        let oauth = OAuth::new("client-id-1", "client-SECRET", "refresh-SECRET")
            .access_token("access-SECRET\n", SystemTime::now());
        let Err(error) = oauth.into_source(reqwest::Client::new(), "https://api.hubapi.com") else {
            panic!("built")
        };
        let text = error.to_string();
        assert!(text.contains("a line break"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let oauth = OAuth::new("client-id-1", "client-SECRET", "refresh-SECRET")
            .access_token("access-SECRET", SystemTime::now());
        let shown = format!("{oauth:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("client-id-1"), "{shown}");
        let set = TokenSet {
            access_token: AccessToken::new("access-SECRET", None),
            refresh_token: Token::from("refresh-SECRET"),
        };
        assert!(!format!("{set:?}").contains("SECRET"));
    }
}
