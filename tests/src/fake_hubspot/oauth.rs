//! OAuth in the fake HubSpot, as HubSpot does it: `POST /oauth/v1/token` (and the date
//! versions' `/oauth/{version}/token`) takes `grant_type=refresh_token` with the app's client
//! id and secret, form-encoded, and issues an access token with `expires_in` and a refresh
//! token; a request with an expired access token is answered 401 `EXPIRED_AUTHENTICATION`
//! (nothing applied), and a revoked refresh token gets 400 `invalid_grant`.
//!
//! A test can make tokens expire after a number of requests instead of after a time, so
//! that how many refreshes a job needs does not depend on how fast the machine is.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub const CLIENT_ID: &str = "app-client-id-1234";
pub const CLIENT_SECRET: &str = "app-client-SECRET-5678";
/// The refresh token of the app's installation, until a refresh issues another.
pub const REFRESH_TOKEN: &str = "na1-refresh-SECRET-0001";

/// When the fake's access tokens expire.
#[derive(Clone, Copy, Debug)]
pub enum Expiry {
    /// After this long, as HubSpot's do (1,800 s).
    After(Duration),
    /// After this many requests, though `expires_in` still says 1,800 s.
    AfterRequests(usize),
}

struct Issued {
    issued_at: Instant,
    uses: usize,
    /// Expired early, whatever its life (`FakeHubSpot::expire_access_tokens`).
    expired: bool,
}

pub(super) struct OAuthState {
    pub expiry: Expiry,
    /// Whether each refresh issues a new refresh token, retiring the old one.
    pub rotate_refresh_tokens: bool,
    access: HashMap<String, Issued>,
    refresh_tokens: Vec<String>,
    pub refreshes: usize,
    pub refused_refreshes: usize,
    /// Statuses the next token requests get instead of a refresh, as from a proxy or an
    /// outage in front of the endpoint.
    pub outages: VecDeque<u16>,
    /// How long the next refresh's answer takes on its way, once the refresh is done.
    pub answer_delay: Option<Duration>,
    /// Whether the next refresh issues an access token with a space in it.
    pub unsendable_next: bool,
    next: usize,
}

impl Default for OAuthState {
    fn default() -> Self {
        OAuthState {
            expiry: Expiry::After(Duration::from_secs(1800)),
            rotate_refresh_tokens: true,
            access: HashMap::new(),
            refresh_tokens: vec![REFRESH_TOKEN.to_owned()],
            refreshes: 0,
            refused_refreshes: 0,
            outages: VecDeque::new(),
            answer_delay: None,
            unsendable_next: false,
            next: 0,
        }
    }
}

/// What a bearer token is to the fake.
pub(super) enum Bearer {
    Valid,
    Expired,
    Unknown,
}

impl OAuthState {
    /// Issues an access token now, as a refresh would, and returns it.
    pub fn issue(&mut self) -> String {
        self.next += 1;
        let token = format!("oauth-access-SECRET-{:04}", self.next);
        self.access.insert(
            token.clone(),
            Issued {
                issued_at: Instant::now(),
                uses: 0,
                expired: false,
            },
        );
        token
    }

    /// Every access token issued so far expires now.
    pub fn expire_access(&mut self) {
        for issued in self.access.values_mut() {
            issued.expired = true;
        }
    }

    /// Every refresh token stops working (the app was uninstalled).
    pub fn revoke(&mut self) {
        self.refresh_tokens.clear();
    }

    /// A request's bearer token, counted as one use.
    pub fn check(&mut self, token: &str) -> Bearer {
        let expiry = self.expiry;
        let Some(issued) = self.access.get_mut(token) else {
            return Bearer::Unknown;
        };
        issued.uses += 1;
        let expired = issued.expired
            || match expiry {
                Expiry::After(life) => issued.issued_at.elapsed() >= life,
                Expiry::AfterRequests(requests) => issued.uses > requests,
            };
        if expired {
            Bearer::Expired
        } else {
            Bearer::Valid
        }
    }

    /// `POST /oauth/v1/token` with a form body: the answer, and how long it takes to leave
    /// (the refresh is done, and the refresh token rotated, before it does).
    pub fn token_endpoint(&mut self, form: &[u8]) -> (Response, Option<Duration>) {
        if let Some(status) = self.outages.pop_front() {
            let status = StatusCode::from_u16(status).expect("status");
            return ((status, "upstream unavailable").into_response(), None);
        }
        let answer = self.refresh(form);
        (answer, self.answer_delay.take())
    }

    fn refresh(&mut self, form: &[u8]) -> Response {
        let pairs: HashMap<String, String> = url_pairs(form);
        let field = |name: &str| pairs.get(name).map(String::as_str).unwrap_or_default();
        if field("grant_type") != "refresh_token" {
            return refusal(
                400,
                "unsupported_grant_type",
                "grant_type must be refresh_token",
            );
        }
        if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
            return refusal(400, "invalid_client", "client id and secret do not match");
        }
        let refresh = field("refresh_token").to_owned();
        if !self.refresh_tokens.contains(&refresh) {
            self.refused_refreshes += 1;
            return refusal(400, "invalid_grant", "missing or unknown refresh token");
        }
        self.refreshes += 1;
        let mut access = self.issue();
        if std::mem::take(&mut self.unsendable_next) {
            access.push_str(" x");
        }
        let refresh = if self.rotate_refresh_tokens {
            let next = format!("na1-refresh-SECRET-{:04}", self.next + 1000);
            self.refresh_tokens = vec![next.clone()];
            next
        } else {
            refresh
        };
        let expires_in = match self.expiry {
            Expiry::After(life) => life.as_secs().max(1),
            Expiry::AfterRequests(_) => 1800,
        };
        axum::Json(json!({
            "token_type": "bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": expires_in,
        }))
        .into_response()
    }
}

/// Whether a path is the token endpoint: `/oauth/v1/token`, `/oauth/{version}/token`.
pub(super) fn is_token_endpoint(path: &str) -> bool {
    matches!(
        path.split('/').collect::<Vec<_>>().as_slice(),
        ["", "oauth", _, "token"]
    )
}

/// HubSpot's 401 for an expired access token: nothing of the request was applied.
pub(super) fn expired() -> Response {
    let body = json!({
        "status": "error",
        "message": "The OAuth token used to make this call expired 1 second(s) ago.",
        "correlationId": "e0e0e0e0-0000-4000-8000-000000000401",
        "category": "EXPIRED_AUTHENTICATION",
        "context": {"expire time": ["2026-03-01T12:00:00.000Z"]},
    });
    (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
}

/// The token endpoint's refusal, in OAuth's words and HubSpot's.
fn refusal(status: u16, error: &str, message: &str) -> Response {
    let body = json!({
        "status": "error",
        "error": error,
        "error_description": message,
        "message": message,
        "correlationId": "e0e0e0e0-0000-4000-8000-000000000400",
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(body),
    )
        .into_response()
}

/// The pairs of a form body, decoded.
fn url_pairs(form: &[u8]) -> HashMap<String, String> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        super::decode(&text)
    };
    String::from_utf8_lossy(form)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}
