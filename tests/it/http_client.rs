//! A user's own `reqwest` configuration (`ClientBuilder::http_client`): it carries every
//! request, while the client's guarantees hold over whatever it says: no redirect followed,
//! the client's timeouts.

use std::time::Duration;

use futures_util::TryStreamExt;
use hubspot_associations::runtime::{reqwest, Error, RetryPolicy};
use hubspot_associations::{v4, Client};
use tests::fake_hubspot::{FakeHubSpot, Fault, TOKEN};
use tests::proxy::RecordingProxy;

use crate::transport::associate;

fn through(server: &FakeHubSpot, http: reqwest::ClientBuilder) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .http_client(http)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_configured_proxy_carries_every_request() {
    let server = FakeHubSpot::start();
    let proxy = RecordingProxy::start();
    let http = reqwest::Client::builder().proxy(reqwest::Proxy::http(&proxy.url).unwrap());
    let client = through(&server, http);

    let label = v4::PublicAssociationDefinitionCreateRequest::new("Partner", "partner");
    client
        .send(&v4::create_label("contacts", "companies", &label))
        .await
        .unwrap();
    client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap();
    associate(&client, 9, 1500).await;
    let listed: Vec<_> = client
        .paginate(|after| {
            v4::list_associations(
                "contacts",
                9u64,
                "companies",
                &v4::ListAssociationsQuery::default()
                    .with_after(after)
                    .with_limit(500),
            )
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1500);

    // What arrived at HubSpot is exactly what the proxy carried, in the same order.
    let carried = proxy.carried();
    let seen = server.seen();
    assert_eq!(carried.len(), 2 + 2 + 3, "{carried:#?}");
    assert_eq!(carried.len(), seen.len());
    for (carried, seen) in carried.iter().zip(&seen) {
        let mut url = format!("{}{}", server.base_url, seen.raw_path);
        if let Some(query) = &seen.query {
            url = format!("{url}?{query}");
        }
        assert_eq!((&carried.method, &carried.url), (&seen.method, &url));
        assert_eq!(carried.authorization, Some(format!("Bearer {TOKEN}")));
    }
}

#[tokio::test]
async fn a_builder_that_follows_redirects_still_follows_none() {
    let a = FakeHubSpot::start();
    let b = FakeHubSpot::start();
    let elsewhere = format!("{}/hop", b.base_url);
    a.queue(Fault::Redirect(elsewhere.clone()));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10));
    let client = through(&a, http);

    let label = v4::PublicAssociationDefinitionCreateRequest::new("Partner", "partner");
    let error = client
        .send(&v4::create_label("contacts", "companies", &label))
        .await
        .unwrap_err();
    let Error::Redirect { location, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(location.as_deref(), Some(elsewhere.as_str()));
    assert!(
        b.seen().is_empty(),
        "the body and token went on: {:?}",
        b.seen()
    );
}

#[tokio::test]
async fn the_clients_timeout_holds_over_the_builders() {
    let server = FakeHubSpot::start();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(3600))
        .connect_timeout(Duration::from_secs(3600));
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .timeout(Duration::from_millis(300))
        .http_client(http)
        .build()
        .unwrap();
    server.queue(Fault::Slow(Duration::from_secs(20)));
    let started = std::time::Instant::now();
    let error = client
        .send(&v4::list_labels("contacts", "companies"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_builders_debug_shows_none_of_its_settings() {
    let proxy = reqwest::Proxy::all("http://user:proxy-password@proxy.internal:3128").unwrap();
    let builder = Client::builder()
        .token(TOKEN)
        .http_client(reqwest::Client::builder().proxy(proxy));
    let text = format!("{builder:?}");
    assert!(
        !text.contains("proxy-password") && !text.contains(TOKEN),
        "{text}"
    );
    assert!(text.contains("reqwest::ClientBuilder { .. }"), "{text}");
}
