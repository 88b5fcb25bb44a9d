//! The language server on a generated 1,000-model workspace (100 files of
//! 10 models over 20 sources, each model reading a source and the model
//! before it): an edit until its diagnostics are published, hover, and
//! completion, through the LSP service in-process. Prints the median and
//! the 95th percentile of each.
//!
//! `cargo bench -p cjo-lsp --bench workspace` (`-- --quick` for fewer
//! rounds).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;

const FILES: usize = 100;
const MODELS_PER_FILE: usize = 10;
const SOURCES: usize = 20;

/// Writes the workspace; the path of the first model file and its text.
fn generate(root: &Path) -> (PathBuf, String) {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("models")).unwrap();
    std::fs::write(root.join("cjo.toml"), "[project]\nname = \"bench\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"bench\"\n").unwrap();
    let mut sources = String::new();
    for s in 0..SOURCES {
        let _ = write!(
            sources,
            "/// Events of kind {s}.\nsource events_{s} = \"raw.events_{s}\" {{\n  customer_id: string not null\n  amount: int\n  kind: string\n  at: timestamp not null\n}}\n\n"
        );
    }
    std::fs::write(root.join("sources.cjo"), sources).unwrap();
    let mut first = None;
    for f in 0..FILES {
        let mut text = String::new();
        for m in 0..MODELS_PER_FILE {
            let i = f * MODELS_PER_FILE + m;
            let source = i % SOURCES;
            let upstream = if i == 0 {
                String::new()
            } else {
                format!("\n    join m_{} p on p.customer_id = o.customer_id", i - 1)
            };
            let _ = write!(
                text,
                "/// Model {i}.\nmodel m_{i} {{\n  sql {{\n    select o.customer_id, sum(o.amount) as total, max(o.at) as last_at\n    from events_{source} o{upstream}\n    where o.kind = 'k{i}'\n    group by o.customer_id\n  }}\n}}\n\n"
            );
        }
        let path = root.join("models").join(format!("file_{f:03}.cjo"));
        std::fs::write(&path, &text).unwrap();
        first.get_or_insert((path, text));
    }
    first.unwrap()
}

struct Client {
    service: LspService<cjo_lsp::Server>,
    from_server: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
}

impl Client {
    async fn request(&mut self, method: &'static str, params: Value) -> Value {
        self.next_id += 1;
        let req = Request::build(method).id(self.next_id).params(params).finish();
        let response = self.service.ready().await.unwrap().call(req).await.unwrap().unwrap();
        response.into_parts().1.unwrap()
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let req = Request::build(method).params(params).finish();
        self.service.ready().await.unwrap().call(req).await.unwrap();
    }

    /// Waits for diagnostics of `uri` at `version`; their number.
    async fn diagnostics(&mut self, uri: &str, version: i64) -> usize {
        loop {
            let message =
                tokio::time::timeout(Duration::from_secs(300), self.from_server.recv()).await.unwrap().unwrap();
            let (method, _, params) = message.into_parts();
            let params = params.unwrap_or_default();
            if method == "textDocument/publishDiagnostics" && params["uri"] == uri && params["version"] == version {
                return params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

fn position(text: &str, needle: &str, delta: usize) -> Value {
    let i = text.find(needle).unwrap() + delta;
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": i - start })
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<28} n={:<4} median {:>9.2} ms   p95 {:>9.2} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 30 };
    let root = std::env::temp_dir().join(format!("cjo-lsp-bench-{}", std::process::id()));
    let (path, text) = generate(&root);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(64 << 20)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (service, socket) = cjo_lsp::service();
        let (tx, from_server) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(m) = socket.next().await {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client { service, from_server, next_id: 0 };
        client.request("initialize", json!({ "capabilities": {} })).await;
        client.notify("initialized", json!({})).await;
        let uri = cjo_lsp::convert::uri(&path).unwrap().to_string();
        let doc = json!({ "uri": uri, "languageId": "cjo", "version": 1, "text": text });
        let started = Instant::now();
        client.notify("textDocument/didOpen", json!({ "textDocument": doc })).await;
        assert_eq!(client.diagnostics(&uri, 1).await, 0, "the generated workspace checks clean");
        println!("1,000 models: first analysis (open → diagnostics) {:.0} ms", started.elapsed().as_secs_f64() * 1e3);

        let broken = text.replacen("o.amount", "o.amout", 1);
        let mut edits = Vec::new();
        for v in 2..2 + rounds as i64 {
            let new = if v % 2 == 0 { &broken } else { &text };
            let params = json!({ "textDocument": { "uri": uri, "version": v }, "contentChanges": [{ "text": new }] });
            let t = Instant::now();
            client.notify("textDocument/didChange", params).await;
            let n = client.diagnostics(&uri, v).await;
            edits.push(t.elapsed());
            assert_eq!(n, usize::from(v % 2 == 0));
        }
        // Leave the text clean (the last edit may have broken it).
        let v = 2 + rounds as i64;
        let params = json!({ "textDocument": { "uri": uri, "version": v }, "contentChanges": [{ "text": text }] });
        client.notify("textDocument/didChange", params).await;
        client.diagnostics(&uri, v).await;

        let at = |p: Value| json!({ "textDocument": { "uri": uri }, "position": p });
        let mut hovers = Vec::new();
        let hover_at = position(&text, "join m_0 p", 6);
        for _ in 0..rounds * 3 {
            let t = Instant::now();
            let h = client.request("textDocument/hover", at(hover_at.clone())).await;
            hovers.push(t.elapsed());
            assert!(h["contents"]["value"].as_str().unwrap().contains("model m_0"));
        }
        let mut completions = Vec::new();
        let complete_at = position(&text, "o.kind", 2);
        for _ in 0..rounds * 3 {
            let t = Instant::now();
            let c = client.request("textDocument/completion", at(complete_at.clone())).await;
            completions.push(t.elapsed());
            assert_eq!(c.as_array().unwrap().len(), 4);
        }
        let mut froms = Vec::new();
        let from_at = position(&text, "from events_0", 5);
        for _ in 0..rounds {
            let t = Instant::now();
            let c = client.request("textDocument/completion", at(from_at.clone())).await;
            froms.push(t.elapsed());
            assert!(c.as_array().unwrap().len() >= 1_000);
        }
        report("edit → diagnostics", edits);
        report("hover (a model)", hovers);
        report("completion after `o.`", completions);
        report("completion after `from`", froms);
    });
    let _ = std::fs::remove_dir_all(&root);
}
