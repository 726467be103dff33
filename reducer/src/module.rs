//! What the reducer needs to know about a module, and byte-level edits of it.

use std::ops::Range;

use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, GlobalType, MemoryType, Parser, Payload, TableType,
    TypeRef, ValType, Validator, WasmFeatures,
};

/// The empty module.
pub const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

/// Validates a module with every feature the reducer's parser knows.
pub fn validate(module: &[u8]) -> Result<(), String> {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(module)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Sizes of a module, as the final report gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Bytes of the whole module.
    pub bytes: usize,
    /// Bytes of the code section (function bodies).
    pub code_bytes: usize,
    /// Functions defined (not imported).
    pub functions: usize,
    /// Instructions in all bodies (each `end` counted too).
    pub instructions: usize,
}

impl Stats {
    /// Measures a module; a module that does not parse counts only its bytes.
    pub fn of(module: &[u8]) -> Stats {
        let mut s = Stats {
            bytes: module.len(),
            ..Stats::default()
        };
        if let Ok(info) = Info::parse(module) {
            s.functions = info.bodies.len();
            s.code_bytes = info.code_section.map_or(0, |r| r.len());
            for body in &info.bodies {
                s.instructions += body.ops.len();
            }
        }
        s
    }
}

/// One defined function's body, located in the module's bytes.
#[derive(Clone, Debug)]
pub struct Body {
    /// The whole body (without its size prefix).
    pub range: Range<usize>,
    /// The locals declarations.
    pub locals: Range<usize>,
    /// Each instruction's bytes, in order (the final `end` included).
    pub ops: Vec<Range<usize>>,
}

/// A module's index spaces and sections, as far as the reducer uses them.
#[derive(Clone, Debug, Default)]
pub struct Info {
    /// Function types by type index (`None` for non-function types).
    pub types: Vec<Option<FuncType>>,
    /// The type index of each function (imported first).
    pub func_types: Vec<u32>,
    /// How many functions are imported.
    pub imported_funcs: u32,
    /// Globals (imported first).
    pub globals: Vec<GlobalType>,
    /// How many globals are imported.
    pub imported_globals: u32,
    /// Memories (imported first).
    pub memories: Vec<MemoryType>,
    /// Tables (imported first).
    pub tables: Vec<TableType>,
    /// Imports: module, name.
    pub imports: Vec<(String, String)>,
    /// Exports: name, kind, index.
    pub exports: Vec<(String, ExternalKind, u32)>,
    /// The start function.
    pub start: Option<u32>,
    /// Every section: id and byte range (payload without the id and size).
    pub sections: Vec<(u8, Range<usize>)>,
    /// The code section's contents.
    pub code_section: Option<Range<usize>>,
    /// Function bodies of the defined functions.
    pub bodies: Vec<Body>,
    /// Function names from the name section.
    pub names: Vec<(u32, String)>,
}

impl Info {
    /// Parses a module (without validating it).
    pub fn parse(module: &[u8]) -> Result<Info, String> {
        let mut info = Info::default();
        for payload in Parser::new(0).parse_all(module) {
            let payload = payload.map_err(|e| e.to_string())?;
            if let Some((id, range)) = payload.as_section() {
                info.sections.push((id, range));
            }
            match payload {
                Payload::TypeSection(r) => {
                    for rec in r {
                        let rec = rec.map_err(|e| e.to_string())?;
                        for sub in rec.into_types() {
                            info.types.push(match sub.composite_type.inner {
                                CompositeInnerType::Func(f) => Some(f),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(r) => {
                    for imp in r.into_imports() {
                        let imp = imp.map_err(|e| e.to_string())?;
                        info.imports.push((imp.module.into(), imp.name.into()));
                        match imp.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                info.func_types.push(t);
                                info.imported_funcs += 1;
                            }
                            TypeRef::Global(g) => {
                                info.globals.push(g);
                                info.imported_globals += 1;
                            }
                            TypeRef::Memory(m) => info.memories.push(m),
                            TypeRef::Table(t) => info.tables.push(t),
                            TypeRef::Tag(_) => {}
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        info.func_types.push(t.map_err(|e| e.to_string())?);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        info.globals.push(g.map_err(|e| e.to_string())?.ty);
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        info.memories.push(m.map_err(|e| e.to_string())?);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r {
                        info.tables.push(t.map_err(|e| e.to_string())?.ty);
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e.map_err(|e| e.to_string())?;
                        info.exports.push((e.name.into(), e.kind, e.index));
                    }
                }
                Payload::StartSection { func, .. } => info.start = Some(func),
                Payload::CodeSectionStart { range, .. } => info.code_section = Some(range),
                Payload::CodeSectionEntry(body) => {
                    let range = body.range();
                    let locals_reader = body.get_locals_reader().map_err(|e| e.to_string())?;
                    let mut locals_end = locals_reader.original_position();
                    let mut lr = locals_reader;
                    for _ in 0..lr.get_count() {
                        lr.read().map_err(|e| e.to_string())?;
                        locals_end = lr.original_position();
                    }
                    let mut ops = Vec::new();
                    let mut reader = body.get_operators_reader().map_err(|e| e.to_string())?;
                    let mut at = reader.original_position();
                    while !reader.eof() {
                        reader.read().map_err(|e| e.to_string())?;
                        let next = reader.original_position();
                        ops.push(at..next);
                        at = next;
                    }
                    info.bodies.push(Body {
                        locals: range.start..locals_end,
                        range,
                        ops,
                    });
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names.into_iter().flatten() {
                            if let wasmparser::Name::Function(map) = n {
                                for naming in map.into_iter().flatten() {
                                    info.names.push((naming.index, naming.name.to_string()));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(info)
    }

    /// The type of function `f`.
    pub fn func_type(&self, f: u32) -> Option<&FuncType> {
        let t = *self.func_types.get(f as usize)?;
        self.types.get(t as usize)?.as_ref()
    }

    /// The function exported under `name`.
    pub fn exported_function(&self, name: &str) -> Option<u32> {
        self.exports
            .iter()
            .find(|(n, k, _)| {
                n == name && matches!(k, ExternalKind::Func | ExternalKind::FuncExact)
            })
            .map(|(_, _, i)| *i)
    }

    /// The function index of defined function number `i` (bodies are numbered from 0).
    pub fn defined(&self, i: usize) -> u32 {
        self.imported_funcs + i as u32
    }
}

/// Rebuilds `module` with the code section's bodies replaced (one per defined function,
/// without size prefixes). Every other section is copied byte for byte.
pub fn with_bodies(module: &[u8], info: &Info, bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut out = wasm_encoder::Module::new();
    for (id, range) in &info.sections {
        if *id == wasm_encoder::SectionId::Code as u8 {
            let mut code = wasm_encoder::CodeSection::new();
            for b in bodies {
                code.raw(b);
            }
            out.section(&code);
        } else {
            out.section(&wasm_encoder::RawSection {
                id: *id,
                data: &module[range.clone()],
            });
        }
    }
    out.finish()
}

/// The current bodies of `module`, each as bytes (locals and instructions).
pub fn bodies(module: &[u8], info: &Info) -> Vec<Vec<u8>> {
    info.bodies
        .iter()
        .map(|b| module[b.range.clone()].to_vec())
        .collect()
}

/// A body that traps at once: no locals, `unreachable`, `end`.
pub const TRAP_BODY: &[u8] = &[0x00, 0x00, 0x0b];

/// Rebuilds `module` without the exports at the given positions.
pub fn without_exports(module: &[u8], info: &Info, drop: &[usize]) -> Vec<u8> {
    let mut out = wasm_encoder::Module::new();
    for (id, range) in &info.sections {
        if *id == wasm_encoder::SectionId::Export as u8 {
            let mut ex = wasm_encoder::ExportSection::new();
            for (i, (name, kind, index)) in info.exports.iter().enumerate() {
                if drop.contains(&i) {
                    continue;
                }
                let kind = match kind {
                    ExternalKind::Func | ExternalKind::FuncExact => wasm_encoder::ExportKind::Func,
                    ExternalKind::Table => wasm_encoder::ExportKind::Table,
                    ExternalKind::Memory => wasm_encoder::ExportKind::Memory,
                    ExternalKind::Global => wasm_encoder::ExportKind::Global,
                    ExternalKind::Tag => wasm_encoder::ExportKind::Tag,
                };
                ex.export(name, kind, *index);
            }
            out.section(&ex);
        } else {
            out.section(&wasm_encoder::RawSection {
                id: *id,
                data: &module[range.clone()],
            });
        }
    }
    out.finish()
}

/// Rebuilds `module` without the data segments at the given positions (the data count
/// section follows).
pub fn without_data(module: &[u8], info: &Info, drop: &[usize]) -> Result<Vec<u8>, String> {
    let mut segments = Vec::new();
    for (id, range) in &info.sections {
        if *id == wasm_encoder::SectionId::Data as u8 {
            let reader = wasmparser::DataSectionReader::new(wasmparser::BinaryReader::new(
                &module[range.clone()],
                range.start,
            ))
            .map_err(|e| e.to_string())?;
            for d in reader {
                segments.push(d.map_err(|e| e.to_string())?.range);
            }
        }
    }
    let kept: Vec<&Range<usize>> = segments
        .iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, r)| r)
        .collect();
    let mut out = wasm_encoder::Module::new();
    for (id, range) in &info.sections {
        if *id == wasm_encoder::SectionId::Data as u8 {
            let mut data = Vec::new();
            wasm_encoder::Encode::encode(&(kept.len() as u32), &mut data);
            for r in &kept {
                data.extend_from_slice(&module[(*r).clone()]);
            }
            out.section(&wasm_encoder::RawSection {
                id: *id,
                data: &data,
            });
        } else if *id == wasm_encoder::SectionId::DataCount as u8 {
            out.section(&wasm_encoder::DataCountSection {
                count: kept.len() as u32,
            });
        } else {
            out.section(&wasm_encoder::RawSection {
                id: *id,
                data: &module[range.clone()],
            });
        }
    }
    Ok(out.finish())
}

/// How many data segments the module has.
pub fn data_count(module: &[u8], info: &Info) -> usize {
    info.sections
        .iter()
        .filter(|(id, _)| *id == wasm_encoder::SectionId::Data as u8)
        .filter_map(|(_, range)| {
            wasmparser::DataSectionReader::new(wasmparser::BinaryReader::new(
                &module[range.clone()],
                range.start,
            ))
            .ok()
        })
        .map(|r| r.count() as usize)
        .sum()
}

/// Rebuilds `module` without the custom sections.
pub fn without_custom_sections(module: &[u8], info: &Info) -> Vec<u8> {
    let mut out = wasm_encoder::Module::new();
    for (id, range) in &info.sections {
        if *id != 0 {
            out.section(&wasm_encoder::RawSection {
                id: *id,
                data: &module[range.clone()],
            });
        }
    }
    out.finish()
}

/// The instructions of `body`, in order (as far as they parse).
pub fn operators<'a>(module: &'a [u8], body: &Body) -> Vec<wasmparser::Operator<'a>> {
    let Some(first) = body.ops.first() else {
        return Vec::new();
    };
    let Some(bytes) = module.get(first.start..body.range.end) else {
        return Vec::new();
    };
    let mut r = wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(bytes, first.start));
    let mut out = Vec::with_capacity(body.ops.len());
    while !r.eof() {
        match r.read() {
            Ok(op) => out.push(op),
            Err(_) => break,
        }
    }
    out
}

/// The constant instructions that may stand for a value of each simple type.
pub fn zero_of(ty: ValType) -> Option<Vec<u8>> {
    Some(match ty {
        ValType::I32 => vec![0x41, 0x00],
        ValType::I64 => vec![0x42, 0x00],
        ValType::F32 => vec![0x43, 0, 0, 0, 0],
        ValType::F64 => vec![0x44, 0, 0, 0, 0, 0, 0, 0, 0],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(s: &str) -> Vec<u8> {
        wat::parse_str(s).unwrap()
    }

    #[test]
    fn parses_and_measures() {
        let m = wat(
            r#"(module (import "spectest" "print_i32" (func (param i32)))
            (memory 1) (data (i32.const 0) "ab") (data (i32.const 8) "cd")
            (func $f (export "f") (result i32) i32.const 1 i32.const 2 i32.add)
            (func $g (call 0 (i32.const 3))))"#,
        );
        let info = Info::parse(&m).unwrap();
        assert_eq!(info.imported_funcs, 1);
        assert_eq!(info.bodies.len(), 2);
        assert_eq!(info.bodies[0].ops.len(), 4);
        let s = Stats::of(&m);
        assert_eq!((s.functions, s.instructions), (2, 7));
        assert_eq!(data_count(&m, &info), 2);
        let fewer = without_data(&m, &info, &[0]).unwrap();
        validate(&fewer).unwrap();
        assert_eq!(data_count(&fewer, &Info::parse(&fewer).unwrap()), 1);
        let mut b = bodies(&m, &info);
        b[0] = TRAP_BODY.to_vec();
        let trapped = with_bodies(&m, &info, &b);
        validate(&trapped).unwrap();
        assert!(trapped.len() < m.len());
    }
}
