//! Joins a warehouse lacks. `natural join` (columns matched by name) is
//! not in BigQuery's grammar, and Trino parses it but answers "Natural join
//! not supported"; the columns it joins on are not known here, so it is
//! E0600 there, and Redshift reads it. Semi and anti joins (Spark's,
//! DuckDB's) and MySQL's `straight_join` are in none of the three.

use cjo_project::Dialect;
use sqlparser::ast::{JoinConstraint, JoinOperator, Spanned, TableFactor, TableWithJoins};

use super::Rewriter;

/// Reports the joins of `from` the target lacks. Run before the tables'
/// names are rewritten, which loses their places.
pub(super) fn check(r: &mut Rewriter<'_, '_>, from: &[TableWithJoins]) {
    if r.cx.native {
        return;
    }
    // Joins in brackets, `a join (b natural join c)`, too.
    for t in from {
        for factor in std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)) {
            if let TableFactor::NestedJoin { table_with_joins, .. } = factor {
                check(r, std::slice::from_ref(table_with_joins.as_ref()));
            }
        }
    }
    for join in from.iter().flat_map(|t| &t.joins) {
        let span = join.relation.span();
        let (construct, help) = match &join.join_operator {
            JoinOperator::Semi(_) | JoinOperator::LeftSemi(_) | JoinOperator::RightSemi(_) => {
                ("a semi join", "keep the rows that have a match with `where exists (select 1 from … where …)`")
            }
            JoinOperator::Anti(_) | JoinOperator::LeftAnti(_) | JoinOperator::RightAnti(_) => {
                ("an anti join", "keep the rows that have no match with `where not exists (select 1 from … where …)`")
            }
            JoinOperator::StraightJoin(_) => ("`straight_join`", "write `join`"),
            JoinOperator::Join(JoinConstraint::Natural)
            | JoinOperator::Inner(JoinConstraint::Natural)
            | JoinOperator::Left(JoinConstraint::Natural)
            | JoinOperator::LeftOuter(JoinConstraint::Natural)
            | JoinOperator::Right(JoinConstraint::Natural)
            | JoinOperator::RightOuter(JoinConstraint::Natural)
            | JoinOperator::FullOuter(JoinConstraint::Natural)
                if r.cx.dialect != Dialect::Redshift =>
            {
                ("a `natural` join", "name the columns to join on: `join … using (a, b)`")
            }
            _ => continue,
        };
        r.unsupported(span, construct, help);
    }
}
