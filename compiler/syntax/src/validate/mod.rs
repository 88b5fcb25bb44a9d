//! Structural checks on one file's tree: what every declaration must and
//! may contain, the shape of each setting's value, duplicates, known type
//! and dialect names, check arguments, cron strings, A/B shares, dates.
//! Names that refer to other declarations are resolved later, by the
//! semantic stage.

mod cron;
mod items;
mod journey;
mod schema;
mod values;

/// The settings each declaration takes, with a line on each: what the
/// checker accepts, and what the editor completes.
pub use schema::{JOURNEY as JOURNEY_SETTINGS, MODEL as MODEL_SETTINGS, PIPELINE as PIPELINE_SETTINGS, Spec};

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};

use crate::Parse;

/// The warehouses code can be generated for.
pub const DIALECTS: &[&str] = &["bigquery", "redshift", "trino"];

/// The primitive type names.
pub const PRIMITIVE_TYPES: &[&str] =
    &["bool", "int", "float", "decimal", "string", "bytes", "date", "timestamp", "json"];

/// Checks the parsed file `file` and returns what is wrong with it.
pub fn validate(file: FileId, parse: &Parse) -> Vec<Diagnostic> {
    let syntax_errors = parse.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.span().range).collect();
    let mut cx = Cx { file, out: Vec::new(), syntax_errors, item: TextRange::default() };
    for item in &parse.file.items {
        cx.item = item.range();
        items::item(&mut cx, item);
    }
    items::expression_types(&mut cx, &parse.file);
    cx.out
}

/// The context threaded through the checks.
struct Cx {
    file: FileId,
    out: Vec<Diagnostic>,
    /// Where the parser reported errors in this file.
    syntax_errors: Vec<TextRange>,
    /// The declaration being checked.
    item: TextRange,
}

impl Cx {
    fn span(&self, range: TextRange) -> Span {
        Span::new(self.file, range)
    }

    /// Reports `word` at `range` as an unknown warehouse. `also` are other
    /// words valid in that place; `help` is said when none is close.
    fn unknown_dialect(&mut self, word: &str, range: TextRange, also: &[&str], help: &str) {
        let candidates = DIALECTS.iter().chain(also).copied();
        let help = cjo_diagnostics::did_you_mean(word, candidates).unwrap_or_else(|| help.to_string());
        let message = format!("unknown warehouse `{word}`");
        self.push(Diagnostic::error(cjo_diagnostics::UNKNOWN_DIALECT, self.span(range), message).with_help(help));
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// Reports something missing, unless the declaration has a syntax
    /// error: then the missing part is most likely in what could not be
    /// read, and saying it is missing would only add noise.
    fn missing(&mut self, d: Diagnostic) {
        let item = self.item;
        if !self.syntax_errors.iter().any(|r| item.start <= r.start && r.start <= item.end) {
            self.out.push(d);
        }
    }
}

#[cfg(test)]
mod tests;
