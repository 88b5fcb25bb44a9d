//! What both schedulers need to know of a task.

use cjo_codegen::{Build, Task, TaskKind};
use cjo_project::{Dialect, Workspace};

pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub build: &'a Build,
    /// `cjoc 0.1.0`.
    pub generator: &'a str,
}

/// How a task runs on its warehouse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// Statements that must all succeed.
    Execute,
    /// One query counting failing rows: the task fails unless it is 0
    /// (checks and consistency checks on Redshift and Trino; on BigQuery
    /// the statement is an `ASSERT` and fails by itself).
    ExpectZero,
}

/// A task of a pipeline: its warehouse and statements (the run values
/// still holes, for the scheduler to fill).
pub struct Step<'a> {
    pub task: &'a Task,
    pub dialect: Dialect,
    pub statements: &'a [cjo_codegen::Statement],
    pub run: Run,
}

impl<'a> Context<'a> {
    /// The task `id` as a scheduler runs it, when it has SQL.
    pub fn step(&self, id: &str) -> Option<Step<'a>> {
        let task = self.build.dag.tasks.get(id)?;
        // Lowered for each item's own target: one dialect per task.
        let (dialect, sql) = task.sql.iter().next()?;
        let run = match (task.kind, dialect) {
            (TaskKind::Check, Dialect::Redshift | Dialect::Trino) => Run::ExpectZero,
            _ => Run::Execute,
        };
        Some(Step { task, dialect: *dialect, statements: &sql.statements, run })
    }

    /// Whether the files carry their pipelines' schedules (see
    /// [`cjo_project::Config::schedules`]).
    pub fn schedules(&self) -> bool {
        self.ws.config.schedules()
    }

    pub fn project(&self) -> &str {
        &self.ws.config.project.name
    }

    /// BigQuery's job location, when `cjo.toml` gives one.
    pub fn bigquery_location(&self) -> Option<&str> {
        self.ws.config.targets.bigquery.as_ref().and_then(|t| t.location.as_deref())
    }
}
