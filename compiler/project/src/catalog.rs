//! The project's warehouse catalog: the tables of every file matched by
//! `catalog.paths` in `cjo.toml`, read with [`cjo_catalog::import`], and
//! looked up by the table string of a `source` (`"crm.customers"`).

mod files;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

pub use cjo_catalog::{Column, Table, Type};
use cjo_diagnostics::{CATALOG_TABLE_NAME, Diagnostic};

use crate::config::Config;
use crate::fs::FileSystem;
use crate::loader::Loader;
use crate::workspace::FileKind;

/// The warehouse tables known to a project, in the order they were read
/// (catalog files sorted by path, then each file's own order). No two have
/// the same name: a table defined again is reported and left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    tables: Vec<Table>,
    /// Each table's lower-cased `(schema, name)`, and the indices in
    /// `tables` of the tables so named (several only when their catalogs
    /// differ).
    by_name: BTreeMap<(String, String), Vec<usize>>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every table, in the order they were read.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The number of tables.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether the catalog holds no table.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The table a `source` names, without regard to case: `"schema.table"`
    /// matches a table's schema and name whatever its catalog (the first
    /// read, when several catalogs have it); `"catalog.schema.table"`
    /// matches a table of that catalog, or else one whose export did not
    /// name its catalog (a BigQuery file named `dataset.table.json`).
    pub fn find(&self, qualified: &str) -> Option<&Table> {
        let (catalog, schema, name) = split(qualified)?;
        let mut tables = self.named(schema, name);
        match catalog {
            None => tables.next(),
            Some(catalog) => {
                let mut without_catalog = None;
                for t in tables {
                    match &t.catalog {
                        Some(c) if same(c, catalog) => return Some(t),
                        None if without_catalog.is_none() => without_catalog = Some(t),
                        _ => {}
                    }
                }
                without_catalog
            }
        }
    }

    /// The name of the table closest to `qualified`, written as `qualified`
    /// is (`schema.table` or `catalog.schema.table`), when one is close
    /// enough to be a likely typo. A bare table name suggests the
    /// `schema.table` of a table so named.
    pub fn nearest(&self, qualified: &str) -> Option<String> {
        let parts: Vec<&str> = qualified.split('.').collect();
        let written = |t: &Table| match parts.as_slice() {
            [_] => t.name.clone(),
            [_, _] => format!("{}.{}", t.schema, t.name),
            [catalog, _, _] => format!("{}.{}.{}", t.catalog.as_deref().unwrap_or(catalog), t.schema, t.name),
            _ => t.qualified_name.clone(),
        };
        let candidates: Vec<(String, &Table)> = self.tables.iter().map(|t| (written(t), t)).collect();
        let exact_name = (parts.len() == 1).then(|| candidates.iter().find(|(c, _)| same(c, qualified))).flatten();
        let (_, table) = match exact_name {
            Some(found) => found,
            None => {
                let best = cjo_diagnostics::nearest(qualified, candidates.iter().map(|(c, _)| c.as_str()))?;
                candidates.iter().find(|(c, _)| c == best)?
            }
        };
        Some(if parts.len() == 1 { format!("{}.{}", table.schema, table.name) } else { written(table) })
    }

    /// `Some("did you mean `crm.customers`?")` when a table's name is close
    /// to `qualified`.
    pub fn did_you_mean(&self, qualified: &str) -> Option<String> {
        self.nearest(qualified).map(|name| format!("did you mean `{name}`?"))
    }

    /// Adds a table. A table with the same qualified name as one already
    /// added (without regard to case) is left out, and the diagnostic
    /// reporting it is returned.
    pub fn insert(&mut self, table: Table) -> Option<Diagnostic> {
        let key = (table.schema.to_lowercase(), table.name.to_lowercase());
        let same_catalog = |first: &&Table| match (&first.catalog, &table.catalog) {
            (Some(a), Some(b)) => same(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        if let Some(first) = self.named(&table.schema, &table.name).find(same_catalog) {
            return Some(duplicate(&table, first));
        }
        self.by_name.entry(key).or_default().push(self.tables.len());
        self.tables.push(table);
        None
    }

    /// The tables with this schema and name, whatever their catalog.
    fn named(&self, schema: &str, name: &str) -> impl Iterator<Item = &Table> {
        let key = (schema.to_lowercase(), name.to_lowercase());
        self.by_name.get(&key).into_iter().flatten().filter_map(|&i| self.tables.get(i))
    }
}

/// Reads every catalog file of the project (see [`files::find`]) into a
/// [`Catalog`], adding each file to `loader` and every problem to its
/// diagnostics.
pub(crate) fn load(fs: &dyn FileSystem, root: &Path, config: &Config, loader: &mut Loader) -> Catalog {
    let mut catalog = Catalog::new();
    for rel in files::find(fs, root, config, &mut loader.diagnostics, &mut loader.budget) {
        let Some(id) = loader.read(fs, root.join(&rel), FileKind::Catalog) else { continue };
        let (tables, diagnostics) = cjo_catalog::import(id, &rel, loader.text(id));
        loader.diagnostics.extend(diagnostics);
        loader.diagnostics.extend(tables.into_iter().filter_map(|t| catalog.insert(t)));
    }
    catalog
}

/// `schema.table` or `catalog.schema.table`, split.
fn split(qualified: &str) -> Option<(Option<&str>, &str, &str)> {
    let parts: Vec<&str> = qualified.split('.').collect();
    match parts.as_slice() {
        [schema, name] => Some((None, schema, name)),
        [catalog, schema, name] => Some((Some(catalog), schema, name)),
        _ => None,
    }
}

/// Whether two names are the same without regard to case.
fn same(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

fn duplicate(again: &Table, first: &Table) -> Diagnostic {
    Diagnostic::error(
        CATALOG_TABLE_NAME,
        again.span,
        format!("the table `{}` is defined twice in the catalog", again.qualified_name),
    )
    .with_label("defined again here")
    .with_secondary(first.span, "first defined here")
    .with_help("export each table once and delete the other file (or rows); the first definition is used")
}
