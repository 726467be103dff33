//! Validation of types (`2.1-validation.types.spectec`), restricted to WebAssembly 2.0:
//! the only reference types are `funcref` and `externref`, and subtyping
//! (`2.2-validation.subtyping.spectec`) among them is equality.

use super::ValidationError;
use crate::ast::{GlobalType, Limits, MemType, TableType};
use crate::value::{FuncType, HeapType, RefType, ValType};

type Result<T> = std::result::Result<T, ValidationError>;

/// `Heaptype_ok/abs` for the two heap types of 2.0.
pub(crate) fn heaptype_ok(ht: HeapType) -> Result<()> {
    match ht {
        HeapType::Func | HeapType::Extern => {
            // Heaptype_ok/abs
            crate::hit!("Heaptype_ok/abs");
            Ok(())
        }
        other => Err(ValidationError::new(format!(
            "invalid heap type {other}: not in WebAssembly 2.0"
        ))),
    }
}

/// `Reftype_ok`: `funcref` or `externref` (nullable, abstract).
pub(crate) fn reftype_ok(rt: RefType) -> Result<()> {
    // Reftype_ok
    crate::hit!("Reftype_ok");
    if !rt.nullable {
        return Err(ValidationError::new(format!(
            "invalid reference type {}: not in WebAssembly 2.0",
            ValType::Ref(rt)
        )));
    }
    heaptype_ok(rt.heap)
}

/// `Valtype_ok`.
pub(crate) fn valtype_ok(t: ValType) -> Result<()> {
    match t {
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 => {
            // Valtype_ok/num
            crate::hit!("Valtype_ok/num");
            // Numtype_ok
            crate::hit!("Numtype_ok");
            Ok(())
        }
        ValType::V128 => {
            // Valtype_ok/vec
            crate::hit!("Valtype_ok/vec");
            // Vectype_ok
            crate::hit!("Vectype_ok");
            Ok(())
        }
        ValType::Ref(rt) => {
            // Valtype_ok/ref
            crate::hit!("Valtype_ok/ref");
            reftype_ok(rt)
        }
    }
}

/// `Resulttype_ok`.
pub(crate) fn resulttype_ok(ts: &[ValType]) -> Result<()> {
    // Resulttype_ok
    crate::hit!("Resulttype_ok");
    ts.iter().try_for_each(|t| valtype_ok(*t))
}

/// `Comptype_ok/func` (2.0's `Functype_ok`).
pub(crate) fn functype_ok(ft: &FuncType) -> Result<()> {
    // Comptype_ok/func
    crate::hit!("Comptype_ok/func");
    resulttype_ok(&ft.params)?;
    resulttype_ok(&ft.results)
}

/// `Limits_ok`: `n <= k` and `n <= m <= k`; `what` names the bound in the message.
fn limits_ok(lim: Limits, k: u64, too_large: &str) -> Result<()> {
    // Limits_ok
    crate::hit!("Limits_ok");
    if lim.min > k {
        return Err(ValidationError::new(too_large));
    }
    if let Some(max) = lim.max {
        if max > k {
            return Err(ValidationError::new(too_large));
        }
        if lim.min > max {
            return Err(ValidationError::new(
                "size minimum must not be greater than maximum",
            ));
        }
    }
    Ok(())
}

/// `Memtype_ok`: limits within 2^16 pages.
pub(crate) fn memtype_ok(mt: MemType) -> Result<()> {
    // Memtype_ok
    crate::hit!("Memtype_ok");
    limits_ok(
        mt.limits,
        1 << 16,
        "memory size must be at most 65536 pages (4GiB)",
    )
}

/// `Tabletype_ok`: limits within 2^32 - 1 elements, a valid reference type.
pub(crate) fn tabletype_ok(tt: TableType) -> Result<()> {
    // Tabletype_ok
    crate::hit!("Tabletype_ok");
    limits_ok(
        tt.limits,
        u64::from(u32::MAX),
        "table size must be at most 2^32-1",
    )?;
    reftype_ok(tt.elem)
}

/// `Globaltype_ok`.
pub(crate) fn globaltype_ok(gt: GlobalType) -> Result<()> {
    // Globaltype_ok
    crate::hit!("Globaltype_ok");
    valtype_ok(gt.ty)
}

/// `Valtype_sub` in 2.0: equality, by `Numtype_sub`, `Vectype_sub`, or `Reftype_sub/null`
/// with `Heaptype_sub/refl` (both reference types of 2.0 are nullable and abstract).
pub(crate) fn valtype_sub(t1: ValType, t2: ValType) -> bool {
    match (t1, t2) {
        (ValType::V128, ValType::V128) => {
            // Valtype_sub/vec
            crate::hit!("Valtype_sub/vec");
            // Vectype_sub
            crate::hit!("Vectype_sub");
            true
        }
        (ValType::Ref(r1), ValType::Ref(r2)) => {
            if r1.heap != r2.heap || r1.nullable && !r2.nullable {
                return false;
            }
            // Valtype_sub/ref
            crate::hit!("Valtype_sub/ref");
            // Reftype_sub/null
            crate::hit!("Reftype_sub/null");
            // Heaptype_sub/refl
            crate::hit!("Heaptype_sub/refl");
            true
        }
        (a, b) if a == b => {
            // Valtype_sub/num
            crate::hit!("Valtype_sub/num");
            // Numtype_sub
            crate::hit!("Numtype_sub");
            true
        }
        _ => false,
    }
}
