//! The server's state: the open documents, and for each project the
//! latest snapshot. Edits mark a project dirty; one task re-checks dirty
//! projects after a short pause that lets a burst of keystrokes coalesce,
//! each on a blocking thread (off the event loop), and publishes the
//! diagnostics of every file whose diagnostics changed.
//!
//! A run an edit has made stale still finishes while the user types: its
//! result is the newest there is, and is published (with the versions it
//! was made from). Only when the next run is due (the edits paused for the
//! debounce) and the stale one is still going is it cancelled: its result
//! would come after the newer run began. Requests wait for the snapshot
//! of the text they were asked about, never for a newer one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::project::{Analysed, Caches, Lowered, Snapshot};
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
    /// The environment of `cjo.toml` to check (`environment`), and the
    /// server process's variables for its `${env:…}` references.
    pub config: cjo_project::ConfigContext,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debounce: Duration::from_millis(30),
            docs_url: None,
            request_timeout: Duration::from_secs(60),
            limits: cjo_project::Limits::EDITOR,
            config: cjo_project::ConfigContext::default(),
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
    /// The analysis running now, if any: raising the flag cancels it.
    running: Option<Arc<AtomicBool>>,
    /// What one analysis keeps for the next. Only one runs at a time.
    caches: Arc<Mutex<Caches>>,
    /// Why the last analysis failed (a panic in the compiler), if it did.
    failure: Option<String>,
    /// What the last lowering found, carried into the next analyses'
    /// diagnostics until they are lowered in turn.
    lowered: Lowered,
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
    /// Every project's snapshot once no analysis is running or due (an
    /// edit's diagnostics are published before its snapshot is ready), or
    /// the latest there are after the request timeout.
    pub async fn settled_snapshots(&self) -> Vec<Arc<Snapshot>> {
        let mut rounds = self.rounds.subscribe();
        let deadline = tokio::time::Instant::now() + self.settings().request_timeout;
        loop {
            {
                let inner = self.lock();
                let settled = inner.projects.values().all(|p| !p.dirty && p.running.is_none());
                if settled || tokio::time::Instant::now() >= deadline {
                    return inner.projects.values().filter_map(|p| p.snapshot.clone()).collect();
                }
            }
            let _ = tokio::time::timeout_at(deadline, rounds.changed()).await;
        }
    }

    /// The text of an open document.
    pub fn doc(&self, path: &Path) -> Option<Doc> {
        self.lock().docs.get(path).cloned()
    }

    /// The snapshot of `path`'s project made from the text the request is
    /// about: the document's version now, once analysed (a file not open
    /// is the disk's, which every snapshot reads), or the latest there is
    /// after the request timeout. `Err` when the analysis failed, or when
    /// the document was edited again first: the positions of the request
    /// do not apply to the newer text.
    pub async fn snapshot(&self, path: &Path) -> Result<Option<Arc<Snapshot>>, Unavailable> {
        let mut rounds = self.rounds.subscribe();
        let timeout = self.settings().request_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let wanted = self.lock().docs.get(path).map(|d| d.version);
        loop {
            {
                let mut inner = self.lock();
                let root = Self::root_of(&inner, path);
                let project = inner.projects.entry(root.clone()).or_default();
                if project.snapshot.is_none()
                    && !project.dirty
                    && project.running.is_none()
                    && project.failure.is_none()
                {
                    // Asked about a project no edit has touched yet.
                    project.dirty = true;
                    self.changed.notify_one();
                }
                let settled = !project.dirty && project.running.is_none();
                if let Some(snapshot) = &project.snapshot {
                    match (wanted, snapshot.versions.get(path)) {
                        (None, _) => return Ok(Some(snapshot.clone())),
                        (Some(w), Some(v)) if *v == w => return Ok(Some(snapshot.clone())),
                        (Some(w), Some(v)) if *v > w => return Err(Unavailable::Modified),
                        _ => {}
                    }
                }
                if let (true, Some(why)) = (settled, &project.failure) {
                    return Err(Unavailable::Failed(why.clone()));
                }
                if tokio::time::Instant::now() >= deadline {
                    return Ok(project.snapshot.clone().filter(|_| wanted.is_none()));
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
            let roots: Vec<PathBuf> = {
                let mut inner = self.lock();
                let mut due = Vec::new();
                for (root, project) in inner.projects.iter_mut().filter(|(_, p)| p.dirty) {
                    match &project.running {
                        // Superseded, and the next run is due: it stops at
                        // its next check and this project is started again
                        // when it does (see `finish`).
                        Some(cancel) => cancel.store(true, Ordering::Relaxed),
                        None => due.push(root.clone()),
                    }
                }
                due
            };
            for root in roots {
                self.start(&client, root);
            }
        }
    }

    /// Starts analysing the project at `root` on a blocking thread, with
    /// the documents as they are now.
    fn start(self: &Arc<Self>, client: &Client, root: PathBuf) {
        let (fs, versions, cancel, caches) = {
            let mut inner = self.lock();
            let fs = Overlay {
                open: inner
                    .docs
                    .iter()
                    .filter(|(p, _)| p.starts_with(&root))
                    .map(|(p, d)| (p.clone(), d.text.clone()))
                    .collect(),
            };
            let versions: BTreeMap<PathBuf, i32> =
                inner.docs.iter().filter(|(p, _)| p.starts_with(&root)).map(|(p, d)| (p.clone(), d.version)).collect();
            let project = inner.projects.entry(root.clone()).or_default();
            if project.running.is_some() {
                return;
            }
            let cancel = Arc::new(AtomicBool::new(false));
            project.dirty = false;
            project.running = Some(cancel.clone());
            (fs, versions, cancel, project.caches.clone())
        };
        let (limits, config) = {
            let settings = self.settings();
            (settings.limits, settings.config)
        };
        let (state, client) = (self.clone(), client.clone());
        tokio::spawn(async move {
            let stale = move || cancel.load(Ordering::Relaxed);
            // A panic in the compiler ends its blocking task only.
            let (r, cancelled) = (root.clone(), stale.clone());
            let analysed = tokio::task::spawn_blocking(move || {
                let mut caches = caches.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                Analysed::load(&r, &fs, versions, limits, &config, &mut caches, &cancelled)
            })
            .await;
            let result = match analysed {
                Ok(Ok(Some(analysed))) => {
                    // Names and types are known: publish them now, then
                    // index, and lower last (a second or more on a large
                    // project), so that requests need not wait for it.
                    let analysed = state.publish_analysed(&client, &root, analysed).await;
                    let cancelled = stale.clone();
                    tokio::task::spawn_blocking(move || Ok(analysed.finish(&cancelled))).await
                }
                Ok(Ok(None)) => Ok(Ok(None)),
                Ok(Err(why)) => Ok(Err(why)),
                Err(e) => Err(e),
            };
            let installed = state.install(&client, &root, result).await;
            if let Some(snapshot) = installed.filter(|s| s.lowers() && !stale()) {
                let s = snapshot.clone();
                match tokio::task::spawn_blocking(move || s.lower()).await {
                    Ok(lowered) => state.publish_lowered(&client, &root, &snapshot, lowered).await,
                    Err(e) => state.failed(&root, e),
                }
            }
            state.done(&client, root);
        });
    }

    /// Publishes what names and types found, as soon as they are known:
    /// for a project that will be lowered (it has no errors), with the
    /// last lowering's diagnostics in the files that have not changed
    /// since, so that they do not blink out on every keystroke. Gives the
    /// analysis back.
    async fn publish_analysed(&self, client: &Client, root: &Path, analysed: Analysed) -> Analysed {
        let mut diagnostics = analysed.diagnostics.clone();
        if !diagnostics.iter().any(cjo_diagnostics::Diagnostic::is_error) {
            let carried = self.lock().projects.get(root).map(|p| p.lowered.carried_into(&analysed.ws));
            diagnostics.extend(carried.unwrap_or_default());
            diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        let files = crate::project::published_files(&analysed.ws, analysed.detached);
        self.publish(client, root, &analysed.ws, files, &analysed.versions, &diagnostics).await;
        analysed
    }

    /// Publishes `diagnostics` for `files` of the project at `root`: only
    /// the files whose list (or document version) changed since last time.
    async fn publish<'a>(
        &self,
        client: &Client,
        root: &Path,
        ws: &cjo_project::Workspace,
        files: impl Iterator<Item = &'a cjo_project::SourceFile>,
        versions: &BTreeMap<PathBuf, i32>,
        diagnostics: &[cjo_diagnostics::Diagnostic],
    ) {
        let docs_url = self.settings().docs_url;
        let publish = {
            let mut inner = self.lock();
            let project = inner.projects.entry(root.to_path_buf()).or_default();
            changed_diagnostics(ws, files, versions, diagnostics, &mut project.published, docs_url.as_deref())
        };
        for (uri, diagnostics, version) in publish {
            client.publish_diagnostics(uri, diagnostics, version).await;
        }
    }

    /// Takes in an analysis: installs its snapshot (its diagnostics were
    /// published by [`State::publish_analysed`]), or records why there is
    /// none. Requests waiting for it are woken.
    async fn install(
        &self,
        client: &Client,
        root: &Path,
        result: Result<Result<Option<Snapshot>, String>, tokio::task::JoinError>,
    ) -> Option<Arc<Snapshot>> {
        let mut notice = None;
        let (installed, replaced) = {
            let mut inner = self.lock();
            let project = inner.projects.entry(root.to_path_buf()).or_default();
            match result {
                // Cancelled when the next run was due: see `done`.
                Ok(Ok(None)) => (None, None),
                // Stale if edited during the run, but still the newest
                // result: runs of a project never overlap.
                Ok(Ok(Some(snapshot))) => {
                    project.failure = None;
                    let snapshot = Arc::new(snapshot);
                    let replaced = project.snapshot.replace(snapshot.clone());
                    // Told once, when the project first reaches its
                    // ceiling, not on every keystroke after.
                    let ceiling = snapshot.ceiling();
                    if !project.ceiling_shown {
                        notice = ceiling.map(|d| ceiling_message(root, d));
                    }
                    project.ceiling_shown = ceiling.is_some();
                    (Some(snapshot), replaced)
                }
                Ok(Err(why)) => {
                    project.failure = Some(why);
                    (None, None)
                }
                Err(e) => {
                    project.failure = Some(format!("internal error in the cjo analysis: {}", panic_message(e)));
                    (None, None)
                }
            }
        };
        // Freeing a large project's snapshot takes a while: not on the
        // event loop.
        if let Some(old) = replaced {
            tokio::task::spawn_blocking(move || drop(old));
        }
        self.rounds.send_modify(|n| *n += 1);
        if let Some(message) = notice {
            client.show_message(lsp::MessageType::WARNING, message).await;
        }
        installed
    }

    /// Publishes what lowering `snapshot` found, with its other
    /// diagnostics, and keeps it to be carried into the next analyses.
    async fn publish_lowered(&self, client: &Client, root: &Path, snapshot: &Snapshot, lowered: Lowered) {
        let mut diagnostics = snapshot.diagnostics.clone();
        diagnostics.extend(lowered.diagnostics.iter().cloned());
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.lock().projects.entry(root.to_path_buf()).or_default().lowered = lowered;
        self.publish(client, root, &snapshot.ws, snapshot.published_files(), &snapshot.versions, &diagnostics).await;
    }

    /// Records a panic in lowering: requests are answered with it until
    /// the next edit.
    fn failed(&self, root: &Path, e: tokio::task::JoinError) {
        let mut inner = self.lock();
        let project = inner.projects.entry(root.to_path_buf()).or_default();
        project.failure = Some(format!("internal error in the cjo analysis: {}", panic_message(e)));
    }

    /// Ends a run: starts the project again if the run was cancelled (an
    /// edit came while it ran), and wakes the requests waiting for it.
    fn done(self: &Arc<Self>, client: &Client, root: PathBuf) {
        let again = {
            let mut inner = self.lock();
            let project = inner.projects.entry(root.clone()).or_default();
            project.running.take().is_some_and(|c| c.load(Ordering::Relaxed))
        };
        if again {
            self.start(client, root);
        }
        self.rounds.send_modify(|n| *n += 1);
    }
}

/// Why a request has no snapshot to be answered from.
#[derive(Debug)]
pub enum Unavailable {
    /// The last analysis failed (a panic in the compiler).
    Failed(String),
    /// The document was edited after the request was sent.
    Modified,
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
fn changed_diagnostics<'a>(
    ws: &cjo_project::Workspace,
    files: impl Iterator<Item = &'a cjo_project::SourceFile>,
    versions: &BTreeMap<PathBuf, i32>,
    diagnostics: &[cjo_diagnostics::Diagnostic],
    published: &mut BTreeMap<PathBuf, (Option<i32>, Vec<lsp::Diagnostic>)>,
    docs_url: Option<&str>,
) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
    let mut by_file: BTreeMap<cjo_diagnostics::FileId, Vec<lsp::Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        if let Some(converted) = convert::diagnostic(ws, d, docs_url) {
            by_file.entry(d.span().file).or_default().push(converted);
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for file in files {
        seen.insert(file.path.clone());
        let diagnostics = by_file.remove(&file.id).unwrap_or_default();
        let version = versions.get(&file.path).copied();
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
