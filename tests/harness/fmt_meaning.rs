//! `cjoc fmt` never changes what a file means: over every example, project
//! fixture and single-file fixture, formatting is idempotent, keeps the
//! diagnostics (by code) and, where the project builds, keeps every file
//! the build writes byte for byte. And the cases that once broke it.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cjo_codegen::Literals;
use cjo_diagnostics::Diagnostic;
use cjo_project::{Dialect, MemoryFs, Workspace};
use cjo_tests::{FIXTURE_CONFIG, checked, insert_fixture_catalog, repo_root, run_interval};

/// A project as files (path below `p/` → bytes). A single-file fixture's
/// project also holds the fixtures' catalog, added when it is loaded.
type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Every project to try: each example and project fixture, and each
/// single-file fixture as the only file of a project.
fn projects() -> Vec<(String, Files)> {
    let root = repo_root();
    let mut out = Vec::new();
    for parent in [root.join("examples"), root.join("tests/fixtures/projects")] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&parent).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.retain(|d| d.join("cjo.toml").is_file());
        dirs.sort();
        for dir in dirs {
            out.push((dir.display().to_string(), read_tree(&dir)));
        }
    }
    for group in ["ok", "errors", "sql"] {
        let dir = root.join("tests/fixtures").join(group);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.retain(|p| p.extension().is_some_and(|e| e == "cjo"));
        paths.sort();
        for path in paths {
            let mut files = Files::new();
            files.insert("cjo.toml".into(), FIXTURE_CONFIG.into());
            files.insert(path.file_name().unwrap().into(), std::fs::read(&path).unwrap());
            out.push((path.display().to_string(), files));
        }
    }
    assert!(out.len() > 100, "expected the examples and fixtures, found {}", out.len());
    out
}

fn read_tree(dir: &Path) -> Files {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// The project loaded and checked (with the fixtures' catalog when it has
/// no files of its own), its diagnostics' codes and, when it has no
/// errors, every file its build for all three warehouses writes.
fn outcome(files: &Files) -> (Vec<&'static str>, Option<BTreeMap<String, String>>) {
    let mut fs = MemoryFs::new();
    for (path, bytes) in files {
        fs.insert(Path::new("p").join(path), bytes.clone());
    }
    if files.get(Path::new("cjo.toml")).is_some_and(|c| c.as_slice() == FIXTURE_CONFIG.as_bytes()) {
        insert_fixture_catalog(&mut fs);
    }
    let ws: Workspace = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
    let mut codes: Vec<&'static str> = ws.diagnostics.iter().map(|d| d.code.id).collect();
    codes.sort_unstable();
    if ws.diagnostics.iter().any(Diagnostic::is_error) {
        return (codes, None);
    }
    let analysis = cjo_semantic::analyze(&ws);
    let binder = Literals { run: run_interval(), values: BTreeMap::new() };
    let options = cjo_codegen::Options {
        targets: Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]),
        binder: &binder,
    };
    let build = cjo_codegen::build(&ws, &analysis, &options);
    (codes, Some(cjo_codegen::output::files(&ws, &analysis, &build, Some(run_interval()))))
}

/// Formats every `.cjo` file it can; the number formatted differently.
fn formatted(name: &str, files: &Files) -> (Files, usize) {
    let mut out = files.clone();
    let mut changed = 0;
    for (path, bytes) in &mut out {
        let Some(text) =
            path.extension().is_some_and(|e| e == "cjo").then(|| String::from_utf8(bytes.clone()).ok()).flatten()
        else {
            continue;
        };
        match cjo_fmt::format(&text) {
            Ok(new) => {
                let again = cjo_fmt::format(&new);
                assert_eq!(again.as_ref(), Ok(&new), "{name}/{}: formatting is not idempotent", path.display());
                if new != text {
                    changed += 1;
                    *bytes = new.into_bytes();
                }
            }
            Err(diagnostics) => {
                let refused: Vec<_> = diagnostics.iter().filter(|d| !d.is_error()).collect();
                assert!(refused.is_empty(), "{name}/{}: fmt refused an ordinary file: {refused:?}", path.display());
            }
        }
    }
    (out, changed)
}

#[test]
fn formatting_keeps_diagnostics_and_builds() {
    let mut changed = 0;
    for (name, files) in projects() {
        let (after, n) = formatted(&name, &files);
        if n == 0 {
            continue;
        }
        changed += n;
        let (codes, build) = outcome(&files);
        let (codes_after, build_after) = outcome(&after);
        assert_eq!(codes, codes_after, "{name}: formatting changed the diagnostics");
        match (build, build_after) {
            (Some(a), Some(b)) => {
                for (path, text) in &a {
                    assert_eq!(Some(text), b.get(path), "{name}: formatting changed the built {path}");
                }
                assert_eq!(a.len(), b.len(), "{name}: formatting changed the files built");
            }
            (None, None) => {}
            _ => panic!("{name}: formatting changed whether it builds"),
        }
    }
    // The fixtures are written to be formatted differently (comments,
    // odd layouts): the test must see some changes to mean anything.
    assert!(changed > 10, "only {changed} files changed when formatted");
}

/// The case: a body whose last line ends `# }`. sqlparser reads
/// `#` and a space as an operator (so the body is an E0015), and `#` and a
/// line break as a name: moving the `}` off the line keeps the space.
#[test]
fn a_hash_before_the_closing_brace_keeps_its_error() {
    let text = "source ev = \"raw.ev\" {\n  a: int\n}\n\nmodel m {\n  sql {\n    select a\n    from ev # }\n}\n";
    let mut files = Files::new();
    files.insert("cjo.toml".into(), FIXTURE_CONFIG.into());
    files.insert("m.cjo".into(), text.into());
    let (after, n) = formatted("hash", &files);
    assert_eq!(n, 1, "the file is formatted (the brace moves)");
    assert_eq!(outcome(&files).0, ["E0015"]);
    assert_eq!(outcome(&after).0, ["E0015"], "{}", String::from_utf8_lossy(&after[Path::new("m.cjo")]));
}

/// A one-line body ending in `#` and a tab cannot be formatted without
/// changing it (the tab would become the one space before `}`): the file
/// is left as it is, with W0007.
#[test]
fn a_file_whose_meaning_would_change_is_refused() {
    let text = "source ev = \"raw.ev\" {\n  a: int\n}\n\nmodel m {\n  sql {select a from ev #\t}\n}\n";
    let refused = cjo_fmt::format(text).unwrap_err();
    let codes: Vec<_> = refused.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["W0007"], "{refused:?}");
    assert!(refused[0].message.contains("SQL body"), "{}", refused[0].message);
}
