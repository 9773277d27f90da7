//! Typed parsing of a realistic batch read response against `serde_json::Value`: 1,000
//! results, and a ~10 MB body; and the other way, writing a 1,000-input batch create body.
//! `cargo bench -p tests --bench parse`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hubspot_associations::v4::{
    AssociationCategory, AssociationSpec, BatchInputPublicAssociationMultiPost,
    BatchResponsePublicAssociationMultiWithLabel, PublicAssociationMultiPost, PublicObjectId,
};
use serde_json::{json, Value};

/// A batch read answer as the live API sends it: numeric ids, labels, per-input paging.
fn batch_read_body(results: usize, targets: usize) -> String {
    let results: Vec<Value> = (0..results)
        .map(|i| {
            let to: Vec<Value> = (0..targets)
                .map(|j| {
                    json!({
                        "toObjectId": 30_000_000_000u64 + (i * targets + j) as u64,
                        "associationTypes": [
                            {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": null},
                            {"category": "USER_DEFINED", "typeId": 1042, "label": "Decision maker"}
                        ]
                    })
                })
                .collect();
            let mut result =
                json!({"from": {"id": (10_000_000_000u64 + i as u64).to_string()}, "to": to});
            if i % 10 == 0 {
                result["paging"] =
                    json!({"next": {"after": "MTAw", "link": "https://api.hubapi.com/crm/v4/..."}});
            }
            result
        })
        .collect();
    json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": "2026-03-01T10:00:00.123Z",
        "completedAt": "2026-03-01T10:00:01.456Z",
        "requestedAt": null,
        "links": {"self": "https://api.hubapi.com"},
    })
    .to_string()
}

fn parse(c: &mut Criterion) {
    for (name, results, targets) in [("1,000 results", 1_000, 3), ("~10 MB", 3_000, 25)] {
        let body = batch_read_body(results, targets);
        let mut group = c.benchmark_group(format!(
            "batch read response, {name} ({} KB)",
            body.len() / 1024
        ));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("typed", |b| {
            b.iter(|| {
                serde_json::from_str::<BatchResponsePublicAssociationMultiWithLabel>(black_box(
                    &body,
                ))
                .expect("parses")
            })
        });
        group.bench_function("serde_json::Value", |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(&body)).expect("parses"))
        });
        group.finish();
    }
}

/// What the client writes for every batch create request: 1,000 pairs with two labels each.
fn write(c: &mut Criterion) {
    let typed = BatchInputPublicAssociationMultiPost::new(
        (0..1_000u64)
            .map(|i| {
                PublicAssociationMultiPost::new(
                    PublicObjectId::new(10_000_000_000 + i),
                    PublicObjectId::new(30_000_000_000 + i),
                    vec![
                        AssociationSpec::new(AssociationCategory::HubspotDefined, 279),
                        AssociationSpec::new(AssociationCategory::UserDefined, 1042),
                    ],
                )
            })
            .collect::<Vec<_>>(),
    );
    let value = serde_json::to_value(&typed).expect("serialises");
    let size = serde_json::to_vec(&typed).expect("serialises").len();
    let mut group = c.benchmark_group(format!(
        "batch create body, 1,000 inputs ({} KB)",
        size / 1024
    ));
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::to_vec(black_box(&typed)).expect("serialises"))
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).expect("serialises"))
    });
    group.finish();
}

criterion_group!(benches, parse, write);
criterion_main!(benches);
