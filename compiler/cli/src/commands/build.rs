//! `cjoc build` and `cjoc graph`: lower a checked project into its task
//! DAG and SQL, and write the output folder atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use cjo_codegen::time::Instant;
use cjo_codegen::{Options, RunInterval};
use cjo_project::{Dialect, Workspace};
use cjo_semantic::Analysis;

use super::{OK, PROBLEMS, USAGE};
use crate::render;

/// What `cjoc build` and `cjoc graph` were asked for.
#[derive(Debug, Default)]
pub struct Request {
    pub dir: PathBuf,
    /// `--target a,b`.
    pub targets: Option<Vec<String>>,
    pub run_start: Option<String>,
    pub run_end: Option<String>,
    pub run_date: Option<String>,
    /// `--param name=value`.
    pub params: Vec<String>,
    /// `--select`, `--exclude`, `--state`.
    pub selection: super::select::SelectArgs,
    /// `--defer`: unselected models are read from the `--state` build.
    pub defer: bool,
    /// `--full-refresh`: incremental models are made again, not merged.
    pub full_refresh: bool,
}

/// A project checked and lowered, or the exit code after printing why not.
struct Lowered {
    ws: Workspace,
    analysis: Analysis,
    build: cjo_codegen::Build,
    run: RunInterval,
    /// What `build` was lowered for (`--target`, `--param`).
    options: Options,
}

/// `writes`: whether the command writes an output folder (for messages).
fn lower(req: &Request, color: bool, writes: bool) -> Result<Lowered, u8> {
    let targets = match &req.targets {
        None => None,
        Some(list) => {
            let mut out = Vec::new();
            for name in list.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
                match Dialect::parse(&name.to_ascii_lowercase()) {
                    Some(d) if !out.contains(&d) => out.push(d),
                    Some(_) => {}
                    None => {
                        eprintln!("error: `{name}` is not a target: use bigquery, redshift or trino");
                        return Err(USAGE);
                    }
                }
            }
            if out.is_empty() {
                eprintln!("error: `--target` names no warehouse: use bigquery, redshift or trino");
                return Err(USAGE);
            }
            out.sort();
            Some(out)
        }
    };
    let run = run_interval(req)?;
    let mut values = BTreeMap::new();
    for p in &req.params {
        let Some((k, v)) = p.split_once('=') else {
            eprintln!("error: `--param {p}`: write `--param name=value`");
            return Err(USAGE);
        };
        values.insert(k.trim().trim_start_matches('$').to_string(), v.to_string());
    }
    let ws = super::load_project(&req.dir)?;
    let declared: std::collections::BTreeSet<String> =
        cjo_semantic::program::models(&ws).values().flat_map(|m| m.params.iter().map(|p| p.name.clone())).collect();
    for name in values.keys() {
        if !declared.contains(name) {
            let known: Vec<&str> = declared.iter().map(String::as_str).collect();
            let list = if known.is_empty() {
                "no model declares a `param`".to_string()
            } else {
                format!("the parameters are {}", known.join(", "))
            };
            eprintln!("error: `--param {name}=…`: no model has a parameter `{name}` ({list})");
            return Err(USAGE);
        }
    }
    let (analysis, diagnostics) = {
        let _phase = crate::progress::phase("checking");
        let analysis = cjo_semantic::analyze(&ws);
        let diagnostics = cjo_semantic::all_diagnostics(&ws, &analysis);
        (analysis, diagnostics)
    };
    if report(&ws, &diagnostics, color, writes)? {
        return Err(PROBLEMS);
    }
    let options = Options { targets, values, ..Options::default() };
    let build = {
        let _phase = crate::progress::phase("lowering");
        cjo_codegen::build(&ws, &analysis, &options)
    };
    if report(&ws, &build.diagnostics, color, writes)? {
        return Err(PROBLEMS);
    }
    Ok(Lowered { ws, analysis, build, run, options })
}

/// Prints the diagnostics; whether any is an error.
fn report(ws: &Workspace, diagnostics: &[cjo_diagnostics::Diagnostic], color: bool, writes: bool) -> Result<bool, u8> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut err = std::io::stderr().lock();
    let written = render::human(&mut err, ws, diagnostics, color).and_then(|()| {
        if errors > 0 {
            let summary = render::counts(errors, diagnostics.len() - errors);
            let unchanged = if writes { "; the output was not changed" } else { "" };
            writeln!(err, "error: could not build `{}`: {summary}{unchanged}", ws.config.project.name)
        } else {
            Ok(())
        }
    });
    if written.is_err() {
        return Err(USAGE);
    }
    Ok(errors > 0)
}

/// The interval `$run_start`/`$run_end` stand for: given, or the day of
/// `--run-date`, or the day before today (UTC; `SOURCE_DATE_EPOCH` stands
/// for now when set, for reproducible builds).
fn run_interval(req: &Request) -> Result<RunInterval, u8> {
    let parse = |flag: &str, text: &str| {
        Instant::parse(text).ok_or_else(|| {
            eprintln!("error: `--{flag} {text}` is not a date or time: write `2026-11-21` or `2026-11-21T03:00:00Z`");
            USAGE
        })
    };
    match (&req.run_start, &req.run_end, &req.run_date) {
        (Some(s), Some(e), None) => {
            let (start, end) = (parse("run-start", s)?, parse("run-end", e)?);
            if end <= start {
                eprintln!("error: `--run-end` must be after `--run-start`");
                return Err(USAGE);
            }
            Ok(RunInterval { start, end })
        }
        (None, None, Some(d)) => {
            let start = parse("run-date", d)?;
            Ok(RunInterval { start, end: start.plus_seconds(86_400) })
        }
        (None, None, None) => {
            let now = std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .or_else(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()
                        .and_then(|d| i64::try_from(d.as_secs()).ok())
                })
                .unwrap_or(0);
            Ok(RunInterval::day_before(Instant(now)))
        }
        _ => {
            eprintln!("error: give `--run-start` and `--run-end` together, or `--run-date` alone");
            Err(USAGE)
        }
    }
}

pub fn build(req: &Request, out: Option<&Path>, color: bool) -> u8 {
    let lowered = match lower(req, color, true) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let out_dir = out.map_or_else(|| lowered.ws.root.join("target"), Path::to_path_buf);
    let generating = crate::progress::phase("generating");
    let written = match output(req, lowered, color) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let Written { ws, build, files, picked } = &written;
    if picked.is_some() {
        note_unselected_files(&out_dir, files);
    }
    drop(generating);
    let writing = crate::progress::phase("writing");
    if let Err(e) = write_atomically(&out_dir, files) {
        eprintln!("error: cannot write {}: {e}; nothing was changed", out_dir.display());
        return USAGE;
    }
    drop(writing);
    if crate::progress::quiet() {
        super::keep_until_exit(written);
        return OK;
    }
    let count = |k| build.dag.tasks.values().filter(|t| t.kind == k).count();
    let dialects: Vec<String> = build.dialects.iter().map(|d| d.to_string()).collect();
    let of = picked.as_ref().map(|n| format!(" (selected: {n})")).unwrap_or_default();
    eprintln!(
        "built `{}`{of}: {}, {}, {} for {} → {} ({} files)",
        ws.config.project.name,
        plural(count(cjo_codegen::TaskKind::Model), "model"),
        plural(count(cjo_codegen::TaskKind::Check), "check"),
        plural(count(cjo_codegen::TaskKind::Journey), "journey"),
        if dialects.is_empty() { "no warehouse".into() } else { dialects.join(", ") },
        out_dir.display(),
        files.len()
    );
    super::keep_until_exit(written);
    OK
}

/// What a build writes, and the build it was made from.
struct Written {
    ws: Workspace,
    /// The tasks written (all of them, or the selected ones).
    build: cjo_codegen::Build,
    files: BTreeMap<String, String>,
    /// How many nodes a selection picked, when one was asked.
    picked: Option<String>,
}

/// The files of the whole build, or of the part `--select` picks (read
/// from `--state`'s build where `--defer` says).
fn output(req: &Request, lowered: Lowered, color: bool) -> Result<Written, u8> {
    let Lowered { ws, analysis, build, run, mut options } = lowered;
    let state = super::select::State::load(req.selection.state.as_deref())?;
    if let Some(state) = &state {
        // A journey that drops a step of the --state build must say where
        // the customers in it go (docs/journeys.md, "Changing a live journey").
        let plans = cjo_journey::plans(&ws, &analysis);
        if report(&ws, &cjo_codegen::journey::removed::check(&state.manifest, &plans), color, true)? {
            return Err(PROBLEMS);
        }
    }
    let sets = state.as_ref().map(|s| s.sets(&ws, &analysis, &build));
    let picked = super::select::pick(&req.selection, &ws, &analysis, Some(&build), sets.as_ref())?;
    // State was compared, and nodes picked, on the build as it merges: a
    // full refresh changes how a table is written, not what it holds, so
    // it must not make every incremental model look modified.
    let mut build = build;
    if req.full_refresh {
        options.full_refresh = true;
        build = cjo_codegen::build(&ws, &analysis, &options);
        if report(&ws, &build.diagnostics, color, true)? {
            return Err(PROBLEMS);
        }
    }
    let Some(ids) = picked.ids else {
        let mut files = cjo_codegen::output::files(&ws, &analysis, &build, run);
        files.extend(scheduler_files(&ws, &analysis, &build, &options, None, color)?);
        super::keep_until_exit((analysis, picked.graph));
        return Ok(Written { ws, build, files, picked: None });
    };
    let mut full = build;
    let mut deferred = Vec::new();
    if let (true, Some(state)) = (req.defer, &state) {
        let unselected: std::collections::BTreeSet<String> =
            picked.graph.nodes.keys().filter(|id| id.starts_with("model.") && !ids.contains(*id)).cloned().collect();
        options.deferred = cjo_codegen::state::deferred(&state.manifest, &unselected);
        deferred = options
            .deferred
            .keys()
            .filter_map(|k| analysis.models.get(k))
            .map(|m| format!("model.{}", m.name))
            .collect();
        full = cjo_codegen::build(&ws, &analysis, &options);
        if report(&ws, &full.diagnostics, color, true)? {
            return Err(PROBLEMS);
        }
    }
    let restricted = cjo_codegen::select::restrict(&full, &ids);
    let selection = cjo_codegen::manifest::Selection {
        select: &req.selection.select,
        exclude: &req.selection.exclude,
        selectors: &req.selection.selector,
        state: req.selection.state.as_ref().map(|p| p.display().to_string()),
        defer: req.defer,
        deferred,
        nodes: &ids,
    };
    let mut files = cjo_codegen::output::selected_files(&ws, &analysis, &full, &restricted, run, &selection);
    files.extend(scheduler_files(&ws, &analysis, &restricted, &options, Some(&ids), color)?);
    let summary = format!("{} of {} nodes", ids.len(), picked.graph.nodes.len());
    super::keep_until_exit((analysis, full, picked.graph));
    Ok(Written { ws, build: restricted, files, picked: Some(summary) })
}

/// A selected build replaces the output folder like any build: say so
/// when that drops files an earlier build wrote there, so that nobody
/// thinks their full build is still in it.
fn note_unselected_files(out: &Path, files: &BTreeMap<String, String>) {
    if !is_previous_build(out) {
        return;
    }
    let mut dropped = 0usize;
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(_) => {
                    let rel = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    dropped += usize::from(!files.contains_key(&rel));
                }
                Err(_) => {}
            }
        }
    }
    if dropped > 0 {
        eprintln!(
            "note: {} held {} from the previous build that this selected build does not write; they are replaced with the selection's output (build without --select, or into another --out, to keep a full build)",
            out.display(),
            plural(dropped, "file")
        );
    }
}

/// The Airflow and Digdag files of the pipelines: each item on its own
/// target (what production runs, whatever `--target` asked), with the run
/// interval left to the scheduler's templating, merging into incremental
/// tables whatever `--full-refresh` says. The build made for the files
/// serves unless `--target` changed the warehouses or `--full-refresh` how
/// tables are written.
fn scheduler_files(
    ws: &Workspace,
    analysis: &Analysis,
    build: &cjo_codegen::Build,
    options: &Options,
    picked: Option<&std::collections::BTreeSet<String>>,
    color: bool,
) -> Result<BTreeMap<String, String>, u8> {
    if build.pipelines.is_empty() {
        return Ok(BTreeMap::new());
    }
    // Scheduler files run every interval: a full refresh asked for this
    // build's SQL must not become every scheduled run's.
    if options.targets.is_none() && !options.full_refresh {
        return Ok(cjo_orchestrate::files(ws, build));
    }
    let own_targets = Options { targets: None, full_refresh: false, ..options.clone() };
    let mut scheduled = cjo_codegen::build(ws, analysis, &own_targets);
    let errors: Vec<_> = scheduled.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if report(ws, &errors, color, true)? {
        return Err(PROBLEMS);
    }
    if let Some(ids) = picked {
        scheduled = cjo_codegen::select::restrict(&scheduled, ids);
    }
    let files = cjo_orchestrate::files(ws, &scheduled);
    super::keep_until_exit(scheduled);
    Ok(files)
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Writes `files` into a fresh folder beside `out`, then swaps it in
/// ([`cjo_disk::Staging`]: one atomic step on Linux): a reader, or a build
/// killed at any moment, sees the old output or the new one, never half of
/// one, and what a killed build left beside it is cleared. A folder that is
/// not a previous build (no cjoc `manifest.json`) is not replaced.
fn write_atomically(out: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    if out.exists() && !is_previous_build(out) {
        return Err(std::io::Error::other(
            "it exists and is not a cjoc build (it has no manifest.json written by cjoc): choose another --out, or remove it",
        ));
    }
    let staging = cjo_disk::Staging::new(out, "target")?;
    for (rel, text) in files {
        staging.write(rel, text.as_bytes())?;
    }
    staging.commit()
}

fn is_previous_build(dir: &Path) -> bool {
    if std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false) {
        return true; // empty
    }
    // Scanned, not read whole: a large project's manifest can pass any
    // read limit (221 MB at 50,000 models), and it is our own output.
    let path = dir.join("manifest.json");
    let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
    regular && std::fs::File::open(&path).is_ok_and(|f| contains(f, b"\"generator\": \"cjoc", 1 << 16))
}

/// Whether what `reader` gives holds `needle`, read `chunk` bytes at a
/// time (memory bounded whatever its size).
fn contains(mut reader: impl std::io::Read, needle: &[u8], chunk: usize) -> bool {
    let keep = needle.len().saturating_sub(1);
    let mut window: Vec<u8> = Vec::with_capacity(chunk + keep);
    let mut buf = vec![0; chunk.max(1)];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        window.extend_from_slice(buf.get(..n).unwrap_or_default());
        if window.windows(needle.len()).any(|w| w == needle) {
            return true;
        }
        let cut = window.len().saturating_sub(keep);
        window.drain(..cut);
    }
}

/// How `cjoc graph` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz: `cjoc graph | dot -Tsvg > dag.svg`.
    Dot,
    /// Mermaid: paste into Markdown (GitHub renders it).
    Mermaid,
    /// Nodes and edges, for tools.
    Json,
}

pub fn graph(req: &Request, format: GraphFormat, journey: Option<&str>, color: bool) -> u8 {
    let lowered = match lower(req, color, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let text = match journey {
        Some(name) => match journey_flowchart(&lowered, name, format) {
            Ok(text) => text,
            Err(code) => return code,
        },
        None => {
            let picked =
                match super::select::pick(&req.selection, &lowered.ws, &lowered.analysis, Some(&lowered.build), None) {
                    Ok(p) => p,
                    Err(code) => return code,
                };
            let shown = picked.ids.as_ref().map(|ids| cjo_codegen::select::restrict(&lowered.build, ids));
            let dag = &shown.as_ref().unwrap_or(&lowered.build).dag;
            match format {
                GraphFormat::Dot => cjo_codegen::graph::dot(dag),
                GraphFormat::Mermaid => cjo_codegen::graph::mermaid(dag),
                GraphFormat::Json => {
                    serde_json::to_string_pretty(&cjo_codegen::graph::json(dag)).unwrap_or_default() + "\n"
                }
            }
        }
    };
    crate::out::print(text).map_or_else(|code| code, |()| OK)
}

/// `cjoc graph --journey NAME`: the journey's flowchart, or a usage error
/// naming the journeys there are.
fn journey_flowchart(lowered: &Lowered, name: &str, format: GraphFormat) -> Result<String, u8> {
    let plans = cjo_journey::plans(&lowered.ws, &lowered.analysis);
    let plan =
        plans.iter().find(|p| p.name == name).or_else(|| plans.iter().find(|p| p.name.eq_ignore_ascii_case(name)));
    let Some(plan) = plan else {
        let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
        let project = &lowered.ws.config.project.name;
        if names.is_empty() {
            eprintln!("error: `--journey {name}`: project `{project}` has no journeys");
        } else {
            let hint = cjo_diagnostics::did_you_mean(name, names.iter().copied()).map(|h| format!("; {h}"));
            eprintln!(
                "error: `--journey {name}`: project `{project}` has no journey `{name}` (its journeys: {}){}",
                names.join(", "),
                hint.unwrap_or_default()
            );
        }
        return Err(USAGE);
    };
    let chart = cjo_journey::flowchart::flowchart(&lowered.ws, plan);
    Ok(match format {
        GraphFormat::Dot => cjo_journey::flowchart::dot(&chart),
        GraphFormat::Mermaid => cjo_journey::flowchart::mermaid(&chart),
        GraphFormat::Json => serde_json::to_string_pretty(&flowchart_json(&chart)).unwrap_or_default() + "\n",
    })
}

/// The flowchart's nodes and edges as data: `{journey, stages, nodes,
/// edges}`, in the order they are drawn. An edge's end is a node's id or,
/// for a milestone, a stage's.
fn flowchart_json(chart: &cjo_journey::flowchart::Flowchart) -> serde_json::Value {
    let stages: Vec<serde_json::Value> =
        chart.stages.iter().map(|c| serde_json::json!({ "id": c.id, "name": c.name })).collect();
    let nodes: Vec<serde_json::Value> = chart
        .nodes
        .iter()
        .map(|n| {
            serde_json::json!({
                "id": n.id,
                "kind": n.kind.as_str(),
                "label": n.label,
                "stage": n.stage.and_then(|s| chart.stages.get(s)).map(|c| c.id.as_str()),
            })
        })
        .collect();
    let edges: Vec<serde_json::Value> = chart
        .edges
        .iter()
        .map(|e| {
            serde_json::json!({
                "from": chart.endpoint_id(&e.from),
                "to": chart.endpoint_id(&e.to),
                "label": e.label,
                "dashed": e.dashed,
            })
        })
        .collect();
    serde_json::json!({ "journey": chart.journey, "stages": stages, "nodes": nodes, "edges": edges })
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn the_marker_is_found_across_chunks() {
        let text = format!("{}\"generator\": \"cjoc 0.1\"{}", "x".repeat(1000), "y".repeat(1000));
        for chunk in [1, 3, 7, 64, 4096] {
            assert!(contains(text.as_bytes(), b"\"generator\": \"cjoc", chunk), "{chunk}");
            assert!(!contains(text.as_bytes(), b"\"generator\": \"dbt", chunk), "{chunk}");
        }
    }
}
