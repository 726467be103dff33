//! The standard host: the spec test suite's `spectest` module, and the log of what a
//! module did with it (host calls, grow requests).

use oracle::{HostCall, ResourceEvent, ResourceKind};

use crate::inspect::{Import, ImportKind};

pub use crate::spectest::{
    FUNCS, GLOBAL_F32_BITS, GLOBAL_F64_BITS, GLOBAL_INT, MEMORY_LIMITS, TABLE_LIMITS,
};

/// Whether the standard host provides an import (by name and kind; a type mismatch is
/// left to the engines, which must report the module unlinkable).
pub fn provides(import: &Import) -> bool {
    if import.module != "spectest" {
        return false;
    }
    match &import.kind {
        ImportKind::Func(_) => FUNCS.iter().any(|(n, _)| *n == import.name),
        ImportKind::Global => matches!(
            import.name.as_str(),
            "global_i32" | "global_i64" | "global_f32" | "global_f64"
        ),
        ImportKind::Table => import.name == "table",
        ImportKind::Memory => import.name == "memory",
        ImportKind::Tag => false,
    }
}

/// Host calls and grow requests of the current step.
#[derive(Debug, Default)]
pub struct HostLog {
    /// Calls into `spectest`.
    pub calls: Vec<HostCall>,
    /// Grow requests.
    pub resources: Vec<ResourceEvent>,
    /// Largest memory, in bytes, a grow may reach.
    pub max_memory: u64,
    /// Largest table, in elements, a grow may reach.
    pub max_table: u64,
    /// Set while instantiating: memories and tables being created from size 0 are not
    /// grow requests of the program and are not recorded.
    pub creating: bool,
}

impl HostLog {
    /// A log enforcing these limits.
    pub fn new(max_memory: u64, max_table: u64) -> HostLog {
        HostLog {
            max_memory,
            max_table,
            ..Default::default()
        }
    }

    /// Records a grow request and decides it: granted unless past the module's maximum or
    /// the harness's limit.
    pub fn growing(
        &mut self,
        kind: ResourceKind,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> bool {
        let limit = match kind {
            ResourceKind::Memory => self.max_memory,
            ResourceKind::Table => self.max_table,
        };
        if maximum.is_some_and(|m| desired > m) {
            // Past the declared maximum the spec requires failure: not a resource event.
            return false;
        }
        let granted = desired as u64 <= limit;
        if self.creating && current == 0 {
            return granted;
        }
        self.resources.push(ResourceEvent {
            kind,
            from: current as u64,
            to: desired as u64,
            granted,
        });
        granted
    }

    /// Records that the last grant failed after all (the engine could not allocate).
    pub fn grow_failed(&mut self) {
        if let Some(last) = self.resources.last_mut().filter(|_| !self.creating) {
            last.granted = false;
        }
    }

    /// Takes this step's records, leaving the log empty for the next step.
    pub fn take(&mut self) -> (Vec<HostCall>, Vec<ResourceEvent>) {
        (
            std::mem::take(&mut self.calls),
            std::mem::take(&mut self.resources),
        )
    }
}
