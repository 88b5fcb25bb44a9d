//! Where each warehouse keeps what we build, from `cjo.toml`'s
//! `[targets.*]`, and the real names of sources and models there.

use cjo_project::{Config, Dialect, Place};

use cjo_semantic::Model;

/// Where a build puts what it builds on one warehouse, and where it reads
/// sources from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// BigQuery's project, Redshift's (optional) database, Trino's catalog.
    pub container: Option<String>,
    /// The target's schema (BigQuery's dataset).
    pub schema: String,
    /// Production's schema, when the environment built moved the target's
    /// schema away from it: a model's own `schema` then goes under this
    /// one (see [`Location::model_schema`]).
    pub moved_from: Option<String>,
    /// Production's container and schema, which sources are completed with
    /// whatever the environment: raw data is loaded once, into production.
    pub sources: Place,
}

/// The location configured for `dialect`, if `cjo.toml` has its section
/// (the environment built's, laid over the top-level one).
pub fn location(config: &Config, dialect: Dialect) -> Option<Location> {
    let built = config.targets.place(dialect)?;
    let production = config.production_targets().place(dialect);
    let moved_from = production.as_ref().filter(|_| config.moves_schema(dialect)).map(|p| p.schema.clone());
    // A target only the environment has has no production to read from:
    // its sources are read where it builds.
    let sources = production.unwrap_or_else(|| built.clone());
    Some(Location { container: built.container, schema: built.schema, moved_from, sources })
}

impl Location {
    /// A location that builds and reads in `container` and `schema`, moved
    /// by no environment.
    pub fn fixed(container: Option<String>, schema: String) -> Location {
        let sources = Place { container: container.clone(), schema: schema.clone() };
        Location { container, schema, moved_from: None, sources }
    }

    /// The target's own `[container.]schema`.
    pub fn own_schema(&self) -> Vec<String> {
        self.container.iter().cloned().chain([self.schema.clone()]).collect()
    }

    /// The schema a model is built in: its own `schema`, else the
    /// target's. Where the environment moved the target's schema, a
    /// model's own schema goes under it, as dbt's `generate_schema_name`
    /// does: `<environment schema>_<own schema>`, so that a developer's
    /// build never writes into production's schemas. A model whose own
    /// schema is production's target schema is built in the target's
    /// schema, where production builds it too.
    pub fn model_schema(&self, model: &Model) -> Vec<String> {
        let mut parts: Vec<String> = self.container.iter().cloned().collect();
        parts.push(self.schema_for(model.schema.as_deref()));
        parts
    }

    /// The schema a model whose own `schema` is `own` is built in.
    fn schema_for(&self, own: Option<&str>) -> String {
        match (own, &self.moved_from) {
            (None, _) => self.schema.clone(),
            (Some(own), None) => own.to_owned(),
            (Some(own), Some(from)) if own == from => self.schema.clone(),
            (Some(own), Some(_)) => format!("{}_{own}", self.schema),
        }
    }

    /// A model's table: `[container.]schema.name` (its `alias` if any).
    pub fn model_table(&self, model: &Model) -> Vec<String> {
        let mut parts = self.model_schema(model);
        parts.push(model.alias.clone().unwrap_or_else(|| model.name.clone()));
        parts
    }

    /// A source's table as written (`raw.events`), completed on the left
    /// with production's container and schema where it has fewer parts
    /// (`hive.raw.events`), so that it reads the same table whatever the
    /// session's default catalog and whatever the environment built.
    pub fn source_table(&self, written: &[String]) -> Vec<String> {
        self.sources.complete(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_completed_on_the_left() {
        let loc = Location::fixed(Some("hive".into()), "analytics".into());
        let w = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(loc.source_table(&w("raw.events")), w("hive.raw.events"));
        assert_eq!(loc.source_table(&w("events")), w("hive.analytics.events"));
        assert_eq!(loc.source_table(&w("c.raw.events")), w("c.raw.events"));
        let rs = Location::fixed(None, "analytics".into());
        assert_eq!(rs.source_table(&w("raw.events")), w("raw.events"));
    }

    #[test]
    fn a_moved_schema_takes_the_models_own_schemas_under_it() {
        let prod = Location::fixed(Some("hive".into()), "analytics".into());
        assert_eq!(prod.schema_for(None), "analytics");
        assert_eq!(prod.schema_for(Some("core")), "core");
        let dev = Location {
            moved_from: Some("analytics".into()),
            ..Location::fixed(Some("hive".into()), "dev_alice".into())
        };
        assert_eq!(dev.schema_for(None), "dev_alice");
        assert_eq!(dev.schema_for(Some("core")), "dev_alice_core");
        // Production builds it in the target's schema; so does dev.
        assert_eq!(dev.schema_for(Some("analytics")), "dev_alice");
    }

    #[test]
    fn sources_are_completed_with_productions_names() {
        let w = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        let dev = Location {
            sources: Place { container: Some("prod".into()), schema: "analytics".into() },
            ..Location::fixed(Some("dev".into()), "dev_alice".into())
        };
        assert_eq!(dev.source_table(&w("raw.events")), w("prod.raw.events"));
        assert_eq!(dev.source_table(&w("events")), w("prod.analytics.events"));
        assert_eq!(dev.source_table(&w("dev.raw.events")), w("dev.raw.events"));
    }
}
