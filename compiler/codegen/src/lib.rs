//! Lowering: a checked project into the task DAG and each task's SQL for
//! BigQuery, Redshift and Trino.
//!
//! [`build`] never fails: it returns the DAG it could make and the
//! diagnostics found on the way (constructs a target cannot express,
//! missing `[targets.*]`, parameters without a value). Nothing here
//! touches the disk; [`output::files`] gives the files a build writes.
//!
//! A model's SQL body is the tree sqlparser made when the checker parsed
//! it ([`cjo_semantic::Analysis::queries`]), rewritten for each dialect
//! ([`rewrite`]) with the types the checker recorded, then wrapped in its
//! materialization ([`materialize`]).

pub mod checks;
pub mod cjo_expr;
pub mod dag;
mod errors;
pub mod feed;
pub mod graph;
pub mod ident;
pub mod items;
pub mod journey;
pub mod literal;
pub mod manifest;
pub mod materialize;
pub mod output;
pub mod params;
pub mod pipeline;
pub mod rewrite;
pub mod templates;
pub mod time;
pub mod types;
pub mod warehouse;

mod lower;

pub use dag::{Dag, Task, TaskKind, TaskSql};
pub use lower::{Build, JourneyTables, Options, build};
pub use params::{Binding, Param, Part, RunInterval, RunValue, Statement};
