//! The project: `cjo.toml` and the files that make up a project.

pub mod config;
pub mod dialect;

pub use config::{
    AirflowConfig, BigQueryTarget, CatalogConfig, Config, DigdagConfig, JourneyDefaults,
    Orchestrators, ProjectConfig, RedshiftTarget, Targets, TrinoTarget, parse_config,
};
pub use dialect::Dialect;
