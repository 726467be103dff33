//! Recipes aimed at the numeric rules and clauses (`3.1-numerics.scalar`,
//! `3.2-numerics.vector`) and at the execution rules of the vector instructions: each
//! operator of the 2.0 profile on operands chosen to hit its clauses.
//!
//! Table-driven: a table lists the operators of one kind (scalar unary and conversions,
//! scalar binary and comparisons, vector operators, memory accesses), each with the kinds
//! of its operands. A draw picks one operator and calls it on edge operands of those kinds:
//! 0, ±1, MIN/MAX, ±0.0, ±inf, subnormals, canonical, arithmetic and signalling NaNs, the
//! bounds of the float-to-integer conversions, lanes that differ lane by lane, saturating
//! lanes, swizzle indices of 16 and more, shift counts at and past the lane width,
//! addresses at the memory bound.

use oracle::Value;
// The lane types of `v128` operands.
use oracle::ast::LaneType as Lane;

use super::{Candidate, Recipe};
use crate::{SplitMix64, edge};

/// The recipes.
pub static RECIPES: &[Recipe] = &[
    Recipe {
        name: "numeric/unary",
        family: "numeric",
        aims: &[
            "$unop_#*",
            "$testop_#*",
            "$cvtop__#*",
            "$iclz_#*",
            "$ictz_#*",
            "$ipopcnt_#*",
            "$iextend_#*",
            "$ieqz_#*",
            "$fabs_#*",
            "$fneg_#*",
            "$fsqrt_#*",
            "$fceil_#*",
            "$ffloor_#*",
            "$ftrunc_#*",
            "$fnearest_#*",
            "$wrap__#*",
            "$extend__#*",
            "$trunc__#*",
            "$trunc_sat__#*",
            "$demote__#*",
            "$promote__#*",
            "$convert__#*",
            "$reinterpret__#*",
            "$ibits_#*",
            "$fbits_#*",
            "$inv_ibits_#*",
            "$inv_fbits_#*",
            "$bool#*",
            "Step_pure/unop-val",
            "Step_pure/testop",
            "Step_pure/cvtop-val",
            "Step_pure/cvtop-trap",
        ],
        make: |rng| pick(&scalar_unary(), rng),
    },
    Recipe {
        name: "numeric/binary",
        family: "numeric",
        aims: &[
            "$binop_#*",
            "$relop_#*",
            "$iadd_#*",
            "$isub_#*",
            "$imul_#*",
            "$idiv_#*",
            "$irem_#*",
            "$truncz#*",
            "$iand_#*",
            "$ior_#*",
            "$ixor_#*",
            "$ishl_#*",
            "$ishr_#*",
            "$irotl_#*",
            "$irotr_#*",
            "$ieq_#*",
            "$ine_#*",
            "$ilt_#*",
            "$igt_#*",
            "$ile_#*",
            "$ige_#*",
            "$fadd_#*",
            "$fsub_#*",
            "$fmul_#*",
            "$fdiv_#*",
            "$fmin_#*",
            "$fmax_#*",
            "$fcopysign_#*",
            "$feq_#*",
            "$fne_#*",
            "$flt_#*",
            "$fgt_#*",
            "$fle_#*",
            "$fge_#*",
            "$signed_#*",
            "$inv_signed_#*",
            "Step_pure/binop-val",
            "Step_pure/binop-trap",
            "Step_pure/relop",
        ],
        make: |rng| pick(&scalar_binary(), rng),
    },
    Recipe {
        name: "numeric/bytes",
        family: "numeric",
        aims: &[
            "$nbytes_#*",
            "$ibytes_#*",
            "$fbytes_#*",
            "$inv_nbytes_#*",
            "$inv_ibytes_#*",
            "$inv_fbytes_#*",
        ],
        make: |rng| pick(&scalar_memory(), rng),
    },
    Recipe {
        name: "simd/lanewise",
        family: "simd",
        aims: &[
            "$vvunop_#*",
            "$vvbinop_#*",
            "$vvternop_#*",
            "$vunop_#*",
            "$vbinop_#*",
            "$vrelop_#*",
            "$vshiftop_#*",
            "$vbitmaskop_#*",
            "$vswizzlop_#*",
            "$vshufflop_#*",
            "$vnarrowop__#*",
            "$vcvtop__#*",
            "$lcvtop__#*",
            "$zeroop#*",
            "$halfop#*",
            "$half#*",
            "$zero#*",
            "$vextunop__#*",
            "$vextbinop__#*",
            "$ivunop_#*",
            "$fvunop_#*",
            "$ivbinop_#*",
            "$ivbinopsx_#*",
            "$fvbinop_#*",
            "$ivrelop_#*",
            "$ivrelopsx_#*",
            "$fvrelop_#*",
            "$ivshiftop_#*",
            "$ivshiftopsx_#*",
            "$ivbitmaskop_#*",
            "$ivswizzlop_#*",
            "$ivshufflop_#*",
            "$iswizzle_lane_#*",
            "$ivextunop__#*",
            "$ivextbinop__#*",
            "$ivadd_pairwise_#*",
            "$ivmul_#*",
            "$ivdot_#*",
            "$imin_#*",
            "$imax_#*",
            "$iadd_sat_#*",
            "$isub_sat_#*",
            "$iq15mulr_sat_#*",
            "$iavgr_#*",
            "$sat_u_#*",
            "$sat_s_#*",
            "$narrow__#*",
            "$irev_#*",
            "$inot_#*",
            "$iandnot_#*",
            "$ibitselect_#*",
            "$inez_#*",
            "$fpmin_#*",
            "$fpmax_#*",
            "$iabs_#*",
            "$ineg_#*",
            "$lpacknum_#*",
            "$inv_ibits_#*",
            "Step_pure/vvunop",
            "Step_pure/vvbinop",
            "Step_pure/vvternop",
            "Step_pure/vvtestop",
            "Step_pure/vunop-val",
            "Step_pure/vbinop-val",
            "Step_pure/vtestop",
            "Step_pure/vrelop",
            "Step_pure/vshiftop",
            "Step_pure/vbitmask",
            "Step_pure/vswizzlop",
            "Step_pure/vshuffle",
            "Step_pure/vsplat",
            "Step_pure/vextract_lane-*",
            "Step_pure/vreplace_lane",
            "Step_pure/vextunop",
            "Step_pure/vextbinop",
            "Step_pure/vnarrow",
            "Step_pure/vcvtop",
        ],
        make: |rng| {
            let ops = simd(rng);
            pick(&ops, rng)
        },
    },
    Recipe {
        name: "simd/memory",
        family: "simd",
        aims: &[
            "$vbytes_#*",
            "$inv_vbytes_#*",
            "$ibytes_#*",
            "$inv_ibytes_#*",
            "Step_read/vload-*",
            "Step_read/vload_lane-*",
            "Step/vstore-*",
            "Step/vstore_lane-*",
        ],
        make: |rng| {
            let ops = simd_memory(rng);
            pick(&ops, rng)
        },
    },
];

/// A shape's text (`i8x16`).
fn shape(l: Lane) -> &'static str {
    match l {
        Lane::I8 => "i8x16",
        Lane::I16 => "i16x8",
        Lane::I32 => "i32x4",
        Lane::I64 => "i64x2",
        Lane::F32 => "f32x4",
        Lane::F64 => "f64x2",
    }
}

/// The number of lanes of a shape.
fn dim(l: Lane) -> u32 {
    128 / l.size()
}

/// The scalar type a lane is read from and written as (`i32` for the packed lanes).
fn scalar(l: Lane) -> Arg {
    match l {
        Lane::I8 | Lane::I16 | Lane::I32 => Arg::I32,
        Lane::I64 => Arg::I64,
        Lane::F32 => Arg::F32,
        Lane::F64 => Arg::F64,
    }
}

/// A lane's edge values.
fn lane_edges(l: Lane) -> &'static [u64] {
    match l {
        Lane::I8 => &I8_LANES,
        Lane::I16 => &I16_LANES,
        Lane::I32 => &I32_LANES,
        Lane::I64 => &I64_LANES,
        Lane::F32 => &F32_VALUES,
        Lane::F64 => &F64_VALUES,
    }
}

const INT_LANES: [Lane; 4] = [Lane::I8, Lane::I16, Lane::I32, Lane::I64];
const FLOAT_LANES: [Lane; 2] = [Lane::F32, Lane::F64];

/// The kind of an operand, which says how to draw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    I32,
    I64,
    F32,
    F64,
    /// An `i32` shift count: 0, 1, around each lane width, past 64, negative.
    Shift,
    /// An `i32` address: 0, 1, at and around the end of the one-page memory, huge.
    Addr,
    /// A `v128` of these lanes, each drawn on its own.
    V(Lane),
    /// A `v128` of swizzle indices: in range, 16, 31, 128, 255.
    Swizzle,
}

impl Arg {
    fn text(self) -> &'static str {
        match self {
            Arg::I32 | Arg::Shift | Arg::Addr => "i32",
            Arg::I64 => "i64",
            Arg::F32 => "f32",
            Arg::F64 => "f64",
            Arg::V(_) | Arg::Swizzle => "v128",
        }
    }
}

/// One operator: the body of a function on its operands, and the operand kinds.
#[derive(Clone, Debug)]
struct Op {
    /// The instruction with its immediates (`i32.add`, `i8x16.extract_lane_s 3`).
    instr: String,
    /// Its operands, in order.
    args: Vec<Arg>,
    /// Its result type, if any.
    result: Option<&'static str>,
    /// Instructions after it, in the function body (a read-back after a store).
    after: &'static str,
    /// Whether the module needs a memory.
    memory: bool,
}

impl Op {
    fn new(instr: impl Into<String>, args: &[Arg], result: &'static str) -> Op {
        Op {
            instr: instr.into(),
            args: args.to_vec(),
            result: Some(result),
            after: "",
            memory: false,
        }
    }

    /// The function, exported under the operator's text, applying it to its parameters.
    fn func(&self) -> String {
        let params: Vec<&str> = self.args.iter().map(|a| a.text()).collect();
        let gets: String = (0..self.args.len())
            .map(|i| format!("local.get {i} "))
            .collect();
        let result = self
            .result
            .map_or(String::new(), |r| format!(" (result {r})"));
        format!(
            "  (func (export \"{}\") (param {}){result}\n    {gets}{} {})\n",
            self.instr,
            params.join(" "),
            self.instr,
            self.after
        )
    }
}

/// How many operators of a table one candidate applies: the table is cut in groups of
/// this many neighbours (related operators), and a draw picks a group.
const GROUP: usize = 6;

/// A module applying each of the operators (one exported function each), with an
/// exported page of memory holding bytes at both ends when one of them accesses memory.
fn module(ops: &[Op]) -> String {
    let mut text = String::from("(module\n");
    if ops.iter().any(|op| op.memory) {
        text.push_str(concat!(
            "  (memory (export \"mem\") 1)\n",
            "  (data (i32.const 0) \"\\00\\01\\7f\\80\\ff\\fe\\00\\80\\01\\00\\00\\00",
            "\\00\\00\\f0\\7f\\00\\00\\c0\\7f\\01\\00\\a0\\7f\\ff\\ff\\ff\\ff\\00\\00\\80\\ff\")\n",
            "  (data (i32.const 65520) \"\\ff\\ee\\dd\\cc\\bb\\aa\\99\\88\\77\\66\\55\\44",
            "\\33\\22\\11\\80\")\n",
        ));
    }
    for op in ops {
        text.push_str(&op.func());
    }
    text.push(')');
    text
}

/// A candidate calling each of the operators on edge operands.
fn candidate(ops: &[Op], rng: &mut SplitMix64) -> Result<Candidate, String> {
    let mut calls = Vec::new();
    for op in ops {
        for args in arguments(&op.args, rng) {
            calls.push((op.instr.as_str(), args));
        }
    }
    Candidate::wat(&module(ops), calls)
}

/// A candidate for one group of neighbours of the table, drawn.
fn pick(ops: &[Op], rng: &mut SplitMix64) -> Result<Candidate, String> {
    if ops.is_empty() {
        return Err("an empty table of operators".into());
    }
    let groups = ops.len().div_ceil(GROUP) as u64;
    let g = (rng.next_u64() % groups) as usize * GROUP;
    candidate(&ops[g..(g + GROUP).min(ops.len())], rng)
}

// ---------------------------------------------------------------------------------------
// Operands
// ---------------------------------------------------------------------------------------

/// `f32` operands: the edges, and the bounds of the conversions to integers.
const F32_VALUES: [u64; 28] = {
    let mut out = [0u64; 28];
    let mut i = 0;
    while i < edge::F32.len() {
        out[i] = edge::F32[i] as u64;
        i += 1;
    }
    let more: [u64; 8] = [
        0x4eff_ffff, // largest below 2^31
        0x4f7f_ffff, // largest below 2^32
        0x4f80_0000, // 2^32
        0x5f80_0000, // 2^64
        0xdf00_0000, // -2^63
        0xbf7f_ffff, // just above -1: truncates to -0
        0x3f7f_ffff, // just below 1
        0x4b80_0001, // an odd integer above 2^24 (rounding of conversions)
    ];
    let mut j = 0;
    while j < more.len() {
        out[i + j] = more[j];
        j += 1;
    }
    out
};

/// `f64` operands: the edges, and the bounds of the conversions to integers.
const F64_VALUES: [u64; 28] = {
    let mut out = [0u64; 28];
    let mut i = 0;
    while i < edge::F64.len() {
        out[i] = edge::F64[i];
        i += 1;
    }
    let more: [u64; 8] = [
        0x41df_ffff_ffc0_0000, // 2^31 - 1
        0x41ef_ffff_ffe0_0000, // 2^32 - 1
        0x41f0_0000_0000_0000, // 2^32
        0xc1e0_0000_0020_0000, // -2^31 - 1
        0x43f0_0000_0000_0000, // 2^64
        0xc3e0_0000_0000_0000, // -2^63
        0xbfef_ffff_ffff_ffff, // just above -1
        0x3690_0000_0000_0000, // below the smallest f32 subnormal (demotes to 0)
    ];
    let mut j = 0;
    while j < more.len() {
        out[i + j] = more[j];
        j += 1;
    }
    out
};

/// `i8` lanes: 0, ±1, MIN, MAX and their neighbours.
const I8_LANES: [u64; 10] = [0, 1, 0xff, 0x80, 0x7f, 0x81, 0xfe, 0x40, 0xc0, 0x10];
/// `i16` lanes, also at the bounds of the `i8` narrowing and of `q15mulr`.
const I16_LANES: [u64; 14] = [
    0, 1, 0xffff, 0x8000, 0x7fff, 0x8001, 0xfffe, 0x7f, 0x80, 0xff, 0x100, 0xff80, 0xff7f, 0x4000,
];
/// `i32` lanes, also at the bounds of the `i16` narrowing.
const I32_LANES: [u64; 16] = [
    0,
    1,
    0xffff_ffff,
    0x8000_0000,
    0x7fff_ffff,
    0x8000_0001,
    0xffff_fffe,
    0x7fff,
    0x8000,
    0xffff,
    0x1_0000,
    0xffff_8000,
    0xffff_7fff,
    0x7f,
    0x80,
    0x4000_0000,
];
/// `i64` lanes.
const I64_LANES: [u64; 12] = edge::I64;

/// Shift counts.
const SHIFTS: [u64; 14] = [0, 1, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 0xffff_ffff];
/// Addresses in a one-page memory.
const ADDRS: [u64; 10] = [
    0,
    1,
    8,
    65504,
    65520,
    65521,
    65528,
    65535,
    65536,
    0xffff_ffff,
];

/// Integer operands of binary operators: every pair of these (division by 0 and by -1,
/// `MIN / -1`, overflow of add and mul, shifts by 0, 1 and -1).
const I32_PAIRS: [u64; 7] = [0, 1, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff, 2, 0x8000_0001];
const I64_PAIRS: [u64; 7] = [
    0,
    1,
    u64::MAX,
    0x8000_0000_0000_0000,
    0x7fff_ffff_ffff_ffff,
    2,
    0x8000_0000_0000_0001,
];

/// How many calls a candidate of a random-operand operator makes.
const CALLS: usize = 8;
/// How many random pairs a float binary operator gets, besides the fixed ones.
const FLOAT_PAIRS: usize = 24;

fn scalar_value(a: Arg, bits: u64) -> Value {
    match a {
        Arg::I64 => Value::I64(bits),
        Arg::F32 => Value::F32(bits as u32),
        Arg::F64 => Value::F64(bits),
        _ => Value::I32(bits as u32),
    }
}

/// All edge values of a scalar operand kind.
fn scalar_edges(a: Arg) -> Vec<u64> {
    match a {
        Arg::I32 => I32_LANES.to_vec(),
        Arg::I64 => I64_LANES.to_vec(),
        Arg::F32 => F32_VALUES.to_vec(),
        Arg::F64 => F64_VALUES.to_vec(),
        Arg::Shift => SHIFTS.to_vec(),
        Arg::Addr => ADDRS.to_vec(),
        Arg::V(_) | Arg::Swizzle => Vec::new(),
    }
}

/// One operand of a kind, drawn.
fn draw(a: Arg, rng: &mut SplitMix64) -> Value {
    match a {
        Arg::V(lane) => {
            let edges = lane_edges(lane);
            Value::V128((0..dim(lane)).fold(0u128, |v, k| {
                v | u128::from(rng.pick(edges)) << (k * lane.size())
            }))
        }
        Arg::Swizzle => Value::V128((0..16).fold(0u128, |v, k| {
            let i = match rng.next_u64() % 4 {
                0 => rng.pick(&[16u8, 17, 31, 32, 0x7f, 0x80, 0xff]),
                _ => (rng.next_u64() % 16) as u8,
            };
            v | u128::from(i) << (8 * k)
        })),
        _ => scalar_value(a, rng.pick(&scalar_edges(a))),
    }
}

/// The argument lists of a candidate: for one scalar operand, each of its edges; for two
/// integer operands, every pair of the pair edges; for two float operands, the NaN, zero
/// and infinity pairs and random pairs; otherwise (vectors, memory) random draws, each
/// scalar operand running through its edges.
fn arguments(args: &[Arg], rng: &mut SplitMix64) -> Vec<Vec<Value>> {
    match args {
        [a] if !matches!(a, Arg::V(_) | Arg::Swizzle) => scalar_edges(*a)
            .into_iter()
            .map(|b| vec![scalar_value(*a, b)])
            .collect(),
        [a @ (Arg::I32 | Arg::I64), b] if a == b => {
            let edges: &[u64] = if *a == Arg::I32 {
                &I32_PAIRS
            } else {
                &I64_PAIRS
            };
            let mut out = Vec::new();
            for &x in edges {
                for &y in edges {
                    out.push(vec![scalar_value(*a, x), scalar_value(*a, y)]);
                }
            }
            out
        }
        [a @ (Arg::F32 | Arg::F64), b] if a == b => {
            let edges = scalar_edges(*a);
            let f = |k: usize| edges[k];
            // +0, -0, 1, -1, +inf, -inf, canonical NaN, signalling NaN with a payload.
            let fixed = [
                (0, 1),
                (1, 0),
                (4, 5),
                (5, 4),
                (11, 2),
                (2, 15),
                (14, 13),
                (0, 0),
            ];
            let mut out: Vec<Vec<Value>> = fixed
                .iter()
                .map(|&(x, y)| vec![scalar_value(*a, f(x)), scalar_value(*a, f(y))])
                .collect();
            for _ in 0..FLOAT_PAIRS {
                out.push(vec![draw(*a, rng), draw(*a, rng)]);
            }
            out
        }
        _ => {
            // The scalar operand that runs through its edges (a shift count, an address,
            // a lane's new value), if any.
            let sweep = args
                .iter()
                .position(|a| !matches!(a, Arg::V(_) | Arg::Swizzle));
            let n = sweep.map_or(CALLS, |i| scalar_edges(args[i]).len());
            (0..n)
                .map(|k| {
                    args.iter()
                        .enumerate()
                        .map(|(i, a)| match sweep {
                            Some(s) if s == i => scalar_value(*a, scalar_edges(*a)[k]),
                            _ => draw(*a, rng),
                        })
                        .collect()
                })
                .collect()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

const INTS: [(&str, Arg); 2] = [("i32", Arg::I32), ("i64", Arg::I64)];
const FLOATS: [(&str, Arg); 2] = [("f32", Arg::F32), ("f64", Arg::F64)];

/// The scalar unary operators, test operators and conversions of 2.0.
fn scalar_unary() -> Vec<Op> {
    let mut ops = Vec::new();
    for (t, a) in INTS {
        for op in ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"] {
            ops.push(Op::new(format!("{t}.{op}"), &[a], t));
        }
        ops.push(Op::new(format!("{t}.eqz"), &[a], "i32"));
        for (f, b) in FLOATS {
            for op in ["trunc", "trunc_sat"] {
                for sx in ["s", "u"] {
                    ops.push(Op::new(format!("{t}.{op}_{f}_{sx}"), &[b], t));
                }
            }
            for sx in ["s", "u"] {
                ops.push(Op::new(format!("{f}.convert_{t}_{sx}"), &[a], f));
            }
        }
    }
    ops.push(Op::new("i64.extend32_s", &[Arg::I64], "i64"));
    ops.push(Op::new("i32.wrap_i64", &[Arg::I64], "i32"));
    ops.push(Op::new("i64.extend_i32_s", &[Arg::I32], "i64"));
    ops.push(Op::new("i64.extend_i32_u", &[Arg::I32], "i64"));
    for (f, b) in FLOATS {
        for op in ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"] {
            ops.push(Op::new(format!("{f}.{op}"), &[b], f));
        }
    }
    ops.push(Op::new("f32.demote_f64", &[Arg::F64], "f32"));
    ops.push(Op::new("f64.promote_f32", &[Arg::F32], "f64"));
    for ((t, a), (f, b)) in INTS.into_iter().zip(FLOATS) {
        ops.push(Op::new(format!("{t}.reinterpret_{f}"), &[b], t));
        ops.push(Op::new(format!("{f}.reinterpret_{t}"), &[a], f));
    }
    ops
}

/// The scalar binary operators and comparisons of 2.0.
fn scalar_binary() -> Vec<Op> {
    let mut ops = Vec::new();
    for (t, a) in INTS {
        for op in [
            "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl",
            "shr_s", "shr_u", "rotl", "rotr",
        ] {
            ops.push(Op::new(format!("{t}.{op}"), &[a, a], t));
        }
        for op in [
            "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
        ] {
            ops.push(Op::new(format!("{t}.{op}"), &[a, a], "i32"));
        }
    }
    for (f, b) in FLOATS {
        for op in ["add", "sub", "mul", "div", "min", "max", "copysign"] {
            ops.push(Op::new(format!("{f}.{op}"), &[b, b], f));
        }
        for op in ["eq", "ne", "lt", "gt", "le", "ge"] {
            ops.push(Op::new(format!("{f}.{op}"), &[b, b], "i32"));
        }
    }
    ops
}

/// A store of `arg` by `instr`, then the bytes read back by `back` (so that the result
/// shows what was written).
fn store(instr: String, arg: Arg, back: &'static str, result: &'static str) -> Op {
    Op {
        instr,
        args: vec![Arg::Addr, arg],
        result: Some(result),
        after: back,
        memory: true,
    }
}

fn load(instr: String, args: &[Arg], result: &'static str) -> Op {
    Op {
        memory: true,
        ..Op::new(instr, args, result)
    }
}

/// The scalar loads and stores of 2.0, each store read back.
fn scalar_memory() -> Vec<Op> {
    let mut ops = Vec::new();
    for (t, a) in INTS.into_iter().chain(FLOATS) {
        ops.push(load(format!("{t}.load"), &[Arg::Addr], t));
        let back: &'static str = match t {
            "i32" => "local.get 0 i32.load",
            "i64" => "local.get 0 i64.load",
            "f32" => "local.get 0 f32.load",
            _ => "local.get 0 f64.load",
        };
        ops.push(store(format!("{t}.store"), a, back, t));
    }
    for (t, a) in INTS {
        let sizes: &[u32] = if t == "i32" { &[8, 16] } else { &[8, 16, 32] };
        for &n in sizes {
            for sx in ["s", "u"] {
                ops.push(load(format!("{t}.load{n}_{sx}"), &[Arg::Addr], t));
            }
            let back: &'static str = match (t, n) {
                ("i32", 8) => "local.get 0 i32.load8_u",
                ("i32", _) => "local.get 0 i32.load16_u",
                (_, 8) => "local.get 0 i64.load8_u",
                (_, 16) => "local.get 0 i64.load16_u",
                _ => "local.get 0 i64.load32_u",
            };
            ops.push(store(format!("{t}.store{n}"), a, back, t));
        }
    }
    ops
}

/// A lane index of a shape, drawn.
fn lane_index(lane: Lane, rng: &mut SplitMix64) -> u64 {
    rng.next_u64() % u64::from(dim(lane))
}

/// The vector operators of 2.0 other than memory accesses; lane immediates drawn.
fn simd(rng: &mut SplitMix64) -> Vec<Op> {
    use Arg::V;
    let mut ops = Vec::new();
    let v = |l: Lane| V(l);
    // v128 bitwise operators, on lanes of a drawn shape.
    let any = rng.pick(&[Lane::I8, Lane::I32, Lane::F32, Lane::I64]);
    ops.push(Op::new("v128.not", &[v(any)], "v128"));
    for op in ["and", "andnot", "or", "xor"] {
        ops.push(Op::new(format!("v128.{op}"), &[v(any), v(any)], "v128"));
    }
    ops.push(Op::new("v128.bitselect", &[v(any), v(any), v(any)], "v128"));
    ops.push(Op::new("v128.any_true", &[v(any)], "i32"));
    ops.push(Op::new(
        "i8x16.swizzle",
        &[v(Lane::I8), Arg::Swizzle],
        "v128",
    ));
    let shuffle: Vec<String> = (0..16).map(|_| (rng.next_u64() % 32).to_string()).collect();
    ops.push(Op::new(
        format!("i8x16.shuffle {}", shuffle.join(" ")),
        &[v(Lane::I8), v(Lane::I8)],
        "v128",
    ));
    for l in INT_LANES.into_iter().chain(FLOAT_LANES) {
        let s = shape(l);
        let scalar = scalar(l);
        ops.push(Op::new(format!("{s}.splat"), &[scalar], "v128"));
        let k = lane_index(l, rng);
        match l {
            Lane::I8 | Lane::I16 => {
                for sx in ["s", "u"] {
                    ops.push(Op::new(
                        format!("{s}.extract_lane_{sx} {k}"),
                        &[v(l)],
                        "i32",
                    ));
                }
            }
            _ => ops.push(Op::new(
                format!("{s}.extract_lane {k}"),
                &[v(l)],
                scalar.text(),
            )),
        }
        ops.push(Op::new(
            format!("{s}.replace_lane {k}"),
            &[v(l), scalar],
            "v128",
        ));
    }
    for l in INT_LANES {
        let s = shape(l);
        let mut rel = vec!["eq", "ne", "lt_s", "gt_s", "le_s", "ge_s"];
        let mut bin = vec!["add", "sub"];
        let mut un = vec!["abs", "neg"];
        if l != Lane::I64 {
            rel.extend(["lt_u", "gt_u", "le_u", "ge_u"]);
            bin.extend(["min_s", "min_u", "max_s", "max_u"]);
        }
        if l != Lane::I8 {
            bin.push("mul");
        }
        if matches!(l, Lane::I8 | Lane::I16) {
            bin.extend(["add_sat_s", "add_sat_u", "sub_sat_s", "sub_sat_u", "avgr_u"]);
        }
        if l == Lane::I16 {
            bin.push("q15mulr_sat_s");
        }
        if l == Lane::I8 {
            un.push("popcnt");
        }
        for op in rel.into_iter().chain(bin) {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l), v(l)], "v128"));
        }
        for op in un {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l)], "v128"));
        }
        for op in ["all_true", "bitmask"] {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l)], "i32"));
        }
        for op in ["shl", "shr_s", "shr_u"] {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l), Arg::Shift], "v128"));
        }
    }
    // Operators from a narrower (or wider) integer shape.
    for (wide, narrow) in [
        (Lane::I16, Lane::I8),
        (Lane::I32, Lane::I16),
        (Lane::I64, Lane::I32),
    ] {
        let (w, n) = (shape(wide), shape(narrow));
        for sx in ["s", "u"] {
            for half in ["low", "high"] {
                ops.push(Op::new(
                    format!("{w}.extend_{half}_{n}_{sx}"),
                    &[v(narrow)],
                    "v128",
                ));
                ops.push(Op::new(
                    format!("{w}.extmul_{half}_{n}_{sx}"),
                    &[v(narrow), v(narrow)],
                    "v128",
                ));
            }
            if wide != Lane::I64 {
                ops.push(Op::new(
                    format!("{n}.narrow_{w}_{sx}"),
                    &[v(wide), v(wide)],
                    "v128",
                ));
                ops.push(Op::new(
                    format!("{w}.extadd_pairwise_{n}_{sx}"),
                    &[v(narrow)],
                    "v128",
                ));
            }
        }
    }
    ops.push(Op::new(
        "i32x4.dot_i16x8_s",
        &[v(Lane::I16), v(Lane::I16)],
        "v128",
    ));
    for l in FLOAT_LANES {
        let s = shape(l);
        for op in ["eq", "ne", "lt", "gt", "le", "ge"] {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l), v(l)], "v128"));
        }
        for op in ["add", "sub", "mul", "div", "min", "max", "pmin", "pmax"] {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l), v(l)], "v128"));
        }
        for op in ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"] {
            ops.push(Op::new(format!("{s}.{op}"), &[v(l)], "v128"));
        }
    }
    for sx in ["s", "u"] {
        let cvt = [
            (format!("i32x4.trunc_sat_f32x4_{sx}"), Lane::F32),
            (format!("i32x4.trunc_sat_f64x2_{sx}_zero"), Lane::F64),
            (format!("f32x4.convert_i32x4_{sx}"), Lane::I32),
            (format!("f64x2.convert_low_i32x4_{sx}"), Lane::I32),
        ];
        for (instr, from) in cvt {
            ops.push(Op::new(instr, &[v(from)], "v128"));
        }
    }
    ops.push(Op::new("f32x4.demote_f64x2_zero", &[v(Lane::F64)], "v128"));
    ops.push(Op::new("f64x2.promote_low_f32x4", &[v(Lane::F32)], "v128"));
    ops
}

/// The vector loads and stores of 2.0; lane immediates drawn.
fn simd_memory(rng: &mut SplitMix64) -> Vec<Op> {
    let mut ops = vec![
        load("v128.load".into(), &[Arg::Addr], "v128"),
        store(
            "v128.store".into(),
            Arg::V(Lane::I8),
            "local.get 0 v128.load",
            "v128",
        ),
    ];
    for (n, m) in [(8, 8), (16, 4), (32, 2)] {
        for sx in ["s", "u"] {
            ops.push(load(format!("v128.load{n}x{m}_{sx}"), &[Arg::Addr], "v128"));
        }
    }
    for n in [8, 16, 32, 64] {
        ops.push(load(format!("v128.load{n}_splat"), &[Arg::Addr], "v128"));
    }
    for n in [32, 64] {
        ops.push(load(format!("v128.load{n}_zero"), &[Arg::Addr], "v128"));
    }
    for (n, lane, back, result) in [
        (8, Lane::I8, "local.get 0 i32.load8_u", "i32"),
        (16, Lane::I16, "local.get 0 i32.load16_u", "i32"),
        (32, Lane::I32, "local.get 0 i32.load", "i32"),
        (64, Lane::I64, "local.get 0 i64.load", "i64"),
    ] {
        let k = lane_index(lane, rng);
        ops.push(load(
            format!("v128.load{n}_lane {k}"),
            &[Arg::Addr, Arg::V(lane)],
            "v128",
        ));
        ops.push(store(
            format!("v128.store{n}_lane {k}"),
            Arg::V(lane),
            back,
            result,
        ));
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use oracle::expect::{ExpectedOutcome, expect_within};
    use std::collections::{HashMap, HashSet};

    /// Every table, with lane immediates drawn from one seed.
    fn tables() -> Vec<(&'static str, Vec<Op>)> {
        let mut rng = SplitMix64::new(7);
        vec![
            ("scalar unary", scalar_unary()),
            ("scalar binary", scalar_binary()),
            ("scalar memory", scalar_memory()),
            ("simd", simd(&mut rng)),
            ("simd memory", simd_memory(&mut rng)),
        ]
    }

    /// Runs a candidate through the oracle and returns the points whose counters grew.
    fn reached(c: &Candidate) -> HashSet<String> {
        let counts = || -> HashMap<String, u64> {
            let mut out = HashMap::new();
            for h in oracle::coverage::snapshot() {
                *out.entry(h.name).or_default() += h.count;
            }
            out
        };
        let before = counts();
        let _ = expect_within(&c.module, &c.plan, 1_000_000, Some(100));
        counts()
            .into_iter()
            .filter(|(p, n)| before.get(p).is_none_or(|b| n > b))
            .map(|(p, _)| p)
            .collect()
    }

    /// The points the candidate of the operator `instr` (its text, without immediates)
    /// reaches.
    fn reached_by(instr: &str) -> HashSet<String> {
        let op = tables()
            .into_iter()
            .flat_map(|(_, ops)| ops)
            .find(|op| op.instr == instr || op.instr.starts_with(&format!("{instr} ")))
            .unwrap_or_else(|| panic!("no operator {instr}"));
        let c = candidate(&[op], &mut SplitMix64::new(1)).unwrap_or_else(|e| panic!("{e}"));
        reached(&c)
    }

    /// Every operator of every table makes a module the oracle decodes, validates and
    /// runs to the end: no call is unknown to it (an unsupported instruction, a harness
    /// limit), and the tables hold no operator twice.
    #[test]
    fn every_operator_makes_a_valid_module() {
        let mut seen = std::collections::HashSet::new();
        for (table, ops) in tables() {
            assert!(!ops.is_empty(), "{table} is empty");
            for op in ops {
                assert!(seen.insert(op.instr.clone()), "{} twice", op.instr);
                let c = candidate(std::slice::from_ref(&op), &mut SplitMix64::new(3))
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
                assert!(!c.plan.invocations.is_empty(), "{}: no calls", op.instr);
                let module = oracle::binary::decode(&c.module)
                    .unwrap_or_else(|e| panic!("{}: {e}", op.instr));
                oracle::valid::validate(&module)
                    .unwrap_or_else(|e| panic!("{}: invalid: {e}", op.instr));
                let expected = expect_within(&c.module, &c.plan, 1_000_000, Some(100));
                assert_eq!(expected.invocations.len(), c.plan.invocations.len());
                for step in expected.invocations {
                    assert!(
                        !matches!(step.outcome, ExpectedOutcome::Unknown { .. }),
                        "{}: {:?}",
                        op.instr,
                        step.outcome
                    );
                }
            }
        }
    }

    /// Drawing from the numeric recipes alone, as [`super::super::aim`] does, reaches
    /// clauses of each of them: a trap of division, a conversion trap, a byte conversion,
    /// a saturation bound, a swizzle index out of range, a vector store out of bounds.
    #[test]
    fn drawing_from_the_recipes_reaches_their_clauses() {
        for (recipe, points) in [
            (
                "numeric/unary",
                &["$cvtop__#3", "Step_pure/cvtop-trap", "$unop_#4"][..],
            ),
            ("numeric/binary", &["$idiv_#4", "$irem_#3", "$relop_#12"]),
            ("numeric/bytes", &["$fbytes_#1", "$inv_fbytes_#1"]),
            (
                "simd/lanewise",
                &["$sat_u_#2", "$iswizzle_lane_#2", "$vnarrowop__#1"],
            ),
            ("simd/memory", &["Step/vstore-oob", "$inv_vbytes_#1"]),
        ] {
            let r = RECIPES
                .iter()
                .find(|r| r.name == recipe)
                .unwrap_or_else(|| panic!("no recipe {recipe}"));
            let mut rng = SplitMix64::new(5);
            let mut missing: Vec<&str> = points.to_vec();
            for _ in 0..200 {
                if missing.is_empty() {
                    break;
                }
                let c = (r.make)(&mut rng).unwrap_or_else(|e| panic!("{recipe}: {e}"));
                let got = reached(&c);
                missing.retain(|p| !got.contains(*p));
            }
            assert!(missing.is_empty(), "{recipe} reaches none of {missing:?}");
        }
    }

    /// The recipes draw candidates without error.
    #[test]
    fn recipes_draw_candidates() {
        let mut rng = SplitMix64::new(11);
        for r in RECIPES {
            for _ in 0..20 {
                (r.make)(&mut rng).unwrap_or_else(|e| panic!("{}: {e}", r.name));
            }
        }
    }

    /// The operand choices reach the clauses they are there for: the traps of division,
    /// the saturation bounds, swizzle indices out of range, zero lanes of a conversion,
    /// a vector store out of bounds.
    #[test]
    fn operators_reach_their_clauses() {
        for (instr, points) in [
            (
                "i32.div_s",
                &["$idiv_#3", "$idiv_#4", "$idiv_#5", "Step_pure/binop-trap"][..],
            ),
            ("i64.rem_u", &["$irem_#1", "$irem_#2", "$truncz#1"]),
            ("i32.trunc_f32_u", &["$trunc__#1", "Step_pure/cvtop-trap"]),
            (
                "f32.reinterpret_i32",
                &["$ibits_#1", "$inv_fbits_#1", "$cvtop__#8"],
            ),
            ("i16x8.add_sat_s", &["$sat_s_#1", "$sat_s_#2", "$sat_s_#3"]),
            (
                "i8x16.narrow_i16x8_u",
                &["$sat_u_#1", "$sat_u_#2", "$narrow__#1"],
            ),
            ("i8x16.swizzle", &["$iswizzle_lane_#1", "$iswizzle_lane_#2"]),
            ("i8x16.shuffle", &["$ivshufflop_#1", "Step_pure/vshuffle"]),
            ("i16x8.bitmask", &["$inv_ibits_#1", "$irev_#1"]),
            ("f32x4.demote_f64x2_zero", &["$zero#2", "$vcvtop__#3"]),
            ("v128.store", &["Step/vstore-oob", "$vbytes_#1"]),
            ("i64.store32", &["$ibytes_#1", "$inv_ibytes_#1"]),
            ("v128.bitselect", &["$vvternop_#1", "Step_pure/vvternop"]),
        ] {
            let got = reached_by(instr);
            for p in points {
                assert!(got.contains(*p), "{instr} does not reach {p}");
            }
        }
    }
}
