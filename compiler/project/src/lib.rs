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
pub mod workspace;

pub use cache::ParseCache;
pub use catalog::Catalog;
pub use config::{
    AirflowConfig, BigQueryTarget, CatalogConfig, Config, DigdagConfig, JourneyDefaults, Orchestrators, ProjectConfig,
    RedshiftTarget, Targets, TrinoTarget, parse_config,
};
pub use dialect::Dialect;
pub use fs::{DirEntry, FileSystem, MemoryFs, ReadError, Special};
pub use limits::{Limits, MAX_FILE_SIZE};
pub use workspace::{
    CONFIG_FILE, FileKind, LoadError, Module, SourceFile, Workspace, discover, load, load_incremental, load_with,
};
