//! Models: parameters, the SQL body, and the output schema it yields.

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span};
use cjo_syntax::ast;

use crate::criteria::ExprCx;
use crate::functions::Functions;
use crate::schema::{OutputColumn, Relation, RelationKind};
use crate::sql::{self, Env, ParsedBody};
use crate::ty::Ty;

/// The built-in parameters every model and journey can use.
pub(crate) fn builtin_params() -> Vec<(String, Ty)> {
    vec![("run_start".into(), Ty::Timestamp), ("run_end".into(), Ty::Timestamp), ("run_date".into(), Ty::Date)]
}

/// The model's parameters (built-in, then declared), with each default
/// checked against its declared type.
pub(crate) fn params(
    file: FileId,
    model: &ast::Model,
    functions: &Functions,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, Ty)> {
    let mut params = builtin_params();
    let builtins = params.clone();
    for p in &model.params {
        let ty = Ty::from_syntax(&p.ty, &[]);
        if let Some(default) = &p.default {
            let mut cx = ExprCx {
                file,
                functions,
                scope: Vec::new(),
                params: &builtins,
                events: None,
                what: "a parameter's default",
                out: &mut *out,
            };
            let v = cx.expr(default);
            if let (cjo_syntax::ast::ExprKind::Str(text), true) = (&default.kind, ty.is_temporal()) {
                if !temporal_literal(text, &ty) {
                    let example = if ty == Ty::Date { "\"2026-01-31\"" } else { "\"2026-01-31 09:00:00\"" };
                    out.push(
                        Diagnostic::error(
                            codes::PARAMETER_TYPE,
                            Span::new(file, default.range),
                            format!("`{text}` is not a {ty}"),
                        )
                        .with_label(format!("not a {ty}"))
                        .with_help(format!("write the default as {example}")),
                    );
                }
                params.push((p.name.text.clone(), ty));
                continue;
            }
            if !(v.ty.fits(&ty) || (v.lit == crate::ops::Lit::String && ty.is_temporal())) {
                out.push(
                    Diagnostic::error(
                        codes::PARAMETER_TYPE,
                        Span::new(file, default.range),
                        format!("the default of `{}` is {}, but the parameter is {ty}", p.name.text, v.ty),
                    )
                    .with_label(format!("{}", v.ty))
                    .with_secondary(Span::new(file, p.ty.range), "declared type")
                    .with_help(format!("give a default of type {ty}, or change the parameter's type")),
                );
            }
        }
        params.push((p.name.text.clone(), ty));
    }
    params
}

/// Type-checks a model's parsed body and returns its relation, with the
/// hints its SQL's emitters need.
pub(crate) fn relation(
    env: &Env<'_>,
    file: FileId,
    model: &ast::Model,
    parsed: &ParsedBody,
    params: &[(String, Ty)],
    out: &mut Vec<Diagnostic>,
    refs: &mut Vec<crate::ide::Reference>,
) -> crate::memo::Checked {
    let body = model.bodies.first()?;
    let query = parsed.query.as_ref()?;
    let incremental = crate::settings::get(&model.settings, "materialized")
        .is_some_and(|s| matches!(&s.value.kind, ast::ValueKind::Call { name, .. } if name.as_str() == "incremental"));
    let sql::Checked { columns, hints, lookups } =
        sql::check(env, body, query, file, &sql::Model { params, incremental }, out, refs);
    let columns = columns
        .into_iter()
        .map(|(col, span)| OutputColumn {
            name: col.name,
            ty: col.ty,
            nullable: col.nullable,
            doc: col.doc,
            lineage: col.lineage,
            span,
            untyped_at: match col.untyped {
                Some(crate::sql::Untyped::At(at, _) | crate::sql::Untyped::Upstream(at)) => Some(at),
                _ => None,
            },
        })
        .collect();
    let relation = Relation {
        name: model.name.text.clone(),
        kind: RelationKind::Model,
        span: Span::new(file, model.name.range),
        doc: model.doc.as_ref().map(|d| d.text.clone()),
        columns,
    };
    Some((relation, hints, lookups))
}

/// Whether `text` is a date (`2026-01-31`) or, for a timestamp, a date
/// with an optional time (`2026-01-31 09:00[:00[.123]]`, `T` allowed, an
/// optional `Z` or `+09:00`).
fn temporal_literal(text: &str, ty: &Ty) -> bool {
    let (date, time) = match text.find([' ', 'T']) {
        Some(i) if *ty == Ty::Timestamp => (text.get(..i).unwrap_or(""), text.get(i + 1..)),
        _ => (text, None),
    };
    let num = |s: &str, lo: u32, hi: u32| {
        s.len() >= 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    let mut parts = date.split('-');
    let date_ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) => {
            y.len() == 4 && num(y, 1, 9999) && num(m, 1, 12) && num(d, 1, days_in(y, m))
        }
        _ => false,
    };
    let time_ok = time.is_none_or(|t| {
        let t = t.trim_end_matches('Z');
        let t = t.split(['+', '-']).next().unwrap_or(t);
        let mut fields = t.split(':');
        match (fields.next(), fields.next(), fields.next(), fields.next()) {
            (Some(h), Some(m), sec, None) => {
                num(h, 0, 23) && num(m, 0, 59) && sec.is_none_or(|s| num(s.split('.').next().unwrap_or(s), 0, 59))
            }
            _ => false,
        }
    });
    date_ok && time_ok
}

fn days_in(year: &str, month: &str) -> u32 {
    let y: u32 = year.parse().unwrap_or(2000);
    match month.parse::<u32>().unwrap_or(1) {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_literals() {
        assert!(temporal_literal("2026-02-28", &Ty::Date));
        assert!(!temporal_literal("2026-02-30", &Ty::Date));
        assert!(!temporal_literal("yesterday", &Ty::Date));
        assert!(temporal_literal("2024-02-29", &Ty::Date));
        assert!(temporal_literal("2026-01-31 09:00:00", &Ty::Timestamp));
        assert!(temporal_literal("2026-01-31T09:00:00.5Z", &Ty::Timestamp));
        assert!(temporal_literal("2026-01-31", &Ty::Timestamp));
        assert!(!temporal_literal("2026-01-31 25:00", &Ty::Timestamp));
        assert!(!temporal_literal("2026-01-31 09:00", &Ty::Date));
    }
}
