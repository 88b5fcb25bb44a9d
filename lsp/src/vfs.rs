//! The files the server analyses: the disk, with the editor's open
//! documents in front of it, so that unsaved text is what gets checked.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use cjo_project::{CONFIG_FILE, DirEntry, FileSystem, ReadError};

/// The disk seen through the open documents: an open file reads as its
/// text in the editor, and an open file not yet saved is listed in its
/// folder.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    /// Open documents by absolute path.
    pub open: BTreeMap<PathBuf, String>,
}

impl FileSystem for Overlay {
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut entries: BTreeMap<String, DirEntry> = BTreeMap::new();
        // Links are not followed into folders, as in the CLI.
        let on_disk = cjo_disk::read_dir(path);
        let found = on_disk.is_ok();
        for entry in on_disk.into_iter().flatten() {
            entries.insert(entry.name.clone(), entry);
        }
        let mut any_open = false;
        for file in self.open.keys() {
            if file.parent() == Some(path) {
                if let Some(name) = file.file_name() {
                    let name = name.to_string_lossy().into_owned();
                    entries.entry(name.clone()).or_insert(DirEntry { name, is_dir: false });
                    any_open = true;
                }
            }
        }
        if !found && !any_open {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())));
        }
        Ok(entries.into_values().collect())
    }

    /// An open document's text, else the disk's file as the CLI reads it
    /// (regular files only, never past `limit`).
    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
        match self.open.get(path) {
            Some(text) if text.len() > limit => Err(ReadError::TooLarge(Some(text.len() as u64))),
            Some(text) => Ok(text.clone().into_bytes()),
            None => cjo_disk::read(path, limit),
        }
    }
}

impl Overlay {
    /// The project a file belongs to: the nearest folder above it holding
    /// a `cjo.toml` (open or on disk).
    pub fn project_root(&self, file: &Path) -> Option<PathBuf> {
        project_root(file, |p| self.open.contains_key(p))
    }
}

/// The nearest folder above `file` holding a `cjo.toml`, open in the
/// editor (`is_open`) or on disk. A `cjo.toml` that is not a regular file
/// (a FIFO …) marks a project too, where loading reports it (E0103).
pub fn project_root(file: &Path, is_open: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    file.ancestors().skip(1).find(|dir| has_config(dir, &is_open)).map(Path::to_path_buf)
}

/// Whether `dir` holds a `cjo.toml`, open in the editor or on disk.
pub fn has_config(dir: &Path, is_open: impl Fn(&Path) -> bool) -> bool {
    let config = dir.join(CONFIG_FILE);
    is_open(&config) || cjo_disk::is_non_folder(&config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_documents_shadow_and_extend_the_disk() {
        let dir = std::env::temp_dir().join(format!("cjo-lsp-vfs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("cjo.toml"), "[project]\nname = \"x\"\n").unwrap();
        std::fs::write(dir.join("a.cjo"), "on disk").unwrap();
        let mut fs = Overlay::default();
        fs.open.insert(dir.join("a.cjo"), "in the editor".into());
        fs.open.insert(dir.join("sub/new.cjo"), "unsaved".into());
        assert_eq!(fs.read(&dir.join("a.cjo"), 100).unwrap(), b"in the editor");
        assert!(matches!(fs.read(&dir.join("a.cjo"), 5), Err(ReadError::TooLarge(Some(13)))));
        let names: Vec<String> = fs.read_dir(&dir.join("sub")).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["new.cjo"]);
        assert_eq!(fs.project_root(&dir.join("sub/new.cjo")), Some(dir.clone()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
