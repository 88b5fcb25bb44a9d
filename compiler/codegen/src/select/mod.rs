//! Node selection: which sources, models, checks and journeys a command
//! works on, written in dbt's selection language (`--select`,
//! `--exclude`), which people know by heart. Where dbt has the same
//! operator, the meaning is dbt's; `docs/selection.md` lists the
//! differences.
//!
//! An unknown name, tag, pipeline or path is an error with the nearest
//! one suggested, never a quietly empty selection.

mod graph;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use cjo_project::Dialect;

use crate::lower::Build;

pub use cjo_project::selection::{Atom, Expr, Method, SyntaxError, Term, parse};
pub use graph::{Graph, Node, NodeKind};

/// Why a selection could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<SyntaxError> for Error {
    fn from(e: SyntaxError) -> Error {
        Error { message: e.message }
    }
}

fn error(message: String) -> Error {
    Error { message }
}

/// What `--state` found against a previous build, for `state:` atoms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateSets {
    /// Nodes whose definition, settings or upstream columns changed.
    pub modified: BTreeSet<String>,
    /// Nodes the previous build did not have.
    pub new: BTreeSet<String>,
    /// The changed nodes and the readers of the columns they change.
    pub impacted: BTreeSet<String>,
}

/// The nodes `select` (every node when empty) minus `exclude` picks. A
/// check goes with what it reads, as dbt's "eager" indirect selection has
/// it: a check reading an excluded node is excluded, and one reading a
/// picked node is picked (unless excluded).
pub fn select(
    graph: &Graph,
    select: &[Expr],
    exclude: &[Expr],
    state: Option<&StateSets>,
) -> Result<BTreeSet<String>, Error> {
    let chosen = if select.iter().all(|e| e.terms.is_empty()) {
        graph.nodes.keys().cloned().collect()
    } else {
        union(graph, select, state)?
    };
    let mut excluded = union(graph, exclude, state)?;
    excluded.extend(checks_reading(graph, &excluded));
    let direct: BTreeSet<String> = chosen.difference(&excluded).cloned().collect();
    let checks: Vec<String> = checks_reading(graph, &direct).into_iter().filter(|c| !excluded.contains(c)).collect();
    let mut result = direct;
    result.extend(checks);
    Ok(result)
}

/// The checks that read any of `nodes`.
fn checks_reading(graph: &Graph, nodes: &BTreeSet<String>) -> Vec<String> {
    let checks = graph.nodes.values().filter(|n| n.kind == NodeKind::Check);
    checks.filter(|n| n.parents.iter().any(|p| nodes.contains(p))).map(|n| n.id.clone()).collect()
}

fn union(graph: &Graph, exprs: &[Expr], state: Option<&StateSets>) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    for term in exprs.iter().flat_map(|e| &e.terms) {
        let mut set: Option<BTreeSet<String>> = None;
        for atom in &term.atoms {
            let found = atom_nodes(graph, atom, state)?;
            set = Some(match set {
                None => found,
                Some(s) => s.intersection(&found).cloned().collect(),
            });
        }
        out.extend(set.unwrap_or_default());
    }
    Ok(out)
}

/// What one atom selects, its graph operators applied.
fn atom_nodes(graph: &Graph, atom: &Atom, state: Option<&StateSets>) -> Result<BTreeSet<String>, Error> {
    let base = matches(graph, atom, state)?;
    if atom.at {
        let mut down = graph.descendants(&base, None);
        down.extend(base);
        let up = graph.ancestors(&down, None);
        down.extend(up);
        return Ok(down);
    }
    let mut out = base.clone();
    if let Some(depth) = atom.parents {
        out.extend(graph.ancestors(&base, depth));
    }
    // `state:impacted` already follows the change downstream, column by
    // column: its `+` adds nothing (that is what narrows `state:modified+`).
    let impacted = atom.method == Method::State && atom.value == "impacted";
    if let (Some(depth), false) = (atom.children, impacted) {
        out.extend(graph.descendants(&base, depth));
    }
    Ok(out)
}

/// The nodes an atom's method and value match, before graph operators.
fn matches(graph: &Graph, atom: &Atom, state: Option<&StateSets>) -> Result<BTreeSet<String>, Error> {
    let value = atom.value.as_str();
    let by = |kinds: &[NodeKind], what: &str| by_name(graph, atom, kinds, what);
    match atom.method {
        Method::Default if value == "*" => Ok(graph.nodes.keys().cloned().collect()),
        Method::Default if looks_like_path(value) => by_path(graph, atom),
        Method::Default => by(&[NodeKind::Model, NodeKind::Source, NodeKind::Journey], "model, source or journey"),
        Method::Model => by(&[NodeKind::Model], "model"),
        Method::Source => by(&[NodeKind::Source], "source"),
        Method::Journey => by(&[NodeKind::Journey], "journey"),
        Method::Check => by_check(graph, atom),
        Method::Path => by_path(graph, atom),
        Method::Tag => {
            let tags: BTreeSet<&str> = graph.nodes.values().flat_map(|n| n.tags.iter().map(String::as_str)).collect();
            let wanted: BTreeSet<&str> = tags.iter().copied().filter(|t| glob(value, t)).collect();
            if wanted.is_empty() {
                return Err(unknown(atom, "tag", tags.into_iter()));
            }
            Ok(ids(graph, |n| n.tags.iter().any(|t| wanted.contains(t.as_str()))))
        }
        Method::Pipeline => {
            let names: Vec<&str> = graph.pipelines.iter().map(String::as_str).collect();
            let wanted: BTreeSet<&str> = names.iter().copied().filter(|p| glob(value, p)).collect();
            if wanted.is_empty() {
                return Err(unknown(atom, "pipeline", names.into_iter()));
            }
            Ok(ids(graph, |n| n.pipelines.iter().any(|p| wanted.contains(p.as_str()))))
        }
        Method::Materialized => {
            const KINDS: [&str; 3] = ["view", "table", "incremental"];
            let Some(kind) = KINDS.into_iter().find(|k| k.eq_ignore_ascii_case(value)) else {
                return Err(unknown(atom, "materialization", KINDS.into_iter()));
            };
            Ok(ids(graph, |n| n.materialized == Some(kind)))
        }
        Method::Target => {
            let Some(dialect) = Dialect::parse(&value.to_ascii_lowercase()) else {
                return Err(unknown(atom, "warehouse", Dialect::names()));
            };
            Ok(ids(graph, |n| n.target == Some(dialect)))
        }
        Method::State => {
            let Some(state) = state else {
                return Err(error(format!(
                    "`{atom}` needs `--state DIR`: the output folder of the build to compare with"
                )));
            };
            match value {
                "modified" => Ok(state.modified.clone()),
                "new" => Ok(state.new.clone()),
                "impacted" => Ok(state.impacted.clone()),
                _ => Err(unknown(atom, "state", ["modified", "new", "impacted"].into_iter())),
            }
        }
    }
}

fn ids(graph: &Graph, keep: impl Fn(&Node) -> bool) -> BTreeSet<String> {
    graph.nodes.values().filter(|n| keep(n)).map(|n| n.id.clone()).collect()
}

/// Nodes of `kinds` whose name matches the atom's value (a glob, any case).
fn by_name(graph: &Graph, atom: &Atom, kinds: &[NodeKind], what: &str) -> Result<BTreeSet<String>, Error> {
    let candidates = || graph.nodes.values().filter(|n| kinds.contains(&n.kind));
    let found: BTreeSet<String> = candidates()
        .filter(|n| glob(&atom.value.to_ascii_lowercase(), &n.name.to_ascii_lowercase()))
        .map(|n| n.id.clone())
        .collect();
    if found.is_empty() {
        return Err(unknown(atom, what, candidates().map(|n| n.name.as_str())));
    }
    Ok(found)
}

/// `check:orders` (every check of `orders`) or `check:orders.not_null_id`.
fn by_check(graph: &Graph, atom: &Atom) -> Result<BTreeSet<String>, Error> {
    let value = atom.value.to_ascii_lowercase();
    let checks = || graph.nodes.values().filter(|n| n.kind == NodeKind::Check);
    let found: BTreeSet<String> = checks()
        .filter(|n| {
            let full = n.id.strip_prefix("check.").unwrap_or(&n.id).to_ascii_lowercase();
            let checked = full.rsplit_once('.').map_or(full.as_str(), |(m, _)| m);
            glob(&value, &full) || glob(&value, checked)
        })
        .map(|n| n.id.clone())
        .collect();
    if found.is_empty() {
        let names: Vec<&str> = checks().map(|n| n.id.strip_prefix("check.").unwrap_or(&n.id)).collect();
        return Err(unknown(atom, "check", names.into_iter()));
    }
    Ok(found)
}

/// Nodes declared in a file, or in a folder, relative to the project.
fn by_path(graph: &Graph, atom: &Atom) -> Result<BTreeSet<String>, Error> {
    let wanted = atom.value.trim_start_matches("./").trim_end_matches('/');
    let inside = |file: &str| {
        wanted.is_empty()
            || wanted == "."
            || file == wanted
            || file.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('/'))
            || glob(wanted, file)
    };
    let found = ids(graph, |n| n.files.iter().any(|f| inside(f)));
    if found.is_empty() {
        let files: BTreeSet<&str> = graph.nodes.values().flat_map(|n| n.files.iter().map(String::as_str)).collect();
        return Err(unknown(atom, "file or folder of the project with something declared in it", files.into_iter()));
    }
    Ok(found)
}

/// dbt reads a bare value as a path when it has a `/` or names a file.
fn looks_like_path(value: &str) -> bool {
    value.contains('/') || value.ends_with(".cjo")
}

/// "`--select ordrs`: no model, source or journey is named `ordrs`; did
/// you mean `orders`?"
fn unknown<'a>(atom: &Atom, what: &str, known: impl Iterator<Item = &'a str>) -> Error {
    let known: Vec<&str> = known.collect();
    let hint = cjo_diagnostics::did_you_mean(&atom.value, known.iter().copied());
    let tail = match hint {
        Some(h) => format!("; {h}"),
        None if known.is_empty() => format!(" (the project has no {what})"),
        None if known.len() <= 12 => format!(" (there are: {})", known.join(", ")),
        None => String::new(),
    };
    error(format!("`{atom}`: no {what} matches `{}`{tail}", atom.value))
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters and `?` for one. Linear in `text` per star (the usual
/// backtrack-to-last-star walk), so no pattern can make it slow.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// The part of `build` that `ids` picks: its tasks, with edges to tasks
/// left out dropped, and each pipeline cut to its picked tasks (a pipeline
/// left with none is dropped, and so is a wait for one). What scheduler
/// files and SQL files a selected build writes.
pub fn restrict(build: &Build, ids: &BTreeSet<String>) -> Build {
    let tasks = build.dag.tasks.iter().filter(|(id, _)| ids.contains(*id)).map(|(id, t)| (id.clone(), t.clone()));
    let dag = crate::Dag::new(tasks.collect());
    let mut pipelines: Vec<crate::pipeline::Pipeline> = build
        .pipelines
        .iter()
        .filter(|p| p.tasks.iter().any(|t| ids.contains(t)))
        .cloned()
        .map(|mut p| {
            p.tasks.retain(|t| ids.contains(t));
            for w in &mut p.waits {
                w.needed_by.retain(|t| ids.contains(t));
            }
            p.waits.retain(|w| !w.needed_by.is_empty());
            for f in &mut p.feeds {
                f.needed_by.retain(|t| ids.contains(t));
            }
            p.feeds.retain(|f| !f.needed_by.is_empty());
            p
        })
        .collect();
    let kept: BTreeSet<String> = pipelines.iter().map(|p| p.name.clone()).collect();
    for p in &mut pipelines {
        p.waits.retain(|w| kept.contains(&w.pipeline));
    }
    Build {
        dag,
        dialects: build.dialects.clone(),
        tables: build.tables.clone(),
        locations: build.locations.clone(),
        journeys: build.journeys.clone(),
        pipelines,
        diagnostics: Vec::new(),
        full_refresh: build.full_refresh,
    }
}
