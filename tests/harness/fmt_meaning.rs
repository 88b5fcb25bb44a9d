//! `cjoc fmt` never changes what a file means: over every example, project
//! fixture and single-file fixture, formatting is idempotent, keeps the
//! diagnostics (by code) and, where the project builds, keeps every file
//! the build writes byte for byte. And the cases that once broke it.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_tests::FIXTURE_CONFIG;
use cjo_tests::corpus::{self, Files, outcome, projects};

/// Formats every `.cjo` file it can (see [`corpus::formatted`]); the
/// number formatted differently.
fn formatted(name: &str, files: &Files) -> (Files, usize) {
    corpus::formatted(files).unwrap_or_else(|e| panic!("{name}/{e}"))
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
        if let Err(e) = corpus::same_outcome(&files, &after) {
            panic!("{name}: formatting changed what it means: {e}");
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

/// A body whose first line sits left of the others is moved right as a
/// whole: the SQL built is the same, and the manifest differs only in the
/// model's `metadata` fingerprint (the text as written), which is what
/// it is for. Found by the `fmt` fuzz target.
#[test]
fn a_reindented_body_builds_the_same() {
    let text = "source ev = \"raw.ev\" {\n  a: int\n  b: int\n}\n\nmodel m {\n  sql {  \n  select a,\n         b\n    from ev\n  }\n}\n";
    let mut files = Files::new();
    files.insert("cjo.toml".into(), FIXTURE_CONFIG.into());
    files.insert("m.cjo".into(), text.into());
    let (after, n) = formatted("reindented", &files);
    assert_eq!(n, 1, "the body is moved right");
    let (_, Some(before_build)) = outcome(&files) else { panic!("it builds") };
    let (_, Some(after_build)) = outcome(&after) else { panic!("it still builds") };
    assert_ne!(before_build["manifest.json"], after_build["manifest.json"], "the metadata fingerprint records layout");
    corpus::same_outcome(&files, &after).unwrap();
}

/// As `# }`: sqlparser reads `@` and a space as an operator, `@` and a
/// line break as a name, so the space stays when the `}` moves (the file
/// was refused with W0007 before). Found by the `fmt` fuzz target.
#[test]
fn an_at_sign_before_the_closing_brace_is_formatted() {
    let text = "source ev = \"raw.ev\" {\n  a: int\n}\n\nmodel m {\n  sql {\n    select a\n    from ev @ }\n}\n";
    let mut files = Files::new();
    files.insert("cjo.toml".into(), FIXTURE_CONFIG.into());
    files.insert("m.cjo".into(), text.into());
    let (after, n) = formatted("at", &files);
    assert_eq!(n, 1, "the file is formatted (the brace moves)");
    corpus::same_outcome(&files, &after).unwrap();
}
