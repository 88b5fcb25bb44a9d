//! Small cases with their expected output written out, and inputs the
//! formatter must refuse or survive.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use cjo_diagnostics::Severity;

fn fmt(input: &str) -> String {
    common::format_checked("case", input)
}

#[test]
fn members_get_their_own_lines() {
    assert_eq!(
        fmt("source x = \"t\" { a: int }\nmodel m { target = bigquery schema = \"s\" sql { select 1 } }\n"),
        "source x = \"t\" {\n  a: int\n}\nmodel m {\n  target = bigquery\n  schema = \"s\"\n  sql { select 1 }\n}\n"
    );
    // Separated by commas, they may share a line.
    assert_eq!(
        fmt("pipeline p { retries = 2, retry_delay = 5 minutes }"),
        "pipeline p {\n  retries = 2, retry_delay = 5 minutes\n}\n"
    );
}

#[test]
fn empty_blocks_and_braces() {
    assert_eq!(fmt("pipeline p {\n\n}\n"), "pipeline p {}\n");
    assert_eq!(fmt("pipeline p\n{\n  sla = 1 hour\n}\n"), "pipeline p {\n  sla = 1 hour\n}\n");
    assert_eq!(fmt("model m { sql {   } }"), "model m {\n  sql {}\n}\n");
    assert_eq!(fmt("pipeline p { /* nothing yet */ }"), "pipeline p { /* nothing yet */ }\n");
}

#[test]
fn blank_lines() {
    let input = "\n\n// a\n\n\n\npipeline p {\n\n\n  sla = 1 hour\n\n\n\n  pool = \"x\"\n\n}\n\n\n";
    assert_eq!(fmt(input), "// a\n\npipeline p {\n  sla = 1 hour\n\n  pool = \"x\"\n}\n");
}

#[test]
fn continuation_lines() {
    let input = "journey j {\nstage s {\nstep w: wait until any e where x = 1\n                  timeout 5 days -> d\nstep d: end\n}\n}\n";
    let expected = "journey j {\n  stage s {\n    step w: wait until any e where x = 1\n        timeout 5 days -> d\n    step d: end\n  }\n}\n";
    assert_eq!(fmt(input), expected);
    let input = "model m {\nmaterialized = incremental(\nunique_key = [a, b],\nlookback = 3 days\n)\n}\n";
    let expected =
        "model m {\n  materialized = incremental(\n    unique_key = [a, b],\n    lookback = 3 days\n  )\n}\n";
    assert_eq!(fmt(input), expected);
}

#[test]
fn trailing_comments_keep_their_column_when_they_can() {
    let input = "pipeline p {\n    sla = 1 hour        // one\n  pool = \"a-long-pool-name\" // two\n}\n";
    let expected = "pipeline p {\n  sla = 1 hour          // one\n  pool = \"a-long-pool-name\" // two\n}\n";
    assert_eq!(fmt(input), expected);
    assert_eq!(fmt("pipeline p {\n          sla = 1 hour // three\n}\n"), "pipeline p {\n  sla = 1 hour // three\n}\n");
}

#[test]
fn crlf_becomes_lf_everywhere() {
    let input = "/// doc\r\nmodel m {\r\n  sql {\r\n    select 'a\r\n b' as x -- c\r\n  }\r\n}\r\n";
    assert_eq!(fmt(input), "/// doc\nmodel m {\n  sql {\n    select 'a\n b' as x -- c\n  }\n}\n");
}

#[test]
fn nothing_to_format() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("  \n\n\t\n"), "");
    assert_eq!(fmt("\u{feff}pipeline p {}"), "pipeline p {}\n");
    assert_eq!(fmt("// only a comment"), "// only a comment\n");
}

#[test]
fn syntax_errors_are_refused() {
    for input in [
        "model m {",
        "source s = \"t\" { a: }",
        "pipeline p { sla = 1 month }",
        "model m { sql { select 'x }",
        "modle m {}",
        "pipeline p { a = \"x }",
    ] {
        let errors = cjo_fmt::format(input).err().unwrap_or_else(|| panic!("formatted {input:?}"));
        assert!(!errors.is_empty() && errors.iter().all(|d| d.severity == Severity::Error), "{input:?}");
    }
}

#[test]
fn warnings_do_not_stop_formatting() {
    // A doc comment that documents nothing is a warning.
    assert_eq!(fmt("pipeline p {\nsla = 1 hour\n/// dangling\n}"), "pipeline p {\n  sla = 1 hour\n  /// dangling\n}\n");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 100;
    let open: String = (0..depth).map(|_| "(\n").collect();
    let close: String = (0..depth).map(|_| ")\n").collect();
    let input = format!("check m {{\n  expect \"deep\": {open}1{close} = 1\n}}\n");
    let output = fmt(&input);
    // Each `(` ends its line: its contents are one level (2 spaces) in.
    assert!(output.contains(&format!("\n{}1)\n", " ".repeat(2 + 2 * depth))), "{output}");
    let nots = "not ".repeat(400);
    fmt(&format!("check m {{\n  expect \"nots\": {nots} a\n}}\n"));
}

/// Found by the robustness proptest: a backslash-escaped quote makes the
/// cautious scan think a string stays open, and the blank lines before the
/// closing brace went one per pass.
#[test]
fn blank_lines_before_a_body_brace_go_at_once() {
    let input = "model m {\n  sql bigquery {\n    select 'it\\'s } here' as x\n    from t\n  \n  \n  }\n}\n";
    assert_eq!(fmt(input), "model m {\n  sql bigquery {\n    select 'it\\'s } here' as x\n    from t\n  }\n}\n");
}

#[test]
fn whitespace_after_a_final_hash_is_kept() {
    // sqlparser reads `#` and a space as an operator, `#` and a line break
    // as a name: the `}` moves to its own line, the space stays.
    let input = "model m {\n  sql {\n    select a\n    from ev # }\n}\n";
    assert_eq!(fmt(input), "model m {\n  sql {\n    select a\n    from ev # \n  }\n}\n");
}

#[test]
fn a_change_of_meaning_is_refused() {
    // One line: the tab after `#` would become the space before `}`.
    let refused = cjo_fmt::format("model m {\n  sql { select a from ev #\t}\n}\n").unwrap_err();
    assert_eq!(refused.iter().map(|d| (d.code.id, d.severity)).collect::<Vec<_>>(), [("W0007", Severity::Warning)]);
}
