//! Crash-safe file replacement.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::error::CorpusError;

/// The prefix of the temporary files [`write_atomic`] creates (and that listings skip).
pub(crate) const TEMP_PREFIX: &str = ".tmp";

/// Writes `bytes` to `path` so that no crash can leave a partial file there.
///
/// The bytes are written to a fresh temporary file in `path`'s directory (which must
/// exist), flushed to the disk, and the temporary file is renamed over `path`; the
/// directory is then flushed too, so the rename itself survives a power cut. Readers
/// see the old contents or the new, never a mix. On any error the temporary file is
/// removed and `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    write(path, bytes, true)
}

/// Like [`write_atomic`], without flushing to the disk: the file is whole or absent
/// after the process is killed (the kernel keeps what was written), though not after a
/// power loss. For data written at a high rate that a crash may lose but never tear.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], sync: bool) -> Result<(), CorpusError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(CorpusError::io(
            "write",
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path does not name a file",
            ),
        ));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As `std::fs::write` would: read-write for all, narrowed by the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| CorpusError::io("create a temporary file in", dir, e))?;
    simulated_disk_full(bytes.len()).map_err(|e| CorpusError::io("write", tmp.path(), e))?;
    tmp.write_all(bytes)
        .map_err(|e| CorpusError::io("write", tmp.path(), e))?;
    if sync {
        tmp.as_file()
            .sync_all()
            .map_err(|e| CorpusError::io("flush", tmp.path(), e))?;
    }
    // On failure the returned error owns the temporary file and deletes it when dropped.
    tmp.persist(path)
        .map_err(|e| CorpusError::io("rename a temporary file to", path, e.error))?;
    if sync { sync_dir(dir) } else { Ok(()) }
}

/// A full disk, for tests that cannot fill a real one: with `HARNESS_TEST_DISK_BYTES=N`
/// in the environment, atomic writes fail with "No space left on device" once this
/// process has written N bytes through them.
pub(crate) fn simulated_disk_full(len: usize) -> std::io::Result<()> {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static BUDGET: OnceLock<Option<u64>> = OnceLock::new();
    static USED: AtomicU64 = AtomicU64::new(0);
    const ENOSPC: i32 = 28;
    let budget = *BUDGET.get_or_init(|| {
        std::env::var("HARNESS_TEST_DISK_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    match budget {
        Some(b) if USED.fetch_add(len as u64, Ordering::Relaxed) + len as u64 > b => {
            Err(std::io::Error::from_raw_os_error(ENOSPC))
        }
        _ => Ok(()),
    }
}

/// Flushes a directory's entries (new names, renames) to the disk.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), CorpusError> {
    #[cfg(unix)]
    {
        let d = File::open(dir).map_err(|e| CorpusError::io("open directory", dir, e))?;
        d.sync_all()
            .map_err(|e| CorpusError::io("flush directory", dir, e))?;
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, File::open);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces_leaving_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        write_atomic(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write_atomic(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        write_atomic(&path, b"").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        assert_eq!(names(dir.path()), vec!["f.bin".to_owned()]);
    }

    #[test]
    fn fails_cleanly_when_the_directory_is_missing_or_the_target_is_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("no/such/dir/f"), b"x").unwrap_err();
        assert!(matches!(err, CorpusError::Io { .. }), "{err}");

        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/inner"), b"x").unwrap();
        let err = write_atomic(&dir.path().join("sub"), b"x").unwrap_err();
        assert!(matches!(err, CorpusError::Io { .. }), "{err}");
        assert_eq!(names(dir.path()), vec!["sub".to_owned()]);
    }
}
