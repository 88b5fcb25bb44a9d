//! `--env` end to end: one project built for its environments, on every
//! warehouse and both schedulers. What changes between environments is
//! where the SQL writes (each warehouse's relation names), the Airflow
//! connections, and whether the scheduler files keep their schedules.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Scratch;

const CONFIG: &str = r#"[project]
name = "shop"
default_environment = "dev"

[targets.bigquery]
project = "shop-prod"
dataset = "analytics"

[targets.redshift]
schema = "analytics"

[targets.trino]
catalog = "hive"
schema = "analytics"

[orchestrators.airflow]
connections = { bigquery = "bq_prod" }

[orchestrators.digdag]

[environments.prod]
schedules = true

[environments.dev.targets.bigquery]
dataset = "dev_${env:CJO_TEST_USER}"

[environments.dev.targets.redshift]
schema = "dev_${env:CJO_TEST_USER}"

[environments.dev.targets.trino]
schema = "${env:CJO_TEST_SCHEMA:-dev_shared}"

[environments.dev.orchestrators.airflow.connections]
bigquery = "bq_dev"

[environments.sandbox.targets.bigquery]
project = "shop-sandbox"

[environments.sandbox.targets.redshift]
database = "sandbox"

[environments.sandbox.targets.trino]
catalog = "sandbox"
"#;

const MODELS: &str = r#"source orders = "raw.orders" {
  order_id: string not null
  amount: int
}

model big_orders {
  sql { select order_id, amount from orders where amount > 100 }
}

model core_orders {
  schema = "core"
  sql { select order_id from big_orders }
}

pipeline nightly {
  schedule = cron "0 3 * * *"
  run = [big_orders, core_orders]
  orchestrators = [airflow, digdag]
}
"#;

fn project(tag: &str) -> Scratch {
    let dir = Scratch::new("environments", tag);
    std::fs::write(dir.path().join("cjo.toml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("models.cjo"), MODELS).unwrap();
    dir
}

/// Runs `cjoc` in `dir` with only the variables of `vars` that this
/// suite reads, so that the developer's shell cannot change the result.
fn cjoc(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cjoc"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("SOURCE_DATE_EPOCH");
    cmd.env_remove("CJO_TEST_USER").env_remove("CJO_TEST_SCHEMA");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}\nstdout:\n{}", text(&out.stderr), text(&out.stdout));
}

/// Builds `dir` into `dir/<name>` for every warehouse with `args` added,
/// and returns each written file's text by its path.
fn build(dir: &Path, name: &str, args: &[&str], vars: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let out = dir.join(name);
    let out_arg = out.to_str().unwrap();
    let mut all =
        vec!["build", ".", "--out", out_arg, "--run-date", "2026-01-15", "--target", "bigquery,redshift,trino"];
    all.extend_from_slice(args);
    assert_ok(&cjoc(dir, &all, vars));
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![out.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// The texts of the files whose path starts with `prefix`, joined.
fn under(files: &std::collections::BTreeMap<String, String>, prefix: &str) -> String {
    let texts: Vec<&str> = files.iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, t)| t.as_str()).collect();
    assert!(!texts.is_empty(), "no file under {prefix}: {:?}", files.keys().collect::<Vec<_>>());
    texts.join("\n")
}

#[test]
fn each_environment_builds_into_its_own_relations_on_every_warehouse() {
    let dir = project("relations");
    let vars = [("CJO_TEST_USER", "alice")];
    let dev = build(dir.path(), "dev", &[], &vars);
    let prod = build(dir.path(), "prod", &["--env", "prod"], &vars);

    for (warehouse, dev_name, prod_name) in [
        ("bigquery/", "`shop-prod`.dev_alice.big_orders", "`shop-prod`.analytics.big_orders"),
        ("redshift/", "dev_alice.big_orders", "analytics.big_orders"),
        ("trino/", "hive.dev_shared.big_orders", "hive.analytics.big_orders"),
    ] {
        let (dev_sql, prod_sql) = (under(&dev, warehouse), under(&prod, warehouse));
        assert!(dev_sql.contains(dev_name), "{warehouse} dev:\n{dev_sql}");
        assert!(!dev_sql.contains(prod_name), "{warehouse} dev writes to prod:\n{dev_sql}");
        assert!(prod_sql.contains(prod_name), "{warehouse} prod:\n{prod_sql}");
    }

    let manifest = |files: &std::collections::BTreeMap<String, String>| {
        let m: serde_json::Value = serde_json::from_str(&files["manifest.json"]).unwrap();
        m["environment"].clone()
    };
    assert_eq!(manifest(&dev), "dev");
    assert_eq!(manifest(&prod), "prod");
}

#[test]
fn a_models_own_schema_goes_under_the_environments_on_every_warehouse() {
    let dir = project("own-schema");
    let vars = [("CJO_TEST_USER", "alice")];
    let dev = build(dir.path(), "dev", &[], &vars);
    let prod = build(dir.path(), "prod", &["--env", "prod"], &vars);
    // Where dev moved the schema, `core` goes under it; prod keeps `core`.
    for (warehouse, dev_name, prod_name) in [
        ("bigquery/", "`shop-prod`.dev_alice_core.core_orders", "`shop-prod`.core.core_orders"),
        ("redshift/", " dev_alice_core.core_orders", " core.core_orders"),
        ("trino/", "hive.dev_shared_core.core_orders", "hive.core.core_orders"),
    ] {
        let (dev_sql, prod_sql) = (under(&dev, warehouse), under(&prod, warehouse));
        assert!(dev_sql.contains(dev_name), "{warehouse} dev:\n{dev_sql}");
        assert!(!dev_sql.contains(prod_name), "{warehouse} dev writes to prod:\n{dev_sql}");
        assert!(prod_sql.contains(prod_name), "{warehouse} prod:\n{prod_sql}");
    }
    // An environment that moves only the container keeps the schemas as
    // written, in its own container.
    let sandbox = build(dir.path(), "sandbox", &["--env", "sandbox"], &vars);
    for (warehouse, name) in [
        ("bigquery/", "`shop-sandbox`.core.core_orders"),
        ("redshift/", "sandbox.core.core_orders"),
        ("trino/", "sandbox.core.core_orders"),
    ] {
        let sql = under(&sandbox, warehouse);
        assert!(sql.contains(name), "{warehouse} sandbox:\n{sql}");
    }
}

#[test]
fn sources_are_read_from_production_in_every_environment() {
    let dir = project("sources");
    let vars = [("CJO_TEST_USER", "alice")];
    let sandbox = build(dir.path(), "sandbox", &["--env", "sandbox"], &vars);
    for (warehouse, built, source) in [
        ("bigquery/", "`shop-sandbox`.analytics.big_orders", "`shop-prod`.raw.orders"),
        // `raw` is a reserved word on Redshift, hence quoted.
        ("redshift/", "sandbox.analytics.big_orders", "  \"raw\".orders"),
        ("trino/", "sandbox.analytics.big_orders", "hive.raw.orders"),
    ] {
        let sql = under(&sandbox, &format!("{warehouse}model.big_orders"));
        assert!(sql.contains(built) && sql.contains(source), "{warehouse}:\n{sql}");
        let from_sandbox = ["sandbox.raw.", "sandbox.\"raw\".", "`shop-sandbox`.raw."];
        assert!(!from_sandbox.iter().any(|s| sql.contains(s)), "{warehouse} reads the sandbox's raw data:\n{sql}");
    }
    let manifest: serde_json::Value = serde_json::from_str(&sandbox["manifest.json"]).unwrap();
    let relations = manifest["nodes"]["source.orders"]["relation"].to_string();
    assert!(relations.contains("shop-prod") && !relations.contains("sandbox"), "{relations}");
}

#[test]
fn schedules_and_connections_follow_the_environment_in_both_schedulers() {
    let dir = project("schedulers");
    let vars = [("CJO_TEST_USER", "alice")];
    // The scheduler files are written for each model's own target.
    let own = |name: &str, args: &[&str]| {
        let out = dir.path().join(name);
        let mut all = vec!["build", ".", "--out", out.to_str().unwrap(), "--run-date", "2026-01-15"];
        all.extend_from_slice(args);
        assert_ok(&cjoc(dir.path(), &all, &vars));
        let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
        (read("airflow/nightly.py"), read("digdag/nightly.dig") + &read("digdag/sql/bigquery/model.big_orders.sql"))
    };
    let (dev_dag, dev_dig) = own("dev", &[]);
    let (prod_dag, prod_dig) = own("prod", &["--env", "prod"]);

    assert!(prod_dag.contains("schedule=CronDataIntervalTimetable(\"0 3 * * *\""), "{prod_dag}");
    assert!(prod_dag.contains("\"bq_prod\""), "{prod_dag}");
    assert!(prod_dig.contains("schedule:\n  cron>: \"0 3 * * *\""), "{prod_dig}");

    assert!(dev_dag.contains("    schedule=None,\n"), "{dev_dag}");
    assert!(dev_dag.contains("_manual(data_interval_start).start"), "{dev_dag}");
    assert!(dev_dag.contains("\"bq_dev\"") && !dev_dag.contains("bq_prod"), "{dev_dag}");
    assert!(!dev_dig.contains("schedule:"), "{dev_dig}");
    assert!(dev_dig.contains("dev_alice"), "{dev_dig}");
}

#[test]
fn an_unset_variable_stops_the_build_at_its_place_in_cjo_toml() {
    let dir = project("unset");
    let out = cjoc(dir.path(), &["build", "."], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E0124") && stderr.contains("`CJO_TEST_USER` is not set"), "{stderr}");
    assert!(stderr.contains("cjo.toml:") && stderr.contains("dev_${env:CJO_TEST_USER}"), "{stderr}");
    assert!(!dir.path().join("target").exists(), "nothing is written");
    // Another environment does not read dev's variables.
    assert_ok(&cjoc(dir.path(), &["check", ".", "--env", "prod"], &[]));
}

#[test]
fn every_command_that_reads_the_project_takes_env() {
    let dir = project("commands");
    let vars = [("CJO_TEST_USER", "alice")];
    for args in [
        &["check", ".", "--env", "prdo"][..],
        &["build", ".", "--env", "prdo"],
        &["graph", ".", "--env", "prdo"],
        &["simulate", ".", "--data", ".", "--from", "2026-01-01", "--to", "2026-01-02", "--env", "prdo"],
    ] {
        let out = cjoc(dir.path(), args, &vars);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("E0123") && stderr.contains("did you mean `prod`?"), "{args:?}: {stderr}");
        assert!(stderr.contains("The environments are `dev`, `prod` and `sandbox`."), "{args:?}: {stderr}");
    }
    // `describe` describes what it can of a project with errors, and says
    // how many there are.
    let out = cjoc(dir.path(), &["describe", "--dir", ".", "--env", "prdo"], &vars);
    assert!(text(&out.stderr).contains("the project has 1 error"), "{}", text(&out.stderr));
    let out = cjoc(dir.path(), &["describe", "--dir", ".", "--env", "prod"], &[]);
    assert_ok(&out);
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    let help = text(&cjoc(dir.path(), &["build", "--help"], &[]).stdout);
    assert!(help.contains("--env <NAME>"), "{help}");
}

#[test]
fn a_schema_the_environment_makes_too_long_for_the_warehouse_is_an_error_there_only() {
    let dir = project("too-long");
    // `dev_<user>_core` on Redshift: over 127 bytes with a long user name.
    let user = "u".repeat(120);
    let check = |env: &str, target: &str| {
        let out = dir.path().join(format!("out-{env}-{target}"));
        let args = ["build", ".", "--env", env, "--target", target, "--out", out.to_str().unwrap()];
        cjoc(dir.path(), &args, &[("CJO_TEST_USER", user.as_str())])
    };
    let dev = check("dev", "redshift");
    assert_eq!(dev.status.code(), Some(1), "{}", text(&dev.stderr));
    let stderr = text(&dev.stderr);
    assert!(stderr.contains("E0605"), "{stderr}");
    assert!(stderr.contains("model `core_orders` would be built in a schema whose name"), "{stderr}");
    assert!(!stderr.contains("model `big_orders`"), "{stderr}");
    // BigQuery takes 1,024 bytes; production's names are short.
    assert_ok(&check("dev", "bigquery"));
    assert_ok(&check("prod", "redshift"));
}
