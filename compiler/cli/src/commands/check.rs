//! `cjoc check`.

use std::io::Write;
use std::path::Path;

use super::select::{SelectArgs, State};
use super::{OK, PROBLEMS};
use crate::{Format, render};

pub fn run(dir: &Path, format: Format, deny_warnings: bool, selection: &SelectArgs, color: bool) -> u8 {
    let ws = match super::load_project(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let (analysis, mut diagnostics, build) = {
        let _phase = crate::progress::phase("checking");
        let analysis = cjo_semantic::analyze(&ws);
        let (diagnostics, build) = cjo_codegen::check(&ws, &analysis);
        (analysis, diagnostics, build)
    };
    if selection.is_given() || selection.state.is_some() {
        match only_selected(&ws, &analysis, build.as_ref(), selection, &mut diagnostics) {
            Ok(Some(left_out)) => eprintln!(
                "note: {left_out} diagnostic{} outside the selection and what it reads not shown",
                if left_out == 1 { " is" } else { "s are" }
            ),
            Ok(None) => {}
            Err(code) => return code,
        }
    }
    super::keep_until_exit(build);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let written = match format {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            let written = serde_json::to_writer_pretty(&mut out, &render::json_value(&ws, &diagnostics))
                .map_err(crate::out::json_io)
                .and_then(|()| writeln!(out));
            crate::out::written(written)
        }
        Format::Human => {
            // Standard error: a failure to write there has nowhere to be
            // reported.
            let mut err = std::io::stderr().lock();
            let _ = render::human(&mut err, &ws, &diagnostics, color).and_then(|()| {
                let files = ws.user_modules().count();
                let name = &ws.config.project.name;
                let summary = render::counts(errors, warnings);
                if errors > 0 {
                    writeln!(err, "error: could not check `{name}`: {summary}")
                } else if crate::progress::quiet() {
                    Ok(())
                } else {
                    writeln!(err, "checked `{name}` ({files} file{}): {summary}", if files == 1 { "" } else { "s" })
                }
            });
            Ok(())
        }
    };
    super::keep_until_exit((ws, analysis, diagnostics));
    if let Err(code) = written {
        return code;
    }
    if errors > 0 || (deny_warnings && warnings > 0) { PROBLEMS } else { OK }
}

/// Keeps the diagnostics of the files that declare the selected nodes and
/// what they read (and of `cjo.toml`); how many were left out, if any.
fn only_selected(
    ws: &cjo_project::Workspace,
    analysis: &cjo_semantic::Analysis,
    build: Option<&cjo_codegen::Build>,
    args: &SelectArgs,
    diagnostics: &mut Vec<cjo_diagnostics::Diagnostic>,
) -> Result<Option<usize>, u8> {
    let state = State::load(args.state.as_deref())?;
    let sets = match (&state, build) {
        (Some(s), Some(b)) => Some(s.sets(ws, analysis, b)),
        _ => None,
    };
    let picked = super::select::pick(args, ws, analysis, build, sets.as_ref())?;
    let Some(ids) = &picked.ids else { return Ok(None) };
    let mut kept = ids.clone();
    kept.extend(picked.graph.ancestors(ids, None));
    let files: std::collections::BTreeSet<&str> = kept
        .iter()
        .filter_map(|id| picked.graph.nodes.get(id))
        .flat_map(|n| n.files.iter().map(String::as_str))
        .collect();
    let before = diagnostics.len();
    diagnostics.retain(|d| {
        let Some(file) = ws.file(d.span().file) else { return true };
        if file.kind != cjo_project::FileKind::Cjo {
            return true;
        }
        let rel = file.path.strip_prefix(&ws.root).unwrap_or(&file.path).to_string_lossy().replace('\\', "/");
        files.contains(rel.as_str())
    });
    let left_out = before - diagnostics.len();
    Ok((left_out > 0).then_some(left_out))
}
