//! `cjoc check`.

use std::io::Write;
use std::path::Path;

use super::{OK, PROBLEMS};
use crate::{Format, render};

pub fn run(dir: &Path, format: Format, deny_warnings: bool, color: bool) -> u8 {
    let ws = match super::load_project(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let (analysis, diagnostics, build) = {
        let _phase = crate::progress::phase("checking");
        let analysis = cjo_semantic::analyze(&ws);
        let (diagnostics, build) = cjo_codegen::check(&ws, &analysis);
        (analysis, diagnostics, build)
    };
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
