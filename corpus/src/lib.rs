//! Durable, content-addressed storage of modules, plans and findings.
//!
//! Everything this crate writes goes through [`write_atomic`]: the bytes go to a
//! temporary file in the target's directory, are flushed to disk, and the temporary
//! file is renamed over the target. A crash or `kill -9` at any moment leaves either
//! the old file or the new one, never a half-written one (at worst a stray temporary
//! file whose name starts with `.tmp`, which readers of this crate ignore).
//!
//! - [`Store`] keeps blobs under their SHA-256 ([`Hash`]) and checks that address
//!   again on every read.
//! - [`save_finding`] writes a finding's directory (module, plan, observations,
//!   comparison, report, one-line reproduction command) and
//!   [`load_finding_module_and_plan`] reads its module and plan back.

#![deny(missing_docs)]

mod atomic;
mod error;
mod finding;
mod hash;
mod store;

pub use atomic::{write_atomic, write_atomic_unsynced};

/// For writers that do not go through [`write_atomic`] (appends): fails as a full disk
/// would once the test budget `HARNESS_TEST_DISK_BYTES` is spent, like the atomic writes.
pub fn check_disk_budget(len: usize) -> std::io::Result<()> {
    atomic::simulated_disk_full(len)
}
pub use error::CorpusError;
pub use finding::{Finding, finding_id, load_finding_module_and_plan, save_finding};
pub use hash::{Hash, HashError};
pub use store::Store;
