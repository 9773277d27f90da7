//! Every company associated with a contact, page after page.
//!
//! HUBSPOT_TOKEN=... cargo run -p tests --example paginate -- 12345

use futures_util::TryStreamExt;
use hubspot_associations::{v2026_03 as api, ClientBuilder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // HUBSPOT_TOKEN, and HUBSPOT_BASE_URL to point elsewhere than api.hubapi.com.
    let client = ClientBuilder::from_env()?.build()?;
    let contact = std::env::args()
        .nth(1)
        .ok_or("usage: paginate CONTACT_ID")?;

    let companies: Vec<api::MultiAssociatedObjectWithLabel> = client
        .paginate(move |after| {
            let query = api::ListAssociationsQuery::default()
                .with_after(after)
                .with_limit(500);
            api::list_associations("contacts", contact.as_str(), "companies", &query)
        })
        .try_collect()
        .await?;
    for company in &companies {
        let labels: Vec<&str> = company
            .association_types
            .iter()
            .filter_map(|t| t.label.as_deref())
            .collect();
        println!("{} {labels:?}", company.to_object_id);
    }
    Ok(())
}
