//! A goal or journey-level exit that holds for every customer before they
//! enter blocks every entry (E0511): a customer enters only when neither
//! holds, and before entry an anchored quantifier (`… since journey_start`)
//! has no start, so it does not hold and `not (…)` of it always does.
//!
//! The criterion is evaluated with what is known before entry, in SQL's
//! three-valued logic: an anchored quantifier is false, a literal `true` or
//! `false` is itself, anything else (profile values, unanchored
//! quantifiers) is unknown. Only a criterion that is then certainly true is
//! reported: it holds whatever the customer's data.

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span};
use cjo_syntax::ast::{BinaryOp, Expr, ExprKind, Journey, UnaryOp};

/// Reports the goals and journey-level exits of `journey` that hold for
/// everyone before entry.
pub(crate) fn check(file: FileId, journey: &Journey, out: &mut Vec<Diagnostic>) {
    let criteria = journey.goals.iter().map(|c| ("goal", &c.condition));
    for (what, condition) in criteria.chain(journey.exits.iter().map(|c| ("exit", &c.condition))) {
        if before_entry(condition) == Truth::True {
            out.push(blocks_every_entry(Span::new(file, condition.range), what, &journey.name.text));
        }
    }
}

/// E0511.
fn blocks_every_entry(span: Span, what: &str, journey: &str) -> Diagnostic {
    Diagnostic::error(
        codes::BLOCKS_EVERY_ENTRY,
        span,
        format!("this {what} holds for every customer before they enter, so nobody ever enters `{journey}`"),
    )
    .with_label("true before entry")
    .with_help(
        "before entry `since journey_start` has no start: `any … since journey_start` does not hold, so `not (any …)` always does. \
         For \"no such event since the customer entered\", write `count … since journey_start = 0`, which does not hold before entry",
    )
}

/// A truth value of SQL's three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    fn or(self, other: Truth) -> Truth {
        self.not().and(other.not()).not()
    }
}

/// What `e` is for a customer not yet in the journey, whatever their data.
fn before_entry(e: &Expr) -> Truth {
    match &e.kind {
        ExprKind::Quantifier(q) if q.since.is_some() => Truth::False,
        ExprKind::Bool(true) => Truth::True,
        ExprKind::Bool(false) => Truth::False,
        ExprKind::Unary { op: UnaryOp::Not, operand, .. } => before_entry(operand).not(),
        ExprKind::Binary { first, rest } => {
            // A run of one operator is one node; `and` and `or` never share
            // a run (their precedences differ).
            let mut value = before_entry(first);
            for operation in rest {
                let rhs = before_entry(&operation.rhs);
                value = match operation.op {
                    BinaryOp::And => value.and(rhs),
                    BinaryOp::Or => value.or(rhs),
                    _ => return Truth::Unknown,
                };
            }
            value
        }
        _ => Truth::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        use Truth::*;
        assert_eq!(True.and(Unknown), Unknown);
        assert_eq!(False.and(Unknown), False);
        assert_eq!(True.or(Unknown), True);
        assert_eq!(False.or(Unknown), Unknown);
        assert_eq!(Unknown.not(), Unknown);
    }
}
