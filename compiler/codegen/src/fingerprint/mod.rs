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

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sqlparser::ast::{Query, SelectItem, SetExpr};

use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, Relation, RelationKind};

use crate::dag::Task;
use crate::lower::Build;
use crate::params::Part;
use crate::{ident, items};

mod reads;

/// One node's fingerprint, as the manifest writes it (keys in
/// alphabetical order, as everywhere in the manifest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Fingerprint {
    Source {
        columns: Hash,
        definition: Hash,
        metadata: Hash,
    },
    Model {
        columns: Hash,
        exprs: BTreeMap<String, Hash>,
        metadata: Hash,
        reads: BTreeSet<String>,
        /// `None` for a query that is not one plain `select`.
        shape: Option<Hash>,
        /// `None` when there is no build to hash (its SQL is unknown).
        sql: Option<BTreeMap<&'static str, Hash>>,
    },
    /// A check or a journey.
    Task {
        metadata: Hash,
        reads: BTreeSet<String>,
        sql: BTreeMap<&'static str, Hash>,
    },
}

/// Every node's fingerprint, by node id (the manifest's).
pub fn fingerprints(ws: &Workspace, analysis: &Analysis, build: Option<&Build>) -> BTreeMap<String, Fingerprint> {
    let names = build.map(|b| Names::new(ws, b));
    let mut reads = reads::models(analysis);
    let mut out = BTreeMap::new();
    for relation in analysis.relations.values() {
        let key = relation.name.to_ascii_lowercase();
        match &relation.kind {
            RelationKind::Source { table, time_column } => {
                out.insert(
                    format!("source.{}", relation.name),
                    Fingerprint::Source {
                        columns: columns_hash(relation),
                        definition: hash(&format!("{table}\u{0}{time_column:?}")),
                        metadata: docs_hash(relation, &[], None),
                    },
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
                let sql = build.and_then(|b| Some(names.as_ref()?.task(b.dag.tasks.get(&id)?)));
                out.insert(
                    id,
                    Fingerprint::Model {
                        columns: columns_hash(relation),
                        exprs,
                        metadata: docs_hash(relation, &spec.tags, Some(body.unwrap_or_default())),
                        reads: reads.remove(&key).unwrap_or_default(),
                        shape,
                        sql,
                    },
                );
            }
        }
    }
    let (Some(build), Some(names)) = (build, names) else { return out };
    for task in build.dag.tasks.values().filter(|t| t.kind != crate::TaskKind::Model) {
        out.insert(
            task.id.clone(),
            Fingerprint::Task {
                metadata: hash(task.description.as_deref().unwrap_or_default()),
                reads: reads::task(analysis, task),
                sql: names.task(task),
            },
        );
    }
    out
}

/// The columns as `name type [not null]` lines.
fn columns_hash(r: &Relation) -> Hash {
    let mut h = Fnv::new();
    for c in &r.columns {
        h.write_fmt(format_args!("{} {}{}\n", c.name, c.ty, if c.nullable { "" } else { " not null" }));
    }
    h.finish()
}

/// Docs (the relation's and each column's), tags, and a model's body as
/// written.
fn docs_hash(r: &Relation, tags: &[String], body: Option<&str>) -> Hash {
    let mut h = Fnv::new();
    h.write_fmt(format_args!("{:?}\u{0}{tags:?}", r.doc));
    for c in &r.columns {
        h.write_fmt(format_args!("\u{0}{}:{:?}", c.name, c.doc));
    }
    if let Some(body) = body {
        h.write_str("\u{0}");
        h.write_str(body);
    }
    h.finish()
}

/// The query without its top select list, and each output column's
/// expression (lowercase name → hash). `None` and nothing for a query that
/// is not one plain `select` (a set operation, `values`): every change to
/// it then counts for all its columns.
fn shape_and_exprs(query: &Query) -> (Option<Hash>, BTreeMap<String, Hash>) {
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
    fn task(&self, task: &Task) -> BTreeMap<&'static str, Hash> {
        task.sql
            .iter()
            .map(|(d, sql)| {
                let mut h = Fnv::new();
                for st in &sql.statements {
                    for part in st.parts() {
                        match part {
                            Part::Text(t) => self.write_normalized(&mut h, t, *d),
                            Part::Run(v) => h.write_fmt(format_args!("__cjo_run_{v:?}__")),
                        }
                    }
                    h.write_str(";\n");
                }
                (d.as_str(), h.finish())
            })
            .collect()
    }

    /// Hashes the SQL with every name replaced by its placeholder. Compiled
    /// SQL is printed by cjoc (no comments, the same layout for the same
    /// query), so its text needs no other normalizing. A name counts only
    /// where it starts a name (not inside a longer one). (A name split by a
    /// run value's hole is not one: holes stand for literals.)
    fn write_normalized(&self, h: &mut Fnv, sql: &str, dialect: Dialect) {
        let Some(r) = self.per_dialect.get(&dialect) else { return h.write_str(sql) };
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
                h.write_str(before);
                h.write_str(placeholder);
                at = m.end();
            }
        }
        h.write_str(sql.get(at..).unwrap_or_default());
    }
}

/// A 128-bit FNV-1a hash, written as 32 hex digits: the same text gives
/// the same hash in every build and on every machine, which std's hashers
/// do not promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash(u128);

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The hash of `text`.
pub fn hash(text: &str) -> Hash {
    let mut h = Fnv::new();
    h.write_str(text);
    h.finish()
}

/// FNV-1a over a stream of text: hashing pieces in turn equals hashing
/// their concatenation, so nothing needs to be put together first.
struct Fnv(u128);

impl Fnv {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;

    fn new() -> Fnv {
        Fnv(Fnv::OFFSET)
    }

    fn write_str(&mut self, text: &str) {
        for b in text.as_bytes() {
            self.0 ^= u128::from(*b);
            self.0 = self.0.wrapping_mul(Fnv::PRIME);
        }
    }

    /// Formatted text, hashed as it is written.
    fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        // Writing into the hash cannot fail; only a `Display` that fails
        // could, and none of the values hashed here does.
        let _ = std::fmt::Write::write_fmt(self, args);
    }

    fn finish(&self) -> Hash {
        Hash(self.0)
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        Fnv::write_str(self, s);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
