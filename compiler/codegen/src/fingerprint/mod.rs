//! Fingerprints: per node, hashes of what matters for "did it change?",
//! written into the manifest so that a later build (`--state`) can tell
//! what changed since. Each is made so that what does not change the
//! result does not change the hash:
//!
//! - `sql`: a task's statements per dialect, as cjoc prints them (no
//!   comments, one layout per query), with every warehouse name of a
//!   model, source or journey table replaced by the node's id and every
//!   schema by a placeholder. So whitespace, comments, the order of
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

use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, Relation, RelationKind};

use crate::dag::Task;
use crate::lower::Build;
use crate::params::Part;
use crate::{ident, items};

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
    // The query printed, less its select list (printed the same way), is
    // its shape: cheaper than printing a copy without it.
    let full = query.to_string();
    let list = select.projection.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let shape = if list.is_empty() { full } else { full.replacen(&list, "", 1) };
    (Some(hash(&shape)), exprs)
}

/// `o.amount` → `amount`.
fn last_name(text: &str) -> String {
    text.rsplit('.').next().unwrap_or(text).trim_matches(|c| c == '"' || c == '`').to_string()
}

/// The warehouse names of the build's tables and schemas, as the compiled
/// SQL writes them, by dialect, and what each stands for.
struct Names {
    per_dialect: BTreeMap<Dialect, Replacer>,
}

/// One dialect's names: an automaton over all of them (leftmost-longest,
/// so a table's name wins over its schema's), and the placeholder of each.
struct Replacer {
    names: aho_corasick::AhoCorasick,
    placeholders: Vec<String>,
}

impl Names {
    fn new(ws: &Workspace, build: &Build) -> Names {
        let mut found: BTreeMap<Dialect, BTreeMap<String, String>> = BTreeMap::new();
        let mut add = |d: Dialect, written: String, placeholder: String| {
            found.entry(d).or_default().entry(written).or_insert(placeholder);
        };
        for (key, per) in &build.tables {
            for (d, parts) in per {
                add(*d, ident::path(parts, *d), format!("{{{{model.{key}}}}}"));
                if let Some((_, schema)) = parts.split_last() {
                    add(*d, ident::path(schema, *d), "{{schema}}".into());
                }
            }
        }
        let sources = items::source_tables(ws);
        for (d, loc) in &build.locations {
            add(*d, ident::path(&loc.own_schema(), *d), "{{schema}}".into());
            for (key, written) in &sources {
                add(*d, ident::path(&loc.source_table(written), *d), format!("{{{{source.{key}}}}}"));
            }
        }
        for (journey, per) in &build.journeys {
            for (d, t) in per {
                add(*d, t.state.clone(), format!("{{{{journey.{journey}.state}}}}"));
                add(*d, t.activations.clone(), format!("{{{{journey.{journey}.activations}}}}"));
            }
        }
        let per_dialect = found
            .into_iter()
            .filter_map(|(d, map)| {
                let (written, placeholders): (Vec<String>, Vec<String>) =
                    map.into_iter().filter(|(w, _)| !w.is_empty()).unzip();
                let names = aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&written)
                    .ok()?;
                Some((d, Replacer { names, placeholders }))
            })
            .collect();
        Names { per_dialect }
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

    /// The SQL with every name replaced by its placeholder. Compiled SQL is
    /// printed by cjoc (no comments, the same layout for the same query),
    /// so its text needs no other normalizing. A name counts only where it
    /// starts a name (not inside a longer one).
    fn normalized(&self, sql: &str, dialect: Dialect) -> String {
        let Some(r) = self.per_dialect.get(&dialect) else { return sql.to_string() };
        let mut out = String::with_capacity(sql.len());
        let mut at = 0;
        for m in r.names.find_iter(sql) {
            let starts_a_name = sql
                .get(..m.start())
                .and_then(|before| before.chars().next_back())
                .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '`' | '"' | '$')));
            let (Some(before), Some(placeholder)) =
                (sql.get(at..m.start()), r.placeholders.get(m.pattern().as_usize()))
            else {
                continue;
            };
            if starts_a_name {
                out.push_str(before);
                out.push_str(placeholder);
                at = m.end();
            }
        }
        out.push_str(sql.get(at..).unwrap_or_default());
        out
    }
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
