//! Writing a file whole or not at all: a temporary file beside the target, written, flushed to
//! disk, then renamed over the target. A reader (or the app's own watcher) sees the old file or
//! the new one, never half of one; a failed write (a full disk, a read-only place) removes the
//! temporary file and leaves the old file as it was.
//!
//! The temporary file is created by a function the caller may replace, so tests can put the same code path on a disk that
//! fills up after N bytes ([`FillsAfter`]) where no real small file system can be mounted.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Somewhere the bytes are written: a file, or a test's stand-in for one.
pub trait Sink: Write {
    /// Flush to the disk (`fsync`).
    fn sync(&mut self) -> io::Result<()>;
}

impl Sink for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_all()
    }
}

/// A file on a disk with `room_bytes` left: writes beyond that fail with "no space left on
/// device" (`StorageFull`), as a full disk's do. What fitted is in the file.
#[derive(Debug)]
pub struct FillsAfter {
    file: File,
    room_bytes: usize,
}

impl FillsAfter {
    /// The temporary file on a disk with `room_bytes` left.
    pub fn open(tmp: &Path, room_bytes: usize) -> io::Result<Self> {
        Ok(Self { file: create_new(tmp)?, room_bytes })
    }
}

impl Write for FillsAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room_bytes == 0 && !buf.is_empty() {
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        let n = buf.len().min(self.room_bytes);
        let written = self.file.write(&buf[..n])?;
        self.room_bytes -= written;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Sink for FillsAfter {
    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_all()
    }
}

/// The temporary name used for `path`: hidden, in the same folder (a rename across file systems
/// would not be atomic), and per process (two app instances never share one).
pub fn temporary_path(path: &Path) -> PathBuf {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    folder.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_through(path, bytes, create_new)
}

/// Write `bytes` to `path` atomically, creating the temporary file with `open` (normally
/// [`create_new`]; a test's full disk or read-only place).
pub fn write_through<S: Sink>(path: &Path, bytes: &[u8], open: impl FnOnce(&Path) -> io::Result<S>) -> io::Result<()> {
    let tmp = temporary_path(path);
    let result = (|| {
        let mut f = open(&tmp)?;
        f.write_all(bytes)?;
        f.sync()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Removes a file or a symlink at the temporary name, never a folder or a symlink's target.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Create `tmp` only if nothing is there; a leftover from a crashed save (a file or a symlink) is
/// removed first. Never opens an existing path: a symlink planted at the temporary name could
/// otherwise make the save write through it to a file the user never chose.
pub fn create_new(tmp: &Path) -> io::Result<File> {
    let open = || std::fs::OpenOptions::new().write(true).create_new(true).open(tmp);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // remove_file removes a symlink itself, not its target; it fails on a folder.
            std::fs::remove_file(tmp)?;
            open()
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("a.txt");
        write(&path, b"old").unwrap_or_else(|e| panic!("{e}"));
        let err = write_through(&path, &[b'x'; 10_000], |t: &Path| FillsAfter::open(t, 4096)).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::StorageFull));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"old");
        assert!(!temporary_path(&path).exists());
        // Room enough: the same path writes.
        write_through(&path, b"new", |t: &Path| FillsAfter::open(t, 4096)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"new");
    }
}
