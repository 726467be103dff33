//! Reduction of bug-triggering modules.
//!
//! A reduction looks for a smaller module that is still *interesting*: that still
//! shows the bug. Whether a candidate is interesting is decided by a [`Predicate`]:
//!
//! - [`CommandPredicate`] runs a user's command on the candidate (the convention of
//!   `wasm-tools shrink`, `wasm-reduce` and C-Reduce: exit status 0 means interesting);
//! - [`SignaturePredicate`] asks a closure (the built-in "the finding's divergence
//!   signature still holds" check plugs in there).
//!
//! The reduction stages themselves (RR-Reduce, Hybrid-Reduce) are not written yet.

#![deny(missing_docs)]

#[cfg(unix)]
mod command;
mod predicate;
mod signature;

#[cfg(unix)]
pub use command::CommandPredicate;
pub use predicate::{Interesting, Predicate, PredicateError};
pub use signature::SignaturePredicate;
