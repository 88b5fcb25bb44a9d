//! `cjoc check`.

use std::io::Write;
use std::path::Path;

use super::{OK, PROBLEMS, USAGE};
use crate::{Format, render};

pub fn run(dir: &Path, format: Format, deny_warnings: bool, color: bool) -> u8 {
    let ws = match super::load_project(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let analysis = cjo_semantic::analyze(&ws);
    let (diagnostics, build) = cjo_codegen::check(&ws, &analysis);
    super::keep_until_exit(build);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let written = match format {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &render::json_value(&ws, &diagnostics))
                .map_err(|e| e.io_error_kind().map_or_else(|| std::io::Error::other(e), std::io::Error::from))
                .and_then(|()| writeln!(out))
        }
        Format::Human => {
            let mut err = std::io::stderr().lock();
            render::human(&mut err, &ws, &diagnostics, color).and_then(|()| {
                let files = ws.user_modules().count();
                let name = &ws.config.project.name;
                let summary = render::counts(errors, warnings);
                if errors > 0 {
                    writeln!(err, "error: could not check `{name}`: {summary}")
                } else {
                    writeln!(err, "checked `{name}` ({files} file{}): {summary}", if files == 1 { "" } else { "s" })
                }
            })
        }
    };
    super::keep_until_exit((ws, analysis, diagnostics));
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return USAGE;
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) { PROBLEMS } else { OK }
}
