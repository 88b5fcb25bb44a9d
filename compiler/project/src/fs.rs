//! How files reach the compiler: a small trait, so that the core does no
//! I/O. The CLI implements it over the operating system, the language
//! server over its open documents, tests over [`MemoryFs`].

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

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
    /// The bytes of a file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The size of a file, when it is cheap to know: lets the loader refuse
    /// a huge file without reading it.
    fn len(&self, _path: &Path) -> Option<u64> {
        None
    }
}

/// Files held in memory, for tests and tools.
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.into(), contents.into());
        self
    }
}

impl FileSystem for MemoryFs {
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = BTreeMap::new();
        for file in self.files.keys() {
            let Ok(rest) = file.strip_prefix(path) else { continue };
            let mut parts = rest.components();
            let (Some(first), more) = (parts.next(), parts.next().is_some()) else { continue };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let entry = out.entry(name.clone()).or_insert(DirEntry { name, is_dir: more });
            entry.is_dir |= more;
        }
        if out.is_empty() && !path.as_os_str().is_empty() && !self.files.keys().any(|f| f.starts_with(path)) {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())));
        }
        Ok(out.into_values().collect())
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())))
    }
}
