//! Runs every fixture: `fixtures/errors/*.cjo` and `fixtures/ok/*.cjo` as
//! single-file projects, `fixtures/projects/*/` as whole projects. The
//! diagnostics must sit exactly where the fixture's annotations say (see
//! `cjo_tests::expected_places`), and their text is snapshotted. A new case
//! is a new file.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use cjo_tests::{Place, actual_places, expected_places, load_dir, load_single, render_compact, stdlib_is_clean};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// What differs between a fixture's annotations and its diagnostics.
fn differences(fixture: &str, expected: &[Place], actual: &[Place]) -> Option<String> {
    let missing = expected.iter().filter(|p| !actual.contains(p)).map(|p| format!("    missing {p}"));
    let extra = actual.iter().filter(|p| !expected.contains(p)).map(|p| format!("    extra   {p}"));
    let lines: Vec<String> = missing.chain(extra).collect();
    (expected != actual).then(|| format!("{fixture}:\n{}", lines.join("\n")))
}

fn single_files() -> Vec<(bool, PathBuf)> {
    let mut out = Vec::new();
    for (ok, dir) in [(false, "errors"), (true, "ok")] {
        let mut paths: Vec<_> = std::fs::read_dir(fixtures().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.retain(|p| p.extension().is_some_and(|e| e == "cjo"));
        paths.sort();
        out.extend(paths.into_iter().map(|p| (ok, p)));
    }
    out
}

/// Every single-file fixture's diagnostics sit where its annotations say;
/// all mismatches are listed together.
#[test]
fn single_file_fixture_places() {
    let mut failures = Vec::new();
    for (ok, path) in single_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let ws = load_single(&name, &text);
        assert!(stdlib_is_clean(&ws));
        let expected = expected_places(&name, &text);
        if ok != expected.is_empty() {
            failures.push(format!("{name}: fixtures in ok/ have no annotations, those in errors/ have some"));
        }
        failures.extend(differences(&name, &expected, &actual_places(&ws)));
    }
    assert!(failures.is_empty(), "diagnostics differ from the annotations\n{}", failures.join("\n"));
}

/// The text of every error fixture's diagnostics, and the tree of every
/// passing one.
#[test]
fn single_file_fixture_snapshots() {
    insta::glob!("../fixtures", "{errors,ok}/*.cjo", |path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap();
        let ws = load_single(&name, &text);
        if path.parent().is_some_and(|p| p.ends_with("ok")) {
            let module = ws.user_modules().next().unwrap();
            insta::assert_debug_snapshot!(module.ast);
        } else {
            insta::assert_snapshot!(render_compact(&ws));
        }
    });
}

/// Whole projects: annotations in every file, `#` ones in cjo.toml.
#[test]
fn project_fixtures() {
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(fixtures().join("projects")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.join("cjo.toml").is_file()) {
        let ws = load_dir(dir);
        let mut expected = Vec::new();
        for f in ws.files.iter().filter(|f| f.kind != cjo_project::FileKind::Stdlib) {
            let rel = f.path.strip_prefix("p").unwrap_or(&f.path);
            expected.extend(expected_places(&rel.display().to_string(), &f.text));
        }
        expected.sort();
        failures.extend(differences(&dir.display().to_string(), &expected, &actual_places(&ws)));
    }
    assert!(failures.is_empty(), "diagnostics differ from the annotations\n{}", failures.join("\n"));
    insta::glob!("../fixtures", "projects/*/cjo.toml", |config| {
        insta::assert_snapshot!(render_compact(&load_dir(config.parent().unwrap())));
    });
}

#[test]
fn there_are_enough_error_fixtures() {
    let count = single_files().iter().filter(|(ok, _)| !ok).count();
    assert!(count >= 40, "only {count} error fixtures");
}
