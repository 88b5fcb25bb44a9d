//! The schema of `cjo.toml`: one function per table. Each walks every entry
//! of its table once (so unknown keys are found wherever they are), keeps the
//! valid values, reports the rest, and then checks for required keys.

use cjo_diagnostics::{CONFIG_MISSING_KEY, Diagnostic, TextRange};
use toml::de::{DeTable, DeValue};

use super::environments;
use super::reader::{Reader, Table, range};
use super::values::{catalog_path, check_identifier, dialect, max_stages, percentage, timezone};
use super::{
    AirflowConfig, BigQueryTarget, CatalogConfig, Config, DigdagConfig, JourneyDefaults, Orchestrators, ProjectConfig,
    RedshiftTarget, Targets, TrinoTarget,
};
use crate::Dialect;

const TOP_KEYS: &[&str] = &["project", "targets", "catalog", "orchestrators", "journeys", "environments", "selectors"];
const PROJECT_KEYS: &[&str] = &["name", "default_target", "timezone", "default_environment"];
pub(super) const TARGET_KEYS: &[&str] = &["bigquery", "redshift", "trino"];
const BIGQUERY_KEYS: &[&str] = &["project", "dataset", "location"];
const REDSHIFT_KEYS: &[&str] = &["schema", "database"];
const TRINO_KEYS: &[&str] = &["catalog", "schema"];
const CATALOG_KEYS: &[&str] = &["paths"];
pub(super) const ORCHESTRATOR_KEYS: &[&str] = &["airflow", "digdag"];
const AIRFLOW_KEYS: &[&str] = &["connections"];
const JOURNEY_KEYS: &[&str] = &["max_stages", "consistency_sample"];

/// Reads the whole document: `[project]` first, which may name the
/// default environment, then the environments, then the other tables with
/// the chosen environment's tables laid over them.
pub(super) fn read_config(r: &mut Reader<'_>, doc: &DeTable<'_>, asked: Option<&str>) -> Config {
    let mut config = Config::default();
    if let Some(t) = doc.get("project").and_then(|value| r.table("project", value)) {
        config.project = project(r, t);
    }
    let (declared, active) = environments::read(r, doc, &config.project, asked);
    config.environments = declared;
    let merged = active.as_ref().map(|a| environments::overlay(doc, a.table));
    let quiet = active.as_ref().map(|a| a.spans.clone()).unwrap_or_default();
    config.environment = active.map(|a| a.environment);

    let root = Table { path: "", span: TextRange::default(), entries: merged.as_ref().unwrap_or(doc) };
    // The environment's own keys were read, and reported, with their own
    // names above; read again as part of the top-level tables, they would
    // be reported twice.
    let since = r.reported();
    read_tables(r, root, &mut config);
    r.drop_since(since, |d| {
        let at = d.span().range;
        quiet.iter().any(|q| q.start <= at.start && at.end <= q.end)
    });
    if let Some(active) = config.environment.as_mut() {
        environments::record_production(r, doc, &config.targets, active);
    }
    if !doc.contains_key("project") {
        r.push(
            Diagnostic::error(CONFIG_MISSING_KEY, r.span(TextRange::empty(0)), "cjo.toml has no [project] table")
                .with_label("expected a [project] table")
                .with_help("every project needs a name; start the file with\n\n[project]\nname = \"my_project\""),
        );
    }
    config
}

/// Every top-level table but `[project]` and `[environments]`.
fn read_tables(r: &mut Reader<'_>, root: Table<'_, '_>, config: &mut Config) {
    for (name, key, value) in root.iter() {
        match name {
            "project" | "environments" => {}
            "targets" => {
                if let Some(t) = r.table("targets", value) {
                    config.targets = targets(r, t);
                }
            }
            "catalog" => {
                if let Some(t) = r.table("catalog", value) {
                    config.catalog = catalog(r, t);
                }
            }
            "orchestrators" => {
                if let Some(t) = r.table("orchestrators", value) {
                    config.orchestrators = orchestrators(r, t);
                }
            }
            "journeys" => {
                if let Some(t) = r.table("journeys", value) {
                    config.journeys = journeys(r, t);
                }
            }
            "selectors" => {
                if let Some(t) = r.table("selectors", value) {
                    config.selectors = super::selectors::read(r, t);
                }
            }
            _ => r.unknown_key(root, key, value, TOP_KEYS, misplaced_hint(name)),
        }
    }
}

/// Help for a top-level key that belongs in one of the tables.
fn misplaced_hint(name: &str) -> Option<String> {
    if PROJECT_KEYS.contains(&name) {
        Some(format!("`{name}` belongs in the [project] table; put it below a `[project]` line"))
    } else if TARGET_KEYS.contains(&name) {
        Some(format!("did you mean `[targets.{name}]`?"))
    } else if ORCHESTRATOR_KEYS.contains(&name) {
        Some(format!("did you mean `[orchestrators.{name}]`?"))
    } else {
        None
    }
}

fn project(r: &mut Reader<'_>, t: Table<'_, '_>) -> ProjectConfig {
    let mut out = ProjectConfig { span: Some(t.span), ..ProjectConfig::default() };
    for (name, key, value) in t.iter() {
        let span = Some(range(value.span()));
        match name {
            "name" => {
                if let Some(s) = r.string("project.name", value) {
                    if check_identifier(r, "project.name", value, &s, "letters, digits, `_` and `-`", |c| {
                        c.is_ascii_alphanumeric() || c == '_' || c == '-'
                    }) {
                        out.name = s;
                        out.name_span = span;
                    }
                }
            }
            "default_target" => {
                if let Some(d) = dialect(r, "project.default_target", value) {
                    out.default_target = d;
                    out.default_target_span = span;
                }
            }
            "timezone" => {
                if let Some(tz) = timezone(r, value) {
                    out.timezone = tz;
                    out.timezone_span = span;
                }
            }
            "default_environment" => {
                if let Some(name) = r.non_empty_string("project.default_environment", value) {
                    out.default_environment = Some(name);
                    out.default_environment_span = span;
                }
            }
            _ => r.unknown_key(t, key, value, PROJECT_KEYS, None),
        }
    }
    require(r, t, "name", "\"my_project\"");
    out
}

/// E0113 when `key` is absent from `t`. (A key that is present but invalid
/// has already been reported.) An environment's table need not repeat a
/// key of the top-level table it is laid over.
fn require(r: &mut Reader<'_>, t: Table<'_, '_>, key: &str, example: &str) {
    let inherited = r.overlay.as_ref().is_some_and(|(prefix, base)| {
        t.path.strip_prefix(prefix.as_str()).is_some_and(|rel| base.iter().any(|b| b == rel))
    });
    if !inherited && !t.entries.contains_key(key) {
        r.missing(t, key, example);
    }
}

pub(super) fn targets(r: &mut Reader<'_>, t: Table<'_, '_>) -> Targets {
    let mut out = Targets::default();
    for (name, key, value) in t.iter() {
        let path = t.key_path(name);
        match Dialect::parse(name) {
            Some(Dialect::BigQuery) => out.bigquery = r.table(&path, value).map(|t| bigquery(r, t)),
            Some(Dialect::Redshift) => out.redshift = r.table(&path, value).map(|t| redshift(r, t)),
            Some(Dialect::Trino) => out.trino = r.table(&path, value).map(|t| trino(r, t)),
            None => r.unknown_key(t, key, value, TARGET_KEYS, None),
        }
    }
    out
}

fn bigquery(r: &mut Reader<'_>, t: Table<'_, '_>) -> BigQueryTarget {
    let mut out = BigQueryTarget { project: String::new(), dataset: String::new(), location: None, span: t.span };
    for (name, key, value) in t.iter() {
        let key_path = t.key_path(name);
        match name {
            "project" => out.project = r.non_empty_string(&key_path, value).unwrap_or_default(),
            "dataset" => {
                // BigQuery rejects any other character in a dataset name;
                // a name made from an environment variable is checked as
                // it will be built.
                let Some(dataset) = r.string(&key_path, value) else { continue };
                if check_identifier(r, &key_path, value, &dataset, "letters, digits and `_`", |c| {
                    c.is_ascii_alphanumeric() || c == '_'
                }) {
                    out.dataset = dataset;
                }
            }
            "location" => out.location = r.non_empty_string(&key_path, value),
            _ => r.unknown_key(t, key, value, BIGQUERY_KEYS, None),
        }
    }
    require(r, t, "project", "\"my-gcp-project\"");
    require(r, t, "dataset", "\"analytics\"");
    out
}

fn redshift(r: &mut Reader<'_>, t: Table<'_, '_>) -> RedshiftTarget {
    let mut out = RedshiftTarget { database: None, schema: String::new(), span: t.span };
    for (name, key, value) in t.iter() {
        let key_path = t.key_path(name);
        match name {
            "schema" => out.schema = r.non_empty_string(&key_path, value).unwrap_or_default(),
            "database" => out.database = r.non_empty_string(&key_path, value),
            _ => r.unknown_key(t, key, value, REDSHIFT_KEYS, None),
        }
    }
    require(r, t, "schema", "\"analytics\"");
    out
}

fn trino(r: &mut Reader<'_>, t: Table<'_, '_>) -> TrinoTarget {
    let mut out = TrinoTarget { catalog: String::new(), schema: String::new(), span: t.span };
    for (name, key, value) in t.iter() {
        let key_path = t.key_path(name);
        match name {
            "catalog" => out.catalog = r.non_empty_string(&key_path, value).unwrap_or_default(),
            "schema" => out.schema = r.non_empty_string(&key_path, value).unwrap_or_default(),
            _ => r.unknown_key(t, key, value, TRINO_KEYS, None),
        }
    }
    require(r, t, "catalog", "\"hive\"");
    require(r, t, "schema", "\"analytics\"");
    out
}

fn catalog(r: &mut Reader<'_>, t: Table<'_, '_>) -> CatalogConfig {
    let mut out = CatalogConfig { span: Some(t.span), ..CatalogConfig::default() };
    for (name, key, value) in t.iter() {
        match (name, value.get_ref()) {
            ("paths", DeValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(pattern) = r.string(&format!("catalog.paths[{i}]"), item) else {
                        continue;
                    };
                    if catalog_path(r, item, &pattern) {
                        out.paths.push(pattern);
                        out.path_spans.push(range(item.span()));
                    }
                }
            }
            ("paths", _) => {
                r.wrong_type("catalog.paths", value, "an array of strings");
            }
            _ => r.unknown_key(t, key, value, CATALOG_KEYS, None),
        }
    }
    out
}

pub(super) fn orchestrators(r: &mut Reader<'_>, t: Table<'_, '_>) -> Orchestrators {
    let mut out = Orchestrators::default();
    for (name, key, value) in t.iter() {
        let path = t.key_path(name);
        match name {
            "airflow" => out.airflow = r.table(&path, value).map(|t| airflow(r, t)),
            "digdag" => {
                out.digdag = r.table(&path, value).map(|t| {
                    for (_, key, value) in t.iter() {
                        r.unknown_key(t, key, value, &[], None);
                    }
                    DigdagConfig { span: t.span }
                });
            }
            _ => r.unknown_key(t, key, value, ORCHESTRATOR_KEYS, None),
        }
    }
    out
}

fn airflow(r: &mut Reader<'_>, t: Table<'_, '_>) -> AirflowConfig {
    let mut out = AirflowConfig::with_defaults(t.span);
    for (name, key, value) in t.iter() {
        match name {
            "connections" => {
                let path = t.key_path("connections");
                let Some(conns) = r.table(&path, value) else {
                    continue;
                };
                for (name, key, value) in conns.iter() {
                    match Dialect::parse(name) {
                        Some(d) => {
                            if let Some(id) = r.non_empty_string(&conns.key_path(name), value) {
                                out.connections.insert(d, id);
                                out.connection_spans.insert(d, range(value.span()));
                            }
                        }
                        None => r.unknown_key(conns, key, value, TARGET_KEYS, None),
                    }
                }
            }
            _ => r.unknown_key(t, key, value, AIRFLOW_KEYS, None),
        }
    }
    out
}

fn journeys(r: &mut Reader<'_>, t: Table<'_, '_>) -> JourneyDefaults {
    let mut out = JourneyDefaults::default();
    for (name, key, value) in t.iter() {
        let span = Some(range(value.span()));
        match name {
            "max_stages" => {
                if let Some(n) = max_stages(r, value) {
                    out.max_stages = n;
                    out.max_stages_span = span;
                }
            }
            "consistency_sample" => {
                if let Some(p) = percentage(r, value) {
                    out.consistency_sample = p;
                    out.consistency_sample_span = span;
                }
            }
            _ => r.unknown_key(t, key, value, JOURNEY_KEYS, None),
        }
    }
    out
}
