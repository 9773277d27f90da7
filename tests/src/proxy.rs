//! A forward HTTP proxy on 127.0.0.1 that records every request it carries: what a
//! corporate proxy sees of a client configured to go through it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use hubspot_associations::runtime::reqwest;

/// One request as the proxy carried it.
#[derive(Clone, Debug)]
pub struct Carried {
    pub method: String,
    /// The absolute URL the client asked the proxy for.
    pub url: String,
    /// The `Authorization` header, if one came.
    pub authorization: Option<String>,
}

pub struct RecordingProxy {
    /// `http://127.0.0.1:PORT`, for `reqwest::Proxy::http`.
    pub url: String,
    carried: Arc<Mutex<Vec<Carried>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl RecordingProxy {
    /// Serves on 127.0.0.1, on a runtime of its own, forwarding each request as it came
    /// (method, headers, body) and each answer as it came back, redirects included.
    pub fn start() -> RecordingProxy {
        let carried = Arc::new(Mutex::new(Vec::new()));
        let upstream = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the proxy's own client");
        let record = carried.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let (record, upstream) = (record.clone(), upstream.clone());
                async move { forward(&record, &upstream, method, uri, headers, body).await }
            },
        );
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking socket");
        let address = listener.local_addr().expect("local address");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("recording-proxy")
            .enable_all()
            .build()
            .expect("the proxy's runtime");
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let _ = axum::serve(listener, app).await;
        });
        RecordingProxy {
            url: format!("http://{address}"),
            carried,
            runtime: Some(runtime),
        }
    }

    /// Every request carried so far, in order of arrival.
    pub fn carried(&self) -> Vec<Carried> {
        self.carried.lock().unwrap().clone()
    }
}

async fn forward(
    record: &Mutex<Vec<Carried>>,
    upstream: &reqwest::Client,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // A client talking to a proxy names the whole URL; anything else did not come through
    // a proxy configuration.
    if uri.scheme().is_none() {
        return answer(StatusCode::BAD_REQUEST, "a proxy needs an absolute URL");
    }
    record.lock().unwrap().push(Carried {
        method: method.to_string(),
        url: uri.to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    // The connection's own headers stay with it; the length is that of the body sent on.
    let forwarded = without_hop_by_hop(&headers);
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).expect("a method");
    let sent = upstream
        .request(method, uri.to_string())
        .headers(convert_headers(&forwarded))
        .body(body.to_vec())
        .send()
        .await;
    let Ok(upstream_answer) = sent else {
        return answer(StatusCode::BAD_GATEWAY, "the upstream did not answer");
    };
    let mut response = Response::builder().status(upstream_answer.status().as_u16());
    for (name, value) in upstream_answer.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let bytes = upstream_answer.bytes().await.unwrap_or_default();
    response
        .body(Body::from(bytes.to_vec()))
        .expect("a response")
}

/// Headers about one connection or one body's framing, which a proxy does not pass on.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "proxy-connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "te",
    "trailer",
    "upgrade",
];

fn without_hop_by_hop(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in HOP_BY_HOP {
        kept.remove(*name);
    }
    kept
}

/// axum's and reqwest's `http` crates may differ in version; headers cross as bytes.
fn convert_headers(headers: &HeaderMap) -> reqwest::header::HeaderMap {
    headers
        .iter()
        .filter_map(|(name, value)| {
            Some((
                reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()).ok()?,
                reqwest::header::HeaderValue::from_bytes(value.as_bytes()).ok()?,
            ))
        })
        .collect()
}

fn answer(status: StatusCode, text: &'static str) -> Response {
    Response::builder()
        .status(status)
        .body(Body::from(text))
        .expect("a response")
}
