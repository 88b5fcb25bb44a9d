//! The columns each node reads (`relation.column`), for `cjoc diff` to
//! name the readers of a changed column: for a model, what its body names
//! (in any clause) and what its columns are computed from; for a check or
//! a journey, the columns of what it reads that its SQL names.

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::FileId;
use cjo_semantic::Analysis;
use cjo_semantic::ide::Target;

use crate::dag::Task;

/// Each model's reads, by lowercase name.
pub fn models(analysis: &Analysis) -> BTreeMap<String, BTreeSet<String>> {
    let mut bodies: BTreeMap<FileId, Vec<(u32, u32, &str)>> = BTreeMap::new();
    for (key, m) in &analysis.models {
        if let Some(r) = m.body {
            bodies.entry(m.file).or_default().push((r.start, r.end, key));
        }
    }
    for list in bodies.values_mut() {
        list.sort();
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for reference in &analysis.references {
        let Target::Column { relation, column } = &reference.target else { continue };
        let Some(list) = bodies.get(&reference.span.file) else { continue };
        let at = reference.span.range.start;
        let i = list.partition_point(|(start, _, _)| *start <= at);
        let Some((_, end, key)) = i.checked_sub(1).and_then(|i| list.get(i)) else { continue };
        if at < *end && !relation.eq_ignore_ascii_case(key) {
            out.entry((*key).to_string()).or_default().insert(column_ref(analysis, relation, column));
        }
    }
    for (key, r) in analysis.relations.iter().filter(|(k, r)| r.is_model() && analysis.models.contains_key(*k)) {
        let reads = out.entry(key.clone()).or_default();
        for c in &r.columns {
            reads.extend(c.lineage.iter().map(|l| column_ref(analysis, &l.relation, &l.column)));
        }
    }
    out
}

/// A check's or journey's reads: the columns of the relations it reads
/// whose names its SQL (in its first dialect) has as a word.
pub fn task(analysis: &Analysis, task: &Task) -> BTreeSet<String> {
    let Some(sql) = task.sql.values().next() else { return BTreeSet::new() };
    let text: String = sql.statements.iter().map(|s| s.render(str::to_string, |_| String::new())).collect();
    // The words of its SQL: names, quoted or not (a keyword or a string's
    // word that is also a column's name counts too: at worst a reader too
    // many is named).
    let words: BTreeSet<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let key = task.name.to_ascii_lowercase();
    // A journey reads its profiles and events; a check, what it checks and
    // the models its `references` name.
    let mut relations: BTreeSet<&str> = match task.kind {
        crate::TaskKind::Journey => analysis.dependencies.get(&key).into_iter().flatten().map(String::as_str).collect(),
        _ => task.depends_on.iter().filter_map(|d| d.strip_prefix("model.")).collect(),
    };
    relations.insert(&key);
    let mut out = BTreeSet::new();
    for relation in relations.into_iter().filter_map(|r| analysis.relation(r)) {
        for c in relation.columns.iter().filter(|c| words.contains(&c.name.to_ascii_lowercase())) {
            out.insert(format!("{}.{}", relation.name, c.name));
        }
    }
    out
}

/// `relation.column` with both as declared.
fn column_ref(analysis: &Analysis, relation: &str, column: &str) -> String {
    match analysis.relation(relation) {
        Some(r) => format!("{}.{}", r.name, r.column(column).map_or(column, |c| c.name.as_str())),
        None => format!("{relation}.{column}"),
    }
}
