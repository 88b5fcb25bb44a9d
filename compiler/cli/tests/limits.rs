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

/// Runs `cjoc args`, and the peak resident memory it reached in KiB as
/// Linux reports it (`VmHWM`, polled), printed for the record: the bound
/// is stated in `docs/limits.md`, and timings and figures are not asserted.
fn cjoc_measured(what: &str, input_bytes: usize, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_cjoc"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let peak = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(status) = std::fs::read_to_string(&status_file) {
            let kib = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok());
            match kib {
                Some(k) => peak = peak.max(k),
                None => break, // exited: a zombie has no memory figures
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        peak
    });
    let out = child.wait_with_output().unwrap();
    let peak = peak.join().unwrap();
    println!(
        "{what}: {input_bytes} bytes in, peak {peak} KiB ({:.0} bytes per input byte)",
        peak as f64 * 1024.0 / input_bytes as f64
    );
    out
}

#[test]
fn a_sql_body_over_the_limit_is_an_error_at_its_first_line() {
    // 1.5 MiB of `union all`: a body no warehouse would run.
    let body: String = (0..60_000).map(|i| format!("    union all select {i}\n")).collect();
    let file = format!("model m {{\n  sql {{\n    select 1 as x\n{body}  }}\n}}\n");
    let dir = project("body", &file);
    let out = cjoc_measured("1.5 MiB body", file.len(), &["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, u64)> =
        v.as_array().unwrap().iter().map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap())).collect();
    assert_eq!(codes, [("E0017", 2)], "one error, at `sql {{`, and the body is not parsed");
}

#[test]
fn a_source_of_ten_thousand_columns_checks() {
    let columns: String = (0..10_000).map(|i| format!("  c{i}: int\n")).collect();
    let file = format!("source t = \"raw.t\" {{\n{columns}}}\n\nmodel m {{\n  sql {{ select * from t }}\n}}\n");
    let dir = project("columns", &file);
    let out = cjoc_measured("10,000 columns", file.len(), &["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn many_one_line_models_check() {
    let mut file = String::from("source t = \"raw.t\" {\n  x: int\n}\n");
    for i in 0..5_000 {
        file.push_str(&format!("model m{i} {{ sql {{ select x from t }} }}\n"));
    }
    let dir = project("models", &file);
    let out = cjoc_measured("5,000 one-line models", file.len(), &["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn garbage_is_reported_not_fatal() {
    // Deterministic bytes of every value, 1 MiB.
    let mut state = 0x2545_f491_u32;
    let bytes: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let dir = project("garbage", "");
    std::fs::write(dir.path().join("m.cjo"), &bytes).unwrap();
    let out =
        cjoc_measured("1 MiB of garbage", bytes.len(), &["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v.as_array().unwrap().is_empty());
}
