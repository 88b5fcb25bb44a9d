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
pub(crate) fn params(file: FileId, model: &ast::Model, functions: &Functions, out: &mut Vec<Diagnostic>) -> Vec<(String, Ty)> {
    let mut params = builtin_params();
    let builtins = params.clone();
    for p in &model.params {
        let ty = Ty::from_syntax(&p.ty, &[]);
        if let Some(default) = &p.default {
            let mut cx = ExprCx { file, functions, scope: Vec::new(), params: &builtins, events: None, what: "a parameter's default", out: &mut *out };
            let v = cx.expr(default);
            if !v.ty.fits(&ty) && !(v.lit == crate::ops::Lit::String && ty.is_temporal()) {
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

/// Type-checks a model's parsed body and returns its relation.
pub(crate) fn relation(
    env: &Env<'_>,
    file: FileId,
    model: &ast::Model,
    parsed: &ParsedBody,
    params: &[(String, Ty)],
    out: &mut Vec<Diagnostic>,
) -> Option<Relation> {
    let body = model.bodies.first()?;
    let query = parsed.query.as_ref()?;
    let columns = sql::check(env, body, query, file, params, out)
        .into_iter()
        .map(|(col, span)| OutputColumn {
            name: col.name,
            ty: col.ty,
            nullable: col.nullable,
            doc: col.doc,
            lineage: col.lineage,
            span,
        })
        .collect();
    Some(Relation {
        name: model.name.text.clone(),
        kind: RelationKind::Model,
        span: Span::new(file, model.name.range),
        doc: model.doc.as_ref().map(|d| d.text.clone()),
        columns,
    })
}
