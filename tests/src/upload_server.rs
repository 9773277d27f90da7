//! A loopback stand-in for HubSpot's endpoints that are not JSON: file uploads, the OAuth
//! token form, text and byte bodies, and answers of text and bytes. It records what arrived,
//! read by axum's own extractors (`Multipart`, which is `multer`, and `Form`), not by the
//! code under test, and can refuse the next requests with a rolling-window 429 after reading
//! them whole.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Form, Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;

/// The IP ranges `GET /ip-ranges/simple` answers with.
pub const IP_RANGES: &str = "54.174.52.0/24\n54.174.53.0/24\n";

/// The tokens `POST /oauth/v9/token` issues.
pub const ISSUED_ACCESS_TOKEN: &str = "CN2zlYnmLBICAQIYgZXFLyCWp1Yo-at-SECRET";
pub const ISSUED_REFRESH_TOKEN: &str = "na1-6d3f-rt-SECRET";

/// The spreadsheet `GET /export` answers with: not UTF-8.
pub const SPREADSHEET: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0xFF];

/// One part of a multipart form as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One request as it arrived.
#[derive(Clone, Debug, Default)]
pub struct Arrival {
    pub path: String,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub accept: Option<String>,
    /// The `Authorization` header, if one came.
    pub authorization: Option<String>,
    /// A multipart form's parts, in order.
    pub parts: Vec<ReceivedPart>,
    /// A form's pairs, in order.
    pub form: Vec<(String, String)>,
    /// Any other body.
    pub bytes: Vec<u8>,
}

#[derive(Default)]
struct Inner {
    arrivals: Vec<Arrival>,
    /// Requests still to refuse with 429.
    refuse: usize,
}

type Shared = Arc<Mutex<Inner>>;

pub struct UploadServer {
    pub base_url: String,
    inner: Shared,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for UploadServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl UploadServer {
    /// Serves on 127.0.0.1, on a runtime of its own.
    pub fn start() -> UploadServer {
        let inner = Shared::default();
        let app = Router::new()
            .route("/files/v3/files", post(upload))
            .route("/oauth/v1/token", post(token))
            .route("/oauth/v9/token", post(exchange))
            .route("/automation/functions/{id}", put(raw))
            .route("/images/{id}", put(raw))
            .route("/ip-ranges/simple", get(ip_ranges))
            .route("/export", get(export))
            .with_state(inner.clone());
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking socket");
        let address = listener.local_addr().expect("local address");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("upload-server")
            .enable_all()
            .build()
            .expect("the upload server's runtime");
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let _ = axum::serve(listener, app).await;
        });
        UploadServer {
            base_url: format!("http://{address}"),
            inner,
            runtime: Some(runtime),
        }
    }

    /// Answers the next `count` requests with 429 (`Retry-After: 0`), after reading them.
    pub fn refuse_next(&self, count: usize) {
        self.inner.lock().expect("server state").refuse = count;
    }

    /// What arrived so far, in order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.inner.lock().expect("server state").arrivals.clone()
    }
}

fn arrival(path: &str, headers: &HeaderMap) -> Arrival {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Arrival {
        path: path.to_owned(),
        content_type: text(header::CONTENT_TYPE),
        content_length: text(header::CONTENT_LENGTH).and_then(|l| l.parse().ok()),
        accept: text(header::ACCEPT),
        authorization: text(header::AUTHORIZATION),
        ..Arrival::default()
    }
}

/// Records the arrival; a 429 if the server is told to refuse it.
fn record(inner: &Shared, arrival: Arrival) -> Option<Response> {
    let mut inner = inner.lock().expect("server state");
    inner.arrivals.push(arrival);
    if inner.refuse == 0 {
        return None;
    }
    inner.refuse -= 1;
    let body = json!({"status": "error", "message": "You have reached your ten secondly limit.",
        "errorType": "RATE_LIMIT", "correlationId": "c-429", "policyName": "TEN_SECONDLY_ROLLING"});
    Some(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "0")],
            Json(body),
        )
            .into_response(),
    )
}

async fn upload(State(inner): State<Shared>, headers: HeaderMap, mut form: Multipart) -> Response {
    let mut arrived = arrival("/files/v3/files", &headers);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                let content_type = field.content_type().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) => arrived.parts.push(ReceivedPart {
                        name,
                        file_name,
                        content_type,
                        bytes: bytes.to_vec(),
                    }),
                    Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
                }
            }
            Ok(None) => break,
            Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        }
    }
    let file_name = arrived
        .parts
        .iter()
        .find_map(|p| p.file_name.clone())
        .unwrap_or_default();
    if let Some(refused) = record(&inner, arrived) {
        return refused;
    }
    (
        StatusCode::CREATED,
        Json(json!({"id": "9001", "name": file_name})),
    )
        .into_response()
}

async fn token(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut arrived = arrival("/oauth/v1/token", &headers);
    arrived.form = pairs;
    if let Some(refused) = record(&inner, arrived) {
        return refused;
    }
    Json(json!({"access_token": "CN2zlYnmLBICAQIYgZXFLyCWp1Yo", "expires_in": 1800}))
        .into_response()
}

/// OAuth's token exchange as HubSpot answers it: the tokens; for a `code` starting with
/// `unknown`, a refusal that repeats the code; for one starting with `odd`, tokens with an
/// `expires_in` that is not a number.
async fn exchange(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let code = pairs
        .iter()
        .find(|(key, _)| key == "code")
        .map(|(_, code)| code.clone())
        .unwrap_or_default();
    let mut arrived = arrival("/oauth/v9/token", &headers);
    arrived.form = pairs;
    if let Some(refused) = record(&inner, arrived) {
        return refused;
    }
    if code.starts_with("unknown") {
        let body = json!({"status": "BAD_AUTH_CODE", "message": format!("missing or unknown auth code {code}"),
            "correlationId": "c-400"});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let expires_in = if code.starts_with("odd") {
        json!("in half an hour")
    } else {
        json!(1800)
    };
    Json(
        json!({"token_type": "bearer", "access_token": ISSUED_ACCESS_TOKEN,
        "refresh_token": ISSUED_REFRESH_TOKEN, "expires_in": expires_in}),
    )
    .into_response()
}

async fn raw(
    State(inner): State<Shared>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut arrived = arrival(uri.path(), &headers);
    arrived.bytes = body.to_vec();
    if let Some(refused) = record(&inner, arrived) {
        return refused;
    }
    Json(json!({"id": "f-1"})).into_response()
}

async fn ip_ranges(State(inner): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(refused) = record(&inner, arrival("/ip-ranges/simple", &headers)) {
        return refused;
    }
    ([(header::CONTENT_TYPE, "text/plain")], IP_RANGES).into_response()
}

async fn export(State(inner): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(refused) = record(&inner, arrival("/export", &headers)) {
        return refused;
    }
    (
        [(header::CONTENT_TYPE, "application/vnd.ms-excel")],
        SPREADSHEET,
    )
        .into_response()
}
