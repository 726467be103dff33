//! Cases as `.wast` scripts: a module and its plan, with each step's expectation computed by
//! the oracle, written in the spec test suite's own format so that any `.wast` runner (WABT's
//! `spectest-interp`, `harness wast`) runs them unchanged.
//!
//! Floats are written exactly (hexadecimal floats, `nan:0x…` payloads); where the spec leaves
//! a NaN's bits open the result is `nan:canonical` or `nan:arithmetic` (per lane for
//! `v128`). A step whose outcome the oracle cannot tell (its fuel or depth limit) ends the
//! module's commands, since the state after it is not known; so does a result the spec leaves
//! wholly open.

use std::fmt::Write as _;

use oracle::expect::{Allowed, Expectation, ExpectedInstance, ExpectedOutcome};
use oracle::{HeapType, Plan, RefValue, Value};

/// The `.wast` commands of one case (a module, its invocations, its exported globals at the
/// end); `None` when the oracle cannot tell whether or how it instantiates.
pub fn case_commands(module: &[u8], plan: &Plan, expectation: &Expectation) -> Option<String> {
    let mut s = String::new();
    let binary = binary(module);
    match &expectation.instantiation {
        ExpectedInstance::Instantiated => {
            let _ = writeln!(s, "(module {binary})");
        }
        ExpectedInstance::Trap { kind } => {
            let _ = writeln!(
                s,
                "(assert_trap (module {binary}) \"{}\")",
                escape(kind.message())
            );
            return Some(s);
        }
        ExpectedInstance::Unlinkable { reason } => {
            let _ = writeln!(
                s,
                "(assert_unlinkable (module {binary}) \"{}\")",
                escape(reason)
            );
            return Some(s);
        }
        ExpectedInstance::Rejected { .. } | ExpectedInstance::Unknown { .. } => return None,
    }
    for (inv, step) in plan.invocations.iter().zip(&expectation.invocations) {
        let args: Vec<String> = inv.args.iter().map(value).collect();
        let action = format!("(invoke \"{}\"{})", escape(&inv.export), prefixed(&args));
        match &step.outcome {
            ExpectedOutcome::Return { values } => {
                if values.iter().any(|a| matches!(a, Allowed::Any { .. })) {
                    // The spec leaves a result open: the state after it is still known, but
                    // the result cannot be asserted.
                    let _ = writeln!(s, "{action}");
                    continue;
                }
                let results: Vec<String> = values.iter().map(allowed).collect();
                let _ = writeln!(s, "(assert_return {action}{})", prefixed(&results));
            }
            ExpectedOutcome::Trap { kind } => {
                let _ = writeln!(s, "(assert_trap {action} \"{}\")", escape(kind.message()));
            }
            ExpectedOutcome::Unknown { .. } => return Some(s),
        }
    }
    if plan.invocations.len() == expectation.invocations.len()
        && let Some(state) = &expectation.final_state
    {
        for (name, a) in &state.globals {
            if !matches!(a, Allowed::Any { .. }) {
                let _ = writeln!(
                    s,
                    "(assert_return (get \"{}\") {})",
                    escape(name),
                    allowed(a)
                );
            }
        }
    }
    Some(s)
}

/// The commands that instantiate a module and register its exports as `name`:
/// `(module $name binary ...)` and `(register "name" $name)`. The name must be an
/// identifier's characters.
pub fn registered_commands(name: &str, module: &[u8]) -> String {
    format!(
        "(module ${name} {})\n(register \"{}\" ${name})\n",
        binary(module),
        escape(name)
    )
}

fn prefixed(items: &[String]) -> String {
    items.iter().map(|i| format!(" {i}")).collect()
}

/// A module's bytes as the `binary "..."` of a `.wast` `(module ...)`.
pub fn binary_literal(module: &[u8]) -> String {
    binary(module)
}

fn binary(module: &[u8]) -> String {
    let mut s = String::from("binary");
    for chunk in module.chunks(32) {
        s.push_str("\n  \"");
        for b in chunk {
            let _ = write!(s, "\\{b:02x}");
        }
        s.push('"');
    }
    s
}

/// A string as a `.wast` string literal's contents (export names are arbitrary UTF-8).
fn escape(text: &str) -> String {
    let mut s = String::new();
    for b in text.bytes() {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:02x}");
            }
        }
    }
    s
}

/// An `f32`'s exact text: a hexadecimal float, `inf`, or a NaN with its payload.
pub fn f32_text(bits: u32) -> String {
    let sign = if bits >> 31 == 1 { "-" } else { "" };
    let exp = (bits >> 23) & 0xff;
    let man = bits & 0x7f_ffff;
    match (exp, man) {
        (0xff, 0) => format!("{sign}inf"),
        (0xff, m) => format!("{sign}nan:0x{m:x}"),
        (0, m) => format!("{sign}0x0.{:06x}p-126", m << 1),
        (e, m) => format!("{sign}0x1.{:06x}p{}", m << 1, e as i32 - 127),
    }
}

/// An `f64`'s exact text, as [`f32_text`].
pub fn f64_text(bits: u64) -> String {
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = (bits >> 52) & 0x7ff;
    let man = bits & 0xf_ffff_ffff_ffff;
    match (exp, man) {
        (0x7ff, 0) => format!("{sign}inf"),
        (0x7ff, m) => format!("{sign}nan:0x{m:x}"),
        (0, m) => format!("{sign}0x0.{m:013x}p-1022"),
        (e, m) => format!("{sign}0x1.{m:013x}p{}", e as i64 - 1023),
    }
}

fn heap(h: &HeapType) -> &'static str {
    match h {
        HeapType::Extern => "extern",
        _ => "func",
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::I32(x) => format!("(i32.const 0x{x:x})"),
        Value::I64(x) => format!("(i64.const 0x{x:x})"),
        Value::F32(x) => format!("(f32.const {})", f32_text(*x)),
        Value::F64(x) => format!("(f64.const {})", f64_text(*x)),
        Value::V128(x) => format!(
            "(v128.const i32x4 0x{:x} 0x{:x} 0x{:x} 0x{:x})",
            *x as u32,
            (x >> 32) as u32,
            (x >> 64) as u32,
            (x >> 96) as u32
        ),
        Value::Ref(RefValue::Null(h)) => format!("(ref.null {})", heap(h)),
        Value::Ref(RefValue::Extern(n)) => format!("(ref.extern {n})"),
        Value::Ref(RefValue::NonNull(h)) => format!("(ref.{})", heap(h)),
    }
}

fn allowed(a: &Allowed) -> String {
    match a {
        Allowed::Exact { value: v } => value(v),
        Allowed::Nan { bits, canonical } => format!(
            "(f{bits}.const nan:{})",
            if *canonical {
                "canonical"
            } else {
                "arithmetic"
            }
        ),
        Allowed::Lanes { value, width, nans } => {
            let lanes: Vec<String> = nans
                .iter()
                .enumerate()
                .map(|(i, n)| match n {
                    Some(true) => "nan:canonical".into(),
                    Some(false) => "nan:arithmetic".into(),
                    None if *width == 32 => f32_text((value >> (32 * i)) as u32),
                    None => f64_text((value >> (64 * i)) as u64),
                })
                .collect();
            format!("(v128.const f{width}x{} {})", nans.len(), lanes.join(" "))
        }
        // Not asserted (see `case_commands`).
        Allowed::Any { ty } => format!(";; any {ty}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_exactly() {
        assert_eq!(f32_text(0x3f80_0000), "0x1.000000p0");
        assert_eq!(f32_text(0xbfc0_0000), "-0x1.800000p0");
        assert_eq!(f32_text(0x0000_0001), "0x0.000002p-126");
        assert_eq!(f32_text(0x7f80_0000), "inf");
        assert_eq!(f32_text(0xffc0_0001), "-nan:0x400001");
        assert_eq!(f64_text(0x3ff0_0000_0000_0000), "0x1.0000000000000p0");
        assert_eq!(f64_text(0x0000_0000_0000_0001), "0x0.0000000000001p-1022");
        assert_eq!(f64_text(0x7ff8_0000_0000_0000), "nan:0x8000000000000");
        // The text reads back to the same bits.
        for bits in [
            0x3f80_0000u32,
            0x0000_0001,
            0x7f7f_ffff,
            0x8000_0000,
            0x4049_0fdb,
        ] {
            let text = f32_text(bits);
            let back = crate::parse_arg(&text, oracle::ValType::F32).unwrap();
            assert_eq!(back, Value::F32(bits), "{text}");
        }
        for bits in [
            0x3ff0_0000_0000_0000u64,
            1,
            0x7fef_ffff_ffff_ffff,
            0x4009_21fb_5444_2d18,
        ] {
            let text = f64_text(bits);
            let back = crate::parse_arg(&text, oracle::ValType::F64).unwrap();
            assert_eq!(back, Value::F64(bits), "{text}");
        }
    }

    #[test]
    fn a_case_becomes_assertions() {
        let module = wat::parse_str(
            r#"(module
                 (global (export "g") (mut i32) (i32.const 0))
                 (func (export "add") (param i32 i32) (result i32)
                   local.get 0 local.get 1 i32.add global.set 0 global.get 0)
                 (func (export "nan") (result f32) f32.const 0 f32.const 0 f32.div)
                 (func (export "trap") unreachable))"#,
        )
        .unwrap();
        let plan = Plan::new(vec![
            oracle::Invocation {
                export: "add".into(),
                args: vec![Value::I32(2), Value::I32(3)],
            },
            oracle::Invocation {
                export: "nan".into(),
                args: vec![],
            },
            oracle::Invocation {
                export: "trap".into(),
                args: vec![],
            },
        ]);
        let e = oracle::expect::expect(&module, &plan, 1_000_000);
        let text = case_commands(&module, &plan, &e).unwrap();
        assert!(text.starts_with("(module binary"), "{text}");
        assert!(
            text.contains(
                "(assert_return (invoke \"add\" (i32.const 0x2) (i32.const 0x3)) (i32.const 0x5))"
            ),
            "{text}"
        );
        assert!(text.contains("(f32.const nan:canonical)"), "{text}");
        assert!(
            text.contains("(assert_trap (invoke \"trap\") \"unreachable"),
            "{text}"
        );
        assert!(
            text.contains("(assert_return (get \"g\") (i32.const 0x5))"),
            "{text}"
        );
    }
}
