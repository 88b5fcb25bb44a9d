//! Standard output and standard error, as every command writes them.
//!
//! A reader that stops early (`cjoc graph | head`) closes the pipe, and the
//! next write fails with `BrokenPipe`. That is not an error: the output
//! stops, no message is printed, and cjoc exits with the code its work
//! earned (0, or 1 when it found problems), as ripgrep does. Rust ignores
//! `SIGPIPE`, so a closed pipe surfaces as that error, and `println!`
//! would panic on it: the crate denies `clippy::print_stdout` so that every
//! write to standard output goes through [`print`] or [`written`].

use std::io::{ErrorKind, Write};

use crate::commands::USAGE;

/// Writes `text` to standard output; see [`written`] for what a failure
/// becomes.
pub fn print(text: impl AsRef<[u8]>) -> Result<(), u8> {
    // Standard error is held so that the progress line, which is drawn
    // under its lock, is not drawn again until the text is out.
    let held = std::io::stderr().lock();
    crate::progress::clear();
    let result = std::io::stdout().lock().write_all(text.as_ref());
    drop(held);
    written(result)
}

/// [`print`] for a command that prints as it goes: `Ok(false)` once the
/// reader has closed the pipe, so that it stops working for nobody.
pub fn print_more(text: impl AsRef<[u8]>) -> Result<bool, u8> {
    let held = std::io::stderr().lock();
    crate::progress::clear();
    let result = std::io::stdout().lock().write_all(text.as_ref());
    drop(held);
    let closed = matches!(&result, Err(e) if e.kind() == ErrorKind::BrokenPipe);
    written(result).map(|()| !closed)
}

/// What a write to standard output came to: a closed pipe is success (the
/// reader has what it wanted); any other failure (a full disk) is printed
/// and is [`USAGE`], the exit code of I/O errors.
pub fn written(result: std::io::Result<()>) -> Result<(), u8> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Err(USAGE)
        }
    }
}

/// Turns a `serde_json` error back into the I/O error it wraps, so that a
/// closed pipe is recognised by [`written`].
pub fn json_io(e: serde_json::Error) -> std::io::Error {
    e.io_error_kind().map_or_else(|| std::io::Error::other(e), std::io::Error::from)
}

/// Writes one line to standard error, ignoring failure. `std::eprintln!`
/// panics when standard error is a closed pipe (`cjoc build 2>&1 | head
/// -1`), and there is nowhere left to report that failure anyway.
pub fn eprint_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    // Under the lock, so that the progress line cannot come back between
    // its erasing and the message.
    crate::progress::clear();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}
