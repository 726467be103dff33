#![no_main]
//! Mutated `.wast` scripts: parsing them and running them on the oracle must not panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| harness_fuzz::wast(data));
