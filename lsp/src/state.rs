//! The server's state: the open documents, and for each project the
//! latest snapshot. Edits mark a project dirty; one analysis task (off
//! the event loop, on a blocking thread) re-checks dirty projects after a
//! short pause that lets a burst of keystrokes coalesce, publishes the
//! diagnostics of every file whose diagnostics changed, and drops a result
//! an edit made during the run has superseded. Requests wait for the
//! snapshot of the text they were asked about.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::project::Snapshot;
use crate::vfs::Overlay;

/// Settings a client may give in `initializationOptions`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long an edit waits for the next one before the project is
    /// checked again.
    pub debounce: Duration,
    /// The base of the diagnostic code pages (`<base>/E0301.md`), if any.
    pub docs_url: Option<String>,
    /// How long a request waits for the analysis of the latest text.
    pub request_timeout: Duration,
    /// How much of the disk loading one project may read (E0104 past it).
    pub limits: cjo_project::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debounce: Duration::from_millis(30),
            docs_url: None,
            request_timeout: Duration::from_secs(60),
            limits: cjo_project::Limits::EDITOR,
        }
    }
}

/// An open document.
#[derive(Clone, Debug)]
pub struct Doc {
    pub text: String,
    pub version: i32,
}

/// What the server knows about one project.
#[derive(Debug, Default)]
struct Project {
    snapshot: Option<Arc<Snapshot>>,
    /// Edited since the last analysis began.
    dirty: bool,
    /// Being analysed now.
    running: bool,
    /// Why the last analysis failed (a panic in the compiler), if it did.
    failure: Option<String>,
    /// What was last published for each file: its version and diagnostics.
    published: BTreeMap<PathBuf, (Option<i32>, Vec<lsp::Diagnostic>)>,
    /// The last snapshot stopped at the project's ceiling (E0104), and the
    /// user was told.
    ceiling_shown: bool,
}

#[derive(Debug, Default)]
struct Inner {
    docs: BTreeMap<PathBuf, Doc>,
    projects: BTreeMap<PathBuf, Project>,
}

/// Shared by the protocol handlers and the analysis task.
#[derive(Debug)]
pub struct State {
    inner: Mutex<Inner>,
    changed: Notify,
    /// Bumped after every analysis round, to wake waiting requests.
    rounds: watch::Sender<u64>,
    pub settings: Mutex<Settings>,
}

impl Default for State {
    fn default() -> Self {
        State {
            inner: Mutex::default(),
            changed: Notify::new(),
            rounds: watch::Sender::new(0),
            settings: Mutex::new(Settings::default()),
        }
    }
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked while holding the lock left the data as
        // it was between statements: keep serving.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The project root of `path`: the folder of the nearest `cjo.toml`,
    /// else the file's own folder (a detached file).
    fn root_of(inner: &Inner, path: &Path) -> PathBuf {
        crate::vfs::project_root(path, |p| inner.docs.contains_key(p))
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default()
    }

    fn touch(&self, inner: &mut Inner, path: &Path) {
        let root = Self::root_of(inner, path);
        inner.projects.entry(root).or_default().dirty = true;
        // A `cjo.toml` edited, created or deleted can move files between
        // projects: re-check every project known.
        if path.file_name().is_some_and(|n| n == cjo_project::CONFIG_FILE) {
            inner.projects.values_mut().for_each(|p| p.dirty = true);
        }
        self.changed.notify_one();
    }

    pub fn open(&self, path: PathBuf, text: String, version: i32) {
        let mut inner = self.lock();
        inner.docs.insert(path.clone(), Doc { text, version });
        self.touch(&mut inner, &path);
    }

    /// Applies the editor's changes (whole text, or ranges in UTF-16).
    pub fn change(&self, path: PathBuf, version: i32, changes: Vec<lsp::TextDocumentContentChangeEvent>) {
        let mut inner = self.lock();
        let Some(doc) = inner.docs.get_mut(&path) else { return };
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let index = cjo_diagnostics::LineIndex::new(&doc.text);
                    let at = |p: lsp::Position| {
                        index.offset_utf16(&doc.text, cjo_diagnostics::LineCol { line: p.line, col: p.character })
                            as usize
                    };
                    let (start, end) = (at(range.start), at(range.end));
                    if start <= end && end <= doc.text.len() {
                        doc.text.replace_range(start..end, &change.text);
                    }
                }
            }
        }
        doc.version = version;
        self.touch(&mut inner, &path);
    }

    pub fn close(&self, path: &Path) {
        let mut inner = self.lock();
        inner.docs.remove(path);
        self.touch(&mut inner, path);
    }

    /// A file changed on disk (saved, or changed by another program).
    pub fn disk_changed(&self, path: &Path) {
        let mut inner = self.lock();
        self.touch(&mut inner, path);
    }

    /// The latest snapshot of every project analysed so far.
    pub fn snapshots(&self) -> Vec<Arc<Snapshot>> {
        self.lock().projects.values().filter_map(|p| p.snapshot.clone()).collect()
    }

    /// The text of an open document.
    pub fn doc(&self, path: &Path) -> Option<Doc> {
        self.lock().docs.get(path).cloned()
    }

    /// The snapshot of `path`'s project that reflects the latest edits,
    /// once the analysis has caught up (or, after the request timeout,
    /// the latest there is). `Err` when the analysis failed.
    pub async fn snapshot(&self, path: &Path) -> Result<Option<Arc<Snapshot>>, String> {
        let mut rounds = self.rounds.subscribe();
        let timeout = self.settings().request_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let mut inner = self.lock();
                let root = Self::root_of(&inner, path);
                let project = inner.projects.entry(root.clone()).or_default();
                if project.snapshot.is_none() && !project.dirty && !project.running && project.failure.is_none() {
                    // Asked about a project no edit has touched yet.
                    project.dirty = true;
                    self.changed.notify_one();
                }
                let settled = !project.dirty && !project.running;
                if settled || tokio::time::Instant::now() >= deadline {
                    return match (&project.snapshot, &project.failure) {
                        (_, Some(why)) if settled => Err(why.clone()),
                        (snapshot, _) => Ok(snapshot.clone()),
                    };
                }
            }
            let _ = tokio::time::timeout_at(deadline, rounds.changed()).await;
        }
    }

    /// Re-checks dirty projects, forever.
    pub async fn analysis_loop(self: Arc<Self>, client: Client) {
        loop {
            self.changed.notified().await;
            tokio::time::sleep(self.settings().debounce).await;
            let work: Vec<(PathBuf, Overlay, BTreeMap<PathBuf, i32>)> = {
                let mut inner = self.lock();
                let fs = Overlay { open: inner.docs.iter().map(|(p, d)| (p.clone(), d.text.clone())).collect() };
                let versions: BTreeMap<PathBuf, i32> = inner.docs.iter().map(|(p, d)| (p.clone(), d.version)).collect();
                inner
                    .projects
                    .iter_mut()
                    .filter(|(_, p)| p.dirty && !p.running)
                    .map(|(root, p)| {
                        p.dirty = false;
                        p.running = true;
                        let versions = versions.iter().filter(|(f, _)| f.starts_with(root));
                        (root.clone(), fs.clone(), versions.map(|(f, v)| (f.clone(), *v)).collect())
                    })
                    .collect()
            };
            let limits = self.settings().limits;
            for (root, fs, versions) in work {
                let r = root.clone();
                // A panic in the compiler ends this blocking task only.
                let result = tokio::task::spawn_blocking(move || Snapshot::load(&r, &fs, versions, limits)).await;
                let mut notice = None;
                let publish = {
                    let mut inner = self.lock();
                    let project = inner.projects.entry(root.clone()).or_default();
                    project.running = false;
                    match result {
                        // An edit during the run: this result is stale, and
                        // the next round is already due.
                        _ if project.dirty => Vec::new(),
                        Ok(Ok(snapshot)) => {
                            project.failure = None;
                            let snapshot = Arc::new(snapshot);
                            project.snapshot = Some(snapshot.clone());
                            // Told once, when the project first reaches its
                            // ceiling, not on every keystroke after.
                            let ceiling = snapshot.ceiling();
                            if !project.ceiling_shown {
                                notice = ceiling.map(|d| ceiling_message(&root, d));
                            }
                            project.ceiling_shown = ceiling.is_some();
                            let settings = self.settings.lock().map(|s| s.docs_url.clone()).unwrap_or_default();
                            changed_diagnostics(&snapshot, &mut project.published, settings.as_deref())
                        }
                        Ok(Err(why)) => {
                            project.failure = Some(why);
                            Vec::new()
                        }
                        Err(e) => {
                            project.failure = Some(format!("internal error in the cjo analysis: {}", panic_message(e)));
                            Vec::new()
                        }
                    }
                };
                for (uri, diagnostics, version) in publish {
                    client.publish_diagnostics(uri, diagnostics, version).await;
                }
                if let Some(message) = notice {
                    client.show_message(lsp::MessageType::WARNING, message).await;
                }
            }
            self.rounds.send_modify(|n| *n += 1);
        }
    }
}

/// The pop-up for a project loaded only up to its ceiling (E0104): which
/// folder, the limit reached, and what to do.
fn ceiling_message(root: &Path, d: &cjo_diagnostics::Diagnostic) -> String {
    let help = d.help.as_deref().map(|h| format!(" Help: {h}.")).unwrap_or_default();
    format!("cjo [{}] {}: {}; only part of it is checked.{help}", d.code, root.display(), d.message)
}

/// The files whose diagnostics (or document version) differ from what was
/// last published, with their new lists; files gone from the project get
/// an empty list.
fn changed_diagnostics(
    snap: &Snapshot,
    published: &mut BTreeMap<PathBuf, (Option<i32>, Vec<lsp::Diagnostic>)>,
    docs_url: Option<&str>,
) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
    let mut by_file: BTreeMap<cjo_diagnostics::FileId, Vec<lsp::Diagnostic>> = BTreeMap::new();
    for d in &snap.diagnostics {
        if let Some(converted) = convert::diagnostic(&snap.ws, d, docs_url) {
            by_file.entry(d.span().file).or_default().push(converted);
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for file in snap.published_files() {
        seen.insert(file.path.clone());
        let diagnostics = by_file.remove(&file.id).unwrap_or_default();
        let version = snap.versions.get(&file.path).copied();
        let now = (version, diagnostics);
        if published.get(&file.path) != Some(&now) {
            if let Some(uri) = convert::uri(&file.path) {
                out.push((uri, now.1.clone(), version));
            }
            published.insert(file.path.clone(), now);
        }
    }
    let gone: Vec<PathBuf> = published.keys().filter(|p| !seen.contains(*p)).cloned().collect();
    for path in gone {
        published.remove(&path);
        if let Some(uri) = convert::uri(&path) {
            out.push((uri, Vec::new(), None));
        }
    }
    out
}

/// The message of a panic caught at a task's boundary.
pub fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string()),
        Err(e) => e.to_string(),
    }
}
