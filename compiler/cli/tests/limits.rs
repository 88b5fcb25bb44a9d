//! Reports stay proportionate to their input: a file that is one long line
//! of errors, or an expression with an error at each of thousands of
//! operators, gives a report of bounded size (the first `--error-limit`
//! diagnostics and a count of the rest), and every diagnostic in JSON.
//! (How fast these run is measured by benchmarks, not asserted here.)

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::process::{Command, Output};

use common::Scratch;

const CONFIG: &str =
    "[project]\nname = \"limits\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"s\"\n";

fn project(tag: &str, file: &str) -> Scratch {
    let dir = Scratch::new("limits", tag);
    std::fs::write(dir.path().join("cjo.toml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("m.cjo"), file).unwrap();
    dir
}

fn cjoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn json_codes(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn one_long_line_of_errors_is_reported_briefly() {
    let line = ")]}".repeat(2_000);
    let dir = project("line", &line);
    let path = dir.path().to_str().unwrap();

    let all = json_codes(&cjoc(&["check", path, "--format", "json"]));
    assert!(all.len() >= 2_000, "JSON lists every diagnostic: {}", all.len());

    let human = cjoc(&["check", path]);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stderr);
    assert_eq!(text.matches("] Error:").count(), 50, "the default limit");
    assert!(text.contains(&format!("… and {} more not shown", all.len() - 50)), "{}", &text[text.len() - 300..]);
    // Each shown report prints the line once: 50 times the line, not 6,000.
    assert!(text.len() < 60 * line.len(), "{} bytes", text.len());

    let three = cjoc(&["check", path, "--error-limit", "3"]);
    assert_eq!(String::from_utf8_lossy(&three.stderr).matches("] Error:").count(), 3);

    // `--error-limit 0` shows them all (on a shorter line: printed in
    // full, each report repeats it).
    let short = project("short", &")]}".repeat(40));
    let path = short.path().to_str().unwrap();
    let all = json_codes(&cjoc(&["check", path, "--format", "json"]));
    assert!(all.len() > 50);
    let every = cjoc(&["check", path, "--error-limit", "0"]);
    assert_eq!(String::from_utf8_lossy(&every.stderr).matches("] Error:").count(), all.len());
}

#[test]
fn an_error_at_each_of_thousands_of_operators_is_reported_at_each() {
    let terms = vec!["1"; 3_000].join(" = ");
    let file = format!(
        "source t = \"raw.t\" {{\n  x: int\n}}\n\nmodel m {{\n  sql {{\n    select x from t where x = {terms}\n  }}\n}}\n"
    );
    let dir = project("chain", &file);
    let out = cjoc(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = v.as_array().unwrap();
    assert_eq!(diagnostics.len(), 2_999, "one E0400 per `=` after the first");
    // Each underlines its own operation: from the chain's start to its own
    // right operand.
    let ends: std::collections::BTreeSet<u64> = diagnostics.iter().map(|d| d["end_column"].as_u64().unwrap()).collect();
    assert_eq!(ends.len(), 2_999);
}
