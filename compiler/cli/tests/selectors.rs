//! `[selectors]` in `cjo.toml` and `--selector NAME` end to end, on a copy
//! of an example: a selector picks what its expressions pick, combines
//! with `--select` and `--exclude`, and an unknown or broken one is
//! reported.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Scratch;

const SELECTORS: &str = r#"
[selectors]
reports = "tag:report"

[selectors.core]
select = "tag:core"
exclude = "global_daily_watch"
"#;

fn cjoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).env("NO_COLOR", "1").output().unwrap()
}

/// The node ids `cjoc ls` prints for `args`, which must succeed.
fn ls(project: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["ls", project.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = cjoc(&all);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// A copy of `examples/video_watch` with `extra` appended to its `cjo.toml`.
fn project(scratch: &Scratch, extra: &str) -> PathBuf {
    let dir = scratch.path().join("project");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/video_watch");
    for entry in walk(&example) {
        let dest = dir.join(entry.strip_prefix(&example).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, dest).unwrap();
    }
    let toml = dir.join("cjo.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(toml, text + extra).unwrap();
    dir
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn a_selector_picks_what_its_expressions_pick() {
    let scratch = Scratch::new("selectors", "picks");
    let dir = project(&scratch, SELECTORS);
    assert_eq!(ls(&dir, &["--selector", "reports"]), ls(&dir, &["--select", "tag:report"]));
    // The selector's own `exclude` applies to its `select`.
    let core = ls(&dir, &["--selector", "core"]);
    assert_eq!(core, ls(&dir, &["--select", "tag:core", "--exclude", "global_daily_watch"]));
    assert!(!core.is_empty() && !core.iter().any(|id| id.contains("global_daily_watch")));
    // With `--select`, a union; `--exclude` takes from the whole.
    let both = ls(&dir, &["--selector", "core", "--select", "global_daily_watch"]);
    assert!(both.contains(&"model.global_daily_watch".to_owned()) && core.iter().all(|id| both.contains(id)));
    let fewer = ls(&dir, &["--selector", "core", "--selector", "reports", "--exclude", "tag:report"]);
    assert_eq!(fewer, core);
}

#[test]
fn a_selected_build_records_its_selectors() {
    let scratch = Scratch::new("selectors", "build");
    let dir = project(&scratch, SELECTORS);
    let out = scratch.path().join("out");
    let run = cjoc(&["build", dir.to_str().unwrap(), "--selector", "reports", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["selection"]["selectors"], serde_json::json!(["reports"]));
    assert_eq!(manifest["selection"]["select"], serde_json::json!([]));
}

#[test]
fn an_unknown_selector_is_a_usage_error_with_the_nearest_name() {
    let scratch = Scratch::new("selectors", "unknown");
    let dir = project(&scratch, SELECTORS);
    for command in ["ls", "check", "graph", "build", "describe"] {
        let out = cjoc(&[command, dir.to_str().unwrap(), "--selector", "report"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("did you mean `reports`?") && stderr.contains("the selectors are `core`, `reports`"),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn a_broken_selector_is_a_config_error() {
    let scratch = Scratch::new("selectors", "broken");
    let dir = project(&scratch, "\n[selectors]\nnightly = \"tga:core+\"\n");
    let out = cjoc(&["check", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0126") && stderr.contains("did you mean `tag`?"), "{stderr}");
}
