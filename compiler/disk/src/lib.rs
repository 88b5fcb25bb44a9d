//! The disk, for the shells (`cjoc` and the language server): the one
//! place that reads the user's files and swaps output folders in. The
//! compiler core does no I/O; it reads through [`cjo_project::FileSystem`],
//! which [`OsFs`] implements here.
//!
//! - [`read`]: a user's file is read only when it is a regular file (a
//!   link to one is fine), and never past the limit asked for, whatever its
//!   metadata says: a FIFO named `x.cjo` cannot block, a link to
//!   `/dev/zero` cannot fill the memory (see `docs/limits.md`).
//! - [`Staging`]: an output folder written beside its place and swapped in
//!   by one rename, so that a reader (or a build killed at any moment)
//!   leaves the previous output or the new one, whole.

mod read;
mod staging;

use std::io;
use std::path::Path;

use cjo_project::{DirEntry, FileSystem, ReadError};

pub use read::{read, read_bounded};
pub use staging::Staging;

/// The compiler's [`FileSystem`] over the operating system.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFs;

impl FileSystem for OsFs {
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        read_dir(path)
    }

    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
        read(path, limit)
    }
}

/// The entries of the folder at `path`. Symbolic links are not followed
/// into folders (a link is listed as a file), so a link cycle cannot make
/// a walk endless; reading a link to a regular file reads the file.
pub fn read_dir(path: &Path) -> io::Result<Vec<DirEntry>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let is_dir = entry.file_type()?.is_dir();
        out.push(DirEntry { name: entry.file_name().to_string_lossy().into_owned(), is_dir });
    }
    Ok(out)
}

/// Whether something is at `path` that is not a folder: a file, or a
/// FIFO, a device … (which reading then reports). `stat` only: nothing is
/// opened. A link is followed; a dangling link is nothing.
pub fn is_non_folder(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_dir())
}
