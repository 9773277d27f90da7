//! How long `cargo xtask codegen` takes on the checked-in documents, whole and per stage:
//! load (read + parse YAML + type as OpenAPI), lower (to the model), emit (to tokens),
//! format (prettyplease). `cargo bench -p xtask`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use xtask::codegen::{self, Job};
use xtask::emit;

fn job() -> Job {
    let root = codegen::workspace_root().expect("run in the checkout");
    codegen::default_job(&root).expect("spec/ documents")
}

fn stages(c: &mut Criterion) {
    let job = job();
    let docs = codegen::load_all(&job).expect("documents load");
    let (api, _) = xtask::lower::lower(&docs).expect("documents lower");

    let mut group = c.benchmark_group("codegen");
    group.bench_function("full pipeline (load, lower, emit, format)", |b| {
        b.iter(|| codegen::plan(black_box(&job)).expect("plan"))
    });
    group.bench_function("load", |b| {
        b.iter(|| codegen::load_all(black_box(&job)).expect("load"))
    });
    group.bench_function("lower", |b| {
        b.iter(|| xtask::lower::lower(black_box(&docs)).expect("lower"))
    });
    group.bench_function("emit", |b| {
        b.iter(|| emit::emit_tokens(black_box(&api), &job.options, "../templates"))
    });
    group.bench_function("format", |b| {
        b.iter_batched(
            || emit::emit_tokens(&api, &job.options, "../templates"),
            |pending| emit::format_files(pending).expect("format"),
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
