//! The language server as an editor meets it: `cjoc lsp` started as a
//! process and spoken to over its standard input and output, on the
//! generated benchmark projects (`cjo_tests::generate::project_files`, 100
//! models a file) written to `/dev/shm`. Prints figures; asserts only that
//! the server answers what it should.
//!
//! ```sh
//! CARGO_TARGET_DIR=/dev/shm/rel cargo build --release -p cjoc
//! CJOC=/dev/shm/rel/release/cjoc cargo bench -p cjo-tests --bench lsp -- 1000 10000
//! ```
//!
//! For each project size given (default 1,000 and 10,000 models):
//!
//! - the first analysis (open → diagnostics);
//! - edit → `publishDiagnostics` for that version, alternately breaking a
//!   column name and mending it (median and p95 over `--rounds`, 30);
//! - hover and completion sent right after an edit (what a user does),
//!   and once the server has caught up;
//! - a burst of typing: one `didChange` every 50 ms for 2.5 s, how many of
//!   the 50 versions got diagnostics, and how long after the last edit its
//!   diagnostics came;
//! - an edit to a source's columns, until the model file reading it shows
//!   (or stops showing) the error;
//! - the server's peak resident memory (`VmHWM` of `/proc/PID/status`).

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PER_FILE: usize = 100;
const CONFIG: &str = "[project]\nname = \"bench\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"analytics\"\n";
const TIMEOUT: Duration = Duration::from_secs(120);

fn main() {
    let mut sizes = Vec::new();
    let mut rounds = 30;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            "--bench" | "--quick" => {}
            n => sizes.extend(n.replace(',', "").parse::<usize>().ok()),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let cjoc = cjoc();
    println!("server: {}", cjoc.display());
    for models in sizes {
        run(&cjoc, models, rounds);
    }
}

/// The server binary: `$CJOC`, else the workspace's release build.
fn cjoc() -> PathBuf {
    if let Some(path) = std::env::var_os("CJOC") {
        return PathBuf::from(path);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| cjo_tests::repo_root().join("target"), PathBuf::from);
    let path = target.join("release/cjoc");
    assert!(path.exists(), "no {}: build it with `cargo build --release -p cjoc`, or set CJOC", path.display());
    path
}

/// Writes the project; the paths of its first model file and of its
/// sources file.
fn generate(root: &Path, models: usize) -> (PathBuf, PathBuf) {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(root.join("cjo.toml"), CONFIG).unwrap();
    for (name, text) in cjo_tests::generate::project_files(models, PER_FILE) {
        std::fs::write(root.join(name), text).unwrap();
    }
    (root.join("models_0000.cjo"), root.join("sources.cjo"))
}

/// What the server sent, with when it arrived.
type Message = (Instant, Value);

struct Server {
    child: Child,
    stdin: ChildStdin,
    from_server: Receiver<Message>,
    next_id: i64,
    /// Every `publishDiagnostics` seen: when, uri, version, how many.
    published: Vec<(Instant, String, Option<i64>, usize)>,
}

impl Server {
    fn start(cjoc: &Path) -> Server {
        let mut child =
            Command::new(cjoc).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("start cjoc lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, from_server) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                reader.read_exact(&mut body).unwrap();
                let value: Value = serde_json::from_slice(&body).unwrap();
                if tx.send((Instant::now(), value)).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, from_server, next_id: 0, published: Vec::new() }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its answer.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let (_, message) = self.next(Instant::now() + TIMEOUT).expect("an answer");
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
        }
    }

    /// The next message before `deadline`, noting diagnostics.
    fn next(&mut self, deadline: Instant) -> Option<Message> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.from_server.recv_timeout(wait) {
            Ok((at, message)) => {
                if message["method"] == "textDocument/publishDiagnostics" {
                    let p = &message["params"];
                    let n = p["diagnostics"].as_array().map_or(0, Vec::len);
                    self.published.push((at, p["uri"].as_str().unwrap_or("").to_string(), p["version"].as_i64(), n));
                }
                Some((at, message))
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
        }
    }

    /// Waits until diagnostics matching `wanted` were published (perhaps
    /// already); when they arrived and how many there were.
    fn diagnostics(&mut self, wanted: impl Fn(&str, Option<i64>, usize) -> bool) -> (Instant, usize) {
        self.diagnostics_since(0, wanted)
    }

    /// [`Server::diagnostics`], among those published after the first
    /// `seen`.
    fn diagnostics_since(
        &mut self,
        mut seen: usize,
        wanted: impl Fn(&str, Option<i64>, usize) -> bool,
    ) -> (Instant, usize) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some((at, _, _, n)) = self.published[seen..].iter().find(|(_, u, v, n)| wanted(u, *v, *n)) {
                return (*at, *n);
            }
            seen = self.published.len();
            self.next(deadline).expect("diagnostics before the timeout");
        }
    }

    /// Reads what is already there (or arrives within `wait`).
    fn drain(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while self.next(deadline).is_some() {}
    }

    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN);
        kib / 1024.0
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!("  {name:<38} n={:<3} median {:>8.1} ms   p95 {:>8.1} ms", samples.len(), ms(at(0.5)), ms(at(0.95)));
}

/// The LSP position of `needle`'s byte `delta` in `text`.
fn position(text: &str, needle: &str, delta: usize) -> Value {
    let i = text.find(needle).unwrap() + delta;
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": i - start })
}

fn change(uri: &str, version: i64, text: &str) -> Value {
    json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] })
}

fn run(cjoc: &Path, models: usize, rounds: usize) {
    let root = PathBuf::from(format!("/dev/shm/cjo-lsp-bench-{models}-{}", std::process::id()));
    let (path, sources_path) = generate(&root, models);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = format!("file://{}", path.display());
    println!("{models} models ({} files of {PER_FILE}) in {}", models.div_ceil(PER_FILE) + 1, root.display());

    let mut server = Server::start(cjoc);
    server.request("initialize", json!({ "capabilities": {}, "rootUri": format!("file://{}", root.display()) }));
    server.notify("initialized", json!({}));
    let started = Instant::now();
    let doc = json!({ "uri": uri, "languageId": "cjo", "version": 1, "text": text });
    server.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    let (at, n) = server.diagnostics(|u, v, _| u == uri && v == Some(1));
    assert_eq!(n, 0, "the generated project checks clean");
    println!("  {:<38} {:>8.1} ms", "first analysis (open → diagnostics)", ms(at - started));

    // Edits, each waited for: a column misspelt, then mended.
    let broken = text.replacen("sum(amount)", "sum(amout)", 1);
    let mut version = 1;
    let mut edits = Vec::new();
    for round in 0..rounds {
        version += 1;
        let new = if round % 2 == 0 { &broken } else { &text };
        let sent = Instant::now();
        server.notify("textDocument/didChange", change(&uri, version, new));
        let v = version;
        let (at, n) = server.diagnostics(|u, got, _| u == uri && got == Some(v));
        assert_eq!(n, usize::from(round % 2 == 0), "version {v}");
        edits.push(at - sent);
    }
    report("edit → its diagnostics", edits);

    // Requests sent right after an edit, as an editor does while typing.
    let hover_at = position(&text, "from daily_8 d", 5);
    let complete_at = position(&text, "from events_0", 5);
    let at = |p: &Value| json!({ "textDocument": { "uri": uri }, "position": p });
    let (mut hovers, mut completions) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        version += 1;
        // Alternating a trailing comment keeps every position valid.
        let new = if round % 2 == 0 { format!("{text}// edited\n") } else { text.clone() };
        server.notify("textDocument/didChange", change(&uri, version, &new));
        let sent = Instant::now();
        let h = server.request("textDocument/hover", at(&hover_at));
        hovers.push(sent.elapsed());
        assert!(h["result"]["contents"]["value"].as_str().is_some_and(|s| s.contains("daily_8")), "{h}");
        version += 1;
        let new = if round % 2 == 0 { text.clone() } else { format!("{text}// edited\n") };
        server.notify("textDocument/didChange", change(&uri, version, &new));
        let sent = Instant::now();
        let c = server.request("textDocument/completion", at(&complete_at));
        completions.push(sent.elapsed());
        assert!(c["result"].as_array().is_some_and(|a| a.len() >= models), "{}", c["result"]);
    }
    report("hover right after an edit", hovers);
    report("completion (`from `) right after an edit", completions);
    let v = version;
    server.diagnostics(|u, got, _| u == uri && got == Some(v));
    let mut hovers = Vec::new();
    for _ in 0..rounds {
        let sent = Instant::now();
        server.request("textDocument/hover", at(&hover_at));
        hovers.push(sent.elapsed());
    }
    report("hover, caught up", hovers);

    // A burst of typing: a comment written one character every 50 ms.
    server.drain(Duration::from_millis(200));
    let first = version + 1;
    let anchor = text.find("-- per day").unwrap() + "-- per day".len();
    let mut typed = String::new();
    let mut last_sent = Instant::now();
    for i in 0..50 {
        version += 1;
        typed.push(char::from(b'a' + (i % 26) as u8));
        let new = format!("{}{typed}{}", &text[..anchor], &text[anchor..]);
        let due = last_sent + Duration::from_millis(50);
        while Instant::now() < due {
            server.next(due);
        }
        last_sent = Instant::now();
        server.notify("textDocument/didChange", change(&uri, version, &new));
    }
    let last = version;
    let (at, _) = server.diagnostics(|u, got, _| u == uri && got == Some(last));
    server.drain(Duration::from_millis(300));
    let mut answered: Vec<i64> = server
        .published
        .iter()
        .filter(|(_, u, v, _)| *u == uri && v.is_some_and(|v| (first..=last).contains(&v)))
        .filter_map(|(_, _, v, _)| *v)
        .collect();
    answered.dedup();
    println!(
        "  {:<38} {} of 50 versions; the last {:.1} ms after the last edit",
        "burst of typing (50 edits, 50 ms apart)",
        answered.len(),
        ms(at - last_sent)
    );
    version += 1;
    server.notify("textDocument/didChange", change(&uri, version, &text));
    let v = version;
    server.diagnostics(|u, got, _| u == uri && got == Some(v));

    // A source's column renamed: the models reading it break, then mend.
    let sources = std::fs::read_to_string(&sources_path).unwrap();
    let sources_uri = format!("file://{}", sources_path.display());
    let doc = json!({ "uri": sources_uri, "languageId": "cjo", "version": 1, "text": sources });
    server.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    server.diagnostics(|u, v, _| u == sources_uri && v == Some(1));
    let renamed = sources.replacen("  amount: decimal", "  amount_usd: decimal", 1);
    let mut source_edits = Vec::new();
    for round in 0..rounds.min(20) {
        let broken = round % 2 == 0;
        let new = if broken { &renamed } else { &sources };
        let sent = Instant::now();
        let seen = server.published.len();
        server.notify("textDocument/didChange", change(&sources_uri, 2 + round as i64, new));
        let (at, _) = server.diagnostics_since(seen, |u, _, n| u == uri && (n > 0) == broken);
        source_edits.push(at - sent);
    }
    report("source column edit → readers' diagnostics", source_edits);

    println!("  {:<38} {:>8.0} MiB", "server peak memory (VmHWM)", server.peak_rss_mib());
    server.stop();
    let _ = std::fs::remove_dir_all(&root);
}
