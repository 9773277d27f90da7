//! How long `cargo xtask codegen` takes, whole and per stage: load (read + parse + type as
//! OpenAPI), lower (to the model), emit (to tokens), emit and format (tokens to text, with
//! prettyplease, on one thread and on every core). On the checked-in documents, and on two
//! of `../shared/specs/dev` when they are there (a small document and a 1 MB one), as
//! standalone crates with their runtime crate. `cargo bench -p xtask`; whole processes:
//! `tests/benches/codegen_time.sh`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use xtask::codegen::{self, Job};
use xtask::emit;

fn default_job() -> Job {
    let root = codegen::workspace_root().expect("run in the checkout");
    codegen::default_job(&root).expect("spec/ documents")
}

/// A crate generated from one document into a directory that is never written.
fn document_job(path: PathBuf) -> Job {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let out = std::env::temp_dir().join("codegen-bench-never-written");
    Job::standalone(
        vec![(path, name)],
        out.clone(),
        out.join("runtime"),
        "bench",
        out,
    )
}

fn stages(c: &mut Criterion, label: &str, job: &Job) {
    let docs = codegen::load_all(job).expect("documents load");
    let (api, _) = xtask::lower::lower(&docs).expect("documents lower");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let mut group = c.benchmark_group(label);
    group.bench_function("full pipeline (load, lower, emit, format)", |b| {
        b.iter(|| codegen::plan(black_box(job)).expect("plan"))
    });
    group.bench_function("load", |b| {
        b.iter(|| codegen::load_all(black_box(job)).expect("load"))
    });
    group.bench_function("lower", |b| {
        b.iter(|| xtask::lower::lower(black_box(&docs)).expect("lower"))
    });
    group.bench_function("emit", |b| {
        b.iter(|| emit::emit_unformatted(black_box(&api), &job.options, "runtime"))
    });
    group.bench_function("emit and format, one thread", |b| {
        b.iter(|| {
            emit::render(emit::plan(black_box(&api), &job.options, "runtime"), 1).expect("emit")
        })
    });
    group.bench_function(format!("emit and format, {threads} threads"), |b| {
        b.iter(|| {
            emit::render(
                emit::plan(black_box(&api), &job.options, "runtime"),
                threads,
            )
            .expect("emit")
        })
    });
    group.finish();
}

fn codegen_stages(c: &mut Criterion) {
    stages(c, "spec/", &default_job());
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/dev");
    for document in [
        "subscription-lifecycle-v1.json",
        "media-bridge-2026-03.json",
    ] {
        let path = dev.join(document);
        if path.exists() {
            stages(c, document, &document_job(path));
        }
    }
}

criterion_group!(benches, codegen_stages);
criterion_main!(benches);
