//! Associates deals with companies under a custom label, creating the label first. Any
//! number of pairs: the client splits them into requests of 1,000, retries rate limits,
//! and reports every pair that did not go through.
//!
//! HUBSPOT_TOKEN=... cargo run -p tests --example batch_create_with_labels -- DEAL:COMPANY ...

use hubspot_associations::{v2026_03 as api, ClientBuilder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // HUBSPOT_TOKEN, and HUBSPOT_BASE_URL to point elsewhere than api.hubapi.com.
    let client = ClientBuilder::from_env()?.build()?;

    // The label, created if it does not exist yet.
    let labels = client.send(&api::list_labels("deals", "companies")).await?;
    let existing = labels
        .results
        .iter()
        .find(|l| l.label.as_deref() == Some("Reseller"));
    let type_id = match existing {
        Some(label) => label.type_id,
        None => {
            let request =
                api::PublicAssociationDefinitionCreateRequest::new("Reseller", "reseller");
            let created = client
                .send(&api::create_label("deals", "companies", &request))
                .await?;
            created
                .results
                .iter()
                .find(|l| l.label.as_deref() == Some("Reseller"))
                .ok_or("label not created")?
                .type_id
        }
    };

    let pairs: Vec<_> = std::env::args()
        .skip(1)
        .filter_map(|arg| {
            let (deal, company) = arg.split_once(':')?;
            Some(api::PublicAssociationMultiPost::new(
                api::PublicObjectId::new(deal),
                api::PublicObjectId::new(company),
                vec![api::AssociationSpec::new(
                    api::AssociationCategory::UserDefined,
                    type_id,
                )],
            ))
        })
        .collect();
    let report = client
        .batch(pairs, |chunk| {
            api::batch_create(
                "deals",
                "companies",
                &api::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
            )
        })
        .await;
    println!(
        "{} associated in {} requests",
        report.succeeded, report.requests
    );
    for failure in &report.failures {
        eprintln!(
            "deal {} -> company {}: {:?}",
            failure.input.from.id, failure.input.to.id, failure.reason
        );
    }
    Ok(())
}
