//! The documentation pages of the catalog codes describe their examples as
//! `text` blocks (a catalog file is not a `.cjo` file, so the workspace's
//! doc test skips them). Here they are run: the first block, headed by the
//! file's path (`schemas/crm.customers.json:`), produces the code; the
//! second, the fixed file (under the same path unless it names one), has no
//! errors.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use cjo_diagnostics::{
    CATALOG_APPROXIMATE_TYPE, CATALOG_DUPLICATE_COLUMN, CATALOG_MISSING_FIELD, CATALOG_SYNTAX, CATALOG_TABLE_NAME,
    CATALOG_UNKNOWN_TYPE, Code, FileId,
};

fn example_blocks(doc: &str) -> Vec<String> {
    let section = doc.split("## Example").nth(1).unwrap_or("");
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.trim_start().starts_with("```")).collect();
            blocks.push(body.join("\n") + "\n");
        }
    }
    blocks
}

/// Splits off a `path:` first line.
fn path_and_text(block: &str) -> (Option<&str>, &str) {
    match block.split_once('\n') {
        Some((first, rest)) if first.ends_with(':') && !first.contains(' ') => (first.strip_suffix(':'), rest),
        _ => (None, block),
    }
}

#[test]
fn every_catalog_example_produces_its_code() {
    let codes: [Code; 6] = [
        CATALOG_SYNTAX,
        CATALOG_UNKNOWN_TYPE,
        CATALOG_MISSING_FIELD,
        CATALOG_DUPLICATE_COLUMN,
        CATALOG_TABLE_NAME,
        CATALOG_APPROXIMATE_TYPE,
    ];
    for code in codes {
        let blocks = example_blocks(code.doc);
        let (path, text) = path_and_text(&blocks[0]);
        let path = path.unwrap_or_else(|| panic!("{}: the example does not name its file", code.id));
        let (_, diagnostics) = cjo_catalog::import(FileId(0), path, text);
        assert!(diagnostics.iter().any(|d| d.code == code), "{}: got {diagnostics:?}", code.id);
        let (fixed_path, fixed) = path_and_text(&blocks[1]);
        let (_, diagnostics) = cjo_catalog::import(FileId(0), fixed_path.unwrap_or(path), fixed);
        assert!(diagnostics.is_empty(), "{}: the fixed example has {diagnostics:?}", code.id);
    }
}
