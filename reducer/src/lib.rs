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
//! [`reduce`] runs the stages: record a run of the module on Wasmtime and replay the
//! function (or group) that still shows the bug in a module of its own (RR-Reduce), then
//! shrink syntactically to a fixpoint within a time budget (Hybrid-Reduce).

#![deny(missing_docs)]

#[cfg(unix)]
mod command;
pub mod finding;
mod instrument;
pub mod module;
mod predicate;
mod record;
mod reduce;
mod replay;
mod rr;
mod shrink;
mod signature;

#[cfg(unix)]
pub use command::CommandPredicate;
pub use finding::{FindingError, FindingPredicate, Signature};
pub use predicate::{Interesting, Predicate, PredicateError};
pub use record::serve as serve_recording;
pub use reduce::{
    NoObserver, Observer, Options, ReduceError, Reduction, StageReport, Strategy, reduce,
};
pub use signature::SignaturePredicate;
