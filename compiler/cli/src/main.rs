//! `cjoc`: the command-line shell around the compiler core. It parses
//! arguments, reads files through [`os_fs::OsFs`], and renders diagnostics;
//! all analysis happens in the library crates.

// Standard output is written through `out` (a closed pipe is not a panic).
#![deny(clippy::print_stdout, clippy::print_stderr)]

/// `eprintln!` that cannot panic ([`out::eprint_line`]). Defined before the
/// modules, it shadows the standard macro in every one of them, so that no
/// message to a closed standard error (`cjoc build 2>&1 | head -1`) can
/// crash cjoc, whoever writes the next message.
macro_rules! eprintln {
    () => {
        $crate::out::eprint_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::out::eprint_line(format_args!($($arg)*))
    };
}

mod commands;
mod os_fs;
mod out;
mod progress;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

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
    /// Print no summary lines (`built …`, `checked …`) and no progress;
    /// diagnostics and errors are still printed.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each phase of the work took.
    #[arg(short, long, global = true)]
    verbose: bool,
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

/// How `check` and `schema diff` print their report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered for people, with the source lines.
    Human,
    /// JSON, for CI and tools (`check`: an array of diagnostics).
    Json,
}

/// How `describe` prints the columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DescribeFormat {
    /// A block of text per model: each column with its type, nullability,
    /// doc and lineage.
    Human,
    /// JSON, for tools: an array of models and sources with their columns.
    Json,
}

impl From<DescribeFormat> for Format {
    fn from(format: DescribeFormat) -> Format {
        match format {
            DescribeFormat::Human => Format::Human,
            DescribeFormat::Json => Format::Json,
        }
    }
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
        targets: TargetArgs,
        #[command(flatten)]
        lowering: LoweringArgs,
        #[command(flatten)]
        selection: commands::select::SelectArgs,
        /// Read the models left out of the selection from where the
        /// `--state` build put them (production), instead of building them.
        #[arg(long, requires = "state")]
        defer: bool,
        /// Rebuild incremental models (the selected ones, with `--select`)
        /// from scratch: their SQL drops and makes the table again from the
        /// body instead of merging the run interval into it. The body's
        /// `$run_start`/`$run_end` filter still applies: give the interval
        /// the table should hold with `--run-start`/`--run-end`.
        #[arg(long)]
        full_refresh: bool,
    },
    /// Draws the task DAG (models, checks, journeys and their edges), or
    /// with `--journey` one journey's stages and steps as a flowchart.
    Graph {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// How to draw it.
        #[arg(long, value_enum, default_value_t = commands::build::GraphFormat::Dot)]
        format: commands::build::GraphFormat,
        /// Draw this journey as a flowchart: a cluster per stage with its
        /// entry, the steps and their branches, the goal and the exits.
        #[arg(long, value_name = "NAME")]
        journey: Option<String>,
        #[command(flatten)]
        selection: commands::select::SelectArgs,
        #[command(flatten)]
        env: EnvArgs,
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
        /// With `--select`: the diagnostics of the selected nodes and of
        /// what they read.
        #[command(flatten)]
        selection: commands::select::SelectArgs,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Lists the project's nodes (sources, models, checks, journeys), or
    /// those `--select` picks, one per line.
    #[command(alias = "list")]
    Ls {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        selection: commands::select::SelectArgs,
        /// What to print of each node.
        #[arg(long, value_enum, default_value_t = commands::ls::Output::Id)]
        output: commands::ls::Output,
        /// `json`: one array of nodes with their kind, files, tags and
        /// what they read.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Lists what changed since an earlier build (`--state`), node by
    /// node: breaking (a column read downstream removed or retyped, with
    /// each reader), data (values may change), additive (new columns only)
    /// or metadata (docs, comments, layout).
    Diff {
        /// The project folder (or any folder inside it).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The output folder of the build to compare with (or its
        /// manifest.json).
        #[arg(long, value_name = "DIR")]
        state: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when a change is breaking (to block a pull request).
        #[arg(long)]
        fail_on_breaking: bool,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Prints the inferred columns of models (and sources): type,
    /// nullability, doc and the upstream columns each is computed from.
    ///
    /// `cjoc describe DIR` describes every model of the project in DIR: a
    /// lone argument is the project folder when it is an existing folder
    /// written as a path (with a `/`, or `.` or `..`) or holding a
    /// `cjo.toml`; otherwise it is a name, as with `--dir`.
    #[command(alias = "explain-model")]
    Describe {
        /// Models or sources to describe (default: every model), or the
        /// project folder alone.
        #[arg(value_name = "NAMES|DIR")]
        names: Vec<String>,
        /// The project folder (or any folder inside it); default: the
        /// current folder.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// How to print the columns.
        #[arg(long, value_enum, default_value_t = DescribeFormat::Human)]
        format: DescribeFormat,
        #[command(flatten)]
        selection: commands::select::SelectArgs,
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
        /// The code; without it (or with `--list`), every code is listed
        /// with its name.
        code: Option<String>,
        /// List every code with its name.
        #[arg(long)]
        list: bool,
    },
    /// Prints a shell's completion script for cjoc, e.g.
    /// `cjoc completions bash > ~/.local/share/bash-completion/completions/cjoc`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The warehouses `build` writes SQL for. `graph` does not take them: the
/// task DAG is the same for every warehouse.
#[derive(Debug, clap::Args)]
struct TargetArgs {
    /// Compile every portable model for each of these warehouses (comma
    /// separated) instead of each model's own target.
    #[arg(long, value_delimiter = ',')]
    target: Option<Vec<String>>,
}

/// The values the SQL is written with. `graph` does not take them: they
/// change no task and no edge.
#[derive(Debug, clap::Args)]
struct LoweringArgs {
    /// The start of the run interval (`$run_start`), e.g. 2026-11-21 or
    /// 2026-11-21T03:00:00Z; needs `--run-end`. Default: the day before
    /// today, in UTC.
    #[arg(long, requires = "run_end")]
    run_start: Option<String>,
    /// The end of the run interval (`$run_end`), exclusive; needs
    /// `--run-start`.
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
            Command::Build { lowering, .. } => &lowering.env,
            Command::Graph { env, .. }
            | Command::Simulate { env, .. }
            | Command::Check { env, .. }
            | Command::Describe { env, .. }
            | Command::Ls { env, .. }
            | Command::Diff { env, .. } => env,
            _ => return None,
        };
        env.env.as_deref()
    }
}

impl LoweringArgs {
    fn request(
        self,
        dir: PathBuf,
        targets: TargetArgs,
        selection: commands::select::SelectArgs,
        defer: bool,
        full_refresh: bool,
    ) -> commands::build::Request {
        commands::build::Request {
            dir,
            targets: targets.target,
            run_start: self.run_start,
            run_end: self.run_end,
            run_date: self.run_date,
            params: self.params,
            selection,
            defer,
            full_refresh,
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
    progress::set_level(match (cli.quiet, cli.verbose) {
        (true, _) => progress::Level::Quiet,
        (false, true) => progress::Level::Verbose,
        (false, false) => progress::Level::Normal,
    });
    if cli.command.does_long_work() {
        progress::start();
    }
    let code = match cli.command {
        Command::Build { dir, out, targets, lowering, selection, defer, full_refresh } => {
            let request = lowering.request(dir, targets, selection, defer, full_refresh);
            commands::build::build(&request, out.as_deref(), color)
        }
        Command::Graph { dir, format, journey, selection, .. } => {
            let request = commands::build::Request { dir, selection, ..commands::build::Request::default() };
            commands::build::graph(&request, format, journey.as_deref(), color)
        }
        Command::Simulate { dir, data, from, to, every, journeys, customer, out, .. } => commands::simulate::run(
            &commands::simulate::Request { dir, data, from, to, every, journeys, customer, out },
            color,
        ),
        Command::Check { dir, format, deny_warnings, selection, .. } => {
            commands::check::run(&dir, format, deny_warnings, &selection, color)
        }
        Command::Ls { dir, selection, output, format, .. } => commands::ls::run(&dir, &selection, output, format),
        Command::Diff { dir, state, format, fail_on_breaking, .. } => {
            commands::diff::run(&dir, &state, format, fail_on_breaking, color)
        }
        Command::Describe { names, dir, format, selection, .. } => {
            commands::describe::run(names, dir, format.into(), &selection)
        }
        Command::Fmt { paths, check } => commands::fmt::run(&paths, check, color),
        Command::Init { dir, name, target } => commands::init::run(&dir, name.as_deref(), &target),
        Command::Schema { command: SchemaCommand::Import { files } } => commands::schema::import(&files, color),
        Command::Schema { command: SchemaCommand::Diff { dir, format } } => {
            commands::schema_diff::run(&dir, format, color)
        }
        Command::Explain { code, list } => commands::explain::run(code.as_deref(), list),
        Command::Lsp => commands::lsp::run(),
        Command::Completions { shell } => commands::completions::run(shell, &mut Cli::command()),
    };
    progress::finish();
    ExitCode::from(code)
}

impl Command {
    /// Whether the command reads and analyses a project, which may take
    /// long enough to deserve a progress line.
    fn does_long_work(&self) -> bool {
        matches!(
            self,
            Command::Build { .. }
                | Command::Graph { .. }
                | Command::Simulate { .. }
                | Command::Check { .. }
                | Command::Describe { .. }
                | Command::Ls { .. }
                | Command::Diff { .. }
                | Command::Schema { command: SchemaCommand::Diff { .. } }
        )
    }
}
