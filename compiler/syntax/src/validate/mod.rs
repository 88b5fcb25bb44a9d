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

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};

use crate::ast::File;

/// The warehouses code can be generated for.
pub const DIALECTS: &[&str] = &["bigquery", "redshift", "trino"];

/// The primitive type names.
pub const PRIMITIVE_TYPES: &[&str] = &["bool", "int", "float", "decimal", "string", "bytes", "date", "timestamp", "json"];

/// Checks `ast` (the file `file`) and returns what is wrong with it.
pub fn validate(file: FileId, ast: &File) -> Vec<Diagnostic> {
    let mut cx = Cx { file, out: Vec::new() };
    for item in &ast.items {
        items::item(&mut cx, item);
    }
    cx.out
}

/// The context threaded through the checks.
struct Cx {
    file: FileId,
    out: Vec<Diagnostic>,
}

impl Cx {
    fn span(&self, range: TextRange) -> Span {
        Span::new(self.file, range)
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

#[cfg(test)]
mod tests;
