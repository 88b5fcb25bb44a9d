//! The tables a query can see, and how a column name finds its column.

use std::collections::BTreeSet;

use crate::schema::{ColumnRef, OutputColumn};
use crate::ty::Ty;

/// Why a value's type is no column type (unknown, `null`, an interval):
/// so that a model's column of that type is reported once, where the type
/// was lost, and not again wherever it flows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Untyped {
    /// An error was reported where the type was lost.
    Reported,
    /// A construct whose type cjo does not know: where, and what it is.
    At(cjo_diagnostics::Span, String),
    /// A column of another model, untyped there (reported there, at this
    /// place).
    Upstream(cjo_diagnostics::Span),
}

/// A column as a query sees it.
#[derive(Clone, Debug)]
pub(crate) struct Col {
    pub name: String,
    pub ty: Ty,
    pub nullable: bool,
    pub doc: Option<String>,
    pub lineage: BTreeSet<ColumnRef>,
    /// The name was made up from the expression (no alias): a model may
    /// not expose it, even through `*`.
    pub derived: bool,
    /// Why its type is no column type, when it is not.
    pub untyped: Option<Untyped>,
}

impl Col {
    /// A column of a named relation: its lineage is itself.
    pub fn of_relation(relation: &str, c: &OutputColumn) -> Col {
        Col {
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            doc: c.doc.clone(),
            lineage: BTreeSet::from([ColumnRef { relation: relation.to_string(), column: c.name.clone() }]),
            derived: false,
            untyped: (!c.ty.is_column_type()).then(|| c.untyped_at.map_or(Untyped::Reported, Untyped::Upstream)),
        }
    }
}

/// One table of a `from` clause, under the name the query uses for it.
#[derive(Clone, Debug)]
pub(crate) struct Rel {
    /// The alias, or the table's own name.
    pub alias: String,
    pub columns: Vec<Col>,
    /// Columns that are not known (an unknown table, a `pivot`): any name
    /// resolves, to an unknown type, without an error; why they are not.
    pub open: Option<Untyped>,
}

/// Which column a name means: the relation's and the column's index.
pub(crate) type ColumnId = (usize, usize);

/// The `from` clause of one `select`, and the scope around it (for
/// correlated subqueries).
#[derive(Debug, Default)]
pub(crate) struct Scope<'o> {
    pub rels: Vec<Rel>,
    /// Columns joined with `using` or `natural`: a bare name means the
    /// first of them (the warehouses merge them into one).
    pub merged: BTreeSet<String>,
    pub outer: Option<&'o Scope<'o>>,
}

/// The outcome of looking up a column name.
#[derive(Debug)]
pub(crate) enum Lookup<'a> {
    Found(ColumnId, &'a Col),
    /// In an outer query (a correlated reference).
    Outer(&'a Col),
    /// The name is in an open (unknown) relation, unknown for this reason.
    Open(&'a Untyped),
    Ambiguous(Vec<String>),
    /// No relation called like the qualifier.
    NoRelation,
    Missing,
}

impl<'o> Scope<'o> {
    pub fn rel(&self, alias: &str) -> Option<(usize, &Rel)> {
        self.rels.iter().enumerate().find(|(_, r)| r.alias.eq_ignore_ascii_case(alias))
    }

    /// Looks up `column`, or `qualifier.column`.
    pub fn lookup(&self, qualifier: Option<&str>, column: &str) -> Lookup<'_> {
        match self.lookup_here(qualifier, column) {
            Lookup::Missing | Lookup::NoRelation => match self.outer.map(|o| o.lookup(qualifier, column)) {
                Some(Lookup::Found(_, col) | Lookup::Outer(col)) => Lookup::Outer(col),
                Some(Lookup::Open(why)) => Lookup::Open(why),
                Some(Lookup::Ambiguous(names)) => Lookup::Ambiguous(names),
                _ => self.lookup_here(qualifier, column),
            },
            found => found,
        }
    }

    fn lookup_here(&self, qualifier: Option<&str>, column: &str) -> Lookup<'_> {
        if let Some(q) = qualifier {
            let Some((ri, rel)) = self.rel(q) else { return Lookup::NoRelation };
            let same: Vec<usize> = rel
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.name.eq_ignore_ascii_case(column))
                .map(|(i, _)| i)
                .collect();
            if same.len() > 1 {
                return Lookup::Ambiguous(vec![format!("{q}.{column} ({} columns of this name)", same.len())]);
            }
            return match same.first().copied() {
                Some(ci) => rel.columns.get(ci).map_or(Lookup::Missing, |c| Lookup::Found((ri, ci), c)),
                None => rel.open.as_ref().map_or(Lookup::Missing, Lookup::Open),
            };
        }
        let mut hits = Vec::new();
        for (ri, rel) in self.rels.iter().enumerate() {
            for (ci, _) in rel.columns.iter().enumerate().filter(|(_, c)| c.name.eq_ignore_ascii_case(column)) {
                hits.push((ri, ci));
            }
        }
        let merged = self.merged.contains(&column.to_ascii_lowercase());
        match hits.as_slice() {
            [] => self.rels.iter().find_map(|r| r.open.as_ref()).map_or(Lookup::Missing, Lookup::Open),
            [(ri, ci), ..] if hits.len() == 1 || merged => {
                self.col(*ri, *ci).map_or(Lookup::Missing, |c| Lookup::Found((*ri, *ci), c))
            }
            _ => Lookup::Ambiguous(
                hits.iter()
                    .filter_map(|(ri, ci)| Some(format!("{}.{}", self.rels.get(*ri)?.alias, self.col(*ri, *ci)?.name)))
                    .collect(),
            ),
        }
    }

    pub fn col(&self, rel: usize, col: usize) -> Option<&Col> {
        self.rels.get(rel)?.columns.get(col)
    }

    /// Every column name visible here, for "did you mean".
    pub fn column_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.rels.iter().flat_map(|r| r.columns.iter().map(|c| c.name.clone())).collect();
        if let Some(outer) = self.outer {
            names.extend(outer.column_names());
        }
        names
    }

    pub fn aliases(&self) -> Vec<&str> {
        self.rels.iter().map(|r| r.alias.as_str()).collect()
    }
}
