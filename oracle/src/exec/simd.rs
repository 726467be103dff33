//! Vector instructions other than memory accesses: the lane plumbing of the `Step_pure/v*`
//! rules (`$lanes_`, `$inv_lanes_`), the vector numeric `def`s of
//! [`crate::numerics::vector`], and the tags of [`super::Nondet`] per lane.

use super::slots::Slots;
use super::store::{Slot, Tag};
use super::{ExecError, hit_op};
use crate::ast::{Instr, LaneType, RelOp, Shape, VBinOp, VCvtOp, VShiftOp, VUnOp, VvOp};
use crate::numerics::scalar as s;
use crate::numerics::{FloatSet, canonical_nan, vector};

/// Lane `i` of `v` (lanes of `sz` bits, lane 0 least significant).
#[inline]
pub(crate) fn lane(v: u128, sz: u32, i: u32) -> u64 {
    let mask = if sz >= 64 { u64::MAX } else { (1u64 << sz) - 1 };
    ((v >> (i * sz)) as u64) & mask
}

/// `v` with lane `i` replaced by `c`.
#[inline]
pub(crate) fn set_lane(v: u128, sz: u32, i: u32, c: u64) -> u128 {
    let mask = if sz >= 128 {
        u128::MAX
    } else {
        (1u128 << sz) - 1
    };
    let shift = i * sz;
    (v & !(mask << shift)) | ((u128::from(c) & mask) << shift)
}

/// The low `sz` bits of `raw` in every lane of `sz` bits.
pub(crate) fn splat_bits(raw: u128, sz: u32) -> u128 {
    let mut v = 0u128;
    for i in 0..128 / sz {
        v = set_lane(v, sz, i, raw as u64);
    }
    v
}

fn is_float(sh: Shape) -> bool {
    !sh.lane.is_int()
}

/// The tag of a deterministic integer-like result.
fn int_tag(tags: &[Tag]) -> Tag {
    if tags.iter().any(|t| *t != Tag::None) {
        Tag::Unknown
    } else {
        Tag::None
    }
}

/// The class tag of lane `i` of a vector tag, for a float shape of `dim` lanes: `None` when
/// unknown.
fn lane_tag(t: Tag, dim: u32, i: u32) -> Option<Tag> {
    match t {
        Tag::None => Some(Tag::None),
        Tag::Lanes {
            dim: d,
            canon,
            arith,
        } if u32::from(d) == dim => Some(if canon >> i & 1 == 1 {
            Tag::Canon
        } else if arith >> i & 1 == 1 {
            Tag::Arith
        } else {
            Tag::None
        }),
        _ => None,
    }
}

/// A vector tag from per-lane classes.
pub(crate) fn lanes_tag(dim: u32, classes: impl Iterator<Item = Tag>) -> Tag {
    let (mut canon, mut arith) = (0u8, 0u8);
    for (i, t) in classes.enumerate() {
        match t {
            Tag::Canon => canon |= 1 << i,
            Tag::Arith => arith |= 1 << i,
            Tag::None => {}
            _ => return Tag::Unknown,
        }
    }
    if canon == 0 && arith == 0 {
        Tag::None
    } else {
        Tag::Lanes {
            dim: dim as u8,
            canon,
            arith,
        }
    }
}

fn unsupported(instr: &Instr) -> ExecError {
    ExecError::Unsupported(super::instr_name(instr).to_string())
}

/// Executes a vector instruction on the operand stack.
pub(crate) fn exec(stack: &mut Slots, instr: &Instr) -> Result<(), ExecError> {
    match instr {
        Instr::VSplat(sh) => {
            // Step_pure/vsplat
            hit_op!("Step_pure/vsplat", instr);
            let c = stack.pop();
            let tag = match c.tag {
                Tag::None => Tag::None,
                t @ (Tag::Canon | Tag::Arith) if is_float(*sh) => {
                    lanes_tag(sh.dim, (0..sh.dim).map(|_| t))
                }
                _ => Tag::Unknown,
            };
            stack.push(Slot::new(vector::splat(vshape(*sh), c.v as u64), tag));
        }
        Instr::VExtractLane(sh, sx, i) => {
            let v = stack.pop();
            let sz = sh.lane.size();
            let c = lane(v.v, sz, u32::from(*i));
            let (c, tag) = match sx {
                Some(d) => {
                    // Step_pure/vextract_lane-pack
                    hit_op!("Step_pure/vextract_lane-pack", instr);
                    (s::extend__(sz, 32, *d, c), int_tag(&[v.tag]))
                }
                None => {
                    // Step_pure/vextract_lane-num
                    hit_op!("Step_pure/vextract_lane-num", instr);
                    let tag = if is_float(*sh) {
                        lane_tag(v.tag, sh.dim, u32::from(*i)).unwrap_or(Tag::Unknown)
                    } else {
                        int_tag(&[v.tag])
                    };
                    (c, tag)
                }
            };
            stack.push(Slot::new(u128::from(c), tag));
        }
        Instr::VReplaceLane(sh, i) => {
            // Step_pure/vreplace_lane
            hit_op!("Step_pure/vreplace_lane", instr);
            let c = stack.pop();
            let v = stack.pop();
            let r = vector::replace_lane(vshape(*sh), v.v, usize::from(*i), c.v as u64)
                .ok_or_else(|| malformed_vector(instr))?;
            let tag = if is_float(*sh) {
                let classes: Option<Vec<Tag>> = (0..sh.dim)
                    .map(|k| {
                        if k == u32::from(*i) {
                            matches!(c.tag, Tag::None | Tag::Canon | Tag::Arith).then_some(c.tag)
                        } else {
                            lane_tag(v.tag, sh.dim, k)
                        }
                    })
                    .collect();
                classes.map_or(Tag::Unknown, |c| lanes_tag(sh.dim, c.into_iter()))
            } else {
                int_tag(&[v.tag, c.tag])
            };
            stack.push(Slot::new(r, tag));
        }
        Instr::VShuffle(idx) => {
            // Step_pure/vshuffle
            hit_op!("Step_pure/vshuffle", instr);
            let b = stack.pop();
            let a = stack.pop();
            let r = vector::vshufflop_(&idx.map(u64::from), a.v, b.v)
                .ok_or_else(|| malformed_vector(instr))?;
            stack.push(Slot::new(r, int_tag(&[a.tag, b.tag])));
        }
        Instr::VSwizzle => {
            // Step_pure/vswizzlop
            hit_op!("Step_pure/vswizzlop", instr);
            let b = stack.pop();
            let a = stack.pop();
            let r = vector::vswizzlop_(a.v, b.v);
            stack.push(Slot::new(r, int_tag(&[a.tag, b.tag])));
        }
        Instr::VAllTrue(sh) => {
            let v = stack.pop();
            let all = vector::all_true(vshape(*sh), v.v) == 1;
            if all {
                // Step_pure/vtestop (2.0: Step_pure/vtestop-true)
                hit_op!("Step_pure/vtestop", instr);
            } else {
                // Step_pure/vtestop (2.0: Step_pure/vtestop-false)
                hit_op!("Step_pure/vtestop", instr);
            }
            stack.push(Slot::new(u128::from(all), int_tag(&[v.tag])));
        }
        Instr::VBitmask(sh) => {
            // Step_pure/vbitmask
            hit_op!("Step_pure/vbitmask", instr);
            let v = stack.pop();
            let r = vector::vbitmaskop_(vshape(*sh), v.v).ok_or_else(|| malformed_vector(instr))?;
            stack.push(Slot::new(u128::from(r), int_tag(&[v.tag])));
        }
        Instr::VNarrow(to, from, d) => {
            // Step_pure/vnarrow
            hit_op!("Step_pure/vnarrow", instr);
            let b = stack.pop();
            let a = stack.pop();
            let r = vector::vnarrowop__(vshape(*from), vshape(*to), *d, a.v, b.v)
                .ok_or_else(|| malformed_vector(instr))?;
            stack.push(Slot::new(r, int_tag(&[a.tag, b.tag])));
        }
        _ => return vector_numeric(stack, instr),
    }
    Ok(())
}

fn vshape(sh: Shape) -> vector::Shape {
    match (sh.lane, sh.dim) {
        (LaneType::I8, _) => vector::Shape::I8x16,
        (LaneType::I16, _) => vector::Shape::I16x8,
        (LaneType::I32, _) => vector::Shape::I32x4,
        (LaneType::I64, _) => vector::Shape::I64x2,
        (LaneType::F32, _) => vector::Shape::F32x4,
        (LaneType::F64, _) => vector::Shape::F64x2,
    }
}

fn vrelop(op: RelOp) -> vector::Vrelop {
    let s = |x: Option<crate::ast::Sx>| x;
    match op {
        RelOp::Eq => vector::Vrelop::Eq,
        RelOp::Ne => vector::Vrelop::Ne,
        RelOp::Lt(x) => vector::Vrelop::Lt(s(x)),
        RelOp::Gt(x) => vector::Vrelop::Gt(s(x)),
        RelOp::Le(x) => vector::Vrelop::Le(s(x)),
        RelOp::Ge(x) => vector::Vrelop::Ge(s(x)),
    }
}

fn vunop(op: VUnOp) -> vector::Vunop {
    match op {
        VUnOp::Abs => vector::Vunop::Abs,
        VUnOp::Neg => vector::Vunop::Neg,
        VUnOp::Popcnt => vector::Vunop::Popcnt,
        VUnOp::Sqrt => vector::Vunop::Sqrt,
        VUnOp::Ceil => vector::Vunop::Ceil,
        VUnOp::Floor => vector::Vunop::Floor,
        VUnOp::Trunc => vector::Vunop::Trunc,
        VUnOp::Nearest => vector::Vunop::Nearest,
    }
}

fn vbinop(op: VBinOp) -> vector::Vbinop {
    let s = |x: Option<crate::ast::Sx>| x;
    match op {
        VBinOp::Add => vector::Vbinop::Add,
        VBinOp::Sub => vector::Vbinop::Sub,
        VBinOp::AddSat(x) => vector::Vbinop::AddSat(x),
        VBinOp::SubSat(x) => vector::Vbinop::SubSat(x),
        VBinOp::Mul => vector::Vbinop::Mul,
        VBinOp::AvgrU => vector::Vbinop::AvgrU,
        VBinOp::Q15MulrSatS => vector::Vbinop::Q15mulrSatS,
        VBinOp::Min(x) => vector::Vbinop::Min(s(x)),
        VBinOp::Max(x) => vector::Vbinop::Max(s(x)),
        VBinOp::Div => vector::Vbinop::Div,
        VBinOp::Pmin => vector::Vbinop::Pmin,
        VBinOp::Pmax => vector::Vbinop::Pmax,
    }
}

fn vcvtop(op: VCvtOp) -> vector::Vcvtop {
    match op {
        VCvtOp::Extend(h, x) => vector::Vcvtop::Extend(h, x),
        VCvtOp::Convert(h, x) => vector::Vcvtop::Convert(h, x),
        VCvtOp::TruncSat(x, z) => vector::Vcvtop::TruncSat(x, z),
        VCvtOp::DemoteZero => vector::Vcvtop::DemoteZero,
        VCvtOp::PromoteLow => vector::Vcvtop::PromoteLow,
    }
}

/// Whether a tag is exact or per-lane classes of a float shape of `dim` lanes (the
/// representative's bits then carry the classes by themselves).
fn lanes_known(t: Tag, dim: u32) -> bool {
    match t {
        Tag::None => true,
        Tag::Lanes { dim: d, .. } => u32::from(d) == dim,
        _ => false,
    }
}

/// A vector result set as a slot: per lane the exact bits or the class's representative,
/// tagged. A lane whose exact result is a NaN operand lane of a class (up to its sign, as
/// `abs`, `neg`, `pmin`, `pmax` give) keeps that class.
fn set_slot(set: &vector::V128Set, operands: &[(u128, Tag)]) -> Slot {
    let sz = set.shape.lane_bits();
    let dim = set.shape.dim() as u32;
    let sign = 1u64 << (sz - 1);
    let mut v = 0u128;
    let mut classes = Vec::with_capacity(set.lanes.len());
    for (k, l) in set.lanes.iter().enumerate() {
        let k = k as u32;
        let (bits, class) = match *l {
            FloatSet::Exact(b) => {
                let from_operand = operands.iter().find_map(|&(ov, ot)| {
                    let c = lane_tag(ot, dim, k)?;
                    (c != Tag::None && (lane(ov, sz, k) | sign) == (b | sign)).then_some(c)
                });
                (b, from_operand.unwrap_or(Tag::None))
            }
            FloatSet::CanonicalNan => (canonical_nan(sz), Tag::Canon),
            FloatSet::ArithmeticNan => (super::num::arithmetic_nan(sz), Tag::Arith),
        };
        v = set_lane(v, sz, k, bits);
        classes.push(class);
    }
    Slot::new(
        v,
        if set.shape.is_float() {
            lanes_tag(dim, classes.into_iter())
        } else {
            Tag::None
        },
    )
}

/// The vector instructions whose result is a vector numeric `def`.
fn vector_numeric(stack: &mut Slots, instr: &Instr) -> Result<(), ExecError> {
    let none = || unsupported(instr);
    let out = match instr {
        Instr::Vvop(op) => match op {
            VvOp::Not => {
                // Step_pure/vvunop
                hit_op!("Step_pure/vvunop", instr);
                let a = stack.pop();
                Slot::new(vector::vvunop_(a.v), int_tag(&[a.tag]))
            }
            VvOp::And | VvOp::AndNot | VvOp::Or | VvOp::Xor => {
                // Step_pure/vvbinop
                hit_op!("Step_pure/vvbinop", instr);
                let b = stack.pop();
                let a = stack.pop();
                let vop = match op {
                    VvOp::And => vector::Vvbinop::And,
                    VvOp::AndNot => vector::Vvbinop::Andnot,
                    VvOp::Or => vector::Vvbinop::Or,
                    _ => vector::Vvbinop::Xor,
                };
                Slot::new(vector::vvbinop_(vop, a.v, b.v), int_tag(&[a.tag, b.tag]))
            }
            VvOp::Bitselect => {
                // Step_pure/vvternop
                hit_op!("Step_pure/vvternop", instr);
                let c = stack.pop();
                let b = stack.pop();
                let a = stack.pop();
                Slot::new(
                    vector::vvternop_(a.v, b.v, c.v),
                    int_tag(&[a.tag, b.tag, c.tag]),
                )
            }
            VvOp::AnyTrue => {
                // Step_pure/vvtestop
                hit_op!("Step_pure/vvtestop", instr);
                let a = stack.pop();
                Slot::new(u128::from(vector::any_true(a.v)), int_tag(&[a.tag]))
            }
        },
        Instr::VUnop(sh, op) => {
            let a = stack.pop();
            let Some(set) = vector::vunop_(vshape(*sh), vunop(*op), a.v) else {
                // Step_pure/vunop-trap
                hit_op!("Step_pure/vunop-trap", instr);
                return Err(none());
            };
            // Step_pure/vunop-val
            hit_op!("Step_pure/vunop-val", instr);
            let mut r = set_slot(&set, &[(a.v, a.tag)]);
            if !(is_float(*sh) && lanes_known(a.tag, sh.dim)) && a.tag != Tag::None {
                r.tag = Tag::Unknown;
            }
            r
        }
        Instr::VBinop(sh, op) => {
            let b = stack.pop();
            let a = stack.pop();
            let Some(set) = vector::vbinop_(vshape(*sh), vbinop(*op), a.v, b.v) else {
                // Step_pure/vbinop-trap
                hit_op!("Step_pure/vbinop-trap", instr);
                return Err(none());
            };
            // Step_pure/vbinop-val
            hit_op!("Step_pure/vbinop-val", instr);
            let mut r = set_slot(&set, &[(a.v, a.tag), (b.v, b.tag)]);
            let known = |t: Tag| t == Tag::None || (is_float(*sh) && lanes_known(t, sh.dim));
            if !known(a.tag) || !known(b.tag) {
                r.tag = Tag::Unknown;
            }
            r
        }
        Instr::VRelop(sh, op) => {
            // Step_pure/vrelop
            hit_op!("Step_pure/vrelop", instr);
            let b = stack.pop();
            let a = stack.pop();
            let v = vector::vrelop_(vshape(*sh), vrelop(*op), a.v, b.v).ok_or_else(none)?;
            let known = |t: Tag| t == Tag::None || (is_float(*sh) && lanes_known(t, sh.dim));
            Slot::new(
                v,
                if known(a.tag) && known(b.tag) {
                    Tag::None
                } else {
                    Tag::Unknown
                },
            )
        }
        Instr::VShiftop(sh, op) => {
            // Step_pure/vshiftop
            hit_op!("Step_pure/vshiftop", instr);
            let n = stack.pop();
            let a = stack.pop();
            let d = match op {
                VShiftOp::Shl => None,
                VShiftOp::Shr(x) => Some(*x),
            };
            let v =
                vector::vshiftop_(vshape(*sh), d, a.v, u64::from(n.v as u32)).ok_or_else(none)?;
            Slot::new(v, int_tag(&[a.tag, n.tag]))
        }
        Instr::VExtaddPairwise(to, from, x) => {
            // Step_pure/vextunop
            hit_op!("Step_pure/vextunop", instr);
            let a = stack.pop();
            let v = vector::vextunop__(vshape(*from), vshape(*to), *x, a.v).ok_or_else(none)?;
            Slot::new(v, int_tag(&[a.tag]))
        }
        Instr::VExtmul(to, from, h, x) => {
            // Step_pure/vextbinop
            hit_op!("Step_pure/vextbinop", instr);
            let b = stack.pop();
            let a = stack.pop();
            let op = vector::Vextbinop::Extmul(*h, *x);
            let v =
                vector::vextbinop__(vshape(*from), vshape(*to), op, a.v, b.v).ok_or_else(none)?;
            Slot::new(v, int_tag(&[a.tag, b.tag]))
        }
        Instr::VDot => {
            // Step_pure/vextbinop
            hit_op!("Step_pure/vextbinop", instr);
            let b = stack.pop();
            let a = stack.pop();
            let v = vector::vextbinop__(
                vector::Shape::I16x8,
                vector::Shape::I32x4,
                vector::Vextbinop::DotS,
                a.v,
                b.v,
            )
            .ok_or_else(none)?;
            Slot::new(v, int_tag(&[a.tag, b.tag]))
        }
        Instr::VCvtop(to, from, op) => {
            match op {
                VCvtOp::TruncSat(_, true) | VCvtOp::DemoteZero => {
                    // Step_pure/vcvtop (2.0: Step_pure/vcvtop-zero)
                    hit_op!("Step_pure/vcvtop", instr);
                }
                VCvtOp::Extend(..) | VCvtOp::Convert(Some(_), _) | VCvtOp::PromoteLow => {
                    // Step_pure/vcvtop (2.0: Step_pure/vcvtop-half)
                    hit_op!("Step_pure/vcvtop", instr);
                }
                _ => {
                    // Step_pure/vcvtop (2.0: Step_pure/vcvtop-full)
                    hit_op!("Step_pure/vcvtop", instr);
                }
            }
            let a = stack.pop();
            let set =
                vector::vcvtop__(vshape(*from), vshape(*to), vcvtop(*op), a.v).ok_or_else(none)?;
            let mut r = set_slot(&set, &[]);
            let known = a.tag == Tag::None || (is_float(*from) && lanes_known(a.tag, from.dim));
            if !known {
                r.tag = Tag::Unknown;
            }
            r
        }
        _ => return Err(malformed_vector(instr)),
    };
    stack.push(out);
    Ok(())
}

fn malformed_vector(instr: &Instr) -> ExecError {
    ExecError::Unsupported(format!(
        "malformed module: `{}` is not executable here",
        super::instr_name(instr)
    ))
}
