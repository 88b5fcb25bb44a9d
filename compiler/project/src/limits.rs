//! How much of the disk loading a project may read (`docs/limits.md`).
//!
//! One file is read only when it is a regular file of at most
//! [`MAX_FILE_SIZE`] bytes (see [`FileSystem::read`]). A whole project may
//! be bounded too ([`Limits`]): the language server loads a project on
//! every edit of a file anywhere below its `cjo.toml`, and a `cjo.toml` in
//! the wrong place (a home folder), or a file opened with none above it,
//! must not make it list and read that whole tree. Past the ceiling the
//! loader stops and reports E0104 against `cjo.toml`. `cjoc` reads the
//! whole project it is pointed at ([`Limits::UNBOUNDED`]): a monorepo
//! whose `cjo.toml` sits above big trees still checks, only slower.
//!
//! [`FileSystem::read`]: crate::FileSystem::read

use cjo_diagnostics::{self as diag, Diagnostic, FileId, Span, TextRange};

/// Files larger than this are reported (E0102) and not parsed.
pub const MAX_FILE_SIZE: usize = 128 * 1024 * 1024;

/// Folders nested deeper than this below the root are not searched.
pub const MAX_DEPTH: usize = 32;

/// The ceiling of one project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How many levels of folders below the root are searched for `.cjo`
    /// files (0: the root's own files only).
    pub depth: usize,
    /// Folders listed, in all (for `.cjo` files and catalog files).
    pub folders: usize,
    /// Files read (`.cjo` and catalog files; not `cjo.toml`).
    pub files: usize,
    /// Bytes read, in all. The file that passes it is still read whole, so
    /// at most this plus [`MAX_FILE_SIZE`] is held.
    pub bytes: u64,
}

impl Limits {
    /// No ceiling but the depth ([`MAX_DEPTH`]): what `cjoc` reads.
    pub const UNBOUNDED: Limits = Limits { depth: MAX_DEPTH, folders: usize::MAX, files: usize::MAX, bytes: u64::MAX };

    /// The language server's ceiling, unless its client sets another: far
    /// above any real project (the 1,000-model benchmark is 101 files),
    /// far below a home folder.
    pub const EDITOR: Limits = Limits { depth: MAX_DEPTH, folders: 10_000, files: 10_000, bytes: 256 << 20 };

    /// These limits for a folder of `.cjo` files with no `cjo.toml` (a
    /// file the language server opens outside any project): its own files
    /// are read, none below it.
    pub fn folder(self) -> Limits {
        Limits { depth: 0, ..self }
    }
}

/// Which ceiling loading reached first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reached {
    Folders,
    Files,
    Bytes,
}

/// What loading has listed and read so far, against its [`Limits`].
#[derive(Debug)]
pub(crate) struct Budget {
    pub(crate) limits: Limits,
    folders: usize,
    files: usize,
    bytes: u64,
    reached: Option<Reached>,
}

impl Budget {
    pub(crate) fn new(limits: Limits) -> Budget {
        Budget { limits, folders: 0, files: 0, bytes: 0, reached: None }
    }

    /// Whether another folder may be listed; counts it when it may.
    pub(crate) fn folder(&mut self) -> bool {
        if self.folders >= self.limits.folders {
            self.reach(Reached::Folders);
            return false;
        }
        self.folders += 1;
        true
    }

    /// Whether `found` files are more than may be read (noting it).
    pub(crate) fn too_many_files(&mut self, found: usize) -> bool {
        let over = found > self.limits.files;
        if over {
            self.reach(Reached::Files);
        }
        over
    }

    /// Whether another file may be read; counts it when it may.
    pub(crate) fn file(&mut self) -> bool {
        if self.files >= self.limits.files {
            self.reach(Reached::Files);
            return false;
        }
        if self.bytes >= self.limits.bytes {
            self.reach(Reached::Bytes);
            return false;
        }
        self.files += 1;
        true
    }

    /// Counts the bytes of a file read.
    pub(crate) fn read(&mut self, bytes: usize) {
        self.bytes = self.bytes.saturating_add(bytes as u64);
    }

    /// Whether a ceiling was reached.
    pub(crate) fn reached(&self) -> bool {
        self.reached.is_some()
    }

    fn reach(&mut self, what: Reached) {
        self.reached.get_or_insert(what);
    }

    /// E0104 when a ceiling was reached, reported against `config` (the
    /// `cjo.toml`, the one file every project has).
    pub(crate) fn diagnostic(&self, config: FileId) -> Option<Diagnostic> {
        let what = self.reached?;
        let limits = &self.limits;
        let message = match what {
            Reached::Folders => {
                format!("the project has more than {} folders: cjoc stopped searching", thousands(limits.folders))
            }
            Reached::Files => format!(
                "the project has more than {} files: cjoc read the first {}",
                thousands(limits.files),
                thousands(self.files)
            ),
            Reached::Bytes => format!(
                "the project's files hold more than {} MiB: cjoc stopped reading after {} files",
                limits.bytes >> 20,
                thousands(self.files)
            ),
        };
        Some(
            Diagnostic::error(diag::PROJECT_TOO_LARGE, Span::new(config, TextRange::default()), message)
                .with_help(
                    "put cjo.toml in the folder that holds the project's `.cjo` files, and move data, logs and \
                     generated files out of it (hidden folders and `target/` are not searched); or raise the \
                     limit (see docs/limits.md)",
                )
                .with_note("the files left out are not checked; names they declare are unknown"),
        )
    }
}

/// `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
