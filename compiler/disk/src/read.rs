//! Reading a user's file: regular files only, never more than asked.

use std::fs::{File, FileType, Metadata};
use std::io::{self, Read};
use std::path::Path;

use cjo_project::{ReadError, Special};

/// The bytes of the regular file at `path`, when it holds at most `limit`
/// bytes. A link is followed: a link to a regular file reads as the file.
///
/// The type is checked with `stat`, which opens nothing, so a FIFO, a
/// device or a socket is refused ([`ReadError::NotAFile`]) before anything
/// could wait on it or a driver see it opened. The file is then opened
/// without waiting (`O_NONBLOCK` on Unix: should a FIFO have been put in
/// its place since, the open returns at once) and checked again, and at
/// most `limit + 1` bytes are read whatever its length said: a file that
/// grows, or lies about its length, is [`ReadError::TooLarge`] all the same.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let before = std::fs::metadata(path)?;
    regular(&before, limit)?;
    let file = open(path)?;
    // What was opened, in case the path changed since the `stat`.
    let opened = file.metadata()?;
    regular(&opened, limit)?;
    let capacity = usize::try_from(opened.len()).unwrap_or(limit).min(limit);
    read_into(file, limit, Vec::with_capacity(capacity))
}

/// At most `limit` bytes from `reader` (standard input, say):
/// [`ReadError::TooLarge`] as soon as one more arrives.
pub fn read_bounded(reader: impl Read, limit: usize) -> Result<Vec<u8>, ReadError> {
    read_into(reader, limit, Vec::new())
}

fn read_into(reader: impl Read, limit: usize, mut bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let most = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(most).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

/// `Ok` for a regular file no longer than `limit` (by its metadata).
fn regular(meta: &Metadata, limit: usize) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotAFile(special(meta.file_type())));
    }
    if meta.len() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    Ok(())
}

fn special(t: FileType) -> Special {
    if t.is_dir() {
        return Special::Folder;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Special::Fifo;
        }
        if t.is_socket() {
            return Special::Socket;
        }
        if t.is_char_device() {
            return Special::CharDevice;
        }
        if t.is_block_device() {
            return Special::BlockDevice;
        }
    }
    Special::Other
}

/// Opens for reading without waiting: `O_NONBLOCK` makes opening a FIFO
/// return at once (reading a regular file ignores the flag), `O_NOCTTY`
/// keeps a terminal from becoming ours.
#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::open(path, flags, Mode::empty())?))
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    // Test code: failing loudly is its job.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cjo-disk-read-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_regular_file_and_a_link_to_one_are_read() {
        let dir = scratch("regular");
        std::fs::write(dir.join("a.cjo"), "abc").unwrap();
        assert_eq!(read(&dir.join("a.cjo"), 3).unwrap(), b"abc");
        assert!(matches!(read(&dir.join("a.cjo"), 2), Err(ReadError::TooLarge(Some(3)))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("a.cjo"), dir.join("link.cjo")).unwrap();
            assert_eq!(read(&dir.join("link.cjo"), 3).unwrap(), b"abc");
        }
        assert!(read(&dir.join("missing.cjo"), 3).unwrap_err().is_not_found());
        assert!(matches!(read(&dir, 3), Err(ReadError::NotAFile(Special::Folder))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_they_are_read() {
        // /dev/zero never ends: reading it would fill the memory.
        assert!(matches!(read(Path::new("/dev/zero"), 10), Err(ReadError::NotAFile(Special::CharDevice))));
        let dir = scratch("device");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.cjo")).unwrap();
        assert!(matches!(read(&dir.join("zero.cjo"), 10), Err(ReadError::NotAFile(Special::CharDevice))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = scratch("fifo");
        let fifo = dir.join("x.cjo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        // No writer ever comes: opening the FIFO to read it would wait
        // forever, so a regression fails here instead of hanging.
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || tx.send(read(&path, 10).map_err(|e| e.to_string())));
        let answer = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("reading a FIFO returns at once");
        assert_eq!(answer.unwrap_err(), "it is a FIFO (named pipe), not a regular file");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bounded_read_stops_one_byte_past_the_limit() {
        // An endless reader: only limit + 1 bytes are taken from it.
        let endless = std::io::repeat(b'x');
        assert!(matches!(read_bounded(endless, 1000), Err(ReadError::TooLarge(None))));
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
    }
}
