//! Recipes aimed at the table rules: accesses and bulk operations at the table's bound,
//! `table.grow` that succeeds and fails, `call_indirect` through every outcome.

use oracle::{HeapType, RefValue, Value};

use super::{Candidate, Recipe};
use crate::SplitMix64;

fn i32v(v: u32) -> Value {
    Value::I32(v)
}

/// An index or length around the bound of a table of 4 (or grown) elements.
fn near_bound(rng: &mut SplitMix64) -> u32 {
    if rng.one_in(2) {
        rng.pick(&[0, 1, 2, 3])
    } else {
        rng.pick(&[3, 4, 5, 8, 10, 11, u32::MAX, 0x8000_0000])
    }
}

/// `table.get`/`set`/`fill`/`copy` (overlapping, both directions)/`init`/`grow` and
/// `elem.drop` with operands at and around the bound.
fn bulk(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let text = r#"(module
  (type $v (func (result i32)))
  (table $t (export "tab") 4 10 funcref)
  (table $x 2 externref)
  (elem $e func $a $b $c)
  (elem (table $t) (i32.const 0) func $c)
  (func $a (type $v) (i32.const 1))
  (func $b (type $v) (i32.const 2))
  (func $c (type $v) (i32.const 3))
  (func (export "get") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set") (param i32) (table.set $t (local.get 0) (ref.func $b)))
  (func (export "setx") (param i32 externref) (table.set $x (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $a) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $e))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $v) (local.get 0))))"#;
    let mut calls = Vec::new();
    for _ in 0..5 {
        let (d, s, n) = (
            near_bound(rng),
            near_bound(rng),
            rng.pick(&[0, 1, 2, 3, 4, 5]),
        );
        let op = rng.pick(&[
            "get", "set", "setx", "fill", "copy", "copy", "init", "drop", "grow", "call",
        ]);
        let args = match op {
            "get" | "set" | "call" => vec![i32v(d)],
            "setx" => vec![
                i32v(rng.pick(&[0, 1, 2])),
                Value::Ref(if rng.one_in(2) {
                    RefValue::Extern(7)
                } else {
                    RefValue::Null(HeapType::Extern)
                }),
            ],
            "fill" => vec![i32v(d), i32v(n)],
            "copy" => {
                let s = if rng.one_in(2) { d.wrapping_add(1) } else { s };
                vec![i32v(d), i32v(s), i32v(n)]
            }
            "init" => vec![i32v(d), i32v(rng.pick(&[0, 1, 2, 3, 4])), i32v(n)],
            "grow" => vec![i32v(rng.pick(&[0, 1, 2, 6, 7, u32::MAX]))],
            _ => vec![],
        };
        calls.push((op, args));
        calls.push(("size", vec![]));
    }
    Candidate::wat(text, calls)
}

/// `call_indirect`: a function of the right type, of the wrong type, a null slot, an index
/// past the end; through a second table too.
fn call_indirect(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let text = r#"(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 3 funcref)
  (elem (i32.const 0) func $inc $nothing)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $nothing (type $v))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0))))"#;
    let calls = (0..4)
        .map(|_| {
            let slot = rng.pick(&[0, 1, 2, 3, u32::MAX]);
            ("call", vec![i32v(slot), i32v(rng.next_u64() as u32)])
        })
        .collect();
    Candidate::wat(text, calls)
}

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[
    Recipe {
        name: "table/bulk-at-bound",
        family: "table",
        aims: &[
            "Step_read/table.*",
            "Step/table.*",
            "Step/elem.drop",
            "Instr_ok/table.*",
            "Instr_ok/elem.drop",
        ],
        make: bulk,
    },
    Recipe {
        name: "table/call_indirect",
        family: "table",
        aims: &[
            "Step_pure/call_indirect",
            "Step_read/call_ref-null",
            "Step_read/ref.cast*",
            "Step_read/table.get-oob",
        ],
        make: call_indirect,
    },
];
