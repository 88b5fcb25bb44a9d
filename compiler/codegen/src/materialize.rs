//! A model's query wrapped in the statements that write it to the
//! warehouse: schema, then view, table or incremental merge, each in the
//! target's own idempotent form.

use cjo_project::Dialect;
use cjo_semantic::Ty;

use crate::ident::{ident, path};
use crate::types::type_name;
use cjo_semantic::{Materialized, Strategy};

/// Where and what a model writes.
#[derive(Debug)]
pub struct Destination<'a> {
    pub dialect: Dialect,
    /// `[container.]schema`.
    pub schema: &'a [String],
    /// `[container.]schema.table`.
    pub table: &'a [String],
    /// Name, type and whether it may be null.
    pub columns: &'a [(String, Ty, bool)],
    /// BigQuery's dataset location, for a dataset created here.
    pub location: Option<&'a str>,
}

/// Why a model cannot be materialized as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// An incremental model's column whose type is not known: its table
    /// cannot be declared.
    UntypedColumn(String),
}

/// The strategy an incremental model uses on `dialect` when it does not
/// say: MERGE on BigQuery; delete+insert on Redshift (its MERGE needs a
/// table as source, so it stages the rows either way) and on Trino (MERGE
/// depends on the connector).
pub fn default_strategy(dialect: Dialect) -> Strategy {
    match dialect {
        Dialect::BigQuery => Strategy::Merge,
        Dialect::Redshift | Dialect::Trino => Strategy::DeleteInsert,
    }
}

/// How an incremental model is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Refresh {
    /// Merge the query's rows into the table (made if missing).
    #[default]
    Merge,
    /// `--full-refresh`: drop the table and make it again from the query.
    Full,
}

/// The statements that build the model from `query` (SQL of the target).
pub fn statements(
    d: &Destination<'_>,
    how: &Materialized,
    query: &str,
    refresh: Refresh,
) -> Result<Vec<String>, Problem> {
    let mut out = vec![create_schema(d)];
    let table = path(d.table, d.dialect);
    // Not indented: a line break inside a string literal is part of its
    // value.
    let query = query.to_string();
    match how {
        Materialized::View => out.push(format!("CREATE OR REPLACE VIEW {table} AS\n{query}")),
        Materialized::Table if d.dialect == Dialect::Redshift => {
            // Redshift has no `create or replace table`: build beside it and
            // swap in one transaction, so readers see the old or the new.
            let new = sibling(d, "cjo_new");
            let name = ident(d.table.last().map_or("", String::as_str), d.dialect);
            out.push("BEGIN".into());
            out.push(format!("DROP TABLE IF EXISTS {new}"));
            out.push(format!("CREATE TABLE {new} AS\n{query}"));
            out.push(format!("DROP TABLE IF EXISTS {table}"));
            out.push(format!("ALTER TABLE {new} RENAME TO {name}"));
            out.push("COMMIT".into());
        }
        Materialized::Table => out.push(format!("CREATE OR REPLACE TABLE {table} AS\n{query}")),
        Materialized::Incremental { .. } if refresh == Refresh::Full => out.extend(rebuild(d, &query)?),
        Materialized::Incremental { unique_key, strategy, .. } => {
            out.push(create_table(d, "CREATE TABLE IF NOT EXISTS")?);
            let strategy = strategy.unwrap_or_else(|| default_strategy(d.dialect));
            out.extend(incremental(d, unique_key, strategy, &query));
        }
    }
    Ok(out)
}

fn create_schema(d: &Destination<'_>) -> String {
    match d.dialect {
        // Redshift creates schemas in the connected database only.
        Dialect::Redshift => {
            let schema: Vec<String> = d.schema.last().cloned().into_iter().collect();
            format!("CREATE SCHEMA IF NOT EXISTS {}", path(&schema, d.dialect))
        }
        Dialect::BigQuery => match d.location {
            Some(loc) => format!(
                "CREATE SCHEMA IF NOT EXISTS {} OPTIONS (location = {})",
                path(d.schema, d.dialect),
                crate::literal::string(loc, d.dialect)
            ),
            None => format!("CREATE SCHEMA IF NOT EXISTS {}", path(d.schema, d.dialect)),
        },
        Dialect::Trino => format!("CREATE SCHEMA IF NOT EXISTS {}", path(d.schema, d.dialect)),
    }
}

/// A full refresh of an incremental model: its table made again, empty,
/// with the columns it declares (not those `CREATE TABLE AS` would infer,
/// so that later merges find the types they always did), then filled from
/// the query. Redshift swaps in one transaction; BigQuery replaces the
/// table in one statement; Trino has neither for every connector, so a
/// reader may see the table missing or empty while it is rebuilt.
fn rebuild(d: &Destination<'_>, query: &str) -> Result<Vec<String>, Problem> {
    let table = path(d.table, d.dialect);
    let cols: Vec<String> = d.columns.iter().map(|(c, ..)| ident(c, d.dialect).to_string()).collect();
    let insert = format!("INSERT INTO {table} ({})\n{query}", cols.join(", "));
    Ok(match d.dialect {
        Dialect::BigQuery => vec![create_table(d, "CREATE OR REPLACE TABLE")?, insert],
        Dialect::Redshift => vec![
            "BEGIN".into(),
            format!("DROP TABLE IF EXISTS {table}"),
            create_table(d, "CREATE TABLE")?,
            insert,
            "COMMIT".into(),
        ],
        Dialect::Trino => vec![format!("DROP TABLE IF EXISTS {table}"), create_table(d, "CREATE TABLE")?, insert],
    })
}

/// `create` (`CREATE TABLE IF NOT EXISTS`, …) the model's table with its
/// declared columns.
fn create_table(d: &Destination<'_>, create: &str) -> Result<String, Problem> {
    let mut cols = Vec::with_capacity(d.columns.len());
    for (name, ty, _) in d.columns {
        let ty = type_name(ty, d.dialect).ok_or_else(|| Problem::UntypedColumn(name.clone()))?;
        cols.push(format!("  {} {ty}", ident(name, d.dialect)));
    }
    Ok(format!("{create} {} (\n{}\n)", path(d.table, d.dialect), cols.join(",\n")))
}

/// `schema.table__suffix`: a working table beside the model's.
fn sibling(d: &Destination<'_>, suffix: &str) -> String {
    let mut parts = d.table.to_vec();
    if let Some(last) = parts.last_mut() {
        *last = format!("{last}__{suffix}");
    }
    path(&parts, d.dialect)
}

fn incremental(d: &Destination<'_>, keys: &[String], strategy: Strategy, query: &str) -> Vec<String> {
    let dialect = d.dialect;
    let table = path(d.table, dialect);
    let q = |c: &str| ident(c, dialect).to_string();
    let cols: Vec<String> = d.columns.iter().map(|(c, ..)| q(c)).collect();
    let col_list = cols.join(", ");
    // A key that may be null matches null: a null key is a value of the
    // key (a group `group by` made), not an unknown.
    let nullable = |k: &str| d.columns.iter().any(|(c, _, n)| *n && c.eq_ignore_ascii_case(k));
    let on = |t: &str, s: &str| {
        keys.iter()
            .map(|k| {
                let (a, b) = (format!("{t}.{}", q(k)), format!("{s}.{}", q(k)));
                match (nullable(k), dialect) {
                    (false, _) => format!("{a} = {b}"),
                    (true, Dialect::Redshift) => format!("({a} = {b} OR ({a} IS NULL AND {b} IS NULL))"),
                    (true, _) => format!("{a} IS NOT DISTINCT FROM {b}"),
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let non_keys: Vec<&String> =
        d.columns.iter().map(|(c, ..)| c).filter(|c| !keys.iter().any(|k| k.eq_ignore_ascii_case(c))).collect();
    // Redshift's MERGE needs an update clause; updating a key to itself is
    // harmless when every column is a key.
    let updated: Vec<&String> =
        if non_keys.is_empty() && dialect == Dialect::Redshift { keys.iter().collect() } else { non_keys };
    let update = (!updated.is_empty()).then(|| {
        let sets: Vec<String> = updated.iter().map(|c| format!("{} = source.{}", q(c), q(c))).collect();
        format!("\nWHEN MATCHED THEN UPDATE SET {}", sets.join(", "))
    });
    let values: Vec<String> = d.columns.iter().map(|(c, ..)| format!("source.{}", q(c))).collect();
    let merge = |source: &str| {
        format!(
            "MERGE INTO {table} AS target\nUSING {source} AS source\nON {}{}\nWHEN NOT MATCHED THEN INSERT ({col_list}) VALUES ({})",
            on("target", "source"),
            update.clone().unwrap_or_default(),
            values.join(", ")
        )
    };
    match (dialect, strategy) {
        (Dialect::BigQuery | Dialect::Trino, Strategy::Merge) => vec![merge(&format!("(\n{query}\n)"))],
        (Dialect::Redshift, _) => {
            let stage =
                ident(&format!("{}__cjo_stage", d.table.last().map_or("", String::as_str)), dialect).to_string();
            let mut out = vec!["BEGIN".into(), format!("CREATE TEMP TABLE {stage} AS\n{query}")];
            match strategy {
                Strategy::Merge => out.push(merge(&stage)),
                Strategy::DeleteInsert => {
                    out.push(format!("DELETE FROM {table}\nUSING {stage} AS source\nWHERE {}", on(&table, "source")));
                    out.push(format!("INSERT INTO {table} ({col_list})\nSELECT {col_list} FROM {stage}"));
                }
            }
            out.push(format!("DROP TABLE {stage}"));
            out.push("COMMIT".into());
            out
        }
        (Dialect::BigQuery, Strategy::DeleteInsert) => {
            let stage =
                ident(&format!("{}__cjo_stage", d.table.last().map_or("", String::as_str)), dialect).to_string();
            vec![
                format!("CREATE TEMP TABLE {stage} AS\n{query}"),
                format!(
                    "DELETE FROM {table} AS target\nWHERE EXISTS (SELECT 1 FROM {stage} AS source WHERE {})",
                    on("target", "source")
                ),
                format!("INSERT INTO {table} ({col_list})\nSELECT {col_list} FROM {stage}"),
                format!("DROP TABLE {stage}"),
            ]
        }
        (Dialect::Trino, Strategy::DeleteInsert) => {
            // No temporary tables on Trino: a working table beside the
            // model's, dropped at the end (and at the start, after a failed
            // run).
            let stage = sibling(d, "cjo_stage");
            let bare = ident(d.table.last().map_or("", String::as_str), dialect).to_string();
            vec![
                format!("DROP TABLE IF EXISTS {stage}"),
                format!("CREATE TABLE {stage} AS\n{query}"),
                format!(
                    "DELETE FROM {table}\nWHERE EXISTS (SELECT 1 FROM {stage} AS source WHERE {})",
                    on(&bare, "source")
                ),
                format!("INSERT INTO {table} ({col_list})\nSELECT {col_list} FROM {stage}"),
                format!("DROP TABLE {stage}"),
            ]
        }
    }
}
