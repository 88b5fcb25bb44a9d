//! Walking the tree: the children of an expression, and every expression
//! of a file.

use super::*;

impl Expr {
    /// The direct sub-expressions, left to right.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        match &self.kind {
            ExprKind::Column(_)
            | ExprKind::Param(_)
            | ExprKind::Str(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Duration(_)
            | ExprKind::Typed { .. }
            | ExprKind::Error => {}
            ExprKind::List(items) => out.extend(items),
            ExprKind::Unary { operand, .. } | ExprKind::IsNull { operand, .. } | ExprKind::Cast { operand, .. } => {
                out.push(&**operand)
            }
            ExprKind::Binary { first, rest } => {
                out.push(&**first);
                out.extend(rest.iter().map(|o| &o.rhs));
            }
            ExprKind::InList { operand, list, .. } => {
                out.push(&**operand);
                out.extend(list);
            }
            ExprKind::Between { operand, low, high, .. } => out.extend([&**operand, &**low, &**high]),
            ExprKind::Like { operand, pattern, .. } => out.extend([&**operand, &**pattern]),
            ExprKind::Call { args, .. } => out.extend(args),
            ExprKind::Case { operand, whens, otherwise } => {
                out.extend(operand.as_deref());
                for (w, t) in whens {
                    out.extend([w, t]);
                }
                out.extend(otherwise.as_deref());
            }
            ExprKind::Quantifier(q) => {
                out.extend(q.filter.as_ref());
                if let QuantifierKind::Count { value, .. } = &q.kind {
                    out.push(value);
                }
            }
        }
        out
    }

    /// The direct sub-expressions, mutably.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        let mut out = Vec::new();
        match &mut self.kind {
            ExprKind::Column(_)
            | ExprKind::Param(_)
            | ExprKind::Str(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Duration(_)
            | ExprKind::Typed { .. }
            | ExprKind::Error => {}
            ExprKind::List(items) => out.extend(items),
            ExprKind::Unary { operand, .. } | ExprKind::IsNull { operand, .. } | ExprKind::Cast { operand, .. } => {
                out.push(&mut **operand)
            }
            ExprKind::Binary { first, rest } => {
                out.push(&mut **first);
                out.extend(rest.iter_mut().map(|o| &mut o.rhs));
            }
            ExprKind::InList { operand, list, .. } => {
                out.push(&mut **operand);
                out.extend(list);
            }
            ExprKind::Between { operand, low, high, .. } => out.extend([&mut **operand, &mut **low, &mut **high]),
            ExprKind::Like { operand, pattern, .. } => out.extend([&mut **operand, &mut **pattern]),
            ExprKind::Call { args, .. } => out.extend(args),
            ExprKind::Case { operand, whens, otherwise } => {
                out.extend(operand.as_deref_mut());
                for (w, t) in whens {
                    out.push(w);
                    out.push(t);
                }
                out.extend(otherwise.as_deref_mut());
            }
            ExprKind::Quantifier(q) => {
                let Quantifier { kind, filter, .. } = &mut **q;
                out.extend(filter.as_mut());
                if let QuantifierKind::Count { value, .. } = kind {
                    out.push(value);
                }
            }
        }
        out
    }
}

impl File {
    /// Calls `f` on every top-level expression of the file, in order.
    pub fn for_each_expr<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        for item in &self.items {
            match item {
                Item::Model(m) => m.params.iter().filter_map(|p| p.default.as_ref()).for_each(&mut *f),
                Item::Check(c) => {
                    for entry in &c.entries {
                        match entry {
                            CheckEntry::Call { args, .. } => {
                                for a in args {
                                    f(&a.value);
                                    if let Some(t) = &a.arrow {
                                        f(t);
                                    }
                                }
                            }
                            CheckEntry::Expect { condition, .. } => f(condition),
                        }
                    }
                }
                Item::Journey(j) => {
                    for c in j.goals.iter().chain(&j.exits) {
                        f(&c.condition);
                    }
                    for s in &j.stages {
                        for c in s.entries.iter().chain(&s.exits).chain(&s.milestones) {
                            f(&c.condition);
                        }
                        for step in &s.steps {
                            match &step.kind {
                                StepKind::WaitUntil { condition, .. } => f(condition),
                                StepKind::Decide { branches, .. } => branches.iter().for_each(|b| f(&b.condition)),
                                _ => {}
                            }
                        }
                    }
                }
                Item::Source(_) | Item::Pipeline(_) | Item::Function(_) => {}
            }
        }
    }

    /// Calls `f` on every top-level expression of the file (criteria, check
    /// conditions and arguments, parameter defaults, branch conditions).
    pub fn for_each_expr_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        for item in &mut self.items {
            match item {
                Item::Model(m) => m.params.iter_mut().filter_map(|p| p.default.as_mut()).for_each(&mut *f),
                Item::Check(c) => {
                    for entry in &mut c.entries {
                        match entry {
                            CheckEntry::Call { args, .. } => {
                                for a in args {
                                    f(&mut a.value);
                                    if let Some(t) = &mut a.arrow {
                                        f(t);
                                    }
                                }
                            }
                            CheckEntry::Expect { condition, .. } => f(condition),
                        }
                    }
                }
                Item::Journey(j) => {
                    for c in j.goals.iter_mut().chain(&mut j.exits) {
                        f(&mut c.condition);
                    }
                    for s in &mut j.stages {
                        for c in s.entries.iter_mut().chain(&mut s.exits).chain(&mut s.milestones) {
                            f(&mut c.condition);
                        }
                        for step in &mut s.steps {
                            match &mut step.kind {
                                StepKind::WaitUntil { condition, .. } => f(condition),
                                StepKind::Decide { branches, .. } => {
                                    branches.iter_mut().for_each(|b| f(&mut b.condition))
                                }
                                _ => {}
                            }
                        }
                    }
                }
                Item::Source(_) | Item::Pipeline(_) | Item::Function(_) => {}
            }
        }
    }
}
