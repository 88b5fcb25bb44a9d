//! `cjoc`: the command-line shell around the compiler core. It parses
//! arguments, reads files through [`os_fs::OsFs`], and renders diagnostics;
//! all analysis happens in the library crates.

mod commands;
mod os_fs;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Compiles data pipelines and customer journeys written in `.cjo` files.
#[derive(Debug, Parser)]
#[command(name = "cjoc", version, about, propagate_version = true)]
struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    /// Show at most this many diagnostics, then how many more there are
    /// (0: all of them). `--format json` always lists them all.
    #[arg(long, value_name = "N", default_value_t = render::DEFAULT_LIMIT, global = true)]
    error_limit: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered for people, with the source lines.
    Human,
    /// JSON, for CI and tools (`check`: an array of diagnostics).
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Checks a project and writes its SQL per warehouse and its manifest
    /// into `target/` (or `--out`); exits 1 on errors, leaving the previous
    /// output untouched.
    Build {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder (default: `target/` in the project).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        lowering: LoweringArgs,
    },
    /// Draws the task DAG (models, checks, journeys and their edges), or
    /// with `--journey` one journey's stages and steps as a flowchart.
    Graph {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = commands::build::GraphFormat::Dot)]
        format: commands::build::GraphFormat,
        /// Draw this journey as a flowchart: a cluster per stage with its
        /// entry, the steps and their branches, the goal and the exits.
        #[arg(long, value_name = "NAME")]
        journey: Option<String>,
        #[command(flatten)]
        lowering: LoweringArgs,
    },
    /// Runs the journeys over CSV rows with the reference simulator, tick
    /// by tick: prints each tick's state tables, a customer's timeline
    /// (`--customer`), or writes every tick's tables into `--out`.
    Simulate {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The folder of `<relation>.csv` files: the profiles and events.
        #[arg(long)]
        data: PathBuf,
        /// The start: the first tick is at `--from` + `--every` (a date or
        /// a UTC time, e.g. 2026-03-01 or 2026-03-01T06:00:00Z).
        #[arg(long)]
        from: String,
        /// The last tick, included.
        #[arg(long)]
        to: String,
        /// The time between ticks, e.g. "1 day", "1 hour", "30 minutes".
        #[arg(long, default_value = "1 day")]
        every: String,
        /// Simulate only this journey (repeatable; journeys jumping into it
        /// run too).
        #[arg(long = "journey", value_name = "NAME")]
        journeys: Vec<String>,
        /// Print what happens to this customer, in plain words.
        #[arg(long, value_name = "KEY")]
        customer: Option<String>,
        /// Write ticks.csv and <journey>/<nnnn>/{state,activations}.csv here.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Parses and checks a project; exits 1 when it has errors.
    Check {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Prints the inferred columns of models (and sources): type,
    /// nullability, doc and the upstream columns each is computed from.
    #[command(alias = "explain-model")]
    Describe {
        /// Models or sources to describe (default: every model).
        names: Vec<String>,
        /// The project folder (or any folder inside it).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Formats `.cjo` files in place (or checks that they are formatted).
    Fmt {
        /// Files or folders; `-` formats standard input to standard output.
        /// Default: the project around the current folder.
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that are not formatted and exit 1.
        #[arg(long)]
        check: bool,
    },
    /// Creates a starter project that checks and builds.
    Init {
        /// The folder to create (it may exist, but must hold no cjo.toml).
        dir: PathBuf,
        /// The project's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
        /// The warehouse the project builds for.
        #[arg(long, value_parser = ["bigquery", "redshift", "trino"], default_value = "bigquery")]
        target: String,
    },
    /// Works with warehouse schemas exported from the warehouse.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Runs the language server over standard input and output (for
    /// editors: diagnostics, hover, completion, rename, compiled SQL).
    Lsp,
    /// Explains a diagnostic code, e.g. `cjoc explain E0201`.
    Explain {
        /// The code; omit it with `--list` to list every code.
        code: Option<String>,
        /// List every code with its name.
        #[arg(long)]
        list: bool,
    },
}

/// The options that decide what is built.
#[derive(Debug, clap::Args)]
struct LoweringArgs {
    /// Compile every portable model for each of these warehouses (comma
    /// separated) instead of each model's own target.
    #[arg(long, value_delimiter = ',')]
    target: Option<Vec<String>>,
    /// The start of the run interval (`$run_start`), e.g. 2026-11-21 or
    /// 2026-11-21T03:00:00Z. Default: the day before today, in UTC.
    #[arg(long, requires = "run_end")]
    run_start: Option<String>,
    /// The end of the run interval (`$run_end`), exclusive.
    #[arg(long, requires = "run_start")]
    run_end: Option<String>,
    /// Run over one whole UTC day: `$run_start` its midnight, `$run_end` the next.
    #[arg(long, conflicts_with_all = ["run_start", "run_end"])]
    run_date: Option<String>,
    /// A value for a model's `param`, as `name=value` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    env: EnvArgs,
}

/// The environment of `cjo.toml` a command reads the project for.
#[derive(Debug, clap::Args)]
struct EnvArgs {
    /// Build for the `[environments.NAME]` of cjo.toml (default: its
    /// `project.default_environment`, if any): its warehouse names,
    /// connections and schedules. `${env:VAR}` in cjo.toml reads this
    /// process's environment variables.
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
}

impl Command {
    /// The `--env` of the commands that take one.
    fn environment(&self) -> Option<&str> {
        let env = match self {
            Command::Build { lowering, .. } | Command::Graph { lowering, .. } => &lowering.env,
            Command::Simulate { env, .. } | Command::Check { env, .. } | Command::Describe { env, .. } => env,
            _ => return None,
        };
        env.env.as_deref()
    }
}

impl LoweringArgs {
    fn request(self, dir: PathBuf) -> commands::build::Request {
        commands::build::Request {
            dir,
            targets: self.target,
            run_start: self.run_start,
            run_end: self.run_end,
            run_date: self.run_date,
            params: self.params,
        }
    }
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
    /// Prints `source` declarations for the tables of exported schemas:
    /// BigQuery `bq show --schema --format=prettyjson` files named
    /// `<dataset>.<table>.json`, and `information_schema.columns` as CSV.
    Import {
        /// The exported schema files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Lists how the project's declared sources differ from the catalog
    /// files of `[catalog] paths`: declared columns the warehouse lacks, or
    /// has with another type or as nullable (errors, exit 1), and columns
    /// left undeclared, declared nullable but `not null` in the warehouse,
    /// and sources whose table the catalog does not have (listed only).
    Diff {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// The allocator: the compiler makes and frees many small trees, where
/// mimalloc is much faster than the system's (measured in
/// `tests/bench/cli.py`). Only the binary chooses it; the libraries leave
/// the choice to whoever links them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack of the thread that does the work. The parser and the passes
/// after it bound their depth, but generous room keeps that bound far from
/// the limit in every build profile, as rustc does.
const STACK_SIZE: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match std::thread::Builder::new().name("cjoc".into()).stack_size(STACK_SIZE).spawn(move || run(cli)) {
        Ok(worker) => worker.join().unwrap_or(ExitCode::from(commands::INTERNAL)),
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            ExitCode::from(commands::USAGE)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    let color = render::use_color(cli.color);
    render::set_limit(cli.error_limit);
    commands::set_environment(cli.command.environment());
    let code = match cli.command {
        Command::Build { dir, out, lowering } => commands::build::build(&lowering.request(dir), out.as_deref(), color),
        Command::Graph { dir, format, journey, lowering } => {
            commands::build::graph(&lowering.request(dir), format, journey.as_deref(), color)
        }
        Command::Simulate { dir, data, from, to, every, journeys, customer, out, .. } => commands::simulate::run(
            &commands::simulate::Request { dir, data, from, to, every, journeys, customer, out },
            color,
        ),
        Command::Check { dir, format, deny_warnings, .. } => commands::check::run(&dir, format, deny_warnings, color),
        Command::Describe { names, dir, format, .. } => commands::describe::run(&names, &dir, format),
        Command::Fmt { paths, check } => commands::fmt::run(&paths, check, color),
        Command::Init { dir, name, target } => commands::init::run(&dir, name.as_deref(), &target),
        Command::Schema { command: SchemaCommand::Import { files } } => commands::schema::import(&files, color),
        Command::Schema { command: SchemaCommand::Diff { dir, format } } => {
            commands::schema_diff::run(&dir, format, color)
        }
        Command::Explain { code, list } => commands::explain::run(code.as_deref(), list),
        Command::Lsp => commands::lsp::run(),
    };
    ExitCode::from(code)
}
