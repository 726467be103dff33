//! Edge values: the arguments most likely to expose a wrong result.

use crate::SplitMix64;

/// `i32` edges: 0, ±1, MIN, MAX, and neighbours of the sign and byte boundaries.
pub const I32: [u32; 12] = [
    0,
    1,
    u32::MAX, // -1
    0x8000_0000,
    0x7fff_ffff,
    2,
    0x8000_0001,
    0xffff_fffe,
    0x7f,
    0x80,
    0xffff,
    0x1_0000,
];

/// `i64` edges.
pub const I64: [u64; 12] = [
    0,
    1,
    u64::MAX,
    0x8000_0000_0000_0000,
    0x7fff_ffff_ffff_ffff,
    2,
    0x8000_0000_0000_0001,
    0xffff_ffff,
    0x1_0000_0000,
    0x8000_0000,
    0xffff_ffff_8000_0000,
    0x7f,
];

/// `f32` edges as bits: ±0, ±1, ±inf, subnormals, MIN/MAX, canonical, arithmetic and
/// signalling NaNs of both signs, and values at the integer-conversion boundaries.
pub const F32: [u32; 20] = [
    0x0000_0000, // +0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x7f80_0000, // +inf
    0xff80_0000, // -inf
    0x0000_0001, // smallest subnormal
    0x807f_ffff, // largest negative subnormal
    0x0080_0000, // smallest normal
    0x7f7f_ffff, // MAX
    0xff7f_ffff, // MIN
    0x7fc0_0000, // canonical NaN
    0xffc0_0000, // negative canonical NaN
    0x7fc0_0001, // arithmetic NaN, non-canonical payload
    0xff80_0001, // negative signalling NaN
    0x7fa0_0001, // signalling NaN with a payload
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x5f00_0000, // 2^63
    0x3f00_0000, // 0.5
];

/// `f64` edges as bits, as for `f32`.
pub const F64: [u64; 20] = [
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x0000_0000_0000_0001,
    0x800f_ffff_ffff_ffff,
    0x0010_0000_0000_0000,
    0x7fef_ffff_ffff_ffff,
    0xffef_ffff_ffff_ffff,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff8_0000_0000_0001,
    0xfff0_0000_0000_0001,
    0x7ff4_0000_0000_0001,
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0000_0000, // -2^31
    0x43e0_0000_0000_0000, // 2^63
    0x3fe0_0000_0000_0000, // 0.5
];

/// A `v128` edge: all zeros, all ones, or lanes drawn from the `f32`, `f64` or `i32` edges.
pub fn v128(rng: &mut SplitMix64) -> u128 {
    match rng.next_u64() % 5 {
        0 => 0,
        1 => u128::MAX,
        2 => (0..4).fold(0, |acc, i| acc | (rng.pick(&F32) as u128) << (32 * i)),
        3 => (0..2).fold(0, |acc, i| acc | (rng.pick(&F64) as u128) << (64 * i)),
        _ => (0..4).fold(0, |acc, i| acc | (rng.pick(&I32) as u128) << (32 * i)),
    }
}
