//! Mutations of seed modules (the official suite's modules, the campaign's corpus) with
//! wasm-mutate.

/// Why a mutation gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum MutateError {
    /// wasm-mutate could not parse or mutate the seed.
    #[error("wasm-mutate: {0}")]
    Mutate(String),
    /// No mutation applied to this seed.
    #[error("no mutation applies to this module")]
    Exhausted,
}

/// Bumped whenever a (seed module, seed) pair would give other bytes than before.
pub const MUTATOR_VERSION: &str = "mutate-1";

/// A mutant of `module`, chosen by `seed`: one to a few wasm-mutate steps, not
/// necessarily preserving semantics (the oracle judges whatever comes out).
pub fn mutate(module: &[u8], seed: u64) -> Result<Vec<u8>, MutateError> {
    // wasm-mutate expects a valid module (it may panic on others).
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(module)
        .map_err(|e| MutateError::Mutate(format!("the seed does not validate: {e}")))?;
    let mut rng = crate::SplitMix64::new(seed);
    let steps = 1 + rng.next_u64() % 3;
    let mut current = module.to_vec();
    for _ in 0..steps {
        let mut wm = wasm_mutate::WasmMutate::default();
        wm.seed(rng.next_u64())
            .fuel(1000)
            .preserve_semantics(false)
            .reduce(false);
        let next = {
            let mutants = wm
                .run(&current)
                .map_err(|e| MutateError::Mutate(e.to_string()))?;
            mutants
                .filter_map(Result::ok)
                .take(20)
                .find(|m| *m != current)
        };
        match next {
            Some(m) => current = m,
            None if current != module => break,
            None => return Err(MutateError::Exhausted),
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"(module
      (memory 1)
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "mul") (param f64 f64) (result f64) local.get 0 local.get 1 f64.mul)
      (func (export "load") (param i32) (result i32) local.get 0 i32.load))"#;

    #[test]
    fn a_seed_that_does_not_validate_is_refused() {
        let e = mutate(b"\0asm\x01\0\0\0\x01\x09", 1).unwrap_err();
        assert!(e.to_string().contains("does not validate"), "{e}");
    }

    #[test]
    fn mutants_are_reproducible_valid_and_different() {
        let seed = wat::parse_str(SEED).unwrap();
        let mut changed = 0;
        for s in 0..30 {
            let Ok(a) = mutate(&seed, s) else { continue };
            assert_eq!(a, mutate(&seed, s).unwrap(), "seed {s}");
            wasmparser::Validator::new()
                .validate_all(&a)
                .unwrap_or_else(|e| panic!("seed {s}: {e}"));
            if a != seed {
                changed += 1;
            }
        }
        assert!(changed >= 15, "only {changed} of 30 mutants differ");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(mutate(b"\0asm\x01\0\0\0\x05\xff", 1).is_err());
        assert!(mutate(b"hello", 1).is_err());
    }
}
