use cjo_diagnostics::{FileId, TextRange};

use super::*;
use crate::token::Token::*;

fn kinds(text: &str) -> Vec<Token<'_>> {
    lex(FileId(0), text).tokens.into_iter().map(|t| t.token).collect()
}

fn codes(text: &str) -> Vec<&'static str> {
    lex(FileId(0), text).diagnostics.iter().map(|d| d.code.id).collect()
}

#[test]
fn words_numbers_and_punctuation() {
    assert_eq!(
        kinds("step a: wait 2 days -> b // note\n10% 03:00 $run_date <> != ... x.y"),
        vec![
            Ident("step"),
            Ident("a"),
            Colon,
            Ident("wait"),
            Number("2"),
            Ident("days"),
            Arrow,
            Ident("b"),
            Percent("10"),
            Time("03:00"),
            Param("run_date"),
            NotEq,
            NotEq,
            Ellipsis,
            Ident("x"),
            Dot,
            Ident("y"),
        ]
    );
}

#[test]
fn strings_of_three_kinds() {
    assert_eq!(kinds(r#""a\"b" 'it''s' `odd name`"#), vec![Str(r#"a\"b"#), SqlStr("it''s"), QuotedIdent("odd name")]);
}

#[test]
fn sql_body_is_verbatim_and_skips_quotes_and_comments() {
    let text = "sql { select '}' -- }\n from t } sql bigquery {x}";
    let toks = kinds(text);
    assert_eq!(toks[0], Ident("sql"));
    assert_eq!(toks[1], LBrace);
    assert_eq!(toks[2], SqlBody(" select '}' -- }\n from t "));
    assert_eq!(toks[3], RBrace);
    assert_eq!(&toks[4..], &[Ident("sql"), Ident("bigquery"), LBrace, SqlBody("x"), RBrace]);
}

#[test]
fn sql_as_a_name_is_not_a_body() {
    assert_eq!(
        kinds("model sql { x = 1 }"),
        vec![Ident("model"), Ident("sql"), LBrace, Ident("x"), Eq, Number("1"), RBrace]
    );
}

#[test]
fn doc_comments_are_tokens_and_plain_comments_are_not() {
    let lexed = lex(FileId(0), "/// doc\n// plain\n//// also plain\n/* block */ x");
    let toks: Vec<_> = lexed.tokens.iter().map(|t| t.token).collect();
    assert_eq!(toks, vec![DocComment(" doc"), Ident("x")]);
    assert_eq!(lexed.comments.len(), 3);
}

#[test]
fn problems_are_reported_and_lexing_goes_on() {
    assert_eq!(codes("\"open\nx"), vec!["E0002"]);
    assert_eq!(codes("/* open"), vec!["E0003"]);
    assert_eq!(codes("sql { select 1"), vec!["E0004"]);
    assert_eq!(codes(r#""\q""#), vec!["E0005"]);
    assert_eq!(codes("1e6"), vec!["E0006"]);
    assert_eq!(codes("x ## y"), vec!["E0001"]);
    assert_eq!(codes("25:00"), vec!["E0013"]);
    assert_eq!(codes("{ ( }"), vec!["E0011"]);
    assert_eq!(kinds("\"open\nx").last(), Some(&Ident("x")));
}

#[test]
fn unclosed_string_in_body_recovers_at_the_aligned_brace() {
    let text = "model m {\n  sql {\n    select 'oops\n  }\n}\nmodel n { }";
    let lexed = lex(FileId(0), text);
    assert_eq!(lexed.diagnostics.len(), 1, "{:?}", lexed.diagnostics);
    assert_eq!(lexed.diagnostics[0].code.id, "E0002");
    assert!(lexed.tokens.iter().any(|t| t.token == Ident("n")));
}

#[test]
fn deep_nesting_collapses_to_one_error() {
    let text = format!("x {} y", "(".repeat(10_000) + &")".repeat(10_000));
    let lexed = lex(FileId(0), &text);
    assert_eq!(lexed.diagnostics.iter().filter(|d| d.code.id == "E0007").count(), 1);
    // 128 brackets kept on each side, the collapsed region, `x` and `y`.
    assert_eq!(lexed.tokens.len(), 2 * MAX_NESTING + 3);
    assert_eq!(lexed.tokens.last().map(|t| t.token), Some(Ident("y")));
}

#[test]
fn spans_cover_the_text_and_never_split_characters() {
    let text = "name: 'çà' ü x";
    for t in lex(FileId(0), text).tokens {
        let TextRange { start, end } = t.range;
        assert!(text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize));
    }
}

#[test]
fn byte_order_mark_is_skipped() {
    assert_eq!(kinds("\u{feff}x"), vec![Ident("x")]);
}

#[test]
fn a_nul_in_a_string_is_reported() {
    for text in ["x = \"a\0b\"", "x = 'a\0b'", "x = `a\0b`"] {
        let lexed = crate::lex(FileId(0), text);
        let codes: Vec<_> = lexed.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [diag::UNEXPECTED_CHARACTER], "{text:?}");
    }
}
