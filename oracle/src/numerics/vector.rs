//! Vector numerics (3.2-numerics.vector.spectec), for the fixed-width SIMD of Wasm 2.0.
//!
//! A `v128` is a `u128`, lane 0 in the least significant bits. Integer lanes are `u64`
//! holding the unsigned value, float lanes are `u64` holding the bits. A float result,
//! which the spec gives as a set of vectors, is a [`V128Set`]: one [`FloatSet`] per lane.
//! Relaxed SIMD (`RELAXED_*`) is not implemented.

use super::scalar::{self, mask};
use super::{FloatSet, Sx};
use crate::hit;

/// A vector shape: lane type and number of lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// 16 lanes of `i8`.
    I8x16,
    /// 8 lanes of `i16`.
    I16x8,
    /// 4 lanes of `i32`.
    I32x4,
    /// 2 lanes of `i64`.
    I64x2,
    /// 4 lanes of `f32`.
    F32x4,
    /// 2 lanes of `f64`.
    F64x2,
}

impl Shape {
    /// The lane width in bits.
    pub fn lane_bits(self) -> u32 {
        match self {
            Shape::I8x16 => 8,
            Shape::I16x8 => 16,
            Shape::I32x4 | Shape::F32x4 => 32,
            Shape::I64x2 | Shape::F64x2 => 64,
        }
    }

    /// The number of lanes (`M`).
    pub fn dim(self) -> usize {
        (128 / self.lane_bits()) as usize
    }

    /// Whether the lanes are floats.
    pub fn is_float(self) -> bool {
        matches!(self, Shape::F32x4 | Shape::F64x2)
    }

    /// The integer shape with the same lanes (`Inn X M` of `Fnn X M`).
    pub fn to_int(self) -> Shape {
        match self {
            Shape::F32x4 => Shape::I32x4,
            Shape::F64x2 => Shape::I64x2,
            s => s,
        }
    }
}

/// The spec's `half`: the syntax's, shared.
pub use crate::ast::Half;

/// `$lanes_(shape, v)`: the lanes of `v`, lane 0 first.
pub fn lanes_(shape: Shape, v: u128) -> Vec<u64> {
    // $lanes_ hint(builtin)
    hit!("$lanes_#1");
    let n = shape.lane_bits();
    (0..shape.dim())
        .map(|k| ((v >> (k as u32 * n)) as u64) & mask(n))
        .collect()
}

/// `$inv_lanes_(shape, c*)`: the vector of these lanes (each masked to the lane width).
/// The spec requires exactly `M` lanes: extra lanes are ignored, missing lanes are 0.
pub fn inv_lanes_(shape: Shape, c: &[u64]) -> u128 {
    // $inv_lanes_ hint(builtin)
    hit!("$inv_lanes_#1");
    let n = shape.lane_bits();
    c.iter()
        .take(shape.dim())
        .enumerate()
        .fold(0u128, |v, (k, &x)| {
            v | (u128::from(x & mask(n)) << (k as u32 * n))
        })
}

/// `$half(half, i, j)`: `i` for the low half, `j` for the high half.
pub fn half(h: Half, i: usize, j: usize) -> usize {
    match h {
        Half::Low => {
            // $half(LOW, i, j) = i
            hit!("$half#1");
            i
        }
        Half::High => {
            // $half(HIGH, i, j) = j
            hit!("$half#2");
            j
        }
    }
}

/// A vector result as the spec defines it: per lane, one value or any NaN of a class.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct V128Set {
    /// The result's shape.
    pub shape: Shape,
    /// One set per lane, lane 0 first.
    pub lanes: Vec<FloatSet>,
}

impl V128Set {
    /// The set holding exactly `v`.
    pub fn exact(shape: Shape, v: u128) -> V128Set {
        let lanes = lanes_(shape, v).into_iter().map(FloatSet::Exact).collect();
        V128Set { shape, lanes }
    }

    /// The single member, if every lane is exact.
    pub fn as_exact(&self) -> Option<u128> {
        let mut c = Vec::with_capacity(self.lanes.len());
        for l in &self.lanes {
            match l {
                FloatSet::Exact(b) => c.push(*b),
                _ => return None,
            }
        }
        Some(inv_lanes_(self.shape, &c))
    }

    /// One member: each lane chosen by [`FloatSet::choose`], given the operand vectors
    /// of the same shape (their lanes at the same position; `&[]` for conversions).
    pub fn choose(&self, operands: &[u128]) -> u128 {
        let n = self.shape.lane_bits();
        let ops: Vec<Vec<u64>> = operands.iter().map(|&v| lanes_(self.shape, v)).collect();
        let c: Vec<u64> = self
            .lanes
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let at: Vec<u64> = ops.iter().filter_map(|o| o.get(k).copied()).collect();
                l.choose(n, &at)
            })
            .collect();
        inv_lanes_(self.shape, &c)
    }

    /// Whether `v` is a member: every lane in its lane's set.
    pub fn contains(&self, v: u128) -> bool {
        let n = self.shape.lane_bits();
        self.lanes.len() == self.shape.dim()
            && lanes_(self.shape, v)
                .iter()
                .zip(&self.lanes)
                .all(|(&c, l)| l.contains(n, c))
    }
}

// ---------------------------------------------------------------------------------------
// Swizzle lanes
// ---------------------------------------------------------------------------------------

/// `$iswizzle_lane_(N, c*, i)`: lane `i` of `c*`, or 0 when out of range.
pub fn iswizzle_lane_(_n: u32, c: &[u64], i: u64) -> u64 {
    match usize::try_from(i).ok().and_then(|i| c.get(i)) {
        Some(&x) => {
            // $iswizzle_lane_(N, c*, i) = c*[i]  -- if i < |c*|
            hit!("$iswizzle_lane_#1");
            x
        }
        None => {
            // $iswizzle_lane_(N, c*, i) = 0  -- otherwise
            hit!("$iswizzle_lane_#2");
            0
        }
    }
}

// ---------------------------------------------------------------------------------------
// Lanewise operations
// ---------------------------------------------------------------------------------------

/// `$ivunop_(shape, $f_, v_1)`: `f` on each integer lane.
pub fn ivunop_(shape: Shape, f: fn(u32, u64) -> u64, v_1: u128) -> u128 {
    // $ivunop_(Jnn X M, def $f_, v_1)
    hit!("$ivunop_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = lanes_(shape, v_1)
        .into_iter()
        .map(|c_1| f(n, c_1))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$fvunop_(shape, $f_, v_1)`: `f` on each float lane; the set product of the lanes' sets.
pub fn fvunop_(shape: Shape, f: fn(u32, u64) -> FloatSet, v_1: u128) -> V128Set {
    // $fvunop_(Fnn X M, def $f_, v_1)
    hit!("$fvunop_#1");
    let n = shape.lane_bits();
    let lanes = lanes_(shape, v_1)
        .into_iter()
        .map(|c_1| f(n, c_1))
        .collect();
    V128Set { shape, lanes }
}

fn zip2(shape: Shape, v_1: u128, v_2: u128) -> impl Iterator<Item = (u64, u64)> {
    lanes_(shape, v_1).into_iter().zip(lanes_(shape, v_2))
}

/// `$ivbinop_(shape, $f_, v_1, v_2)`: `f` on each pair of integer lanes.
pub fn ivbinop_(shape: Shape, f: fn(u32, u64, u64) -> u64, v_1: u128, v_2: u128) -> u128 {
    // $ivbinop_(Jnn X M, def $f_, v_1, v_2)
    hit!("$ivbinop_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = zip2(shape, v_1, v_2).map(|(a, b)| f(n, a, b)).collect();
    inv_lanes_(shape, &c)
}

/// `$ivbinopsx_(shape, $f_, sx, v_1, v_2)`: `f` with `sx` on each pair of integer lanes.
pub fn ivbinopsx_(
    shape: Shape,
    f: fn(u32, Sx, u64, u64) -> u64,
    sx: Sx,
    v_1: u128,
    v_2: u128,
) -> u128 {
    // $ivbinopsx_(Jnn X M, def $f_, sx, v_1, v_2)
    hit!("$ivbinopsx_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = zip2(shape, v_1, v_2).map(|(a, b)| f(n, sx, a, b)).collect();
    inv_lanes_(shape, &c)
}

/// `$fvbinop_(shape, $f_, v_1, v_2)`: `f` on each pair of float lanes.
pub fn fvbinop_(shape: Shape, f: fn(u32, u64, u64) -> FloatSet, v_1: u128, v_2: u128) -> V128Set {
    // $fvbinop_(Fnn X M, def $f_, v_1, v_2)
    hit!("$fvbinop_#1");
    let n = shape.lane_bits();
    let lanes = zip2(shape, v_1, v_2).map(|(a, b)| f(n, a, b)).collect();
    V128Set { shape, lanes }
}

/// `$ivrelop_(shape, $f_, v_1, v_2)`: each lane all ones if `f` holds, else 0.
pub fn ivrelop_(shape: Shape, f: fn(u32, u64, u64) -> u64, v_1: u128, v_2: u128) -> u128 {
    // $ivrelop_(Jnn X M, def $f_, v_1, v_2)
    hit!("$ivrelop_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = zip2(shape, v_1, v_2)
        .map(|(a, b)| scalar::extend__(1, n, Sx::S, f(n, a, b)))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$ivrelopsx_(shape, $f_, sx, v_1, v_2)`: each lane all ones if `f` with `sx` holds.
pub fn ivrelopsx_(
    shape: Shape,
    f: fn(u32, Sx, u64, u64) -> u64,
    sx: Sx,
    v_1: u128,
    v_2: u128,
) -> u128 {
    // $ivrelopsx_(Jnn X M, def $f_, sx, v_1, v_2)
    hit!("$ivrelopsx_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = zip2(shape, v_1, v_2)
        .map(|(a, b)| scalar::extend__(1, n, Sx::S, f(n, sx, a, b)))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$fvrelop_(shape, $f_, v_1, v_2)`: each (integer) lane all ones if `f` holds on the
/// float lanes.
pub fn fvrelop_(shape: Shape, f: fn(u32, u64, u64) -> u64, v_1: u128, v_2: u128) -> u128 {
    // $fvrelop_(Fnn X M, def $f_, v_1, v_2)
    hit!("$fvrelop_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = zip2(shape, v_1, v_2)
        .map(|(a, b)| scalar::extend__(1, n, Sx::S, f(n, a, b)))
        .collect();
    inv_lanes_(shape.to_int(), &c)
}

/// `$ivshiftop_(shape, $f_, v_1, i)`: `f` on each lane with the shift count `i`.
pub fn ivshiftop_(shape: Shape, f: fn(u32, u64, u64) -> u64, v_1: u128, i: u64) -> u128 {
    // $ivshiftop_(Jnn X M, def $f_, v_1, i)
    hit!("$ivshiftop_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = lanes_(shape, v_1)
        .into_iter()
        .map(|c_1| f(n, c_1, i))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$ivshiftopsx_(shape, $f_, sx, v_1, i)`: `f` with `sx` on each lane, count `i`.
pub fn ivshiftopsx_(
    shape: Shape,
    f: fn(u32, Sx, u64, u64) -> u64,
    sx: Sx,
    v_1: u128,
    i: u64,
) -> u128 {
    // $ivshiftopsx_(Jnn X M, def $f_, sx, v_1, i)
    hit!("$ivshiftopsx_#1");
    let n = shape.lane_bits();
    let c: Vec<u64> = lanes_(shape, v_1)
        .into_iter()
        .map(|c_1| f(n, sx, c_1, i))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$ivbitmaskop_(shape, v_1)`: bit `k` of the result is the sign bit of lane `k`.
pub fn ivbitmaskop_(shape: Shape, v_1: u128) -> u64 {
    // $ivbitmaskop_(Jnn X M, v_1) = $irev_(32, c)
    hit!("$ivbitmaskop_#1");
    let n = shape.lane_bits();
    // The bits, most significant first: one per lane (lane 0 first), then zeros; the
    // premise `$ibits_(32, c) = ...` gives `c` by the inverse.
    // $inv_ibits_ hint(builtin)
    hit!("$inv_ibits_#1");
    let c = lanes_(shape, v_1)
        .into_iter()
        .enumerate()
        .fold(0u64, |c, (k, c_1)| {
            c | (scalar::ilt_(n, Sx::S, c_1, 0) << (31 - k as u32))
        });
    scalar::irev_(32, c)
}

/// `$ivswizzlop_(shape, $f_, v_1, v_2)`: lane `k` is `f(c_1*, lane k of v_2)`.
pub fn ivswizzlop_(shape: Shape, f: fn(u32, &[u64], u64) -> u64, v_1: u128, v_2: u128) -> u128 {
    // $ivswizzlop_(Jnn X M, def $f_, v_1, v_2)
    hit!("$ivswizzlop_#1");
    let n = shape.lane_bits();
    let c_1 = lanes_(shape, v_1);
    let c: Vec<u64> = lanes_(shape, v_2)
        .into_iter()
        .map(|c_2| f(n, &c_1, c_2))
        .collect();
    inv_lanes_(shape, &c)
}

/// `$ivshufflop_(shape, i*, v_1, v_2)`: lane `k` is lane `i_k` of the lanes of `v_1` then
/// `v_2`; `None` if an index is out of range (validation rules that out).
pub fn ivshufflop_(shape: Shape, i: &[u64], v_1: u128, v_2: u128) -> Option<u128> {
    // $ivshufflop_(Jnn X M, i*, v_1, v_2)
    hit!("$ivshufflop_#1");
    let mut both = lanes_(shape, v_1);
    both.extend(lanes_(shape, v_2));
    let c = i
        .iter()
        .map(|&k| usize::try_from(k).ok().and_then(|k| both.get(k).copied()))
        .collect::<Option<Vec<u64>>>()?;
    Some(inv_lanes_(shape, &c))
}

// ---------------------------------------------------------------------------------------
// Operator dispatch
// ---------------------------------------------------------------------------------------

/// `$vvunop_(V128, NOT, v)`: bitwise complement of the whole vector.
pub fn vvunop_(v: u128) -> u128 {
    // $vvunop_(Vnn, NOT, v) = $inot_($vsizenn(Vnn), v)
    hit!("$vvunop_#1");
    hit!("$inot_#1");
    !v
}

/// The spec's `vvbinop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vvbinop {
    /// `AND`.
    And,
    /// `ANDNOT`.
    Andnot,
    /// `OR`.
    Or,
    /// `XOR`.
    Xor,
}

/// `$vvbinop_(V128, op, v_1, v_2)`: a bitwise operation on whole vectors.
pub fn vvbinop_(op: Vvbinop, v_1: u128, v_2: u128) -> u128 {
    match op {
        Vvbinop::And => {
            // $vvbinop_(Vnn, AND, v_1, v_2)
            hit!("$vvbinop_#1");
            hit!("$iand_#1");
            v_1 & v_2
        }
        Vvbinop::Andnot => {
            // $vvbinop_(Vnn, ANDNOT, v_1, v_2)
            hit!("$vvbinop_#2");
            hit!("$iandnot_#1");
            v_1 & !v_2
        }
        Vvbinop::Or => {
            // $vvbinop_(Vnn, OR, v_1, v_2)
            hit!("$vvbinop_#3");
            hit!("$ior_#1");
            v_1 | v_2
        }
        Vvbinop::Xor => {
            // $vvbinop_(Vnn, XOR, v_1, v_2)
            hit!("$vvbinop_#4");
            hit!("$ixor_#1");
            v_1 ^ v_2
        }
    }
}

/// `$vvternop_(V128, BITSELECT, v_1, v_2, v_3)`: bits of `v_1` where `v_3` is 1, of
/// `v_2` elsewhere.
pub fn vvternop_(v_1: u128, v_2: u128, v_3: u128) -> u128 {
    // $vvternop_(Vnn, BITSELECT, v_1, v_2, v_3)
    hit!("$vvternop_#1");
    hit!("$ibitselect_#1");
    (v_1 & v_3) | (v_2 & !v_3)
}

/// The spec's `vunop_(shape)` (without relaxed operators).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vunop {
    /// `ABS` (integer or float).
    Abs,
    /// `NEG` (integer or float).
    Neg,
    /// `SQRT` (float).
    Sqrt,
    /// `CEIL` (float).
    Ceil,
    /// `FLOOR` (float).
    Floor,
    /// `TRUNC` (float).
    Trunc,
    /// `NEAREST` (float).
    Nearest,
    /// `POPCNT` (integer).
    Popcnt,
}

/// `$vunop_(shape, op, v)`; `None` when no clause applies (an operator of the other
/// lane kind).
pub fn vunop_(shape: Shape, op: Vunop, v: u128) -> Option<V128Set> {
    use Vunop::*;
    use scalar::*;
    let f = |r: u128| Some(V128Set::exact(shape, r));
    if shape.is_float() {
        Some(match op {
            Abs => {
                // $vunop_(Fnn X M, ABS, v)
                hit!("$vunop_#1");
                fvunop_(shape, fabs_, v)
            }
            Neg => {
                // $vunop_(Fnn X M, NEG, v)
                hit!("$vunop_#2");
                fvunop_(shape, fneg_, v)
            }
            Sqrt => {
                // $vunop_(Fnn X M, SQRT, v)
                hit!("$vunop_#3");
                fvunop_(shape, fsqrt_, v)
            }
            Ceil => {
                // $vunop_(Fnn X M, CEIL, v)
                hit!("$vunop_#4");
                fvunop_(shape, fceil_, v)
            }
            Floor => {
                // $vunop_(Fnn X M, FLOOR, v)
                hit!("$vunop_#5");
                fvunop_(shape, ffloor_, v)
            }
            Trunc => {
                // $vunop_(Fnn X M, TRUNC, v)
                hit!("$vunop_#6");
                fvunop_(shape, ftrunc_, v)
            }
            Nearest => {
                // $vunop_(Fnn X M, NEAREST, v)
                hit!("$vunop_#7");
                fvunop_(shape, fnearest_, v)
            }
            Popcnt => return None,
        })
    } else {
        match op {
            Abs => {
                // $vunop_(Jnn X M, ABS, v)
                hit!("$vunop_#8");
                f(ivunop_(shape, iabs_, v))
            }
            Neg => {
                // $vunop_(Jnn X M, NEG, v)
                hit!("$vunop_#9");
                f(ivunop_(shape, ineg_, v))
            }
            Popcnt => {
                // $vunop_(Jnn X M, POPCNT, v)
                hit!("$vunop_#10");
                f(ivunop_(shape, ipopcnt_, v))
            }
            _ => None,
        }
    }
}

/// The spec's `vbinop_(shape)` (without relaxed operators). `Min`/`Max` carry `sx` for
/// integer shapes and `None` for float shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vbinop {
    /// `ADD`.
    Add,
    /// `SUB`.
    Sub,
    /// `MUL`.
    Mul,
    /// `DIV` (float).
    Div,
    /// `ADD_SAT sx` (integer).
    AddSat(Sx),
    /// `SUB_SAT sx` (integer).
    SubSat(Sx),
    /// `MIN sx` (integer) or `MIN` (float).
    Min(Option<Sx>),
    /// `MAX sx` (integer) or `MAX` (float).
    Max(Option<Sx>),
    /// `AVGR U` (integer; the spec has no signed variant).
    AvgrU,
    /// `Q15MULR_SAT S` (integer; the spec has no unsigned variant).
    Q15mulrSatS,
    /// `PMIN` (float).
    Pmin,
    /// `PMAX` (float).
    Pmax,
}

/// `$vbinop_(shape, op, v_1, v_2)`; `None` when no clause applies.
pub fn vbinop_(shape: Shape, op: Vbinop, v_1: u128, v_2: u128) -> Option<V128Set> {
    use Vbinop::*;
    use scalar::*;
    let f = |r: u128| Some(V128Set::exact(shape, r));
    if shape.is_float() {
        Some(match op {
            Add => {
                // $vbinop_(Fnn X M, ADD, v_1, v_2)
                hit!("$vbinop_#11");
                fvbinop_(shape, fadd_, v_1, v_2)
            }
            Sub => {
                // $vbinop_(Fnn X M, SUB, v_1, v_2)
                hit!("$vbinop_#12");
                fvbinop_(shape, fsub_, v_1, v_2)
            }
            Mul => {
                // $vbinop_(Fnn X M, MUL, v_1, v_2)
                hit!("$vbinop_#13");
                fvbinop_(shape, fmul_, v_1, v_2)
            }
            Div => {
                // $vbinop_(Fnn X M, DIV, v_1, v_2)
                hit!("$vbinop_#14");
                fvbinop_(shape, fdiv_, v_1, v_2)
            }
            Min(None) => {
                // $vbinop_(Fnn X M, MIN, v_1, v_2)
                hit!("$vbinop_#15");
                fvbinop_(shape, fmin_, v_1, v_2)
            }
            Max(None) => {
                // $vbinop_(Fnn X M, MAX, v_1, v_2)
                hit!("$vbinop_#16");
                fvbinop_(shape, fmax_, v_1, v_2)
            }
            Pmin => {
                // $vbinop_(Fnn X M, PMIN, v_1, v_2)
                hit!("$vbinop_#17");
                fvbinop_(shape, fpmin_, v_1, v_2)
            }
            Pmax => {
                // $vbinop_(Fnn X M, PMAX, v_1, v_2)
                hit!("$vbinop_#18");
                fvbinop_(shape, fpmax_, v_1, v_2)
            }
            _ => return None,
        })
    } else {
        match op {
            Add => {
                // $vbinop_(Jnn X M, ADD, v_1, v_2)
                hit!("$vbinop_#1");
                f(ivbinop_(shape, iadd_, v_1, v_2))
            }
            Sub => {
                // $vbinop_(Jnn X M, SUB, v_1, v_2)
                hit!("$vbinop_#2");
                f(ivbinop_(shape, isub_, v_1, v_2))
            }
            Mul => {
                // $vbinop_(Jnn X M, MUL, v_1, v_2)
                hit!("$vbinop_#3");
                f(ivbinop_(shape, imul_, v_1, v_2))
            }
            AddSat(sx) => {
                // $vbinop_(Jnn X M, ADD_SAT sx, v_1, v_2)
                hit!("$vbinop_#4");
                f(ivbinopsx_(shape, iadd_sat_, sx, v_1, v_2))
            }
            SubSat(sx) => {
                // $vbinop_(Jnn X M, SUB_SAT sx, v_1, v_2)
                hit!("$vbinop_#5");
                f(ivbinopsx_(shape, isub_sat_, sx, v_1, v_2))
            }
            Min(Some(sx)) => {
                // $vbinop_(Jnn X M, MIN sx, v_1, v_2)
                hit!("$vbinop_#6");
                f(ivbinopsx_(shape, imin_, sx, v_1, v_2))
            }
            Max(Some(sx)) => {
                // $vbinop_(Jnn X M, MAX sx, v_1, v_2)
                hit!("$vbinop_#7");
                f(ivbinopsx_(shape, imax_, sx, v_1, v_2))
            }
            AvgrU => {
                // $vbinop_(Jnn X M, AVGR U, v_1, v_2)
                hit!("$vbinop_#8");
                f(ivbinopsx_(shape, iavgr_, Sx::U, v_1, v_2))
            }
            Q15mulrSatS => {
                // $vbinop_(Jnn X M, Q15MULR_SAT S, v_1, v_2)
                hit!("$vbinop_#9");
                f(ivbinopsx_(shape, iq15mulr_sat_, Sx::S, v_1, v_2))
            }
            _ => None,
        }
    }
}

/// The spec's `vrelop_(shape)`: the ordered comparisons carry `sx` for integer shapes and
/// `None` for float shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vrelop {
    /// `EQ`.
    Eq,
    /// `NE`.
    Ne,
    /// `LT sx` / `LT`.
    Lt(Option<Sx>),
    /// `GT sx` / `GT`.
    Gt(Option<Sx>),
    /// `LE sx` / `LE`.
    Le(Option<Sx>),
    /// `GE sx` / `GE`.
    Ge(Option<Sx>),
}

/// `$vrelop_(shape, op, v_1, v_2)`; `None` when no clause applies.
pub fn vrelop_(shape: Shape, op: Vrelop, v_1: u128, v_2: u128) -> Option<u128> {
    use Vrelop::*;
    use scalar::*;
    if shape.is_float() {
        Some(match op {
            Eq => {
                // $vrelop_(Fnn X M, EQ, v_1, v_2)
                hit!("$vrelop_#7");
                fvrelop_(shape, feq_, v_1, v_2)
            }
            Ne => {
                // $vrelop_(Fnn X M, NE, v_1, v_2)
                hit!("$vrelop_#8");
                fvrelop_(shape, fne_, v_1, v_2)
            }
            Lt(None) => {
                // $vrelop_(Fnn X M, LT, v_1, v_2)
                hit!("$vrelop_#9");
                fvrelop_(shape, flt_, v_1, v_2)
            }
            Gt(None) => {
                // $vrelop_(Fnn X M, GT, v_1, v_2)
                hit!("$vrelop_#10");
                fvrelop_(shape, fgt_, v_1, v_2)
            }
            Le(None) => {
                // $vrelop_(Fnn X M, LE, v_1, v_2)
                hit!("$vrelop_#11");
                fvrelop_(shape, fle_, v_1, v_2)
            }
            Ge(None) => {
                // $vrelop_(Fnn X M, GE, v_1, v_2)
                hit!("$vrelop_#12");
                fvrelop_(shape, fge_, v_1, v_2)
            }
            _ => return None,
        })
    } else {
        Some(match op {
            Eq => {
                // $vrelop_(Jnn X M, EQ, v_1, v_2)
                hit!("$vrelop_#1");
                ivrelop_(shape, ieq_, v_1, v_2)
            }
            Ne => {
                // $vrelop_(Jnn X M, NE, v_1, v_2)
                hit!("$vrelop_#2");
                ivrelop_(shape, ine_, v_1, v_2)
            }
            Lt(Some(sx)) => {
                // $vrelop_(Jnn X M, LT sx, v_1, v_2)
                hit!("$vrelop_#3");
                ivrelopsx_(shape, ilt_, sx, v_1, v_2)
            }
            Gt(Some(sx)) => {
                // $vrelop_(Jnn X M, GT sx, v_1, v_2)
                hit!("$vrelop_#4");
                ivrelopsx_(shape, igt_, sx, v_1, v_2)
            }
            Le(Some(sx)) => {
                // $vrelop_(Jnn X M, LE sx, v_1, v_2)
                hit!("$vrelop_#5");
                ivrelopsx_(shape, ile_, sx, v_1, v_2)
            }
            Ge(Some(sx)) => {
                // $vrelop_(Jnn X M, GE sx, v_1, v_2)
                hit!("$vrelop_#6");
                ivrelopsx_(shape, ige_, sx, v_1, v_2)
            }
            _ => return None,
        })
    }
}

/// `$vshiftop_(shape, op, v, i)`: `SHL` when `sx` is `None`, else `SHR sx`; `None` for a
/// float shape.
pub fn vshiftop_(shape: Shape, sx: Option<Sx>, v: u128, i: u64) -> Option<u128> {
    if shape.is_float() {
        return None;
    }
    Some(match sx {
        None => {
            // $vshiftop_(Jnn X M, SHL, v, i)
            hit!("$vshiftop_#1");
            ivshiftop_(shape, scalar::ishl_, v, i)
        }
        Some(sx) => {
            // $vshiftop_(Jnn X M, SHR sx, v, i)
            hit!("$vshiftop_#2");
            ivshiftopsx_(shape, scalar::ishr_, sx, v, i)
        }
    })
}

/// `$vbitmaskop_(shape, v)`: the lanes' sign bits; `None` for a float shape.
pub fn vbitmaskop_(shape: Shape, v: u128) -> Option<u64> {
    if shape.is_float() {
        return None;
    }
    // $vbitmaskop_(Jnn X M, v) = $ivbitmaskop_(Jnn X M, v)
    hit!("$vbitmaskop_#1");
    Some(ivbitmaskop_(shape, v))
}

/// `$vswizzlop_(I8 X 16, SWIZZLE, v_1, v_2)`: lane `k` is lane `v_2[k]` of `v_1`, or 0
/// when that index is 16 or more.
pub fn vswizzlop_(v_1: u128, v_2: u128) -> u128 {
    // $vswizzlop_(I8 X M, SWIZZLE, v_1, v_2)
    hit!("$vswizzlop_#1");
    ivswizzlop_(Shape::I8x16, iswizzle_lane_, v_1, v_2)
}

/// `$vshufflop_(I8 X 16, i*, v_1, v_2)`; `None` if an index is 32 or more.
pub fn vshufflop_(i: &[u64], v_1: u128, v_2: u128) -> Option<u128> {
    // $vshufflop_(I8 X M, i*, v_1, v_2)
    hit!("$vshufflop_#1");
    ivshufflop_(Shape::I8x16, i, v_1, v_2)
}

// ---------------------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------------------

/// The spec's `vcvtop__(shape_1, shape_2)` (without relaxed operators).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vcvtop {
    /// `EXTEND half sx`: integer lanes of one half, extended.
    Extend(Half, Sx),
    /// `CONVERT half? sx`: integer lanes (of one half, if given) to floats.
    Convert(Option<Half>, Sx),
    /// `TRUNC_SAT sx zero?`: float lanes to saturated integers, then zero lanes if `true`.
    TruncSat(Sx, bool),
    /// `DEMOTE ZERO`: `f64x2` to `f32x4`, high lanes zero.
    DemoteZero,
    /// `PROMOTE LOW`: the low `f32` lanes to `f64x2`.
    PromoteLow,
}

/// `$halfop(shape_1, shape_2, vcvtop)`: the half the conversion reads, if any.
pub fn halfop(op: Vcvtop) -> Option<Half> {
    match op {
        Vcvtop::Extend(h, _) => {
            // $halfop(Jnn_1 X M_1, Jnn_2 X M_2, EXTEND half sx) = half
            hit!("$halfop#1");
            Some(h)
        }
        Vcvtop::Convert(h, _) => {
            // $halfop(Jnn_1 X M_1, Fnn_2 X M_2, CONVERT half? sx) = half?
            hit!("$halfop#2");
            h
        }
        Vcvtop::TruncSat(..) => {
            // $halfop(Fnn_1 X M_1, Jnn_2 X M_2, TRUNC_SAT sx zero?) = eps
            hit!("$halfop#3");
            None
        }
        Vcvtop::DemoteZero => {
            // $halfop(Fnn_1 X M_1, Fnn_2 X M_2, DEMOTE zero) = eps
            hit!("$halfop#5");
            None
        }
        Vcvtop::PromoteLow => {
            // $halfop(Fnn_1 X M_1, Fnn_2 X M_2, PROMOTE LOW) = LOW
            hit!("$halfop#6");
            Some(Half::Low)
        }
    }
}

/// `$zeroop(shape_1, shape_2, vcvtop)`: whether the result's high lanes are zeros.
pub fn zeroop(op: Vcvtop) -> bool {
    match op {
        Vcvtop::Extend(..) => {
            // $zeroop(Jnn_1 X M_1, Jnn_2 X M_2, EXTEND half sx) = eps
            hit!("$zeroop#1");
            false
        }
        Vcvtop::Convert(..) => {
            // $zeroop(Jnn_1 X M_1, Fnn_2 X M_2, CONVERT half? sx) = eps
            hit!("$zeroop#2");
            false
        }
        Vcvtop::TruncSat(_, zero) => {
            // $zeroop(Fnn_1 X M_1, Jnn_2 X M_2, TRUNC_SAT sx zero?) = zero?
            hit!("$zeroop#3");
            zero
        }
        Vcvtop::DemoteZero => {
            // $zeroop(Fnn_1 X M_1, Fnn_2 X M_2, DEMOTE zero) = zero
            hit!("$zeroop#5");
            true
        }
        Vcvtop::PromoteLow => {
            // $zeroop(Fnn_1 X M_1, Fnn_2 X M_2, PROMOTE LOW) = eps
            hit!("$zeroop#6");
            false
        }
    }
}

/// `$lcvtop__(shape_1, shape_2, vcvtop, c_1)`: one lane converted; `None` when the lane
/// kinds do not fit the operator.
pub fn lcvtop__(shape_1: Shape, shape_2: Shape, op: Vcvtop, c_1: u64) -> Option<FloatSet> {
    let (n_1, n_2) = (shape_1.lane_bits(), shape_2.lane_bits());
    let (f_1, f_2) = (shape_1.is_float(), shape_2.is_float());
    match op {
        Vcvtop::Extend(_, sx) if !f_1 && !f_2 => {
            // $lcvtop__(Jnn_1 X M_1, Jnn_2 X M_2, EXTEND half sx , c_1)
            hit!("$lcvtop__#1");
            Some(FloatSet::Exact(scalar::extend__(n_1, n_2, sx, c_1)))
        }
        Vcvtop::Convert(_, sx) if !f_1 && f_2 => {
            // $lcvtop__(Jnn_1 X M_1, Fnn_2 X M_2, CONVERT half? sx, c_1)
            hit!("$lcvtop__#2");
            Some(FloatSet::Exact(scalar::convert__(n_1, n_2, sx, c_1)))
        }
        Vcvtop::TruncSat(sx, _) if f_1 && !f_2 => {
            // $lcvtop__(Fnn_1 X M_1, Inn_2 X M_2, TRUNC_SAT sx zero?, c_1)
            hit!("$lcvtop__#3");
            Some(FloatSet::Exact(scalar::trunc_sat__(n_1, n_2, sx, c_1)))
        }
        Vcvtop::DemoteZero if f_1 && f_2 => {
            // $lcvtop__(Fnn_1 X M_1, Fnn_2 X M_2, DEMOTE ZERO, c_1)
            hit!("$lcvtop__#5");
            Some(scalar::demote__(n_1, n_2, c_1))
        }
        Vcvtop::PromoteLow if f_1 && f_2 => {
            // $lcvtop__(Fnn_1 X M_1, Fnn_2 X M_2, PROMOTE LOW, c_1)
            hit!("$lcvtop__#6");
            Some(scalar::promote__(n_1, n_2, c_1))
        }
        _ => None,
    }
}

/// `$vcvtop__(shape_1, shape_2, vcvtop, v_1)`: a lanewise conversion, reading one half or
/// filling the high half with zeros as the operator says; `None` when the shapes do not
/// fit the operator.
pub fn vcvtop__(shape_1: Shape, shape_2: Shape, op: Vcvtop, v_1: u128) -> Option<V128Set> {
    let (m_1, m_2) = (shape_1.dim(), shape_2.dim());
    let conv = |c: Vec<u64>| -> Option<Vec<FloatSet>> {
        c.into_iter()
            .map(|c_1| lcvtop__(shape_1, shape_2, op, c_1))
            .collect()
    };
    let lanes = match (halfop(op), zeroop(op)) {
        (None, false) => {
            // $vcvtop__(Lnn_1 X M, Lnn_2 X M, vcvtop, v_1) = v
            hit!("$vcvtop__#1");
            if m_1 != m_2 {
                return None;
            }
            conv(lanes_(shape_1, v_1))?
        }
        (Some(h), _) => {
            // $vcvtop__(Lnn_1 X M_1, Lnn_2 X M_2, vcvtop, v_1) = v  -- if ... = half
            hit!("$vcvtop__#2");
            if m_1 != 2 * m_2 {
                return None;
            }
            let start = half(h, 0, m_2);
            conv(lanes_(shape_1, v_1)[start..start + m_2].to_vec())?
        }
        (None, true) => {
            // $vcvtop__(Lnn_1 X M_1, Lnn_2 X M_2, vcvtop, v_1) = v  -- if ... = ZERO
            hit!("$vcvtop__#3");
            if m_2 != 2 * m_1 {
                return None;
            }
            let mut c = conv(lanes_(shape_1, v_1))?;
            if shape_2.is_float() {
                // $zero(Fnn) = $fzero($size(Fnn))
                hit!("$zero#2");
            } else {
                // $zero(Jnn) = 0
                hit!("$zero#1");
            }
            c.extend(std::iter::repeat_n(FloatSet::Exact(0), m_1));
            c
        }
    };
    Some(V128Set {
        shape: shape_2,
        lanes,
    })
}

/// `$vnarrowop__(shape_1, shape_2, sx, v_1, v_2)`: the lanes of `v_1` then `v_2`, each
/// read signed and saturated to the narrower lane as `sx`; `None` for unfit shapes.
pub fn vnarrowop__(shape_1: Shape, shape_2: Shape, sx: Sx, v_1: u128, v_2: u128) -> Option<u128> {
    if !is_ext_pair(shape_2, shape_1) {
        return None;
    }
    // $vnarrowop__(Jnn_1 X M_1, Jnn_2 X M_2, sx, v_1, v_2) = v
    hit!("$vnarrowop__#1");
    let (n_1, n_2) = (shape_1.lane_bits(), shape_2.lane_bits());
    let c: Vec<u64> = lanes_(shape_1, v_1)
        .into_iter()
        .chain(lanes_(shape_1, v_2))
        .map(|c| scalar::narrow__(n_1, n_2, sx, c))
        .collect();
    Some(inv_lanes_(shape_2, &c))
}

/// Whether `wide` has integer lanes twice as wide as `narrow`'s.
fn is_ext_pair(narrow: Shape, wide: Shape) -> bool {
    !narrow.is_float() && !wide.is_float() && wide.lane_bits() == 2 * narrow.lane_bits()
}

/// `$ivadd_pairwise_(N, i*)`: sums of adjacent pairs.
pub fn ivadd_pairwise_(n: u32, i: &[u64]) -> Vec<u64> {
    // $ivadd_pairwise_(N, i*) = $iadd_(N, j_1, j_2)*
    hit!("$ivadd_pairwise_#1");
    i.chunks_exact(2)
        .map(|j| scalar::iadd_(n, j[0], j[1]))
        .collect()
}

/// `$ivmul_(N, i_1*, i_2*)`: lanewise products.
pub fn ivmul_(n: u32, i_1: &[u64], i_2: &[u64]) -> Vec<u64> {
    // $ivmul_(N, i_1*, i_2*) = $imul_(N, i_1, i_2)*
    hit!("$ivmul_#1");
    i_1.iter()
        .zip(i_2)
        .map(|(&a, &b)| scalar::imul_(n, a, b))
        .collect()
}

/// `$ivdot_(N, i_1*, i_2*)`: lanewise products, adjacent pairs summed.
pub fn ivdot_(n: u32, i_1: &[u64], i_2: &[u64]) -> Vec<u64> {
    // $ivdot_(N, i_1*, i_2*) = $iadd_(N, j_1, j_2)*
    hit!("$ivdot_#1");
    let p: Vec<u64> = i_1
        .iter()
        .zip(i_2)
        .map(|(&a, &b)| scalar::imul_(n, a, b))
        .collect();
    p.chunks_exact(2)
        .map(|j| scalar::iadd_(n, j[0], j[1]))
        .collect()
}

/// `$ivextunop__(shape_1, shape_2, $f_, sx, v_1)`: lanes extended to the wider shape,
/// then `f` on the whole sequence.
pub fn ivextunop__(
    shape_1: Shape,
    shape_2: Shape,
    f: fn(u32, &[u64]) -> Vec<u64>,
    sx: Sx,
    v_1: u128,
) -> u128 {
    // $ivextunop__(Jnn_1 X M_1, Jnn_2 X M_2, def $f_, sx, v_1)
    hit!("$ivextunop__#1");
    let (n_1, n_2) = (shape_1.lane_bits(), shape_2.lane_bits());
    let c: Vec<u64> = lanes_(shape_1, v_1)
        .into_iter()
        .map(|c| scalar::extend__(n_1, n_2, sx, c))
        .collect();
    inv_lanes_(shape_2, &f(n_2, &c))
}

/// `$ivextbinop__(shape_1, shape_2, $f_, sx_1, sx_2, i, k, v_1, v_2)`: lanes `i..i+k` of
/// both operands extended to the wider shape, then `f` on the two sequences.
#[allow(clippy::too_many_arguments)]
pub fn ivextbinop__(
    shape_1: Shape,
    shape_2: Shape,
    f: fn(u32, &[u64], &[u64]) -> Vec<u64>,
    sx_1: Sx,
    sx_2: Sx,
    i: usize,
    k: usize,
    v_1: u128,
    v_2: u128,
) -> u128 {
    // $ivextbinop__(Jnn_1 X M_1, Jnn_2 X M_2, def $f_, sx_1, sx_2, i, k, v_1, v_2)
    hit!("$ivextbinop__#1");
    let (n_1, n_2) = (shape_1.lane_bits(), shape_2.lane_bits());
    let ext = |v: u128, sx: Sx| -> Vec<u64> {
        lanes_(shape_1, v)
            .into_iter()
            .skip(i)
            .take(k)
            .map(|c| scalar::extend__(n_1, n_2, sx, c))
            .collect()
    };
    inv_lanes_(shape_2, &f(n_2, &ext(v_1, sx_1), &ext(v_2, sx_2)))
}

/// `$vextunop__(shape_1, shape_2, EXTADD_PAIRWISE sx, v_1)`; `None` for unfit shapes.
pub fn vextunop__(shape_1: Shape, shape_2: Shape, sx: Sx, v_1: u128) -> Option<u128> {
    if !is_ext_pair(shape_1, shape_2) {
        return None;
    }
    // $vextunop__(Jnn_1 X M_1, Jnn_2 X M_2, EXTADD_PAIRWISE sx, v_1)
    hit!("$vextunop__#1");
    Some(ivextunop__(shape_1, shape_2, ivadd_pairwise_, sx, v_1))
}

/// The spec's `vextbinop__` (without `RELAXED_DOT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vextbinop {
    /// `EXTMUL half sx`.
    Extmul(Half, Sx),
    /// `DOT S`.
    DotS,
}

/// `$vextbinop__(shape_1, shape_2, op, v_1, v_2)`; `None` for unfit shapes.
pub fn vextbinop__(
    shape_1: Shape,
    shape_2: Shape,
    op: Vextbinop,
    v_1: u128,
    v_2: u128,
) -> Option<u128> {
    if !is_ext_pair(shape_1, shape_2) {
        return None;
    }
    let (m_1, m_2) = (shape_1.dim(), shape_2.dim());
    Some(match op {
        Vextbinop::Extmul(h, sx) => {
            // $vextbinop__(Jnn_1 X M_1, Jnn_2 X M_2, EXTMUL half sx, v_1, v_2)
            hit!("$vextbinop__#1");
            let start = half(h, 0, m_2);
            ivextbinop__(shape_1, shape_2, ivmul_, sx, sx, start, m_2, v_1, v_2)
        }
        Vextbinop::DotS => {
            // $vextbinop__(Jnn_1 X M_1, Jnn_2 X M_2, DOT S, v_1, v_2)
            hit!("$vextbinop__#2");
            ivextbinop__(shape_1, shape_2, ivdot_, Sx::S, Sx::S, 0, m_1, v_1, v_2)
        }
    })
}

// ---------------------------------------------------------------------------------------
// Helpers for the execution rules (not `def`s of 3.2)
// ---------------------------------------------------------------------------------------

/// `splat`: every lane is `$lpacknum_(lanetype, c)`.
pub fn splat(shape: Shape, c: u64) -> u128 {
    let c = scalar::lpacknum_(shape.lane_bits(), c);
    inv_lanes_(shape, &vec![c; shape.dim()])
}

/// `extract_lane`: lane `i`, extended to 32 bits as `sx` when given (packed lanes);
/// `None` if `i` is out of range.
pub fn extract_lane(shape: Shape, sx: Option<Sx>, v: u128, i: usize) -> Option<u64> {
    let c = *lanes_(shape, v).get(i)?;
    Some(match sx {
        Some(sx) => scalar::extend__(shape.lane_bits(), 32, sx, c),
        None => c,
    })
}

/// `replace_lane`: `v` with lane `i` replaced by `$lpacknum_(lanetype, c)`; `None` if `i`
/// is out of range.
pub fn replace_lane(shape: Shape, v: u128, i: usize, c: u64) -> Option<u128> {
    let mut lanes = lanes_(shape, v);
    *lanes.get_mut(i)? = scalar::lpacknum_(shape.lane_bits(), c);
    Some(inv_lanes_(shape, &lanes))
}

/// `v128.any_true`: `$inez_(128, v)`, 1 if any bit is set.
pub fn any_true(v: u128) -> u64 {
    // $inez_(N, i_1) = $bool(i_1 =/= 0)
    hit!("$inez_#1");
    scalar::bool_(v != 0)
}

/// `all_true`: the product of `$inez_` of the lanes, 1 if every lane is non-zero.
pub fn all_true(shape: Shape, v: u128) -> u64 {
    let n = shape.lane_bits();
    lanes_(shape, v)
        .into_iter()
        .map(|c| scalar::inez_(n, c))
        .product()
}

#[cfg(test)]
#[path = "vector_tests.rs"]
mod tests;
