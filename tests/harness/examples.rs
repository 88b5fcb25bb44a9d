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
        let mut ws = load_dir(&dir);
        let diagnostics = std::mem::take(&mut ws.diagnostics);
        ws.diagnostics = diagnostics.into_iter().filter(|d| !is_warehouse_fact(&ws, d)).collect();
        assert!(ws.diagnostics.is_empty(), "{}:\n{}", dir.display(), cjo_tests::render_compact(&ws));
    }
}

/// A W0002 in an exported schema: the warehouse really has a timestamp
/// without a time zone, which the example's export keeps as it is.
fn is_warehouse_fact(ws: &cjo_project::Workspace, d: &cjo_diagnostics::Diagnostic) -> bool {
    d.code == cjo_diagnostics::CATALOG_APPROXIMATE_TYPE
        && ws.file(d.span().file).is_some_and(|f| f.kind == cjo_project::FileKind::Catalog)
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

/// The project the benchmarks generate checks clean (at a size tests afford).
#[test]
fn generated_project_checks_clean() {
    let mut fs = cjo_project::MemoryFs::new();
    fs.insert("p/cjo.toml", cjo_tests::DEFAULT_CONFIG);
    cjo_tests::insert_fixture_catalog(&mut fs);
    for (name, text) in cjo_tests::generate::project_files(120, 25) {
        fs.insert(format!("p/{name}"), text);
    }
    let ws = cjo_tests::checked(cjo_project::load(&fs, std::path::Path::new("p")).unwrap());
    assert!(ws.diagnostics.is_empty(), "{}", cjo_tests::render_compact(&ws));
}

/// The inferred schema and column lineage of every model of every example,
/// as `cjoc describe` prints them.
#[test]
fn example_schemas_and_lineage() {
    for dir in examples() {
        let ws = cjo_project::load(&cjo_tests::OsFs, &dir).unwrap();
        let analysis = cjo_semantic::analyze(&ws);
        let mut text = String::new();
        for relation in analysis.relations.values().filter(|r| r.is_model()) {
            text.push_str(&cjo_semantic::describe(&analysis, relation));
            text.push('\n');
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("schema_{name}"), text);
    }
}
