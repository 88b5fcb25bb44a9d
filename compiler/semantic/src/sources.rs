//! Sources: their columns, declared inline or found in the catalog.

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span};
use cjo_project::Workspace;
use cjo_syntax::ast;

use crate::schema::{OutputColumn, Relation, RelationKind};
use crate::ty::Ty;

/// The relation a source declares. A `from catalog` source whose table is
/// not in the catalog is reported and has no columns (`None`).
pub(crate) fn relation(
    ws: &Workspace,
    file: FileId,
    source: &ast::Source,
    out: &mut Vec<Diagnostic>,
) -> Option<Relation> {
    let table = source.table.value.clone();
    let span = Span::new(file, source.name.range);
    let columns: Vec<OutputColumn> = if source.from_catalog.is_some() {
        let Some(found) = ws.catalog.find(&table) else {
            let help = ws.catalog.did_you_mean(&table).unwrap_or_else(|| {
                if ws.catalog.is_empty() {
                    "no catalog files are loaded: export the table's schema (`bq show --schema --format=prettyjson`, or `information_schema.columns` as CSV) and list the files under `[catalog] paths` in cjo.toml".to_string()
                } else {
                    "export the table's schema into one of the files listed under `[catalog] paths` in cjo.toml, or declare its columns inline".to_string()
                }
            });
            out.push(
                Diagnostic::error(
                    codes::NOT_IN_CATALOG,
                    Span::new(file, source.table.range),
                    format!("`{table}` is not in the catalog"),
                )
                .with_label("no catalog file has this table")
                .with_help(help),
            );
            return None;
        };
        let table_span = found.span;
        found
            .columns
            .iter()
            .map(|c| OutputColumn {
                name: c.name.clone(),
                ty: Ty::from_catalog(&c.ty),
                nullable: !c.not_null,
                doc: c.doc.clone(),
                lineage: Default::default(),
                span: Some(table_span),
                untyped_at: None,
            })
            .collect()
    } else {
        source
            .columns
            .iter()
            .map(|c| OutputColumn {
                name: c.name.text.clone(),
                ty: Ty::from_syntax(&c.ty, &[]),
                nullable: !c.not_null,
                doc: c.doc.as_ref().map(|d| d.text.clone()),
                lineage: Default::default(),
                span: Some(Span::new(file, c.name.range)),
                untyped_at: None,
            })
            .collect()
    };
    let time_column = time_column(&source.name.text, &columns, file, source, out);
    Some(Relation {
        name: source.name.text.clone(),
        kind: RelationKind::Source { table, time_column },
        span,
        doc: source.doc.as_ref().map(|d| d.text.clone()),
        columns,
    })
}

/// The declared `time_column`, when it names a timestamp column of the
/// source (a journey's event time, and what a pipeline with a late-input
/// rule watches): E0509 otherwise, where it is written.
fn time_column(
    name: &str,
    columns: &[OutputColumn],
    file: FileId,
    source: &ast::Source,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let column =
        crate::settings::get(&source.settings, "time_column").and_then(|st| crate::settings::word(&st.value))?;
    if columns.is_empty() {
        return None; // E0203 said so.
    }
    let at = Span::new(file, column.range);
    match columns.iter().find(|c| c.name.eq_ignore_ascii_case(&column.text)) {
        Some(c) if c.ty == Ty::Timestamp => return Some(c.name.clone()),
        Some(c) if c.ty.is_open() => {}
        Some(c) => out.push(
            Diagnostic::error(
                codes::NO_TIME_COLUMN,
                at,
                format!("the time column `{}` is {}, not a timestamp", column.text, c.ty),
            )
            .with_label(format!("{}", c.ty))
            .with_help("an event's time is a timestamp: name a timestamp column, or convert it in a model"),
        ),
        None => out.push(
            Diagnostic::error(codes::NO_TIME_COLUMN, at, format!("`{name}` has no column `{}`", column.text))
                .with_label("not a column")
                .with_help_opt(codes::did_you_mean(&column.text, columns.iter().map(|c| c.name.as_str()))),
        ),
    }
    None
}
