//! Journey speed on `examples/journey_tour` (two journeys, every step
//! kind): `cargo bench -p cjo-tests --bench journeys`.
//!
//! - `lower`: `cjo_codegen::build` of the project (analysed once) for
//!   BigQuery, Redshift and Trino: every journey's tick and consistency
//!   SQL;
//! - `simulate`: the reference simulator over 20,000 members with about
//!   12 app events and 0.3 orders each, 30 daily ticks (what `cjoc simulate`
//!   does after reading the CSV files).

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use cjo_codegen::Options;
use cjo_journey::sim::{self, Data, Table};
use cjo_project::{Dialect, MemoryFs, Workspace};
use criterion::{Criterion, criterion_group, criterion_main};

const MEMBERS: usize = 20_000;
const DAY: i64 = 86_400_000_000;

fn project() -> Workspace {
    let dir = cjo_tests::repo_root().join("examples/journey_tour");
    let mut fs = MemoryFs::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".cjo") || name == "cjo.toml" {
            fs.insert(format!("p/{name}"), std::fs::read_to_string(&path).unwrap());
        }
    }
    cjo_project::load(&fs, Path::new("p")).unwrap()
}

/// A small deterministic generator (no dependency for a bench).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn data(analysis: &cjo_semantic::Analysis, start: i64) -> Data {
    let columns = |name: &str| -> Vec<(String, cjo_semantic::Ty)> {
        analysis.relation(name).unwrap().columns.iter().map(|c| (c.name.clone(), c.ty.clone())).collect()
    };
    let ts = |t: i64| sim::time::format_timestamp(t);
    let mut rng = Lcg(20_261_122);
    let mut members = String::from("member_id,plan_interest,email_opt_in,trial_ends_on,country_code,updated_at\n");
    let mut events = String::from("event_id,member_id,event_name,event_time,received_at\n");
    let mut orders = String::from("order_id,member_id,product,amount,ordered_at\n");
    const NAMES: [&str; 6] =
        ["trial_started", "app_open", "workout_completed", "plan_viewed", "email_open", "trial_cancelled"];
    for m in 0..MEMBERS {
        let interest = ["monthly", "annual", ""][rng.next(3) as usize];
        let ends = sim::time::format_date(sim::time::day_of(start + (rng.next(40) as i64) * DAY));
        writeln!(members, "m{m},{interest},{},{ends},JP,{}", rng.next(10) > 0, ts(start)).unwrap();
        for e in 0..12 {
            let at = start + (rng.next(30 * 24) as i64) * DAY / 24;
            let name = if e == 0 { "trial_started" } else { NAMES[rng.next(6) as usize] };
            writeln!(events, "e{m}_{e},m{m},{name},{},{}", ts(at), ts(at)).unwrap();
        }
        if rng.next(10) < 3 {
            let at = start + (rng.next(30) as i64) * DAY;
            writeln!(orders, "o{m},m{m},monthly,9.99,{}", ts(at)).unwrap();
        }
    }
    let mut data = Data::new();
    for (name, text) in [("members", members), ("app_events", events), ("orders", orders)] {
        data.insert(Table::from_csv(name, &columns(name), name, text.as_bytes()).unwrap());
    }
    data
}

fn bench(c: &mut Criterion) {
    let ws = project();
    let analysis = cjo_semantic::analyze(&ws);
    assert!(!analysis.diagnostics.iter().any(|d| d.is_error()));
    let options = Options { targets: Some(Dialect::ALL.to_vec()), ..Default::default() };
    let mut group = c.benchmark_group("journeys");
    group.sample_size(20);
    group.bench_function("lower", |b| b.iter(|| black_box(cjo_codegen::build(&ws, &analysis, &options))));

    let plans = cjo_journey::plans(&ws, &analysis);
    let refs: Vec<&cjo_journey::Plan<'_>> = plans.iter().collect();
    let start = sim::time::midnight(sim::time::days_from_civil(2026, 3, 1).unwrap());
    let data = data(&analysis, start);
    let ticks: Vec<i64> = (1..=30).map(|d| start + d * DAY).collect();
    group.sample_size(10);
    group.bench_function("simulate", |b| b.iter(|| black_box(sim::simulate(&refs, &data, &ticks, DAY).unwrap().len())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
