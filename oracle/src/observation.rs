//! Observations: what one engine did with a module and a plan.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::proposal::Proposal;
use crate::trap::TrapKind;
use crate::value::Value;

/// The version of the observation format (it is part of `harness diff --json`).
pub const OBSERVATION_VERSION: u32 = 1;

/// What one engine did with one module and plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Observation {
    /// The engine's name, as `harness engines` lists it.
    pub engine: String,
    /// Instantiation against the standard host.
    pub instantiation: Step<InstanceOutcome>,
    /// One entry per invocation of the plan, in order. Shorter than the plan when the
    /// instance never came to be.
    pub invocations: Vec<Step<Outcome>>,
    /// The exported state after the last invocation, when the instance survived.
    pub final_state: Option<FinalState>,
    /// Wall-clock time the engine spent, by phase.
    pub timings: Timings,
}

/// One step's outcome with the interactions it had with the host.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step<O> {
    /// What happened.
    pub outcome: O,
    /// Calls into the standard host, in order (`spectest.print_i32` and friends).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_calls: Vec<HostCall>,
    /// Every request to grow a memory or table, in order, and whether it succeeded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceEvent>,
}

impl<O> Step<O> {
    /// A step with no host interaction.
    pub fn bare(outcome: O) -> Step<O> {
        Step {
            outcome,
            host_calls: Vec::new(),
            resources: Vec::new(),
        }
    }
}

/// How instantiation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum InstanceOutcome {
    /// The module was instantiated (its start function, if any, returned).
    Instantiated,
    /// The module uses proposals this engine does not implement: not run, never a divergence.
    Unsupported {
        /// The proposals the module needs and the engine lacks.
        proposals: Vec<Proposal>,
        /// Details.
        message: String,
    },
    /// Decoding or validation rejected the module (malformed or invalid).
    Rejected {
        /// The engine's reason.
        message: String,
    },
    /// Linking against the standard host failed (unlinkable).
    Unlinkable {
        /// The engine's reason.
        message: String,
    },
    /// Instantiation trapped: a segment out of bounds or the start function (uninstantiable).
    Trap {
        /// The kind.
        kind: TrapKind,
        /// The engine's own text.
        message: String,
    },
    /// The call stack was exhausted in the start function.
    Exhaustion {
        /// The engine's own text.
        message: String,
    },
    /// A limit (fuel or wall clock) ran out.
    Timeout {
        /// Which limit.
        message: String,
    },
    /// The engine's process died (signal, abort, out of memory) or failed internally.
    Crash {
        /// How it died, with the end of its standard error.
        message: String,
    },
}

/// How one invocation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The function returned these values.
    Return {
        /// The results, with exact bits.
        values: Vec<Value>,
    },
    /// Execution trapped.
    Trap {
        /// The kind.
        kind: TrapKind,
        /// The engine's own text.
        message: String,
    },
    /// The call stack was exhausted.
    Exhaustion {
        /// The engine's own text.
        message: String,
    },
    /// A limit (fuel or wall clock) ran out.
    Timeout {
        /// Which limit.
        message: String,
    },
    /// The engine's process died or failed internally.
    Crash {
        /// How it died, with the end of its standard error.
        message: String,
    },
    /// The call could not be made (no such export, wrong arguments).
    Error {
        /// Why.
        message: String,
    },
}

/// A call into the standard host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostCall {
    /// The import's field name in `spectest` (`print_i32`, ...).
    pub func: String,
    /// The arguments, with exact bits (but see `inexact`).
    pub args: Vec<Value>,
    /// The engine's host saw float arguments only approximately (WABT prints them with six
    /// decimals; wasm3's Python host gets them as doubles, which quiets a signalling NaN):
    /// they are judged as near, not as exact bits.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inexact: bool,
}

/// What a grow request was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    /// `memory.grow` (sizes in bytes).
    Memory,
    /// `table.grow` (sizes in elements).
    Table,
}

/// One request to grow a memory or a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceEvent {
    /// Memory or table.
    pub kind: ResourceKind,
    /// The size before.
    pub from: u64,
    /// The size asked for.
    pub to: u64,
    /// Whether the grow succeeded.
    pub granted: bool,
}

/// Exported state after the plan's last invocation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FinalState {
    /// Exported globals, in export order.
    pub globals: Vec<GlobalState>,
    /// Exported memories, in export order.
    pub memories: Vec<MemoryState>,
    /// Exported tables, in export order.
    pub tables: Vec<TableState>,
    /// Exports the runner cannot read on this engine (wasm3's tables: its probes need
    /// `table.size`, which wasm3 lacks): not judged, where a missing one would be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unobserved: Vec<String>,
}

impl FinalState {
    /// The same state with each list in name order: engines list exports in different
    /// orders (module order, name order), and state is compared by export name.
    pub fn by_name(&self) -> FinalState {
        let mut s = self.clone();
        s.globals.sort_by(|a, b| a.name.cmp(&b.name));
        s.memories.sort_by(|a, b| a.name.cmp(&b.name));
        s.tables.sort_by(|a, b| a.name.cmp(&b.name));
        s
    }
}

/// An exported global's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GlobalState {
    /// The export's name.
    pub name: String,
    /// Its value.
    pub value: Value,
}

/// An exported memory: its size and a digest of its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemoryState {
    /// The export's name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    /// The contents, when the runner kept them to locate a difference (not serialised).
    #[serde(skip)]
    pub contents: Option<Arc<Vec<u8>>>,
}

/// An exported table: its size and which slots hold a non-null reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableState {
    /// The export's name.
    pub name: String,
    /// Size in elements.
    pub size: u64,
    /// Half-open ranges `[start, end)` of the non-null slots, ascending.
    pub non_null: Vec<(u64, u64)>,
}

impl TableState {
    /// Builds the state from each slot's null-ness, in order.
    pub fn from_slots(name: String, slots: impl IntoIterator<Item = bool>) -> TableState {
        let mut non_null: Vec<(u64, u64)> = Vec::new();
        let mut size = 0;
        for (i, is_non_null) in slots.into_iter().enumerate() {
            let i = i as u64;
            size = i + 1;
            if is_non_null {
                match non_null.last_mut() {
                    Some((_, end)) if *end == i => *end = i + 1,
                    _ => non_null.push((i, i + 1)),
                }
            }
        }
        TableState {
            name,
            size,
            non_null,
        }
    }
}

/// Wall-clock time an engine spent, in microseconds.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Compilation (decoding, validation, code generation).
    pub compile_us: u64,
    /// Linking and instantiation, including a start function.
    pub instantiate_us: u64,
    /// All invocations.
    pub invoke_us: u64,
    /// Whole run as the parent saw it, including the worker process.
    pub total_us: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_slots_become_ranges() {
        let t = TableState::from_slots("t".into(), [true, true, false, true, false, false]);
        assert_eq!(t.size, 6);
        assert_eq!(t.non_null, vec![(0, 2), (3, 4)]);
        let empty = TableState::from_slots("e".into(), []);
        assert_eq!((empty.size, empty.non_null.len()), (0, 0));
    }
}
