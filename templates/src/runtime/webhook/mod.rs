//! Receiving HubSpot's webhooks: checking that a delivery came from HubSpot, and reading its
//! events.
//!
//! HubSpot signs each request it sends to an app's target URL with the app's client secret.
//! [`WebhookVerifier::verify`] checks the `X-HubSpot-Signature-v3` header (an HMAC over the
//! method, the URI, the raw body and the `X-HubSpot-Request-Timestamp`) and that the timestamp
//! is at most five minutes old (and at most a minute ahead), so a captured delivery can be
//! replayed only within that window: a receiver drops an `eventId` it has already handled
//! (HubSpot itself may send one twice). The older v1 and v2 signatures carry no timestamp,
//! so they are refused unless asked for ([`WebhookVerifier::allow_legacy_signatures`]). Once verified, [`parse_events`] reads the
//! body, a JSON array of [`WebhookEvent`]s.
//!
//! ```
//! use std::time::SystemTime;
//! use hubspot_runtime::webhook::{parse_events, WebhookVerifier};
//!
//! fn receive(
//!     headers: &[(String, String)],
//!     body: &[u8],
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let verifier = WebhookVerifier::new("the app's client secret");
//!     // The URI exactly as HubSpot called it: scheme, host, path and query.
//!     let uri = "https://hooks.example.com/hubspot?source=crm";
//!     verifier.verify("POST", uri, body, headers, SystemTime::now())?;
//!     for event in parse_events(body)? {
//!         println!("{:?} on object {:?}", event.kind(), event.object_id);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Nothing here needs the `client` feature: a receiver can be built with `webhooks` alone.

mod events;
mod signature;

pub use events::{parse_events, SubscriptionType, WebhookEvent};
pub use signature::{
    v3_signed_uri, verify_signature, SignatureVersion, WebhookError, WebhookVerifier,
    DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW, SIGNATURE_HEADER, SIGNATURE_V3_HEADER,
    SIGNATURE_VERSION_HEADER, TIMESTAMP_HEADER,
};
