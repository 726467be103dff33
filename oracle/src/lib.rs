//! The WebAssembly specification, executable.
//!
//! This crate owns the project's vocabulary, because these are the spec's terms: values
//! with exact bits ([`Value`]), trap kinds named as the spec test suite names them
//! ([`TrapKind`]), plans ([`Plan`]), observations ([`Observation`]) and the judgement of
//! observations ([`judge`]). It depends on no other crate of the project, and never on an
//! engine's parser or validator: it is what the engines are held against.

#![deny(missing_docs)]

pub mod ast;
pub mod binary;
pub mod coverage;
pub mod exec;
pub mod expect;
pub mod judge;
pub mod numerics;
pub mod observation;
pub mod plan;
pub mod proposal;
pub mod run;
pub mod script;
pub mod trap;
pub mod valid;
pub mod value;

pub use judge::{CompareContext, Comparison, StepId, Verdict, compare};
pub use observation::{
    FinalState, GlobalState, HostCall, InstanceOutcome, MemoryState, Observation, Outcome,
    ResourceEvent, ResourceKind, Step, TableState, Timings,
};
pub use plan::{Invocation, Observe, PLAN_VERSION, Plan, PlanError};
pub use proposal::Proposal;
pub use trap::TrapKind;
pub use value::{FuncType, HeapType, NanClass, RefType, RefValue, ValType, Value};

/// An exported function as the harness sees it: its name and type.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportedFunc {
    /// The export's name.
    pub name: String,
    /// Its type.
    pub ty: FuncType,
}
