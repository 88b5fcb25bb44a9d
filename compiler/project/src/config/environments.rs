//! `[environments.*]`: named sets of overrides of the top-level `[targets.*]`
//! and `[orchestrators.*]` tables, and whether the scheduler files of a
//! build carry their schedules.
//!
//! Every environment is read with the same schema functions as the
//! top-level tables, so it gets the same errors at the same places. The
//! environment being built is then laid over the document key by key, and
//! the result is read as if it had been written at the top level: whatever
//! `[targets.*]` and `[orchestrators.*]` hold, an environment may override,
//! and every value is validated the same way wherever it came from.

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::{CONFIG_INVALID_VALUE, CONFIG_UNKNOWN_ENVIRONMENT, Diagnostic, TextRange, did_you_mean};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::reader::{Reader, Table, Value, list, range};
use super::schema::{ORCHESTRATOR_KEYS, TARGET_KEYS, orchestrators, targets};
use super::{ActiveEnvironment, EnvironmentConfig, ProjectConfig, Targets};
use crate::Dialect;

const ENVIRONMENT_KEYS: &[&str] = &["targets", "orchestrators", "schedules"];

/// The environment being built: what the configuration records, its table
/// in the document, and the ranges of everything it sets (already reported
/// on, see [`read`]).
pub(super) struct Active<'a, 'i> {
    pub(super) environment: ActiveEnvironment,
    pub(super) table: &'a DeTable<'i>,
    pub(super) spans: Vec<TextRange>,
}

/// Reads every environment and picks the one to build: `asked` (from the
/// command line or the editor), else `project.default_environment`, else
/// none. Only the chosen environment's `${env:…}` references are read; the
/// others' are checked for their shape, so that a developer need not set
/// production's variables.
pub(super) fn read<'a, 'i>(
    r: &mut Reader<'_>,
    doc: &'a DeTable<'i>,
    project: &ProjectConfig,
    asked: Option<&str>,
) -> (BTreeMap<String, EnvironmentConfig>, Option<Active<'a, 'i>>) {
    let chosen = asked.or(project.default_environment.as_deref());
    let mut declared = BTreeMap::new();
    let mut active = None;
    let all = doc.get("environments").and_then(|value| r.table("environments", value));
    for (name, key, value) in all.iter().flat_map(|t| t.iter()) {
        if !valid_name(name) {
            r.push(
                Diagnostic::error(
                    CONFIG_INVALID_VALUE,
                    r.span(range(key.span())),
                    format!("an environment's name may contain only letters, digits, `_` and `-`, found `{name}`"),
                )
                .with_label("invalid environment name"),
            );
            continue;
        }
        let path = format!("environments.{name}");
        let Some(t) = r.table(&path, value) else { continue };
        let is_chosen = chosen == Some(name);
        let environment = environment(r, t, doc, is_chosen);
        if let (true, DeValue::Table(entries)) = (is_chosen, value.get_ref()) {
            let mut spans = Vec::new();
            for (_, _, part) in t.iter().filter(|(k, _, _)| matches!(*k, "targets" | "orchestrators")) {
                collect_spans(part, &mut spans);
            }
            let schedules = environment.schedules.unwrap_or(false);
            active = Some(Active {
                environment: ActiveEnvironment {
                    name: name.to_owned(),
                    schedules,
                    span: environment.name_span,
                    // Filled in once the overlay has been read, see
                    // `record_production`.
                    production: Targets::default(),
                    moved_schemas: BTreeSet::new(),
                },
                table: entries,
                spans,
            });
        }
        declared.insert(name.to_owned(), EnvironmentConfig { name_span: range(key.span()), ..environment });
    }
    if let Some(chosen) = chosen.filter(|c| !declared.contains_key(*c)) {
        unknown(r, chosen, asked.is_some(), project, &declared);
    }
    (declared, active)
}

/// `doc` with the environment's `targets` and `orchestrators` laid over
/// its own, key by key.
pub(super) fn overlay<'i>(doc: &DeTable<'i>, environment: &DeTable<'i>) -> DeTable<'i> {
    let mut out = doc.clone();
    for part in ["targets", "orchestrators"] {
        if let Some(over) = environment.get(part) {
            let merged = merge(doc.get(part), over);
            // The environment's key replaces the document's, so that a
            // table the top level lacks is named where it was written.
            let key = match out.remove_entry(part) {
                Some((key, _)) => key,
                None => match environment.get_key_value(part) {
                    Some((key, _)) => key.clone(),
                    None => continue,
                },
            };
            out.insert(key, merged);
        }
    }
    out
}

/// `over` laid over `base`: tables merge key by key, anything else is
/// replaced. A merged table keeps the top level's span, so that a key
/// missing from both is reported at the top-level table.
fn merge<'i>(base: Option<&Value<'i>>, over: &Value<'i>) -> Value<'i> {
    match (base.map(|b| (b.span(), b.get_ref())), over.get_ref()) {
        (Some((span, DeValue::Table(base))), DeValue::Table(over)) => {
            let mut out = base.clone();
            for (key, value) in over {
                let merged = merge(base.get(key.get_ref().as_ref()), value);
                out.remove(key.get_ref().as_ref());
                out.insert(key.clone(), merged);
            }
            Spanned::new(span, DeValue::Table(out))
        }
        _ => over.clone(),
    }
}

/// Records in `active` what production's targets are (the top-level
/// `[targets.*]` of `doc`, read without the environment) and which
/// schemas the environment moved away from them, given the targets it
/// builds (`built`). The top-level tables were checked, and reported on,
/// when they were read with the environment laid over them, so nothing is
/// reported here.
pub(super) fn record_production(
    r: &mut Reader<'_>,
    doc: &DeTable<'_>,
    built: &Targets,
    active: &mut ActiveEnvironment,
) {
    let since = r.reported();
    let production = doc.get("targets").and_then(|value| r.table("targets", value)).map(|t| targets(r, t));
    r.drop_since(since, |_| true);
    let production = production.unwrap_or_default();
    active.moved_schemas = Dialect::ALL
        .into_iter()
        .filter(|d| matches!((production.schema(*d), built.schema(*d)), (Some(a), Some(b)) if a != b))
        .collect();
    active.production = production;
}

/// Reads one `[environments.NAME]` table.
fn environment(r: &mut Reader<'_>, t: Table<'_, '_>, doc: &DeTable<'_>, chosen: bool) -> EnvironmentConfig {
    let mut out = EnvironmentConfig { name_span: t.span, span: t.span, schedules: None, schedules_span: None };
    let saved_vars = r.vars.take();
    r.vars = if chosen { saved_vars } else { None };
    r.overlay = Some((format!("{}.", t.path), base_tables(doc)));
    for (name, key, value) in t.iter() {
        let path = t.key_path(name);
        match name {
            "targets" => {
                if let Some(sub) = r.table(&path, value) {
                    targets(r, sub);
                }
            }
            "orchestrators" => {
                if let Some(sub) = r.table(&path, value) {
                    orchestrators(r, sub);
                }
            }
            "schedules" => match value.get_ref() {
                DeValue::Boolean(b) => {
                    out.schedules = Some(*b);
                    out.schedules_span = Some(range(value.span()));
                }
                _ => r.wrong_type(&path, value, "`true` or `false`"),
            },
            _ => r.unknown_key(t, key, value, ENVIRONMENT_KEYS, hint(name)),
        }
    }
    r.vars = saved_vars;
    r.overlay = None;
    out
}

/// Help for a key of an environment that belongs one level down.
fn hint(name: &str) -> Option<String> {
    if TARGET_KEYS.contains(&name) {
        Some(format!("did you mean a `.targets.{name}` table, as in `[environments.dev.targets.{name}]`?"))
    } else if ORCHESTRATOR_KEYS.contains(&name) {
        Some(format!("did you mean an `.orchestrators.{name}` table, as in `[environments.dev.orchestrators.{name}]`?"))
    } else {
        None
    }
}

/// The dotted names of the tables of `[targets]` and `[orchestrators]` the
/// document itself has: `targets.bigquery`, `orchestrators.airflow`, …
fn base_tables(doc: &DeTable<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for part in ["targets", "orchestrators"] {
        if let Some(DeValue::Table(t)) = doc.get(part).map(Spanned::get_ref) {
            out.extend(t.keys().map(|k| format!("{part}.{}", k.get_ref())));
        }
    }
    out
}

/// The ranges of every key and value below `value`, its own included.
fn collect_spans(value: &Value<'_>, out: &mut Vec<TextRange>) {
    out.push(range(value.span()));
    if let DeValue::Table(t) = value.get_ref() {
        for (key, value) in t {
            out.push(range(key.span()));
            collect_spans(value, out);
        }
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// E0123: `name` is not a declared environment. It is reported at
/// `default_environment` when that is where the name came from (or the
/// command line's name is checked against a file that has one), else at
/// the start of the file.
fn unknown(
    r: &mut Reader<'_>,
    name: &str,
    asked: bool,
    project: &ProjectConfig,
    declared: &BTreeMap<String, EnvironmentConfig>,
) {
    let names: Vec<&str> = declared.keys().map(String::as_str).collect();
    let (at, label) = match (asked, project.default_environment_span) {
        (false, Some(span)) => (span, "not an environment of this file"),
        (true, _) => (TextRange::empty(0), "asked for by `--env` or the editor's `cjo.environment` setting"),
        (false, None) => (TextRange::empty(0), "not an environment of this file"),
    };
    let help = match (did_you_mean(name, names.iter().copied()), names.is_empty()) {
        (_, true) => format!("cjo.toml declares no environments; add an `[environments.{name}]` table"),
        (Some(suggestion), false) => format!("{suggestion} The environments are {}.", list(&names)),
        (None, false) => format!("the environments are {}", list(&names)),
    };
    r.push(
        Diagnostic::error(
            CONFIG_UNKNOWN_ENVIRONMENT,
            r.span(at),
            format!("there is no environment `{name}` in cjo.toml"),
        )
        .with_label(label)
        .with_help(help),
    );
}
