//! What the emitters need of each declaration, read from the syntax tree:
//! a model's target, destination, materialization and parameters; a
//! source's warehouse table.

use std::collections::BTreeMap;

use cjo_diagnostics::{FileId, Span};
use cjo_project::{Dialect, Workspace};
use cjo_semantic::Ty;
use cjo_syntax::ast::{self, ValueKind};

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
pub struct ParamSpec {
    pub name: String,
    pub ty: Ty,
    pub default: Option<ast::Expr>,
    pub span: Span,
}

/// A model, as the emitters see it.
#[derive(Debug)]
pub struct ModelSpec<'a> {
    pub name: String,
    pub file: FileId,
    pub ast: &'a ast::Model,
    /// `target = …`.
    pub target: Option<(Dialect, Span)>,
    /// The dialect of a `sql <dialect> { }` body.
    pub native: Option<Dialect>,
    pub schema: Option<String>,
    pub alias: Option<String>,
    pub materialized: Materialized,
    pub tags: Vec<String>,
    pub params: Vec<ParamSpec>,
}

impl ModelSpec<'_> {
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

    pub fn span(&self) -> Span {
        Span::new(self.file, self.ast.name.range)
    }
}

/// Every model of the project's own files, by lowercase name.
pub fn models(ws: &Workspace) -> BTreeMap<String, ModelSpec<'_>> {
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

fn model(file: FileId, m: &ast::Model) -> ModelSpec<'_> {
    let setting = |key: &str| m.settings.iter().find(|s| s.key.as_str() == key).map(|s| &s.value);
    let string = |key: &str| match setting(key).map(|v| &v.kind) {
        Some(ValueKind::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let target = match setting("target") {
        Some(v) => match &v.kind {
            ValueKind::Word(w) => Dialect::parse(w).map(|d| (d, Span::new(file, v.range))),
            _ => None,
        },
        None => None,
    };
    let native = m.bodies.first().and_then(|b| b.dialect.as_ref()).and_then(|d| Dialect::parse(&d.text));
    let tags = match setting("tags").map(|v| &v.kind) {
        Some(ValueKind::List(items)) => items.iter().filter_map(word).collect(),
        _ => Vec::new(),
    };
    let params = m
        .params
        .iter()
        .map(|p| ParamSpec {
            name: p.name.text.clone(),
            ty: Ty::from_syntax(&p.ty, &[]),
            default: p.default.clone(),
            span: Span::new(file, p.name.range),
        })
        .collect();
    ModelSpec {
        name: m.name.text.clone(),
        file,
        ast: m,
        target,
        native,
        schema: string("schema"),
        alias: string("alias"),
        materialized: setting("materialized").map_or(Materialized::Table, materialized),
        tags,
        params,
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

/// A source's warehouse table name as written, split into its parts.
pub fn source_tables(ws: &Workspace) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Source(s) = item {
                let parts = s.table.value.split('.').map(str::to_string).collect();
                out.entry(s.name.text.to_ascii_lowercase()).or_insert(parts);
            }
        }
    }
    out
}
