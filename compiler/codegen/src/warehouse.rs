//! Where each warehouse keeps what we build, from `cjo.toml`'s
//! `[targets.*]`, and the real names of sources and models there.

use cjo_project::{Config, Dialect};

use cjo_semantic::Model;

/// A target's container and default schema: BigQuery's project and
/// dataset, Redshift's (optional) database and schema, Trino's catalog and
/// schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub container: Option<String>,
    pub schema: String,
}

/// The location configured for `dialect`, if `cjo.toml` has its section.
pub fn location(config: &Config, dialect: Dialect) -> Option<Location> {
    match dialect {
        Dialect::BigQuery => config
            .targets
            .bigquery
            .as_ref()
            .map(|t| Location { container: Some(t.project.clone()), schema: t.dataset.clone() }),
        Dialect::Redshift => config
            .targets
            .redshift
            .as_ref()
            .map(|t| Location { container: t.database.clone(), schema: t.schema.clone() }),
        Dialect::Trino => config
            .targets
            .trino
            .as_ref()
            .map(|t| Location { container: Some(t.catalog.clone()), schema: t.schema.clone() }),
    }
}

impl Location {
    /// The schema a model is built in: its own `schema`, else the
    /// target's.
    pub fn model_schema(&self, model: &Model) -> Vec<String> {
        let mut parts: Vec<String> = self.container.iter().cloned().collect();
        parts.push(model.schema.clone().unwrap_or_else(|| self.schema.clone()));
        parts
    }

    /// A model's table: `[container.]schema.name` (its `alias` if any).
    pub fn model_table(&self, model: &Model) -> Vec<String> {
        let mut parts = self.model_schema(model);
        parts.push(model.alias.clone().unwrap_or_else(|| model.name.clone()));
        parts
    }

    /// A source's table as written (`raw.events`), completed on the left
    /// with the target's container and schema where it has fewer parts
    /// (`hive.raw.events`), so that it reads the same table whatever the
    /// session's default catalog.
    pub fn source_table(&self, written: &[String]) -> Vec<String> {
        let full: Vec<String> = self.container.iter().cloned().chain([self.schema.clone()]).collect();
        let missing = (full.len() + 1).saturating_sub(written.len());
        full.into_iter().take(missing).chain(written.iter().cloned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_completed_on_the_left() {
        let loc = Location { container: Some("hive".into()), schema: "analytics".into() };
        let w = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(loc.source_table(&w("raw.events")), w("hive.raw.events"));
        assert_eq!(loc.source_table(&w("events")), w("hive.analytics.events"));
        assert_eq!(loc.source_table(&w("c.raw.events")), w("c.raw.events"));
        let rs = Location { container: None, schema: "analytics".into() };
        assert_eq!(rs.source_table(&w("raw.events")), w("raw.events"));
    }
}
