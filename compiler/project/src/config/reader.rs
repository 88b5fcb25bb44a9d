//! Reading spanned TOML values, with one diagnostic constructor per kind of
//! problem. Every reader method reports what is wrong and returns `None`, so
//! the caller falls back to a default and carries on to the next key.

use std::ops::Range;

use cjo_diagnostics::{
    CONFIG_INVALID_VALUE, CONFIG_MALFORMED_REFERENCE, CONFIG_MISSING_KEY, CONFIG_UNKNOWN_KEY, CONFIG_UNSET_VARIABLE,
    Diagnostic, FileId, Span, TextRange, did_you_mean,
};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::interpolate::{self, Piece, Variables};

/// A key of a TOML table with its span.
pub(super) type Key<'i> = Spanned<DeString<'i>>;
/// A TOML value with its span.
pub(super) type Value<'i> = Spanned<DeValue<'i>>;

pub(super) fn range(r: Range<usize>) -> TextRange {
    TextRange::from_usize(r)
}

/// A table being validated.
#[derive(Clone, Copy, Debug)]
pub(super) struct Table<'a, 'i> {
    /// Its dotted name, e.g. `targets.bigquery`; empty for the document.
    pub(super) path: &'a str,
    /// The header of a `[table]`, the `{ … }` of an inline table, or the key
    /// of a table made implicitly by a dotted key.
    pub(super) span: TextRange,
    pub(super) entries: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// The entries with their keys as plain strings.
    pub(super) fn iter(self) -> impl Iterator<Item = (&'a str, &'a Key<'i>, &'a Value<'i>)> {
        self.entries.iter().map(|(k, v)| (k.get_ref().as_ref(), k, v))
    }

    /// How the table is named in messages.
    pub(super) fn display(self) -> String {
        if self.path.is_empty() { "cjo.toml".to_owned() } else { format!("[{}]", self.path) }
    }

    /// Where a key of this table is, in messages: "in [project]".
    pub(super) fn location(self) -> String {
        if self.path.is_empty() { "at the top level of cjo.toml".to_owned() } else { format!("in [{}]", self.path) }
    }

    /// The dotted name of `key` within this table.
    pub(super) fn key_path(self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }
}

/// Collects diagnostics while the schema is walked.
#[derive(Debug)]
pub(super) struct Reader<'t> {
    file: FileId,
    text: &'t str,
    diags: Vec<Diagnostic>,
    /// The variables `${env:…}` reads; `None` while an environment that is
    /// not being built is read, whose references are checked for their
    /// shape only (its variables need not be set in this shell).
    pub(super) vars: Option<&'t Variables>,
    /// While an environment is read: its prefix (`environments.dev.`) and
    /// the tables the top level already has, whose required keys the
    /// environment need not repeat.
    pub(super) overlay: Option<(String, Vec<String>)>,
}

impl<'t> Reader<'t> {
    pub(super) fn new(file: FileId, text: &'t str, vars: &'t Variables) -> Self {
        Reader { file, text, diags: Vec::new(), vars: Some(vars), overlay: None }
    }

    /// How many diagnostics have been reported so far.
    pub(super) fn reported(&self) -> usize {
        self.diags.len()
    }

    /// Drops the diagnostics reported since `since` that `quiet` says were
    /// reported already.
    pub(super) fn drop_since(&mut self, since: usize, quiet: impl Fn(&Diagnostic) -> bool) {
        let mut index = 0;
        self.diags.retain(|d| {
            index += 1;
            index <= since || !quiet(d)
        });
    }

    /// The source text of `value` as written in the file (with its quotes).
    pub(super) fn raw(&self, value: &Value<'_>) -> &'t str {
        range(value.span()).slice(self.text)
    }

    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags
    }

    pub(super) fn span(&self, range: TextRange) -> Span {
        Span::new(self.file, range)
    }

    pub(super) fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// `key` is not one of `valid` in `table`: E0111 at the key, with `hint`
    /// as help if given, else the nearest valid key, else the list of them.
    pub(super) fn unknown_key(
        &mut self,
        table: Table<'_, '_>,
        key: &Key<'_>,
        value: &Value<'_>,
        valid: &[&str],
        hint: Option<String>,
    ) {
        let name: &str = key.get_ref();
        let what = if value.get_ref().is_table() { "table" } else { "key" };
        let suggestion = hint.or_else(|| did_you_mean(name, valid.iter().copied()));
        let help = suggestion.unwrap_or_else(|| match valid {
            [] => format!("{} takes no keys yet; leave it empty", table.display()),
            _ => format!("the valid keys {} are {}", table.location(), list(valid)),
        });
        let diag = Diagnostic::error(
            CONFIG_UNKNOWN_KEY,
            self.span(range(key.span())),
            format!("unknown {what} `{name}` {}", table.location()),
        )
        .with_label(format!("not a valid {what} here"))
        .with_help(help);
        self.push(diag);
    }

    /// E0112: `value` (at `key_path`) has the wrong type.
    pub(super) fn wrong_type(&mut self, key_path: &str, value: &Value<'_>, expected: &str) {
        let found = with_article(value.get_ref().type_str());
        let diag = Diagnostic::error(
            CONFIG_INVALID_VALUE,
            self.span(range(value.span())),
            format!("`{key_path}` must be {expected}, found {found}"),
        )
        .with_label(format!("expected {expected}"));
        self.push(diag);
    }

    /// E0112: `value` has the right type but is not allowed.
    pub(super) fn invalid(&mut self, value: &Value<'_>, message: String, label: &str, help: Option<String>) {
        let diag = Diagnostic::error(CONFIG_INVALID_VALUE, self.span(range(value.span())), message)
            .with_label(label)
            .with_help_opt(help);
        self.push(diag);
    }

    /// E0113: the required `key` is absent from `table`. `example` is a
    /// plausible value, shown in the help.
    pub(super) fn missing(&mut self, table: Table<'_, '_>, key: &str, example: &str) {
        let diag = Diagnostic::error(
            CONFIG_MISSING_KEY,
            self.span(table.span),
            format!("{} is missing the required key `{key}`", table.display()),
        )
        .with_label(format!("`{key}` is required here"))
        .with_help(format!("add `{key} = {example}` to {}", table.display()));
        self.push(diag);
    }

    /// `value` as a table, or E0112.
    pub(super) fn table<'a, 'i>(&mut self, path: &'a str, value: &'a Value<'i>) -> Option<Table<'a, 'i>> {
        match value.get_ref() {
            DeValue::Table(entries) => Some(Table { path, span: range(value.span()), entries }),
            _ => {
                self.wrong_type(path, value, "a table");
                None
            }
        }
    }

    /// `value` as a string with its `${env:…}` references replaced, or
    /// E0112 (not a string), E0124 (an unset variable) or E0125 (a
    /// malformed reference). `None` too, silently, for a string with
    /// references while no variables are read (see [`Reader::vars`]).
    pub(super) fn string(&mut self, key_path: &str, value: &Value<'_>) -> Option<String> {
        let Some(s) = value.get_ref().as_str() else {
            self.wrong_type(key_path, value, "a string");
            return None;
        };
        if !interpolate::has_references(s) {
            return Some(s.to_owned());
        }
        let pieces = match interpolate::parse(s) {
            Ok(pieces) => pieces,
            Err(malformed) => {
                let at = self.within(value, s, malformed.at);
                let diag = Diagnostic::error(CONFIG_MALFORMED_REFERENCE, self.span(at), malformed.message)
                    .with_label("not `${env:NAME}` or `${env:NAME:-default}`")
                    .with_help("to write `${` literally, write `$${`");
                self.push(diag);
                return None;
            }
        };
        let vars = self.vars?;
        let mut out = String::with_capacity(s.len());
        let mut complete = true;
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Var { name, default, at } => match interpolate::lookup(vars, name, default) {
                    Some(text) => out.push_str(text),
                    None => {
                        complete = false;
                        let at = self.within(value, s, at);
                        let diag = Diagnostic::error(
                            CONFIG_UNSET_VARIABLE,
                            self.span(at),
                            format!("the environment variable `{name}` is not set (read by `{key_path}`)"),
                        )
                        .with_label("unset, with no default")
                        .with_help(format!(
                            "set `{name}` before running cjoc, or give a default: `${{env:{name}:-…}}`"
                        ));
                        self.push(diag);
                    }
                },
            }
        }
        complete.then_some(out)
    }

    /// The file range of the bytes `at` of the string `decoded` written as
    /// `value`: exact when the literal has no escapes, else the whole value.
    fn within(&self, value: &Value<'_>, decoded: &str, at: Range<usize>) -> TextRange {
        let span = value.span();
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
        let inner = raw.get(quote..raw.len().saturating_sub(quote)).unwrap_or_default();
        if inner == decoded { range(span.start + quote + at.start..span.start + quote + at.end) } else { range(span) }
    }

    /// `value` as a non-empty string, or E0112.
    pub(super) fn non_empty_string(&mut self, key_path: &str, value: &Value<'_>) -> Option<String> {
        let s = self.string(key_path, value)?;
        if s.trim().is_empty() {
            self.invalid(value, format!("`{key_path}` must not be empty"), "empty string", None);
            return None;
        }
        Some(s)
    }
}

/// "`a`, `b` and `c`".
pub(super) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "`a`, `b` or `c`".
pub(super) fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn with_article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
