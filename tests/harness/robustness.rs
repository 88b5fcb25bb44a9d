//! Bad input never panics, hangs or overflows the stack, and every
//! diagnostic points inside its file: every prefix of every example, random
//! mutations, random bytes, pathological nesting and a 50 MB file.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use cjo_diagnostics::{Diagnostic, FileId};
use cjo_tests::repo_root;
use proptest::prelude::*;

/// Parses, validates and formats `text`; checks every span.
fn survive(text: &str) {
    survive_with(text, true);
}

/// `semantic`: also run names and types (sqlparser makes it the slow part).
fn survive_with(text: &str, semantic: bool) {
    if let Ok(path) = std::env::var("CJO_ROBUSTNESS_LAST") {
        // Where a crash (a stack overflow cannot be caught) leaves its input.
        std::fs::write(path, text).unwrap();
    }
    assert_balanced(text);
    let parse = cjo_syntax::parse(FileId(0), text);
    let mut all: Vec<Diagnostic> = parse.diagnostics.clone();
    all.extend(cjo_syntax::validate(FileId(0), &parse));
    for d in &all {
        for l in &d.labels {
            let r = l.span.range;
            assert!(
                r.start <= r.end && r.end as usize <= text.len(),
                "{} span {r:?} outside a {}-byte text",
                d.code,
                text.len()
            );
            assert!(
                text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
                "{} span {r:?} splits a character",
                d.code
            );
        }
    }
    // Names and types on the same text, as the only file of a project.
    if semantic {
        analyze_alone(text);
    }
    if let Ok(formatted) = cjo_fmt::format(text) {
        assert_eq!(
            cjo_fmt::format(&formatted).ok().as_deref(),
            Some(formatted.as_str()),
            "formatting is not idempotent"
        );
    }
}

/// The parser relies on the lexer's brackets being balanced: unbalanced
/// input once sent chumsky's recovery into exponential time.
fn assert_balanced(text: &str) {
    use cjo_syntax::token::Token;
    let mut open = Vec::new();
    for t in cjo_syntax::lex(FileId(0), text).tokens {
        match t.token {
            Token::LBrace | Token::LParen | Token::LBracket => open.push(t.token),
            Token::RBrace | Token::RParen | Token::RBracket => {
                let opener = open.pop();
                let want = match t.token {
                    Token::RBrace => Token::LBrace,
                    Token::RParen => Token::LParen,
                    _ => Token::LBracket,
                };
                assert_eq!(opener, Some(want), "unbalanced tokens at {:?} in {text:?}", t.range);
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "{} brackets left open in {text:?}", open.len());
}

/// The `.cjo` files below the given folders of the repository, sorted.
fn analyze_alone(text: &str) {
    let mut fs = cjo_project::MemoryFs::new();
    fs.insert("p/cjo.toml", cjo_tests::DEFAULT_CONFIG).insert("p/x.cjo", text);
    let ws = cjo_project::load(&fs, std::path::Path::new("p")).unwrap();
    for d in cjo_semantic::analyze(&ws).diagnostics {
        for l in &d.labels {
            let f = ws.file(l.span.file).unwrap();
            let r = l.span.range;
            assert!(r.start <= r.end && r.end as usize <= f.text.len(), "{} span {r:?} outside its file", d.code);
            assert!(
                f.text.is_char_boundary(r.start as usize) && f.text.is_char_boundary(r.end as usize),
                "{} span {r:?} splits a character",
                d.code
            );
        }
    }
}

fn cjo_files(dirs: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack: Vec<_> = dirs.iter().map(|d| repo_root().join(d)).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "cjo") {
                files.push(path);
            }
        }
    }
    files.sort();
    files.into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn corpus() -> Vec<String> {
    cjo_files(&["examples", "tests/fixtures"])
}

#[test]
fn every_prefix_of_every_example() {
    let examples = cjo_files(&["examples"]);
    assert!(!examples.is_empty());
    for text in &examples {
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            // Names and types at every line end (and every 16th byte): as
            // an editor sends half-typed text, at a cost CI affords.
            let at_line_end = text[..end].ends_with('\n') || end % 16 == 0;
            survive_with(&text[..end], at_line_end);
        }
    }
}

#[test]
fn deep_nesting_is_reported_not_overflowed() {
    let n = 10_000;
    let cases = [
        format!(
            "journey j {{ profiles = p key = k stage s {{ entry: {}x{} step e: end }} }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("journey j {{ profiles = p key = k stage s {{ entry: {}x step e: end }} }}", "not ".repeat(n)),
        format!("journey j {{ profiles = p key = k stage s {{ entry: {}x step e: end }} }}", "- ".repeat(n)),
        format!("journey j {{ profiles = p key = k stage s {{ entry: {}x step e: end }} }}", "any e where ".repeat(n)),
        format!(
            "journey j {{ profiles = p key = k stage s {{ entry: {}x{} step e: end }} }}",
            "case when x then ".repeat(n),
            " end".repeat(n)
        ),
        format!("journey j {{ profiles = p key = k stage s {{ entry: x{} step e: end }} }}", " or x".repeat(n)),
        format!("model m {{ sql {{ select {}1{} }} }}", "(".repeat(n), ")".repeat(n)),
        format!("model m {{ sql {{ {} }} }}", "{".repeat(n)),
        "{".repeat(n),
        "(".repeat(n),
        "[".repeat(n) + &"]".repeat(n),
        format!("source s = \"t\" {{ a: {}int{} }}", "array<".repeat(n), ">".repeat(n)),
    ];
    for text in &cases {
        // Run on a thread with the default 2 MiB stack, like a test or an
        // LSP worker, to prove the depth does not depend on a big stack.
        let text = text.clone();
        std::thread::Builder::new().stack_size(2 << 20).spawn(move || survive(&text)).unwrap().join().unwrap();
    }
}

/// Found by a fuzzing helper: a `{` inside a SQL body whose `}` is found by
/// indentation left the tokens unbalanced, and parsing doubled its time
/// with every `(` before it (about 66 of them never finished).
#[test]
fn a_brace_left_open_inside_a_sql_body() {
    for n in [1, 20, 80] {
        let text = format!("{{{}sql {{( {{^\n}}", "(".repeat(n));
        survive(&text);
    }
    survive("model m {\n  sql {\n    select {\n  }\n}\n");
}

#[test]
fn unterminated_everything() {
    for text in [
        "\"abc",
        "'abc",
        "`abc",
        "/* abc",
        "model m { sql { select '",
        "model m {",
        "source s = \"t\" { a: decimal(",
        "journey j { stage s { step a: decide {",
    ] {
        survive(text);
    }
}

#[test]
fn a_fifty_megabyte_file() {
    let unit =
        "/// A model.\nmodel m_N {\n  materialized = table\n  sql {\n    select a, b from t where c > 1\n  }\n}\n\n";
    let mut text = String::with_capacity(50 << 20);
    let mut i = 0;
    while text.len() < 50 << 20 {
        text.push_str(&unit.replace('N', &i.to_string()));
        i += 1;
    }
    text.push_str("model broken { sql { select");
    let parse = cjo_syntax::parse(FileId(0), &text);
    assert!(parse.file.items.len() >= i);
    let codes: Vec<&str> = parse.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0011", "E0004"], "the unclosed model and its unclosed body, nothing else");
}

#[test]
fn random_bytes_through_the_loader() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..200 {
        let mut bytes = Vec::new();
        for _ in 0..(round * 7 % 500) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push((seed & 0xff) as u8);
        }
        let mut fs = cjo_project::MemoryFs::new();
        fs.insert("p/cjo.toml", cjo_tests::DEFAULT_CONFIG).insert("p/x.cjo", bytes);
        let ws = cjo_tests::checked(cjo_project::load(&fs, std::path::Path::new("p")).unwrap());
        for d in &ws.diagnostics {
            let f = ws.file(d.span().file).unwrap();
            assert!(d.span().range.end as usize <= f.text.len());
        }
    }
}

/// Mutations that keep texts close to real ones: delete, duplicate or
/// replace a slice, insert punctuation or a keyword.
fn mutate(text: &str, ops: &[(u8, usize, usize)]) -> String {
    const INSERTS: &[&str] =
        &["{", "}", "(", ")", "\"", "'", "/*", "sql {", "->", ":", "step", "=", "`", "\n", "case", "not", "\u{e9}"];
    let mut t = text.to_string();
    for &(op, a, b) in ops {
        let mut a = a % (t.len() + 1);
        while !t.is_char_boundary(a) {
            a -= 1;
        }
        let mut end = (a + b % 40).min(t.len());
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        match op % 4 {
            0 => t.replace_range(a..end, ""),
            1 => {
                let dup = t[a..end].to_string();
                t.insert_str(a, &dup);
            }
            2 => t.insert_str(a, INSERTS[b % INSERTS.len()]),
            _ => t.replace_range(a..end, INSERTS[b % INSERTS.len()]),
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512), ..ProptestConfig::default() })]

    #[test]
    fn random_mutations_of_real_files(file in any::<prop::sample::Index>(), ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..8)) {
        let corpus = corpus();
        let text = file.get(&corpus);
        survive(&mutate(text, &ops));
    }
}

/// Found by the mutation test in debug builds: 504 `not`s (under the
/// parser's depth limit) overflowed a 2 MiB thread stack (test threads,
/// LSP workers) in the type checker. Recursive passes over expressions now
/// grow their stack instead. Names, types and code generation, on such a
/// stack.
#[test]
fn a_chain_just_under_the_depth_limit_on_a_small_stack() {
    let nots = "not ".repeat(cjo_syntax::parser::MAX_EXPR_DEPTH - 8);
    let text = format!(
        "source orders = \"shop.orders\" {{\n  amount: int\n}}\n\ncheck orders {{\n  expect \"positive\": {nots}amount > 0\n}}\n"
    );
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let ws = cjo_tests::load_single("deep.cjo", &text);
            let errors: Vec<_> = ws.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.id).collect();
            assert!(errors.is_empty(), "{errors:?}");
        })
        .unwrap()
        .join()
        .unwrap();
}
