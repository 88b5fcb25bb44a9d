//! The `.cjo` formatter behind `cjoc fmt` and the language server's
//! formatting.
//!
//! It works on tokens, like gofmt: the user's line breaks are kept (blank
//! line runs shortened to one), a few are added (one member per line, a
//! block's contents on their own lines), indentation is recomputed from the
//! structure and spacing within a line is normalised per pair of tokens.
//! Every token and comment is written exactly as it was; SQL bodies are only
//! re-indented as a block. The parser's tree is consulted for where members
//! start and end, never to re-print the code, so formatting cannot change
//! what a file means.
//!
//! The rules, as documented for users:
//!
//! - Two spaces of indentation per block (`{ … }`); a block's contents go on
//!   their own lines and its `}` on its own line; an empty block is `{}`;
//!   a block's `{` ends the line that introduces it.
//! - One member (declaration, column, setting, parameter, SQL body, check,
//!   criterion, stage, step, `when`/`else` branch, A/B arm) per line; members
//!   separated by `,` may share a line (`retries = 2, retry_delay = 5 minutes`).
//! - Other line breaks are kept as written. Runs of blank lines become one;
//!   blank lines right after `{` or right before `}` are removed.
//! - A member's continuation lines are indented 4 more spaces than the
//!   member; inside brackets opened on an earlier line, 2 more spaces than
//!   that line, with the closing bracket back at that line's indentation.
//! - One space around `=`, `->` and binary operators and after `,` `:` `;`;
//!   none before `,` `:` `;` `.` `)` `]`, none after `(` `[` `.`, none after
//!   a unary `-`, none inside `array<int>`, `struct<a: int>` or `f<T>`, none
//!   between a function and its `(`, one between a keyword and `(`.
//! - Comments are kept. A comment after code stays on its line, at its
//!   column if the code still leaves room, else one space after the code.
//!   Comment lines (`//`, `///`, `/* */`) take the indentation of the line of
//!   code that follows.
//! - SQL bodies: a one-line body stays on one line (`sql { select 1 }`);
//!   otherwise its lines keep their relative indentation, the least indented
//!   moving one level inside the `sql {` line. Lines that start inside a
//!   multi-line SQL string or comment are left exactly as written.
//! - No trailing whitespace (except inside multi-line SQL strings), LF line
//!   ends, one final newline.

mod lines;
mod printer;
mod shape;
mod spacing;
mod sql;
mod width;

use cjo_diagnostics::{Diagnostic, FileId};

/// Formats one `.cjo` file.
///
/// A file with syntax errors is not formatted (a formatter cannot know what
/// broken code means): the result is then the parser's error diagnostics,
/// spanned in a [`FileId(0)`](FileId) file. Warnings do not stop formatting.
/// Formatting is idempotent: formatting the result again changes nothing.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = cjo_syntax::parse(FileId(0), text);
    let errors: Vec<Diagnostic> = parse.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut file = parse.file;
    let lexed = cjo_syntax::lex(FileId(0), text);
    let shape = shape::Shape::of(&mut file, &lexed.tokens);
    Ok(printer::print(text, &lexed, &shape))
}
