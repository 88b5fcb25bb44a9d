//! What the fuzz targets share: reading an input as a project, and the
//! oracles every target applies beyond "it does not panic". See
//! `docs/fuzzing.md`.
//!
//! Nothing here touches the disk once started: projects live in a
//! `MemoryFs`, and the fixtures' catalog is read once per process.

// An oracle fails by panicking: that is what libFuzzer records.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod lsp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cjo_diagnostics::{Diagnostic, TextRange};
use cjo_project::{Dialect, Limits, MemoryFs, ParseCache, Workspace};
use cjo_tests::FIXTURE_CONFIG;

pub use cjo_tests::corpus::Files;

/// Separates the files of a multi-file input: a NUL byte, which no
/// project file holds (the lexer reports it).
pub const SEPARATOR: char = '\0';

/// The first line of a chunk that is not a `.cjo` file: `@file PATH`
/// (`cjo.toml`, a catalog file).
pub const FILE_HEADER: &str = "@file ";

/// The most files one input makes: more add time, not coverage.
const MAX_FILES: usize = 12;

/// Panics unless every label of every diagnostic of `ws` lies inside the
/// text of the file it names, on character boundaries.
pub fn assert_spans_inside(ws: &Workspace) {
    for d in &ws.diagnostics {
        for label in &d.labels {
            let Some(file) = ws.file(label.span.file) else { panic!("{}: a label in no file: {d:?}", d.code) };
            assert_range(&file.text, label.span.range, d);
        }
    }
}

/// Panics unless `range` lies inside `text`, on character boundaries.
pub fn assert_range(text: &str, range: TextRange, d: &Diagnostic) {
    let (start, end) = (range.start as usize, range.end as usize);
    assert!(start <= end && end <= text.len(), "{}: {start}..{end} outside {} bytes: {d:?}", d.code, text.len());
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{}: {start}..{end} not on character boundaries: {d:?}",
        d.code
    );
}

/// A project made from an input.
#[derive(Debug)]
pub struct Project {
    /// The files, by path in the project.
    pub files: Files,
    /// The `.cjo` files' paths, in input order.
    pub sources: Vec<PathBuf>,
}

impl Project {
    /// The project of a single `.cjo` file (any bytes) beside the
    /// fixtures' `cjo.toml` and catalog.
    pub fn single(bytes: &[u8]) -> Project {
        let mut files = Files::new();
        files.insert("cjo.toml".into(), FIXTURE_CONFIG.into());
        files.insert(source_name(0), bytes.to_vec());
        Project { files, sources: vec![source_name(0)] }
    }

    /// The project of a multi-file input: chunks separated by
    /// [`SEPARATOR`]; a chunk whose first line is `@file PATH` is the file
    /// at `PATH`, any other the next `.cjo` file, named after its place in
    /// the input. Without a `cjo.toml`, the fixtures' (and their catalog).
    pub fn parse(input: &str) -> Project {
        let mut files = Files::new();
        let mut sources = Vec::new();
        for chunk in input.split(SEPARATOR).take(MAX_FILES) {
            if let Some(rest) = chunk.strip_prefix(FILE_HEADER) {
                let (path, text) = rest.split_once('\n').unwrap_or((rest, ""));
                if let Some(path) = other_file(path) {
                    files.insert(path, text.as_bytes().to_vec());
                }
                continue;
            }
            let name = source_name(sources.len());
            files.insert(name.clone(), chunk.as_bytes().to_vec());
            sources.push(name);
        }
        files.entry("cjo.toml".into()).or_insert_with(|| FIXTURE_CONFIG.into());
        Project { files, sources }
    }

    /// The same files with the `.cjo` files in the opposite order: the
    /// first file's text under the last one's name and so on, so that
    /// everything is read in another order.
    pub fn reversed(&self) -> Files {
        let mut files = self.files.clone();
        for (from, to) in self.sources.iter().zip(self.sources.iter().rev()) {
            files.insert(to.clone(), self.files[from].clone());
        }
        files
    }

    /// `text` (written from [`Project::reversed`]) with each `.cjo` file's
    /// name put back, as if written from the files in input order.
    pub fn undo_reversal(&self, text: &str) -> String {
        // Through placeholders, since names swap in pairs. Names are all
        // the same length and found in no input (`source_name`).
        let mut out = text.to_string();
        for (i, name) in self.sources.iter().rev().enumerate() {
            out = out.replace(&*name.to_string_lossy(), &format!("\u{1}{i:02}\u{1}"));
        }
        for (i, name) in self.sources.iter().enumerate() {
            out = out.replace(&format!("\u{1}{i:02}\u{1}"), &name.to_string_lossy());
        }
        out
    }
}

/// The name of the `n`th `.cjo` file of an input.
fn source_name(n: usize) -> PathBuf {
    PathBuf::from(format!("fuzzsrc{n:02}.cjo"))
}

/// `path` if it can name a file of the project that is not a `.cjo` file
/// (those are named by their place in the input): relative, inside it.
fn other_file(path: &str) -> Option<PathBuf> {
    let path = Path::new(path.trim());
    let inside = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    let plain = !path.as_os_str().is_empty() && path.extension().is_none_or(|e| e != "cjo");
    (inside && plain && path.as_os_str().len() <= 100).then(|| path.to_path_buf())
}

/// The project of `files` in a `MemoryFs` at `p/` (with the fixtures'
/// catalog when its `cjo.toml` is theirs), loaded, not yet checked.
///
/// Parses are kept from one load to the next by their text, as the
/// language server keeps them (`ParseCache`, whose results equal a fresh
/// parse: a property test checks it), so that the standard library is not
/// parsed again for every input.
pub fn load(files: &Files) -> Workspace {
    static PARSES: Mutex<Option<ParseCache>> = Mutex::new(None);
    let mut fs = MemoryFs::new();
    for (path, bytes) in files {
        fs.insert(Path::new("p").join(path), bytes.clone());
    }
    if files.get(Path::new("cjo.toml")).is_some_and(|c| c.as_slice() == FIXTURE_CONFIG.as_bytes()) {
        cjo_tests::insert_fixture_catalog(&mut fs);
    }
    let mut parses = PARSES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let cache = parses.get_or_insert_with(ParseCache::default);
    // Loading fails only when the root cannot be listed, and it is there.
    cjo_project::load_incremental(&fs, Path::new("p"), Limits::UNBOUNDED, cache, &|| false)
        .expect("an in-memory project loads")
}

/// Every diagnostic `cjoc check` reports for `ws` (`cjo_codegen::check`),
/// sorted, with the oracle every check passes: spans lie inside their
/// files.
pub fn check(mut ws: Workspace) -> Vec<Diagnostic> {
    let analysis = cjo_semantic::analyze(&ws);
    ws.diagnostics = cjo_codegen::check(&ws, &analysis).0;
    assert_spans_inside(&ws);
    ws.diagnostics
}

/// What a project checks and builds to, as `cjoc build --target
/// bigquery,redshift,trino` would write it.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Every diagnostic, sorted (as `cjoc check` reports them).
    pub diagnostics: Vec<Diagnostic>,
    /// Every file written (SQL for the three warehouses, `manifest.json`,
    /// the scheduler files from each item's own target), when there is
    /// no error.
    pub files: Option<BTreeMap<String, String>>,
}

/// Checks `ws` as `cjoc check` does (`cjo_codegen::check`) and, when it
/// has no error, builds it; with the oracle every check passes: spans lie
/// inside their files.
pub fn build(mut ws: Workspace) -> Outcome {
    let analysis = cjo_semantic::analyze(&ws);
    let (diagnostics, own) = cjo_codegen::check(&ws, &analysis);
    let clean = !diagnostics.iter().any(Diagnostic::is_error);
    let files = own.filter(|_| clean).map(|own| {
        let targets = Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]);
        let three = cjo_codegen::build(&ws, &analysis, &cjo_codegen::Options { targets, ..Default::default() });
        let mut out = cjo_codegen::output::files(&ws, &analysis, &three, cjo_tests::run_interval());
        out.extend(cjo_orchestrate::files(&ws, &own));
        out
    });
    ws.diagnostics = diagnostics;
    assert_spans_inside(&ws);
    Outcome { diagnostics: ws.diagnostics, files }
}
