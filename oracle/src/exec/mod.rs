//! Execution, after `4.0-execution.configurations.spectec` to `4.4-execution.modules.spectec`
//! (and their WebAssembly 2.0 counterparts `8-reduction.spectec`, `9-module.spectec`, whose
//! rule names the coverage points use): the store, instantiation and an interpreter over
//! the abstract syntax of [`crate::ast`].
//!
//! The interpreter keeps explicit stacks (frames, operands), so no wasm call depth
//! or block nesting grows the host stack. Where the spec leaves a result open (a NaN of a
//! class, a grown memory that may fail), execution goes on with one representative and
//! tags the value with what else it could have been ([`Nondet`]).

mod code;
mod instantiate;
mod interp;
pub mod names;
mod num;
mod simd;
mod slots;
mod store;
mod taint;

#[cfg(test)]
mod tests;

pub use names::instr_name;
pub use store::Store;

use crate::coverage::Counter;
use crate::numerics::FloatSet;

/// The address of a function in a [`Store`].
pub type FuncAddr = usize;
/// The address of a table in a [`Store`].
pub type TableAddr = usize;
/// The address of a memory in a [`Store`].
pub type MemAddr = usize;
/// The address of a global in a [`Store`].
pub type GlobalAddr = usize;

/// `externaddr`: a runtime object an import or export refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternVal {
    /// `FUNC funcaddr`
    Func(FuncAddr),
    /// `TABLE tableaddr`
    Table(TableAddr),
    /// `MEM memaddr`
    Mem(MemAddr),
    /// `GLOBAL globaladdr`
    Global(GlobalAddr),
}

/// A value, with what the spec leaves open about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagged {
    /// The representative the oracle computed.
    pub value: crate::Value,
    /// Which other values the spec allows in its place.
    pub nondet: Nondet,
}

/// What the spec leaves open about a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nondet {
    /// Nothing: the value is exact.
    None,
    /// A float that is any NaN of this class (`CanonicalNan` or `ArithmeticNan`).
    Nan(FloatSet),
    /// A `v128` of float lanes: per lane, `Some(class)` where the lane is any NaN of that
    /// class, `None` where the lane is exact.
    Lanes(Vec<Option<FloatSet>>),
    /// Anything of the value's type (the oracle lost track of what the spec allows).
    Unknown,
}

/// Why an invocation did not return values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The program trapped.
    #[error("trap: {0}")]
    Trap(crate::TrapKind),
    /// The call stack or the operand stack passed the oracle's limits.
    #[error("call stack exhausted")]
    Exhaustion,
    /// The fuel given by [`Store::set_fuel`] ran out.
    #[error("out of fuel")]
    OutOfFuel,
    /// Something the oracle does not implement, or a malformed request (wrong arguments).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The spec leaves the outcome open: the step trapped on a path chosen by bits the
    /// spec does not fix (a NaN's payload), and another choice of them may not trap.
    #[error("the spec leaves this open: {0}")]
    Open(String),
}

/// Why instantiation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InstantiateError {
    /// The imports do not match the module's import types (or are malformed).
    #[error("unlinkable: {0}")]
    Unlinkable(String),
    /// Segment initialisation or the start function trapped.
    #[error("trap: {0}")]
    Trap(crate::TrapKind),
    /// A limit of the oracle was passed (call depth, memory or table size).
    #[error("resource exhaustion")]
    Exhaustion,
    /// The fuel ran out in the start function.
    #[error("out of fuel")]
    OutOfFuel,
    /// The start function trapped on a path chosen by bits the spec leaves open.
    #[error("the spec leaves this open: {0}")]
    Open(String),
}

impl From<ExecError> for InstantiateError {
    fn from(e: ExecError) -> Self {
        match e {
            ExecError::Trap(t) => InstantiateError::Trap(t),
            ExecError::Exhaustion => InstantiateError::Exhaustion,
            ExecError::OutOfFuel => InstantiateError::OutOfFuel,
            ExecError::Unsupported(m) => InstantiateError::Unlinkable(format!("unsupported: {m}")),
            ExecError::Open(m) => InstantiateError::Open(m),
        }
    }
}

/// One counter per instruction name for a rule: the counters behind [`hit_op!`].
#[doc(hidden)]
pub const fn op_counters(rule: &'static str) -> [Counter; names::OP_COUNT] {
    let mut out = [const { Counter::new("", "") }; names::OP_COUNT];
    let mut i = 0;
    while i < names::OP_COUNT {
        out[i] = Counter::new(rule, names::OP_NAMES[i]);
        i += 1;
    }
    out
}

/// Marks a rule that many instructions share, refined by the executed instruction's text
/// name: `hit_op!("Step_pure/binop-val", instr)` counts as
/// `hit!("Step_pure/binop-val", "i32.add")` without allocating. The instruction is an
/// `&Instr` or its [`names::OpId`], worked out in advance.
macro_rules! hit_op {
    ($rule:literal, $instr:expr) => {{
        static COUNTERS: [$crate::coverage::Counter; $crate::exec::names::OP_COUNT] =
            $crate::exec::op_counters($rule);
        COUNTERS[$crate::exec::names::OpIndex::op_index($instr)].hit();
    }};
}
pub(crate) use hit_op;
