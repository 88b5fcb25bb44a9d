//! Data checks: the checked relation exists, the columns they name are its
//! columns, values and references have matching types, and every `expect`
//! is a condition on the relation's columns.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, did_you_mean};
use cjo_syntax::ast::{Check, CheckArg, CheckEntry, ExprKind, Name};

use crate::criteria::ExprCx;
use crate::models::builtin_params;
use crate::schema::Relation;
use crate::sql::{Col, Val};
use crate::symbols::{self, RelationLookup, Symbols};
use crate::ty::Ty;

pub(crate) fn check(symbols: &Symbols<'_>, relations: &BTreeMap<String, Relation>, out: &mut Vec<Diagnostic>) {
    for (file, c) in &symbols.checks {
        check_one(symbols, relations, *file, c, out);
    }
}

fn check_one(
    symbols: &Symbols<'_>,
    relations: &BTreeMap<String, Relation>,
    file: FileId,
    c: &Check,
    out: &mut Vec<Diagnostic>,
) {
    let span = Span::new(file, c.target.range);
    let rel = match symbols::relation(symbols, relations, &c.target.text) {
        RelationLookup::Found(rel) => rel,
        RelationLookup::Unresolved => return,
        RelationLookup::NotATable(d) => {
            out.push(
                Diagnostic::error(
                    codes::UNKNOWN_ITEM,
                    span,
                    format!("`{}` is a {}: checks test models and sources", c.target.text, d.item.keyword()),
                )
                .with_label("not a table")
                .with_secondary(d.name_span(), "declared here"),
            );
            return;
        }
        RelationLookup::Unknown => {
            out.push(
                Diagnostic::error(
                    codes::UNKNOWN_ITEM,
                    span,
                    format!("`check {}`: no model or source of this name", c.target.text),
                )
                .with_label("unknown")
                .with_help_opt(did_you_mean(&c.target.text, symbols::relation_names(relations))),
            );
            return;
        }
    };
    let cols: Vec<Col> = rel.columns.iter().map(|col| Col::of_relation(&rel.name, col)).collect();
    let params = builtin_params();
    for entry in &c.entries {
        match entry {
            CheckEntry::Expect { condition, .. } => {
                let mut cx = ExprCx {
                    file,
                    functions: &symbols.functions,
                    scope: vec![(rel.name.clone(), &cols)],
                    params: &params,
                    events: None,
                    what: "an `expect`",
                    out: &mut *out,
                };
                cx.condition(condition);
            }
            CheckEntry::Call { name, args, .. } => {
                let column = |arg: &CheckArg, out: &mut Vec<Diagnostic>| -> Option<Val> {
                    let ExprKind::Column(parts) = &arg.value.kind else { return None };
                    let [col] = parts.as_slice() else { return None };
                    column_of(rel, col, file, out)
                };
                match name.text.as_str() {
                    "unique" | "not_null" => {
                        for arg in args {
                            column(arg, out);
                        }
                    }
                    "accepted_values" => {
                        let Some(v) = args.first().and_then(|a| column(a, out)) else { continue };
                        if let Some(ExprKind::List(values)) = args.get(1).map(|a| &a.value.kind) {
                            for value in values {
                                let mut cx = ExprCx {
                                    file,
                                    functions: &symbols.functions,
                                    scope: Vec::new(),
                                    params: &params,
                                    events: None,
                                    what: "an accepted value",
                                    out: &mut *out,
                                };
                                let t = cx.expr(value);
                                if Ty::common(&v.ty, &t.ty).is_none() {
                                    out.push(
                                        Diagnostic::error(
                                            codes::TYPE_MISMATCH,
                                            Span::new(file, value.range),
                                            format!(
                                                "an accepted value of {} column cannot be {}",
                                                crate::ty::with_article(&v.ty),
                                                t.ty
                                            ),
                                        )
                                        .with_label(format!("{}", t.ty))
                                        .with_help(format!("write values of the column's type ({})", v.ty)),
                                    );
                                }
                            }
                        }
                    }
                    "references" => {
                        let Some(arg) = args.first() else { continue };
                        let Some(v) = column(arg, out) else { continue };
                        if let Some(target) = &arg.arrow {
                            if let ExprKind::Column(parts) = &target.kind {
                                if let [table, col] = parts.as_slice() {
                                    references(symbols, relations, file, &v, table, col, out);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn column_of(rel: &Relation, col: &Name, file: FileId, out: &mut Vec<Diagnostic>) -> Option<Val> {
    if let Some(c) = rel.column(&col.text) {
        return Some(Val::of(c.ty.clone(), c.nullable));
    }
    let help = did_you_mean(&col.text, rel.columns.iter().map(|c| c.name.as_str())).unwrap_or_else(|| {
        format!(
            "`{}` has the columns {}",
            rel.name,
            rel.columns.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ")
        )
    });
    out.push(
        Diagnostic::error(codes::UNKNOWN_COLUMN, Span::new(file, col.range), format!("unknown column `{}`", col.text))
            .with_label(format!("not a column of `{}`", rel.name))
            .with_help(help),
    );
    None
}

fn references(
    symbols: &Symbols<'_>,
    relations: &BTreeMap<String, Relation>,
    file: FileId,
    from: &Val,
    table: &Name,
    col: &Name,
    out: &mut Vec<Diagnostic>,
) {
    let target = match symbols::relation(symbols, relations, &table.text) {
        RelationLookup::Found(rel) => rel,
        RelationLookup::Unknown => {
            out.push(
                Diagnostic::error(
                    codes::UNKNOWN_TABLE,
                    Span::new(file, table.range),
                    format!("unknown table `{}`", table.text),
                )
                .with_label("not a source or model")
                .with_help_opt(did_you_mean(&table.text, symbols::relation_names(relations))),
            );
            return;
        }
        // Not a table: like an unresolved one, left to other reports.
        RelationLookup::Unresolved | RelationLookup::NotATable(_) => return,
    };
    let Some(to) = column_of(target, col, file, out) else { return };
    if Ty::common(&from.ty, &to.ty).is_none() {
        out.push(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                Span::new(file, table.range.cover(col.range)),
                format!(
                    "{} column cannot reference {} column",
                    crate::ty::with_article(&from.ty),
                    crate::ty::with_article(&to.ty)
                ),
            )
            .with_label(format!("{}", to.ty))
            .with_help("a reference compares values: both columns must have comparable types"),
        );
    }
}
