//! Formatting any file: `cjo_fmt` is idempotent, refuses nothing but
//! files with syntax errors, and never changes what a file means: the
//! project checks to the same diagnostics and builds the same files
//! (`cjo_tests::corpus`, which `tests/harness/fmt_meaning.rs` runs over
//! every example and fixture).

#![no_main]

use cjo_fuzz::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if std::str::from_utf8(data).is_err() {
        return;
    }
    let before = Project::single(data).files;
    let (after, changed) = cjo_tests::corpus::formatted(&before).unwrap_or_else(|e| panic!("{e}"));
    if changed > 0
        && let Err(e) = cjo_tests::corpus::same_outcome(&before, &after)
    {
        panic!("formatting changed what the file means: {e}");
    }
});
