//! Types, after `5.2-binary.types.spectec` (the 2.0 subset: number, vector and the two
//! reference types; function types; limits with `u32` bounds).

use super::reader::{Reader, Result};
use crate::ast::{GlobalType, Limits, MemType, TableType};
use crate::value::{FuncType, HeapType, RefType, ValType};

const FUNCREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Func,
};
const EXTERNREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Extern,
};

/// A type byte, read as the reference interpreter does (a one-byte signed LEB128): a
/// continuation bit makes it too long.
fn type_byte(r: &mut Reader) -> Result<(usize, u8)> {
    let at = r.pos();
    let b = r.byte()?;
    if b & 0x80 != 0 {
        return Err(r.err_at(r.pos(), "integer representation too long"));
    }
    Ok((at, b))
}

// Breftype
/// A reference type: `0x70` funcref, `0x6F` externref.
pub(crate) fn ref_type(r: &mut Reader) -> Result<RefType> {
    let (at, b) = type_byte(r)?;
    match b {
        0x70 => Ok(FUNCREF),
        0x6F => Ok(EXTERNREF),
        _ => Err(r.err_at(at, "malformed reference type")),
    }
}

// Bvaltype (Bnumtype | Bvectype | Breftype)
/// A value type.
pub(crate) fn val_type(r: &mut Reader) -> Result<ValType> {
    let (at, b) = type_byte(r)?;
    Ok(match b {
        0x7F => ValType::I32,
        0x7E => ValType::I64,
        0x7D => ValType::F32,
        0x7C => ValType::F64,
        0x7B => ValType::V128,
        0x70 => ValType::Ref(FUNCREF),
        0x6F => ValType::Ref(EXTERNREF),
        0x71..=0x7A => return Err(r.err_at(at, "malformed vector type")),
        _ => return Err(r.err_at(at, "malformed reference type")),
    })
}

// Bresulttype
/// A result type: a list of value types.
pub(crate) fn result_type(r: &mut Reader) -> Result<Vec<ValType>> {
    r.list(val_type)
}

// Bcomptype
/// A function type: `0x60`, parameters, results.
pub(crate) fn func_type(r: &mut Reader) -> Result<FuncType> {
    crate::hit!("Bcomptype");
    let (at, b) = type_byte(r)?;
    if b != 0x60 {
        return Err(r.err_at(at, "malformed function type"));
    }
    let params = result_type(r)?;
    let results = result_type(r)?;
    Ok(FuncType { params, results })
}

// Blimits
/// Limits: a flag (a one-bit LEB128, as in the reference interpreter: "integer too
/// large" for any other value), the minimum and, with flag 1, the maximum.
///
/// With [`super::DecodeOptions::u64_limits`], the bounds are read as WebAssembly 3.0 reads
/// them (`0x00 n:Bu64`), and a bound past `2^32 - 1` (which 3.0 then rejects in
/// validation, `Limits_ok`) is an error here.
pub(crate) fn limits(r: &mut Reader) -> Result<Limits> {
    let has_max = r.uleb(1)? == 1;
    let bound = |r: &mut Reader| -> Result<u64> {
        if !r.u64_limits {
            return Ok(u64::from(r.u32()?));
        }
        let at = r.pos();
        let n = r.uleb(64)?;
        if n > u64::from(u32::MAX) {
            return Err(r.err_at(at, "limit exceeds 2^32 - 1"));
        }
        Ok(n)
    };
    let min = bound(r)?;
    let max = if has_max { Some(bound(r)?) } else { None };
    Ok(Limits { min, max })
}

// Btabletype
/// A table type: reference type, limits.
pub(crate) fn table_type(r: &mut Reader) -> Result<TableType> {
    let elem = ref_type(r)?;
    let limits = limits(r)?;
    Ok(TableType { limits, elem })
}

// Bmemtype
/// A memory type: limits.
pub(crate) fn mem_type(r: &mut Reader) -> Result<MemType> {
    Ok(MemType { limits: limits(r)? })
}

// Bmut
/// Mutability: `0x00` const, `0x01` var.
fn mutability(r: &mut Reader) -> Result<bool> {
    let at = r.pos();
    match r.byte()? {
        0x00 => Ok(false),
        0x01 => Ok(true),
        _ => Err(r.err_at(at, "malformed mutability")),
    }
}

// Bglobaltype
/// A global type: value type, mutability.
pub(crate) fn global_type(r: &mut Reader) -> Result<GlobalType> {
    let ty = val_type(r)?;
    let mutable = mutability(r)?;
    Ok(GlobalType { mutable, ty })
}
