//! A fake HubSpot on 127.0.0.1: keeps associations and labels in memory, answers in the
//! documents' shapes (with the live API's numeric ids), and injects faults on demand.
//!
//! Both versions are served: `/crm/v4/...` and `/crm/associations/v4/...`, and
//! `/crm/associations/2026-03/...` and `/crm/objects/2026-03/...`, where 2026-03 answers
//! archive calls with 200 and a body as the 2026-03 documents say. CRM object records,
//! their batches and search, with HubSpot's limits on each, are `crm_objects.rs`'s.
//!
//! As the live API does, it hands out paging cursors already percent-encoded (ending in
//! `%3D`) and reads the cursor it receives literally, so one encoded again pages wrong; and
//! its faults include redirects, error bodies with `errors: null`, HTML pages from a proxy and
//! connections reset after the request was read.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use crate::resettable::{ResetSwitch, ResettableListener};

mod crm_objects;
mod oauth;

pub use crm_objects::ObjectLimits;
pub use oauth::{Expiry, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};

/// A fault to inject into one response.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with this `policyName`, and `Retry-After` seconds if given.
    RateLimit {
        policy: &'static str,
        retry_after: Option<u64>,
    },
    /// This status with HubSpot's error body.
    Status(u16),
    /// Answer only after this delay.
    Slow(Duration),
    /// Send the headers at once and the body only after this delay.
    SlowBody(Duration),
    /// Send headers, then break the connection mid-body.
    Drop,
    /// Carry the request out, then reset the connection before answering: the change is made
    /// and the client hears nothing.
    Reset,
    /// `302 Found` to this `Location`.
    Redirect(String),
    /// This status, `Content-Type` and body, as they are.
    Answer {
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

impl Fault {
    /// An error body of the live API's looser kind: `errors`, `links` and `context` `null`.
    pub fn errors_null(status: u16) -> Fault {
        let body = json!({
            "status": "error",
            "message": "Property values were not valid",
            "correlationId": "0a1b2c3d-0000-4000-8000-00000000e4e0",
            "category": "VALIDATION_ERROR",
            "subCategory": null,
            "errors": null,
            "context": null,
            "links": null,
        });
        Fault::Answer {
            status,
            content_type: "application/json;charset=utf-8",
            body: body.to_string(),
        }
    }

    /// A 429 of the daily cap whose body has odd fields beside `policyName`.
    pub fn odd_daily_limit() -> Fault {
        let body = json!({
            "status": "error",
            "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": "c0ffee00-0000-4000-8000-0000000da1e0",
            "policyName": "DAILY",
            "errors": null,
            "links": null,
            "context": "daily",
            "category": null,
        });
        Fault::Answer {
            status: 429,
            content_type: "application/json;charset=utf-8",
            body: body.to_string(),
        }
    }

    /// The HTML error page a proxy in front of HubSpot sends.
    pub fn proxy_page(status: u16) -> Fault {
        Fault::Answer {
            status,
            content_type: "text/html",
            body: format!(
                "<!DOCTYPE html>\n<html>\n<head><title>{status} Bad Gateway</title></head>\n\
                 <body><center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center>\n\
                 </body>\n</html>\n"
            ),
        }
    }
}

/// How the fake words the 207 error item of one rejected batch input. The live API varies
/// it: the documents require `errors` and `links`, but HubSpot leaves them out or sends
/// `null`, and it may name the input's target (an id other inputs share) next to its source.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub category: String,
    /// Also name the input's target under `toObjectId` (batch create).
    pub names_target: bool,
    pub shape: ItemShape,
}

/// Which of an error item's optional parts are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemShape {
    /// `errors: []` and `links: {}`, as the documents say.
    Full,
    /// Only `status`, `category`, `message` and `context`.
    Bare,
    /// `errors: null`, and no `links`.
    NullErrors,
}

impl ItemShape {
    pub const ALL: [ItemShape; 3] = [ItemShape::Full, ItemShape::Bare, ItemShape::NullErrors];
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The path exactly as it arrived, still percent-encoded.
    pub raw_path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
}

/// (fromType, fromId, toType): whose associations.
type Source = (String, String, String);
/// Labels of one association as (category, typeId).
type Specs = BTreeSet<(String, i64)>;
/// A label definition: typeId, label, inverse label.
type LabelDef = (i64, String, Option<String>);

#[derive(Default)]
struct State {
    token: String,
    /// (fromType, fromId, toType) -> toId -> labels as (category, typeId).
    associations: BTreeMap<Source, BTreeMap<String, Specs>>,
    /// (fromType, toType) -> labels.
    labels: BTreeMap<(String, String), Vec<LabelDef>>,
    next_type_id: i64,
    queued: VecDeque<Fault>,
    /// Percent of requests answered 429 (`TEN_SECONDLY_ROLLING`) and 503, chosen at random.
    random_faults: Option<(u32, u32)>,
    /// At most this many requests in any window of this length; more get 429.
    limit: Option<(usize, Duration)>,
    /// When each request in the window arrived.
    window: VecDeque<Instant>,
    /// Whether a request refused with 429 counts in the window too. HubSpot does not say;
    /// by default it does not, so a refused request costs its sender a retry and nobody
    /// else anything.
    count_refused: bool,
    /// Every this many 429s of the window carry `Retry-After` (0: none do).
    retry_after_every: usize,
    /// Batch create inputs applied, by source id.
    created: HashMap<String, usize>,
    /// Inputs whose source id is here are rejected in a 207 answer, worded so.
    rejections: HashMap<String, Rejection>,
    /// Answer batch create with 200 instead of the documented 201.
    create_status_200: bool,
    /// Answer batch creates without keeping what they create (benchmarks of millions).
    forget_creations: bool,
    /// List pages point back and forth between two cursors forever.
    cycle_paging: bool,
    /// Targets per input in one batch read answer; more come as that input's next page.
    read_page_size: Option<usize>,
    /// Send this association category instead of the real one.
    category_override: Option<String>,
    /// CRM object records, batches and searches.
    objects: crm_objects::Objects,
    /// OAuth access and refresh tokens.
    oauth: oauth::OAuthState,
    seen: Vec<Seen>,
    stats: Stats,
    /// Requests checked against the rate limit, in the order their answers were ready.
    timeline: Vec<Counted>,
}

/// A request checked against the rate limit: when it was counted (its arrival, as HubSpot
/// counts it), whether it was refused, and how long after its arrival its answer was ready.
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    pub arrived: Instant,
    pub refused: bool,
    pub served_in: Duration,
}

/// Counts kept by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: usize,
    pub rate_limited: usize,
    pub server_errors: usize,
}

/// A running fake HubSpot; stops when dropped.
///
/// It runs on a runtime of its own, as HubSpot runs elsewhere: its request handling never
/// holds up the threads (and timers) of the client under test. It serves requests
/// concurrently, as HubSpot does, on a thread per core: the state's lock is held while a
/// request changes the state, not while a batch answer is written, so one request's answer
/// does not wait for another's.
pub struct FakeHubSpot {
    pub base_url: String,
    state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for FakeHubSpot {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Allowed inside an async context, unlike dropping the runtime.
            runtime.shutdown_background();
        }
    }
}

/// The token the fake server accepts unless told otherwise.
pub const TOKEN: &str = "pat-na1-11111111-2222-3333-4444-555555555555";

impl FakeHubSpot {
    pub fn start() -> FakeHubSpot {
        let state = Arc::new(Mutex::new(State {
            token: TOKEN.to_owned(),
            next_type_id: 1000,
            ..State::default()
        }));
        let app_state = state.clone();
        let app = Router::new().fallback(
            move |ConnectInfo(reset): ConnectInfo<ResetSwitch>,
                  method: Method,
                  uri: Uri,
                  headers: HeaderMap,
                  body: Bytes| {
                let state = app_state.clone();
                async move { handle(state, reset, method, uri, headers, body).await }
            },
        );
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking socket");
        let address = listener.local_addr().expect("local address");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("fake-hubspot")
            .enable_all()
            .build()
            .expect("the fake HubSpot's runtime");
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let app = app.into_make_service_with_connect_info::<ResetSwitch>();
            let _ = axum::serve(ResettableListener::new(listener), app).await;
        });
        FakeHubSpot {
            base_url: format!("http://{address}"),
            state,
            runtime: Some(runtime),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().expect("state lock"))
    }

    /// Injects `fault` into the next response (after those already queued).
    pub fn queue(&self, fault: Fault) {
        self.with(|s| s.queued.push_back(fault));
    }

    /// Answers `rate_limited` percent of requests with 429 and `unavailable` percent with 503.
    pub fn random_faults(&self, rate_limited: u32, unavailable: u32) {
        self.with(|s| s.random_faults = Some((rate_limited, unavailable)));
    }

    /// Enforces a rate limit like HubSpot's: an exact sliding window of `max` requests in
    /// any `interval`, each counted when it arrives; beyond it, 429 `TEN_SECONDLY_ROLLING`
    /// with HubSpot's body, and every third 429 with `Retry-After` (whole seconds until the
    /// window has room). Every answer carries `X-HubSpot-RateLimit-Max`,
    /// `-Interval-Milliseconds` and `-Remaining`. A refused request does not count in the
    /// window unless [`count_refused_requests`](Self::count_refused_requests) says so.
    pub fn rate_limit(&self, max: usize, interval: Duration) {
        self.with(|s| {
            s.limit = Some((max, interval));
            s.retry_after_every = 3;
        });
    }

    /// Makes requests refused with 429 count in the window as well, as a limiter might that
    /// logs every arrival: then overshooting the limit costs everyone, for a whole window.
    pub fn count_refused_requests(&self, count: bool) {
        self.with(|s| s.count_refused = count);
    }

    /// How many times batch create applied an input with this source id.
    pub fn times_created(&self, from_id: &str) -> usize {
        self.with(|s| s.created.get(from_id).copied().unwrap_or(0))
    }

    /// Rejects (in a 207 answer) every batch input whose source id is one of these, as a
    /// `VALIDATION_ERROR` that also names the target; the item shapes take turns.
    pub fn reject_ids(&self, ids: impl IntoIterator<Item = String>) {
        let shapes = ItemShape::ALL.into_iter().cycle();
        self.with(|s| {
            for (id, shape) in ids.into_iter().zip(shapes) {
                let rejection = Rejection {
                    category: "VALIDATION_ERROR".to_owned(),
                    names_target: true,
                    shape,
                };
                s.rejections.insert(id, rejection);
            }
        });
    }

    /// Rejects (in a 207 answer) every batch input whose source id is `id`, worded so.
    pub fn reject(&self, id: impl Into<String>, rejection: Rejection) {
        self.with(|s| {
            s.rejections.insert(id.into(), rejection);
        });
    }

    /// Accepts `token` instead of [`TOKEN`].
    pub fn accept_token(&self, token: &str) {
        self.with(|s| s.token = token.to_owned());
    }

    /// Makes list answers send the cursors `1`, `0`, `1`, ... forever.
    pub fn cycle_paging(&self) {
        self.with(|s| s.cycle_paging = true);
    }

    /// Pages each input of a batch read after `size` targets.
    pub fn read_page_size(&self, size: usize) {
        self.with(|s| s.read_page_size = Some(size));
    }

    /// Answers association batch creates as usual but keeps nothing of them, so a benchmark
    /// of millions of inputs measures the client, not the fake's memory.
    pub fn forget_creations(&self) {
        self.with(|s| s.forget_creations = true);
    }

    pub fn answer_create_with_200(&self) {
        self.with(|s| s.create_status_200 = true);
    }

    pub fn send_category(&self, category: &str) {
        self.with(|s| s.category_override = Some(category.to_owned()));
    }

    /// When the OAuth access tokens this fake issues expire.
    pub fn oauth_expiry(&self, expiry: Expiry) {
        self.with(|s| s.oauth.expiry = expiry);
    }

    /// An OAuth access token issued now, as if by an earlier refresh.
    pub fn issue_access_token(&self) -> String {
        self.with(|s| s.oauth.issue())
    }

    /// Every OAuth access token issued so far expires now, while its holder may still
    /// believe it has most of its life ahead; tokens issued later live as usual.
    pub fn expire_access_tokens(&self) {
        self.with(|s| s.oauth.expire_access());
    }

    /// The next token requests get these statuses instead of a refresh, one each, as from
    /// a proxy or an outage in front of the endpoint.
    pub fn token_endpoint_outages(&self, statuses: &[u16]) {
        self.with(|s| s.oauth.outages.extend(statuses));
    }

    /// The next refresh is done (and its refresh token rotated) at once, but its answer
    /// takes `delay` to leave.
    pub fn delay_next_token_answer(&self, delay: Duration) {
        self.with(|s| s.oauth.answer_delay = Some(delay));
    }

    /// The next refresh issues an access token no header can carry (a space in it).
    pub fn issue_unsendable_access_token_next(&self) {
        self.with(|s| s.oauth.unsendable_next = true);
    }

    /// Every refresh token stops working, as when the app is uninstalled.
    pub fn revoke_refresh_tokens(&self) {
        self.with(|s| s.oauth.revoke());
    }

    /// Refreshes granted, and refused.
    pub fn oauth_refreshes(&self) -> (usize, usize) {
        self.with(|s| (s.oauth.refreshes, s.oauth.refused_refreshes))
    }

    /// HubSpot's limits on CRM object batches and searches, lowered or raised.
    pub fn object_limits(&self, limits: ObjectLimits) {
        self.with(|s| s.objects.limits = limits);
    }

    /// Creates `count` records of `object_type`, ids in creation order.
    pub fn seed_objects(&self, object_type: &str, count: usize) {
        self.with(|s| s.objects.seed(object_type, count));
    }

    pub fn object_count(&self, object_type: &str) -> usize {
        self.with(|s| s.objects.count(object_type))
    }

    /// How many records of `object_type` have `property` = `value`.
    pub fn objects_with(&self, object_type: &str, property: &str, value: &str) -> usize {
        self.with(|s| s.objects.count_with(object_type, property, value))
    }

    /// How many different values `property` has among the records of `object_type`.
    pub fn objects_distinct(&self, object_type: &str, property: &str) -> usize {
        self.with(|s| s.objects.distinct(object_type, property))
    }

    /// Inputs each CRM object batch request carried, in arrival order, refused ones too.
    pub fn object_batch_sizes(&self) -> Vec<usize> {
        self.with(|s| s.objects.batch_sizes.clone())
    }

    /// Searches answered, and searches refused by the search limit.
    pub fn searches(&self) -> (usize, usize) {
        self.with(|s| (s.objects.searches, s.objects.searches_refused))
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.with(|s| s.seen.clone())
    }

    pub fn stats(&self) -> Stats {
        self.with(|s| s.stats.clone())
    }

    /// Requests checked against the rate limit, in the order their answers were ready.
    pub fn timeline(&self) -> Vec<Counted> {
        self.with(|s| s.timeline.clone())
    }

    /// How many records of `to_type` are associated with (`from_type`, `from_id`).
    pub fn association_count(&self, from_type: &str, from_id: &str, to_type: &str) -> usize {
        self.with(|s| {
            s.associations
                .get(&(from_type.to_owned(), from_id.to_owned(), to_type.to_owned()))
                .map_or(0, BTreeMap::len)
        })
    }

    /// Associations of all records, counted in both directions' source side only.
    pub fn total_associations(&self) -> usize {
        self.with(|s| s.associations.values().map(BTreeMap::len).sum())
    }
}

fn now() -> String {
    "2026-03-01T12:00:00.000Z".to_owned()
}

/// An id as the live API sends it: a number when it is one.
fn id_value(id: &str) -> Value {
    id.parse::<u64>().map_or_else(|_| json!(id), |n| json!(n))
}

fn error(status: u16, category: &str, message: &str) -> Response {
    let body = json!({
        "status": "error",
        "message": message,
        "correlationId": "5b3c2a4e-0000-4000-8000-00000000c0de",
        "category": category,
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(body),
    )
        .into_response()
}

fn rate_limited(policy: &str, retry_after: Option<u64>) -> Response {
    let body = json!({
        "status": "error",
        "message": "You have reached your secondly limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c0ffee00-0000-4000-8000-000000000429",
        "policyName": policy,
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "x-hubspot-ratelimit-daily",
        "500000".parse().expect("header"),
    );
    headers.insert(
        "x-hubspot-ratelimit-daily-remaining",
        if policy == "DAILY" { "0" } else { "499000" }
            .parse()
            .expect("header"),
    );
    if let Some(seconds) = retry_after {
        headers.insert("retry-after", seconds.to_string().parse().expect("header"));
    }
    response
}

async fn handle(
    state: Arc<Mutex<State>>,
    reset: ResetSwitch,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let search = {
        let segments: Vec<String> = uri.path().split('/').skip(1).map(decode).collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        crm_objects::is_search(&method, &segments)
    };
    let seen = Seen {
        method: method.to_string(),
        raw_path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    // The token endpoint takes the app's credentials in its form, not a bearer token.
    if method == Method::POST && oauth::is_token_endpoint(uri.path()) {
        let (answer, delay) = {
            let mut s = state.lock().expect("state lock");
            s.stats.requests += 1;
            s.seen.push(seen);
            s.oauth.token_endpoint(&body)
        };
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        return answer;
    }
    let (fault, remaining, counted) = {
        let mut s = state.lock().expect("state lock");
        s.stats.requests += 1;
        s.seen.push(seen);
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let verdict = match bearer {
            Some(token) if token == s.token => oauth::Bearer::Valid,
            Some(token) => s.oauth.check(token),
            None => oauth::Bearer::Unknown,
        };
        match verdict {
            oauth::Bearer::Valid => {}
            oauth::Bearer::Expired => return oauth::expired(),
            oauth::Bearer::Unknown => {
                return error(
                    401,
                    "INVALID_AUTHENTICATION",
                    "Authentication credentials not found.",
                )
            }
        }
        let mut fault = s.queued.pop_front();
        if fault.is_none() {
            if let Some((limited, unavailable)) = s.random_faults {
                let roll = fastrand::u32(0..100);
                if roll < limited {
                    fault = Some(Fault::RateLimit {
                        policy: "TEN_SECONDLY_ROLLING",
                        retry_after: None,
                    });
                } else if roll < limited + unavailable {
                    fault = Some(Fault::Status(503));
                }
            }
        }
        if fault.is_none() && search && s.objects.search_refused() {
            fault = Some(Fault::RateLimit {
                policy: "SECONDLY",
                retry_after: None,
            });
        }
        let mut counted = None;
        if fault.is_none() {
            if let Some((max, interval)) = s.limit {
                let now = Instant::now();
                while s
                    .window
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= interval)
                {
                    s.window.pop_front();
                }
                counted = Some((now, s.window.len() >= max));
                if s.window.len() >= max {
                    let every = s.retry_after_every;
                    let with_retry_after =
                        every > 0 && (s.stats.rate_limited + 1).is_multiple_of(every);
                    let room_in = s.window.front().map_or(Duration::ZERO, |oldest| {
                        interval.saturating_sub(now.duration_since(*oldest))
                    });
                    fault = Some(Fault::RateLimit {
                        policy: "TEN_SECONDLY_ROLLING",
                        retry_after: with_retry_after
                            .then(|| room_in.as_secs() + u64::from(room_in.subsec_nanos() > 0)),
                    });
                    if s.count_refused {
                        s.window.push_back(now);
                    }
                } else {
                    s.window.push_back(now);
                }
            }
        }
        match &fault {
            Some(Fault::RateLimit { .. }) => s.stats.rate_limited += 1,
            Some(Fault::Status(status)) if *status >= 500 => s.stats.server_errors += 1,
            _ => {}
        }
        // What is left in the window once this request counted, as HubSpot reports it.
        let remaining = match (&fault, s.limit) {
            (Some(Fault::RateLimit { .. }), _) => 0,
            (_, Some((max, _))) => max.saturating_sub(s.window.len()),
            (_, None) => 0,
        };
        (fault, remaining, counted)
    };
    // Read after the request is counted: HubSpot counts a request on arrival.
    let body_json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut response = match fault {
        Some(Fault::RateLimit {
            policy,
            retry_after,
        }) => rate_limited(policy, retry_after),
        Some(Fault::Status(status)) => error(status, "SERVICE_UNAVAILABLE", "Injected failure."),
        Some(Fault::Drop) => {
            let broken = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("dropped"))
            });
            return Response::builder()
                .status(200)
                .body(Body::from_stream(broken))
                .expect("response");
        }
        Some(Fault::Reset) => {
            let carried_out = route(&state, &method, uri.path(), uri.query(), &body_json);
            reset.reset();
            carried_out
        }
        Some(Fault::Redirect(location)) => {
            let mut response = StatusCode::FOUND.into_response();
            response
                .headers_mut()
                .insert("location", location.parse().expect("header"));
            response
        }
        Some(Fault::Answer {
            status,
            content_type,
            body,
        }) => {
            let status = StatusCode::from_u16(status).expect("status");
            (status, [("content-type", content_type)], body).into_response()
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            route(&state, &method, uri.path(), uri.query(), &body_json)
        }
        Some(Fault::SlowBody(delay)) => {
            let (parts, body) =
                route(&state, &method, uri.path(), uri.query(), &body_json).into_parts();
            let delayed = futures_util::stream::once(async move {
                tokio::time::sleep(delay).await;
                axum::body::to_bytes(body, usize::MAX).await
            });
            Response::from_parts(parts, Body::from_stream(delayed))
        }
        None => route(&state, &method, uri.path(), uri.query(), &body_json),
    };
    let limit = {
        let mut s = state.lock().expect("state lock");
        if let Some((arrived, refused)) = counted {
            s.timeline.push(Counted {
                arrived,
                refused,
                served_in: arrived.elapsed(),
            });
        }
        s.limit
    };
    // Search answers carry no rate limit headers: its limit is its own.
    if let Some((max, interval)) = limit.filter(|_| !search) {
        let headers = response.headers_mut();
        headers.insert(
            "x-hubspot-ratelimit-remaining",
            remaining.to_string().parse().expect("header"),
        );
        headers.insert(
            "x-hubspot-ratelimit-max",
            max.to_string().parse().expect("header"),
        );
        headers.insert(
            "x-hubspot-ratelimit-interval-milliseconds",
            interval.as_millis().to_string().parse().expect("header"),
        );
    }
    response
}

/// Percent-decodes one path segment.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&segment[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(
    state: &Arc<Mutex<State>>,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &Value,
) -> Response {
    let segments: Vec<String> = path.split('/').skip(1).map(decode).collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let mut state = state.lock().expect("state lock");
    if let Some(response) = crm_objects::route(&mut state.objects, method, &s, body) {
        return response;
    }
    match (method.as_str(), s.as_slice()) {
        // Batch association calls.
        ("POST", ["crm", "v4", "associations", from, to, "batch", rest @ ..])
        | ("POST", ["crm", "associations", "2026-03", from, to, "batch", rest @ ..]) => {
            let v4 = s[1] == "v4";
            batch(&mut state, v4, from, to, rest, body)
        }
        // One record's associations.
        ("GET", ["crm", "v4", "objects", ot, oid, "associations", tt])
        | ("GET", ["crm", "objects", "2026-03", ot, oid, "associations", tt]) => {
            list(&state, ot, oid, tt, query)
        }
        ("PUT", ["crm", "v4", "objects", ft, fid, "associations", "default", tt, tid])
        | ("PUT", ["crm", "objects", "2026-03", ft, fid, "associations", "default", tt, tid]) => {
            associate(
                &mut state,
                ft,
                fid,
                tt,
                tid,
                [("HUBSPOT_DEFINED".to_owned(), 1)],
            );
            let result = json!({"from": {"id": id_value(fid)}, "to": {"id": id_value(tid)},
                "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}});
            batch_body(vec![result], Vec::new())
        }
        ("PUT", ["crm", "v4", "objects", ot, oid, "associations", tt, tid])
        | ("PUT", ["crm", "objects", "2026-03", ot, oid, "associations", tt, tid]) => {
            let specs = specs(body);
            let labels: Vec<Value> = specs
                .iter()
                .filter_map(|(_, id)| label_name(&state, ot, tt, *id))
                .map(Value::String)
                .collect();
            associate(&mut state, ot, oid, tt, tid, specs);
            let mut response = (StatusCode::CREATED, axum::Json(json!({
                "fromObjectTypeId": ot, "fromObjectId": id_value(oid), "toObjectTypeId": tt, "toObjectId": id_value(tid), "labels": labels,
            })))
                .into_response();
            response
                .headers_mut()
                .insert("location", "/crm/v4/objects".parse().expect("header"));
            response
        }
        ("DELETE", ["crm", "v4", "objects", ot, oid, "associations", tt, tid])
        | ("DELETE", ["crm", "objects", "2026-03", ot, oid, "associations", tt, tid]) => {
            unassociate(&mut state, ot, oid, tt, tid, None);
            StatusCode::NO_CONTENT.into_response()
        }
        // Labels.
        (_, ["crm", "associations", "v4" | "2026-03", from, to, "labels", rest @ ..]) => {
            labels(&mut state, method, from, to, rest, body)
        }
        _ => error(
            404,
            "OBJECT_NOT_FOUND",
            &format!("no route for {method} {path}"),
        ),
    }
}

/// The `AssociationSpec`s of a JSON array (absent or not an array: none).
fn specs(items: &Value) -> Vec<(String, i64)> {
    let items = items.as_array().map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .map(|spec| {
            (
                spec["associationCategory"]
                    .as_str()
                    .unwrap_or("HUBSPOT_DEFINED")
                    .to_owned(),
                spec["associationTypeId"].as_i64().unwrap_or(1),
            )
        })
        .collect()
}

fn label_name(state: &State, from: &str, to: &str, type_id: i64) -> Option<String> {
    state
        .labels
        .get(&(from.to_owned(), to.to_owned()))
        .and_then(|labels| labels.iter().find(|(id, _, _)| *id == type_id))
        .map(|(_, label, _)| label.clone())
}

fn associate(
    state: &mut State,
    ft: &str,
    fid: &str,
    tt: &str,
    tid: &str,
    specs: impl IntoIterator<Item = (String, i64)>,
) {
    state
        .associations
        .entry((ft.to_owned(), fid.to_owned(), tt.to_owned()))
        .or_default()
        .entry(tid.to_owned())
        .or_default()
        .extend(specs);
}

fn unassociate(
    state: &mut State,
    ft: &str,
    fid: &str,
    tt: &str,
    tid: &str,
    only: Option<&[(String, i64)]>,
) {
    let key = (ft.to_owned(), fid.to_owned(), tt.to_owned());
    let Some(targets) = state.associations.get_mut(&key) else {
        return;
    };
    match only {
        None => {
            targets.remove(tid);
        }
        Some(specs) => {
            if let Some(existing) = targets.get_mut(tid) {
                for spec in specs {
                    existing.remove(spec);
                }
                if existing.is_empty() {
                    targets.remove(tid);
                }
            }
        }
    }
    if targets.is_empty() {
        state.associations.remove(&key);
    }
}

fn association_types(
    state: &State,
    ft: &str,
    tt: &str,
    specs: &BTreeSet<(String, i64)>,
) -> Vec<Value> {
    specs
        .iter()
        .map(|(category, id)| {
            let category = state
                .category_override
                .clone()
                .unwrap_or_else(|| category.clone());
            json!({"category": category, "typeId": id, "label": label_name(state, ft, tt, *id)})
        })
        .collect()
}

fn batch_body(results: Vec<Value>, errors: Vec<Value>) -> Response {
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": now(),
        "completedAt": now(),
        "requestedAt": null,
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        body["numErrors"] = json!(errors.len());
        body["errors"] = Value::Array(errors);
        StatusCode::MULTI_STATUS
    };
    // Written when the answer is sent, after the state's lock is released: a large answer
    // holds up no other request.
    let written = futures_util::stream::once(async move {
        serde_json::to_vec(&body).map_err(std::io::Error::other)
    });
    (
        status,
        [("content-type", "application/json")],
        Body::from_stream(written),
    )
        .into_response()
}

/// The error item for a rejected input with source `id` and, for a pair, `target`.
fn rejection(id: &str, target: Option<&str>, how: &Rejection) -> Value {
    let category = how.category.as_str();
    let message = match category {
        "VALIDATION_ERROR" => format!("Record {id} cannot be associated."),
        "OBJECT_NOT_FOUND" => format!("Record {id} does not exist."),
        other => format!("Record {id} was rejected: {other}."),
    };
    let mut context = json!({"fromObjectId": [id]});
    if let (true, Some(target)) = (how.names_target, target) {
        context["toObjectId"] = json!([target]);
    }
    let mut item = json!({
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
    });
    match how.shape {
        ItemShape::Full => {
            item["errors"] = json!([]);
            item["links"] = json!({});
        }
        ItemShape::Bare => {}
        ItemShape::NullErrors => item["errors"] = Value::Null,
    }
    item
}

fn batch(
    state: &mut State,
    v4: bool,
    from: &str,
    to: &str,
    rest: &[&str],
    body: &Value,
) -> Response {
    let inputs = body["inputs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if inputs.len() > 1000 {
        return error(400, "VALIDATION_ERROR", "Batch input limit is 1000.");
    }
    let id = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    match rest {
        ["create"] => {
            for input in inputs {
                let (fid, tid) = (id(&input["from"]["id"]), id(&input["to"]["id"]));
                if let Some(how) = state.rejections.get(&fid) {
                    errors.push(rejection(&fid, Some(&tid), how));
                    continue;
                }
                let specs = specs(&input["types"]);
                let labels: Vec<Value> = specs
                    .iter()
                    .filter_map(|(_, t)| label_name(state, from, to, *t))
                    .map(Value::String)
                    .collect();
                if !state.forget_creations {
                    associate(state, from, &fid, to, &tid, specs);
                    *state.created.entry(fid.clone()).or_default() += 1;
                }
                results.push(json!({"fromObjectTypeId": from, "fromObjectId": id_value(&fid), "toObjectTypeId": to, "toObjectId": id_value(&tid), "labels": labels}));
            }
            let mut response = batch_body(results, errors);
            if response.status() == StatusCode::OK && !state.create_status_200 {
                *response.status_mut() = StatusCode::CREATED;
            }
            response
        }
        ["associate", "default"] => {
            for input in inputs {
                let (fid, tid) = (id(&input["from"]["id"]), id(&input["to"]["id"]));
                associate(
                    state,
                    from,
                    &fid,
                    to,
                    &tid,
                    [("HUBSPOT_DEFINED".to_owned(), 1)],
                );
                results.push(json!({"from": {"id": id_value(&fid)}, "to": {"id": id_value(&tid)},
                    "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}}));
            }
            batch_body(results, errors)
        }
        ["read"] => {
            for input in inputs {
                let fid = id(&input["id"]);
                if let Some(how) = state.rejections.get(&fid) {
                    errors.push(rejection(&fid, None, how));
                    continue;
                }
                let targets = state
                    .associations
                    .get(&(from.to_owned(), fid.clone(), to.to_owned()))
                    .cloned()
                    .unwrap_or_default();
                let after = match input["after"].as_str() {
                    None => 0,
                    // A cursor it did not hand out pages past the end, as the live API does.
                    Some(cursor) => read_cursor(cursor).unwrap_or(usize::MAX),
                };
                let size = state.read_page_size.unwrap_or(usize::MAX);
                let to_list: Vec<Value> = targets
                    .iter()
                    .skip(after)
                    .take(size)
                    .map(|(tid, specs)| json!({"toObjectId": id_value(tid), "associationTypes": association_types(state, from, to, specs)}))
                    .collect();
                let mut result = json!({"from": {"id": id_value(&fid)}, "to": to_list});
                if after.saturating_add(size) < targets.len() {
                    let next = cursor(after + size);
                    result["paging"] =
                        json!({"next": {"after": next, "link": format!("?after={next}")}});
                }
                results.push(result);
            }
            batch_body(results, errors)
        }
        ["archive"] | ["labels", "archive"] => {
            let labels_only = rest.len() == 2;
            for input in inputs {
                let fid = id(&input["from"]["id"]);
                if labels_only {
                    let tid = id(&input["to"]["id"]);
                    let only = specs(&input["types"]);
                    unassociate(state, from, &fid, to, &tid, Some(&only));
                } else {
                    for target in input["to"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                    {
                        unassociate(state, from, &fid, to, &id(&target["id"]), None);
                    }
                }
            }
            if v4 {
                StatusCode::NO_CONTENT.into_response()
            } else {
                batch_body(Vec::new(), Vec::new())
            }
        }
        _ => error(404, "OBJECT_NOT_FOUND", "unknown batch operation"),
    }
}

fn list(state: &State, ot: &str, oid: &str, tt: &str, query: Option<&str>) -> Response {
    let mut after = 0usize;
    let mut limit = 500usize;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            // Read literally: a cursor encoded again pages past the end, as on the live API.
            "after" => after = read_cursor(value).unwrap_or(usize::MAX),
            "limit" => limit = value.parse::<usize>().unwrap_or(500).clamp(1, 500),
            _ => {}
        }
    }
    let targets = state
        .associations
        .get(&(ot.to_owned(), oid.to_owned(), tt.to_owned()))
        .cloned()
        .unwrap_or_default();
    let page: Vec<Value> = targets
        .iter()
        .skip(after)
        .take(limit)
        .map(|(tid, specs)| json!({"toObjectId": id_value(tid), "associationTypes": association_types(state, ot, tt, specs)}))
        .collect();
    let mut body = json!({"results": page});
    if state.cycle_paging {
        let next = cursor(if after == 0 { 1 } else { 0 });
        body["paging"] = json!({"next": {"after": next}});
    } else if after.saturating_add(limit) < targets.len() {
        let next = cursor(after + limit);
        body["paging"] = json!({"next": {"after": next, "link": format!("?after={next}")}});
    }
    axum::Json(body).into_response()
}

/// The start of every cursor: `OFFSET` in base64.
const CURSOR_PREFIX: &str = "T0ZGU0VU";
/// Its end: base64 padding, percent-encoded as HubSpot hands it out.
const CURSOR_PADDING: &str = "%3D%3D";

/// The cursor of the page that starts at `offset`, shaped like HubSpot's: base64-looking text
/// whose `=` padding comes already percent-encoded.
pub fn cursor(offset: usize) -> String {
    format!("{CURSOR_PREFIX}{offset}{CURSOR_PADDING}")
}

/// The offset of a cursor exactly as [`cursor`] wrote it; anything else (a cursor whose `%`
/// was encoded again, or decoded) is not one.
pub fn read_cursor(text: &str) -> Option<usize> {
    text.strip_prefix(CURSOR_PREFIX)?
        .strip_suffix(CURSOR_PADDING)?
        .parse()
        .ok()
}

fn labels(
    state: &mut State,
    method: &Method,
    from: &str,
    to: &str,
    rest: &[&str],
    body: &Value,
) -> Response {
    let key = (from.to_owned(), to.to_owned());
    let all = |state: &State| -> Value {
        let labels = state.labels.get(&key).cloned().unwrap_or_default();
        json!({"results": labels.iter().map(|(id, label, _)| json!({
            "category": "USER_DEFINED", "typeId": id, "label": label, "fromObjectTypeId": from, "toObjectTypeId": to,
        })).collect::<Vec<_>>()})
    };
    match (method.as_str(), rest) {
        ("GET", []) => axum::Json(all(state)).into_response(),
        ("POST", []) => {
            let (Some(label), Some(_name)) = (body["label"].as_str(), body["name"].as_str()) else {
                return error(400, "VALIDATION_ERROR", "label and name are required");
            };
            state.next_type_id += 1;
            let id = state.next_type_id;
            let inverse = body["inverseLabel"].as_str().map(str::to_owned);
            state
                .labels
                .entry(key.clone())
                .or_default()
                .push((id, label.to_owned(), inverse));
            axum::Json(all(state)).into_response()
        }
        ("PUT", []) => {
            let (Some(id), Some(label)) =
                (body["associationTypeId"].as_i64(), body["label"].as_str())
            else {
                return error(
                    400,
                    "VALIDATION_ERROR",
                    "associationTypeId and label are required",
                );
            };
            match state
                .labels
                .get_mut(&key)
                .and_then(|l| l.iter_mut().find(|(i, _, _)| *i == id))
            {
                Some(entry) => {
                    entry.1 = label.to_owned();
                    StatusCode::NO_CONTENT.into_response()
                }
                None => error(404, "OBJECT_NOT_FOUND", "no such label"),
            }
        }
        ("DELETE", [id]) => {
            let id: i64 = id.parse().unwrap_or(-1);
            let labels = state.labels.entry(key).or_default();
            let before = labels.len();
            labels.retain(|(i, _, _)| *i != id);
            if labels.len() == before {
                error(404, "OBJECT_NOT_FOUND", "no such label")
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }
        _ => error(405, "METHOD_NOT_ALLOWED", "unsupported labels call"),
    }
}
