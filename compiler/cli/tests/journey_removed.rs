//! `cjoc build --state` and journeys that drop a step (E0512): on
//! tests/journeys/changes/live_edits, built from v1 as production, then v2
//! as it is (every step renamed or moved) and with a `moved` line taken out.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Scratch, copy_dir};

fn case(version: &str, scratch: &Scratch) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/journeys/changes/live_edits");
    let project = scratch.path().join(version);
    copy_dir(&dir.join(version), &project);
    project
}

fn build(project: &Path, out: &Path, state: Option<&Path>) -> Output {
    let mut args = vec!["build".to_string(), project.display().to_string(), "--out".into(), out.display().to_string()];
    if let Some(state) = state {
        args.extend(["--state".to_string(), state.display().to_string()]);
    }
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(&args).env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn a_step_dropped_without_moved_is_refused_against_the_previous_build() {
    let scratch = Scratch::new("journey_removed", "moved");
    let prod = scratch.path().join("prod");
    let v1 = case("v1", &scratch);
    assert!(build(&v1, &prod, None).status.success());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(prod.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["nodes"]["journey.removed_step"]["steps"], serde_json::json!(["s.p0", "s.p2", "s.done"]));

    // Renames and `moved` account for every step v1 had.
    let v2 = case("v2", &scratch);
    let out = build(&v2, &scratch.path().join("ok"), Some(&prod));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let journeys = v2.join("journeys.cjo");
    let text = std::fs::read_to_string(&journeys).unwrap();
    std::fs::write(&journeys, text.replacen("    moved p0 -> p2\n", "", 1)).unwrap();
    let out = build(&v2, &scratch.path().join("refused"), Some(&prod));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0512"), "{err}");
    assert!(err.contains("journey `removed_step` no longer has step `p0` of stage `s`"), "{err}");
    assert_eq!(err.matches("E0512").count(), 1, "only removed_step drops a step: {err}");
    // Without --state nothing can be compared: the build goes ahead.
    assert!(build(&v2, &scratch.path().join("blind"), None).status.success());
}
