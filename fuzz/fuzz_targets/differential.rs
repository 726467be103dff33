#![no_main]
//! Bytes → module and plan → the oracle's expectation → every chosen engine → the judge.
//! A deviation is a crash. Engines: `HARNESS_FUZZ_ENGINES` (default: every bundled one).

use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| harness_fuzz::differential(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    harness_fuzz::mutate(data, size, max_size, seed)
});
