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
    tmp.write_all(bytes)
        .map_err(|e| CorpusError::io("write", tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| CorpusError::io("flush", tmp.path(), e))?;
    // On failure the returned error owns the temporary file and deletes it when dropped.
    tmp.persist(path)
        .map_err(|e| CorpusError::io("rename a temporary file to", path, e.error))?;
    sync_dir(dir)
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
