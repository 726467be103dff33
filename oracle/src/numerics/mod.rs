//! Numerics, as the `def`s of `3.1-numerics.scalar.spectec` and
//! `3.2-numerics.vector.spectec` define them.
//!
//! Conventions, shared by every function here:
//! - one Rust function per spec `def`, named as the def without `$` (`$iadd_` is
//!   [`scalar::iadd_`]); each clause of the def is marked with a comment quoting it and a
//!   coverage point `hit!("$iadd_#1")` (the clause's 1-based position among the def's
//!   clauses in the spec file);
//! - an integer of width `N` (8, 16, 32 or 64) is a `u64` holding its unsigned value;
//! - a float of width `N` (32 or 64) is a `u64` holding its bits;
//! - a partial function (the spec's `eps` result, a trap) returns `Option`;
//! - a float result the spec gives as a set (`fN*`, through `$nans_`) is a [`FloatSet`].

pub mod scalar;
pub mod vector;

/// A float result as the spec defines it: one value, or any NaN of a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatSet {
    /// Exactly these bits.
    Exact(u64),
    /// `$nans_` of canonical operands: a canonical NaN of either sign.
    CanonicalNan,
    /// `$nans_` with a non-canonical operand NaN: any arithmetic NaN, either sign.
    ArithmeticNan,
}

/// The spec's `sx`: the syntax's, shared.
pub use crate::ast::Sx;

/// The layout of a float of width `n` (32, anything else is read as 64).
#[derive(Clone, Copy)]
pub(crate) struct Layout {
    pub(crate) sign: u64,
    pub(crate) exp: u64,
    pub(crate) frac: u64,
    pub(crate) quiet: u64,
}

pub(crate) const fn layout(n: u32) -> Layout {
    if n == 32 {
        Layout {
            sign: 1 << 31,
            exp: 0x7f80_0000,
            frac: 0x007f_ffff,
            quiet: 1 << 22,
        }
    } else {
        Layout {
            sign: 1 << 63,
            exp: 0x7ff0_0000_0000_0000,
            frac: 0x000f_ffff_ffff_ffff,
            quiet: 1 << 51,
        }
    }
}

/// Whether `bits` is a NaN of width `n`.
#[inline(always)]
pub fn is_nan(n: u32, bits: u64) -> bool {
    let l = layout(n);
    bits & l.exp == l.exp && bits & l.frac != 0
}

/// Whether `bits` is a canonical NaN of width `n` (`$canon_(N)` payload, either sign).
pub fn is_canonical_nan(n: u32, bits: u64) -> bool {
    let l = layout(n);
    bits & !l.sign == l.exp | l.quiet
}

/// Whether `bits` is an arithmetic NaN of width `n` (payload's top bit set, either sign).
pub fn is_arithmetic_nan(n: u32, bits: u64) -> bool {
    is_nan(n, bits) && bits & layout(n).quiet != 0
}

/// The positive canonical NaN of width `n`.
pub fn canonical_nan(n: u32) -> u64 {
    let l = layout(n);
    l.exp | l.quiet
}

impl FloatSet {
    /// `$nans_`: the NaNs a result may be, given the operands (only NaN operands count):
    /// canonical when every NaN operand is canonical, arithmetic otherwise.
    pub fn nans(n: u32, operands: &[u64]) -> FloatSet {
        if operands
            .iter()
            .all(|&z| !is_nan(n, z) || is_canonical_nan(n, z))
        {
            FloatSet::CanonicalNan
        } else {
            FloatSet::ArithmeticNan
        }
    }

    /// One member of the set, of width `n`: the exact bits, the positive canonical NaN,
    /// or for an arithmetic NaN the first NaN among `operands` (same width) quieted,
    /// else the positive canonical NaN.
    pub fn choose(self, n: u32, operands: &[u64]) -> u64 {
        match self {
            FloatSet::Exact(b) => b,
            FloatSet::CanonicalNan => canonical_nan(n),
            FloatSet::ArithmeticNan => operands
                .iter()
                .find(|&&z| is_nan(n, z))
                .map_or(canonical_nan(n), |&z| z | layout(n).quiet),
        }
    }

    /// Whether the float `bits` of width `n` is a member of the set.
    pub fn contains(self, n: u32, bits: u64) -> bool {
        match self {
            FloatSet::Exact(b) => bits == b,
            FloatSet::CanonicalNan => is_canonical_nan(n, bits),
            FloatSet::ArithmeticNan => is_arithmetic_nan(n, bits),
        }
    }
}
