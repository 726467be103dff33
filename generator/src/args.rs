//! Arguments written in the spec's text syntax (`-1`, `0x10`, `1.5`, `-inf`,
//! `nan:0x200000`, `0x1p-149`, `i32x4 1 2 3 4`, `null`, `ref.extern 7`), read with the
//! `wast` crate's lexer so that every float keeps its exact bits.

use oracle::{HeapType, RefType, RefValue, ValType, Value};
use wast::parser::{self, ParseBuffer};

/// An argument or a plan does not fit the module.
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    /// No exported function of that name.
    #[error("the module exports no function `{export}` (it exports: {})", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    NoExport {
        /// The name asked for.
        export: String,
        /// The exported functions.
        available: Vec<String>,
    },
    /// Wrong number of arguments.
    #[error("`{export}` has type {ty}, but {given} arguments were given")]
    Arity {
        /// The export.
        export: String,
        /// Its type.
        ty: String,
        /// How many were given.
        given: usize,
    },
    /// An argument's text is not a value of its type.
    #[error("`{text}` is not a {ty} value: {why}")]
    Parse {
        /// The text.
        text: String,
        /// The parameter type.
        ty: String,
        /// Why.
        why: String,
    },
    /// A plan's invocation does not fit the export's type.
    #[error(
        "step {step} of the plan calls `{export}` of type {ty} with arguments of types [{given}]"
    )]
    PlanTypes {
        /// The step, from 1.
        step: usize,
        /// The export.
        export: String,
        /// Its type.
        ty: String,
        /// The argument types given.
        given: String,
    },
}

fn with_wast<T>(
    text: &str,
    ty: ValType,
    f: impl for<'a> FnOnce(&'a ParseBuffer<'a>) -> wast::parser::Result<T>,
) -> Result<T, ArgError> {
    let err = |why: String| ArgError::Parse {
        text: text.into(),
        ty: ty.to_string(),
        why,
    };
    let buf = ParseBuffer::new(text).map_err(|e| err(e.message()))?;
    f(&buf).map_err(|e| err(e.message()))
}

/// Reads one argument of type `ty`.
pub fn parse_arg(text: &str, ty: ValType) -> Result<Value, ArgError> {
    let t = text.trim();
    Ok(match ty {
        ValType::I32 => Value::I32(with_wast(t, ty, |b| parser::parse::<i32>(b))? as u32),
        ValType::I64 => Value::I64(with_wast(t, ty, |b| parser::parse::<i64>(b))? as u64),
        ValType::F32 => {
            Value::F32(with_wast(t, ty, |b| parser::parse::<wast::token::F32>(b))?.bits)
        }
        ValType::F64 => {
            Value::F64(with_wast(t, ty, |b| parser::parse::<wast::token::F64>(b))?.bits)
        }
        ValType::V128 => {
            let bytes =
                with_wast(t, ty, |b| parser::parse::<wast::core::V128Const>(b))?.to_le_bytes();
            Value::V128(u128::from_le_bytes(bytes))
        }
        ValType::Ref(RefType { nullable, heap }) => {
            let bad = |why: &str| ArgError::Parse {
                text: text.into(),
                ty: ty.to_string(),
                why: why.into(),
            };
            if t == "null" || t.starts_with("ref.null") {
                if !nullable {
                    return Err(bad("the parameter is non-null"));
                }
                Value::Ref(RefValue::Null(heap))
            } else if let Some(n) = t.strip_prefix("ref.extern") {
                if heap != HeapType::Extern {
                    return Err(bad("only externref parameters take `ref.extern N`"));
                }
                Value::Ref(RefValue::Extern(
                    n.trim()
                        .parse()
                        .map_err(|_| bad("expected `ref.extern N` with N a u32"))?,
                ))
            } else {
                return Err(bad("expected `null` or `ref.extern N`"));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_exact_bits() {
        assert_eq!(
            parse_arg("-1", ValType::I32).unwrap(),
            Value::I32(0xffff_ffff)
        );
        assert_eq!(
            parse_arg("0xffffffff", ValType::I32).unwrap(),
            Value::I32(0xffff_ffff)
        );
        assert_eq!(
            parse_arg("-9223372036854775808", ValType::I64).unwrap(),
            Value::I64(1 << 63)
        );
        assert_eq!(
            parse_arg("1.5", ValType::F32).unwrap(),
            Value::F32(0x3fc0_0000)
        );
        assert_eq!(parse_arg("-0", ValType::F64).unwrap(), Value::F64(1 << 63));
        assert_eq!(
            parse_arg("-nan:0x1", ValType::F32).unwrap(),
            Value::F32(0xff80_0001)
        );
        assert_eq!(
            parse_arg("nan", ValType::F64).unwrap(),
            Value::F64(0x7ff8_0000_0000_0000)
        );
        assert_eq!(parse_arg("0x1p-149", ValType::F32).unwrap(), Value::F32(1));
        assert_eq!(
            parse_arg("inf", ValType::F32).unwrap(),
            Value::F32(0x7f80_0000)
        );
        assert_eq!(
            parse_arg("i32x4 1 2 3 -1", ValType::V128).unwrap(),
            Value::V128(1 | (2 << 32) | (3 << 64) | (0xffff_ffffu128 << 96))
        );
        assert_eq!(
            parse_arg("ref.extern 7", ValType::EXTERNREF).unwrap(),
            Value::Ref(RefValue::Extern(7))
        );
        assert_eq!(
            parse_arg("null", ValType::FUNCREF).unwrap(),
            Value::Ref(RefValue::Null(HeapType::Func))
        );
    }

    #[test]
    fn bad_arguments_are_clear_errors() {
        for (text, ty) in [
            ("4294967296", ValType::I32),
            ("abc", ValType::I32),
            ("1.5", ValType::I32),
            ("", ValType::F32),
            ("nan:0x0", ValType::F32),
            ("i32x4 1 2", ValType::V128),
            ("ref.extern x", ValType::EXTERNREF),
            ("ref.extern 1", ValType::FUNCREF),
            ("(", ValType::I64),
        ] {
            let e = parse_arg(text, ty).unwrap_err();
            assert!(e.to_string().contains(&ty.to_string()), "{e}");
        }
        let nonnull = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Extern,
        });
        assert!(parse_arg("null", nonnull).is_err());
    }
}
