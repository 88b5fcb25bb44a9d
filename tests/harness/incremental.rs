//! Incremental analysis (what the language server runs on every edit)
//! equals analysis from scratch: random edit sequences on a small
//! generated project, each step loaded and analysed with the caches kept
//! from the steps before (sometimes after a run cancelled half-way), and
//! compared with a fresh load and analysis: the workspace's diagnostics
//! and trees, the whole analysis and the IDE index.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::Cell;
use std::path::Path;

use cjo_project::{Limits, MemoryFs, ParseCache};
use cjo_semantic::SqlCache;
use cjo_semantic::ide::Index;
use proptest::prelude::*;

/// Text typed into a file: pieces of declarations, SQL and punctuation,
/// so that edits break and mend names, bodies and braces.
const SNIPPETS: &[&str] = &[
    "x",
    " ",
    "\n",
    "}",
    "{",
    "'",
    "--",
    "amount",
    "amout",
    "customer_id",
    ", sum(amount) as s",
    "from events_0",
    "join daily_1 d2 on d2.customer_id = customer_id",
    "model extra {\n  sql { select 1 as one }\n}\n",
    "source events_0 = \"raw.dup\" { customer_id: string }\n",
    "  amount_usd: int\n",
];

#[derive(Clone, Debug)]
struct Edit {
    /// Which file (modulo their number).
    file: usize,
    /// Where, as a fraction of the file's length.
    at: f64,
    /// How many bytes to delete there (before inserting).
    delete: usize,
    /// What to insert, an index into [`SNIPPETS`].
    insert: usize,
    /// Cancel a run of this text after so many checks first, if any.
    cancel_after: Option<usize>,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0usize..8, 0.0f64..1.0, 0usize..12, 0..SNIPPETS.len(), proptest::option::of(0usize..40))
        .prop_map(|(file, at, delete, insert, cancel_after)| Edit { file, at, delete, insert, cancel_after })
}

/// Applies `edit` to `text`, at the nearest character boundaries.
fn apply(text: &mut String, edit: &Edit) {
    let mut start = ((text.len() as f64) * edit.at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + edit.delete).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.replace_range(start..end, SNIPPETS[edit.insert]);
}

/// Everything an analysis yields, printed: equal printouts are equal
/// results (the trees, relations, queries and index have no other
/// equality).
fn printout(ws: &cjo_project::Workspace, analysis: &cjo_semantic::Analysis) -> String {
    let modules: Vec<_> = ws.modules.iter().map(|m| (m.file, &*m.ast)).collect();
    let index = Index::new(ws, analysis);
    let diagnostics = cjo_semantic::all_diagnostics(ws, analysis);
    format!("{:#?}\n{modules:#?}\n{analysis:#?}\n{index:#?}", diagnostics)
}

fn project() -> Vec<(String, String)> {
    let mut files = cjo_tests::generate::project_files(24, 4);
    files.truncate(8);
    files
}

fn memory_fs(files: &[(String, String)]) -> MemoryFs {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", cjo_tests::DEFAULT_CONFIG);
    for (name, text) in files {
        fs.insert(format!("p/{name}"), text.as_str());
    }
    fs
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_analysis_equals_a_fresh_one(edits in proptest::collection::vec(edit(), 1..12)) {
        let mut files = project();
        let (mut parses, mut sql) = (ParseCache::default(), SqlCache::default());
        let root = Path::new("p");
        for edit in &edits {
            let n = files.len();
            apply(&mut files[edit.file % n].1, edit);
            let fs = memory_fs(&files);
            if let Some(after) = edit.cancel_after {
                // A run cancelled half-way leaves the caches usable.
                let checks = Cell::new(0);
                let cancelled = || { checks.set(checks.get() + 1); checks.get() > after };
                if let Ok(ws) = cjo_project::load_incremental(&fs, root, Limits::UNBOUNDED, &mut parses, &cancelled) {
                    cjo_semantic::analyze_incremental(&ws, &mut sql, &cancelled);
                }
            }
            let ws = cjo_project::load_incremental(&fs, root, Limits::UNBOUNDED, &mut parses, &|| false).unwrap();
            let analysis = cjo_semantic::analyze_incremental(&ws, &mut sql, &|| false);
            let incremental = printout(&ws, &analysis);
            let fresh_ws = cjo_project::load(&fs, root).unwrap();
            let fresh = printout(&fresh_ws, &cjo_semantic::analyze(&fresh_ws));
            prop_assert!(incremental == fresh, "after {edit:?}: incremental and fresh analyses differ");
            // Bounded: one entry per file (with the standard library's),
            // at most one per model body.
            prop_assert_eq!(parses.len(), ws.modules.len());
            prop_assert!(sql.len() <= analysis.relations.len());
        }
    }
}

#[test]
fn an_edit_parses_only_what_it_changed() {
    let mut files = project();
    let (mut parses, mut sql) = (ParseCache::default(), SqlCache::default());
    let root = Path::new("p");
    let ws =
        cjo_project::load_incremental(&memory_fs(&files), root, Limits::UNBOUNDED, &mut parses, &|| false).unwrap();
    cjo_semantic::analyze_incremental(&ws, &mut sql, &|| false);
    assert_eq!(parses.parsed_last(), ws.modules.len(), "the first load parses every file");
    // The generated models of one source share their body's text: one
    // parse each.
    let bodies = sql.parsed_last();
    assert_eq!((bodies, sql.len()), (5, 5));

    // One model's column misspelt, in the second model file.
    files[2].1 = files[2].1.replacen("sum(amount)", "sum(amout)", 1);
    let ws =
        cjo_project::load_incremental(&memory_fs(&files), root, Limits::UNBOUNDED, &mut parses, &|| false).unwrap();
    let analysis = cjo_semantic::analyze_incremental(&ws, &mut sql, &|| false);
    assert_eq!(parses.parsed_last(), 1, "only the edited file is parsed again");
    assert_eq!(sql.parsed_last(), 1, "only the edited body is parsed again");
    assert!(analysis.diagnostics.iter().any(|d| d.code.id == "E0302"), "{:?}", analysis.diagnostics);

    // A file deleted: its entries go (with the misspelt body).
    let before = parses.len();
    files.remove(2);
    let ws =
        cjo_project::load_incremental(&memory_fs(&files), root, Limits::UNBOUNDED, &mut parses, &|| false).unwrap();
    cjo_semantic::analyze_incremental(&ws, &mut sql, &|| false);
    assert_eq!(parses.len(), before - 1);
    assert_eq!(sql.len(), bodies);
}

#[test]
fn an_edit_checks_only_what_it_changed() {
    let mut files = project();
    let mut parses = ParseCache::default();
    let mut sql = SqlCache::default();
    let root = Path::new("p");
    let mut analyse = |files: &[(String, String)]| {
        let fs = memory_fs(files);
        let ws = cjo_project::load_incremental(&fs, root, Limits::UNBOUNDED, &mut parses, &|| false).unwrap();
        let analysis = cjo_semantic::analyze_incremental(&ws, &mut sql, &|| false);
        (analysis.diagnostics.len(), sql.checked_last())
    };
    assert_eq!(analyse(&files).1, 24, "the first analysis checks every model");
    assert_eq!(analyse(&files).1, 0, "nothing changed: nothing is checked");

    // Edits of the same length keep every other model where it was. In
    // the fourth file: daily_8, then weekly_9 (which reads daily_8), then
    // daily_10 and daily_11.
    assert!(files[3].1.contains("model daily_8 {") && files[3].1.contains("from daily_8 d"));
    files[3].1 = files[3].1.replacen("-- per day", "-- by day.", 1);
    assert_eq!(analyse(&files), (0, 1), "a comment in daily_8's SQL: daily_8 alone, its columns unchanged");

    files[3].1 = files[3].1.replacen("as total", "as tolal", 1);
    let (diagnostics, checked) = analyse(&files);
    assert_eq!(checked, 2, "a column of daily_8 renamed: daily_8 and weekly_9, which reads it");
    assert!(diagnostics > 0, "weekly_9 reads `d.total`, which is gone");

    files[3].1 = files[3].1.replacen("as tolal", "as total", 1);
    assert_eq!(analyse(&files), (0, 2), "and back");
}
