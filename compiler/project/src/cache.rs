//! What loading keeps from one load to the next, for a caller that loads
//! the same project again and again (the language server, on every
//! edit): each file's syntax tree and syntax diagnostics, keyed by
//! everything they are computed from (the file's id, which its spans
//! carry, and its text), so that an edit parses only the edited file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use cjo_diagnostics::{Diagnostic, FileId};
use cjo_syntax::ast;

use crate::workspace::SourceFile;

/// The parse of one file: its tree, and what the parser and the
/// structural checks reported.
#[derive(Clone, Debug)]
pub(crate) struct Parsed {
    pub(crate) ast: Arc<ast::File>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Parses and checks `f`'s text.
    pub(crate) fn new(f: &SourceFile) -> Parsed {
        let parse = cjo_syntax::parse(f.id, &f.text);
        let mut diagnostics = cjo_syntax::validate(f.id, &parse);
        let mut syntax = parse.diagnostics;
        syntax.append(&mut diagnostics);
        Parsed { ast: Arc::new(parse.file), diagnostics: syntax }
    }
}

/// Each file's parse from the last load, by path. Bounded: a load keeps
/// only the files it read, so a deleted file's entry goes with it.
#[derive(Debug, Default)]
pub struct ParseCache {
    entries: BTreeMap<PathBuf, Entry>,
    /// Files parsed by the last load (the others came from the cache).
    parsed: usize,
}

#[derive(Debug)]
struct Entry {
    id: FileId,
    text: String,
    parsed: Parsed,
}

impl ParseCache {
    /// The parse of `f` kept from an earlier load, when its id and text
    /// are the same.
    pub(crate) fn get(&self, f: &SourceFile) -> Option<&Parsed> {
        self.entries.get(&f.path).filter(|e| e.id == f.id && e.text == f.text).map(|e| &e.parsed)
    }

    /// Keeps exactly the parses of the last load.
    pub(crate) fn replace<'a>(&mut self, parses: impl Iterator<Item = (&'a SourceFile, &'a Parsed)>) {
        let mut old = std::mem::take(&mut self.entries);
        self.parsed = 0;
        for (f, p) in parses {
            let entry = match old.remove(&f.path) {
                // Unchanged: the text is already there.
                Some(e) if e.id == f.id && e.text == f.text => e,
                _ => {
                    self.parsed += 1;
                    Entry { id: f.id, text: f.text.clone(), parsed: p.clone() }
                }
            };
            self.entries.insert(f.path.clone(), entry);
        }
    }

    /// How many files the last load parsed (rather than found here).
    pub fn parsed_last(&self) -> usize {
        self.parsed
    }

    /// How many files' parses are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
