//! Fixture files: `fixtures/*.cjo` in, their formatted text snapshotted in
//! `snapshots/`. Each is also checked for idempotence and preserved tokens
//! and comments. A new case is a new file.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.cjo", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let formatted = common::format_checked(&path.display().to_string(), &text);
        insta::assert_snapshot!(formatted);
    });
}
