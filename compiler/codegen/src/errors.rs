//! The diagnostics lowering makes, one constructor each: the wording of a
//! code lives here, not at the places that find the problem.

use cjo_diagnostics::{self as codes, Diagnostic, Span};
use cjo_project::Dialect;

/// E0600: a construct of a model's body that `dialect` cannot express.
pub(crate) fn unsupported_construct(span: Span, construct: &str, dialect: Dialect, help: String) -> Diagnostic {
    Diagnostic::error(codes::UNSUPPORTED_CONSTRUCT, span, format!("{construct} cannot be expressed on {dialect}"))
        .with_label(format!("not on {dialect}"))
        .with_help(help)
}

/// E0600: a check entry, or a journey criterion (`what`), that cannot be
/// written for `dialect`, and why.
pub(crate) fn cannot_write(span: Span, what: &str, dialect: Dialect, why: &str) -> Diagnostic {
    Diagnostic::error(codes::UNSUPPORTED_CONSTRUCT, span, format!("this {what} cannot be written for {dialect}: {why}"))
        .with_label(format!("not on {dialect}"))
}

/// E0603: the parameter `name` (as written, with `$`) has no usable value.
pub(crate) fn parameter_value(span: Span, name: &str, why: &str) -> Diagnostic {
    Diagnostic::error(codes::PARAMETER_VALUE, span, format!("the parameter `{name}`: {why}"))
        .with_label("no usable value")
        .with_help("pass a value of the parameter's type with `--param name=value`, or give the parameter a default")
}
