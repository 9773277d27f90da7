//! Operations that need no access token, and secrets that never show, end to end.
//!
//! HubSpot's OAuth document (`security: []`) and Meta Origins (no security) lower as their
//! `security` says, and our own documents keep needing the token. The crate generated from
//! `tests/fixtures/auth.yaml` is used as a user would (`tests/consumer/auth.rs`). A client
//! without a token exchanges a code with a loopback server: the form arrives, without an
//! `Authorization` header, and nothing the client logs or returns shows a secret, not even
//! the snippet of a token answer that did not decode.

use std::path::Path;
use std::time::Duration;

use hubspot_associations::runtime::{decode, Auth, Error, Method, Request};
use hubspot_associations::{Client, RetryPolicy};
use serde::Deserialize;
use serde_json::json;
use tests::upload_server::{UploadServer, ISSUED_ACCESS_TOKEN, ISSUED_REFRESH_TOKEN};
use xtask::ir::{self, Module};

use super::logs::CapturedLogs;
use super::published::dev_document;

fn lower(path: &Path) -> Module {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let doc = xtask::load::load_file(path, &name).unwrap();
    let (api, _) = xtask::lower::lower(&[doc]).unwrap();
    api.modules.into_iter().next().unwrap()
}

/// Each operation's function name, token use and secrets.
fn token_use(module: &Module) -> Vec<(&str, ir::Auth, Vec<&str>)> {
    module
        .operations
        .iter()
        .map(|op| {
            let secrets = op.secrets.iter().map(String::as_str).collect();
            (op.name.as_str(), op.auth, secrets)
        })
        .collect()
}

#[test]
fn our_own_operations_keep_sending_the_token() {
    let api = tests::checked_in_api();
    for module in &api.modules {
        for (name, auth, secrets) in token_use(module) {
            assert_eq!(auth, ir::Auth::Required, "{}::{name}", module.name);
            assert!(secrets.is_empty(), "{}::{name}: {secrets:?}", module.name);
        }
    }
}

#[test]
fn hubspots_oauth_and_meta_origins_documents_lower_as_their_security_says() {
    let Some(oauth) = dev_document("oauth-2026-09.json") else {
        return;
    };
    let module = lower(&oauth);
    assert_eq!(
        token_use(&module),
        [
            (
                "create",
                ir::Auth::Anonymous,
                vec!["client_secret", "code", "code_verifier", "refresh_token"]
            ),
            (
                "introspect",
                ir::Auth::Anonymous,
                vec!["client_secret", "token"]
            ),
            (
                "revoke",
                ir::Auth::Anonymous,
                vec!["client_secret", "token"]
            ),
        ]
    );
    let Some(meta_origins) = dev_document("meta-origins-2026-03.json") else {
        return;
    };
    let module = lower(&meta_origins);
    assert!(!module.operations.is_empty());
    for (name, auth, _) in token_use(&module) {
        assert_eq!(auth, ir::Auth::Optional, "{name}: no security is declared");
    }
}

/// Generates `tests/fixtures/auth.yaml` as a crate (models and request values; the HTTP
/// client is the workspace's own) and runs `tests/consumer/auth.rs` over it.
#[test]
fn code_over_the_generated_auth_crate_sees_no_secret() {
    let root = tests::workspace_root();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("auth-crate");
    let _ = std::fs::remove_dir_all(&out);
    let spec = root.join("tests/fixtures/auth.yaml");
    let mut job = xtask::codegen::Job::standalone(
        vec![(spec, "tests/fixtures/auth.yaml".to_owned())],
        out.join("auth"),
        out.join("runtime"),
        "fixture-auth",
        out.clone(),
    );
    job.options.standalone = false;
    job.runtime = tests::shared_runtime();
    job.strict = true;
    xtask::codegen::run(&job, false).unwrap();
    tests::test_consumer(
        &out,
        &["auth"],
        "auth.rs",
        "consumer-auth",
        r#"auth = { package = "fixture-auth", path = "../auth", default-features = false, features = ["fixture_auth"] }
serde_json = "1"
"#,
    )
    .unwrap();
}

/// The fixture's `TokenResponse`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Tokens {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: i64,
    token_type: String,
}

/// The fixture's `create_oauth_token`, as it builds its request
/// (`tests/consumer/auth.rs` checks the generated one is the same, field for field).
fn exchange(code: &str) -> Request<Tokens> {
    let form = json!({
        "grant_type": "authorization_code",
        "client_id": "app-1",
        "client_secret": "cs-SECRET",
        "code": code,
        "code_verifier": "verifier-SECRET",
        "redirect_uri": "https://example.com/cb",
    });
    Request::new(
        "create_oauth_token",
        Method::Post,
        "/oauth/v9/token",
        decode::json::<Tokens>,
    )
    .form(&form)
    .idempotent(false)
    .auth(Auth::Anonymous)
    .secrets(&[
        "access_token",
        "client_secret",
        "code",
        "code_verifier",
        "id_token",
        "refresh_token",
    ])
}

/// A request for the server's text answer, with the given use of the token.
fn ip_ranges(auth: Auth) -> Request<String> {
    Request::new(
        "get_ip_range",
        Method::Get,
        "/ip-ranges/simple",
        decode::text,
    )
    .accept("text/plain")
    .idempotent(true)
    .auth(auth)
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_client_without_a_token_exchanges_a_code_and_shows_no_secret() {
    let captured = CapturedLogs::start(tracing::Level::TRACE);

    let server = UploadServer::start();
    let client = Client::builder()
        .base_url(&server.base_url)
        .retry(quick())
        .build()
        .unwrap();
    let request = exchange("code-SECRET");
    assert_eq!(
        request.body().unwrap().bytes().unwrap(),
        b"client_id=app-1&client_secret=cs-SECRET&code=code-SECRET\
          &code_verifier=verifier-SECRET&grant_type=authorization_code\
          &redirect_uri=https%3A%2F%2Fexample.com%2Fcb",
        "the bytes the generated function sends"
    );
    // Refused once for the rate limit, and retried: the retry is logged.
    server.refuse_next(1);
    let tokens = client.send(&request).await.unwrap();
    assert_eq!(tokens.access_token, ISSUED_ACCESS_TOKEN);
    assert_eq!(tokens.refresh_token.as_deref(), Some(ISSUED_REFRESH_TOKEN));

    let arrivals = server.arrivals();
    assert_eq!(arrivals.len(), 2);
    for arrived in &arrivals {
        assert_eq!(arrived.path, "/oauth/v9/token");
        assert_eq!(arrived.authorization, None, "no token was sent");
        assert_eq!(
            arrived.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        let code = arrived.form.iter().find(|(key, _)| key == "code");
        assert_eq!(code.map(|(_, value)| value.as_str()), Some("code-SECRET"));
    }

    let mut shown = vec![format!("{request:?}"), format!("{client:?}")];
    // HubSpot refuses the code, repeating it.
    let refused = client
        .send(&exchange("unknown-code-SECRET"))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400));
    let text = refused.to_string();
    assert!(
        text.contains("missing or unknown auth code <redacted>"),
        "{text}"
    );
    shown.push(format!("{refused} {refused:?}"));
    // The tokens come in a shape that does not decode: the error does not quote them.
    let undecodable = client.send(&exchange("odd-code-SECRET")).await.unwrap_err();
    assert!(
        matches!(undecodable, Error::Decode { status: 200, .. }),
        "{undecodable:?}"
    );
    let text = format!("{undecodable} {undecodable:?}");
    assert!(
        text.contains(r#"invalid type: string "in half an hour", expected i64"#),
        "what did not fit is still said: {text}"
    );
    shown.push(text);

    let logs = captured.text();
    assert!(logs.contains("retrying HubSpot request"), "{logs}");
    shown.push(logs);
    for text in &shown {
        for secret in ["SECRET", ISSUED_ACCESS_TOKEN, ISSUED_REFRESH_TOKEN] {
            assert!(!text.contains(secret), "{secret} shown in: {text}");
        }
    }
}

#[tokio::test]
async fn the_token_goes_only_where_the_operation_takes_it() {
    let server = UploadServer::start();
    let tokenless = Client::builder()
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let with_token = Client::builder()
        .token("pat-na1-auth")
        .base_url(&server.base_url)
        .build()
        .unwrap();

    // An operation that needs the token fails on a client without one, before sending.
    let error = tokenless
        .send(&ip_ranges(Auth::Required))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::TokenRequired {
                operation: "get_ip_range"
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable() && !error.may_have_been_applied());
    assert!(
        error.to_string().contains("ClientBuilder::token"),
        "{error}"
    );
    assert!(server.arrivals().is_empty(), "nothing was sent");

    tokenless.send(&ip_ranges(Auth::Optional)).await.unwrap();
    with_token.send(&ip_ranges(Auth::Optional)).await.unwrap();
    with_token.send(&ip_ranges(Auth::Required)).await.unwrap();
    with_token.send(&exchange("code-SECRET")).await.unwrap();
    let sent: Vec<Option<String>> = server
        .arrivals()
        .into_iter()
        .map(|arrived| arrived.authorization)
        .collect();
    let bearer = Some("Bearer pat-na1-auth".to_owned());
    assert_eq!(sent, [None, bearer.clone(), bearer, None]);
}

#[test]
fn read_without_the_client_a_token_answer_that_does_not_decode_hides_its_token() {
    let answer = json!({"access_token": ISSUED_ACCESS_TOKEN, "expires_in": 1800});
    let error = exchange("code-SECRET")
        .decode_response(
            200,
            &[("content-type", "application/json")],
            answer.to_string().as_bytes(),
        )
        .unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(text.contains("missing field `token_type`"), "{text}");
    assert!(
        text.contains("expires_in"),
        "the rest of the snippet stays: {text}"
    );
    assert!(!text.contains(ISSUED_ACCESS_TOKEN), "{text}");
}

#[tokio::test]
async fn a_secret_in_the_url_is_neither_logged_nor_named_by_a_connection_failure() {
    let captured = CapturedLogs::start(tracing::Level::TRACE);

    // Nobody listens there.
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let grants = Request::<()>::new(
        "get_oauth_access_token",
        Method::Get,
        "/oauth/v9/access-tokens/{token}",
        decode::empty,
    )
    .path_param("token", "at-SECRET")
    .auth(Auth::Anonymous)
    .secrets(&["token"]);
    let error = client.send(&grants).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("SECRET"), "{text}");
    // Without a secret in it, the URL is named as before.
    let plain = client.send(&ip_ranges(Auth::Optional)).await.unwrap_err();
    assert!(plain.to_string().contains("/ip-ranges/simple"), "{plain}");

    let logs = captured.text();
    assert!(
        logs.contains("/oauth/v9/access-tokens/<redacted>"),
        "{logs}"
    );
    assert!(!logs.contains("SECRET"), "{logs}");
}
