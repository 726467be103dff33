//! Validation, after `2.1-validation.types.spectec` to `2.4-validation.modules.spectec`:
//! the WebAssembly 2.0 subset (MVP, sign extension, non-trapping conversions, multi-value,
//! bulk memory, reference types with `funcref` and `externref`, fixed-width SIMD).
//!
//! [`validate`] checks a [`Module`](crate::ast::Module) per `Module_ok` and returns what
//! linking needs: the types of its imports and exports. Instructions are typed per
//! `Instr_ok` / `Instrs_ok` by the usual operand-stack and control-frame algorithm (the
//! spec appendix's validation algorithm), in which an unknown operand stands for the
//! spec's bottom type after `unreachable`, `br`, `br_table` and `return`. Each case is
//! named after its rule in a comment and a coverage point: `grep 'Instr_ok/binop'` lands
//! on its code.
//!
//! Errors begin with the spec test suite's `assert_invalid` text (`type mismatch`,
//! `unknown local 3`, ...), so that a `.wast` runner can compare by prefix.
//!
//! The checker neither recurses on nested blocks (it keeps its own control stack) nor
//! allocates in proportion to a count the module merely claims (locals are looked up in
//! their run-length form).

mod instr;
mod module;
mod name;
mod types;

pub(crate) use types::valtype_sub;

#[cfg(test)]
mod tests;

pub use crate::exec::instr_name;

use crate::ast::{GlobalType, MemType, TableType};
use crate::value::FuncType;

/// The type of an import or export (`externtype`), with functions by their type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// `FUNC functype`
    Func(FuncType),
    /// `TABLE tabletype`
    Table(TableType),
    /// `MEM memtype`
    Mem(MemType),
    /// `GLOBAL globaltype`
    Global(GlobalType),
}

/// What validation learns: the types of imports and exports, for linking
/// (`moduletype`, `xt_I* -> xt_E*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleType {
    /// One type per import, in order.
    pub imports: Vec<ExternType>,
    /// One (name, type) per export, in order.
    pub exports: Vec<(String, ExternType)>,
}

/// Why a module is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The reason; it begins with the spec test suite's `assert_invalid` text
    /// (`type mismatch`, `unknown global 2`, ...).
    pub message: String,
    /// The function at fault, by its index in the function index space (imports first),
    /// when the error is in a function body.
    pub func: Option<u32>,
    /// The instruction at fault, by its position in a pre-order walk of the expression
    /// (function body or constant expression), counting from 0; nested instructions count
    /// after the block that holds them, a block's end is attributed to the block itself.
    pub instr: Option<usize>,
}

impl ValidationError {
    pub(crate) fn new(message: impl Into<String>) -> ValidationError {
        ValidationError {
            message: message.into(),
            func: None,
            instr: None,
        }
    }
}

/// Validates a module per `Module_ok`; on success, the types of its imports and exports.
pub fn validate(module: &crate::ast::Module) -> Result<ModuleType, ValidationError> {
    module::module_ok(module)
}
