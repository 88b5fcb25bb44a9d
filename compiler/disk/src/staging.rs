//! An output folder swapped in whole.
//!
//! Files are written into `.<name>.cjo-new-<pid>` beside the output folder
//! `<name>`, which then takes its place:
//!
//! - no output yet: one `rename`;
//! - on Linux: one `renameat2(RENAME_EXCHANGE)`, which swaps the two
//!   folders in a single step; the previous output, now at the staging
//!   folder's path, is then removed;
//! - elsewhere, or on a file system without the exchange: the previous
//!   output is renamed to `.<name>.cjo-old-<pid>`, the new one into place,
//!   and the old removed. A run killed between the two renames leaves no
//!   output; the next run puts the previous one back.
//!
//! So a reader, or a run killed at any instant, finds the previous output
//! or the new one, whole. What a killed run leaves beside the output (its
//! staging folder, or the previous output it was removing) is cleared by
//! the next run, but only once the run that made it is gone: its PID is no
//! live process, and its folder is not locked (each run holds an exclusive
//! `flock` on its staging folder, which the kernel drops when the process
//! dies, so that a run in another PID namespace sharing the folder, a
//! container, counts as alive too). The folder of a run still going is
//! never touched. Where neither can be told (not Unix), nothing is cleared.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The infix of a staging folder's name.
const NEW: &str = "cjo-new-";
/// The infix of a previous output's name while it is swapped out (only
/// without the exchange).
const OLD: &str = "cjo-old-";

/// An output folder being written. Dropped without [`Staging::commit`],
/// it is removed and the output stays as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// The staging folder, open and locked for as long as this lives.
    _lock: Option<File>,
    committed: bool,
}

impl Staging {
    /// A fresh staging folder for the output folder `out`, made after
    /// clearing what dead runs left beside it. `fallback` names the output
    /// when `out` has no file name.
    pub fn new(out: &Path, fallback: &str) -> io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out.file_name().map_or_else(|| fallback.to_string(), |n| n.to_string_lossy().into_owned());
        std::fs::create_dir_all(&parent)?;
        clear_dead(&parent, &name, out);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.{NEW}{pid}"));
        let old = parent.join(format!(".{name}.{OLD}{pid}"));
        // Left by an earlier process that had this PID.
        remove(&dir);
        remove(&old);
        std::fs::create_dir(&dir)?;
        let lock = lock(&dir);
        Ok(Staging { out: out.to_path_buf(), dir, old, _lock: lock, committed: false })
    }

    /// Writes a file of the output, `rel` being its path below the output
    /// folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Swaps the files written in for the output folder. On error the
    /// output is as it was, and the staging folder is removed.
    pub fn commit(mut self) -> io::Result<()> {
        swap(&self.dir, &self.out, &self.old)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove(&self.dir);
        }
    }
}

/// Puts `new` in the place of `out`, the previous output (if any) going
/// through `old` when the two cannot be exchanged in one step.
fn swap(new: &Path, out: &Path, old: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(out) {
        // The first output: one rename.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return std::fs::rename(new, out),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    if exchange(new, out)? {
        // `new` now names the previous output.
        remove(new);
        return Ok(());
    }
    std::fs::rename(out, old)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(old, out);
        return Err(e);
    }
    remove(old);
    Ok(())
}

/// Exchanges `a` and `b` in one step; `Ok(false)` where the kernel or the
/// file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // A kernel before 3.15, or a file system without RENAME_EXCHANGE.
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Clears the folders of dead runs beside the output `out` (named `name`
/// in `parent`), putting back a previous output a run was killed with
/// (between the fallback's two renames, `out` is missing).
fn clear_dead(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let own = std::process::id();
    let prefix = format!(".{name}.");
    // (is an old output, path): staging folders first.
    let mut dead: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let (is_old, pid) = match (rest.strip_prefix(NEW), rest.strip_prefix(OLD)) {
            (Some(pid), _) => (false, pid),
            (_, Some(pid)) => (true, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let path = entry.path();
        if pid == own || !entry.file_type().is_ok_and(|t| t.is_dir()) || in_use(&path, pid) {
            continue;
        }
        dead.push((is_old, path));
    }
    dead.sort();
    for (is_old, path) in dead {
        if is_old && std::fs::symlink_metadata(out).is_err() && std::fs::rename(&path, out).is_ok() {
            continue;
        }
        remove(&path);
    }
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Whether the run that made `dir` may still be going.
fn in_use(dir: &Path, pid: u32) -> bool {
    alive(pid) || locked(dir)
}

/// Whether `pid` is a live process (another user's too).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else { return true };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}

#[cfg(not(unix))]
fn alive(_: u32) -> bool {
    true
}

/// Locks `dir` for as long as the file returned is open; `None` where the
/// file system has no locks (then only the PID tells).
#[cfg(unix)]
fn lock(dir: &Path) -> Option<File> {
    let file = open_folder(dir)?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

/// Opens the folder `dir`, and nothing else: `O_DIRECTORY` refuses
/// anything put in its place (without waiting on it, `O_NONBLOCK`: a FIFO).
#[cfg(unix)]
fn open_folder(dir: &Path) -> Option<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    rustix::fs::open(dir, flags, Mode::empty()).ok().map(File::from)
}

#[cfg(not(unix))]
fn lock(_: &Path) -> Option<File> {
    None
}

/// Whether another process holds `dir`'s lock.
#[cfg(unix)]
fn locked(dir: &Path) -> bool {
    let Some(file) = open_folder(dir) else { return false };
    // Taken here, the lock is dropped when `file` closes.
    matches!(
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK
    )
}

#[cfg(not(unix))]
fn locked(_: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    // Test code: failing loudly is its job.
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cjo-disk-staging-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    /// A PID no process has: past the kernel's largest.
    const DEAD: u32 = 0x7fff_fff0;

    #[test]
    fn the_first_output_and_the_next_are_swapped_in() {
        let dir = scratch("swap");
        let out = dir.join("target");
        let s = Staging::new(&out, "target").unwrap();
        s.write("a/one.sql", b"1").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/one.sql")).unwrap(), b"1");
        let s = Staging::new(&out, "target").unwrap();
        s.write("two.sql", b"2").unwrap();
        s.commit().unwrap();
        assert_eq!(names(&out), ["two.sql"]);
        assert_eq!(names(&dir), ["target"], "nothing is left beside the output");
        let s = Staging::new(&out, "target").unwrap();
        s.write("three.sql", b"3").unwrap();
        drop(s);
        assert_eq!(names(&out), ["two.sql"], "an abandoned output changes nothing");
        assert_eq!(names(&dir), ["target"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dead_runs_are_cleared_and_live_ones_left_alone() {
        let dir = scratch("clear");
        let out = dir.join("target");
        std::fs::create_dir_all(out.join("x")).unwrap();
        let dead_new = dir.join(format!(".target.{NEW}{DEAD}"));
        let dead_old = dir.join(format!(".target.{OLD}{}", DEAD + 1));
        let other = dir.join(format!(".other.{NEW}{DEAD}"));
        // PID 1 is alive (init): another build, still going.
        let live = dir.join(format!(".target.{NEW}1"));
        for d in [&dead_new, &dead_old, &other, &live] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
        }
        // A live process of another PID namespace: its folder is locked.
        let locked_dir = dir.join(format!(".target.{NEW}{}", DEAD + 2));
        std::fs::create_dir_all(&locked_dir).unwrap();
        let held = lock(&locked_dir).unwrap();
        let s = Staging::new(&out, "target").unwrap();
        let left = names(&dir);
        assert!(!left.contains(&format!(".target.{NEW}{DEAD}")), "{left:?}");
        assert!(!left.contains(&format!(".target.{OLD}{}", DEAD + 1)), "{left:?}");
        assert!(left.contains(&format!(".other.{NEW}{DEAD}")), "another output's folders are not ours: {left:?}");
        assert!(left.contains(&format!(".target.{NEW}1")), "a live run's folder stays: {left:?}");
        assert!(left.contains(&format!(".target.{NEW}{}", DEAD + 2)), "a locked folder stays: {left:?}");
        drop(s);
        drop(held);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_output_lost_between_two_renames_is_put_back() {
        let dir = scratch("restore");
        let out = dir.join("target");
        let old = dir.join(format!(".target.{OLD}{DEAD}"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("manifest.json"), "previous").unwrap();
        let s = Staging::new(&out, "target").unwrap();
        assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), b"previous");
        drop(s);
        assert_eq!(names(&dir), ["target"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
