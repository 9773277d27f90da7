//! The companies of many contacts at once: any number of ids, split into requests of
//! 1,000, each contact's own pages followed.
//!
//! HUBSPOT_TOKEN=... cargo run -p tests --example batch_read -- 101 102 103

use hubspot_associations::runtime::ObjectId;
use hubspot_associations::{v2026_03 as api, ClientBuilder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // HUBSPOT_TOKEN, and HUBSPOT_BASE_URL to point elsewhere than api.hubapi.com.
    let client = ClientBuilder::from_env()?.build()?;

    let inputs: Vec<_> = std::env::args()
        .skip(1)
        .map(|id| api::PublicFetchAssociationsBatchRequest::new(ObjectId::new(id)))
        .collect();
    let report = client
        .batch_all_pages(inputs, |chunk| {
            api::batch_read(
                "contacts",
                "companies",
                &api::BatchInputPublicFetchAssociationsBatchRequest::new(chunk.to_vec()),
            )
        })
        .await;
    for result in &report.results {
        println!("contact {}: {} companies", result.from.id, result.to.len());
    }
    for failure in &report.failures {
        eprintln!("contact {} failed: {:?}", failure.input.id, failure.reason);
    }
    Ok(())
}
