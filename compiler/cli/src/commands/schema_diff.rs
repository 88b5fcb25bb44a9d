//! `cjoc schema diff`: how the project's declared sources differ from the
//! exported catalog (see `cjo_semantic::schema_diff`).
//!
//! Exit status: 0 when no declared column contradicts the catalog (columns
//! the declarations leave out, columns declared nullable that the warehouse
//! says are `not null`, and sources whose table the catalog does not have
//! are listed, but are not errors); 1 when one does (what `cjoc check`
//! reports as E0120–E0122), or when `cjo.toml` or a catalog file has errors,
//! which leave the comparison incomplete; 2 when the project cannot be
//! loaded or configures no catalog.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use cjo_diagnostics::Span;
use cjo_project::{FileKind, Workspace};
use cjo_semantic::schema_diff::{ColumnDiff, Difference, Side};
use cjo_semantic::{SourceDiff, schema_diff};
use serde_json::json;

use super::{OK, PROBLEMS, USAGE};
use crate::{Format, render};

pub fn run(dir: &Path, format: Format, color: bool) -> u8 {
    let ws = match super::load_project(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    if ws.config.catalog.paths.is_empty() {
        eprintln!(
            "error: {} lists no catalog files: there is nothing to compare the sources with: list the exported schema files under `[catalog] paths`",
            ws.root.join(cjo_project::CONFIG_FILE).display()
        );
        return USAGE;
    }
    let diffs = schema_diff(&ws);
    // Errors in cjo.toml or a catalog file leave tables or columns out of
    // the catalog: the comparison is incomplete, and says so.
    let input_errors: Vec<_> = ws
        .diagnostics
        .iter()
        .filter(|d| {
            d.is_error()
                && ws.file(d.span().file).is_some_and(|f| matches!(f.kind, FileKind::Config | FileKind::Catalog))
        })
        .cloned()
        .collect();
    let errors: usize = diffs.iter().map(|d| d.columns.iter().filter(|c| c.difference.is_error()).count()).sum();
    // Standard error's failures have nowhere to be told; standard
    // output's are told by `out::written`.
    let _ = render::human(&mut std::io::stderr().lock(), &ws, &input_errors, color);
    let printed = match format {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            let written = serde_json::to_writer_pretty(&mut out, &to_json(&ws, &diffs))
                .map_err(crate::out::json_io)
                .and_then(|()| writeln!(out));
            crate::out::written(written)
        }
        Format::Human => crate::out::print(human(&ws, &diffs)),
    };
    if let Err(code) = printed {
        return code;
    }
    if !crate::progress::quiet() {
        eprintln!("{}", summary(&diffs, errors, input_errors.len()));
    }
    if errors > 0 || !input_errors.is_empty() { PROBLEMS } else { OK }
}

/// `path:line`, the path as the user would write it.
fn place(ws: &Workspace, span: Span) -> String {
    let (path, line) = position(ws, span);
    format!("{path}:{line}")
}

/// The path and 1-based line and character column of `span`'s start.
fn position(ws: &Workspace, span: Span) -> (String, u32) {
    ws.file(span.file)
        .map_or_else(Default::default, |f| (f.path.display().to_string(), f.line_index.line_of(span.range.start) + 1))
}

/// One block per source that differs from the catalog (or whose table it
/// does not have); nothing for sources that agree.
fn human(ws: &Workspace, diffs: &[SourceDiff]) -> String {
    let mut out = String::new();
    for diff in diffs.iter().filter(|d| d.warehouse.is_none() || !d.columns.is_empty()) {
        let here = place(ws, diff.span);
        let _ = match &diff.warehouse {
            Some(w) => writeln!(
                out,
                "{} = \"{}\" ({here}), against `{}` ({})",
                diff.name,
                diff.table,
                w.qualified_name,
                place(ws, w.span)
            ),
            None => writeln!(out, "{} = \"{}\" ({here})", diff.name, diff.table),
        };
        if diff.warehouse.is_none() {
            let _ = writeln!(out, "  info        the catalog has no table `{}`", diff.table);
        }
        let width = diff.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
        for c in &diff.columns {
            let tag = c.difference.code().map_or_else(|| "info".to_string(), |code| format!("error {}", code.id));
            let mut line = format!("  {tag:<11} {:<width$}  {}", c.name, describe(c));
            if let (true, Some(declared)) = (c.difference.is_error(), &c.declared) {
                let _ = write!(line, " ({})", place(ws, declared.span));
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

/// What differs, in words.
fn describe(c: &ColumnDiff) -> String {
    let ty = |side: &Option<Side>| side.as_ref().map(|s| s.ty.to_string()).unwrap_or_default();
    match c.difference {
        Difference::NotInWarehouse => format!("declared `{}`, but the warehouse has no such column", ty(&c.declared)),
        Difference::Type => format!("declared `{}`, but the warehouse has `{}`", ty(&c.declared), ty(&c.warehouse)),
        Difference::NotNull => "declared `not null`, but the warehouse allows null".to_string(),
        Difference::Nullable => "declared nullable, but the warehouse says `not null`".to_string(),
        Difference::Undeclared => {
            let not_null = if c.warehouse.as_ref().is_some_and(|w| w.not_null) { " not null" } else { "" };
            format!("not declared; the warehouse has `{}: {}{not_null}`", c.name, ty(&c.warehouse))
        }
    }
}

/// "compared 3 sources with the catalog: 2 errors in 1 source; 1 source's
/// table is not in the catalog".
fn summary(diffs: &[SourceDiff], errors: usize, input_errors: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let compared = diffs.iter().filter(|d| d.warehouse.is_some()).count();
    let missing = diffs.len() - compared;
    let wrong = diffs.iter().filter(|d| d.has_errors()).count();
    let mut s = format!("compared {} with the catalog: ", plural(compared, "source"));
    if errors == 0 {
        s.push_str("no declared column contradicts it");
    } else {
        let _ = write!(s, "{} in {}", plural(errors, "error"), plural(wrong, "source"));
    }
    match missing {
        0 => {}
        1 => s.push_str("; 1 source's table is not in the catalog"),
        n => {
            let _ = write!(s, "; {n} sources' tables are not in the catalog");
        }
    }
    if input_errors > 0 {
        let _ = write!(
            s,
            "; {} in cjo.toml or the catalog files may have left tables or columns out",
            plural(input_errors, "error")
        );
    }
    s
}

fn to_json(ws: &Workspace, diffs: &[SourceDiff]) -> serde_json::Value {
    let at = |span: Span| {
        let (file, line) = position(ws, span);
        let column = ws.file(span.file).map_or(0, |f| f.line_index.line_col(&f.text, span.range.start).col + 1);
        json!({ "file": file, "line": line, "column": column })
    };
    let side = |side: &Option<Side>| {
        side.as_ref().map(|s| {
            let mut value = at(s.span);
            if let Some(object) = value.as_object_mut() {
                object.insert("type".into(), json!(s.ty.to_string()));
                object.insert("not_null".into(), json!(s.not_null));
            }
            value
        })
    };
    let sources: Vec<_> = diffs
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "table": d.table,
                "declared_at": at(d.span),
                "catalog": d.warehouse.as_ref().map(|w| {
                    let mut value = at(w.span);
                    if let Some(object) = value.as_object_mut() {
                        object.insert("table".into(), json!(w.qualified_name));
                    }
                    value
                }),
                "differences": d.columns.iter().map(|c| json!({
                    "column": c.name,
                    "kind": c.difference.as_str(),
                    "code": c.difference.code().map(|code| code.id),
                    "error": c.difference.is_error(),
                    "declared": side(&c.declared),
                    "warehouse": side(&c.warehouse),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: usize = diffs.iter().map(|d| d.columns.iter().filter(|c| c.difference.is_error()).count()).sum();
    json!({ "sources": sources, "errors": errors })
}
