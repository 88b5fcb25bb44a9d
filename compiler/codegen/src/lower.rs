//! The build: every model, check and journey of a checked project as
//! tasks, each with its SQL per dialect.

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::{self as codes, Diagnostic, Span};
use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, BodyMap, Model};
use cjo_syntax::ast;

use crate::dag::{Dag, Task, TaskKind, TaskSql};
use crate::feed;
use crate::items;
use crate::materialize::{self, Destination, Problem};
use crate::params::{Binding, Param};
use crate::pipeline::{self, Pipeline};
use crate::rewrite::{self, Context};
use crate::templates::{self, Template};
use crate::warehouse::{self, Location};
use crate::{checks, errors, ident, journey};

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `None`: each item for its own target. `Some(list)`: every portable
    /// item for each dialect of the list (items written in one dialect
    /// only for theirs).
    pub targets: Option<Vec<Dialect>>,
    /// The values of declared `$params` (by name, as text), given at
    /// build time; a parameter without one takes its default. The run
    /// interval is left as holes in the statements ([`crate::Statement`]).
    pub values: BTreeMap<String, String>,
    /// Models read from where an earlier build put them (`--defer`): by
    /// lowercase name, the table per dialect. Bodies, checks and journeys
    /// that read such a model read that table.
    pub deferred: BTreeMap<String, BTreeMap<Dialect, Vec<String>>>,
    /// `--full-refresh`: every incremental model's table is dropped and
    /// made again from its body (as written, over the run interval)
    /// instead of merged into.
    pub full_refresh: bool,
}

/// A build's result.
#[derive(Debug, Default)]
pub struct Build {
    pub dag: Dag,
    /// The dialects some task has SQL for.
    pub dialects: BTreeSet<Dialect>,
    /// Each model's warehouse table per dialect (lowercase model name).
    pub tables: BTreeMap<String, BTreeMap<Dialect, Vec<String>>>,
    /// Where each dialect in use keeps tables (configured, or the
    /// fallback of an unconfigured `--target`).
    pub locations: BTreeMap<Dialect, Location>,
    /// Each journey's state and activation tables per dialect (quoted), by
    /// the journey's name.
    pub journeys: BTreeMap<String, BTreeMap<Dialect, JourneyTables>>,
    /// The pipelines, resolved: settings, tasks and waits.
    pub pipelines: Vec<Pipeline>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether incremental models were lowered for a full refresh
    /// ([`Options::full_refresh`]).
    pub full_refresh: bool,
}

/// Where a journey keeps its state and its activations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyTables {
    pub state: String,
    pub activations: String,
}

struct Lowering<'a> {
    ws: &'a Workspace,
    analysis: &'a Analysis,
    options: &'a Options,
    binding: Binding,
    /// The project's models (the analysis' own).
    specs: &'a BTreeMap<String, Model>,
    templates: BTreeMap<String, Template>,
    locations: BTreeMap<Dialect, Location>,
    /// Per dialect: every name a body may use for a table → its parts.
    tables: BTreeMap<Dialect, BTreeMap<String, Vec<String>>>,
    /// Each model's dialects.
    model_dialects: BTreeMap<String, Vec<Dialect>>,
    out: std::cell::RefCell<Vec<Diagnostic>>,
    journey_tables: std::cell::RefCell<BTreeMap<String, BTreeMap<Dialect, JourneyTables>>>,
}

/// Lowers a checked project. Run it only on a project without errors:
/// what the checker could not type is left out.
pub fn build(ws: &Workspace, analysis: &Analysis, options: &Options) -> Build {
    let specs = &analysis.models;
    let default = ws.config.project.default_target;
    let asked = options.targets.as_deref();
    let model_dialects: BTreeMap<String, Vec<Dialect>> =
        specs.iter().map(|(k, s)| (k.clone(), s.dialects(asked, default))).collect();
    let mut lowering = Lowering {
        ws,
        analysis,
        options,
        binding: Binding::new(options.values.clone(), ws.files.iter().map(|f| f.text.as_str())),
        templates: templates::collect(ws),
        locations: BTreeMap::new(),
        tables: BTreeMap::new(),
        model_dialects,
        specs,
        out: std::cell::RefCell::new(Vec::new()),
        journey_tables: std::cell::RefCell::new(BTreeMap::new()),
    };
    lowering.locate();
    let mut tasks = BTreeMap::new();
    lowering.models(&mut tasks);
    lowering.checks(&mut tasks);
    lowering.journeys(&mut tasks);
    gate_on_source_checks(analysis, &mut tasks);
    let mut dialects = BTreeSet::new();
    for t in tasks.values() {
        dialects.extend(t.sql.keys().copied());
    }
    let tables = lowering
        .specs
        .iter()
        .map(|(k, spec)| {
            let per: BTreeMap<Dialect, Vec<String>> = lowering
                .model_dialects
                .get(k)
                .into_iter()
                .flatten()
                .filter_map(|d| lowering.locations.get(d).map(|l| (*d, l.model_table(spec))))
                .collect();
            (k.clone(), per)
        })
        .collect();
    let dag = Dag::new(tasks);
    let (mut pipelines, mut problems) = pipeline::resolve(ws, &dag.tasks, &dag.order);
    for p in &mut pipelines {
        let watch = feed::watched(analysis, p, &dag.tasks, &lowering.tables, &lowering.binding);
        p.feeds = watch.feeds;
        problems.extend(pipeline::late_rule_problems(p, &watch.unwatched));
    }
    let mut dag = dag;
    for p in &pipelines {
        for id in &p.tasks {
            if let Some(t) = dag.tasks.get_mut(id) {
                t.pipelines.insert(p.name.clone());
            }
        }
    }
    let mut diagnostics = lowering.out.into_inner();
    diagnostics.extend(problems);
    diagnostics.extend(unscheduled(ws, specs, &dag, &pipelines));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span() == b.span() && a.message == b.message);
    let journeys = lowering.journey_tables.into_inner();
    Build {
        dag,
        dialects,
        tables,
        locations: lowering.locations,
        journeys,
        pipelines,
        diagnostics,
        full_refresh: options.full_refresh,
    }
}

/// In a project with pipelines, the models and journeys none of them
/// runs: they would never be built (W0008). A project without pipelines
/// is run by other means, and says nothing.
fn unscheduled(
    ws: &Workspace,
    specs: &BTreeMap<String, Model>,
    dag: &Dag,
    pipelines: &[pipeline::Pipeline],
) -> Vec<Diagnostic> {
    if pipelines.is_empty() {
        return Vec::new();
    }
    let idle = |id: &str| dag.tasks.get(id).is_some_and(|t| t.pipelines.is_empty());
    let names: Vec<&str> = pipelines.iter().map(|p| p.name.as_str()).collect();
    let warn = |what: &str, name: &str, span: Span| {
        Diagnostic::warning(codes::NOT_SCHEDULED, span, format!("no pipeline runs {what} `{name}`: it is never built"))
            .with_label("in no pipeline's `run`")
            .with_help(format!(
                "add `{name}` to the `run` of a pipeline ({}), or to a pipeline's `run` that reads it",
                names.join(", ")
            ))
    };
    let mut out: Vec<Diagnostic> = specs
        .values()
        .filter(|m| idle(&format!("model.{}", m.name)))
        .map(|m| warn("model", &m.name, m.span()))
        .collect();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Journey(j) = item {
                if idle(&format!("journey.{}", j.name.text)) {
                    out.push(warn("journey", &j.name.text, Span::new(module.file, j.name.range)));
                }
            }
        }
    }
    out
}

/// Models and journeys run after the checks of the sources they read (as
/// `dbt build` runs source tests first): a source that fails its checks
/// stops its readers, and every pipeline that reads it runs them. A source
/// check that reads a model (`references(… -> model.col)`) runs after that
/// model instead, and gates nothing.
fn gate_on_source_checks(analysis: &Analysis, tasks: &mut BTreeMap<String, Task>) {
    let mut checks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tasks.values() {
        let on_source = analysis.relation(&t.name).is_some_and(|r| !r.is_model());
        if t.kind == TaskKind::Check && on_source && t.depends_on.is_empty() {
            checks.entry(t.name.to_ascii_lowercase()).or_default().push(t.id.clone());
        }
    }
    if checks.is_empty() {
        return;
    }
    for t in tasks.values_mut().filter(|t| matches!(t.kind, TaskKind::Model | TaskKind::Journey)) {
        for source in analysis.dependencies.get(&t.name.to_ascii_lowercase()).into_iter().flatten() {
            t.depends_on.extend(checks.get(source).into_iter().flatten().cloned());
        }
    }
}

impl Lowering<'_> {
    /// A task's file of `statements`, lowered with [`Self::binding`].
    fn task_sql(&self, path: String, statements: Vec<String>) -> TaskSql {
        TaskSql { path, statements: statements.iter().map(|s| self.binding.statement(s)).collect() }
    }

    /// The dialects in use, their locations, and the table names bodies
    /// may use in each.
    fn locate(&mut self) {
        let mut used: BTreeMap<Dialect, Vec<&str>> = BTreeMap::new();
        for (k, ds) in &self.model_dialects {
            for d in ds {
                used.entry(*d).or_default().push(k);
            }
        }
        for module in self.ws.user_modules() {
            for item in &module.ast.items {
                if let ast::Item::Journey(j) = item {
                    for d in self.journey_dialects(j) {
                        used.entry(d).or_default().push(&j.name.text);
                    }
                }
            }
        }
        // Checks on sources run on the asked targets, else the default one,
        // even where no model is built.
        let source_targets =
            self.options.targets.clone().unwrap_or_else(|| vec![self.ws.config.project.default_target]);
        for d in source_targets {
            if warehouse::location(&self.ws.config, d).is_some() || self.options.targets.is_some() {
                used.entry(d).or_default();
            }
        }
        let sources = items::source_tables(self.ws);
        let places: Vec<cjo_project::Place> =
            Dialect::ALL.into_iter().filter_map(|d| self.ws.config.production_targets().place(d)).collect();
        for (dialect, models) in used {
            let loc = match warehouse::location(&self.ws.config, dialect) {
                Some(loc) => loc,
                None if self.options.targets.as_ref().is_some_and(|t| t.contains(&dialect)) => {
                    self.unconfigured(dialect)
                }
                None => {
                    self.missing_target(dialect, &models);
                    continue;
                }
            };
            let mut names = BTreeMap::new();
            for (key, written) in &sources {
                let parts = loc.source_table(written);
                names.insert(key.clone(), parts.clone());
                names.entry(written.join(".").to_ascii_lowercase()).or_insert(parts);
            }
            // Full names as any configured warehouse writes them, as the
            // checker resolves them (`cjo_semantic::analyze`).
            for written in sources.values() {
                for place in &places {
                    let full = place.complete(written).join(".").to_ascii_lowercase();
                    names.entry(full).or_insert_with(|| loc.source_table(written));
                }
            }
            for (key, spec) in self.specs {
                let deferred = self.options.deferred.get(key).and_then(|per| per.get(&dialect));
                let table = deferred.cloned().unwrap_or_else(|| loc.model_table(spec));
                let built_here = self.model_dialects.get(key).is_some_and(|ds| ds.contains(&dialect));
                if deferred.is_none() && built_here {
                    self.check_name_lengths(spec, &table, dialect);
                }
                names.insert(key.clone(), table);
            }
            self.tables.insert(dialect, names);
            self.locations.insert(dialect, loc);
        }
    }

    /// Reports a model whose schema or table name (`table`'s last two
    /// parts, as the environment built makes them) is longer than
    /// `dialect` accepts: the warehouse would refuse to create it.
    fn check_name_lengths(&self, spec: &cjo_semantic::Model, table: &[String], dialect: Dialect) {
        let Some(max) = dialect.max_name_bytes() else { return };
        let [.., schema, name] = table else { return };
        for (what, part, help) in [
            (
                "schema",
                schema,
                "shorten the model's `schema`, or the schema its target (or the environment built) sets in `cjo.toml`",
            ),
            ("table", name, "shorten the model's name, or give it a shorter `alias`"),
        ] {
            if part.len() > max {
                let shown: String = part.chars().take(40).collect();
                self.out.borrow_mut().push(
                    Diagnostic::error(
                        codes::NAME_TOO_LONG,
                        spec.span(),
                        format!(
                            "model `{}` would be built in a {what} whose name (`{shown}…`) is {} bytes long; {} accepts at most {max}",
                            spec.name,
                            part.len(),
                            dialect.title()
                        ),
                    )
                    .with_label(format!("its {what} name is too long for {}", dialect.title()))
                    .with_help(help),
                );
            }
        }
    }

    /// `--target` asked for a warehouse `cjo.toml` does not configure:
    /// names stay relative to the session's defaults, in the default
    /// target's schema.
    fn unconfigured(&self, dialect: Dialect) -> Location {
        let default = self.ws.config.project.default_target;
        let schema = warehouse::location(&self.ws.config, default)
            .map_or_else(|| self.ws.config.project.name.clone(), |l| l.schema);
        let section = section_example(dialect);
        self.out.borrow_mut().push(
            Diagnostic::warning(
                codes::UNCONFIGURED_TARGET,
                Span::new(self.ws.config.file, Default::default()),
                format!("cjo.toml has no [targets.{dialect}]: tables are named `{schema}.<name>`, in the session's default {}", match dialect {
                    Dialect::BigQuery => "project",
                    Dialect::Redshift => "database",
                    Dialect::Trino => "catalog",
                }),
            )
            .with_help(format!("to build for {dialect} for real, say where it keeps what cjo builds:\n{section}")),
        );
        Location::fixed(None, schema)
    }

    /// `items`: the models (lowercase names) and journeys (as declared)
    /// built on `dialect`.
    fn missing_target(&self, dialect: Dialect, items: &[&str]) {
        let models: Vec<&str> = items.iter().copied().filter(|m| self.specs.contains_key(*m)).collect();
        let journeys = items.len() - models.len();
        let first = models.first().and_then(|m| self.specs.get(*m));
        let journey_span = || {
            self.ws.user_modules().find_map(|m| {
                m.ast.items.iter().find_map(|i| match i {
                    ast::Item::Journey(j) if items.contains(&j.name.text.as_str()) => {
                        Some(Span::new(m.file, j.name.range))
                    }
                    _ => None,
                })
            })
        };
        let span = first
            .map(|s| s.target.filter(|(d, _)| *d == dialect).map_or_else(|| s.span(), |(_, sp)| sp))
            .or_else(journey_span)
            .unwrap_or_else(|| Span::new(self.ws.config.file, Default::default()));
        let example = section_example(dialect);
        let what = match (models.len(), journeys) {
            (m, 0) => format!("{m} model(s) are"),
            (0, j) => format!("{j} journey(s) are"),
            (m, j) => format!("{m} model(s) and {j} journey(s) are"),
        };
        self.out.borrow_mut().push(
            Diagnostic::error(
                codes::MISSING_TARGET,
                span,
                format!("{what} built on {dialect}, but cjo.toml has no [targets.{dialect}]"),
            )
            .with_label(format!("built on {dialect}"))
            .with_help(format!("say where {dialect} keeps what cjo builds, in cjo.toml:\n{example}")),
        );
    }

    fn models(&self, tasks: &mut BTreeMap<String, Task>) {
        for key in &self.analysis.order {
            let Some(spec) = self.specs.get(key) else { continue }; // a journey
            let dialects = self.model_dialects.get(key).cloned().unwrap_or_default();
            let deps: BTreeSet<String> = self
                .analysis
                .dependencies
                .get(key)
                .into_iter()
                .flatten()
                .filter(|d| self.specs.contains_key(*d))
                .cloned()
                .collect();
            let mut sql = BTreeMap::new();
            for dialect in dialects {
                for dep in &deps {
                    let built = self.model_dialects.get(dep).is_some_and(|ds| ds.contains(&dialect));
                    if !built {
                        self.cross_target(spec, dep, dialect);
                    }
                }
                if let Some(statements) = self.model_sql(spec, key, dialect) {
                    let path = format!("{dialect}/model.{}.sql", spec.name);
                    sql.insert(dialect, self.task_sql(path, statements));
                }
            }
            let id = format!("model.{}", spec.name);
            tasks.insert(
                id.clone(),
                Task {
                    id,
                    kind: TaskKind::Model,
                    name: spec.name.clone(),
                    description: spec.doc.clone(),
                    sql,
                    depends_on: deps
                        .iter()
                        .filter_map(|d| self.specs.get(d))
                        .map(|s| format!("model.{}", s.name))
                        .collect(),
                    pipelines: BTreeSet::new(),
                },
            );
        }
    }

    fn cross_target(&self, spec: &Model, dep: &str, dialect: Dialect) {
        let Some(other) = self.specs.get(dep) else { return };
        let theirs: Vec<String> = self.model_dialects.get(dep).into_iter().flatten().map(|d| d.to_string()).collect();
        self.out.borrow_mut().push(
            Diagnostic::error(
                codes::CROSS_TARGET_READ,
                spec.span(),
                format!(
                    "`{}` is built on {dialect} but reads `{}`, which is built on {}",
                    spec.name,
                    other.name,
                    theirs.join(", ")
                ),
            )
            .with_label(format!("runs on {dialect}"))
            .with_secondary(other.span(), format!("built on {}", theirs.join(", ")))
            .with_help(format!(
                "a query runs in one warehouse: give both the same `target`, or copy `{}` into {dialect} with a source",
                other.name
            )),
        );
    }

    /// The statements that build `spec` on `dialect`.
    fn model_sql(&self, spec: &Model, key: &str, dialect: Dialect) -> Option<Vec<String>> {
        let checked = self.analysis.queries.get(key)?;
        let relation = self.analysis.relation(key)?;
        let loc = self.locations.get(&dialect)?.clone();
        let tables = self.tables.get(&dialect)?;
        let lookback = spec.lookback();
        let mut params = BTreeMap::new();
        for name in ["run_start", "run_end", "run_date"]
            .into_iter()
            .map(str::to_string)
            .chain(spec.params.iter().map(|p| p.name.clone()))
        {
            if let Some(p) = Param::find(&name, &spec.params, lookback) {
                params.insert(name, self.binding.bind(&p, dialect));
            }
        }
        let mut query = checked.query.as_ref().clone();
        let cx = Context {
            dialect,
            tables,
            templates: &self.templates,
            hints: &checked.hints,
            params: &params,
            native: spec.native.is_some(),
        };
        let problems = rewrite::rewrite(&mut query, &cx);
        let body = spec.body?;
        let text = self.ws.file(spec.file)?.text.get(body.start as usize..body.end as usize)?;
        let map = BodyMap::new(spec.file, text, body.start);
        let failed = !problems.is_empty();
        for p in problems {
            let d = match p {
                rewrite::Problem::Unsupported { construct, help, span } => {
                    errors::unsupported_construct(map.trimmed(map.span(span)), &construct, dialect, help)
                }
                rewrite::Problem::ParameterValue { name, why, span } => {
                    errors::parameter_value(map.trimmed(map.span(span)), &name, &why)
                }
            };
            self.out.borrow_mut().push(d);
        }
        if failed {
            return None;
        }
        let columns: Vec<(String, cjo_semantic::Ty, bool)> =
            relation.columns.iter().map(|c| (c.name.clone(), c.ty.clone(), c.nullable)).collect();
        let schema = loc.model_schema(spec);
        let table = loc.model_table(spec);
        let location = match dialect {
            Dialect::BigQuery => self.ws.config.targets.bigquery.as_ref().and_then(|t| t.location.as_deref()),
            _ => None,
        };
        let dest = Destination { dialect, schema: &schema, table: &table, columns: &columns, location };
        let refresh = if self.options.full_refresh { materialize::Refresh::Full } else { materialize::Refresh::Merge };
        match materialize::statements(&dest, &spec.materialized, &format!("{query:#}"), refresh) {
            Ok(s) => Some(s),
            Err(Problem::UntypedColumn(col)) => {
                let span = relation.column(&col).and_then(|c| c.span).unwrap_or_else(|| spec.span());
                self.out.borrow_mut().push(
                    Diagnostic::error(
                        codes::UNTYPED_INCREMENTAL_COLUMN,
                        span,
                        format!("the type of `{col}` is not known, so the incremental table cannot be declared"),
                    )
                    .with_label("type unknown")
                    .with_help(format!("write its type: `cast(… as <type>) as {col}`")),
                );
                None
            }
        }
    }

    fn checks(&self, tasks: &mut BTreeMap<String, Task>) {
        let default = self.ws.config.project.default_target;
        for module in self.ws.user_modules() {
            for item in &module.ast.items {
                let ast::Item::Check(check) = item else { continue };
                let key = check.target.text.to_ascii_lowercase();
                let Some(relation) = self.analysis.relation(&key) else { continue };
                let dialects = match self.model_dialects.get(&key) {
                    Some(ds) => ds.clone(),
                    None => self.options.targets.clone().unwrap_or_else(|| vec![default]),
                };
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                for entry in &check.entries {
                    let mut sql = BTreeMap::new();
                    let mut first: Option<checks::CheckQuery> = None;
                    for &dialect in &dialects {
                        let Some(names) = self.tables.get(&dialect) else { continue };
                        let Some(table) = names.get(&key).map(|p| ident::path(p, dialect)) else { continue };
                        let table_of = |k: &str| names.get(k).map(|p| ident::path(p, dialect));
                        match checks::query(entry, relation, &table, &self.templates, dialect, &table_of) {
                            Ok(q) => {
                                let statement = checks::statement(&q, &relation.name, dialect);
                                sql.insert(dialect, statement);
                                first.get_or_insert(q);
                            }
                            Err(f) => self.out.borrow_mut().push(errors::cannot_write(
                                Span::new(module.file, f.range),
                                "check",
                                dialect,
                                &f.message,
                            )),
                        }
                    }
                    let Some(q) = first else { continue };
                    let n = seen.entry(q.slug.clone()).or_insert(0);
                    *n += 1;
                    let slug = if *n == 1 { q.slug.clone() } else { format!("{}_{n}", q.slug) };
                    let id = format!("check.{}.{slug}", relation.name);
                    let mut depends_on = BTreeSet::new();
                    for k in std::iter::once(&key).chain(q.references.as_ref()) {
                        if let Some(s) = self.specs.get(k) {
                            depends_on.insert(format!("model.{}", s.name));
                        }
                    }
                    let sql =
                        sql.into_iter().map(|(d, st)| (d, self.task_sql(format!("{d}/{id}.sql"), vec![st]))).collect();
                    tasks.insert(
                        id.clone(),
                        Task {
                            id,
                            kind: TaskKind::Check,
                            name: relation.name.clone(),
                            description: Some(q.description),
                            sql,
                            depends_on,
                            pipelines: BTreeSet::new(),
                        },
                    );
                }
            }
        }
    }

    /// The dialects a journey runs on: its `target`, else the project's
    /// default; every asked one with `--target`.
    fn journey_dialects(&self, j: &ast::Journey) -> Vec<Dialect> {
        if let Some(asked) = &self.options.targets {
            return asked.clone();
        }
        vec![cjo_semantic::program::journey_target(j).unwrap_or(self.ws.config.project.default_target)]
    }

    /// Each journey: its tick task after the models it reads (and after
    /// the journeys that jump into it), and its consistency check after it.
    fn journeys(&self, tasks: &mut BTreeMap<String, Task>) {
        let plans = cjo_journey::plans(self.ws, self.analysis);
        for plan in &plans {
            let key = plan.name.to_ascii_lowercase();
            let mut depends_on: BTreeSet<String> = self
                .analysis
                .dependencies
                .get(&key)
                .into_iter()
                .flatten()
                .filter_map(|d| self.specs.get(d))
                .map(|s| format!("model.{}", s.name))
                .collect();
            let id = format!("journey.{}", plan.name);
            let check_id = format!("check.{}.consistency", plan.name);
            let mut tick_sql = BTreeMap::new();
            let mut check_sql = BTreeMap::new();
            for dialect in self.journey_dialects(plan.journey) {
                let Some(lowered) = self.journey_sql(&plans, plan, dialect, &mut depends_on) else { continue };
                tick_sql.insert(dialect, self.task_sql(format!("{dialect}/{id}.sql"), lowered.tick));
                check_sql.insert(dialect, self.task_sql(format!("{dialect}/{check_id}.sql"), vec![lowered.check]));
            }
            let description = plan.journey.doc.as_ref().map(|d| d.text.clone());
            tasks.insert(
                id.clone(),
                Task {
                    id: id.clone(),
                    kind: TaskKind::Journey,
                    name: plan.name.clone(),
                    description,
                    sql: tick_sql,
                    depends_on,
                    pipelines: BTreeSet::new(),
                },
            );
            tasks.insert(
                check_id.clone(),
                Task {
                    id: check_id,
                    kind: TaskKind::Check,
                    name: plan.name.clone(),
                    description: Some(format!("the state of journey {} is consistent (sampled)", plan.name)),
                    sql: check_sql,
                    depends_on: BTreeSet::from([id]),
                    pipelines: BTreeSet::new(),
                },
            );
        }
    }

    /// One journey's SQL in one dialect, or `None` (reported) when a
    /// criterion cannot be written there.
    fn journey_sql(
        &self,
        plans: &[cjo_journey::Plan<'_>],
        plan: &cjo_journey::Plan<'_>,
        dialect: Dialect,
        depends_on: &mut BTreeSet<String>,
    ) -> Option<journey::Lowered> {
        let loc = self.locations.get(&dialect)?;
        let names = self.tables.get(&dialect)?;
        let table_of = |k: &str| names.get(&k.to_ascii_lowercase()).map(|p| ident::path(p, dialect));
        let profile = self.analysis.relation(&plan.profiles)?;
        let schema = loc.own_schema();
        let state_of = |other: &cjo_journey::Plan<'_>| {
            let mut parts = schema.clone();
            parts.push(other.state_table());
            ident::path(&parts, dialect)
        };
        let jumps = journey::jumps_into(plans, plan, &state_of);
        depends_on.extend(jumps.iter().map(|(from, _)| format!("journey.{from}")));
        for (from, _) in &jumps {
            let Some(other) = plans.iter().find(|p| p.name == *from) else { continue };
            if !self.journey_dialects(other.journey).contains(&dialect) {
                self.out.borrow_mut().push(
                    Diagnostic::error(
                        codes::CROSS_TARGET_READ,
                        Span::new(other.file, other.journey.name.range),
                        format!(
                            "`{from}` jumps into `{}`, which runs on {dialect}, but `{from}` does not",
                            plan.name
                        ),
                    )
                    .with_label(format!("not on {dialect}"))
                    .with_help(format!(
                        "a jump hands customers over through `{from}`'s state table: run both journeys on one warehouse (`target = {dialect}`)"
                    )),
                );
                return None;
            }
        }
        let t = match self.binding.bind(&Param::RunEnd, dialect) {
            Ok(t) => t,
            Err(message) => {
                self.out.borrow_mut().push(Diagnostic::error(
                    codes::PARAMETER_VALUE,
                    Span::new(plan.file, plan.journey.name.range),
                    format!("journey `{}` has no tick time on {dialect}: {message}", plan.name),
                ));
                return None;
            }
        };
        let tables = journey::Tables {
            dialect,
            profile,
            events: journey::event_tables(plan, self.analysis, &table_of),
            key: plan.key.clone(),
            t,
            binding: &self.binding,
            templates: &self.templates,
        };
        let location = match dialect {
            Dialect::BigQuery => self.ws.config.targets.bigquery.as_ref().and_then(|t| t.location.clone()),
            _ => None,
        };
        let tick_names = journey::Names {
            schema,
            profile_table: table_of(&plan.profiles)?,
            jumps_in: jumps.into_iter().map(|(_, j)| j).collect(),
            location,
        };
        match journey::lower(plan, &tables, &tick_names) {
            Ok(l) => {
                self.journey_tables
                    .borrow_mut()
                    .entry(plan.name.clone())
                    .or_default()
                    .insert(dialect, JourneyTables { state: l.state.clone(), activations: l.activations.clone() });
                Some(l)
            }
            Err(f) => {
                let span = Span::new(plan.file, f.range);
                self.out.borrow_mut().push(errors::cannot_write(span, "criterion", dialect, &f.message));
                None
            }
        }
    }
}

/// A `[targets.*]` section to copy into `cjo.toml`.
fn section_example(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::BigQuery => "[targets.bigquery]\nproject = \"my-project\"\ndataset = \"analytics\"",
        Dialect::Redshift => "[targets.redshift]\nschema = \"analytics\"",
        Dialect::Trino => "[targets.trino]\ncatalog = \"hive\"\nschema = \"analytics\"",
    }
}
