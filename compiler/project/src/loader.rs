//! Reading files into a workspace: each file gets a [`FileId`] (its index),
//! its text decoded as UTF-8, and a diagnostic when it is not a regular
//! file, is too large, cannot be read or is not UTF-8. The loader also
//! keeps the project's [`Budget`].

use std::path::{Path, PathBuf};

use cjo_diagnostics::{self as diag, Diagnostic, FileId, LineIndex, Span, TextRange};

use crate::fs::FileSystem;
use crate::limits::{Budget, Limits, MAX_FILE_SIZE};
use crate::workspace::{FileKind, SourceFile};

/// The files read so far and the problems found reading them.
#[derive(Debug)]
pub(crate) struct Loader {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) budget: Budget,
}

impl Loader {
    pub(crate) fn new(limits: Limits) -> Loader {
        Loader { files: Vec::new(), diagnostics: Vec::new(), budget: Budget::new(limits) }
    }

    /// Reads the file at `path` and adds it. A file that is not a regular
    /// file, is larger than [`MAX_FILE_SIZE`] or cannot be read is reported
    /// and added with an empty text, and `None` is returned; otherwise its
    /// id. Past the project's ceiling nothing is read or added (E0104 is
    /// reported once, at the end).
    pub(crate) fn read(&mut self, fs: &dyn FileSystem, path: PathBuf, kind: FileKind) -> Option<FileId> {
        if !self.budget.file() {
            return None;
        }
        match fs.read(&path, MAX_FILE_SIZE) {
            Ok(bytes) => {
                self.budget.read(bytes.len());
                let fits = bytes.len() <= MAX_FILE_SIZE;
                let id = self.add(path, kind, bytes);
                fits.then_some(id)
            }
            Err(e) => {
                let id = self.add(path.clone(), kind, Vec::new());
                self.diagnostics.push(e.diagnostic(id, &path, MAX_FILE_SIZE));
                None
            }
        }
    }

    /// Adds a file, decoding it as UTF-8 (reporting where it is not).
    pub(crate) fn add(&mut self, path: PathBuf, kind: FileKind, bytes: Vec<u8>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let text = if bytes.len() > MAX_FILE_SIZE {
            let too_large = crate::fs::ReadError::TooLarge(Some(bytes.len() as u64));
            self.diagnostics.push(too_large.diagnostic(id, &path, MAX_FILE_SIZE));
            String::new()
        } else {
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let len = text.get(at..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
                    self.diagnostics.push(
                        Diagnostic::error(
                            diag::INVALID_UTF8,
                            Span::new(id, TextRange::from_usize(at..at + len)),
                            format!("{} is not valid UTF-8", path.display()),
                        )
                        .with_label(format!("invalid byte at offset {at}"))
                        .with_help("save the file as UTF-8; the invalid bytes are read as U+FFFD"),
                    );
                    text
                }
            }
        };
        let line_index = LineIndex::new(&text);
        self.files.push(SourceFile { id, path, kind, text, line_index });
        id
    }

    /// The text of a file read so far (empty for an unknown id).
    pub(crate) fn text(&self, id: FileId) -> &str {
        self.files.get(id.0 as usize).map_or("", |f| f.text.as_str())
    }
}

/// The warning for a folder that cannot be listed. It is reported against
/// `cjo.toml`, the only file we surely have.
pub(crate) fn unlisted(dir: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::warning(
        diag::FILE_UNREADABLE,
        Span::new(FileId(0), TextRange::default()),
        format!("cannot list {}: {e}", dir.display()),
    )
    .with_help("files in this folder are not part of the build")
}
