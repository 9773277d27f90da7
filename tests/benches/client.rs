//! The client's cost over a hand-written reqwest call of the same request, against the fake
//! HubSpot on 127.0.0.1. `cargo bench -p tests --bench client`.

use criterion::{criterion_group, criterion_main, Criterion};
use hubspot_associations::runtime::RetryPolicy;
use hubspot_associations::{v4, Client};
use tests::fake_hubspot::{FakeHubSpot, TOKEN};

fn overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let server = runtime.block_on(async {
        let server = FakeHubSpot::start();
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url)
            .build()
            .expect("client");
        let label = v4::PublicAssociationDefinitionCreateRequest::new("Manager", "manager");
        client
            .send(&v4::create_label("contacts", "companies", &label))
            .await
            .expect("label");
        server
    });
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::never())
        .build()
        .expect("client");
    let http = reqwest::Client::new();
    let url = format!(
        "{}/crm/associations/v4/contacts/companies/labels",
        server.base_url
    );

    let mut group = c.benchmark_group("list_labels round trip on 127.0.0.1");
    group.bench_function("hand-written reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = http
                .get(&url)
                .bearer_auth(TOKEN)
                .header("accept", "application/json")
                .send()
                .await
                .expect("sent");
            let body = response.bytes().await.expect("body");
            serde_json::from_slice::<v4::CollectionResponseAssociationSpecWithLabelNoPaging>(&body)
                .expect("parses")
        })
    });
    group.bench_function("Client::send", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .send(&v4::list_labels("contacts", "companies"))
                .await
                .expect("sent")
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, overhead);
criterion_main!(benches);
