//! Requests answered from a snapshot: each converts the position, asks
//! `cjo_semantic::ide`, and converts the answer back. They run on a
//! blocking thread (see `server`), never on the event loop.

use std::collections::HashMap;
use std::path::Path;

use cjo_semantic::ide::{self, CompletionKind, OutlineKind, Target};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::project::Snapshot;

/// The file and byte offset of a position, when the file is in the
/// snapshot.
fn place(snap: &Snapshot, path: &Path, pos: lsp::Position) -> Option<(cjo_diagnostics::FileId, u32)> {
    let file = snap.file(path)?;
    Some((file.id, convert::offset(file, pos)))
}

pub fn hover(snap: &Snapshot, path: &Path, pos: lsp::Position) -> Option<lsp::Hover> {
    let (file, offset) = place(snap, path, pos)?;
    let h = ide::hover(&snap.ws, &snap.analysis, &snap.index, file, offset)?;
    let source = snap.ws.file(file)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: h.markdown }),
        range: Some(convert::range(source, h.range)),
    })
}

pub fn definition(snap: &Snapshot, path: &Path, pos: lsp::Position) -> Option<lsp::GotoDefinitionResponse> {
    let (file, offset) = place(snap, path, pos)?;
    let o = snap.index.at(file, offset)?;
    let span = snap.index.definition(&o.target, &snap.analysis)?;
    convert::location(&snap.ws, span).map(lsp::GotoDefinitionResponse::Scalar)
}

pub fn references(snap: &Snapshot, path: &Path, pos: lsp::Position, declaration: bool) -> Option<Vec<lsp::Location>> {
    let (file, offset) = place(snap, path, pos)?;
    let target = snap.index.at(file, offset)?.target.clone();
    let list = snap
        .index
        .references(&target)
        .filter(|o| declaration || !o.def)
        .filter_map(|o| convert::location(&snap.ws, o.span))
        .collect();
    Some(list)
}

pub fn document_highlight(snap: &Snapshot, path: &Path, pos: lsp::Position) -> Option<Vec<lsp::DocumentHighlight>> {
    let (file, offset) = place(snap, path, pos)?;
    let target = snap.index.at(file, offset)?.target.clone();
    let source = snap.ws.file(file)?;
    let list = snap
        .index
        .in_file(file)
        .iter()
        .filter(|o| o.target == target)
        .map(|o| lsp::DocumentHighlight {
            range: convert::range(source, o.span.range),
            kind: Some(if o.def { lsp::DocumentHighlightKind::WRITE } else { lsp::DocumentHighlightKind::READ }),
        })
        .collect();
    Some(list)
}

pub fn prepare_rename(
    snap: &Snapshot,
    path: &Path,
    pos: lsp::Position,
) -> Result<Option<lsp::PrepareRenameResponse>, String> {
    let Some((file, offset)) = place(snap, path, pos) else { return Ok(None) };
    let source = snap.ws.file(file).ok_or("the file is not in the project")?;
    match ide::prepare_rename(&snap.ws, &snap.analysis, &snap.index, file, offset) {
        Ok((range, placeholder)) => Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: convert::range(source, range),
            placeholder,
        })),
        Err(ide::RenameError::NothingHere) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

pub fn rename(
    snap: &Snapshot,
    path: &Path,
    pos: lsp::Position,
    new_name: &str,
) -> Result<Option<lsp::WorkspaceEdit>, String> {
    let Some((file, offset)) = place(snap, path, pos) else { return Ok(None) };
    let edits =
        ide::rename(&snap.ws, &snap.analysis, &snap.index, file, offset, new_name).map_err(|e| e.to_string())?;
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (span, text) in edits {
        let Some(location) = convert::location(&snap.ws, span) else { continue };
        changes.entry(location.uri).or_default().push(lsp::TextEdit { range: location.range, new_text: text });
    }
    Ok(Some(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }))
}

pub fn completion(snap: &Snapshot, path: &Path, pos: lsp::Position) -> Option<lsp::CompletionResponse> {
    let (file, offset) = place(snap, path, pos)?;
    let items = ide::completions(&snap.ws, &snap.analysis, file, offset)
        .into_iter()
        .enumerate()
        .map(|(i, c)| lsp::CompletionItem {
            label: c.label.clone(),
            kind: Some(match c.kind {
                CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
                CompletionKind::Source => lsp::CompletionItemKind::STRUCT,
                CompletionKind::Model | CompletionKind::Cte => lsp::CompletionItemKind::CLASS,
                CompletionKind::Column => lsp::CompletionItemKind::FIELD,
                CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
                CompletionKind::Journey => lsp::CompletionItemKind::MODULE,
                CompletionKind::Stage => lsp::CompletionItemKind::ENUM,
                CompletionKind::Step => lsp::CompletionItemKind::ENUM_MEMBER,
                CompletionKind::Param => lsp::CompletionItemKind::VARIABLE,
            }),
            detail: c.detail,
            documentation: c.documentation.map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: d })
            }),
            insert_text_format: c.snippet.as_ref().map(|_| lsp::InsertTextFormat::SNIPPET),
            insert_text: c.snippet,
            // Keep the order the analysis chose (columns before functions
            // before keywords) where the client sorts by this text.
            sort_text: Some(format!("{i:05}")),
            ..lsp::CompletionItem::default()
        })
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

fn symbol_kind(kind: OutlineKind) -> lsp::SymbolKind {
    match kind {
        OutlineKind::Source => lsp::SymbolKind::STRUCT,
        OutlineKind::Model => lsp::SymbolKind::CLASS,
        OutlineKind::Check => lsp::SymbolKind::EVENT,
        OutlineKind::Journey => lsp::SymbolKind::MODULE,
        OutlineKind::Pipeline => lsp::SymbolKind::PACKAGE,
        OutlineKind::Function => lsp::SymbolKind::FUNCTION,
        OutlineKind::Column => lsp::SymbolKind::FIELD,
        OutlineKind::Param => lsp::SymbolKind::VARIABLE,
        OutlineKind::Stage => lsp::SymbolKind::NAMESPACE,
        OutlineKind::Step => lsp::SymbolKind::ENUM_MEMBER,
        OutlineKind::Criterion => lsp::SymbolKind::BOOLEAN,
    }
}

pub fn document_symbols(snap: &Snapshot, path: &Path) -> Option<lsp::DocumentSymbolResponse> {
    let source = snap.file(path)?;
    fn convert(source: &cjo_project::SourceFile, o: ide::Outline) -> lsp::DocumentSymbol {
        #[allow(deprecated)] // `deprecated` is a required field of the type
        lsp::DocumentSymbol {
            name: o.name,
            detail: o.detail,
            kind: symbol_kind(o.kind),
            tags: None,
            deprecated: None,
            range: convert::range(source, o.range),
            selection_range: convert::range(source, o.selection),
            children: Some(o.children.into_iter().map(|c| convert(source, c)).collect()),
        }
    }
    let list = ide::outline(&snap.ws, &snap.analysis, source.id).into_iter().map(|o| convert(source, o)).collect();
    Some(lsp::DocumentSymbolResponse::Nested(list))
}

/// Every declaration (and stage, step, column) of the projects whose name
/// holds the query's characters in order, case-insensitively.
pub fn workspace_symbols(snaps: &[std::sync::Arc<Snapshot>], query: &str) -> Vec<lsp::SymbolInformation> {
    let query = query.to_ascii_lowercase();
    let matches = |name: &str| {
        let mut chars = name.chars().map(|c| c.to_ascii_lowercase());
        query.chars().all(|q| chars.any(|c| c == q))
    };
    let mut out = Vec::new();
    for snap in snaps {
        for module in snap.ws.user_modules() {
            let Some(source) = snap.ws.file(module.file) else { continue };
            let Some(uri) = convert::uri(&source.path) else { continue };
            let mut todo: Vec<(ide::Outline, Option<String>)> =
                ide::outline(&snap.ws, &snap.analysis, module.file).into_iter().map(|o| (o, None)).collect();
            while let Some((o, container)) = todo.pop() {
                let name = o.name.clone();
                todo.extend(o.children.into_iter().map(|c| (c, Some(name.clone()))));
                if o.kind == OutlineKind::Criterion || !matches(&o.name) {
                    continue;
                }
                #[allow(deprecated)] // `deprecated` is a required field of the type
                out.push(lsp::SymbolInformation {
                    name: o.name,
                    kind: symbol_kind(o.kind),
                    tags: None,
                    deprecated: None,
                    location: lsp::Location { uri: uri.clone(), range: convert::range(source, o.selection) },
                    container_name: container,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.name.len(), &a.name).cmp(&(b.name.len(), &b.name)));
    out.truncate(1_000);
    out
}

/// "Show compiled SQL" above every model of the file.
pub fn code_lenses(snap: &Snapshot, path: &Path, uri: &Uri) -> Option<Vec<lsp::CodeLens>> {
    let source = snap.file(path)?;
    let module = snap.ws.modules.iter().find(|m| m.file == source.id)?;
    let lenses = module
        .ast
        .items
        .iter()
        .filter_map(|i| match i {
            cjo_syntax::ast::Item::Model(m) if !m.name.text.is_empty() => Some(lsp::CodeLens {
                range: convert::range(source, m.name.range),
                command: Some(lsp::Command {
                    title: "Show compiled SQL".to_string(),
                    command: crate::SHOW_COMPILED_SQL.to_string(),
                    arguments: Some(vec![serde_json::json!(uri.as_str()), serde_json::json!(m.name.text)]),
                }),
                data: None,
            }),
            _ => None,
        })
        .collect();
    Some(lenses)
}

/// Quick fixes: each diagnostic that suggests a name ("did you mean
/// `amount`?") offers to write it in place of the wrong one.
pub fn code_actions(params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in &params.context.diagnostics {
        let Some(name) = d.data.as_ref().and_then(|v| v.get("replacement")).and_then(|v| v.as_str()) else { continue };
        let edit = lsp::TextEdit { range: d.range, new_text: name.to_string() };
        let changes = HashMap::from([(params.text_document.uri.clone(), vec![edit])]);
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Replace with `{name}`"),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }),
            is_preferred: Some(true),
            ..lsp::CodeAction::default()
        }));
    }
    out
}

/// The whole document formatted by `cjoc fmt`'s engine, as one edit; no
/// edit when it is formatted already or does not parse.
pub fn formatting(text: &str) -> Option<Vec<lsp::TextEdit>> {
    let formatted = cjo_fmt::format(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    let index = cjo_diagnostics::LineIndex::new(text);
    let end = index.line_col_utf16(text, u32::try_from(text.len()).unwrap_or(u32::MAX));
    let range = lsp::Range {
        start: lsp::Position { line: 0, character: 0 },
        end: lsp::Position { line: end.line, character: end.col },
    };
    Some(vec![lsp::TextEdit { range, new_text: formatted }])
}

/// What a target is called in messages.
pub fn describe_target(target: &Target) -> String {
    match target {
        Target::Relation(n) => format!("relation `{n}`"),
        Target::Column { relation, column } => format!("column `{relation}.{column}`"),
        Target::Function(n) => format!("function `{n}`"),
        Target::Journey(n) => format!("journey `{n}`"),
        Target::Pipeline(n) => format!("pipeline `{n}`"),
        Target::Stage { journey, stage } => format!("stage `{journey}.{stage}`"),
        Target::Step { journey, stage, step } => format!("step `{journey}.{stage}.{step}`"),
        Target::Param { model, param } => format!("parameter `${param}` of `{model}`"),
        Target::Cte { name, .. } => format!("CTE `{name}`"),
    }
}
