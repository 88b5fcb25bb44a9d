//! Loading a project: `cjo.toml`, every `.cjo` file below it, the warehouse
//! catalog files named by `catalog.paths`, and the standard library, each
//! parsed and checked. Only a missing or unreadable `cjo.toml` stops loading;
//! every other problem is a diagnostic.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cjo_diagnostics::{self as diag, Diagnostic, FileId, LineIndex};
use cjo_syntax::ast;

use crate::cache::{ParseCache, Parsed};
use crate::catalog::{self, Catalog};
use crate::config::{Config, ConfigContext, parse_config_in};
use crate::fs::{FileSystem, ReadError};
pub use crate::limits::MAX_FILE_SIZE;
use crate::limits::{Budget, Limits};
use crate::loader::{Loader, unlisted};

/// The name of the project file.
pub const CONFIG_FILE: &str = "cjo.toml";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    Config,
    Cjo,
    /// A warehouse schema export matched by `catalog.paths`.
    Catalog,
    /// A standard-library file, embedded in the compiler.
    Stdlib,
}

/// One file of the workspace. Its [`FileId`] is its index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user would write it: the root given to [`load`]
    /// joined with the path below it (`<stdlib>/…` for the library).
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
    pub line_index: LineIndex,
}

/// A parsed `.cjo` file.
#[derive(Clone, Debug)]
pub struct Module {
    pub file: FileId,
    /// Shared with the parse cache of [`load_incremental`].
    pub ast: Arc<ast::File>,
}

/// A loaded project.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    /// The warehouse tables read from the catalog files.
    pub catalog: Catalog,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a project could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    /// The root holds no `cjo.toml`.
    NoConfig(PathBuf),
    /// `cjo.toml` exists but could not be read.
    Unreadable(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoConfig(dir) => {
                write!(f, "no {CONFIG_FILE} in {} (create a project with `cjoc init`)", dir.display())
            }
            LoadError::Unreadable(path, e) => write!(f, "cannot read {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

impl Workspace {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// The project's own `.cjo` files (not the standard library).
    pub fn user_modules(&self) -> impl Iterator<Item = &Module> {
        self.modules.iter().filter(|m| self.file(m.file).is_some_and(|f| f.kind == FileKind::Cjo))
    }
}

/// Loads the project whose `cjo.toml` is in `root`, all of it
/// ([`Limits::UNBOUNDED`]).
pub fn load(fs: &dyn FileSystem, root: &Path) -> Result<Workspace, LoadError> {
    load_with(fs, root, Limits::UNBOUNDED)
}

/// Loads the project whose `cjo.toml` is in `root`, reading no more than
/// `limits` allow (E0104 when it would).
pub fn load_with(fs: &dyn FileSystem, root: &Path, limits: Limits) -> Result<Workspace, LoadError> {
    load_cached(fs, root, limits, &ConfigContext::default(), None, &|| false)
}

/// [`load_with`] for the environment of `context`, with its variables for
/// the `${env:…}` references of `cjo.toml`.
pub fn load_in(
    fs: &dyn FileSystem,
    root: &Path,
    limits: Limits,
    context: &ConfigContext,
) -> Result<Workspace, LoadError> {
    load_cached(fs, root, limits, context, None, &|| false)
}

/// [`load_with`] for a caller that loads the same project again and
/// again: a file whose text (and id) `cache` already holds is not parsed
/// again, and `cache` is left holding this load's files. Once `cancelled`
/// answers true, the files not yet parsed are left out: the caller that
/// cancelled throws the workspace away.
pub fn load_incremental(
    fs: &dyn FileSystem,
    root: &Path,
    limits: Limits,
    cache: &mut ParseCache,
    cancelled: &dyn Fn() -> bool,
) -> Result<Workspace, LoadError> {
    load_cached(fs, root, limits, &ConfigContext::default(), Some(cache), cancelled)
}

/// [`load_incremental`] for the environment of `context` (see [`load_in`]).
pub fn load_incremental_in(
    fs: &dyn FileSystem,
    root: &Path,
    limits: Limits,
    context: &ConfigContext,
    cache: &mut ParseCache,
    cancelled: &dyn Fn() -> bool,
) -> Result<Workspace, LoadError> {
    load_cached(fs, root, limits, context, Some(cache), cancelled)
}

fn load_cached(
    fs: &dyn FileSystem,
    root: &Path,
    limits: Limits,
    context: &ConfigContext,
    cache: Option<&mut ParseCache>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Workspace, LoadError> {
    let config_path = root.join(CONFIG_FILE);
    let mut loader = Loader::new(limits);
    let (config, config_diags) = match fs.read(&config_path, MAX_FILE_SIZE) {
        Ok(bytes) => {
            let id = loader.add(config_path, FileKind::Config, bytes);
            parse_config_in(id, loader.text(id), context)
        }
        Err(e) if e.is_not_found() => return Err(LoadError::NoConfig(root.to_path_buf())),
        Err(ReadError::Io(e)) => return Err(LoadError::Unreadable(config_path, e)),
        // Not a regular file, or too large: reported, and the project is
        // read with the default configuration.
        Err(e) => {
            let id = loader.add(config_path.clone(), FileKind::Config, Vec::new());
            (Config { file: id, ..Config::default() }, vec![e.diagnostic(id, &config_path, MAX_FILE_SIZE)])
        }
    };
    loader.diagnostics.extend(config_diags);

    let mut paths = Vec::new();
    walk(fs, root, Path::new(""), 0, &mut paths, &mut loader.budget, &mut loader.diagnostics);
    for rel in paths {
        loader.read(fs, root.join(&rel), FileKind::Cjo);
    }
    let catalog = catalog::load(fs, root, &config, &mut loader);
    if let Some(config) = loader.files.first().map(|f| f.id) {
        loader.diagnostics.extend(loader.budget.diagnostic(config));
    }
    for (name, text) in cjo_stdlib::FILES {
        loader.add(PathBuf::from("<stdlib>").join(name), FileKind::Stdlib, text.as_bytes().to_vec());
    }

    let invalid_utf8: Vec<FileId> =
        loader.diagnostics.iter().filter(|d| d.code == diag::INVALID_UTF8).map(|d| d.span().file).collect();
    let mut modules = Vec::new();
    let parsed = parse_modules(&loader.files, cache.as_deref(), cancelled);
    for (f, parse) in &parsed {
        // Bytes that are not UTF-8 were reported once (E0101); the
        // replacement characters standing for them are not news.
        let invalid = invalid_utf8.contains(&f.id);
        loader.diagnostics.extend(
            parse
                .diagnostics
                .iter()
                .filter(|d| {
                    !(invalid
                        && d.code == diag::UNEXPECTED_CHARACTER
                        && d.span().range.slice(&f.text).starts_with('\u{fffd}'))
                })
                .cloned(),
        );
        modules.push(Module { file: f.id, ast: parse.ast.clone() });
    }
    // A cancelled load read only some files: the others' parses stay.
    if let Some(cache) = cache.filter(|_| !cancelled()) {
        cache.replace(parsed.iter().map(|(f, p)| (*f, p)));
    }
    let mut diagnostics = loader.diagnostics;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    Ok(Workspace { root: root.to_path_buf(), config, files: loader.files, modules, catalog, diagnostics })
}

/// Each `.cjo` and standard-library file with its parse: from `cache` when
/// it holds the same text, else parsed, spread over the cores; none when
/// `cancelled` answers true first.
fn parse_modules<'f>(
    files: &'f [SourceFile],
    cache: Option<&ParseCache>,
    cancelled: &dyn Fn() -> bool,
) -> Vec<(&'f SourceFile, Parsed)> {
    if cancelled() {
        return Vec::new();
    }
    let sources: Vec<&SourceFile> =
        files.iter().filter(|f| matches!(f.kind, FileKind::Cjo | FileKind::Stdlib)).collect();
    let parses =
        crate::parallel::map(&sources, |f| cache.and_then(|c| c.get(f)).cloned().unwrap_or_else(|| Parsed::new(f)));
    sources.into_iter().zip(parses).collect()
}

/// The `.cjo` files of the project at `root`, relative to it, sorted;
/// hidden folders and the root's `target/` are skipped.
pub fn discover(fs: &dyn FileSystem, root: &Path) -> Vec<PathBuf> {
    let mut budget = Budget::new(Limits::UNBOUNDED);
    let mut out = Vec::new();
    walk(fs, root, Path::new(""), 0, &mut out, &mut budget, &mut Vec::new());
    out
}

/// Collects the `.cjo` files below `root/rel`, within `budget`: past its
/// depth nothing is searched, past its folders or files the walk stops.
fn walk(
    fs: &dyn FileSystem,
    root: &Path,
    rel: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    budget: &mut Budget,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if depth > budget.limits.depth || !budget.folder() {
        return;
    }
    let mut entries = match fs.read_dir(&root.join(rel)) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(unlisted(&root.join(rel), &e));
            return;
        }
    };
    entries.sort();
    for entry in entries {
        if entry.name.starts_with('.') {
            continue;
        }
        let path = rel.join(&entry.name);
        if entry.is_dir {
            if !(depth == 0 && entry.name == "target") && depth < budget.limits.depth {
                walk(fs, root, &path, depth + 1, out, budget, diagnostics);
            }
        } else if entry.name.ends_with(".cjo") {
            // One more than may be read, so that reading reports the ceiling.
            if budget.too_many_files(out.len()) {
                return;
            }
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{MemoryFs, Special};

    fn project() -> MemoryFs {
        let mut fs = MemoryFs::new();
        fs.insert("p/cjo.toml", "[project]\nname = \"p\"\n");
        fs
    }

    #[test]
    fn loads_files_in_order_and_skips_target_and_hidden() {
        let mut fs = project();
        fs.insert("p/b.cjo", "source b = \"s.b\" { x: int }")
            .insert("p/a/a.cjo", "source a = \"s.a\" { x: int }")
            .insert("p/target/t.cjo", "garbage {")
            .insert("p/.hidden/h.cjo", "garbage {")
            .insert("p/notes.txt", "not cjo");
        let ws = load(&fs, Path::new("p")).unwrap();
        let user: Vec<_> = ws.files.iter().filter(|f| f.kind == FileKind::Cjo).map(|f| f.path.clone()).collect();
        assert_eq!(user, vec![PathBuf::from("p/a/a.cjo"), PathBuf::from("p/b.cjo")]);
        assert_eq!(ws.error_count(), 0, "{:?}", ws.diagnostics);
    }

    #[test]
    fn missing_config_is_a_load_error() {
        let fs = MemoryFs::new();
        assert!(matches!(load(&fs, Path::new("nowhere")), Err(LoadError::NoConfig(_))));
    }

    #[test]
    fn invalid_utf8_is_reported_at_the_first_bad_byte() {
        let mut fs = project();
        fs.insert("p/x.cjo", b"source s = \"t\" { a: int }\n\xff\xfe".to_vec());
        let ws = load(&fs, Path::new("p")).unwrap();
        let d = ws.diagnostics.iter().find(|d| d.code == diag::INVALID_UTF8);
        assert_eq!(d.map(|d| d.span().range.start), Some(26));
    }

    /// Each diagnostic's code and the path of its file.
    fn reported(ws: &Workspace) -> Vec<(&'static str, String)> {
        ws.diagnostics
            .iter()
            .map(|d| (d.code.id, ws.file(d.span().file).map(|f| f.path.display().to_string()).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn what_is_not_a_regular_file_is_reported_not_read() {
        let mut fs = project();
        fs.insert("p/cjo.toml", "[project]\nname = \"p\"\n[catalog]\npaths = [\"schemas/*.csv\"]\n")
            .insert("p/a.cjo", "source a = \"s.a\" { x: int }")
            .insert_special("p/pipe.cjo", Special::Fifo)
            .insert_special("p/zero.cjo", Special::CharDevice)
            .insert_special("p/schemas/columns.csv", Special::Socket);
        let ws = load(&fs, Path::new("p")).unwrap();
        assert_eq!(
            reported(&ws),
            [
                ("E0103", "p/pipe.cjo".to_string()),
                ("E0103", "p/zero.cjo".to_string()),
                ("E0103", "p/schemas/columns.csv".to_string()),
            ]
        );
        let d = &ws.diagnostics[0];
        assert_eq!(d.message, "p/pipe.cjo is a FIFO (named pipe), not a regular file: cjoc reads only regular files");
        assert_eq!(ws.user_modules().count(), 3, "each is a file of the project, empty");
    }

    #[test]
    fn a_config_that_is_not_a_regular_file_is_reported_and_the_rest_read() {
        let mut fs = MemoryFs::new();
        fs.insert_special("p/cjo.toml", Special::Fifo).insert("p/a.cjo", "source a = \"s.a\" { x: int }");
        let ws = load(&fs, Path::new("p")).unwrap();
        assert_eq!(reported(&ws), [("E0103", "p/cjo.toml".to_string())]);
        assert_eq!(ws.user_modules().count(), 1);
    }

    fn many_files(n: usize, text: &str) -> MemoryFs {
        let mut fs = project();
        for i in 0..n {
            fs.insert(format!("p/m{i:03}.cjo"), text);
        }
        fs
    }

    #[test]
    fn loading_stops_at_the_project_ceiling() {
        let limits = Limits { files: 5, ..Limits::EDITOR };
        let ws = load_with(&many_files(5, ""), Path::new("p"), limits).unwrap();
        assert_eq!(reported(&ws), [], "five files are within a ceiling of five");

        let ws = load_with(&many_files(8, ""), Path::new("p"), limits).unwrap();
        assert_eq!(reported(&ws), [("E0104", "p/cjo.toml".to_string())]);
        assert_eq!(ws.diagnostics[0].message, "the project has more than 5 files: cjoc read the first 5");
        assert_eq!(ws.user_modules().count(), 5);

        let limits = Limits { bytes: 25, ..Limits::EDITOR };
        let ws = load_with(&many_files(8, "// ten bytes"), Path::new("p"), limits).unwrap();
        assert_eq!(reported(&ws), [("E0104", "p/cjo.toml".to_string())]);
        assert!(ws.diagnostics[0].message.starts_with("the project's files hold more than 0 MiB"));
        assert_eq!(ws.user_modules().count(), 3, "the file that passes the ceiling is read, none after it");

        let mut fs = project();
        for i in 0..6 {
            fs.insert(format!("p/d{i}/m.cjo"), "");
        }
        let limits = Limits { folders: 4, ..Limits::EDITOR };
        let ws = load_with(&fs, Path::new("p"), limits).unwrap();
        assert_eq!(reported(&ws), [("E0104", "p/cjo.toml".to_string())]);
        assert_eq!(ws.diagnostics[0].message, "the project has more than 4 folders: cjoc stopped searching");
        assert_eq!(ws.user_modules().count(), 3, "the root and three folders below it were listed");
    }

    #[test]
    fn a_folder_is_loaded_without_what_is_below_it() {
        let mut fs = project();
        fs.insert("p/a.cjo", "").insert("p/sub/b.cjo", "").insert("p/sub/deeper/c.cjo", "");
        let ws = load_with(&fs, Path::new("p"), Limits::EDITOR.folder()).unwrap();
        let user: Vec<_> = ws.files.iter().filter(|f| f.kind == FileKind::Cjo).map(|f| f.path.clone()).collect();
        assert_eq!(user, [PathBuf::from("p/a.cjo")]);
        assert_eq!(reported(&ws), []);
    }

    #[test]
    fn the_standard_library_is_clean() {
        let fs = project();
        let ws = load(&fs, Path::new("p")).unwrap();
        assert!(ws.modules.len() >= 3);
        assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
    }
}
