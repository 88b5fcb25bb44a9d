//! Data checks as queries that count failing rows. On BigQuery the count
//! is asserted (`ASSERT … = 0`), so the job itself fails; elsewhere the
//! orchestrator fails the task when the count is not zero.

use cjo_project::Dialect;
use cjo_semantic::Relation;
use cjo_syntax::ast::{self, CheckEntry, ExprKind};

use crate::cjo_expr::{Failure, Names, Printer};
use crate::ident::ident;
use crate::literal;

/// One assertion of a `check` block.
#[derive(Debug)]
pub struct CheckQuery {
    /// `unique_customer_id_day`, `expect_no_negative_watch_time`: unique
    /// within the block (a number is added to repeats).
    pub slug: String,
    /// What a person reads when it fails: `unique(customer_id, day)`.
    pub description: String,
    /// The rows that fail, as a query.
    pub failing_rows: String,
    /// The model or source (lowercase) a `references(…)` points to.
    pub references: Option<String>,
}

/// Columns of the checked relation, bare (`customer_id`).
struct Bare<'a> {
    relation: &'a Relation,
    dialect: Dialect,
}

impl Names for Bare<'_> {
    fn column(&self, parts: &[ast::Name]) -> Result<(String, cjo_semantic::Ty), String> {
        let [name] = parts else { return Err("write the column alone, without a qualifier".into()) };
        let col = self.relation.column(&name.text).ok_or_else(|| format!("no column `{}`", name.text))?;
        Ok((ident(&col.name, self.dialect).to_string(), col.ty.clone()))
    }

    fn param(&self, name: &str) -> Result<String, String> {
        Err(format!("a check cannot use the parameter `${name}`"))
    }
}

fn column_of(e: &ast::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Column(parts) => parts.last().map(|n| n.text.as_str()),
        _ => None,
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').chars().take(60).collect()
}

/// The failing-rows query of one entry on `table` (its SQL name), or why
/// it cannot be written. `table_of` gives the SQL name of a referenced
/// relation.
pub fn query(
    entry: &CheckEntry,
    relation: &Relation,
    table: &str,
    printer_templates: &std::collections::BTreeMap<String, crate::templates::Template>,
    dialect: Dialect,
    table_of: &dyn Fn(&str) -> Option<String>,
) -> Result<CheckQuery, Failure> {
    let q = |c: &str| ident(c, dialect).to_string();
    match entry {
        CheckEntry::Expect { description, condition, .. } => {
            let names = Bare { relation, dialect };
            let printer = Printer { dialect, templates: printer_templates, names: &names };
            let cond = printer.expr(condition)?;
            Ok(CheckQuery {
                slug: format!("expect_{}", slugify(&description.value)),
                description: format!("expect \"{}\"", description.value),
                failing_rows: format!("SELECT *\nFROM {table}\nWHERE NOT ({cond})"),
                references: None,
            })
        }
        CheckEntry::Call { name, args, range } => {
            let cols: Vec<&str> = args.iter().filter_map(|a| column_of(&a.value)).collect();
            let fail = |m: &str| Err(Failure { message: m.to_string(), range: *range });
            let described = format!("{}({})", name.text, cols.join(", "));
            let (slug, failing_rows, references) = match name.as_str() {
                "unique" => {
                    let list = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
                    let not_null =
                        cols.iter().map(|c| format!("{} IS NOT NULL", q(c))).collect::<Vec<_>>().join(" AND ");
                    (
                        format!("unique_{}", cols.join("_")),
                        format!(
                            "SELECT {list}, COUNT(*) AS occurrences\nFROM {table}\nWHERE {not_null}\nGROUP BY {list}\nHAVING COUNT(*) > 1"
                        ),
                        None,
                    )
                }
                "not_null" => {
                    let any_null = cols.iter().map(|c| format!("{} IS NULL", q(c))).collect::<Vec<_>>().join(" OR ");
                    (format!("not_null_{}", cols.join("_")), format!("SELECT *\nFROM {table}\nWHERE {any_null}"), None)
                }
                "accepted_values" => {
                    let Some(col) = cols.first() else { return fail("`accepted_values` needs a column") };
                    let values = match args.get(1).map(|a| &a.value.kind) {
                        Some(ExprKind::List(items)) => items,
                        _ => return fail("`accepted_values` needs a list of values"),
                    };
                    let mut printed = Vec::new();
                    for v in values {
                        printed.push(match &v.kind {
                            ExprKind::Str(s) => literal::string(s, dialect),
                            ExprKind::Number(n) => n.clone(),
                            ExprKind::Bool(b) => literal::boolean(*b).to_string(),
                            _ => return fail("accepted values are literals"),
                        });
                    }
                    (
                        format!("accepted_values_{col}"),
                        format!(
                            "SELECT *\nFROM {table}\nWHERE {c} IS NOT NULL AND {c} NOT IN ({})",
                            printed.join(", "),
                            c = q(col)
                        ),
                        None,
                    )
                }
                "references" => {
                    let Some(arg) = args.first() else { return fail("`references` needs `column -> model.column`") };
                    let (Some(col), Some(ExprKind::Column(target))) =
                        (column_of(&arg.value), arg.arrow.as_ref().map(|a| &a.kind))
                    else {
                        return fail("write `references(column -> model.column)`");
                    };
                    let [parent, parent_col] = target.as_slice() else {
                        return fail("write `references(column -> model.column)`");
                    };
                    let parent_key = parent.text.to_ascii_lowercase();
                    let Some(parent_table) = table_of(&parent_key) else {
                        return fail(&format!("`{}` is not built on {dialect}", parent.text));
                    };
                    (
                        format!("references_{col}"),
                        format!(
                            "SELECT child.*\nFROM {table} AS child\nLEFT JOIN {parent_table} AS parent\n  ON child.{c} = parent.{p}\nWHERE child.{c} IS NOT NULL\n  AND parent.{p} IS NULL",
                            c = q(col),
                            p = q(&parent_col.text)
                        ),
                        Some(parent_key),
                    )
                }
                other => return fail(&format!("`{other}` is not a check")),
            };
            Ok(CheckQuery { slug: slugify(&slug), description: described, failing_rows, references })
        }
    }
}

/// The statement a check task runs.
pub fn statement(check: &CheckQuery, model: &str, dialect: Dialect) -> String {
    // Not indented: a line break inside a string literal is part of its
    // value.
    let indented = &check.failing_rows;
    match dialect {
        Dialect::BigQuery => format!(
            "ASSERT (\n  SELECT COUNT(*) FROM (\n{indented}\n  ) AS failing_rows\n) = 0 AS {}",
            literal::string(&format!("check {model}: {} failed", check.description), dialect)
        ),
        Dialect::Redshift | Dialect::Trino => {
            format!("SELECT COUNT(*) AS failures\nFROM (\n{indented}\n) AS failing_rows")
        }
    }
}
