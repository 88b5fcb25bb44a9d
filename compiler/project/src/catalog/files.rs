//! Finding the catalog files: the files below the project folder that match
//! the glob patterns of `catalog.paths`, listed through the [`FileSystem`]
//! trait. Each pattern is walked from its longest folder prefix without
//! wildcards, so `schemas/**/*.json` lists only `schemas/`.

use std::collections::BTreeSet;
use std::path::Path;

use cjo_diagnostics::{CONFIG_CATALOG_PATH, Diagnostic, TextRange};
use glob::{MatchOptions, Pattern};

use crate::config::Config;
use crate::fs::FileSystem;
use crate::limits::{Budget, MAX_DEPTH};
use crate::loader::unlisted;
use crate::workspace::CONFIG_FILE;

/// How patterns match: case matters (builds must not depend on the file
/// system), `*` stays within one folder, and wildcards skip hidden files.
const OPTIONS: MatchOptions =
    MatchOptions { case_sensitive: true, require_literal_separator: true, require_literal_leading_dot: true };

/// How many of a folder's other files a "matches no file" error names.
const SHOWN: usize = 3;

/// The catalog files of the project at `root`: every file matching a
/// pattern of `catalog.paths`, as a `/`-separated path relative to `root`,
/// sorted and without repeats. `.cjo` files and `cjo.toml` are never catalog
/// files. A pattern that matches no file is reported (E0114) at its place in
/// `cjo.toml`. Every folder listed counts against `budget`.
pub(super) fn find(
    fs: &dyn FileSystem,
    root: &Path,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
    budget: &mut Budget,
) -> Vec<String> {
    let mut found = BTreeSet::new();
    for (pattern, span) in config.catalog.paths_with_spans() {
        let Some(search) = Search::new(pattern) else { continue };
        let mut walk = Walk { fs, root, search: &search, matched: Vec::new(), others: Vec::new(), diagnostics, budget };
        let listed = walk.folder(&search.base, 0);
        let Walk { matched, others, budget: walked, .. } = walk;
        // Past the project's ceiling (E0104), a pattern may match files
        // that were never listed.
        if matched.is_empty() && !walked.reached() {
            diagnostics.push(no_match(config, span, pattern, &search.base, listed, &others));
        }
        found.extend(matched);
    }
    found.into_iter().collect()
}

/// One pattern, ready to walk.
struct Search {
    pattern: Pattern,
    /// The longest folder prefix without wildcards, `/`-separated (empty for
    /// the project folder).
    base: String,
    /// How many folders below `base` a match may lie.
    depth: usize,
    /// Whether the pattern names a hidden file or folder, so hidden entries
    /// must be listed.
    hidden: bool,
}

impl Search {
    /// `None` when the pattern is not a valid glob (already reported while
    /// reading `cjo.toml`).
    fn new(pattern: &str) -> Option<Search> {
        let parts = normalize(pattern);
        let pattern = Pattern::new(&parts.join("/")).ok()?;
        let folders = parts.len().saturating_sub(1);
        let literal = parts.iter().take(folders).take_while(|p| !p.contains(['*', '?', '['])).count();
        let rest = parts.get(literal..).unwrap_or_default();
        let depth = if rest.iter().any(|p| p.contains("**")) { MAX_DEPTH } else { rest.len().saturating_sub(1) };
        let base = parts.get(..literal).unwrap_or_default().join("/");
        let hidden = parts.iter().any(|p| p.starts_with('.'));
        Some(Search { pattern, base, depth, hidden })
    }
}

/// The pattern's components, with `\` read as `/`, `.` and empty components
/// dropped and `..` applied (patterns that leave the project were reported
/// while reading `cjo.toml`).
fn normalize(pattern: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for part in pattern.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part.to_owned()),
        }
    }
    parts
}

/// The state of walking one pattern.
struct Walk<'a> {
    fs: &'a dyn FileSystem,
    root: &'a Path,
    search: &'a Search,
    /// The matching files.
    matched: Vec<String>,
    /// Files seen that do not match, for the error when nothing does.
    others: Vec<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
    budget: &'a mut Budget,
}

impl Walk<'_> {
    /// Lists the folder `rel` (relative to the root), `depth` folders below
    /// the pattern's base, and the folders in it. `Err` when `rel` cannot be
    /// listed; nothing is listed past the budget's ceiling.
    fn folder(&mut self, rel: &str, depth: usize) -> Result<(), std::io::Error> {
        if !self.budget.folder() {
            return Ok(());
        }
        let dir = if rel.is_empty() { self.root.to_path_buf() } else { self.root.join(rel) };
        let mut entries = match self.fs.read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                // The `.cjo` walk reports the same folder with the same words.
                if depth > 0 || e.kind() != std::io::ErrorKind::NotFound {
                    self.diagnostics.push(unlisted(&dir, &e));
                }
                return Err(e);
            }
        };
        entries.sort();
        for entry in entries {
            if entry.name.starts_with('.') && !self.search.hidden {
                continue;
            }
            let path = if rel.is_empty() { entry.name.clone() } else { format!("{rel}/{}", entry.name) };
            if entry.is_dir {
                let generated = rel.is_empty() && entry.name == "target";
                if depth < self.search.depth && !generated {
                    // An unlisted subfolder was reported; its siblings are still searched.
                    let _ = self.folder(&path, depth + 1);
                }
            } else if is_project_file(&path) {
                continue;
            } else if self.search.pattern.matches_with(&path, OPTIONS) {
                self.matched.push(path);
            } else if self.others.len() <= SHOWN {
                self.others.push(path);
            }
        }
        Ok(())
    }
}

/// `cjo.toml` and the `.cjo` files, which are read as what they are.
fn is_project_file(path: &str) -> bool {
    path == CONFIG_FILE || path.ends_with(".cjo")
}

/// E0114 for a pattern that matches no file: which folder was searched, and
/// what it holds instead.
fn no_match(
    config: &Config,
    span: TextRange,
    pattern: &str,
    base: &str,
    listed: Result<(), std::io::Error>,
    others: &[String],
) -> Diagnostic {
    let folder = if base.is_empty() { "the project folder".to_owned() } else { format!("`{base}/`") };
    let (why, help) = match &listed {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            format!("{folder} does not exist"),
            format!(
                "export the warehouse schemas into {folder} (`bq show --schema --format=prettyjson`, \
                 or `information_schema.columns` as CSV), or correct the pattern; \
                 it is relative to the folder holding cjo.toml"
            ),
        ),
        Err(e) => (format!("{folder} cannot be listed: {e}"), "check the folder's permissions".to_owned()),
        Ok(()) => (
            format!("no file in {folder} matches"),
            format!(
                "correct the pattern, or export the warehouse schemas into {folder}; \
                 `*` stays within one folder, `**/` reaches into subfolders"
            ),
        ),
    };
    let mut d = Diagnostic::error(
        CONFIG_CATALOG_PATH,
        config.span(span),
        format!("`{pattern}` in `catalog.paths` matches no file: {why}"),
    )
    .with_label("matches no file")
    .with_help(help);
    if !others.is_empty() {
        let list: Vec<String> = others.iter().take(SHOWN).map(|o| format!("`{o}`")).collect();
        let more = if others.len() > SHOWN { " and more" } else { "" };
        d = d.with_note(format!("{folder} holds {}{more}", list.join(", ")));
    }
    d
}
