//! `cjoc fmt [--check] [PATHS]`.

use std::io::Write;
use std::path::{Path, PathBuf};

use cjo_diagnostics::Diagnostic;
use cjo_project::{MAX_FILE_SIZE, ReadError};

use super::{OK, PROBLEMS, USAGE};
use crate::os_fs::{OsFs, find_project_root};
use crate::render;

pub fn run(paths: &[PathBuf], check: bool, color: bool) -> u8 {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return if paths.len() == 1 { stdin(color) } else { usage("`-` (standard input) cannot be mixed with paths") };
    }
    let files = match collect(paths) {
        Ok(files) => files,
        Err(code) => return code,
    };
    let mut status = OK;
    let mut changed = 0usize;
    for path in &files {
        let text = match super::read_file(path, color).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                eprintln!("error: {} is not valid UTF-8; not formatted", path.display());
                status = PROBLEMS;
                continue;
            }
            // Not a regular file, or too large: reported; the others are formatted.
            Err(ReadError::NotAFile(_) | ReadError::TooLarge(_)) => {
                status = PROBLEMS;
                continue;
            }
            Err(ReadError::Io(_)) => return USAGE,
        };
        match cjo_fmt::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(_) if check => {
                if let Err(code) = crate::out::print(format!("{}\n", path.display())) {
                    return code;
                }
                changed += 1;
            }
            Ok(formatted) => {
                if let Err(e) = write_atomically(path, &formatted) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return USAGE;
                }
                changed += 1;
            }
            Err(diagnostics) => {
                report(path, &text, &diagnostics, color);
                status = PROBLEMS;
            }
        }
    }
    if check && changed > 0 {
        eprintln!(
            "{changed} file{} not formatted; run `cjoc fmt` to format",
            if changed == 1 { " is" } else { "s are" }
        );
        return PROBLEMS;
    }
    status
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}");
    USAGE
}

/// The files to format: each path's `.cjo` files, or the project's.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, u8> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        match find_project_root(Path::new(".")) {
            Some(root) => vec![root],
            None => return Err(usage("no cjo.toml here or above; name the files or folders to format")),
        }
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            files.extend(cjo_project::discover(&OsFs, &root).into_iter().map(|rel| root.join(rel)));
        } else if cjo_disk::is_non_folder(&root) {
            // A FIFO or a device too: reading it reports it (E0103).
            files.push(root);
        } else {
            return Err(usage(&format!("{} does not exist", root.display())));
        }
    }
    Ok(files)
}

/// Formats standard input, read as a file is: at most
/// [`MAX_FILE_SIZE`] bytes, so that `cjoc fmt - < /dev/zero` ends.
fn stdin(color: bool) -> u8 {
    let stdin = Path::new("<stdin>");
    let text = match cjo_disk::read_bounded(std::io::stdin().lock(), MAX_FILE_SIZE).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return usage("standard input is not valid UTF-8"),
        Err(e @ ReadError::TooLarge(_)) => {
            super::report_unreadable(stdin, &e, color);
            return PROBLEMS;
        }
        Err(e) => return usage(&format!("cannot read standard input: {e}")),
    };
    match cjo_fmt::format(&text) {
        Ok(formatted) => crate::out::print(formatted).map_or_else(|code| code, |()| OK),
        Err(diagnostics) => {
            report(stdin, &text, &diagnostics, color);
            PROBLEMS
        }
    }
}

/// Writes through a temporary file and a rename, so an interrupted run
/// never leaves a half-written file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.cjofmt.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn report(path: &Path, text: &str, diagnostics: &[Diagnostic], color: bool) {
    let mut err = std::io::stderr().lock();
    let _ = render::human(&mut err, &render::OneFile { path, text }, diagnostics, color);
    let why = if diagnostics.iter().any(Diagnostic::is_error) {
        "has syntax errors"
    } else {
        "would mean something else once formatted (W0007)"
    };
    let _ = writeln!(err, "error: {} {why}; not formatted", path.display());
}
