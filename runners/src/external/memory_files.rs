//! Memory contents from an external engine, as files in a directory the harness names
//! (`docs/engine-protocol.md`, "Memory contents"): the final state of a reply where each
//! memory may name the `file` holding its bytes.
//!
//! The harness asks only when it wants the bytes (`harness diff`, to show where two
//! memories first differ; a campaign compares digests and does not ask), and only engines
//! that said they can. A file is taken only when it is in the named directory, is as long
//! as the memory and has its digest; otherwise the memory keeps its size and digest
//! without contents, and a warning says why.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use oracle::{FinalState, GlobalState, MemoryState, TableState};
use serde::Deserialize;

/// A final state as an engine replies it (the keys of [`FinalState`], and `file`).
#[derive(Debug, Default, Deserialize)]
pub(super) struct WireState {
    globals: Vec<GlobalState>,
    memories: Vec<WireMemory>,
    tables: Vec<TableState>,
    /// Exports the engine cannot read (see [`FinalState::unobserved`]).
    #[serde(default)]
    unobserved: Vec<String>,
}

/// A memory of a reply: size and digest, and maybe the file of its bytes.
#[derive(Debug, Deserialize)]
struct WireMemory {
    name: String,
    size: u64,
    sha256: String,
    #[serde(default)]
    file: Option<PathBuf>,
}

/// The bytes of `m`'s file, when it may be taken from `dir`: why not otherwise.
fn contents(m: &WireMemory, file: &Path, dir: &Path) -> Result<Vec<u8>, String> {
    if file.parent() != Some(dir) {
        return Err(format!(
            "its file {} is not in {}",
            file.display(),
            dir.display()
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if bytes.len() as u64 != m.size {
        return Err(format!(
            "its file has {} bytes, the memory {}",
            bytes.len(),
            m.size
        ));
    }
    if oracle::judge::sha256_hex(&bytes) != m.sha256 {
        return Err("its file does not have the memory's digest".into());
    }
    Ok(bytes)
}

impl WireState {
    /// The final state; with `dir` (the harness asked for contents there), each memory's
    /// bytes from its file, which is then removed.
    pub(super) fn into_state(self, engine: &str, dir: Option<&Path>) -> FinalState {
        let memories = self
            .memories
            .into_iter()
            .map(|m| {
                let kept = match (dir, &m.file) {
                    (Some(dir), Some(file)) => {
                        let taken = contents(&m, file, dir);
                        if file.parent() == Some(dir) {
                            let _ = std::fs::remove_file(file);
                        }
                        match taken {
                            Ok(bytes) => Some(Arc::new(bytes)),
                            Err(why) => {
                                tracing::warn!(
                                    "{engine}: contents of memory `{}` not kept: {why}",
                                    m.name
                                );
                                None
                            }
                        }
                    }
                    (Some(_), None) => {
                        tracing::warn!(
                            "{engine}: memory `{}` came without the file of its bytes",
                            m.name
                        );
                        None
                    }
                    (None, _) => None,
                };
                MemoryState {
                    name: m.name,
                    size: m.size,
                    sha256: m.sha256,
                    contents: kept,
                }
            })
            .collect();
        FinalState {
            globals: self.globals,
            memories,
            tables: self.tables,
            unobserved: self.unobserved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(memories: serde_json::Value) -> WireState {
        serde_json::from_value(serde_json::json!({
            "globals": [], "memories": memories, "tables": [],
        }))
        .unwrap()
    }

    #[test]
    fn a_file_in_the_directory_with_the_memory_s_bytes_becomes_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = vec![0u8, 1, 2, 3];
        let good = dir.path().join("memory-0.bin");
        std::fs::write(&good, &bytes).unwrap();
        let short = dir.path().join("memory-1.bin");
        std::fs::write(&short, [0u8]).unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), &bytes).unwrap();
        let sha = oracle::judge::sha256_hex(&bytes);
        let wire = state(serde_json::json!([
            {"name": "a", "size": 4, "sha256": sha, "file": good},
            {"name": "b", "size": 4, "sha256": sha, "file": short},
            {"name": "c", "size": 4, "sha256": sha, "file": outside.path()},
            {"name": "d", "size": 4, "sha256": "00", "file": dir.path().join("none")},
            {"name": "e", "size": 4, "sha256": sha},
        ]));
        let s = wire.into_state("t", Some(dir.path()));
        let kept: Vec<Option<Vec<u8>>> = s
            .memories
            .iter()
            .map(|m| m.contents.as_deref().cloned())
            .collect();
        assert_eq!(kept, vec![Some(bytes.clone()), None, None, None, None]);
        assert!(s.memories.iter().all(|m| m.size == 4));
        // Files in the directory are removed once read; one outside it is left alone.
        assert!(!good.exists() && !short.exists());
        assert!(outside.path().exists());
    }

    #[test]
    fn exports_an_engine_cannot_read_are_kept_as_unobserved() {
        let wire: WireState = serde_json::from_value(serde_json::json!({
            "globals": [], "memories": [], "tables": [], "unobserved": ["t"]
        }))
        .unwrap();
        assert_eq!(wire.into_state("e", None).unobserved, ["t"]);
        let plain: WireState = serde_json::from_value(
            serde_json::json!({"globals": [], "memories": [], "tables": []}),
        )
        .unwrap();
        assert!(plain.into_state("e", None).unobserved.is_empty());
    }

    #[test]
    fn without_a_directory_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("m.bin");
        std::fs::write(&f, [1u8]).unwrap();
        let sha = oracle::judge::sha256_hex(&[1]);
        let s = state(serde_json::json!([{"name": "a", "size": 1, "sha256": sha, "file": f}]))
            .into_state("t", None);
        assert!(s.memories[0].contents.is_none());
        assert!(f.exists());
    }
}
