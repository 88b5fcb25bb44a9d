//! `cjoc fmt` never changes what a file means: over every example, project
//! fixture and single-file fixture, formatting is idempotent, keeps the
//! diagnostics (by code) and, where the project builds, keeps every file
//! the build writes byte for byte. And the cases that once broke it.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use cjo_tests::FIXTURE_CONFIG;
use cjo_tests::corpus::{Files, outcome, projects};

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
