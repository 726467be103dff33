//! The spec test suite's `spectest` module as the standard host defines it: its functions'
//! types, its globals' values and its table's and memory's limits.
//!
//! This file uses nothing of the `runners` crate: the Wasmer worker binary
//! (`engines/wasmer`, a workspace of its own) includes it too.

use oracle::ValType;

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
