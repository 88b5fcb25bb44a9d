//! The compiler's [`FileSystem`](cjo_project::FileSystem) over the
//! operating system ([`cjo_disk::OsFs`]: regular files only, bounded
//! reads), and finding the project around a folder.

use std::path::{Path, PathBuf};

pub use cjo_disk::OsFs;
use cjo_project::CONFIG_FILE;

/// The folder holding `cjo.toml`: `start` or its nearest ancestor that has
/// one. Paths stay as the user wrote them where possible. A `cjo.toml`
/// that is not a regular file (a FIFO …) still marks the project, so that
/// loading reports it (E0103) rather than "no cjo.toml".
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    let has_config = |dir: &Path| cjo_disk::is_non_folder(&dir.join(CONFIG_FILE));
    if has_config(start) {
        return Some(start.to_path_buf());
    }
    let absolute = std::path::absolute(start).ok()?;
    absolute.ancestors().skip(1).find(|dir| has_config(dir)).map(Path::to_path_buf)
}
