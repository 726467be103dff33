//! The crate's error type.

use std::io;
use std::path::PathBuf;

use crate::hash::{Hash, HashError};

/// Something went wrong reading or writing the corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done ("write", "read", "create directory", ...).
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// No blob with this hash is stored.
    #[error("no module or plan with hash {0} in the corpus")]
    NotFound(Hash),
    /// A stored blob's contents no longer hash to its address.
    #[error("corrupt corpus entry {}: its contents hash to {actual}, not {expected}", path.display())]
    Corrupt {
        /// The file read.
        path: PathBuf,
        /// The address it is stored under.
        expected: Hash,
        /// The hash of what was read.
        actual: Hash,
    },
    /// A string that is not a content hash.
    #[error(transparent)]
    BadHash(#[from] HashError),
    /// A value could not be written or read as JSON.
    #[error("cannot {action} {} as JSON: {source}", path.display())]
    Json {
        /// "write" or "read".
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A plan file that is not a plan this harness reads.
    #[error("{}: {source}", path.display())]
    Plan {
        /// The plan file.
        path: PathBuf,
        /// Why it was rejected.
        #[source]
        source: oracle::PlanError,
    },
    /// A finding that cannot be saved as given.
    #[error("invalid finding: {0}")]
    InvalidFinding(String),
}

impl CorpusError {
    /// An [`CorpusError::Io`] for `path`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: io::Error,
    ) -> CorpusError {
        CorpusError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
