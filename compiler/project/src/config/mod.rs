//! `cjo.toml`, the project file: parsing and validation.
//!
//! [`parse_config`] never fails. It returns a [`Config`] with defaults
//! wherever the file is missing or wrong, together with every problem it
//! found, each pointing at the exact key or value in the file. Unknown keys
//! are errors with the nearest valid key suggested: dbt silently ignores a
//! misspelt key, and the user then wonders why their setting has no effect.
//!
//! The TOML is read with `toml`'s span-preserving `DeTable` (no serde), so
//! every key and value keeps its byte range.

mod environments;
mod interpolate;
mod reader;
mod schema;
mod selectors;
#[cfg(test)]
mod tests;
mod values;

pub use interpolate::Variables;

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::{CONFIG_MISSING_KEY, CONFIG_SYNTAX, Diagnostic, FileId, Span, TextRange};
use toml::de::DeTable;

use crate::Dialect;

/// The whole of `cjo.toml`. Spans are byte ranges into that file (its id is
/// [`Config::file`]); a `*_span` field is `None` when the key was absent and
/// the default applies.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Config {
    /// The file this configuration was read from.
    pub file: FileId,
    pub project: ProjectConfig,
    pub targets: Targets,
    pub catalog: CatalogConfig,
    pub orchestrators: Orchestrators,
    pub journeys: JourneyDefaults,
    /// `[environments.*]`, by name.
    pub environments: BTreeMap<String, EnvironmentConfig>,
    /// `[selectors]`, by name: the selections `--selector NAME` stands for.
    pub selectors: BTreeMap<String, SelectorConfig>,
    /// The environment this configuration was read for, whose overrides
    /// `targets` and `orchestrators` already hold; `None` when none was
    /// asked for and `project.default_environment` names none.
    pub environment: Option<ActiveEnvironment>,
}

/// What `cjo.toml` is read with from outside the file.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ConfigContext {
    /// The environment asked for (`--env`, the editor's setting); `None`
    /// builds `project.default_environment`, if any.
    pub environment: Option<String>,
    /// The variables `${env:NAME}` reads. The command line passes the
    /// process's; tests and the default pass their own, so that reading a
    /// file never depends on the shell it runs in unless asked to.
    pub variables: Variables,
}

/// `[environments.NAME]`. What it overrides is laid over the top-level
/// tables when it is the environment being built.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnvironmentConfig {
    /// The name in the table's header.
    pub name_span: TextRange,
    /// The `[environments.NAME]` table.
    pub span: TextRange,
    /// `schedules`, when given.
    pub schedules: Option<bool>,
    pub schedules_span: Option<TextRange>,
}

/// The environment a configuration was read for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ActiveEnvironment {
    pub name: String,
    /// Whether scheduler files keep their pipelines' schedules: only when
    /// the environment says `schedules = true`, so that a build for a
    /// developer or a CI run never schedules anything unless asked.
    pub schedules: bool,
    /// Its name in `cjo.toml`.
    pub span: TextRange,
    /// The top-level `[targets.*]` as written, before the environment was
    /// laid over them: production's names, where sources are read from
    /// (raw data lives in production, see `environments.md`).
    pub production: Targets,
    /// The warehouses whose schema (BigQuery's dataset, Redshift's or
    /// Trino's schema) the environment changed from the top-level one. A
    /// model's own `schema` is put under the environment's there, so that
    /// the environment never writes into production's schemas.
    pub moved_schemas: BTreeSet<Dialect>,
}

/// One of `[selectors]`: the nodes `select` picks, minus those `exclude`
/// picks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SelectorConfig {
    /// Its name in `cjo.toml`.
    pub name_span: TextRange,
    pub select: SelectorExpr,
    pub exclude: Option<SelectorExpr>,
}

/// A selection expression of `[selectors]`, read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SelectorExpr {
    /// As written (after `${env:…}` references are replaced).
    pub text: String,
    pub expr: crate::selection::Expr,
    /// The string in `cjo.toml`.
    pub span: TextRange,
}

/// `[project]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProjectConfig {
    /// The project's name (letters, digits, `_` and `-`); empty when missing
    /// or invalid.
    pub name: String,
    /// The warehouse `cjoc build` compiles for unless told otherwise.
    pub default_target: Dialect,
    /// The IANA time zone for schedules and journeys, `UTC` by default.
    pub timezone: String,
    /// The environment built when none is asked for.
    pub default_environment: Option<String>,
    /// The `[project]` table (its header).
    pub span: Option<TextRange>,
    /// The value of `name`.
    pub name_span: Option<TextRange>,
    /// The value of `default_target`, for "target X is not configured".
    pub default_target_span: Option<TextRange>,
    /// The value of `timezone`.
    pub timezone_span: Option<TextRange>,
    /// The value of `default_environment`.
    pub default_environment_span: Option<TextRange>,
}

/// `[targets.*]`: where each warehouse keeps what we build. A missing table
/// is fine; later stages apply their defaults.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Targets {
    pub bigquery: Option<BigQueryTarget>,
    pub redshift: Option<RedshiftTarget>,
    pub trino: Option<TrinoTarget>,
}

/// A container (BigQuery's project, Redshift's optional database, Trino's
/// catalog) and a schema (BigQuery's dataset) of one warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub container: Option<String>,
    pub schema: String,
}

impl Place {
    /// A table name as written (`raw.events`), completed on the left with
    /// this place's container and schema where it has fewer parts
    /// (`hive.raw.events`).
    pub fn complete(&self, written: &[String]) -> Vec<String> {
        let full: Vec<String> = self.container.iter().cloned().chain([self.schema.clone()]).collect();
        let missing = (full.len() + 1).saturating_sub(written.len());
        full.into_iter().take(missing).chain(written.iter().cloned()).collect()
    }
}

impl Targets {
    /// The container and schema configured for `dialect`, if it has a
    /// section.
    pub fn place(&self, dialect: Dialect) -> Option<Place> {
        match dialect {
            Dialect::BigQuery => {
                self.bigquery.as_ref().map(|t| Place { container: Some(t.project.clone()), schema: t.dataset.clone() })
            }
            Dialect::Redshift => {
                self.redshift.as_ref().map(|t| Place { container: t.database.clone(), schema: t.schema.clone() })
            }
            Dialect::Trino => {
                self.trino.as_ref().map(|t| Place { container: Some(t.catalog.clone()), schema: t.schema.clone() })
            }
        }
    }
}

/// `[targets.bigquery]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BigQueryTarget {
    /// The Google Cloud project; empty when missing (an error was reported).
    pub project: String,
    /// The dataset we build into; empty when missing (an error was reported).
    pub dataset: String,
    pub location: Option<String>,
    /// The `[targets.bigquery]` table.
    pub span: TextRange,
}

/// `[targets.redshift]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RedshiftTarget {
    pub database: Option<String>,
    /// The schema we build into; empty when missing (an error was reported).
    pub schema: String,
    /// The `[targets.redshift]` table.
    pub span: TextRange,
}

/// `[targets.trino]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TrinoTarget {
    /// Empty when missing (an error was reported).
    pub catalog: String,
    /// Empty when missing (an error was reported).
    pub schema: String,
    /// The `[targets.trino]` table.
    pub span: TextRange,
}

/// `[catalog]`: where the warehouse schemas exported from the warehouse live.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CatalogConfig {
    /// The valid glob patterns of `paths`, relative to the project folder.
    /// Invalid ones are reported and left out.
    pub paths: Vec<String>,
    /// The span of each pattern in `paths` (same length and order), for "this
    /// pattern matched no files".
    pub path_spans: Vec<TextRange>,
    /// The `[catalog]` table.
    pub span: Option<TextRange>,
}

/// `[orchestrators.*]`: which schedulers to write pipelines for.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Orchestrators {
    pub airflow: Option<AirflowConfig>,
    pub digdag: Option<DigdagConfig>,
}

/// `[orchestrators.airflow]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AirflowConfig {
    /// The Airflow connection id for each warehouse; every dialect has one
    /// (see [`AirflowConfig::default_connection`]).
    pub connections: BTreeMap<Dialect, String>,
    /// The value of each connection given in the file.
    pub connection_spans: BTreeMap<Dialect, TextRange>,
    /// The `[orchestrators.airflow]` table.
    pub span: TextRange,
}

/// `[orchestrators.digdag]`. It takes no keys yet.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DigdagConfig {
    /// The `[orchestrators.digdag]` table.
    pub span: TextRange,
}

/// `[journeys]`: defaults for every journey.
#[derive(Clone, PartialEq, Debug)]
pub struct JourneyDefaults {
    /// The most stages a journey may have, 1 to 64 (default 8).
    pub max_stages: u32,
    /// The share of customers sampled by consistency checks, in percent,
    /// `0 < p <= 100` (default 10).
    pub consistency_sample: f64,
    pub max_stages_span: Option<TextRange>,
    pub consistency_sample_span: Option<TextRange>,
}

impl ProjectConfig {
    pub const DEFAULT_TIMEZONE: &'static str = "UTC";
}

impl Default for ProjectConfig {
    fn default() -> Self {
        ProjectConfig {
            name: String::new(),
            default_target: Dialect::BigQuery,
            timezone: ProjectConfig::DEFAULT_TIMEZONE.to_owned(),
            default_environment: None,
            span: None,
            name_span: None,
            default_target_span: None,
            timezone_span: None,
            default_environment_span: None,
        }
    }
}

impl Targets {
    /// Whether `[targets.<dialect>]` is present.
    pub fn is_configured(&self, dialect: Dialect) -> bool {
        self.span(dialect).is_some()
    }

    /// The schema `dialect` builds into (BigQuery's dataset), when
    /// `[targets.<dialect>]` is present.
    pub fn schema(&self, dialect: Dialect) -> Option<&str> {
        match dialect {
            Dialect::BigQuery => self.bigquery.as_ref().map(|t| t.dataset.as_str()),
            Dialect::Redshift => self.redshift.as_ref().map(|t| t.schema.as_str()),
            Dialect::Trino => self.trino.as_ref().map(|t| t.schema.as_str()),
        }
    }

    /// The span of the `[targets.<dialect>]` table, when present.
    pub fn span(&self, dialect: Dialect) -> Option<TextRange> {
        match dialect {
            Dialect::BigQuery => self.bigquery.as_ref().map(|t| t.span),
            Dialect::Redshift => self.redshift.as_ref().map(|t| t.span),
            Dialect::Trino => self.trino.as_ref().map(|t| t.span),
        }
    }
}

impl CatalogConfig {
    /// Each pattern with its span in `cjo.toml`.
    pub fn paths_with_spans(&self) -> impl Iterator<Item = (&str, TextRange)> {
        self.paths.iter().map(String::as_str).zip(self.path_spans.iter().copied())
    }
}

impl AirflowConfig {
    /// The connection id Airflow's own providers use by default.
    pub fn default_connection(dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::BigQuery => "google_cloud_default",
            Dialect::Redshift => "redshift_default",
            Dialect::Trino => "trino_default",
        }
    }

    /// An `[orchestrators.airflow]` table with every connection defaulted.
    pub fn with_defaults(span: TextRange) -> Self {
        AirflowConfig {
            connections: Dialect::ALL
                .into_iter()
                .map(|d| (d, AirflowConfig::default_connection(d).to_owned()))
                .collect(),
            connection_spans: BTreeMap::new(),
            span,
        }
    }
}

impl JourneyDefaults {
    pub const DEFAULT_MAX_STAGES: u32 = 8;
    pub const MAX_STAGES_LIMIT: u32 = 64;
    pub const DEFAULT_CONSISTENCY_SAMPLE: f64 = 10.0;
}

impl Default for JourneyDefaults {
    fn default() -> Self {
        JourneyDefaults {
            max_stages: JourneyDefaults::DEFAULT_MAX_STAGES,
            consistency_sample: JourneyDefaults::DEFAULT_CONSISTENCY_SAMPLE,
            max_stages_span: None,
            consistency_sample_span: None,
        }
    }
}

impl Config {
    /// `range` in this configuration's file.
    pub fn span(&self, range: TextRange) -> Span {
        Span::new(self.file, range)
    }

    /// The name of the environment built, if any.
    pub fn environment_name(&self) -> Option<&str> {
        self.environment.as_ref().map(|e| e.name.as_str())
    }

    /// Production's targets: the top-level ones as written, whatever
    /// environment is built.
    pub fn production_targets(&self) -> &Targets {
        self.environment.as_ref().map_or(&self.targets, |e| &e.production)
    }

    /// Whether the environment built moved `dialect`'s schema away from
    /// production's, so that models' own schemas go under it.
    pub fn moves_schema(&self, dialect: Dialect) -> bool {
        self.environment.as_ref().is_some_and(|e| e.moved_schemas.contains(&dialect))
    }

    /// Whether scheduler files carry their pipelines' schedules: always
    /// without an environment, else as the environment says.
    pub fn schedules(&self) -> bool {
        self.environment.as_ref().is_none_or(|e| e.schedules)
    }
}

/// Parses and validates the text of `cjo.toml` for no environment but its
/// `default_environment`, with no environment variables set.
pub fn parse_config(file: FileId, text: &str) -> (Config, Vec<Diagnostic>) {
    parse_config_in(file, text, &ConfigContext::default())
}

/// Parses and validates the text of `cjo.toml` for the environment and with
/// the variables of `context`. Never fails: every problem is a diagnostic,
/// and the configuration holds defaults wherever the file is missing or
/// wrong. Diagnostics come sorted by position.
pub fn parse_config_in(file: FileId, text: &str, context: &ConfigContext) -> (Config, Vec<Diagnostic>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut diags: Vec<Diagnostic> = errors.iter().map(|e| syntax_error(file, text, e)).collect();

    let mut reader = reader::Reader::new(file, text, &context.variables);
    let config = schema::read_config(&mut reader, doc.get_ref(), context.environment.as_deref());

    // After a syntax error the parser's recovery is rough: it may skip the
    // rest of the file, read the next line as part of a broken header, or
    // fill a missing value with a placeholder at an empty span. Only what
    // lies wholly before the line of the first syntax error was read as
    // written, so only complaints about that are kept; a missing key may be
    // further down, so those are dropped too.
    let trusted_end = diags.iter().map(|d| line_start(text, d.span().range.start)).min();
    diags.extend(reader.into_diagnostics().into_iter().filter(|d| match trusted_end {
        None => true,
        Some(end) => {
            let range = d.span().range;
            d.code != CONFIG_MISSING_KEY && !range.is_empty() && range.end <= end
        }
    }));
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
    (Config { file, ..config }, diags)
}

/// The offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: u32) -> u32 {
    let before = text.get(..offset as usize).unwrap_or(text);
    before.rfind('\n').map_or(0, |i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

fn syntax_error(file: FileId, text: &str, error: &toml::de::Error) -> Diagnostic {
    let len = text.len();
    let range = error.span().map_or(len..len, |r| r.start.min(len)..r.end.min(len));
    let message = error.message();
    Diagnostic::error(
        CONFIG_SYNTAX,
        Span::new(file, TextRange::from_usize(range)),
        format!("cjo.toml is not valid TOML: {message}"),
    )
    .with_label(message.to_owned())
    .with_help("see https://toml.io for the TOML syntax")
}
