//! Shared support for the data-driven tests in `harness/` and the benches:
//! generated projects ([`generate`]), loading a
//! fixture into an in-memory project, reading the expectations written in
//! it, and printing diagnostics compactly for snapshots.

// Test support: failing loudly on a broken fixture is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod corpus;
pub mod generate;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cjo_codegen::time::Instant;
use cjo_codegen::{Options, RunInterval};
use cjo_diagnostics::{Diagnostic, FileId};
use cjo_project::{Dialect, FileKind, MemoryFs, Workspace};

/// The `cjo.toml` used for single-file fixtures.
///
/// Its catalog is `tests/fixtures/catalog/`, which [`load_single`] puts
/// beside every fixture: `crm.customers` and `raw.b`.
pub const DEFAULT_CONFIG: &str = "[project]\nname = \"fixture\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"analytics\"\n\n[catalog]\npaths = [\"catalog/*.csv\"]\n";

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The `cjo.toml` of [`load_single`]: [`DEFAULT_CONFIG`] (Trino by
/// default) with BigQuery and Redshift configured too, so that a fixture's
/// model may say `target = bigquery` or `sql redshift { … }` and build.
pub const FIXTURE_CONFIG: &str = "[project]\nname = \"fixture\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"analytics\"\n\n[targets.bigquery]\nproject = \"cjo-fixture\"\ndataset = \"analytics\"\n\n[targets.redshift]\nschema = \"analytics\"\n\n[catalog]\npaths = [\"catalog/*.csv\"]\n";

/// Loads a single `.cjo` text as the only file of a project whose
/// `cjo.toml` is [`FIXTURE_CONFIG`], and checks it (see [`checked`]).
pub fn load_single(name: &str, text: &str) -> Workspace {
    checked(load_single_unchecked(name, text))
}

/// [`load_single`] as loaded, before names and types: to check it
/// another way (see [`lowered`]).
pub fn load_single_unchecked(name: &str, text: &str) -> Workspace {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", FIXTURE_CONFIG).insert(format!("p/{name}"), text);
    insert_fixture_catalog(&mut fs);
    cjo_project::load(&fs, Path::new("p")).unwrap_or_else(|e| panic!("{e}"))
}

/// Puts `tests/fixtures/catalog/*` into `p/catalog/`, where
/// [`DEFAULT_CONFIG`] and [`FIXTURE_CONFIG`] look for it.
pub fn insert_fixture_catalog(fs: &mut MemoryFs) {
    for (file, bytes) in fixture_catalog() {
        fs.insert(format!("p/catalog/{file}"), bytes.clone());
    }
}

/// The files of `tests/fixtures/catalog/` (name, bytes), read once per
/// process: the fuzz targets load a project thousands of times a second
/// and must not touch the disk each time.
pub fn fixture_catalog() -> &'static [(String, Vec<u8>)] {
    static CATALOG: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        let catalog = repo_root().join("tests/fixtures/catalog");
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&catalog).unwrap_or_else(|e| panic!("{}: {e}", catalog.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            files.push((file, std::fs::read(&path).unwrap_or_default()));
        }
        files.sort();
        files
    })
}

/// Loads a project folder from disk into memory (every file below it).
pub fn load_dir(dir: &Path) -> Workspace {
    let mut fs = MemoryFs::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                fs.insert(Path::new("p").join(rel), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    checked(cjo_project::load(&fs, Path::new("p")).unwrap_or_else(|e| panic!("{e}")))
}

/// `ws` with the names-and-types diagnostics merged into its own and, when
/// there are no errors, those of code generation for each model's own
/// target (as `cjoc build` without `--target`).
pub fn checked(ws: Workspace) -> Workspace {
    lowered(ws, None)
}

/// [`checked`], with code generation for `targets` (as `cjoc build
/// --target a,b`; `None`: each model's own target). The run interval is
/// fixed, 2026-11-20 to 2026-11-21, and no `--param` is given.
pub fn lowered(mut ws: Workspace, targets: Option<Vec<Dialect>>) -> Workspace {
    let analysis = cjo_semantic::analyze(&ws);
    let mut all = cjo_semantic::all_diagnostics(&ws, &analysis);
    if !all.iter().any(Diagnostic::is_error) {
        let build = cjo_codegen::build(&ws, &analysis, &Options { targets, ..Options::default() });
        all.extend(build.diagnostics);
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    ws.diagnostics = all;
    ws
}

/// The run interval of [`checked`]: the UTC day 2026-11-20.
pub fn run_interval() -> RunInterval {
    let start = Instant::parse("2026-11-20").expect("a date");
    RunInterval { start, end: start.plus_seconds(86_400) }
}

/// An expected or actual diagnostic position: code and 1-based
/// `line:col-line:col` (columns in characters, end exclusive).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub path: String,
    pub code: String,
    pub start: (u32, u32),
    pub end: (u32, u32),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}:{}-{}:{}", self.path, self.code, self.start.0, self.start.1, self.end.0, self.end.1)
    }
}

/// Where each diagnostic of the user's files sits.
pub fn actual_places(ws: &Workspace) -> Vec<Place> {
    let mut out: Vec<Place> = ws
        .diagnostics
        .iter()
        .filter_map(|d| {
            let span = d.span();
            let file = ws.file(span.file)?;
            let s = file.line_index.line_col(&file.text, span.range.start);
            let e = file.line_index.line_col(&file.text, span.range.end);
            Some(Place {
                path: relative(&file.path),
                code: d.code.id.to_string(),
                start: (s.line + 1, s.col + 1),
                end: (e.line + 1, e.col + 1),
            })
        })
        .collect();
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix("p").unwrap_or(path).display().to_string()
}

/// Reads the expectations written in a fixture's comments. Two forms:
///
/// ```text
///   name: strin
/// //      ^^^^^ E0207
/// //~ E0010 9:1-9:6
/// ```
///
/// Carets sit under the columns of the nearest line above that is not an
/// annotation; the explicit form gives 1-based `line:col-line:col`, end
/// exclusive, for spans that carets cannot show (column 1, several lines,
/// empty). The comment marker is `//`, `--` or `#`.
pub fn expected_places(path: &str, text: &str) -> Vec<Place> {
    let mut out = Vec::new();
    let mut target_line = 0u32;
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim_start();
        let body = ["//", "--", "#"].iter().find_map(|m| trimmed.strip_prefix(m));
        let Some(body) = body else {
            target_line = line_no;
            continue;
        };
        if let Some(rest) = body.strip_prefix('~') {
            let mut words = rest.split_whitespace();
            if let (Some(code), Some(range)) = (words.next(), words.next()) {
                if let Some(place) = explicit(path, code, range) {
                    out.push(place);
                    continue;
                }
            }
            panic!("{path}:{line_no}: cannot read the annotation `{line}`");
        }
        let carets: Vec<usize> =
            line.char_indices().filter(|(_, c)| *c == '^').map(|(i, _)| line[..i].chars().count()).collect();
        let (Some(&first), Some(&last)) = (carets.first(), carets.last()) else {
            target_line = line_no;
            continue;
        };
        let after = line.rsplit('^').next().unwrap_or("").trim();
        let code = after.split(|c: char| c.is_whitespace() || c == ':').next().unwrap_or("");
        if !is_code(code) {
            target_line = line_no;
            continue;
        }
        let col = |c: usize| u32::try_from(c + 1).unwrap_or(u32::MAX);
        out.push(Place {
            path: path.to_string(),
            code: code.to_string(),
            start: (target_line, col(first)),
            end: (target_line, col(last) + 1),
        });
    }
    out.sort();
    out
}

fn is_code(s: &str) -> bool {
    s.len() == 5 && (s.starts_with('E') || s.starts_with('W')) && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn explicit(path: &str, code: &str, range: &str) -> Option<Place> {
    if !is_code(code) {
        return None;
    }
    let (a, b) = range.split_once('-')?;
    let pos = |s: &str| -> Option<(u32, u32)> {
        let (l, c) = s.split_once(':')?;
        Some((l.parse().ok()?, c.parse().ok()?))
    };
    Some(Place { path: path.to_string(), code: code.to_string(), start: pos(a)?, end: pos(b)? })
}

/// Every diagnostic of the user's files, one block each, for snapshots.
pub fn render_compact(ws: &Workspace) -> String {
    let mut out = String::new();
    for d in ws.diagnostics.iter().filter(|d| ws.file(d.span().file).is_some_and(|f| f.kind != FileKind::Stdlib)) {
        let _ = writeln!(out, "{}", one(ws, d));
    }
    out
}

fn one(ws: &Workspace, d: &Diagnostic) -> String {
    let place = |span: cjo_diagnostics::Span| {
        ws.file(span.file).map_or_else(String::new, |f| {
            let s = f.line_index.line_col(&f.text, span.range.start);
            let e = f.line_index.line_col(&f.text, span.range.end);
            format!("{}:{}:{}-{}:{}", relative(&f.path), s.line + 1, s.col + 1, e.line + 1, e.col + 1)
        })
    };
    let mut s = format!("{} {} at {}: {}", d.severity.as_str(), d.code.id, place(d.span()), d.message);
    for l in d.labels.iter().filter(|l| !l.message.is_empty()) {
        let _ = write!(s, "\n  {} {}: {}", if l.primary { "here" } else { "also" }, place(l.span), l.message);
    }
    if let Some(h) = &d.help {
        let _ = write!(s, "\n  help: {h}");
    }
    for n in &d.notes {
        let _ = write!(s, "\n  note: {n}");
    }
    s
}

/// The stdlib must never show up in a fixture's diagnostics.
pub fn stdlib_is_clean(ws: &Workspace) -> bool {
    ws.diagnostics.iter().all(|d| ws.file(d.span().file).is_none_or(|f| f.kind != FileKind::Stdlib))
}

/// A file id that is not in any workspace, for tests of single files.
pub const NO_FILE: FileId = FileId(0);

/// The [`cjo_project::FileSystem`] over the real disk the CLI uses, for
/// tests that walk the repository's own files.
pub use cjo_disk::OsFs;
