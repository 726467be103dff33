//! Exact bits across a JavaScript (or Python) boundary.
//!
//! A host language loses NaN payloads when a float crosses into it, and cannot pass a
//! `v128` at all. So the harness generates, in WebAssembly, a wrapper module that imports
//! the module's exports and re-exports each function with floats as integers of the same
//! bits (`f32` as `i32`, `f64` as `i64`, through `reinterpret`) and each `v128` as four
//! `i32` lanes; exported globals get a getter function likewise. The host calls the
//! wrappers; the values it sees are integers (an `i64` is a BigInt in JavaScript), which
//! cross exactly.

use oracle::{HeapType, RefValue, ValType, Value};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalType,
    ImportSection, Instruction, Module, TypeSection, ValType as EV,
};
use wasmparser::{Payload, Validator, WasmFeatures};

/// The module the wrapper imports the wrapped module's exports from.
pub const IMPORT_MODULE: &str = "m";
/// Prefix of the getter a wrapper exports for an exported global.
pub const GLOBAL_GETTER: &str = "harness-global:";

/// How one value crosses: the wrapped type and how many host values carry it.
fn carriers(t: ValType) -> Option<Vec<EV>> {
    Some(match t {
        ValType::I32 | ValType::F32 => vec![EV::I32],
        ValType::I64 | ValType::F64 => vec![EV::I64],
        ValType::V128 => vec![EV::I32; 4],
        ValType::Ref(r) => vec![EV::Ref(ref_type(r)?)],
    })
}

fn ref_type(r: oracle::RefType) -> Option<wasm_encoder::RefType> {
    match (r.heap, r.nullable) {
        (HeapType::Func, true) => Some(wasm_encoder::RefType::FUNCREF),
        (HeapType::Extern, true) => Some(wasm_encoder::RefType::EXTERNREF),
        _ => None,
    }
}

fn enc(t: ValType) -> Option<EV> {
    Some(match t {
        ValType::I32 => EV::I32,
        ValType::I64 => EV::I64,
        ValType::F32 => EV::F32,
        ValType::F64 => EV::F64,
        ValType::V128 => EV::V128,
        ValType::Ref(r) => EV::Ref(ref_type(r)?),
    })
}

/// An exported function or global, as the wrapper sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Export {
    /// A function and its type.
    Func {
        /// Export name.
        name: String,
        /// Parameter types.
        params: Vec<ValType>,
        /// Result types.
        results: Vec<ValType>,
    },
    /// A global.
    Global {
        /// Export name.
        name: String,
        /// Its type.
        ty: ValType,
        /// Whether it is mutable.
        mutable: bool,
    },
}

fn val_type(t: wasmparser::ValType) -> Option<ValType> {
    Some(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FUNCREF,
        wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValType::EXTERNREF,
        wasmparser::ValType::Ref(_) => return None,
    })
}

/// The exported functions and globals of a valid module, in export order; `None` for an
/// export whose type the wrapper cannot carry (typed references, GC types).
pub fn exports(module: &[u8]) -> Result<Vec<Option<Export>>, String> {
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    let types = validator
        .validate_all(module)
        .map_err(|e| e.message().to_string())?;
    let types = types.as_ref();
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let Ok(Payload::ExportSection(reader)) = payload else {
            continue;
        };
        for export in reader {
            let export = export.map_err(|e| e.message().to_string())?;
            let name = export.name.to_string();
            match export.kind {
                wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                    let id = types.core_function_at(export.index);
                    let Some(f) = types[id].unwrap_func_opt() else {
                        out.push(None);
                        continue;
                    };
                    let params: Option<Vec<ValType>> =
                        f.params().iter().map(|t| val_type(*t)).collect();
                    let results: Option<Vec<ValType>> =
                        f.results().iter().map(|t| val_type(*t)).collect();
                    out.push(match (params, results) {
                        (Some(params), Some(results)) => Some(Export::Func {
                            name,
                            params,
                            results,
                        }),
                        _ => None,
                    });
                }
                wasmparser::ExternalKind::Global => {
                    let g = types.global_at(export.index);
                    out.push(val_type(g.content_type).map(|ty| Export::Global {
                        name,
                        ty,
                        mutable: g.mutable,
                    }));
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The names of a module's exported globals, in export order (none when it is invalid).
pub fn exported_globals(module: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let Ok(Payload::ExportSection(reader)) = payload else {
            continue;
        };
        for e in reader.into_iter().flatten() {
            if e.kind == wasmparser::ExternalKind::Global {
                out.push(e.name.to_string());
            }
        }
    }
    out
}

/// Trait helper: `SubType::unwrap_func` without panicking.
trait FuncOf {
    fn unwrap_func_opt(&self) -> Option<&wasmparser::FuncType>;
}

impl FuncOf for wasmparser::SubType {
    fn unwrap_func_opt(&self) -> Option<&wasmparser::FuncType> {
        match &self.composite_type.inner {
            wasmparser::CompositeInnerType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// Pushes the original value of parameter `t` from the carrier locals starting at `local`.
pub(crate) fn unwrap_param(f: &mut Function, t: ValType, local: u32) {
    match t {
        ValType::F32 => {
            f.instruction(&Instruction::LocalGet(local));
            f.instruction(&Instruction::F32ReinterpretI32);
        }
        ValType::F64 => {
            f.instruction(&Instruction::LocalGet(local));
            f.instruction(&Instruction::F64ReinterpretI64);
        }
        ValType::V128 => {
            f.instruction(&Instruction::V128Const(0));
            for lane in 0..4u8 {
                f.instruction(&Instruction::LocalGet(local + lane as u32));
                f.instruction(&Instruction::I32x4ReplaceLane(lane));
            }
        }
        _ => {
            f.instruction(&Instruction::LocalGet(local));
        }
    }
}

/// Pushes the carriers of the value of type `t` in local `local`.
pub(crate) fn wrap_result(f: &mut Function, t: ValType, local: u32) {
    match t {
        ValType::F32 => {
            f.instruction(&Instruction::LocalGet(local));
            f.instruction(&Instruction::I32ReinterpretF32);
        }
        ValType::F64 => {
            f.instruction(&Instruction::LocalGet(local));
            f.instruction(&Instruction::I64ReinterpretF64);
        }
        ValType::V128 => {
            for lane in 0..4u8 {
                f.instruction(&Instruction::LocalGet(local));
                f.instruction(&Instruction::I32x4ExtractLane(lane));
            }
        }
        _ => {
            f.instruction(&Instruction::LocalGet(local));
        }
    }
}

/// The wrapper module for these exports (those that are `None` are left out: the host
/// calls them directly, without exact bits).
pub fn wrapper(exports: &[Option<Export>]) -> Vec<u8> {
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut out = ExportSection::new();
    let mut n_types = 0u32;
    let mut n_imported_funcs = 0u32;
    let mut n_imported_globals = 0u32;
    // Imports first: every wrapped function and global, in order.
    let mut bodies: Vec<(String, u32, Function)> = Vec::new();
    for e in exports.iter().flatten() {
        match e {
            Export::Func {
                name,
                params,
                results,
            } => {
                let (Some(p), Some(r), Some(cp), Some(cr)) = (
                    params.iter().map(|t| enc(*t)).collect::<Option<Vec<_>>>(),
                    results.iter().map(|t| enc(*t)).collect::<Option<Vec<_>>>(),
                    params
                        .iter()
                        .map(|t| carriers(*t))
                        .collect::<Option<Vec<_>>>(),
                    results
                        .iter()
                        .map(|t| carriers(*t))
                        .collect::<Option<Vec<_>>>(),
                ) else {
                    continue;
                };
                types.ty().function(p, r.clone());
                let orig_ty = n_types;
                types.ty().function(cp.concat(), cr.concat());
                let wrap_ty = n_types + 1;
                n_types += 2;
                imports.import(IMPORT_MODULE, name, EntityType::Function(orig_ty));
                let callee = n_imported_funcs;
                n_imported_funcs += 1;
                let n_carriers: u32 = cp.iter().map(|c| c.len() as u32).sum();
                let mut f = Function::new(r.iter().map(|t| (1, *t)));
                let mut local = 0;
                for (t, c) in params.iter().zip(&cp) {
                    unwrap_param(&mut f, *t, local);
                    local += c.len() as u32;
                }
                f.instruction(&Instruction::Call(callee));
                for i in (0..results.len() as u32).rev() {
                    f.instruction(&Instruction::LocalSet(n_carriers + i));
                }
                for (i, t) in results.iter().enumerate() {
                    wrap_result(&mut f, *t, n_carriers + i as u32);
                }
                f.instruction(&Instruction::End);
                bodies.push((name.clone(), wrap_ty, f));
            }
            Export::Global { name, ty, mutable } => {
                let (Some(vt), Some(c)) = (enc(*ty), carriers(*ty)) else {
                    continue;
                };
                imports.import(
                    IMPORT_MODULE,
                    name,
                    EntityType::Global(GlobalType {
                        val_type: vt,
                        mutable: *mutable,
                        shared: false,
                    }),
                );
                let global = n_imported_globals;
                n_imported_globals += 1;
                types.ty().function([], c);
                let getter_ty = n_types;
                n_types += 1;
                let mut f = Function::new([(1, vt)]);
                f.instruction(&Instruction::GlobalGet(global));
                f.instruction(&Instruction::LocalSet(0));
                wrap_result(&mut f, *ty, 0);
                f.instruction(&Instruction::End);
                bodies.push((format!("{GLOBAL_GETTER}{name}"), getter_ty, f));
            }
        }
    }
    for (i, (name, ty, f)) in bodies.into_iter().enumerate() {
        funcs.function(ty);
        code.function(&f);
        out.export(&name, ExportKind::Func, n_imported_funcs + i as u32);
    }
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&out)
        .section(&code);
    m.finish()
}

/// The host values (as text: decimal bits, `null`, `ref:N`) that carry `v`.
pub fn to_carriers(v: &Value) -> Vec<String> {
    match v {
        Value::I32(b) | Value::F32(b) => vec![format!("i32:{b}")],
        Value::I64(b) | Value::F64(b) => vec![format!("i64:{b}")],
        Value::V128(b) => (0..4)
            .map(|i| format!("i32:{}", (b >> (32 * i)) as u32))
            .collect(),
        Value::Ref(RefValue::Null(_)) => vec!["null".into()],
        Value::Ref(RefValue::Extern(n)) => vec![format!("extern:{n}")],
        Value::Ref(RefValue::NonNull(_)) => vec!["nonnull".into()],
    }
}

/// Reads values of `types` back from the host's carriers (decimal bits of `i32`/`i64`,
/// `null`, `extern:N`, `func`).
pub fn from_carriers(types: &[ValType], carried: &[String]) -> Result<Vec<Value>, String> {
    let mut it = carried.iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| format!("fewer results than the type has ({})", carried.len()))
    };
    let int = |s: &str| -> Result<u64, String> {
        s.parse::<u64>()
            .or_else(|_| s.parse::<i64>().map(|x| x as u64))
            .map_err(|_| format!("`{s}` is not an integer"))
    };
    let mut out = Vec::new();
    for t in types {
        out.push(match t {
            ValType::I32 => Value::I32(int(next()?)? as u32),
            ValType::F32 => Value::F32(int(next()?)? as u32),
            ValType::I64 => Value::I64(int(next()?)?),
            ValType::F64 => Value::F64(int(next()?)?),
            ValType::V128 => {
                let mut v = 0u128;
                for i in 0..4 {
                    v |= ((int(next()?)? as u32) as u128) << (32 * i);
                }
                Value::V128(v)
            }
            ValType::Ref(r) => {
                let s = next()?;
                if s == "null" {
                    Value::Ref(RefValue::Null(r.heap))
                } else if let Some(n) = s.strip_prefix("extern:") {
                    Value::Ref(RefValue::Extern(
                        n.parse().map_err(|_| format!("bad extern `{s}`"))?,
                    ))
                } else {
                    Value::Ref(RefValue::NonNull(r.heap))
                }
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_validates_and_carries_every_type() {
        let module = wat::parse_str(
            r#"(module
                (func (export "f") (param f32 f64 v128 i64 externref) (result v128 f32 i32 funcref)
                  local.get 2 local.get 0 i32.const 1 ref.null func)
                (global (export "g") (mut f64) (f64.const 1))
                (global (export "h") v128 (v128.const i32x4 1 2 3 4))
                (func (export "k") (param (ref func))))"#,
        )
        .unwrap();
        let ex = exports(&module).unwrap();
        assert_eq!(ex.len(), 4);
        assert!(ex[3].is_none(), "typed references are not carried");
        let w = wrapper(&ex);
        Validator::new_with_features(WasmFeatures::all())
            .validate_all(&w)
            .unwrap();
        let text = wasmprinter_like(&w);
        assert!(text.contains("harness-global:g") && text.contains("harness-global:h"));
    }

    /// The export names of a module.
    fn wasmprinter_like(w: &[u8]) -> String {
        let mut names = String::new();
        for p in wasmparser::Parser::new(0).parse_all(w) {
            if let Ok(Payload::ExportSection(r)) = p {
                for e in r.into_iter().flatten() {
                    names.push_str(e.name);
                    names.push(' ');
                }
            }
        }
        names
    }

    #[test]
    fn carriers_round_trip_exact_bits() {
        let types = [
            ValType::F32,
            ValType::F64,
            ValType::V128,
            ValType::I64,
            ValType::EXTERNREF,
        ];
        let values = [
            Value::F32(0x7fa0_0001),
            Value::F64(0xfff0_0000_0000_0001),
            Value::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210),
            Value::I64(u64::MAX),
            Value::Ref(RefValue::Extern(7)),
        ];
        let carried: Vec<String> = values
            .iter()
            .flat_map(to_carriers)
            .map(|s| {
                s.split_once(':').map_or(s.clone(), |(t, v)| {
                    if t == "extern" {
                        s.clone()
                    } else {
                        v.to_string()
                    }
                })
            })
            .collect();
        assert_eq!(from_carriers(&types, &carried).unwrap(), values);
        assert!(from_carriers(&types, &carried[..2]).is_err());
    }
}
