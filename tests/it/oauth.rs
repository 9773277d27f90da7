//! An OAuth app's client against the fake HubSpot's token endpoint: access tokens that
//! expire on the way are refreshed (ahead of time, or once HubSpot answers 401
//! `EXPIRED_AUTHENTICATION`), one refresh however many requests wait, every new token set
//! handed to the application, a revoked refresh token failing fast with its cause, and no
//! token or secret in `Debug`, logs or errors.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use hubspot_associations::runtime::{
    AccessToken, Error, OAuth, RetryPolicy, TokenFuture, TokenSet, TokenSource,
};
use hubspot_associations::{v4, Client};
use tests::fake_hubspot::{Expiry, FakeHubSpot, Fault, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN};

use super::logs::CapturedLogs;

/// The token sets the application was handed, in order.
type Kept = Arc<Mutex<Vec<TokenSet>>>;

fn oauth_client(server: &FakeHubSpot, oauth: OAuth) -> (Client, Kept) {
    let kept = Kept::default();
    let keep = kept.clone();
    let oauth = oauth.on_refresh(move |tokens| keep.lock().unwrap().push(tokens.clone()));
    let client = Client::builder()
        .base_url(&server.base_url)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .oauth(oauth)
        .build()
        .unwrap();
    (client, kept)
}

fn app() -> OAuth {
    OAuth::new(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
}

/// A token the fake issued, which the client is told lives for half an hour.
fn current_token(server: &FakeHubSpot) -> OAuth {
    app().access_token(
        server.issue_access_token(),
        SystemTime::now() + Duration::from_secs(1800),
    )
}

/// The requests the fake saw, but for its token endpoint.
fn api_calls(server: &FakeHubSpot) -> impl Iterator<Item = tests::fake_hubspot::Seen> {
    server
        .seen()
        .into_iter()
        .filter(|seen| !seen.raw_path.starts_with("/oauth/"))
}

fn pairs(count: u64) -> Vec<v4::PublicAssociationMultiPost> {
    (1..=count)
        .map(|id| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(id),
                v4::PublicObjectId::new(9_000_000 + id),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    1,
                )],
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_outliving_three_tokens_refreshes_three_times_and_loses_nothing() {
    let server = FakeHubSpot::start();
    // Each token is good for 25 requests: the job's 100 need four.
    server.oauth_expiry(Expiry::AfterRequests(25));
    let (client, kept) = oauth_client(&server, current_token(&server));
    let report = client
        .batch(pairs(100_000), |chunk| {
            v4::batch_create(
                "contacts",
                "companies",
                &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    assert!(report.failures.is_empty(), "{:?}", report.failures.first());
    assert_eq!((report.succeeded, report.requests), (100_000, 100));
    assert_eq!(server.oauth_refreshes(), (3, 0));
    assert!((1..=100_000).all(|id| server.times_created(&id.to_string()) == 1));
    // Every token set was handed over, each with the refresh token to use next.
    let kept = kept.lock().unwrap();
    assert_eq!(kept.len(), 3);
    let refresh: Vec<&str> = kept
        .iter()
        .map(|t| t.refresh_token.expose_secret())
        .collect();
    assert!(refresh.windows(2).all(|pair| pair[0] != pair[1]), "rotated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_requests_meeting_one_expiry_wait_for_one_refresh() {
    let server = FakeHubSpot::start();
    let (client, kept) = oauth_client(&server, current_token(&server));
    call(&client).await.unwrap();
    // The token expires while the client still believes in it; the next lives 30 minutes.
    server.expire_access_tokens();
    let sends = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { call(&client).await })
    });
    for sent in futures_util::future::join_all(sends).await {
        sent.unwrap().unwrap();
    }
    assert_eq!(server.oauth_refreshes(), (1, 0));
    assert_eq!(kept.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_due_to_expire_is_refreshed_before_hubspot_refuses_it() {
    let server = FakeHubSpot::start();
    let old = server.issue_access_token();
    // Four minutes left: within the five the client keeps in hand.
    let oauth = app().access_token(&*old, SystemTime::now() + Duration::from_secs(240));
    let (client, kept) = oauth_client(&server, oauth);
    call(&client).await.unwrap();
    assert_eq!(server.oauth_refreshes(), (1, 0));
    let new = kept.lock().unwrap()[0]
        .access_token
        .token
        .expose_secret()
        .to_owned();
    let sent: Vec<Option<String>> = api_calls(&server).map(|s| s.authorization).collect();
    assert_eq!(
        sent,
        [Some(format!("Bearer {new}"))],
        "the old token never went out"
    );
}

/// Any API call: the labels between contacts and companies.
async fn call(client: &Client) -> Result<(), Error> {
    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .map(drop)
}

/// Calls to the fake's token endpoint.
fn token_calls(server: &FakeHubSpot) -> usize {
    server
        .seen()
        .iter()
        .filter(|seen| seen.raw_path.starts_with("/oauth/"))
        .count()
}

#[tokio::test]
async fn a_request_that_stops_waiting_loses_no_rotated_refresh_token() {
    let server = FakeHubSpot::start();
    // HubSpot issues a new refresh token, retiring the old one, but its answer is slow, and
    // the request that asked for it gives up first.
    server.delay_next_token_answer(Duration::from_millis(400));
    let (client, kept) = oauth_client(&server, app());
    let list = v4::list_labels("contacts", "companies");
    let gave_up = tokio::time::timeout(Duration::from_millis(100), client.send(&list)).await;
    assert!(gave_up.is_err(), "the first request was to give up");
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The refresh went on without it: the tokens are kept, and the next request uses them.
    client.send(&list).await.unwrap();
    assert_eq!(kept.lock().unwrap().len(), 1);
    assert_eq!(server.oauth_refreshes(), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_waiting_on_a_failing_refresh_share_its_outcome() {
    let server = FakeHubSpot::start();
    // One refresh tries three times; all three meet the outage.
    server.token_endpoint_outages(&[503, 503, 503]);
    let client = Client::builder()
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .oauth(app())
        .build()
        .unwrap();
    let sends = (0..5).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { call(&client).await })
    });
    for sent in futures_util::future::join_all(sends).await {
        let error = sent.unwrap().unwrap_err();
        assert!(
            matches!(
                error,
                Error::TokenRefresh {
                    permanent: false,
                    ..
                }
            ),
            "{error:?}"
        );
    }
    // The four that waited took the failure instead of asking again, one after another.
    assert_eq!(token_calls(&server), 3);
    // It was not for good: once the endpoint answers, so does the client.
    call(&client).await.unwrap();
    assert_eq!(server.oauth_refreshes(), (1, 0));
}

#[tokio::test]
async fn a_token_still_valid_is_used_when_its_early_refresh_fails() {
    let server = FakeHubSpot::start();
    let old = server.issue_access_token();
    // Due for refresh (four minutes left), but the token endpoint is down.
    let oauth = app().access_token(&*old, SystemTime::now() + Duration::from_secs(240));
    let (client, kept) = oauth_client(&server, oauth);
    server.token_endpoint_outages(&[503, 503, 503]);
    call(&client).await.unwrap();
    let sent: Vec<Option<String>> = api_calls(&server).map(|s| s.authorization).collect();
    assert_eq!(sent, [Some(format!("Bearer {old}"))]);
    assert!(kept.lock().unwrap().is_empty());
    // The next request tries again, and gets one.
    call(&client).await.unwrap();
    assert_eq!(server.oauth_refreshes(), (1, 0));
}

#[tokio::test]
async fn only_the_token_endpoints_own_refusal_is_for_good() {
    let server = FakeHubSpot::start();
    // A proxy's timeout in front of the endpoint says nothing of the refresh token.
    server.token_endpoint_outages(&[408, 403]);
    let (client, kept) = oauth_client(&server, app());
    call(&client).await.unwrap();
    assert_eq!(server.oauth_refreshes(), (1, 0));
    assert_eq!(kept.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_access_token_no_header_can_carry_is_refreshed_again_not_kept() {
    let server = FakeHubSpot::start();
    server.issue_unsendable_access_token_next();
    let (client, kept) = oauth_client(&server, app());
    call(&client).await.unwrap();
    assert_eq!(server.oauth_refreshes(), (2, 0));
    let kept = kept.lock().unwrap();
    assert_eq!(
        kept.len(),
        1,
        "only the token that can be sent is handed on"
    );
    let token = kept[0].access_token.token.expose_secret();
    assert!(!token.contains(' '), "{token}");
}

#[tokio::test]
async fn a_revoked_refresh_token_fails_every_request_fast_with_its_cause() {
    let captured = CapturedLogs::start(tracing::Level::DEBUG);
    let server = FakeHubSpot::start();
    server.revoke_refresh_tokens();
    let (client, _) = oauth_client(&server, app());
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let error = call(&client).await.unwrap_err();
        let Error::TokenRefresh { permanent, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(*permanent);
        assert!(!error.is_retryable() && !error.may_have_been_applied());
        let text = error.to_string();
        assert!(
            text.contains("invalid_grant") && text.contains("authorize the app again"),
            "{text}"
        );
        assert!(!text.contains("SECRET"), "{text}");
    }
    // One refusal, then the others fail with it, without asking again or sending anything.
    assert_eq!(server.oauth_refreshes(), (0, 1));
    assert_eq!(api_calls(&server).count(), 0);
    assert!(started.elapsed() < Duration::from_secs(5));
    let logs = captured.text();
    assert!(logs.contains("invalid_grant"), "{logs}");
    assert!(!logs.contains("SECRET"), "{logs}");
}

#[tokio::test]
async fn no_token_or_secret_shows_in_debug_logs_or_errors() {
    let captured = CapturedLogs::start(tracing::Level::TRACE);
    let server = FakeHubSpot::start();
    server.oauth_expiry(Expiry::AfterRequests(1));
    let (client, kept) = oauth_client(&server, app());
    for _ in 0..3 {
        call(&client).await.unwrap();
    }
    // An error answer to a request with a refreshed token.
    server.queue(Fault::errors_null(400));
    let error = call(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    let shown = [
        format!("{client:?}"),
        format!("{:?}", kept.lock().unwrap()),
        format!("{error:?} {error}"),
        format!("{:?}", app()),
        captured.text(),
    ];
    for text in shown {
        assert!(!text.contains("SECRET"), "{text}");
    }
}

/// Tokens kept by another service, which the application asks for.
struct Vault {
    tokens: Vec<String>,
    asked: Mutex<Vec<Option<String>>>,
}

impl TokenSource for Vault {
    fn access_token<'a>(&'a self, expired: Option<&'a AccessToken>) -> TokenFuture<'a> {
        Box::pin(async move {
            let mut asked = self.asked.lock().unwrap();
            asked.push(expired.map(|t| t.token.expose_secret().to_owned()));
            let which = usize::from(expired.is_some());
            Ok(AccessToken::new(self.tokens[which].clone(), None))
        })
    }
}

#[tokio::test]
async fn a_token_source_of_the_applications_own_is_asked_again_past_an_expired_token() {
    let server = FakeHubSpot::start();
    server.oauth_expiry(Expiry::AfterRequests(1));
    let (first, second) = (server.issue_access_token(), server.issue_access_token());
    let vault = Arc::new(Vault {
        tokens: vec![first.clone(), second.clone()],
        asked: Mutex::new(Vec::new()),
    });
    struct Shared(Arc<Vault>);
    impl TokenSource for Shared {
        fn access_token<'a>(&'a self, expired: Option<&'a AccessToken>) -> TokenFuture<'a> {
            self.0.access_token(expired)
        }
    }
    let client = Client::builder()
        .base_url(&server.base_url)
        .token_source(Shared(vault.clone()))
        .build()
        .unwrap();
    for _ in 0..2 {
        call(&client).await.unwrap();
    }
    // The first send used the first token; the second met its expiry and asked again.
    assert_eq!(
        *vault.asked.lock().unwrap(),
        [None, None, Some(first.clone())]
    );
    let sent: Vec<String> = api_calls(&server).filter_map(|s| s.authorization).collect();
    assert_eq!(
        sent,
        [
            format!("Bearer {first}"),
            format!("Bearer {first}"),
            format!("Bearer {second}")
        ]
    );
}

#[test]
fn a_client_takes_one_kind_of_credentials() {
    let error = Client::builder()
        .token("pat-na1-1")
        .oauth(app())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("choose one"), "{error}");
    let error = Client::builder()
        .oauth(app().token_path("https://elsewhere.example/token"))
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("a path on the base URL"),
        "{error}"
    );
}
