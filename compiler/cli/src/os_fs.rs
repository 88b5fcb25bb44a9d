//! The compiler's [`FileSystem`] over the operating system.

use std::io;
use std::path::{Path, PathBuf};

use cjo_project::{CONFIG_FILE, DirEntry, FileSystem};

#[derive(Clone, Copy, Debug, Default)]
pub struct OsFs;

impl FileSystem for OsFs {
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            // Symbolic links are not followed into folders, so a link
            // cycle cannot make the walk endless.
            let is_dir = entry.file_type()?.is_dir();
            out.push(DirEntry { name: entry.file_name().to_string_lossy().into_owned(), is_dir });
        }
        Ok(out)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn len(&self, path: &Path) -> Option<u64> {
        std::fs::metadata(path).ok().map(|m| m.len())
    }
}

/// The folder holding `cjo.toml`: `start` or its nearest ancestor that has
/// one. Paths stay as the user wrote them where possible.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    if start.join(CONFIG_FILE).is_file() {
        return Some(start.to_path_buf());
    }
    let absolute = std::path::absolute(start).ok()?;
    absolute.ancestors().skip(1).find(|dir| dir.join(CONFIG_FILE).is_file()).map(Path::to_path_buf)
}
