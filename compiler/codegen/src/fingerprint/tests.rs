//! A fingerprint changes with what is built, and only with it: one test
//! per class of change that must not count (dbt's `state:modified` still
//! flags some of them), and the changes that must.

use std::path::Path;

use cjo_project::MemoryFs;
use serde_json::Value;

const CONFIG: &str = r#"
[project]
name = "shop"
default_target = "bigquery"
timezone = "UTC"

[targets.bigquery]
project = "prod-project"
dataset = "analytics"

[targets.trino]
catalog = "hive"
schema = "analytics"
"#;

const MODELS: &str = r#"
source raw_orders = "raw.orders" {
  id: int not null
  customer_id: int not null
  amount: float
}

/// Orders, cleaned.
model orders {
  materialized = incremental(unique_key = [order_id])
  tags = [daily]
  sql {
    select id as order_id, customer_id, amount
    from raw_orders
    where amount > 0
  }
}

model customers {
  materialized = table
  target = trino
  sql {
    select customer_id, sum(amount) as total
    from raw_orders
    group by customer_id
  }
}

model core_orders {
  materialized = view
  schema = "core"
  sql { select order_id, customer_id from orders }
}

model core_customers {
  materialized = view
  target = trino
  schema = "core"
  sql { select customer_id from customers }
}

check orders {
  unique(order_id)
}
"#;

fn prints(config: &str, models: &str) -> serde_json::Map<String, Value> {
    prints_in(config, models, None).0
}

/// Fingerprints by node id.
type Prints = serde_json::Map<String, Value>;

/// (model, dialect, dotted table) for each table a build names.
type Tables = Vec<(String, String, String)>;

/// The fingerprints of a build for the environment `env`, and the tables
/// each model was built in (dotted, per dialect).
fn prints_in(config: &str, models: &str, env: Option<&str>) -> (Prints, Tables) {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", config).insert("p/models.cjo", models);
    let context = cjo_project::ConfigContext { environment: env.map(str::to_owned), ..Default::default() };
    let ws = cjo_project::load_in(&fs, Path::new("p"), cjo_project::Limits::UNBOUNDED, &context).unwrap();
    let analysis = cjo_semantic::analyze(&ws);
    let errors: Vec<_> = cjo_semantic::all_diagnostics(&ws, &analysis).into_iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let build = crate::build(&ws, &analysis, &crate::Options::default());
    assert!(build.diagnostics.iter().all(|d| !d.is_error()), "{:#?}", build.diagnostics);
    let tables = build
        .tables
        .iter()
        .flat_map(|(key, per)| per.iter().map(move |(d, parts)| (key.clone(), d.to_string(), parts.join("."))))
        .collect();
    let prints = super::fingerprints(&ws, &analysis, Some(&build));
    (prints.into_iter().map(|(id, p)| (id, serde_json::to_value(p).unwrap())).collect(), tables)
}

/// The node ids whose fingerprint `key` differs.
fn differing(a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>, key: &str) -> Vec<String> {
    a.iter().filter(|(id, v)| b.get(*id).and_then(|w| w.get(key)) != v.get(key)).map(|(id, _)| id.clone()).collect()
}

fn same_sql_and_columns(config: &str, models: &str) {
    let (a, b) = (prints(CONFIG, MODELS), prints(config, models));
    for key in ["sql", "columns", "definition", "shape", "exprs"] {
        assert_eq!(differing(&a, &b, key), Vec::<String>::new(), "{key}");
    }
}

#[test]
fn whitespace_and_comments_change_nothing_built() {
    let spaced =
        MODELS.replace("    where amount > 0", "    -- only paid orders\n    where   amount\n      > 0 /* sic */");
    same_sql_and_columns(CONFIG, &spaced);
    let (a, b) = (prints(CONFIG, MODELS), prints(CONFIG, &spaced));
    assert_eq!(differing(&a, &b, "metadata"), ["model.orders"]);
}

#[test]
fn reordered_settings_change_nothing() {
    let reordered = MODELS.replace(
        "  materialized = incremental(unique_key = [order_id])\n  tags = [daily]\n",
        "  tags = [daily]\n  materialized = incremental(unique_key = [order_id])\n",
    );
    assert_ne!(reordered, MODELS);
    same_sql_and_columns(CONFIG, &reordered);
}

#[test]
fn an_unrelated_config_value_changes_nothing() {
    same_sql_and_columns(&CONFIG.replace("timezone = \"UTC\"", "timezone = \"Asia/Tokyo\""), MODELS);
}

#[test]
fn where_an_environment_builds_changes_nothing() {
    let elsewhere = CONFIG
        .replace("project = \"prod-project\"", "project = \"dev-project\"")
        .replace("dataset = \"analytics\"", "dataset = \"dbt_alice\"")
        .replace("schema = \"analytics\"", "schema = \"ci_42\"");
    same_sql_and_columns(&elsewhere, MODELS);
}

#[test]
fn building_in_an_environment_changes_nothing() {
    let dev = format!(
        "{CONFIG}\n[environments.dev.targets.bigquery]\nproject = \"dev-project\"\ndataset = \"dbt_alice\"\n\n\
         [environments.dev.targets.trino]\ncatalog = \"dev_hive\"\nschema = \"ci_42\"\n"
    );
    let (a, _) = prints_in(CONFIG, MODELS, None);
    let (b, tables) = prints_in(&dev, MODELS, Some("dev"));
    // The environment did move the models, their own schemas under its.
    let built = |key: &str| {
        tables.iter().filter(|(k, _, _)| k == key).map(|(_, d, t)| (d.as_str(), t.as_str())).collect::<Vec<_>>()
    };
    assert_eq!(built("core_orders"), [("bigquery", "dev-project.dbt_alice_core.core_orders")]);
    assert_eq!(built("core_customers"), [("trino", "dev_hive.ci_42_core.core_customers")]);
    assert_eq!(built("orders"), [("bigquery", "dev-project.dbt_alice.orders")]);
    for key in ["sql", "columns", "definition", "shape", "exprs", "metadata"] {
        assert_eq!(differing(&a, &b, key), Vec::<String>::new(), "{key}");
    }
}

#[test]
fn docs_and_tags_are_metadata() {
    let documented =
        MODELS.replace("/// Orders, cleaned.", "/// Orders, cleaned and paid.").replace("[daily]", "[daily, finance]");
    same_sql_and_columns(CONFIG, &documented);
}

#[test]
fn what_is_built_changes_the_sql() {
    let a = prints(CONFIG, MODELS);
    let filtered = prints(CONFIG, &MODELS.replace("where amount > 0", "where amount > 10"));
    assert_eq!(differing(&a, &filtered, "sql"), ["model.orders"]);
    assert_eq!(differing(&a, &filtered, "shape"), ["model.orders"]);
    assert_eq!(differing(&a, &filtered, "exprs"), Vec::<String>::new());
    let expr = prints(CONFIG, &MODELS.replace("sum(amount) as total", "sum(amount) * 2 as total"));
    assert_eq!(differing(&a, &expr, "sql"), ["model.customers"]);
    assert_eq!(differing(&a, &expr, "shape"), Vec::<String>::new());
    let table = prints(CONFIG, &MODELS.replace("  materialized = table\n", "  materialized = view\n"));
    assert_eq!(differing(&a, &table, "sql"), ["model.customers"]);
    let retyped = prints(CONFIG, &MODELS.replace("amount: float", "amount: decimal"));
    assert_eq!(differing(&a, &retyped, "columns"), ["model.customers", "model.orders", "source.raw_orders"]);
    let table = prints(CONFIG, &MODELS.replace("\"raw.orders\"", "\"raw.orders_v2\""));
    assert_eq!(differing(&a, &table, "definition"), ["source.raw_orders"]);
}

#[test]
fn the_hash_is_fixed() {
    assert_eq!(super::hash("").to_string(), "6c62272e07bb014262b821756295c58d");
    assert_ne!(super::hash("a"), super::hash("b"));
}
