//! Declared sources against the warehouse. A source that declares its
//! columns inline may name a table the catalog knows too (looked up as a
//! `from catalog` source's is, with [`cjo_project::Catalog::find`]). Each
//! declared column must then be one of the table's, of the catalog's type,
//! and `not null` only where the warehouse says so: a wrong declaration
//! types every model reading the source from a column the warehouse does
//! not have.
//!
//! [`compare`] finds one source's differences; `analyze` reports those
//! that are errors (E0120–E0122, see [`Difference::code`]), and
//! [`schema_diff`] lists them all for `cjoc schema diff`.

use cjo_diagnostics::{self as codes, Code, Diagnostic, FileId, Span, TextRange};
use cjo_project::Workspace;
use cjo_syntax::ast;

use crate::ty::Ty;

/// How one source that declares its columns compares with the catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDiff {
    /// The source's name, as declared.
    pub name: String,
    /// The table string, as declared (`crm.customers`).
    pub table: String,
    /// Where the source's name is written.
    pub span: Span,
    /// The catalog's table, or `None` when the catalog does not have it.
    pub warehouse: Option<WarehouseTable>,
    /// The differences: the declared columns' in the order declared, then
    /// the undeclared columns of the warehouse in its order. Empty when the
    /// declaration agrees with the catalog.
    pub columns: Vec<ColumnDiff>,
}

/// The catalog's table a source was compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct WarehouseTable {
    /// `schema.table` or `catalog.schema.table`, as exported.
    pub qualified_name: String,
    /// Where the catalog defines it.
    pub span: Span,
}

/// One difference between a declared column and the warehouse's.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDiff {
    pub difference: Difference,
    /// The column's name: as declared, or as the warehouse has it when the
    /// source does not declare it.
    pub name: String,
    /// The declared column (`None` for [`Difference::Undeclared`]).
    pub declared: Option<Side>,
    /// The warehouse's column (`None` for [`Difference::NotInWarehouse`]).
    pub warehouse: Option<Side>,
}

/// A column as one side has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub ty: Ty,
    pub not_null: bool,
    /// Declared: where the difference is written (the column's type for
    /// [`Difference::Type`], its `not null` for [`Difference::NotNull`],
    /// else its name). Warehouse: where the catalog names the column.
    pub span: Span,
}

/// The kinds of difference, in the order they are listed for a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Difference {
    /// Declared, but the warehouse's table has no such column (E0120).
    NotInWarehouse,
    /// Declared with another type than the warehouse's (E0121).
    Type,
    /// Declared `not null`, but the warehouse allows null (E0122).
    NotNull,
    /// Declared nullable, but the warehouse says `not null`. Harmless: no
    /// query reads other values for it, so `cjoc check` does not report it.
    Nullable,
    /// A column of the warehouse's table that the source does not declare:
    /// a source may declare a subset of a table's columns.
    Undeclared,
}

impl Difference {
    /// The diagnostic `cjoc check` reports for it, if any.
    pub fn code(self) -> Option<Code> {
        match self {
            Difference::NotInWarehouse => Some(codes::SOURCE_COLUMN_NOT_IN_CATALOG),
            Difference::Type => Some(codes::SOURCE_COLUMN_TYPE),
            Difference::NotNull => Some(codes::SOURCE_COLUMN_NULLABLE),
            Difference::Nullable | Difference::Undeclared => None,
        }
    }

    /// Whether `cjoc check` reports it as an error.
    pub fn is_error(self) -> bool {
        self.code().is_some()
    }

    /// A stable kebab-case name, for machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Difference::NotInWarehouse => "not-in-warehouse",
            Difference::Type => "type",
            Difference::NotNull => "not-null",
            Difference::Nullable => "nullable",
            Difference::Undeclared => "undeclared",
        }
    }
}

impl SourceDiff {
    /// Whether any difference is an error of `cjoc check`.
    pub fn has_errors(&self) -> bool {
        self.columns.iter().any(|c| c.difference.is_error())
    }
}

/// Every source of the project's own files that declares its columns
/// inline, compared with the catalog: sorted by name (then by place, for a
/// name declared twice). `from catalog` sources are left out: their columns
/// are the catalog's.
pub fn schema_diff(ws: &Workspace) -> Vec<SourceDiff> {
    let mut diffs: Vec<SourceDiff> = ws
        .user_modules()
        .flat_map(|m| {
            m.ast.items.iter().filter_map(move |item| match item {
                ast::Item::Source(s) if s.from_catalog.is_none() => Some(compare(ws, m.file, s)),
                _ => None,
            })
        })
        .collect();
    diffs.sort_by_key(|d| (d.name.to_lowercase(), d.span));
    diffs
}

/// How `source` (declared in `file`) differs from the catalog's table of
/// the same name.
pub fn compare(ws: &Workspace, file: FileId, source: &ast::Source) -> SourceDiff {
    let mut diff = SourceDiff {
        name: source.name.text.clone(),
        table: source.table.value.clone(),
        span: Span::new(file, source.name.range),
        warehouse: None,
        columns: Vec::new(),
    };
    let Some(table) = ws.catalog.find(&source.table.value) else { return diff };
    diff.warehouse = Some(WarehouseTable { qualified_name: table.qualified_name.clone(), span: table.span });
    let text = ws.file(file).map_or("", |f| f.text.as_str());
    let mut seen: Vec<&str> = Vec::new();
    for column in &source.columns {
        let name = column.name.text.as_str();
        // A column declared twice was reported (E0204); compare the first.
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        seen.push(name);
        let declared_ty = Ty::from_syntax(&column.ty, &[]);
        let declared =
            |span: TextRange| Side { ty: declared_ty.clone(), not_null: column.not_null, span: Span::new(file, span) };
        let Some(found) = table.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)) else {
            diff.columns.push(ColumnDiff {
                difference: Difference::NotInWarehouse,
                name: name.to_string(),
                declared: Some(declared(column.name.range)),
                warehouse: None,
            });
            continue;
        };
        let warehouse = Side { ty: Ty::from_catalog(&found.ty), not_null: found.not_null, span: found.span };
        let mut push = |difference, span| {
            diff.columns.push(ColumnDiff {
                difference,
                name: name.to_string(),
                declared: Some(declared(span)),
                warehouse: Some(warehouse.clone()),
            });
        };
        if !same_type(&declared_ty, &warehouse.ty) {
            push(Difference::Type, column.ty.range);
        }
        match (column.not_null, found.not_null) {
            (true, false) => push(Difference::NotNull, not_null_range(text, column)),
            (false, true) => push(Difference::Nullable, column.name.range),
            _ => {}
        }
    }
    for c in table.columns.iter().filter(|c| !seen.iter().any(|s| s.eq_ignore_ascii_case(&c.name))) {
        diff.columns.push(ColumnDiff {
            difference: Difference::Undeclared,
            name: c.name.clone(),
            declared: None,
            warehouse: Some(Side { ty: Ty::from_catalog(&c.ty), not_null: c.not_null, span: c.span }),
        });
    }
    diff
}

/// The errors among `diff`'s differences, as `cjoc check` reports them.
pub fn diagnostics(ws: &Workspace, diff: &SourceDiff) -> Vec<Diagnostic> {
    let Some(table) = &diff.warehouse else { return Vec::new() };
    let undeclared: Vec<&str> =
        diff.columns.iter().filter(|c| c.difference == Difference::Undeclared).map(|c| c.name.as_str()).collect();
    diff.columns
        .iter()
        .filter_map(|c| {
            let declared = c.declared.as_ref()?;
            Some(match (c.difference, &c.warehouse) {
                (Difference::NotInWarehouse, _) => not_in_warehouse(ws, diff, table, c, declared, &undeclared),
                (Difference::Type, Some(warehouse)) => type_differs(ws, diff, c, declared, warehouse),
                (Difference::NotNull, Some(warehouse)) => nullable(ws, diff, c, declared, warehouse),
                _ => return None,
            })
        })
        .collect()
}

/// Whether a declared type is the warehouse's, as far as any query can
/// tell. Strict everywhere a result could change: `int`, `float` and each
/// `decimal(p, s)` are different types (their arithmetic, rounding and the
/// column types of tables built from them differ), and a struct has the
/// warehouse's fields in the warehouse's order (names compared without
/// case). A declared type cjo could not read (reported already) agrees
/// with anything.
fn same_type(declared: &Ty, warehouse: &Ty) -> bool {
    match (declared, warehouse) {
        (Ty::Unknown, _) | (_, Ty::Unknown) => true,
        (Ty::Array(a), Ty::Array(b)) => same_type(a, b),
        (Ty::Struct(a), Ty::Struct(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|((na, ta), (nb, tb))| na.eq_ignore_ascii_case(nb) && same_type(ta, tb))
        }
        (a, b) => a == b,
    }
}

/// Where `not null` is written after a column's type (the whole column
/// when that cannot be told).
fn not_null_range(text: &str, column: &ast::Column) -> TextRange {
    let after = TextRange::new(column.ty.range.end, column.range.end);
    let written = after.slice(text);
    let leading = written.len() - written.trim_start().len();
    match u32::try_from(leading) {
        Ok(n) if !written.trim().is_empty() => TextRange::new(after.start.saturating_add(n), after.end),
        _ => column.range,
    }
}

/// `schemas/raw.csv:3`: a place in a catalog file, relative to the project.
fn place(ws: &Workspace, span: Span) -> String {
    let Some(f) = ws.file(span.file) else { return String::new() };
    let path = f.path.strip_prefix(&ws.root).unwrap_or(&f.path);
    let line = f.line_index.line_of(span.range.start) + 1;
    format!("{}:{line}", path.display())
}

/// `name: type [not null]`, as a declaration would say it.
fn declaration(name: &str, side: &Side) -> String {
    format!("{name}: {}{}", side.ty, if side.not_null { " not null" } else { "" })
}

fn not_in_warehouse(
    ws: &Workspace,
    diff: &SourceDiff,
    table: &WarehouseTable,
    c: &ColumnDiff,
    declared: &Side,
    undeclared: &[&str],
) -> Diagnostic {
    let export = format!("export the schema of `{}` again ({})", table.qualified_name, place(ws, table.span));
    let help = match codes::nearest(&c.name, undeclared.iter().copied()) {
        Some(near) => format!(
            "the warehouse has `{near}`, which `{}` does not declare: did you mean it? Otherwise remove `{}` from the declaration, or, if the warehouse has gained the column since the catalog was exported, {export}",
            diff.name, c.name
        ),
        None => format!(
            "remove `{}` from the declaration, or, if the warehouse has gained the column since the catalog was exported, {export}",
            c.name
        ),
    };
    Diagnostic::error(
        codes::SOURCE_COLUMN_NOT_IN_CATALOG,
        declared.span,
        format!("the warehouse's `{}` has no column `{}`", table.qualified_name, c.name),
    )
    .with_label(format!("not a column of `{}` in the catalog", table.qualified_name))
    .with_help(help)
}

/// The declaration the catalog implies: the warehouse's type, `not null`
/// only when both say so (declaring less than the warehouse is harmless).
fn fixed(c: &ColumnDiff, declared: &Side, warehouse: &Side) -> String {
    declaration(&c.name, &Side { not_null: declared.not_null && warehouse.not_null, ..warehouse.clone() })
}

/// A declared type as written, with what it stands for when that differs
/// (`decimal`, which is `decimal(38, 9)`).
fn written(ws: &Workspace, declared: &Side) -> String {
    let text = ws.file(declared.span.file).map_or("", |f| declared.span.range.slice(&f.text));
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let ty = declared.ty.to_string();
    if text.is_empty() || compact(text) == compact(&ty) {
        format!("`{ty}`")
    } else {
        format!("`{}`, which is `{ty}`", text.trim())
    }
}

fn type_differs(ws: &Workspace, diff: &SourceDiff, c: &ColumnDiff, declared: &Side, warehouse: &Side) -> Diagnostic {
    let d = Diagnostic::error(
        codes::SOURCE_COLUMN_TYPE,
        declared.span,
        format!(
            "`{}.{}` is declared {}, but the warehouse says it is `{}`",
            diff.name,
            c.name,
            written(ws, declared),
            warehouse.ty
        ),
    )
    .with_label(format!("the warehouse's type is `{}`", warehouse.ty))
    .with_secondary(warehouse.span, format!("`{}` in the catalog", warehouse.ty))
    .with_help(format!(
        "declare it `{}` as the catalog does ({}); if the warehouse has changed since, export the schema again",
        fixed(c, declared, warehouse),
        place(ws, warehouse.span)
    ));
    if reordered(&declared.ty, &warehouse.ty) {
        d.with_note("the fields are the warehouse's, in another order: structs pair their fields by position (in comparisons, `union`, and the tables built from them)")
    } else {
        d
    }
}

/// Whether two struct types have the same fields, each of the same type,
/// in another order.
fn reordered(declared: &Ty, warehouse: &Ty) -> bool {
    let (Ty::Struct(a), Ty::Struct(b)) = (declared, warehouse) else { return false };
    a.len() == b.len() && a.iter().all(|(n, t)| b.iter().any(|(m, u)| n.eq_ignore_ascii_case(m) && same_type(t, u)))
}

fn nullable(ws: &Workspace, diff: &SourceDiff, c: &ColumnDiff, declared: &Side, warehouse: &Side) -> Diagnostic {
    Diagnostic::error(
        codes::SOURCE_COLUMN_NULLABLE,
        declared.span,
        format!("`{}.{}` is declared `not null`, but the warehouse allows null in it", diff.name, c.name),
    )
    .with_label("the warehouse may hold null here")
    .with_secondary(warehouse.span, "nullable in the catalog")
    .with_help(format!(
        "declare it `{}` ({} says it may be null); if the warehouse has made it NOT NULL since, export the schema again",
        fixed(c, declared, warehouse),
        place(ws, warehouse.span)
    ))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use cjo_project::MemoryFs;

    use super::*;

    const CATALOG: &str = "table_schema,table_name,column_name,ordinal_position,is_nullable,data_type\n\
        raw,ev,id,1,NO,varchar\n\
        raw,ev,x,2,YES,integer\n\
        raw,ev,amount,3,YES,\"decimal(12,2)\"\n\
        raw,ev,payload,4,YES,\"row(a bigint, b varchar)\"\n\
        raw,ev,extra,5,NO,double\n";

    fn diffs(cjo: &str) -> Vec<SourceDiff> {
        let mut fs = MemoryFs::new();
        fs.insert("p/cjo.toml", "[project]\nname = \"p\"\n\n[catalog]\npaths = [\"c.csv\"]\n")
            .insert("p/c.csv", CATALOG)
            .insert("p/s.cjo", cjo);
        let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
        assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
        schema_diff(&ws)
    }

    /// Each difference as `column kind`.
    fn kinds(diff: &SourceDiff) -> Vec<String> {
        diff.columns.iter().map(|c| format!("{} {}", c.name, c.difference.as_str())).collect()
    }

    #[test]
    fn every_kind_of_difference_in_order() {
        let found = diffs(
            "source ev = \"raw.ev\" {\n  id: string\n  x: string not null\n  y: int\n  amount: decimal(12, 2)\n}\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            kinds(&found[0]),
            ["id nullable", "x type", "x not-null", "y not-in-warehouse", "payload undeclared", "extra undeclared"]
        );
        assert!(found[0].has_errors());
    }

    #[test]
    fn names_compare_without_case_and_a_subset_is_no_error() {
        let found = diffs("source ev = \"RAW.Ev\" {\n  ID: string not null\n  X: int\n}\n");
        assert_eq!(kinds(&found[0]), ["amount undeclared", "payload undeclared", "extra undeclared"]);
        assert!(!found[0].has_errors());
    }

    #[test]
    fn sources_are_listed_by_name_and_from_catalog_ones_left_out() {
        let found = diffs(
            "source b = \"raw.other\" {\n  a: int\n}\n\nsource a = \"raw.ev\" {\n  id: string not null\n}\n\nsource c = \"raw.ev\" from catalog\n",
        );
        let names: Vec<_> = found.iter().map(|d| (d.name.as_str(), d.warehouse.is_some())).collect();
        assert_eq!(names, [("a", true), ("b", false)]);
        assert!(found[1].columns.is_empty());
    }

    #[test]
    fn types_are_compared_strictly() {
        let decimal = |precision, scale| Ty::Decimal { precision, scale };
        let row = |fields: &[(&str, Ty)]| Ty::Struct(fields.iter().map(|(n, t)| (n.to_string(), t.clone())).collect());
        assert!(same_type(&decimal(12, 2), &decimal(12, 2)));
        assert!(!same_type(&decimal(12, 3), &decimal(12, 2)));
        assert!(!same_type(&decimal(18, 2), &decimal(12, 2)));
        assert!(!same_type(&Ty::Int, &Ty::Float));
        assert!(!same_type(&Ty::Int, &decimal(19, 0)));
        assert!(!same_type(&Ty::Date, &Ty::Timestamp));
        assert!(same_type(&Ty::Unknown, &Ty::Int));
        let ab = row(&[("a", Ty::Int), ("b", Ty::String)]);
        assert!(same_type(&row(&[("A", Ty::Int), ("B", Ty::String)]), &ab));
        let ba = row(&[("b", Ty::String), ("a", Ty::Int)]);
        assert!(!same_type(&ba, &ab));
        assert!(reordered(&ba, &ab));
        assert!(!same_type(&row(&[("a", Ty::Int)]), &ab));
        assert!(!same_type(&Ty::Array(Box::new(ab.clone())), &Ty::Array(Box::new(ba))));
    }
}
