//! Attaching `///` doc comments to what they document.
//!
//! Doc comments are kept out of the grammar: after parsing, each run of
//! consecutive doc lines goes to the declaration, column, parameter, setting,
//! criterion, stage or step whose first token follows it. A run followed by
//! anything else documents nothing and gets a warning.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as diag, Diagnostic, FileId, Span, TextRange};

use crate::ast::*;
use crate::token::{Spanned, Token};

pub(super) fn attach(
    file: FileId,
    ast: &mut File,
    docs: &[Spanned<'_>],
    tokens: &[Spanned<'_>],
    out: &mut Vec<Diagnostic>,
) {
    if docs.is_empty() {
        return;
    }
    // Group consecutive doc lines, keyed by the start of the next real token.
    let mut runs: BTreeMap<u32, Doc> = BTreeMap::new();
    let mut next_token = tokens.iter().peekable();
    let mut current: Option<(Doc, u32)> = None;
    for d in docs {
        while next_token.peek().is_some_and(|t| t.range.start < d.range.start) {
            next_token.next();
        }
        let key = next_token.peek().map_or(u32::MAX, |t| t.range.start);
        let Token::DocComment(text) = d.token else { continue };
        let line = text.strip_prefix(' ').unwrap_or(text).to_string();
        current = match current.take() {
            Some((mut doc, k)) if k == key => {
                doc.text.push('\n');
                doc.text.push_str(&line);
                doc.range = doc.range.cover(d.range);
                Some((doc, k))
            }
            Some((doc, k)) => {
                runs.insert(k, doc);
                Some((Doc { text: line, range: d.range }, key))
            }
            None => Some((Doc { text: line, range: d.range }, key)),
        };
    }
    if let Some((doc, k)) = current {
        runs.insert(k, doc);
    }

    let mut take = |range: TextRange| runs.remove(&range.start);
    for item in &mut ast.items {
        match item {
            Item::Source(s) => {
                s.doc = take(s.range);
                for c in &mut s.columns {
                    c.doc = take(c.range);
                }
                settings(&mut s.settings, &mut take);
            }
            Item::Model(m) => {
                m.doc = take(m.range);
                for p in &mut m.params {
                    p.doc = take(p.range);
                }
                settings(&mut m.settings, &mut take);
            }
            Item::Check(c) => c.doc = take(c.range),
            Item::Pipeline(p) => {
                p.doc = take(p.range);
                settings(&mut p.settings, &mut take);
            }
            Item::Function(f) => f.doc = take(f.range),
            Item::Journey(j) => {
                j.doc = take(j.range);
                settings(&mut j.settings, &mut take);
                for c in j.goals.iter_mut().chain(&mut j.exits) {
                    c.doc = take(c.range);
                }
                for s in &mut j.stages {
                    s.doc = take(s.range);
                    for c in s.entries.iter_mut().chain(&mut s.exits).chain(&mut s.milestones) {
                        c.doc = take(c.range);
                    }
                    for st in &mut s.steps {
                        st.doc = take(st.range);
                    }
                }
            }
        }
    }
    for (key, doc) in runs {
        // A doc above something that starts a documentable member or
        // declaration documents it; that it was not attached means the
        // member did not parse, which is reported already.
        if starts_documentable(tokens, key) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                diag::DANGLING_DOC_COMMENT,
                Span::new(file, doc.range),
                "this doc comment documents nothing",
            )
            .with_label("not followed by a declaration, column, parameter, setting, stage or step")
            .with_help("move it directly above what it describes, or use `//` for a plain comment"),
        );
    }
}

fn settings(settings: &mut [Setting], take: &mut impl FnMut(TextRange) -> Option<Doc>) {
    for s in settings {
        s.doc = take(s.range);
    }
}

/// Words that begin a declaration or member that takes a doc comment.
const DOCUMENTABLE: &[&str] = &[
    "source",
    "model",
    "check",
    "journey",
    "pipeline",
    "fn",
    "param",
    "stage",
    "step",
    "goal",
    "exit",
    "entry",
    "milestone",
];

fn starts_documentable(tokens: &[Spanned<'_>], start: u32) -> bool {
    let Some(i) = tokens.iter().position(|t| t.range.start == start) else { return false };
    match (tokens.get(i).map(|t| t.token), tokens.get(i + 1).map(|t| t.token)) {
        (Some(Token::Ident(w)), _) if DOCUMENTABLE.contains(&w) => true,
        (Some(Token::Ident(_) | Token::QuotedIdent(_)), Some(Token::Colon | Token::Eq)) => true,
        _ => false,
    }
}
