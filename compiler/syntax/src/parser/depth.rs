//! A last guard against deep trees: prefix chains (`not not not …`) and
//! nested quantifiers nest without brackets, so the lexer's bracket limit
//! does not bound them. Measured and dismantled without recursion.

use cjo_diagnostics::{self as diag, Diagnostic, FileId, Span};

use super::MAX_EXPR_DEPTH;
use crate::ast::*;

pub(super) fn guard(file: FileId, ast: &mut File, out: &mut Vec<Diagnostic>) {
    ast.for_each_expr_mut(&mut |e: &mut Expr| {
        if depth(e) > MAX_EXPR_DEPTH {
            out.push(
                Diagnostic::error(
                    diag::NESTING_TOO_DEEP,
                    Span::new(file, e.range),
                    format!("expression nested more than {MAX_EXPR_DEPTH} levels deep"),
                )
                .with_help("split the condition into smaller parts"),
            );
            let deep = std::mem::replace(e, Expr::error(e.range));
            dismantle(deep);
        }
    });
}

fn depth(root: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        if max > MAX_EXPR_DEPTH {
            break;
        }
        stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
    }
    max
}

/// Drops a tree node by node, so that dropping cannot recurse.
fn dismantle(root: Expr) {
    let mut stack = vec![root];
    while let Some(mut e) = stack.pop() {
        for child in e.children_mut() {
            let range = child.range;
            stack.push(std::mem::replace(child, Expr::error(range)));
        }
    }
}
