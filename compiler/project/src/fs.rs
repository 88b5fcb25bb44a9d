//! How files reach the compiler: a small trait, so that the core does no
//! I/O. `cjo-disk` implements it over the operating system (for the CLI,
//! and for the language server behind its open documents), tests over
//! [`MemoryFs`].

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use cjo_diagnostics::{self as diag, Diagnostic, FileId, Span, TextRange};

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// Read access to a tree of files.
pub trait FileSystem {
    /// The entries of a directory (any order; the loader sorts them).
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>>;

    /// The bytes of the regular file at `path`, when it holds at most
    /// `limit` bytes. A symbolic link is followed, and a link to a regular
    /// file reads as that file.
    ///
    /// Anything else is refused without being read
    /// ([`ReadError::NotAFile`]): reading a FIFO can wait forever, and a
    /// device such as `/dev/zero` never ends. A longer file is
    /// [`ReadError::TooLarge`], and an implementation over a real disk must
    /// find that out by reading at most `limit + 1` bytes, whatever the
    /// file's metadata says its length is.
    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, ReadError>;
}

/// What a path that is not a regular file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    Folder,
    /// A FIFO (named pipe).
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    /// Something else the system knows of.
    Other,
}

impl Special {
    /// "a FIFO (named pipe)", for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Special::Folder => "a folder",
            Special::Fifo => "a FIFO (named pipe)",
            Special::Socket => "a socket",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Other => "not a file",
        }
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The path is not a regular file (nor a link to one).
    NotAFile(Special),
    /// The file holds more bytes than the limit; its length, when the
    /// metadata told it.
    TooLarge(Option<u64>),
    /// The system's error (no such file, permission denied …).
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotAFile(what) => write!(f, "it is {}, not a regular file", what.describe()),
            ReadError::TooLarge(Some(len)) => write!(f, "it is {} MiB, too large to read", len >> 20),
            ReadError::TooLarge(None) => f.write_str("it is too large to read"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// The error reporting that the file `file`, at `path`, could not be
    /// read with `limit`: E0103 for a path that is not a regular file,
    /// E0102 for a file too large, E0100 otherwise.
    pub fn diagnostic(&self, file: FileId, path: &Path, limit: usize) -> Diagnostic {
        let at = Span::new(file, TextRange::default());
        let path = path.display();
        match self {
            ReadError::NotAFile(what) => Diagnostic::error(
                diag::NOT_A_REGULAR_FILE,
                at,
                format!("{path} is {}, not a regular file: cjoc reads only regular files", what.describe()),
            )
            .with_help(
                "remove it or rename it (a FIFO can wait forever, a device never ends); \
                 a link to a regular file is fine",
            ),
            ReadError::TooLarge(len) => Diagnostic::error(
                diag::FILE_TOO_LARGE,
                at,
                match len {
                    Some(len) => format!("{path} is {} MiB, more than the {} MiB cjo reads", len >> 20, limit >> 20),
                    None => format!("{path} is larger than the {} MiB cjo reads", limit >> 20),
                },
            )
            .with_help("split the file into smaller ones"),
            ReadError::Io(e) => Diagnostic::error(diag::FILE_UNREADABLE, at, format!("cannot read {path}: {e}")),
        }
    }
}

/// Files held in memory, for tests and tools.
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Paths that are not regular files (listed as files, refused when read).
    special: BTreeMap<PathBuf, Special>,
}

impl MemoryFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> &mut Self {
        let path = path.into();
        self.special.remove(&path);
        self.files.insert(path, contents.into());
        self
    }

    /// Adds (or replaces) a path that is not a regular file: a FIFO, a
    /// device …, listed in its folder as a file.
    pub fn insert_special(&mut self, path: impl Into<PathBuf>, what: Special) -> &mut Self {
        let path = path.into();
        self.files.remove(&path);
        self.special.insert(path, what);
        self
    }
}

impl FileSystem for MemoryFs {
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = BTreeMap::new();
        for file in self.files.keys().chain(self.special.keys()) {
            let Ok(rest) = file.strip_prefix(path) else { continue };
            let mut parts = rest.components();
            let (Some(first), more) = (parts.next(), parts.next().is_some()) else { continue };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let entry = out.entry(name.clone()).or_insert(DirEntry { name, is_dir: more });
            entry.is_dir |= more;
        }
        let under = |f: &PathBuf| f.starts_with(path);
        if out.is_empty()
            && !path.as_os_str().is_empty()
            && !self.files.keys().any(under)
            && !self.special.keys().any(under)
        {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())));
        }
        Ok(out.into_values().collect())
    }

    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
        if let Some(&what) = self.special.get(path) {
            return Err(ReadError::NotAFile(what));
        }
        match self.files.get(path) {
            Some(bytes) if bytes.len() > limit => Err(ReadError::TooLarge(Some(bytes.len() as u64))),
            Some(bytes) => Ok(bytes.clone()),
            None if self.files.keys().any(|f| f.starts_with(path)) => Err(ReadError::NotAFile(Special::Folder)),
            None => Err(io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_fs_refuses_what_is_not_a_regular_file() {
        let mut fs = MemoryFs::new();
        fs.insert("p/a.cjo", "abc").insert_special("p/pipe.cjo", Special::Fifo);
        let names: Vec<String> = fs.read_dir(Path::new("p")).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["a.cjo", "pipe.cjo"]);
        assert!(matches!(fs.read(Path::new("p/pipe.cjo"), 10), Err(ReadError::NotAFile(Special::Fifo))));
        assert!(matches!(fs.read(Path::new("p"), 10), Err(ReadError::NotAFile(Special::Folder))));
        assert!(matches!(fs.read(Path::new("p/a.cjo"), 2), Err(ReadError::TooLarge(Some(3)))));
        assert_eq!(fs.read(Path::new("p/a.cjo"), 3).unwrap(), b"abc");
        assert!(fs.read(Path::new("p/b.cjo"), 3).unwrap_err().is_not_found());
    }
}
