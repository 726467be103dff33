//! Scalar numeric instructions (`Step_pure/unop-val`, `binop-val`, `binop-trap`, `testop`,
//! `relop`, `cvtop-val`, `cvtop-trap`): the rules' plumbing around the numeric `def`s of
//! [`crate::numerics::scalar`], with the tags of [`super::Nondet`].

use super::names::{OP_NAMES, OpId, OpIndex};
use super::store::{Slot, Tag};
use super::{ExecError, hit_op};
use crate::TrapKind;
use crate::ast::{BinOp, CvtOp, NumType, RelOp, UnOp};
use crate::numerics::scalar as s;
use crate::numerics::{FloatSet, Sx, canonical_nan};

/// The non-canonical arithmetic NaN the oracle computes with for "any arithmetic NaN".
pub(crate) fn arithmetic_nan(n: u32) -> u64 {
    if n == 32 {
        0x7fc0_0001
    } else {
        0x7ff8_0000_0000_0001
    }
}

/// A float result: exact bits, or the representative of its NaN class, tagged.
pub(crate) fn float_slot(n: u32, r: FloatSet) -> Slot {
    match r {
        FloatSet::Exact(b) => Slot::exact(u128::from(b)),
        FloatSet::CanonicalNan => Slot::new(u128::from(canonical_nan(n)), Tag::Canon),
        FloatSet::ArithmeticNan => Slot::new(u128::from(arithmetic_nan(n)), Tag::Arith),
    }
}

#[inline]
fn bits(a: Slot, n: u32) -> u64 {
    if n == 32 {
        a.v as u32 as u64
    } else {
        a.v as u64
    }
}

/// The tag of a deterministic result computed from tagged operands: unknown when one of
/// them is (or, for `any`, when one is tagged at all).
#[inline]
fn int_tag(tags: &[Tag]) -> Tag {
    if tags.iter().any(|t| *t != Tag::None) {
        Tag::Unknown
    } else {
        Tag::None
    }
}

#[inline]
fn with_tag(v: u64, tag: Tag) -> Slot {
    Slot::new(u128::from(v), tag)
}

fn unsupported(id: OpId) -> ExecError {
    ExecError::Unsupported(OP_NAMES[id.op_index()].to_string())
}

/// `UNOP`.
#[inline(always)]
pub(crate) fn unop(nt: NumType, op: UnOp, a: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let z = bits(a, n);
    // Step_pure/unop-val
    hit_op!("Step_pure/unop-val", id);
    if nt.is_int() {
        let r = match op {
            UnOp::Clz => s::iclz_(n, z),
            UnOp::Ctz => s::ictz_(n, z),
            UnOp::Popcnt => s::ipopcnt_(n, z),
            UnOp::Extend(k) => s::iextend_(n, k, Sx::S, z),
            _ => return Err(unsupported(id)),
        };
        return Ok(with_tag(r, int_tag(&[a.tag])));
    }
    let r = match op {
        UnOp::Abs => s::fabs_(n, z),
        UnOp::Neg => s::fneg_(n, z),
        UnOp::Sqrt => s::fsqrt_(n, z),
        UnOp::Ceil => s::fceil_(n, z),
        UnOp::Floor => s::ffloor_(n, z),
        UnOp::Trunc => s::ftrunc_(n, z),
        UnOp::Nearest => s::fnearest_(n, z),
        _ => return Err(unsupported(id)),
    };
    let mut out = float_slot(n, r);
    match (a.tag, op) {
        (Tag::Unknown, _) | (Tag::Lanes { .. }, _) => out.tag = Tag::Unknown,
        // The sign of a NaN of a class changes, the class does not.
        (t @ (Tag::Canon | Tag::Arith), UnOp::Abs | UnOp::Neg) => out.tag = t,
        _ => {}
    }
    Ok(out)
}

/// `BINOP`.
#[inline(always)]
pub(crate) fn binop(nt: NumType, op: BinOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let (x, y) = (bits(a, n), bits(b, n));
    if nt.is_int() {
        let r = match op {
            BinOp::Add => s::iadd_(n, x, y),
            BinOp::Sub => s::isub_(n, x, y),
            BinOp::Mul => s::imul_(n, x, y),
            BinOp::Div(Some(d)) => match s::idiv_(n, d, x, y) {
                Some(r) => r,
                None => {
                    // Step_pure/binop-trap
                    hit_op!("Step_pure/binop-trap", id);
                    return Err(ExecError::Trap(if y == 0 {
                        TrapKind::IntegerDivideByZero
                    } else {
                        TrapKind::IntegerOverflow
                    }));
                }
            },
            BinOp::Rem(d) => match s::irem_(n, d, x, y) {
                Some(r) => r,
                None => {
                    // Step_pure/binop-trap
                    hit_op!("Step_pure/binop-trap", id);
                    return Err(ExecError::Trap(TrapKind::IntegerDivideByZero));
                }
            },
            BinOp::And => s::iand_(n, x, y),
            BinOp::Or => s::ior_(n, x, y),
            BinOp::Xor => s::ixor_(n, x, y),
            BinOp::Shl => s::ishl_(n, x, y),
            BinOp::Shr(d) => s::ishr_(n, d, x, y),
            BinOp::Rotl => s::irotl_(n, x, y),
            BinOp::Rotr => s::irotr_(n, x, y),
            _ => return Err(unsupported(id)),
        };
        // Step_pure/binop-val
        hit_op!("Step_pure/binop-val", id);
        return Ok(with_tag(r, int_tag(&[a.tag, b.tag])));
    }
    let r = match op {
        BinOp::Add => s::fadd_(n, x, y),
        BinOp::Sub => s::fsub_(n, x, y),
        BinOp::Mul => s::fmul_(n, x, y),
        BinOp::Div(None) => s::fdiv_(n, x, y),
        BinOp::Min => s::fmin_(n, x, y),
        BinOp::Max => s::fmax_(n, x, y),
        BinOp::Copysign => s::fcopysign_(n, x, y),
        _ => return Err(unsupported(id)),
    };
    // Step_pure/binop-val
    hit_op!("Step_pure/binop-val", id);
    let mut out = float_slot(n, r);
    let scalar_nan = |t: Tag| matches!(t, Tag::Canon | Tag::Arith);
    if a.tag == Tag::Unknown || b.tag == Tag::Unknown {
        out.tag = Tag::Unknown;
    } else if op == BinOp::Copysign {
        if scalar_nan(b.tag) {
            // The sign comes from a NaN whose sign the spec leaves open.
            out.tag = Tag::Unknown;
        } else if scalar_nan(a.tag) {
            out.tag = a.tag;
        }
    }
    Ok(out)
}

/// `TESTOP` (`eqz`).
#[inline(always)]
pub(crate) fn testop(nt: NumType, a: Slot, id: OpId) -> Result<Slot, ExecError> {
    // Step_pure/testop
    hit_op!("Step_pure/testop", id);
    let n = nt.size();
    Ok(with_tag(s::ieqz_(n, bits(a, n)), int_tag(&[a.tag])))
}

/// `RELOP`.
#[inline(always)]
pub(crate) fn relop(nt: NumType, op: RelOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    // Step_pure/relop
    hit_op!("Step_pure/relop", id);
    let n = nt.size();
    let (x, y) = (bits(a, n), bits(b, n));
    let r = if nt.is_int() {
        match op {
            RelOp::Eq => s::ieq_(n, x, y),
            RelOp::Ne => s::ine_(n, x, y),
            RelOp::Lt(Some(d)) => s::ilt_(n, d, x, y),
            RelOp::Gt(Some(d)) => s::igt_(n, d, x, y),
            RelOp::Le(Some(d)) => s::ile_(n, d, x, y),
            RelOp::Ge(Some(d)) => s::ige_(n, d, x, y),
            _ => return Err(unsupported(id)),
        }
    } else {
        match op {
            RelOp::Eq => s::feq_(n, x, y),
            RelOp::Ne => s::fne_(n, x, y),
            RelOp::Lt(None) => s::flt_(n, x, y),
            RelOp::Gt(None) => s::fgt_(n, x, y),
            RelOp::Le(None) => s::fle_(n, x, y),
            RelOp::Ge(None) => s::fge_(n, x, y),
            _ => return Err(unsupported(id)),
        }
    };
    // Any NaN of a class compares as every other: only unknown operands make it open.
    let tag = if a.tag == Tag::Unknown || b.tag == Tag::Unknown {
        Tag::Unknown
    } else {
        Tag::None
    };
    Ok(with_tag(r, tag))
}

/// `CVTOP`: to `to` from `from`.
#[inline]
pub(crate) fn cvtop(
    to: NumType,
    from: NumType,
    op: CvtOp,
    a: Slot,
    id: OpId,
) -> Result<Slot, ExecError> {
    let (n1, n2) = (from.size(), to.size());
    let z = bits(a, n1);
    let unknown = a.tag == Tag::Unknown;
    let exact_tag = if unknown { Tag::Unknown } else { Tag::None };
    let out = match op {
        CvtOp::Wrap => with_tag(s::wrap__(n1, n2, z), exact_tag),
        CvtOp::Extend(d) => with_tag(s::extend__(n1, n2, d, z), exact_tag),
        CvtOp::Convert(d) => with_tag(s::convert__(n1, n2, d, z), exact_tag),
        CvtOp::Trunc(d) => match s::trunc_checked__(n1, n2, d, z) {
            Ok(r) => with_tag(r, exact_tag),
            Err(e) => {
                // Step_pure/cvtop-trap
                hit_op!("Step_pure/cvtop-trap", id);
                return Err(ExecError::Trap(match e {
                    s::TruncFailure::Nan => TrapKind::InvalidConversionToInteger,
                    s::TruncFailure::Overflow => TrapKind::IntegerOverflow,
                }));
            }
        },
        CvtOp::TruncSat(d) => with_tag(s::trunc_sat__(n1, n2, d, z), exact_tag),
        CvtOp::Promote => {
            let mut r = float_slot(n2, s::promote__(n1, n2, z));
            if unknown {
                r.tag = Tag::Unknown;
            }
            r
        }
        CvtOp::Demote => {
            let mut r = float_slot(n2, s::demote__(n1, n2, z));
            if unknown {
                r.tag = Tag::Unknown;
            }
            r
        }
        CvtOp::Reinterpret => with_tag(s::reinterpret__(n1, z), int_tag(&[a.tag])),
    };
    // Step_pure/cvtop-val
    hit_op!("Step_pure/cvtop-val", id);
    Ok(out)
}
