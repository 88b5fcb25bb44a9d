//! `cjoc schema import`: prints `source` declarations for the tables of
//! exported warehouse schemas (see `cjo_catalog`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use cjo_catalog::{Column, Table};
use cjo_diagnostics::{Diagnostic, FileId};

use super::{OK, PROBLEMS, USAGE};
use crate::render;

/// Words that start a declaration: a source or column named so is renamed
/// or quoted, so that the output never reads as the start of one.
const RESERVED: &[&str] = &["source", "model", "check", "journey", "pipeline", "fn", "stage", "step"];

/// The files read, for rendering diagnostics.
struct Files(Vec<(String, String)>);

impl render::Sources for Files {
    fn path(&self, file: FileId) -> String {
        self.0.get(file.0 as usize).map(|(p, _)| p.clone()).unwrap_or_default()
    }

    fn text(&self, file: FileId) -> &str {
        self.0.get(file.0 as usize).map_or("", |(_, t)| t.as_str())
    }
}

pub fn import(paths: &[PathBuf], color: bool) -> u8 {
    let mut files = Vec::new();
    for path in paths {
        match super::read_file(path, color).map(String::from_utf8) {
            Ok(Ok(text)) => files.push((path.display().to_string(), text)),
            Ok(Err(_)) => {
                eprintln!("error: {} is not UTF-8 text; export the schema as UTF-8", path.display());
                return USAGE;
            }
            // Reported, with its code.
            Err(_) => return USAGE,
        }
    }
    let (tables, diagnostics) = import_all(&files);
    let names: Vec<&str> = paths.iter().map(|p| file_name(p)).collect();
    let (text, format_errors) = match render_sources(&tables, &names) {
        Ok(text) => (text, Vec::new()),
        Err((text, errors)) => (text, errors),
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let files = Files(files);
    // The declarations, then (whether or not a reader took them all) the
    // report on standard error, where a failure has nowhere to be told.
    let printed = crate::out::print(text);
    let mut err = std::io::stderr().lock();
    let _ = render::human(&mut err, &files, &diagnostics, color).and_then(|()| {
        for e in &format_errors {
            writeln!(err, "error: cjoc wrote a declaration it cannot read back ({}): {}", e.code, e.message)?;
        }
        if crate::progress::quiet() {
            return Ok(());
        }
        let summary = render::counts(errors, warnings);
        let count = tables.len();
        writeln!(
            err,
            "imported {count} table{} from {} file{}: {summary}",
            plural(count),
            paths.len(),
            plural(paths.len())
        )
    });
    drop(err);
    if let Err(code) = printed {
        return code;
    }
    if errors > 0 || !format_errors.is_empty() { PROBLEMS } else { OK }
}

/// Imports each `(path, text)`; file `i` is `FileId(i)`.
fn import_all(files: &[(String, String)]) -> (Vec<Table>, Vec<Diagnostic>) {
    let mut tables = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, (path, text)) in files.iter().enumerate() {
        let (t, d) = cjo_catalog::import(FileId(u32::try_from(i).unwrap_or(u32::MAX)), path, text);
        tables.extend(t);
        diagnostics.extend(d);
    }
    (tables, diagnostics)
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The `source` declarations for `tables`, formatted. `Err` holds the
/// unformatted text and the parser's complaints, which would be a bug here.
pub fn render_sources(tables: &[Table], files: &[&str]) -> Result<String, (String, Vec<Diagnostic>)> {
    let names = source_names(tables);
    let mut out = format!("// Imported by `cjoc schema import` from {}.\n", files.join(", "));
    for (table, name) in tables.iter().zip(&names) {
        out.push('\n');
        doc(&mut out, table.doc.as_deref(), "");
        let reference =
            if table.schema.is_empty() { table.name.clone() } else { format!("{}.{}", table.schema, table.name) };
        let _ = writeln!(out, "source {name} = \"{}\" {{", escape(&reference));
        for column in &table.columns {
            self::column(&mut out, column);
        }
        out.push_str("}\n");
    }
    cjo_fmt::format(&out).map_err(|errors| (out, errors))
}

fn column(out: &mut String, column: &Column) {
    doc(out, column.doc.as_deref(), "  ");
    let name = if is_identifier(&column.name) {
        column.name.clone()
    } else {
        // Backticks quote a name that is not an identifier; they cannot
        // hold a backtick or a line break.
        format!("`{}`", column.name.replace(['`', '\n', '\r'], "_"))
    };
    let not_null = if column.not_null { " not null" } else { "" };
    let _ = writeln!(out, "  {name}: {}{not_null}", column.ty);
}

fn doc(out: &mut String, doc: Option<&str>, indent: &str) {
    for line in doc.into_iter().flat_map(str::lines) {
        let _ = writeln!(out, "{indent}/// {}", line.trim_end());
    }
}

/// A `.cjo` string's contents.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
}

/// A valid identifier for each table: its name, or `schema_table` when two
/// imported tables share a name, numbered if that still collides.
fn source_names(tables: &[Table]) -> Vec<String> {
    let identifier = |text: &str| {
        let mut id: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            id.insert(0, '_');
        }
        if RESERVED.contains(&id.as_str()) {
            id.push_str("_table");
        }
        id
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in tables {
        *counts.entry(identifier(&t.name)).or_default() += 1;
    }
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    tables
        .iter()
        .map(|t| {
            let short = identifier(&t.name);
            let base = if counts.get(&short).copied().unwrap_or(0) > 1 && !t.schema.is_empty() {
                identifier(&format!("{}_{}", t.schema, t.name))
            } else {
                short
            };
            let seen = taken.entry(base.clone()).or_default();
            *seen += 1;
            if *seen == 1 { base } else { format!("{base}_{seen}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(paths: &[&str]) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let files: Vec<(String, String)> =
            paths.iter().map(|p| (p.to_string(), std::fs::read_to_string(root.join(p)).unwrap())).collect();
        let (tables, diagnostics) = import_all(&files);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let names: Vec<&str> = paths.iter().map(|p| file_name(Path::new(p))).collect();
        let text = render_sources(&tables, &names).unwrap();
        assert_eq!(cjo_fmt::format(&text).unwrap(), text, "the output is formatted");
        text
    }

    #[test]
    fn bigquery_example() {
        insta::assert_snapshot!(example(&[
            "custom_reports/schemas/kaizen_lake.site_events.json",
            "custom_reports/schemas/kaizen_master.accounts.json",
        ]));
    }

    #[test]
    fn csv_example() {
        insta::assert_snapshot!(example(&["video_watch/schemas/td_information_schema_columns.csv"]));
    }

    #[test]
    fn odd_names_become_valid_declarations() {
        let text = "table_schema,table_name,column_name,data_type,is_nullable,comment\n\
                    a,source,model,int,NO,\"two\nlines\"\n\
                    b,source,\"売上 (円)\",int,YES,\n\
                    a,1st-table,x,int,YES,\n";
        let (tables, diagnostics) = cjo_catalog::import(FileId(0), "c.csv", text);
        assert_eq!(diagnostics, vec![]);
        insta::assert_snapshot!(render_sources(&tables, &["c.csv"]).unwrap(), @r#"
        // Imported by `cjoc schema import` from c.csv.

        source a_source = "a.source" {
          /// two
          /// lines
          `model`: int not null
        }

        source b_source = "b.source" {
          `売上 (円)`: int
        }

        source _1st_table = "a.1st-table" {
          x: int
        }
        "#);
    }
}
