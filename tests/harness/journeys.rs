//! Journey lowering, from the outside: the tasks and their order, where a
//! jump between journeys is read, diagnostics for journeys built where no
//! target is configured, and the consistency check's sampling. That the
//! SQL gives the simulator's state is proven on DuckDB by
//! tests/python/test_journeys.py.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_codegen::{Build, Options};
use cjo_project::{Dialect, MemoryFs};
use cjo_tests::run_interval;

const SOURCES: &str = r#"
source customers = "crm.customers" {
  customer_id: string
  plan: string
}
source app_events = "events.app_events" {
  customer_id: string
  name: string
  event_time: timestamp
}
"#;

fn build(config: &str, journeys: &str) -> Build {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", config).insert("p/sources.cjo", SOURCES).insert("p/j.cjo", journeys);
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = cjo_semantic::analyze(&ws);
    let errors: Vec<String> = cjo_semantic::all_diagnostics(&ws, &analysis)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    cjo_codegen::build(&ws, &analysis, &Options::default())
}

fn sql(build: &Build, id: &str, dialect: Dialect) -> String {
    let statements = &build.dag.tasks[id].sql[&dialect].statements;
    statements.iter().map(|s| s.bind(&run_interval())).collect::<Vec<_>>().join(";\n")
}

const TRINO: &str =
    "[project]\nname = \"p\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"cjo\"\n";

const TWO_JOURNEYS: &str = r#"
journey welcome {
  profiles = customers
  key = customer_id
  events = [app_events]
  stage first {
    entry: any app_events where name = 'signup'
    step hello: activate "email.hello"
    step over: jump upsell.pitch
  }
}

journey upsell {
  profiles = customers
  key = customer_id
  reentry = always
  consistency_sample = 100%
  stage pitch {
    step offer: activate "email.offer"
    step done: end
  }
}
"#;

#[test]
fn a_jump_into_another_journey_runs_after_it_and_reads_its_state() {
    let b = build(TRINO, TWO_JOURNEYS);
    let upsell = &b.dag.tasks["journey.upsell"];
    assert!(upsell.depends_on.contains("journey.welcome"), "{:?}", upsell.depends_on);
    let order = &b.dag.order;
    let pos = |id: &str| order.iter().position(|o| o == id).unwrap();
    assert!(pos("journey.welcome") < pos("journey.upsell"));
    assert!(pos("journey.upsell") < pos("check.upsell.consistency"));
    let text = sql(&b, "journey.upsell", Dialect::Trino);
    assert!(text.contains("FROM hive.cjo.welcome AS src"), "{text}");
    assert!(text.contains("jump_stage_first_step_over"), "{text}");
    // The pending jump is the only way into `upsell`: no entry criteria.
    assert!(text.contains("WHEN j.cjo_stage IS NOT NULL THEN j.cjo_stage"), "{text}");
}

#[test]
fn every_tick_starts_from_the_state_before_t_and_swaps_the_compaction_in() {
    let b = build(TRINO, TWO_JOURNEYS);
    let text = sql(&b, "journey.welcome", Dialect::Trino);
    let t = "TIMESTAMP '2026-11-21 00:00:00 UTC'";
    assert!(text.contains(&format!("WHERE s.intime_journey < {t}")), "{text}");
    assert!(text.contains("GROUP BY u.customer_id, u.instance_no"), "{text}");
    assert!(text.contains("ALTER TABLE hive.cjo.welcome__next RENAME TO hive.cjo.welcome"), "{text}");
    assert!(!text.to_ascii_uppercase().contains("CURRENT_TIMESTAMP"), "a tick never reads the clock");
    assert!(text.contains("INSERT INTO hive.cjo.welcome_activations"), "{text}");
}

#[test]
fn the_consistency_check_samples_as_configured() {
    let b = build(TRINO, TWO_JOURNEYS);
    // `upsell` checks every row; `welcome` the project default share.
    let all = sql(&b, "check.upsell.consistency", Dialect::Trino);
    assert!(!all.contains("TABLESAMPLE"), "{all}");
    let sampled = sql(&b, "check.welcome.consistency", Dialect::Trino);
    assert!(sampled.contains("TABLESAMPLE BERNOULLI (10)"), "{sampled}");
    let bq = format!("{TRINO}\n[targets.bigquery]\nproject = \"x\"\ndataset = \"cjo\"\n");
    let b = build(&bq, &TWO_JOURNEYS.replace("journey welcome {", "journey welcome {\n  target = bigquery"));
    let sampled = sql(&b, "check.welcome.consistency", Dialect::BigQuery);
    assert!(sampled.starts_with("ASSERT"), "{sampled}");
    assert!(sampled.contains("< 1000"), "a 10% bucket: {sampled}");
}

#[test]
fn a_journey_on_an_unconfigured_warehouse_is_e0601() {
    let journeys = TWO_JOURNEYS.replace("journey welcome {", "journey welcome {\n  target = redshift");
    let b = build(TRINO, &journeys);
    let d = b.diagnostics.iter().find(|d| d.code.id == "E0601").expect("E0601");
    assert!(d.message.starts_with("1 journey(s) are built on redshift"), "{}", d.message);
    assert!(!b.dag.tasks["journey.welcome"].sql.contains_key(&Dialect::Redshift));
    // `upsell` stays on Trino and cannot read `welcome`'s hand-over there.
    let d = b.diagnostics.iter().find(|d| d.code.id == "E0604").expect("E0604");
    assert!(d.message.contains("`welcome` jumps into `upsell`, which runs on trino"), "{}", d.message);
}
