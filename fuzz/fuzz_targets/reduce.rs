#![no_main]
//! Small cases on which a faulty engine deviates: the reducer's output must validate and
//! still show the deviation.

use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| harness_fuzz::reduce(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    harness_fuzz::mutate(data, size, max_size, seed)
});
