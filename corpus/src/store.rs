//! The content-addressed blob store.

use std::fs::{self, ReadDir};
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic::{sync_dir, write_atomic};
use crate::error::CorpusError;
use crate::hash::Hash;

/// Blobs (modules, plans, anything) stored under their SHA-256.
///
/// A blob with hash `abcdef…` lives at `root/ab/abcdef…`. Writes are atomic
/// ([`write_atomic`]) and every read checks the contents against the address.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens the store at `root`, creating the directory (and its parents) if needed.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store, CorpusError> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| CorpusError::io("create directory", &root, e))?;
        Ok(Store { root })
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with this hash is (or would be) stored.
    pub fn path_of(&self, hash: &Hash) -> PathBuf {
        self.root.join(hash.fan_out()).join(hash.as_str())
    }

    /// Stores `bytes` and returns their hash.
    ///
    /// Idempotent: if a blob with these contents is already stored intact, nothing is
    /// written. (A stored file that no longer matches its hash is replaced.)
    pub fn put(&self, bytes: &[u8]) -> Result<Hash, CorpusError> {
        self.put_as(bytes, true)
    }

    /// Like [`put`](Store::put), without flushing to the disk: the blob survives the
    /// process being killed but not a power loss (see [`write_atomic_unsynced`]).
    ///
    /// [`write_atomic_unsynced`]: crate::write_atomic_unsynced
    pub fn put_unsynced(&self, bytes: &[u8]) -> Result<Hash, CorpusError> {
        self.put_as(bytes, false)
    }

    fn put_as(&self, bytes: &[u8], sync: bool) -> Result<Hash, CorpusError> {
        let hash = Hash::of(bytes);
        let path = self.path_of(&hash);
        match fs::read(&path) {
            Ok(existing) if existing == bytes => return Ok(hash),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(CorpusError::io("read", &path, e)),
        }
        let dir = self.root.join(hash.fan_out());
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| CorpusError::io("create directory", &dir, e))?;
            if sync {
                sync_dir(&self.root)?;
            }
        }
        if sync {
            write_atomic(&path, bytes)?;
        } else {
            crate::write_atomic_unsynced(&path, bytes)?;
        }
        Ok(hash)
    }

    /// Reads the blob with this hash, checking that its contents still hash to it.
    pub fn get(&self, hash: &Hash) -> Result<Vec<u8>, CorpusError> {
        let path = self.path_of(hash);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CorpusError::NotFound(hash.clone()));
            }
            Err(e) => return Err(CorpusError::io("read", &path, e)),
        };
        let actual = Hash::of(&bytes);
        if &actual != hash {
            return Err(CorpusError::Corrupt {
                path,
                expected: hash.clone(),
                actual,
            });
        }
        Ok(bytes)
    }

    /// Whether a blob with this hash is stored (its contents are not checked).
    pub fn contains(&self, hash: &Hash) -> bool {
        self.path_of(hash).is_file()
    }

    /// The hashes of all stored blobs, in no particular order.
    ///
    /// Entries that are not blobs (temporary files left by a crash, files whose name
    /// is not a hash or that sit in the wrong fan-out directory) are skipped. Errors
    /// reading a directory are yielded and the listing goes on with the next one.
    pub fn iter(&self) -> impl Iterator<Item = Result<Hash, CorpusError>> + use<> {
        Hashes {
            root: self.root.clone(),
            outer: None,
            started: false,
            inner: None,
        }
    }
}

/// The iterator behind [`Store::iter`].
struct Hashes {
    root: PathBuf,
    outer: Option<ReadDir>,
    started: bool,
    /// The fan-out directory being listed: its path, its name and its entries.
    inner: Option<(PathBuf, String, ReadDir)>,
}

impl Iterator for Hashes {
    type Item = Result<Hash, CorpusError>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.started {
            self.started = true;
            match fs::read_dir(&self.root) {
                Ok(rd) => self.outer = Some(rd),
                Err(e) => return Some(Err(CorpusError::io("list directory", &self.root, e))),
            }
        }
        loop {
            if let Some((dir, prefix, entries)) = &mut self.inner {
                match entries.next() {
                    Some(Ok(entry)) => {
                        let name = entry.file_name();
                        let Some(name) = name.to_str() else { continue };
                        let Ok(hash) = name.parse::<Hash>() else {
                            continue;
                        };
                        if hash.fan_out() != prefix.as_str() {
                            continue;
                        }
                        match entry.file_type() {
                            Ok(t) if t.is_file() => return Some(Ok(hash)),
                            Ok(_) => continue,
                            Err(e) => {
                                return Some(Err(CorpusError::io("inspect", entry.path(), e)));
                            }
                        }
                    }
                    Some(Err(e)) => {
                        let err = CorpusError::io("list directory", dir.clone(), e);
                        self.inner = None;
                        return Some(Err(err));
                    }
                    None => self.inner = None,
                }
                continue;
            }
            let outer = self.outer.as_mut()?;
            match outer.next() {
                Some(Ok(entry)) => {
                    let name = entry.file_name();
                    let Some(name) = name.to_str() else { continue };
                    let is_fan_out = name.len() == 2
                        && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                    if !is_fan_out {
                        continue;
                    }
                    let name = name.to_owned();
                    let path = entry.path();
                    match fs::read_dir(&path) {
                        Ok(rd) => self.inner = Some((path, name, rd)),
                        // A file where a fan-out directory would be is not ours to list.
                        Err(e) if e.kind() == io::ErrorKind::NotADirectory => continue,
                        Err(e) => return Some(Err(CorpusError::io("list directory", path, e))),
                    }
                }
                Some(Err(e)) => {
                    let err = CorpusError::io("list directory", self.root.clone(), e);
                    self.outer = None;
                    return Some(Err(err));
                }
                None => {
                    self.outer = None;
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(store: &Store) -> Vec<Hash> {
        let mut v: Vec<Hash> = store.iter().collect::<Result<_, _>>().unwrap();
        v.sort();
        v
    }

    #[test]
    fn round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("nested/store")).unwrap();
        let a = store.put(b"\0asm\x01\0\0\0").unwrap();
        let b = store.put(b"").unwrap();
        assert_eq!(a, Hash::of(b"\0asm\x01\0\0\0"));
        assert_eq!(store.get(&a).unwrap(), b"\0asm\x01\0\0\0");
        assert_eq!(store.get(&b).unwrap(), b"");
        assert!(store.contains(&a) && store.contains(&b));
        let path = store.path_of(&a);
        assert_eq!(path, store.root().join(&a.as_str()[..2]).join(a.as_str()));
        assert!(path.is_file());
        let mut expected = vec![a, b];
        expected.sort();
        assert_eq!(sorted(&store), expected);
    }

    #[test]
    fn missing_blobs_are_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let h = Hash::of(b"never stored");
        assert!(!store.contains(&h));
        assert!(matches!(store.get(&h), Err(CorpusError::NotFound(x)) if x == h));
        assert_eq!(store.iter().count(), 0);
    }

    #[test]
    #[cfg(unix)]
    fn put_is_idempotent() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let h1 = store.put(b"same bytes").unwrap();
        let ino = fs::metadata(store.path_of(&h1)).unwrap().ino();
        let h2 = store.put(b"same bytes").unwrap();
        assert_eq!(h1, h2);
        // A second write would have renamed a new file (a new inode) into place.
        assert_eq!(fs::metadata(store.path_of(&h1)).unwrap().ino(), ino);
        assert_eq!(sorted(&store), vec![h1.clone()]);
        let fan_out: Vec<_> = fs::read_dir(store.root().join(h1.fan_out()))
            .unwrap()
            .collect();
        assert_eq!(fan_out.len(), 1);
    }

    #[test]
    fn corruption_is_detected_and_repaired_by_put() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let h = store.put(b"original module").unwrap();
        fs::write(store.path_of(&h), b"tampered module").unwrap();
        match store.get(&h) {
            Err(CorpusError::Corrupt {
                expected, actual, ..
            }) => {
                assert_eq!(expected, h);
                assert_eq!(actual, Hash::of(b"tampered module"));
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        // Truncation is corruption too.
        fs::write(store.path_of(&h), b"").unwrap();
        assert!(matches!(store.get(&h), Err(CorpusError::Corrupt { .. })));
        assert_eq!(store.put(b"original module").unwrap(), h);
        assert_eq!(store.get(&h).unwrap(), b"original module");
    }

    #[test]
    fn listing_skips_what_is_not_a_blob() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let h = store.put(b"blob").unwrap();
        let other = Hash::of(b"elsewhere");
        let wrong_fan_out = if other.fan_out() == "00" { "01" } else { "00" };
        fs::create_dir_all(store.root().join(wrong_fan_out)).unwrap();
        fs::write(
            store.root().join(wrong_fan_out).join(other.as_str()),
            b"elsewhere",
        )
        .unwrap();
        fs::write(store.root().join(h.fan_out()).join(".tmpXYZ"), b"half").unwrap();
        fs::write(store.root().join(h.fan_out()).join("notes.txt"), b"x").unwrap();
        fs::write(store.root().join("ff"), b"a file, not a directory").unwrap_or(());
        fs::create_dir_all(store.root().join("not-fan-out")).unwrap();
        assert_eq!(sorted(&store), vec![h]);
    }

    #[test]
    fn open_fails_cleanly_on_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, b"x").unwrap();
        assert!(matches!(Store::open(&file), Err(CorpusError::Io { .. })));
        assert!(matches!(
            Store::open(file.join("sub")),
            Err(CorpusError::Io { .. })
        ));
    }
}
