//! Building a small project (several files: see `cjo_fuzz::Project::parse`)
//! for BigQuery, Redshift and Trino, with its manifest and scheduler files:
//! the same files read in the opposite order either both have errors, or
//! both check clean with the same warnings and build byte-identical output.
//! (With errors, which of two declarations of a name is "declared twice"
//! depends on the order by design, and so may what is reported with it.)

#![no_main]

use cjo_diagnostics::Diagnostic;
use cjo_fuzz::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let project = Project::parse(text);
    let forward = cjo_fuzz::build(cjo_fuzz::load(&project.files));
    let backward = cjo_fuzz::build(cjo_fuzz::load(&project.reversed()));
    let errors = |o: &cjo_fuzz::Outcome| o.diagnostics.iter().any(Diagnostic::is_error);
    assert_eq!(errors(&forward), errors(&backward), "another file order changed whether it has errors");
    let (Some(a), Some(b)) = (forward.files, backward.files) else { return };
    let codes = |d: &[Diagnostic]| {
        let mut codes: Vec<&str> = d.iter().map(|d| d.code.id).collect();
        codes.sort_unstable();
        codes
    };
    assert_eq!(codes(&forward.diagnostics), codes(&backward.diagnostics), "another file order gave other warnings");
    let b: std::collections::BTreeMap<String, String> =
        b.into_iter().map(|(path, text)| (project.undo_reversal(&path), project.undo_reversal(&text))).collect();
    for (path, text) in &a {
        assert_eq!(Some(text), b.get(path), "another file order built {path} differently");
    }
    assert_eq!(a.len(), b.len(), "another file order built other files");
});
