//! `cjoc diff --state DIR`: what changed since an earlier build, node by
//! node, with the kind of each change and the readers it touches.

use std::io::Write;
use std::path::Path;

use cjo_codegen::state::{Change, Kind};

use super::select::{Analyzed, State};
use super::{OK, PROBLEMS, USAGE};
use crate::{Format, render};

pub fn run(dir: &Path, state: &Path, format: Format, fail_on_breaking: bool, color: bool) -> u8 {
    let state = match State::load(Some(state)) {
        Ok(Some(s)) => s,
        Ok(None) => return USAGE,
        Err(code) => return code,
    };
    let project = match Analyzed::load(dir) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(build) = &project.build else {
        let _ = render::human(&mut std::io::stderr().lock(), &project.ws, &project.diagnostics, color);
        eprintln!("error: `cjoc diff` compares a project that builds: fix the errors above first");
        return PROBLEMS;
    };
    let current = State::current(&project.ws, &project.analysis, build);
    let changes = state.changes(&current);
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &cjo_codegen::state::to_json(&changes))
            .map_err(|e| e.io_error_kind().map_or_else(|| std::io::Error::other(e), std::io::Error::from))
            .and_then(|()| writeln!(out)),
        Format::Human => human(&mut out, &changes),
    };
    super::keep_until_exit((project, state, current));
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write: {e}");
            return USAGE;
        }
    }
    let breaking = changes.iter().filter(|c| c.kind == Kind::Breaking).count();
    if fail_on_breaking && breaking > 0 { PROBLEMS } else { OK }
}

/// One paragraph per change:
///
/// ```text
/// breaking  model.orders
///   column amount: float64 → string
///   read by model.customers (amount), check.orders.not_null_amount (amount)
/// ```
fn human(out: &mut impl Write, changes: &[Change]) -> std::io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "no changes");
    }
    for c in changes {
        writeln!(out, "{:<9} {}", c.kind.as_str(), c.id)?;
        for d in &c.details {
            writeln!(out, "  {d}")?;
        }
        if !c.readers.is_empty() {
            let readers: Vec<String> =
                c.readers.iter().map(|r| format!("{} ({})", r.id, r.columns.join(", "))).collect();
            let verb = if c.kind == Kind::Breaking { "read by" } else { "rebuild" };
            writeln!(out, "  {verb} {}", readers.join(", "))?;
        }
    }
    let count = |k: Kind| changes.iter().filter(|c| c.kind == k).count();
    let summary: Vec<String> = [Kind::Breaking, Kind::Data, Kind::Additive, Kind::Metadata, Kind::New, Kind::Removed]
        .into_iter()
        .filter(|k| count(*k) > 0)
        .map(|k| format!("{} {}", count(k), k.as_str()))
        .collect();
    writeln!(out, "\n{}", summary.join(", "))
}
