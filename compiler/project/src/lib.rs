//! The project: `cjo.toml`, the files that make up a project, the warehouse
//! catalog, and loading them through the [`FileSystem`] trait (the core does
//! no I/O).

pub mod cache;
pub mod catalog;
pub mod config;
pub mod dialect;
pub mod fs;
pub mod limits;
mod loader;
pub mod parallel;
pub mod selection;
pub mod workspace;

pub use cache::ParseCache;
pub use catalog::Catalog;
pub use config::{
    ActiveEnvironment, AirflowConfig, BigQueryTarget, CatalogConfig, Config, ConfigContext, DigdagConfig,
    EnvironmentConfig, JourneyDefaults, Orchestrators, Place, ProjectConfig, RedshiftTarget, SelectorConfig,
    SelectorExpr, Targets, TrinoTarget, Variables, parse_config, parse_config_in,
};
pub use dialect::Dialect;
pub use fs::{DirEntry, FileSystem, MemoryFs, ReadError, Special};
pub use limits::{Limits, MAX_FILE_SIZE};
pub use workspace::{
    CONFIG_FILE, FileKind, LoadError, Module, SourceFile, Workspace, discover, load, load_in, load_incremental,
    load_incremental_in, load_with,
};
