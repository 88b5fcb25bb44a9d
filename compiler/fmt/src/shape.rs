//! What the printer needs to know about a file's structure, read from its
//! syntax tree and attached to its tokens: where members start and end,
//! which braces open blocks and which a SQL body, which `-`/`+` are unary
//! and which `<`/`>` bracket a type.

use std::collections::BTreeSet;

use cjo_diagnostics::TextRange;
use cjo_syntax::ast::*;
use cjo_syntax::token::{Spanned, Token};

/// The structure of one file, per token.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    /// Every member's range (declarations, columns, settings, params, SQL
    /// bodies, check entries, criteria, stages, steps, branches, arms),
    /// sorted by start, outer members before the members they contain.
    pub members: Vec<TextRange>,
    /// One entry per lexed token, same index.
    pub flags: Vec<Flags>,
}

/// What one token is, beyond its kind.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Flags {
    /// The first token of a member.
    pub member_start: bool,
    /// A `{` or `}` of a block of members.
    pub block_open: bool,
    pub block_close: bool,
    /// The `{` or `}` around a verbatim SQL body.
    pub sql_open: bool,
    pub sql_close: bool,
    /// A prefix `-` or `+`.
    pub unary: bool,
    /// The `<` or `>` of `array<…>`, `struct<…>` or a `fn`'s type parameters.
    pub angle_open: bool,
    pub angle_close: bool,
    /// The `(` of a stage's or step's `(was old)`, set off from the name.
    pub was_open: bool,
}

impl Shape {
    pub(crate) fn of(file: &mut File, tokens: &[Spanned<'_>]) -> Shape {
        let mut c = Collector::default();
        for item in &file.items {
            c.item(item, tokens);
        }
        file.for_each_expr_mut(&mut |e: &mut Expr| c.expr(e));

        let mut flags = vec![Flags::default(); tokens.len()];
        let member_starts: BTreeSet<u32> = c.members.iter().map(|m| m.start).collect();
        c.types.sort();
        let mut prev: Option<&Token<'_>> = None;
        for (i, (t, f)) in tokens.iter().zip(flags.iter_mut()).enumerate() {
            let start = t.range.start;
            let next_is_body = matches!(tokens.get(i + 1).map(|n| n.token), Some(Token::SqlBody(_)));
            let prev_is_body = matches!(prev, Some(Token::SqlBody(_)));
            f.member_start = member_starts.contains(&start);
            f.unary = c.unary.contains(&start);
            match t.token {
                Token::LBrace => (f.sql_open, f.block_open) = (next_is_body, !next_is_body),
                Token::RBrace => (f.sql_close, f.block_close) = (prev_is_body, !prev_is_body),
                Token::Lt => f.angle_open = c.angles.contains(&start) || inside(&c.types, start),
                Token::Gt => f.angle_close = c.angles.contains(&start) || inside(&c.types, start),
                Token::LParen => f.was_open = c.was.contains(&start),
                _ => {}
            }
            prev = Some(&t.token);
        }
        for m in &mut c.members {
            // The `,` or `;` after a member belongs to it.
            let next = tokens.iter().skip(token_at(tokens, m.end)).find(|t| !matches!(t.token, Token::DocComment(_)));
            if let Some(sep) = next.filter(|t| matches!(t.token, Token::Comma | Token::Semi)) {
                m.end = sep.range.end;
            }
        }
        c.members.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        Shape { members: c.members, flags }
    }
}

/// Whether `offset` lies inside one of the sorted, disjoint `ranges`.
fn inside(ranges: &[TextRange], offset: u32) -> bool {
    let i = ranges.partition_point(|r| r.start <= offset);
    i.checked_sub(1).and_then(|i| ranges.get(i)).is_some_and(|r| offset < r.end)
}

/// The index of the first token starting at or after `offset`.
fn token_at(tokens: &[Spanned<'_>], offset: u32) -> usize {
    tokens.partition_point(|t| t.range.start < offset)
}

#[derive(Default)]
struct Collector {
    members: Vec<TextRange>,
    unary: BTreeSet<u32>,
    /// Ranges of written types (outermost only).
    types: Vec<TextRange>,
    /// `<` and `>` of `fn` type parameter lists.
    angles: BTreeSet<u32>,
    /// The `(` of each `(was old)`.
    was: BTreeSet<u32>,
}

impl Collector {
    fn item(&mut self, item: &Item, tokens: &[Spanned<'_>]) {
        self.members.push(item.range());
        match item {
            Item::Source(s) => {
                self.members.extend(s.columns.iter().map(|c| c.range));
                self.types.extend(s.columns.iter().map(|c| c.ty.range));
                self.settings(&s.settings);
            }
            Item::Model(m) => {
                self.settings(&m.settings);
                self.members.extend(m.params.iter().map(|p| p.range));
                self.types.extend(m.params.iter().map(|p| p.ty.range));
                self.members.extend(m.bodies.iter().map(|b| b.range));
            }
            Item::Check(c) => self.members.extend(c.entries.iter().map(CheckEntry::range)),
            Item::Pipeline(p) => self.settings(&p.settings),
            Item::Function(f) => {
                self.settings(&f.templates);
                self.types.extend(f.params.iter().map(|p| p.ty.range));
                self.types.push(f.ret.range);
                if !f.type_params.is_empty() {
                    self.type_params(f, tokens);
                }
            }
            Item::Journey(j) => {
                self.settings(&j.settings);
                self.members.extend(j.goals.iter().chain(&j.exits).map(|c| c.range));
                for s in &j.stages {
                    self.members.push(s.range);
                    self.was.extend(s.was.iter().map(|w| w.range.start));
                    self.was.extend(s.steps.iter().filter_map(|st| st.was.as_ref()).map(|w| w.range.start));
                    let criteria = s.entries.iter().chain(&s.exits).chain(&s.milestones);
                    self.members.extend(criteria.map(|c| c.range));
                    self.members.extend(s.moved.iter().map(|m| m.range));
                    for step in &s.steps {
                        self.step(step, tokens);
                    }
                }
            }
        }
    }

    fn settings(&mut self, settings: &[Setting]) {
        self.members.extend(settings.iter().map(|s| s.range));
    }

    fn step(&mut self, step: &Step, tokens: &[Spanned<'_>]) {
        self.members.push(step.range);
        match &step.kind {
            StepKind::Decide { branches, range, .. } => {
                self.members.extend(branches.iter().map(|b| b.range));
                self.else_branches(branches, *range, tokens);
            }
            StepKind::AbTest { arms } => self.members.extend(arms.iter().map(|a| a.range)),
            _ => {}
        }
    }

    /// `else -> step` has no node of its own: its member range runs from
    /// the `else` (one outside every `when` branch) to the step it names.
    fn else_branches(&mut self, branches: &[Branch], decide: TextRange, tokens: &[Spanned<'_>]) {
        let first = token_at(tokens, decide.start);
        let last = token_at(tokens, decide.end);
        let in_branch = |offset: u32| branches.iter().any(|b| b.range.start <= offset && offset < b.range.end);
        for i in first..last {
            let Some(t) = tokens.get(i) else { break };
            if !t.token.is_word("else") || in_branch(t.range.start) {
                continue;
            }
            let arrow = tokens.get(i + 1).filter(|a| a.token == Token::Arrow);
            let target = tokens.get(i + 2).filter(|n| arrow.is_some() && matches!(n.token, Token::Ident(_)));
            let end = target.map_or(t.range.end, |n| n.range.end);
            self.members.push(TextRange::new(t.range.start, end));
        }
    }

    /// Marks the `<` and `>` around `fn name<T, U>`.
    fn type_params(&mut self, f: &Function, tokens: &[Spanned<'_>]) {
        let open = token_at(tokens, f.name.range.end);
        if !matches!(tokens.get(open).map(|t| t.token), Some(Token::Lt)) {
            return;
        }
        let close = tokens.iter().skip(open).find(|t| t.token == Token::Gt);
        if let (Some(o), Some(c)) = (tokens.get(open), close) {
            self.angles.insert(o.range.start);
            self.angles.insert(c.range.start);
        }
    }

    /// Records the unary operators and cast types of one top-level
    /// expression, walking its tree without recursion.
    fn expr(&mut self, root: &Expr) {
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Unary { op: UnaryOp::Neg | UnaryOp::Plus, op_range, .. } => {
                    self.unary.insert(op_range.start);
                }
                ExprKind::Cast { ty, .. } => self.types.push(ty.range),
                _ => {}
            }
            stack.extend(e.children());
        }
    }
}
