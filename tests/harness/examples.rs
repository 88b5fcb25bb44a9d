//! Every example project checks clean and is formatted.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use cjo_tests::{load_dir, repo_root};

fn examples() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cjo.toml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "expected the five seed examples");
    dirs
}

#[test]
fn examples_check_clean() {
    for dir in examples() {
        let ws = load_dir(&dir);
        assert!(ws.diagnostics.is_empty(), "{}:\n{}", dir.display(), cjo_tests::render_compact(&ws));
    }
}

#[test]
fn examples_are_formatted() {
    for dir in examples() {
        for rel in cjo_project::discover(&cjo_tests::OsFs, &dir) {
            let path = dir.join(rel);
            let text = std::fs::read_to_string(&path).unwrap();
            let formatted = cjo_fmt::format(&text).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
            assert_eq!(formatted, text, "{} is not formatted (run `cjoc fmt`)", path.display());
        }
    }
}

#[test]
fn init_template_and_stdlib_are_formatted() {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("compiler/cli/templates/init"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.extend(std::fs::read_dir(repo_root().join("stdlib/lib")).unwrap().map(|e| e.unwrap().path()));
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "cjo")) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(cjo_fmt::format(&text).ok().as_deref(), Some(text.as_str()), "{} is not formatted", path.display());
    }
}
