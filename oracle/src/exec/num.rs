//! Scalar numeric instructions (`Step_pure/unop-val`, `binop-val`, `binop-trap`, `testop`,
//! `relop`, `cvtop-val`, `cvtop-trap`): the rules' plumbing around the numeric `def`s of
//! [`crate::numerics::scalar`], with the tags of [`super::Nondet`].

use super::names::{OP_NAMES, OpId, OpIndex};
use super::store::{Slot, Tag};
use super::{ExecError, hit_op};
use crate::TrapKind;
use crate::ast::{BinOp, CvtOp, NumType, RelOp, UnOp};
use crate::numerics::scalar as s;
use crate::numerics::{FloatSet, canonical_nan};

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
    if tags.iter().any(|t| !matches!(*t, Tag::None)) {
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

/// The value of a result that is exact (an integer result always is).
#[inline(always)]
fn value(n: u32, r: FloatSet) -> u64 {
    match r {
        FloatSet::Exact(b) => b,
        _ => r.choose(n, &[]),
    }
}

/// `UNOP`: `$unop_`.
#[inline(always)]
pub(crate) fn unop(nt: NumType, op: UnOp, a: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let z = bits(a, n);
    let r = s::unop_(nt, op, z).ok_or_else(|| unsupported(id))?;
    // Step_pure/unop-val
    hit_op!("Step_pure/unop-val", id);
    if nt.is_int() {
        return Ok(with_tag(value(n, r), int_tag(&[a.tag])));
    }
    let mut out = float_slot(n, r);
    match (a.tag, op) {
        (Tag::Unknown, _) | (Tag::Lanes { .. }, _) => out.tag = Tag::Unknown,
        // The sign of a NaN of a class changes, the class does not.
        (t @ (Tag::Canon | Tag::Arith), UnOp::Abs | UnOp::Neg) => out.tag = t,
        _ => {}
    }
    Ok(out)
}

/// `BINOP`: `$binop_`.
#[inline(always)]
pub(crate) fn binop(nt: NumType, op: BinOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let (x, y) = (bits(a, n), bits(b, n));
    if nt.is_int() && matches!(op, BinOp::Div(Some(_)) | BinOp::Rem(_)) {
        open_division(op, a.tag, b.tag, y & s::mask(n) == s::mask(n))?;
    }
    let Some(r) = s::binop_(nt, op, x, y) else {
        return Err(match op {
            BinOp::Div(Some(_)) | BinOp::Rem(_) if nt.is_int() => {
                // Step_pure/binop-trap
                hit_op!("Step_pure/binop-trap", id);
                ExecError::Trap(if y & s::mask(n) == 0 {
                    TrapKind::IntegerDivideByZero
                } else {
                    TrapKind::IntegerOverflow
                })
            }
            _ => unsupported(id),
        });
    };
    // Step_pure/binop-val
    hit_op!("Step_pure/binop-val", id);
    if nt.is_int() {
        return Ok(with_tag(value(n, r), int_tag(&[a.tag, b.tag])));
    }
    let mut out = float_slot(n, r);
    let scalar_nan = |t: Tag| matches!(t, Tag::Canon | Tag::Arith);
    if matches!(a.tag, Tag::Unknown) || matches!(b.tag, Tag::Unknown) {
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

/// `Step_pure/binop-trap` on operands the spec leaves open: a divisor of open bits may be 0
/// (and -1), and a signed quotient of an open dividend by -1 may overflow, so whether the
/// step traps is open. `minus_one`: the divisor's bits are all ones.
#[cold]
#[inline(never)]
fn open_trap(what: &str) -> ExecError {
    ExecError::Open(format!(
        "whether {what} traps depends on bits the spec leaves open"
    ))
}

#[inline(always)]
fn open_division(op: BinOp, a: Tag, b: Tag, minus_one: bool) -> Result<(), ExecError> {
    let open = |t: Tag| !matches!(t, Tag::None);
    if open(b) || (open(a) && minus_one && op == BinOp::Div(Some(crate::ast::Sx::S))) {
        return Err(open_trap("a division"));
    }
    Ok(())
}

/// `TESTOP` (`eqz`): `$testop_`.
#[inline(always)]
pub(crate) fn testop(nt: NumType, a: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let r = s::testop_(nt, bits(a, n)).ok_or_else(|| unsupported(id))?;
    // Step_pure/testop
    hit_op!("Step_pure/testop", id);
    Ok(with_tag(r, int_tag(&[a.tag])))
}

/// `RELOP`: `$relop_`.
#[inline(always)]
pub(crate) fn relop(nt: NumType, op: RelOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    let n = nt.size();
    let r = s::relop_(nt, op, bits(a, n), bits(b, n)).ok_or_else(|| unsupported(id))?;
    // Step_pure/relop
    hit_op!("Step_pure/relop", id);
    // Any NaN of a class compares as every other: only unknown operands make it open.
    let tag = if matches!(a.tag, Tag::Unknown) || matches!(b.tag, Tag::Unknown) {
        Tag::Unknown
    } else {
        Tag::None
    };
    Ok(with_tag(r, tag))
}

/// `CVTOP`: to `to` from `from`, `$cvtop__`.
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
    // Step_pure/cvtop-trap on an operand of open bits (a NaN of a class always traps): it
    // may be any float, in range or not, so whether the step traps is open.
    if matches!(op, CvtOp::Trunc(_)) && matches!(a.tag, Tag::Unknown) {
        return Err(open_trap("a truncation"));
    }
    let Some(r) = s::cvtop__(from, to, op, z) else {
        let CvtOp::Trunc(d) = op else {
            return Err(unsupported(id));
        };
        // Step_pure/cvtop-trap
        hit_op!("Step_pure/cvtop-trap", id);
        return Err(ExecError::Trap(match s::trunc_checked__(n1, n2, d, z) {
            Err(s::TruncFailure::Nan) => TrapKind::InvalidConversionToInteger,
            _ => TrapKind::IntegerOverflow,
        }));
    };
    let unknown = matches!(a.tag, Tag::Unknown);
    let out = match op {
        CvtOp::Promote | CvtOp::Demote => {
            let mut r = float_slot(n2, r);
            if unknown {
                r.tag = Tag::Unknown;
            }
            r
        }
        CvtOp::Reinterpret => with_tag(value(n2, r), int_tag(&[a.tag])),
        _ => with_tag(value(n2, r), if unknown { Tag::Unknown } else { Tag::None }),
    };
    // Step_pure/cvtop-val
    hit_op!("Step_pure/cvtop-val", id);
    Ok(out)
}
