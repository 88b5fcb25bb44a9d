//! The rewrite of portable SQL into each dialect, on whole queries.
//!
//! Constructs whose rewrite does not depend on types are parsed here with
//! sqlparser's `GenericDialect` (as the checker parses a portable body) and
//! rewritten without hints ([`portable`]). Those that depend on the types
//! the checker recorded (int division, date and timestamp arithmetic,
//! strings compared with dates) go through the real checker ([`checked`]).
//! Both use the templates of the standard library and of [`PROJECT`].

use super::*;

use std::path::Path;

use cjo_project::MemoryFs;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Location;

use crate::warehouse::Location as Warehouse;
use Dialect::{BigQuery, Redshift, Trino};

mod standard;

/// Every warehouse configured: BigQuery's project has a hyphen.
const CONFIG: &str = "\
[project]
name = \"t\"
default_target = \"trino\"

[targets.trino]
catalog = \"hive\"
schema = \"analytics\"

[targets.bigquery]
project = \"acme-prod\"
dataset = \"analytics\"

[targets.redshift]
schema = \"analytics\"
";

/// The declarations a body may use: two sources (one whose table is a
/// reserved word on Redshift), a model, and a `fn` with a BigQuery
/// template only.
const PROJECT: &str = "\
source orders = \"shop.orders\" {
  order_id: string not null
  customer_id: string not null
  amount: int
  qty: int
  price: float
  name: string
  user: string
  ordered_at: timestamp not null
  order_date: date not null
}

source users = \"crm.user\" {
  user_id: string not null
  user: string
}

model daily {
  sql { select order_date, count(*) as n from orders group by order_date }
}

/// The year of a timestamp.
fn fiscal_year(t: timestamp) -> int {
  bigquery = \"EXTRACT(YEAR FROM {t})\"
}
";

/// Where each warehouse keeps things, as [`CONFIG`] says.
fn warehouse(dialect: Dialect) -> Warehouse {
    match dialect {
        BigQuery => Warehouse::fixed(Some("acme-prod".into()), "analytics".into()),
        Redshift => Warehouse::fixed(None, "analytics".into()),
        Trino => Warehouse::fixed(Some("hive".into()), "analytics".into()),
    }
}

/// The names a body may use for a table, as the lowering makes them: each
/// source by its name and by its table as written, each model by name.
fn tables(dialect: Dialect) -> BTreeMap<String, Vec<String>> {
    let loc = warehouse(dialect);
    let mut out = BTreeMap::new();
    for (name, written) in [("orders", "shop.orders"), ("users", "crm.user")] {
        let parts = loc.source_table(&written.split('.').map(str::to_string).collect::<Vec<_>>());
        out.insert(name.to_string(), parts.clone());
        out.insert(written.to_string(), parts);
    }
    let mut daily: Vec<String> = loc.container.iter().cloned().collect();
    daily.extend(["analytics".to_string(), "daily".to_string()]);
    out.insert("daily".to_string(), daily);
    out
}

/// `$label` (a string with a quote), `$min_amount`, `$run_start`, and
/// `$missing`, which has no value.
fn params(dialect: Dialect) -> BTreeMap<String, Result<String, String>> {
    let run_start = crate::time::Instant::parse("2026-11-20").unwrap();
    BTreeMap::from([
        ("label".to_string(), Ok(literal::string("it's", dialect))),
        ("min_amount".to_string(), Ok("100".to_string())),
        ("run_start".to_string(), Ok(literal::timestamp(run_start, dialect))),
        ("missing".to_string(), Err("`$missing` has no default and no value was given".to_string())),
    ])
}

/// [`PROJECT`] with a model `m` whose body is `body`: portable, or written
/// in `native`.
fn project(body: &str, native: Option<Dialect>) -> cjo_project::Workspace {
    let mut fs = MemoryFs::new();
    let sql = native.map_or_else(|| "sql".to_string(), |d| format!("sql {d}"));
    let text = format!("{PROJECT}\nmodel m {{\n  {sql} {{\n{body}\n  }}\n}}\n");
    fs.insert("p/cjo.toml", CONFIG).insert("p/m.cjo", text);
    cjo_project::load(&fs, Path::new("p")).unwrap()
}

/// The standard library's templates and [`PROJECT`]'s.
fn templates() -> BTreeMap<String, Template> {
    crate::templates::collect(&project("select order_id from orders", None))
}

/// A rewritten query, printed, and what could not be expressed.
#[derive(Debug)]
struct Rewritten {
    sql: String,
    errors: Vec<Problem>,
}

impl Rewritten {
    /// The constructs reported.
    fn constructs(&self) -> Vec<&str> {
        self.errors
            .iter()
            .map(|e| match e {
                Problem::Unsupported { construct, .. } => construct.as_str(),
                Problem::ParameterValue { name, .. } => name.as_str(),
            })
            .collect()
    }
}

fn run(
    query: &mut Query,
    dialect: Dialect,
    hints: &Hints,
    templates: &BTreeMap<String, Template>,
    native: bool,
) -> Rewritten {
    let tables = tables(dialect);
    let params = params(dialect);
    let cx = Context { dialect, tables: &tables, templates, hints, params: &params, native };
    let errors = rewrite(query, &cx);
    Rewritten { sql: format!("{query}"), errors }
}

fn parse(sql: &str) -> Query {
    let mut statements = Parser::parse_sql(&GenericDialect {}, sql).unwrap();
    assert_eq!(statements.len(), 1, "{sql}");
    match statements.remove(0) {
        sqlparser::ast::Statement::Query(q) => *q,
        other => panic!("not a query: {other}"),
    }
}

/// `sql` parsed as portable SQL and rewritten for `dialect`, without hints.
fn portable(sql: &str, dialect: Dialect) -> Rewritten {
    run(&mut parse(sql), dialect, &Hints::default(), &templates(), false)
}

/// `sql` as the body of a model written in `dialect` itself.
fn native(sql: &str, dialect: Dialect) -> Rewritten {
    run(&mut parse(sql), dialect, &Hints::default(), &templates(), true)
}

/// `body` checked as the portable body of a model of [`PROJECT`] (it must
/// have no errors), then rewritten for `dialect` with the checker's hints.
fn checked(body: &str, dialect: Dialect) -> Rewritten {
    check_and_rewrite(body, dialect, false)
}

/// `body` checked as the body of a model written in `dialect` itself
/// (`sql bigquery { … }`), then rewritten for it.
fn checked_native(body: &str, dialect: Dialect) -> Rewritten {
    check_and_rewrite(body, dialect, true)
}

fn check_and_rewrite(body: &str, dialect: Dialect, native: bool) -> Rewritten {
    let ws = project(body, native.then_some(dialect));
    let analysis = cjo_semantic::analyze(&ws);
    let errors: Vec<String> = cjo_semantic::all_diagnostics(&ws, &analysis)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect();
    assert!(errors.is_empty(), "{body}: {errors:?}");
    let checked = &analysis.queries["m"];
    let mut query = checked.query.as_ref().clone();
    run(&mut query, dialect, &checked.hints, &crate::templates::collect(&ws), native)
}

/// The SQL of a rewrite that must report nothing.
fn ok(r: Rewritten) -> String {
    assert!(r.errors.is_empty(), "unexpected {:?} in {}", r.errors, r.sql);
    r.sql
}

/// Asserts the rewrite of portable `sql` in each dialect.
fn each(sql: &str, bigquery: &str, redshift: &str, trino: &str) {
    assert_eq!(ok(portable(sql, BigQuery)), bigquery, "bigquery: {sql}");
    assert_eq!(ok(portable(sql, Redshift)), redshift, "redshift: {sql}");
    assert_eq!(ok(portable(sql, Trino)), trino, "trino: {sql}");
}

/// Asserts the rewrite of a checked body in each dialect.
fn each_checked(body: &str, bigquery: &str, redshift: &str, trino: &str) {
    assert_eq!(ok(checked(body, BigQuery)), bigquery, "bigquery: {body}");
    assert_eq!(ok(checked(body, Redshift)), redshift, "redshift: {body}");
    assert_eq!(ok(checked(body, Trino)), trino, "trino: {body}");
}

// Names.

#[test]
fn sources_and_models_get_their_full_names() {
    each(
        "select o.order_id, d.n from orders as o join daily as d on o.order_date = d.order_date",
        "SELECT o.order_id, d.n FROM `acme-prod`.shop.orders AS o JOIN `acme-prod`.analytics.daily AS d ON o.order_date = d.order_date",
        "SELECT o.order_id, d.n FROM shop.orders AS o JOIN analytics.daily AS d ON o.order_date = d.order_date",
        "SELECT o.order_id, d.n FROM hive.shop.orders AS o JOIN hive.analytics.daily AS d ON o.order_date = d.order_date",
    );
}

#[test]
fn a_source_read_by_its_table_name() {
    each(
        "select order_id from SHOP.Orders",
        "SELECT order_id FROM `acme-prod`.shop.orders",
        "SELECT order_id FROM shop.orders",
        "SELECT order_id FROM hive.shop.orders",
    );
}

#[test]
fn a_table_not_of_the_project_is_left_as_written() {
    each(
        "select x from elsewhere.t",
        "SELECT x FROM elsewhere.t",
        "SELECT x FROM elsewhere.t",
        "SELECT x FROM elsewhere.t",
    );
}

#[test]
fn a_cte_named_like_a_source_is_left_alone() {
    each(
        "with orders as (select 1 as x) select x from orders",
        "WITH orders AS (SELECT 1 AS x) SELECT x FROM orders",
        "WITH orders AS (SELECT 1 AS x) SELECT x FROM orders",
        "WITH orders AS (SELECT 1 AS x) SELECT x FROM orders",
    );
}

#[test]
fn a_cte_hides_a_source_only_inside_its_own_query() {
    each(
        "select t.x from (with orders as (select 1 as x) select x from orders) as t, orders",
        "SELECT t.x FROM (WITH orders AS (SELECT 1 AS x) SELECT x FROM orders) AS t, `acme-prod`.shop.orders",
        "SELECT t.x FROM (WITH orders AS (SELECT 1 AS x) SELECT x FROM orders) AS t, shop.orders",
        "SELECT t.x FROM (WITH orders AS (SELECT 1 AS x) SELECT x FROM orders) AS t, hive.shop.orders",
    );
    each(
        "select n from daily where exists (with daily as (select 1 as y) select y from daily)",
        "SELECT n FROM `acme-prod`.analytics.daily WHERE EXISTS (WITH daily AS (SELECT 1 AS y) SELECT y FROM daily)",
        "SELECT n FROM analytics.daily WHERE EXISTS (WITH daily AS (SELECT 1 AS y) SELECT y FROM daily)",
        "SELECT n FROM hive.analytics.daily WHERE EXISTS (WITH daily AS (SELECT 1 AS y) SELECT y FROM daily)",
    );
}

#[test]
fn a_cte_hides_a_source_only_after_its_definition() {
    // The checker reads `orders` in `a` as the source: a CTE sees only
    // the CTEs before it, as in every warehouse.
    each_checked(
        "with a as (select order_id from orders), orders as (select order_id from a) select order_id from orders",
        "WITH a AS (SELECT order_id FROM `acme-prod`.shop.orders), orders AS (SELECT order_id FROM a) SELECT order_id FROM orders",
        "WITH a AS (SELECT order_id FROM shop.orders), orders AS (SELECT order_id FROM a) SELECT order_id FROM orders",
        "WITH a AS (SELECT order_id FROM hive.shop.orders), orders AS (SELECT order_id FROM a) SELECT order_id FROM orders",
    );
}

#[test]
fn a_recursive_cte_reads_itself() {
    each(
        "with recursive orders as (select 1 as x union all select x + 1 from orders where x < 3) select x from orders",
        "WITH RECURSIVE orders AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM orders WHERE x < 3) SELECT x FROM orders",
        "WITH RECURSIVE orders AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM orders WHERE x < 3) SELECT x FROM orders",
        "WITH RECURSIVE orders AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM orders WHERE x < 3) SELECT x FROM orders",
    );
}

#[test]
fn reserved_words_are_quoted_where_reserved() {
    // `user` is reserved on Redshift only: the table `crm.user`, a column,
    // an alias.
    each(
        "select u.user as user from users as u",
        "SELECT u.user AS user FROM `acme-prod`.crm.user AS u",
        "SELECT u.\"user\" AS \"user\" FROM crm.\"user\" AS u",
        "SELECT u.user AS user FROM hive.crm.user AS u",
    );
}

#[test]
fn a_cte_named_with_a_reserved_word_is_quoted_where_read() {
    let r = checked("with user as (select order_id from orders) select order_id from user", Redshift);
    assert_eq!(ok(r), "WITH \"user\" AS (SELECT order_id FROM shop.orders) SELECT order_id FROM \"user\"");
}

#[test]
fn quoted_names_keep_their_quotes_in_the_dialects_character() {
    each(
        "select \"Order Id\" as \"Total\", 2 as select_ from orders",
        "SELECT `Order Id` AS `Total`, 2 AS select_ FROM `acme-prod`.shop.orders",
        "SELECT \"Order Id\" AS \"Total\", 2 AS select_ FROM shop.orders",
        "SELECT \"Order Id\" AS \"Total\", 2 AS select_ FROM hive.shop.orders",
    );
}

#[test]
fn a_backtick_in_a_bigquery_name_is_escaped() {
    assert_eq!(
        ok(portable("select 1 as \"a`b\" from orders", BigQuery)),
        "SELECT 1 AS `a\\`b` FROM `acme-prod`.shop.orders"
    );
}

#[test]
fn a_bigquery_body_keeps_its_quoted_names_as_written() {
    // Its names are read with their escapes as written: they stay so.
    assert_eq!(
        ok(checked_native("select 2 as `c\\\\d`, 3 as `e\\nf` from orders", BigQuery)),
        "SELECT 2 AS `c\\\\d`, 3 AS `e\\nf` FROM `acme-prod`.shop.orders"
    );
}

// Literals and parameters.

#[test]
fn string_literals_are_escaped_per_dialect() {
    each(
        "select 'it''s' as a, 'back\\slash' as b, 'two\nlines' as c from orders",
        "SELECT 'it\\'s' AS a, 'back\\\\slash' AS b, 'two\\nlines' AS c FROM `acme-prod`.shop.orders",
        "SELECT 'it''s' AS a, 'back\\\\slash' AS b, 'two\nlines' AS c FROM shop.orders",
        "SELECT 'it''s' AS a, 'back\\slash' AS b, 'two\nlines' AS c FROM hive.shop.orders",
    );
    each(
        "select 'tab\there' as t from orders",
        "SELECT 'tab\\there' AS t FROM `acme-prod`.shop.orders",
        "SELECT 'tab\there' AS t FROM shop.orders",
        "SELECT U&'tab\\+000009here' AS t FROM hive.shop.orders",
    );
}

#[test]
fn parameters_become_their_sql() {
    each(
        "select $label as label from orders where amount >= $min_amount and ordered_at >= $run_start",
        "SELECT 'it\\'s' AS label FROM `acme-prod`.shop.orders WHERE amount >= 100 AND ordered_at >= TIMESTAMP '2026-11-20 00:00:00+00'",
        "SELECT 'it''s' AS label FROM shop.orders WHERE amount >= 100 AND ordered_at >= CAST('2026-11-20 00:00:00+00' AS TIMESTAMPTZ)",
        "SELECT 'it''s' AS label FROM hive.shop.orders WHERE amount >= 100 AND ordered_at >= TIMESTAMP '2026-11-20 00:00:00 UTC'",
    );
}

#[test]
fn a_parameter_without_a_value_is_reported_where_it_is_used() {
    for d in Dialect::ALL {
        let r = portable("select order_id from orders where name = $missing", d);
        assert_eq!(r.constructs(), ["$missing"], "{d}");
        assert_eq!(r.errors[0].help(), "`$missing` has no default and no value was given");
        assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(1, 42), Location::new(1, 50)));
    }
}

#[test]
fn a_name_that_is_not_a_parameter_is_left_for_the_checker() {
    let r = portable("select order_id from orders where name = $other", Trino);
    assert_eq!(ok(r), "SELECT order_id FROM hive.shop.orders WHERE name = $other");
}

#[test]
fn intervals_per_dialect() {
    each(
        "select interval '3' day as a, interval '3 days' as b, interval 3 day as c, interval '1 hour' as d from orders",
        "SELECT INTERVAL 3 DAY AS a, INTERVAL 3 DAY AS b, INTERVAL 3 DAY AS c, INTERVAL 1 HOUR AS d FROM `acme-prod`.shop.orders",
        "SELECT INTERVAL '3 day' AS a, INTERVAL '3 day' AS b, INTERVAL '3 day' AS c, INTERVAL '1 hour' AS d FROM shop.orders",
        "SELECT INTERVAL '3' DAY AS a, INTERVAL '3' DAY AS b, INTERVAL '3' DAY AS c, INTERVAL '1' HOUR AS d FROM hive.shop.orders",
    );
    // Trino has no week: weeks are days.
    each(
        "select interval '2' week as a, interval '-1' month as b, interval '5 years' as c from orders",
        "SELECT INTERVAL 2 WEEK AS a, INTERVAL -1 MONTH AS b, INTERVAL 5 YEAR AS c FROM `acme-prod`.shop.orders",
        "SELECT INTERVAL '2 week' AS a, INTERVAL '-1 month' AS b, INTERVAL '5 year' AS c FROM shop.orders",
        "SELECT INTERVAL '14' DAY AS a, INTERVAL '-1' MONTH AS b, INTERVAL '5' YEAR AS c FROM hive.shop.orders",
    );
}

#[test]
fn an_interval_of_several_units_is_rewritten_or_reported() {
    for body in [
        "select ordered_at + interval '1 day 2 hours' as a from orders",
        "select ordered_at + interval '1' day to hour as a from orders",
    ] {
        for d in [BigQuery, Trino] {
            let r = checked(body, d);
            let passed_through = r.sql.contains("'1 day 2 hours'") || r.sql.contains("DAY TO HOUR");
            assert!(!passed_through || !r.errors.is_empty(), "{d}: {body} gave {}", r.sql);
        }
    }
}

#[test]
fn an_interval_of_several_units_is_reported_where_written() {
    let body = "select ordered_at + interval '1 day 2 hours' as a from orders";
    for d in [BigQuery, Trino] {
        let r = checked(body, d);
        assert_eq!(r.constructs(), ["an interval of several units"], "{d}");
        assert_ne!(r.errors[0].span(), SqlSpan::empty(), "{d}");
    }
    // Redshift reads it as written.
    assert_eq!(ok(checked(body, Redshift)), "SELECT ordered_at + INTERVAL '1 day 2 hours' AS a FROM shop.orders");
}

// Types and casts.

#[test]
fn cast_types_per_dialect() {
    // Without the checker's types: see
    // `casts_between_dates_and_timestamps_read_timestamps_in_utc` for what
    // a cast of a date or timestamp column becomes.
    each(
        "select cast(name as string) as a, cast(qty as int) as b, cast(order_date as timestamp) as c, cast(qty as float) as d, cast(qty as decimal(10, 2)) as e, cast(ordered_at as date) as f, cast(qty as bool) as g from orders",
        "SELECT CAST(name AS STRING) AS a, CAST(qty AS INT64) AS b, CAST(order_date AS TIMESTAMP) AS c, CAST(qty AS FLOAT64) AS d, CAST(qty AS NUMERIC(10, 2)) AS e, CAST(ordered_at AS DATE) AS f, CAST(qty AS BOOL) AS g FROM `acme-prod`.shop.orders",
        "SELECT CAST(name AS VARCHAR(65535)) AS a, CAST(qty AS BIGINT) AS b, CAST(order_date AS TIMESTAMPTZ) AS c, CAST(qty AS DOUBLE PRECISION) AS d, CAST(qty AS DECIMAL(10, 2)) AS e, CAST(ordered_at AS DATE) AS f, CAST(qty AS BOOLEAN) AS g FROM shop.orders",
        "SELECT CAST(name AS varchar) AS a, CAST(qty AS bigint) AS b, CAST(order_date AS timestamp(6) with time zone) AS c, CAST(qty AS double) AS d, CAST(qty AS decimal(10, 2)) AS e, CAST(ordered_at AS date) AS f, CAST(qty AS boolean) AS g FROM hive.shop.orders",
    );
    // The other spellings of the same types.
    each(
        "select cast(qty as varchar) as a, cast(qty as bigint) as b, cast(qty as integer) as c, cast(qty as double) as d from orders",
        "SELECT CAST(qty AS STRING) AS a, CAST(qty AS INT64) AS b, CAST(qty AS INT64) AS c, CAST(qty AS FLOAT64) AS d FROM `acme-prod`.shop.orders",
        "SELECT CAST(qty AS VARCHAR(65535)) AS a, CAST(qty AS BIGINT) AS b, CAST(qty AS BIGINT) AS c, CAST(qty AS DOUBLE PRECISION) AS d FROM shop.orders",
        "SELECT CAST(qty AS varchar) AS a, CAST(qty AS bigint) AS b, CAST(qty AS bigint) AS c, CAST(qty AS double) AS d FROM hive.shop.orders",
    );
}

#[test]
fn casts_between_dates_and_timestamps_read_timestamps_in_utc() {
    // BigQuery always does; Trino keeps its plain date-to-timestamp cast.
    each_checked(
        "select cast(ordered_at as date) as d, cast(order_date as timestamp) as t, cast(name as date) as n from orders",
        "SELECT CAST(ordered_at AS DATE) AS d, CAST(order_date AS TIMESTAMP) AS t, CAST(name AS DATE) AS n FROM `acme-prod`.shop.orders",
        "SELECT CAST(ordered_at AT TIME ZONE 'UTC' AS DATE) AS d, (CAST(order_date AS TIMESTAMP) AT TIME ZONE 'UTC') AS t, CAST(name AS DATE) AS n FROM shop.orders",
        "SELECT CAST(ordered_at AT TIME ZONE 'UTC' AS date) AS d, CAST(order_date AS timestamp(6) with time zone) AS t, CAST(name AS date) AS n FROM hive.shop.orders",
    );
}

#[test]
fn double_colon_casts_become_cast() {
    each(
        "select name::int as a, qty::string as b from orders",
        "SELECT CAST(name AS INT64) AS a, CAST(qty AS STRING) AS b FROM `acme-prod`.shop.orders",
        "SELECT CAST(name AS BIGINT) AS a, CAST(qty AS VARCHAR(65535)) AS b FROM shop.orders",
        "SELECT CAST(name AS bigint) AS a, CAST(qty AS varchar) AS b FROM hive.shop.orders",
    );
}

#[test]
fn try_cast_and_safe_cast() {
    let sql = "select try_cast(name as int) as a, safe_cast(name as date) as b from orders";
    assert_eq!(
        ok(portable(sql, BigQuery)),
        "SELECT SAFE_CAST(name AS INT64) AS a, SAFE_CAST(name AS DATE) AS b FROM `acme-prod`.shop.orders"
    );
    assert_eq!(
        ok(portable(sql, Trino)),
        "SELECT TRY_CAST(name AS bigint) AS a, TRY_CAST(name AS date) AS b FROM hive.shop.orders"
    );
    let r = portable(sql, Redshift);
    assert_eq!(r.constructs(), ["`try_cast`", "`try_cast`"]);
    assert!(r.errors.iter().all(|e| e.help().contains("safe_cast_int")), "{:?}", r.errors);
    // Each is reported at its own place.
    assert_ne!(r.errors[0].span(), r.errors[1].span());
}

// Functions.

#[test]
fn ilike_is_lower_like_where_there_is_no_ilike() {
    each(
        "select order_id from orders where name ilike '%Box%' and name not ilike 'a'",
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE LOWER(name) LIKE LOWER('%Box%') AND LOWER(name) NOT LIKE LOWER('a')",
        "SELECT order_id FROM shop.orders WHERE name ILIKE '%Box%' AND name NOT ILIKE 'a'",
        "SELECT order_id FROM hive.shop.orders WHERE LOWER(name) LIKE LOWER('%Box%') AND LOWER(name) NOT LIKE LOWER('a')",
    );
}

#[test]
fn bool_and_and_bool_or_are_logical_on_bigquery() {
    each(
        "select customer_id, bool_and(qty > 0) as all_positive, bool_or(qty > 9) as any_large from orders group by customer_id",
        "SELECT customer_id, LOGICAL_AND(qty > 0) AS all_positive, LOGICAL_OR(qty > 9) AS any_large FROM `acme-prod`.shop.orders GROUP BY customer_id",
        "SELECT customer_id, bool_and(qty > 0) AS all_positive, bool_or(qty > 9) AS any_large FROM shop.orders GROUP BY customer_id",
        "SELECT customer_id, bool_and(qty > 0) AS all_positive, bool_or(qty > 9) AS any_large FROM hive.shop.orders GROUP BY customer_id",
    );
}

#[test]
fn array_agg_is_not_on_redshift() {
    let sql = "select customer_id, array_agg(order_id) as ids from orders group by customer_id";
    assert_eq!(
        ok(portable(sql, BigQuery)),
        "SELECT customer_id, array_agg(order_id) AS ids FROM `acme-prod`.shop.orders GROUP BY customer_id"
    );
    assert_eq!(
        ok(portable(sql, Trino)),
        "SELECT customer_id, array_agg(order_id) AS ids FROM hive.shop.orders GROUP BY customer_id"
    );
    let r = portable(sql, Redshift);
    assert_eq!(r.constructs(), ["`array_agg`"]);
    assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(1, 21), Location::new(1, 30)));
}

#[test]
fn functions_expand_their_templates() {
    each(
        "select safe_cast_int(name) as n, safe_cast_date(name || '') as d from orders",
        "SELECT SAFE_CAST(TRIM(name) AS INT64) AS n, SAFE_CAST(TRIM((name || '')) AS DATE) AS d FROM `acme-prod`.shop.orders",
        "SELECT TRY_CAST(NULLIF(TRIM(name), '') AS BIGINT) AS n, TRY_CAST(NULLIF(TRIM((name || '')), '') AS DATE) AS d FROM shop.orders",
        "SELECT try_cast(trim(name) AS bigint) AS n, try_cast(trim((name || '')) AS date) AS d FROM hive.shop.orders",
    );
    assert_eq!(
        ok(portable("select fiscal_year(ordered_at) + 1 as y from orders", BigQuery)),
        "SELECT EXTRACT(YEAR FROM ordered_at) + 1 AS y FROM `acme-prod`.shop.orders"
    );
}

#[test]
fn a_function_without_a_template_for_the_dialect_is_reported() {
    let sql = "select safe_cast_int(name) as n, fiscal_year(ordered_at) as y from orders";
    for d in [Redshift, Trino] {
        let r = portable(sql, d);
        assert_eq!(r.constructs(), ["`fiscal_year`"], "{d}");
        assert!(r.errors[0].help().contains(&format!("no `{d}` template")), "{:?}", r.errors[0]);
        assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(1, 34), Location::new(1, 45)));
    }
    let r = portable(sql, Redshift);
    assert!(r.sql.contains("TRY_CAST(NULLIF(TRIM(name), '') AS BIGINT) AS n"), "{}", r.sql);
    let r = portable(sql, Trino);
    assert!(r.sql.contains("try_cast(trim(name) AS bigint) AS n"), "{}", r.sql);
}

#[test]
fn template_arguments_are_rewritten_first() {
    assert_eq!(
        ok(portable("select safe_cast_int('it''s') as n from orders", BigQuery)),
        "SELECT SAFE_CAST(TRIM('it\\'s') AS INT64) AS n FROM `acme-prod`.shop.orders"
    );
}

// NULL ordering and renamed tables' qualifiers.

#[test]
fn nulls_sort_last_on_every_warehouse() {
    each(
        "select order_id from orders order by qty, ordered_at desc",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY qty NULLS LAST, ordered_at DESC",
        "SELECT order_id FROM shop.orders ORDER BY qty, ordered_at DESC NULLS LAST",
        "SELECT order_id FROM hive.shop.orders ORDER BY qty, ordered_at DESC",
    );
    // What the author wrote is kept; a window's order too. BigQuery's
    // window and aggregate `order by` have no NULLS clause: a key of its
    // own says where NULLs go.
    each(
        "select order_id, lag(qty) over (order by ordered_at desc) as prev from orders order by qty nulls first",
        "SELECT order_id, lag(qty) OVER (ORDER BY ordered_at DESC) AS prev FROM `acme-prod`.shop.orders ORDER BY qty NULLS FIRST",
        "SELECT order_id, lag(qty) OVER (ORDER BY ordered_at DESC NULLS LAST) AS prev FROM shop.orders ORDER BY qty NULLS FIRST",
        "SELECT order_id, lag(qty) OVER (ORDER BY ordered_at DESC) AS prev FROM hive.shop.orders ORDER BY qty NULLS FIRST",
    );
}

#[test]
fn nulls_in_windows_and_aggregates_where_the_grammar_has_no_nulls_clause() {
    each(
        "select customer_id, string_agg(name, ',' order by qty) as names, sum(qty) over (order by price desc nulls first) as s from orders group by customer_id, qty, price",
        "SELECT customer_id, string_agg(name, ',' ORDER BY (qty IS NULL) ASC, qty) AS names, sum(qty) OVER (ORDER BY (price IS NULL) DESC, price DESC) AS s FROM `acme-prod`.shop.orders GROUP BY customer_id, qty, price",
        "SELECT customer_id, string_agg(name, ',' ORDER BY qty) AS names, sum(qty) OVER (ORDER BY price DESC NULLS FIRST) AS s FROM shop.orders GROUP BY customer_id, qty, price",
        "SELECT customer_id, string_agg(name, ',' ORDER BY qty) AS names, sum(qty) OVER (ORDER BY price DESC NULLS FIRST) AS s FROM hive.shop.orders GROUP BY customer_id, qty, price",
    );
}

#[test]
fn a_renamed_table_keeps_its_qualifiers() {
    // The source `users` is the table `crm.user`: it keeps its name as an
    // alias. A column qualified by the table's written path is qualified by
    // the name the table goes by.
    each(
        "select users.user_id from users where users.user is not null",
        "SELECT users.user_id FROM `acme-prod`.crm.user AS users WHERE users.user IS NOT NULL",
        "SELECT users.user_id FROM crm.\"user\" AS users WHERE users.\"user\" IS NOT NULL",
        "SELECT users.user_id FROM hive.crm.user AS users WHERE users.user IS NOT NULL",
    );
    each(
        "select shop.orders.order_id from shop.orders",
        "SELECT orders.order_id FROM `acme-prod`.shop.orders",
        "SELECT orders.order_id FROM shop.orders",
        "SELECT orders.order_id FROM hive.shop.orders",
    );
}

// `qualify`.

#[test]
fn qualify_per_dialect() {
    each(
        "select customer_id, row_number() over (partition by customer_id order by ordered_at) as rn from orders qualify rn = 1",
        // BigQuery wants a `where`, `group by` or `having` beside `qualify`.
        "SELECT customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY (ordered_at IS NULL) ASC, ordered_at) AS rn FROM `acme-prod`.shop.orders WHERE TRUE QUALIFY rn = 1",
        "SELECT customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS rn FROM shop.orders QUALIFY rn = 1",
        // The alias is replaced by its expression inside the subquery.
        "SELECT customer_id, rn FROM (SELECT customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS rn, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) = 1 AS cjo_qualify_keep FROM hive.shop.orders) AS cjo_qualified WHERE cjo_qualify_keep",
    );
}

#[test]
fn qualify_with_a_where_on_bigquery_needs_nothing_more() {
    assert_eq!(
        ok(portable(
            "select order_id from orders where qty > 0 qualify row_number() over (partition by customer_id order by ordered_at) = 1",
            BigQuery
        )),
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE qty > 0 QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY (ordered_at IS NULL) ASC, ordered_at) = 1"
    );
}

#[test]
fn qualify_on_trino_with_aliases_qualified_columns_and_a_where() {
    assert_eq!(
        ok(portable(
            "select o.customer_id, amount * 2 as doubled from orders as o where qty > 0 qualify doubled > 10 and row_number() over (partition by o.customer_id order by ordered_at) = 1",
            Trino
        )),
        "SELECT customer_id, doubled FROM (SELECT o.customer_id, amount * 2 AS doubled, (amount * 2) > 10 AND row_number() OVER (PARTITION BY o.customer_id ORDER BY ordered_at) = 1 AS cjo_qualify_keep FROM hive.shop.orders AS o WHERE qty > 0) AS cjo_qualified WHERE cjo_qualify_keep"
    );
}

#[test]
fn qualify_on_trino_in_a_cte() {
    assert_eq!(
        ok(portable(
            "with latest as (select customer_id, ordered_at from orders qualify row_number() over (partition by customer_id order by ordered_at desc) = 1) select customer_id from latest",
            Trino
        )),
        "WITH latest AS (SELECT customer_id, ordered_at FROM (SELECT customer_id, ordered_at, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC) = 1 AS cjo_qualify_keep FROM hive.shop.orders) AS cjo_qualified WHERE cjo_qualify_keep) SELECT customer_id FROM latest"
    );
}

#[test]
fn qualify_on_trino_needs_named_columns() {
    for sql in [
        "select *, row_number() over (partition by customer_id order by ordered_at) as rn from orders qualify rn = 1",
        "select o.* from orders as o qualify row_number() over (partition by customer_id order by ordered_at) = 1",
        "select customer_id, amount * 2 from orders qualify row_number() over (partition by customer_id order by ordered_at) = 1",
    ] {
        let r = portable(sql, Trino);
        assert_eq!(r.constructs(), ["`qualify` with an unnamed or `*` select item"], "{sql}");
        assert!(r.sql.contains("QUALIFY"), "left as written: {}", r.sql);
        // The place is the condition.
        assert_ne!(r.errors[0].span(), SqlSpan::empty());
    }
    // Elsewhere `qualify` stays.
    assert!(
        portable("select * from orders qualify row_number() over (order by ordered_at) = 1", BigQuery)
            .errors
            .is_empty()
    );
}

#[test]
fn qualify_on_trino_with_an_order_by() {
    assert_eq!(
        ok(checked(
            "select o.customer_id from orders as o qualify row_number() over (partition by o.customer_id order by o.ordered_at) = 1 order by o.customer_id",
            Trino
        )),
        "SELECT customer_id FROM (SELECT o.customer_id, row_number() OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at) = 1 AS cjo_qualify_keep FROM hive.shop.orders AS o) AS cjo_qualified WHERE cjo_qualify_keep ORDER BY customer_id"
    );
}

#[test]
fn qualify_on_trino_with_an_order_by_on_an_expression_or_another_column() {
    // An expression of the select list is ordered by its column.
    assert_eq!(
        ok(portable(
            "select customer_id, amount * 2 as doubled from orders qualify row_number() over (partition by customer_id order by ordered_at) = 1 order by amount * 2 desc, 1",
            Trino
        )),
        "SELECT customer_id, doubled FROM (SELECT customer_id, amount * 2 AS doubled, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) = 1 AS cjo_qualify_keep FROM hive.shop.orders) AS cjo_qualified WHERE cjo_qualify_keep ORDER BY doubled DESC, 1"
    );
    // A column the select does not output cannot be named outside.
    let r = portable(
        "select o.customer_id from orders as o qualify row_number() over (partition by o.customer_id order by o.ordered_at) = 1 order by o.amount",
        Trino,
    );
    assert_eq!(r.constructs(), ["an `order by` on what the select does not output, with `qualify`"]);
    assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(1, 129), Location::new(1, 137)));
}

// Bodies written in the target's own dialect.

#[test]
fn a_native_body_keeps_its_sql_but_tables_and_parameters() {
    let sql = "select try_cast(name as int) as n, 'it''s' as s, array_agg(order_id) as ids, name ilike 'a' as l from orders where amount >= $min_amount group by name";
    assert_eq!(
        ok(native(sql, Redshift)),
        "SELECT TRY_CAST(name AS INT) AS n, 'it''s' AS s, array_agg(order_id) AS ids, name ILIKE 'a' AS l FROM shop.orders WHERE amount >= 100 GROUP BY name"
    );
    assert_eq!(native("select $missing as m from orders", BigQuery).constructs(), ["$missing"]);
    // Strings are printed back with the dialect's own escapes.
    assert_eq!(
        ok(checked_native("select 'it\\'s' as s, 'a\\\\b' as t, r'x\\y' as u from orders", BigQuery)),
        "SELECT 'it\\'s' AS s, 'a\\\\b' AS t, R'x\\y' AS u FROM `acme-prod`.shop.orders"
    );
    assert_eq!(
        ok(checked_native("select 'it''s' as s, 'a\\\\b' as t from orders", Redshift)),
        "SELECT 'it''s' AS s, 'a\\\\b' AS t FROM shop.orders"
    );
    assert_eq!(
        ok(checked_native("select 'it''s' as s, 'a\\b' as t from orders", Trino)),
        "SELECT 'it''s' AS s, 'a\\b' AS t FROM hive.shop.orders"
    );
}

#[test]
fn a_native_bigquery_body_keeps_its_double_quoted_strings() {
    assert_eq!(
        ok(checked_native("select \"a\\\\b\" as t, \"it's\" as u from orders", BigQuery)),
        "SELECT \"a\\\\b\" AS t, \"it's\" AS u FROM `acme-prod`.shop.orders"
    );
    assert_eq!(
        ok(checked_native(r#"select "say \"hi\"\n" as v from orders"#, BigQuery)),
        r#"SELECT "say \"hi\"\n" AS v FROM `acme-prod`.shop.orders"#
    );
}

// Rewrites that depend on the checker's types.

#[test]
fn int_division_gives_a_float() {
    each_checked(
        "select amount / qty as r, amount / price as f, (amount + 1) / (qty - 1) as g, sum(amount) / count(*) as avg_amount from orders group by amount, qty, price",
        "SELECT amount / qty AS r, amount / price AS f, (amount + 1) / (qty - 1) AS g, sum(amount) / count(*) AS avg_amount FROM `acme-prod`.shop.orders GROUP BY amount, qty, price",
        "SELECT CAST(amount AS DOUBLE PRECISION) / qty AS r, amount / price AS f, CAST((amount + 1) AS DOUBLE PRECISION) / (qty - 1) AS g, CAST(sum(amount) AS DOUBLE PRECISION) / count(*) AS avg_amount FROM shop.orders GROUP BY amount, qty, price",
        "SELECT CAST(amount AS DOUBLE) / qty AS r, amount / price AS f, CAST((amount + 1) AS DOUBLE) / (qty - 1) AS g, CAST(sum(amount) AS DOUBLE) / count(*) AS avg_amount FROM hive.shop.orders GROUP BY amount, qty, price",
    );
}

#[test]
fn a_division_with_a_decimal_is_a_decimal_of_scale_9_everywhere() {
    // BigQuery's NUMERIC quotient is one; Trino's of a decimal(38, 9) by a
    // scale of at most 9 is one; Redshift's keeps at least 10 decimals
    // (here 38 - 8 integer digits), rounded to 9.
    each_checked(
        "select cast(amount as decimal(10, 2)) / qty as r, safe_divide(cast(amount as decimal(10, 2)), qty) as s from orders",
        "SELECT CAST(amount AS NUMERIC(10, 2)) / qty AS r, SAFE_DIVIDE(CAST(amount AS NUMERIC(10, 2)), qty) AS s FROM `acme-prod`.shop.orders",
        "SELECT CAST(ROUND(CAST(CAST(amount AS DECIMAL(10, 2)) AS DECIMAL(38, 30)) / qty, 9) AS DECIMAL(38, 9)) AS r, CAST(ROUND(CAST(CAST(amount AS DECIMAL(10, 2)) AS DECIMAL(38, 30)) / NULLIF(qty, 0), 9) AS DECIMAL(38, 9)) AS s FROM shop.orders",
        "SELECT CAST(CAST(amount AS decimal(10, 2)) AS decimal(38, 9)) / qty AS r, CAST(CAST(amount AS decimal(10, 2)) AS decimal(38, 9)) / NULLIF(qty, 0) AS s FROM hive.shop.orders",
    );
}

#[test]
fn averages_roundings_and_decimal_literals_keep_their_type() {
    // Redshift's average of ints is an int; a decimal average is cjo's
    // decimal(38, 9); BigQuery's ROUND of an int is a FLOAT64; BigQuery
    // reads 2.5 as a FLOAT64.
    each_checked(
        "select avg(qty) as a, avg(cast(amount as decimal(10, 2))) as d, round(qty, -1) as r, qty * 2.5 as x from orders group by qty",
        "SELECT avg(qty) AS a, avg(CAST(amount AS NUMERIC(10, 2))) AS d, CAST(ROUND(qty, (-1)) AS INT64) AS r, qty * NUMERIC '2.5' AS x FROM `acme-prod`.shop.orders GROUP BY qty",
        "SELECT avg(CAST(qty AS DOUBLE PRECISION)) AS a, CAST(ROUND(avg(CAST(CAST(amount AS DECIMAL(10, 2)) AS DECIMAL(38, 10))), 9) AS DECIMAL(38, 9)) AS d, CAST(ROUND(qty, (-1)) AS BIGINT) AS r, qty * 2.5 AS x FROM shop.orders GROUP BY qty",
        "SELECT avg(qty) AS a, avg(CAST(CAST(amount AS decimal(10, 2)) AS decimal(38, 9))) AS d, ROUND(qty, (-1)) AS r, qty * 2.5 AS x FROM hive.shop.orders GROUP BY qty",
    );
}

#[test]
fn timestamp_plus_or_minus_an_interval() {
    each_checked(
        "select ordered_at + interval '1' day as a, ordered_at - interval '2' hour as b, interval '3' day + ordered_at as c, ordered_at - interval '1' day - interval '2' hour as d from orders",
        "SELECT TIMESTAMP_ADD(ordered_at, INTERVAL 1 DAY) AS a, TIMESTAMP_SUB(ordered_at, INTERVAL 2 HOUR) AS b, TIMESTAMP_ADD(ordered_at, INTERVAL 3 DAY) AS c, TIMESTAMP_SUB(TIMESTAMP_SUB(ordered_at, INTERVAL 1 DAY), INTERVAL 2 HOUR) AS d FROM `acme-prod`.shop.orders",
        "SELECT ordered_at + INTERVAL '1 day' AS a, ordered_at - INTERVAL '2 hour' AS b, INTERVAL '3 day' + ordered_at AS c, ordered_at - INTERVAL '1 day' - INTERVAL '2 hour' AS d FROM shop.orders",
        "SELECT ordered_at + INTERVAL '1' DAY AS a, ordered_at - INTERVAL '2' HOUR AS b, INTERVAL '3' DAY + ordered_at AS c, ordered_at - INTERVAL '1' DAY - INTERVAL '2' HOUR AS d FROM hive.shop.orders",
    );
}

#[test]
fn a_parameter_plus_an_interval() {
    each_checked(
        "select order_id from orders where ordered_at >= $run_start - interval '1' day",
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE ordered_at >= TIMESTAMP_SUB(TIMESTAMP '2026-11-20 00:00:00+00', INTERVAL 1 DAY)",
        "SELECT order_id FROM shop.orders WHERE ordered_at >= CAST('2026-11-20 00:00:00+00' AS TIMESTAMPTZ) - INTERVAL '1 day'",
        "SELECT order_id FROM hive.shop.orders WHERE ordered_at >= TIMESTAMP '2026-11-20 00:00:00 UTC' - INTERVAL '1' DAY",
    );
}

#[test]
fn a_parenthesized_interval() {
    assert_eq!(
        ok(checked("select ordered_at + (interval '1' day) as a from orders", BigQuery)),
        "SELECT TIMESTAMP_ADD(ordered_at, INTERVAL 1 DAY) AS a FROM `acme-prod`.shop.orders"
    );
}

#[test]
fn date_plus_or_minus_an_interval() {
    each_checked(
        "select order_date + interval '1' day as a, order_date - interval '1' month as b, order_date + interval '2' week as c from orders",
        "SELECT DATE_ADD(order_date, INTERVAL 1 DAY) AS a, DATE_SUB(order_date, INTERVAL 1 MONTH) AS b, DATE_ADD(order_date, INTERVAL 2 WEEK) AS c FROM `acme-prod`.shop.orders",
        // A date plus an interval is a timestamp on Redshift.
        "SELECT CAST(order_date + INTERVAL '1 day' AS DATE) AS a, CAST(order_date - INTERVAL '1 month' AS DATE) AS b, CAST(order_date + INTERVAL '2 week' AS DATE) AS c FROM shop.orders",
        "SELECT order_date + INTERVAL '1' DAY AS a, order_date - INTERVAL '1' MONTH AS b, order_date + INTERVAL '14' DAY AS c FROM hive.shop.orders",
    );
}

#[test]
fn months_years_and_weeks_on_a_timestamp_are_not_on_bigquery() {
    let body = "select ordered_at + interval '1' month as a, ordered_at - interval '1' year as b, ordered_at + interval '1' week as c from orders";
    let r = checked(body, BigQuery);
    assert_eq!(r.constructs(), ["months, years or weeks added to a timestamp"; 3]);
    assert!(r.errors[0].help().contains("interval '7' day"), "{:?}", r.errors[0]);
    // Redshift and Trino add them as written (Trino's weeks as days).
    assert_eq!(
        ok(checked(body, Redshift)),
        "SELECT ordered_at + INTERVAL '1 month' AS a, ordered_at - INTERVAL '1 year' AS b, ordered_at + INTERVAL '1 week' AS c FROM shop.orders"
    );
    assert_eq!(
        ok(checked(body, Trino)),
        "SELECT ordered_at + INTERVAL '1' MONTH AS a, ordered_at - INTERVAL '1' YEAR AS b, ordered_at + INTERVAL '7' DAY AS c FROM hive.shop.orders"
    );
}

#[test]
fn months_on_a_timestamp_are_reported_at_their_interval() {
    let r = checked(
        "select ordered_at + interval '1' month as a, ordered_at - interval '1' year as b from orders",
        BigQuery,
    );
    assert_eq!(r.errors.len(), 2);
    assert!(r.errors.iter().all(|e| e.span() != SqlSpan::empty()), "{:?}", r.errors);
    assert_ne!(r.errors[0].span(), r.errors[1].span());
}

#[test]
fn strings_compared_with_dates_and_timestamps_become_typed_literals() {
    each_checked(
        "select order_id from orders where order_date >= '2026-01-01' and ordered_at < '2026-02-01 12:00:00' and '2026-01-01' <= order_date",
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE order_date >= DATE '2026-01-01' AND ordered_at < TIMESTAMP '2026-02-01 12:00:00+00' AND DATE '2026-01-01' <= order_date",
        "SELECT order_id FROM shop.orders WHERE order_date >= DATE '2026-01-01' AND ordered_at < CAST('2026-02-01 12:00:00+00' AS TIMESTAMPTZ) AND DATE '2026-01-01' <= order_date",
        "SELECT order_id FROM hive.shop.orders WHERE order_date >= DATE '2026-01-01' AND ordered_at < TIMESTAMP '2026-02-01 12:00:00 UTC' AND DATE '2026-01-01' <= order_date",
    );
    each_checked(
        "select order_id from orders where order_date between '2026-01-01' and '2026-01-31' and order_date in ('2026-02-01', '2026-02-02')",
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE order_date BETWEEN DATE '2026-01-01' AND DATE '2026-01-31' AND order_date IN (DATE '2026-02-01', DATE '2026-02-02')",
        "SELECT order_id FROM shop.orders WHERE order_date BETWEEN DATE '2026-01-01' AND DATE '2026-01-31' AND order_date IN (DATE '2026-02-01', DATE '2026-02-02')",
        "SELECT order_id FROM hive.shop.orders WHERE order_date BETWEEN DATE '2026-01-01' AND DATE '2026-01-31' AND order_date IN (DATE '2026-02-01', DATE '2026-02-02')",
    );
    // A date string compared with a timestamp is midnight UTC.
    each_checked(
        "select order_id from orders where ordered_at between '2026-01-01' and '2026-02-01'",
        "SELECT order_id FROM `acme-prod`.shop.orders WHERE ordered_at BETWEEN TIMESTAMP '2026-01-01 00:00:00+00' AND TIMESTAMP '2026-02-01 00:00:00+00'",
        "SELECT order_id FROM shop.orders WHERE ordered_at BETWEEN CAST('2026-01-01 00:00:00+00' AS TIMESTAMPTZ) AND CAST('2026-02-01 00:00:00+00' AS TIMESTAMPTZ)",
        "SELECT order_id FROM hive.shop.orders WHERE ordered_at BETWEEN TIMESTAMP '2026-01-01 00:00:00 UTC' AND TIMESTAMP '2026-02-01 00:00:00 UTC'",
    );
}

#[test]
fn hints_apply_inside_other_rewrites() {
    each_checked(
        "select cast(order_date + interval '1' day as string) as s from orders where order_date - interval '7' day > '2026-01-01'",
        "SELECT CAST(DATE_ADD(order_date, INTERVAL 1 DAY) AS STRING) AS s FROM `acme-prod`.shop.orders WHERE DATE_SUB(order_date, INTERVAL 7 DAY) > DATE '2026-01-01'",
        "SELECT CAST(CAST(order_date + INTERVAL '1 day' AS DATE) AS VARCHAR(65535)) AS s FROM shop.orders WHERE CAST(order_date - INTERVAL '7 day' AS DATE) > DATE '2026-01-01'",
        "SELECT CAST(order_date + INTERVAL '1' DAY AS varchar) AS s FROM hive.shop.orders WHERE order_date - INTERVAL '7' DAY > DATE '2026-01-01'",
    );
}

#[test]
fn a_nul_in_a_string_cannot_be_written_for_redshift() {
    let r = portable("select 'a\u{0}b' as s from orders", Redshift);
    assert_eq!(r.constructs(), ["a NUL character (U+0000) in a string"]);
    for d in [BigQuery, Trino] {
        assert!(portable("select 'a\u{0}b' as s from orders", d).errors.is_empty(), "{d}");
    }
}
