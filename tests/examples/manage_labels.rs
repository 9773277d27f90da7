//! Lists, creates, renames and deletes association labels between two object types.
//!
//! HUBSPOT_TOKEN=... cargo run -p tests --example manage_labels

use hubspot_associations::{v4 as api, ClientBuilder};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // HUBSPOT_TOKEN, and HUBSPOT_BASE_URL to point elsewhere than api.hubapi.com.
    let client = ClientBuilder::from_env()?.build()?;

    let create =
        api::PublicAssociationDefinitionCreateRequest::new("Billing contact", "billing_contact");
    let labels = client
        .send(&api::create_label("contacts", "companies", &create))
        .await?;
    let label = labels
        .results
        .iter()
        .find(|l| l.label.as_deref() == Some("Billing contact"))
        .ok_or("label not created")?;
    println!("created {} ({:?})", label.type_id, label.category);

    let rename =
        api::PublicAssociationDefinitionUpdateRequest::new(label.type_id, "Invoicing contact");
    client
        .send(&api::update_label("contacts", "companies", &rename))
        .await?;

    for label in client
        .send(&api::list_labels("contacts", "companies"))
        .await?
        .results
    {
        println!(
            "{:>6} {:<20} {}",
            label.type_id,
            label.category,
            label.label.unwrap_or_default()
        );
    }

    client
        .send(&api::delete_label("contacts", "companies", label.type_id))
        .await?;
    Ok(())
}
