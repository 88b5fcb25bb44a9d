//! Every schema export kept with the examples imports without errors.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_diagnostics::FileId;

#[test]
fn every_example_schema_imports_cleanly() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files = Vec::new();
    for project in std::fs::read_dir(&examples).unwrap() {
        let schemas = project.unwrap().path().join("schemas");
        if let Ok(entries) = std::fs::read_dir(&schemas) {
            files.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    assert!(files.len() >= 5, "found only {files:?}");
    let mut failures = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let (tables, diagnostics) = cjo_catalog::import(FileId(i as u32), &path.display().to_string(), &text);
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            let at = d.span().range.slice(&text);
            failures.push(format!("{}: {} {} at `{at}`", path.display(), d.code, d.message));
        }
        if tables.is_empty() || tables.iter().any(|t| t.columns.is_empty()) {
            failures.push(format!("{}: a table without columns", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
