//! What changed since an earlier build, from two manifests: each node's
//! kind of change, decided from the fingerprints and the column lineage
//! (`cjoc diff`), and the sets `state:modified`, `state:new` and
//! `state:impacted` select.
//!
//! - `breaking`: a column removed, retyped, or made nullable, that
//!   readers may rely on; each reader is named with the columns it reads.
//! - `data`: values of existing columns may change (a filter, a join, an
//!   expression, a setting); the columns, and their readers.
//! - `additive`: only new columns; no reader needs a rebuild.
//! - `metadata`: docs, tags, comments, layout; nothing built changes.
//! - `new` and `removed`: nodes only one build has.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Value, json};
use sqlparser::tokenizer::Tokenizer;

use crate::select::StateSets;

/// A kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Breaking,
    Data,
    Additive,
    Metadata,
    New,
    Removed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Breaking => "breaking",
            Kind::Data => "data",
            Kind::Additive => "additive",
            Kind::Metadata => "metadata",
            Kind::New => "new",
            Kind::Removed => "removed",
        }
    }
}

/// One node's change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub kind: Kind,
    /// Breaking: the columns removed or retyped; data: those whose values
    /// may change (all of them when the query's shape changed); additive:
    /// the new ones.
    pub columns: Vec<String>,
    /// In words, for people: `column amount: float64 → string`.
    pub details: Vec<String>,
    /// The nodes that read the columns above, with the columns they read.
    pub readers: Vec<Reader>,
}

/// A node reading changed columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    pub id: String,
    pub columns: Vec<String>,
}

/// Why a manifest cannot be compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

/// A column as a manifest has it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Column {
    name: String,
    ty: String,
    nullable: bool,
    lineage: Vec<String>,
}

/// Checks that `manifest` is one cjoc wrote, in a format this version
/// reads.
pub fn validate(manifest: &Value) -> Result<(), Error> {
    let generator = manifest.get("generator").and_then(Value::as_str).unwrap_or_default();
    if !generator.starts_with("cjoc ") {
        return Err(Error { message: "it is not a manifest.json written by cjoc".into() });
    }
    let version = manifest.get("manifest_version").and_then(Value::as_u64);
    if version != Some(u64::from(crate::manifest::VERSION)) {
        return Err(Error {
            message: format!(
                "it has manifest_version {}, and this cjoc reads {}: build it again with this cjoc",
                version.map_or_else(|| "(none)".to_string(), |v| v.to_string()),
                crate::manifest::VERSION
            ),
        });
    }
    if nodes(manifest).values().any(|n| n.get("fingerprint").is_none()) {
        return Err(Error {
            message: "its nodes have no fingerprints (it was written by an earlier cjoc): build it again with this one"
                .into(),
        });
    }
    Ok(())
}

fn nodes(manifest: &Value) -> BTreeMap<&str, &Value> {
    manifest
        .get("nodes")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn columns(node: &Value) -> Vec<Column> {
    let list = node.get("columns").and_then(Value::as_array).cloned().unwrap_or_default();
    list.iter()
        .map(|c| Column {
            name: c.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            ty: c.get("type").and_then(Value::as_str).unwrap_or_default().to_string(),
            nullable: c.get("nullable").and_then(Value::as_bool).unwrap_or(true),
            lineage: strings(c.get("lineage")),
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn print<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
    node.get("fingerprint").and_then(|f| f.get(key)).filter(|v| !v.is_null())
}

/// Every node that differs between `previous` and `current`, by id.
pub fn compare(previous: &Value, current: &Value) -> Vec<Change> {
    let (before, after) = (nodes(previous), nodes(current));
    let readers = Readers::new(&before, &after);
    let mut out = Vec::new();
    for id in before.keys().chain(after.keys()).collect::<BTreeSet<_>>() {
        let change = match (before.get(id), after.get(id)) {
            (None, Some(_)) => Some(simple(id, Kind::New)),
            (Some(_), None) => {
                let mut c = simple(id, Kind::Removed);
                c.readers = readers.of(id, None);
                Some(c)
            }
            (Some(b), Some(a)) => changed(id, b, a, &readers),
            (None, None) => None,
        };
        out.extend(change);
    }
    out
}

fn simple(id: &str, kind: Kind) -> Change {
    Change { id: id.to_string(), kind, columns: Vec::new(), details: Vec::new(), readers: Vec::new() }
}

/// How one node present in both builds changed, if it did.
fn changed(id: &str, before: &Value, after: &Value, readers: &Readers) -> Option<Change> {
    let (bc, ac) = (columns(before), columns(after));
    let find = |list: &[Column], name: &str| list.iter().find(|c| c.name.eq_ignore_ascii_case(name)).cloned();
    let mut broken = Vec::new();
    let mut details = Vec::new();
    for c in &bc {
        match find(&ac, &c.name) {
            None => {
                details.push(format!("column {} removed", c.name));
                broken.push(c.name.clone());
            }
            Some(n) if n.ty != c.ty => {
                details.push(format!("column {}: {} → {}", c.name, c.ty, n.ty));
                broken.push(c.name.clone());
            }
            Some(n) if n.nullable && !c.nullable => {
                details.push(format!("column {}: now nullable", c.name));
                broken.push(c.name.clone());
            }
            Some(_) => {}
        }
    }
    let added: Vec<String> = ac.iter().filter(|c| find(&bc, &c.name).is_none()).map(|c| c.name.clone()).collect();
    let with = |kind: Kind, columns: Vec<String>, details: Vec<String>| {
        let who = readers.of(id, Some(&columns));
        Some(Change { id: id.to_string(), kind, columns, details, readers: who })
    };
    if !broken.is_empty() {
        return with(Kind::Breaking, broken, details);
    }
    let differs = |key: &str| print(before, key) != print(after, key);
    let sql_changed = differs("sql") || differs("definition");
    let existing: Vec<String> = bc.iter().map(|c| c.name.clone()).collect();
    match id.split('.').next() {
        Some("source") if differs("definition") => {
            return with(Kind::Data, existing, vec!["its table or time column changed".into()]);
        }
        Some("model") if differs("shape") || (sql_changed && print(after, "shape").is_none()) => {
            return with(Kind::Data, existing, vec!["the query changed beyond its select list".into()]);
        }
        Some("check" | "journey") if sql_changed => {
            return with(Kind::Data, Vec::new(), vec!["its SQL changed".into()]);
        }
        _ => {}
    }
    let exprs = |node: &Value| print(node, "exprs").and_then(Value::as_object).cloned().unwrap_or_default();
    let (be, ae) = (exprs(before), exprs(after));
    let changed_cols: Vec<String> = existing
        .iter()
        .filter(|c| be.get(&c.to_ascii_lowercase()) != ae.get(&c.to_ascii_lowercase()))
        .cloned()
        .collect();
    if !changed_cols.is_empty() && (sql_changed || differs("exprs")) {
        let d = changed_cols.iter().map(|c| format!("column {c}: its expression changed")).collect();
        return with(Kind::Data, changed_cols, d);
    }
    if !added.is_empty() {
        let d = added.iter().map(|c| format!("column {c} added")).collect();
        return with(Kind::Additive, added, d);
    }
    if sql_changed {
        return with(Kind::Data, existing, vec!["its SQL changed (a setting or a parameter)".into()]);
    }
    if differs("metadata") || differs("columns") {
        return Some(simple(id, Kind::Metadata));
    }
    None
}

/// Who reads which columns, in either build (a reader of a removed column
/// is only in the earlier one).
struct Readers {
    /// Lowercase relation name → (reader id, column as written).
    by_relation: BTreeMap<String, BTreeSet<(String, String)>>,
    /// The nodes of the later build: only they are named as readers.
    current: BTreeSet<String>,
}

impl Readers {
    fn new(before: &BTreeMap<&str, &Value>, after: &BTreeMap<&str, &Value>) -> Readers {
        let mut by_relation: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
        for (id, node) in before.iter().chain(after.iter()) {
            for r in strings(print(node, "reads")) {
                if let Some((rel, col)) = r.rsplit_once('.') {
                    by_relation
                        .entry(rel.to_ascii_lowercase())
                        .or_default()
                        .insert(((*id).to_string(), col.to_string()));
                }
            }
        }
        Readers { by_relation, current: after.keys().map(|k| (*k).to_string()).collect() }
    }

    /// The readers of node `id`'s `columns` (every column when `None`).
    fn of(&self, id: &str, columns: Option<&[String]>) -> Vec<Reader> {
        let relation = id.split_once('.').map_or(id, |(_, r)| r).to_ascii_lowercase();
        let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (reader, col) in self.by_relation.get(&relation).into_iter().flatten() {
            let wanted = columns.is_none_or(|cs| cs.iter().any(|c| c.eq_ignore_ascii_case(col)));
            if reader != id && wanted && self.current.contains(reader) {
                found.entry(reader.clone()).or_default().insert(col.clone());
            }
        }
        found.into_iter().map(|(id, cols)| Reader { id, columns: cols.into_iter().collect() }).collect()
    }
}

/// The sets the `state:` selectors pick: `modified` (breaking, data and
/// additive changes), `new`, and `impacted`: the modified and new nodes
/// and, following column lineage, every node that reads a column whose
/// values they change (a reader's columns computed from such a column
/// change in turn; a reader that filters or joins on one changes in all).
pub fn sets(changes: &[Change], current: &Value) -> StateSets {
    let mut sets = StateSets::default();
    let after = nodes(current);
    let readers = Readers::new(&BTreeMap::new(), &after);
    let mut queue: VecDeque<(String, Vec<String>)> = VecDeque::new();
    for c in changes {
        match c.kind {
            Kind::New => {
                sets.new.insert(c.id.clone());
                sets.impacted.insert(c.id.clone());
            }
            Kind::Breaking | Kind::Data | Kind::Additive => {
                sets.modified.insert(c.id.clone());
                sets.impacted.insert(c.id.clone());
                if c.kind != Kind::Additive {
                    queue.push_back((c.id.clone(), c.columns.clone()));
                }
            }
            Kind::Metadata | Kind::Removed => {}
        }
    }
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some((id, cols)) = queue.pop_front() {
        let relation = id.split_once('.').map_or(id.as_str(), |(_, r)| r).to_string();
        for reader in readers.of(&id, Some(&cols)) {
            sets.impacted.insert(reader.id.clone());
            let Some(node) = after.get(reader.id.as_str()) else { continue };
            let refs: BTreeSet<String> =
                reader.columns.iter().map(|c| format!("{relation}.{c}").to_ascii_lowercase()).collect();
            let outputs = columns(node);
            let mut touched: Vec<String> = outputs
                .iter()
                .filter(|o| o.lineage.iter().any(|l| refs.contains(&l.to_ascii_lowercase())))
                .map(|o| o.name.clone())
                .collect();
            if touched.is_empty() {
                // Read in a filter or a join: every row may change.
                touched = outputs.iter().map(|o| o.name.clone()).collect();
            }
            touched.retain(|c| seen.insert((reader.id.clone(), c.to_ascii_lowercase())));
            if !touched.is_empty() {
                queue.push_back((reader.id, touched));
            }
        }
    }
    sets
}

/// The changes as data, for `cjoc diff --format json`.
pub fn to_json(changes: &[Change]) -> Value {
    Value::Array(
        changes
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "kind": c.kind.as_str(),
                    "columns": c.columns,
                    "details": c.details,
                    "readers": c.readers.iter().map(|r| json!({ "id": r.id, "columns": r.columns })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Where the earlier build put each of `models` (node ids), per dialect,
/// as table name parts: what `--defer` reads instead of building them.
/// A model the earlier build did not have is left out (it is read where
/// this build would put it).
pub fn deferred(
    previous: &Value,
    models: &BTreeSet<String>,
) -> BTreeMap<String, BTreeMap<cjo_project::Dialect, Vec<String>>> {
    let before = nodes(previous);
    let mut out = BTreeMap::new();
    for id in models {
        let Some(node) = before.get(id.as_str()) else { continue };
        let Some(name) = id.strip_prefix("model.") else { continue };
        let Some(relation) = node.get("relation").and_then(Value::as_object) else { continue };
        let per: BTreeMap<cjo_project::Dialect, Vec<String>> = relation
            .iter()
            .filter_map(|(d, path)| {
                let dialect = cjo_project::Dialect::parse(d)?;
                Some((dialect, table_parts(path.as_str()?, dialect)?))
            })
            .collect();
        if !per.is_empty() {
            out.insert(name.to_ascii_lowercase(), per);
        }
    }
    out
}

/// A table path as the manifest writes it (quoted as `dialect` quotes),
/// back into its parts.
fn table_parts(path: &str, dialect: cjo_project::Dialect) -> Option<Vec<String>> {
    let tokens = match dialect {
        cjo_project::Dialect::BigQuery => Tokenizer::new(&sqlparser::dialect::BigQueryDialect {}, path).tokenize(),
        cjo_project::Dialect::Redshift => Tokenizer::new(&sqlparser::dialect::RedshiftSqlDialect {}, path).tokenize(),
        cjo_project::Dialect::Trino => Tokenizer::new(&sqlparser::dialect::GenericDialect {}, path).tokenize(),
    }
    .ok()?;
    let mut parts = Vec::new();
    for token in tokens {
        match token {
            sqlparser::tokenizer::Token::Word(w)
                if dialect == cjo_project::Dialect::BigQuery && w.quote_style == Some('`') =>
            {
                parts.extend(w.value.split('.').map(str::to_string));
            }
            sqlparser::tokenizer::Token::Word(w) => parts.push(w.value),
            sqlparser::tokenizer::Token::Period => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then_some(parts)
}
