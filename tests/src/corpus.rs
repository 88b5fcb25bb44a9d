//! The examples and fixtures as in-memory projects, for the tests that
//! change every file of a project (format it, rename in it) and compare
//! what it checks and builds to before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cjo_diagnostics::Diagnostic;
use cjo_project::{Dialect, MemoryFs, Workspace};

use crate::{FIXTURE_CONFIG, checked, insert_fixture_catalog, repo_root, run_interval};

/// A project as files (path below `p/` → bytes). A single-file fixture's
/// project also holds the fixtures' catalog, added when it is loaded.
pub type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Every project to try: each example and project fixture, and each
/// single-file fixture as the only file of a project.
pub fn projects() -> Vec<(String, Files)> {
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

pub fn read_tree(dir: &Path) -> Files {
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
pub fn outcome(files: &Files) -> (Vec<&'static str>, Option<BTreeMap<String, String>>) {
    let ws = load(files);
    let mut codes: Vec<&'static str> = ws.diagnostics.iter().map(|d| d.code.id).collect();
    codes.sort_unstable();
    if ws.diagnostics.iter().any(Diagnostic::is_error) {
        return (codes, None);
    }
    let analysis = cjo_semantic::analyze(&ws);
    let options = cjo_codegen::Options {
        targets: Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]),
        ..Default::default()
    };
    let build = cjo_codegen::build(&ws, &analysis, &options);
    (codes, Some(cjo_codegen::output::files(&ws, &analysis, &build, run_interval())))
}

/// The project loaded from `p/` (with the fixtures' catalog for a
/// single-file fixture) and checked.
pub fn load(files: &Files) -> Workspace {
    let mut fs = MemoryFs::new();
    for (path, bytes) in files {
        fs.insert(Path::new("p").join(path), bytes.clone());
    }
    if files.get(Path::new("cjo.toml")).is_some_and(|c| c.as_slice() == FIXTURE_CONFIG.as_bytes()) {
        insert_fixture_catalog(&mut fs);
    }
    checked(cjo_project::load(&fs, Path::new("p")).unwrap())
}

/// `files` with every `.cjo` file formatted (those `cjo_fmt` refuses for
/// their syntax errors are left as they are), and how many changed; `Err`
/// says how formatting failed: not idempotent, or an ordinary file
/// refused (W0007).
pub fn formatted(files: &Files) -> Result<(Files, usize), String> {
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
                if again.as_ref() != Ok(&new) {
                    return Err(format!("{}: formatting is not idempotent: {again:?}", path.display()));
                }
                if new != text {
                    changed += 1;
                    *bytes = new.into_bytes();
                }
            }
            Err(diagnostics) => {
                let refused: Vec<_> = diagnostics.iter().filter(|d| !d.is_error()).collect();
                if !refused.is_empty() {
                    return Err(format!("{}: fmt refused an ordinary file: {refused:?}", path.display()));
                }
            }
        }
    }
    Ok((out, changed))
}

/// `Err` saying how `after` checks or builds differently from `before`:
/// other diagnostics (by code), or another file written, or one written
/// differently (see [`outcome`]). The manifest's `metadata` fingerprints
/// are left out: they record the text as written (docs, comments, layout)
/// so that `cjoc diff` can say a change built nothing new, and
/// formatting is such a change.
pub fn same_outcome(before: &Files, after: &Files) -> Result<(), String> {
    let (codes, build) = outcome(before);
    let (codes_after, build_after) = outcome(after);
    if codes != codes_after {
        return Err(format!("the diagnostics changed: {codes:?} became {codes_after:?}"));
    }
    match (build, build_after) {
        (Some(a), Some(b)) => {
            for (path, text) in &a {
                if b.get(path).map(|t| without_metadata(path, t)) != Some(without_metadata(path, text)) {
                    return Err(format!("the built {path} changed"));
                }
            }
            if a.len() != b.len() {
                return Err("the files built changed".into());
            }
            Ok(())
        }
        (None, None) => Ok(()),
        _ => Err("whether it builds changed".into()),
    }
}

/// A built file as [`same_outcome`] compares it: `manifest.json` without
/// its fingerprints' `metadata`, any other file as it is.
fn without_metadata(path: &str, text: &str) -> String {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(print)) = map.get_mut("fingerprint") {
                    print.remove("metadata");
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if path != "manifest.json" {
        return text.to_string();
    }
    let mut manifest: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("manifest.json: {e}"));
    strip(&mut manifest);
    manifest.to_string()
}
