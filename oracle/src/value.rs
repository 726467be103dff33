//! Values with exact bits, value types and the spec's NaN classes.
//!
//! Floats are kept as their bit patterns everywhere: a NaN's payload and sign must survive
//! every hop (engine, worker protocol, JSON file) untouched.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A heap type, as far as the harness needs to name one (`1.2-syntax.types.spectec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// `func`
    Func,
    /// `extern`
    Extern,
    /// `any`
    Any,
    /// `eq`
    Eq,
    /// `i31`
    I31,
    /// `struct`
    Struct,
    /// `array`
    Array,
    /// `exn`
    Exn,
    /// `none`
    None,
    /// `nofunc`
    NoFunc,
    /// `noextern`
    NoExtern,
    /// `noexn`
    NoExn,
    /// A type index (`$t`).
    Concrete(u32),
}

impl HeapType {
    fn keyword(self) -> Option<&'static str> {
        Some(match self {
            HeapType::Func => "func",
            HeapType::Extern => "extern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::Exn => "exn",
            HeapType::None => "none",
            HeapType::NoFunc => "nofunc",
            HeapType::NoExtern => "noextern",
            HeapType::NoExn => "noexn",
            HeapType::Concrete(_) => return None,
        })
    }

    fn from_keyword(s: &str) -> Option<HeapType> {
        Some(match s {
            "func" => HeapType::Func,
            "extern" => HeapType::Extern,
            "any" => HeapType::Any,
            "eq" => HeapType::Eq,
            "i31" => HeapType::I31,
            "struct" => HeapType::Struct,
            "array" => HeapType::Array,
            "exn" => HeapType::Exn,
            "none" => HeapType::None,
            "nofunc" => HeapType::NoFunc,
            "noextern" => HeapType::NoExtern,
            "noexn" => HeapType::NoExn,
            other => HeapType::Concrete(other.parse().ok()?),
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.keyword(), self) {
            (Some(k), _) => f.write_str(k),
            (None, HeapType::Concrete(i)) => write!(f, "{i}"),
            (None, _) => unreachable!("every other heap type has a keyword"),
        }
    }
}

/// A reference type: nullable or not, and its heap type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether `ref.null` is a value of this type.
    pub nullable: bool,
    /// The heap type.
    pub heap: HeapType,
}

/// A value type (`valtype` in `1.2-syntax.types.spectec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `v128`
    V128,
    /// A reference type.
    Ref(RefType),
}

impl ValType {
    /// `funcref`, that is `(ref null func)`.
    pub const FUNCREF: ValType = ValType::Ref(RefType {
        nullable: true,
        heap: HeapType::Func,
    });
    /// `externref`, that is `(ref null extern)`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType {
        nullable: true,
        heap: HeapType::Extern,
    });
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(RefType {
                nullable: true,
                heap,
            }) if heap.keyword().is_some() => {
                write!(f, "{heap}ref")
            }
            ValType::Ref(RefType { nullable, heap }) => {
                write!(f, "(ref {}{heap})", if *nullable { "null " } else { "" })
            }
        }
    }
}

/// A value type's text could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown value type `{0}` (expected i32, i64, f32, f64, v128, funcref, externref or (ref [null] HEAP))"
)]
pub struct BadValType(pub String);

impl FromStr for ValType {
    type Err = BadValType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadValType(s.to_string());
        Ok(match s {
            "i32" => ValType::I32,
            "i64" => ValType::I64,
            "f32" => ValType::F32,
            "f64" => ValType::F64,
            "v128" => ValType::V128,
            _ => {
                if let Some(k) = s.strip_suffix("ref") {
                    let heap = HeapType::from_keyword(k).filter(|h| h.keyword().is_some());
                    return heap
                        .map(|heap| {
                            ValType::Ref(RefType {
                                nullable: true,
                                heap,
                            })
                        })
                        .ok_or_else(bad);
                }
                let inner = s
                    .strip_prefix("(ref ")
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(bad)?;
                let (nullable, heap) = match inner.strip_prefix("null ") {
                    Some(h) => (true, h),
                    None => (false, inner),
                };
                let heap = HeapType::from_keyword(heap.trim()).ok_or_else(bad)?;
                ValType::Ref(RefType { nullable, heap })
            }
        })
    }
}

impl Serialize for ValType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ValType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A function type: parameters and results.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncType {
    /// Parameter types.
    pub params: Vec<ValType>,
    /// Result types.
    pub results: Vec<ValType>,
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |v: &[ValType]| {
            v.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(f, "[{}] -> [{}]", join(&self.params), join(&self.results))
    }
}

/// A reference value as the harness can observe it from outside an engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefValue {
    /// `ref.null` of a heap type.
    Null(HeapType),
    /// A host reference made by the harness (`ref.extern N` in the spec test suite).
    Extern(u32),
    /// A non-null reference whose identity cannot be compared across engines.
    NonNull(HeapType),
}

/// A value with exact bits. Floats are their IEEE 754 bit patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An `i32`, as its 32 bits.
    I32(u32),
    /// An `i64`, as its 64 bits.
    I64(u64),
    /// An `f32`, as its 32 bits.
    F32(u32),
    /// An `f64`, as its 64 bits.
    F64(u64),
    /// A `v128`; lane 0 is in the least significant bits.
    V128(u128),
    /// A reference.
    Ref(RefValue),
}

impl Value {
    /// The value's type (for references, the nullable abstract type it was seen as).
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::Ref(RefValue::Null(h) | RefValue::NonNull(h)) => ValType::Ref(RefType {
                nullable: true,
                heap: *h,
            }),
            Value::Ref(RefValue::Extern(_)) => ValType::EXTERNREF,
        }
    }

    /// The default value of a type, where it has one (`$default_` in the spec).
    pub fn default_of(ty: ValType) -> Option<Value> {
        Some(match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::V128 => Value::V128(0),
            ValType::Ref(RefType {
                nullable: true,
                heap,
            }) => Value::Ref(RefValue::Null(heap)),
            ValType::Ref(_) => return None,
        })
    }

    /// The text of the value in the JSON formats (wast2json's convention: integers and
    /// floats as the unsigned decimal of their bits, v128 as 32 hex digits).
    fn json_text(&self) -> String {
        match self {
            Value::I32(b) | Value::F32(b) => b.to_string(),
            Value::I64(b) | Value::F64(b) => b.to_string(),
            Value::V128(b) => format!("0x{b:032x}"),
            Value::Ref(RefValue::Null(_)) => "null".into(),
            Value::Ref(RefValue::Extern(n)) => n.to_string(),
            Value::Ref(RefValue::NonNull(_)) => "nonnull".into(),
        }
    }
}

/// The spec's classes of NaN (`$canon_`, arithmetic NaNs in `3.1-numerics.scalar.spectec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NanClass {
    /// The canonical NaN: only the payload's most significant bit set (either sign).
    Canonical,
    /// An arithmetic NaN that is not canonical: payload's most significant bit set.
    Arithmetic,
    /// Any other NaN (payload's most significant bit clear): never produced by arithmetic.
    Signalling,
}

impl NanClass {
    /// The class of an `f32` bit pattern, or `None` when it is not a NaN.
    pub fn of_f32(bits: u32) -> Option<NanClass> {
        Self::classify(bits as u64, 23, 8)
    }

    /// The class of an `f64` bit pattern, or `None` when it is not a NaN.
    pub fn of_f64(bits: u64) -> Option<NanClass> {
        Self::classify(bits, 52, 11)
    }

    fn classify(bits: u64, mantissa: u32, exponent: u32) -> Option<NanClass> {
        let exp_mask = (1u64 << exponent) - 1;
        let payload = bits & ((1u64 << mantissa) - 1);
        if (bits >> mantissa) & exp_mask != exp_mask || payload == 0 {
            return None;
        }
        let quiet = 1u64 << (mantissa - 1);
        Some(if payload == quiet {
            NanClass::Canonical
        } else if payload & quiet != 0 {
            NanClass::Arithmetic
        } else {
            NanClass::Signalling
        })
    }
}

impl fmt::Display for NanClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NanClass::Canonical => "canonical NaN",
            NanClass::Arithmetic => "arithmetic NaN",
            NanClass::Signalling => "signalling NaN",
        })
    }
}

fn fmt_float(
    f: &mut fmt::Formatter<'_>,
    neg: bool,
    nan: Option<(u64, NanClass)>,
    v: f64,
    hex: String,
) -> fmt::Result {
    let sign = if neg { "-" } else { "" };
    match nan {
        Some((payload, class)) => write!(f, "{sign}nan:0x{payload:x} ({class}, {hex})"),
        None if v.is_infinite() => write!(f, "{sign}inf"),
        None => write!(f, "{v} ({hex})"),
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(b) if (b as i32) < 0 => write!(f, "i32:{} (0x{b:08x})", b as i32),
            Value::I32(b) => write!(f, "i32:{b}"),
            Value::I64(b) if (b as i64) < 0 => write!(f, "i64:{} (0x{b:016x})", b as i64),
            Value::I64(b) => write!(f, "i64:{b}"),
            Value::F32(b) => {
                f.write_str("f32:")?;
                let nan = NanClass::of_f32(b).map(|c| ((b & 0x7f_ffff) as u64, c));
                fmt_float(
                    f,
                    b >> 31 == 1,
                    nan,
                    f32::from_bits(b) as f64,
                    format!("0x{b:08x}"),
                )
            }
            Value::F64(b) => {
                f.write_str("f64:")?;
                let nan = NanClass::of_f64(b).map(|c| (b & 0xf_ffff_ffff_ffff, c));
                fmt_float(
                    f,
                    b >> 63 == 1,
                    nan,
                    f64::from_bits(b),
                    format!("0x{b:016x}"),
                )
            }
            Value::V128(b) => {
                let lanes: Vec<String> = (0..4)
                    .map(|i| format!("0x{:08x}", (b >> (32 * i)) as u32))
                    .collect();
                write!(f, "v128:i32x4 {}", lanes.join(" "))
            }
            Value::Ref(RefValue::Null(h)) => write!(f, "ref.null {h}"),
            Value::Ref(RefValue::Extern(n)) => write!(f, "ref.extern {n}"),
            Value::Ref(RefValue::NonNull(h)) => write!(f, "ref {h} (non-null)"),
        }
    }
}

/// A value in a JSON file: `{"type": "i32", "value": "42"}`.
#[derive(Serialize, Deserialize)]
struct RawValue {
    #[serde(rename = "type")]
    ty: String,
    value: String,
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawValue {
            ty: self.ty().to_string(),
            value: self.json_text(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawValue::deserialize(d)?;
        let ty: ValType = raw.ty.parse().map_err(serde::de::Error::custom)?;
        Value::from_json_text(ty, &raw.value).map_err(serde::de::Error::custom)
    }
}

impl Value {
    /// Reads a value from its JSON text for a type (see [`Value`]'s serde form).
    pub fn from_json_text(ty: ValType, text: &str) -> Result<Value, String> {
        let bad = |e: &dyn fmt::Display| format!("bad {ty} value `{text}`: {e}");
        Ok(match ty {
            ValType::I32 => Value::I32(text.parse().map_err(|e| bad(&e))?),
            ValType::F32 => Value::F32(text.parse().map_err(|e| bad(&e))?),
            ValType::I64 => Value::I64(text.parse().map_err(|e| bad(&e))?),
            ValType::F64 => Value::F64(text.parse().map_err(|e| bad(&e))?),
            ValType::V128 => {
                let hex = text
                    .strip_prefix("0x")
                    .ok_or_else(|| bad(&"expected 0x and 32 hex digits"))?;
                Value::V128(u128::from_str_radix(hex, 16).map_err(|e| bad(&e))?)
            }
            ValType::Ref(RefType { heap, .. }) => match text {
                "null" => Value::Ref(RefValue::Null(heap)),
                "nonnull" => Value::Ref(RefValue::NonNull(heap)),
                n if heap == HeapType::Extern => {
                    Value::Ref(RefValue::Extern(n.parse().map_err(|e| bad(&e))?))
                }
                _ => return Err(bad(&"expected null or nonnull")),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_classes() {
        assert_eq!(NanClass::of_f32(0x7fc0_0000), Some(NanClass::Canonical));
        assert_eq!(NanClass::of_f32(0xffc0_0000), Some(NanClass::Canonical));
        assert_eq!(NanClass::of_f32(0x7fc0_0001), Some(NanClass::Arithmetic));
        assert_eq!(NanClass::of_f32(0x7fa0_0000), Some(NanClass::Signalling));
        assert_eq!(NanClass::of_f32(0x7f80_0000), None);
        assert_eq!(NanClass::of_f32(0x3f80_0000), None);
        assert_eq!(
            NanClass::of_f64(0x7ff8_0000_0000_0000),
            Some(NanClass::Canonical)
        );
        assert_eq!(
            NanClass::of_f64(0xfff8_0000_0000_0001),
            Some(NanClass::Arithmetic)
        );
        assert_eq!(
            NanClass::of_f64(0x7ff0_0000_0000_0001),
            Some(NanClass::Signalling)
        );
        assert_eq!(NanClass::of_f64(0x7ff0_0000_0000_0000), None);
    }

    #[test]
    fn values_round_trip_through_json_with_exact_bits() {
        let values = [
            Value::I32(u32::MAX),
            Value::I64(1 << 63),
            Value::F32(0x7fa0_0001),
            Value::F64(0xfff0_0000_0000_0001),
            Value::V128(0x0123_4567_89ab_cdef_0011_2233_4455_6677),
            Value::Ref(RefValue::Null(HeapType::Func)),
            Value::Ref(RefValue::Extern(7)),
            Value::Ref(RefValue::NonNull(HeapType::Func)),
        ];
        for v in values {
            let json = serde_json::to_string(&v).unwrap();
            let back: Value = serde_json::from_str(&json).unwrap();
            assert_eq!(back, v, "{json}");
        }
        let v: Value = serde_json::from_str(r#"{"type":"f32","value":"2143289344"}"#).unwrap();
        assert_eq!(v, Value::F32(0x7fc0_0000));
    }

    #[test]
    fn val_types_parse_and_print() {
        for t in [
            "i32",
            "i64",
            "f32",
            "f64",
            "v128",
            "funcref",
            "externref",
            "(ref func)",
            "(ref null 3)",
            "(ref 0)",
        ] {
            let ty: ValType = t.parse().unwrap();
            assert_eq!(ty.to_string(), t);
        }
        assert!("i33".parse::<ValType>().is_err());
        assert!("(ref null nope)".parse::<ValType>().is_err());
        assert!("3ref".parse::<ValType>().is_err());
    }

    #[test]
    fn bad_json_values_are_errors() {
        for json in [
            r#"{"type":"i32","value":"-1"}"#,
            r#"{"type":"i32","value":"4294967296"}"#,
            r#"{"type":"v128","value":"12"}"#,
            r#"{"type":"funcref","value":"7"}"#,
            r#"{"type":"i31","value":"7"}"#,
        ] {
            assert!(serde_json::from_str::<Value>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn display_shows_nan_payloads() {
        assert_eq!(
            Value::F32(0xffc0_0001).to_string(),
            "f32:-nan:0x400001 (arithmetic NaN, 0xffc00001)"
        );
        assert_eq!(
            Value::F64(0x3ff8_0000_0000_0000).to_string(),
            "f64:1.5 (0x3ff8000000000000)"
        );
        assert_eq!(Value::I32(0xffff_ffff).to_string(), "i32:-1 (0xffffffff)");
    }
}
