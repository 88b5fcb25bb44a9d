//! One analysed project: what every request is answered from. A snapshot
//! is immutable; an edit makes a new one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cjo_diagnostics::{Diagnostic, FileId};
use cjo_project::{CONFIG_FILE, Limits, ParseCache, SourceFile, Workspace};
use cjo_semantic::ide::Index;
use cjo_semantic::{Analysis, SqlCache};

use crate::vfs::Overlay;

/// The configuration given to a folder of `.cjo` files with no
/// `cjo.toml` above it, so that a lone file is still checked (with the
/// other `.cjo` files of its folder, none below it: [`Limits::folder`]).
const DETACHED_CONFIG: &str = "[project]\nname = \"detached\"\n";

/// What one project's analyses keep from one to the next: each file's
/// parse by its text, each SQL body's by its text. Each is bounded by
/// the project: what the last analysis did not use is dropped.
#[derive(Debug, Default)]
pub struct Caches {
    pub parses: ParseCache,
    pub sql: SqlCache,
}

/// A project loaded and analysed at one moment.
#[derive(Debug)]
pub struct Snapshot {
    pub root: PathBuf,
    pub ws: Workspace,
    pub analysis: Analysis,
    pub index: Index,
    /// What loading, names and types found, sorted (lowering's come
    /// later: [`Snapshot::lower`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The version of each open document the snapshot was made from.
    pub versions: BTreeMap<PathBuf, i32>,
    /// The root has no `cjo.toml`: a configuration was made up.
    pub detached: bool,
}

/// A project loaded and analysed, not yet lowered nor indexed: what is
/// published first (see `crate::state`).
#[derive(Debug)]
pub struct Analysed {
    pub root: PathBuf,
    pub ws: Workspace,
    pub analysis: Analysis,
    /// What loading, names and types found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub versions: BTreeMap<PathBuf, i32>,
    pub detached: bool,
}

impl Analysed {
    /// Loads and checks the project at `root` through `fs` (the open
    /// documents in front of the disk), within `limits`; a folder with no
    /// `cjo.toml` is read without what is below it. What `caches` hold
    /// from the last analysis is not parsed or checked again. Fails only
    /// when the project file cannot be read at all; `Ok(None)` when
    /// `cancelled` answered true on the way (an edit made the result
    /// stale).
    pub fn load(
        root: &Path,
        fs: &Overlay,
        versions: BTreeMap<PathBuf, i32>,
        limits: Limits,
        config: &cjo_project::ConfigContext,
        caches: &mut Caches,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Analysed>, String> {
        let detached = !crate::vfs::has_config(root, |p| fs.open.contains_key(p));
        let ws = if detached {
            let mut fs = fs.clone();
            fs.open.insert(root.join(CONFIG_FILE), DETACHED_CONFIG.to_string());
            cjo_project::load_incremental(&fs, root, limits.folder(), &mut caches.parses, cancelled)
        } else {
            cjo_project::load_incremental_in(fs, root, limits, config, &mut caches.parses, cancelled)
        }
        .map_err(|e| e.to_string())?;
        if cancelled() {
            return Ok(None);
        }
        let analysis = cjo_semantic::analyze_incremental(&ws, &mut caches.sql, cancelled);
        if cancelled() {
            return Ok(None);
        }
        let diagnostics = cjo_semantic::all_diagnostics(&ws, &analysis);
        Ok(Some(Analysed { root: root.to_path_buf(), ws, analysis, diagnostics, versions, detached }))
    }

    /// The snapshot, with the IDE index. `None` when `cancelled` answered
    /// true first.
    pub fn finish(self, cancelled: &dyn Fn() -> bool) -> Option<Snapshot> {
        if cancelled() {
            return None;
        }
        let Analysed { root, ws, analysis, diagnostics, versions, detached } = self;
        let index = Index::new(&ws, &analysis);
        Some(Snapshot { root, ws, analysis, index, diagnostics, versions, detached })
    }
}

/// What lowering a snapshot's project found (what a build would refuse,
/// as `cjoc check` reports it), with what it takes to tell whether each
/// still holds in a later load: the path and a hash of the text of every
/// file the diagnostics point into.
#[derive(Debug, Default)]
pub struct Lowered {
    pub diagnostics: Vec<Diagnostic>,
    files: BTreeMap<FileId, (PathBuf, u64)>,
}

impl Lowered {
    /// The diagnostics that still hold in `ws`: those whose every place is
    /// in a file whose text has not changed, with the file ids of `ws`.
    pub fn carried_into(&self, ws: &Workspace) -> Vec<Diagnostic> {
        let now: BTreeMap<&Path, &SourceFile> = ws.files.iter().map(|f| (f.path.as_path(), f)).collect();
        let same: BTreeMap<FileId, FileId> = self
            .files
            .iter()
            .filter_map(|(old, (path, hash))| {
                let new = now.get(path.as_path())?;
                (text_hash(&new.text) == *hash).then_some((*old, new.id))
            })
            .collect();
        self.diagnostics
            .iter()
            .filter_map(|d| {
                let mut d = d.clone();
                for label in &mut d.labels {
                    label.span.file = *same.get(&label.span.file)?;
                }
                Some(d)
            })
            .collect()
    }
}

/// A hash of a file's text, to tell whether it changed between two loads
/// (a collision would only show a stale warning until lowering ends).
fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Snapshot {
    /// Whether lowering may add to the diagnostics: as `cjoc check`, only
    /// a project without errors is lowered.
    pub fn lowers(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Lowers the project for what a build would refuse.
    pub fn lower(&self) -> Lowered {
        let diagnostics = cjo_codegen::lowering_problems(&self.ws, &self.analysis).0;
        let files = diagnostics
            .iter()
            .flat_map(|d| &d.labels)
            .filter_map(|l| self.ws.file(l.span.file))
            .map(|f| (f.id, (f.path.clone(), text_hash(&f.text))))
            .collect();
        Lowered { diagnostics, files }
    }

    /// The workspace file at `path`.
    pub fn file(&self, path: &Path) -> Option<&SourceFile> {
        self.ws.files.iter().find(|f| f.path == path)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.file(path).map(|f| f.id)
    }

    /// The error saying loading stopped at the project's ceiling (E0104),
    /// if it did. It is reported against `cjo.toml`, which a detached
    /// folder does not have: the server also shows it as a message.
    pub fn ceiling(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.code == cjo_diagnostics::PROJECT_TOO_LARGE)
    }

    /// The files diagnostics are published for: the project's own
    /// (`cjo.toml` unless made up, `.cjo` files, catalog files).
    pub fn published_files(&self) -> impl Iterator<Item = &SourceFile> {
        published_files(&self.ws, self.detached)
    }
}

/// The files diagnostics are published for: the project's own
/// (`cjo.toml` unless made up, `.cjo` files, catalog files).
pub fn published_files(ws: &Workspace, detached: bool) -> impl Iterator<Item = &SourceFile> {
    ws.files.iter().filter(move |f| match f.kind {
        cjo_project::FileKind::Stdlib => false,
        cjo_project::FileKind::Config => !detached,
        _ => true,
    })
}
