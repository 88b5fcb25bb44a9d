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

/// The deepest a written type may nest (`array<array<…>>`,
/// `struct<a: struct<…>>`): far past any warehouse's own limit (BigQuery
/// allows 15 levels), and low enough for the recursive passes over types
/// (checking, printing, formatting) on a small thread stack.
pub const MAX_TYPE_DEPTH: usize = 128;

/// Reports and dismantles every written type nested deeper than
/// [`MAX_TYPE_DEPTH`]: columns, parameters, `fn` signatures and casts.
/// Types nest without brackets the lexer counts (`<` is also an operator).
pub(super) fn guard_types(file: FileId, ast: &mut File, out: &mut Vec<Diagnostic>) {
    for item in &mut ast.items {
        match item {
            Item::Source(s) => s.columns.iter_mut().for_each(|c| guard_type(file, &mut c.ty, out)),
            Item::Model(m) => m.params.iter_mut().for_each(|p| guard_type(file, &mut p.ty, out)),
            Item::Function(f) => {
                f.params.iter_mut().for_each(|p| guard_type(file, &mut p.ty, out));
                guard_type(file, &mut f.ret, out);
            }
            _ => {}
        }
    }
    ast.for_each_expr_mut(&mut |root: &mut Expr| {
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            if let ExprKind::Cast { ty, .. } = &mut e.kind {
                guard_type(file, ty, out);
            }
            stack.extend(e.children_mut());
        }
    });
}

fn guard_type(file: FileId, t: &mut TypeExpr, out: &mut Vec<Diagnostic>) {
    if type_depth(t) <= MAX_TYPE_DEPTH {
        return;
    }
    out.push(
        Diagnostic::error(
            diag::NESTING_TOO_DEEP,
            Span::new(file, t.range),
            format!("type nested more than {MAX_TYPE_DEPTH} levels deep"),
        )
        .with_help("no warehouse stores such a type: flatten it"),
    );
    let error = TypeExpr { kind: TypeKind::Error, range: t.range };
    let mut stack = vec![std::mem::replace(t, error)];
    // Dropped node by node, so that dropping cannot recurse.
    while let Some(mut t) = stack.pop() {
        match &mut t.kind {
            TypeKind::Array(inner) => {
                let range = inner.range;
                stack.push(std::mem::replace(inner.as_mut(), TypeExpr { kind: TypeKind::Error, range }));
            }
            TypeKind::Struct(fields) => {
                for f in fields {
                    let range = f.ty.range;
                    stack.push(std::mem::replace(&mut f.ty, TypeExpr { kind: TypeKind::Error, range }));
                }
            }
            _ => {}
        }
    }
}

fn type_depth(root: &TypeExpr) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((t, d)) = stack.pop() {
        max = max.max(d);
        if max > MAX_TYPE_DEPTH {
            break;
        }
        match &t.kind {
            TypeKind::Array(inner) => stack.push((inner, d + 1)),
            TypeKind::Struct(fields) => stack.extend(fields.iter().map(|f| (&f.ty, d + 1))),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_too_deep_is_reported_once_and_emptied() {
        let deep = |n: usize| format!("source s = \"t\" {{ a: {}int{} }}", "array<".repeat(n), ">".repeat(n));
        let parse = crate::parse(FileId(0), &deep(MAX_TYPE_DEPTH + 1));
        let codes: Vec<_> = parse.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [diag::NESTING_TOO_DEEP]);
        let Some(Item::Source(s)) = parse.file.items.first() else { panic!("no source") };
        assert_eq!(s.columns.first().map(|c| &c.ty.kind), Some(&TypeKind::Error));
        assert!(crate::parse(FileId(0), &deep(MAX_TYPE_DEPTH - 1)).diagnostics.is_empty());
        let cast =
            format!("check s {{ expect \"x\": cast(a as {}int{}) is null }}", "array<".repeat(200), ">".repeat(200));
        let parse = crate::parse(FileId(0), &cast);
        assert!(parse.diagnostics.iter().any(|d| d.code == diag::NESTING_TOO_DEEP), "{:?}", parse.diagnostics);
    }
}
