//! Semantic tokens: what each name is (a source, a model, a column, a
//! function, a step …) from the index, inside SQL bodies too, over the
//! lexer's keywords, strings, numbers and comments.

use cjo_diagnostics::TextRange;
use cjo_project::SourceFile;
use cjo_semantic::ide::Target;
use cjo_syntax::token::Token;
use tower_lsp_server::ls_types::{self as lsp, SemanticTokenModifier, SemanticTokenType};

use crate::project::Snapshot;

/// The token types, in the order of the legend.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRUCT,
    SemanticTokenType::CLASS,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::ENUM_MEMBER,
];
const KEYWORD: u32 = 0;
const STRING: u32 = 1;
const NUMBER: u32 = 2;
const COMMENT: u32 = 3;
const STRUCT: u32 = 4;
const CLASS: u32 = 5;
const PROPERTY: u32 = 6;
const FUNCTION: u32 = 7;
const PARAMETER: u32 = 8;
const NAMESPACE: u32 = 9;
const ENUM_MEMBER: u32 = 10;

const MODIFIERS: &[SemanticTokenModifier] = &[SemanticTokenModifier::DECLARATION, SemanticTokenModifier::DOCUMENTATION];
const DECLARATION: u32 = 1;
const DOCUMENTATION: u32 = 2;

/// Words the grammar gives a meaning (not every identifier-like word is
/// reserved; these are coloured as keywords where no name is known).
const KEYWORDS: &[&str] = &[
    "source",
    "model",
    "check",
    "journey",
    "pipeline",
    "fn",
    "from",
    "catalog",
    "sql",
    "param",
    "not",
    "null",
    "stage",
    "step",
    "goal",
    "exit",
    "entry",
    "milestone",
    "activate",
    "wait",
    "until",
    "date",
    "weekday",
    "timeout",
    "decide",
    "when",
    "else",
    "ab_test",
    "control",
    "variant",
    "jump",
    "merge",
    "end",
    "any",
    "count",
    "where",
    "within",
    "since",
    "and",
    "or",
    "is",
    "in",
    "between",
    "like",
    "case",
    "then",
    "cast",
    "as",
    "expect",
    "true",
    "false",
];

/// The legend announced in the server's capabilities.
pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: MODIFIERS.to_vec() }
}

/// The tokens of one file, encoded relative to each other.
pub fn tokens(snap: &Snapshot, source: &SourceFile) -> Vec<lsp::SemanticToken> {
    let lexed = cjo_syntax::lex(source.id, &source.text);
    let occurrences = snap.index.in_file(source.id);
    let mut raw: Vec<(TextRange, u32, u32)> = Vec::new();
    for t in &lexed.tokens {
        let kind = match t.token {
            Token::Ident(word) => match occurrences.iter().find(|o| o.span.range == t.range) {
                Some(o) => Some((kind_of(&o.target), if o.def { DECLARATION } else { 0 })),
                None if KEYWORDS.contains(&word) => Some((KEYWORD, 0)),
                None => None,
            },
            Token::Str(_) | Token::SqlStr(_) => Some((STRING, 0)),
            Token::Number(_) | Token::Percent(_) | Token::Time(_) => Some((NUMBER, 0)),
            Token::Param(_) => Some((PARAMETER, 0)),
            Token::DocComment(_) => Some((COMMENT, DOCUMENTATION)),
            Token::SqlBody(_) => {
                // Inside SQL: only the names the checker resolved.
                for o in occurrences.iter().filter(|o| t.range.touches(o.span.range.start)) {
                    raw.push((o.span.range, kind_of(&o.target), if o.def { DECLARATION } else { 0 }));
                }
                None
            }
            _ => None,
        };
        if let Some((ty, modifiers)) = kind {
            raw.push((t.range, ty, modifiers));
        }
    }
    raw.extend(lexed.comments.iter().map(|c| (c.range, COMMENT, 0)));
    raw.sort_by_key(|(r, _, _)| (r.start, r.end));
    encode(source, &raw)
}

fn kind_of(target: &Target) -> u32 {
    match target {
        Target::Relation(_) | Target::Cte { .. } => CLASS,
        Target::Column { .. } => PROPERTY,
        Target::Function(_) => FUNCTION,
        Target::Journey(_) | Target::Pipeline(_) => STRUCT,
        Target::Stage { .. } => NAMESPACE,
        Target::Step { .. } => ENUM_MEMBER,
        Target::Param { .. } => PARAMETER,
    }
}

/// Encodes sorted ranges as the protocol's deltas: one token per line of
/// a range (a token may not span lines), overlapping ranges dropped.
fn encode(source: &SourceFile, raw: &[(TextRange, u32, u32)]) -> Vec<lsp::SemanticToken> {
    let text = source.text.as_str();
    let mut out = Vec::with_capacity(raw.len());
    let (mut line, mut col, mut end) = (0u32, 0u32, 0u32);
    for &(range, ty, modifiers) in raw {
        if range.start < end || range.is_empty() {
            continue;
        }
        end = range.end;
        let mut start = range.start;
        while start < range.end {
            let l = source.line_index.line_of(start);
            let stop = source.line_index.line_end(l, text).min(range.end);
            let at = source.line_index.line_col_utf16(text, start);
            let length = TextRange::new(start, stop).slice(text).encode_utf16().count();
            if length > 0 {
                let delta_line = at.line - line;
                let delta_start = if delta_line == 0 { at.col - col } else { at.col };
                out.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length: u32::try_from(length).unwrap_or(u32::MAX),
                    token_type: ty,
                    token_modifiers_bitset: modifiers,
                });
                (line, col) = (at.line, at.col);
            }
            match source.line_index.line_start(l + 1) {
                Some(next) if next > start => start = next,
                _ => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_matches_the_constants() {
        assert_eq!(TYPES.get(CLASS as usize), Some(&SemanticTokenType::CLASS));
        assert_eq!(TYPES.get(ENUM_MEMBER as usize), Some(&SemanticTokenType::ENUM_MEMBER));
        assert_eq!(MODIFIERS.len(), 2);
    }
}
