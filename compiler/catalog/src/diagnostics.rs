//! The diagnostics of catalog import, one constructor each.

use cjo_diagnostics::{
    CATALOG_APPROXIMATE_TYPE, CATALOG_DUPLICATE_COLUMN, CATALOG_MISSING_FIELD, CATALOG_SYNTAX, CATALOG_TABLE_NAME,
    CATALOG_UNKNOWN_TYPE, Diagnostic, Span,
};

pub fn syntax(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(CATALOG_SYNTAX, span, message)
        .with_help("export the schema again with the warehouse's tools rather than editing it by hand")
}

pub fn unknown_type(span: Span, ty: &str, dialect: &str) -> Diagnostic {
    Diagnostic::error(CATALOG_UNKNOWN_TYPE, span, format!("`{ty}` is not a {dialect} type cjo knows"))
        .with_label("unknown type")
        .with_help("correct the type name; the column is left out of the table")
}

pub fn unsupported_type(span: Span, ty: &str, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(CATALOG_UNKNOWN_TYPE, span, format!("the column type `{ty}` is not supported: {why}"))
        .with_label("unsupported type")
        .with_help(format!("{help}; the column is left out of the table"))
}

pub fn invalid_decimal(span: Span, precision: u32, scale: u32) -> Diagnostic {
    Diagnostic::error(CATALOG_UNKNOWN_TYPE, span, format!("`decimal({precision}, {scale})` is not a valid decimal"))
        .with_label("out of range")
        .with_help("the precision is 1 to 76 and the scale at most the precision")
}

pub fn missing(span: Span, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(CATALOG_MISSING_FIELD, span, message).with_help(help)
}

pub fn duplicate_column(span: Span, first: Span, what: &str, name: &str) -> Diagnostic {
    Diagnostic::error(CATALOG_DUPLICATE_COLUMN, span, format!("the {what} `{name}` is listed twice"))
        .with_label("listed again here")
        .with_secondary(first, "first listed here")
        .with_help("names are compared without case; keep one of them (the second is left out)")
}

pub fn table_name(span: Span, file_name: &str) -> Diagnostic {
    Diagnostic::error(CATALOG_TABLE_NAME, span, format!("cannot tell which table `{file_name}` describes"))
        .with_help("name a BigQuery schema file `<dataset>.<table>.json`, e.g. `crm.customers.json`")
}

pub fn approximate(span: Span, ty: &str, becomes: &str, why: &str) -> Diagnostic {
    Diagnostic::warning(CATALOG_APPROXIMATE_TYPE, span, format!("`{ty}` is imported as `{becomes}`: {why}"))
        .with_label(format!("read as `{becomes}`"))
}

/// The warning for a timestamp column without a time zone.
pub fn no_time_zone(span: Span, ty: &str) -> Diagnostic {
    approximate(span, ty, "timestamp", "it has no time zone, and cjo reads it as UTC").with_help(
        "if the column holds local times, convert them to UTC in a view (or in the model's SQL) before comparing",
    )
}
