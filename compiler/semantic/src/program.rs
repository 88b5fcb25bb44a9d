//! Each model's settings, read once from the syntax tree into typed values
//! with their places: what code generation, the manifest and the scheduler
//! files read, instead of looking settings up by name again. The checks
//! that need a model's settings and its inferred columns (the incremental
//! `unique_key`) are made here, so `cjoc check` and the editor report them
//! without lowering anything.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, TextRange};
use cjo_project::{Dialect, Workspace};
use cjo_syntax::ast::{self, ValueKind};

use crate::schema::Relation;
use crate::ty::Ty;

/// A model of the project's own files, as every later stage sees it.
#[derive(Clone, Debug)]
pub struct Model {
    /// As declared.
    pub name: String,
    pub file: FileId,
    /// Where the name is declared.
    pub name_range: TextRange,
    /// The doc comment.
    pub doc: Option<String>,
    /// `target = …`, and where it is written.
    pub target: Option<(Dialect, Span)>,
    /// The dialect of a `sql <dialect> { }` body.
    pub native: Option<Dialect>,
    pub schema: Option<String>,
    pub alias: Option<String>,
    pub materialized: Materialized,
    /// Where `materialized = …` is written, if it is.
    pub materialized_span: Option<Span>,
    pub tags: Vec<String>,
    pub params: Vec<ModelParam>,
    /// Where the text of the (first) SQL body sits in the file.
    pub body: Option<TextRange>,
}

impl Model {
    /// Where the model is declared: its name.
    pub fn span(&self) -> Span {
        Span::new(self.file, self.name_range)
    }

    /// The dialects this model compiles to: its own body's, else every
    /// one asked for, else its `target`, else the project's default.
    pub fn dialects(&self, asked: Option<&[Dialect]>, default: Dialect) -> Vec<Dialect> {
        match (self.native, asked) {
            (Some(native), Some(asked)) => asked.iter().copied().filter(|d| *d == native).collect(),
            (Some(native), None) => vec![native],
            (None, Some(asked)) => asked.to_vec(),
            (None, None) => vec![self.target.map_or(default, |(d, _)| d)],
        }
    }

    /// Seconds before `$run_start` an incremental model reads again.
    pub fn lookback(&self) -> u64 {
        match &self.materialized {
            Materialized::Incremental { lookback, .. } => lookback.unwrap_or(0),
            _ => 0,
        }
    }
}

/// How a model is written to the warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Materialized {
    View,
    Table,
    Incremental {
        unique_key: Vec<String>,
        /// Seconds before `$run_start` that are read again for late rows.
        lookback: Option<u64>,
        strategy: Option<Strategy>,
    },
}

impl Materialized {
    pub fn as_str(&self) -> &'static str {
        match self {
            Materialized::View => "view",
            Materialized::Table => "table",
            Materialized::Incremental { .. } => "incremental",
        }
    }
}

/// How an incremental model folds new rows in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Merge,
    DeleteInsert,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Merge => "merge",
            Strategy::DeleteInsert => "delete_insert",
        }
    }
}

/// A declared parameter: `param min_seconds: int = 60`.
#[derive(Clone, Debug)]
pub struct ModelParam {
    pub name: String,
    pub ty: Ty,
    /// The default as written (its type is checked with the model).
    pub default: Option<ast::Expr>,
    pub span: Span,
}

/// Every model of the project's own files, by lowercase name; of two
/// models with one name (reported as a duplicate), the first.
pub fn models(ws: &Workspace) -> BTreeMap<String, Model> {
    let mut out = BTreeMap::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Model(m) = item {
                out.entry(m.name.text.to_ascii_lowercase()).or_insert_with(|| model(module.file, m));
            }
        }
    }
    out
}

/// A journey's own warehouse: its `target`, if it sets one.
pub fn journey_target(j: &ast::Journey) -> Option<Dialect> {
    j.settings.iter().find(|s| s.key.as_str() == "target").and_then(|s| match &s.value.kind {
        ValueKind::Word(w) => Dialect::parse(w),
        _ => None,
    })
}

/// The incremental `unique_key` columns that `relation`, the model's
/// output, lacks (E0302, at the `materialized` setting).
pub(crate) fn check_unique_key(model: &Model, relation: &Relation, out: &mut Vec<Diagnostic>) {
    let Materialized::Incremental { unique_key, .. } = &model.materialized else { return };
    let Some(missing) = unique_key.iter().find(|k| relation.column(k).is_none()) else { return };
    let names: Vec<String> = relation.columns.iter().map(|c| format!("`{}`", c.name)).collect();
    out.push(
        Diagnostic::error(
            codes::UNKNOWN_COLUMN,
            model.materialized_span.unwrap_or_else(|| model.span()),
            format!("the unique_key column `{missing}` is not a column of `{}`", model.name),
        )
        .with_label("not an output column")
        .with_help(format!("a key identifies a row of the model's output: choose among {}", names.join(", "))),
    );
}

fn model(file: FileId, m: &ast::Model) -> Model {
    let setting = |key: &str| m.settings.iter().find(|s| s.key.as_str() == key).map(|s| &s.value);
    let string = |key: &str| match setting(key).map(|v| &v.kind) {
        Some(ValueKind::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let target = setting("target").and_then(|v| match &v.kind {
        ValueKind::Word(w) => Dialect::parse(w).map(|d| (d, Span::new(file, v.range))),
        _ => None,
    });
    let tags = match setting("tags").map(|v| &v.kind) {
        Some(ValueKind::List(items)) => items.iter().filter_map(word).collect(),
        _ => Vec::new(),
    };
    let params = m
        .params
        .iter()
        .map(|p| ModelParam {
            name: p.name.text.clone(),
            ty: Ty::from_syntax(&p.ty, &[]),
            default: p.default.clone(),
            span: Span::new(file, p.name.range),
        })
        .collect();
    let body = m.bodies.first();
    Model {
        name: m.name.text.clone(),
        file,
        name_range: m.name.range,
        doc: m.doc.as_ref().map(|d| d.text.clone()),
        target,
        native: body.and_then(|b| b.dialect.as_ref()).and_then(|d| Dialect::parse(&d.text)),
        schema: string("schema"),
        alias: string("alias"),
        materialized: setting("materialized").map_or(Materialized::Table, materialized),
        materialized_span: setting("materialized").map(|v| Span::new(file, v.range)),
        tags,
        params,
        body: body.map(|b| b.text_range),
    }
}

fn word(v: &ast::Value) -> Option<String> {
    match &v.kind {
        ValueKind::Word(w) => Some(w.clone()),
        _ => None,
    }
}

fn materialized(v: &ast::Value) -> Materialized {
    match &v.kind {
        ValueKind::Word(w) if w == "view" => Materialized::View,
        ValueKind::Call { name, args } if name.as_str() == "incremental" => {
            let arg = |key: &str| args.iter().find(|a| a.key.as_str() == key).map(|a| &a.value.kind);
            let unique_key = match arg("unique_key") {
                Some(ValueKind::List(items)) => items.iter().filter_map(word).collect(),
                Some(ValueKind::Word(w)) => vec![w.clone()],
                _ => Vec::new(),
            };
            let lookback = match arg("lookback") {
                Some(ValueKind::Duration(d)) => Some(d.seconds()),
                _ => None,
            };
            let strategy = match arg("strategy") {
                Some(ValueKind::Word(w)) if w == "merge" => Some(Strategy::Merge),
                Some(ValueKind::Word(w)) if w == "delete_insert" => Some(Strategy::DeleteInsert),
                _ => None,
            };
            Materialized::Incremental { unique_key, lookback, strategy }
        }
        _ => Materialized::Table,
    }
}
