//! Rendering diagnostics: ariadne for people, JSON for tools.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use ariadne::{Config, IndexType, Label, Report, ReportKind};
use cjo_diagnostics::{Diagnostic, Severity};
use serde_json::json;

use crate::ColorChoice;

/// What a diagnostic needs to be shown: a path and the text of each file.
pub trait Sources {
    fn path(&self, file: cjo_diagnostics::FileId) -> String;
    fn text(&self, file: cjo_diagnostics::FileId) -> &str;
}

impl Sources for cjo_project::Workspace {
    fn path(&self, file: cjo_diagnostics::FileId) -> String {
        self.file(file).map(|f| f.path.display().to_string()).unwrap_or_default()
    }

    fn text(&self, file: cjo_diagnostics::FileId) -> &str {
        self.file(file).map_or("", |f| f.text.as_str())
    }
}

/// One file outside any project (a file given to `cjoc fmt`, standard
/// input), as its diagnostics name it.
pub struct OneFile<'a> {
    pub path: &'a std::path::Path,
    pub text: &'a str,
}

impl Sources for OneFile<'_> {
    fn path(&self, _: cjo_diagnostics::FileId) -> String {
        self.path.display().to_string()
    }

    fn text(&self, _: cjo_diagnostics::FileId) -> &str {
        self.text
    }
}

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
        }
    }
}

/// How many diagnostics a report shows when `--error-limit` is not given:
/// enough to fix a file by, few enough that a file of garbage (one error
/// every few bytes) is not a report of megabytes (clang stops at 20).
pub const DEFAULT_LIMIT: usize = 50;

static LIMIT: OnceLock<Option<usize>> = OnceLock::new();

/// Sets `--error-limit` for this process (0: no limit); once, at start.
pub fn set_limit(limit: usize) {
    let _ = LIMIT.set((limit > 0).then_some(limit));
}

fn limit() -> Option<usize> {
    *LIMIT.get_or_init(|| Some(DEFAULT_LIMIT))
}

/// Writes diagnostics as ariadne reports: the first `--error-limit` of
/// them, then how many more there are. Each file's text is indexed once
/// for the whole report, so a report is linear in the files and the
/// diagnostics shown.
pub fn human(
    out: &mut impl Write,
    sources: &impl Sources,
    diagnostics: &[Diagnostic],
    color: bool,
) -> std::io::Result<()> {
    // `out` is standard error, locked by the caller, mostly: the progress
    // line goes before the report (and the summary written after it under
    // the same lock) and stays away until the lock is let go.
    crate::progress::clear();
    let shown = limit().map_or(diagnostics, |n| diagnostics.get(..n).unwrap_or(diagnostics));
    let mut files: Vec<_> = shown.iter().flat_map(|d| d.labels.iter().map(|l| l.span.file)).collect();
    files.sort();
    files.dedup();
    let mut cache = ariadne::sources(files.into_iter().map(|f| (sources.path(f), sources.text(f))));
    for d in shown {
        let primary = d.span();
        let id = |f| sources.path(f);
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let mut report = Report::build(kind, (id(primary.file), primary.range.as_usize()))
            .with_config(Config::default().with_color(color).with_index_type(IndexType::Byte))
            .with_code(d.code.id)
            .with_message(&d.message);
        for l in &d.labels {
            // ariadne underlines only labels with text: a bare primary label
            // repeats the message.
            let text = if l.message.is_empty() && l.primary { &d.message } else { &l.message };
            let mut label = Label::new((id(l.span.file), l.span.range.as_usize()));
            if !text.is_empty() {
                label = label.with_message(text);
            }
            if l.primary {
                label = label.with_priority(1).with_color(if d.is_error() {
                    ariadne::Color::Red
                } else {
                    ariadne::Color::Yellow
                });
            } else {
                label = label.with_color(ariadne::Color::Blue);
            }
            report = report.with_label(label);
        }
        if let Some(h) = &d.help {
            report = report.with_help(h);
        }
        for n in &d.notes {
            report = report.with_note(n);
        }
        report.finish().write(&mut cache, &mut *out)?;
    }
    let hidden = diagnostics.len() - shown.len();
    if hidden > 0 {
        writeln!(out, "… and {hidden} more not shown (`--error-limit 0` shows them all)")?;
    }
    Ok(())
}

/// One JSON object per diagnostic, every one of them (tools want them
/// all; the limit is for people): 1-based lines and columns (columns count
/// Unicode characters), the end exclusive. Each file is indexed once.
pub fn json_value(sources: &impl Sources, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let mut indexes: std::collections::BTreeMap<cjo_diagnostics::FileId, cjo_diagnostics::LineIndex> =
        std::collections::BTreeMap::new();
    let mut position = |span: cjo_diagnostics::Span| {
        let text = sources.text(span.file);
        let index = indexes.entry(span.file).or_insert_with(|| cjo_diagnostics::LineIndex::new(text));
        (index.line_col(text, span.range.start), index.line_col(text, span.range.end))
    };
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let span = d.span();
            let (start, end) = position(span);
            let labels: Vec<_> = d
                .labels
                .iter()
                .map(|l| {
                    let (s, e) = position(l.span);
                    json!({
                        "file": sources.path(l.span.file),
                        "line": s.line + 1, "column": s.col + 1,
                        "end_line": e.line + 1, "end_column": e.col + 1,
                        "message": l.message, "primary": l.primary,
                    })
                })
                .collect();
            json!({
                "file": sources.path(span.file),
                "line": start.line + 1,
                "column": start.col + 1,
                "end_line": end.line + 1,
                "end_column": end.col + 1,
                "code": d.code.id,
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "notes": d.notes,
                "labels": labels,
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

/// "3 errors, 1 warning".
pub fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
