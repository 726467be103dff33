//! Inputs for which the decoder, the validator or the interpreter must return (Ok or Err)
//! rather than panic or allocate in proportion to a count the input merely claims. Each
//! crash the fuzz targets in `fuzz/` find is kept here with its (minimised) input inlined;
//! the adversarial inputs below the crashes were written by hand alongside the fuzz runs.

use oracle::exec::ExternVal;
use oracle::run::World;
use oracle::{InstanceOutcome, Value};

/// What `fuzz/fuzz_targets/decode_validate.rs` does.
fn decode_validate(bytes: &[u8]) {
    if let Ok(m) = oracle::binary::decode(bytes) {
        let _ = oracle::valid::validate(&m);
    }
}

/// What `fuzz/fuzz_targets/decode_validate_instantiate.rs` does; returns the number of
/// exported functions called.
fn decode_validate_instantiate(bytes: &[u8]) -> usize {
    decode_validate(bytes);
    let mut world = World::new(Some(100_000));
    world.store.set_max_memory_pages(64);
    world.store.set_max_table_elems(1 << 16);
    world.store.set_max_call_depth(500);
    if !matches!(
        world.instantiate(None, bytes),
        InstanceOutcome::Instantiated
    ) {
        return 0;
    }
    let funcs: Vec<(String, usize)> = match world.exports(None) {
        Ok(exports) => exports
            .iter()
            .filter_map(|(name, e)| match e {
                ExternVal::Func(f) => Some((name.clone(), *f)),
                _ => None,
            })
            .collect(),
        Err(_) => return 0,
    };
    let mut called = 0;
    for (name, f) in funcs {
        let ty = world.store.func_type(f);
        let args: Option<Vec<Value>> = ty.params.iter().map(|t| Value::default_of(*t)).collect();
        if let Some(args) = args {
            let _ = world.invoke(None, &name, &args);
            called += 1;
        }
    }
    called
}

const HEADER: &[u8] = b"\0asm\x01\0\0\0";

fn module(sections: &[u8]) -> Vec<u8> {
    [HEADER, sections].concat()
}

// ---- hand-written adversarial inputs ----

/// Every list-bearing section claiming 2^32 - 1 entries with nothing behind the count.
#[test]
fn sections_claiming_u32_max_entries() {
    for id in [1u8, 2, 3, 4, 5, 6, 7, 9, 10, 11] {
        let bytes = module(&[id, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert!(oracle::binary::decode(&bytes).is_err(), "section {id}");
    }
}

/// A function body whose locals add up to 2^32 - 1 (the most the binary format allows):
/// decoding, validating and calling it must not allocate four billion slots.
#[test]
fn function_with_u32_max_locals() {
    let bytes = module(&[
        1, 4, 1, 0x60, 0, 0, // type 0: [] -> []
        3, 2, 1, 0, // func 0: type 0
        7, 5, 1, 1, b'f', 0, 0, // export "f" func 0
        // code: 1 body of 14 bytes: 2 runs (2^31 i32, 2^31 - 1 i64), end
        10, 16, 1, 14, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x07, 0x7e,
        0x0b,
    ]);
    let m = oracle::binary::decode(&bytes).expect("2^32 - 1 locals are within the format");
    assert!(oracle::valid::validate(&m).is_ok());
    assert_eq!(decode_validate_instantiate(&bytes), 1);
}

/// One more local than that is malformed ("too many locals").
#[test]
fn function_with_2_pow_32_locals() {
    let bytes = module(&[
        1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, //
        10, 16, 1, 14, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7e,
        0x0b,
    ]);
    let e = oracle::binary::decode(&bytes).expect_err("2^32 locals");
    assert!(e.message.contains("too many locals"), "{e}");
}

/// Blocks nested far beyond the decoder's limit: rejected, not a stack overflow.
#[test]
fn deeply_nested_blocks() {
    let depth = 100_000usize;
    let mut body = vec![0u8]; // no locals
    body.extend(std::iter::repeat_n([0x02, 0x40], depth).flatten());
    body.extend(std::iter::repeat_n(0x0b, depth + 1));
    let mut code = vec![1u8];
    code.extend(leb(body.len()));
    code.extend(&body);
    let mut sections = vec![1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10];
    sections.extend(leb(code.len()));
    sections.extend(code);
    let bytes = module(&sections);
    let e = oracle::binary::decode(&bytes).expect_err("too deep");
    assert!(e.message.starts_with("implementation limit"), "{e}");
}

/// A memory and a table of the largest sizes 2.0 allows, instantiated under the host limits.
#[test]
fn largest_memory_and_table() {
    let bytes = module(&[
        4, 7, 1, 0x70, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, // table 2^32-1 funcref
        5, 5, 1, 0, 0x80, 0x80, 0x04, // memory 65536 pages
    ]);
    decode_validate_instantiate(&bytes);
}

fn leb(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}
