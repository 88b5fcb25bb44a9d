//! The `.cjo` formatter behind `cjoc fmt` and the language server's
//! formatting.
//!
//! It works on tokens, like gofmt: the user's line breaks are kept (blank
//! line runs shortened to one), a few are added (one member per line, a
//! block's contents on their own lines), indentation is recomputed from the
//! structure and spacing within a line is normalised per pair of tokens.
//! Every token and comment is kept as written (comments lose trailing
//! whitespace); SQL bodies are only
//! re-indented as a block. The parser's tree is consulted for where members
//! start and end, never to re-print the code, so formatting cannot change
//! what a file means.
//!
//! The rules, as documented for users:
//!
//! - Two spaces of indentation per block (`{ … }`). A block's `{` ends the
//!   line that introduces it, its contents go on their own lines and its `}`
//!   on its own line; an empty block is `{}`.
//! - One member per line: declaration, column, setting, `param`, `sql`
//!   body, check, `goal`/`exit`/`entry`/`milestone`, `stage`, `step`,
//!   `when`/`else` branch, A/B arm. Members separated by `,` may share a
//!   line (`retries = 2, retry_delay = 5 minutes`).
//! - Other line breaks are kept as written. Runs of blank lines become one;
//!   blank lines at the start and end of the file, right after a `{` and
//!   right before a `}` are removed.
//! - A member's continuation lines are indented 4 spaces more than the
//!   member. Inside a bracket opened on an earlier line, lines are indented
//!   from that line: 2 spaces more when the bracket ends its line (block
//!   style, the closing bracket then back at that line's indentation), 4
//!   more when code follows the bracket on its line.
//! - One space around `=`, `->` and the binary and comparison operators,
//!   and after `,` `:` `;`; none before `,` `:` `;` `.` `...` `)` `]`, none
//!   after `(` `[` `.` or a unary `-`/`+`; none inside or before the angle
//!   brackets of a type (`array<int>`, `struct<a: int>`, `fn f<T>(…)`); none
//!   between a name and the `(` of its call (`count(*)`, `decimal(10, 2)`),
//!   one between a keyword and `(` (`in (…)`, `not (…)`).
//! - Every comment is kept. A comment after code stays on that line: one
//!   written a space after the code stays one space after it; one set
//!   further off (aligned) keeps its column while the code leaves room, else
//!   moves to one space after the code. Lines of comments (`//`, `///`,
//!   `/* */`) take the indentation of the code line below them (one level
//!   deeper above a closing brace or bracket). Block comments keep their
//!   inner lines as written.
//! - Strings, numbers, durations, percentages, times and `$params` are
//!   written exactly as they are.
//! - SQL bodies: a body on one line stays on one line (`sql { select 1 }`).
//!   Otherwise the SQL goes on its own lines, which keep their indentation
//!   relative to each other, the least indented moving one level inside
//!   `sql {`. Lines that start inside a multi-line SQL string or comment are
//!   left exactly as written, and trailing whitespace is kept where a line
//!   ends inside a string. Nothing else in the SQL is touched.
//! - No trailing whitespace (except inside multi-line SQL strings), LF line
//!   ends (CRLF becomes LF, also inside multi-line SQL strings), exactly one
//!   final newline.

mod lines;
mod printer;
mod shape;
mod spacing;
mod sql;
mod verify;
mod width;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span};

/// Formats one `.cjo` file.
///
/// A file with syntax errors is not formatted (a formatter cannot know what
/// broken code means): the result is then the parser's error diagnostics,
/// spanned in a [`FileId(0)`](FileId) file. Warnings do not stop formatting.
/// The result is read again and compared with the original (the parser's
/// diagnostics, the syntax tree, each SQL body's tokens and parse): if
/// formatting would change what the file means, the file is not formatted
/// and the result is one W0007 warning saying what would change.
/// Formatting is idempotent: formatting the result again changes nothing.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = cjo_syntax::parse(FileId(0), text);
    if parse.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(parse.diagnostics.into_iter().filter(Diagnostic::is_error).collect());
    }
    let mut file = parse.file.clone();
    let lexed = cjo_syntax::lex(FileId(0), text);
    let shape = shape::Shape::of(&mut file, &lexed.tokens);
    let formatted = printer::print(text, &lexed, &shape);
    if formatted == text {
        return Ok(formatted);
    }
    match verify::difference(&parse.file, &parse.diagnostics, &formatted) {
        None => Ok(formatted),
        Some((range, what)) => Err(vec![
            Diagnostic::warning(
                codes::FORMAT_CHANGES_MEANING,
                Span::new(FileId(0), range),
                format!("not formatted: {what}"),
            )
            .with_label("formatting would change what this means")
            .with_help("the file is left as it is; see `cjoc explain W0007`"),
        ]),
    }
}
