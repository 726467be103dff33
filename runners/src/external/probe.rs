//! Probes appended to a module, for engines that can neither link two modules nor pass
//! floats exactly (WABT's `spectest-interp`, wasm3): the module itself gets extra exports
//! (after all of its own functions, so that no index moves) that call each exported
//! function with floats as integer bits and `v128` as four `i32`, read each exported
//! global likewise, and read exported memories 8 bytes at a time and tables slot by slot.

use oracle::ValType;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, MemArg, Module,
    RawSection, TypeSection, ValType as EV,
};
use wasmparser::{Payload, Validator, WasmFeatures};

use super::wrap::{Export, exports};

/// What an appended export reads or calls.
#[derive(Clone, Debug, PartialEq)]
pub enum Probe {
    /// Calls the exported function `name` with carriers (see [`super::wrap`]).
    Call {
        /// The original export.
        name: String,
        /// Its parameter types.
        params: Vec<ValType>,
        /// Its result types.
        results: Vec<ValType>,
    },
    /// Reads the exported global `name` as carriers.
    Global {
        /// The original export.
        name: String,
        /// Its type.
        ty: ValType,
    },
    /// The size of exported memory `name`, in bytes, as an `i64`.
    MemorySize {
        /// The original export.
        name: String,
    },
    /// Exported memory `name`'s 8 bytes at an `i64` address, as a little-endian `i64`.
    MemoryLoad {
        /// The original export.
        name: String,
    },
    /// The size of exported table `name`, as an `i64`.
    TableSize {
        /// The original export.
        name: String,
    },
    /// Whether slot `i64` of exported table `name` is null, as an `i32`.
    TableIsNull {
        /// The original export.
        name: String,
    },
    /// Returns `i32` 1: calling it right after instantiation shows the module got there
    /// (always the last probe).
    Ping,
}

/// The name of the export that carries probe number `k`.
pub fn probe_name(k: usize) -> String {
    format!("harness.p{k}")
}

pub(crate) fn carriers(t: ValType) -> Vec<EV> {
    match t {
        ValType::I32 | ValType::F32 => vec![EV::I32],
        ValType::I64 | ValType::F64 => vec![EV::I64],
        ValType::V128 => vec![EV::I32; 4],
        ValType::Ref(r) if r.heap == oracle::HeapType::Extern => {
            vec![EV::Ref(wasm_encoder::RefType::EXTERNREF)]
        }
        ValType::Ref(_) => vec![EV::Ref(wasm_encoder::RefType::FUNCREF)],
    }
}

pub(crate) fn enc(t: ValType) -> EV {
    match t {
        ValType::I32 => EV::I32,
        ValType::I64 => EV::I64,
        ValType::F32 => EV::F32,
        ValType::F64 => EV::F64,
        ValType::V128 => EV::V128,
        ValType::Ref(_) => carriers(t)[0],
    }
}

/// What the module declares that the probes need.
#[derive(Default)]
pub(crate) struct Shape {
    pub(crate) types: u32,
    pub(crate) funcs: u32,
    /// Exported memories: (name, index, 64-bit).
    pub(crate) memories: Vec<(String, u32, bool)>,
    /// Exported tables: (name, index, 64-bit).
    pub(crate) tables: Vec<(String, u32, bool)>,
    /// Exported functions and globals by index: (name, index).
    pub(crate) func_index: Vec<(String, u32)>,
    pub(crate) global_index: Vec<(String, u32)>,
}

pub(crate) fn shape(module: &[u8]) -> Result<Shape, String> {
    let mut s = Shape::default();
    let mut mem64: Vec<bool> = Vec::new();
    let mut table64: Vec<bool> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload.map_err(|e| e.message().to_string())? {
            Payload::TypeSection(r) => {
                for g in r {
                    s.types += g.map_err(|e| e.message().to_string())?.types().len() as u32;
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    match imp.map_err(|e| e.message().to_string())?.ty {
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_) => {
                            s.funcs += 1
                        }
                        wasmparser::TypeRef::Memory(m) => mem64.push(m.memory64),
                        wasmparser::TypeRef::Table(t) => table64.push(t.table64),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => s.funcs += r.count(),
            Payload::MemorySection(r) => {
                for m in r {
                    mem64.push(m.map_err(|e| e.message().to_string())?.memory64);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    table64.push(t.map_err(|e| e.message().to_string())?.ty.table64);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(|e| e.message().to_string())?;
                    let name = e.name.to_string();
                    match e.kind {
                        wasmparser::ExternalKind::Memory => s.memories.push((
                            name,
                            e.index,
                            mem64.get(e.index as usize).copied().unwrap_or(false),
                        )),
                        wasmparser::ExternalKind::Table => s.tables.push((
                            name,
                            e.index,
                            table64.get(e.index as usize).copied().unwrap_or(false),
                        )),
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            s.func_index.push((name, e.index))
                        }
                        wasmparser::ExternalKind::Global => s.global_index.push((name, e.index)),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(s)
}

/// One appended function's type and body.
pub(crate) struct Built {
    pub(crate) params: Vec<EV>,
    pub(crate) results: Vec<EV>,
    pub(crate) body: Function,
}

fn build_call(index: u32, params: &[ValType], results: &[ValType]) -> Built {
    let cp: Vec<EV> = params.iter().flat_map(|t| carriers(*t)).collect();
    let cr: Vec<EV> = results.iter().flat_map(|t| carriers(*t)).collect();
    let n_carriers = cp.len() as u32;
    let mut f = Function::new(results.iter().map(|t| (1, enc(*t))));
    let mut local = 0;
    for t in params {
        super::wrap::unwrap_param(&mut f, *t, local);
        local += carriers(*t).len() as u32;
    }
    f.instruction(&Instruction::Call(index));
    for i in (0..results.len() as u32).rev() {
        f.instruction(&Instruction::LocalSet(n_carriers + i));
    }
    for (i, t) in results.iter().enumerate() {
        super::wrap::wrap_result(&mut f, *t, n_carriers + i as u32);
    }
    f.instruction(&Instruction::End);
    Built {
        params: cp,
        results: cr,
        body: f,
    }
}

/// The module with probes appended, and what each probe (`harness.pK`) is.
pub fn instrument(module: &[u8]) -> Result<(Vec<u8>, Vec<Probe>), String> {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(module)
        .map_err(|e| e.message().to_string())?;
    let shape = shape(module)?;
    let mut probes = Vec::new();
    let mut built = Vec::new();
    for e in exports(module)?.into_iter().flatten() {
        match e {
            Export::Func {
                name,
                params,
                results,
            } => {
                let Some(&(_, index)) = shape.func_index.iter().find(|(n, _)| *n == name) else {
                    continue;
                };
                built.push(build_call(index, &params, &results));
                probes.push(Probe::Call {
                    name,
                    params,
                    results,
                });
            }
            Export::Global { name, ty, .. } => {
                let Some(&(_, index)) = shape.global_index.iter().find(|(n, _)| *n == name) else {
                    continue;
                };
                let mut f = Function::new([(1, enc(ty))]);
                f.instruction(&Instruction::GlobalGet(index));
                f.instruction(&Instruction::LocalSet(0));
                super::wrap::wrap_result(&mut f, ty, 0);
                f.instruction(&Instruction::End);
                built.push(Built {
                    params: vec![],
                    results: carriers(ty),
                    body: f,
                });
                probes.push(Probe::Global { name, ty });
            }
        }
    }
    for (name, index, is64) in &shape.memories {
        let mut size = Function::new([]);
        size.instruction(&Instruction::MemorySize(*index));
        if !is64 {
            size.instruction(&Instruction::I64ExtendI32U);
        }
        size.instruction(&Instruction::I64Const(16));
        size.instruction(&Instruction::I64Shl);
        size.instruction(&Instruction::End);
        built.push(Built {
            params: vec![],
            results: vec![EV::I64],
            body: size,
        });
        probes.push(Probe::MemorySize { name: name.clone() });
        let mut load = Function::new([]);
        load.instruction(&Instruction::LocalGet(0));
        if !is64 {
            load.instruction(&Instruction::I32WrapI64);
        }
        load.instruction(&Instruction::I64Load(MemArg {
            offset: 0,
            align: 0,
            memory_index: *index,
        }));
        load.instruction(&Instruction::End);
        built.push(Built {
            params: vec![EV::I64],
            results: vec![EV::I64],
            body: load,
        });
        probes.push(Probe::MemoryLoad { name: name.clone() });
    }
    for (name, index, is64) in &shape.tables {
        let mut size = Function::new([]);
        size.instruction(&Instruction::TableSize(*index));
        if !is64 {
            size.instruction(&Instruction::I64ExtendI32U);
        }
        size.instruction(&Instruction::End);
        built.push(Built {
            params: vec![],
            results: vec![EV::I64],
            body: size,
        });
        probes.push(Probe::TableSize { name: name.clone() });
        let mut null = Function::new([]);
        null.instruction(&Instruction::LocalGet(0));
        if !is64 {
            null.instruction(&Instruction::I32WrapI64);
        }
        null.instruction(&Instruction::TableGet(*index));
        null.instruction(&Instruction::RefIsNull);
        null.instruction(&Instruction::End);
        built.push(Built {
            params: vec![EV::I64],
            results: vec![EV::I32],
            body: null,
        });
        probes.push(Probe::TableIsNull { name: name.clone() });
    }
    let mut ping = Function::new([]);
    ping.instruction(&Instruction::I32Const(1));
    ping.instruction(&Instruction::End);
    built.push(Built {
        params: vec![],
        results: vec![EV::I32],
        body: ping,
    });
    probes.push(Probe::Ping);
    let names: Vec<String> = (0..built.len()).map(probe_name).collect();
    Ok((splice(module, &shape, &built, &names, true)?, probes))
}

/// The module with the built functions appended and exported under `names`; its own
/// exports are kept or dropped.
pub(crate) fn splice(
    module: &[u8],
    shape: &Shape,
    built: &[Built],
    names: &[String],
    keep_exports: bool,
) -> Result<Vec<u8>, String> {
    let mut types = TypeSection::new();
    let mut funcs = FunctionSection::new();
    let mut exports = ExportSection::new();
    let mut code = CodeSection::new();
    let mut re = RoundtripReencoder;
    let mut out = Module::new();
    let mut pending: Vec<(u8, Vec<u8>)> = Vec::new(); // sections in order, by id
    let err = |e: &dyn std::fmt::Display| e.to_string();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let payload = payload.map_err(|e| e.message().to_string())?;
        match &payload {
            Payload::TypeSection(r) => {
                re.parse_type_section(&mut types, r.clone())
                    .map_err(|e| err(&e))?;
                pending.push((1, Vec::new()));
            }
            Payload::FunctionSection(r) => {
                for f in r.clone() {
                    funcs.function(f.map_err(|e| e.message().to_string())?);
                }
                pending.push((3, Vec::new()));
            }
            Payload::ExportSection(r) => {
                if keep_exports {
                    re.parse_export_section(&mut exports, r.clone())
                        .map_err(|e| err(&e))?;
                }
                pending.push((7, Vec::new()));
            }
            Payload::CodeSectionEntry(body) => {
                code.raw(&module[body.range()]);
            }
            Payload::CodeSectionStart { .. } => pending.push((10, Vec::new())),
            Payload::Version { .. } | Payload::End(_) => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    pending.push((id, module[range].to_vec()));
                }
            }
        }
    }
    for (k, b) in built.iter().enumerate() {
        types.ty().function(b.params.clone(), b.results.clone());
        funcs.function(shape.types + k as u32);
        exports.export(&names[k], ExportKind::Func, shape.funcs + k as u32);
        code.function(&b.body);
    }
    // The order of the binary format; custom sections (0) stay where they were.
    let rank = |id: u8| -> u8 {
        match id {
            1 => 1,
            2 => 2,
            3 => 3,
            4 => 4,
            5 => 5,
            13 => 6,
            6 => 7,
            7 => 8,
            8 => 9,
            9 => 10,
            12 => 11,
            10 => 12,
            11 => 13,
            _ => 0,
        }
    };
    for id in [1u8, 3, 7, 10] {
        if !pending.iter().any(|(i, _)| *i == id) {
            // Before the next section of the binary format's order, else right after the
            // last one (custom sections at the end, such as `name`, stay at the end).
            let at = pending
                .iter()
                .position(|(i, _)| *i != 0 && rank(*i) > rank(id))
                .unwrap_or_else(|| {
                    pending
                        .iter()
                        .rposition(|(i, _)| *i != 0)
                        .map_or(0, |p| p + 1)
                });
            pending.insert(at, (id, Vec::new()));
        }
    }
    for (id, data) in pending {
        match id {
            1 => out.section(&types),
            3 => out.section(&funcs),
            7 => out.section(&exports),
            10 => out.section(&code),
            _ => out.section(&RawSection { id, data: &data }),
        };
    }
    Ok(out.finish())
}

/// Where a custom section sits among the others does not matter to the probes; a module
/// whose custom sections come last keeps them last.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_validate_and_keep_the_module_as_it_was() {
        let module = wat::parse_str(
            r#"(module
                (import "spectest" "print_i32" (func (param i32)))
                (type $s (struct (field i32)))
                (memory (export "mem") 1)
                (table (export "t") 2 funcref)
                (global (export "g") (mut f32) (f32.const 1))
                (func (export "f") (param f64 v128) (result f32 i64)
                  f32.const 1 i64.const 2)
                (func $start)
                (start $start)
                (@custom "x" "y"))"#,
        )
        .unwrap();
        let (out, probes) = instrument(&module).unwrap();
        Validator::new_with_features(WasmFeatures::all())
            .validate_all(&out)
            .unwrap();
        assert_eq!(
            probes
                .iter()
                .filter(|p| matches!(p, Probe::Call { .. }))
                .count(),
            1
        );
        assert_eq!(probes.len(), 7, "{probes:?}");
        let names = super::super::wrap::exported_globals(&out);
        assert_eq!(names, vec!["g".to_string()]);
    }

    #[test]
    fn missing_sections_go_before_a_trailing_name_section() {
        let m = wat::parse_str(
            r#"(module (import "spectest" "print_i32" (func $f (param i32))) (export "print" (func $f)))"#,
        )
        .unwrap();
        let (out, _) = instrument(&m).unwrap();
        let ids: Vec<u8> = wasmparser::Parser::new(0)
            .parse_all(&out)
            .filter_map(|p| p.ok()?.as_section().map(|(id, _)| id))
            .collect();
        assert_eq!(ids, vec![1, 2, 3, 7, 10, 0]);
    }

    #[test]
    fn a_module_without_sections_gets_them() {
        let (out, probes) = instrument(b"\0asm\x01\0\0\0").unwrap();
        assert_eq!(probes, vec![Probe::Ping]);
        Validator::new().validate_all(&out).unwrap();
        let (out, probes) =
            instrument(&wat::parse_str("(module (memory (export \"m\") 0))").unwrap()).unwrap();
        assert_eq!(probes.len(), 3);
        Validator::new().validate_all(&out).unwrap();
    }
}
