//! Recipes aimed at the rules of modules: imports of every kind (from `spectest` and from
//! a registered module, limits with and without a maximum, mutable globals), exports of
//! every kind, constant expressions, segments of every mode, a start function, and
//! instantiation that traps or does not link.

use oracle::Value;

use super::{Candidate, Recipe};
use crate::SplitMix64;

/// A module that imports from `spectest` (its memory, table, globals, `print_i32`) and from
/// a registered module (a mutable global, a function, a memory with a maximum), exports
/// every kind, and uses them.
fn imports(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let name = format!("m{}", rng.next_u64() % 1_000_000);
    let provider = r#"(module
  (global (export "g") (mut i32) (i32.const 41))
  (global (export "c") i64 (i64.const 7))
  (memory (export "mem") 1 4)
  (table (export "tab") 2 3 funcref)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#;
    let mem_limits = rng.pick(&["1", "1 4", "1 5", "0"]);
    let tab_limits = rng.pick(&["2", "2 3", "1 10", "0"]);
    let spectest_mem = rng.pick(&["1", "1 2", "0", "1 3"]);
    let text = format!(
        r#"(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $sg i32))
  (import "spectest" "table" (table 10 funcref))
  (import "{name}" "g" (global $g (mut i32)))
  (import "{name}" "c" (global $c i64))
  (import "{name}" "add" (func $add (param i32 i32) (result i32)))
  (import "{name}" "mem" (memory {mem_limits}))
  (import "{name}" "tab" (table $t2 {tab_limits} funcref))
  (global $h (export "h") (mut i32) (global.get $sg))
  (global $r (export "r") funcref (ref.func $run))
  (export "mem2" (memory 0))
  (export "t" (table 0))
  (export "gi" (global $g))
  (elem declare func $run)
  (func $run (export "run") (param i32) (result i32)
    (call $print (local.get 0))
    (global.set $g (call $add (global.get $g) (local.get 0)))
    (global.set $h (i32.wrap_i64 (global.get $c)))
    (i32.store (i32.const 0) (global.get $g))
    (i32.load (i32.const 0))))"#
    );
    let _ = spectest_mem;
    let calls = vec![("run", vec![Value::I32(rng.next_u64() as u32 % 100)])];
    Candidate::wat(&text, calls)?.after(&name, provider)
}

/// Segments of every mode, with offsets from imported globals, at and past the bounds (an
/// instantiation that traps), and a start function.
fn segments(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let offset = rng.pick(&[0u32, 1, 8, 65532, 65533, 65536]);
    let toffset = rng.pick(&[0u32, 1, 2, 3, 4]);
    let text = format!(
        r#"(module
  (import "spectest" "global_i32" (global $base i32))
  (memory 1)
  (table 4 funcref)
  (global $off i32 (global.get $base))
  (global $counter (mut i32) (i32.const 0))
  (global (export "count") (mut i32) (i32.const 0))
  (data (i32.const {offset}) "\01\02\03\04")
  (data (global.get $base) "\05")
  (data "passive")
  (elem (i32.const {toffset}) $f $f)
  (elem funcref (ref.func $f) (ref.null func))
  (elem declare func $f)
  (func $f (result i32) (i32.const 9))
  (func $start (global.set 2 (i32.add (global.get 2) (i32.const 1))))
  (start $start)
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"#
    );
    Candidate::wat(&text, vec![("peek", vec![Value::I32(offset)])])
}

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[
    Recipe {
        name: "module/imports",
        family: "module",
        aims: &[
            "Externaddr_ok*",
            "Externtype_sub*",
            "Globaltype_sub*",
            "Limits_sub*",
            "Memtype_sub",
            "Tabletype_sub",
            "Import_ok",
            "Externtype_ok*",
            "$allocexport*",
            "Step_read/call_ref-func",
        ],
        make: imports,
    },
    Recipe {
        name: "module/segments",
        family: "module",
        aims: &[
            "$runelem_*",
            "$rundata_*",
            "$instantiate*",
            "Elemmode_ok*",
            "Datamode_ok*",
            "Start_ok",
            "Bstart*",
        ],
        make: segments,
    },
];
