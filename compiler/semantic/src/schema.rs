//! What the analysis produces for later stages, the manifest and hover:
//! relations (sources and models) with their columns, types, docs and
//! column lineage.

use std::collections::BTreeSet;

use cjo_diagnostics::Span;

use crate::ty::Ty;

/// A table a model can read: a source, or a model's output.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub name: String,
    pub kind: RelationKind,
    /// Where the relation is declared (its name).
    pub span: Span,
    pub doc: Option<String>,
    /// In output order.
    pub columns: Vec<OutputColumn>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelationKind {
    /// A warehouse table: its name as written (`"raw.watch_events"`), and
    /// its `time_column` when that names one of its timestamp columns (as
    /// declared).
    Source {
        table: String,
        time_column: Option<String>,
    },
    Model,
}

impl Relation {
    pub fn column(&self, name: &str) -> Option<&OutputColumn> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn is_model(&self) -> bool {
        self.kind == RelationKind::Model
    }
}

/// A column of a relation.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputColumn {
    pub name: String,
    pub ty: Ty,
    /// `false` when the column is known never to be null.
    pub nullable: bool,
    /// The column's doc: declared on a source column, or passed through
    /// from the upstream column a model selects unchanged.
    pub doc: Option<String>,
    /// The upstream columns (of sources and models) this column is computed
    /// from; empty for a source's own columns and for constants.
    pub lineage: BTreeSet<ColumnRef>,
    /// Where the column is declared or computed.
    pub span: Option<Span>,
    /// When its type is no column type (unknown, `null`): the construct
    /// where it was lost, reported there; `None` when an error explains it.
    pub untyped_at: Option<Span>,
}

/// A column of a named relation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnRef {
    pub relation: String,
    pub column: String,
}

impl std::fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.relation, self.column)
    }
}
