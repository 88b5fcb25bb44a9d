//! Completion: what may be typed at a place, judged from the text before
//! the cursor (which is usually half-typed, so the syntax tree is only a
//! guide to which declaration the cursor is in).

use std::collections::BTreeSet;

use cjo_diagnostics::{FileId, TextRange};
use cjo_project::{FileKind, Workspace};
use cjo_syntax::ast::{self, Item};
use cjo_syntax::validate;

use crate::Analysis;
use crate::schema::Relation;
use crate::symbols::Symbols;

/// One thing that may be typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label: a type, a signature.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What to insert when it is not the label (a snippet in LSP syntax).
    pub snippet: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    Keyword,
    Source,
    Model,
    Column,
    Function,
    Journey,
    Stage,
    Step,
    Param,
    /// A common table expression of the query being written.
    Cte,
}

/// What may be typed at `offset` in `file`.
pub fn completions(ws: &Workspace, analysis: &Analysis, file: FileId, offset: u32) -> Vec<Completion> {
    let Some(source) = ws.file(file).filter(|f| f.kind == FileKind::Cjo) else { return Vec::new() };
    let text = source.text.as_str();
    let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
    let start = word_start(text, offset);
    let before = text.get(..start as usize).unwrap_or("");
    let cx = Cx { ws, analysis, out: Vec::new() };
    let item = ws
        .modules
        .iter()
        .find(|m| m.file == file)
        .and_then(|m| m.ast.items.iter().find(|i| i.range().touches(offset) && i.range().start < offset));
    cx.run(item, before, offset)
}

struct Cx<'a> {
    ws: &'a Workspace,
    analysis: &'a Analysis,
    out: Vec<Completion>,
}

const TOP: &[&str] = &["source", "model", "check", "journey", "pipeline", "fn"];
/// A model's blocks; its settings come from the checker's table.
const MODEL: &[&str] = &["param", "sql"];
const MATERIALIZED: &[&str] = &["view", "table", "incremental"];
/// A journey's blocks; its settings come from the checker's table.
const JOURNEY: &[&str] = &["goal", "exit", "stage"];
const STAGE: &[&str] = &["entry", "exit", "milestone", "step"];
const STEP_KINDS: &[&str] = &["activate", "wait", "wait until", "decide", "ab_test", "jump", "merge", "end"];
const CRITERIA: &[&str] = &["any", "count", "where", "within", "since", "and", "or", "not", "is", "null", "in"];
const CHECK: &[&str] = &["unique", "not_null", "accepted_values", "references", "expect"];
const SQL: &[&str] = &[
    "select",
    "from",
    "where",
    "join",
    "left join",
    "inner join",
    "on",
    "using",
    "group by",
    "having",
    "order by",
    "qualify",
    "with",
    "as",
    "and",
    "or",
    "not",
    "case",
    "when",
    "then",
    "else",
    "end",
    "cast",
    "distinct",
    "union all",
    "is null",
    "is not null",
    "between",
    "in",
    "like",
    "over",
    "partition by",
    "limit",
];

impl Cx<'_> {
    fn run(mut self, item: Option<&Item>, before: &str, offset: u32) -> Vec<Completion> {
        let prev = last_token(before);
        match item {
            Some(Item::Model(m)) => match m.bodies.iter().find(|b| b.text_range.touches(offset)) {
                Some(body) => self.sql(m, body, before, offset),
                None if prev == "=" && before.trim_end().ends_with("materialized =") => self.keywords(MATERIALIZED),
                None => {
                    self.settings(validate::MODEL_SETTINGS);
                    self.keywords(MODEL);
                }
            },
            Some(Item::Journey(j)) => self.journey(j, before, offset),
            Some(Item::Check(c)) => {
                if let Some(rel) = self.analysis.relation(&c.target.text) {
                    self.columns(rel);
                }
                self.keywords(CHECK);
            }
            Some(Item::Pipeline(_)) => {
                if in_list_of(before, "run") {
                    self.relations(true);
                    self.journeys();
                } else {
                    self.settings(validate::PIPELINE_SETTINGS);
                }
            }
            Some(Item::Source(_) | Item::Function(_)) => {}
            None => self.keywords(TOP),
        }
        let mut seen = BTreeSet::new();
        self.out.retain(|c| seen.insert((c.label.to_ascii_lowercase(), c.kind)));
        self.out
    }

    fn sql(&mut self, model: &ast::Model, body: &ast::SqlBody, before: &str, offset: u32) {
        let in_body = offset.saturating_sub(body.text_range.start) as usize;
        let body_before = body.text.get(..in_body.min(body.text.len())).unwrap_or("");
        let body_before = body_before.get(..body_before.len().min(before.len())).unwrap_or(body_before);
        let tables = tables_in(&body.text);
        if let Some(q) = qualifier(before) {
            let rel = tables.iter().find(|(_, alias)| alias.eq_ignore_ascii_case(q)).map_or(q, |(t, _)| t.as_str());
            if let Some(rel) = self.analysis.relation(rel) {
                self.columns(rel);
            }
            return;
        }
        if before.ends_with('$') {
            self.params(model);
            return;
        }
        let prev = last_token(body_before).to_ascii_lowercase();
        if prev == "from" || prev == "join" {
            for cte in ctes_in(body_before) {
                self.push(cte, CompletionKind::Cte, Some("CTE of this query".into()), None);
            }
            self.relations(true);
            return;
        }
        for (table, _) in &tables {
            if let Some(rel) = self.analysis.relation(table) {
                self.columns(rel);
            }
        }
        self.functions();
        self.keywords(SQL);
    }

    fn journey(&mut self, j: &ast::Journey, before: &str, offset: u32) {
        let prev = last_token(before);
        let stage = j.stages.iter().find(|s| s.range.touches(offset));
        if prev == "->" {
            for s in stage.map(|s| s.steps.as_slice()).unwrap_or_default() {
                self.push(&s.name.text, CompletionKind::Step, Some(format!("step: {}", s.kind.keyword())), None);
            }
            return;
        }
        if prev == "jump" {
            for s in &j.stages {
                self.push(&s.name.text, CompletionKind::Stage, Some(format!("stage of {}", j.name.text)), None);
            }
            self.journeys();
            return;
        }
        if in_list_of(before, "events") || before.trim_end().ends_with("profiles =") || prev == "any" || prev == "count"
        {
            self.relations(false);
            return;
        }
        let line = before.rsplit('\n').next().unwrap_or("");
        if line.trim_start().starts_with("step") && line.contains(':') && prev == ":" {
            self.keywords(STEP_KINDS);
            return;
        }
        let profiles = crate::settings::get(&j.settings, "profiles").and_then(|s| crate::settings::word(&s.value));
        if let Some(q) = qualifier(before) {
            if let Some(rel) = self.analysis.relation(q) {
                self.columns(rel);
            }
            return;
        }
        if line.contains(':') || line.trim_start().starts_with("when") {
            // A criterion: the profile's columns, the events quantified
            // over on this line, functions and the criteria keywords.
            if let Some(rel) = profiles.and_then(|p| self.analysis.relation(&p.text)) {
                self.columns(rel);
            }
            let words: Vec<&str> = line.split(|c: char| !(c.is_alphanumeric() || c == '_')).collect();
            for pair in words.windows(2) {
                if let [kw, name] = pair {
                    if matches!(*kw, "any" | "count") {
                        if let Some(rel) = self.analysis.relation(name) {
                            self.columns(rel);
                        }
                    }
                }
            }
            self.functions();
            self.keywords(CRITERIA);
            return;
        }
        if stage.is_some() {
            self.keywords(STAGE);
        } else {
            self.settings(validate::JOURNEY_SETTINGS);
            self.keywords(JOURNEY);
        }
    }

    fn push(&mut self, label: &str, kind: CompletionKind, detail: Option<String>, doc: Option<String>) {
        self.out.push(Completion { label: label.to_string(), kind, detail, documentation: doc, snippet: None });
    }

    /// Every setting the checker accepts here, with its line as detail.
    fn settings(&mut self, specs: &[validate::Spec]) {
        for (key, _, doc) in specs {
            self.push(key, CompletionKind::Keyword, Some((*doc).to_string()), None);
        }
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.push(w, CompletionKind::Keyword, None, None);
        }
    }

    fn columns(&mut self, rel: &Relation) {
        for c in &rel.columns {
            let null = if c.nullable { "" } else { " not null" };
            self.push(&c.name, CompletionKind::Column, Some(format!("{}{null} — {}", c.ty, rel.name)), c.doc.clone());
        }
    }

    /// Sources and models; with `all`, also the ones not analysed.
    fn relations(&mut self, all: bool) {
        let mut list: Vec<(String, CompletionKind, Option<String>)> = self
            .analysis
            .relations
            .values()
            .map(|r| {
                let kind = if r.is_model() { CompletionKind::Model } else { CompletionKind::Source };
                (r.name.clone(), kind, r.doc.clone())
            })
            .collect();
        if all {
            for m in self.ws.user_modules() {
                for item in &m.ast.items {
                    if let Item::Model(model) = item {
                        list.push((model.name.text.clone(), CompletionKind::Model, None));
                    }
                }
            }
        }
        for (name, kind, doc) in list {
            let detail = if kind == CompletionKind::Model { "model" } else { "source" };
            self.push(&name, kind, Some(detail.to_string()), doc);
        }
    }

    fn journeys(&mut self) {
        for m in self.ws.user_modules() {
            for item in &m.ast.items {
                if let Item::Journey(j) = item {
                    self.push(&j.name.text, CompletionKind::Journey, Some("journey".into()), None);
                }
            }
        }
    }

    fn functions(&mut self) {
        let symbols = Symbols::collect(self.ws, &mut Vec::new());
        for sig in symbols.functions.all() {
            let args: Vec<String> =
                sig.params.iter().enumerate().map(|(i, (n, _))| format!("${{{}:{n}}}", i + 1)).collect();
            self.out.push(Completion {
                label: sig.name.clone(),
                kind: CompletionKind::Function,
                detail: Some(sig.display()),
                documentation: sig.doc.clone(),
                snippet: Some(format!("{}({})", sig.name, args.join(", "))),
            });
        }
    }

    fn params(&mut self, model: &ast::Model) {
        for (name, ty) in crate::models::builtin_params() {
            self.push(&name, CompletionKind::Param, Some(format!("{ty} (built in)")), None);
        }
        for p in &model.params {
            let doc = p.doc.as_ref().map(|d| d.text.clone());
            self.push(&p.name.text, CompletionKind::Param, Some("param".into()), doc);
        }
    }
}

/// The start of the identifier that ends at `offset`.
fn word_start(text: &str, offset: u32) -> u32 {
    let head = text.get(..offset as usize).unwrap_or("");
    let word = head.len() - head.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
    offset.saturating_sub(u32::try_from(word).unwrap_or(0))
}

/// The identifier containing `offset` or ending there, and its range.
pub(super) fn word_at(text: &str, offset: u32) -> Option<(TextRange, &str)> {
    let start = word_start(text, offset);
    let rest = text.get(start as usize..)?;
    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let word = rest.get(..len).filter(|w| !w.is_empty())?;
    Some((TextRange::new(start, start.saturating_add(u32::try_from(len).ok()?)), word))
}

/// The last token of `before`: a word, `->`, or one punctuation character.
fn last_token(before: &str) -> &str {
    let t = before.trim_end();
    if t.ends_with("->") {
        return "->";
    }
    let word = t.len() - t.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
    match word {
        0 => t.get(t.len().saturating_sub(t.chars().next_back().map_or(0, char::len_utf8))..).unwrap_or(""),
        n => t.get(t.len() - n..).unwrap_or(""),
    }
}

/// `o` when `before` ends with `o.` (the cursor is after a qualifier).
fn qualifier(before: &str) -> Option<&str> {
    let head = before.strip_suffix('.')?;
    let start = head.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
    head.get(start..).filter(|q| !q.is_empty())
}

/// Whether `before` is inside the list of the setting `key` (`run = [a, `).
fn in_list_of(before: &str, key: &str) -> bool {
    let Some(open) = before.rfind('[') else { return false };
    let head = before.get(..open).unwrap_or("").trim_end();
    head.strip_suffix('=').is_some_and(|h| h.trim_end().ends_with(key))
        && !before.get(open..).unwrap_or("").contains(']')
}

/// The CTEs defined in `text` (`with a as (…), b as (`): each name written
/// after `with`, `recursive` or `,` and before `as (`.
fn ctes_in(text: &str) -> Vec<&str> {
    // Words, and each other character but blanks on its own.
    let mut words: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || c == '_';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.extend(text.get(s..i));
                start = None;
            }
            _ => {}
        }
        if !in_word && !c.is_whitespace() {
            words.extend(text.get(i..i + c.len_utf8()));
        }
    }
    words.extend(start.and_then(|s| text.get(s..)));
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let opens =
            |j: usize| words.get(j).is_some_and(|a| a.eq_ignore_ascii_case("as")) && words.get(j + 1) == Some(&"(");
        let after = i
            .checked_sub(1)
            .and_then(|j| words.get(j))
            .is_some_and(|p| p.eq_ignore_ascii_case("with") || p.eq_ignore_ascii_case("recursive") || *p == ",");
        if after && opens(i + 1) && w.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') && !out.contains(w)
        {
            out.push(*w);
        }
    }
    out
}

/// The tables a SQL body names after `from` and `join`, with the alias the
/// query uses for each (the table's own name when it has none): read from
/// the text, so that a body that does not parse yet still completes.
fn tables_in(body: &str) -> Vec<(String, String)> {
    const NOT_ALIAS: &[&str] = &[
        "where",
        "join",
        "left",
        "right",
        "inner",
        "outer",
        "full",
        "cross",
        "on",
        "using",
        "group",
        "order",
        "having",
        "qualify",
        "limit",
        "union",
        "except",
        "intersect",
        "window",
    ];
    let words: Vec<&str> =
        body.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if w.eq_ignore_ascii_case("from") || w.eq_ignore_ascii_case("join") {
            if let Some(table) = words.get(i + 1) {
                let mut alias = words.get(i + 2).copied();
                if alias.is_some_and(|a| a.eq_ignore_ascii_case("as")) {
                    alias = words.get(i + 3).copied();
                }
                let alias = alias.filter(|a| !NOT_ALIAS.iter().any(|k| k.eq_ignore_ascii_case(a)));
                let own = table.rsplit('.').next().unwrap_or(table);
                out.push((table.to_ascii_lowercase(), alias.unwrap_or(own).to_string()));
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctes_are_read_from_the_text() {
        assert_eq!(ctes_in("with a as (select 1), b_2 as (select x from a) select * from "), ["a", "b_2"]);
        assert_eq!(ctes_in("with recursive t as ("), ["t"]);
        assert_eq!(ctes_in("select x as y, cast(z as int) from t"), Vec::<&str>::new(), "aliases are not CTEs");
    }

    #[test]
    fn tokens_and_qualifiers() {
        assert_eq!(last_token("step a: wait 2 days -> "), "->");
        assert_eq!(last_token("select x from  "), "from");
        assert_eq!(last_token("a = ("), "(");
        assert_eq!(qualifier("where o."), Some("o"));
        assert_eq!(qualifier("where o"), None);
        assert!(in_list_of("run = [a, ", "run"));
        assert!(!in_list_of("run = [a]\n", "run"));
        assert_eq!(
            tables_in("select 1 from orders o join customers as c on c.id = o.id, items where x"),
            vec![("orders".into(), "o".into()), ("customers".into(), "c".into())]
        );
        assert_eq!(tables_in("from raw.events where"), vec![("raw.events".into(), "events".into())]);
        assert_eq!(word_at("ab cd", 4), Some((TextRange::new(3, 5), "cd")));
        assert_eq!(word_at("ab ", 3), None);
    }
}
