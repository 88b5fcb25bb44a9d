//! Selection as data: (expression, exclusion) → the nodes picked, on a
//! project shaped like dbt's jaffle_shop, with dbt's documented examples
//! among the rows.

use std::collections::BTreeSet;
use std::path::Path;

use cjo_project::MemoryFs;

use super::*;

const CONFIG: &str = r#"
[project]
name = "shop"
default_target = "bigquery"

[targets.bigquery]
project = "p"
dataset = "d"

[targets.trino]
catalog = "c"
schema = "s"

[orchestrators.airflow]
connections = { bigquery = "bq", trino = "tr" }
"#;

const SOURCES: &str = r#"
source raw_orders = "raw.orders" {
  id: int not null
  customer_id: int not null
  amount: float
}
source raw_customers = "raw.customers" {
  id: int not null
  name: string
}
check raw_orders {
  unique(id)
}
"#;

const STAGING: &str = r#"
model stg_orders {
  materialized = view
  tags = [staging, daily]
  sql { select id as order_id, customer_id, amount from raw_orders }
}
model stg_customers {
  materialized = view
  tags = [staging]
  sql { select id as customer_id, name from raw_customers }
}
"#;

const MARTS: &str = r#"
model orders {
  materialized = table
  tags = [daily]
  sql { select order_id, customer_id, amount from stg_orders }
}
model customers {
  materialized = table
  target = trino
  sql {
    select c.customer_id, c.name, sum(o.amount) as lifetime_value
    from stg_customers c left join orders o on o.customer_id = c.customer_id
    group by c.customer_id, c.name
  }
}
check orders {
  unique(order_id)
  references(customer_id -> customers.customer_id)
}
check customers {
  not_null(name)
}
pipeline nightly {
  schedule = daily
  run = [orders]
  orchestrators = [airflow]
  start_date = "2026-01-01"
}
"#;

fn graph() -> Graph {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", CONFIG)
        .insert("p/sources.cjo", SOURCES)
        .insert("p/models/staging/stg.cjo", STAGING)
        .insert("p/models/marts/marts.cjo", MARTS);
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = cjo_semantic::analyze(&ws);
    let errors: Vec<_> = cjo_semantic::all_diagnostics(&ws, &analysis).into_iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let build = crate::build(&ws, &analysis, &crate::Options::default());
    Graph::new(&ws, &analysis, Some(&build))
}

fn pick(graph: &Graph, select: &str, exclude: &str, state: Option<&StateSets>) -> Result<Vec<String>, String> {
    let s = parse(select).map_err(|e| e.message)?;
    let x = parse(exclude).map_err(|e| e.message)?;
    let got = super::select(graph, &[s], &[x], state).map_err(|e| e.message)?;
    Ok(got.into_iter().collect())
}

const CHECK_ORDERS: &str = "check.orders.unique_order_id";
const CHECK_REF: &str = "check.orders.references_customer_id";
const CHECK_CUSTOMERS: &str = "check.customers.not_null_name";
const CHECK_RAW: &str = "check.raw_orders.unique_id";

#[test]
fn the_nodes_and_their_edges() {
    let g = graph();
    let ids: Vec<&str> = g.nodes.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            CHECK_CUSTOMERS,
            CHECK_REF,
            CHECK_ORDERS,
            CHECK_RAW,
            "model.customers",
            "model.orders",
            "model.stg_customers",
            "model.stg_orders",
            "source.raw_customers",
            "source.raw_orders",
        ]
    );
    let parents = |id: &str| g.nodes[id].parents.iter().cloned().collect::<Vec<_>>();
    assert_eq!(parents("model.customers"), ["model.orders", "model.stg_customers"]);
    assert_eq!(parents(CHECK_REF), ["model.customers", "model.orders"]);
    assert_eq!(parents(CHECK_RAW), ["source.raw_orders"]);
    assert_eq!(g.nodes["model.stg_orders"].files, ["models/staging/stg.cjo"]);
}

#[test]
fn selections_as_data() {
    let g = graph();
    let all: Vec<String> = g.nodes.keys().cloned().collect();
    // (select, exclude, expected); "*" stands for every node.
    let table: &[(&str, &str, &[&str])] = &[
        // A bare name: the model, with its checks (dbt's eager indirect
        // selection: a check comes with any node it reads).
        ("orders", "", &["model.orders", CHECK_ORDERS, CHECK_REF]),
        ("ORDERS", "", &["model.orders", CHECK_ORDERS, CHECK_REF]),
        // dbt's examples: `+model` (it and its ancestors), `model+`.
        ("+orders", "", &["model.orders", "model.stg_orders", "source.raw_orders", CHECK_ORDERS, CHECK_REF, CHECK_RAW]),
        ("orders+", "", &["model.orders", "model.customers", CHECK_ORDERS, CHECK_REF, CHECK_CUSTOMERS]),
        // `1+`: one generation.
        ("1+orders", "", &["model.orders", "model.stg_orders", CHECK_ORDERS, CHECK_REF]),
        ("stg_orders+1", "", &["model.stg_orders", "model.orders", CHECK_ORDERS, CHECK_REF]),
        // `@`: the node, its descendants and their ancestors.
        (
            "@stg_orders",
            "",
            &[
                "model.stg_orders",
                "model.orders",
                "model.customers",
                "model.stg_customers",
                "source.raw_orders",
                "source.raw_customers",
                CHECK_ORDERS,
                CHECK_REF,
                CHECK_CUSTOMERS,
                CHECK_RAW,
            ],
        ),
        // Methods.
        ("tag:staging", "", &["model.stg_customers", "model.stg_orders"]),
        ("tag:stag*", "", &["model.stg_customers", "model.stg_orders"]),
        ("path:models/staging", "", &["model.stg_customers", "model.stg_orders"]),
        ("models/staging/stg.cjo", "", &["model.stg_customers", "model.stg_orders"]),
        ("source:raw_orders", "", &["source.raw_orders", CHECK_RAW]),
        (
            "source:raw_*+1",
            "",
            &["source.raw_orders", "source.raw_customers", "model.stg_orders", "model.stg_customers", CHECK_RAW],
        ),
        ("check:orders", "", &[CHECK_ORDERS, CHECK_REF]),
        ("check:orders.unique_order_id", "", &[CHECK_ORDERS]),
        ("materialized:view", "", &["model.stg_customers", "model.stg_orders"]),
        ("target:trino", "", &["model.customers", CHECK_CUSTOMERS, CHECK_REF]),
        // What the pipeline runs: what it names, what that reads, and what
        // its checks read.
        (
            "pipeline:nightly",
            "",
            &[
                "model.orders",
                "model.stg_orders",
                "model.customers",
                "model.stg_customers",
                CHECK_ORDERS,
                CHECK_REF,
                CHECK_RAW,
                CHECK_CUSTOMERS,
            ],
        ),
        ("stg_*", "", &["model.stg_customers", "model.stg_orders"]),
        // Space is union, comma intersection.
        (
            "tag:staging tag:daily",
            "",
            &["model.orders", "model.stg_customers", "model.stg_orders", CHECK_ORDERS, CHECK_REF],
        ),
        ("tag:staging,tag:daily", "", &["model.stg_orders"]),
        ("+customers,tag:daily", "", &["model.orders", "model.stg_orders", CHECK_ORDERS, CHECK_REF]),
        // A check goes with what it reads: out when any of it is excluded.
        ("orders+", "customers", &["model.orders", CHECK_ORDERS]),
        ("tag:daily", "orders", &["model.stg_orders"]),
        ("orders", "check:orders.unique_order_id", &["model.orders", CHECK_REF]),
        // No --select: everything, less what is excluded.
        (
            "",
            "tag:staging",
            &[
                "model.orders",
                "model.customers",
                "source.raw_orders",
                "source.raw_customers",
                CHECK_ORDERS,
                CHECK_REF,
                CHECK_CUSTOMERS,
                CHECK_RAW,
            ],
        ),
        ("*", "", &["*"]),
        ("", "", &["*"]),
    ];
    for (select, exclude, expected) in table {
        let got = pick(&g, select, exclude, None).unwrap_or_else(|e| panic!("{select}: {e}"));
        let want: BTreeSet<String> = if expected == &["*"] {
            all.iter().cloned().collect()
        } else {
            expected.iter().map(|s| s.to_string()).collect()
        };
        let got: BTreeSet<String> = got.into_iter().collect();
        assert_eq!(got, want, "--select '{select}' --exclude '{exclude}'");
    }
}

#[test]
fn unknown_names_are_errors_with_a_suggestion() {
    let g = graph();
    for (select, says) in [
        ("ordrs", "no model, source or journey matches `ordrs`; did you mean `orders`?"),
        ("tag:stagin", "no tag matches `stagin`; did you mean `staging`?"),
        ("pipeline:nighty", "did you mean `nightly`?"),
        ("materialized:tabel", "did you mean `table`?"),
        ("target:big_query", "did you mean `bigquery`?"),
        ("path:models/stagin", "no file or folder"),
        ("source:orders", "no source matches `orders`"),
        ("nope_*", "no model, source or journey matches `nope_*`"),
        ("state:modified", "needs `--state DIR`"),
        ("journey:x", "the project has no journey"),
    ] {
        let e = pick(&g, select, "", None).unwrap_err();
        assert!(e.contains(says), "{select}: {e}");
    }
    let state = StateSets::default();
    let e = pick(&g, "state:changed", "", Some(&state)).unwrap_err();
    assert!(e.contains("(there are: modified, new, impacted)"), "{e}");
}

#[test]
fn state_atoms_take_their_sets() {
    let g = graph();
    let state = StateSets {
        modified: BTreeSet::from(["model.stg_orders".to_string()]),
        new: BTreeSet::from(["model.customers".to_string()]),
        impacted: BTreeSet::new(),
    };
    let got = pick(&g, "state:modified+", "", Some(&state)).unwrap();
    assert_eq!(
        got,
        [
            "check.customers.not_null_name",
            CHECK_REF,
            CHECK_ORDERS,
            "model.customers",
            "model.orders",
            "model.stg_orders"
        ]
    );
    assert_eq!(pick(&g, "state:new", "", Some(&state)).unwrap(), [CHECK_CUSTOMERS, CHECK_REF, "model.customers"]);
}

#[test]
fn globs() {
    for (p, t, m) in [
        ("*", "", true),
        ("a*b", "axxb", true),
        ("a*b", "axxbc", false),
        ("a?c", "abc", true),
        ("*a*a*a*a*a*b", &"a".repeat(2000), false),
        ("stg_*", "stg_orders", true),
    ] {
        assert_eq!(glob(p, t), m, "{p} {t}");
    }
}
