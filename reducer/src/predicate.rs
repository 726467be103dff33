//! The predicate interface.

use std::io;

/// Whether a candidate still shows the behaviour being reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Interesting {
    /// It does: the reduction may keep it.
    Yes,
    /// It does not (or the check could not tell in time).
    No,
}

impl From<bool> for Interesting {
    fn from(b: bool) -> Interesting {
        if b { Interesting::Yes } else { Interesting::No }
    }
}

/// Decides whether candidate modules are interesting.
pub trait Predicate {
    /// Tests one candidate module (binary bytes).
    ///
    /// An error means the predicate itself cannot work (its command cannot be started,
    /// its scratch file cannot be written), not that the candidate is uninteresting.
    fn test(&mut self, candidate: &[u8]) -> Result<Interesting, PredicateError>;

    /// How many times [`Predicate::test`] has been called.
    fn calls(&self) -> u64;

    /// What the last test printed or found, for error messages and for finding the
    /// functions it names (`None` when the predicate has nothing to say).
    fn explain(&self) -> Option<String> {
        None
    }
}

/// A predicate could not decide.
#[derive(Debug, thiserror::Error)]
pub enum PredicateError {
    /// The predicate's command could not be started.
    #[error("cannot start the predicate command `{program}`: {source}")]
    Spawn {
        /// The program, as given.
        program: String,
        /// Why it could not be started.
        #[source]
        source: io::Error,
    },
    /// Some other system operation the predicate needs failed.
    #[error("predicate: cannot {action}: {source}")]
    Io {
        /// What was being done.
        action: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}
