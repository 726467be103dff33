//! Text names of instructions (generated table): one index per instruction of the 2.0
//! subset, so that a coverage point can count per opcode without allocating.

use crate::ast::{
    BinOp, CvtOp, Half, Instr, LaneType, NumType, RelOp, Shape, Sx, UnOp, VBinOp, VCvtOp, VLoadOp,
    VShiftOp, VUnOp, VvOp,
};

/// How many instruction names there are (the last one, `438`, names a malformed instruction).
pub const OP_COUNT: usize = 439;

/// The text name of each instruction index.
pub const OP_NAMES: [&str; OP_COUNT] = [
    "nop",
    "unreachable",
    "drop",
    "select",
    "block",
    "loop",
    "if",
    "br",
    "br_if",
    "br_table",
    "call",
    "call_indirect",
    "return",
    "local.get",
    "local.set",
    "local.tee",
    "global.get",
    "global.set",
    "table.get",
    "table.set",
    "table.size",
    "table.grow",
    "table.fill",
    "table.copy",
    "table.init",
    "elem.drop",
    "memory.size",
    "memory.grow",
    "memory.fill",
    "memory.copy",
    "memory.init",
    "data.drop",
    "ref.null",
    "ref.is_null",
    "ref.func",
    "v128.const",
    "i8x16.swizzle",
    "i8x16.shuffle",
    "i32x4.dot_i16x8_s",
    "i32.load",
    "i32.store",
    "i32.const",
    "i64.load",
    "i64.store",
    "i64.const",
    "f32.load",
    "f32.store",
    "f32.const",
    "f64.load",
    "f64.store",
    "f64.const",
    "i32.load8_s",
    "i32.load8_u",
    "i32.store8",
    "i32.load16_s",
    "i32.load16_u",
    "i32.store16",
    "i64.load8_s",
    "i64.load8_u",
    "i64.store8",
    "i64.load16_s",
    "i64.load16_u",
    "i64.store16",
    "i64.load32_s",
    "i64.load32_u",
    "i64.store32",
    "v128.load",
    "v128.load8x8_s",
    "v128.load8x8_u",
    "v128.load16x4_s",
    "v128.load16x4_u",
    "v128.load32x2_s",
    "v128.load32x2_u",
    "v128.load8_splat",
    "v128.load8_lane",
    "v128.store8_lane",
    "v128.load16_splat",
    "v128.load16_lane",
    "v128.store16_lane",
    "v128.load32_splat",
    "v128.load32_lane",
    "v128.store32_lane",
    "v128.load64_splat",
    "v128.load64_lane",
    "v128.store64_lane",
    "v128.load32_zero",
    "v128.load64_zero",
    "v128.store",
    "i32.clz",
    "i32.ctz",
    "i32.popcnt",
    "i32.extend8_s",
    "i32.extend16_s",
    "i32.add",
    "i32.sub",
    "i32.mul",
    "i32.div_s",
    "i32.div_u",
    "i32.rem_s",
    "i32.rem_u",
    "i32.and",
    "i32.or",
    "i32.xor",
    "i32.shl",
    "i32.shr_s",
    "i32.shr_u",
    "i32.rotl",
    "i32.rotr",
    "i32.eqz",
    "i32.eq",
    "i32.ne",
    "i32.lt_s",
    "i32.lt_u",
    "i32.gt_s",
    "i32.gt_u",
    "i32.le_s",
    "i32.le_u",
    "i32.ge_s",
    "i32.ge_u",
    "i64.clz",
    "i64.ctz",
    "i64.popcnt",
    "i64.extend8_s",
    "i64.extend16_s",
    "i64.extend32_s",
    "i64.add",
    "i64.sub",
    "i64.mul",
    "i64.div_s",
    "i64.div_u",
    "i64.rem_s",
    "i64.rem_u",
    "i64.and",
    "i64.or",
    "i64.xor",
    "i64.shl",
    "i64.shr_s",
    "i64.shr_u",
    "i64.rotl",
    "i64.rotr",
    "i64.eqz",
    "i64.eq",
    "i64.ne",
    "i64.lt_s",
    "i64.lt_u",
    "i64.gt_s",
    "i64.gt_u",
    "i64.le_s",
    "i64.le_u",
    "i64.ge_s",
    "i64.ge_u",
    "f32.abs",
    "f32.neg",
    "f32.sqrt",
    "f32.ceil",
    "f32.floor",
    "f32.trunc",
    "f32.nearest",
    "f32.add",
    "f32.sub",
    "f32.mul",
    "f32.div",
    "f32.min",
    "f32.max",
    "f32.copysign",
    "f32.eq",
    "f32.ne",
    "f32.lt",
    "f32.gt",
    "f32.le",
    "f32.ge",
    "f64.abs",
    "f64.neg",
    "f64.sqrt",
    "f64.ceil",
    "f64.floor",
    "f64.trunc",
    "f64.nearest",
    "f64.add",
    "f64.sub",
    "f64.mul",
    "f64.div",
    "f64.min",
    "f64.max",
    "f64.copysign",
    "f64.eq",
    "f64.ne",
    "f64.lt",
    "f64.gt",
    "f64.le",
    "f64.ge",
    "i32.wrap_i64",
    "i64.extend_i32_s",
    "i32.trunc_f32_s",
    "i32.trunc_sat_f32_s",
    "f32.convert_i32_s",
    "i32.trunc_f64_s",
    "i32.trunc_sat_f64_s",
    "f64.convert_i32_s",
    "i64.trunc_f32_s",
    "i64.trunc_sat_f32_s",
    "f32.convert_i64_s",
    "i64.trunc_f64_s",
    "i64.trunc_sat_f64_s",
    "f64.convert_i64_s",
    "i64.extend_i32_u",
    "i32.trunc_f32_u",
    "i32.trunc_sat_f32_u",
    "f32.convert_i32_u",
    "i32.trunc_f64_u",
    "i32.trunc_sat_f64_u",
    "f64.convert_i32_u",
    "i64.trunc_f32_u",
    "i64.trunc_sat_f32_u",
    "f32.convert_i64_u",
    "i64.trunc_f64_u",
    "i64.trunc_sat_f64_u",
    "f64.convert_i64_u",
    "f32.demote_f64",
    "f64.promote_f32",
    "i32.reinterpret_f32",
    "i64.reinterpret_f64",
    "f32.reinterpret_i32",
    "f64.reinterpret_i64",
    "v128.not",
    "v128.and",
    "v128.andnot",
    "v128.or",
    "v128.xor",
    "v128.bitselect",
    "v128.any_true",
    "i8x16.abs",
    "i8x16.neg",
    "i8x16.popcnt",
    "i8x16.add",
    "i8x16.sub",
    "i8x16.add_sat_s",
    "i8x16.add_sat_u",
    "i8x16.sub_sat_s",
    "i8x16.sub_sat_u",
    "i8x16.avgr_u",
    "i8x16.min_s",
    "i8x16.min_u",
    "i8x16.max_s",
    "i8x16.max_u",
    "i8x16.all_true",
    "i8x16.bitmask",
    "i8x16.eq",
    "i8x16.ne",
    "i8x16.lt_s",
    "i8x16.lt_u",
    "i8x16.gt_s",
    "i8x16.gt_u",
    "i8x16.le_s",
    "i8x16.le_u",
    "i8x16.ge_s",
    "i8x16.ge_u",
    "i8x16.shl",
    "i8x16.shr_s",
    "i8x16.shr_u",
    "i16x8.abs",
    "i16x8.neg",
    "i16x8.add",
    "i16x8.sub",
    "i16x8.add_sat_s",
    "i16x8.add_sat_u",
    "i16x8.sub_sat_s",
    "i16x8.sub_sat_u",
    "i16x8.avgr_u",
    "i16x8.mul",
    "i16x8.q15mulr_sat_s",
    "i16x8.min_s",
    "i16x8.min_u",
    "i16x8.max_s",
    "i16x8.max_u",
    "i16x8.all_true",
    "i16x8.bitmask",
    "i16x8.eq",
    "i16x8.ne",
    "i16x8.lt_s",
    "i16x8.lt_u",
    "i16x8.gt_s",
    "i16x8.gt_u",
    "i16x8.le_s",
    "i16x8.le_u",
    "i16x8.ge_s",
    "i16x8.ge_u",
    "i16x8.shl",
    "i16x8.shr_s",
    "i16x8.shr_u",
    "i32x4.abs",
    "i32x4.neg",
    "i32x4.add",
    "i32x4.sub",
    "i32x4.mul",
    "i32x4.min_s",
    "i32x4.min_u",
    "i32x4.max_s",
    "i32x4.max_u",
    "i32x4.all_true",
    "i32x4.bitmask",
    "i32x4.eq",
    "i32x4.ne",
    "i32x4.lt_s",
    "i32x4.lt_u",
    "i32x4.gt_s",
    "i32x4.gt_u",
    "i32x4.le_s",
    "i32x4.le_u",
    "i32x4.ge_s",
    "i32x4.ge_u",
    "i32x4.shl",
    "i32x4.shr_s",
    "i32x4.shr_u",
    "i64x2.abs",
    "i64x2.neg",
    "i64x2.add",
    "i64x2.sub",
    "i64x2.mul",
    "i64x2.all_true",
    "i64x2.bitmask",
    "i64x2.eq",
    "i64x2.ne",
    "i64x2.lt_s",
    "i64x2.lt_u",
    "i64x2.gt_s",
    "i64x2.gt_u",
    "i64x2.le_s",
    "i64x2.le_u",
    "i64x2.ge_s",
    "i64x2.ge_u",
    "i64x2.shl",
    "i64x2.shr_s",
    "i64x2.shr_u",
    "f32x4.abs",
    "f32x4.neg",
    "f32x4.sqrt",
    "f32x4.ceil",
    "f32x4.floor",
    "f32x4.trunc",
    "f32x4.nearest",
    "f32x4.add",
    "f32x4.sub",
    "f32x4.mul",
    "f32x4.div",
    "f32x4.min",
    "f32x4.max",
    "f32x4.pmin",
    "f32x4.pmax",
    "f32x4.eq",
    "f32x4.ne",
    "f32x4.lt",
    "f32x4.gt",
    "f32x4.le",
    "f32x4.ge",
    "f64x2.abs",
    "f64x2.neg",
    "f64x2.sqrt",
    "f64x2.ceil",
    "f64x2.floor",
    "f64x2.trunc",
    "f64x2.nearest",
    "f64x2.add",
    "f64x2.sub",
    "f64x2.mul",
    "f64x2.div",
    "f64x2.min",
    "f64x2.max",
    "f64x2.pmin",
    "f64x2.pmax",
    "f64x2.eq",
    "f64x2.ne",
    "f64x2.lt",
    "f64x2.gt",
    "f64x2.le",
    "f64x2.ge",
    "i8x16.splat",
    "i8x16.replace_lane",
    "i8x16.extract_lane_s",
    "i8x16.extract_lane_u",
    "i16x8.splat",
    "i16x8.replace_lane",
    "i16x8.extract_lane_s",
    "i16x8.extract_lane_u",
    "i32x4.splat",
    "i32x4.replace_lane",
    "i32x4.extract_lane",
    "i64x2.splat",
    "i64x2.replace_lane",
    "i64x2.extract_lane",
    "f32x4.splat",
    "f32x4.replace_lane",
    "f32x4.extract_lane",
    "f64x2.splat",
    "f64x2.replace_lane",
    "f64x2.extract_lane",
    "i16x8.extadd_pairwise_i8x16_s",
    "i16x8.extadd_pairwise_i8x16_u",
    "i32x4.extadd_pairwise_i16x8_s",
    "i32x4.extadd_pairwise_i16x8_u",
    "i16x8.extmul_low_i8x16_s",
    "i16x8.extend_low_i8x16_s",
    "i16x8.extmul_low_i8x16_u",
    "i16x8.extend_low_i8x16_u",
    "i16x8.extmul_high_i8x16_s",
    "i16x8.extend_high_i8x16_s",
    "i16x8.extmul_high_i8x16_u",
    "i16x8.extend_high_i8x16_u",
    "i32x4.extmul_low_i16x8_s",
    "i32x4.extend_low_i16x8_s",
    "i32x4.extmul_low_i16x8_u",
    "i32x4.extend_low_i16x8_u",
    "i32x4.extmul_high_i16x8_s",
    "i32x4.extend_high_i16x8_s",
    "i32x4.extmul_high_i16x8_u",
    "i32x4.extend_high_i16x8_u",
    "i64x2.extmul_low_i32x4_s",
    "i64x2.extend_low_i32x4_s",
    "i64x2.extmul_low_i32x4_u",
    "i64x2.extend_low_i32x4_u",
    "i64x2.extmul_high_i32x4_s",
    "i64x2.extend_high_i32x4_s",
    "i64x2.extmul_high_i32x4_u",
    "i64x2.extend_high_i32x4_u",
    "i8x16.narrow_i16x8_s",
    "i8x16.narrow_i16x8_u",
    "i16x8.narrow_i32x4_s",
    "i16x8.narrow_i32x4_u",
    "f32x4.convert_i32x4_s",
    "f64x2.convert_low_i32x4_s",
    "i32x4.trunc_sat_f32x4_s",
    "i32x4.trunc_sat_f64x2_s_zero",
    "f32x4.convert_i32x4_u",
    "f64x2.convert_low_i32x4_u",
    "i32x4.trunc_sat_f32x4_u",
    "i32x4.trunc_sat_f64x2_u_zero",
    "f32x4.demote_f64x2_zero",
    "f64x2.promote_low_f32x4",
    "<malformed>",
];

/// The index of an instruction's text name in [`OP_NAMES`].
#[inline]
pub fn op_id(i: &Instr) -> usize {
    match i {
        Instr::Nop => 0,
        Instr::Unreachable => 1,
        Instr::Drop => 2,
        Instr::Select(_) => 3,
        Instr::Block(..) => 4,
        Instr::Loop(..) => 5,
        Instr::If(..) => 6,
        Instr::Br(_) => 7,
        Instr::BrIf(_) => 8,
        Instr::BrTable(..) => 9,
        Instr::Call(_) => 10,
        Instr::CallIndirect(..) => 11,
        Instr::Return => 12,
        Instr::LocalGet(_) => 13,
        Instr::LocalSet(_) => 14,
        Instr::LocalTee(_) => 15,
        Instr::GlobalGet(_) => 16,
        Instr::GlobalSet(_) => 17,
        Instr::TableGet(_) => 18,
        Instr::TableSet(_) => 19,
        Instr::TableSize(_) => 20,
        Instr::TableGrow(_) => 21,
        Instr::TableFill(_) => 22,
        Instr::TableCopy(..) => 23,
        Instr::TableInit(..) => 24,
        Instr::ElemDrop(_) => 25,
        Instr::MemorySize(_) => 26,
        Instr::MemoryGrow(_) => 27,
        Instr::MemoryFill(_) => 28,
        Instr::MemoryCopy(..) => 29,
        Instr::MemoryInit(..) => 30,
        Instr::DataDrop(_) => 31,
        Instr::RefNull(_) => 32,
        Instr::RefIsNull => 33,
        Instr::RefFunc(_) => 34,
        Instr::VConst(_) => 35,
        Instr::VSwizzle => 36,
        Instr::VShuffle(_) => 37,
        Instr::VDot => 38,
        Instr::Load(NumType::I32, None, ..) => 39,
        Instr::Store(NumType::I32, None, ..) => 40,
        Instr::Const(NumType::I32, _) => 41,
        Instr::Load(NumType::I64, None, ..) => 42,
        Instr::Store(NumType::I64, None, ..) => 43,
        Instr::Const(NumType::I64, _) => 44,
        Instr::Load(NumType::F32, None, ..) => 45,
        Instr::Store(NumType::F32, None, ..) => 46,
        Instr::Const(NumType::F32, _) => 47,
        Instr::Load(NumType::F64, None, ..) => 48,
        Instr::Store(NumType::F64, None, ..) => 49,
        Instr::Const(NumType::F64, _) => 50,
        Instr::Load(NumType::I32, Some((8, Sx::S)), ..) => 51,
        Instr::Load(NumType::I32, Some((8, Sx::U)), ..) => 52,
        Instr::Store(NumType::I32, Some(8), ..) => 53,
        Instr::Load(NumType::I32, Some((16, Sx::S)), ..) => 54,
        Instr::Load(NumType::I32, Some((16, Sx::U)), ..) => 55,
        Instr::Store(NumType::I32, Some(16), ..) => 56,
        Instr::Load(NumType::I64, Some((8, Sx::S)), ..) => 57,
        Instr::Load(NumType::I64, Some((8, Sx::U)), ..) => 58,
        Instr::Store(NumType::I64, Some(8), ..) => 59,
        Instr::Load(NumType::I64, Some((16, Sx::S)), ..) => 60,
        Instr::Load(NumType::I64, Some((16, Sx::U)), ..) => 61,
        Instr::Store(NumType::I64, Some(16), ..) => 62,
        Instr::Load(NumType::I64, Some((32, Sx::S)), ..) => 63,
        Instr::Load(NumType::I64, Some((32, Sx::U)), ..) => 64,
        Instr::Store(NumType::I64, Some(32), ..) => 65,
        Instr::VLoad(None, ..) => 66,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 8,
                m: 8,
                sx: Sx::S,
            }),
            ..,
        ) => 67,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 8,
                m: 8,
                sx: Sx::U,
            }),
            ..,
        ) => 68,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 16,
                m: 4,
                sx: Sx::S,
            }),
            ..,
        ) => 69,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 16,
                m: 4,
                sx: Sx::U,
            }),
            ..,
        ) => 70,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 32,
                m: 2,
                sx: Sx::S,
            }),
            ..,
        ) => 71,
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 32,
                m: 2,
                sx: Sx::U,
            }),
            ..,
        ) => 72,
        Instr::VLoad(Some(VLoadOp::Splat(8)), ..) => 73,
        Instr::VLoadLane(8, ..) => 74,
        Instr::VStoreLane(8, ..) => 75,
        Instr::VLoad(Some(VLoadOp::Splat(16)), ..) => 76,
        Instr::VLoadLane(16, ..) => 77,
        Instr::VStoreLane(16, ..) => 78,
        Instr::VLoad(Some(VLoadOp::Splat(32)), ..) => 79,
        Instr::VLoadLane(32, ..) => 80,
        Instr::VStoreLane(32, ..) => 81,
        Instr::VLoad(Some(VLoadOp::Splat(64)), ..) => 82,
        Instr::VLoadLane(64, ..) => 83,
        Instr::VStoreLane(64, ..) => 84,
        Instr::VLoad(Some(VLoadOp::Zero(32)), ..) => 85,
        Instr::VLoad(Some(VLoadOp::Zero(64)), ..) => 86,
        Instr::VStore(..) => 87,
        Instr::Unop(NumType::I32, UnOp::Clz) => 88,
        Instr::Unop(NumType::I32, UnOp::Ctz) => 89,
        Instr::Unop(NumType::I32, UnOp::Popcnt) => 90,
        Instr::Unop(NumType::I32, UnOp::Extend(8)) => 91,
        Instr::Unop(NumType::I32, UnOp::Extend(16)) => 92,
        Instr::Binop(NumType::I32, BinOp::Add) => 93,
        Instr::Binop(NumType::I32, BinOp::Sub) => 94,
        Instr::Binop(NumType::I32, BinOp::Mul) => 95,
        Instr::Binop(NumType::I32, BinOp::Div(Some(Sx::S))) => 96,
        Instr::Binop(NumType::I32, BinOp::Div(Some(Sx::U))) => 97,
        Instr::Binop(NumType::I32, BinOp::Rem(Sx::S)) => 98,
        Instr::Binop(NumType::I32, BinOp::Rem(Sx::U)) => 99,
        Instr::Binop(NumType::I32, BinOp::And) => 100,
        Instr::Binop(NumType::I32, BinOp::Or) => 101,
        Instr::Binop(NumType::I32, BinOp::Xor) => 102,
        Instr::Binop(NumType::I32, BinOp::Shl) => 103,
        Instr::Binop(NumType::I32, BinOp::Shr(Sx::S)) => 104,
        Instr::Binop(NumType::I32, BinOp::Shr(Sx::U)) => 105,
        Instr::Binop(NumType::I32, BinOp::Rotl) => 106,
        Instr::Binop(NumType::I32, BinOp::Rotr) => 107,
        Instr::Testop(NumType::I32) => 108,
        Instr::Relop(NumType::I32, RelOp::Eq) => 109,
        Instr::Relop(NumType::I32, RelOp::Ne) => 110,
        Instr::Relop(NumType::I32, RelOp::Lt(Some(Sx::S))) => 111,
        Instr::Relop(NumType::I32, RelOp::Lt(Some(Sx::U))) => 112,
        Instr::Relop(NumType::I32, RelOp::Gt(Some(Sx::S))) => 113,
        Instr::Relop(NumType::I32, RelOp::Gt(Some(Sx::U))) => 114,
        Instr::Relop(NumType::I32, RelOp::Le(Some(Sx::S))) => 115,
        Instr::Relop(NumType::I32, RelOp::Le(Some(Sx::U))) => 116,
        Instr::Relop(NumType::I32, RelOp::Ge(Some(Sx::S))) => 117,
        Instr::Relop(NumType::I32, RelOp::Ge(Some(Sx::U))) => 118,
        Instr::Unop(NumType::I64, UnOp::Clz) => 119,
        Instr::Unop(NumType::I64, UnOp::Ctz) => 120,
        Instr::Unop(NumType::I64, UnOp::Popcnt) => 121,
        Instr::Unop(NumType::I64, UnOp::Extend(8)) => 122,
        Instr::Unop(NumType::I64, UnOp::Extend(16)) => 123,
        Instr::Unop(NumType::I64, UnOp::Extend(32)) => 124,
        Instr::Binop(NumType::I64, BinOp::Add) => 125,
        Instr::Binop(NumType::I64, BinOp::Sub) => 126,
        Instr::Binop(NumType::I64, BinOp::Mul) => 127,
        Instr::Binop(NumType::I64, BinOp::Div(Some(Sx::S))) => 128,
        Instr::Binop(NumType::I64, BinOp::Div(Some(Sx::U))) => 129,
        Instr::Binop(NumType::I64, BinOp::Rem(Sx::S)) => 130,
        Instr::Binop(NumType::I64, BinOp::Rem(Sx::U)) => 131,
        Instr::Binop(NumType::I64, BinOp::And) => 132,
        Instr::Binop(NumType::I64, BinOp::Or) => 133,
        Instr::Binop(NumType::I64, BinOp::Xor) => 134,
        Instr::Binop(NumType::I64, BinOp::Shl) => 135,
        Instr::Binop(NumType::I64, BinOp::Shr(Sx::S)) => 136,
        Instr::Binop(NumType::I64, BinOp::Shr(Sx::U)) => 137,
        Instr::Binop(NumType::I64, BinOp::Rotl) => 138,
        Instr::Binop(NumType::I64, BinOp::Rotr) => 139,
        Instr::Testop(NumType::I64) => 140,
        Instr::Relop(NumType::I64, RelOp::Eq) => 141,
        Instr::Relop(NumType::I64, RelOp::Ne) => 142,
        Instr::Relop(NumType::I64, RelOp::Lt(Some(Sx::S))) => 143,
        Instr::Relop(NumType::I64, RelOp::Lt(Some(Sx::U))) => 144,
        Instr::Relop(NumType::I64, RelOp::Gt(Some(Sx::S))) => 145,
        Instr::Relop(NumType::I64, RelOp::Gt(Some(Sx::U))) => 146,
        Instr::Relop(NumType::I64, RelOp::Le(Some(Sx::S))) => 147,
        Instr::Relop(NumType::I64, RelOp::Le(Some(Sx::U))) => 148,
        Instr::Relop(NumType::I64, RelOp::Ge(Some(Sx::S))) => 149,
        Instr::Relop(NumType::I64, RelOp::Ge(Some(Sx::U))) => 150,
        Instr::Unop(NumType::F32, UnOp::Abs) => 151,
        Instr::Unop(NumType::F32, UnOp::Neg) => 152,
        Instr::Unop(NumType::F32, UnOp::Sqrt) => 153,
        Instr::Unop(NumType::F32, UnOp::Ceil) => 154,
        Instr::Unop(NumType::F32, UnOp::Floor) => 155,
        Instr::Unop(NumType::F32, UnOp::Trunc) => 156,
        Instr::Unop(NumType::F32, UnOp::Nearest) => 157,
        Instr::Binop(NumType::F32, BinOp::Add) => 158,
        Instr::Binop(NumType::F32, BinOp::Sub) => 159,
        Instr::Binop(NumType::F32, BinOp::Mul) => 160,
        Instr::Binop(NumType::F32, BinOp::Div(None)) => 161,
        Instr::Binop(NumType::F32, BinOp::Min) => 162,
        Instr::Binop(NumType::F32, BinOp::Max) => 163,
        Instr::Binop(NumType::F32, BinOp::Copysign) => 164,
        Instr::Relop(NumType::F32, RelOp::Eq) => 165,
        Instr::Relop(NumType::F32, RelOp::Ne) => 166,
        Instr::Relop(NumType::F32, RelOp::Lt(None)) => 167,
        Instr::Relop(NumType::F32, RelOp::Gt(None)) => 168,
        Instr::Relop(NumType::F32, RelOp::Le(None)) => 169,
        Instr::Relop(NumType::F32, RelOp::Ge(None)) => 170,
        Instr::Unop(NumType::F64, UnOp::Abs) => 171,
        Instr::Unop(NumType::F64, UnOp::Neg) => 172,
        Instr::Unop(NumType::F64, UnOp::Sqrt) => 173,
        Instr::Unop(NumType::F64, UnOp::Ceil) => 174,
        Instr::Unop(NumType::F64, UnOp::Floor) => 175,
        Instr::Unop(NumType::F64, UnOp::Trunc) => 176,
        Instr::Unop(NumType::F64, UnOp::Nearest) => 177,
        Instr::Binop(NumType::F64, BinOp::Add) => 178,
        Instr::Binop(NumType::F64, BinOp::Sub) => 179,
        Instr::Binop(NumType::F64, BinOp::Mul) => 180,
        Instr::Binop(NumType::F64, BinOp::Div(None)) => 181,
        Instr::Binop(NumType::F64, BinOp::Min) => 182,
        Instr::Binop(NumType::F64, BinOp::Max) => 183,
        Instr::Binop(NumType::F64, BinOp::Copysign) => 184,
        Instr::Relop(NumType::F64, RelOp::Eq) => 185,
        Instr::Relop(NumType::F64, RelOp::Ne) => 186,
        Instr::Relop(NumType::F64, RelOp::Lt(None)) => 187,
        Instr::Relop(NumType::F64, RelOp::Gt(None)) => 188,
        Instr::Relop(NumType::F64, RelOp::Le(None)) => 189,
        Instr::Relop(NumType::F64, RelOp::Ge(None)) => 190,
        Instr::Cvtop(NumType::I32, NumType::I64, CvtOp::Wrap) => 191,
        Instr::Cvtop(NumType::I64, NumType::I32, CvtOp::Extend(Sx::S)) => 192,
        Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Trunc(Sx::S)) => 193,
        Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::TruncSat(Sx::S)) => 194,
        Instr::Cvtop(NumType::F32, NumType::I32, CvtOp::Convert(Sx::S)) => 195,
        Instr::Cvtop(NumType::I32, NumType::F64, CvtOp::Trunc(Sx::S)) => 196,
        Instr::Cvtop(NumType::I32, NumType::F64, CvtOp::TruncSat(Sx::S)) => 197,
        Instr::Cvtop(NumType::F64, NumType::I32, CvtOp::Convert(Sx::S)) => 198,
        Instr::Cvtop(NumType::I64, NumType::F32, CvtOp::Trunc(Sx::S)) => 199,
        Instr::Cvtop(NumType::I64, NumType::F32, CvtOp::TruncSat(Sx::S)) => 200,
        Instr::Cvtop(NumType::F32, NumType::I64, CvtOp::Convert(Sx::S)) => 201,
        Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::Trunc(Sx::S)) => 202,
        Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::TruncSat(Sx::S)) => 203,
        Instr::Cvtop(NumType::F64, NumType::I64, CvtOp::Convert(Sx::S)) => 204,
        Instr::Cvtop(NumType::I64, NumType::I32, CvtOp::Extend(Sx::U)) => 205,
        Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Trunc(Sx::U)) => 206,
        Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::TruncSat(Sx::U)) => 207,
        Instr::Cvtop(NumType::F32, NumType::I32, CvtOp::Convert(Sx::U)) => 208,
        Instr::Cvtop(NumType::I32, NumType::F64, CvtOp::Trunc(Sx::U)) => 209,
        Instr::Cvtop(NumType::I32, NumType::F64, CvtOp::TruncSat(Sx::U)) => 210,
        Instr::Cvtop(NumType::F64, NumType::I32, CvtOp::Convert(Sx::U)) => 211,
        Instr::Cvtop(NumType::I64, NumType::F32, CvtOp::Trunc(Sx::U)) => 212,
        Instr::Cvtop(NumType::I64, NumType::F32, CvtOp::TruncSat(Sx::U)) => 213,
        Instr::Cvtop(NumType::F32, NumType::I64, CvtOp::Convert(Sx::U)) => 214,
        Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::Trunc(Sx::U)) => 215,
        Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::TruncSat(Sx::U)) => 216,
        Instr::Cvtop(NumType::F64, NumType::I64, CvtOp::Convert(Sx::U)) => 217,
        Instr::Cvtop(NumType::F32, NumType::F64, CvtOp::Demote) => 218,
        Instr::Cvtop(NumType::F64, NumType::F32, CvtOp::Promote) => 219,
        Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Reinterpret) => 220,
        Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::Reinterpret) => 221,
        Instr::Cvtop(NumType::F32, NumType::I32, CvtOp::Reinterpret) => 222,
        Instr::Cvtop(NumType::F64, NumType::I64, CvtOp::Reinterpret) => 223,
        Instr::Vvop(VvOp::Not) => 224,
        Instr::Vvop(VvOp::And) => 225,
        Instr::Vvop(VvOp::AndNot) => 226,
        Instr::Vvop(VvOp::Or) => 227,
        Instr::Vvop(VvOp::Xor) => 228,
        Instr::Vvop(VvOp::Bitselect) => 229,
        Instr::Vvop(VvOp::AnyTrue) => 230,
        Instr::VUnop(
            Shape {
                lane: LaneType::I8, ..
            },
            VUnOp::Abs,
        ) => 231,
        Instr::VUnop(
            Shape {
                lane: LaneType::I8, ..
            },
            VUnOp::Neg,
        ) => 232,
        Instr::VUnop(
            Shape {
                lane: LaneType::I8, ..
            },
            VUnOp::Popcnt,
        ) => 233,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Add,
        ) => 234,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Sub,
        ) => 235,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::AddSat(Sx::S),
        ) => 236,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::AddSat(Sx::U),
        ) => 237,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::SubSat(Sx::S),
        ) => 238,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::SubSat(Sx::U),
        ) => 239,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::AvgrU,
        ) => 240,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Min(Some(Sx::S)),
        ) => 241,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Min(Some(Sx::U)),
        ) => 242,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Max(Some(Sx::S)),
        ) => 243,
        Instr::VBinop(
            Shape {
                lane: LaneType::I8, ..
            },
            VBinOp::Max(Some(Sx::U)),
        ) => 244,
        Instr::VAllTrue(Shape {
            lane: LaneType::I8, ..
        }) => 245,
        Instr::VBitmask(Shape {
            lane: LaneType::I8, ..
        }) => 246,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Eq,
        ) => 247,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Ne,
        ) => 248,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Lt(Some(Sx::S)),
        ) => 249,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Lt(Some(Sx::U)),
        ) => 250,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Gt(Some(Sx::S)),
        ) => 251,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Gt(Some(Sx::U)),
        ) => 252,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Le(Some(Sx::S)),
        ) => 253,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Le(Some(Sx::U)),
        ) => 254,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Ge(Some(Sx::S)),
        ) => 255,
        Instr::VRelop(
            Shape {
                lane: LaneType::I8, ..
            },
            RelOp::Ge(Some(Sx::U)),
        ) => 256,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I8, ..
            },
            VShiftOp::Shl,
        ) => 257,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I8, ..
            },
            VShiftOp::Shr(Sx::S),
        ) => 258,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I8, ..
            },
            VShiftOp::Shr(Sx::U),
        ) => 259,
        Instr::VUnop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VUnOp::Abs,
        ) => 260,
        Instr::VUnop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VUnOp::Neg,
        ) => 261,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Add,
        ) => 262,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Sub,
        ) => 263,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::AddSat(Sx::S),
        ) => 264,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::AddSat(Sx::U),
        ) => 265,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::SubSat(Sx::S),
        ) => 266,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::SubSat(Sx::U),
        ) => 267,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::AvgrU,
        ) => 268,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Mul,
        ) => 269,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Q15MulrSatS,
        ) => 270,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Min(Some(Sx::S)),
        ) => 271,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Min(Some(Sx::U)),
        ) => 272,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Max(Some(Sx::S)),
        ) => 273,
        Instr::VBinop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VBinOp::Max(Some(Sx::U)),
        ) => 274,
        Instr::VAllTrue(Shape {
            lane: LaneType::I16,
            ..
        }) => 275,
        Instr::VBitmask(Shape {
            lane: LaneType::I16,
            ..
        }) => 276,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Eq,
        ) => 277,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Ne,
        ) => 278,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Lt(Some(Sx::S)),
        ) => 279,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Lt(Some(Sx::U)),
        ) => 280,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Gt(Some(Sx::S)),
        ) => 281,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Gt(Some(Sx::U)),
        ) => 282,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Le(Some(Sx::S)),
        ) => 283,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Le(Some(Sx::U)),
        ) => 284,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Ge(Some(Sx::S)),
        ) => 285,
        Instr::VRelop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            RelOp::Ge(Some(Sx::U)),
        ) => 286,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VShiftOp::Shl,
        ) => 287,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VShiftOp::Shr(Sx::S),
        ) => 288,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            VShiftOp::Shr(Sx::U),
        ) => 289,
        Instr::VUnop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VUnOp::Abs,
        ) => 290,
        Instr::VUnop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VUnOp::Neg,
        ) => 291,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Add,
        ) => 292,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Sub,
        ) => 293,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Mul,
        ) => 294,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Min(Some(Sx::S)),
        ) => 295,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Min(Some(Sx::U)),
        ) => 296,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Max(Some(Sx::S)),
        ) => 297,
        Instr::VBinop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VBinOp::Max(Some(Sx::U)),
        ) => 298,
        Instr::VAllTrue(Shape {
            lane: LaneType::I32,
            ..
        }) => 299,
        Instr::VBitmask(Shape {
            lane: LaneType::I32,
            ..
        }) => 300,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Eq,
        ) => 301,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Ne,
        ) => 302,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Lt(Some(Sx::S)),
        ) => 303,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Lt(Some(Sx::U)),
        ) => 304,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Gt(Some(Sx::S)),
        ) => 305,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Gt(Some(Sx::U)),
        ) => 306,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Le(Some(Sx::S)),
        ) => 307,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Le(Some(Sx::U)),
        ) => 308,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Ge(Some(Sx::S)),
        ) => 309,
        Instr::VRelop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            RelOp::Ge(Some(Sx::U)),
        ) => 310,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VShiftOp::Shl,
        ) => 311,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VShiftOp::Shr(Sx::S),
        ) => 312,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            VShiftOp::Shr(Sx::U),
        ) => 313,
        Instr::VUnop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VUnOp::Abs,
        ) => 314,
        Instr::VUnop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VUnOp::Neg,
        ) => 315,
        Instr::VBinop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VBinOp::Add,
        ) => 316,
        Instr::VBinop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VBinOp::Sub,
        ) => 317,
        Instr::VBinop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VBinOp::Mul,
        ) => 318,
        Instr::VAllTrue(Shape {
            lane: LaneType::I64,
            ..
        }) => 319,
        Instr::VBitmask(Shape {
            lane: LaneType::I64,
            ..
        }) => 320,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Eq,
        ) => 321,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Ne,
        ) => 322,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Lt(Some(Sx::S)),
        ) => 323,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Lt(Some(Sx::U)),
        ) => 324,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Gt(Some(Sx::S)),
        ) => 325,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Gt(Some(Sx::U)),
        ) => 326,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Le(Some(Sx::S)),
        ) => 327,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Le(Some(Sx::U)),
        ) => 328,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Ge(Some(Sx::S)),
        ) => 329,
        Instr::VRelop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            RelOp::Ge(Some(Sx::U)),
        ) => 330,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VShiftOp::Shl,
        ) => 331,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VShiftOp::Shr(Sx::S),
        ) => 332,
        Instr::VShiftop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            VShiftOp::Shr(Sx::U),
        ) => 333,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Abs,
        ) => 334,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Neg,
        ) => 335,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Sqrt,
        ) => 336,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Ceil,
        ) => 337,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Floor,
        ) => 338,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Trunc,
        ) => 339,
        Instr::VUnop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VUnOp::Nearest,
        ) => 340,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Add,
        ) => 341,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Sub,
        ) => 342,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Mul,
        ) => 343,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Div,
        ) => 344,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Min(None),
        ) => 345,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Max(None),
        ) => 346,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Pmin,
        ) => 347,
        Instr::VBinop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            VBinOp::Pmax,
        ) => 348,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Eq,
        ) => 349,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Ne,
        ) => 350,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Lt(None),
        ) => 351,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Gt(None),
        ) => 352,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Le(None),
        ) => 353,
        Instr::VRelop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            RelOp::Ge(None),
        ) => 354,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Abs,
        ) => 355,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Neg,
        ) => 356,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Sqrt,
        ) => 357,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Ceil,
        ) => 358,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Floor,
        ) => 359,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Trunc,
        ) => 360,
        Instr::VUnop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VUnOp::Nearest,
        ) => 361,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Add,
        ) => 362,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Sub,
        ) => 363,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Mul,
        ) => 364,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Div,
        ) => 365,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Min(None),
        ) => 366,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Max(None),
        ) => 367,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Pmin,
        ) => 368,
        Instr::VBinop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            VBinOp::Pmax,
        ) => 369,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Eq,
        ) => 370,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Ne,
        ) => 371,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Lt(None),
        ) => 372,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Gt(None),
        ) => 373,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Le(None),
        ) => 374,
        Instr::VRelop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            RelOp::Ge(None),
        ) => 375,
        Instr::VSplat(Shape {
            lane: LaneType::I8, ..
        }) => 376,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::I8, ..
            },
            _,
        ) => 377,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I8, ..
            },
            Some(Sx::S),
            _,
        ) => 378,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I8, ..
            },
            Some(Sx::U),
            _,
        ) => 379,
        Instr::VSplat(Shape {
            lane: LaneType::I16,
            ..
        }) => 380,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
        ) => 381,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I16,
                ..
            },
            Some(Sx::S),
            _,
        ) => 382,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I16,
                ..
            },
            Some(Sx::U),
            _,
        ) => 383,
        Instr::VSplat(Shape {
            lane: LaneType::I32,
            ..
        }) => 384,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
        ) => 385,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I32,
                ..
            },
            None,
            _,
        ) => 386,
        Instr::VSplat(Shape {
            lane: LaneType::I64,
            ..
        }) => 387,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
        ) => 388,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::I64,
                ..
            },
            None,
            _,
        ) => 389,
        Instr::VSplat(Shape {
            lane: LaneType::F32,
            ..
        }) => 390,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::F32,
                ..
            },
            _,
        ) => 391,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::F32,
                ..
            },
            None,
            _,
        ) => 392,
        Instr::VSplat(Shape {
            lane: LaneType::F64,
            ..
        }) => 393,
        Instr::VReplaceLane(
            Shape {
                lane: LaneType::F64,
                ..
            },
            _,
        ) => 394,
        Instr::VExtractLane(
            Shape {
                lane: LaneType::F64,
                ..
            },
            None,
            _,
        ) => 395,
        Instr::VExtaddPairwise(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Sx::S,
        ) => 396,
        Instr::VExtaddPairwise(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Sx::U,
        ) => 397,
        Instr::VExtaddPairwise(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Sx::S,
        ) => 398,
        Instr::VExtaddPairwise(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Sx::U,
        ) => 399,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Half::Low,
            Sx::S,
        ) => 400,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::S),
        ) => 401,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Half::Low,
            Sx::U,
        ) => 402,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::U),
        ) => 403,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Half::High,
            Sx::S,
        ) => 404,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::S),
        ) => 405,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Half::High,
            Sx::U,
        ) => 406,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::U),
        ) => 407,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Half::Low,
            Sx::S,
        ) => 408,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::S),
        ) => 409,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Half::Low,
            Sx::U,
        ) => 410,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::U),
        ) => 411,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Half::High,
            Sx::S,
        ) => 412,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::S),
        ) => 413,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            Half::High,
            Sx::U,
        ) => 414,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::U),
        ) => 415,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            Half::Low,
            Sx::S,
        ) => 416,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::S),
        ) => 417,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            Half::Low,
            Sx::U,
        ) => 418,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            VCvtOp::Extend(Half::Low, Sx::U),
        ) => 419,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            Half::High,
            Sx::S,
        ) => 420,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::S),
        ) => 421,
        Instr::VExtmul(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            Half::High,
            Sx::U,
        ) => 422,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I64,
                ..
            },
            _,
            VCvtOp::Extend(Half::High, Sx::U),
        ) => 423,
        Instr::VNarrow(
            Shape {
                lane: LaneType::I8, ..
            },
            _,
            Sx::S,
        ) => 424,
        Instr::VNarrow(
            Shape {
                lane: LaneType::I8, ..
            },
            _,
            Sx::U,
        ) => 425,
        Instr::VNarrow(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Sx::S,
        ) => 426,
        Instr::VNarrow(
            Shape {
                lane: LaneType::I16,
                ..
            },
            _,
            Sx::U,
        ) => 427,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            _,
            VCvtOp::Convert(None, Sx::S),
        ) => 428,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            _,
            VCvtOp::Convert(Some(Half::Low), Sx::S),
        ) => 429,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            Shape {
                lane: LaneType::F32,
                ..
            },
            VCvtOp::TruncSat(Sx::S, false),
        ) => 430,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            Shape {
                lane: LaneType::F64,
                ..
            },
            VCvtOp::TruncSat(Sx::S, true),
        ) => 431,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            _,
            VCvtOp::Convert(None, Sx::U),
        ) => 432,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            _,
            VCvtOp::Convert(Some(Half::Low), Sx::U),
        ) => 433,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            Shape {
                lane: LaneType::F32,
                ..
            },
            VCvtOp::TruncSat(Sx::U, false),
        ) => 434,
        Instr::VCvtop(
            Shape {
                lane: LaneType::I32,
                ..
            },
            Shape {
                lane: LaneType::F64,
                ..
            },
            VCvtOp::TruncSat(Sx::U, true),
        ) => 435,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F32,
                ..
            },
            _,
            VCvtOp::DemoteZero,
        ) => 436,
        Instr::VCvtop(
            Shape {
                lane: LaneType::F64,
                ..
            },
            _,
            VCvtOp::PromoteLow,
        ) => 437,
        _ => 438,
    }
}

/// An instruction's index in [`OP_NAMES`], worked out once (see [`op_id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpId(u16);

impl OpId {
    /// The index of `i`'s name.
    pub fn of(i: &Instr) -> OpId {
        OpId(op_id(i) as u16)
    }
}

/// What [`hit_op!`](super::hit_op) takes for an instruction: the instruction or its
/// [`OpId`].
pub trait OpIndex {
    /// The index in [`OP_NAMES`].
    fn op_index(self) -> usize;
}

impl OpIndex for &Instr {
    #[inline]
    fn op_index(self) -> usize {
        op_id(self)
    }
}

impl OpIndex for OpId {
    #[inline(always)]
    fn op_index(self) -> usize {
        usize::from(self.0)
    }
}

/// An instruction's text name (`i32.add`, `f32x4.mul`).
pub fn instr_name(i: &Instr) -> &'static str {
    OP_NAMES[op_id(i)]
}
