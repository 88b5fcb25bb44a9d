//! The protocol: capabilities, document sync, and each request handed to
//! a handler on a blocking thread, where a panic is caught and answered
//! as an error instead of ending the server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::{Client, LanguageServer};

use crate::project::Snapshot;
use crate::state::{State, Unavailable, panic_message};
use crate::{compiled, convert, handlers, tokens};

/// The language server.
#[derive(Debug)]
pub struct Server {
    client: Client,
    state: Arc<State>,
}

/// An LSP error with the internal-error code.
fn internal(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InternalError, message: message.into().into(), data: None }
}

/// The protocol's RequestFailed (-32803): the request was valid, but what
/// it asks cannot be done (a rename that clashes, SQL of a broken model).
fn failed(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::ServerError(-32803), message: message.into().into(), data: None }
}

fn invalid(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InvalidParams, message: message.into().into(), data: None }
}

/// Runs `f` on a blocking thread: the event loop stays free, and a panic
/// becomes an error answer.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R> {
    tokio::task::spawn_blocking(f).await.map_err(|e| internal(format!("internal error in cjoc: {}", panic_message(e))))
}

/// `cjo/compiledSql`'s parameters (see docs/lsp.md).
#[derive(Debug, Deserialize)]
pub struct CompiledSqlParams {
    pub uri: Uri,
    #[serde(default)]
    pub position: Option<lsp::Position>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub dialect: Option<String>,
}

impl Server {
    pub fn new(client: Client) -> Server {
        Server { client, state: Arc::new(State::default()) }
    }

    /// The snapshot of `uri`'s project, then `f` on a blocking thread.
    async fn with_snapshot<R: Send + 'static>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&Snapshot, &Path) -> R + Send + 'static,
    ) -> Result<Option<R>> {
        let Some(path) = convert::path(uri) else { return Ok(None) };
        let snapshot = match self.state.snapshot(&path).await {
            Ok(Some(s)) => s,
            Ok(None) => return Ok(None),
            Err(Unavailable::Failed(why)) => return Err(internal(why)),
            // The protocol's answer to a request about a text edited since.
            Err(Unavailable::Modified) => return Err(Error::content_modified()),
        };
        blocking(move || f(&snapshot, &path)).await.map(Some)
    }

    /// `cjo/compiledSql`: the SQL of the model named, or at the position.
    pub async fn compiled_sql(&self, params: CompiledSqlParams) -> Result<Option<Value>> {
        let dialect = match params.dialect.as_deref() {
            None | Some("") => None,
            Some(d) => Some(
                cjo_project::Dialect::parse(&d.to_ascii_lowercase())
                    .ok_or_else(|| invalid(format!("`{d}` is not a dialect: use bigquery, redshift or trino")))?,
            ),
        };
        let (name, position) = (params.name, params.position);
        let now = cjo_codegen::time::Instant(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        );
        let answer = self
            .with_snapshot(&params.uri, move |snap, path| {
                let model = match (&name, position) {
                    (Some(n), _) => compiled::model_named(snap, n),
                    (None, Some(pos)) => {
                        let file = snap.file(path)?;
                        compiled::model_at(snap, file.id, convert::offset(file, pos))
                    }
                    (None, None) => None,
                }?;
                Some(compiled::compiled_sql(snap, &model, dialect, now))
            })
            .await?;
        match answer.flatten() {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(why)) => Err(failed(why)),
        }
    }

    fn read_settings(&self, options: Option<&Value>) {
        let mut settings = self.state.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // `${env:NAME}` in cjo.toml reads the server's environment, as
        // `cjoc` does on the command line (only Unicode names and values).
        settings.config.variables =
            std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
        let Some(options) = options else { return };
        if let Some(name) = options.get("environment").and_then(Value::as_str) {
            settings.config.environment = (!name.is_empty()).then(|| name.to_owned());
        }
        if let Some(ms) = options.get("debounceMs").and_then(Value::as_u64) {
            settings.debounce = Duration::from_millis(ms.min(10_000));
        }
        if let Some(url) = options.get("diagnosticsDocsUrl").and_then(Value::as_str) {
            settings.docs_url = (!url.is_empty()).then(|| url.to_string());
        }
        // The project ceiling (docs/limits.md), for a project larger than
        // the default allows.
        let count = |key: &str| options.get(key).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        if let Some(n) = count("maxProjectFolders") {
            settings.limits.folders = n;
        }
        if let Some(n) = count("maxProjectFiles") {
            settings.limits.files = n;
        }
        if let Some(mib) = options.get("maxProjectMiB").and_then(Value::as_u64) {
            settings.limits.bytes = mib.saturating_mul(1 << 20);
        }
    }
}

fn path_of(uri: &Uri) -> Option<PathBuf> {
    convert::path(uri)
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        self.read_settings(params.initialization_options.as_ref());
        tokio::spawn(self.state.clone().analysis_loop(self.client.clone()));
        let sync = lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        };
        let capabilities = lsp::ServerCapabilities {
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(sync)),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), "$".into(), ">".into(), " ".into()]),
                ..lsp::CompletionOptions::default()
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            })),
            code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
            semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: tokens::legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: Some(false),
                    ..lsp::SemanticTokensOptions::default()
                },
            )),
            ..lsp::ServerCapabilities::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "cjoc lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if let Some(path) = path_of(&doc.uri) {
            self.state.open(path, doc.text, doc.version);
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let doc = params.text_document;
        if let Some(path) = path_of(&doc.uri) {
            self.state.change(path, doc.version, params.content_changes);
        }
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        if let Some(path) = path_of(&params.text_document.uri) {
            self.state.disk_changed(&path);
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        if let Some(path) = path_of(&params.text_document.uri) {
            self.state.close(&path);
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        for change in params.changes {
            if let Some(path) = path_of(&change.uri) {
                self.state.disk_changed(&path);
            }
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .with_snapshot(&p.text_document.uri, move |s, path| handlers::hover(s, path, p.position))
            .await?
            .flatten())
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let answer = self.with_snapshot(&p.text_document.uri, move |s, path| handlers::definition(s, path, p.position));
        Ok(answer.await?.flatten())
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let p = params.text_document_position;
        let declaration = params.context.include_declaration;
        let answer = self
            .with_snapshot(&p.text_document.uri, move |s, path| handlers::references(s, path, p.position, declaration));
        Ok(answer.await?.flatten())
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let p = params.text_document_position_params;
        let answer =
            self.with_snapshot(&p.text_document.uri, move |s, path| handlers::document_highlight(s, path, p.position));
        Ok(answer.await?.flatten())
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        let answer = self.with_snapshot(&uri, move |s, path| handlers::prepare_rename(s, path, params.position));
        answer.await?.transpose().map(Option::flatten).map_err(failed)
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let answer =
            self.with_snapshot(&p.text_document.uri, move |s, path| handlers::rename(s, path, p.position, &new_name));
        answer.await?.transpose().map(Option::flatten).map_err(failed)
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        let answer = self.with_snapshot(&p.text_document.uri, move |s, path| handlers::completion(s, path, p.position));
        Ok(answer.await?.flatten())
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let answer = self.with_snapshot(&params.text_document.uri, handlers::document_symbols);
        Ok(answer.await?.flatten())
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let snaps = self.state.settled_snapshots().await;
        let list = blocking(move || handlers::workspace_symbols(&snaps, &params.query)).await?;
        Ok(Some(lsp::WorkspaceSymbolResponse::Flat(list)))
    }

    async fn formatting(&self, params: lsp::DocumentFormattingParams) -> Result<Option<Vec<lsp::TextEdit>>> {
        let Some(path) = path_of(&params.text_document.uri) else { return Ok(None) };
        let text = match self.state.doc(&path) {
            Some(doc) => doc.text,
            // Read off the event loop, as the CLI reads it: a FIFO or a
            // device is refused (E0103), a large file not read past 128 MiB.
            None => blocking(move || read_to_format(&path)).await?.map_err(invalid)?,
        };
        blocking(move || handlers::formatting(&text)).await
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        Ok(Some(handlers::code_actions(&params)))
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri.clone();
        let answer = self.with_snapshot(&params.text_document.uri, move |s, path| handlers::code_lenses(s, path, &uri));
        Ok(answer.await?.flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let answer = self.with_snapshot(&params.text_document.uri, |s, path| {
            let source = s.file(path)?;
            Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
                result_id: None,
                data: tokens::tokens(s, source),
            }))
        });
        Ok(answer.await?.flatten())
    }
}

/// A file on disk to format: its text, or the coded reason it cannot be.
fn read_to_format(path: &Path) -> std::result::Result<String, String> {
    let limit = cjo_project::MAX_FILE_SIZE;
    let unreadable = |e: cjo_project::ReadError| {
        let d = e.diagnostic(cjo_diagnostics::FileId(0), path, limit);
        format!("{}: {}", d.code, d.message)
    };
    let bytes = cjo_disk::read(path, limit).map_err(unreadable)?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not valid UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_a_handler_is_an_error_answer() {
        let answer = blocking(|| -> u8 { panic!("boom") }).await;
        let error = answer.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert_eq!(error.message, "internal error in cjoc: boom");
        assert_eq!(blocking(|| 7).await.unwrap(), 7);
    }
}
