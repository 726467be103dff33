//! The syntactic side conditions of the spec's
//! dependent syntax (`unop_(numtype)`, `vbinop_(shape)`, ...) that the AST cannot enforce
//! by construction.

use crate::ast::{
    BinOp, CvtOp, Half, Instr, NumType, RelOp, Shape, Sx, UnOp, VBinOp, VCvtOp, VLoadOp, VUnOp,
};

const I8X16: Shape = Shape::I8X16;
const I16X8: Shape = Shape::I16X8;
const I32X4: Shape = Shape::I32X4;
const I64X2: Shape = Shape::I64X2;
const F32X4: Shape = Shape::F32X4;
const F64X2: Shape = Shape::F64X2;

fn shape_ok(s: Shape) -> bool {
    s.lane.size().checked_mul(s.dim) == Some(128)
}

fn is_ishape(s: Shape) -> bool {
    shape_ok(s) && s.lane.is_int()
}

fn is_fshape(s: Shape) -> bool {
    shape_ok(s) && !s.lane.is_int()
}

/// Whether an instruction satisfies the side conditions of the spec's dependent syntax:
/// `f32.clz`, `i8x16.mul`, `i32.extend32_s` or `i8x3.add` are not instructions at all.
/// The decoder never produces such a value; the validator rejects it all the same.
pub(crate) fn well_formed(instr: &Instr) -> bool {
    match instr {
        Instr::Unop(t, op) => match op {
            UnOp::Clz | UnOp::Ctz | UnOp::Popcnt => t.is_int(),
            UnOp::Extend(sz) => t.is_int() && matches!(sz, 8 | 16 | 32) && *sz < t.size(),
            _ => !t.is_int(),
        },
        Instr::Binop(t, op) => match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul => true,
            BinOp::Div(s) => s.is_some() == t.is_int(),
            BinOp::Rem(_)
            | BinOp::And
            | BinOp::Or
            | BinOp::Xor
            | BinOp::Shl
            | BinOp::Shr(_)
            | BinOp::Rotl
            | BinOp::Rotr => t.is_int(),
            BinOp::Min | BinOp::Max | BinOp::Copysign => !t.is_int(),
        },
        Instr::Testop(t) => t.is_int(),
        Instr::Relop(t, op) => match op {
            RelOp::Eq | RelOp::Ne => true,
            RelOp::Lt(s) | RelOp::Gt(s) | RelOp::Le(s) | RelOp::Ge(s) => s.is_some() == t.is_int(),
        },
        Instr::Cvtop(to, from, op) => {
            use NumType::*;
            match op {
                CvtOp::Extend(_) => (*to, *from) == (I64, I32),
                CvtOp::Wrap => (*to, *from) == (I32, I64),
                CvtOp::Convert(_) => !to.is_int() && from.is_int(),
                CvtOp::Trunc(_) | CvtOp::TruncSat(_) => to.is_int() && !from.is_int(),
                CvtOp::Promote => (*to, *from) == (F64, F32),
                CvtOp::Demote => (*to, *from) == (F32, F64),
                CvtOp::Reinterpret => to.size() == from.size() && to.is_int() != from.is_int(),
            }
        }
        Instr::Load(t, Some((sz, _)), ..) | Instr::Store(t, Some(sz), ..) => {
            t.is_int() && matches!(sz, 8 | 16 | 32) && *sz < t.size()
        }
        Instr::VLoad(Some(op), ..) => match op {
            VLoadOp::Shape { sz, m, .. } => matches!((sz, m), (8, 8) | (16, 4) | (32, 2)),
            VLoadOp::Splat(sz) => matches!(sz, 8 | 16 | 32 | 64),
            VLoadOp::Zero(sz) => matches!(sz, 32 | 64),
        },
        Instr::VLoadLane(sz, ..) | Instr::VStoreLane(sz, ..) => matches!(sz, 8 | 16 | 32 | 64),
        Instr::VUnop(sh, op) => match op {
            VUnOp::Abs | VUnOp::Neg => shape_ok(*sh),
            VUnOp::Popcnt => *sh == I8X16,
            _ => is_fshape(*sh),
        },
        Instr::VBinop(sh, op) => match op {
            VBinOp::Add | VBinOp::Sub => shape_ok(*sh),
            VBinOp::AddSat(_) | VBinOp::SubSat(_) | VBinOp::AvgrU => *sh == I8X16 || *sh == I16X8,
            VBinOp::Mul => shape_ok(*sh) && *sh != I8X16,
            VBinOp::Q15MulrSatS => *sh == I16X8,
            VBinOp::Min(Some(_)) | VBinOp::Max(Some(_)) => {
                *sh == I8X16 || *sh == I16X8 || *sh == I32X4
            }
            VBinOp::Min(None) | VBinOp::Max(None) | VBinOp::Div | VBinOp::Pmin | VBinOp::Pmax => {
                is_fshape(*sh)
            }
        },
        Instr::VAllTrue(sh) | Instr::VBitmask(sh) | Instr::VShiftop(sh, _) => is_ishape(*sh),
        Instr::VRelop(sh, op) => match op {
            RelOp::Eq | RelOp::Ne => shape_ok(*sh),
            RelOp::Lt(s) | RelOp::Gt(s) | RelOp::Le(s) | RelOp::Ge(s) => match s {
                None => is_fshape(*sh),
                Some(Sx::S) => is_ishape(*sh),
                Some(Sx::U) => *sh == I8X16 || *sh == I16X8 || *sh == I32X4,
            },
        },
        Instr::VExtaddPairwise(to, from, _) => {
            (*to, *from) == (I16X8, I8X16) || (*to, *from) == (I32X4, I16X8)
        }
        Instr::VExtmul(to, from, ..) => {
            (*to, *from) == (I16X8, I8X16)
                || (*to, *from) == (I32X4, I16X8)
                || (*to, *from) == (I64X2, I32X4)
        }
        Instr::VNarrow(to, from, _) => {
            (*to, *from) == (I8X16, I16X8) || (*to, *from) == (I16X8, I32X4)
        }
        Instr::VCvtop(to, from, op) => {
            let pair = (*to, *from);
            match op {
                VCvtOp::Extend(..) => {
                    pair == (I16X8, I8X16) || pair == (I32X4, I16X8) || pair == (I64X2, I32X4)
                }
                VCvtOp::Convert(None, _) => pair == (F32X4, I32X4),
                VCvtOp::Convert(Some(Half::Low), _) => pair == (F64X2, I32X4),
                VCvtOp::Convert(Some(Half::High), _) => false,
                VCvtOp::TruncSat(_, false) => pair == (I32X4, F32X4),
                VCvtOp::TruncSat(_, true) => pair == (I32X4, F64X2),
                VCvtOp::DemoteZero => pair == (F32X4, F64X2),
                VCvtOp::PromoteLow => pair == (F64X2, F32X4),
            }
        }
        Instr::VSplat(sh) | Instr::VReplaceLane(sh, _) => shape_ok(*sh),
        Instr::VExtractLane(sh, s, _) => shape_ok(*sh) && s.is_some() == (sh.lane.size() < 32),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::LaneType;
    use crate::ast::MemArg;
    use crate::exec::instr_name;

    #[test]
    fn names() {
        let m = MemArg {
            align: 0,
            offset: 0,
        };
        let cases: Vec<(Instr, &str)> = vec![
            (Instr::Binop(NumType::I32, BinOp::Add), "i32.add"),
            (Instr::Binop(NumType::F64, BinOp::Div(None)), "f64.div"),
            (
                Instr::Binop(NumType::I64, BinOp::Div(Some(Sx::U))),
                "i64.div_u",
            ),
            (
                Instr::Unop(NumType::I64, UnOp::Extend(32)),
                "i64.extend32_s",
            ),
            (
                Instr::Relop(NumType::I32, RelOp::Lt(Some(Sx::S))),
                "i32.lt_s",
            ),
            (
                Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::TruncSat(Sx::U)),
                "i32.trunc_sat_f32_u",
            ),
            (
                Instr::Load(NumType::I64, Some((8, Sx::S)), 0, m),
                "i64.load8_s",
            ),
            (Instr::VBinop(Shape::F32X4, VBinOp::Mul), "f32x4.mul"),
            (
                Instr::VLoad(
                    Some(VLoadOp::Shape {
                        sz: 8,
                        m: 8,
                        sx: Sx::S,
                    }),
                    0,
                    m,
                ),
                "v128.load8x8_s",
            ),
            (
                Instr::VCvtop(Shape::I16X8, Shape::I8X16, VCvtOp::Extend(Half::Low, Sx::S)),
                "i16x8.extend_low_i8x16_s",
            ),
            (
                Instr::VCvtop(Shape::I32X4, Shape::F64X2, VCvtOp::TruncSat(Sx::S, true)),
                "i32x4.trunc_sat_f64x2_s_zero",
            ),
            (
                Instr::VExtractLane(Shape::I8X16, Some(Sx::U), 3),
                "i8x16.extract_lane_u",
            ),
        ];
        for (i, n) in cases {
            assert_eq!(instr_name(&i), n);
            assert!(well_formed(&i), "{n}");
        }
    }

    #[test]
    fn ill_formed() {
        for i in [
            Instr::Unop(NumType::F32, UnOp::Clz),
            Instr::Unop(NumType::I32, UnOp::Extend(32)),
            Instr::VBinop(Shape::I8X16, VBinOp::Mul),
            Instr::VBinop(
                Shape {
                    lane: LaneType::I8,
                    dim: 3,
                },
                VBinOp::Add,
            ),
            Instr::Cvtop(NumType::I32, NumType::I32, CvtOp::Reinterpret),
            Instr::VExtractLane(Shape::I32X4, Some(Sx::S), 0),
            Instr::VRelop(Shape::I64X2, RelOp::Lt(Some(Sx::U))),
        ] {
            assert!(!well_formed(&i), "{}", instr_name(&i));
        }
    }
}
