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

/// `$bool(b)`: 1 for true, 0 for false. Its clauses are marked where `$ieqz_` and `$inez_`
/// apply it; the comparisons, hotter, compute it unmarked (a mark costs a load and a store).
#[inline]
pub fn bool_(b: bool) -> u64 {
    if b {
        // $bool(true) = 1
        hit!("$bool#2");
        1
    } else {
        // $bool(false) = 0
        hit!("$bool#1");
        0
    }
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
#[inline(always)]
pub fn iadd_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $iadd_(N, i_1, i_2)
    hit!("$iadd_#1");
    i_1.wrapping_add(i_2) & mask(n)
}

/// `$isub_(N, i_1, i_2)`: subtraction modulo `2^N`.
#[inline(always)]
pub fn isub_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $isub_(N, i_1, i_2)
    hit!("$isub_#1");
    i_1.wrapping_sub(i_2) & mask(n)
}

/// `$imul_(N, i_1, i_2)`: multiplication modulo `2^N`.
#[inline(always)]
pub fn imul_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $imul_(N, i_1, i_2)
    hit!("$imul_#1");
    i_1.wrapping_mul(i_2) & mask(n)
}

/// `$truncz(i_1 / i_2)`: the quotient of two integers (`i_2` not 0) rounded toward zero.
#[inline]
fn truncz_div(i_1: i128, i_2: i128) -> i128 {
    // $truncz hint(builtin)
    hit!("$truncz#1");
    i_1 / i_2
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
            Some(truncz_div(i128::from(i_1), i128::from(i_2)) as u64)
        }
        Sx::S if i_2 == 0 => {
            // $idiv_(N, S, i_1, 0) = eps
            hit!("$idiv_#3");
            None
        }
        Sx::S => {
            let q = truncz_div(i128::from(signed_(n, i_1)), i128::from(signed_(n, i_2)));
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
            let (j_1, j_2) = (i128::from(i_1), i128::from(i_2));
            Some((j_1 - j_2 * truncz_div(j_1, j_2)) as u64)
        }
        Sx::S if i_2 == 0 => {
            // $irem_(N, S, i_1, 0) = eps
            hit!("$irem_#3");
            None
        }
        Sx::S => {
            // $irem_(N, S, i_1, i_2)
            hit!("$irem_#4");
            let (j_1, j_2) = (i128::from(signed_(n, i_1)), i128::from(signed_(n, i_2)));
            let r = j_1 - j_2 * truncz_div(j_1, j_2);
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
#[inline(always)]
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
#[inline(always)]
pub fn ior_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ior_ hint(builtin)
    hit!("$ior_#1");
    (i_1 | i_2) & mask(n)
}

/// `$ixor_(N, i_1, i_2)`: bitwise exclusive or.
#[inline(always)]
pub fn ixor_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ixor_ hint(builtin)
    hit!("$ixor_#1");
    (i_1 ^ i_2) & mask(n)
}

/// `$ishl_(N, i_1, i_2)`: shift left by `i_2` modulo `N`.
#[inline(always)]
pub fn ishl_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ishl_ hint(builtin)
    hit!("$ishl_#1");
    let n = width(n);
    let k = (i_2 % u64::from(n)) as u32;
    (i_1 << k) & mask(n)
}

/// `$ishr_(N, sx, i_1, i_2)`: shift right by `i_2` modulo `N`, filling with zeros (`U`)
/// or the sign bit (`S`).
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
pub fn ieqz_(n: u32, i_1: u64) -> u64 {
    // $ieqz_(N, i_1) = $bool(i_1 = 0)
    hit!("$ieqz_#1");
    bool_(i_1 & mask(n) == 0)
}

/// `$inez_(N, i)`: 1 if `i` is not 0.
pub fn inez_(n: u32, i_1: u64) -> u64 {
    // $inez_(N, i_1) = $bool(i_1 =/= 0)
    hit!("$inez_#1");
    bool_(i_1 & mask(n) != 0)
}

/// `$ieq_(N, i_1, i_2)`.
#[inline(always)]
pub fn ieq_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ieq_(N, i_1, i_2) = $bool(i_1 = i_2)
    hit!("$ieq_#1");
    u64::from((i_1 ^ i_2) & mask(n) == 0)
}

/// `$ine_(N, i_1, i_2)`.
#[inline(always)]
pub fn ine_(n: u32, i_1: u64, i_2: u64) -> u64 {
    // $ine_(N, i_1, i_2) = $bool(i_1 =/= i_2)
    hit!("$ine_#1");
    u64::from((i_1 ^ i_2) & mask(n) != 0)
}

/// `$ilt_(N, sx, i_1, i_2)`.
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
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
#[inline(always)]
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

#[inline(always)]
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

#[inline(always)]
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
#[inline(always)]
pub fn fadd_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fadd_ hint(builtin)
    hit!("$fadd_#1");
    fbinop(n, z_1, z_2, |a, b| a + b, |a, b| a + b)
}

/// `$fsub_(N, z_1, z_2)`.
#[inline(always)]
pub fn fsub_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fsub_ hint(builtin)
    hit!("$fsub_#1");
    fbinop(n, z_1, z_2, |a, b| a - b, |a, b| a - b)
}

/// `$fmul_(N, z_1, z_2)`.
#[inline(always)]
pub fn fmul_(n: u32, z_1: u64, z_2: u64) -> FloatSet {
    // $fmul_ hint(builtin)
    hit!("$fmul_#1");
    fbinop(n, z_1, z_2, |a, b| a * b, |a, b| a * b)
}

/// `$fdiv_(N, z_1, z_2)`.
#[inline(always)]
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
#[inline(always)]
pub fn feq_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $feq_ hint(builtin)
    hit!("$feq_#1");
    frel(n, z_1, z_2, f32::eq, f64::eq)
}

/// `$fne_(N, z_1, z_2)`.
#[inline(always)]
pub fn fne_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fne_ hint(builtin)
    hit!("$fne_#1");
    frel(n, z_1, z_2, f32::ne, f64::ne)
}

/// `$flt_(N, z_1, z_2)`.
#[inline(always)]
pub fn flt_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $flt_ hint(builtin)
    hit!("$flt_#1");
    frel(n, z_1, z_2, f32::lt, f64::lt)
}

/// `$fgt_(N, z_1, z_2)`.
#[inline(always)]
pub fn fgt_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fgt_ hint(builtin)
    hit!("$fgt_#1");
    frel(n, z_1, z_2, f32::gt, f64::gt)
}

/// `$fle_(N, z_1, z_2)`.
#[inline(always)]
pub fn fle_(n: u32, z_1: u64, z_2: u64) -> u64 {
    // $fle_ hint(builtin)
    hit!("$fle_#1");
    frel(n, z_1, z_2, f32::le, f64::le)
}

/// `$fge_(N, z_1, z_2)`.
#[inline(always)]
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
/// The spec's prose defines it as `$bits_(numtype_2)^-1($bits_(numtype_1, c))`: the
/// bits of `c` as its type reads them, read back as the other type.
pub fn reinterpret__(t_1: NumType, t_2: NumType, c: u64) -> u64 {
    // $reinterpret__ hint(builtin)
    hit!("$reinterpret__#1");
    if t_1.is_float() {
        // $fbits_ hint(builtin)
        hit!("$fbits_#1");
    } else {
        // $ibits_ hint(builtin)
        hit!("$ibits_#1");
    }
    if t_2.is_float() {
        // $inv_fbits_ hint(builtin)
        hit!("$inv_fbits_#1");
    } else {
        // $inv_ibits_ hint(builtin)
        hit!("$inv_ibits_#1");
    }
    c & mask(t_1.size())
}

// ---------------------------------------------------------------------------------------
// Packed numbers
// ---------------------------------------------------------------------------------------

/// `$lpacknum_(lanetype, c)`: the number `c` as a lane of `n` bits: unchanged for a number
/// type (`n` >= 32), wrapped from `i32` for a packed type (`i8`, `i16`).
#[inline]
pub fn lpacknum_(n: u32, c: u64) -> u64 {
    if n >= 32 {
        // $lpacknum_(numtype, c) = c
        hit!("$lpacknum_#1");
        c & mask(n)
    } else {
        // $lpacknum_(packtype, c) = $wrap__($size($lunpack(packtype)), $psize(packtype), c)
        hit!("$lpacknum_#2");
        wrap__(32, n, c)
    }
}

// ---------------------------------------------------------------------------------------
// Operator dispatch
// ---------------------------------------------------------------------------------------

/// A number type: the syntax's, shared.
pub use crate::ast::NumType;

/// The spec's `unop_(numtype)`: the syntax's, shared.
pub use crate::ast::UnOp as Unop;

/// `$unop_(numtype, op, c)`: the result set (integers are `Exact`); `None` when no
/// clause applies (an operator of the other kind).
#[inline(always)]
pub fn unop_(t: NumType, op: Unop, c: u64) -> Option<FloatSet> {
    use Unop::*;
    let n = t.size();
    let e = |x: u64| Some(FloatSet::Exact(x));
    if !t.is_float() {
        match op {
            Clz => {
                // $unop_(Inn, CLZ, i)
                hit!("$unop_#1");
                e(iclz_(n, c))
            }
            Ctz => {
                // $unop_(Inn, CTZ, i)
                hit!("$unop_#2");
                e(ictz_(n, c))
            }
            Popcnt => {
                // $unop_(Inn, POPCNT, i)
                hit!("$unop_#3");
                e(ipopcnt_(n, c))
            }
            Extend(k) => {
                // $unop_(Inn, EXTEND N', i)
                hit!("$unop_#4");
                e(iextend_(n, k, Sx::S, c))
            }
            _ => None,
        }
    } else {
        match op {
            Abs => {
                // $unop_(Fnn, ABS, f)
                hit!("$unop_#5");
                Some(fabs_(n, c))
            }
            Neg => {
                // $unop_(Fnn, NEG, f)
                hit!("$unop_#6");
                Some(fneg_(n, c))
            }
            Sqrt => {
                // $unop_(Fnn, SQRT, f)
                hit!("$unop_#7");
                Some(fsqrt_(n, c))
            }
            Ceil => {
                // $unop_(Fnn, CEIL, f)
                hit!("$unop_#8");
                Some(fceil_(n, c))
            }
            Floor => {
                // $unop_(Fnn, FLOOR, f)
                hit!("$unop_#9");
                Some(ffloor_(n, c))
            }
            Trunc => {
                // $unop_(Fnn, TRUNC, f)
                hit!("$unop_#10");
                Some(ftrunc_(n, c))
            }
            Nearest => {
                // $unop_(Fnn, NEAREST, f)
                hit!("$unop_#11");
                Some(fnearest_(n, c))
            }
            _ => None,
        }
    }
}

/// The spec's `binop_(numtype)`: the syntax's, shared. `Div` carries `sx` for integers,
/// `None` for floats.
pub use crate::ast::BinOp as Binop;

/// `$binop_(numtype, op, c_1, c_2)`: the result set; `None` for the spec's empty result
/// (a division trap: see [`idiv_`]) or when no clause applies.
#[inline(always)]
pub fn binop_(t: NumType, op: Binop, c_1: u64, c_2: u64) -> Option<FloatSet> {
    use Binop::*;
    let n = t.size();
    let e = |x: u64| Some(FloatSet::Exact(x));
    if !t.is_float() {
        match op {
            Add => {
                // $binop_(Inn, ADD, i_1, i_2)
                hit!("$binop_#1");
                e(iadd_(n, c_1, c_2))
            }
            Sub => {
                // $binop_(Inn, SUB, i_1, i_2)
                hit!("$binop_#2");
                e(isub_(n, c_1, c_2))
            }
            Mul => {
                // $binop_(Inn, MUL, i_1, i_2)
                hit!("$binop_#3");
                e(imul_(n, c_1, c_2))
            }
            Div(Some(sx)) => {
                // $binop_(Inn, DIV sx, i_1, i_2)
                hit!("$binop_#4");
                idiv_(n, sx, c_1, c_2).map(FloatSet::Exact)
            }
            Rem(sx) => {
                // $binop_(Inn, REM sx, i_1, i_2)
                hit!("$binop_#5");
                irem_(n, sx, c_1, c_2).map(FloatSet::Exact)
            }
            And => {
                // $binop_(Inn, AND, i_1, i_2)
                hit!("$binop_#6");
                e(iand_(n, c_1, c_2))
            }
            Or => {
                // $binop_(Inn, OR, i_1, i_2)
                hit!("$binop_#7");
                e(ior_(n, c_1, c_2))
            }
            Xor => {
                // $binop_(Inn, XOR, i_1, i_2)
                hit!("$binop_#8");
                e(ixor_(n, c_1, c_2))
            }
            Shl => {
                // $binop_(Inn, SHL, i_1, i_2)
                hit!("$binop_#9");
                e(ishl_(n, c_1, c_2))
            }
            Shr(sx) => {
                // $binop_(Inn, SHR sx, i_1, i_2)
                hit!("$binop_#10");
                e(ishr_(n, sx, c_1, c_2))
            }
            Rotl => {
                // $binop_(Inn, ROTL, i_1, i_2)
                hit!("$binop_#11");
                e(irotl_(n, c_1, c_2))
            }
            Rotr => {
                // $binop_(Inn, ROTR, i_1, i_2)
                hit!("$binop_#12");
                e(irotr_(n, c_1, c_2))
            }
            _ => None,
        }
    } else {
        match op {
            Add => {
                // $binop_(Fnn, ADD, f_1, f_2)
                hit!("$binop_#13");
                Some(fadd_(n, c_1, c_2))
            }
            Sub => {
                // $binop_(Fnn, SUB, f_1, f_2)
                hit!("$binop_#14");
                Some(fsub_(n, c_1, c_2))
            }
            Mul => {
                // $binop_(Fnn, MUL, f_1, f_2)
                hit!("$binop_#15");
                Some(fmul_(n, c_1, c_2))
            }
            Div(None) => {
                // $binop_(Fnn, DIV, f_1, f_2)
                hit!("$binop_#16");
                Some(fdiv_(n, c_1, c_2))
            }
            Min => {
                // $binop_(Fnn, MIN, f_1, f_2)
                hit!("$binop_#17");
                Some(fmin_(n, c_1, c_2))
            }
            Max => {
                // $binop_(Fnn, MAX, f_1, f_2)
                hit!("$binop_#18");
                Some(fmax_(n, c_1, c_2))
            }
            Copysign => {
                // $binop_(Fnn, COPYSIGN, f_1, f_2)
                hit!("$binop_#19");
                Some(fcopysign_(n, c_1, c_2))
            }
            _ => None,
        }
    }
}

/// `$testop_(Inn, EQZ, i)`; `None` for a float type.
#[inline(always)]
pub fn testop_(t: NumType, c: u64) -> Option<u64> {
    if t.is_float() {
        return None;
    }
    // $testop_(Inn, EQZ, i)
    hit!("$testop_#1");
    Some(ieqz_(t.size(), c))
}

/// The spec's `relop_(numtype)`: the syntax's, shared. Ordered comparisons carry `sx` for
/// integers, `None` for floats.
pub use crate::ast::RelOp as Relop;

/// `$relop_(numtype, op, c_1, c_2)`: 1 or 0; `None` when no clause applies.
#[inline(always)]
pub fn relop_(t: NumType, op: Relop, c_1: u64, c_2: u64) -> Option<u64> {
    use Relop::*;
    let n = t.size();
    if !t.is_float() {
        Some(match op {
            Eq => {
                // $relop_(Inn, EQ, i_1, i_2)
                hit!("$relop_#1");
                ieq_(n, c_1, c_2)
            }
            Ne => {
                // $relop_(Inn, NE, i_1, i_2)
                hit!("$relop_#2");
                ine_(n, c_1, c_2)
            }
            Lt(Some(sx)) => {
                // $relop_(Inn, LT sx, i_1, i_2)
                hit!("$relop_#3");
                ilt_(n, sx, c_1, c_2)
            }
            Gt(Some(sx)) => {
                // $relop_(Inn, GT sx, i_1, i_2)
                hit!("$relop_#4");
                igt_(n, sx, c_1, c_2)
            }
            Le(Some(sx)) => {
                // $relop_(Inn, LE sx, i_1, i_2)
                hit!("$relop_#5");
                ile_(n, sx, c_1, c_2)
            }
            Ge(Some(sx)) => {
                // $relop_(Inn, GE sx, i_1, i_2)
                hit!("$relop_#6");
                ige_(n, sx, c_1, c_2)
            }
            _ => return None,
        })
    } else {
        Some(match op {
            Eq => {
                // $relop_(Fnn, EQ, f_1, f_2)
                hit!("$relop_#7");
                feq_(n, c_1, c_2)
            }
            Ne => {
                // $relop_(Fnn, NE, f_1, f_2)
                hit!("$relop_#8");
                fne_(n, c_1, c_2)
            }
            Lt(None) => {
                // $relop_(Fnn, LT, f_1, f_2)
                hit!("$relop_#9");
                flt_(n, c_1, c_2)
            }
            Gt(None) => {
                // $relop_(Fnn, GT, f_1, f_2)
                hit!("$relop_#10");
                fgt_(n, c_1, c_2)
            }
            Le(None) => {
                // $relop_(Fnn, LE, f_1, f_2)
                hit!("$relop_#11");
                fle_(n, c_1, c_2)
            }
            Ge(None) => {
                // $relop_(Fnn, GE, f_1, f_2)
                hit!("$relop_#12");
                fge_(n, c_1, c_2)
            }
            _ => return None,
        })
    }
}

/// The spec's `cvtop__(numtype_1, numtype_2)`: the syntax's, shared.
pub use crate::ast::CvtOp as Cvtop;

/// `$cvtop__(numtype_1, numtype_2, op, c_1)`: the result set; `None` for the spec's empty
/// result (a `TRUNC` trap: see [`trunc_checked__`] for which) or when no clause applies.
#[inline(always)]
pub fn cvtop__(t_1: NumType, t_2: NumType, op: Cvtop, c_1: u64) -> Option<FloatSet> {
    let (n_1, n_2) = (t_1.size(), t_2.size());
    let e = |x: u64| Some(FloatSet::Exact(x));
    match (t_1.is_float(), t_2.is_float(), op) {
        (false, false, Cvtop::Extend(sx)) => {
            // $cvtop__(Inn_1, Inn_2, EXTEND sx, i_1)
            hit!("$cvtop__#1");
            e(extend__(n_1, n_2, sx, c_1))
        }
        (false, false, Cvtop::Wrap) => {
            // $cvtop__(Inn_1, Inn_2, WRAP, i_1)
            hit!("$cvtop__#2");
            e(wrap__(n_1, n_2, c_1))
        }
        (true, false, Cvtop::Trunc(sx)) => {
            // $cvtop__(Fnn_1, Inn_2, TRUNC sx, f_1)
            hit!("$cvtop__#3");
            trunc__(n_1, n_2, sx, c_1).map(FloatSet::Exact)
        }
        (true, false, Cvtop::TruncSat(sx)) => {
            // $cvtop__(Fnn_1, Inn_2, TRUNC_SAT sx, f_1)
            hit!("$cvtop__#4");
            e(trunc_sat__(n_1, n_2, sx, c_1))
        }
        (false, true, Cvtop::Convert(sx)) => {
            // $cvtop__(Inn_1, Fnn_2, CONVERT sx, i_1)
            hit!("$cvtop__#5");
            e(convert__(n_1, n_2, sx, c_1))
        }
        (true, true, Cvtop::Promote) if n_1 < n_2 => {
            // $cvtop__(Fnn_1, Fnn_2, PROMOTE, f_1)
            hit!("$cvtop__#6");
            Some(promote__(n_1, n_2, c_1))
        }
        (true, true, Cvtop::Demote) if n_1 > n_2 => {
            // $cvtop__(Fnn_1, Fnn_2, DEMOTE, f_1)
            hit!("$cvtop__#7");
            Some(demote__(n_1, n_2, c_1))
        }
        (false, true, Cvtop::Reinterpret) if n_1 == n_2 => {
            // $cvtop__(Inn_1, Fnn_2, REINTERPRET, i_1)
            hit!("$cvtop__#8");
            e(reinterpret__(t_1, t_2, c_1))
        }
        (true, false, Cvtop::Reinterpret) if n_1 == n_2 => {
            // $cvtop__(Fnn_1, Inn_2, REINTERPRET, f_1)
            hit!("$cvtop__#9");
            e(reinterpret__(t_1, t_2, c_1))
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "scalar_tests.rs"]
mod tests;
