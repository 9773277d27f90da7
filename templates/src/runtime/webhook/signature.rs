//! Checking a request's HubSpot signature, as HubSpot's "Validating requests" guide
//! describes it (developers.hubspot.com, `validating-requests`):
//!
//! - v3: `X-HubSpot-Signature-v3` is base64 of HMAC-SHA256, keyed with the client secret,
//!   over method + URI + raw body + the `X-HubSpot-Request-Timestamp` header (Unix
//!   milliseconds). The URI is written with the twelve escapes HubSpot lists decoded
//!   ([`v3_signed_uri`]). Requests older than five minutes are refused.
//! - v1 (`X-HubSpot-Signature-Version: v1`): `X-HubSpot-Signature` is hex SHA-256 of client
//!   secret + raw body. v2: of client secret + method + URI + raw body, the URI as sent.
//!
//! Every comparison takes the same time however many bytes match, and the secret never
//! appears in `Debug` output or in an error.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::super::response::ResponseHeaders;
use super::super::secrets::Redacted;

/// The header holding the v3 signature.
pub const SIGNATURE_V3_HEADER: &str = "X-HubSpot-Signature-v3";
/// The header holding the time HubSpot signed a v3 request, in Unix milliseconds.
pub const TIMESTAMP_HEADER: &str = "X-HubSpot-Request-Timestamp";
/// The header holding a v1 or v2 signature.
pub const SIGNATURE_HEADER: &str = "X-HubSpot-Signature";
/// The header naming the version of [`SIGNATURE_HEADER`]: `v1` or `v2`.
pub const SIGNATURE_VERSION_HEADER: &str = "X-HubSpot-Signature-Version";

/// How old a v3 request may be: HubSpot's guide says to reject requests older than five
/// minutes. Exactly five minutes is still accepted.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5 * 60);

/// How far ahead of this machine's clock a v3 timestamp may be. A genuine request is never
/// signed in the future, so anything ahead is clock drift between HubSpot and this machine; a
/// minute absorbs a badly kept clock while keeping a captured request usable for at most six
/// minutes in all.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(60);

/// Which of HubSpot's signatures a request was verified with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureVersion {
    /// SHA-256 of client secret + body, in `X-HubSpot-Signature`.
    V1,
    /// SHA-256 of client secret + method + URI + body, in `X-HubSpot-Signature`.
    V2,
    /// HMAC-SHA256 over method + URI + body + timestamp, in `X-HubSpot-Signature-v3`.
    V3,
}

impl SignatureVersion {
    /// The version as HubSpot writes it: `v1`, `v2` or `v3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
            Self::V3 => "v3",
        }
    }
}

impl fmt::Display for SignatureVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request was not accepted as coming from HubSpot. Only [`Mismatch`] says anything
/// about the signature itself; the other reasons are found before it is checked.
///
/// [`Mismatch`]: WebhookError::Mismatch
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// No signature header the verifier accepts: `X-HubSpot-Signature-v3` (or, with legacy
    /// signatures allowed, `X-HubSpot-Signature`).
    MissingSignature,
    /// A v3 signature without `X-HubSpot-Request-Timestamp`.
    MissingTimestamp,
    /// `X-HubSpot-Request-Timestamp` is not a whole number of milliseconds.
    InvalidTimestamp,
    /// The request was signed longer ago than the verifier allows: a replay, or a delivery
    /// held up on the way.
    TooOld {
        /// How long ago it was signed.
        age: Duration,
        /// The most the verifier accepts.
        max_age: Duration,
    },
    /// The timestamp is further ahead of this machine's clock than the verifier allows.
    TooFarInFuture {
        /// How far ahead.
        ahead: Duration,
        /// The most the verifier accepts.
        max_skew: Duration,
    },
    /// `X-HubSpot-Signature` came without `X-HubSpot-Signature-Version`.
    MissingVersion,
    /// `X-HubSpot-Signature-Version` names a version this crate does not know (its first 64
    /// characters).
    UnknownVersion(String),
    /// Only a v1 or v2 signature, which has no timestamp and so could be a replay, and the
    /// verifier does not accept those.
    LegacyRefused(SignatureVersion),
    /// The signature is not what the client secret gives for this method, URI and body:
    /// another secret, or a request changed or made up on the way.
    Mismatch(SignatureVersion),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => {
                write!(f, "the request carries no {SIGNATURE_V3_HEADER} header")
            }
            Self::MissingTimestamp => write!(f, "the request carries no {TIMESTAMP_HEADER} header"),
            Self::InvalidTimestamp => {
                write!(f, "{TIMESTAMP_HEADER} is not a Unix time in milliseconds")
            }
            Self::TooOld { age, max_age } => write!(
                f,
                "the request was signed {} ms ago, more than the {} ms allowed",
                age.as_millis(),
                max_age.as_millis()
            ),
            Self::TooFarInFuture { ahead, max_skew } => write!(
                f,
                "the request is signed {} ms in the future, more than the {} ms of clock skew allowed",
                ahead.as_millis(),
                max_skew.as_millis()
            ),
            Self::MissingVersion => write!(
                f,
                "{SIGNATURE_HEADER} came without {SIGNATURE_VERSION_HEADER}"
            ),
            Self::UnknownVersion(version) => write!(f, "unknown signature version {version:?}"),
            Self::LegacyRefused(version) => write!(
                f,
                "the request carries only a {version} signature, which has no timestamp and could be a replay"
            ),
            Self::Mismatch(version) => write!(
                f,
                "the {version} signature does not match: another client secret, or the method, URI or body differ from what HubSpot signed"
            ),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Checks the signatures of requests from HubSpot with one app's client secret.
///
/// Build it once and share it; `Debug` shows the secret as `<redacted>`.
#[derive(Clone)]
pub struct WebhookVerifier {
    client_secret: Box<[u8]>,
    max_age: Duration,
    max_clock_skew: Duration,
    legacy: bool,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("client_secret", &Redacted)
            .field("max_age", &self.max_age)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("legacy", &self.legacy)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for the app with this client secret, accepting v3 signatures at most
    /// [`DEFAULT_MAX_AGE`] old and [`DEFAULT_MAX_CLOCK_SKEW`] ahead.
    pub fn new(client_secret: impl Into<String>) -> Self {
        Self {
            client_secret: client_secret.into().into_bytes().into_boxed_slice(),
            max_age: DEFAULT_MAX_AGE,
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            legacy: false,
        }
    }

    /// How old a v3 request may be. Longer than HubSpot's five minutes widens the time in
    /// which a captured request can be replayed.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How far ahead of this machine's clock a v3 timestamp may be.
    pub fn max_clock_skew(mut self, max_clock_skew: Duration) -> Self {
        self.max_clock_skew = max_clock_skew;
        self
    }

    /// Also accepts requests signed only with v1 or v2 (`X-HubSpot-Signature`), which some
    /// of HubSpot's older integrations send. Those signatures have no timestamp: a request
    /// captured once verifies forever. HubSpot sends them beside v3 too, so with this on,
    /// anyone who captured one delivery can replay it without its v3 header; turn it on only
    /// for an app whose deliveries carry no v3 signature. (A request that has a readable v3
    /// signature is checked by it alone.)
    pub fn allow_legacy_signatures(mut self, allow: bool) -> Self {
        self.legacy = allow;
        self
    }

    /// Checks that a request came from HubSpot, and says with which signature.
    ///
    /// `uri` is the full URI HubSpot called, as it sent it: scheme, host, path and query
    /// (`https://hooks.example.com/hubspot?portal=1`). Behind a proxy, build it from the
    /// public address configured for the app rather than from what the proxy forwards.
    /// `body` is the body's bytes as received, before any parsing. `now` is the current time
    /// (`SystemTime::now()`), a parameter so that tests can fix it.
    pub fn verify<H: ResponseHeaders + ?Sized>(
        &self,
        method: &str,
        uri: &str,
        body: &[u8],
        headers: &H,
        now: SystemTime,
    ) -> Result<SignatureVersion, WebhookError> {
        if let Some(signature) = headers.header(SIGNATURE_V3_HEADER) {
            let timestamp = headers
                .header(TIMESTAMP_HEADER)
                .ok_or(WebhookError::MissingTimestamp)?;
            self.verify_v3(method, uri, body, signature, timestamp.trim(), now)?;
            return Ok(SignatureVersion::V3);
        }
        let signature = headers
            .header(SIGNATURE_HEADER)
            .ok_or(WebhookError::MissingSignature)?;
        let version = headers
            .header(SIGNATURE_VERSION_HEADER)
            .ok_or(WebhookError::MissingVersion)?
            .trim();
        let version = if version.eq_ignore_ascii_case("v1") {
            SignatureVersion::V1
        } else if version.eq_ignore_ascii_case("v2") {
            SignatureVersion::V2
        } else if version.eq_ignore_ascii_case("v3") {
            // Says v3, but the v3 header is not there.
            return Err(WebhookError::MissingSignature);
        } else {
            return Err(WebhookError::UnknownVersion(
                version.chars().take(64).collect(),
            ));
        };
        if !self.legacy {
            return Err(WebhookError::LegacyRefused(version));
        }
        let mut hash = Sha256::new();
        hash.update(&self.client_secret);
        if version == SignatureVersion::V2 {
            hash.update(method.as_bytes());
            hash.update(uri.as_bytes());
        }
        hash.update(body);
        let expected = hash.finalize();
        let matches = decode_hex_sha256(signature.trim())
            .is_some_and(|given| bool::from(given.as_slice().ct_eq(expected.as_slice())));
        if matches {
            Ok(version)
        } else {
            Err(WebhookError::Mismatch(version))
        }
    }

    fn verify_v3(
        &self,
        method: &str,
        uri: &str,
        body: &[u8],
        signature: &str,
        timestamp: &str,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let signed_at = parse_millis(timestamp).ok_or(WebhookError::InvalidTimestamp)?;
        self.check_time(signed_at, now)?;
        let mismatch = WebhookError::Mismatch(SignatureVersion::V3);
        let given = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| mismatch.clone())?;
        // Any key length is valid for HMAC; the error cannot happen.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.client_secret).map_err(|_| mismatch.clone())?;
        mac.update(method.as_bytes());
        mac.update(v3_signed_uri(uri).as_bytes());
        mac.update(body);
        mac.update(timestamp.as_bytes());
        // `verify_slice` compares in constant time.
        mac.verify_slice(&given).map_err(|_| mismatch)
    }

    fn check_time(&self, signed_at_ms: u64, now: SystemTime) -> Result<(), WebhookError> {
        let now_ms = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        let signed_at_ms = u128::from(signed_at_ms);
        let millis = |ms: u128| Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX));
        if signed_at_ms <= now_ms {
            let age = millis(now_ms - signed_at_ms);
            if age > self.max_age {
                return Err(WebhookError::TooOld {
                    age,
                    max_age: self.max_age,
                });
            }
        } else {
            let ahead = millis(signed_at_ms - now_ms);
            if ahead > self.max_clock_skew {
                return Err(WebhookError::TooFarInFuture {
                    ahead,
                    max_skew: self.max_clock_skew,
                });
            }
        }
        Ok(())
    }
}

/// Checks a request with [`WebhookVerifier::new`]`(client_secret)`'s defaults: a v3 signature
/// at most five minutes old. See [`WebhookVerifier::verify`].
pub fn verify_signature<H: ResponseHeaders + ?Sized>(
    client_secret: &str,
    method: &str,
    uri: &str,
    body: &[u8],
    headers: &H,
    now: SystemTime,
) -> Result<SignatureVersion, WebhookError> {
    WebhookVerifier::new(client_secret).verify(method, uri, body, headers, now)
}

/// The URI as a v3 signature covers it: HubSpot's guide has the receiver decode exactly these
/// twelve escapes and leave every other one (`%20`, `%23`, `%26`, `%3D`, `%25`, ...) as it
/// is: `%3A` `:`, `%2F` `/`, `%3F` `?`, `%40` `@`, `%21` `!`, `%24` `$`, `%27` `'`, `%28` `(`,
/// `%29` `)`, `%2A` `*`, `%2C` `,`, `%3B` `;`. Hex digits may be of either case (RFC 3986
/// makes `%3a` and `%3A` the same). Each escape is decoded once, so `%253A` stays `%253A`.
pub fn v3_signed_uri(uri: &str) -> Cow<'_, str> {
    if !uri.contains('%') {
        return Cow::Borrowed(uri);
    }
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let decoded = match bytes.get(at..at + 3) {
            Some([b'%', high, low]) => decoded_escape(*high, *low),
            _ => None,
        };
        match decoded {
            Some(c) => {
                // `%` is ASCII, so `at` is on a character boundary.
                out.push_str(&uri[copied..at]);
                out.push(c);
                at += 3;
                copied = at;
            }
            None => at += 1,
        }
    }
    out.push_str(&uri[copied..]);
    Cow::Owned(out)
}

/// The character for `%` `high` `low` if it is one of the escapes a v3 signature decodes.
fn decoded_escape(high: u8, low: u8) -> Option<char> {
    let byte = hex_value(high)? << 4 | hex_value(low)?;
    let c = char::from(byte);
    matches!(
        c,
        ':' | '/' | '?' | '@' | '!' | '$' | '\'' | '(' | ')' | '*' | ',' | ';'
    )
    .then_some(c)
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

/// A SHA-256 digest written as 64 hex digits, of either case.
fn decode_hex_sha256(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (byte, pair) in digest.iter_mut().zip(bytes.chunks_exact(2)) {
        *byte = hex_value(pair[0])? << 4 | hex_value(pair[1])?;
    }
    Some(digest)
}

/// A Unix time in milliseconds: ASCII digits only, no sign or space.
fn parse_millis(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client secret of every example in HubSpot's guide and SDK tests.
    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const URI: &str = "https://www.example.com/webhook_uri";
    const BODY: &str = r#"{"example_field":"example_value"}"#;
    /// The v1 example body of HubSpot's guide ("Validating requests", v1 examples), also in
    /// hubspot-api-nodejs `test/unit/signature.spec.ts` and hubspot-api-php
    /// `tests/Unit/Utils/SignatureTest.php`.
    const DOC_V1_BODY: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
    const SIGNED_AT: u64 = 1_700_000_000_000;
    /// base64(HMAC-SHA256(SECRET, "POST" + URI + BODY + "1700000000000")), computed once
    /// with Python: `base64.b64encode(hmac.new(secret.encode(), msg.encode(),
    /// hashlib.sha256).digest())`.
    const SIGNATURE_V3: &str = "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=";

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn v3_headers(signature: &str, timestamp: &str) -> Vec<(&'static str, String)> {
        vec![
            ("Content-Type", "application/json".to_owned()),
            ("X-HubSpot-Signature-v3", signature.to_owned()),
            ("X-HubSpot-Request-Timestamp", timestamp.to_owned()),
        ]
    }

    fn legacy_headers(signature: &str, version: &str) -> Vec<(&'static str, String)> {
        vec![
            ("X-HubSpot-Signature", signature.to_owned()),
            ("X-HubSpot-Signature-Version", version.to_owned()),
        ]
    }

    fn verify_v3(
        method: &str,
        uri: &str,
        body: &str,
        now: SystemTime,
    ) -> Result<SignatureVersion, WebhookError> {
        let headers = v3_headers(SIGNATURE_V3, &SIGNED_AT.to_string());
        verify_signature(SECRET, method, uri, body.as_bytes(), &headers, now)
    }

    #[test]
    fn a_v3_signature_verifies() {
        assert_eq!(
            verify_v3("POST", URI, BODY, at(SIGNED_AT + 1_000)),
            Ok(SignatureVersion::V3)
        );
    }

    /// hubspot-api-python `tests/spec/utils/test_signature.py` (`test_get_signature__v3`):
    /// this secret, URI and body, method POST, timestamp 15000000.
    #[test]
    fn the_python_sdk_v3_vector_verifies() {
        let headers = v3_headers("HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", "15000000");
        let body = "{'example_field':'example_value'}";
        let result = verify_signature(
            SECRET,
            "POST",
            URI,
            body.as_bytes(),
            &headers,
            at(15_000_000),
        );
        assert_eq!(result, Ok(SignatureVersion::V3));
    }

    #[test]
    fn a_changed_body_uri_or_method_does_not_verify() {
        let now = at(SIGNED_AT + 1_000);
        let mismatch = Err(WebhookError::Mismatch(SignatureVersion::V3));
        let tampered_body = r#"{"example_field":"example_valuf"}"#;
        assert_eq!(verify_v3("POST", URI, tampered_body, now), mismatch);
        assert_eq!(
            verify_v3("POST", &format!("{URI}?x=1"), BODY, now),
            mismatch
        );
        assert_eq!(
            verify_v3("POST", "http://www.example.com/webhook_uri", BODY, now),
            mismatch
        );
        assert_eq!(verify_v3("PUT", URI, BODY, now), mismatch);
        assert_eq!(verify_v3("post", URI, BODY, now), mismatch);
    }

    #[test]
    fn another_secret_or_signature_does_not_verify() {
        let headers = v3_headers(SIGNATURE_V3, &SIGNED_AT.to_string());
        let now = at(SIGNED_AT);
        let other = "zzzzzzzz-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
        let result = verify_signature(other, "POST", URI, BODY.as_bytes(), &headers, now);
        assert_eq!(result, Err(WebhookError::Mismatch(SignatureVersion::V3)));
        // Another timestamp than the one signed (still fresh).
        let headers = v3_headers(SIGNATURE_V3, &(SIGNED_AT + 1).to_string());
        let result = verify_signature(SECRET, "POST", URI, BODY.as_bytes(), &headers, now);
        assert_eq!(result, Err(WebhookError::Mismatch(SignatureVersion::V3)));
        for forged in [
            "",
            "not base64!",
            "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o",
            "AAAA",
        ] {
            let headers = v3_headers(forged, &SIGNED_AT.to_string());
            let result = verify_signature(SECRET, "POST", URI, BODY.as_bytes(), &headers, now);
            assert_eq!(
                result,
                Err(WebhookError::Mismatch(SignatureVersion::V3)),
                "{forged:?}"
            );
        }
    }

    #[test]
    fn a_request_just_over_five_minutes_old_is_refused() {
        assert_eq!(
            verify_v3("POST", URI, BODY, at(SIGNED_AT + 300_000)),
            Ok(SignatureVersion::V3)
        );
        assert_eq!(
            verify_v3("POST", URI, BODY, at(SIGNED_AT + 300_001)),
            Err(WebhookError::TooOld {
                age: Duration::from_millis(300_001),
                max_age: Duration::from_secs(300),
            })
        );
    }

    #[test]
    fn a_request_signed_in_the_future_is_refused_past_the_skew() {
        assert_eq!(
            verify_v3("POST", URI, BODY, at(SIGNED_AT - 60_000)),
            Ok(SignatureVersion::V3)
        );
        assert_eq!(
            verify_v3("POST", URI, BODY, at(SIGNED_AT - 60_001)),
            Err(WebhookError::TooFarInFuture {
                ahead: Duration::from_millis(60_001),
                max_skew: Duration::from_secs(60),
            })
        );
        // A clock before 1970 is no reason to panic.
        let before_epoch = UNIX_EPOCH - Duration::from_secs(1);
        assert!(matches!(
            verify_v3("POST", URI, BODY, before_epoch),
            Err(WebhookError::TooFarInFuture { .. })
        ));
    }

    #[test]
    fn the_limits_can_be_changed() {
        let headers = v3_headers(SIGNATURE_V3, &SIGNED_AT.to_string());
        let strict = WebhookVerifier::new(SECRET).max_age(Duration::from_secs(10));
        let result = strict.verify(
            "POST",
            URI,
            BODY.as_bytes(),
            &headers,
            at(SIGNED_AT + 10_001),
        );
        assert!(
            matches!(result, Err(WebhookError::TooOld { .. })),
            "{result:?}"
        );
        let lax = WebhookVerifier::new(SECRET).max_clock_skew(Duration::from_secs(600));
        let result = lax.verify(
            "POST",
            URI,
            BODY.as_bytes(),
            &headers,
            at(SIGNED_AT - 599_000),
        );
        assert_eq!(result, Ok(SignatureVersion::V3));
    }

    #[test]
    fn missing_or_malformed_headers_are_errors() {
        let now = at(SIGNED_AT);
        let check = |headers: &[(&str, &str)]| {
            verify_signature(SECRET, "POST", URI, BODY.as_bytes(), headers, now)
        };
        assert_eq!(check(&[]), Err(WebhookError::MissingSignature));
        assert_eq!(
            check(&[("X-HubSpot-Signature-v3", SIGNATURE_V3)]),
            Err(WebhookError::MissingTimestamp)
        );
        for timestamp in [
            "",
            "soon",
            "-1700000000000",
            "+1700000000000",
            "1.7e12",
            "99999999999999999999999",
        ] {
            assert_eq!(
                check(&[
                    ("X-HubSpot-Signature-v3", SIGNATURE_V3),
                    ("X-HubSpot-Request-Timestamp", timestamp),
                ]),
                Err(WebhookError::InvalidTimestamp),
                "{timestamp:?}"
            );
        }
        assert_eq!(
            check(&[("X-HubSpot-Signature", "00")]),
            Err(WebhookError::MissingVersion)
        );
        assert_eq!(
            check(&[
                ("X-HubSpot-Signature", "00"),
                ("X-HubSpot-Signature-Version", "v9")
            ]),
            Err(WebhookError::UnknownVersion("v9".to_owned()))
        );
        assert_eq!(
            check(&[
                ("X-HubSpot-Signature", "00"),
                ("X-HubSpot-Signature-Version", "v3")
            ]),
            Err(WebhookError::MissingSignature)
        );
        // Header names are matched whatever their case, as HTTP has them.
        let lower = [
            ("x-hubspot-signature-v3", SIGNATURE_V3),
            ("x-hubspot-request-timestamp", "1700000000000"),
        ];
        assert_eq!(check(&lower), Ok(SignatureVersion::V3));
    }

    /// HubSpot's guide, v1 example; the same vector is in hubspot-api-nodejs
    /// `test/unit/signature.spec.ts` and hubspot-api-php `tests/Unit/Utils/SignatureTest.php`.
    #[test]
    fn a_v1_signature_verifies_when_legacy_signatures_are_allowed() {
        let verifier = WebhookVerifier::new(SECRET).allow_legacy_signatures(true);
        let headers = legacy_headers(
            "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
            "v1",
        );
        // v1 covers neither method nor URI, and has no timestamp.
        let result = verifier.verify(
            "GET",
            "https://elsewhere.example/",
            DOC_V1_BODY.as_bytes(),
            &headers,
            at(0),
        );
        assert_eq!(result, Ok(SignatureVersion::V1));
        let tampered = DOC_V1_BODY.replace("54321", "54322");
        let result = verifier.verify("POST", URI, tampered.as_bytes(), &headers, at(0));
        assert_eq!(result, Err(WebhookError::Mismatch(SignatureVersion::V1)));
        // Upper-case hex is the same digest.
        let upper = legacy_headers(
            "232DB2615F3D666FE21A8EC971AC7B5402D33B9A925784DF3CA654D05F4817DE",
            "v1",
        );
        let result = verifier.verify("POST", URI, DOC_V1_BODY.as_bytes(), &upper, at(0));
        assert_eq!(result, Ok(SignatureVersion::V1));
        // hubspot-api-python `tests/spec/utils/test_signature.py` (`test_is_valid__v1`).
        let headers = legacy_headers(
            "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750",
            "v1",
        );
        let body = "{'example_field':'example_value'}";
        let result = verifier.verify("POST", URI, body.as_bytes(), &headers, at(0));
        assert_eq!(result, Ok(SignatureVersion::V1));
        let result = WebhookVerifier::new("wrong")
            .allow_legacy_signatures(true)
            .verify("POST", URI, body.as_bytes(), &headers, at(0));
        assert_eq!(result, Err(WebhookError::Mismatch(SignatureVersion::V1)));
    }

    /// HubSpot's guide, v2 examples (GET without a body, POST with one); the same vectors are
    /// in hubspot-api-nodejs `test/unit/signature.spec.ts` and hubspot-api-php
    /// `tests/Unit/Utils/SignatureTest.php`.
    #[test]
    fn a_v2_signature_verifies_when_legacy_signatures_are_allowed() {
        let verifier = WebhookVerifier::new(SECRET).allow_legacy_signatures(true);
        let get = legacy_headers(
            "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e",
            "v2",
        );
        assert_eq!(
            verifier.verify("GET", URI, b"", &get, at(0)),
            Ok(SignatureVersion::V2)
        );
        assert_eq!(
            verifier.verify("POST", URI, b"", &get, at(0)),
            Err(WebhookError::Mismatch(SignatureVersion::V2))
        );
        let post = legacy_headers(
            "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900",
            "v2",
        );
        assert_eq!(
            verifier.verify("POST", URI, BODY.as_bytes(), &post, at(0)),
            Ok(SignatureVersion::V2)
        );
        let mismatch = Err(WebhookError::Mismatch(SignatureVersion::V2));
        assert_eq!(
            verifier.verify("POST", &format!("{URI}/"), BODY.as_bytes(), &post, at(0)),
            mismatch
        );
        assert_eq!(verifier.verify("POST", URI, b"{}", &post, at(0)), mismatch);
        // v2 signs the URI as sent: nothing in it is decoded.
        // hubspot-api-python `tests/spec/utils/test_signature.py` (`test_is_valid__v2`).
        let python = legacy_headers(
            "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383",
            "v2",
        );
        let body = "{'example_field':'example_value'}";
        assert_eq!(
            verifier.verify("POST", URI, body.as_bytes(), &python, at(0)),
            Ok(SignatureVersion::V2)
        );
        let short = legacy_headers("9569219f8ba981ff", "v2");
        assert_eq!(
            verifier.verify("POST", URI, BODY.as_bytes(), &short, at(0)),
            mismatch
        );
    }

    #[test]
    fn legacy_signatures_are_refused_by_default() {
        let headers = legacy_headers(
            "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
            "v1",
        );
        let result = verify_signature(SECRET, "POST", URI, DOC_V1_BODY.as_bytes(), &headers, at(0));
        assert_eq!(
            result,
            Err(WebhookError::LegacyRefused(SignatureVersion::V1))
        );
        // With v3 there, v3 decides, even when a legacy signature is allowed and would match
        // (dropping the v3 header would get past this: see `allow_legacy_signatures`).
        let mut both = headers.clone();
        both.extend(v3_headers(SIGNATURE_V3, &SIGNED_AT.to_string()));
        let verifier = WebhookVerifier::new(SECRET).allow_legacy_signatures(true);
        let result = verifier.verify(
            "POST",
            URI,
            DOC_V1_BODY.as_bytes(),
            &both,
            at(SIGNED_AT + 400_000),
        );
        assert!(
            matches!(result, Err(WebhookError::TooOld { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn the_v3_uri_decodes_exactly_hubspots_twelve_escapes() {
        let raw = "https://www.example.com/hooks/hub%40spot?next=%2Fdeals%3Fid%3D1&tag=%28a%29%2A%21%24%27%2C%3B%3A&keep=%23%26%3D%2B%20%25%7E%253A";
        let decoded = "https://www.example.com/hooks/hub@spot?next=/deals?id%3D1&tag=(a)*!$',;:&keep=%23%26%3D%2B%20%25%7E%253A";
        assert_eq!(v3_signed_uri(raw), decoded);
        assert_eq!(
            v3_signed_uri("https://www.example.com/a%3ab%2f"),
            "https://www.example.com/a:b/"
        );
        for unchanged in [
            URI,
            "https://x.example/%",
            "https://x.example/%3",
            "https://x.example/%G1%é%3",
            "https://x.example/é%2",
        ] {
            assert_eq!(v3_signed_uri(unchanged), unchanged);
        }
        assert_eq!(
            v3_signed_uri("https://x.example/é%40é"),
            "https://x.example/é@é"
        );
        // base64(HMAC-SHA256(SECRET, "POST" + decoded + DOC_V1_BODY + "1700000000000")),
        // computed once with Python over the decoded URI written out by hand.
        let headers = v3_headers(
            "fn2Ctnju7to0Awg9o7ow1eurmJceHut6K0IyCKSZrwY=",
            "1700000000000",
        );
        let now = at(SIGNED_AT);
        let result = verify_signature(SECRET, "POST", raw, DOC_V1_BODY.as_bytes(), &headers, now);
        assert_eq!(result, Ok(SignatureVersion::V3));
        // The same, computed over "https://www.example.com/a:b" with the body "[]".
        let headers = v3_headers(
            "W+EK2UbjPGkG1FBC5GCGNaSNVOC9AwJVg8dT2/0/8j0=",
            "1700000000000",
        );
        for uri in [
            "https://www.example.com/a:b",
            "https://www.example.com/a%3Ab",
            "https://www.example.com/a%3ab",
        ] {
            let result = verify_signature(SECRET, "POST", uri, b"[]", &headers, now);
            assert_eq!(result, Ok(SignatureVersion::V3), "{uri}");
        }
        // An escape outside the list is signed as it is.
        let result = verify_signature(
            SECRET,
            "POST",
            "https://www.example.com/a%3Db",
            b"[]",
            &headers,
            now,
        );
        assert_eq!(result, Err(WebhookError::Mismatch(SignatureVersion::V3)));
    }

    #[test]
    fn the_secret_never_shows() {
        let verifier = WebhookVerifier::new(SECRET);
        let shown = format!("{verifier:?}");
        assert!(
            !shown.contains("yyyy") && shown.contains("<redacted>"),
            "{shown}"
        );
        let headers = v3_headers("AAAA", &SIGNED_AT.to_string());
        let error = verifier
            .verify("POST", URI, BODY.as_bytes(), &headers, at(SIGNED_AT))
            .unwrap_err();
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("yyyy"), "{text}");
        }
    }
}
