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

// Babsheaptype (2.0: func, extern)
/// An abstract heap type: `0x70` func, `0x6F` extern.
fn abs_heap_type(r: &mut Reader) -> Result<HeapType> {
    crate::hit!("Babsheaptype");
    let (at, b) = type_byte(r)?;
    match b {
        0x70 => Ok(HeapType::Func),
        0x6F => Ok(HeapType::Extern),
        _ => Err(r.err_at(at, "malformed reference type")),
    }
}

// Breftype: ht:Babsheaptype => REF NULL ht (2.0's only form)
/// A reference type: `0x70` funcref, `0x6F` externref.
pub(crate) fn ref_type(r: &mut Reader) -> Result<RefType> {
    crate::hit!("Breftype");
    let heap = abs_heap_type(r)?;
    Ok(RefType {
        nullable: true,
        heap,
    })
}

// Bheaptype: ht:Babsheaptype (2.0: the operand of `ref.null`)
/// A heap type: `0x70` func, `0x6F` extern.
pub(crate) fn heap_type(r: &mut Reader) -> Result<HeapType> {
    crate::hit!("Bheaptype");
    abs_heap_type(r)
}

// Bvaltype (Bnumtype | Bvectype | Breftype)
/// A value type.
pub(crate) fn val_type(r: &mut Reader) -> Result<ValType> {
    crate::hit!("Bvaltype");
    let (at, b) = type_byte(r)?;
    Ok(match b {
        0x7C..=0x7F => {
            // Bnumtype
            crate::hit!("Bnumtype");
            [ValType::F64, ValType::F32, ValType::I64, ValType::I32][usize::from(b - 0x7C)]
        }
        0x7B => {
            // Bvectype
            crate::hit!("Bvectype");
            ValType::V128
        }
        0x70 | 0x6F => {
            // Breftype: ht:Babsheaptype
            crate::hit!("Breftype");
            // Babsheaptype
            crate::hit!("Babsheaptype");
            ValType::Ref(if b == 0x70 { FUNCREF } else { EXTERNREF })
        }
        0x71..=0x7A => return Err(r.err_at(at, "malformed vector type")),
        _ => return Err(r.err_at(at, "malformed reference type")),
    })
}

// Bresulttype
/// A result type: a list of value types.
pub(crate) fn result_type(r: &mut Reader) -> Result<Vec<ValType>> {
    crate::hit!("Bresulttype");
    r.list(val_type)
}

// Brectype: st:Bsubtype; Bsubtype: ct:Bcomptype; Bcomptype: 0x60 t_1*:Bresulttype t_2*:Bresulttype
/// A function type: `0x60`, parameters, results (2.0's only type definition: in 3.0's
/// grammar a `Brectype` of one `Bsubtype` without supertypes).
pub(crate) fn func_type(r: &mut Reader) -> Result<FuncType> {
    // Brectype
    crate::hit!("Brectype");
    // Bsubtype
    crate::hit!("Bsubtype");
    // Bcomptype
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
    crate::hit!("Blimits");
    let has_max = r.uleb(1)? == 1;
    let bound = |r: &mut Reader| -> Result<u64> {
        // Bu64 (2.0: at most 32 bits)
        crate::hit!("Bu64");
        if !r.u64_limits {
            return r.uleb(32);
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
    crate::hit!("Btabletype");
    let elem = ref_type(r)?;
    let limits = limits(r)?;
    Ok(TableType { limits, elem })
}

// Bmemtype
/// A memory type: limits.
pub(crate) fn mem_type(r: &mut Reader) -> Result<MemType> {
    crate::hit!("Bmemtype");
    Ok(MemType { limits: limits(r)? })
}

// Bmut
/// Mutability: `0x00` const, `0x01` var.
fn mutability(r: &mut Reader) -> Result<bool> {
    crate::hit!("Bmut");
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
    crate::hit!("Bglobaltype");
    let ty = val_type(r)?;
    let mutable = mutability(r)?;
    Ok(GlobalType { mutable, ty })
}
