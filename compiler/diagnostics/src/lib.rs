//! Diagnostics as data: every stage of the compiler reports problems as
//! [`Diagnostic`] values with a stable [`Code`], a severity, labelled spans and
//! help. Rendering (ariadne in the terminal, JSON, LSP) happens at the edges.

mod codes;
mod diagnostic;
mod line_index;
mod span;
mod suggest;

pub use codes::*;
pub use codes::{Code, Stage, lookup as lookup_code};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use line_index::{LineCol, LineIndex};
pub use span::{FileId, Span, TextRange};
pub use suggest::{did_you_mean, nearest};
