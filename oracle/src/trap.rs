//! Trap kinds, named as the spec test suite's `assert_trap` messages name them.
//!
//! The SpecTec rules only say `trap`; the official `.wast` scripts attach these messages,
//! and every engine's own trap text is mapped onto them by its runner.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why execution trapped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` (`Step_pure/unreachable`).
    Unreachable,
    /// `integer divide by zero` (`$idiv_`, `$irem_` undefined cases).
    IntegerDivideByZero,
    /// `integer overflow` (`idiv_s` of MIN by -1, `trunc` out of range).
    IntegerOverflow,
    /// `invalid conversion to integer` (`trunc` of a NaN).
    InvalidConversionToInteger,
    /// `out of bounds memory access` (`Step_read/load-num-oob` and friends).
    OutOfBoundsMemoryAccess,
    /// `out of bounds table access` (`table.get`/`set`/`fill`/`copy`/`init` out of range).
    OutOfBoundsTableAccess,
    /// `undefined element`: `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `uninitialized element`: `call_indirect` on a null slot.
    UninitializedElement,
    /// `indirect call type mismatch`: `call_indirect` on a function of another type.
    IndirectCallTypeMismatch,
    /// `null function reference` (`call_ref`, `return_call_ref` on null).
    NullFunctionReference,
    /// `null reference` (`ref.as_non_null` on null).
    NullReference,
    /// `null structure reference`.
    NullStructureReference,
    /// `null array reference`.
    NullArrayReference,
    /// `out of bounds array access`.
    OutOfBoundsArrayAccess,
    /// `cast failure` (`ref.cast`).
    CastFailure,
    /// `unaligned atomic`.
    UnalignedAtomic,
    /// `uncaught exception`.
    UncaughtException,
    /// A host function of the standard host failed.
    Host(String),
    /// A trap this vocabulary has no name for; the engine's own text.
    Other(String),
}

impl TrapKind {
    /// Every named kind (not `Host` or `Other`).
    pub const NAMED: [TrapKind; 17] = [
        TrapKind::Unreachable,
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::InvalidConversionToInteger,
        TrapKind::OutOfBoundsMemoryAccess,
        TrapKind::OutOfBoundsTableAccess,
        TrapKind::UndefinedElement,
        TrapKind::UninitializedElement,
        TrapKind::IndirectCallTypeMismatch,
        TrapKind::NullFunctionReference,
        TrapKind::NullReference,
        TrapKind::NullStructureReference,
        TrapKind::NullArrayReference,
        TrapKind::OutOfBoundsArrayAccess,
        TrapKind::CastFailure,
        TrapKind::UnalignedAtomic,
        TrapKind::UncaughtException,
    ];

    /// The test suite's message for this kind.
    pub fn message(&self) -> &str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::OutOfBoundsMemoryAccess => "out of bounds memory access",
            TrapKind::OutOfBoundsTableAccess => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::NullFunctionReference => "null function reference",
            TrapKind::NullReference => "null reference",
            TrapKind::NullStructureReference => "null structure reference",
            TrapKind::NullArrayReference => "null array reference",
            TrapKind::OutOfBoundsArrayAccess => "out of bounds array access",
            TrapKind::CastFailure => "cast failure",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::UncaughtException => "uncaught exception",
            TrapKind::Host(m) | TrapKind::Other(m) => m,
        }
    }

    /// Reads a test-suite message back, by prefix as the reference interpreter matches
    /// them ("uninitialized element 2" is `UninitializedElement`); anything unknown is
    /// `Other`.
    pub fn from_message(m: &str) -> TrapKind {
        if let Some(host) = m.strip_prefix("host: ") {
            return TrapKind::Host(host.to_string());
        }
        Self::NAMED
            .iter()
            .filter(|k| m.starts_with(k.message()))
            .max_by_key(|k| k.message().len())
            .cloned()
            .unwrap_or_else(|| TrapKind::Other(m.to_string()))
    }

    /// Whether two engines reporting these kinds agree.
    ///
    /// Exact, except where the engines under test cannot tell the cases apart: a
    /// `call_indirect` past the table's end is "undefined element" in the test suite and a
    /// table access out of range elsewhere, and Wasmtime and wasmi report both as one
    /// table-out-of-bounds code; likewise the null-reference family.
    pub fn agrees_with(&self, other: &TrapKind) -> bool {
        use TrapKind::*;
        let group = |k: &TrapKind| match k {
            OutOfBoundsTableAccess | UndefinedElement => 1,
            NullFunctionReference | NullReference | NullStructureReference | NullArrayReference => {
                2
            }
            _ => 0,
        };
        self == other || (group(self) != 0 && group(self) == group(other))
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Host(m) => write!(f, "host: {m}"),
            _ => f.write_str(self.message()),
        }
    }
}

impl Serialize for TrapKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TrapKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(TrapKind::from_message(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        for k in TrapKind::NAMED
            .iter()
            .cloned()
            .chain([TrapKind::Host("x".into()), TrapKind::Other("y".into())])
        {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(serde_json::from_str::<TrapKind>(&json).unwrap(), k);
        }
    }

    #[test]
    fn suite_messages_are_read_by_prefix() {
        assert_eq!(
            TrapKind::from_message("uninitialized element 2"),
            TrapKind::UninitializedElement
        );
        assert_eq!(
            TrapKind::from_message("undefined element"),
            TrapKind::UndefinedElement
        );
        assert_eq!(
            TrapKind::from_message("integer overflow"),
            TrapKind::IntegerOverflow
        );
        assert_eq!(
            TrapKind::from_message("something else"),
            TrapKind::Other("something else".into())
        );
    }

    #[test]
    fn agreement_is_exact_but_for_indistinguishable_cases() {
        assert!(TrapKind::UndefinedElement.agrees_with(&TrapKind::OutOfBoundsTableAccess));
        assert!(!TrapKind::UndefinedElement.agrees_with(&TrapKind::UninitializedElement));
        assert!(!TrapKind::IntegerOverflow.agrees_with(&TrapKind::IntegerDivideByZero));
        assert!(!TrapKind::Other("a".into()).agrees_with(&TrapKind::Other("b".into())));
    }
}
