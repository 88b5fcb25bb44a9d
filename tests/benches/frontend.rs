//! Front-end speed on a generated 10,000-model project:
//! `cargo bench -p cjo-tests --bench frontend`.
//!
//! - `parse`: lexing and parsing all files (throughput in bytes);
//! - `load`: loading the whole project from memory: cjo.toml, parsing and
//!   structural checks of every file and the standard library;
//! - `check`: what `cjoc check` does: `load`, then names and types (every
//!   SQL body parsed with sqlparser, resolved and typed in dependency
//!   order, checks and pipelines resolved).

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::path::Path;

use cjo_diagnostics::FileId;
use cjo_project::MemoryFs;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MODELS: usize = 10_000;

fn frontend(c: &mut Criterion) {
    let files = cjo_tests::generate::project_files(MODELS, 100);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();

    let mut group = c.benchmark_group("frontend_10k_models");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (_, text) in &files {
                black_box(cjo_syntax::parse(FileId(0), black_box(text)));
            }
        })
    });
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", cjo_tests::DEFAULT_CONFIG);
    cjo_tests::insert_fixture_catalog(&mut fs);
    for (name, text) in &files {
        fs.insert(format!("p/{name}"), text.as_str());
    }
    group.bench_function("load", |b| {
        b.iter(|| {
            let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
            assert_eq!(ws.error_count(), 0);
            black_box(ws)
        })
    });
    group.bench_function("check", |b| {
        b.iter(|| {
            let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
            let analysis = cjo_semantic::analyze(&ws);
            assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics.first());
            black_box((ws, analysis))
        })
    });
    group.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
