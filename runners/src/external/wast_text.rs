//! A module and plan written as a `.wast` script, for engines that only run scripts.

use oracle::{HeapType, Plan, RefValue, Value};

/// A float's exact bits in the text format (`nan:0x...`, `inf`, hexadecimal otherwise).
fn float(bits: u64, mantissa_bits: u32, exponent_bits: u32) -> String {
    let sign = if bits >> (mantissa_bits + exponent_bits) & 1 == 1 {
        "-"
    } else {
        ""
    };
    let exp_max = (1u64 << exponent_bits) - 1;
    let exp = (bits >> mantissa_bits) & exp_max;
    let mant = bits & ((1u64 << mantissa_bits) - 1);
    let bias = (exp_max >> 1) as i64;
    // Hex digits of the fraction: the mantissa left-aligned on a nibble boundary.
    let shift = (4 - mantissa_bits % 4) % 4;
    let digits = mantissa_bits.div_ceil(4) as usize;
    let frac = format!("{:0digits$x}", mant << shift);
    match exp {
        e if e == exp_max && mant == 0 => format!("{sign}inf"),
        e if e == exp_max => format!("{sign}nan:0x{mant:x}"),
        0 => format!("{sign}0x0.{frac}p{}", 1 - bias),
        e => format!("{sign}0x1.{frac}p{}", e as i64 - bias),
    }
}

/// A value as a constant of the script language, exact to the bit.
pub fn constant(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::I32(b) => format!("(i32.const {})", *b as i32),
        Value::I64(b) => format!("(i64.const {})", *b as i64),
        Value::F32(b) => format!("(f32.const {})", float(*b as u64, 23, 8)),
        Value::F64(b) => format!("(f64.const {})", float(*b, 52, 11)),
        Value::V128(b) => {
            let lanes: Vec<String> = (0..4)
                .map(|i| format!("0x{:08x}", (b >> (32 * i)) as u32))
                .collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Value::Ref(RefValue::Null(HeapType::Extern | HeapType::NoExtern)) => {
            "(ref.null extern)".into()
        }
        Value::Ref(RefValue::Null(HeapType::Func | HeapType::NoFunc)) => "(ref.null func)".into(),
        Value::Ref(RefValue::Extern(n)) => format!("(ref.extern {n})"),
        other => return Err(format!("{other} cannot be written in a .wast script")),
    })
}

fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// The script: the module in binary form, then one `invoke` per invocation of the plan,
/// then a `get` (in an `assert_return` without results) for each global in `globals`.
pub fn script(module: &[u8], plan: &Plan, globals: &[String]) -> Result<String, String> {
    let mut out = String::from("(module binary\n");
    for chunk in module.chunks(32) {
        out.push_str("  \"");
        for b in chunk {
            out.push_str(&format!("\\{b:02x}"));
        }
        out.push_str("\"\n");
    }
    out.push_str(")\n");
    for inv in &plan.invocations {
        let args: Vec<String> = inv.args.iter().map(constant).collect::<Result<_, _>>()?;
        out.push_str(&format!(
            "(invoke {} {})\n",
            string(&inv.export),
            args.join(" ")
        ));
    }
    for g in globals {
        // A bare `get` is not a directive: an assertion without results carries it, and
        // the engine reports the value it read.
        out.push_str(&format!("(assert_return (get {}))\n", string(g)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bits of the one constant in a one-function module, through the script reader.
    fn parse(ty: &str, text: &str) -> Value {
        let script = format!("(invoke \"f\" ({ty}.const {text}))");
        let commands = crate::wast::parse_script(&script, "t.wast").unwrap();
        match &commands[0].command {
            oracle::script::Command::Action {
                action: oracle::script::Action::Invoke { args, .. },
            } => args[0],
            other => panic!("{other:?}"),
        }
    }

    fn parse_f32(text: &str) -> u32 {
        match parse("f32", text) {
            Value::F32(b) => b,
            other => panic!("{other:?}"),
        }
    }

    fn parse_f64(text: &str) -> u64 {
        match parse("f64", text) {
            Value::F64(b) => b,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn floats_round_trip_through_the_text_format() {
        for bits in [
            0u32,
            0x8000_0000,
            1,
            0x007f_ffff,
            0x0080_0000,
            0x3f80_0000,
            0xc2f6_e979,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0x7f80_0001,
            0xffa0_0000,
            0x7f7f_ffff,
        ] {
            let text = float(bits as u64, 23, 8);
            assert_eq!(parse_f32(&text), bits, "{text}");
        }
        for bits in [
            0u64,
            1 << 63,
            1,
            0x000f_ffff_ffff_ffff,
            0x3ff0_0000_0000_0000,
            0x7ff8_0000_0000_0001,
            0xfff0_0000_0000_0000,
            0x7fef_ffff_ffff_ffff,
            0x4009_21fb_5444_2d18,
        ] {
            let text = float(bits, 52, 11);
            assert_eq!(parse_f64(&text), bits, "{text}");
        }
    }

    #[test]
    fn a_plan_becomes_a_script_the_parser_reads_back() {
        let module = wat::parse_str(
            "(module (func (export \"f\") (param i32 f32 i64) (result i32) local.get 0) \
             (global (export \"g\") i32 (i32.const 7)))",
        )
        .unwrap();
        let plan = Plan::new(vec![oracle::Invocation {
            export: "f".into(),
            args: vec![Value::I32(u32::MAX), Value::F32(0x7fa0_0000), Value::I64(5)],
        }]);
        let text = script(&module, &plan, &["g".into()]).unwrap();
        let commands = crate::wast::parse_script(&text, "t.wast").unwrap();
        assert_eq!(commands.len(), 3);
        match &commands[1].command {
            oracle::script::Command::Action {
                action: oracle::script::Action::Invoke { args, .. },
            } => assert_eq!(args, &plan.invocations[0].args),
            other => panic!("{other:?}"),
        }
    }
}
