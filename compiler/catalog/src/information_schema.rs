//! `information_schema.columns` exported as CSV, as Redshift and Trino write
//! it. One file may hold many tables.

use std::collections::BTreeMap;
use std::ops::Range;

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};

use crate::csv::{self, Cell, Record};
use crate::diagnostics as diag;
use crate::{Column, Table, sql_type};

/// The header columns that must be present.
const REQUIRED: [&str; 5] = ["table_schema", "table_name", "column_name", "data_type", "is_nullable"];

pub fn import(file: FileId, text: &str) -> (Vec<Table>, Vec<Diagnostic>) {
    let span = |range: Range<usize>| Span::new(file, TextRange::from_usize(range));
    let (records, errors) = csv::read(text);
    let mut diagnostics: Vec<Diagnostic> = errors.into_iter().map(|e| diag::syntax(span(e.range), e.message)).collect();
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        diagnostics.push(diag::missing(
            span(0..0),
            "this CSV file is empty: it has no header row",
            "export `information_schema.columns` with its header row",
        ));
        return (Vec::new(), diagnostics);
    };
    let columns: BTreeMap<String, usize> =
        header.cells.iter().enumerate().rev().map(|(i, c)| (c.value.trim().to_ascii_lowercase(), i)).collect();
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|name| !columns.contains_key(*name)).collect();
    if !missing.is_empty() {
        let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
        diagnostics.push(
            diag::missing(
                span(header.range.clone()),
                format!("the header of this information_schema.columns export lacks {list}"),
                format!("export at least {}", REQUIRED.map(|r| format!("`{r}`")).join(", ")),
            )
            .with_label("header row"),
        );
        return (Vec::new(), diagnostics);
    }
    let index = |name: &str| columns.get(name).copied();
    let layout = Layout {
        catalog: index("table_catalog"),
        schema: index("table_schema"),
        table: index("table_name"),
        column: index("column_name"),
        data_type: index("data_type"),
        nullable: index("is_nullable"),
        ordinal: index("ordinal_position"),
        precision: index("numeric_precision"),
        scale: index("numeric_scale"),
        comment: index("comment").or(index("description")).or(index("remarks")),
    };

    let mut builder = Builder { file, tables: Vec::new(), by_key: BTreeMap::new(), diagnostics };
    for record in records {
        if record.cells.len() != header.cells.len() {
            builder.diagnostics.push(
                diag::syntax(
                    span(record.range.clone()),
                    format!("this row has {} cells, but the header has {}", record.cells.len(), header.cells.len()),
                )
                .with_label("row left out"),
            );
            continue;
        }
        builder.row(&layout, &record);
    }
    let tables = builder
        .tables
        .into_iter()
        .map(|mut t| {
            // A stable sort: rows without a position keep the file's order.
            t.columns.sort_by_key(|c| c.ordinal);
            Table {
                qualified_name: t.key.qualified_name(),
                catalog: t.key.catalog,
                schema: t.key.schema,
                name: t.key.table,
                doc: None,
                span: t.span,
                columns: t.columns.into_iter().map(|c| c.column).collect(),
            }
        })
        .collect();
    (tables, builder.diagnostics)
}

/// Where each column of the export is.
struct Layout {
    catalog: Option<usize>,
    schema: Option<usize>,
    table: Option<usize>,
    column: Option<usize>,
    data_type: Option<usize>,
    nullable: Option<usize>,
    ordinal: Option<usize>,
    precision: Option<usize>,
    scale: Option<usize>,
    comment: Option<usize>,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    catalog: Option<String>,
    schema: String,
    table: String,
}

impl Key {
    fn qualified_name(&self) -> String {
        match &self.catalog {
            Some(c) => format!("{c}.{}.{}", self.schema, self.table),
            None => format!("{}.{}", self.schema, self.table),
        }
    }
}

struct PendingTable {
    key: Key,
    span: Span,
    columns: Vec<PendingColumn>,
}

struct PendingColumn {
    ordinal: Option<u32>,
    column: Column,
}

struct Builder {
    file: FileId,
    /// In the order of their first row.
    tables: Vec<PendingTable>,
    by_key: BTreeMap<Key, usize>,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, TextRange::from_usize(range))
    }

    /// The cell at `index`, reporting it when it is required and empty.
    fn required<'r>(&mut self, record: &'r Record, index: Option<usize>, name: &str) -> Option<&'r Cell> {
        let cell = record.cells.get(index?)?;
        if cell.value.trim().is_empty() {
            let span = self.span(cell.range.clone());
            self.diagnostics.push(
                diag::missing(span, format!("the `{name}` of this row is empty"), "every row needs this value")
                    .with_label("empty"),
            );
            return None;
        }
        Some(cell)
    }

    fn row(&mut self, layout: &Layout, record: &Record) {
        let value = |index: Option<usize>| {
            index.and_then(|i| record.cells.get(i)).map(|c| c.value.trim()).filter(|v| !v.is_empty())
        };
        let (Some(schema), Some(table), Some(column), Some(data_type), Some(nullable)) = (
            self.required(record, layout.schema, "table_schema"),
            self.required(record, layout.table, "table_name"),
            self.required(record, layout.column, "column_name"),
            self.required(record, layout.data_type, "data_type"),
            self.required(record, layout.nullable, "is_nullable"),
        ) else {
            return;
        };
        let not_null = match nullable.value.trim().to_ascii_uppercase().as_str() {
            "NO" | "N" | "FALSE" => true,
            "YES" | "Y" | "TRUE" => false,
            _ => {
                let span = self.span(nullable.range.clone());
                self.diagnostics.push(
                    diag::syntax(span, format!("`is_nullable` is `{}`, not `YES` or `NO`", nullable.value))
                        .with_label("expected YES or NO"),
                );
                return;
            }
        };
        let ordinal = match layout.ordinal.and_then(|i| record.cells.get(i)) {
            Some(cell) if !cell.value.trim().is_empty() => match cell.value.trim().parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let span = self.span(cell.range.clone());
                    self.diagnostics.push(
                        diag::syntax(span, format!("`ordinal_position` is `{}`, not a whole number", cell.value))
                            .with_label("expected a number"),
                    );
                    None
                }
            },
            _ => None,
        };
        // The table exists even when none of its columns can be read, so
        // that a source naming it is not also reported.
        let key = Key {
            catalog: value(layout.catalog).map(str::to_string),
            schema: schema.value.trim().to_string(),
            table: table.value.trim().to_string(),
        };
        let row_span = self.span(record.range.clone());
        let index = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                self.by_key.insert(key.clone(), self.tables.len());
                self.tables.push(PendingTable { key, span: row_span, columns: Vec::new() });
                self.tables.len() - 1
            }
        };
        // Redshift writes a bare `numeric` and puts its precision and scale
        // in columns of their own.
        let number = |index: Option<usize>| value(index).and_then(|v| v.parse::<u32>().ok());
        let decimal = number(layout.precision).map(|p| (p, number(layout.scale).unwrap_or(0)));
        // A quoted cell's value starts one byte after the quote.
        let type_start = data_type.range.start + usize::from(data_type.quoted);
        let type_text = data_type.value.as_str();
        let Some(ty) = sql_type::parse(self.file, type_start, type_text, decimal, &mut self.diagnostics) else {
            return;
        };

        let name = column.value.trim();
        let column_span = self.span(column.range.clone());
        let Some(pending) = self.tables.get_mut(index) else {
            return;
        };
        if let Some(first) = pending.columns.iter().find(|c| c.column.name.eq_ignore_ascii_case(name)) {
            let first = first.column.span;
            self.diagnostics.push(diag::duplicate_column(column_span, first, "column", name));
            return;
        }
        pending.columns.push(PendingColumn {
            ordinal,
            column: Column {
                name: name.to_string(),
                ty,
                not_null,
                doc: value(layout.comment).map(str::to_string),
                span: column_span,
            },
        });
    }
}
