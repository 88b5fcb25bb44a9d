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
    let columns = if source.from_catalog.is_some() {
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
            })
            .collect()
    };
    Some(Relation {
        name: source.name.text.clone(),
        kind: RelationKind::Source { table },
        span,
        doc: source.doc.as_ref().map(|d| d.text.clone()),
        columns,
    })
}
