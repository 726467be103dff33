//! Text-format names of instructions (`i32.add`, `f32x4.mul`, `v128.load8x8_s`), for
//! coverage points and messages, and the syntactic side conditions of the spec's
//! dependent syntax (`unop_(numtype)`, `vbinop_(shape)`, ...) that the AST cannot enforce
//! by construction.

use crate::ast::{
    BinOp, CvtOp, Half, Instr, LaneType, NumType, RelOp, Shape, Sx, UnOp, VBinOp, VCvtOp, VLoadOp,
    VShiftOp, VUnOp, VvOp,
};

fn num(t: NumType) -> &'static str {
    match t {
        NumType::I32 => "i32",
        NumType::I64 => "i64",
        NumType::F32 => "f32",
        NumType::F64 => "f64",
    }
}

fn sx(s: Sx) -> &'static str {
    match s {
        Sx::U => "u",
        Sx::S => "s",
    }
}

fn opt_sx(s: Option<Sx>) -> String {
    s.map(|s| format!("_{}", sx(s))).unwrap_or_default()
}

fn half(h: Half) -> &'static str {
    match h {
        Half::Low => "low",
        Half::High => "high",
    }
}

/// A shape's text name (`i8x16`); an ill-formed shape shows as `i8x4` and the like.
pub(crate) fn shape(s: Shape) -> String {
    let lane = match s.lane {
        LaneType::I8 => "i8",
        LaneType::I16 => "i16",
        LaneType::I32 => "i32",
        LaneType::I64 => "i64",
        LaneType::F32 => "f32",
        LaneType::F64 => "f64",
    };
    format!("{lane}x{}", s.dim)
}

fn relop(op: RelOp) -> String {
    match op {
        RelOp::Eq => "eq".into(),
        RelOp::Ne => "ne".into(),
        RelOp::Lt(s) => format!("lt{}", opt_sx(s)),
        RelOp::Gt(s) => format!("gt{}", opt_sx(s)),
        RelOp::Le(s) => format!("le{}", opt_sx(s)),
        RelOp::Ge(s) => format!("ge{}", opt_sx(s)),
    }
}

/// The text-format name of an instruction's opcode, without immediates: `i32.add`,
/// `i64.load8_s`, `f32x4.mul`, `i16x8.extend_low_i8x16_s`, `block`.
pub fn instr_name(instr: &Instr) -> String {
    match instr {
        Instr::Nop => "nop".into(),
        Instr::Unreachable => "unreachable".into(),
        Instr::Drop => "drop".into(),
        Instr::Select(_) => "select".into(),
        Instr::Block(..) => "block".into(),
        Instr::Loop(..) => "loop".into(),
        Instr::If(..) => "if".into(),
        Instr::Br(_) => "br".into(),
        Instr::BrIf(_) => "br_if".into(),
        Instr::BrTable(..) => "br_table".into(),
        Instr::Call(_) => "call".into(),
        Instr::CallIndirect(..) => "call_indirect".into(),
        Instr::Return => "return".into(),
        Instr::LocalGet(_) => "local.get".into(),
        Instr::LocalSet(_) => "local.set".into(),
        Instr::LocalTee(_) => "local.tee".into(),
        Instr::GlobalGet(_) => "global.get".into(),
        Instr::GlobalSet(_) => "global.set".into(),
        Instr::TableGet(_) => "table.get".into(),
        Instr::TableSet(_) => "table.set".into(),
        Instr::TableSize(_) => "table.size".into(),
        Instr::TableGrow(_) => "table.grow".into(),
        Instr::TableFill(_) => "table.fill".into(),
        Instr::TableCopy(..) => "table.copy".into(),
        Instr::TableInit(..) => "table.init".into(),
        Instr::ElemDrop(_) => "elem.drop".into(),
        Instr::Load(t, None, ..) => format!("{}.load", num(*t)),
        Instr::Load(t, Some((sz, s)), ..) => format!("{}.load{sz}_{}", num(*t), sx(*s)),
        Instr::Store(t, None, ..) => format!("{}.store", num(*t)),
        Instr::Store(t, Some(sz), ..) => format!("{}.store{sz}", num(*t)),
        Instr::VLoad(None, ..) => "v128.load".into(),
        Instr::VLoad(Some(VLoadOp::Shape { sz, m, sx: s }), ..) => {
            format!("v128.load{sz}x{m}_{}", sx(*s))
        }
        Instr::VLoad(Some(VLoadOp::Splat(sz)), ..) => format!("v128.load{sz}_splat"),
        Instr::VLoad(Some(VLoadOp::Zero(sz)), ..) => format!("v128.load{sz}_zero"),
        Instr::VLoadLane(sz, ..) => format!("v128.load{sz}_lane"),
        Instr::VStore(..) => "v128.store".into(),
        Instr::VStoreLane(sz, ..) => format!("v128.store{sz}_lane"),
        Instr::MemorySize(_) => "memory.size".into(),
        Instr::MemoryGrow(_) => "memory.grow".into(),
        Instr::MemoryFill(_) => "memory.fill".into(),
        Instr::MemoryCopy(..) => "memory.copy".into(),
        Instr::MemoryInit(..) => "memory.init".into(),
        Instr::DataDrop(_) => "data.drop".into(),
        Instr::RefNull(_) => "ref.null".into(),
        Instr::RefIsNull => "ref.is_null".into(),
        Instr::RefFunc(_) => "ref.func".into(),
        Instr::Const(t, _) => format!("{}.const", num(*t)),
        Instr::Unop(t, op) => {
            let op = match op {
                UnOp::Clz => "clz".to_string(),
                UnOp::Ctz => "ctz".into(),
                UnOp::Popcnt => "popcnt".into(),
                UnOp::Extend(sz) => format!("extend{sz}_s"),
                UnOp::Abs => "abs".into(),
                UnOp::Neg => "neg".into(),
                UnOp::Sqrt => "sqrt".into(),
                UnOp::Ceil => "ceil".into(),
                UnOp::Floor => "floor".into(),
                UnOp::Trunc => "trunc".into(),
                UnOp::Nearest => "nearest".into(),
            };
            format!("{}.{op}", num(*t))
        }
        Instr::Binop(t, op) => {
            let op = match op {
                BinOp::Add => "add".to_string(),
                BinOp::Sub => "sub".into(),
                BinOp::Mul => "mul".into(),
                BinOp::Div(s) => format!("div{}", opt_sx(*s)),
                BinOp::Rem(s) => format!("rem_{}", sx(*s)),
                BinOp::And => "and".into(),
                BinOp::Or => "or".into(),
                BinOp::Xor => "xor".into(),
                BinOp::Shl => "shl".into(),
                BinOp::Shr(s) => format!("shr_{}", sx(*s)),
                BinOp::Rotl => "rotl".into(),
                BinOp::Rotr => "rotr".into(),
                BinOp::Min => "min".into(),
                BinOp::Max => "max".into(),
                BinOp::Copysign => "copysign".into(),
            };
            format!("{}.{op}", num(*t))
        }
        Instr::Testop(t) => format!("{}.eqz", num(*t)),
        Instr::Relop(t, op) => format!("{}.{}", num(*t), relop(*op)),
        Instr::Cvtop(to, from, op) => {
            let (to, from) = (num(*to), num(*from));
            match op {
                CvtOp::Extend(s) => format!("{to}.extend_{from}_{}", sx(*s)),
                CvtOp::Wrap => format!("{to}.wrap_{from}"),
                CvtOp::Convert(s) => format!("{to}.convert_{from}_{}", sx(*s)),
                CvtOp::Trunc(s) => format!("{to}.trunc_{from}_{}", sx(*s)),
                CvtOp::TruncSat(s) => format!("{to}.trunc_sat_{from}_{}", sx(*s)),
                CvtOp::Promote => format!("{to}.promote_{from}"),
                CvtOp::Demote => format!("{to}.demote_{from}"),
                CvtOp::Reinterpret => format!("{to}.reinterpret_{from}"),
            }
        }
        Instr::VConst(_) => "v128.const".into(),
        Instr::Vvop(op) => match op {
            VvOp::Not => "v128.not",
            VvOp::And => "v128.and",
            VvOp::AndNot => "v128.andnot",
            VvOp::Or => "v128.or",
            VvOp::Xor => "v128.xor",
            VvOp::Bitselect => "v128.bitselect",
            VvOp::AnyTrue => "v128.any_true",
        }
        .into(),
        Instr::VUnop(sh, op) => {
            let op = match op {
                VUnOp::Abs => "abs",
                VUnOp::Neg => "neg",
                VUnOp::Popcnt => "popcnt",
                VUnOp::Sqrt => "sqrt",
                VUnOp::Ceil => "ceil",
                VUnOp::Floor => "floor",
                VUnOp::Trunc => "trunc",
                VUnOp::Nearest => "nearest",
            };
            format!("{}.{op}", shape(*sh))
        }
        Instr::VBinop(sh, op) => {
            let op = match op {
                VBinOp::Add => "add".to_string(),
                VBinOp::Sub => "sub".into(),
                VBinOp::AddSat(s) => format!("add_sat_{}", sx(*s)),
                VBinOp::SubSat(s) => format!("sub_sat_{}", sx(*s)),
                VBinOp::Mul => "mul".into(),
                VBinOp::AvgrU => "avgr_u".into(),
                VBinOp::Q15MulrSatS => "q15mulr_sat_s".into(),
                VBinOp::Min(s) => format!("min{}", opt_sx(*s)),
                VBinOp::Max(s) => format!("max{}", opt_sx(*s)),
                VBinOp::Div => "div".into(),
                VBinOp::Pmin => "pmin".into(),
                VBinOp::Pmax => "pmax".into(),
            };
            format!("{}.{op}", shape(*sh))
        }
        Instr::VAllTrue(sh) => format!("{}.all_true", shape(*sh)),
        Instr::VRelop(sh, op) => format!("{}.{}", shape(*sh), relop(*op)),
        Instr::VShiftop(sh, op) => match op {
            VShiftOp::Shl => format!("{}.shl", shape(*sh)),
            VShiftOp::Shr(s) => format!("{}.shr_{}", shape(*sh), sx(*s)),
        },
        Instr::VBitmask(sh) => format!("{}.bitmask", shape(*sh)),
        Instr::VSwizzle => "i8x16.swizzle".into(),
        Instr::VShuffle(_) => "i8x16.shuffle".into(),
        Instr::VExtaddPairwise(to, from, s) => {
            format!("{}.extadd_pairwise_{}_{}", shape(*to), shape(*from), sx(*s))
        }
        Instr::VExtmul(to, from, h, s) => format!(
            "{}.extmul_{}_{}_{}",
            shape(*to),
            half(*h),
            shape(*from),
            sx(*s)
        ),
        Instr::VDot => "i32x4.dot_i16x8_s".into(),
        Instr::VNarrow(to, from, s) => {
            format!("{}.narrow_{}_{}", shape(*to), shape(*from), sx(*s))
        }
        Instr::VCvtop(to, from, op) => {
            let (to, from) = (shape(*to), shape(*from));
            match op {
                VCvtOp::Extend(h, s) => format!("{to}.extend_{}_{from}_{}", half(*h), sx(*s)),
                VCvtOp::Convert(None, s) => format!("{to}.convert_{from}_{}", sx(*s)),
                VCvtOp::Convert(Some(h), s) => {
                    format!("{to}.convert_{}_{from}_{}", half(*h), sx(*s))
                }
                VCvtOp::TruncSat(s, false) => format!("{to}.trunc_sat_{from}_{}", sx(*s)),
                VCvtOp::TruncSat(s, true) => format!("{to}.trunc_sat_{from}_{}_zero", sx(*s)),
                VCvtOp::DemoteZero => format!("{to}.demote_{from}_zero"),
                VCvtOp::PromoteLow => format!("{to}.promote_low_{from}"),
            }
        }
        Instr::VSplat(sh) => format!("{}.splat", shape(*sh)),
        Instr::VExtractLane(sh, s, _) => format!("{}.extract_lane{}", shape(*sh), opt_sx(*s)),
        Instr::VReplaceLane(sh, _) => format!("{}.replace_lane", shape(*sh)),
    }
}

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
    use crate::ast::MemArg;

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
