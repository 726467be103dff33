#![no_main]
//! Decoding and validating arbitrary bytes must never panic (nor allocate in proportion to
//! a count the input merely claims: libFuzzer's `-rss_limit_mb` and `-malloc_limit_mb` catch
//! that).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = oracle::binary::decode(data) {
        let _ = oracle::valid::validate(&m);
    }
});
