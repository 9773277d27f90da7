//! A long job of an OAuth app: associates deals with a company, however long it takes. The
//! client refreshes its access token itself (HubSpot's live 30 minutes), and every token
//! set HubSpot issues is written to a file, so the next run starts from the latest refresh
//! token (HubSpot may issue a new one, and the old one may stop working).
//!
//! HUBSPOT_CLIENT_ID=... HUBSPOT_CLIENT_SECRET=... HUBSPOT_REFRESH_TOKEN=... \
//!   cargo run -p tests --example oauth_job -- 50000 tokens.json

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hubspot_associations::runtime::{OAuth, TokenSet};
use hubspot_associations::{v4, ClientBuilder};

/// Writes the token set where the next run reads it, replacing the file whole.
fn keep(path: &str, tokens: &TokenSet) {
    let expires_at = tokens
        .access_token
        .expires_at
        .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |at| at.as_secs());
    let saved = serde_json::json!({
        "refresh_token": tokens.refresh_token.expose_secret(),
        "access_token": tokens.access_token.token.expose_secret(),
        "expires_at": expires_at,
    });
    let partial = format!("{path}.partial");
    let written =
        std::fs::write(&partial, saved.to_string()).and_then(|()| std::fs::rename(&partial, path));
    if let Err(error) = written {
        eprintln!("could not keep the new tokens in {path}: {error}");
    }
}

/// The app's installation: from the file an earlier run kept, else from the environment.
fn credentials(path: &str) -> Result<OAuth, Box<dyn std::error::Error>> {
    let client_id = std::env::var("HUBSPOT_CLIENT_ID")?;
    let client_secret = std::env::var("HUBSPOT_CLIENT_SECRET")?;
    let Ok(saved) = std::fs::read_to_string(path) else {
        let refresh_token = std::env::var("HUBSPOT_REFRESH_TOKEN")?;
        return Ok(OAuth::new(client_id, client_secret, refresh_token));
    };
    let saved: serde_json::Value = serde_json::from_str(&saved)?;
    let text = |name: &str| saved[name].as_str().unwrap_or_default().to_owned();
    let expires_at = UNIX_EPOCH + Duration::from_secs(saved["expires_at"].as_u64().unwrap_or(0));
    Ok(OAuth::new(client_id, client_secret, text("refresh_token"))
        .access_token(text("access_token"), expires_at))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let deals: u64 = args.next().unwrap_or_else(|| "10000".to_owned()).parse()?;
    let file = args
        .next()
        .unwrap_or_else(|| "hubspot-tokens.json".to_owned());

    let kept_in = file.clone();
    let oauth = credentials(&file)?.on_refresh(move |tokens| keep(&kept_in, tokens));
    let mut builder = ClientBuilder::default().oauth(oauth);
    if let Ok(base_url) = std::env::var("HUBSPOT_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let started = SystemTime::now();
    let pairs: Vec<_> = (1..=deals)
        .map(|deal| {
            v4::PublicAssociationMultiPost::new(
                v4::PublicObjectId::new(deal),
                v4::PublicObjectId::new(202u64),
                vec![v4::AssociationSpec::new(
                    v4::AssociationCategory::HubspotDefined,
                    341,
                )],
            )
        })
        .collect();
    let report = client
        .batch(pairs, |chunk| {
            v4::batch_create(
                "deals",
                "companies",
                &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    println!(
        "{} associated in {} requests, {} failed, in {:.1} s",
        report.succeeded,
        report.requests,
        report.failures.len(),
        started.elapsed().unwrap_or_default().as_secs_f64()
    );
    for failure in report.failures.iter().take(5) {
        println!("  {:?}: {:?}", failure.input.from.id, failure.reason);
    }
    Ok(())
}
