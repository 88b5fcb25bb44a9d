//! The simulator's input: the rows of the profiles and event relations,
//! read from CSV text and typed by the relation's columns. Reading files
//! is the caller's business; this module only parses bytes.

use std::collections::BTreeMap;
use std::fmt;

use cjo_semantic::{Analysis, Ty};

use super::time;
use super::value::Value;
use crate::plan::Plan;

/// One relation's rows, each in the order of `columns`.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The relation's name as declared.
    pub name: String,
    pub columns: Vec<(String, Ty)>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// The position of a column (case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(c, _)| c.eq_ignore_ascii_case(name))
    }

    /// Parses CSV text: a header row naming every column of `columns` (in
    /// any order, case-insensitive; more columns are ignored), then one row
    /// per line. An empty field is null. `file` names the text in errors.
    pub fn from_csv(name: &str, columns: &[(String, Ty)], file: &str, bytes: &[u8]) -> Result<Table, DataError> {
        let err = |line: Option<u64>, column: Option<&str>, message: String| DataError {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message,
        };
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
        let header = reader.headers().map_err(|e| err(Some(1), None, csv_message(&e)))?.clone();
        let mut positions = Vec::with_capacity(columns.len());
        for (col, _) in columns {
            let Some(i) = header.iter().position(|h| h.trim().eq_ignore_ascii_case(col)) else {
                let found: Vec<&str> = header.iter().collect();
                return Err(err(
                    Some(1),
                    Some(col),
                    format!(
                        "the header has no column `{col}` (it has {}); every column of `{name}` must be there",
                        if found.is_empty() { "none".to_string() } else { found.join(", ") }
                    ),
                ));
            };
            positions.push(i);
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(csv::Position::line);
                err(line, None, csv_message(&e))
            })?;
            let line = record.position().map(csv::Position::line);
            let mut row = Vec::with_capacity(columns.len());
            for ((col, ty), &i) in columns.iter().zip(&positions) {
                let text = record.get(i).unwrap_or("");
                let v = parse_value(text, ty).map_err(|m| err(line, Some(col), m))?;
                row.push(v);
            }
            rows.push(row);
        }
        Ok(Table { name: name.to_string(), columns: columns.to_vec(), rows })
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields, but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// A field read as a value of `ty`; empty is null.
pub fn parse_value(text: &str, ty: &Ty) -> Result<Value, String> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let t = text.trim();
    let bad = |what: &str| format!("`{text}` is not {what}");
    Ok(match ty {
        Ty::Int => Value::Int(t.parse().map_err(|_| bad("an int"))?),
        Ty::Float | Ty::Decimal { .. } => {
            let f: f64 = t.parse().map_err(|_| bad("a number"))?;
            if !f.is_finite() {
                return Err(bad("a finite number"));
            }
            Value::Float(f)
        }
        Ty::Bool => match t.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("a bool (write true or false)")),
        },
        Ty::Date => Value::Date(time::parse_date(t).ok_or_else(|| bad("a date (write YYYY-MM-DD)"))?),
        Ty::Timestamp => Value::Timestamp(
            time::parse_timestamp(t).ok_or_else(|| bad("a timestamp (write YYYY-MM-DD HH:MM:SS, read as UTC)"))?,
        ),
        // Strings, JSON and anything else are kept as text.
        _ => Value::Str(text.to_string()),
    })
}

/// Why input could not be read: the file, the line (1 is the header) and
/// the column when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ": column `{col}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}

/// The rows of every relation the simulated journeys read, by lowercase
/// name.
#[derive(Clone, Debug, Default)]
pub struct Data {
    tables: BTreeMap<String, Table>,
}

impl Data {
    pub fn new() -> Data {
        Data::default()
    }

    pub fn insert(&mut self, table: Table) {
        self.tables.insert(table.name.to_ascii_lowercase(), table);
    }

    pub fn get(&self, relation: &str) -> Option<&Table> {
        self.tables.get(&relation.to_ascii_lowercase())
    }
}

/// The relations `plans` read (profiles and events), each once, with
/// their typed columns: what the caller must load into a [`Data`].
pub fn inputs(plans: &[&Plan<'_>], analysis: &Analysis) -> Vec<(String, Vec<(String, Ty)>)> {
    let mut out: BTreeMap<String, (String, Vec<(String, Ty)>)> = BTreeMap::new();
    for plan in plans {
        let names = std::iter::once(&plan.profiles).chain(plan.events.iter().map(|e| &e.name));
        for name in names {
            if let Some(rel) = analysis.relation(name) {
                let cols = rel.columns.iter().map(|c| (c.name.clone(), c.ty.clone())).collect();
                out.entry(name.to_ascii_lowercase()).or_insert_with(|| (rel.name.clone(), cols));
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<(String, Ty)> {
        vec![("id".into(), Ty::Int), ("name".into(), Ty::String), ("at".into(), Ty::Timestamp), ("ok".into(), Ty::Bool)]
    }

    #[test]
    fn typed_rows() {
        let t =
            Table::from_csv("t", &cols(), "t.csv", b"ok,AT,id,name,extra\ntrue,2026-01-02T03:00:00Z,7,,x\n,,,a b,\n")
                .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][0], Value::Int(7));
        assert_eq!(t.rows[0][1], Value::Null);
        assert_eq!(t.rows[0][3], Value::Bool(true));
        assert_eq!(t.rows[1][1], Value::Str("a b".into()));
        assert_eq!(t.rows[1][2], Value::Null);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e =
            Table::from_csv("t", &cols(), "data/t.csv", b"id,name,at,ok\n1,a,2026-01-01,true\nx,b,,\n").unwrap_err();
        assert_eq!(e.to_string(), "data/t.csv:3: column `id`: `x` is not an int");
        let e = Table::from_csv("t", &cols(), "t.csv", b"id,name,ok\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("at"));
        let e = Table::from_csv("t", &cols(), "t.csv", b"id,name,at,ok\n1,2\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
