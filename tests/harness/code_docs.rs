//! Every diagnostic code's documentation page shows an example that really
//! produces the code, and a fixed version that produces no error (nor the
//! page's own code, when it is a warning).
//!
//! A `cjo` example is the only file of a project ([`load_single`]); a
//! `toml` example is a project's `cjo.toml`. A `toml` example whose first
//! line is `# cjoc build`, optionally with `--target a,b`, is built as
//! that command would build it: its project also holds one model
//! ([`MODEL`]), and code generation runs for the targets given.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_project::{Dialect, MemoryFs};
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

/// The model beside a `toml` example that says `# cjoc build`: it names
/// no `target`, so it is built on the project's `default_target`, or on
/// every warehouse `--target` lists.
const MODEL: &str = "source customers = \"crm.customers\" {\n  customer_id: string not null\n}\n\nmodel customer_ids {\n  sql { select customer_id from customers }\n}\n";

/// The `# cjoc build [--target a,b]` first line of a `toml` example: `None`
/// without one, else the targets asked for (`None`: each model's own).
fn build_command(text: &str) -> Option<Option<Vec<Dialect>>> {
    let command = text.lines().next()?.strip_prefix('#')?.trim().strip_prefix("cjoc build")?.trim();
    if command.is_empty() {
        return Some(None);
    }
    let list = command.strip_prefix("--target").unwrap_or_else(|| panic!("cannot read `# cjoc build {command}`"));
    let dialect = |d: &str| Dialect::parse(d.trim()).unwrap_or_else(|| panic!("`{d}` is not a target"));
    Some(Some(list.split(',').map(dialect).collect()))
}

fn codes_of(lang: &str, text: &str) -> Vec<(String, bool)> {
    let ws = match lang {
        "toml" => {
            // The project holds one exported schema, so that a fixed
            // `[catalog]` example has a file to match.
            let mut fs = MemoryFs::new();
            fs.insert("p/cjo.toml", text).insert("p/schemas/crm.customers.json", SCHEMA);
            let command = build_command(text);
            if command.is_some() {
                fs.insert("p/models.cjo", MODEL);
            }
            cjo_tests::lowered(cjo_project::load(&fs, Path::new("p")).unwrap(), command.flatten())
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
            let found = codes_of(lang, fixed);
            let errors: Vec<_> = found.iter().filter(|(_, e)| *e).collect();
            if !errors.is_empty() {
                failures.push(format!("{}: the fixed example still has errors {errors:?}", code.id));
            } else if found.iter().any(|(c, _)| c == code.id) {
                failures.push(format!("{}: the fixed example still produces it", code.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
