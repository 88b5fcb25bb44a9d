//! The language server driven in-process, through the same tower service
//! `cjoc lsp` serves over stdio: a document opened in a project that
//! exists only in the editor (its `cjo.toml` and catalog are open
//! documents too, in a folder that does not exist on disk), every request
//! an editor makes about it, then any JSON-RPC messages the input holds.
//!
//! Oracles: no request panics (the server answers a panic as an error
//! whose message begins "internal error in"), and every range the server
//! sends about the document (diagnostics, hover, edits, symbols, semantic
//! tokens) lies inside it; formatting edits give what `cjo_fmt` gives.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::Request;

use cjo_lsp::Server;

/// The project's folder: a path that cannot exist (nothing is ever read
/// from it), so that the server sees only the open documents.
const ROOT: &str = "/nonexistent/cjo-fuzz/p";

/// The server's threads get the stack `cjoc lsp` gives them.
const STACK_SIZE: usize = 64 << 20;

/// Opens `text` as a `.cjo` document, asks every request about it, then
/// sends each of `messages` (JSON-RPC bodies; any `uri` in them is
/// pointed at the document, so that nothing is read from disk).
pub fn run(text: &str, messages: &[&str]) {
    assert!(!Path::new(ROOT).exists(), "{ROOT} must not exist: the fuzz target reads nothing from disk");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .thread_stack_size(STACK_SIZE)
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async { Session::start().run(text, messages).await });
}

/// The service, and what it sent the client.
struct Session {
    service: LspService<Server>,
    sent: Arc<Mutex<Vec<Request>>>,
    next_id: i64,
}

impl Session {
    fn start() -> Session {
        let (service, mut socket) = cjo_lsp::service();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let sink = sent.clone();
        // Drained as it comes: the server waits on a full socket.
        tokio::spawn(async move {
            while let Some(message) = socket.next().await {
                sink.lock().expect("not poisoned").push(message);
            }
        });
        Session { service, sent, next_id: 0 }
    }

    async fn run(mut self, text: &str, messages: &[&str]) {
        self.request("initialize", json!({ "capabilities": {}, "initializationOptions": { "debounceMs": 0 } })).await;
        self.notify("initialized", json!({})).await;
        let root = PathBuf::from(ROOT);
        self.open(&root.join("cjo.toml"), cjo_tests::FIXTURE_CONFIG).await;
        for (name, bytes) in cjo_tests::fixture_catalog() {
            self.open(&root.join("catalog").join(name), &String::from_utf8_lossy(bytes)).await;
        }
        let path = root.join("fuzzsrc00.cjo");
        let uri = uri(&path);
        self.open(&path, text).await;
        let doc = Doc::new(text, &uri);
        let at = |position: Value| json!({ "textDocument": { "uri": uri }, "position": position });
        for position in doc.positions() {
            for method in [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
                "textDocument/completion",
            ] {
                let answer = self.request(method, at(position.clone())).await;
                doc.check(method, &answer);
            }
            let mut params = at(position.clone());
            params["context"] = json!({ "includeDeclaration": true });
            doc.check("references", &self.request("textDocument/references", params).await);
            let mut params = at(position.clone());
            params["newName"] = json!("renamed_zq");
            doc.check("rename", &self.request("textDocument/rename", params).await);
            let params = json!({ "uri": uri, "position": position });
            doc.check("compiledSql", &self.request("cjo/compiledSql", params).await);
        }
        let document = json!({ "textDocument": { "uri": uri } });
        for method in ["textDocument/documentSymbol", "textDocument/codeLens", "textDocument/semanticTokens/full"] {
            let answer = self.request(method, document.clone()).await;
            doc.check(method, &answer);
        }
        let mut params = document.clone();
        params["options"] = json!({ "tabSize": 2, "insertSpaces": true });
        let answer = self.request("textDocument/formatting", params).await;
        doc.check("formatting", &answer);
        doc.check_formatting(&answer);
        doc.check("workspace/symbol", &self.request("workspace/symbol", json!({ "query": "" })).await);
        for message in self.sent.lock().expect("not poisoned").iter() {
            let (method, _, params) = message.clone().into_parts();
            if method == "textDocument/publishDiagnostics" {
                doc.check(&method, &Some(Ok(params.unwrap_or_default())));
            }
        }
        // Anything else the input asks, about the same document.
        for message in messages {
            let Ok(request) = Request::from_str(message) else { continue };
            let (method, id, params) = request.into_parts();
            let params = params.map(|mut p| {
                point_at(&mut p, &uri);
                p
            });
            let mut request = Request::build(method.clone()).params(params.unwrap_or(Value::Null));
            if let Some(id) = id {
                request = request.id(id);
            }
            let Some(answer) = self.call(request.finish()).await else { return };
            check_no_panic(&method, &answer);
        }
    }

    /// Sends a request: its result, or its error as `{code, message}`;
    /// `None` once the service has exited.
    async fn request(&mut self, method: &'static str, params: Value) -> Option<Result<Value, Value>> {
        self.next_id += 1;
        let answer = self.call(Request::build(method).id(self.next_id).params(params).finish()).await?;
        check_no_panic(method, &answer);
        answer
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        self.call(Request::build(method).params(params).finish()).await;
    }

    async fn open(&mut self, path: &Path, text: &str) {
        let doc = json!({ "uri": uri(path), "languageId": "cjo", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc })).await;
    }

    /// `None` once the service has exited (the input said `exit`).
    async fn call(&mut self, request: Request) -> Option<Option<Result<Value, Value>>> {
        let service = self.service.ready().await.ok()?;
        let response = service.call(request).await.ok()?;
        Some(response.map(|r| {
            let (_, result) = r.into_parts();
            result.map_err(|e| json!({ "code": e.code.code(), "message": e.message }))
        }))
    }
}

/// Panics if the server answered a panic (caught and answered as an
/// internal error).
fn check_no_panic(method: &str, answer: &Option<Result<Value, Value>>) {
    if let Some(Err(e)) = answer {
        let message = e["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("internal error in"), "{method}: {message}");
    }
}

/// Every string under a `uri` key set to `uri`.
fn point_at(value: &mut Value, uri: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "uri" && v.is_string() {
                    *v = json!(uri);
                } else {
                    point_at(v, uri);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| point_at(v, uri)),
        _ => {}
    }
}

fn uri(path: &Path) -> String {
    cjo_lsp::convert::uri(path).expect("an absolute path").to_string()
}

/// The document, as the protocol counts positions: lines split at `\n`,
/// columns in UTF-16 units (worked out here, not by the server's
/// `LineIndex`, so that a mistake there shows).
struct Doc<'a> {
    text: &'a str,
    uri: &'a str,
    /// Each line's text, without its `\n`.
    lines: Vec<&'a str>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str, uri: &'a str) -> Doc<'a> {
        Doc { text, uri, lines: text.split('\n').collect() }
    }

    /// The position of byte `offset` (a character boundary).
    fn position(&self, offset: usize) -> Value {
        let before = &self.text[..offset];
        let line = before.matches('\n').count();
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        json!({ "line": line, "character": self.text[start..offset].encode_utf16().count() })
    }

    /// Where requests are asked: a quarter, half and three quarters into
    /// the text, and past its end.
    fn positions(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for quarter in 1..4 {
            let mut offset = self.text.len() * quarter / 4;
            while !self.text.is_char_boundary(offset) {
                offset -= 1;
            }
            out.push(self.position(offset));
        }
        out.push(json!({ "line": self.lines.len() + 2, "character": 7 }));
        out
    }

    /// The UTF-16 length of line `line`, if the document has it.
    fn line_len(&self, line: u64) -> Option<u64> {
        let line = self.lines.get(usize::try_from(line).ok()?)?;
        Some(line.encode_utf16().count() as u64)
    }

    /// Panics unless `position` is in the document.
    fn check_position(&self, what: &str, position: &Value) {
        let (line, character) = (position["line"].as_u64(), position["character"].as_u64());
        let (Some(line), Some(character)) = (line, character) else { panic!("{what}: not a position: {position}") };
        let len = self.line_len(line).unwrap_or_else(|| panic!("{what}: line {line} is past the end: {position}"));
        assert!(character <= len, "{what}: character {character} is past the end of line {line} ({len})");
    }

    /// Panics if the panic check fails, or any range of `answer` about this
    /// document lies outside it, or a semantic token does.
    fn check(&self, method: &str, answer: &Option<Result<Value, Value>>) {
        check_no_panic(method, answer);
        if let Some(Ok(value)) = answer {
            self.check_ranges(method, value);
        }
    }

    fn check_ranges(&self, what: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                let elsewhere = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|u| u != self.uri);
                if elsewhere(map.get("uri")) || elsewhere(map.get("textDocument").and_then(|d| d.get("uri"))) {
                    return;
                }
                for (key, v) in map {
                    if key.contains("://") && key != self.uri {
                        continue;
                    }
                    if key == "data" && what.ends_with("semanticTokens/full") {
                        self.check_tokens(v);
                    } else if key == "start" || key == "end" || key == "position" {
                        self.check_position(what, v);
                    } else {
                        self.check_ranges(what, v);
                    }
                }
                if let (Some(start), Some(end)) = (map.get("start"), map.get("end")) {
                    let key = |p: &Value| (p["line"].as_u64(), p["character"].as_u64());
                    assert!(key(start) <= key(end), "{what}: a range ends before it starts: {value}");
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.check_ranges(what, v)),
            _ => {}
        }
    }

    /// Semantic tokens: five numbers each, relative to the one before.
    fn check_tokens(&self, data: &Value) {
        let numbers: Vec<u64> = data.as_array().into_iter().flatten().filter_map(Value::as_u64).collect();
        assert_eq!(numbers.len() % 5, 0, "semantic tokens are five numbers each");
        let (mut line, mut start) = (0u64, 0u64);
        for token in numbers.chunks(5) {
            let [delta_line, delta_start, length, ..] = token else { continue };
            line += delta_line;
            start = if *delta_line == 0 { start + delta_start } else { *delta_start };
            let len = self.line_len(line).unwrap_or_else(|| panic!("a semantic token on line {line}, past the end"));
            assert!(start + length <= len, "a semantic token past the end of line {line}: {start}+{length} > {len}");
        }
    }

    /// Formatting's edits, applied, give what `cjo_fmt` gives.
    fn check_formatting(&self, answer: &Option<Result<Value, Value>>) {
        let Some(Ok(edits)) = answer else { return };
        let expected = cjo_fmt::format(self.text).ok();
        let Some(edits) = edits.as_array() else {
            assert!(expected.is_none(), "no formatting edits for a file cjo_fmt formats");
            return;
        };
        let mut text = self.text.to_string();
        // From the last, so the positions of the others stay valid.
        for edit in edits.iter().rev() {
            let offset = |p: &Value| self.offset(p["line"].as_u64().unwrap_or(0), p["character"].as_u64().unwrap_or(0));
            let (start, end) = (offset(&edit["range"]["start"]), offset(&edit["range"]["end"]));
            text.replace_range(start..end, edit["newText"].as_str().unwrap_or_default());
        }
        assert_eq!(Some(text), expected, "formatting edits do not give cjo_fmt's text");
    }

    /// The byte offset of a position in the document (checked before).
    fn offset(&self, line: u64, character: u64) -> usize {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let start: usize = self.lines.iter().take(line).map(|l| l.len() + 1).sum();
        let text = self.lines.get(line).copied().unwrap_or_default();
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16() as u64;
        }
        start + text.len()
    }
}
