//! The occurrences the syntax trees show without the SQL checker:
//! declarations, the names settings refer to (`profiles = customers`,
//! `run = [daily_watch]`, `time_column = at`, `unique_key = [id]`, a
//! journey's `key` in its profiles and events), step and stage references, the columns of
//! checks and journey criteria, and `$params` in SQL bodies.

use std::collections::BTreeMap;

use cjo_diagnostics::{FileId, Span, TextRange};
use cjo_project::{FileKind, Workspace};
use cjo_syntax::ast::{self, CheckEntry, Expr, ExprKind, Item, StepKind, ValueKind};

use super::{Occurrence, Target};
use crate::Analysis;
use crate::settings;

/// What the walk needs to know about every declared name.
struct Walk<'a> {
    analysis: &'a Analysis,
    /// Every top-level name (lowercase) and its keyword.
    kinds: BTreeMap<String, &'static str>,
    functions: BTreeMap<String, ()>,
    file: FileId,
    out: Vec<Occurrence>,
}

pub(super) fn occurrences(ws: &Workspace, analysis: &Analysis) -> Vec<Occurrence> {
    let mut kinds = BTreeMap::new();
    let mut functions = BTreeMap::new();
    for module in &ws.modules {
        for item in &module.ast.items {
            let key = item.name().text.to_ascii_lowercase();
            match item {
                Item::Function(_) => {
                    functions.insert(key, ());
                }
                Item::Check(_) => {}
                _ => {
                    kinds.entry(key).or_insert(item.keyword());
                }
            }
        }
    }
    let mut walk = Walk { analysis, kinds, functions, file: FileId(0), out: Vec::new() };
    for module in &ws.modules {
        let Some(file) = ws.file(module.file) else { continue };
        walk.file = module.file;
        if file.kind == FileKind::Stdlib {
            // Only the declarations: calls in the library are not the user's.
            for item in &module.ast.items {
                if let Item::Function(f) = item {
                    walk.def(f.name.range, Target::Function(lower(&f.name.text)));
                }
            }
            continue;
        }
        for item in &module.ast.items {
            walk.item(item, &file.text);
        }
    }
    walk.out
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl Walk<'_> {
    fn push(&mut self, range: TextRange, target: Target, def: bool) {
        if !range.is_empty() {
            self.out.push(Occurrence { span: Span::new(self.file, range), target, def });
        }
    }

    fn def(&mut self, range: TextRange, target: Target) {
        self.push(range, target, true);
    }

    fn use_(&mut self, range: TextRange, target: Target) {
        self.push(range, target, false);
    }

    /// A name used where a source, model, journey or pipeline is meant.
    fn item_ref(&mut self, name: &ast::Name) {
        let key = lower(&name.text);
        let target = match self.kinds.get(&key) {
            Some(&"source" | &"model") => Target::Relation(key),
            Some(&"journey") => Target::Journey(key),
            Some(&"pipeline") => Target::Pipeline(key),
            _ => return,
        };
        self.use_(name.range, target);
    }

    fn item(&mut self, item: &Item, text: &str) {
        match item {
            Item::Source(s) => {
                let rel = lower(&s.name.text);
                self.def(s.name.range, Target::Relation(rel.clone()));
                for c in &s.columns {
                    self.def(c.name.range, Target::Column { relation: rel.clone(), column: lower(&c.name.text) });
                }
                if let Some(t) = settings::get(&s.settings, "time_column").and_then(|t| settings::word(&t.value)) {
                    self.column(&rel, &t);
                }
            }
            Item::Model(m) => self.model(m, text),
            Item::Check(c) => self.check(c),
            Item::Journey(j) => self.journey(j),
            Item::Pipeline(p) => {
                self.def(p.name.range, Target::Pipeline(lower(&p.name.text)));
                if let Some(s) = settings::get(&p.settings, "run") {
                    for name in settings::words(&s.value) {
                        self.item_ref(&name);
                    }
                }
            }
            Item::Function(f) => self.def(f.name.range, Target::Function(lower(&f.name.text))),
        }
    }

    fn model(&mut self, m: &ast::Model, text: &str) {
        let model = lower(&m.name.text);
        self.def(m.name.range, Target::Relation(model.clone()));
        for p in &m.params {
            self.def(p.name.range, Target::Param { model: model.clone(), param: lower(&p.name.text) });
        }
        // `materialized = incremental(unique_key = [a, b])` names the
        // model's own columns.
        if let Some(ValueKind::Call { args, .. }) = settings::get(&m.settings, "materialized").map(|s| &s.value.kind) {
            for key in args.iter().filter(|a| a.key.text == "unique_key") {
                for name in settings::words(&key.value) {
                    self.column(&model, &name);
                }
            }
        }
        // The output columns: where the analysis says each is computed,
        // narrowed to its name (`as watch_seconds`, or `w.user_id`'s last
        // part); a column made by `*` has no name of its own to point at.
        if let Some(rel) = self.analysis.relation(&model) {
            for c in &rel.columns {
                let Some(span) = c.span.filter(|s| s.file == self.file) else { continue };
                if let Some(range) = name_at_end(span.range, text, &c.name) {
                    self.def(range, Target::Column { relation: model.clone(), column: lower(&c.name) });
                }
            }
        }
        for body in &m.bodies {
            for (range, name) in dollar_names(&body.text, body.text_range.start) {
                if m.params.iter().any(|p| p.name.text.eq_ignore_ascii_case(name)) {
                    self.use_(range, Target::Param { model: model.clone(), param: lower(name) });
                }
            }
        }
    }

    fn check(&mut self, c: &ast::Check) {
        let rel = lower(&c.target.text);
        self.item_ref(&c.target);
        let scope = [rel.clone()];
        for entry in &c.entries {
            match entry {
                CheckEntry::Call { args, .. } => {
                    for a in args {
                        self.expr(&a.value, &scope);
                        if let Some(ExprKind::Column(parts)) = a.arrow.as_ref().map(|e| &e.kind) {
                            if let [table, column] = parts.as_slice() {
                                self.item_ref(table);
                                self.column(&lower(&table.text), column);
                            }
                        }
                    }
                }
                CheckEntry::Expect { condition, .. } => self.expr(condition, &scope),
            }
        }
    }

    fn journey(&mut self, j: &ast::Journey) {
        let journey = lower(&j.name.text);
        self.def(j.name.range, Target::Journey(journey.clone()));
        let profiles = settings::get(&j.settings, "profiles").and_then(|s| settings::word(&s.value));
        for key in ["profiles", "events"] {
            if let Some(s) = settings::get(&j.settings, key) {
                for name in settings::words(&s.value) {
                    self.item_ref(&name);
                }
            }
        }
        let profile = profiles.map(|p| lower(&p.text)).unwrap_or_default();
        // The key names a column of the profiles and of every event
        // relation: one name, several targets, renamed together.
        if let Some(k) = settings::get(&j.settings, "key").and_then(|s| settings::word(&s.value)) {
            self.column(&profile, &k);
            if let Some(events) = settings::get(&j.settings, "events") {
                for e in settings::words(&events.value) {
                    self.column(&lower(&e.text), &k);
                }
            }
        }
        let scope = [profile];
        for c in j.goals.iter().chain(&j.exits) {
            self.expr(&c.condition, &scope);
        }
        for stage in &j.stages {
            let stage_name = lower(&stage.name.text);
            self.def(stage.name.range, Target::Stage { journey: journey.clone(), stage: stage_name.clone() });
            for c in stage.entries.iter().chain(&stage.exits).chain(&stage.milestones) {
                self.expr(&c.condition, &scope);
            }
            let step = |n: &ast::Name| Target::Step {
                journey: journey.clone(),
                stage: stage_name.clone(),
                step: lower(&n.text),
            };
            // `moved old -> end` names the stage's end unless a step is
            // named `end`; `old` is a step no longer declared.
            for m in &stage.moved {
                if m.to.as_str() != "end" || stage.steps.iter().any(|s| s.name.as_str() == "end") {
                    self.use_(m.to.range, step(&m.to));
                }
            }
            for s in &stage.steps {
                self.def(s.name.range, step(&s.name));
                if let Some(next) = &s.next {
                    self.use_(next.range, step(next));
                }
                match &s.kind {
                    StepKind::WaitUntil { condition, on_timeout, .. } => {
                        self.expr(condition, &scope);
                        self.use_(on_timeout.range, step(on_timeout));
                    }
                    StepKind::Decide { branches, otherwise, .. } => {
                        for b in branches {
                            self.expr(&b.condition, &scope);
                            self.use_(b.target.range, step(&b.target));
                        }
                        if let Some(o) = otherwise {
                            self.use_(o.range, step(o));
                        }
                    }
                    StepKind::AbTest { arms } => {
                        for a in arms {
                            self.use_(a.target.range, step(&a.target));
                        }
                    }
                    StepKind::Jump { journey: other, stage: to } => {
                        let target_journey = other.as_ref().map_or_else(|| journey.clone(), |o| lower(&o.text));
                        if let Some(o) = other {
                            self.item_ref(o);
                        }
                        self.use_(to.range, Target::Stage { journey: target_journey, stage: lower(&to.text) });
                    }
                    _ => {}
                }
            }
        }
    }

    /// A column of `relation` named in a `.cjo` expression.
    fn column(&mut self, relation: &str, name: &ast::Name) {
        let known = self.analysis.relation(relation).and_then(|r| r.column(&name.text)).is_some();
        if known {
            self.use_(name.range, Target::Column { relation: relation.to_string(), column: lower(&name.text) });
        }
    }

    /// The names in an expression of a check or a criterion: columns
    /// (looked up in `scope`, innermost first), quantified event
    /// relations and function calls.
    fn expr(&mut self, e: &Expr, scope: &[String]) {
        // Deep expressions are bounded by the parser; grow the stack
        // rather than overflow a small thread's (as the checker does).
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e, scope));
    }

    fn expr_inner(&mut self, e: &Expr, scope: &[String]) {
        match &e.kind {
            ExprKind::Column(parts) => match parts.as_slice() {
                [c] => {
                    let found =
                        scope.iter().find(|r| self.analysis.relation(r).and_then(|rel| rel.column(&c.text)).is_some());
                    if let Some(r) = found.cloned() {
                        self.column(&r, c);
                    }
                }
                [q, c, ..] => {
                    if scope.iter().any(|r| r.eq_ignore_ascii_case(&q.text)) {
                        self.item_ref(q);
                        self.column(&lower(&q.text), c);
                    }
                }
                [] => {}
            },
            ExprKind::Call { name, .. } if self.functions.contains_key(&lower(&name.text)) => {
                self.use_(name.range, Target::Function(lower(&name.text)));
            }
            ExprKind::Quantifier(q) => {
                self.item_ref(&q.events);
                let mut inner = vec![lower(&q.events.text)];
                inner.extend(scope.iter().cloned());
                if let Some(f) = &q.filter {
                    self.expr(f, &inner);
                }
                if let ast::QuantifierKind::Count { value, .. } = &q.kind {
                    self.expr(value, scope);
                }
                return;
            }
            _ => {}
        }
        for child in e.children() {
            self.expr(child, scope);
        }
    }
}

/// The range of `name` at the end of `range` in `text` (`watch_seconds`
/// in `sum(x) as watch_seconds` is the alias's own span; `w.user_id`
/// ends with `user_id`).
fn name_at_end(range: TextRange, text: &str, name: &str) -> Option<TextRange> {
    let written = range.slice(text);
    let trimmed = written.trim_end_matches(['"', '`']);
    let quote = written.len() - trimmed.len();
    let start = trimmed.len().checked_sub(name.len())?;
    let tail = trimmed.get(start..)?;
    let before = trimmed.get(..start)?.chars().next_back();
    let boundary = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
    if !tail.eq_ignore_ascii_case(name) || !boundary {
        return None;
    }
    let end = range.end.saturating_sub(u32::try_from(quote).ok()?);
    let len = u32::try_from(name.len()).ok()?;
    Some(TextRange::new(end.saturating_sub(len), end))
}

/// The `$name`s of a SQL body outside strings, quoted names and comments,
/// with their ranges (the name without `$`) in the file.
pub(super) fn dollar_names(body: &str, base: u32) -> Vec<(TextRange, &str)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(end) = crate::sql::spans::opaque_end(bytes, i) {
            i = end + 1;
            continue;
        }
        if b != b'$' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            end += 1;
        }
        if let Some(name) = body.get(start..end).filter(|n| !n.is_empty()) {
            let at = |n: usize| base.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            out.push((TextRange::new(at(start), at(end)), name));
        }
        i = end.max(i + 1);
    }
    out
}
