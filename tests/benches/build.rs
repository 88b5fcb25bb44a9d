//! Code generation speed on the generated 10,000-model project (see
//! `frontend.rs`), for BigQuery, Redshift and Trino at once:
//! `cargo bench -p cjo-tests --bench build`.
//!
//! - `codegen`: `cjo_codegen::build` on a project already loaded and
//!   analysed: every model's SQL rewritten and materialized per dialect,
//!   every check's query, the task DAG and its order;
//! - `files`: `cjo_codegen::output::files` on that build: every file's
//!   text and `manifest.json`;
//! - `pipeline`: what `cjoc build --target bigquery,redshift,trino` does
//!   short of the disk: load, analyse, gather the diagnostics, build and
//!   make the files;
//! - `schedulers`: with ten pipelines of 100 named models each (and the
//!   100 models they read), on Airflow and Digdag: the second lowering
//!   (own targets, run interval deferred) and every DAG file, workflow and
//!   Digdag SQL file.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::path::Path;

use cjo_codegen::time::Instant;
use cjo_codegen::{Options, RunInterval};
use cjo_diagnostics::Diagnostic;
use cjo_project::{Dialect, MemoryFs};
use criterion::{Criterion, criterion_group, criterion_main};

const MODELS: usize = 10_000;

fn first_error(diagnostics: &[Diagnostic]) -> Option<&Diagnostic> {
    diagnostics.iter().find(|d| d.is_error())
}

fn build(c: &mut Criterion) {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", cjo_tests::generate::config());
    cjo_tests::insert_fixture_catalog(&mut fs);
    for (name, text) in cjo_tests::generate::project_files(MODELS, 100) {
        fs.insert(format!("p/{name}"), text);
    }
    let run = RunInterval { start: Instant::from_date(2026, 11, 20), end: Instant::from_date(2026, 11, 21) };
    let options = Options { targets: Some(Dialect::ALL.to_vec()), ..Default::default() };

    // Once, outside the timing: the project builds cleanly for all three.
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = cjo_semantic::analyze(&ws);
    let diagnostics = cjo_semantic::all_diagnostics(&ws, &analysis);
    assert!(first_error(&diagnostics).is_none(), "{:?}", first_error(&diagnostics));
    let built = cjo_codegen::build(&ws, &analysis, &options);
    assert!(built.diagnostics.is_empty(), "{:?}", built.diagnostics.first());
    assert_eq!(built.dialects.len(), 3);
    let files = cjo_codegen::output::files(&ws, &analysis, &built, run);
    // Per dialect: a model file per model, a check file per check entry.
    assert!(files.len() > 3 * MODELS, "{} files", files.len());

    let mut with_pipelines = fs.clone();
    with_pipelines.insert("p/pipelines.cjo", cjo_tests::generate::scheduler_pipelines(MODELS));
    let scheduled_ws = cjo_project::load(&with_pipelines, Path::new("p")).unwrap();
    let scheduled_analysis = cjo_semantic::analyze(&scheduled_ws);
    let check = cjo_codegen::build(&scheduled_ws, &scheduled_analysis, &Options::default());
    assert!(first_error(&check.diagnostics).is_none(), "{:?}", first_error(&check.diagnostics));
    let scheduler_files = cjo_orchestrate::files(&scheduled_ws, &check);
    assert_eq!(scheduler_files.keys().filter(|k| k.ends_with(".py")).count(), 10);

    let mut group = c.benchmark_group("build_10k_models_3_dialects");
    group.sample_size(10);
    group.bench_function("codegen", |b| b.iter(|| black_box(cjo_codegen::build(&ws, &analysis, black_box(&options)))));
    group.bench_function("files", |b| {
        b.iter(|| black_box(cjo_codegen::output::files(&ws, &analysis, black_box(&built), run)))
    });
    group.bench_function("pipeline", |b| {
        b.iter(|| {
            let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
            let analysis = cjo_semantic::analyze(&ws);
            let diagnostics = cjo_semantic::all_diagnostics(&ws, &analysis);
            assert!(first_error(&diagnostics).is_none());
            let built = cjo_codegen::build(&ws, &analysis, &options);
            assert!(first_error(&built.diagnostics).is_none());
            let files = cjo_codegen::output::files(&ws, &analysis, &built, run);
            black_box((ws, analysis, built, files))
        })
    });
    group.bench_function("schedulers", |b| {
        let options = Options::default();
        b.iter(|| {
            let scheduled = cjo_codegen::build(&scheduled_ws, &scheduled_analysis, black_box(&options));
            black_box(cjo_orchestrate::files(&scheduled_ws, &scheduled))
        })
    });
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
