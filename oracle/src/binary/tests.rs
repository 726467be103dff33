//! Tests of the decoder: every 2.0 instruction, every section and segment form, the spec
//! test suite's malformed cases, and inputs that must fail without panicking.

use super::*;
use crate::ast::*;
use crate::value::{HeapType, RefType, ValType};

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn dec(text: &str) -> Module {
    decode(&wasm(text)).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn leb(mut n: u64) -> Vec<u8> {
    let mut v = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            v.push(b);
            return v;
        }
        v.push(b | 0x80);
    }
}

/// A module from its sections' ids and contents.
fn sections(secs: &[(u8, &[u8])]) -> Vec<u8> {
    let mut v = b"\0asm\x01\0\0\0".to_vec();
    for (id, c) in secs {
        v.push(*id);
        v.extend(leb(c.len() as u64));
        v.extend_from_slice(c);
    }
    v
}

/// A module with one function of type 0 (`[] -> []`) and the given body bytes (locals
/// vector included), plus extra sections after the function section.
fn with_body(code: &[u8]) -> Vec<u8> {
    let mut entry = leb(code.len() as u64);
    entry.extend_from_slice(code);
    let mut sec = vec![1];
    sec.extend(entry);
    sections(&[
        (1, &[1, 0x60, 0, 0]),
        (3, &[1, 0]),
        (5, &[1, 0, 1]),
        (10, &sec),
    ])
}

#[track_caller]
fn malformed(bytes: &[u8], expected: &str) {
    match decode(bytes) {
        Ok(m) => panic!("decoded, expected `{expected}`: {m:?}"),
        Err(e) => assert!(
            e.message.starts_with(expected),
            "got `{e}`, expected `{expected}`"
        ),
    }
}

const FUNCREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Func,
};
const EXTERNREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Extern,
};

// ---------------------------------------------------------------------------------------
// Instruction names, for the table-driven test below (the text format's names).

fn nt(t: NumType) -> &'static str {
    match t {
        NumType::I32 => "i32",
        NumType::I64 => "i64",
        NumType::F32 => "f32",
        NumType::F64 => "f64",
    }
}

fn sx(s: Sx) -> &'static str {
    match s {
        Sx::S => "s",
        Sx::U => "u",
    }
}

fn osx(s: Option<Sx>) -> String {
    s.map(|s| format!("_{}", sx(s))).unwrap_or_default()
}

fn half(h: Half) -> &'static str {
    match h {
        Half::Low => "low",
        Half::High => "high",
    }
}

fn shape(s: Shape) -> String {
    let l = match s.lane {
        LaneType::I8 => "i8",
        LaneType::I16 => "i16",
        LaneType::I32 => "i32",
        LaneType::I64 => "i64",
        LaneType::F32 => "f32",
        LaneType::F64 => "f64",
    };
    format!("{l}x{}", s.dim)
}

fn relop(r: RelOp) -> String {
    match r {
        RelOp::Eq => "eq".into(),
        RelOp::Ne => "ne".into(),
        RelOp::Lt(s) => format!("lt{}", osx(s)),
        RelOp::Gt(s) => format!("gt{}", osx(s)),
        RelOp::Le(s) => format!("le{}", osx(s)),
        RelOp::Ge(s) => format!("ge{}", osx(s)),
    }
}

fn name(i: &Instr) -> String {
    use Instr as I;
    match i {
        I::Nop => "nop".into(),
        I::Unreachable => "unreachable".into(),
        I::Drop => "drop".into(),
        I::Select(_) => "select".into(),
        I::Block(..) => "block".into(),
        I::Loop(..) => "loop".into(),
        I::If(..) => "if".into(),
        I::Br(_) => "br".into(),
        I::BrIf(_) => "br_if".into(),
        I::BrTable(..) => "br_table".into(),
        I::Call(_) => "call".into(),
        I::CallIndirect(..) => "call_indirect".into(),
        I::Return => "return".into(),
        I::LocalGet(_) => "local.get".into(),
        I::LocalSet(_) => "local.set".into(),
        I::LocalTee(_) => "local.tee".into(),
        I::GlobalGet(_) => "global.get".into(),
        I::GlobalSet(_) => "global.set".into(),
        I::TableGet(_) => "table.get".into(),
        I::TableSet(_) => "table.set".into(),
        I::TableSize(_) => "table.size".into(),
        I::TableGrow(_) => "table.grow".into(),
        I::TableFill(_) => "table.fill".into(),
        I::TableCopy(..) => "table.copy".into(),
        I::TableInit(..) => "table.init".into(),
        I::ElemDrop(_) => "elem.drop".into(),
        I::Load(t, p, _, _) => match p {
            None => format!("{}.load", nt(*t)),
            Some((n, s)) => format!("{}.load{n}_{}", nt(*t), sx(*s)),
        },
        I::Store(t, p, _, _) => match p {
            None => format!("{}.store", nt(*t)),
            Some(n) => format!("{}.store{n}", nt(*t)),
        },
        I::VLoad(op, _, _) => match op {
            None => "v128.load".into(),
            Some(VLoadOp::Shape { sz, m, sx: s }) => format!("v128.load{sz}x{m}_{}", sx(*s)),
            Some(VLoadOp::Splat(n)) => format!("v128.load{n}_splat"),
            Some(VLoadOp::Zero(n)) => format!("v128.load{n}_zero"),
        },
        I::VLoadLane(n, ..) => format!("v128.load{n}_lane"),
        I::VStore(..) => "v128.store".into(),
        I::VStoreLane(n, ..) => format!("v128.store{n}_lane"),
        I::MemorySize(_) => "memory.size".into(),
        I::MemoryGrow(_) => "memory.grow".into(),
        I::MemoryFill(_) => "memory.fill".into(),
        I::MemoryCopy(..) => "memory.copy".into(),
        I::MemoryInit(..) => "memory.init".into(),
        I::DataDrop(_) => "data.drop".into(),
        I::RefNull(_) => "ref.null".into(),
        I::RefIsNull => "ref.is_null".into(),
        I::RefFunc(_) => "ref.func".into(),
        I::Const(t, _) => format!("{}.const", nt(*t)),
        I::Unop(t, op) => {
            let o = match op {
                UnOp::Clz => "clz".into(),
                UnOp::Ctz => "ctz".into(),
                UnOp::Popcnt => "popcnt".into(),
                UnOp::Extend(n) => format!("extend{n}_s"),
                UnOp::Abs => "abs".into(),
                UnOp::Neg => "neg".into(),
                UnOp::Sqrt => "sqrt".into(),
                UnOp::Ceil => "ceil".into(),
                UnOp::Floor => "floor".into(),
                UnOp::Trunc => "trunc".into(),
                UnOp::Nearest => "nearest".into(),
            };
            format!("{}.{o}", nt(*t))
        }
        I::Binop(t, op) => {
            let o = match op {
                BinOp::Add => "add".into(),
                BinOp::Sub => "sub".into(),
                BinOp::Mul => "mul".into(),
                BinOp::Div(s) => format!("div{}", osx(*s)),
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
            format!("{}.{o}", nt(*t))
        }
        I::Testop(t) => format!("{}.eqz", nt(*t)),
        I::Relop(t, r) => format!("{}.{}", nt(*t), relop(*r)),
        I::Cvtop(to, from, op) => {
            let (o, s) = match op {
                CvtOp::Extend(s) => ("extend", Some(*s)),
                CvtOp::Wrap => ("wrap", None),
                CvtOp::Convert(s) => ("convert", Some(*s)),
                CvtOp::Trunc(s) => ("trunc", Some(*s)),
                CvtOp::TruncSat(s) => ("trunc_sat", Some(*s)),
                CvtOp::Promote => ("promote", None),
                CvtOp::Demote => ("demote", None),
                CvtOp::Reinterpret => ("reinterpret", None),
            };
            format!("{}.{o}_{}{}", nt(*to), nt(*from), osx(s))
        }
        I::VConst(_) => "v128.const".into(),
        I::Vvop(op) => {
            let o = match op {
                VvOp::Not => "not",
                VvOp::And => "and",
                VvOp::AndNot => "andnot",
                VvOp::Or => "or",
                VvOp::Xor => "xor",
                VvOp::Bitselect => "bitselect",
                VvOp::AnyTrue => "any_true",
            };
            format!("v128.{o}")
        }
        I::VUnop(s, op) => {
            let o = match op {
                VUnOp::Abs => "abs",
                VUnOp::Neg => "neg",
                VUnOp::Popcnt => "popcnt",
                VUnOp::Sqrt => "sqrt",
                VUnOp::Ceil => "ceil",
                VUnOp::Floor => "floor",
                VUnOp::Trunc => "trunc",
                VUnOp::Nearest => "nearest",
            };
            format!("{}.{o}", shape(*s))
        }
        I::VBinop(s, op) => {
            let o = match op {
                VBinOp::Add => "add".into(),
                VBinOp::Sub => "sub".into(),
                VBinOp::AddSat(x) => format!("add_sat_{}", sx(*x)),
                VBinOp::SubSat(x) => format!("sub_sat_{}", sx(*x)),
                VBinOp::Mul => "mul".into(),
                VBinOp::AvgrU => "avgr_u".into(),
                VBinOp::Q15MulrSatS => "q15mulr_sat_s".into(),
                VBinOp::Min(x) => format!("min{}", osx(*x)),
                VBinOp::Max(x) => format!("max{}", osx(*x)),
                VBinOp::Div => "div".into(),
                VBinOp::Pmin => "pmin".into(),
                VBinOp::Pmax => "pmax".into(),
            };
            format!("{}.{o}", shape(*s))
        }
        I::VAllTrue(s) => format!("{}.all_true", shape(*s)),
        I::VRelop(s, r) => format!("{}.{}", shape(*s), relop(*r)),
        I::VShiftop(s, op) => match op {
            VShiftOp::Shl => format!("{}.shl", shape(*s)),
            VShiftOp::Shr(x) => format!("{}.shr_{}", shape(*s), sx(*x)),
        },
        I::VBitmask(s) => format!("{}.bitmask", shape(*s)),
        I::VSwizzle => "i8x16.swizzle".into(),
        I::VShuffle(_) => "i8x16.shuffle".into(),
        I::VExtaddPairwise(to, from, x) => {
            format!("{}.extadd_pairwise_{}_{}", shape(*to), shape(*from), sx(*x))
        }
        I::VExtmul(to, from, h, x) => format!(
            "{}.extmul_{}_{}_{}",
            shape(*to),
            half(*h),
            shape(*from),
            sx(*x)
        ),
        I::VDot => "i32x4.dot_i16x8_s".into(),
        I::VNarrow(to, from, x) => format!("{}.narrow_{}_{}", shape(*to), shape(*from), sx(*x)),
        I::VCvtop(to, from, op) => {
            let (to, from) = (shape(*to), shape(*from));
            match op {
                VCvtOp::Extend(h, x) => format!("{to}.extend_{}_{from}_{}", half(*h), sx(*x)),
                VCvtOp::Convert(None, x) => format!("{to}.convert_{from}_{}", sx(*x)),
                VCvtOp::Convert(Some(h), x) => {
                    format!("{to}.convert_{}_{from}_{}", half(*h), sx(*x))
                }
                VCvtOp::TruncSat(x, false) => format!("{to}.trunc_sat_{from}_{}", sx(*x)),
                VCvtOp::TruncSat(x, true) => format!("{to}.trunc_sat_{from}_{}_zero", sx(*x)),
                VCvtOp::DemoteZero => format!("{to}.demote_{from}_zero"),
                VCvtOp::PromoteLow => format!("{to}.promote_low_{from}"),
            }
        }
        I::VSplat(s) => format!("{}.splat", shape(*s)),
        I::VExtractLane(s, x, _) => format!("{}.extract_lane{}", shape(*s), osx(*x)),
        I::VReplaceLane(s, _) => format!("{}.replace_lane", shape(*s)),
    }
}

/// Every instruction of WebAssembly 2.0 but the block instructions, by its text name.
const NAMES: &str = "
unreachable nop br br_if br_table return call call_indirect drop select local.get
local.set local.tee global.get global.set table.get table.set i32.load i64.load
f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u i64.load8_s
i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u i32.store i64.store
f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16 i64.store32
memory.size memory.grow memory.init memory.copy memory.fill data.drop elem.drop
table.init table.copy table.fill table.size table.grow ref.null ref.is_null ref.func
i32.const i64.const f32.const f64.const i32.clz i32.ctz i32.popcnt i32.add i32.sub
i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl
i32.shr_s i32.shr_u i32.rotl i32.rotr i64.clz i64.ctz i64.popcnt i64.add i64.sub
i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl
i64.shr_s i64.shr_u i64.rotl i64.rotr f32.abs f32.neg f32.ceil f32.floor f32.trunc
f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign
f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub
f64.mul f64.div f64.min f64.max f64.copysign i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u
i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u i64.eqz i64.eq i64.ne i64.lt_s
i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u f32.eq f32.ne f32.lt
f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge i32.wrap_i64
i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s
i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u
f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u
f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32
f64.reinterpret_i64 i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s
i32.trunc_sat_f64_u i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s
i64.trunc_sat_f64_u i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s
i64.extend32_s v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u
v128.load32x2_s v128.load32x2_u v128.load8_splat v128.load16_splat v128.load32_splat
v128.load64_splat v128.load32_zero v128.load64_zero v128.store v128.load8_lane
v128.load16_lane v128.load32_lane v128.load64_lane v128.store8_lane v128.store16_lane
v128.store32_lane v128.store64_lane v128.const i8x16.shuffle i8x16.extract_lane_s
i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u
i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane
i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane
f64x2.replace_lane i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat
f32x4.splat f64x2.splat i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u
i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u
i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u i32x4.eq i32x4.ne
i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s
i32x4.ge_u i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s f32x4.eq
f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt
f64x2.le f64x2.ge v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect
v128.any_true i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask
i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add
i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u i8x16.min_s
i8x16.min_u i8x16.max_s i8x16.max_u i8x16.avgr_u i16x8.extadd_pairwise_i8x16_s
i16x8.extadd_pairwise_i8x16_u i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true
i16x8.bitmask i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u i16x8.extend_low_i8x16_s
i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u i16x8.shl
i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub
i16x8.sub_sat_s i16x8.sub_sat_u i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s
i16x8.max_u i16x8.avgr_u i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s
i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u i32x4.extadd_pairwise_i16x8_s
i32x4.extadd_pairwise_i16x8_u i32x4.abs i32x4.neg i32x4.all_true i32x4.bitmask
i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u
i32x4.extend_high_i16x8_u i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add i32x4.sub
i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s
i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u
i32x4.extmul_high_i16x8_u i64x2.abs i64x2.neg i64x2.all_true i64x2.bitmask
i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u
i64x2.extend_high_i32x4_u i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add i64x2.sub
i64x2.mul i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u
i64x2.extmul_high_i32x4_u f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest f32x4.abs
f32x4.neg f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max
f32x4.pmin f32x4.pmax f64x2.ceil f64x2.floor f64x2.trunc f64x2.nearest f64x2.abs
f64x2.neg f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max
f64x2.pmin f64x2.pmax i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u
f32x4.convert_i32x4_s f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero
i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u
f32x4.demote_f64x2_zero f64x2.promote_low_f32x4
";

/// The immediates an instruction needs in the text format.
fn immediates(n: &str) -> &'static str {
    match n {
        "br" | "br_if" | "br_table" | "call" | "local.get" | "local.set" | "local.tee"
        | "global.get" | "global.set" | "table.get" | "table.set" | "table.size" | "table.grow"
        | "table.fill" | "elem.drop" | "memory.init" | "data.drop" | "ref.func" => " 0",
        "table.init" | "table.copy" => " 0 0",
        "call_indirect" => " (type 0)",
        "i32.const" | "i64.const" | "f32.const" | "f64.const" => " 0",
        "v128.const" => " i64x2 0 0",
        "i8x16.shuffle" => " 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
        "ref.null" => " func",
        _ if n.contains("_lane") => " 1",
        _ => "",
    }
}

/// A module whose one function's body is the instruction `n` with its immediates.
fn instruction_module(n: &str) -> Vec<u8> {
    wasm(&format!(
        "(module (type (func)) (memory 1) (table 1 funcref) (func (param i32) {n}{}))",
        immediates(n)
    ))
}

#[test]
fn every_2_0_instruction_decodes_to_its_name() {
    let names: Vec<&str> = NAMES.split_whitespace().collect();
    assert_eq!(names.len(), 431);
    let simd = names
        .iter()
        .filter(|n| {
            ["v128", "x16", "x8", "x4", "x2"]
                .iter()
                .any(|s| n.contains(s))
        })
        .count();
    assert_eq!(simd, 236);
    for n in names {
        let m = decode(&instruction_module(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
        let body = &m.funcs[0].body;
        assert_eq!(body.len(), 1, "{n}: {body:?}");
        assert_eq!(name(&body[0]), n, "{body:?}");
    }
}

#[test]
fn every_vector_opcode_is_decoded_or_illegal() {
    let gaps = [
        154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212,
        226, 238,
    ];
    let mut legal = 0;
    for sub in 0u64..300 {
        let mut code = vec![0, 0xFD];
        code.extend(leb(sub));
        // Immediates enough for any vector instruction: a memarg and a lane, or 16 bytes.
        code.extend([0; 16]);
        code.push(0x0B);
        match decode(&with_body(&code)) {
            // Surplus immediates are read as `unreachable`s: the size still matches.
            Ok(_) => legal += 1,
            Err(e) if e.message.starts_with("illegal opcode") => {
                assert!(sub >= 256 || gaps.contains(&sub), "{sub}: {e}")
            }
            Err(e) => panic!("{sub}: {e}"),
        }
    }
    assert_eq!(legal, 236);
}

#[test]
fn every_single_byte_opcode_is_decoded_or_illegal() {
    for op in 0u8..=255 {
        let code = [0, op, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x0B, 0x0B, 0x0B];
        let got = decode(&with_body(&code));
        let illegal = matches!(&got, Err(e) if e.message.starts_with("illegal opcode"));
        let not_2_0 = matches!(
            op,
            0x06..=0x0A | 0x12..=0x19 | 0x1D..=0x1F | 0x27 | 0xC5..=0xCF | 0xD3..=0xFB | 0xFE | 0xFF
        );
        assert_eq!(illegal, not_2_0, "{op:#x}: {got:?}");
    }
}

#[test]
fn immediates_are_decoded_in_order() {
    let m = dec(r#"(module
        (type $t (func (param i32) (result i32)))
        (memory 1) (table 2 funcref) (table $u 2 externref)
        (elem $e func 0) (data $d "x")
        (func (param i32) (local i64 i64 f32)
          (i32.load offset=7 align=2 (i32.const -1))
          (i64.store8 offset=0x10000 (i32.const 0) (i64.const -9223372036854775808))
          (v128.load32_lane offset=3 align=2 2 (i32.const 0) (v128.const i32x4 1 2 3 4))
          (v128.store16_lane 7 (i32.const 0) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
          (i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 0 (v128.const i64x2 0 0) (v128.const i64x2 0 0))
          (f32.const -0x1p-149) (f64.const nan:0x4) (i8x16.extract_lane_u 15 (v128.const i64x2 0 0))
          (call_indirect $u (type $t) (i32.const 0) (i32.const 0))
          (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0))
          (table.copy $u 0 (i32.const 0) (i32.const 0) (i32.const 0))
          (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
          (br_table 0 1 0 (i32.const 0))
          (select (result externref) (ref.null extern) (ref.null extern) (i32.const 0))
          (v128.load8x8_s align=1 (i32.const 0))
        ))"#);
    let f = &m.funcs[0];
    assert_eq!(f.locals, vec![(2, ValType::I64), (1, ValType::F32)]);
    let c = |t, v| Instr::Const(t, v);
    let expected = vec![
        c(NumType::I32, 0xffff_ffff),
        Instr::Load(
            NumType::I32,
            None,
            0,
            MemArg {
                align: 1,
                offset: 7,
            },
        ),
        Instr::Drop,
        c(NumType::I32, 0),
        c(NumType::I64, 1 << 63),
        Instr::Store(
            NumType::I64,
            Some(8),
            0,
            MemArg {
                align: 0,
                offset: 0x10000,
            },
        ),
        c(NumType::I32, 0),
        Instr::VConst(4 << 96 | 3 << 64 | 2 << 32 | 1),
        Instr::VLoadLane(
            32,
            0,
            MemArg {
                align: 1,
                offset: 3,
            },
            2,
        ),
        Instr::Drop,
        c(NumType::I32, 0),
        Instr::VConst(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100),
        Instr::VStoreLane(
            16,
            0,
            MemArg {
                align: 1,
                offset: 0,
            },
            7,
        ),
        Instr::VConst(0),
        Instr::VConst(0),
        Instr::VShuffle([
            31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 0,
        ]),
        Instr::Drop,
        c(NumType::F32, 0x8000_0001),
        Instr::Drop,
        c(NumType::F64, 0x7ff0_0000_0000_0004),
        Instr::Drop,
        Instr::VConst(0),
        Instr::VExtractLane(Shape::I8X16, Some(Sx::U), 15),
        Instr::Drop,
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        Instr::CallIndirect(1, 0),
        Instr::Drop,
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        Instr::TableInit(1, 0),
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        Instr::TableCopy(1, 0),
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        c(NumType::I32, 0),
        Instr::MemoryInit(0, 0),
        c(NumType::I32, 0),
        Instr::BrTable(vec![0, 1], 0),
        Instr::RefNull(HeapType::Extern),
        Instr::RefNull(HeapType::Extern),
        c(NumType::I32, 0),
        Instr::Select(Some(vec![ValType::EXTERNREF])),
        Instr::Drop,
        c(NumType::I32, 0),
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 8,
                m: 8,
                sx: Sx::S,
            }),
            0,
            MemArg {
                align: 0,
                offset: 0,
            },
        ),
        Instr::Drop,
    ];
    // The text puts drops where the stack needs them; compare what both have.
    let got: Vec<&Instr> = f.body.iter().filter(|i| **i != Instr::Drop).collect();
    let want: Vec<&Instr> = expected.iter().filter(|i| **i != Instr::Drop).collect();
    assert_eq!(got, want);
}

#[test]
fn blocks_nest_with_their_block_types() {
    let m = dec(r#"(module
        (type $pair (func (param i32) (result i32 i64)))
        (func (result i32)
          (block $b (result i32)
            (loop $l
              (br_if $l (i32.const 0)))
            (if (result i32) (i32.const 1)
              (then (i32.const 2))
              (else (i32.const 3))))
          (if (i32.const 0) (then nop))
          (block (type $pair) (i32.const 0) (drop) (i32.const 0) (i64.const 0))
          (drop) (drop)
        ))"#);
    let c = |v| Instr::Const(NumType::I32, v);
    let body = &m.funcs[0].body;
    assert_eq!(
        body[0],
        Instr::Block(
            BlockType::Result(Some(ValType::I32)),
            vec![
                Instr::Loop(BlockType::Result(None), vec![c(0), Instr::BrIf(0)]),
                c(1),
                Instr::If(
                    BlockType::Result(Some(ValType::I32)),
                    vec![c(2)],
                    vec![c(3)]
                ),
            ]
        )
    );
    assert_eq!(
        body[2],
        Instr::If(BlockType::Result(None), vec![Instr::Nop], vec![])
    );
    assert!(matches!(body[3], Instr::Block(BlockType::Type(0), _)));
}

#[test]
fn every_section_is_decoded() {
    let m = dec(r#"(module
        (type (func (param i32 f64) (result v128 funcref)))
        (type (func))
        (import "m" "f" (func (type 1)))
        (import "m" "t" (table 1 2 externref))
        (import "m" "mem" (memory 1))
        (import "m" "g" (global (mut i64)))
        (table 3 funcref)
        (memory 2 5)
        (global $g f32 (f32.const 1.5))
        (global (mut externref) (ref.null extern))
        (export "e" (func 0))
        (export "t" (table 1))
        (export "mem" (memory 0))
        (export "g" (global 1))
        (start 1)
        (elem (i32.const 0) func 1)
        (data (i32.const 8) "hi")
        (func (type 1))
        (func (type 1) (data.drop 0))
        (@custom "c" "payload")
    )"#);
    assert_eq!(m.types.len(), 2);
    assert_eq!(m.types[0].params, vec![ValType::I32, ValType::F64]);
    assert_eq!(m.types[0].results, vec![ValType::V128, ValType::FUNCREF]);
    assert_eq!(m.imports.len(), 4);
    assert_eq!(m.imports[0].desc, ImportDesc::Func(1));
    assert_eq!(
        m.imports[1].desc,
        ImportDesc::Table(TableType {
            limits: Limits {
                min: 1,
                max: Some(2)
            },
            elem: EXTERNREF
        })
    );
    assert_eq!(
        m.imports[2].desc,
        ImportDesc::Mem(MemType {
            limits: Limits { min: 1, max: None }
        })
    );
    assert_eq!(
        m.imports[3].desc,
        ImportDesc::Global(GlobalType {
            mutable: true,
            ty: ValType::I64
        })
    );
    assert_eq!(m.tables[0].limits.min, 3);
    assert_eq!(
        m.mems[0].limits,
        Limits {
            min: 2,
            max: Some(5)
        }
    );
    assert_eq!(
        m.globals[0].init,
        vec![Instr::Const(NumType::F32, 0x3fc0_0000)]
    );
    assert_eq!(m.globals[1].init, vec![Instr::RefNull(HeapType::Extern)]);
    assert_eq!(
        m.exports.iter().map(|e| e.desc).collect::<Vec<_>>(),
        vec![
            ExportDesc::Func(0),
            ExportDesc::Table(1),
            ExportDesc::Mem(0),
            ExportDesc::Global(1)
        ]
    );
    assert_eq!(m.start, Some(1));
    assert_eq!(m.elems.len(), 1);
    assert_eq!(m.datas[0].init, b"hi");
    assert_eq!(m.data_count, Some(1));
    assert_eq!(m.funcs.len(), 2);
    assert_eq!(m.funcs[1].body, vec![Instr::DataDrop(0)]);
}

#[test]
fn element_segment_forms_0_to_7() {
    let c0 = vec![Instr::Const(NumType::I32, 0)];
    let rf = |x| vec![Instr::RefFunc(x)];
    let cases: Vec<(&[u8], Elem)> = vec![
        (
            &[0, 0x41, 0, 0x0B, 1, 5],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5)],
                mode: ElemMode::Active(0, c0.clone()),
            },
        ),
        (
            &[1, 0, 1, 5],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5)],
                mode: ElemMode::Passive,
            },
        ),
        (
            &[2, 1, 0x41, 0, 0x0B, 0, 2, 5, 6],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5), rf(6)],
                mode: ElemMode::Active(1, c0.clone()),
            },
        ),
        (
            &[3, 0, 0],
            Elem {
                ty: FUNCREF,
                init: vec![],
                mode: ElemMode::Declare,
            },
        ),
        (
            &[4, 0x41, 0, 0x0B, 1, 0xD2, 5, 0x0B],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5)],
                mode: ElemMode::Active(0, c0.clone()),
            },
        ),
        (
            &[5, 0x6F, 1, 0xD0, 0x6F, 0x0B],
            Elem {
                ty: EXTERNREF,
                init: vec![vec![Instr::RefNull(HeapType::Extern)]],
                mode: ElemMode::Passive,
            },
        ),
        (
            &[6, 1, 0x41, 0, 0x0B, 0x70, 1, 0xD2, 5, 0x0B],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5)],
                mode: ElemMode::Active(1, c0.clone()),
            },
        ),
        (
            &[7, 0x70, 1, 0xD2, 5, 0x0B],
            Elem {
                ty: FUNCREF,
                init: vec![rf(5)],
                mode: ElemMode::Declare,
            },
        ),
    ];
    for (seg, want) in cases {
        let mut sec = vec![1];
        sec.extend_from_slice(seg);
        let m = decode(&sections(&[(9, &sec)])).unwrap_or_else(|e| panic!("{seg:?}: {e}"));
        assert_eq!(m.elems, vec![want]);
    }
    malformed(
        &sections(&[(9, &[1, 8, 0])]),
        "malformed elements segment kind",
    );
    malformed(&sections(&[(9, &[1, 1, 1, 0])]), "malformed element kind");
    malformed(
        &sections(&[(9, &[1, 5, 0x7F, 0])]),
        "malformed reference type",
    );
    // Text produces the forms too.
    let m = dec(r#"(module (table 1 funcref) (func)
        (elem (i32.const 0) func 0) (elem func 0) (elem (table 0) (i32.const 0) func 0)
        (elem declare func 0) (elem (i32.const 0) funcref (ref.func 0))
        (elem externref (ref.null extern)))"#);
    assert_eq!(m.elems.len(), 6);
}

#[test]
fn data_segment_forms_0_to_2() {
    let c0 = vec![Instr::Const(NumType::I32, 0)];
    let sec = [
        3, 0, 0x41, 0, 0x0B, 2, b'a', b'b', 1, 1, b'c', 2, 1, 0x41, 0, 0x0B, 0,
    ];
    let m = decode(&sections(&[(11, &sec)])).unwrap();
    assert_eq!(
        m.datas,
        vec![
            Data {
                init: b"ab".to_vec(),
                mode: DataMode::Active(0, c0.clone())
            },
            Data {
                init: b"c".to_vec(),
                mode: DataMode::Passive
            },
            Data {
                init: vec![],
                mode: DataMode::Active(1, c0)
            },
        ]
    );
    malformed(
        &sections(&[(11, &[1, 3, 0])]),
        "malformed data segment kind",
    );
}

// ---------------------------------------------------------------------------------------
// Malformed modules.

#[test]
fn header() {
    malformed(b"", "unexpected end");
    malformed(b"\x01", "unexpected end");
    malformed(b"\0as", "unexpected end");
    malformed(b"\0asm", "unexpected end");
    malformed(b"\0asm\x01\0\0", "unexpected end");
    malformed(b"\0ASM\x01\0\0\0", "magic header not detected");
    malformed(b"\xef\xbb\xbf\0asm\x01\0\0\0", "magic header not detected");
    malformed(b"\0asm\x02\0\0\0", "unknown binary version");
    malformed(b"\0asm\x01\0\0\x01", "unknown binary version");
    assert_eq!(decode(b"\0asm\x01\0\0\0"), Ok(Module::default()));
}

#[test]
fn sections_order_size_and_ids() {
    malformed(&sections(&[(13, &[])]), "malformed section id");
    malformed(b"\0asm\x01\0\0\0\x80\x01\0", "malformed section id");
    malformed(
        &sections(&[(2, &[0]), (1, &[0])]),
        "unexpected content after last section",
    );
    malformed(
        &sections(&[(6, &[0]), (6, &[0])]),
        "unexpected content after last section",
    );
    malformed(
        &sections(&[(10, &[0]), (12, &[0])]),
        "unexpected content after last section",
    );
    // The data count section goes between the element and the code sections.
    assert!(decode(&sections(&[(9, &[0]), (12, &[0]), (10, &[0]), (11, &[0])])).is_ok());
    // Custom sections anywhere, any number.
    assert!(
        decode(&sections(&[
            (0, b"\x01a"),
            (1, &[0]),
            (0, b"\x01b"),
            (0, b"\0")
        ]))
        .is_ok()
    );
    // 1 type declared, 2 given.
    malformed(
        b"\0asm\x01\0\0\0\x01\x07\x01\x60\0\0\x60\0\0",
        "section size mismatch",
    );
    // 2 types declared, 1 given: the size exceeds the input.
    malformed(
        b"\0asm\x01\0\0\0\x01\x07\x02\x60\0\0",
        "length out of bounds",
    );
    // 2 globals declared, 1 given.
    malformed(
        &sections(&[(6, &[2, 0x7F, 0, 0x41, 0, 0x0B])]),
        "unexpected end of section or function",
    );
    // Custom section: name longer than the section, size beyond the input, bad UTF-8.
    malformed(b"\0asm\x01\0\0\0\0\0\0\x05\x01\0\x07\0\0", "unexpected end");
    malformed(b"\0asm\x01\0\0\0\0asm\x01\0\0\0", "length out of bounds");
    malformed(
        &sections(&[(0, b"\x02\xc0\x80")]),
        "malformed UTF-8 encoding",
    );
    malformed(
        &sections(&[(0, b"\x03\xed\xa0\x80")]),
        "malformed UTF-8 encoding",
    );
    malformed(
        &sections(&[(0, b"\x04\xf4\x90\x80\x80")]),
        "malformed UTF-8 encoding",
    );
    // Import and export names and kinds.
    malformed(
        &sections(&[(2, b"\x01\x01\xff\0\0\0")]),
        "malformed UTF-8 encoding",
    );
    malformed(&sections(&[(2, b"\x01\0\0\x04")]), "malformed import kind");
    malformed(&sections(&[(2, b"\x01\0\0\x80")]), "malformed import kind");
    malformed(&sections(&[(7, b"\x01\0\x04\0")]), "malformed export kind");
    malformed(
        &sections(&[(6, &[1, 0x7F, 2, 0x41, 0, 0x0B])]),
        "malformed mutability",
    );
    malformed(&sections(&[(4, &[1, 0x70, 2])]), "integer too large");
    malformed(
        &sections(&[(4, &[1, 0x70, 0x81, 0, 0, 0])]),
        "integer representation too long",
    );
    malformed(
        &sections(&[(5, &[1, 0, 0x82, 0x80, 0x80, 0x80, 0x80, 0])]),
        "integer representation too long",
    );
    malformed(
        &sections(&[(1, &[1, 0x5F, 0, 0])]),
        "malformed function type",
    );
    malformed(
        &sections(&[(1, &[1, 0x60, 1, 0x74, 0])]),
        "malformed vector type",
    );
    malformed(
        &sections(&[(1, &[1, 0x60, 1, 0x64, 0])]),
        "malformed reference type",
    );
}

#[test]
fn function_and_data_counts() {
    let ty = (1u8, &[1u8, 0x60, 0, 0][..]);
    malformed(
        &sections(&[ty, (3, &[2, 0, 0])]),
        "function and code section have inconsistent lengths",
    );
    malformed(
        &sections(&[(10, &[1, 2, 0, 0x0B])]),
        "function and code section have inconsistent lengths",
    );
    malformed(
        &sections(&[ty, (3, &[1, 0]), (10, &[2, 2, 0, 0x0B, 2, 0, 0x0B])]),
        "function and code section have inconsistent lengths",
    );
    malformed(
        &sections(&[(12, &[3]), (11, &[2, 1, 0, 1, 0])]),
        "data count and data section have inconsistent lengths",
    );
    malformed(
        &sections(&[(12, &[1])]),
        "data count and data section have inconsistent lengths",
    );
    assert!(decode(&sections(&[(12, &[0])])).is_ok());
    let body = [0x0C, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 0, 0, 0x0B];
    malformed(
        &sections(&[
            ty,
            (3, &[1, 0]),
            (5, &[1, 0, 0]),
            (10, &{
                let mut v = vec![1];
                v.extend_from_slice(&body);
                v
            }),
            (11, &[1, 1, 0]),
        ]),
        "data count section required",
    );
    malformed(
        &with_body(&[0, 0xFC, 9, 0, 0x0B]),
        "data count section required",
    );
}

#[test]
fn code_entries() {
    // Missing `end` before the next function.
    malformed(
        &sections(&[
            (1, &[1, 0x60, 0, 0]),
            (3, &[2, 0, 0]),
            (10, &[2, 4, 0, 0x41, 1, 0x1A, 5, 0, 0x41, 1, 0x1A, 0x0B]),
        ]),
        "END opcode expected",
    );
    // Missing `end` at the end of the input.
    malformed(
        &sections(&[
            (1, &[1, 0x60, 0, 0]),
            (3, &[1, 0]),
            (10, &[1, 4, 0, 0x41, 1, 0x1A]),
        ]),
        "unexpected end of section or function",
    );
    // A function body shorter than its size says.
    malformed(&with_body(&[0, 0x0B, 0x01]), "section size mismatch");
    // `else` outside `if`, `else` twice.
    malformed(
        &with_body(&[0, 0x02, 0x40, 0x05, 0x0B, 0x0B]),
        "END opcode expected",
    );
    malformed(
        &with_body(&[0, 0x41, 0, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B]),
        "END opcode expected",
    );
    // A global's initialiser missing its `end` runs into the code section's id.
    malformed(
        b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x06\x05\x01\x7f\0\x41\0\x0a\x04\x01\x02\0\x0b",
        "illegal opcode",
    );
    malformed(&with_body(&[0, 0xFC, 18, 0x0B]), "illegal opcode");
    malformed(&with_body(&[0, 0x06, 0x0B]), "illegal opcode");
    // Reserved bytes of the memory instructions.
    malformed(
        &with_body(&[0, 0x41, 0, 0x40, 1, 0x1A, 0x0B]),
        "zero byte expected",
    );
    malformed(
        &with_body(&[0, 0x3F, 0x80, 0, 0x1A, 0x0B]),
        "zero byte expected",
    );
    malformed(&with_body(&[0, 0xFC, 11, 1, 0x0B]), "zero byte expected");
    malformed(&with_body(&[0, 0xFC, 10, 0, 1, 0x0B]), "zero byte expected");
    // call_indirect's table is an index (reference types).
    let m = decode(&with_body(&[0, 0x11, 0, 0x81, 0x01, 0x0B])).unwrap();
    assert_eq!(m.funcs[0].body, vec![Instr::CallIndirect(129, 0)]);
    // Alignment exponents of 32 and more.
    for a in [0x20u8, 0x21, 0x3F, 0x40, 0x41] {
        malformed(
            &with_body(&[0, 0x41, 0, 0x28, a, 0, 0x1A, 0x0B]),
            "malformed memop flags",
        );
    }
    // Locals: too many in total, a count over u32, a bad type.
    malformed(
        &with_body(&[2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 2, 0x7E, 0x0B]),
        "too many locals",
    );
    malformed(
        &with_body(&[2, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F, 2, 0x7E, 0x0B]),
        "integer too large",
    );
    malformed(&with_body(&[1, 1, 0x40, 0x0B]), "malformed reference type");
    let m = decode(&with_body(&[
        2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0, 0x7E, 0x0B,
    ]))
    .unwrap();
    assert_eq!(
        m.funcs[0].locals,
        vec![(u32::MAX, ValType::I32), (0, ValType::I64)]
    );
    // A negative type index as a block type.
    malformed(
        &with_body(&[0, 0x02, 0xFF, 0x7F, 0x0B, 0x0B]),
        "malformed block type",
    );
    let m = decode(&with_body(&[
        0, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0B, 0x0B,
    ]))
    .unwrap();
    assert_eq!(
        m.funcs[0].body,
        vec![Instr::Block(BlockType::Type(u32::MAX), vec![])]
    );
}

#[test]
fn leb128_bounds() {
    let u32s = |b: &[u8]| reader::Reader::new(b).u32().map_err(|e| e.message);
    let i32s = |b: &[u8]| reader::Reader::new(b).i32().map_err(|e| e.message);
    let i64s = |b: &[u8]| reader::Reader::new(b).i64().map_err(|e| e.message);
    let s33 = |b: &[u8]| reader::Reader::new(b).s33().map_err(|e| e.message);
    assert_eq!(u32s(&[0x80, 0x80, 0x80, 0x80, 0x00]), Ok(0));
    assert_eq!(u32s(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), Ok(u32::MAX));
    assert_eq!(
        u32s(&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F]),
        Err("integer too large".into())
    );
    assert_eq!(
        u32s(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
        Err("integer representation too long".into())
    );
    assert_eq!(u32s(&[0x80, 0x80]), Err(reader::EOF.into()));
    assert_eq!(i32s(&[0x7F]), Ok(u32::MAX));
    assert_eq!(i32s(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), Ok(u32::MAX));
    assert_eq!(i32s(&[0x80, 0x80, 0x80, 0x80, 0x78]), Ok(0x8000_0000));
    assert_eq!(
        i32s(&[0x80, 0x80, 0x80, 0x80, 0x70]),
        Err("integer too large".into())
    );
    assert_eq!(
        i32s(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        Err("integer too large".into())
    );
    assert_eq!(i32s(&[0xFF, 0xFF, 0xFF, 0xFF, 0x07]), Ok(0x7FFF_FFFF));
    assert_eq!(
        i32s(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
        Err("integer representation too long".into())
    );
    let mut max = vec![0xFF; 9];
    max.push(0x00);
    assert_eq!(i64s(&max), Ok(i64::MAX as u64));
    let mut min = vec![0x80; 9];
    min.push(0x7F);
    assert_eq!(i64s(&min), Ok(1 << 63));
    let mut bad = vec![0x80; 9];
    bad.push(0x01);
    assert_eq!(i64s(&bad), Err("integer too large".into()));
    assert_eq!(s33(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), Ok(u32::MAX as i64));
    assert_eq!(s33(&[0x80, 0x80, 0x80, 0x80, 0x70]), Ok(-(1 << 32)));
    assert_eq!(
        s33(&[0x80, 0x80, 0x80, 0x80, 0x60]),
        Err("integer too large".into())
    );
    // Non-minimal encodings are fine, in the module too.
    let m = decode(&with_body(&[0, 0x41, 0x80, 0x80, 0x00, 0x1A, 0x0B])).unwrap();
    assert_eq!(m.funcs[0].body[0], Instr::Const(NumType::I32, 0));
    // An offset one byte too long.
    malformed(
        &with_body(&[
            0, 0x41, 0, 0x28, 2, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B,
        ]),
        "integer representation too long",
    );
    malformed(
        &with_body(&[
            0, 0x41, 0, 0x28, 2, 0x82, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B,
        ]),
        "integer too large",
    );
}

// ---------------------------------------------------------------------------------------
// Hostile inputs: none may panic, overflow the stack or allocate what they merely claim.

#[test]
fn claimed_lengths_are_bounded_by_the_input() {
    // A 2^32-1 element type vector in a 14-byte file.
    malformed(
        &sections(&[(1, &[0xFF, 0xFF, 0xFF, 0xFF, 0x0F])]),
        "length out of bounds",
    );
    // A section claiming 4 GiB.
    malformed(
        b"\0asm\x01\0\0\0\x01\xFF\xFF\xFF\xFF\x0F",
        "length out of bounds",
    );
    // Names, byte strings and br_table targets likewise.
    malformed(
        &sections(&[(7, &[1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])]),
        "length out of bounds",
    );
    malformed(
        &with_body(&[0, 0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0B]),
        "length out of bounds",
    );
    malformed(
        &sections(&[(11, &[1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])]),
        "length out of bounds",
    );
    // A code entry whose size exceeds what is left.
    malformed(&sections(&[(10, &[1, 0x7F])]), "length out of bounds");
}

#[test]
fn deep_nesting_is_rejected_or_decoded_without_recursion() {
    let depth = 100_000;
    let mut code = vec![0];
    code.extend(std::iter::repeat_n([0x02, 0x40], depth).flatten());
    code.extend(std::iter::repeat_n(0x0B, depth + 1));
    let e = decode(&with_body(&code)).unwrap_err();
    assert!(e.message.starts_with("implementation limit"), "{e}");
    // Up to the limit, blocks decode, and the tree can be dropped on a small stack.
    let ok = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let mut code = vec![0];
            code.extend(std::iter::repeat_n([0x02, 0x40], MAX_NESTING).flatten());
            code.extend(std::iter::repeat_n(0x0B, MAX_NESTING + 1));
            decode(&with_body(&code)).is_ok()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(ok);
    // Unclosed blocks at the end of the input.
    let mut code = vec![0];
    code.extend(std::iter::repeat_n([0x02, 0x40], 1000).flatten());
    malformed(&with_body(&code), "unexpected end of section or function");
}

/// A module using most of the binary format, for truncation and mutation.
fn sample() -> Vec<u8> {
    wasm(
        r#"(module
        (type $t (func (param i32 i64) (result f32)))
        (import "env" "f" (func (type $t)))
        (import "env" "g" (global i32))
        (table $tab 2 10 funcref)
        (memory 1 2)
        (global $x (mut f64) (f64.const 2.5))
        (export "run" (func $run))
        (start $s)
        (elem (i32.const 0) func $run $s)
        (elem $p externref (ref.null extern))
        (func $s)
        (func $run (param i32) (result i32) (local i64 v128)
          (block $out (result i32)
            (loop $l
              (br_if $l (i32.eqz (local.get 0)))
              (if (i32.const 1) (then (nop)) (else (unreachable))))
            (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
              (v128.load offset=4 (i32.const 0)) (local.get 2)))
            (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))
            (table.init $tab $p (i32.const 0) (i32.const 0) (i32.const 0))
            (br_table 0 0 (i32.const 7) (local.get 0))))
        (data "passive")
        (data (i32.const 16) "\00\01\02")
        (@custom "name-ish" "payload"))"#,
    )
}

#[test]
fn every_truncation_of_a_module_fails() {
    let full = sample();
    assert!(decode(&full).is_ok());
    // Where the sections end: a prefix ending there may be a module (the later sections
    // being optional); a prefix ending anywhere else is an error.
    let mut ends = vec![8];
    let mut at = 8;
    while at < full.len() {
        let mut r = reader::Reader::new(&full[at + 1..]);
        let size = r.u32().unwrap() as usize;
        at += 1 + r.pos() + size;
        ends.push(at);
    }
    assert_eq!(ends.last(), Some(&full.len()));
    for n in 0..full.len() {
        let got = decode(&full[..n]);
        if !ends.contains(&n) {
            let e = got.expect_err("a truncated section decoded");
            assert!(e.offset <= n, "{e}");
        }
    }
}

/// xorshift64*, for reproducible random inputs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let header = b"\0asm\x01\0\0\0";
    for i in 0..20_000 {
        let len = rng.below(64);
        let mut v: Vec<u8> = if i % 2 == 0 {
            header.to_vec()
        } else {
            Vec::new()
        };
        v.extend((0..len).map(|_| rng.next() as u8));
        let _ = decode(&v);
    }
    let base = sample();
    for _ in 0..20_000 {
        let mut v = base.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(v.len());
            match rng.below(4) {
                0 => v[at] = rng.next() as u8,
                1 => v[at] ^= 1 << rng.below(8),
                2 => {
                    v.remove(at);
                }
                _ => v.insert(at, rng.next() as u8),
            }
        }
        if let Err(e) = decode(&v) {
            assert!(e.offset <= v.len(), "{e}");
        }
    }
}

#[test]
fn limits_read_as_3_0_reads_them_only_when_asked() {
    // One memory whose minimum, 2, takes a 6-byte LEB128: malformed in 2.0 (a u32 takes
    // at most 5 bytes), well formed in 3.0 (Blimits reads a u64).
    let m = b"\0asm\x01\0\0\0\x05\x08\x01\x00\x82\x80\x80\x80\x80\x00";
    let e = decode(m).unwrap_err();
    assert_eq!(e.message, "integer representation too long");
    let three = DecodeOptions { u64_limits: true };
    let d = decode_with(m, three).unwrap();
    assert_eq!(d.mems[0].limits.min, 2);
    // 3.0 too rejects a bound past 2^32 - 1 for a 32-bit memory or table.
    let big = b"\0asm\x01\0\0\0\x05\x07\x01\x00\x80\x80\x80\x80\x10";
    assert!(decode(big).is_err());
    assert_eq!(
        decode_with(big, three).unwrap_err().message,
        "limit exceeds 2^32 - 1"
    );
}

/// How often each coverage point fired so far, summed over details.
fn counts() -> std::collections::HashMap<String, u64> {
    let mut out = std::collections::HashMap::new();
    for h in crate::coverage::snapshot() {
        *out.entry(h.name).or_default() += h.count;
    }
    out
}

/// Decoding marks the productions of the binary grammar it takes: a module of many forms
/// and every 2.0 instruction reach every point of chapters 5.1 to 5.4 that the reach
/// table does not list, and no point it lists.
#[test]
fn decoding_marks_every_reachable_point_of_the_binary_grammar() {
    let before = counts();
    decode(&sample()).expect("the sample decodes");
    let forms = wasm(
        r#"(module
        (type $v (func))
        (type $two (func (param i32) (result i32 i32)))
        (import "m" "f" (func (type $v)))
        (import "m" "t" (table 1 funcref))
        (import "m" "m" (memory 1))
        (import "m" "g" (global (mut i64)))
        (global $g f32 (f32.const -1.5))
        (export "f" (func 0)) (export "t" (table 0)) (export "m" (memory 0))
        (export "g" (global $g))
        (elem func 0)
        (func (type $two) (local i32 i32) (local f64)
          (block (type $two) (local.get 0) (i32.const -1) (i64.const -1) (drop) (drop))
          (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)))
        (data (memory 0) (i32.const 0) "x"))"#,
    );
    decode(&forms).expect("the forms module decodes");
    for n in NAMES.split_whitespace() {
        decode(&instruction_module(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
    }
    let after = counts();
    let fired = |p: &str| after.get(p).copied().unwrap_or(0) > before.get(p).copied().unwrap_or(0);
    let grammar = crate::coverage::catalogue()
        .iter()
        .filter(|p| p.chapter.starts_with("5."));
    let mut missed = Vec::new();
    let mut reachable = 0;
    for p in grammar {
        match crate::coverage::unreachable(p) {
            None => {
                reachable += 1;
                if !fired(p.name) {
                    missed.push(p.name);
                }
            }
            Some(why) => assert!(
                after.get(p.name).is_none_or(|&n| n == 0),
                "{} fired but is listed unreachable: {why}",
                p.name
            ),
        }
    }
    assert!(reachable > 140, "only {reachable} reachable grammar points");
    assert!(missed.is_empty(), "not marked: {missed:?}");
    // A few counts of this decode: one per instruction decoded.
    let grew = |p: &str| after.get(p).copied().unwrap_or(0) - before.get(p).copied().unwrap_or(0);
    assert!(
        grew("Binstr/num-bin-i32") >= 15,
        "one per i32 binop at least"
    );
    assert!(grew("Bmodule") >= 433, "one per module");
}

/// A malformed binary marks the productions the decoder entered before it failed.
#[test]
fn a_malformed_binary_marks_the_productions_it_entered() {
    let before = counts();
    // i32.const with a 6-byte LEB128: Binstr/num-const, Bi32 and BsN are entered.
    let bad = with_body(&[0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B]);
    malformed(&bad, "integer representation too long");
    let after = counts();
    for p in ["Binstr/num-const", "Bi32", "BiN", "BsN", "Bexpr", "Bcode"] {
        assert!(after.get(p) > before.get(p), "{p} not marked");
    }
}
