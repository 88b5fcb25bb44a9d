//! Warehouse schemas, read from the files the warehouses export, so that
//! `cjoc` type-checks without a live warehouse. Pure functions: the caller
//! reads the files.
//!
//! Two formats are read:
//!
//! - **BigQuery**: `bq show --schema --format=prettyjson dataset.table`, an
//!   array of `{name, type, mode, description, fields}`. The output does not
//!   name the table, so the file must be called `<dataset>.<table>.json` (or
//!   `<project>.<dataset>.<table>.json`). The full table object written by
//!   `bq show --format=prettyjson` (without `--schema`) is read too, and named
//!   by its `tableReference`.
//! - **`information_schema.columns` as CSV** (Redshift, Trino): a header row
//!   with at least `table_schema`, `table_name`, `column_name`, `data_type`,
//!   `is_nullable`; `table_catalog`, `ordinal_position`, `numeric_precision`,
//!   `numeric_scale` and `comment` are used when present. One file may hold
//!   many tables; columns are ordered by `ordinal_position`.
//!
//! Each warehouse type becomes a cjo [`Type`]:
//!
//! | cjo | BigQuery | Redshift | Trino |
//! |---|---|---|---|
//! | `string` | `STRING` | `character varying(n)`, `varchar`, `text`, `char(n)`, `character`, `nchar`, `nvarchar`, `bpchar` | `varchar`, `varchar(n)`, `char(n)` |
//! | `bytes` | `BYTES` | `varbyte`, `binary varying`, `varbinary` | `varbinary` |
//! | `int` | `INTEGER`, `INT64` | `bigint`, `integer`, `smallint`, `int8`, `int4`, `int2` | `bigint`, `integer`, `smallint`, `tinyint` |
//! | `float` | `FLOAT`, `FLOAT64` | `double precision`, `real`, `float8`, `float4`, `float` | `double`, `real` |
//! | `decimal(p, s)` | `NUMERIC` (38, 9), `BIGNUMERIC` (76, 38), or their `precision`/`scale` | `numeric(p,s)`, `decimal(p,s)` (bare: `numeric_precision`/`numeric_scale`, else 38, 0) | `decimal(p,s)` (bare: 38, 0) |
//! | `bool` | `BOOLEAN`, `BOOL` | `boolean`, `bool` | `boolean` |
//! | `date` | `DATE` | `date` | `date` |
//! | `timestamp` | `TIMESTAMP`; `DATETIME` (W0002) | `timestamptz`, `timestamp with time zone`; `timestamp`, `timestamp without time zone` (W0002) | `timestamp(p) with time zone`; `timestamp(p)` (W0002) |
//! | `json` | `JSON` | `super` | `json` |
//! | `array<T>` | `mode: REPEATED` | — | `array(T)` |
//! | `struct<…>` | `RECORD`, `STRUCT` | — | `row(name T, …)` |
//! | `string` (W0002) | `GEOGRAPHY` | `geometry`, `geography` | `uuid` |
//! | E0116 | `TIME`, `INTERVAL`, `RANGE` | `time`, `timetz`, `interval` | `time`, `map(K, V)`, `interval …` |
//!
//! BigQuery `mode: REQUIRED` and `is_nullable = NO` make a column `not null`;
//! so does `REPEATED` (BigQuery reads a NULL array as an empty one). Column
//! names are compared without case, as the warehouses do. A column whose
//! type is reported is left out of its table.

mod bigquery;
mod csv;
mod diagnostics;
mod information_schema;
mod sql_type;
mod types;

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};

pub use types::Type;

/// A warehouse table and its columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// `schema.table`, or `catalog.schema.table` when the export names the
    /// catalog (BigQuery: `dataset.table`, `project.dataset.table`).
    pub qualified_name: String,
    /// The catalog (Trino, Redshift database) or BigQuery project, when known.
    pub catalog: Option<String>,
    /// The schema (BigQuery dataset).
    pub schema: String,
    /// The table's own name.
    pub name: String,
    /// The table's description, when the export has one.
    pub doc: Option<String>,
    /// Where the table is defined: the whole JSON value, or its first CSV row.
    pub span: Span,
    /// In the warehouse's order.
    pub columns: Vec<Column>,
}

/// A column of a warehouse table.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: Type,
    pub not_null: bool,
    /// The column's description or comment.
    pub doc: Option<String>,
    /// Where the column's name is written.
    pub span: Span,
}

/// Reads one exported schema file. `path` chooses the format by its
/// extension (`.json`: BigQuery, `.csv`: information_schema); with another
/// extension a text starting with `[` or `{` is read as BigQuery JSON and
/// anything else as CSV. For BigQuery, `path`'s file name also names the
/// table (`<dataset>.<table>.json`).
pub fn import(file: FileId, path: &str, text: &str) -> (Vec<Table>, Vec<Diagnostic>) {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let json = match extension.as_str() {
        "json" => true,
        "csv" => false,
        _ => text.trim_start_matches('\u{feff}').trim_start().starts_with(['[', '{']),
    };
    let (mut tables, mut diagnostics) =
        if json { bigquery::import(file, path, text) } else { information_schema::import(file, text) };
    if tables.is_empty() && diagnostics.is_empty() {
        diagnostics.push(diagnostics::missing(
            Span::new(file, TextRange::empty(0)),
            "this catalog file describes no table",
            "export the schema of at least one table",
        ));
    }
    tables.retain(|t| !t.name.is_empty());
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (tables, diagnostics)
}

#[cfg(test)]
mod tests;
