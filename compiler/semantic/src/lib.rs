//! Names and types: resolves every reference of a loaded project and
//! type-checks it against the warehouse schemas.
//!
//! [`analyze`] never fails: it returns what it could work out (each
//! relation's columns with types, nullability, docs and lineage; the
//! dependency order) with the diagnostics found on the way. A name that
//! does not resolve is reported once and typed as unknown, so one mistake
//! does not cascade.
//!
//! SQL bodies are parsed once each (sqlparser is the slowest stage) and
//! models are analysed in dependency order, so a model sees the inferred
//! schema of every model it reads.

mod checks;
mod criteria;
mod describe;
mod functions;
mod graph;
mod hints;
pub mod ide;
mod journey_entry;
mod journey_graph;
mod journeys;
mod memo;
mod models;
mod native;
mod ops;
mod pipelines;
pub mod program;
mod schema;
pub mod schema_diff;
mod settings;
mod sources;
mod sql;
mod symbols;
mod ty;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cjo_diagnostics::{Diagnostic, FileId};
use cjo_project::{Dialect, Workspace};
use cjo_syntax::ast;

pub use describe::describe;
pub use functions::{Signature, omitted_last};
pub use hints::{Hint, Hints};
pub use ops::DateSide;
pub use program::{Materialized, Model, ModelParam, Strategy};
pub use schema::{ColumnRef, OutputColumn, Relation, RelationKind};
pub use schema_diff::{SourceDiff, schema_diff};
pub use sql::cache::SqlCache;
pub use sql::spans::BodyMap;
pub use sql::types::data_type as sql_data_type;
pub use ty::Ty;

use crate::graph::Graph;
use crate::symbols::Symbols;

/// What the names-and-types stage knows about a project.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Sources and models by lowercase name.
    pub relations: BTreeMap<String, Relation>,
    /// For each model and journey (lowercase), the sources and models it
    /// reads (lowercase), sorted.
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// Models and journeys, each after everything it reads.
    pub order: Vec<String>,
    /// Problems found, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    /// The catalog tables (`qualified_name`, lowercase) that some
    /// `source … from catalog` reads.
    pub catalog_tables_used: BTreeSet<String>,
    /// Each model's parsed and checked query (by lowercase name), for the
    /// SQL emitters: parsing is the slowest stage, so it happens once.
    pub queries: BTreeMap<String, CheckedQuery>,
    /// The models of the project's own files (by lowercase name), their
    /// settings read once: what lowering and the manifest read.
    pub models: BTreeMap<String, Model>,
    /// What the names in SQL bodies resolved to (tables, columns,
    /// functions), in the order the checker met them: the language
    /// server's index starts from these (see [`ide`]).
    pub references: Vec<ide::Reference>,
}

/// A model's SQL body as parsed, with what the checker found that the
/// emitters need.
#[derive(Debug)]
pub struct CheckedQuery {
    /// Shared with the [`SqlCache`] of [`analyze_incremental`].
    pub query: Arc<sqlparser::ast::Query>,
    pub hints: Hints,
}

impl Analysis {
    pub fn relation(&self, name: &str) -> Option<&Relation> {
        self.relations.get(&name.to_ascii_lowercase())
    }

    /// The source columns `relation.column` is ultimately computed from,
    /// following lineage through every model in between.
    pub fn source_lineage(&self, relation: &str, column: &str) -> BTreeSet<ColumnRef> {
        let mut result = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut todo = vec![ColumnRef { relation: relation.to_string(), column: column.to_string() }];
        while let Some(at) = todo.pop() {
            if !seen.insert(at.clone()) {
                continue;
            }
            let Some(col) = self.relation(&at.relation).and_then(|r| r.column(&at.column).map(|c| (r, c))) else {
                continue;
            };
            match col {
                (r, _) if !r.is_model() => {
                    result.insert(ColumnRef { relation: r.name.clone(), column: col.1.name.clone() });
                }
                (_, c) => todo.extend(c.lineage.iter().cloned()),
            }
        }
        result
    }
}

/// Resolves and type-checks every declaration of `ws`.
pub fn analyze(ws: &Workspace) -> Analysis {
    analyze_cached(ws, None, &|| false)
}

/// [`analyze`] for a caller that analyses the same project again and
/// again: a SQL body whose dialect and text `cache` already holds is not
/// parsed again, and `cache` is left holding this analysis' bodies. The
/// result equals [`analyze`]'s. Once `cancelled` answers true, the models
/// not yet parsed or checked are left out: the caller that cancelled
/// throws the analysis away.
pub fn analyze_incremental(ws: &Workspace, cache: &mut SqlCache, cancelled: &dyn Fn() -> bool) -> Analysis {
    cache.begin();
    let analysis = analyze_cached(ws, Some(&mut *cache), cancelled);
    // A cancelled analysis used only some bodies: the others' parses stay.
    cache.end(!cancelled());
    analysis
}

fn analyze_cached(ws: &Workspace, mut cache: Option<&mut SqlCache>, cancelled: &dyn Fn() -> bool) -> Analysis {
    let mut out = Vec::new();
    let symbols = Symbols::collect(ws, &mut out);
    if let Some(cache) = cache.as_deref_mut() {
        cache.checks.begin(&symbols.functions);
    }

    let mut relations = BTreeMap::new();
    let mut tables = BTreeMap::new();
    let mut known = BTreeSet::new();
    let mut catalog_tables_used = BTreeSet::new();
    let mut qualified = Vec::new();
    for (file, source) in symbols.sources() {
        let key = source.name.text.to_ascii_lowercase();
        tables.entry(source.table.value.to_ascii_lowercase()).or_insert_with(|| key.clone());
        qualified.push((source.table.value.split('.').map(str::to_string).collect::<Vec<_>>(), key.clone()));
        known.insert(key.clone());
        if source.from_catalog.is_some() {
            if let Some(table) = ws.catalog.find(&source.table.value) {
                catalog_tables_used.insert(table.qualified_name.to_ascii_lowercase());
            }
        }
        if source.from_catalog.is_none() {
            out.extend(schema_diff::diagnostics(ws, &schema_diff::compare(ws, file, source)));
        }
        if let Some(relation) = sources::relation(ws, file, source, &mut out) {
            if let Some(cache) = cache.as_deref_mut() {
                cache.checks.source(&key, &relation);
            }
            relations.insert(key, relation);
        }
    }

    // A source's table is also found by its full name on each warehouse
    // (`hive.raw.events` for `raw.events` on Trino's `hive`), as SQL pasted
    // from the warehouse writes it: after every name as written, which
    // win.
    let places: Vec<cjo_project::Place> =
        Dialect::ALL.into_iter().filter_map(|d| ws.config.production_targets().place(d)).collect();
    for (written, key) in qualified {
        for place in &places {
            tables.entry(place.complete(&written).join(".").to_ascii_lowercase()).or_insert_with(|| key.clone());
        }
    }

    let syntax_errors: Vec<cjo_diagnostics::Span> = ws
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code.stage() == cjo_diagnostics::Stage::Syntax)
        .map(Diagnostic::span)
        .collect();
    let mut graph = Graph::default();
    let mut parsed = BTreeMap::new();
    let models: Vec<(FileId, &ast::Model)> = symbols.models().collect();
    let bodies = match cache.as_deref_mut() {
        Some(cache) => parse_bodies_cached(&models, &syntax_errors, cache, cancelled),
        None => parse_bodies(&models, &syntax_errors),
    };
    for (&(file, model), body) in models.iter().zip(bodies) {
        let key = model.name.text.to_ascii_lowercase();
        known.insert(key.clone());
        let Some((p, found)) = body else { continue };
        out.extend(found);
        let reads =
            p.tables.iter().map(|(t, span)| (tables.get(t).cloned().unwrap_or_else(|| t.clone()), *span)).collect();
        graph.add(&model.name.text, cjo_diagnostics::Span::new(file, model.name.range), reads);
        parsed.insert(key, (file, model, p));
    }
    for (file, journey) in symbols.journeys() {
        graph.add(
            &journey.name.text,
            cjo_diagnostics::Span::new(file, journey.name.range),
            journeys::reads(file, journey),
        );
    }
    let order = graph.order(&mut out);

    let resolved = program::models(ws);
    let mut queries = BTreeMap::new();
    let mut references = Vec::new();
    for name in &order.order {
        if cancelled() {
            break;
        }
        let Some((file, model, p)) = parsed.remove(name) else { continue };
        let params = models::params(file, model, &symbols.functions, &mut out);
        let env = sql::Env { relations: &relations, tables: &tables, known: &known, functions: &symbols.functions };
        let check = |out: &mut Vec<Diagnostic>, refs: &mut Vec<ide::Reference>| {
            models::relation(&env, file, model, &p, &params, out, refs)
        };
        let checked = match cache.as_deref_mut() {
            Some(cache) => cache.checks.model(name, file, model, &params, &env, &mut out, &mut references, check),
            None => check(&mut out, &mut references).map(|(relation, hints, _)| (relation, hints)),
        };
        if let Some((relation, hints)) = checked {
            if let Some(m) = resolved.get(name) {
                program::check_unique_key(m, &relation, &mut out);
            }
            relations.insert(name.clone(), relation);
            if let Some(query) = p.query {
                queries.insert(name.clone(), CheckedQuery { query, hints });
            }
        }
    }

    let dependencies = graph.dependencies(&known);
    journeys::check(&symbols, &relations, &mut out);
    checks::check(&symbols, &relations, &mut out);
    pipelines::check(&symbols, &mut out);
    journey_graph::check(ws, &mut out);

    // Where the parser had to guess, what it guessed is not worth a
    // second report: drop what we found on a line with a syntax error.
    let line_of =
        |span: cjo_diagnostics::Span| ws.file(span.file).map(|f| (span.file, f.line_index.line_of(span.range.start)));
    let broken_lines: BTreeSet<_> = syntax_errors.iter().filter_map(|s| line_of(*s)).collect();
    out.retain(|d| line_of(d.span()).is_none_or(|l| !broken_lines.contains(&l)));
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Analysis {
        relations,
        dependencies,
        order: order.order,
        diagnostics: out,
        catalog_tables_used,
        queries,
        models: resolved,
        references,
    }
}

/// Parses each model's SQL body (sqlparser is the slowest step), spread
/// over the cores: for each of `models` in order, its parsed body and what
/// parsing reported, or `None` when it has no body.
fn parse_bodies(
    models: &[(FileId, &ast::Model)],
    syntax_errors: &[cjo_diagnostics::Span],
) -> Vec<Option<(sql::ParsedBody, Vec<Diagnostic>)>> {
    cjo_project::parallel::map(models, |&(file, model)| {
        let body = model.bodies.first()?;
        // A body the lexer could not close is not worth a second report.
        let broken = syntax_errors.iter().any(|s| s.file == file && body.range.contains(s.range.start));
        let mut found = Vec::new();
        let parsed = if broken { sql::ParsedBody::default() } else { sql::parse(body, file, &mut found, None) };
        Some((parsed, found))
    })
}

/// [`parse_bodies`] through the language server's cache, one body after
/// the other (most come from the cache); none after `cancelled` answers
/// true.
fn parse_bodies_cached(
    models: &[(FileId, &ast::Model)],
    syntax_errors: &[cjo_diagnostics::Span],
    cache: &mut SqlCache,
    cancelled: &dyn Fn() -> bool,
) -> Vec<Option<(sql::ParsedBody, Vec<Diagnostic>)>> {
    let mut out = Vec::with_capacity(models.len());
    for &(file, model) in models {
        if cancelled() {
            break;
        }
        let Some(body) = model.bodies.first() else {
            out.push(None);
            continue;
        };
        let broken = syntax_errors.iter().any(|s| s.file == file && body.range.contains(s.range.start));
        let mut found = Vec::new();
        let parsed =
            if broken { sql::ParsedBody::default() } else { sql::parse(body, file, &mut found, Some(&mut *cache)) };
        out.push(Some((parsed, found)));
    }
    out
}

/// `ws`'s own diagnostics and the analysis', merged in one sorted list.
///
/// A catalog export describes every table of a schema; a warning about an
/// approximate type (W0002) matters only for the tables the project reads,
/// so the others' are left out.
pub fn all_diagnostics(ws: &Workspace, analysis: &Analysis) -> Vec<Diagnostic> {
    let unused_catalog_warning = |d: &Diagnostic| {
        d.code == cjo_diagnostics::CATALOG_APPROXIMATE_TYPE
            && ws.file(d.span().file).is_some_and(|f| f.kind == cjo_project::FileKind::Catalog)
            && catalog_table_of(ws, d.span()).is_some_and(|t| !analysis.catalog_tables_used.contains(&t))
    };
    let mut all: Vec<Diagnostic> =
        ws.diagnostics.iter().filter(|d| !unused_catalog_warning(d)).chain(&analysis.diagnostics).cloned().collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

/// The catalog table (lowercase qualified name) whose column is written
/// nearest before `at`: the column a catalog diagnostic is about.
fn catalog_table_of(ws: &Workspace, at: cjo_diagnostics::Span) -> Option<String> {
    ws.catalog
        .tables()
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
        .filter(|(_, c)| c.span.file == at.file && c.span.range.start <= at.range.start)
        .max_by_key(|(_, c)| c.span.range.start)
        .map(|(t, _)| t.qualified_name.to_ascii_lowercase())
}
