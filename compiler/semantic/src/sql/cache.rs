//! SQL bodies parsed by an earlier analysis, for a caller that analyses
//! the same project again and again (the language server, on every edit):
//! sqlparser is the slowest stage, and an edit changes one body.

use std::collections::HashMap;
use std::sync::Arc;

use sqlparser::ast::Query;
use sqlparser::tokenizer::Span as SqlSpan;

/// A body's parse, keyed by all it depends on: the dialect it is parsed
/// in and its text. Positions are sqlparser's, relative to the body, so a
/// body moved within its file (or to another file) still hits.
///
/// A hash map: it is only looked up, never iterated into output.
#[derive(Debug, Default)]
pub struct SqlCache {
    entries: HashMap<Key, Entry>,
    /// The bodies this analysis used: what the cache keeps after it.
    next: HashMap<Key, Entry>,
    parsed: usize,
    /// Models' checks, kept while what they read stays as it was.
    pub(crate) checks: crate::memo::Checks,
}

/// The dialect (lowercase, as written) and the body's text.
type Key = (Option<String>, String);

/// A body that parsed as one query, with no diagnostic (bodies with a
/// syntax error are parsed again: they are few, and their diagnostics
/// carry file positions).
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub query: Arc<Query>,
    /// The tables it reads, with sqlparser's positions.
    pub tables: Vec<(String, SqlSpan)>,
}

impl SqlCache {
    /// The parse of a body with this dialect and text, if an earlier
    /// analysis (or this one) made it.
    pub(crate) fn get(&mut self, dialect: Option<&str>, text: &str) -> Option<Entry> {
        let key = (dialect.map(str::to_string), text.to_string());
        if let Some(e) = self.next.get(&key) {
            return Some(e.clone());
        }
        let e = self.entries.remove(&key)?;
        self.next.insert(key, e.clone());
        Some(e)
    }

    pub(crate) fn insert(&mut self, dialect: Option<&str>, text: &str, entry: Entry) {
        self.parsed += 1;
        self.next.insert((dialect.map(str::to_string), text.to_string()), entry);
    }

    /// Starts an analysis: what the last one did not use is dropped at
    /// its end.
    pub(crate) fn begin(&mut self) {
        self.entries.extend(self.next.drain());
        self.parsed = 0;
    }

    /// Ends an analysis: a complete one keeps only the bodies it used, an
    /// interrupted one everything.
    pub(crate) fn end(&mut self, complete: bool) {
        self.checks.end(complete);
        if complete {
            self.entries = std::mem::take(&mut self.next);
        } else {
            self.entries.extend(self.next.drain());
        }
    }

    /// How many models the last analysis checked (rather than found here).
    pub fn checked_last(&self) -> usize {
        self.checks.checked_last()
    }

    /// How many bodies the last analysis parsed (rather than found here).
    pub fn parsed_last(&self) -> usize {
        self.parsed
    }

    /// How many bodies' parses are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
