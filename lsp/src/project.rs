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
    /// Everything `cjoc check` reports, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The version of each open document the snapshot was made from.
    pub versions: BTreeMap<PathBuf, i32>,
    /// The root has no `cjo.toml`: a configuration was made up.
    pub detached: bool,
}

impl Snapshot {
    /// Loads and checks the project at `root` through `fs` (the open
    /// documents in front of the disk), within `limits`; a folder with no
    /// `cjo.toml` is read without what is below it. What `caches` hold
    /// from the last analysis is not parsed again. Fails only when the
    /// project file cannot be read at all; `Ok(None)` when `cancelled`
    /// answered true on the way (an edit made the result stale).
    pub fn load(
        root: &Path,
        fs: &Overlay,
        versions: BTreeMap<PathBuf, i32>,
        limits: Limits,
        config: &cjo_project::ConfigContext,
        caches: &mut Caches,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Snapshot>, String> {
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
        // As `cjoc check`: a project without errors is also lowered, so
        // that what the build would refuse is shown while editing.
        let (diagnostics, _) = cjo_codegen::check(&ws, &analysis);
        if cancelled() {
            return Ok(None);
        }
        let index = Index::new(&ws, &analysis);
        Ok(Some(Snapshot { root: root.to_path_buf(), ws, analysis, index, diagnostics, versions, detached }))
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
        self.ws.files.iter().filter(|f| match f.kind {
            cjo_project::FileKind::Stdlib => false,
            cjo_project::FileKind::Config => !self.detached,
            _ => true,
        })
    }
}
