//! `--select`, `--exclude` and `--state`, shared by the commands that work
//! on part of a project (`build`, `check`, `describe`, `graph`, `ls`,
//! `diff`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use cjo_codegen::Build;
use cjo_codegen::select::{self, Graph, StateSets};
use cjo_project::{Config, SelectorConfig, Workspace};
use cjo_semantic::Analysis;

use super::USAGE;

/// The selection options.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SelectArgs {
    /// Work on these nodes only, in dbt's selection syntax: `orders`,
    /// `+orders` (with what it reads), `orders+` (with its readers),
    /// `@orders`, `tag:daily`, `path:models/staging`, `source:raw_*+`,
    /// `pipeline:nightly`, `state:modified+`; a space inside one value is
    /// a union, a comma an intersection. Repeatable.
    #[arg(long, short = 's', value_name = "SELECTOR")]
    pub select: Vec<String>,
    /// Leave these nodes out (the same syntax); a check reading an excluded
    /// node is left out too.
    #[arg(long, value_name = "SELECTOR")]
    pub exclude: Vec<String>,
    /// Add the nodes of a selection named in `cjo.toml`'s `[selectors]`
    /// (its `select` minus its `exclude`) to those of `--select`;
    /// `--exclude` still applies. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub selector: Vec<String>,
    /// The output folder of an earlier build (or its manifest.json) to
    /// compare with, for `state:modified`, `state:new` and `state:impacted`.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
}

impl SelectArgs {
    /// Whether any selection was asked for.
    pub fn is_given(&self) -> bool {
        !self.select.is_empty() || !self.exclude.is_empty() || !self.selector.is_empty()
    }
}

/// What a selection picked, with what it was asked as (for the manifest).
#[derive(Debug)]
pub struct Picked {
    /// The project's nodes; empty when no selection was asked.
    pub graph: Graph,
    /// `None`: no `--select` or `--exclude`, everything.
    pub ids: Option<BTreeSet<String>>,
}

impl Picked {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(id))
    }
}

/// Reads the expressions and picks the nodes, printing why not and
/// returning [`USAGE`] when they cannot be read or name nothing known.
pub fn pick(
    args: &SelectArgs,
    ws: &Workspace,
    analysis: &Analysis,
    build: Option<&Build>,
    state: Option<&StateSets>,
) -> Result<Picked, u8> {
    if !args.is_given() {
        // Nothing to pick from: no graph to make (a whole build's worth of
        // nodes, on every build).
        return Ok(Picked { graph: Graph::default(), ids: None });
    }
    let graph = Graph::new(ws, analysis, build);
    let parse = |flag: &str, texts: &[String]| {
        texts
            .iter()
            .map(|t| {
                select::parse(t).map_err(|e| {
                    eprintln!("error: `--{flag} {t}`: {e}");
                    USAGE
                })
            })
            .collect::<Result<Vec<_>, u8>>()
    };
    let (chosen, excluded) = (parse("select", &args.select)?, parse("exclude", &args.exclude)?);
    let named = selectors(args, &ws.config)?;
    let fail = |e: select::Error| {
        eprintln!("error: {e}");
        USAGE
    };
    if named.is_empty() {
        let ids = select::select(&graph, &chosen, &excluded, state).map_err(fail)?;
        return Ok(Picked { graph, ids: Some(ids) });
    }
    // Each selector picks its own nodes (its `exclude` applies to its
    // `select` only, as in dbt's selectors); `--select` adds to them and
    // `--exclude` takes from the whole.
    let mut ids = BTreeSet::new();
    if chosen.iter().any(|e| !e.terms.is_empty()) {
        ids.extend(select::select(&graph, &chosen, &[], state).map_err(fail)?);
    }
    for (name, s) in named {
        let exclude: Vec<select::Expr> = s.exclude.iter().map(|e| e.expr.clone()).collect();
        let picked = select::select(&graph, std::slice::from_ref(&s.select.expr), &exclude, state)
            .map_err(|e| fail(select::Error { message: format!("`--selector {name}`: {e}") }))?;
        ids.extend(picked);
    }
    if !excluded.is_empty() {
        let kept = select::select(&graph, &[], &excluded, state).map_err(fail)?;
        ids.retain(|id| kept.contains(id));
    }
    Ok(Picked { graph, ids: Some(ids) })
}

/// The selectors `--selector` names, or [`USAGE`] for a name `cjo.toml`
/// does not declare (a broken selector was reported with the
/// configuration and left out, so it is unknown here too).
fn selectors<'c>(args: &SelectArgs, config: &'c Config) -> Result<Vec<(&'c str, &'c SelectorConfig)>, u8> {
    args.selector
        .iter()
        .map(|name| {
            config.selectors.get_key_value(name.as_str()).map(|(k, s)| (k.as_str(), s)).ok_or_else(|| {
                let names: Vec<&str> = config.selectors.keys().map(String::as_str).collect();
                let hint = cjo_diagnostics::did_you_mean(name, names.iter().copied());
                let known = if names.is_empty() {
                    "cjo.toml declares no selectors; add them under `[selectors]`".to_owned()
                } else {
                    format!(
                        "the selectors are {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                };
                match hint {
                    Some(hint) => {
                        eprintln!("error: `--selector {name}`: cjo.toml has no such selector; {hint} ({known})")
                    }
                    None => eprintln!("error: `--selector {name}`: cjo.toml has no such selector; {known}"),
                }
                USAGE
            })
        })
        .collect()
}

/// An earlier build's manifest, given with `--state`.
#[derive(Debug)]
pub struct State {
    pub manifest: serde_json::Value,
}

impl State {
    /// Reads `DIR/manifest.json` (or the file itself), printing why it
    /// cannot be used.
    pub fn load(path: Option<&std::path::Path>) -> Result<Option<State>, u8> {
        let Some(path) = path else { return Ok(None) };
        let file = if path.is_dir() { path.join("manifest.json") } else { path.to_path_buf() };
        let fail = |why: String| {
            eprintln!("error: `--state {}`: {why}", path.display());
            USAGE
        };
        let reader = std::fs::File::open(&file).map_err(|e| {
            fail(format!("cannot read {}: {e} (give the output folder of a `cjoc build`)", file.display()))
        })?;
        let manifest: serde_json::Value = serde_json::from_reader(std::io::BufReader::new(reader))
            .map_err(|e| fail(format!("{} is not JSON: {e}", file.display())))?;
        cjo_codegen::state::validate(&manifest).map_err(|e| fail(format!("{}: {}", file.display(), e.message)))?;
        Ok(Some(State { manifest }))
    }

    /// This build's manifest (without a run interval: nothing compared
    /// depends on it).
    pub fn current(ws: &Workspace, analysis: &Analysis, build: &Build) -> serde_json::Value {
        cjo_codegen::manifest::manifest(ws, analysis, build, None).to_value()
    }

    /// What changed since, node by node.
    pub fn changes(&self, current: &serde_json::Value) -> Vec<cjo_codegen::state::Change> {
        cjo_codegen::state::compare(&self.manifest, current)
    }

    /// The sets `state:` atoms select.
    pub fn sets(&self, ws: &Workspace, analysis: &Analysis, build: &Build) -> StateSets {
        let current = State::current(ws, analysis, build);
        cjo_codegen::state::sets(&self.changes(&current), &current)
    }
}

/// A project loaded and checked, with its build when it has no errors:
/// what `ls`, `diff` and `check` select from.
#[derive(Debug)]
pub struct Analyzed {
    pub ws: Workspace,
    pub analysis: Analysis,
    pub diagnostics: Vec<cjo_diagnostics::Diagnostic>,
    pub build: Option<Build>,
}

impl Analyzed {
    /// Loads and checks the project around `dir`. With errors, there is no
    /// build.
    pub fn load(dir: &std::path::Path) -> Result<Analyzed, u8> {
        let ws = super::load_project(dir)?;
        let analysis = cjo_semantic::analyze(&ws);
        let (diagnostics, build) = cjo_codegen::check(&ws, &analysis);
        Ok(Analyzed { ws, analysis, diagnostics, build })
    }

    /// The number of errors, when there are any.
    pub fn errors(&self) -> Option<usize> {
        let n = self.diagnostics.iter().filter(|d| d.is_error()).count();
        (n > 0).then_some(n)
    }
}
