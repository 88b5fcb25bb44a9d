//! The edge between byte offsets and the protocol: UTF-16 positions,
//! `file://` URIs, and diagnostics.

use std::path::{Path, PathBuf};

use cjo_diagnostics::{Diagnostic, LineCol, Severity, TextRange};
use cjo_project::{SourceFile, Workspace};
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// The path of a `file://` URI.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if !is_file {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The URI of an absolute path.
pub fn uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// The byte offset of a position, clamped to the text.
pub fn offset(file: &SourceFile, pos: lsp::Position) -> u32 {
    file.line_index.offset_utf16(&file.text, LineCol { line: pos.line, col: pos.character })
}

pub fn position(file: &SourceFile, offset: u32) -> lsp::Position {
    let lc = file.line_index.line_col_utf16(&file.text, offset);
    lsp::Position { line: lc.line, character: lc.col }
}

pub fn range(file: &SourceFile, range: TextRange) -> lsp::Range {
    lsp::Range { start: position(file, range.start), end: position(file, range.end) }
}

/// The location of a span in a workspace file.
pub fn location(ws: &Workspace, span: cjo_diagnostics::Span) -> Option<lsp::Location> {
    let file = ws.file(span.file)?;
    Some(lsp::Location { uri: uri(&file.path)?, range: range(file, span.range) })
}

/// A compiler diagnostic as the protocol's: the primary label's range,
/// the help and notes appended to the message, secondary labels as
/// related information, and a "did you mean" replacement in `data` for
/// the quick fix.
pub fn diagnostic(ws: &Workspace, d: &Diagnostic, docs_url: Option<&str>) -> Option<lsp::Diagnostic> {
    let span = d.span();
    let file = ws.file(span.file)?;
    let mut message = d.message.clone();
    if let Some(label) = d.labels.iter().find(|l| l.primary && !l.message.is_empty()) {
        message.push_str(&format!(" ({})", label.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            let location = location(ws, l.span)?;
            let message = if l.message.is_empty() { "related".to_string() } else { l.message.clone() };
            Some(lsp::DiagnosticRelatedInformation { location, message })
        })
        .collect();
    let code_description = docs_url
        .and_then(|base| format!("{}/{}.md", base.trim_end_matches('/'), d.code.id).parse::<Uri>().ok())
        .map(|href| lsp::CodeDescription { href });
    let written = file.text.get(span.range.start as usize..span.range.end as usize).unwrap_or("");
    let data = d
        .help
        .as_deref()
        .and_then(suggestion)
        .and_then(|s| replacement(written, &s))
        .map(|s| serde_json::json!({ "replacement": s }));
    Some(lsp::Diagnostic {
        range: range(file, span.range),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.id.to_string())),
        code_description,
        source: Some("cjoc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data,
    })
}

/// The name a help text suggests: `did you mean `amount`?` gives `amount`.
pub fn suggestion(help: &str) -> Option<String> {
    let rest = help.split("did you mean `").nth(1)?;
    let name = rest.split('`').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// The text a suggestion writes in place of `written`, when it swaps one
/// name for another: the diagnostic's range holds a bare (possibly dotted)
/// name, or a quoted one (a `cjo.toml` value, which keeps its quotes), and
/// the suggestion is a name. Some helps suggest more than a name
/// (`[targets.x]` for a misplaced key): they get no quick fix.
fn replacement(written: &str, suggestion: &str) -> Option<String> {
    let quoted = written.len() >= 2 && written.starts_with('"') && written.ends_with('"');
    let inner = if quoted { written.get(1..written.len() - 1).unwrap_or("") } else { written };
    replaces(inner, suggestion).then(|| if quoted { format!("\"{suggestion}\"") } else { suggestion.to_string() })
}

fn replaces(written: &str, suggestion: &str) -> bool {
    let name = |t: &str| {
        !t.is_empty()
            && t.split('.').all(|part| {
                part.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    name(written) && name(suggestion) && written != suggestion
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_read_from_help() {
        assert_eq!(suggestion("did you mean `amount`?"), Some("amount".into()));
        assert_eq!(suggestion("qualify it"), None);
        assert_eq!(suggestion("did you mean ``?"), None);
    }

    #[test]
    fn only_names_are_swapped_for_names() {
        assert!(replaces("amout", "amount"));
        assert!(replaces("o.amout", "o.amount"));
        assert!(!replaces("\"bigqeury\"", "bigquery"));
        assert_eq!(
            replacement("\"bigqeury\"", "bigquery").as_deref(),
            Some("\"bigquery\""),
            "a TOML string keeps its quotes"
        );
        assert_eq!(replacement("amout", "amount").as_deref(), Some("amount"));
        assert!(!replaces("bigquery", "[targets.bigquery]"), "a table header is not a name");
        assert!(!replaces("", "amount"));
        assert!(!replaces("amount", "amount"));
    }

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/ç.cjo");
        let u = uri(p).unwrap();
        assert_eq!(path(&u).as_deref(), Some(p));
        assert_eq!(path(&"untitled:Untitled-1".parse().unwrap()), None);
    }
}
