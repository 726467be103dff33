//! Spec-derived cases for the vector numerics, with hand-computed expected lanes.

use super::*;
use crate::numerics::FloatSet::{ArithmeticNan, CanonicalNan, Exact};
use crate::numerics::Sx::{S, U};

fn v8(l: [u8; 16]) -> u128 {
    u128::from_le_bytes(l)
}

fn v16(l: [u16; 8]) -> u128 {
    l.iter().rev().fold(0, |v, &x| (v << 16) | u128::from(x))
}

fn v32(l: [u32; 4]) -> u128 {
    l.iter().rev().fold(0, |v, &x| (v << 32) | u128::from(x))
}

fn v64(l: [u64; 2]) -> u128 {
    (u128::from(l[1]) << 64) | u128::from(l[0])
}

fn iota8(base: u8) -> u128 {
    v8(core::array::from_fn(|k| base + k as u8))
}

const F_ONE: u32 = 0x3f80_0000;
const F_TWO: u32 = 0x4000_0000;
const F_CANON: u32 = 0x7fc0_0000;
const F_SNAN: u32 = 0x7f80_0001;
const F_N0: u32 = 0x8000_0000;
const D_ONE: u64 = 0x3ff0_0000_0000_0000;
const D_SNAN: u64 = 0x7ff0_0000_0000_0001;

#[test]
fn lanes_roundtrip() {
    let v = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
    assert_eq!(lanes_(Shape::I8x16, v), (0..16).collect::<Vec<u64>>());
    assert_eq!(
        lanes_(Shape::I32x4, v),
        vec![0x0302_0100, 0x0706_0504, 0x0b0a_0908, 0x0f0e_0d0c]
    );
    assert_eq!(
        lanes_(Shape::F64x2, v),
        vec![0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]
    );
    assert_eq!(inv_lanes_(Shape::I16x8, &lanes_(Shape::I16x8, v)), v);
    assert_eq!(v8(core::array::from_fn(|k| k as u8)), v);
    assert_eq!(v32([0x0302_0100, 0x0706_0504, 0x0b0a_0908, 0x0f0e_0d0c]), v);
    // Lanes are masked to the lane width.
    assert_eq!(inv_lanes_(Shape::I8x16, &[0x1ff]), 0xff);
}

#[test]
fn int_lanewise() {
    assert_eq!(
        vbinop_(Shape::I8x16, Vbinop::AddSat(S), v8([0x7f; 16]), v8([1; 16])),
        Some(V128Set::exact(Shape::I8x16, v8([0x7f; 16])))
    );
    assert_eq!(
        vbinop_(Shape::I8x16, Vbinop::Add, v8([0xff; 16]), v8([2; 16])).and_then(|s| s.as_exact()),
        Some(v8([1; 16]))
    );
    assert_eq!(
        vbinop_(
            Shape::I16x8,
            Vbinop::SubSat(U),
            v16([0, 5, 0, 0, 0, 0, 0, 0]),
            v16([1; 8])
        )
        .and_then(|s| s.as_exact()),
        Some(v16([0, 4, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vbinop_(
            Shape::I32x4,
            Vbinop::Min(Some(S)),
            v32([0xffff_ffff, 1, 2, 3]),
            v32([0; 4])
        )
        .and_then(|s| s.as_exact()),
        Some(v32([0xffff_ffff, 0, 0, 0]))
    );
    assert_eq!(
        vbinop_(
            Shape::I32x4,
            Vbinop::Max(Some(U)),
            v32([0xffff_ffff, 1, 2, 3]),
            v32([0; 4])
        )
        .and_then(|s| s.as_exact()),
        Some(v32([0xffff_ffff, 1, 2, 3]))
    );
    assert_eq!(
        vbinop_(
            Shape::I64x2,
            Vbinop::Mul,
            v64([1 << 32, 3]),
            v64([1 << 32, 5])
        )
        .and_then(|s| s.as_exact()),
        Some(v64([0, 15]))
    );
    assert_eq!(
        vunop_(
            Shape::I8x16,
            Vunop::Abs,
            v8([0x80, 0xff, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        )
        .and_then(|s| s.as_exact()),
        Some(v8([0x80, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vunop_(Shape::I8x16, Vunop::Popcnt, v8([0xff; 16])).and_then(|s| s.as_exact()),
        Some(v8([8; 16]))
    );
    assert_eq!(
        vunop_(Shape::I64x2, Vunop::Neg, v64([1, 0])).and_then(|s| s.as_exact()),
        Some(v64([u64::MAX, 0]))
    );
    // Operators of the other lane kind have no clause.
    assert_eq!(vunop_(Shape::F32x4, Vunop::Popcnt, 0), None);
    assert_eq!(vunop_(Shape::I32x4, Vunop::Sqrt, 0), None);
    assert_eq!(vbinop_(Shape::F32x4, Vbinop::Min(Some(S)), 0, 0), None);
    assert_eq!(vbinop_(Shape::I32x4, Vbinop::Div, 0, 0), None);
}

#[test]
fn q15mulr_and_avgr() {
    let r = vbinop_(
        Shape::I16x8,
        Vbinop::Q15mulrSatS,
        v16([0x8000, 0x4000, 0xffff, 0x8000, 0, 0, 0, 0]),
        v16([0x8000, 0x4000, 1, 1, 0, 0, 0, 0]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v16([0x7fff, 0x2000, 0, 0xffff, 0, 0, 0, 0]))
    );
    let r = vbinop_(
        Shape::I8x16,
        Vbinop::AvgrU,
        v8([255, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        v8([254, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v8([255, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
    );
    let r = vbinop_(
        Shape::I16x8,
        Vbinop::AvgrU,
        v16([0xffff; 8]),
        v16([0xffff; 8]),
    );
    assert_eq!(r.and_then(|s| s.as_exact()), Some(v16([0xffff; 8])));
}

#[test]
fn relops() {
    let a = v8([0x80, 1, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
    let b = v8([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        vrelop_(Shape::I8x16, Vrelop::Lt(Some(S)), a, b),
        Some(v8([0xff, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(vrelop_(Shape::I8x16, Vrelop::Lt(Some(U)), a, b), Some(0));
    assert_eq!(
        vrelop_(Shape::I8x16, Vrelop::Eq, a, b),
        Some(v8([
            0, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0
        ]))
    );
    assert_eq!(
        vrelop_(
            Shape::I64x2,
            Vrelop::Ge(Some(S)),
            v64([u64::MAX, 1]),
            v64([0, 1])
        ),
        Some(v64([0, u64::MAX]))
    );
    // Float lanes: NaN is unequal to itself; -0 = +0.
    let x = v32([F_CANON, F_ONE, F_N0, F_ONE]);
    let y = v32([F_CANON, F_ONE, 0, F_TWO]);
    assert_eq!(
        vrelop_(Shape::F32x4, Vrelop::Eq, x, y),
        Some(v32([0, 0xffff_ffff, 0xffff_ffff, 0]))
    );
    assert_eq!(
        vrelop_(Shape::F32x4, Vrelop::Lt(None), x, y),
        Some(v32([0, 0, 0, 0xffff_ffff]))
    );
    assert_eq!(
        vrelop_(
            Shape::F64x2,
            Vrelop::Ne,
            v64([D_SNAN, D_ONE]),
            v64([D_SNAN, D_ONE])
        ),
        Some(v64([u64::MAX, 0]))
    );
    assert_eq!(vrelop_(Shape::F32x4, Vrelop::Lt(Some(S)), x, y), None);
    assert_eq!(vrelop_(Shape::I32x4, Vrelop::Lt(None), x, y), None);
}

#[test]
fn shifts_modulo_lane_width() {
    assert_eq!(
        vshiftop_(Shape::I8x16, None, v8([0x81; 16]), 9),
        Some(v8([0x02; 16]))
    );
    assert_eq!(
        vshiftop_(Shape::I8x16, None, v8([0x81; 16]), 8),
        Some(v8([0x81; 16]))
    );
    assert_eq!(
        vshiftop_(Shape::I16x8, Some(S), v16([0x8000; 8]), 16),
        Some(v16([0x8000; 8]))
    );
    assert_eq!(
        vshiftop_(Shape::I16x8, Some(S), v16([0x8000; 8]), 15),
        Some(v16([0xffff; 8]))
    );
    assert_eq!(
        vshiftop_(Shape::I64x2, Some(U), v64([u64::MAX, 2]), 65),
        Some(v64([u64::MAX >> 1, 1]))
    );
    assert_eq!(
        vshiftop_(Shape::I32x4, Some(U), v32([0x8000_0000; 4]), 0xffff_ffff),
        Some(v32([1; 4]))
    );
    assert_eq!(vshiftop_(Shape::F32x4, None, 0, 1), None);
}

#[test]
fn bitmask() {
    let mut l = [0u8; 16];
    l[0] = 0x80;
    l[15] = 0xff;
    l[7] = 0x7f;
    assert_eq!(vbitmaskop_(Shape::I8x16, v8(l)), Some(0x8001));
    assert_eq!(vbitmaskop_(Shape::I8x16, v8([0x80; 16])), Some(0xffff));
    assert_eq!(
        vbitmaskop_(Shape::I16x8, v16([0, 0x8000, 0, 0, 0, 0, 0, 0xffff])),
        Some(0b1000_0010)
    );
    assert_eq!(
        vbitmaskop_(Shape::I32x4, v32([0x8000_0000, 0, 0xffff_ffff, 1])),
        Some(0b0101)
    );
    assert_eq!(vbitmaskop_(Shape::I64x2, v64([u64::MAX, 0])), Some(1));
    assert_eq!(vbitmaskop_(Shape::I64x2, v64([0, 1 << 63])), Some(2));
    assert_eq!(vbitmaskop_(Shape::F32x4, 0), None);
}

#[test]
fn swizzle_and_shuffle() {
    let v_1 = iota8(0x10);
    let mut idx = [0u8; 16];
    idx[..6].copy_from_slice(&[0, 15, 16, 255, 0x80, 3]);
    let mut want = [0x10u8; 16];
    want[..6].copy_from_slice(&[0x10, 0x1f, 0, 0, 0, 0x13]);
    assert_eq!(vswizzlop_(v_1, v8(idx)), v8(want));
    assert_eq!(iswizzle_lane_(8, &[1, 2], 2), 0);
    assert_eq!(iswizzle_lane_(8, &[1, 2], 1), 2);
    // Shuffle picks from the 32 lanes of v_1 then v_2.
    let (a, b) = (iota8(0x00), iota8(0x10));
    let mut i = [0u64; 16];
    i[..4].copy_from_slice(&[0, 16, 31, 15]);
    let mut want = [0u8; 16];
    want[..4].copy_from_slice(&[0x00, 0x10, 0x1f, 0x0f]);
    assert_eq!(vshufflop_(&i, a, b), Some(v8(want)));
    let rev: Vec<u64> = (0..16).rev().collect();
    assert_eq!(
        vshufflop_(&rev, a, b),
        Some(v8(core::array::from_fn(|k| 15 - k as u8)))
    );
    i[5] = 32;
    assert_eq!(vshufflop_(&i, a, b), None);
}

#[test]
fn float_lanes_with_nans() {
    let a = v32([F_ONE, F_CANON, F_SNAN, F_N0]);
    let b = v32([F_TWO, F_ONE, F_ONE, 0]);
    let r = vbinop_(Shape::F32x4, Vbinop::Min(None), a, b).expect("min");
    assert_eq!(
        r.lanes,
        vec![
            Exact(u64::from(F_ONE)),
            CanonicalNan,
            ArithmeticNan,
            Exact(u64::from(F_N0))
        ]
    );
    assert_eq!(r.as_exact(), None);
    assert_eq!(r.choose(&[a, b]), v32([F_ONE, F_CANON, 0x7fc0_0001, F_N0]));
    assert!(r.contains(v32([F_ONE, 0xffc0_0000, 0xffc0_1234, F_N0])));
    assert!(!r.contains(v32([F_ONE, 0x7fc0_0001, 0x7fc0_0000, F_N0])));
    assert!(!r.contains(v32([F_ONE, F_CANON, F_SNAN, F_N0])));
    assert!(!r.contains(v32([F_ONE, F_CANON, F_CANON, 0])));
    let r = vbinop_(Shape::F32x4, Vbinop::Max(None), a, b).expect("max");
    assert_eq!(r.lanes[0], Exact(u64::from(F_TWO)));
    assert_eq!(r.lanes[3], Exact(0));
    // pmin/pmax are exact, NaN lanes included.
    let r = vbinop_(Shape::F32x4, Vbinop::Pmin, a, b).expect("pmin");
    assert_eq!(r.as_exact(), Some(v32([F_ONE, F_CANON, F_SNAN, F_N0])));
    // neg flips the sign of a signalling NaN lane exactly.
    let r = vunop_(Shape::F64x2, Vunop::Neg, v64([D_SNAN, D_ONE])).expect("neg");
    assert_eq!(
        r.as_exact(),
        Some(v64([0xfff0_0000_0000_0001, 0xbff0_0000_0000_0000]))
    );
    let r = vunop_(
        Shape::F64x2,
        Vunop::Sqrt,
        v64([0xbff0_0000_0000_0000, 1 << 63]),
    )
    .expect("sqrt");
    assert_eq!(r.lanes, vec![CanonicalNan, Exact(1 << 63)]);
    let r = vbinop_(
        Shape::F64x2,
        Vbinop::Add,
        v64([D_SNAN, D_ONE]),
        v64([D_ONE, D_ONE]),
    )
    .expect("add");
    assert_eq!(r.lanes, vec![ArithmeticNan, Exact(0x4000_0000_0000_0000)]);
}

#[test]
fn bitwise_whole_vector() {
    let a = v64([0xffff_0000_ffff_0000, 0x1234]);
    let b = v64([0xff00_ff00_ff00_ff00, 0xffff]);
    assert_eq!(vvunop_(0), u128::MAX);
    assert_eq!(
        vvbinop_(Vvbinop::And, a, b),
        v64([0xff00_0000_ff00_0000, 0x1234])
    );
    assert_eq!(
        vvbinop_(Vvbinop::Andnot, a, b),
        v64([0x00ff_0000_00ff_0000, 0])
    );
    assert_eq!(
        vvbinop_(Vvbinop::Or, a, b),
        v64([0xffff_ff00_ffff_ff00, 0xffff])
    );
    assert_eq!(
        vvbinop_(Vvbinop::Xor, a, b),
        v64([0x00ff_ff00_00ff_ff00, 0xedcb])
    );
    assert_eq!(vvternop_(u128::MAX, 0, a), a);
    assert_eq!(
        vvternop_(a, b, u128::MAX << 64),
        v64([0xff00_ff00_ff00_ff00, 0x1234])
    );
}

#[test]
fn narrow_saturates() {
    let a = v16([
        0x0080, 0xff7f, 0x0001, 0xffff, 0x7fff, 0x8000, 0x0100, 0x007f,
    ]);
    let b = v16([0; 8]);
    assert_eq!(
        vnarrowop__(Shape::I16x8, Shape::I8x16, S, a, b),
        Some(v8([
            0x7f, 0x80, 1, 0xff, 0x7f, 0x80, 0x7f, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0
        ]))
    );
    assert_eq!(
        vnarrowop__(Shape::I16x8, Shape::I8x16, U, b, a),
        Some(v8([
            0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 1, 0, 0xff, 0, 0xff, 0x7f
        ]))
    );
    assert_eq!(
        vnarrowop__(
            Shape::I32x4,
            Shape::I16x8,
            U,
            v32([0x1_0000, 0xffff_ffff, 0x8000, 5]),
            0
        ),
        Some(v16([0xffff, 0, 0x8000, 5, 0, 0, 0, 0]))
    );
    assert_eq!(
        vnarrowop__(
            Shape::I32x4,
            Shape::I16x8,
            S,
            v32([0x1_0000, 0xffff_0000, 0x8000, 5]),
            0
        ),
        Some(v16([0x7fff, 0x8000, 0x7fff, 5, 0, 0, 0, 0]))
    );
    assert_eq!(vnarrowop__(Shape::I16x8, Shape::I32x4, S, a, b), None);
}

#[test]
fn extend_extmul_dot_pairwise() {
    let mut l = [0u8; 16];
    l[..3].copy_from_slice(&[0xff, 0x80, 2]);
    l[8..11].copy_from_slice(&[0xff, 0x80, 0x7f]);
    let a = v8(l);
    let mut l = [0u8; 16];
    l[..3].copy_from_slice(&[0x80, 0x80, 3]);
    l[8..11].copy_from_slice(&[0xff, 0x02, 0x7f]);
    let b = v8(l);
    assert_eq!(
        vextbinop__(
            Shape::I8x16,
            Shape::I16x8,
            Vextbinop::Extmul(Half::Low, S),
            a,
            b
        ),
        Some(v16([0x0080, 0x4000, 6, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vextbinop__(
            Shape::I8x16,
            Shape::I16x8,
            Vextbinop::Extmul(Half::High, U),
            a,
            b
        ),
        Some(v16([0xfe01, 0x0100, 0x3f01, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vextbinop__(
            Shape::I8x16,
            Shape::I16x8,
            Vextbinop::Extmul(Half::High, S),
            a,
            b
        ),
        Some(v16([1, 0xff00, 0x3f01, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vextbinop__(
            Shape::I32x4,
            Shape::I64x2,
            Vextbinop::Extmul(Half::Low, S),
            v32([0xffff_ffff, 0x8000_0000, 0, 0]),
            v32([0xffff_ffff, 0x8000_0000, 0, 0])
        ),
        Some(v64([1, 0x4000_0000_0000_0000]))
    );
    assert_eq!(
        vextbinop__(
            Shape::I32x4,
            Shape::I64x2,
            Vextbinop::Extmul(Half::Low, U),
            v32([0xffff_ffff, 0, 0, 0]),
            v32([0xffff_ffff, 0, 0, 0])
        ),
        Some(v64([0xffff_fffe_0000_0001, 0]))
    );
    // dot: the sum of two products of -32768 * -32768 wraps to i32::MIN.
    assert_eq!(
        vextbinop__(
            Shape::I16x8,
            Shape::I32x4,
            Vextbinop::DotS,
            v16([0x8000, 0x8000, 1, 2, 3, 4, 0xffff, 7]),
            v16([0x8000, 0x8000, 1, 1, 2, 2, 3, 1])
        ),
        Some(v32([0x8000_0000, 3, 14, 4]))
    );
    // extadd_pairwise
    let mut l = [0u8; 16];
    l[..4].copy_from_slice(&[0xff, 0xff, 0x80, 0x80]);
    assert_eq!(
        vextunop__(Shape::I8x16, Shape::I16x8, S, v8(l)),
        Some(v16([0xfffe, 0xff00, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vextunop__(Shape::I8x16, Shape::I16x8, U, v8(l)),
        Some(v16([0x01fe, 0x0100, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        vextunop__(
            Shape::I16x8,
            Shape::I32x4,
            S,
            v16([0x7fff, 0x7fff, 0x8000, 0xffff, 0, 0, 0, 0])
        ),
        Some(v32([0xfffe, 0xffff_7fff, 0, 0]))
    );
    assert_eq!(vextunop__(Shape::I16x8, Shape::I8x16, S, 0), None);
    // extend via vcvtop
    let mut l = [0u8; 16];
    l[8] = 0x80;
    l[9] = 0x7f;
    l[0] = 0xff;
    let r = vcvtop__(
        Shape::I8x16,
        Shape::I16x8,
        Vcvtop::Extend(Half::High, S),
        v8(l),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v16([0xff80, 0x007f, 0, 0, 0, 0, 0, 0]))
    );
    let r = vcvtop__(
        Shape::I8x16,
        Shape::I16x8,
        Vcvtop::Extend(Half::Low, U),
        v8(l),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v16([0x00ff, 0, 0, 0, 0, 0, 0, 0]))
    );
    let r = vcvtop__(
        Shape::I32x4,
        Shape::I64x2,
        Vcvtop::Extend(Half::Low, S),
        v32([0x8000_0000, 1, 0, 0]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v64([0xffff_ffff_8000_0000, 1]))
    );
}

#[test]
fn conversions() {
    // i32x4 -> f32x4
    let r = vcvtop__(
        Shape::I32x4,
        Shape::F32x4,
        Vcvtop::Convert(None, S),
        v32([0xffff_ffff, 1, 16_777_217, 0]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v32([0xbf80_0000, F_ONE, 0x4b80_0000, 0]))
    );
    let r = vcvtop__(
        Shape::I32x4,
        Shape::F32x4,
        Vcvtop::Convert(None, U),
        v32([0xffff_ffff, 1, 0, 0]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v32([0x4f80_0000, F_ONE, 0, 0]))
    );
    // f64x2.convert_low_i32x4_u
    let r = vcvtop__(
        Shape::I32x4,
        Shape::F64x2,
        Vcvtop::Convert(Some(Half::Low), U),
        v32([0xffff_ffff, 1, 7, 7]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v64([0x41ef_ffff_ffe0_0000, D_ONE]))
    );
    // i32x4.trunc_sat_f32x4_s
    let r = vcvtop__(
        Shape::F32x4,
        Shape::I32x4,
        Vcvtop::TruncSat(S, false),
        v32([F_CANON, 0x4f00_0000, 0xff80_0000, 0xbfc0_0000]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v32([0, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff]))
    );
    // i32x4.trunc_sat_f64x2_u_zero
    let r = vcvtop__(
        Shape::F64x2,
        Shape::I32x4,
        Vcvtop::TruncSat(U, true),
        v64([0x41f0_0000_0000_0000, 0xbff0_0000_0000_0000]),
    );
    assert_eq!(
        r.and_then(|s| s.as_exact()),
        Some(v32([0xffff_ffff, 0, 0, 0]))
    );
    // f32x4.demote_f64x2_zero
    let r = vcvtop__(
        Shape::F64x2,
        Shape::F32x4,
        Vcvtop::DemoteZero,
        v64([D_ONE, D_SNAN]),
    )
    .expect("demote");
    assert_eq!(
        r.lanes,
        vec![Exact(u64::from(F_ONE)), ArithmeticNan, Exact(0), Exact(0)]
    );
    assert_eq!(r.choose(&[]), v32([F_ONE, F_CANON, 0, 0]));
    assert!(r.contains(v32([F_ONE, 0xffc0_0001, 0, 0])));
    assert!(!r.contains(v32([F_ONE, F_SNAN, 0, 0])));
    // f64x2.promote_low_f32x4
    let r = vcvtop__(
        Shape::F32x4,
        Shape::F64x2,
        Vcvtop::PromoteLow,
        v32([F_ONE, F_CANON, F_SNAN, F_SNAN]),
    )
    .expect("promote");
    assert_eq!(r.lanes, vec![Exact(D_ONE), CanonicalNan]);
    let r = vcvtop__(
        Shape::F32x4,
        Shape::F64x2,
        Vcvtop::PromoteLow,
        v32([F_SNAN, 0, 0, 0]),
    )
    .expect("promote");
    assert_eq!(r.lanes, vec![ArithmeticNan, Exact(0)]);
    // Unfit shapes or lane kinds.
    assert_eq!(
        vcvtop__(Shape::I32x4, Shape::F64x2, Vcvtop::Convert(None, S), 0),
        None
    );
    assert_eq!(
        vcvtop__(Shape::F32x4, Shape::F32x4, Vcvtop::Convert(None, S), 0),
        None
    );
    assert_eq!(
        vcvtop__(Shape::F64x2, Shape::F64x2, Vcvtop::DemoteZero, 0),
        None
    );
}

#[test]
fn lane_access_helpers() {
    assert_eq!(splat(Shape::I8x16, 0x1ff), v8([0xff; 16]));
    assert_eq!(splat(Shape::F64x2, D_ONE), v64([D_ONE, D_ONE]));
    let v = v8(core::array::from_fn(|k| 0x80 + k as u8));
    assert_eq!(extract_lane(Shape::I8x16, Some(S), v, 0), Some(0xffff_ff80));
    assert_eq!(extract_lane(Shape::I8x16, Some(U), v, 1), Some(0x81));
    assert_eq!(extract_lane(Shape::I8x16, None, v, 16), None);
    assert_eq!(extract_lane(Shape::I64x2, None, v64([1, 2]), 1), Some(2));
    assert_eq!(
        replace_lane(Shape::I32x4, 0, 3, 0x1_0000_0005),
        Some(v32([0, 0, 0, 5]))
    );
    assert_eq!(replace_lane(Shape::I32x4, 0, 4, 1), None);
    assert_eq!(any_true(0), 0);
    assert_eq!(any_true(1 << 127), 1);
    assert_eq!(all_true(Shape::I8x16, v8([1; 16])), 1);
    let mut l = [1u8; 16];
    l[15] = 0;
    assert_eq!(all_true(Shape::I8x16, v8(l)), 0);
    assert_eq!(all_true(Shape::I16x8, v8(l)), 1);
}
