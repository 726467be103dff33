//! Spec-derived cases for the scalar numerics, with hand-computed expected bits.

use super::*;
use crate::numerics::FloatSet::{ArithmeticNan, CanonicalNan, Exact};
use crate::numerics::{Sx::S, Sx::U, canonical_nan};

// f32 bits
const P0: u64 = 0x0000_0000;
const N0: u64 = 0x8000_0000;
const ONE: u64 = 0x3f80_0000;
const NEG_ONE: u64 = 0xbf80_0000;
const TWO: u64 = 0x4000_0000;
const INF: u64 = 0x7f80_0000;
const NEG_INF: u64 = 0xff80_0000;
const CANON: u64 = 0x7fc0_0000;
const NEG_CANON: u64 = 0xffc0_0000;
const ARITH: u64 = 0x7fc0_0001;
const SNAN: u64 = 0x7f80_0001;
const NEG_SNAN: u64 = 0xff80_0001;

// f64 bits
const D_P0: u64 = 0;
const D_N0: u64 = 0x8000_0000_0000_0000;
const D_ONE: u64 = 0x3ff0_0000_0000_0000;
const D_INF: u64 = 0x7ff0_0000_0000_0000;
const D_NEG_INF: u64 = 0xfff0_0000_0000_0000;
const D_CANON: u64 = 0x7ff8_0000_0000_0000;
const D_ARITH: u64 = 0x7ff8_0000_0000_0001;
const D_SNAN: u64 = 0x7ff0_0000_0000_0001;

#[test]
fn signed_and_saturation() {
    assert_eq!(signed_(8, 0x7f), 127);
    assert_eq!(signed_(8, 0x80), -128);
    assert_eq!(signed_(32, 0xffff_ffff), -1);
    assert_eq!(signed_(64, u64::MAX), -1);
    assert_eq!(signed_(64, 1 << 63), i64::MIN);
    assert_eq!(inv_signed_(16, -1), 0xffff);
    assert_eq!(inv_signed_(16, 5), 5);
    assert_eq!(sat_u_(8, -1), 0);
    assert_eq!(sat_u_(8, 256), 255);
    assert_eq!(sat_u_(8, 200), 200);
    assert_eq!(sat_s_(8, -129), -128);
    assert_eq!(sat_s_(8, 128), 127);
    assert_eq!(sat_s_(64, i128::from(i64::MAX) + 1), i64::MAX);
}

#[test]
fn add_sub_mul_wrap() {
    assert_eq!(iadd_(32, 0xffff_ffff, 1), 0);
    assert_eq!(iadd_(64, u64::MAX, 2), 1);
    assert_eq!(isub_(32, 0, 1), 0xffff_ffff);
    assert_eq!(isub_(8, 0, 1), 0xff);
    assert_eq!(imul_(32, 0x1_0000, 0x1_0000), 0);
    assert_eq!(imul_(32, 0xffff_ffff, 0xffff_ffff), 1);
    assert_eq!(imul_(64, 1 << 32, 1 << 32), 0);
    assert_eq!(ineg_(32, 0), 0);
    assert_eq!(ineg_(32, 1), 0xffff_ffff);
    assert_eq!(ineg_(32, 0x8000_0000), 0x8000_0000);
    assert_eq!(iabs_(32, 0x8000_0000), 0x8000_0000);
    assert_eq!(iabs_(32, 0xffff_fffb), 5);
    assert_eq!(iabs_(8, 0x05), 5);
}

#[test]
fn div_rem_edges() {
    // Zero divisors trap.
    assert_eq!(idiv_(32, U, 7, 0), None);
    assert_eq!(idiv_(32, S, 7, 0), None);
    assert_eq!(irem_(32, U, 7, 0), None);
    assert_eq!(irem_(32, S, 7, 0), None);
    assert_eq!(idiv_(64, S, 0, 0), None);
    // MIN / -1 overflows; MIN rem -1 is 0.
    assert_eq!(idiv_(32, S, 0x8000_0000, 0xffff_ffff), None);
    assert_eq!(idiv_(64, S, 1 << 63, u64::MAX), None);
    assert_eq!(idiv_(8, S, 0x80, 0xff), None);
    assert_eq!(irem_(32, S, 0x8000_0000, 0xffff_ffff), Some(0));
    assert_eq!(irem_(64, S, 1 << 63, u64::MAX), Some(0));
    // Unsigned reads of the same bits.
    assert_eq!(idiv_(32, U, 0x8000_0000, 0xffff_ffff), Some(0));
    assert_eq!(irem_(32, U, 0x8000_0000, 0xffff_ffff), Some(0x8000_0000));
    assert_eq!(idiv_(32, U, 0xffff_ffff, 2), Some(0x7fff_ffff));
    // Truncation toward zero; remainder has the dividend's sign.
    assert_eq!(idiv_(32, S, 0xffff_fff9, 2), Some(0xffff_fffd)); // -7 / 2 = -3
    assert_eq!(irem_(32, S, 0xffff_fff9, 2), Some(0xffff_ffff)); // -7 rem 2 = -1
    assert_eq!(irem_(32, S, 7, 0xffff_fffe), Some(1)); // 7 rem -2 = 1
    assert_eq!(idiv_(32, S, 7, 0xffff_fffe), Some(0xffff_fffd)); // 7 / -2 = -3
    assert_eq!(idiv_(64, S, 1 << 63, 2), Some(0xc000_0000_0000_0000));
}

#[test]
fn min_max_sat() {
    assert_eq!(imin_(32, S, 0xffff_ffff, 1), 0xffff_ffff);
    assert_eq!(imin_(32, U, 0xffff_ffff, 1), 1);
    assert_eq!(imax_(32, S, 0xffff_ffff, 1), 1);
    assert_eq!(imax_(32, U, 0xffff_ffff, 1), 0xffff_ffff);
    assert_eq!(imin_(8, S, 0x80, 0x7f), 0x80);
    assert_eq!(imax_(8, S, 0x80, 0x7f), 0x7f);
    assert_eq!(iadd_sat_(8, S, 0x7f, 1), 0x7f);
    assert_eq!(iadd_sat_(8, S, 0x80, 0xff), 0x80);
    assert_eq!(iadd_sat_(8, U, 0xff, 1), 0xff);
    assert_eq!(iadd_sat_(16, S, 0x0001, 0x0002), 3);
    assert_eq!(isub_sat_(8, U, 0, 1), 0);
    assert_eq!(isub_sat_(16, S, 0x8000, 1), 0x8000);
    assert_eq!(isub_sat_(16, S, 0x7fff, 0xffff), 0x7fff);
    assert_eq!(isub_sat_(16, U, 5, 3), 2);
}

#[test]
fn q15mulr_avgr() {
    assert_eq!(iq15mulr_sat_(16, S, 0x8000, 0x8000), 0x7fff);
    assert_eq!(iq15mulr_sat_(16, S, 0x4000, 0x4000), 0x2000);
    assert_eq!(iq15mulr_sat_(16, S, 0xffff, 1), 0);
    assert_eq!(iq15mulr_sat_(16, S, 0x8000, 1), 0xffff);
    assert_eq!(iq15mulr_sat_(16, S, 0x8000, 0x7fff), 0x8001);
    assert_eq!(iavgr_(8, U, 255, 254), 255);
    assert_eq!(iavgr_(8, U, 0, 1), 1);
    assert_eq!(iavgr_(16, U, 0xffff, 0xffff), 0xffff);
    assert_eq!(iavgr_(8, U, 2, 5), 4);
}

#[test]
fn bit_counts() {
    assert_eq!(iclz_(32, 0), 32);
    assert_eq!(iclz_(64, 0), 64);
    assert_eq!(iclz_(8, 0), 8);
    assert_eq!(iclz_(32, 1), 31);
    assert_eq!(iclz_(32, 0x8000_0000), 0);
    assert_eq!(iclz_(64, 1), 63);
    assert_eq!(ictz_(32, 0), 32);
    assert_eq!(ictz_(64, 0), 64);
    assert_eq!(ictz_(16, 0), 16);
    assert_eq!(ictz_(32, 0x8000_0000), 31);
    assert_eq!(ictz_(64, 1 << 63), 63);
    assert_eq!(ipopcnt_(32, 0xffff_ffff), 32);
    assert_eq!(ipopcnt_(64, u64::MAX), 64);
    assert_eq!(ipopcnt_(8, 0x55), 4);
    assert_eq!(ipopcnt_(32, 0), 0);
}

#[test]
fn shifts_and_rotations_modulo_n() {
    assert_eq!(ishl_(32, 1, 31), 0x8000_0000);
    assert_eq!(ishl_(32, 1, 32), 1);
    assert_eq!(ishl_(32, 1, 33), 2);
    assert_eq!(ishl_(64, 1, 64), 1);
    assert_eq!(ishl_(64, 1, 127), 1 << 63);
    assert_eq!(ishl_(8, 0x81, 1), 0x02);
    assert_eq!(ishl_(8, 1, 9), 2);
    assert_eq!(ishr_(32, S, 0x8000_0000, 31), 0xffff_ffff);
    assert_eq!(ishr_(32, S, 0x8000_0000, 32), 0x8000_0000);
    assert_eq!(ishr_(32, U, 0x8000_0000, 31), 1);
    assert_eq!(ishr_(32, U, 0x8000_0000, 63), 1);
    assert_eq!(ishr_(64, S, 1 << 63, 63), u64::MAX);
    assert_eq!(ishr_(64, S, 1 << 63, 64), 1 << 63);
    assert_eq!(ishr_(64, U, u64::MAX, 0xffff_ffff_ffff_ffff), 1);
    assert_eq!(ishr_(16, S, 0x8000, 4), 0xf800);
    assert_eq!(ishr_(8, S, 0x7f, 8), 0x7f);
    assert_eq!(irotl_(32, 0x8000_0001, 1), 3);
    assert_eq!(irotl_(32, 0x8000_0001, 33), 3);
    assert_eq!(irotl_(32, 0x8000_0001, 0), 0x8000_0001);
    assert_eq!(irotl_(32, 0x8000_0001, 32), 0x8000_0001);
    assert_eq!(irotr_(32, 0x8000_0001, 1), 0xc000_0000);
    assert_eq!(irotr_(32, 0x8000_0001, 0xffff_ffff), 3);
    assert_eq!(irotl_(64, 0x8000_0000_0000_0001, 65), 3);
    assert_eq!(irotr_(64, 1, 1), 1 << 63);
    assert_eq!(irotr_(64, 0x1234, 64), 0x1234);
}

#[test]
fn bitwise() {
    assert_eq!(inot_(32, 0), 0xffff_ffff);
    assert_eq!(inot_(64, 0), u64::MAX);
    assert_eq!(iand_(32, 0xf0f0, 0xff00), 0xf000);
    assert_eq!(iandnot_(32, 0xf0f0, 0xff00), 0x00f0);
    assert_eq!(ior_(32, 0xf0f0, 0xff00), 0xfff0);
    assert_eq!(ixor_(32, 0xf0f0, 0xff00), 0x0ff0);
    assert_eq!(irev_(32, 1), 0x8000_0000);
    assert_eq!(irev_(32, 0x0000_0003), 0xc000_0000);
    assert_eq!(irev_(64, 1), 1 << 63);
    assert_eq!(irev_(8, 0x01), 0x80);
    assert_eq!(
        ibitselect_(32, 0xaaaa_aaaa, 0x5555_5555, 0xffff_0000),
        0xaaaa_5555
    );
}

#[test]
fn extend_wrap() {
    assert_eq!(iextend_(32, 8, S, 0x80), 0xffff_ff80);
    assert_eq!(iextend_(32, 8, S, 0x7f), 0x7f);
    assert_eq!(iextend_(32, 8, S, 0x1234_5680), 0xffff_ff80);
    assert_eq!(iextend_(32, 16, S, 0x1234_8000), 0xffff_8000);
    assert_eq!(iextend_(64, 32, S, 0x8000_0000), 0xffff_ffff_8000_0000);
    assert_eq!(iextend_(64, 8, S, 0x0000_0000_0000_017f), 0x7f);
    assert_eq!(iextend_(32, 8, U, 0x1234_5680), 0x80);
    assert_eq!(extend__(32, 64, S, 0x8000_0000), 0xffff_ffff_8000_0000);
    assert_eq!(extend__(32, 64, U, 0x8000_0000), 0x8000_0000);
    assert_eq!(extend__(8, 16, S, 0x80), 0xff80);
    assert_eq!(extend__(1, 32, S, 1), 0xffff_ffff);
    assert_eq!(extend__(1, 32, S, 0), 0);
    assert_eq!(wrap__(64, 32, 0x1_2345_6789), 0x2345_6789);
    assert_eq!(wrap__(64, 32, u64::MAX), 0xffff_ffff);
}

#[test]
fn int_compare() {
    assert_eq!(ieqz_(32, 0), 1);
    assert_eq!(ieqz_(32, 1 << 31), 0);
    assert_eq!(inez_(32, 0), 0);
    assert_eq!(ieq_(32, 5, 5), 1);
    assert_eq!(ine_(32, 5, 5), 0);
    assert_eq!(ilt_(32, S, 0xffff_ffff, 0), 1);
    assert_eq!(ilt_(32, U, 0xffff_ffff, 0), 0);
    assert_eq!(igt_(32, S, 0xffff_ffff, 0), 0);
    assert_eq!(igt_(32, U, 0xffff_ffff, 0), 1);
    assert_eq!(ile_(64, S, 1 << 63, 0), 1);
    assert_eq!(ile_(64, U, 1 << 63, 0), 0);
    assert_eq!(ige_(8, S, 0x80, 0x80), 1);
    assert_eq!(ige_(8, S, 0x80, 0x7f), 0);
    assert_eq!(ige_(8, U, 0x80, 0x7f), 1);
}

#[test]
fn float_set_helpers() {
    assert_eq!(FloatSet::nans(32, &[ONE]), CanonicalNan);
    assert_eq!(FloatSet::nans(32, &[CANON, NEG_CANON]), CanonicalNan);
    assert_eq!(FloatSet::nans(32, &[CANON, ARITH]), ArithmeticNan);
    assert_eq!(FloatSet::nans(32, &[SNAN]), ArithmeticNan);
    assert!(CanonicalNan.contains(32, CANON));
    assert!(CanonicalNan.contains(32, NEG_CANON));
    assert!(!CanonicalNan.contains(32, ARITH));
    assert!(!CanonicalNan.contains(32, ONE));
    assert!(ArithmeticNan.contains(32, ARITH));
    assert!(ArithmeticNan.contains(32, CANON));
    assert!(ArithmeticNan.contains(32, 0xffff_ffff));
    assert!(!ArithmeticNan.contains(32, SNAN));
    assert!(!ArithmeticNan.contains(32, INF));
    assert!(CanonicalNan.contains(64, 0xfff8_0000_0000_0000));
    assert!(!CanonicalNan.contains(64, CANON));
    assert!(ArithmeticNan.contains(64, D_ARITH));
    assert!(!ArithmeticNan.contains(64, D_SNAN));
    assert!(Exact(ONE).contains(32, ONE));
    assert!(!Exact(ONE).contains(32, TWO));
    assert_eq!(CanonicalNan.choose(32, &[]), 0x7fc0_0000);
    assert_eq!(CanonicalNan.choose(64, &[]), 0x7ff8_0000_0000_0000);
    assert_eq!(ArithmeticNan.choose(32, &[ONE, SNAN]), 0x7fc0_0001);
    assert_eq!(ArithmeticNan.choose(32, &[NEG_SNAN]), 0xffc0_0001);
    assert_eq!(ArithmeticNan.choose(32, &[ONE]), 0x7fc0_0000);
    assert_eq!(ArithmeticNan.choose(64, &[D_SNAN]), 0x7ff8_0000_0000_0001);
    assert_eq!(Exact(TWO).choose(32, &[]), TWO);
    assert_eq!(canonical_nan(32), CANON);
}

#[test]
fn float_arith() {
    assert_eq!(fadd_(32, ONE, TWO), Exact(0x4040_0000));
    assert_eq!(fadd_(64, D_ONE, D_ONE), Exact(0x4000_0000_0000_0000));
    // Round to nearest even: 2^24 + 1 = 2^24.
    assert_eq!(fadd_(32, 0x4b80_0000, ONE), Exact(0x4b80_0000));
    // Subnormals are not flushed.
    assert_eq!(fadd_(32, 1, 1), Exact(2));
    assert_eq!(fadd_(64, 1, 1), Exact(2));
    // NaN operands.
    assert_eq!(fadd_(32, ARITH, ONE), ArithmeticNan);
    assert_eq!(fadd_(32, SNAN, ONE), ArithmeticNan);
    assert_eq!(fadd_(32, CANON, NEG_CANON), CanonicalNan);
    assert_eq!(fadd_(32, ONE, NEG_CANON), CanonicalNan);
    assert_eq!(fadd_(32, CANON, ARITH), ArithmeticNan);
    assert_eq!(fadd_(64, D_ARITH, D_ONE), ArithmeticNan);
    assert_eq!(fadd_(64, D_CANON, D_ONE), CanonicalNan);
    // Invalid operations with no NaN operand give a canonical NaN.
    assert_eq!(fadd_(32, INF, NEG_INF), CanonicalNan);
    assert_eq!(fsub_(32, INF, INF), CanonicalNan);
    assert_eq!(fmul_(32, P0, INF), CanonicalNan);
    assert_eq!(fdiv_(32, P0, N0), CanonicalNan);
    assert_eq!(fdiv_(64, D_INF, D_NEG_INF), CanonicalNan);
    assert_eq!(fdiv_(32, NEG_ONE, P0), Exact(NEG_INF));
    assert_eq!(fdiv_(32, ONE, N0), Exact(NEG_INF));
    assert_eq!(fsub_(32, P0, P0), Exact(P0));
    assert_eq!(fadd_(32, N0, N0), Exact(N0));
    assert_eq!(fadd_(32, N0, P0), Exact(P0));
    assert_eq!(fmul_(32, NEG_ONE, P0), Exact(N0));
    assert_eq!(fmul_(64, D_SNAN, D_ONE), ArithmeticNan);
    assert_eq!(fdiv_(32, ONE, 0x4040_0000), Exact(0x3eaa_aaab));
}

#[test]
fn float_sqrt_and_rounding() {
    assert_eq!(fsqrt_(32, N0), Exact(N0));
    assert_eq!(fsqrt_(64, D_N0), Exact(D_N0));
    assert_eq!(fsqrt_(32, P0), Exact(P0));
    assert_eq!(fsqrt_(32, 0x4080_0000), Exact(TWO));
    assert_eq!(fsqrt_(32, NEG_ONE), CanonicalNan);
    assert_eq!(fsqrt_(64, D_NEG_INF), CanonicalNan);
    assert_eq!(fsqrt_(32, SNAN), ArithmeticNan);
    assert_eq!(fsqrt_(32, NEG_CANON), CanonicalNan);
    assert_eq!(fsqrt_(32, INF), Exact(INF));
    // nearest: ties to even, sign kept.
    assert_eq!(fnearest_(32, 0x3f00_0000), Exact(P0)); // 0.5
    assert_eq!(fnearest_(32, 0x3fc0_0000), Exact(TWO)); // 1.5
    assert_eq!(fnearest_(32, 0x4020_0000), Exact(TWO)); // 2.5
    assert_eq!(fnearest_(32, 0xbf00_0000), Exact(N0)); // -0.5
    assert_eq!(fnearest_(32, 0xc020_0000), Exact(0xc000_0000)); // -2.5
    assert_eq!(
        fnearest_(64, 0x4004_0000_0000_0000),
        Exact(0x4000_0000_0000_0000)
    ); // 2.5
    assert_eq!(fnearest_(64, 0x3fe0_0000_0000_0000), Exact(D_P0)); // 0.5
    assert_eq!(fnearest_(32, 0x4b00_0001), Exact(0x4b00_0001)); // 2^23 + 1
    assert_eq!(fnearest_(32, 0x7149_f2ca), Exact(0x7149_f2ca)); // 1e30
    assert_eq!(
        fnearest_(64, 0x4330_0000_0000_0001),
        Exact(0x4330_0000_0000_0001)
    ); // 2^52 + 1
    assert_eq!(
        fnearest_(64, 0x432f_ffff_ffff_ffff),
        Exact(0x4330_0000_0000_0000)
    ); // 2^52 - 0.5
    assert_eq!(fnearest_(32, INF), Exact(INF));
    assert_eq!(fnearest_(32, N0), Exact(N0));
    assert_eq!(fnearest_(32, SNAN), ArithmeticNan);
    assert_eq!(fnearest_(32, CANON), CanonicalNan);
    // ceil / floor / trunc keep the sign of zero results.
    assert_eq!(fceil_(32, 0xbf00_0000), Exact(N0)); // ceil(-0.5) = -0
    assert_eq!(fceil_(32, 0x3f00_0000), Exact(ONE)); // ceil(0.5) = 1
    assert_eq!(ffloor_(32, 0xbf00_0000), Exact(NEG_ONE)); // floor(-0.5) = -1
    assert_eq!(ffloor_(32, 0x3f00_0000), Exact(P0));
    assert_eq!(ftrunc_(32, 0xbf00_0000), Exact(N0));
    assert_eq!(
        ftrunc_(64, 0xbff8_0000_0000_0000),
        Exact(0xbff0_0000_0000_0000)
    ); // -1.5
    assert_eq!(fceil_(64, D_NEG_INF), Exact(D_NEG_INF));
    assert_eq!(ffloor_(64, D_ARITH), ArithmeticNan);
    assert_eq!(ftrunc_(32, NEG_CANON), CanonicalNan);
}

#[test]
fn float_min_max() {
    assert_eq!(fmin_(32, N0, P0), Exact(N0));
    assert_eq!(fmin_(32, P0, N0), Exact(N0));
    assert_eq!(fmax_(32, N0, P0), Exact(P0));
    assert_eq!(fmax_(32, P0, N0), Exact(P0));
    assert_eq!(fmin_(32, N0, N0), Exact(N0));
    assert_eq!(fmax_(32, N0, N0), Exact(N0));
    assert_eq!(fmin_(64, D_P0, D_N0), Exact(D_N0));
    assert_eq!(fmax_(64, D_N0, D_P0), Exact(D_P0));
    assert_eq!(fmin_(32, ONE, TWO), Exact(ONE));
    assert_eq!(fmax_(32, ONE, TWO), Exact(TWO));
    assert_eq!(fmin_(32, NEG_INF, ONE), Exact(NEG_INF));
    assert_eq!(fmax_(64, D_INF, D_ONE), Exact(D_INF));
    assert_eq!(fmin_(32, ONE, CANON), CanonicalNan);
    assert_eq!(fmax_(32, NEG_CANON, ONE), CanonicalNan);
    assert_eq!(fmin_(32, SNAN, ONE), ArithmeticNan);
    assert_eq!(fmax_(32, ONE, ARITH), ArithmeticNan);
    assert_eq!(fmin_(64, D_ONE, D_SNAN), ArithmeticNan);
    assert_eq!(fmax_(64, D_CANON, D_NEG_INF), CanonicalNan);
    // Pseudo-min/max are exact, NaNs included.
    assert_eq!(fpmin_(32, P0, N0), Exact(P0));
    assert_eq!(fpmin_(32, N0, P0), Exact(N0));
    assert_eq!(fpmin_(32, SNAN, ONE), Exact(SNAN));
    assert_eq!(fpmin_(32, ONE, SNAN), Exact(ONE));
    assert_eq!(fpmin_(32, TWO, ONE), Exact(ONE));
    assert_eq!(fpmax_(32, ONE, TWO), Exact(TWO));
    assert_eq!(fpmax_(32, ARITH, ONE), Exact(ARITH));
    assert_eq!(fpmax_(64, D_ONE, D_SNAN), Exact(D_ONE));
}

#[test]
fn float_sign_ops_exact() {
    assert_eq!(fneg_(32, SNAN), Exact(NEG_SNAN));
    assert_eq!(fneg_(32, NEG_SNAN), Exact(SNAN));
    assert_eq!(fabs_(32, NEG_SNAN), Exact(SNAN));
    assert_eq!(fabs_(32, N0), Exact(P0));
    assert_eq!(fcopysign_(32, SNAN, NEG_ONE), Exact(NEG_SNAN));
    assert_eq!(fcopysign_(32, ONE, NEG_CANON), Exact(NEG_ONE));
    assert_eq!(fcopysign_(32, NEG_ONE, P0), Exact(ONE));
    assert_eq!(fneg_(64, D_SNAN), Exact(0xfff0_0000_0000_0001));
    assert_eq!(fabs_(64, 0xfff0_0000_0000_0001), Exact(D_SNAN));
    assert_eq!(fcopysign_(64, D_SNAN, D_N0), Exact(0xfff0_0000_0000_0001));
}

#[test]
fn float_compare() {
    assert_eq!(feq_(32, P0, N0), 1);
    assert_eq!(feq_(32, CANON, CANON), 0);
    assert_eq!(fne_(32, CANON, CANON), 1);
    assert_eq!(flt_(32, N0, P0), 0);
    assert_eq!(flt_(32, ONE, TWO), 1);
    assert_eq!(flt_(32, ONE, CANON), 0);
    assert_eq!(fgt_(32, TWO, ONE), 1);
    assert_eq!(fle_(64, D_N0, D_P0), 1);
    assert_eq!(fge_(64, D_SNAN, D_ONE), 0);
    assert_eq!(fge_(64, D_INF, D_INF), 1);
}

#[test]
fn trunc_all_eight_variants() {
    use TruncFailure::{Nan, Overflow};
    // f32 -> i32, signed
    assert_eq!(trunc_checked__(32, 32, S, CANON), Err(Nan));
    assert_eq!(trunc_checked__(32, 32, S, INF), Err(Overflow));
    assert_eq!(trunc_checked__(32, 32, S, NEG_INF), Err(Overflow));
    assert_eq!(trunc_checked__(32, 32, S, 0x4f00_0000), Err(Overflow)); // 2^31
    assert_eq!(trunc_checked__(32, 32, S, 0x4eff_ffff), Ok(0x7fff_ff80));
    assert_eq!(trunc_checked__(32, 32, S, 0xcf00_0000), Ok(0x8000_0000)); // -2^31
    assert_eq!(trunc_checked__(32, 32, S, 0xcf00_0001), Err(Overflow));
    assert_eq!(trunc_checked__(32, 32, S, 0xbfc0_0000), Ok(0xffff_ffff)); // -1.5
    // f32 -> i32, unsigned
    assert_eq!(trunc_checked__(32, 32, U, SNAN), Err(Nan));
    assert_eq!(trunc_checked__(32, 32, U, 0x4f80_0000), Err(Overflow)); // 2^32
    assert_eq!(trunc_checked__(32, 32, U, 0x4f7f_ffff), Ok(0xffff_ff00));
    assert_eq!(trunc_checked__(32, 32, U, NEG_ONE), Err(Overflow));
    assert_eq!(trunc_checked__(32, 32, U, 0xbf66_6666), Ok(0)); // -0.9
    assert_eq!(trunc_checked__(32, 32, U, N0), Ok(0));
    // f32 -> i64, signed
    assert_eq!(trunc_checked__(32, 64, S, NEG_CANON), Err(Nan));
    assert_eq!(trunc_checked__(32, 64, S, 0x5f00_0000), Err(Overflow)); // 2^63
    assert_eq!(
        trunc_checked__(32, 64, S, 0x5eff_ffff),
        Ok(0x7fff_ff80_0000_0000)
    );
    assert_eq!(
        trunc_checked__(32, 64, S, 0xdf00_0000),
        Ok(0x8000_0000_0000_0000)
    );
    assert_eq!(trunc_checked__(32, 64, S, 0xdf00_0001), Err(Overflow));
    assert_eq!(trunc_checked__(32, 64, S, NEG_ONE), Ok(u64::MAX));
    // f32 -> i64, unsigned
    assert_eq!(trunc_checked__(32, 64, U, 0x5f80_0000), Err(Overflow)); // 2^64
    assert_eq!(
        trunc_checked__(32, 64, U, 0x5f7f_ffff),
        Ok(0xffff_ff00_0000_0000)
    );
    assert_eq!(trunc_checked__(32, 64, U, NEG_ONE), Err(Overflow));
    assert_eq!(trunc_checked__(32, 64, U, INF), Err(Overflow));
    // f64 -> i32, signed
    assert_eq!(trunc_checked__(64, 32, S, D_CANON), Err(Nan));
    assert_eq!(
        trunc_checked__(64, 32, S, 0x41df_ffff_fff9_999a),
        Ok(0x7fff_ffff)
    ); // 2147483647.9
    assert_eq!(
        trunc_checked__(64, 32, S, 0x41e0_0000_0000_0000),
        Err(Overflow)
    ); // 2^31
    assert_eq!(
        trunc_checked__(64, 32, S, 0xc1e0_0000_001c_cccd),
        Ok(0x8000_0000)
    ); // -2147483648.9
    assert_eq!(
        trunc_checked__(64, 32, S, 0xc1e0_0000_0020_0000),
        Err(Overflow)
    ); // -2147483649
    // f64 -> i32, unsigned
    assert_eq!(
        trunc_checked__(64, 32, U, 0x41ef_ffff_fffc_cccd),
        Ok(0xffff_ffff)
    ); // 4294967295.9
    assert_eq!(
        trunc_checked__(64, 32, U, 0x41f0_0000_0000_0000),
        Err(Overflow)
    ); // 2^32
    assert_eq!(trunc_checked__(64, 32, U, 0xbfec_cccc_cccc_cccd), Ok(0)); // -0.9
    assert_eq!(
        trunc_checked__(64, 32, U, 0xbff0_0000_0000_0000),
        Err(Overflow)
    ); // -1
    assert_eq!(trunc_checked__(64, 32, U, D_NEG_INF), Err(Overflow));
    // f64 -> i64, signed
    assert_eq!(
        trunc_checked__(64, 64, S, 0x43e0_0000_0000_0000),
        Err(Overflow)
    ); // 2^63
    assert_eq!(
        trunc_checked__(64, 64, S, 0x43df_ffff_ffff_ffff),
        Ok(0x7fff_ffff_ffff_fc00)
    );
    assert_eq!(
        trunc_checked__(64, 64, S, 0xc3e0_0000_0000_0000),
        Ok(1 << 63)
    );
    assert_eq!(
        trunc_checked__(64, 64, S, 0xc3e0_0000_0000_0001),
        Err(Overflow)
    );
    assert_eq!(trunc_checked__(64, 64, S, D_INF), Err(Overflow));
    // f64 -> i64, unsigned
    assert_eq!(
        trunc_checked__(64, 64, U, 0x43f0_0000_0000_0000),
        Err(Overflow)
    ); // 2^64
    assert_eq!(
        trunc_checked__(64, 64, U, 0x43ef_ffff_ffff_ffff),
        Ok(0xffff_ffff_ffff_f800)
    );
    assert_eq!(trunc_checked__(64, 64, U, 0xfff8_0000_0000_0000), Err(Nan));
    assert_eq!(trunc_checked__(64, 64, U, D_SNAN), Err(Nan));
    assert_eq!(trunc_checked__(64, 64, U, D_N0), Ok(0));
    // trunc__ is the same without the reason.
    assert_eq!(trunc__(64, 64, U, D_SNAN), None);
    assert_eq!(trunc__(32, 32, S, 0x4040_0000), Some(3));
}

#[test]
fn trunc_sat_bounds() {
    assert_eq!(trunc_sat__(32, 32, S, CANON), 0);
    assert_eq!(trunc_sat__(32, 32, S, INF), 0x7fff_ffff);
    assert_eq!(trunc_sat__(32, 32, S, NEG_INF), 0x8000_0000);
    assert_eq!(trunc_sat__(32, 32, S, 0x4f00_0000), 0x7fff_ffff);
    assert_eq!(trunc_sat__(32, 32, S, 0xcf00_0000), 0x8000_0000);
    assert_eq!(trunc_sat__(32, 32, S, 0xcf00_0001), 0x8000_0000);
    assert_eq!(trunc_sat__(32, 32, S, 0x501502f9), 0x7fff_ffff); // 1e10
    assert_eq!(trunc_sat__(32, 32, S, 0xbfc0_0000), 0xffff_ffff); // -1.5
    assert_eq!(trunc_sat__(32, 32, U, NEG_ONE), 0);
    assert_eq!(trunc_sat__(32, 32, U, 0x4f80_0000), 0xffff_ffff);
    assert_eq!(trunc_sat__(32, 32, U, 0x4f7f_ffff), 0xffff_ff00);
    assert_eq!(trunc_sat__(32, 32, U, NEG_CANON), 0);
    assert_eq!(trunc_sat__(32, 64, S, 0x5f00_0000), 0x7fff_ffff_ffff_ffff);
    assert_eq!(trunc_sat__(32, 64, U, INF), u64::MAX);
    assert_eq!(trunc_sat__(64, 32, U, 0x41ef_ffff_fffc_cccd), 0xffff_ffff);
    assert_eq!(trunc_sat__(64, 32, S, 0xc1e0_0000_0020_0000), 0x8000_0000);
    assert_eq!(
        trunc_sat__(64, 64, S, 0x43e0_0000_0000_0000),
        0x7fff_ffff_ffff_ffff
    );
    assert_eq!(trunc_sat__(64, 64, S, 0xc3e0_0000_0000_0001), 1 << 63);
    assert_eq!(trunc_sat__(64, 64, S, 0xc3e0_0000_0000_0000), 1 << 63);
    assert_eq!(trunc_sat__(64, 64, S, D_SNAN), 0);
    assert_eq!(trunc_sat__(64, 64, U, 0x43f0_0000_0000_0000), u64::MAX);
    assert_eq!(
        trunc_sat__(64, 64, U, 0x43ef_ffff_ffff_ffff),
        0xffff_ffff_ffff_f800
    );
    assert_eq!(trunc_sat__(64, 64, U, D_NEG_INF), 0);
}

#[test]
fn demote_promote() {
    assert_eq!(demote__(64, 32, D_CANON), CanonicalNan);
    assert_eq!(demote__(64, 32, 0xfff8_0000_0000_0000), CanonicalNan);
    assert_eq!(demote__(64, 32, D_SNAN), ArithmeticNan);
    assert_eq!(demote__(64, 32, D_ARITH), ArithmeticNan);
    assert_eq!(demote__(64, 32, D_ONE), Exact(ONE));
    assert_eq!(demote__(64, 32, D_N0), Exact(N0));
    assert_eq!(demote__(64, 32, D_NEG_INF), Exact(NEG_INF));
    assert_eq!(demote__(64, 32, 0x7fef_ffff_ffff_ffff), Exact(INF)); // f64 max overflows
    assert_eq!(demote__(64, 32, 0x3ff0_0000_1000_0000), Exact(ONE)); // 1 + 2^-24: tie to even
    assert_eq!(demote__(64, 32, 0x3ff0_0000_1000_0001), Exact(0x3f80_0001)); // just above the tie
    assert_eq!(demote__(64, 32, 0x3ff0_0000_3000_0000), Exact(0x3f80_0002)); // 1 + 3*2^-24: tie up to even
    assert_eq!(promote__(32, 64, SNAN), ArithmeticNan);
    assert_eq!(promote__(32, 64, CANON), CanonicalNan);
    assert_eq!(promote__(32, 64, NEG_CANON), CanonicalNan);
    assert_eq!(promote__(32, 64, ONE), Exact(D_ONE));
    assert_eq!(promote__(32, 64, N0), Exact(D_N0));
    assert_eq!(promote__(32, 64, 1), Exact(0x36a0_0000_0000_0000)); // 2^-149
    assert_eq!(promote__(32, 64, INF), Exact(D_INF));
}

#[test]
fn convert_rounding() {
    assert_eq!(convert__(64, 32, U, u64::MAX), 0x5f80_0000); // 2^64
    assert_eq!(convert__(64, 64, U, u64::MAX), 0x43f0_0000_0000_0000);
    assert_eq!(convert__(64, 32, S, u64::MAX), NEG_ONE);
    assert_eq!(convert__(64, 64, S, 1 << 63), 0xc3e0_0000_0000_0000);
    assert_eq!(convert__(32, 32, U, 0xffff_ffff), 0x4f80_0000);
    assert_eq!(convert__(32, 32, S, 0xffff_ffff), NEG_ONE);
    assert_eq!(convert__(32, 64, S, 0x8000_0000), 0xc1e0_0000_0000_0000);
    assert_eq!(convert__(32, 64, U, 0x8000_0000), 0x41e0_0000_0000_0000);
    assert_eq!(convert__(32, 32, S, 16_777_217), 0x4b80_0000); // tie to even (down)
    assert_eq!(convert__(32, 32, S, 16_777_219), 0x4b80_0002); // tie to even (up)
    assert_eq!(convert__(64, 64, U, (1 << 53) + 1), 0x4340_0000_0000_0000);
    assert_eq!(convert__(64, 64, U, (1 << 53) + 3), 0x4340_0000_0000_0002);
    assert_eq!(convert__(64, 32, U, 0x8000_0080_0000_0001), 0x5f00_0001); // above the tie
    assert_eq!(convert__(64, 32, U, 0x8000_0080_0000_0000), 0x5f00_0000); // tie to even
    assert_eq!(convert__(32, 32, U, 0), 0);
}

#[test]
fn narrow_reinterpret() {
    assert_eq!(narrow__(16, 8, S, 0x0080), 0x7f);
    assert_eq!(narrow__(16, 8, S, 0xff7f), 0x80);
    assert_eq!(narrow__(16, 8, S, 0xffff), 0xff);
    assert_eq!(narrow__(16, 8, U, 0xffff), 0x00); // -1 saturates to 0
    assert_eq!(narrow__(16, 8, U, 0x0100), 0xff);
    assert_eq!(narrow__(16, 8, U, 0x007f), 0x7f);
    assert_eq!(narrow__(32, 16, S, 0x0001_0000), 0x7fff);
    assert_eq!(narrow__(32, 16, U, 0x8000_0000), 0);
    assert_eq!(narrow__(32, 16, U, 0x0000_8000), 0x8000);
    assert_eq!(reinterpret__(NumType::F32, NumType::I32, ONE), ONE);
    assert_eq!(reinterpret__(NumType::F64, NumType::I64, D_SNAN), D_SNAN);
}

#[test]
fn dispatch() {
    use NumType::*;
    assert_eq!(unop_(I32, Unop::Clz, 0), Some(Exact(32)));
    assert_eq!(
        unop_(I64, Unop::Extend(8), 0x80),
        Some(Exact(0xffff_ffff_ffff_ff80))
    );
    assert_eq!(
        unop_(I32, Unop::Extend(16), 0x8000),
        Some(Exact(0xffff_8000))
    );
    assert_eq!(unop_(F32, Unop::Neg, SNAN), Some(Exact(NEG_SNAN)));
    assert_eq!(unop_(F32, Unop::Clz, 0), None);
    assert_eq!(unop_(I32, Unop::Sqrt, 0), None);
    assert_eq!(
        binop_(I32, Binop::Div(Some(S)), 0x8000_0000, 0xffff_ffff),
        None
    );
    assert_eq!(
        binop_(I32, Binop::Rem(S), 0x8000_0000, 0xffff_ffff),
        Some(Exact(0))
    );
    assert_eq!(binop_(I64, Binop::Shl, 1, 64), Some(Exact(1)));
    assert_eq!(
        binop_(F64, Binop::Div(None), D_P0, D_P0),
        Some(CanonicalNan)
    );
    assert_eq!(binop_(F32, Binop::Min, N0, P0), Some(Exact(N0)));
    assert_eq!(binop_(F32, Binop::Div(Some(S)), ONE, ONE), None);
    assert_eq!(binop_(I32, Binop::Copysign, 1, 1), None);
    assert_eq!(testop_(I64, 0), Some(1));
    assert_eq!(testop_(F32, 0), None);
    assert_eq!(relop_(I32, Relop::Lt(Some(S)), 0xffff_ffff, 0), Some(1));
    assert_eq!(relop_(F32, Relop::Lt(None), N0, P0), Some(0));
    assert_eq!(relop_(F32, Relop::Lt(Some(S)), N0, P0), None);
    assert_eq!(
        cvtop__(I32, I64, Cvtop::Extend(S), 0x8000_0000),
        Some(Exact(0xffff_ffff_8000_0000))
    );
    assert_eq!(
        cvtop__(I64, I32, Cvtop::Wrap, 0x1_0000_0002),
        Some(Exact(2))
    );
    assert_eq!(cvtop__(F32, I32, Cvtop::Trunc(S), CANON), None);
    assert_eq!(
        cvtop__(F64, I64, Cvtop::TruncSat(U), D_NEG_INF),
        Some(Exact(0))
    );
    assert_eq!(
        cvtop__(I64, F32, Cvtop::Convert(U), u64::MAX),
        Some(Exact(0x5f80_0000))
    );
    assert_eq!(cvtop__(F32, F64, Cvtop::Promote, SNAN), Some(ArithmeticNan));
    assert_eq!(
        cvtop__(F64, F32, Cvtop::Demote, D_CANON),
        Some(CanonicalNan)
    );
    assert_eq!(cvtop__(F32, F64, Cvtop::Demote, ONE), None);
    assert_eq!(
        cvtop__(I32, F32, Cvtop::Reinterpret, SNAN),
        Some(Exact(SNAN))
    );
    assert_eq!(
        cvtop__(F64, I64, Cvtop::Reinterpret, D_SNAN),
        Some(Exact(D_SNAN))
    );
    assert_eq!(cvtop__(I32, F64, Cvtop::Reinterpret, 0), None);
}

#[test]
fn clauses_are_counted() {
    let _ = idiv_(32, S, 0x8000_0000, 0xffff_ffff);
    let _ = imin_(32, S, 1, 0);
    let names: Vec<String> = crate::coverage::snapshot()
        .into_iter()
        .map(|h| h.name)
        .collect();
    for want in ["$idiv_#4", "$imin_#4", "$signed_#2"] {
        assert!(names.iter().any(|n| n == want), "{want} missing");
    }
}
