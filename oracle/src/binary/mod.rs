//! The binary format: bytes to [`Module`], after `5.*-binary.*.spectec`, restricted to
//! WebAssembly 2.0 (MVP, sign extension, non-trapping conversions, multi-value, bulk
//! memory, reference types with `funcref`/`externref`, fixed-width SIMD).
//!
//! The grammar is the spec's; where it leaves the choice of error open, the decoder says
//! what the reference interpreter says, so that a [`DecodeError`]'s message starts with the
//! text the spec test suite expects of `assert_malformed`:
//!
//! - a section's content is read from the whole input and its size is checked afterwards
//!   ("section size mismatch"), so an overrunning section reports what it ran into;
//! - a length (of a list, name, byte string, section or function body) larger than what is
//!   left of the input is "length out of bounds" before anything is allocated;
//! - the input ending inside a rule is "unexpected end of section or function" (just
//!   "unexpected end" inside the header).
//!
//! The decoder never panics, never recurses on the input's nesting (see [`MAX_NESTING`]),
//! and allocates in proportion to the input's size only.

mod instr;
mod reader;
mod types;

#[cfg(test)]
mod tests;

pub use instr::MAX_NESTING;

use crate::ast::{
    Data, DataMode, Elem, ElemMode, Export, ExportDesc, Expr, Func, Global, Import, ImportDesc,
    Instr, Module,
};
use crate::value::{HeapType, RefType, ValType};
use instr::{ExprInfo, expr};
use reader::{Reader, Result};
use types::{func_type, global_type, mem_type, ref_type, table_type, val_type};

/// The input is not a well-formed WebAssembly 2.0 binary module.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at byte {offset:#x})")]
pub struct DecodeError {
    /// Where in the input the problem was found.
    pub offset: usize,
    /// What is wrong, starting with the spec test suite's text for the case where it has
    /// one ("unexpected end", "integer too large", "section size mismatch", ...).
    pub message: String,
}

const FUNCREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Func,
};

/// Decodes a binary module (`Bmodule`).
pub fn decode(bytes: &[u8]) -> std::result::Result<Module, DecodeError> {
    decode_with(bytes, DecodeOptions::default())
}

/// Where a later version of the binary format reads a module differently from 2.0's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Read memory and table limits as WebAssembly 3.0 does (`Blimits`: `0x00 n:Bu64`,
    /// a LEB128 of up to 10 bytes) rather than as 2.0's `u32`. Some engines read 3.0's
    /// encoding whatever proposals are enabled: a module that only this tells apart is
    /// a difference between versions of the spec, not a bug.
    pub u64_limits: bool,
}

/// Decodes a module with [`DecodeOptions`].
pub fn decode_with(
    bytes: &[u8],
    options: DecodeOptions,
) -> std::result::Result<Module, DecodeError> {
    let mut r = Reader::new(bytes);
    r.u64_limits = options.u64_limits;
    module(&mut r)
}

/// The order of the non-custom sections: type, import, function, table, memory, global,
/// export, start, element, data count, code, data.
fn rank(id: u8) -> u8 {
    match id {
        12 => 10,
        10 => 11,
        11 => 12,
        _ => id,
    }
}

// Bmagic Bversion
fn header(r: &mut Reader) -> Result<()> {
    let short = |e: DecodeError| DecodeError {
        offset: e.offset,
        message: "unexpected end".into(),
    };
    // Bmagic
    crate::hit!("Bmagic");
    let magic = r.bytes(4).map_err(short)?;
    if magic != b"\0asm" {
        return Err(r.err_at(0, "magic header not detected"));
    }
    // Bversion
    crate::hit!("Bversion");
    let version = r.bytes(4).map_err(short)?;
    if version != [1, 0, 0, 0] {
        return Err(r.err_at(4, "unknown binary version"));
    }
    Ok(())
}

// Bmodule
fn module(r: &mut Reader) -> Result<Module> {
    crate::hit!("Bmodule");
    // Bbyte: once per module rather than once per byte read
    crate::hit!("Bbyte");
    header(r)?;
    let mut m = Module::default();
    let mut func_types: Vec<u32> = Vec::new();
    let mut codes: Vec<(Vec<(u32, ValType)>, Expr)> = Vec::new();
    let mut uses_data = false;
    let mut last = 0u8;
    while !r.at_end() {
        let id_at = r.pos();
        let id = r.byte()?;
        if id > 12 {
            return Err(r.err_at(id_at, "malformed section id"));
        }
        if id != 0 {
            if rank(id) <= last {
                return Err(r.err_at(id_at, "unexpected content after last section"));
            }
            last = rank(id);
        }
        // Bsection_(N, BX): N:Bbyte len:Bu32 en*:BX, if len = ||BX||
        crate::hit!("Bsection_");
        let size = r.len()?;
        let start = r.pos();
        let end = start.saturating_add(size);
        match id {
            0 => {
                // Bcustomsec: Bname Bbyte*
                crate::hit!("Bcustomsec");
                // Bcustom
                crate::hit!("Bcustom");
                r.name()?;
                if r.pos() > end {
                    return Err(r.eof());
                }
                r.seek(end)?;
            }
            1 => {
                crate::hit!("Btypesec");
                m.types = r.list(|r| {
                    // Btype: qt:Brectype
                    crate::hit!("Btype");
                    func_type(r)
                })?;
            }
            2 => {
                crate::hit!("Bimportsec");
                m.imports = r.list(import)?;
            }
            3 => {
                crate::hit!("Bfuncsec");
                func_types = r.list(Reader::typeidx)?;
            }
            4 => {
                crate::hit!("Btablesec");
                m.tables = r.list(|r| {
                    // Btable: tt:Btabletype (2.0's only form)
                    crate::hit!("Btable");
                    table_type(r)
                })?;
            }
            5 => {
                crate::hit!("Bmemsec");
                m.mems = r.list(|r| {
                    // Bmem
                    crate::hit!("Bmem");
                    mem_type(r)
                })?;
            }
            6 => {
                crate::hit!("Bglobalsec");
                m.globals = r.list(global)?;
            }
            7 => {
                crate::hit!("Bexportsec");
                m.exports = r.list(export)?;
            }
            8 => {
                crate::hit!("Bstartsec");
                // Bstart
                crate::hit!("Bstart");
                m.start = Some(r.funcidx()?);
            }
            9 => {
                crate::hit!("Belemsec");
                m.elems = r.list(elem)?;
            }
            12 => {
                crate::hit!("Bdatacntsec");
                // Bdatacnt
                crate::hit!("Bdatacnt");
                m.data_count = Some(r.u32()?);
            }
            10 => {
                crate::hit!("Bcodesec");
                let mut info = ExprInfo::default();
                codes = r.list(|r| code(r, &mut info))?;
                uses_data = info.uses_data;
            }
            _ => {
                crate::hit!("Bdatasec");
                m.datas = r.list(data)?;
            }
        }
        if r.pos() != end {
            return Err(r.err_at(start, "section size mismatch"));
        }
    }
    let at = r.pos();
    if func_types.len() != codes.len() {
        return Err(r.err_at(at, "function and code section have inconsistent lengths"));
    }
    // (if n = |data*|)?
    if let Some(n) = m.data_count
        && usize::try_from(n).ok() != Some(m.datas.len())
    {
        return Err(r.err_at(at, "data count and data section have inconsistent lengths"));
    }
    // if n? =/= eps \/ $dataidx_funcs(func*) = eps
    if m.data_count.is_none() && uses_data {
        return Err(r.err_at(at, "data count section required"));
    }
    m.funcs = func_types
        .into_iter()
        .zip(codes)
        .map(|(ty, (locals, body))| Func { ty, locals, body })
        .collect();
    Ok(m)
}

/// A constant expression (of a global, an element or a data segment).
fn const_expr(r: &mut Reader) -> Result<Expr> {
    expr(r, &mut ExprInfo::default())
}

// Bimport: nm_1:Bname nm_2:Bname xt:Bexterntype
fn import(r: &mut Reader) -> Result<Import> {
    crate::hit!("Bimport");
    let module = r.name()?;
    let name = r.name()?;
    let at = r.pos();
    // Bexterntype
    crate::hit!("Bexterntype");
    let desc = match r.byte()? {
        0x00 => ImportDesc::Func(r.typeidx()?),
        0x01 => ImportDesc::Table(table_type(r)?),
        0x02 => ImportDesc::Mem(mem_type(r)?),
        0x03 => ImportDesc::Global(global_type(r)?),
        _ => return Err(r.err_at(at, "malformed import kind")),
    };
    Ok(Import { module, name, desc })
}

// Bglobal: gt:Bglobaltype e:Bexpr
fn global(r: &mut Reader) -> Result<Global> {
    crate::hit!("Bglobal");
    let ty = global_type(r)?;
    let init = const_expr(r)?;
    Ok(Global { ty, init })
}

// Bexport: nm:Bname xx:Bexternidx
fn export(r: &mut Reader) -> Result<Export> {
    crate::hit!("Bexport");
    let name = r.name()?;
    let at = r.pos();
    // Bexternidx
    crate::hit!("Bexternidx");
    let desc = match r.byte()? {
        0x00 => ExportDesc::Func(r.funcidx()?),
        0x01 => ExportDesc::Table(r.tableidx()?),
        0x02 => ExportDesc::Mem(r.memidx()?),
        0x03 => ExportDesc::Global(r.globalidx()?),
        _ => return Err(r.err_at(at, "malformed export kind")),
    };
    Ok(Export { name, desc })
}

// Belemkind: 0x00 => funcref
fn elem_kind(r: &mut Reader) -> Result<RefType> {
    crate::hit!("Belemkind");
    let at = r.pos();
    match r.byte()? {
        0x00 => Ok(FUNCREF),
        _ => Err(r.err_at(at, "malformed element kind")),
    }
}

/// `y*:Blist(Bfuncidx)` as the expressions `(REF.FUNC y)*`.
fn func_refs(r: &mut Reader) -> Result<Vec<Expr>> {
    r.list(|r| Ok(vec![Instr::RefFunc(r.funcidx()?)]))
}

// Belem
fn elem(r: &mut Reader) -> Result<Elem> {
    crate::hit!("Belem");
    let at = r.pos();
    let flags = r.u32()?;
    let (ty, init, mode) = match flags {
        0 => {
            let e = const_expr(r)?;
            (FUNCREF, func_refs(r)?, ElemMode::Active(0, e))
        }
        1 => {
            let rt = elem_kind(r)?;
            (rt, func_refs(r)?, ElemMode::Passive)
        }
        2 => {
            let x = r.tableidx()?;
            let e = const_expr(r)?;
            let rt = elem_kind(r)?;
            (rt, func_refs(r)?, ElemMode::Active(x, e))
        }
        3 => {
            let rt = elem_kind(r)?;
            (rt, func_refs(r)?, ElemMode::Declare)
        }
        4 => {
            let e = const_expr(r)?;
            (FUNCREF, r.list(const_expr)?, ElemMode::Active(0, e))
        }
        5 => {
            let rt = ref_type(r)?;
            (rt, r.list(const_expr)?, ElemMode::Passive)
        }
        6 => {
            let x = r.tableidx()?;
            let e = const_expr(r)?;
            let rt = ref_type(r)?;
            (rt, r.list(const_expr)?, ElemMode::Active(x, e))
        }
        7 => {
            let rt = ref_type(r)?;
            (rt, r.list(const_expr)?, ElemMode::Declare)
        }
        _ => return Err(r.err_at(at, "malformed elements segment kind")),
    };
    Ok(Elem { ty, init, mode })
}

// Bcode: len:Bu32 code:Bfunc, if len = ||Bfunc||
fn code(r: &mut Reader, info: &mut ExprInfo) -> Result<(Vec<(u32, ValType)>, Expr)> {
    crate::hit!("Bcode");
    let size = r.len()?;
    let start = r.pos();
    // Bfunc: loc**:Blist(Blocals) e:Bexpr, if |$concat_(local, loc**)| < 2^32
    crate::hit!("Bfunc");
    let locals_at = r.pos();
    let locals = r.list(|r| {
        // Blocals: n:Bu32 t:Bvaltype
        crate::hit!("Blocals");
        let n = r.u32()?;
        let t = val_type(r)?;
        Ok((n, t))
    })?;
    let total: u64 = locals.iter().map(|&(n, _)| u64::from(n)).sum();
    if total >= 1 << 32 {
        return Err(r.err_at(locals_at, "too many locals"));
    }
    let body = expr(r, info)?;
    if r.pos() != start.saturating_add(size) {
        return Err(r.err_at(start, "section size mismatch"));
    }
    Ok((locals, body))
}

// Bdata
fn data(r: &mut Reader) -> Result<Data> {
    crate::hit!("Bdata");
    let at = r.pos();
    let flags = r.u32()?;
    let mode = match flags {
        0 => DataMode::Active(0, const_expr(r)?),
        1 => DataMode::Passive,
        2 => {
            let x = r.memidx()?;
            DataMode::Active(x, const_expr(r)?)
        }
        _ => return Err(r.err_at(at, "malformed data segment kind")),
    };
    let init = r.byte_list()?.to_vec();
    Ok(Data { init, mode })
}
