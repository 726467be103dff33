//! Recipes aimed at the memory rules: accesses and bulk operations at the memory's bound,
//! `memory.grow` that succeeds and fails, passive data dropped and used.

use oracle::Value;

use super::{Candidate, Recipe};
use crate::SplitMix64;

/// One page.
const PAGE: u32 = 65536;

/// An address or length near the bound of a one-page memory: 0, 1, a few below or above
/// the page's end, or far beyond.
fn near_bound(rng: &mut SplitMix64) -> u32 {
    let base = rng.pick(&[
        0,
        1,
        2,
        7,
        8,
        16,
        PAGE - 16,
        PAGE - 8,
        PAGE - 1,
        PAGE,
        PAGE + 1,
    ]);
    let jitter = rng.pick(&[0u32, 0, 1, 3]);
    if rng.one_in(8) {
        rng.pick(&[u32::MAX, u32::MAX - 3, 0x8000_0000])
    } else {
        base.wrapping_sub(jitter)
    }
}

/// A small length, sometimes zero, sometimes past the bound.
fn length(rng: &mut SplitMix64) -> u32 {
    rng.pick(&[0, 0, 1, 2, 3, 5, 8, 16, 17, PAGE, PAGE + 1, u32::MAX])
}

fn i32v(v: u32) -> Value {
    Value::I32(v)
}

/// `memory.fill`, `memory.copy` (both directions, overlapping), `memory.init` and
/// `data.drop` with operands at and around the bound.
fn bulk(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let text = r#"(module
  (memory (export "mem") 1 2)
  (data $d "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11")
  (data (i32.const 8) "\aa\bb\cc\dd")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
  (func (export "peek") (param i32) (result i64) (i64.load (local.get 0))))"#;
    let mut calls = Vec::new();
    for _ in 0..4 {
        let (d, s, n) = (near_bound(rng), near_bound(rng), length(rng));
        let op = rng.pick(&["fill", "copy", "copy", "init", "drop"]);
        let args = match op {
            "fill" => vec![i32v(d), i32v(rng.next_u64() as u32 & 0xff), i32v(n)],
            "copy" => {
                // Overlapping copies in both directions, and copies across the bound.
                let s = if rng.one_in(2) {
                    d.wrapping_add(rng.pick(&[1, 2, 3]))
                } else {
                    s
                };
                vec![i32v(d), i32v(s), i32v(n)]
            }
            "init" => vec![
                i32v(d),
                i32v(rng.pick(&[0, 1, 3, 16, 17, 18])),
                i32v(n.min(20)),
            ],
            _ => vec![],
        };
        calls.push((op, args));
        calls.push(("peek", vec![i32v(rng.pick(&[0, 4, 8, 16, PAGE - 8]))]));
    }
    Candidate::wat(text, calls)
}

/// Loads and stores of every width (and `v128`) at effective addresses just inside and
/// just past the bound, with offsets.
fn access(rng: &mut SplitMix64) -> Result<Candidate, String> {
    const OPS: [(&str, u32, &str); 14] = [
        ("i32.load", 4, "i32"),
        ("i64.load", 8, "i64"),
        ("f32.load", 4, "f32"),
        ("f64.load", 8, "f64"),
        ("i32.load8_s", 1, "i32"),
        ("i32.load16_u", 2, "i32"),
        ("i64.load32_s", 4, "i64"),
        ("v128.load", 16, "v128"),
        ("i32.store", 4, "i32"),
        ("i64.store16", 2, "i64"),
        ("f64.store", 8, "f64"),
        ("v128.store", 16, "v128"),
        ("v128.load32_zero", 4, "v128"),
        ("v128.load8x8_s", 8, "v128"),
    ];
    let (op, width, ty) = rng.pick(&OPS);
    let offset = rng.pick(&[0u32, 1, 4, PAGE - width, PAGE]);
    let body = if op.contains("store") {
        format!(
            "(func (export \"f\") (param i32) ({op} offset={offset} (local.get 0) ({ty}.const {})))",
            if ty == "v128" {
                "i64x2 -1 -1".to_string()
            } else {
                "1".to_string()
            }
        )
    } else {
        format!(
            "(func (export \"f\") (param i32) (result {ty}) ({op} offset={offset} (local.get 0)))"
        )
    };
    let text = format!("(module (memory 1) {body})");
    let calls = (0..3)
        .map(|_| {
            let ea = rng.pick(&[0, PAGE - width, PAGE - width + 1, PAGE, u32::MAX]);
            ("f", vec![i32v(ea.wrapping_sub(offset.min(ea)))])
        })
        .collect();
    Candidate::wat(&text, calls)
}

/// `memory.grow` within and past the maximum, then `memory.size`.
fn grow(rng: &mut SplitMix64) -> Result<Candidate, String> {
    let text = r#"(module (memory 1 3)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))"#;
    let calls = (0..3)
        .flat_map(|_| {
            let n = rng.pick(&[0, 1, 2, 3, 0x1_0000, u32::MAX]);
            [("grow", vec![i32v(n)]), ("size", vec![])]
        })
        .collect();
    Candidate::wat(text, calls)
}

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[
    Recipe {
        name: "memory/bulk-at-bound",
        family: "memory",
        aims: &[
            "Step_read/memory.fill*",
            "Step_read/memory.copy*",
            "Step_read/memory.init*",
            "Step/data.drop",
            "Instr_ok/memory.*",
            "Instr_ok/data.drop",
        ],
        make: bulk,
    },
    Recipe {
        name: "memory/access-at-bound",
        family: "memory",
        aims: &[
            "Step_read/load*",
            "Step/store*",
            "Step_read/vload*",
            "Step/vstore*",
        ],
        make: access,
    },
    Recipe {
        name: "memory/grow",
        family: "memory",
        aims: &["Step/memory.grow*", "Step_read/memory.size"],
        make: grow,
    },
];
