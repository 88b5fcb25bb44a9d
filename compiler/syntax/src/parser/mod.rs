//! The parser: tokens → [`ast::File`] plus diagnostics. It never fails: a
//! broken declaration or member is reported and skipped, and parsing goes on
//! with the next one.

mod common;
mod docs;
mod expr;
mod items;
mod journey;

use chumsky::error::{Rich, RichPattern, RichReason};
use chumsky::input::{Input as _, MappedInput};
use chumsky::inspector::SimpleState;
use chumsky::prelude::*;
use cjo_diagnostics::{self as diag, Diagnostic, FileId, Label, Span, TextRange};

pub use common::unescape;
pub use items::ITEM_KEYWORDS;

use crate::ast;
use crate::lexer::{Lexed, lex};
use crate::token::{Comment, Token};

pub(crate) type Sp = SimpleSpan;
pub(crate) type In<'t, 's> = MappedInput<'t, Token<'s>, Sp, &'t [(Token<'s>, Sp)]>;
/// The parser's state: where lines start, which recovery uses to find where
/// the next member begins.
pub(crate) type Extra<'t, 's> = extra::Full<Rich<'t, Token<'s>, Sp>, SimpleState<LineStarts>, ()>;

/// The byte offsets of the tokens that are the first on their line, sorted.
#[derive(Debug, Default)]
pub(crate) struct LineStarts(Vec<usize>);

impl LineStarts {
    pub(crate) fn contains(&self, offset: usize) -> bool {
        self.0.binary_search(&offset).is_ok()
    }
}

/// Expressions nested deeper than this (after the lexer's bracket limit) are
/// reported and dropped, so that later passes may recurse freely.
pub const MAX_EXPR_DEPTH: usize = 512;

/// The result of parsing one file.
#[derive(Debug)]
pub struct Parse {
    pub file: ast::File,
    pub diagnostics: Vec<Diagnostic>,
    pub comments: Vec<Comment>,
}

/// Parses `text` as the `.cjo` file `file`.
pub fn parse(file: FileId, text: &str) -> Parse {
    let Lexed { tokens, comments, mut diagnostics } = lex(file, text);
    let (doc_tokens, tokens): (Vec<_>, Vec<_>) =
        tokens.into_iter().partition(|t| matches!(t.token, Token::DocComment(_)));
    let mut previous_end = 0usize;
    let mut line_starts = Vec::new();
    let input: Vec<(Token<'_>, Sp)> = tokens
        .iter()
        .map(|t| {
            let (start, end) = (t.range.start as usize, t.range.end as usize);
            if previous_end == 0 || text.get(previous_end..start).is_none_or(|gap| gap.contains('\n')) {
                line_starts.push(start);
            }
            previous_end = end;
            (t.token, Sp::from(start..end))
        })
        .collect();
    let eoi = Sp::from(text.len()..text.len());
    let mut state = SimpleState(LineStarts(line_starts));
    let (output, errors) =
        items::file().parse_with_state(input.as_slice().split_token_span(eoi), &mut state).into_output_errors();
    let mut ast = output.unwrap_or_default();

    let lexer_reported_eof =
        diagnostics.iter().any(|d| d.code == diag::UNCLOSED_DELIMITER || d.code == diag::UNTERMINATED_SQL_BODY);
    let mut seen = std::collections::BTreeSet::new();
    for err in errors {
        if let Some(mut d) = convert(file, err, lexer_reported_eof) {
            // A lookahead fails without consuming: point at the token found.
            widen_to_token(&mut d, &tokens);
            blame_line_end(&mut d, &tokens, &state.0);
            if seen.insert((d.span().range, d.message.clone())) {
                diagnostics.push(d);
            }
        }
    }
    docs::attach(file, &mut ast, &doc_tokens, &tokens, &mut diagnostics);
    depth::guard(file, &mut ast, &mut diagnostics);
    depth::guard_types(file, &mut ast, &mut diagnostics);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Parse { file: ast, diagnostics, comments }
}

mod depth;

/// An error found at the first token of a line is, nearly always, about
/// something missing at the end of the line before (`-> ` with no step,
/// `within 2` with no unit). Like rustc, point there, and keep the token
/// found as a secondary label.
fn blame_line_end(d: &mut Diagnostic, tokens: &[crate::token::Spanned<'_>], lines: &LineStarts) {
    // Only "expected …, found …" errors: others are about the token itself.
    let about_what_follows = d.message.starts_with("expected ") || d.message.starts_with("unexpected ");
    if d.code != diag::SYNTAX_ERROR || d.labels.len() != 1 || !about_what_follows {
        return;
    }
    let Some(found) = d.labels.first().map(|l| l.span) else { return };
    let at = found.range.start as usize;
    if !lines.contains(at) || found.range.is_empty() {
        return;
    }
    let Some(previous) = tokens.iter().take_while(|t| (t.range.start as usize) < at).last() else { return };
    let expected = d.message.split(", found").next().filter(|m| m.starts_with("expected ")).map(str::to_string);
    let secondary = d.labels.first().map(|l| l.message.clone()).unwrap_or_default();
    let primary = match expected {
        Some(e) => format!("{e} here"),
        None => "the line ends before this is complete".to_string(),
    };
    d.labels = vec![
        Label { span: Span::new(found.file, TextRange::empty(previous.range.end)), message: primary, primary: true },
        Label { span: found, message: secondary, primary: false },
    ];
}

fn widen_to_token(d: &mut Diagnostic, tokens: &[crate::token::Spanned<'_>]) {
    for label in d.labels.iter_mut().filter(|l| l.span.range.is_empty()) {
        let at = label.span.range.start;
        if let Some(t) = tokens.iter().find(|t| t.range.start == at && !t.range.is_empty()) {
            label.span.range = t.range;
        }
    }
}

pub(crate) fn rng(span: Sp) -> TextRange {
    TextRange::from_usize(span.start..span.end)
}

/// The separator of the fields that [`custom`] packs into a chumsky error.
const SEP: char = '\u{1f}';

/// A parse error with our own code, message and help. chumsky carries only
/// a message, so the three travel packed and are unpacked by [`convert`].
pub(crate) fn custom<'t, 's>(
    span: Sp,
    code: diag::Code,
    message: impl AsRef<str>,
    help: impl AsRef<str>,
) -> Rich<'t, Token<'s>, Sp> {
    Rich::custom(span, format!("{}{SEP}{}{SEP}{}", code.id, message.as_ref(), help.as_ref()))
}

fn convert(file: FileId, err: Rich<'_, Token<'_>, Sp>, lexer_reported_eof: bool) -> Option<Diagnostic> {
    let span = Span::new(file, rng(*err.span()));
    match err.reason() {
        RichReason::Custom(msg) => {
            let mut parts = msg.splitn(3, SEP);
            let (id, message, help) = (parts.next().unwrap_or(""), parts.next(), parts.next());
            let Some(message) = message else {
                return Some(Diagnostic::error(diag::SYNTAX_ERROR, span, msg.clone()));
            };
            let code = diag::lookup_code(id).unwrap_or(diag::SYNTAX_ERROR);
            let d = Diagnostic::error(code, span, message);
            Some(d.with_help_opt(help.filter(|h| !h.is_empty()).map(str::to_string)))
        }
        RichReason::ExpectedFound { expected, found } => {
            let found = found.as_deref();
            // The lexer already reported bad input and unclosed brackets; a
            // zero-width closer is one it made up for an unclosed opener.
            let synthetic = matches!(found, Some(Token::RBrace | Token::RParen | Token::RBracket))
                && err.span().start == err.span().end;
            if matches!(found, Some(Token::Error)) || ((found.is_none() || synthetic) && lexer_reported_eof) {
                return None;
            }
            let mut wanted: Vec<String> = expected.iter().filter_map(pattern_text).collect();
            wanted.sort();
            wanted.dedup();
            let found_text = found.map_or_else(|| "the end of the file".to_string(), |t| t.to_string());
            // A long list of alternatives reads as noise: name the problem and
            // keep the list for a note.
            let message = match wanted.len() {
                0 => format!("unexpected {found_text}"),
                1..=4 => format!("expected {}, found {found_text}", join_or(&wanted)),
                _ => format!("unexpected {found_text}"),
            };
            let note = (wanted.len() > 4).then(|| format!("expected {}", join_or(&wanted)));
            let keywords = expected.iter().filter_map(|p| match p {
                RichPattern::Token(t) => match &**t {
                    Token::Ident(w) => Some(*w),
                    _ => None,
                },
                _ => None,
            });
            let help = match found {
                Some(Token::Ident(w)) => diag::did_you_mean(w, keywords.collect::<Vec<_>>()),
                Some(Token::Str(_)) if wanted.iter().any(|w| w == "a name") => {
                    Some("names are written without quotes".to_string())
                }
                Some(Token::SqlStr(_)) if wanted.iter().any(|w| w == "a value" || w == "a string") => {
                    Some("strings in settings use double quotes: \"…\"".to_string())
                }
                _ => None,
            };
            let label =
                if found.is_some() { format!("unexpected {found_text}") } else { "the file ends here".to_string() };
            let mut d = Diagnostic::error(diag::SYNTAX_ERROR, span, message).with_label(label).with_help_opt(help);
            if let Some(note) = note {
                d = d.with_note(note);
            }
            Some(d)
        }
    }
}

fn pattern_text(p: &RichPattern<'_, Token<'_>>) -> Option<String> {
    match p {
        RichPattern::Token(t) => Some(t.to_string()),
        RichPattern::Label(l) => Some(l.to_string()),
        RichPattern::Identifier(i) => Some(format!("`{i}`")),
        RichPattern::EndOfInput => Some("the end of the file".to_string()),
        _ => None,
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
