//! The global flags (`-q`, `-v`), `completions`, and help texts that say
//! only what each command does.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn cjoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name).to_string_lossy().into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn quiet_drops_the_summary_and_verbose_adds_the_phases() {
    let dir = example("onboarding");
    let normal = cjoc(&["check", &dir]);
    assert!(text(&normal.stderr).contains("checked `onboarding`"), "{}", text(&normal.stderr));
    let quiet = cjoc(&["check", "-q", &dir]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(text(&quiet.stderr), "");
    let verbose = cjoc(&["-v", "check", &dir]);
    let err = text(&verbose.stderr);
    assert!(err.contains("time: loading") && err.contains("time: checking"), "{err}");
    assert!(err.contains("checked `onboarding`"), "{err}");
}

#[test]
fn quiet_keeps_the_errors() {
    let out = cjoc(&["-q", "describe", "no_such_model", "--dir", &example("onboarding")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: no model or source `no_such_model`"));
}

#[test]
fn completions_are_written_for_each_shell() {
    for (shell, marker) in [("bash", "_cjoc()"), ("zsh", "#compdef cjoc"), ("fish", "complete -c cjoc")] {
        let out = cjoc(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains(marker) && script.contains("simulate"), "{shell}: {script}");
    }
}

#[test]
fn graph_offers_only_the_options_that_change_the_graph() {
    let help = text(&cjoc(&["graph", "--help"]).stdout);
    for absent in ["--target", "--run-start", "--run-end", "--run-date", "--param"] {
        assert!(!help.contains(absent), "graph --help offers {absent}:\n{help}");
    }
    assert!(help.contains("--journey") && help.contains("--format"), "{help}");
    let refused = cjoc(&["graph", &example("onboarding"), "--target", "trino"]);
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn help_texts_are_each_commands_own() {
    let describe = text(&cjoc(&["describe", "--help"]).stdout);
    assert!(describe.contains("A block of text per model"), "{describe}");
    assert!(!describe.contains("with the source lines"), "{describe}");
    let build = text(&cjoc(&["build", "--help"]).stdout);
    assert!(build.contains("needs `--run-end`") && build.contains("needs `--run-start`"), "{build}");
}

#[test]
fn describe_takes_the_project_folder_as_its_argument() {
    let dir = example("onboarding");
    let by_argument = cjoc(&["describe", &dir]);
    assert_eq!(by_argument.status.code(), Some(0), "{}", text(&by_argument.stderr));
    let by_option = cjoc(&["describe", "--dir", &dir]);
    assert_eq!(by_argument.stdout, by_option.stdout);
    assert!(text(&by_argument.stdout).contains("model `customer_profiles`"));
    // With `--dir`, a lone argument is a name, whatever folders there are.
    let named = cjoc(&["describe", &dir, "--dir", &dir]);
    assert_eq!(named.status.code(), Some(1));
}

#[test]
fn explain_without_a_code_lists_the_codes_and_exits_0() {
    let out = cjoc(&["explain"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("E0001  "), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("cjoc explain E0201"), "{}", text(&out.stderr));
    let listed = cjoc(&["explain", "--list"]);
    assert_eq!(listed.stdout, out.stdout);
    assert_eq!(text(&listed.stderr), "");
}
