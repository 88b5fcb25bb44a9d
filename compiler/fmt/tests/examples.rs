//! Every `.cjo` file under `examples/` is already formatted, and every
//! `.cjo` file in the repository formats without changing its meaning.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

fn cjo_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && !name.starts_with('.') && name != "target" {
            cjo_files(&path, out);
        } else if name.ends_with(".cjo") {
            out.push(path);
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn examples_are_formatted() {
    let mut files = Vec::new();
    cjo_files(&repo().join("examples"), &mut files);
    assert!(files.len() >= 20, "examples not found");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.display().to_string();
        let formatted = common::format_checked(&name, &text);
        assert!(formatted == text, "{name} is not formatted; `cjoc fmt` it\n{formatted}");
    }
}

#[test]
fn stdlib_formats_cleanly() {
    let mut files = Vec::new();
    cjo_files(&repo().join("stdlib"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        common::format_checked(&path.display().to_string(), &text);
    }
}
