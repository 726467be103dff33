//! Recipes aimed at the control rules: `br_table` in range and at its default, branches
//! out of nested blocks with values, `return` and traps from inside blocks, `select` of
//! every kind of value.

use oracle::Value;

use super::{Candidate, Recipe};
use crate::SplitMix64;

/// Nested blocks left by `br_table` (in range, past the end: the default), `br_if`,
/// `return` from inside a block and a trap inside a loop, with multi-value labels.
fn branches(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let text = r#"(module
  (func (export "table") (param i32) (result i32)
    (block $d (result i32)
      (block $b (result i32)
        (block $a (result i32)
          (br_table $a $b $d (i32.const 10) (local.get 0)))
        (return (i32.add (i32.const 1))))
      (i32.add (i32.const 2))))
  (func (export "ret") (param i32) (result i32 i64)
    (block (result i32)
      (loop $l
        (br_if 1 (i32.const 7) (i32.eqz (local.get 0)))
        (if (i32.eq (local.get 0) (i32.const 1))
          (then (return (i32.const 1) (i64.const 2))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l))
      (unreachable))
    (i64.const -1))
  (func (export "trap") (param i32) (result i32)
    (block (result i32)
      (loop (result i32)
        (i32.div_u (i32.const 1) (local.get 0)))))
  (func (export "pair") (param i32) (result i32 i32)
    (i32.const 9)
    (block (param i32) (result i32 i32)
      (i32.const 5)
      (br_if 0 (local.get 0))
      (drop) (drop) (i32.const 3) (i32.const 4)) )
  (global $v (export "v") v128 (v128.const i32x4 1 2 3 4))
  (global $n (export "n") externref (ref.null extern))
  (func (export "misc") (param i32) (result f32 v128)
    (local $x i32) (local $f f32)
    (nop)
    (local.set $f (f32.const 1.5))
    (if (i32.eqz (local.tee $x (local.get 0))) (then (unreachable)))
    (local.get $f)
    (v128.const i64x2 -1 2))
  (func (export "sel") (param i32) (result i64 externref)
    (select (i64.const 1) (i64.const 2) (local.get 0))
    (select (result externref) (ref.null extern) (ref.null extern) (local.get 0))))"#;
    let mut calls = Vec::new();
    for _ in 0..4 {
        let export = rng.pick(&["table", "ret", "trap", "pair", "sel", "misc"]);
        let arg = rng.pick(&[0u32, 1, 2, 3, 4, u32::MAX]);
        calls.push((export, vec![Value::I32(arg)]));
    }
    Candidate::wat(text, calls)
}

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[Recipe {
    name: "control/branches",
    family: "control",
    aims: &[
        "Step_pure/br*",
        "Step_pure/return*",
        "Step_pure/trap*",
        "Step_pure/select*",
        "Step_pure/if*",
        "Step/ctxt*",
        "Instr_ok/select*",
        "Instr_ok/nop",
        "Instr_ok/local.tee",
        "Instr_ok/vconst",
        "Instr_const/*",
        "Local_ok/set",
        "Defaultable",
        "Step_pure/unreachable",
        "Step_pure/nop",
        "Step_pure/local.tee",
        "Bf32",
        "Blocals",
        "Binstr/vec-const",
    ],
    make: branches,
}];
