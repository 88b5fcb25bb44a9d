//! Drives the server in-process through its LSP interface: requests and
//! notifications go into the tower service, what the server sends the
//! client is collected from its socket.

// Each test file uses part of the harness; test helpers may unwrap.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use cjo_lsp::Server;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;

pub const SOURCES: &str = r#"/// Orders as the shop writes them.
source orders = "shop.orders" {
  /// Who ordered.
  customer_id: string not null
  amount: int
  ordered_at: timestamp not null
}

source customers = "crm.customers" {
  customer_id: string not null
  plan: string
}
"#;

pub const MODELS: &str = r#"/// Spend per customer.
model spend {
  sql {
    select o.customer_id, sum(o.amount) as total
    from orders o
    group by o.customer_id
  }
}

model top {
  sql {
    select customer_id, total from spend where total > 100
  }
}

journey onboarding {
  profiles = customers
  key = customer_id
  events = [orders]

  stage welcome {
    entry: plan = 'free' and any orders where amount > 10
    step send: activate "email.welcome"
    step pause: wait 2 days -> done
    step done: end
  }
}
"#;

/// A project in a fresh temporary folder.
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    pub fn new(name: &str, files: &[(&str, &str)]) -> Project {
        let root = std::env::temp_dir().join(format!("cjo-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("cjo.toml"),
            "[project]\nname = \"shop\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"shop\"\n",
        )
        .unwrap();
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Project { root }
    }

    /// The shop project: sources.cjo and models.cjo.
    pub fn shop(name: &str) -> Project {
        Project::new(name, &[("sources.cjo", SOURCES), ("models.cjo", MODELS)])
    }

    pub fn uri(&self, file: &str) -> String {
        uri(&self.root.join(file))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub fn uri(path: &Path) -> String {
    cjo_lsp::convert::uri(path).unwrap().to_string()
}

/// The line and UTF-16 column of the `needle` in `text`, plus `delta`.
pub fn pos(text: &str, needle: &str, delta: usize) -> Value {
    let i = text.find(needle).unwrap_or_else(|| panic!("no {needle:?}")) + delta;
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": text[start..i].encode_utf16().count() })
}

/// The server, and what it sent the client.
pub struct Client {
    service: LspService<Server>,
    from_server: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
}

impl Client {
    /// A started and initialized server (no debounce, so tests are quick).
    pub async fn start() -> Client {
        Client::start_with(json!({ "debounceMs": 0 })).await
    }

    /// A started server, initialized with these `initializationOptions`.
    pub async fn start_with(options: Value) -> Client {
        let (service, socket) = cjo_lsp::service();
        let (tx, from_server) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(message) = socket.next().await {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client { service, from_server, next_id: 0 };
        let init = client.request("initialize", json!({ "capabilities": {}, "initializationOptions": options })).await;
        assert!(init.is_ok(), "{init:?}");
        client.notify("initialized", json!({})).await;
        client
    }

    /// Sends a request; its result, or its error as a JSON value.
    pub async fn request(&mut self, method: &'static str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let req = Request::build(method).id(self.next_id).params(params).finish();
        let response = self.service.ready().await.unwrap().call(req).await.unwrap().expect("a response");
        let (_, result) = response.into_parts();
        result.map_err(|e| json!({ "code": e.code.code(), "message": e.message }))
    }

    pub async fn notify(&mut self, method: &'static str, params: Value) {
        let req = Request::build(method).params(params).finish();
        let response = self.service.ready().await.unwrap().call(req).await.unwrap();
        assert!(response.is_none());
    }

    pub async fn open(&mut self, uri: &str, text: &str, version: i32) {
        let doc = json!({ "uri": uri, "languageId": "cjo", "version": version, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc })).await;
    }

    pub async fn change(&mut self, uri: &str, text: &str, version: i32) {
        let params = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        });
        self.notify("textDocument/didChange", params).await;
    }

    /// The next diagnostics published for `uri`: (version, diagnostics).
    pub async fn diagnostics(&mut self, uri: &str) -> (Option<i64>, Vec<Value>) {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), self.from_server.recv())
                .await
                .expect("diagnostics in time")
                .expect("the server is running");
            let (method, _, params) = message.into_parts();
            if method != "textDocument/publishDiagnostics" {
                continue;
            }
            let params = params.unwrap_or_default();
            if params["uri"] == uri {
                let version = params["version"].as_i64();
                return (version, params["diagnostics"].as_array().cloned().unwrap_or_default());
            }
        }
    }

    /// Waits until `uri`'s diagnostics satisfy `done`; the last seen.
    pub async fn diagnostics_until(
        &mut self,
        uri: &str,
        done: impl Fn(Option<i64>, &[Value]) -> bool,
    ) -> (Option<i64>, Vec<Value>) {
        loop {
            let (v, d) = self.diagnostics(uri).await;
            if done(v, &d) {
                return (v, d);
            }
        }
    }

    /// The parameters of the next message the server sends with `method`
    /// (others are skipped).
    pub async fn next(&mut self, method: &str) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), self.from_server.recv())
                .await
                .unwrap_or_else(|_| panic!("{method} in time"))
                .expect("the server is running");
            let (m, _, params) = message.into_parts();
            if m == method {
                return params.unwrap_or_default();
            }
        }
    }

    /// Everything the server has sent so far, without waiting.
    pub fn drain(&mut self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        while let Ok(message) = self.from_server.try_recv() {
            let (method, _, params) = message.into_parts();
            out.push((method.to_string(), params.unwrap_or_default()));
        }
        out
    }

    pub fn at(uri: &str, position: Value) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": position })
    }
}

/// The codes of a list of diagnostics.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}
