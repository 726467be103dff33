//! The standard host: the spec test suite's `spectest` module, and the log of what a
//! module did with it (host calls, grow requests).

use oracle::{HostCall, ResourceEvent, ResourceKind, ValType};

use crate::inspect::{Import, ImportKind};

/// The functions of `spectest` and their parameter types.
pub const FUNCS: [(&str, &[ValType]); 7] = [
    ("print", &[]),
    ("print_i32", &[ValType::I32]),
    ("print_i64", &[ValType::I64]),
    ("print_f32", &[ValType::F32]),
    ("print_f64", &[ValType::F64]),
    ("print_i32_f32", &[ValType::I32, ValType::F32]),
    ("print_f64_f64", &[ValType::F64, ValType::F64]),
];

/// `spectest.global_i32` and `global_i64`: 666.
pub const GLOBAL_INT: u32 = 666;
/// `spectest.global_f32`: 666.6.
pub const GLOBAL_F32_BITS: u32 = 0x4426_a666;
/// `spectest.global_f64`: 666.6.
pub const GLOBAL_F64_BITS: u64 = 0x4084_d4cc_cccc_cccd;
/// `spectest.table`: funcref, minimum 10, maximum 20.
pub const TABLE_LIMITS: (u32, u32) = (10, 20);
/// `spectest.memory`: minimum 1 page, maximum 2.
pub const MEMORY_LIMITS: (u32, u32) = (1, 2);

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
