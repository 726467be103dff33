//! Valid modules from wasm-smith, in swarm configurations restricted to what the chosen
//! engines and the oracle support.
//!
//! Every module is a function of ([`GENERATOR_VERSION`], seed, allowed proposals): the seed
//! drives a [`SplitMix64`] that picks the swarm configuration (which proposals and
//! instruction kinds this module may use, and how large it may be) and fills the bytes
//! wasm-smith reads. Floats are not canonicalised (the judge knows which NaNs the spec
//! allows); every function and loop is metered by wasm-smith's termination fuel, so every
//! case ends the same way on every engine; memories and tables declare small maxima, so
//! growth stays within every engine's limits.

use oracle::Proposal;
use wasm_smith::{Config, InstructionKind, InstructionKinds, Module};

use crate::SplitMix64;

/// Bumped whenever a seed would give other bytes than before.
pub const GENERATOR_VERSION: &str = "smith-2";

/// The termination fuel: function entries and loop iterations over the whole plan.
pub const TERMINATION_FUEL: u32 = 1000;

/// The largest memory a generated module may declare: 10 pages.
pub const MAX_MEMORY_BYTES: u64 = 10 * 65536;

/// The largest table a generated module may declare.
pub const MAX_TABLE_ELEMENTS: u64 = 100;

/// The imports a generated module may use: the spec test suite's `spectest` module, which
/// every engine's standard host provides.
const SPECTEST_IMPORTS: &str = r#"(module
  (import "spectest" "print" (func))
  (import "spectest" "print_i32" (func (param i32)))
  (import "spectest" "print_i64" (func (param i64)))
  (import "spectest" "print_f32" (func (param f32)))
  (import "spectest" "print_f64" (func (param f64)))
  (import "spectest" "print_i32_f32" (func (param i32 f32)))
  (import "spectest" "print_f64_f64" (func (param f64 f64)))
  (import "spectest" "global_i32" (global i32))
  (import "spectest" "global_i64" (global i64))
  (import "spectest" "global_f32" (global f32))
  (import "spectest" "global_f64" (global f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2)))"#;

/// How many functions, each of a type of its own, [`SPECTEST_IMPORTS`] has (wasm-smith puts
/// their types in every module it gives those imports to, before any type of its own).
const SPECTEST_FUNC_TYPES: usize = 7;

/// Why no module came out of a seed.
#[derive(Debug, thiserror::Error)]
pub enum SmithError {
    /// wasm-smith gave up (it ran out of random bytes or could not satisfy the config).
    #[error("wasm-smith: {0}")]
    Smith(String),
}

/// Which proposals (of WebAssembly 2.0's) a swarm configuration drew, and the module.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The module's binary.
    pub bytes: Vec<u8>,
    /// The proposals its configuration enabled.
    pub proposals: Vec<Proposal>,
}

/// The swarm configuration for a seed: each allowed proposal and each instruction kind is
/// on or off, sizes are drawn small.
pub fn swarm_config(rng: &mut SplitMix64, allowed: &[Proposal]) -> (Config, Vec<Proposal>) {
    let mut on = Vec::new();
    let mut pick = |p: Proposal, rng: &mut SplitMix64| {
        let yes = allowed.contains(&p) && !rng.next_u64().is_multiple_of(4);
        if yes {
            on.push(p);
        }
        yes
    };
    let sign_extension = pick(Proposal::SignExtension, rng);
    let saturating = pick(Proposal::SaturatingFloatToInt, rng);
    let multi_value = pick(Proposal::MultiValue, rng);
    let reference_types = pick(Proposal::ReferenceTypes, rng);
    let bulk_memory = pick(Proposal::BulkMemory, rng);
    let simd = pick(Proposal::Simd, rng);
    // wasm-smith's reference types need bulk memory's table instructions.
    let bulk_memory = bulk_memory || reference_types;
    if reference_types && !on.contains(&Proposal::BulkMemory) {
        on.push(Proposal::BulkMemory);
    }
    if allowed.contains(&Proposal::MutableGlobal) {
        on.push(Proposal::MutableGlobal);
    }

    let mut kinds = vec![InstructionKind::Control];
    for (kind, wanted) in [
        (InstructionKind::Numeric, true),
        (InstructionKind::Parametric, true),
        (InstructionKind::Variable, true),
        (InstructionKind::Memory, true),
        (InstructionKind::Table, reference_types),
        (InstructionKind::Reference, reference_types),
        (InstructionKind::Vector, simd),
    ] {
        if wanted && !rng.next_u64().is_multiple_of(5) {
            kinds.push(kind);
        }
    }
    let mut r = |lo: u64, hi: u64| lo + rng.next_u64() % (hi - lo + 1);
    let config = Config {
        available_imports: Some(spectest_imports()),
        allowed_instructions: InstructionKinds::new(&kinds),
        canonicalize_nans: false,
        sign_extension_ops_enabled: sign_extension,
        saturating_float_to_int_enabled: saturating,
        multi_value_enabled: multi_value,
        bulk_memory_enabled: bulk_memory,
        reference_types_enabled: reference_types,
        simd_enabled: simd,
        relaxed_simd_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        custom_descriptors_enabled: false,
        wide_arithmetic_enabled: false,
        max_memories: 1,
        max_tables: if reference_types { r(1, 3) as usize } else { 1 },
        max_memory32_bytes: MAX_MEMORY_BYTES,
        memory_max_size_required: true,
        max_table_elements: MAX_TABLE_ELEMENTS,
        table_max_size_required: true,
        // wasm-smith copies the imports' types first: types of our own come on top.
        min_types: SPECTEST_FUNC_TYPES + r(4, 10) as usize,
        min_funcs: r(1, 4) as usize,
        // `max_funcs` counts imported functions too (wasm-smith may import every one of
        // the spectest functions, whatever `max_imports`): the defined ones come on top.
        max_funcs: SPECTEST_FUNC_TYPES + r(4, 16) as usize,
        max_instructions: r(10, 200) as usize,
        max_globals: r(0, 8) as usize,
        max_data_segments: r(0, 4) as usize,
        max_element_segments: r(0, 4) as usize,
        max_elements: 20,
        max_types: 20,
        max_imports: r(0, 6) as usize,
        max_exports: 40,
        max_type_size: 100_000,
        export_everything: r(0, 3) != 0,
        max_nesting_depth: 8,
        generate_custom_sections: false,
        ..Config::default()
    };
    (config, on)
}

fn spectest_imports() -> Vec<u8> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    // The text is ours and fixed: it always parses.
    BYTES
        .get_or_init(|| wat::parse_str(SPECTEST_IMPORTS).unwrap_or_default())
        .clone()
}

/// The module of a seed, restricted to `allowed` (of which only WebAssembly 2.0's
/// proposals are ever enabled), with every function and loop metered.
pub fn generate(seed: u64, allowed: &[Proposal]) -> Result<Generated, SmithError> {
    let mut rng = SplitMix64::new(seed);
    let (config, proposals) = swarm_config(&mut rng, allowed);
    let len = 1024 + (rng.next_u64() % 8192) as usize;
    let mut data = Vec::with_capacity(len + 8);
    while data.len() < len {
        data.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    let mut u = arbitrary::Unstructured::new(&data);
    let mut module = Module::new(config, &mut u).map_err(|e| SmithError::Smith(e.to_string()))?;
    module
        .ensure_termination(TERMINATION_FUEL)
        .map_err(|e| SmithError::Smith(e.to_string()))?;
    Ok(Generated {
        bytes: module.to_bytes(),
        proposals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(bytes: &[u8], features: wasmparser::WasmFeatures) -> Result<(), String> {
        wasmparser::Validator::new_with_features(features)
            .validate_all(bytes)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn wasm2() -> wasmparser::WasmFeatures {
        use wasmparser::WasmFeatures as F;
        F::MUTABLE_GLOBAL
            | F::SIGN_EXTENSION
            | F::SATURATING_FLOAT_TO_INT
            | F::MULTI_VALUE
            | F::BULK_MEMORY
            | F::REFERENCE_TYPES
            | F::SIMD
            | F::FLOATS
            | F::GC_TYPES
    }

    #[test]
    fn a_seed_gives_the_same_bytes_every_time() {
        for seed in 0..20 {
            let a = generate(seed, &Proposal::WASM2).unwrap().bytes;
            let b = generate(seed, &Proposal::WASM2).unwrap().bytes;
            assert_eq!(a, b, "seed {seed}");
        }
        assert_ne!(
            generate(1, &Proposal::WASM2).unwrap().bytes,
            generate(2, &Proposal::WASM2).unwrap().bytes
        );
    }

    #[test]
    fn modules_stay_within_webassembly_2_0() {
        for seed in 0..200 {
            let g = generate(seed, &Proposal::WASM2).unwrap();
            validate(&g.bytes, wasm2()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
    }

    #[test]
    fn a_proposal_left_out_is_never_used() {
        use wasmparser::WasmFeatures as F;
        let allowed: Vec<Proposal> = Proposal::WASM2
            .iter()
            .copied()
            .filter(|p| !matches!(p, Proposal::Simd | Proposal::ReferenceTypes))
            .collect();
        for seed in 0..200 {
            let g = generate(seed, &allowed).unwrap();
            assert!(!g.proposals.contains(&Proposal::Simd));
            validate(&g.bytes, wasm2() - F::SIMD - F::REFERENCE_TYPES)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
    }

    #[test]
    fn the_swarm_varies_what_is_enabled() {
        let mut with_simd = 0;
        for seed in 0..100 {
            if generate(seed, &Proposal::WASM2)
                .unwrap()
                .proposals
                .contains(&Proposal::Simd)
            {
                with_simd += 1;
            }
        }
        assert!(
            (20..95).contains(&with_simd),
            "{with_simd} of 100 with SIMD"
        );
    }

    /// wasm-smith gives every module the spectest imports' types first; `min_types` counts
    /// them, so the count must be theirs.
    #[test]
    fn the_spectest_type_count_is_that_of_the_imports() {
        let mut types = std::collections::HashSet::new();
        for p in wasmparser::Parser::new(0).parse_all(&spectest_imports()) {
            if let Ok(wasmparser::Payload::ImportSection(r)) = p {
                for i in r.into_imports() {
                    if let wasmparser::TypeRef::Func(t) = i.expect("import").ty {
                        types.insert(t);
                    }
                }
            }
        }
        assert_eq!(types.len(), SPECTEST_FUNC_TYPES);
    }

    /// A wrong result shows only through what a function returns (or stores): most
    /// modules define functions, and a good share of those return values. (Before types
    /// of their own were asked for, functions had only the imports' types: 7 of 200
    /// defined functions in 300 modules returned a value.)
    #[test]
    fn modules_define_functions_that_return_values() {
        let (mut modules, mut defining, mut funcs, mut returning) = (0, 0, 0, 0);
        for seed in 0..200u64 {
            let Ok(g) = generate(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), &Proposal::WASM2) else {
                continue;
            };
            modules += 1;
            let mut results = Vec::new();
            let mut defined = Vec::new();
            for p in wasmparser::Parser::new(0).parse_all(&g.bytes) {
                match p.expect("valid") {
                    wasmparser::Payload::TypeSection(r) => {
                        for t in r.into_iter_err_on_gc_types() {
                            results.push(t.expect("func type").results().len());
                        }
                    }
                    wasmparser::Payload::FunctionSection(r) => {
                        defined = r.into_iter().collect::<Result<_, _>>().expect("funcs");
                    }
                    _ => {}
                }
            }
            defining += usize::from(!defined.is_empty());
            funcs += defined.len();
            returning += defined.iter().filter(|t| results[**t as usize] > 0).count();
        }
        assert!(modules >= 150, "{modules} of 200 seeds gave a module");
        assert!(
            defining * 10 >= modules * 9,
            "{defining} of {modules} define functions"
        );
        assert!(
            returning * 5 >= funcs,
            "{returning} of {funcs} functions return values"
        );
    }
}
