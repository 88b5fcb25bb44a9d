//! A relation's schema as plain text: for `cjoc describe`, snapshots and
//! hover.

use std::fmt::Write as _;

use crate::Analysis;
use crate::schema::{Relation, RelationKind};

/// The columns of `relation` as an aligned table: name, type, nullability,
/// the upstream columns it is computed from (and, when they differ, the
/// source columns at the end of its lineage), then its doc.
pub fn describe(analysis: &Analysis, relation: &Relation) -> String {
    let mut s = String::new();
    let kind = match &relation.kind {
        RelationKind::Source { table, .. } => format!("source `{}` = \"{table}\"", relation.name),
        RelationKind::Model => format!("model `{}`", relation.name),
    };
    let _ = writeln!(s, "{kind}");
    if let Some(doc) = &relation.doc {
        for line in doc.lines() {
            let _ = writeln!(s, "  /// {line}");
        }
    }
    let rows: Vec<[String; 4]> = relation
        .columns
        .iter()
        .map(|c| {
            let direct: Vec<String> = c.lineage.iter().map(ToString::to_string).collect();
            let mut from = direct.join(", ");
            if relation.is_model() {
                let sources: Vec<String> =
                    analysis.source_lineage(&relation.name, &c.name).iter().map(ToString::to_string).collect();
                if sources != direct && !sources.is_empty() {
                    from = format!("{from}  ⇐ {}", sources.join(", "));
                }
            }
            [c.name.clone(), c.ty.to_string(), if c.nullable { "null".into() } else { "not null".into() }, from]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r.get(i).map_or(0, |x| x.chars().count())).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for (row, col) in rows.iter().zip(&relation.columns) {
        let [name, ty, null, from] = row;
        let line = format!("  {name:w0$}  {ty:w1$}  {null:w2$}  {from}");
        let _ = writeln!(s, "{}", line.trim_end());
        if let Some(doc) = &col.doc {
            let _ = writeln!(s, "      /// {}", doc.lines().next().unwrap_or(""));
        }
    }
    s
}
