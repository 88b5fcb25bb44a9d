//! Model checks kept between analyses, for a caller that analyses the same
//! project on every edit (the language server): a model is checked again
//! only when something its check read has changed.
//!
//! A check reads the model's declaration (compared whole, positions
//! included: its diagnostics and references carry them), its parameters'
//! types, the project's functions, and the relations its body names. Each
//! relation gets a revision, kept while the relation stays equal to the
//! one before and replaced when it changes; a check records the revision
//! of every relation it read, and holds as long as each is still current.
//! So an edit to a model's SQL that leaves its columns as they were checks
//! that model alone (an early cut-off, as in salsa and rust-analyzer), and
//! an edit that changes them checks the models that read it, and so on
//! downstream.
//!
//! A name that matched nothing is an error listing the nearest of all the
//! project's names: such a check depends on every name and is never kept.

use std::collections::BTreeMap;

use cjo_diagnostics::{Diagnostic, FileId};
use cjo_syntax::ast;

use crate::functions::Functions;
use crate::hints::Hints;
use crate::ide::Reference;
use crate::schema::Relation;
use crate::sql::{Env, TableLookup};
use crate::ty::Ty;

/// Checks of models, by lowercase name, with the revisions of relations.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    entries: BTreeMap<String, Entry>,
    /// Sources as the last analysis made them, with their revisions.
    sources: BTreeMap<String, (Relation, u64)>,
    /// The functions the entries were checked with.
    functions: Option<Functions>,
    /// This analysis' relations' revisions, as they are made.
    current: BTreeMap<String, u64>,
    last_revision: u64,
    /// Models checked (not found here) by the last analysis.
    checked: usize,
}

/// One model's check and what it read.
#[derive(Debug)]
struct Entry {
    file: FileId,
    model: ast::Model,
    params: Vec<(String, Ty)>,
    /// What the body looked up, with the revision of each relation found.
    lookups: Vec<(TableLookup, Option<u64>)>,
    relation: Relation,
    hints: Hints,
    diagnostics: Vec<Diagnostic>,
    references: Vec<Reference>,
    revision: u64,
}

/// What checking a model gives: its relation, with the hints its SQL's
/// emitters need, and what its body looked up.
pub(crate) type Checked = Option<(Relation, Hints, Vec<TableLookup>)>;

impl Checks {
    /// Starts an analysis with `functions`: checks made with other
    /// functions no longer hold.
    pub(crate) fn begin(&mut self, functions: &Functions) {
        if self.functions.as_ref() != Some(functions) {
            self.entries.clear();
            self.functions = Some(functions.clone());
        }
        self.current.clear();
        self.checked = 0;
    }

    /// Records this analysis' source `key`: its revision is kept when it is
    /// as it was.
    pub(crate) fn source(&mut self, key: &str, relation: &Relation) {
        let revision = match self.sources.get(key) {
            Some((before, revision)) if before == relation => *revision,
            _ => {
                let revision = self.new_revision();
                self.sources.insert(key.to_string(), (relation.clone(), revision));
                revision
            }
        };
        self.current.insert(key.to_string(), revision);
    }

    /// The check of model `key`: the kept one when it still holds (its
    /// diagnostics and references added to `out` and `refs`), else what
    /// `check` finds, kept for the next analysis.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn model(
        &mut self,
        key: &str,
        file: FileId,
        model: &ast::Model,
        params: &[(String, Ty)],
        env: &Env<'_>,
        out: &mut Vec<Diagnostic>,
        refs: &mut Vec<Reference>,
        check: impl FnOnce(&mut Vec<Diagnostic>, &mut Vec<Reference>) -> Checked,
    ) -> Option<(Relation, Hints)> {
        if let Some(e) = self.entries.get(key).filter(|e| self.holds(e, file, model, params, env)) {
            out.extend(e.diagnostics.iter().cloned());
            refs.extend(e.references.iter().cloned());
            self.current.insert(key.to_string(), e.revision);
            return Some((e.relation.clone(), e.hints.clone()));
        }
        self.checked += 1;
        let (diagnostics_before, references_before) = (out.len(), refs.len());
        let Some((relation, hints, lookups)) = check(out, refs) else {
            self.entries.remove(key);
            return None;
        };
        let revision = match self.entries.get(key) {
            Some(before) if before.relation == relation => before.revision,
            _ => self.new_revision(),
        };
        let lookups = lookups
            .into_iter()
            .map(|l| {
                let revision = match &l {
                    TableLookup::Found { key, .. } => self.current.get(key).copied(),
                    _ => None,
                };
                (l, revision)
            })
            .collect();
        let entry = Entry {
            file,
            model: model.clone(),
            params: params.to_vec(),
            lookups,
            relation: relation.clone(),
            hints: hints.clone(),
            diagnostics: out.get(diagnostics_before..).unwrap_or_default().to_vec(),
            references: refs.get(references_before..).unwrap_or_default().to_vec(),
            revision,
        };
        self.entries.insert(key.to_string(), entry);
        self.current.insert(key.to_string(), revision);
        Some((relation, hints))
    }

    /// Ends an analysis: a complete one drops the models it did not meet
    /// (removed, or no longer checkable); an interrupted one keeps all.
    pub(crate) fn end(&mut self, complete: bool) {
        if complete {
            let current = &self.current;
            self.entries.retain(|key, _| current.contains_key(key));
            self.sources.retain(|key, _| current.contains_key(key));
        }
    }

    /// How many models the last analysis checked (rather than found here).
    pub(crate) fn checked_last(&self) -> usize {
        self.checked
    }

    fn new_revision(&mut self) -> u64 {
        self.last_revision += 1;
        self.last_revision
    }

    /// Whether `e` is the check of `model` as it is now: the same
    /// declaration at the same place, the same parameters, and every name
    /// its body looked up still finding what it found.
    fn holds(&self, e: &Entry, file: FileId, model: &ast::Model, params: &[(String, Ty)], env: &Env<'_>) -> bool {
        let resolve = |name: &str| env.tables.get(name).map_or(name, String::as_str).to_string();
        e.file == file
            && e.model == *model
            && e.params == params
            && e.lookups.iter().all(|(lookup, revision)| match lookup {
                TableLookup::Found { name, key } => {
                    resolve(name) == *key && revision.is_some() && self.current.get(key) == revision.as_ref()
                }
                TableLookup::Columnless { name } => {
                    let key = resolve(name);
                    !env.relations.contains_key(&key) && env.known.contains(&key)
                }
                TableLookup::Unknown => false,
            })
    }
}
