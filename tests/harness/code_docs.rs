//! Every diagnostic code's documentation page shows an example that really
//! produces the code, and a fixed version that produces no error.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_project::MemoryFs;
use cjo_tests::load_single;

/// The fenced blocks of the page's "## Example" section: (language, text).
fn example_blocks(doc: &str) -> Vec<(String, String)> {
    let section = doc.split("## Example").nth(1).unwrap_or("");
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.trim_start().strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.trim_start().starts_with("```")).collect();
            blocks.push((lang.trim().to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

/// The exported schema in every `cjo.toml` example's project.
const SCHEMA: &str = r#"[{"name": "customer_id", "type": "STRING", "mode": "REQUIRED"}]"#;

fn codes_of(lang: &str, text: &str) -> Vec<(String, bool)> {
    let ws = match lang {
        "toml" => {
            // The project holds one exported schema, so that a fixed
            // `[catalog]` example has a file to match.
            let mut fs = MemoryFs::new();
            fs.insert("p/cjo.toml", text).insert("p/schemas/crm.customers.json", SCHEMA);
            cjo_tests::checked(cjo_project::load(&fs, Path::new("p")).unwrap())
        }
        _ => load_single("example.cjo", text),
    };
    ws.diagnostics.iter().map(|d| (d.code.id.to_string(), d.is_error())).collect()
}

#[test]
fn every_example_produces_its_code() {
    let mut failures = Vec::new();
    for code in cjo_diagnostics::ALL {
        let blocks = example_blocks(code.doc);
        let Some((lang, example)) = blocks.first() else {
            failures.push(format!("{}: no example block", code.id));
            continue;
        };
        if lang == "text" {
            continue; // File-level problems (unreadable, not UTF-8, too large) are described, not shown.
        }
        if lang != "cjo" && lang != "toml" {
            failures.push(format!("{}: the example is fenced as `{lang}`, not cjo or toml", code.id));
            continue;
        }
        let found = codes_of(lang, example);
        if !found.iter().any(|(c, _)| c == code.id) {
            failures.push(format!("{}: the example does not produce it (got {found:?})", code.id));
        }
        if let Some((_, fixed)) = blocks.get(1) {
            let errors: Vec<_> = codes_of(lang, fixed).into_iter().filter(|(_, e)| *e).collect();
            if !errors.is_empty() {
                failures.push(format!("{}: the fixed example still has errors {errors:?}", code.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
