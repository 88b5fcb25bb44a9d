//! What an editor asks about a project, answered in byte offsets: which
//! declaration a name stands for, where it is declared and used, what to
//! show on hover, what may be typed at a place, the outline of a file.
//!
//! Everything here is a plain function of a loaded [`Workspace`] and its
//! [`Analysis`]; the language server converts positions and speaks the
//! protocol. The heart is the [`Index`]: every occurrence of every name
//! (declarations and uses) with the [`Target`] it stands for, so that
//! hover, go to definition, find references and rename are one lookup.
//! Uses inside SQL bodies are recorded by the checker as it resolves them
//! ([`Analysis::references`]); the rest come from a walk of the syntax
//! trees ([`walk`]).

mod complete;
mod hover;
mod outline;
mod rename;
#[cfg(test)]
mod tests;
mod walk;

use cjo_diagnostics::{FileId, Span};
use cjo_project::Workspace;

use crate::Analysis;
use crate::sql::Col;

pub use complete::{Completion, CompletionKind, completions};
pub use hover::{Hover, hover};
pub use outline::{Outline, OutlineKind, outline};
pub use rename::{RenameError, prepare_rename, rename};

/// A declaration a name can stand for. Names are lowercase (cjo names are
/// case-insensitive); the declared spelling is at the definition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A source or a model.
    Relation(String),
    /// A column of a source or model.
    Column {
        relation: String,
        column: String,
    },
    /// A `fn` of the standard library or the project.
    Function(String),
    Journey(String),
    Pipeline(String),
    Stage {
        journey: String,
        stage: String,
    },
    Step {
        journey: String,
        stage: String,
        step: String,
    },
    /// A model's declared `param`.
    Param {
        model: String,
        param: String,
    },
    /// A common table expression (`with name as (…)`) of a SQL body, known
    /// by where it is defined.
    Cte {
        name: String,
        def: Span,
    },
}

impl Target {
    /// The name as the target's own name (the last part), lowercase.
    pub fn name(&self) -> &str {
        match self {
            Target::Relation(n) | Target::Function(n) | Target::Journey(n) | Target::Pipeline(n) => n,
            Target::Column { column, .. } => column,
            Target::Stage { stage, .. } => stage,
            Target::Step { step, .. } => step,
            Target::Param { param, .. } => param,
            Target::Cte { name, .. } => name,
        }
    }
}

/// A name in a SQL body and what the checker resolved it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub span: Span,
    pub target: Target,
}

impl Reference {
    pub(crate) fn relation(span: Span, name: &str) -> Reference {
        Reference { span, target: Target::Relation(name.to_ascii_lowercase()) }
    }

    /// A CTE's name where it is defined (`span == def`) or read.
    pub(crate) fn cte(span: Span, name: &str, def: Span) -> Reference {
        Reference { span, target: Target::Cte { name: name.to_ascii_lowercase(), def } }
    }

    pub(crate) fn function(span: Span, name: &str) -> Reference {
        Reference { span, target: Target::Function(name.to_ascii_lowercase()) }
    }

    /// A column found in scope, and its qualifier when written. Only a
    /// column that is a relation's own, or passes one through under its
    /// name, stands for that relation's column; a computed one stands for
    /// nothing the index knows.
    pub(crate) fn column(qualifier: Option<Span>, column: Span, col: &Col) -> Vec<Reference> {
        let mut lineage = col.lineage.iter();
        let (Some(origin), None) = (lineage.next(), lineage.next()) else { return Vec::new() };
        if !origin.column.eq_ignore_ascii_case(&col.name) {
            return Vec::new();
        }
        let relation = origin.relation.to_ascii_lowercase();
        let mut out = Vec::with_capacity(2);
        if let Some(q) = qualifier {
            // Kept only where the qualifier is the relation's own name (not
            // an alias or a CTE): see `Index::new`.
            out.push(Reference { span: q, target: Target::Relation(relation.clone()) });
        }
        out.push(Reference {
            span: column,
            target: Target::Column { relation, column: origin.column.to_ascii_lowercase() },
        });
        out
    }
}

/// One place a name is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Exactly the name (never the qualifier with it).
    pub span: Span,
    pub target: Target,
    /// Whether this is the declaration.
    pub def: bool,
}

/// Every occurrence of every name of a project, sorted by place.
#[derive(Debug, Default)]
pub struct Index {
    occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes the project's own files (not the standard library's uses,
    /// but its `fn` declarations, so that calls find them).
    pub fn new(ws: &Workspace, analysis: &Analysis) -> Index {
        let mut occurrences = walk::occurrences(ws, analysis);
        for r in &analysis.references {
            // The checker resolves a name whatever its spelling; the index
            // keeps the places where the name itself is written (not an
            // alias, a CTE or a warehouse table name standing for it).
            let text = ws.file(r.span.file).map_or("", |f| r.span.range.slice(&f.text));
            if same_name(text, r.target.name()) {
                let def = matches!(&r.target, Target::Cte { def, .. } if *def == r.span);
                occurrences.push(Occurrence { span: r.span, target: r.target.clone(), def });
            }
        }
        // A name the checker saw twice (group keys are checked again), or
        // seen by the walk as a declaration and a use: keep one, the
        // declaration.
        occurrences.sort_by(|a, b| (a.span, &a.target, !a.def).cmp(&(b.span, &b.target, !b.def)));
        occurrences.dedup_by(|b, a| a.span == b.span && a.target == b.target);
        // Where one name is a use and a declaration (`select o.user_id`
        // declares the model's column `user_id` by using the source's),
        // the use comes first: hover and go to definition follow it.
        occurrences.sort_by_key(|o| (o.span, o.def));
        Index { occurrences }
    }

    /// The occurrence at `offset` in `file`: the name containing it, else
    /// the one ending there (the cursor just after a name).
    pub fn at(&self, file: FileId, offset: u32) -> Option<&Occurrence> {
        let in_file = self.in_file(file);
        in_file
            .iter()
            .find(|o| o.span.range.contains(offset))
            .or_else(|| in_file.iter().find(|o| o.span.range.touches(offset)))
    }

    /// The occurrences in one file, in order.
    pub fn in_file(&self, file: FileId) -> &[Occurrence] {
        let start = self.occurrences.partition_point(|o| o.span.file < file);
        let end = self.occurrences.partition_point(|o| o.span.file <= file);
        self.occurrences.get(start..end).unwrap_or_default()
    }

    /// Where `target` is declared: its declaration's name, or (for a
    /// catalog source's columns and a model's columns made by `*`) the
    /// place the analysis recorded.
    pub fn definition(&self, target: &Target, analysis: &Analysis) -> Option<Span> {
        if let Some(o) = self.occurrences.iter().find(|o| o.def && &o.target == target) {
            return Some(o.span);
        }
        match target {
            Target::Relation(name) => analysis.relation(name).map(|r| r.span),
            Target::Column { relation, column } => {
                let rel = analysis.relation(relation)?;
                rel.column(column).and_then(|c| c.span).or(Some(rel.span))
            }
            _ => None,
        }
    }

    /// Every occurrence of `target`, declaration included, in order.
    pub fn references<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.target == target)
    }

    /// Every occurrence, in order.
    pub fn all(&self) -> &[Occurrence] {
        &self.occurrences
    }
}

/// Whether `text` as written is `name` (case-insensitive; quotes around a
/// SQL identifier allowed).
fn same_name(text: &str, name: &str) -> bool {
    let text = text.trim_matches(|c| c == '"' || c == '`');
    text.eq_ignore_ascii_case(name)
}
