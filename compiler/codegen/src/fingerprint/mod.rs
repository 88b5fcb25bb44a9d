//! Fingerprints: per node, hashes of what matters for "did it change?",
//! written into the manifest so that a later build (`--state`) can tell
//! what changed since. Each is made so that what does not change the
//! result does not change the hash:
//!
//! - `sql`: a task's statements per dialect, as tokens (no whitespace; the
//!   compiled SQL has no comments), with every warehouse name of a model,
//!   source or journey table replaced by the node's id and every schema
//!   prefix by a placeholder. So whitespace, comments, the order of
//!   settings and the environment's dataset names leave it alone, while a
//!   new filter, a `$param` value or another materialization change it.
//! - `columns`: a relation's output columns (name, type, nullability).
//! - `definition`: a source's table and time column.
//! - `shape` and `exprs`: a model's query without its select list, and
//!   each output column's expression as written, for `cjoc diff` to tell
//!   an added column from changed values.
//! - `metadata`: docs, tags and the body's text as written (comments,
//!   layout): what changes nothing built.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sqlparser::ast::{Query, SelectItem, SetExpr};
use sqlparser::tokenizer::{Token, Tokenizer};

use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, Relation, RelationKind};

use crate::dag::Task;
use crate::items;
use crate::lower::Build;
use crate::params::Part;

mod reads;

/// Every node's fingerprint, by node id (the manifest's).
pub fn fingerprints(ws: &Workspace, analysis: &Analysis, build: Option<&Build>) -> BTreeMap<String, Value> {
    let names = build.map(|b| Names::new(ws, b));
    let mut reads = reads::models(analysis);
    let mut out = BTreeMap::new();
    for relation in analysis.relations.values() {
        let key = relation.name.to_ascii_lowercase();
        match &relation.kind {
            RelationKind::Source { table, time_column } => {
                let definition = hash(&format!("{table}\u{0}{time_column:?}"));
                out.insert(
                    format!("source.{}", relation.name),
                    json!({
                        "definition": definition,
                        "columns": hash(&columns_text(relation)),
                        "metadata": hash(&docs_text(relation, &[])),
                    }),
                );
            }
            RelationKind::Model => {
                let Some(spec) = analysis.models.get(&key) else { continue };
                let id = format!("model.{}", relation.name);
                let (shape, exprs) = match analysis.queries.get(&key) {
                    Some(q) => shape_and_exprs(&q.query),
                    None => (None, BTreeMap::new()),
                };
                let body = spec.body.and_then(|r| ws.file(spec.file).and_then(|f| f.text.get(r.as_usize())));
                let metadata = hash(&format!("{}\u{0}{}", docs_text(relation, &spec.tags), body.unwrap_or_default()));
                out.insert(
                    id.clone(),
                    json!({
                        "sql": build.and_then(|b| Some(names.as_ref()?.task(b.dag.tasks.get(&id)?))),
                        "columns": hash(&columns_text(relation)),
                        "shape": shape,
                        "exprs": exprs,
                        "metadata": metadata,
                        "reads": reads.remove(&key).unwrap_or_default(),
                    }),
                );
            }
        }
    }
    let (Some(build), Some(names)) = (build, names) else { return out };
    for task in build.dag.tasks.values().filter(|t| t.kind != crate::TaskKind::Model) {
        out.insert(
            task.id.clone(),
            json!({
                "sql": names.task(task),
                "metadata": hash(task.description.as_deref().unwrap_or_default()),
                "reads": reads::task(analysis, task),
            }),
        );
    }
    out
}

/// Columns as `name type [not null]` lines.
fn columns_text(r: &Relation) -> String {
    r.columns.iter().map(|c| format!("{} {}{}\n", c.name, c.ty, if c.nullable { "" } else { " not null" })).collect()
}

fn docs_text(r: &Relation, tags: &[String]) -> String {
    let mut s = format!("{:?}\u{0}{tags:?}", r.doc);
    for c in &r.columns {
        s.push_str(&format!("\u{0}{}:{:?}", c.name, c.doc));
    }
    s
}

/// The query without its top select list, and each output column's
/// expression (lowercase name → hash). `None` and nothing for a query that
/// is not one plain `select` (a set operation, `values`): every change to
/// it then counts for all its columns.
fn shape_and_exprs(query: &Query) -> (Option<String>, BTreeMap<String, String>) {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return (None, BTreeMap::new());
    };
    let mut exprs = BTreeMap::new();
    for item in &select.projection {
        let (name, text) = match item {
            SelectItem::UnnamedExpr(e) => (last_name(&e.to_string()), e.to_string()),
            SelectItem::ExprWithAlias { expr, alias } => (alias.value.clone(), expr.to_string()),
            // The columns a wildcard brings change with what it reads.
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => (item.to_string(), item.to_string()),
            #[allow(unreachable_patterns)]
            _ => (item.to_string(), item.to_string()),
        };
        exprs.insert(name.to_ascii_lowercase(), hash(&text));
    }
    let mut shape = query.clone();
    if let SetExpr::Select(s) = shape.body.as_mut() {
        s.projection.clear();
    }
    (Some(hash(&shape.to_string())), exprs)
}

/// `o.amount` → `amount`.
fn last_name(text: &str) -> String {
    text.rsplit('.').next().unwrap_or(text).trim_matches(|c| c == '"' || c == '`').to_string()
}

/// The warehouse names of the build's tables, by dialect, and what each
/// stands for.
struct Names {
    /// Lowercase dotted path → placeholder (the node's id).
    tables: BTreeMap<Dialect, BTreeMap<String, String>>,
    /// Lowercase dotted schema prefixes (`proj.dataset`).
    schemas: BTreeMap<Dialect, std::collections::BTreeSet<String>>,
}

impl Names {
    fn new(ws: &Workspace, build: &Build) -> Names {
        let mut tables: BTreeMap<Dialect, BTreeMap<String, String>> = BTreeMap::new();
        let mut schemas: BTreeMap<Dialect, std::collections::BTreeSet<String>> = BTreeMap::new();
        let dotted = |parts: &[String]| parts.join(".").to_ascii_lowercase();
        for (key, per) in &build.tables {
            for (d, parts) in per {
                tables.entry(*d).or_default().insert(dotted(parts), format!("model.{key}"));
                if let Some((_, prefix)) = parts.split_last() {
                    schemas.entry(*d).or_default().insert(dotted(prefix));
                }
            }
        }
        let sources = items::source_tables(ws);
        for (d, loc) in &build.locations {
            schemas.entry(*d).or_default().insert(dotted(&loc.own_schema()));
            for (key, written) in &sources {
                tables.entry(*d).or_default().insert(dotted(&loc.source_table(written)), format!("source.{key}"));
            }
        }
        for (journey, per) in &build.journeys {
            for (d, t) in per {
                for (which, quoted) in [("state", &t.state), ("activations", &t.activations)] {
                    let path = chains(quoted, *d).into_iter().next().unwrap_or_default();
                    tables.entry(*d).or_default().insert(path, format!("journey.{journey}.{which}"));
                }
            }
        }
        Names { tables, schemas }
    }

    /// A task's fingerprint per dialect.
    fn task(&self, task: &Task) -> BTreeMap<String, String> {
        task.sql
            .iter()
            .map(|(d, sql)| {
                let mut text = String::new();
                for st in &sql.statements {
                    for part in st.parts() {
                        match part {
                            Part::Text(t) => text.push_str(t),
                            Part::Run(v) => text.push_str(&format!("__cjo_run_{v:?}__")),
                        }
                    }
                    text.push_str(";\n");
                }
                (d.to_string(), hash(&self.normalized(&text, *d)))
            })
            .collect()
    }

    /// The SQL's tokens, names replaced, one per line.
    fn normalized(&self, sql: &str, dialect: Dialect) -> String {
        let tables = self.tables.get(&dialect);
        let schemas = self.schemas.get(&dialect);
        let Ok(tokens) = tokenize(sql, dialect) else { return sql.to_string() };
        let mut out = String::with_capacity(sql.len());
        let mut i = 0;
        while let Some(token) = tokens.get(i) {
            i += 1;
            let Token::Word(_) = token else {
                if !matches!(token, Token::Whitespace(_)) {
                    out.push_str(&token.to_string());
                    out.push('\n');
                }
                continue;
            };
            // A dotted chain of names: `a`.`b`.`c`, or BigQuery's `a.b.c`.
            let mut parts = word_parts(token, dialect);
            while let (Some(Token::Period), Some(next @ Token::Word(_))) = (tokens.get(i), tokens.get(i + 1)) {
                parts.extend(word_parts(next, dialect));
                i += 2;
            }
            let path = parts.join(".").to_ascii_lowercase();
            if let Some(id) = tables.and_then(|t| t.get(&path)) {
                out.push_str(&format!("{{{{{id}}}}}\n"));
                continue;
            }
            if schemas.is_some_and(|s| s.contains(&path)) {
                out.push_str("{{schema}}\n");
                continue;
            }
            match parts.split_last() {
                Some((last, prefix))
                    if !prefix.is_empty()
                        && schemas.is_some_and(|s| s.contains(&prefix.join(".").to_ascii_lowercase())) =>
                {
                    out.push_str(&format!("{{{{schema}}}}.{last}\n"));
                }
                _ => {
                    out.push_str(&path);
                    out.push('\n');
                }
            }
        }
        out
    }
}

pub(crate) fn tokenize(sql: &str, dialect: Dialect) -> Result<Vec<Token>, sqlparser::tokenizer::TokenizerError> {
    match dialect {
        Dialect::BigQuery => Tokenizer::new(&sqlparser::dialect::BigQueryDialect {}, sql).tokenize(),
        Dialect::Redshift => Tokenizer::new(&sqlparser::dialect::RedshiftSqlDialect {}, sql).tokenize(),
        Dialect::Trino => Tokenizer::new(&sqlparser::dialect::GenericDialect {}, sql).tokenize(),
    }
}

/// A word's name parts: BigQuery's one quoted `a.b.c` is three.
fn word_parts(token: &Token, dialect: Dialect) -> Vec<String> {
    match token {
        Token::Word(w) if dialect == Dialect::BigQuery && w.quote_style == Some('`') => {
            w.value.split('.').map(str::to_string).collect()
        }
        Token::Word(w) => vec![w.value.clone()],
        _ => Vec::new(),
    }
}

/// The dotted names in `sql`, lowercase.
fn chains(sql: &str, dialect: Dialect) -> Vec<String> {
    let Ok(tokens) = tokenize(sql, dialect) else { return Vec::new() };
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        i += 1;
        if !matches!(token, Token::Word(_)) {
            continue;
        }
        let mut parts = word_parts(token, dialect);
        while let (Some(Token::Period), Some(next @ Token::Word(_))) = (tokens.get(i), tokens.get(i + 1)) {
            parts.extend(word_parts(next, dialect));
            i += 2;
        }
        out.push(parts.join(".").to_ascii_lowercase());
    }
    out
}

/// A stable 128-bit FNV-1a hash, as hex: the same text gives the same
/// hash in every build and on every machine, which std's hashers do not
/// promise.
pub fn hash(text: &str) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for b in text.as_bytes() {
        h ^= u128::from(*b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

#[cfg(test)]
mod tests;
