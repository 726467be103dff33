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
