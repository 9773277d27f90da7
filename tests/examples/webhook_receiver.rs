//! A receiver for HubSpot's webhooks: each delivery's v3 signature is checked, its events are
//! read, and HubSpot is answered 200 at once while the events are handled in the background
//! (HubSpot retries a delivery that is not answered within five seconds).
//!
//! HUBSPOT_CLIENT_SECRET=... WEBHOOK_PUBLIC_URL=https://hooks.example.com \
//!     cargo run -p tests --example webhook_receiver
//!
//! `WEBHOOK_PUBLIC_URL` is the scheme and host of the target URL configured in the app, which
//! HubSpot signs; behind a proxy it differs from the address this server listens on
//! (`WEBHOOK_LISTEN`, by default 127.0.0.1:3000; port 0 picks a free one). Without it, the
//! listening address is used, which HubSpot never calls: fine for a local test only.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::Router;
use hubspot_associations::runtime::webhook::{parse_events, WebhookEvent, WebhookVerifier};

struct Receiver {
    verifier: WebhookVerifier,
    public_url: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("HUBSPOT_CLIENT_SECRET")
        .map_err(|_| "set HUBSPOT_CLIENT_SECRET to the app's client secret")?;
    let listen = std::env::var("WEBHOOK_LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let address = listener.local_addr()?;
    let public_url = std::env::var("WEBHOOK_PUBLIC_URL")
        .unwrap_or_else(|_| {
            eprintln!(
                "WEBHOOK_PUBLIC_URL is not set: checking signatures against http://{address}, \
                 which HubSpot never calls; set it to the app's target URL's scheme and host"
            );
            format!("http://{address}")
        })
        .trim_end_matches('/')
        .to_owned();
    let receiver = Arc::new(Receiver {
        verifier: WebhookVerifier::new(secret),
        public_url,
    });
    let app = Router::new()
        .route("/hubspot/webhooks", post(receive))
        .with_state(receiver);
    println!("listening on {address}");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    method: Method,
    // The URI as it arrived: under `Router::nest`, axum's `Uri` would have lost the prefix
    // HubSpot called and signed.
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    // The URI HubSpot signed: the configured public address, then the path and query exactly
    // as they arrived (still percent-encoded).
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let signed_uri = format!("{}{path}", receiver.public_url);
    // The runtime reads axum's `http::HeaderMap` as it is (a list of `(name, value)` pairs
    // works too).
    let verified = receiver.verifier.verify(
        method.as_str(),
        &signed_uri,
        &body,
        &headers,
        SystemTime::now(),
    );
    if let Err(error) = verified {
        eprintln!("refused a delivery: {error}");
        return (StatusCode::UNAUTHORIZED, "signature not valid");
    }
    let events = match parse_events(&body) {
        Ok(events) => events,
        Err(error) => {
            // HubSpot sent it: refusing would only make it send the same body again until it
            // gives up. Keep the raw body (a real receiver stores it) and answer 200.
            eprintln!(
                "set aside a verified delivery of {} bytes that is not a list of events: {error}",
                body.len()
            );
            return (StatusCode::OK, "");
        }
    };
    tokio::spawn(handle(events));
    (StatusCode::OK, "")
}

/// The work a delivery asks for, after HubSpot has had its answer. HubSpot may send an event
/// more than once and in any order: `event_id` and `occurred_at` tell them apart.
async fn handle(events: Vec<WebhookEvent>) {
    for event in events {
        let kind = event.kind().map_or("unknown", |kind| kind.as_str());
        let object = event
            .object_id
            .as_ref()
            .map_or_else(|| "-".to_owned(), |id| id.to_string());
        println!(
            "event {} in portal {}: {kind} on {object}",
            event.event_id, event.portal_id
        );
    }
}
