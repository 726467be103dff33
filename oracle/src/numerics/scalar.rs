//! Scalar numerics (3.1-numerics.scalar.spectec).
//!
//! Integers of width `N` are `u64` holding the unsigned value, floats of width `N` are `u64`
//! holding the bits. Widths outside 1..=64 are read as 64; no input panics.

use super::{FloatSet, Sx, is_nan, layout};
use crate::hit;

/// The mask of the low `n` bits (`n` >= 64: all bits).
pub(crate) fn mask(n: u32) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// `n` as a shift width in 1..=64.
fn width(n: u32) -> u32 {
    if n == 0 || n > 64 { 64 } else { n }
}

// ---------------------------------------------------------------------------------------
// Signed numbers and saturation
// ---------------------------------------------------------------------------------------

/// `$signed_(N, i)`: the signed reading of the `N`-bit value `i`.
pub fn signed_(n: u32, i: u64) -> i64 {
    let n = width(n);
    let i = i & mask(n);
    if i < 1u64 << (n - 1) {
        // $signed_(N, i) = i  -- if $(i < 2^(N-1))
        hit!("$signed_#1");
        i as i64
    } else {
        // $signed_(N, i) = $(i - 2^N)  -- if $(2^(N-1) <= i < 2^N)
        hit!("$signed_#2");
        if n == 64 {
            i as i64
        } else {
            (i as i64) - (1i64 << n)
        }
    }
}

/// `$inv_signed_(N, i)`: the `N`-bit value whose signed reading is `i` (wrapping).
pub fn inv_signed_(n: u32, i: i64) -> u64 {
    if i >= 0 {
        // $inv_signed_(N, i) = i  -- if $(0 <= i < 2^(N-1))
        hit!("$inv_signed_#1");
    } else {
        // $inv_signed_(N, i) = $(i + 2^N)  -- if $(-2^(N-1) <= i < 0)
        hit!("$inv_signed_#2");
    }
    (i as u64) & mask(width(n))
}

/// `$sat_u_(N, i)`: `i` clamped to `0..2^N`.
pub fn sat_u_(n: u32, i: i128) -> u64 {
    let max = mask(width(n)) as i128;
    if i < 0 {
        // $sat_u_(N, i) = 0  -- if i < 0
        hit!("$sat_u_#1");
        0
    } else if i > max {
        // $sat_u_(N, i) = $(2^N - 1)  -- if i > $(2^N - 1)
        hit!("$sat_u_#2");
        max as u64
    } else {
        // $sat_u_(N, i) = i  -- otherwise
        hit!("$sat_u_#3");
        i as u64
    }
}

/// `$sat_s_(N, i)`: `i` clamped to `-2^(N-1)..2^(N-1)`.
pub fn sat_s_(n: u32, i: i128) -> i64 {
    let n = width(n);
    let min = -(1i128 << (n - 1));
    let max = (1i128 << (n - 1)) - 1;
    if i < min {
        // $sat_s_(N, i) = $(-2^(N-1))  -- if i < $(-2^(N-1))
        hit!("$sat_s_#1");
        min as i64
    } else if i > max {
        // $sat_s_(N, i) = $(2^(N-1) - 1)  -- if i > $(2^(N-1) - 1)
        hit!("$sat_s_#2");
        max as i64
    } else {
        // $sat_s_(N, i) = i  -- otherwise
        hit!("$sat_s_#3");
        i as i64
    }
}

// ---------------------------------------------------------------------------------------
// Integer operations
// ---------------------------------------------------------------------------------------

/// `$ineg_(N, i)`: `-i` modulo `2^N`.
pub fn ineg_(n: u32, i_1: u64) -> u64 {
    // $ineg_(N, i_1)
    hit!("$ineg_#1");
    i_1.wrapping_neg() & mask(n)
}

/// `$iabs_(N, i)`: the absolute value of the signed reading (`MIN` stays `MIN`).
pub fn iabs_(n: u32, i_1: u64) -> u64 {
    if signed_(n, i_1) >= 0 {
        // $iabs_(N, i_1) = i_1  -- if $signed_(N, i_1) >= 0
        hit!("$iabs_#1");
        i_1 & mask(n)
    } else {
        // $iabs_(N, i_1) = $ineg_(N, i_1)  -- otherwise
        hit!("$iabs_#2");
        ineg_(n, i_1)
    }
}

/// `$iclz_(N, i)`: leading zero bits (`N` for 0).
pub fn iclz_(n: u32, i_1: u64) -> u64 {
    // $iclz_ hint(builtin)
    hit!("$iclz_#1");
    let n = width(n);
    u64::from((i_1 & mask(n)).leading_zeros() - (64 - n))
}

/// `$ictz_(N, i)`: trailing zero bits (`N` for 0).
pub fn ictz_(n: u32, i_1: u64) -> u64 {
    // $ictz_ hint(builtin)
    hit!("$ictz_#1");
    let n = width(n);
    u64::from((i_1 & mask(n)).trailing_zeros().min(n))
}

/// `$ipopcnt_(N, i)`: number of one bits.
pub fn ipopcnt_(n: u32, i_1: u64) -> u64 {
    // $ipopcnt_ hint(builtin)
    hit!("$ipopcnt_#1");
    u64::from((i_1 & mask(n)).count_ones())
}

/// `$iextend_(N, K, sx, i)`: the low `K` bits of `i`, extended to `N` bits.
pub fn iextend_(n: u32, k: u32, sx: Sx, i: u64) -> u64 {
    let low = i & mask(width(k));
    match sx {
        Sx::U => {
            // $iextend_(N, K, U, i)
            hit!("$iextend_#1");
            low & mask(n)
        }
        Sx::S => {
            // $iextend_(N, K, S, i)
            hit!("$iextend_#2");
            inv_signed_(n, signed_(k, low))
        }
    }
}

/// `$iadd_(N, i_1, i_2)`: addition modulo `2^N`.
pub fn iadd_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $iadd_(N, i_1, i_2)
    hit!("$iadd_#1");
    i_1.wrapping_add(i_2) & mask(n)
}

/// `$isub_(N, i_1, i_2)`: subtraction modulo `2^N`.
pub fn isub_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $isub_(N, i_1, i_2)
    hit!("$isub_#1");
    i_1.wrapping_sub(i_2) & mask(n)
}

/// `$imul_(N, i_1, i_2)`: multiplication modulo `2^N`.
pub fn imul_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $imul_(N, i_1, i_2)
    hit!("$imul_#1");
    i_1.wrapping_mul(i_2) & mask(n)
}

/// `$idiv_(N, sx, i_1, i_2)`: division truncating toward zero; `None` (a trap) for a
/// zero divisor and for the signed `MIN / -1`.
pub fn idiv_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> Option<u64> {
    let m = mask(n);
    let (i_1, i_2) = (i_1 & m, i_2 & m);
    match sx {
        Sx::U if i_2 == 0 => {
            // $idiv_(N, U, i_1, 0) = eps
            hit!("$idiv_#1");
            None
        }
        Sx::U => {
            // $idiv_(N, U, i_1, i_2)
            hit!("$idiv_#2");
            Some(i_1 / i_2)
        }
        Sx::S if i_2 == 0 => {
            // $idiv_(N, S, i_1, 0) = eps
            hit!("$idiv_#3");
            None
        }
        Sx::S => {
            let q = i128::from(signed_(n, i_1)) / i128::from(signed_(n, i_2));
            if q == 1i128 << (width(n) - 1) {
                // $idiv_(N, S, i_1, i_2) = eps  -- if ... = $rat$(2^(N-1))
                hit!("$idiv_#4");
                None
            } else {
                // $idiv_(N, S, i_1, i_2) = $inv_signed_(N, $truncz(...))
                hit!("$idiv_#5");
                Some(inv_signed_(n, q as i64))
            }
        }
    }
}

/// `$irem_(N, sx, i_1, i_2)`: remainder with the dividend's sign; `None` (a trap) for a
/// zero divisor. The signed `MIN rem -1` is 0.
pub fn irem_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> Option<u64> {
    let m = mask(n);
    let (i_1, i_2) = (i_1 & m, i_2 & m);
    match sx {
        Sx::U if i_2 == 0 => {
            // $irem_(N, U, i_1, 0) = eps
            hit!("$irem_#1");
            None
        }
        Sx::U => {
            // $irem_(N, U, i_1, i_2)
            hit!("$irem_#2");
            Some(i_1 % i_2)
        }
        Sx::S if i_2 == 0 => {
            // $irem_(N, S, i_1, 0) = eps
            hit!("$irem_#3");
            None
        }
        Sx::S => {
            // $irem_(N, S, i_1, i_2)
            hit!("$irem_#4");
            let r = i128::from(signed_(n, i_1)) % i128::from(signed_(n, i_2));
            Some(inv_signed_(n, r as i64))
        }
    }
}

/// `$imin_(N, sx, i_1, i_2)`: the smaller operand.
pub fn imin_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    let (i_1, i_2) = (i_1 & m, i_2 & m);
    match sx {
        Sx::U if i_1 <= i_2 => {
            // $imin_(N, U, i_1, i_2) = i_1  -- if i_1 <= i_2
            hit!("$imin_#1");
            i_1
        }
        Sx::U => {
            // $imin_(N, U, i_1, i_2) = i_2  -- if i_1 > i_2
            hit!("$imin_#2");
            i_2
        }
        Sx::S if signed_(n, i_1) <= signed_(n, i_2) => {
            // $imin_(N, S, i_1, i_2) = i_1  -- if $signed_(N, i_1) <= $signed_(N, i_2)
            hit!("$imin_#3");
            i_1
        }
        Sx::S => {
            // $imin_(N, S, i_1, i_2) = i_2  -- otherwise
            hit!("$imin_#4");
            i_2
        }
    }
}

/// `$imax_(N, sx, i_1, i_2)`: the larger operand.
pub fn imax_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    let (i_1, i_2) = (i_1 & m, i_2 & m);
    match sx {
        Sx::U if i_1 >= i_2 => {
            // $imax_(N, U, i_1, i_2) = i_1  -- if i_1 >= i_2
            hit!("$imax_#1");
            i_1
        }
        Sx::U => {
            // $imax_(N, U, i_1, i_2) = i_2  -- if i_1 < i_2
            hit!("$imax_#2");
            i_2
        }
        Sx::S if signed_(n, i_1) >= signed_(n, i_2) => {
            // $imax_(N, S, i_1, i_2) = i_1  -- if $signed_(N, i_1) >= $signed_(N, i_2)
            hit!("$imax_#3");
            i_1
        }
        Sx::S => {
            // $imax_(N, S, i_1, i_2) = i_2  -- otherwise
            hit!("$imax_#4");
            i_2
        }
    }
}

/// `$iadd_sat_(N, sx, i_1, i_2)`: saturating addition.
pub fn iadd_sat_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    match sx {
        Sx::U => {
            // $iadd_sat_(N, U, i_1, i_2)
            hit!("$iadd_sat_#1");
            sat_u_(n, i128::from(i_1 & m) + i128::from(i_2 & m))
        }
        Sx::S => {
            // $iadd_sat_(N, S, i_1, i_2)
            hit!("$iadd_sat_#2");
            let s = i128::from(signed_(n, i_1)) + i128::from(signed_(n, i_2));
            inv_signed_(n, sat_s_(n, s))
        }
    }
}

/// `$isub_sat_(N, sx, i_1, i_2)`: saturating subtraction.
pub fn isub_sat_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    match sx {
        Sx::U => {
            // $isub_sat_(N, U, i_1, i_2)
            hit!("$isub_sat_#1");
            sat_u_(n, i128::from(i_1 & m) - i128::from(i_2 & m))
        }
        Sx::S => {
            // $isub_sat_(N, S, i_1, i_2)
            hit!("$isub_sat_#2");
            let s = i128::from(signed_(n, i_1)) - i128::from(signed_(n, i_2));
            inv_signed_(n, sat_s_(n, s))
        }
    }
}

/// `$iq15mulr_sat_(N, sx, i_1, i_2)`: `sat_sx((i_1 * i_2 + 2^14) >> 15)` (the spec only
/// uses `S`; `U` reads the operands unsigned).
pub fn iq15mulr_sat_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    // $iq15mulr_sat_ hint(builtin)
    hit!("$iq15mulr_sat_#1");
    let m = mask(n);
    match sx {
        Sx::S => {
            let p = i128::from(signed_(n, i_1)) * i128::from(signed_(n, i_2));
            inv_signed_(n, sat_s_(n, (p + (1 << 14)) >> 15))
        }
        Sx::U => {
            let p = i128::from(i_1 & m) * i128::from(i_2 & m);
            sat_u_(n, (p + (1 << 14)) >> 15)
        }
    }
}

/// `$iavgr_(N, sx, i_1, i_2)`: `(i_1 + i_2 + 1) / 2`, rounding down (the spec only uses
/// `U`; `S` reads the operands signed).
pub fn iavgr_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    // $iavgr_ hint(builtin)
    hit!("$iavgr_#1");
    let m = mask(n);
    match sx {
        Sx::U => (u128::from(i_1 & m) + u128::from(i_2 & m)).div_ceil(2) as u64,
        Sx::S => {
            let s = i128::from(signed_(n, i_1)) + i128::from(signed_(n, i_2)) + 1;
            inv_signed_(n, s.div_euclid(2) as i64)
        }
    }
}

/// `$inot_(N, i)`: bitwise complement.
pub fn inot_(n: u32, i_1: u64) -> u64 {
    // $inot_ hint(builtin)
    hit!("$inot_#1");
    !i_1 & mask(n)
}

/// `$irev_(N, i)`: the `N` bits in reverse order.
pub fn irev_(n: u32, i_1: u64) -> u64 {
    // $irev_ hint(builtin)
    hit!("$irev_#1");
    let n = width(n);
    (i_1 & mask(n)).reverse_bits() >> (64 - n)
}

/// `$iand_(N, i_1, i_2)`: bitwise and.
pub fn iand_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $iand_ hint(builtin)
    hit!("$iand_#1");
    i_1 & i_2 & mask(n)
}

/// `$iandnot_(N, i_1, i_2)`: `i_1` and not `i_2`.
pub fn iandnot_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $iandnot_ hint(builtin)
    hit!("$iandnot_#1");
    i_1 & !i_2 & mask(n)
}

/// `$ior_(N, i_1, i_2)`: bitwise or.
pub fn ior_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ior_ hint(builtin)
    hit!("$ior_#1");
    (i_1 | i_2) & mask(n)
}

/// `$ixor_(N, i_1, i_2)`: bitwise exclusive or.
pub fn ixor_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ixor_ hint(builtin)
    hit!("$ixor_#1");
    (i_1 ^ i_2) & mask(n)
}

/// `$ishl_(N, i_1, i_2)`: shift left by `i_2` modulo `N`.
pub fn ishl_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ishl_ hint(builtin)
    hit!("$ishl_#1");
    let n = width(n);
    let k = (i_2 % u64::from(n)) as u32;
    (i_1 << k) & mask(n)
}

/// `$ishr_(N, sx, i_1, i_2)`: shift right by `i_2` modulo `N`, filling with zeros (`U`)
/// or the sign bit (`S`).
pub fn ishr_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    // $ishr_ hint(builtin)
    hit!("$ishr_#1");
    let n = width(n);
    let k = (i_2 % u64::from(n)) as u32;
    match sx {
        Sx::U => (i_1 & mask(n)) >> k,
        Sx::S => inv_signed_(n, signed_(n, i_1) >> k),
    }
}

/// `$irotl_(N, i_1, i_2)`: rotate left by `i_2` modulo `N`.
pub fn irotl_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $irotl_ hint(builtin)
    hit!("$irotl_#1");
    let n = width(n);
    let k = (i_2 % u64::from(n)) as u32;
    let x = i_1 & mask(n);
    if k == 0 {
        x
    } else {
        ((x << k) | (x >> (n - k))) & mask(n)
    }
}

/// `$irotr_(N, i_1, i_2)`: rotate right by `i_2` modulo `N`.
pub fn irotr_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $irotr_ hint(builtin)
    hit!("$irotr_#1");
    let n = width(n);
    let k = (i_2 % u64::from(n)) as u32;
    let x = i_1 & mask(n);
    if k == 0 {
        x
    } else {
        ((x >> k) | (x << (n - k))) & mask(n)
    }
}

/// `$ibitselect_(N, i_1, i_2, i_3)`: bits of `i_1` where `i_3` is 1, of `i_2` elsewhere.
pub fn ibitselect_(n: u32, i_1: u64, i_2: u64, i_3: u64) -> u64 {
    // $ibitselect_ hint(builtin)
    hit!("$ibitselect_#1");
    ((i_1 & i_3) | (i_2 & !i_3)) & mask(n)
}

/// `$ieqz_(N, i)`: 1 if `i` is 0.
pub fn ieqz_(n: u32, i_1: u64) -> u64 {
    // $ieqz_(N, i_1) = $bool(i_1 = 0)
    hit!("$ieqz_#1");
    u64::from(i_1 & mask(n) == 0)
}

/// `$inez_(N, i)`: 1 if `i` is not 0.
pub fn inez_(n: u32, i_1: u64) -> u64 {
    // $inez_(N, i_1) = $bool(i_1 =/= 0)
    hit!("$inez_#1");
    u64::from(i_1 & mask(n) != 0)
}

/// `$ieq_(N, i_1, i_2)`.
pub fn ieq_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ieq_(N, i_1, i_2) = $bool(i_1 = i_2)
    hit!("$ieq_#1");
    u64::from((i_1 ^ i_2) & mask(n) == 0)
}

/// `$ine_(N, i_1, i_2)`.
pub fn ine_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ine_(N, i_1, i_2) = $bool(i_1 =/= i_2)
    hit!("$ine_#1");
    u64::from((i_1 ^ i_2) & mask(n) != 0)
}

/// `$ilt_(N, sx, i_1, i_2)`.
pub fn ilt_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    u64::from(match sx {
        Sx::U => {
            // $ilt_(N, U, i_1, i_2)
            hit!("$ilt_#1");
            i_1 & m < i_2 & m
        }
        Sx::S => {
            // $ilt_(N, S, i_1, i_2)
            hit!("$ilt_#2");
            signed_(n, i_1) < signed_(n, i_2)
        }
    })
}

/// `$igt_(N, sx, i_1, i_2)`.
pub fn igt_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    u64::from(match sx {
        Sx::U => {
            // $igt_(N, U, i_1, i_2)
            hit!("$igt_#1");
            i_1 & m > i_2 & m
        }
        Sx::S => {
            // $igt_(N, S, i_1, i_2)
            hit!("$igt_#2");
            signed_(n, i_1) > signed_(n, i_2)
        }
    })
}

/// `$ile_(N, sx, i_1, i_2)`.
pub fn ile_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    u64::from(match sx {
        Sx::U => {
            // $ile_(N, U, i_1, i_2)
            hit!("$ile_#1");
            i_1 & m <= i_2 & m
        }
        Sx::S => {
            // $ile_(N, S, i_1, i_2)
            hit!("$ile_#2");
            signed_(n, i_1) <= signed_(n, i_2)
        }
    })
}

/// `$ige_(N, sx, i_1, i_2)`.
pub fn ige_(n: u32, sx: Sx, i_1: u64, i_2: u64) -> u64 {
    let m = mask(n);
    u64::from(match sx {
        Sx::U => {
            // $ige_(N, U, i_1, i_2)
            hit!("$ige_#1");
            i_1 & m >= i_2 & m
        }
        Sx::S => {
            // $ige_(N, S, i_1, i_2)
            hit!("$ige_#2");
            signed_(n, i_1) >= signed_(n, i_2)
        }
    })
}

// ---------------------------------------------------------------------------------------
// Floating-point operations
// ---------------------------------------------------------------------------------------

/// A float value of width 32 or 64, as the hardware computes it (IEEE 754, round to
/// nearest even); NaN results are replaced by `$nans_` by the callers.
#[derive(Clone, Copy)]
enum Fl {
    F32(f32),
    F64(f64),
}

impl Fl {
    fn of(n: u32, bits: u64) -> Fl {
        if n == 32 {
            Fl::F32(f32::from_bits(bits as u32))
        } else {
            Fl::F64(f64::from_bits(bits))
        }
    }

    fn bits(self) -> u64 {
        match self {
            Fl::F32(x) => u64::from(x.to_bits()),
            Fl::F64(x) => x.to_bits(),
        }
    }

    fn map(self, f32op: fn(f32) -> f32, f64op: fn(f64) -> f64) -> Fl {
        match self {
            Fl::F32(x) => Fl::F32(f32op(x)),
            Fl::F64(x) => Fl::F64(f64op(x)),
        }
    }

    fn lt(self, other: Fl) -> bool {
        match (self, other) {
            (Fl::F32(a), Fl::F32(b)) => a < b,
            (Fl::F64(a), Fl::F64(b)) => a < b,
            _ => false,
        }
    }
}

/// The result of an arithmetic float operation: `$nans_` of the operands if the IEEE
/// result is a NaN, else the IEEE result.
fn arith(n: u32, operands: &[u64], result: u64) -> FloatSet {
    if is_nan(n, result) {
        FloatSet::nans(n, operands)
    } else {
        FloatSet::Exact(result)
    }
}

fn funop(n: u32, z: u64, f32op: fn(f32) -> f32, f64op: fn(f64) -> f64) -> FloatSet {
    arith(n, &[z], Fl::of(n, z).map(f32op, f64op).bits())
}

fn fbinop(
    n: u32,
    z_1: u64,
    z_2: u64,
    f32op: fn(f32, f32) -> f32,
    f64op: fn(f64, f64) -> f64,
) -> FloatSet {
    let r = if n == 32 {
        u64::from(f32op(f32::from_bits(z_1 as u32), f32::from_bits(z_2 as u32)).to_bits())
    } else {
        f64op(f64::from_bits(z_1), f64::from_bits(z_2)).to_bits()
    };
    arith(n, &[z_1, z_2], r)
}

fn frel(
    n: u32,
    z_1: u64,
    z_2: u64,
    f32op: fn(&f32, &f32) -> bool,
    f64op: fn(&f64, &f64) -> bool,
) -> u64 {
    u64::from(if n == 32 {
        f32op(&f32::from_bits(z_1 as u32), &f32::from_bits(z_2 as u32))
    } else {
        f64op(&f64::from_bits(z_1), &f64::from_bits(z_2))
    })
}

/// `$fabs_(N, z)`: `z` with the sign bit cleared (exact, also for NaNs).
pub fn fabs_(n: u32, z: u64) -> FloatSet {
    // $fabs_ hint(builtin)
    hit!("$fabs_#1");
    FloatSet::Exact(z & !layout(n).sign)
}

/// `$fneg_(N, z)`: `z` with the sign bit flipped (exact, also for NaNs).
pub fn fneg_(n: u32, z: u64) -> FloatSet {
    // $fneg_ hint(builtin)
    hit!("$fneg_#1");
    FloatSet::Exact(z ^ layout(n).sign)
}

/// `$fsqrt_(N, z)`: square root (`sqrt(-0) = -0`, negative -> canonical NaN).
pub fn fsqrt_(n: u32, z: u64) -> FloatSet {
    // $fsqrt_ hint(builtin)
    hit!("$fsqrt_#1");
    funop(n, z, f32::sqrt, f64::sqrt)
}

/// `$fceil_(N, z)`: round toward +infinity (sign kept: `ceil(-0.5) = -0`).
pub fn fceil_(n: u32, z: u64) -> FloatSet {
    // $fceil_ hint(builtin)
    hit!("$fceil_#1");
    funop(n, z, f32::ceil, f64::ceil)
}

/// `$ffloor_(N, z)`: round toward -infinity.
pub fn ffloor_(n: u32, z: u64) -> FloatSet {
    // $ffloor_ hint(builtin)
    hit!("$ffloor_#1");
    funop(n, z, f32::floor, f64::floor)
}

/// `$ftrunc_(N, z)`: round toward zero.
pub fn ftrunc_(n: u32, z: u64) -> FloatSet {
    // $ftrunc_ hint(builtin)
    hit!("$ftrunc_#1");
    funop(n, z, f32::trunc, f64::trunc)
}

/// `$fnearest_(N, z)`: round to the nearest integer, ties to even.
pub fn fnearest_(n: u32, z: u64) -> FloatSet {
    // $fnearest_ hint(builtin)
    hit!("$fnearest_#1");
    funop(n, z, f32::round_ties_even, f64::round_ties_even)
}

/// `$fadd_(N, z_1, z_2)`.
pub fn fadd_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fadd_ hint(builtin)
    hit!("$fadd_#1");
    fbinop(n, z_1, z_2, |a, b| a + b, |a, b| a + b)
}

/// `$fsub_(N, z_1, z_2)`.
pub fn fsub_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fsub_ hint(builtin)
    hit!("$fsub_#1");
    fbinop(n, z_1, z_2, |a, b| a - b, |a, b| a - b)
}

/// `$fmul_(N, z_1, z_2)`.
pub fn fmul_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fmul_ hint(builtin)
    hit!("$fmul_#1");
    fbinop(n, z_1, z_2, |a, b| a * b, |a, b| a * b)
}

/// `$fdiv_(N, z_1, z_2)`.
pub fn fdiv_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fdiv_ hint(builtin)
    hit!("$fdiv_#1");
    fbinop(n, z_1, z_2, |a, b| a / b, |a, b| a / b)
}

/// `fmin`/`fmax` after the NaN case: the smaller (or larger) operand, `-0 < +0`.
fn fminmax(n: u32, z_1: u64, z_2: u64, min: bool) -> FloatSet {
    if is_nan(n, z_1) || is_nan(n, z_2) {
        return FloatSet::nans(n, &[z_1, z_2]);
    }
    let sign = layout(n).sign;
    let (a, b) = (Fl::of(n, z_1), Fl::of(n, z_2));
    if z_1 & !sign == 0 && z_2 & !sign == 0 {
        // Both zeros: the negative one for min, the positive one for max.
        let neg = if min {
            (z_1 | z_2) & sign
        } else {
            z_1 & z_2 & sign
        };
        return FloatSet::Exact(neg);
    }
    let first = if min { !b.lt(a) } else { !a.lt(b) };
    FloatSet::Exact(if first { z_1 } else { z_2 })
}

/// `$fmin_(N, z_1, z_2)`: minimum; NaN if either is NaN; `min(-0, +0) = -0`.
pub fn fmin_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fmin_ hint(builtin)
    hit!("$fmin_#1");
    fminmax(n, z_1, z_2, true)
}

/// `$fmax_(N, z_1, z_2)`: maximum; NaN if either is NaN; `max(-0, +0) = +0`.
pub fn fmax_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fmax_ hint(builtin)
    hit!("$fmax_#1");
    fminmax(n, z_1, z_2, false)
}

/// `$fpmin_(N, z_1, z_2)`: pseudo-minimum, `z_2 < z_1 ? z_2 : z_1` (exact bits).
pub fn fpmin_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fpmin_ hint(builtin)
    hit!("$fpmin_#1");
    FloatSet::Exact(if Fl::of(n, z_2).lt(Fl::of(n, z_1)) {
        z_2
    } else {
        z_1
    })
}

/// `$fpmax_(N, z_1, z_2)`: pseudo-maximum, `z_1 < z_2 ? z_2 : z_1` (exact bits).
pub fn fpmax_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fpmax_ hint(builtin)
    hit!("$fpmax_#1");
    FloatSet::Exact(if Fl::of(n, z_1).lt(Fl::of(n, z_2)) {
        z_2
    } else {
        z_1
    })
}

/// `$fcopysign_(N, z_1, z_2)`: `z_1` with the sign of `z_2` (exact, also for NaNs).
pub fn fcopysign_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fcopysign_ hint(builtin)
    hit!("$fcopysign_#1");
    let sign = layout(n).sign;
    FloatSet::Exact((z_1 & !sign) | (z_2 & sign))
}

/// `$feq_(N, z_1, z_2)`: IEEE equality (NaN is unequal to everything, `-0 = +0`).
pub fn feq_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $feq_ hint(builtin)
    hit!("$feq_#1");
    frel(n, z_1, z_2, f32::eq, f64::eq)
}

/// `$fne_(N, z_1, z_2)`.
pub fn fne_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fne_ hint(builtin)
    hit!("$fne_#1");
    frel(n, z_1, z_2, f32::ne, f64::ne)
}

/// `$flt_(N, z_1, z_2)`.
pub fn flt_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $flt_ hint(builtin)
    hit!("$flt_#1");
    frel(n, z_1, z_2, f32::lt, f64::lt)
}

/// `$fgt_(N, z_1, z_2)`.
pub fn fgt_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fgt_ hint(builtin)
    hit!("$fgt_#1");
    frel(n, z_1, z_2, f32::gt, f64::gt)
}

/// `$fle_(N, z_1, z_2)`.
pub fn fle_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fle_ hint(builtin)
    hit!("$fle_#1");
    frel(n, z_1, z_2, f32::le, f64::le)
}

/// `$fge_(N, z_1, z_2)`.
pub fn fge_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fge_ hint(builtin)
    hit!("$fge_#1");
    frel(n, z_1, z_2, f32::ge, f64::ge)
}

// ---------------------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------------------

/// `$wrap__(N, N', i)`: the low `N'` bits.
pub fn wrap__(_n: u32, n_2: u32, i: u64) -> u64 {
    // $wrap__ hint(builtin)
    hit!("$wrap__#1");
    i & mask(n_2)
}

/// `$extend__(N, N', sx, i)`: the `N`-bit `i` extended to `N'` bits.
pub fn extend__(n: u32, n_2: u32, sx: Sx, i: u64) -> u64 {
    // $extend__ hint(builtin)
    hit!("$extend__#1");
    match sx {
        Sx::U => i & mask(n) & mask(n_2),
        Sx::S => inv_signed_(n_2, signed_(n, i)),
    }
}

/// Why a `$trunc__` has no result: the trap the caller raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TruncFailure {
    /// The operand is a NaN: "invalid conversion to integer".
    Nan,
    /// The operand is infinite or its truncation is out of range: "integer overflow".
    Overflow,
}

/// `$trunc__(N, N', sx, z)` with the reason for an empty result; see [`trunc__`].
pub fn trunc_checked__(n: u32, n_2: u32, sx: Sx, z: u64) -> Result<u64, TruncFailure> {
    // $trunc__ hint(builtin)
    hit!("$trunc__#1");
    let x = match Fl::of(n, z) {
        Fl::F32(x) => f64::from(x),
        Fl::F64(x) => x,
    };
    if x.is_nan() {
        return Err(TruncFailure::Nan);
    }
    let t = x.trunc();
    let n_2 = width(n_2);
    let in_range = match sx {
        Sx::U => t >= 0.0 && t < (1u128 << n_2) as f64,
        Sx::S => t >= -((1u128 << (n_2 - 1)) as f64) && t < (1u128 << (n_2 - 1)) as f64,
    };
    if !in_range {
        return Err(TruncFailure::Overflow);
    }
    Ok(match sx {
        Sx::U => t as u64,
        Sx::S => inv_signed_(n_2, t as i64),
    })
}

/// `$trunc__(N, N', sx, z)`: `z` truncated toward zero, as an `N'`-bit integer; `None`
/// (a trap) for NaN, infinities and out-of-range values.
pub fn trunc__(n: u32, n_2: u32, sx: Sx, z: u64) -> Option<u64> {
    trunc_checked__(n, n_2, sx, z).ok()
}

/// `$trunc_sat__(N, N', sx, z)`: `z` truncated toward zero and saturated; NaN gives 0.
/// The spec's result type is optional, but the function is total: this returns the value.
pub fn trunc_sat__(n: u32, n_2: u32, sx: Sx, z: u64) -> u64 {
    // $trunc_sat__ hint(builtin)
    hit!("$trunc_sat__#1");
    let x = match Fl::of(n, z) {
        Fl::F32(x) => f64::from(x),
        Fl::F64(x) => x,
    };
    if x.is_nan() {
        return 0;
    }
    let t = x.trunc();
    let n_2 = width(n_2);
    match sx {
        Sx::U => {
            if t <= 0.0 {
                0
            } else if t >= (1u128 << n_2) as f64 {
                mask(n_2)
            } else {
                t as u64
            }
        }
        Sx::S => {
            let lo = -((1u128 << (n_2 - 1)) as f64);
            let hi = (1u128 << (n_2 - 1)) as f64;
            if t < lo {
                inv_signed_(n_2, lo as i64)
            } else if t >= hi {
                mask(n_2 - 1)
            } else {
                inv_signed_(n_2, t as i64)
            }
        }
    }
}

/// `$demote__(N, N', z)`: `z` rounded to the narrower float (nearest, ties to even); a NaN
/// gives `$nans_` of it.
pub fn demote__(n: u32, n_2: u32, z: u64) -> FloatSet {
    // $demote__ hint(builtin)
    hit!("$demote__#1");
    if is_nan(n, z) {
        return FloatSet::nans(n, &[z]);
    }
    FloatSet::Exact(match (Fl::of(n, z), n_2) {
        (Fl::F64(x), 32) => u64::from((x as f32).to_bits()),
        (x, _) => x.bits(),
    })
}

/// `$promote__(N, N', z)`: `z` widened exactly; a NaN gives `$nans_` of it.
pub fn promote__(n: u32, n_2: u32, z: u64) -> FloatSet {
    // $promote__ hint(builtin)
    hit!("$promote__#1");
    if is_nan(n, z) {
        return FloatSet::nans(n, &[z]);
    }
    FloatSet::Exact(match (Fl::of(n, z), n_2) {
        (Fl::F32(x), 64) => f64::from(x).to_bits(),
        (x, _) => x.bits(),
    })
}

/// `$convert__(N, N', sx, i)`: the `N`-bit integer `i` as the nearest `N'`-bit float (ties
/// to even).
pub fn convert__(n: u32, n_2: u32, sx: Sx, i: u64) -> u64 {
    // $convert__ hint(builtin)
    hit!("$convert__#1");
    match sx {
        Sx::U => {
            let i = i & mask(n);
            if n_2 == 32 {
                u64::from((i as f32).to_bits())
            } else {
                (i as f64).to_bits()
            }
        }
        Sx::S => {
            let i = signed_(n, i);
            if n_2 == 32 {
                u64::from((i as f32).to_bits())
            } else {
                (i as f64).to_bits()
            }
        }
    }
}

/// `$narrow__(N, N', sx, i)`: the signed reading of the `N`-bit `i`, saturated to `N'`
/// bits as `sx`.
pub fn narrow__(n: u32, n_2: u32, sx: Sx, i: u64) -> u64 {
    // $narrow__ hint(builtin)
    hit!("$narrow__#1");
    let v = i128::from(signed_(n, i));
    match sx {
        Sx::U => sat_u_(n_2, v),
        Sx::S => inv_signed_(n_2, sat_s_(n_2, v)),
    }
}

/// `$reinterpret__(numtype_1, numtype_2, c)`: the same bits (both types have `N` bits).
pub fn reinterpret__(n: u32, c: u64) -> u64 {
    // $reinterpret__ hint(builtin)
    hit!("$reinterpret__#1");
    c & mask(n)
}

#[cfg(test)]
#[path = "scalar_tests.rs"]
mod tests;
