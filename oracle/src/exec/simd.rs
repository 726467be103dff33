//! Vector instructions other than memory accesses: the lane plumbing of the `Step_pure/v*`
//! rules (`$lanes_`, `$inv_lanes_`), the vector numeric `def`s of
//! [`crate::numerics::vector`], and the tags of [`super::Nondet`] per lane.

use super::store::{Slot, Tag};
use super::{ExecError, hit_op};
use crate::ast::{Instr, LaneType, Shape};
use crate::numerics::scalar as s;

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

fn pop(st: &mut Vec<Slot>) -> Slot {
    st.pop().unwrap_or(Slot::ZERO)
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
pub(crate) fn exec(stack: &mut Vec<Slot>, instr: &Instr) -> Result<(), ExecError> {
    match instr {
        Instr::VSplat(sh) => {
            // Step_pure/vsplat
            hit_op!("Step_pure/vsplat", instr);
            let c = pop(stack);
            let sz = sh.lane.size();
            let tag = match c.tag {
                Tag::None => Tag::None,
                t @ (Tag::Canon | Tag::Arith) if is_float(*sh) => {
                    lanes_tag(sh.dim, (0..sh.dim).map(|_| t))
                }
                _ => Tag::Unknown,
            };
            stack.push(Slot {
                v: splat_bits(c.v, sz),
                tag,
            });
        }
        Instr::VExtractLane(sh, sx, i) => {
            let v = pop(stack);
            let sz = sh.lane.size();
            let c = lane(v.v, sz, u32::from(*i));
            let (c, tag) = match sx {
                Some(d) => {
                    // Step_pure/vextract_lane-pack
                    hit_op!("Step_pure/vextract_lane-pack", instr);
                    (
                        s::extend__(sz, 32, super::num::sx(*d), c),
                        int_tag(&[v.tag]),
                    )
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
            stack.push(Slot {
                v: u128::from(c),
                tag,
            });
        }
        Instr::VReplaceLane(sh, i) => {
            // Step_pure/vreplace_lane
            hit_op!("Step_pure/vreplace_lane", instr);
            let c = pop(stack);
            let v = pop(stack);
            let sz = sh.lane.size();
            let r = set_lane(v.v, sz, u32::from(*i), c.v as u64);
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
            stack.push(Slot { v: r, tag });
        }
        Instr::VShuffle(idx) => {
            // Step_pure/vshuffle
            hit_op!("Step_pure/vshuffle", instr);
            let b = pop(stack);
            let a = pop(stack);
            let mut r = 0u128;
            for (k, &i) in idx.iter().enumerate() {
                let i = u32::from(i);
                let c = if i < 16 {
                    lane(a.v, 8, i)
                } else {
                    lane(b.v, 8, i.wrapping_sub(16) & 15)
                };
                r = set_lane(r, 8, k as u32, c);
            }
            stack.push(Slot {
                v: r,
                tag: int_tag(&[a.tag, b.tag]),
            });
        }
        Instr::VSwizzle => {
            // Step_pure/vswizzle
            hit_op!("Step_pure/vswizzle", instr);
            let b = pop(stack);
            let a = pop(stack);
            let mut r = 0u128;
            for k in 0..16 {
                let i = lane(b.v, 8, k);
                let c = if i < 16 { lane(a.v, 8, i as u32) } else { 0 };
                r = set_lane(r, 8, k, c);
            }
            stack.push(Slot {
                v: r,
                tag: int_tag(&[a.tag, b.tag]),
            });
        }
        Instr::VAllTrue(sh) => {
            let v = pop(stack);
            let sz = sh.lane.size();
            let all = (0..sh.dim).all(|i| lane(v.v, sz, i) != 0);
            if all {
                // Step_pure/vtestop-true
                hit_op!("Step_pure/vtestop-true", instr);
            } else {
                // Step_pure/vtestop-false
                hit_op!("Step_pure/vtestop-false", instr);
            }
            stack.push(Slot {
                v: u128::from(all),
                tag: int_tag(&[v.tag]),
            });
        }
        Instr::VBitmask(sh) => {
            // Step_pure/vbitmask
            hit_op!("Step_pure/vbitmask", instr);
            let v = pop(stack);
            let sz = sh.lane.size();
            let mut r = 0u128;
            for i in 0..sh.dim {
                r |= u128::from(lane(v.v, sz, i) >> (sz - 1)) << i;
            }
            stack.push(Slot {
                v: r,
                tag: int_tag(&[v.tag]),
            });
        }
        Instr::VNarrow(to, from, d) => {
            // Step_pure/vnarrow
            hit_op!("Step_pure/vnarrow", instr);
            let b = pop(stack);
            let a = pop(stack);
            let (n1, n2) = (from.lane.size(), to.lane.size());
            let mut r = 0u128;
            for (k, (src, i)) in (0..from.dim)
                .map(|i| (a.v, i))
                .chain((0..from.dim).map(|i| (b.v, i)))
                .enumerate()
            {
                let c = s::narrow__(n1, n2, super::num::sx(*d), lane(src, n1, i));
                r = set_lane(r, n2, k as u32, c);
            }
            stack.push(Slot {
                v: r,
                tag: int_tag(&[a.tag, b.tag]),
            });
        }
        _ => return vector_numeric(stack, instr),
    }
    Ok(())
}

/// The vector instructions whose result is a vector numeric `def`.
fn vector_numeric(_stack: &mut [Slot], instr: &Instr) -> Result<(), ExecError> {
    let _ = LaneType::I8;
    Err(unsupported(instr))
}
