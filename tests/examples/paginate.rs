//! Every company associated with a contact, page after page.
//!
//! HUBSPOT_TOKEN=... cargo run -p tests --example paginate -- 12345

use futures_util::TryStreamExt;
use hubspot_associations::{v2026_03 as api, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("HUBSPOT_TOKEN")
        .map_err(|_| "set HUBSPOT_TOKEN to a private app or OAuth access token")?;
    let contact = std::env::args()
        .nth(1)
        .ok_or("usage: paginate CONTACT_ID")?;
    let mut builder = Client::builder().token(token);
    if let Ok(base_url) = std::env::var("HUBSPOT_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let companies: Vec<api::MultiAssociatedObjectWithLabel> = client
        .paginate(move |after| {
            let query = api::ListAssociationsQuery {
                after,
                limit: Some(500),
            };
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
