#![no_main]
//! Arbitrary and mutated bytes: the oracle's validator, wasmparser, Wasmtime and wasmi must
//! agree on accept or reject, and the oracle must not panic.

use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| harness_fuzz::validate(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    harness_fuzz::mutate(data, size, max_size, seed)
});
