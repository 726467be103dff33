//! Instructions and expressions, after `5.3-binary.instructions.spectec`, restricted to
//! WebAssembly 2.0 (with 2.0's encodings: `memarg` without a memory index, the reserved
//! zero bytes of the memory instructions). Anything else is an illegal opcode.
//!
//! Blocks are decoded with an explicit stack, never by recursion, and their nesting is
//! bounded by [`MAX_NESTING`] so that no consumer of the tree (its recursive `Drop`
//! included) can exhaust the host stack.

use super::reader::{Reader, Result};
use super::types::{heap_type, val_type};
use crate::ast::{
    BinOp, BlockType, CvtOp, Expr, Half, Instr, MemArg, NumType, RelOp, Shape, Sx, UnOp, VBinOp,
    VCvtOp, VLoadOp, VShiftOp, VUnOp, VvOp,
};

/// The deepest nesting of `block`, `loop` and `if` the decoder accepts (an implementation
/// limit, not a rule of the spec): deeper input is rejected with a message starting with
/// `implementation limit`.
pub const MAX_NESTING: usize = 2048;

/// What the decoder learnt about an expression besides its instructions.
#[derive(Default)]
pub(crate) struct ExprInfo {
    /// Whether `memory.init` or `data.drop` occurs (`$dataidx_funcs` is not empty).
    pub(crate) uses_data: bool,
}

/// An open block on the decoder's stack.
struct Frame {
    kind: FrameKind,
    bt: BlockType,
    /// The instructions of the enclosing sequence, before this block.
    outer: Vec<Instr>,
    /// For an `if` in its `else` branch: the `then` branch.
    then: Vec<Instr>,
}

#[derive(PartialEq)]
enum FrameKind {
    Block,
    Loop,
    If,
    Else,
}

// Bexpr
/// An expression: instructions up to the `end` that closes it.
pub(crate) fn expr(r: &mut Reader, info: &mut ExprInfo) -> Result<Expr> {
    crate::hit!("Bexpr");
    let mut stack: Vec<Frame> = Vec::new();
    let mut cur: Vec<Instr> = Vec::new();
    loop {
        let at = r.pos();
        let op = r.byte()?;
        match op {
            // Binstr/block: the `end` (0x0B) closing a block, or the expression.
            0x0B => match stack.pop() {
                None => return Ok(cur),
                Some(f) => {
                    let body = std::mem::replace(&mut cur, f.outer);
                    cur.push(match f.kind {
                        FrameKind::Block => Instr::Block(f.bt, body),
                        FrameKind::Loop => Instr::Loop(f.bt, body),
                        FrameKind::If => Instr::If(f.bt, body, Vec::new()),
                        FrameKind::Else => Instr::If(f.bt, f.then, body),
                    });
                }
            },
            // Binstr/block: 0x04 bt in_1* 0x05 in_2* 0x0B; anywhere else `end` is due.
            0x05 => match stack.last_mut() {
                Some(f) if f.kind == FrameKind::If => {
                    f.kind = FrameKind::Else;
                    f.then = std::mem::take(&mut cur);
                }
                _ => return Err(r.err_at(at, "END opcode expected")),
            },
            // Binstr/block: 0x02 block, 0x03 loop, 0x04 if.
            0x02..=0x04 => {
                crate::hit!("Binstr/block");
                if stack.len() >= MAX_NESTING {
                    return Err(r.err_at(
                        at,
                        format!("implementation limit: blocks nested deeper than {MAX_NESTING}"),
                    ));
                }
                let bt = block_type(r)?;
                let kind = match op {
                    0x02 => FrameKind::Block,
                    0x03 => FrameKind::Loop,
                    _ => FrameKind::If,
                };
                let outer = std::mem::take(&mut cur);
                stack.push(Frame {
                    kind,
                    bt,
                    outer,
                    then: Vec::new(),
                });
            }
            _ => cur.push(plain(r, at, op, info)?),
        }
    }
}

// Bblocktype
/// A block type: `0x40` (no result), a value type, or a non-negative `s33` type index.
fn block_type(r: &mut Reader) -> Result<BlockType> {
    crate::hit!("Bblocktype");
    match r.peek() {
        Some(0x40) => {
            r.byte()?;
            Ok(BlockType::Result(None))
        }
        Some(b) if b & 0xC0 == 0x40 => Ok(BlockType::Result(Some(val_type(r)?))),
        _ => {
            let at = r.pos();
            let i = r.s33()?;
            // The spec's side condition `i >= 0`; s33 is below 2^32 otherwise.
            u32::try_from(i)
                .map(BlockType::Type)
                .map_err(|_| r.err_at(at, "malformed block type"))
        }
    }
}

// Bmemarg (2.0: alignment exponent and offset, both u32)
/// A memory argument. An alignment exponent of 32 or more is malformed, as the spec
/// test suite (`align.wast`) requires.
fn memarg(r: &mut Reader) -> Result<MemArg> {
    crate::hit!("Bmemarg");
    let at = r.pos();
    let align = r.u32()?;
    if align >= 32 {
        return Err(r.err_at(at, "malformed memop flags"));
    }
    // Bu64 (2.0: at most 32 bits)
    crate::hit!("Bu64");
    let offset = r.uleb(32)?;
    Ok(MemArg { align, offset })
}

/// The reserved byte of 2.0's memory instructions (3.0's memory index).
fn zero(r: &mut Reader) -> Result<u32> {
    r.zero_memidx()
}

// Blaneidx
fn lane(r: &mut Reader) -> Result<u8> {
    crate::hit!("Blaneidx");
    r.byte()
}

/// Counts the production (`Binstr/...`) of the instruction with the one-byte opcode
/// `op`, other than the block instructions and the prefixes.
fn mark(op: u8) {
    match op {
        // Binstr/parametric
        0x00..=0x01 | 0x1A..=0x1C => crate::hit!("Binstr/parametric"),
        // Binstr/control
        0x0C..=0x11 => crate::hit!("Binstr/control"),
        // Binstr/local
        0x20..=0x22 => crate::hit!("Binstr/local"),
        // Binstr/global
        0x23..=0x24 => crate::hit!("Binstr/global"),
        // Binstr/table
        0x25..=0x26 => crate::hit!("Binstr/table"),
        // Binstr/memory
        0x28..=0x40 => crate::hit!("Binstr/memory"),
        // Binstr/ref
        0xD0..=0xD2 => crate::hit!("Binstr/ref"),
        // Binstr/num-const
        0x41..=0x44 => crate::hit!("Binstr/num-const"),
        // Binstr/num-test-i32
        0x45 => crate::hit!("Binstr/num-test-i32"),
        // Binstr/num-rel-i32
        0x46..=0x4F => crate::hit!("Binstr/num-rel-i32"),
        // Binstr/num-test-i64
        0x50 => crate::hit!("Binstr/num-test-i64"),
        // Binstr/num-rel-i64
        0x51..=0x5A => crate::hit!("Binstr/num-rel-i64"),
        // Binstr/num-rel-f32
        0x5B..=0x60 => crate::hit!("Binstr/num-rel-f32"),
        // Binstr/num-rel-f64
        0x61..=0x66 => crate::hit!("Binstr/num-rel-f64"),
        // Binstr/num-un-i32
        0x67..=0x69 => crate::hit!("Binstr/num-un-i32"),
        // Binstr/num-bin-i32
        0x6A..=0x78 => crate::hit!("Binstr/num-bin-i32"),
        // Binstr/num-un-i64
        0x79..=0x7B => crate::hit!("Binstr/num-un-i64"),
        // Binstr/num-un-ext-i32
        0xC0..=0xC1 => crate::hit!("Binstr/num-un-ext-i32"),
        // Binstr/num-un-ext-i64
        0xC2..=0xC4 => crate::hit!("Binstr/num-un-ext-i64"),
        // Binstr/num-bin-i64
        0x7C..=0x8A => crate::hit!("Binstr/num-bin-i64"),
        // Binstr/num-un-f32
        0x8B..=0x91 => crate::hit!("Binstr/num-un-f32"),
        // Binstr/num-bin-f32
        0x92..=0x98 => crate::hit!("Binstr/num-bin-f32"),
        // Binstr/num-un-f64
        0x99..=0x9F => crate::hit!("Binstr/num-un-f64"),
        // Binstr/num-bin-f64
        0xA0..=0xA6 => crate::hit!("Binstr/num-bin-f64"),
        // Binstr/num-cvt
        0xA7..=0xBF => crate::hit!("Binstr/num-cvt"),
        _ => {}
    }
}

/// Counts the production of the instruction `0xFC sub`.
fn mark_fc(sub: u32) {
    match sub {
        // Binstr/table
        12..=17 => crate::hit!("Binstr/table"),
        // Binstr/memory
        8..=11 => crate::hit!("Binstr/memory"),
        // Binstr/num-cvt-sat
        0..=7 => crate::hit!("Binstr/num-cvt-sat"),
        _ => {}
    }
}

/// Counts the production of the instruction `0xFD sub`.
fn mark_fd(sub: u32) {
    match sub {
        // Binstr/vec-memory
        0..=11 | 84..=93 => crate::hit!("Binstr/vec-memory"),
        // Binstr/vec-const
        12 => crate::hit!("Binstr/vec-const"),
        // Binstr/vec-shuffle
        13..=14 => crate::hit!("Binstr/vec-shuffle"),
        // Binstr/vec-splat
        15..=20 => crate::hit!("Binstr/vec-splat"),
        // Binstr/vec-lane
        21..=34 => crate::hit!("Binstr/vec-lane"),
        // Binstr/vec-rel-i8x16
        35..=44 => crate::hit!("Binstr/vec-rel-i8x16"),
        // Binstr/vec-rel-i16x8
        45..=54 => crate::hit!("Binstr/vec-rel-i16x8"),
        // Binstr/vec-rel-i32x4
        55..=64 => crate::hit!("Binstr/vec-rel-i32x4"),
        // Binstr/vec-rel-f32x4
        65..=70 => crate::hit!("Binstr/vec-rel-f32x4"),
        // Binstr/vec-rel-f64x2
        71..=76 => crate::hit!("Binstr/vec-rel-f64x2"),
        // Binstr/vec-un-v128
        77 => crate::hit!("Binstr/vec-un-v128"),
        // Binstr/vec-bin-v128
        78..=81 => crate::hit!("Binstr/vec-bin-v128"),
        // Binstr/vec-tern-v128
        82 => crate::hit!("Binstr/vec-tern-v128"),
        // Binstr/vec-test-v128
        83 => crate::hit!("Binstr/vec-test-v128"),
        // Binstr/vec-un-i8x16
        96..=98 => crate::hit!("Binstr/vec-un-i8x16"),
        // Binstr/vec-test-i8x16
        99 => crate::hit!("Binstr/vec-test-i8x16"),
        // Binstr/vec-bitmask-i8x16
        100 => crate::hit!("Binstr/vec-bitmask-i8x16"),
        // Binstr/vec-narrow-i8x16
        101..=102 => crate::hit!("Binstr/vec-narrow-i8x16"),
        // Binstr/vec-shift-i8x16
        107..=109 => crate::hit!("Binstr/vec-shift-i8x16"),
        // Binstr/vec-bin-i8x16
        110..=115 | 118..=121 | 123 => crate::hit!("Binstr/vec-bin-i8x16"),
        // Binstr/vec-extun-i16x8
        124..=125 => crate::hit!("Binstr/vec-extun-i16x8"),
        // Binstr/vec-un-i16x8
        128..=129 => crate::hit!("Binstr/vec-un-i16x8"),
        // Binstr/vec-bin-i16x8
        130 | 142..=147 | 149..=153 | 155 => crate::hit!("Binstr/vec-bin-i16x8"),
        // Binstr/vec-test-i16x8
        131 => crate::hit!("Binstr/vec-test-i16x8"),
        // Binstr/vec-bitmask-i16x8
        132 => crate::hit!("Binstr/vec-bitmask-i16x8"),
        // Binstr/vec-narrow-i16x8
        133..=134 => crate::hit!("Binstr/vec-narrow-i16x8"),
        // Binstr/vec-ext-i16x8
        135..=138 => crate::hit!("Binstr/vec-ext-i16x8"),
        // Binstr/vec-shift-i16x8
        139..=141 => crate::hit!("Binstr/vec-shift-i16x8"),
        // Binstr/vec-extbin-i16x8
        156..=159 => crate::hit!("Binstr/vec-extbin-i16x8"),
        // Binstr/vec-extun-i32x4
        126..=127 => crate::hit!("Binstr/vec-extun-i32x4"),
        // Binstr/vec-un-i32x4
        160..=161 => crate::hit!("Binstr/vec-un-i32x4"),
        // Binstr/vec-test-i32x4
        163 => crate::hit!("Binstr/vec-test-i32x4"),
        // Binstr/vec-bitmask-i32x4
        164 => crate::hit!("Binstr/vec-bitmask-i32x4"),
        // Binstr/vec-ext-i32x4
        167..=170 => crate::hit!("Binstr/vec-ext-i32x4"),
        // Binstr/vec-shift-i32x4
        171..=173 => crate::hit!("Binstr/vec-shift-i32x4"),
        // Binstr/vec-bin-i32x4
        174 | 177 | 181..=185 => crate::hit!("Binstr/vec-bin-i32x4"),
        // Binstr/vec-extbin-i32x4
        186 | 188..=191 => crate::hit!("Binstr/vec-extbin-i32x4"),
        // Binstr/vec-un-i64x2
        192..=193 => crate::hit!("Binstr/vec-un-i64x2"),
        // Binstr/vec-test-i64x2
        195 => crate::hit!("Binstr/vec-test-i64x2"),
        // Binstr/vec-bitmask-i64x2
        196 => crate::hit!("Binstr/vec-bitmask-i64x2"),
        // Binstr/vec-ext-i64x2
        199..=202 => crate::hit!("Binstr/vec-ext-i64x2"),
        // Binstr/vec-shift-i64x2
        203..=205 => crate::hit!("Binstr/vec-shift-i64x2"),
        // Binstr/vec-bin-i64x2
        206 | 209 | 213 => crate::hit!("Binstr/vec-bin-i64x2"),
        // Binstr/vec-rel-i64x2
        214..=219 => crate::hit!("Binstr/vec-rel-i64x2"),
        // Binstr/vec-extbin-i64x2
        220..=223 => crate::hit!("Binstr/vec-extbin-i64x2"),
        // Binstr/vec-un-f32x4
        103..=106 | 224..=225 | 227 => crate::hit!("Binstr/vec-un-f32x4"),
        // Binstr/vec-bin-f32x4
        228..=235 => crate::hit!("Binstr/vec-bin-f32x4"),
        // Binstr/vec-un-f64x2
        116..=117 | 122 | 148 | 236..=237 | 239 => crate::hit!("Binstr/vec-un-f64x2"),
        // Binstr/vec-bin-f64x2
        240..=247 => crate::hit!("Binstr/vec-bin-f64x2"),
        // Binstr/vec-cvt
        94..=95 | 248..=255 => crate::hit!("Binstr/vec-cvt"),
        _ => {}
    }
}

fn illegal(r: &Reader, at: usize, op: u8, sub: Option<u32>) -> crate::binary::DecodeError {
    match sub {
        None => r.err_at(at, format!("illegal opcode {op:02x}")),
        Some(n) => r.err_at(at, format!("illegal opcode {op:02x} {n:02x}")),
    }
}

const I32: NumType = NumType::I32;
const I64: NumType = NumType::I64;
const F32: NumType = NumType::F32;
const F64: NumType = NumType::F64;

/// `RELOP` of an integer type, by its position in `eq ne lt_s lt_u gt_s gt_u le_s le_u
/// ge_s ge_u`.
fn int_relop(k: u32) -> RelOp {
    let sx = if k.is_multiple_of(2) { Sx::S } else { Sx::U };
    match k {
        0 => RelOp::Eq,
        1 => RelOp::Ne,
        2 | 3 => RelOp::Lt(Some(sx)),
        4 | 5 => RelOp::Gt(Some(sx)),
        6 | 7 => RelOp::Le(Some(sx)),
        _ => RelOp::Ge(Some(sx)),
    }
}

/// `RELOP` of a float type, by its position in `eq ne lt gt le ge`.
fn float_relop(k: u32) -> RelOp {
    match k {
        0 => RelOp::Eq,
        1 => RelOp::Ne,
        2 => RelOp::Lt(None),
        3 => RelOp::Gt(None),
        4 => RelOp::Le(None),
        _ => RelOp::Ge(None),
    }
}

/// `UNOP` of a float type, by its position in `abs neg ceil floor trunc nearest sqrt`.
fn float_unop(k: u8) -> UnOp {
    [
        UnOp::Abs,
        UnOp::Neg,
        UnOp::Ceil,
        UnOp::Floor,
        UnOp::Trunc,
        UnOp::Nearest,
        UnOp::Sqrt,
    ][usize::from(k % 7)]
}

/// `BINOP` of a float type, by its position in `add sub mul div min max copysign`.
fn float_binop(k: u8) -> BinOp {
    [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div(None),
        BinOp::Min,
        BinOp::Max,
        BinOp::Copysign,
    ][usize::from(k % 7)]
}

/// `BINOP` of an integer type, by its position in `add sub mul div_s div_u rem_s rem_u and
/// or xor shl shr_s shr_u rotl rotr`.
fn int_binop(k: u8) -> BinOp {
    [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div(Some(Sx::S)),
        BinOp::Div(Some(Sx::U)),
        BinOp::Rem(Sx::S),
        BinOp::Rem(Sx::U),
        BinOp::And,
        BinOp::Or,
        BinOp::Xor,
        BinOp::Shl,
        BinOp::Shr(Sx::S),
        BinOp::Shr(Sx::U),
        BinOp::Rotl,
        BinOp::Rotr,
    ][usize::from(k % 15)]
}

/// An instruction other than the block instructions, whose opcode `op` at `at` was read.
fn plain(r: &mut Reader, at: usize, op: u8, info: &mut ExprInfo) -> Result<Instr> {
    use Instr as I;
    mark(op);
    Ok(match op {
        // Binstr/parametric (2.0: control)
        0x00 => I::Unreachable,
        0x01 => I::Nop,
        // Binstr/control
        0x0C => I::Br(r.labelidx()?),
        0x0D => I::BrIf(r.labelidx()?),
        0x0E => {
            let ls = r.list(Reader::labelidx)?;
            I::BrTable(ls, r.labelidx()?)
        }
        0x0F => I::Return,
        0x10 => I::Call(r.funcidx()?),
        0x11 => {
            let y = r.typeidx()?;
            let x = r.tableidx()?;
            I::CallIndirect(x, y)
        }
        // Binstr/parametric
        0x1A => I::Drop,
        0x1B => I::Select(None),
        0x1C => I::Select(Some(r.list(val_type)?)),
        // Binstr/local, Binstr/global
        0x20 => I::LocalGet(r.localidx()?),
        0x21 => I::LocalSet(r.localidx()?),
        0x22 => I::LocalTee(r.localidx()?),
        0x23 => I::GlobalGet(r.globalidx()?),
        0x24 => I::GlobalSet(r.globalidx()?),
        // Binstr/table
        0x25 => I::TableGet(r.tableidx()?),
        0x26 => I::TableSet(r.tableidx()?),
        // Binstr/memory
        0x28 => I::Load(I32, None, 0, memarg(r)?),
        0x29 => I::Load(I64, None, 0, memarg(r)?),
        0x2A => I::Load(F32, None, 0, memarg(r)?),
        0x2B => I::Load(F64, None, 0, memarg(r)?),
        0x2C => I::Load(I32, Some((8, Sx::S)), 0, memarg(r)?),
        0x2D => I::Load(I32, Some((8, Sx::U)), 0, memarg(r)?),
        0x2E => I::Load(I32, Some((16, Sx::S)), 0, memarg(r)?),
        0x2F => I::Load(I32, Some((16, Sx::U)), 0, memarg(r)?),
        0x30 => I::Load(I64, Some((8, Sx::S)), 0, memarg(r)?),
        0x31 => I::Load(I64, Some((8, Sx::U)), 0, memarg(r)?),
        0x32 => I::Load(I64, Some((16, Sx::S)), 0, memarg(r)?),
        0x33 => I::Load(I64, Some((16, Sx::U)), 0, memarg(r)?),
        0x34 => I::Load(I64, Some((32, Sx::S)), 0, memarg(r)?),
        0x35 => I::Load(I64, Some((32, Sx::U)), 0, memarg(r)?),
        0x36 => I::Store(I32, None, 0, memarg(r)?),
        0x37 => I::Store(I64, None, 0, memarg(r)?),
        0x38 => I::Store(F32, None, 0, memarg(r)?),
        0x39 => I::Store(F64, None, 0, memarg(r)?),
        0x3A => I::Store(I32, Some(8), 0, memarg(r)?),
        0x3B => I::Store(I32, Some(16), 0, memarg(r)?),
        0x3C => I::Store(I64, Some(8), 0, memarg(r)?),
        0x3D => I::Store(I64, Some(16), 0, memarg(r)?),
        0x3E => I::Store(I64, Some(32), 0, memarg(r)?),
        0x3F => I::MemorySize(zero(r)?),
        0x40 => I::MemoryGrow(zero(r)?),
        // Binstr/num-const
        0x41 => I::Const(I32, u64::from(r.i32()?)),
        0x42 => I::Const(I64, r.i64()?),
        0x43 => I::Const(F32, u64::from(r.f32()?)),
        0x44 => I::Const(F64, r.f64()?),
        // Binstr/num-test-i32, num-rel-i32
        0x45 => I::Testop(I32),
        0x46..=0x4F => I::Relop(I32, int_relop(u32::from(op - 0x46))),
        // Binstr/num-test-i64, num-rel-i64
        0x50 => I::Testop(I64),
        0x51..=0x5A => I::Relop(I64, int_relop(u32::from(op - 0x51))),
        // Binstr/num-rel-f32, num-rel-f64
        0x5B..=0x60 => I::Relop(F32, float_relop(u32::from(op - 0x5B))),
        0x61..=0x66 => I::Relop(F64, float_relop(u32::from(op - 0x61))),
        // Binstr/num-un-i32, num-bin-i32
        0x67 => I::Unop(I32, UnOp::Clz),
        0x68 => I::Unop(I32, UnOp::Ctz),
        0x69 => I::Unop(I32, UnOp::Popcnt),
        0x6A..=0x78 => I::Binop(I32, int_binop(op - 0x6A)),
        // Binstr/num-un-i64, num-bin-i64
        0x79 => I::Unop(I64, UnOp::Clz),
        0x7A => I::Unop(I64, UnOp::Ctz),
        0x7B => I::Unop(I64, UnOp::Popcnt),
        0x7C..=0x8A => I::Binop(I64, int_binop(op - 0x7C)),
        // Binstr/num-un-f32, num-bin-f32, num-un-f64, num-bin-f64
        0x8B..=0x91 => I::Unop(F32, float_unop(op - 0x8B)),
        0x92..=0x98 => I::Binop(F32, float_binop(op - 0x92)),
        0x99..=0x9F => I::Unop(F64, float_unop(op - 0x99)),
        0xA0..=0xA6 => I::Binop(F64, float_binop(op - 0xA0)),
        // Binstr/num-cvt
        0xA7 => I::Cvtop(I32, I64, CvtOp::Wrap),
        0xA8 => I::Cvtop(I32, F32, CvtOp::Trunc(Sx::S)),
        0xA9 => I::Cvtop(I32, F32, CvtOp::Trunc(Sx::U)),
        0xAA => I::Cvtop(I32, F64, CvtOp::Trunc(Sx::S)),
        0xAB => I::Cvtop(I32, F64, CvtOp::Trunc(Sx::U)),
        0xAC => I::Cvtop(I64, I32, CvtOp::Extend(Sx::S)),
        0xAD => I::Cvtop(I64, I32, CvtOp::Extend(Sx::U)),
        0xAE => I::Cvtop(I64, F32, CvtOp::Trunc(Sx::S)),
        0xAF => I::Cvtop(I64, F32, CvtOp::Trunc(Sx::U)),
        0xB0 => I::Cvtop(I64, F64, CvtOp::Trunc(Sx::S)),
        0xB1 => I::Cvtop(I64, F64, CvtOp::Trunc(Sx::U)),
        0xB2 => I::Cvtop(F32, I32, CvtOp::Convert(Sx::S)),
        0xB3 => I::Cvtop(F32, I32, CvtOp::Convert(Sx::U)),
        0xB4 => I::Cvtop(F32, I64, CvtOp::Convert(Sx::S)),
        0xB5 => I::Cvtop(F32, I64, CvtOp::Convert(Sx::U)),
        0xB6 => I::Cvtop(F32, F64, CvtOp::Demote),
        0xB7 => I::Cvtop(F64, I32, CvtOp::Convert(Sx::S)),
        0xB8 => I::Cvtop(F64, I32, CvtOp::Convert(Sx::U)),
        0xB9 => I::Cvtop(F64, I64, CvtOp::Convert(Sx::S)),
        0xBA => I::Cvtop(F64, I64, CvtOp::Convert(Sx::U)),
        0xBB => I::Cvtop(F64, F32, CvtOp::Promote),
        0xBC => I::Cvtop(I32, F32, CvtOp::Reinterpret),
        0xBD => I::Cvtop(I64, F64, CvtOp::Reinterpret),
        0xBE => I::Cvtop(F32, I32, CvtOp::Reinterpret),
        0xBF => I::Cvtop(F64, I64, CvtOp::Reinterpret),
        // Binstr/num-un-ext-i32, num-un-ext-i64
        0xC0 => I::Unop(I32, UnOp::Extend(8)),
        0xC1 => I::Unop(I32, UnOp::Extend(16)),
        0xC2 => I::Unop(I64, UnOp::Extend(8)),
        0xC3 => I::Unop(I64, UnOp::Extend(16)),
        0xC4 => I::Unop(I64, UnOp::Extend(32)),
        // Binstr/ref (2.0: REF.NULL takes `func` or `extern`)
        0xD0 => I::RefNull(heap_type(r)?),
        0xD1 => I::RefIsNull,
        0xD2 => I::RefFunc(r.funcidx()?),
        0xFC => prefixed_fc(r, at, info)?,
        0xFD => prefixed_fd(r, at)?,
        _ => return Err(illegal(r, at, op, None)),
    })
}

/// The instructions after the prefix `0xFC`.
fn prefixed_fc(r: &mut Reader, at: usize, info: &mut ExprInfo) -> Result<Instr> {
    use Instr as I;
    let sub = r.u32()?;
    mark_fc(sub);
    Ok(match sub {
        // Binstr/num-cvt-sat
        0 => I::Cvtop(I32, F32, CvtOp::TruncSat(Sx::S)),
        1 => I::Cvtop(I32, F32, CvtOp::TruncSat(Sx::U)),
        2 => I::Cvtop(I32, F64, CvtOp::TruncSat(Sx::S)),
        3 => I::Cvtop(I32, F64, CvtOp::TruncSat(Sx::U)),
        4 => I::Cvtop(I64, F32, CvtOp::TruncSat(Sx::S)),
        5 => I::Cvtop(I64, F32, CvtOp::TruncSat(Sx::U)),
        6 => I::Cvtop(I64, F64, CvtOp::TruncSat(Sx::S)),
        7 => I::Cvtop(I64, F64, CvtOp::TruncSat(Sx::U)),
        // Binstr/memory
        8 => {
            info.uses_data = true;
            let y = r.dataidx()?;
            I::MemoryInit(zero(r)?, y)
        }
        9 => {
            info.uses_data = true;
            I::DataDrop(r.dataidx()?)
        }
        10 => {
            let x1 = zero(r)?;
            I::MemoryCopy(x1, zero(r)?)
        }
        11 => I::MemoryFill(zero(r)?),
        // Binstr/table
        12 => {
            let y = r.elemidx()?;
            I::TableInit(r.tableidx()?, y)
        }
        13 => I::ElemDrop(r.elemidx()?),
        14 => {
            let x1 = r.tableidx()?;
            I::TableCopy(x1, r.tableidx()?)
        }
        15 => I::TableGrow(r.tableidx()?),
        16 => I::TableSize(r.tableidx()?),
        17 => I::TableFill(r.tableidx()?),
        _ => return Err(illegal(r, at, 0xFC, Some(sub))),
    })
}

const I8X16: Shape = Shape::I8X16;
const I16X8: Shape = Shape::I16X8;
const I32X4: Shape = Shape::I32X4;
const I64X2: Shape = Shape::I64X2;
const F32X4: Shape = Shape::F32X4;
const F64X2: Shape = Shape::F64X2;

fn sx_of(k: u32) -> Sx {
    if k.is_multiple_of(2) { Sx::S } else { Sx::U }
}

/// `half sx` in the order `low_s high_s low_u high_u`.
fn half_sx(k: u32) -> (Half, Sx) {
    let half = if k.is_multiple_of(2) {
        Half::Low
    } else {
        Half::High
    };
    let sx = if k < 2 { Sx::S } else { Sx::U };
    (half, sx)
}

/// The instructions after the prefix `0xFD` (the 2.0 vector instructions).
fn prefixed_fd(r: &mut Reader, at: usize) -> Result<Instr> {
    use Instr as I;
    let sub = r.u32()?;
    mark_fd(sub);
    Ok(match sub {
        // Binstr/vec-memory
        0 => I::VLoad(None, 0, memarg(r)?),
        1..=6 => {
            let sz = [8, 16, 32][((sub - 1) / 2) as usize];
            let op = VLoadOp::Shape {
                sz,
                m: 64 / sz,
                sx: sx_of(sub - 1),
            };
            I::VLoad(Some(op), 0, memarg(r)?)
        }
        7..=10 => I::VLoad(Some(VLoadOp::Splat(8 << (sub - 7))), 0, memarg(r)?),
        11 => I::VStore(0, memarg(r)?),
        84..=87 => {
            let m = memarg(r)?;
            I::VLoadLane(8 << (sub - 84), 0, m, lane(r)?)
        }
        88..=91 => {
            let m = memarg(r)?;
            I::VStoreLane(8 << (sub - 88), 0, m, lane(r)?)
        }
        92 => I::VLoad(Some(VLoadOp::Zero(32)), 0, memarg(r)?),
        93 => I::VLoad(Some(VLoadOp::Zero(64)), 0, memarg(r)?),
        // Binstr/vec-const
        12 => {
            let b = r.bytes(16)?;
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            I::VConst(u128::from_le_bytes(a))
        }
        // Binstr/vec-shuffle
        13 => {
            // Blaneidx
            crate::hit!("Blaneidx");
            let b = r.bytes(16)?;
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            I::VShuffle(a)
        }
        14 => I::VSwizzle,
        // Binstr/vec-splat
        15 => I::VSplat(I8X16),
        16 => I::VSplat(I16X8),
        17 => I::VSplat(I32X4),
        18 => I::VSplat(I64X2),
        19 => I::VSplat(F32X4),
        20 => I::VSplat(F64X2),
        // Binstr/vec-lane
        21 => I::VExtractLane(I8X16, Some(Sx::S), lane(r)?),
        22 => I::VExtractLane(I8X16, Some(Sx::U), lane(r)?),
        23 => I::VReplaceLane(I8X16, lane(r)?),
        24 => I::VExtractLane(I16X8, Some(Sx::S), lane(r)?),
        25 => I::VExtractLane(I16X8, Some(Sx::U), lane(r)?),
        26 => I::VReplaceLane(I16X8, lane(r)?),
        27 => I::VExtractLane(I32X4, None, lane(r)?),
        28 => I::VReplaceLane(I32X4, lane(r)?),
        29 => I::VExtractLane(I64X2, None, lane(r)?),
        30 => I::VReplaceLane(I64X2, lane(r)?),
        31 => I::VExtractLane(F32X4, None, lane(r)?),
        32 => I::VReplaceLane(F32X4, lane(r)?),
        33 => I::VExtractLane(F64X2, None, lane(r)?),
        34 => I::VReplaceLane(F64X2, lane(r)?),
        // Binstr/vec-rel-*
        35..=44 => I::VRelop(I8X16, int_relop(sub - 35)),
        45..=54 => I::VRelop(I16X8, int_relop(sub - 45)),
        55..=64 => I::VRelop(I32X4, int_relop(sub - 55)),
        65..=70 => I::VRelop(F32X4, float_relop(sub - 65)),
        71..=76 => I::VRelop(F64X2, float_relop(sub - 71)),
        214 => I::VRelop(I64X2, RelOp::Eq),
        215 => I::VRelop(I64X2, RelOp::Ne),
        216 => I::VRelop(I64X2, RelOp::Lt(Some(Sx::S))),
        217 => I::VRelop(I64X2, RelOp::Gt(Some(Sx::S))),
        218 => I::VRelop(I64X2, RelOp::Le(Some(Sx::S))),
        219 => I::VRelop(I64X2, RelOp::Ge(Some(Sx::S))),
        // Binstr/vec-un-v128, vec-bin-v128, vec-tern-v128, vec-test-v128
        77 => I::Vvop(VvOp::Not),
        78 => I::Vvop(VvOp::And),
        79 => I::Vvop(VvOp::AndNot),
        80 => I::Vvop(VvOp::Or),
        81 => I::Vvop(VvOp::Xor),
        82 => I::Vvop(VvOp::Bitselect),
        83 => I::Vvop(VvOp::AnyTrue),
        // Binstr/vec-cvt
        94 => I::VCvtop(F32X4, F64X2, VCvtOp::DemoteZero),
        95 => I::VCvtop(F64X2, F32X4, VCvtOp::PromoteLow),
        248 => I::VCvtop(I32X4, F32X4, VCvtOp::TruncSat(Sx::S, false)),
        249 => I::VCvtop(I32X4, F32X4, VCvtOp::TruncSat(Sx::U, false)),
        250 => I::VCvtop(F32X4, I32X4, VCvtOp::Convert(None, Sx::S)),
        251 => I::VCvtop(F32X4, I32X4, VCvtOp::Convert(None, Sx::U)),
        252 => I::VCvtop(I32X4, F64X2, VCvtOp::TruncSat(Sx::S, true)),
        253 => I::VCvtop(I32X4, F64X2, VCvtOp::TruncSat(Sx::U, true)),
        254 => I::VCvtop(F64X2, I32X4, VCvtOp::Convert(Some(Half::Low), Sx::S)),
        255 => I::VCvtop(F64X2, I32X4, VCvtOp::Convert(Some(Half::Low), Sx::U)),
        // Binstr/vec-*-i8x16
        96 => I::VUnop(I8X16, VUnOp::Abs),
        97 => I::VUnop(I8X16, VUnOp::Neg),
        98 => I::VUnop(I8X16, VUnOp::Popcnt),
        99 => I::VAllTrue(I8X16),
        100 => I::VBitmask(I8X16),
        101 => I::VNarrow(I8X16, I16X8, Sx::S),
        102 => I::VNarrow(I8X16, I16X8, Sx::U),
        107 => I::VShiftop(I8X16, VShiftOp::Shl),
        108 => I::VShiftop(I8X16, VShiftOp::Shr(Sx::S)),
        109 => I::VShiftop(I8X16, VShiftOp::Shr(Sx::U)),
        110 => I::VBinop(I8X16, VBinOp::Add),
        111 => I::VBinop(I8X16, VBinOp::AddSat(Sx::S)),
        112 => I::VBinop(I8X16, VBinOp::AddSat(Sx::U)),
        113 => I::VBinop(I8X16, VBinOp::Sub),
        114 => I::VBinop(I8X16, VBinOp::SubSat(Sx::S)),
        115 => I::VBinop(I8X16, VBinOp::SubSat(Sx::U)),
        118 => I::VBinop(I8X16, VBinOp::Min(Some(Sx::S))),
        119 => I::VBinop(I8X16, VBinOp::Min(Some(Sx::U))),
        120 => I::VBinop(I8X16, VBinOp::Max(Some(Sx::S))),
        121 => I::VBinop(I8X16, VBinOp::Max(Some(Sx::U))),
        123 => I::VBinop(I8X16, VBinOp::AvgrU),
        // Binstr/vec-un-f32x4, vec-un-f64x2 (the rounding ones)
        103 => I::VUnop(F32X4, VUnOp::Ceil),
        104 => I::VUnop(F32X4, VUnOp::Floor),
        105 => I::VUnop(F32X4, VUnOp::Trunc),
        106 => I::VUnop(F32X4, VUnOp::Nearest),
        116 => I::VUnop(F64X2, VUnOp::Ceil),
        117 => I::VUnop(F64X2, VUnOp::Floor),
        122 => I::VUnop(F64X2, VUnOp::Trunc),
        148 => I::VUnop(F64X2, VUnOp::Nearest),
        // Binstr/vec-extun-i16x8, vec-extun-i32x4
        124 => I::VExtaddPairwise(I16X8, I8X16, Sx::S),
        125 => I::VExtaddPairwise(I16X8, I8X16, Sx::U),
        126 => I::VExtaddPairwise(I32X4, I16X8, Sx::S),
        127 => I::VExtaddPairwise(I32X4, I16X8, Sx::U),
        // Binstr/vec-*-i16x8
        128 => I::VUnop(I16X8, VUnOp::Abs),
        129 => I::VUnop(I16X8, VUnOp::Neg),
        130 => I::VBinop(I16X8, VBinOp::Q15MulrSatS),
        131 => I::VAllTrue(I16X8),
        132 => I::VBitmask(I16X8),
        133 => I::VNarrow(I16X8, I32X4, Sx::S),
        134 => I::VNarrow(I16X8, I32X4, Sx::U),
        135..=138 => {
            let (h, sx) = half_sx(sub - 135);
            I::VCvtop(I16X8, I8X16, VCvtOp::Extend(h, sx))
        }
        139 => I::VShiftop(I16X8, VShiftOp::Shl),
        140 => I::VShiftop(I16X8, VShiftOp::Shr(Sx::S)),
        141 => I::VShiftop(I16X8, VShiftOp::Shr(Sx::U)),
        142 => I::VBinop(I16X8, VBinOp::Add),
        143 => I::VBinop(I16X8, VBinOp::AddSat(Sx::S)),
        144 => I::VBinop(I16X8, VBinOp::AddSat(Sx::U)),
        145 => I::VBinop(I16X8, VBinOp::Sub),
        146 => I::VBinop(I16X8, VBinOp::SubSat(Sx::S)),
        147 => I::VBinop(I16X8, VBinOp::SubSat(Sx::U)),
        149 => I::VBinop(I16X8, VBinOp::Mul),
        150 => I::VBinop(I16X8, VBinOp::Min(Some(Sx::S))),
        151 => I::VBinop(I16X8, VBinOp::Min(Some(Sx::U))),
        152 => I::VBinop(I16X8, VBinOp::Max(Some(Sx::S))),
        153 => I::VBinop(I16X8, VBinOp::Max(Some(Sx::U))),
        155 => I::VBinop(I16X8, VBinOp::AvgrU),
        156..=159 => {
            let (h, sx) = half_sx(sub - 156);
            I::VExtmul(I16X8, I8X16, h, sx)
        }
        // Binstr/vec-*-i32x4
        160 => I::VUnop(I32X4, VUnOp::Abs),
        161 => I::VUnop(I32X4, VUnOp::Neg),
        163 => I::VAllTrue(I32X4),
        164 => I::VBitmask(I32X4),
        167..=170 => {
            let (h, sx) = half_sx(sub - 167);
            I::VCvtop(I32X4, I16X8, VCvtOp::Extend(h, sx))
        }
        171 => I::VShiftop(I32X4, VShiftOp::Shl),
        172 => I::VShiftop(I32X4, VShiftOp::Shr(Sx::S)),
        173 => I::VShiftop(I32X4, VShiftOp::Shr(Sx::U)),
        174 => I::VBinop(I32X4, VBinOp::Add),
        177 => I::VBinop(I32X4, VBinOp::Sub),
        181 => I::VBinop(I32X4, VBinOp::Mul),
        182 => I::VBinop(I32X4, VBinOp::Min(Some(Sx::S))),
        183 => I::VBinop(I32X4, VBinOp::Min(Some(Sx::U))),
        184 => I::VBinop(I32X4, VBinOp::Max(Some(Sx::S))),
        185 => I::VBinop(I32X4, VBinOp::Max(Some(Sx::U))),
        186 => I::VDot,
        188..=191 => {
            let (h, sx) = half_sx(sub - 188);
            I::VExtmul(I32X4, I16X8, h, sx)
        }
        // Binstr/vec-*-i64x2
        192 => I::VUnop(I64X2, VUnOp::Abs),
        193 => I::VUnop(I64X2, VUnOp::Neg),
        195 => I::VAllTrue(I64X2),
        196 => I::VBitmask(I64X2),
        199..=202 => {
            let (h, sx) = half_sx(sub - 199);
            I::VCvtop(I64X2, I32X4, VCvtOp::Extend(h, sx))
        }
        203 => I::VShiftop(I64X2, VShiftOp::Shl),
        204 => I::VShiftop(I64X2, VShiftOp::Shr(Sx::S)),
        205 => I::VShiftop(I64X2, VShiftOp::Shr(Sx::U)),
        206 => I::VBinop(I64X2, VBinOp::Add),
        209 => I::VBinop(I64X2, VBinOp::Sub),
        213 => I::VBinop(I64X2, VBinOp::Mul),
        220..=223 => {
            let (h, sx) = half_sx(sub - 220);
            I::VExtmul(I64X2, I32X4, h, sx)
        }
        // Binstr/vec-un-f32x4, vec-bin-f32x4
        224 => I::VUnop(F32X4, VUnOp::Abs),
        225 => I::VUnop(F32X4, VUnOp::Neg),
        227 => I::VUnop(F32X4, VUnOp::Sqrt),
        228..=235 => I::VBinop(F32X4, float_vbinop(sub - 228)),
        // Binstr/vec-un-f64x2, vec-bin-f64x2
        236 => I::VUnop(F64X2, VUnOp::Abs),
        237 => I::VUnop(F64X2, VUnOp::Neg),
        239 => I::VUnop(F64X2, VUnOp::Sqrt),
        240..=247 => I::VBinop(F64X2, float_vbinop(sub - 240)),
        _ => return Err(illegal(r, at, 0xFD, Some(sub))),
    })
}

/// `VBINOP` of a float shape, by its position in `add sub mul div min max pmin pmax`.
fn float_vbinop(k: u32) -> VBinOp {
    [
        VBinOp::Add,
        VBinOp::Sub,
        VBinOp::Mul,
        VBinOp::Div,
        VBinOp::Min(None),
        VBinOp::Max(None),
        VBinOp::Pmin,
        VBinOp::Pmax,
    ][(k % 8) as usize]
}
