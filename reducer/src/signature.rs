//! Predicates given as closures.

use std::fmt;

use crate::predicate::{Interesting, Predicate, PredicateError};

/// A predicate that asks a closure whether the candidate is interesting.
///
/// The built-in check that a finding's divergence signature still holds is one such
/// closure.
pub struct SignaturePredicate<F: FnMut(&[u8]) -> bool> {
    check: F,
    calls: u64,
}

impl<F: FnMut(&[u8]) -> bool> SignaturePredicate<F> {
    /// A predicate that calls `check` on each candidate; `true` means interesting.
    pub fn new(check: F) -> SignaturePredicate<F> {
        SignaturePredicate { check, calls: 0 }
    }
}

impl<F: FnMut(&[u8]) -> bool> Predicate for SignaturePredicate<F> {
    fn test(&mut self, candidate: &[u8]) -> Result<Interesting, PredicateError> {
        self.calls += 1;
        Ok(Interesting::from((self.check)(candidate)))
    }

    fn calls(&self) -> u64 {
        self.calls
    }
}

impl<F: FnMut(&[u8]) -> bool> fmt::Debug for SignaturePredicate<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignaturePredicate")
            .field("calls", &self.calls)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_the_closure_and_counts_calls() {
        let mut seen = Vec::new();
        {
            let mut p = SignaturePredicate::new(|c: &[u8]| {
                seen.push(c.len());
                c.starts_with(b"\0asm")
            });
            assert_eq!(p.calls(), 0);
            assert_eq!(p.test(b"\0asm\x01\0\0\0").unwrap(), Interesting::Yes);
            assert_eq!(p.test(b"junk").unwrap(), Interesting::No);
            assert_eq!(p.test(b"").unwrap(), Interesting::No);
            assert_eq!(p.calls(), 3);
            assert!(format!("{p:?}").contains("calls: 3"));
        }
        assert_eq!(seen, vec![8, 4, 0]);
    }

    #[test]
    fn works_as_a_trait_object() {
        let mut p = SignaturePredicate::new(|_: &[u8]| true);
        let dynamic: &mut dyn Predicate = &mut p;
        assert_eq!(dynamic.test(b"x").unwrap(), Interesting::Yes);
        assert_eq!(dynamic.calls(), 1);
    }
}
