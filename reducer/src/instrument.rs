//! Rewrites a module so that a run of it on Wasmtime tells the recorder what it needs.
//!
//! Two rewrites:
//! - **profile**: one `i64` counter global per defined function, incremented at entry and
//!   exported, so that one run says which functions executed and how often at almost no
//!   cost;
//! - **record**: the functions of a target set call host hooks (imports of module `__rr`,
//!   appended after the module's own imports, so defined functions shift by their number)
//!   at entry (with the arguments), before and after each call they make (with the
//!   results), at each load and store, lane loads and stores included (address, offset,
//!   size; the host reads the bytes
//!   from the memory, exported as `__rr_mem`), at each `global.get`/`global.set` (with the
//!   value), and around `memory.copy`/`memory.fill`. Values cross as `i32`/`i64` bits.

use std::collections::HashSet;
use std::convert::Infallible;

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{Function, SectionId};
use wasmparser::{Operator, Payload, ValType};

use crate::module::Info;

/// The hooks, in import order.
pub(crate) const HOOKS: [(&str, &[ValType]); 10] = [
    ("val_i32", &[ValType::I32]),
    ("val_i64", &[ValType::I64]),
    ("entry", &[ValType::I32]),
    ("load", &[ValType::I32, ValType::I32, ValType::I32]),
    ("store", &[ValType::I32, ValType::I32, ValType::I32]),
    ("global_get", &[ValType::I32]),
    ("global_set", &[ValType::I32]),
    ("call_before", &[ValType::I32]),
    (
        "call_indirect_before",
        &[ValType::I32, ValType::I32, ValType::I32],
    ),
    ("call_after", &[]),
];
const VAL_I32: u32 = 0;
const VAL_I64: u32 = 1;
const ENTRY: u32 = 2;
const LOAD: u32 = 3;
const STORE: u32 = 4;
const GLOBAL_GET: u32 = 5;
const GLOBAL_SET: u32 = 6;
const CALL_BEFORE: u32 = 7;
const CALL_INDIRECT_BEFORE: u32 = 8;
const CALL_AFTER: u32 = 9;

/// The export name of the memory the hooks read.
pub(crate) const MEMORY_EXPORT: &str = "__rr_mem";
/// The prefix of the tables' export names (record mode), followed by the table index.
pub(crate) const TABLE_EXPORT: &str = "__rr_table";
/// The prefix of the profile counters' export names.
pub(crate) const COUNTER_EXPORT: &str = "__rr_count";

/// Which rewrite.
pub(crate) enum Mode<'a> {
    Profile,
    Record(&'a HashSet<u32>),
}

/// Maps function indices past the inserted hooks.
struct Shift {
    imported: u32,
    by: u32,
}

impl Reencode for Shift {
    type Error = Infallible;
    fn function_index(&mut self, f: u32) -> Result<u32, reencode::Error<Infallible>> {
        Ok(if f < self.imported { f } else { f + self.by })
    }
}

/// Why a function cannot be recorded, or `None` when it can.
pub(crate) fn unsupported(module: &[u8], info: &Info, f: u32) -> Option<String> {
    let ty = info.func_type(f)?;
    if ty.params().iter().any(|t| !simple(*t)) {
        return Some(format!("function {f} takes a vector or reference argument"));
    }
    let defined = f.checked_sub(info.imported_funcs)? as usize;
    let body = info.bodies.get(defined)?;
    if info
        .memories
        .first()
        .is_some_and(|m| m.memory64 || m.shared)
    {
        return Some("its memory is 64-bit or shared".into());
    }
    let ops = crate::module::operators(module, body);
    if ops.len() != body.ops.len() {
        return Some("an instruction does not parse".into());
    }
    for op in ops {
        if let Some(why) = unsupported_op(info, &op) {
            return Some(format!("function {f} uses {why}"));
        }
    }
    None
}

fn simple(t: ValType) -> bool {
    matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64)
}

fn unsupported_op(info: &Info, op: &Operator<'_>) -> Option<String> {
    if let Some((memarg, _, _)) = mem_access(op) {
        return (memarg.memory != 0).then(|| "a memory other than the first".into());
    }
    match op {
        Operator::Call { function_index } => {
            let ty = info.func_type(*function_index)?;
            (!ty.results().iter().all(|t| simple(*t)))
                .then(|| "a call returning a vector or reference".into())
        }
        Operator::CallIndirect { type_index, .. } => {
            let ty = info.types.get(*type_index as usize)?.as_ref()?;
            (!ty.results().iter().all(|t| simple(*t)))
                .then(|| "a call returning a vector or reference".into())
        }
        Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => {
            let g = info.globals.get(*global_index as usize)?;
            (!simple(g.content_type)).then(|| "a vector or reference global".into())
        }
        Operator::MemorySize { mem }
        | Operator::MemoryGrow { mem }
        | Operator::MemoryFill { mem } => {
            (*mem != 0).then(|| "a memory other than the first".into())
        }
        Operator::MemoryCopy { dst_mem, src_mem } => {
            (*dst_mem != 0 || *src_mem != 0).then(|| "a memory other than the first".into())
        }
        _ => {
            let name = format!("{op:?}");
            let denied = [
                "Table",
                "Elem",
                "Data",
                "MemoryInit",
                "RefFunc",
                "ReturnCall",
                "CallRef",
                "Try",
                "Throw",
                "Rethrow",
                "Delegate",
                "Catch",
                "Struct",
                "Array",
                "Any",
                "Extern",
                "I31",
                "BrOn",
                "Atomic",
                "Resume",
                "Suspend",
                "Cont",
                "Switch",
                "RefAs",
                "RefCast",
                "RefTest",
            ];
            denied
                .iter()
                .any(|d| name.contains(d))
                .then(|| format!("`{}`", name.split([' ', '{']).next().unwrap_or("?")))
        }
    }
}

/// What a memory access takes from the operand stack besides its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Nothing: a load.
    Load,
    /// A vector on top of the address, whose lane the load replaces (`v128.loadN_lane`).
    LoadLane,
    /// The value stored, on top of the address (a store; `v128.storeN_lane` stores one
    /// lane of a vector).
    Store(ValType),
}

/// A memory access: its immediate, its size in bytes, and its operands.
fn mem_access(op: &Operator<'_>) -> Option<(wasmparser::MemArg, u32, Access)> {
    use Operator::*;
    if let Some(lane) = lane_access(op) {
        return Some(lane);
    }
    let (memarg, size, stored) = match *op {
        I32Load { memarg } | F32Load { memarg } | I64Load32S { memarg } | I64Load32U { memarg } => {
            (memarg, 4, None)
        }
        I64Load { memarg } | F64Load { memarg } => (memarg, 8, None),
        I32Load8S { memarg }
        | I32Load8U { memarg }
        | I64Load8S { memarg }
        | I64Load8U { memarg } => (memarg, 1, None),
        I32Load16S { memarg }
        | I32Load16U { memarg }
        | I64Load16S { memarg }
        | I64Load16U { memarg } => (memarg, 2, None),
        V128Load { memarg } => (memarg, 16, None),
        V128Load8x8S { memarg }
        | V128Load8x8U { memarg }
        | V128Load16x4S { memarg }
        | V128Load16x4U { memarg }
        | V128Load32x2S { memarg }
        | V128Load32x2U { memarg }
        | V128Load64Splat { memarg }
        | V128Load64Zero { memarg } => (memarg, 8, None),
        V128Load8Splat { memarg } => (memarg, 1, None),
        V128Load16Splat { memarg } => (memarg, 2, None),
        V128Load32Splat { memarg } | V128Load32Zero { memarg } => (memarg, 4, None),
        I32Store { memarg } => (memarg, 4, Some(ValType::I32)),
        I64Store { memarg } => (memarg, 8, Some(ValType::I64)),
        F32Store { memarg } => (memarg, 4, Some(ValType::F32)),
        F64Store { memarg } => (memarg, 8, Some(ValType::F64)),
        I32Store8 { memarg } => (memarg, 1, Some(ValType::I32)),
        I32Store16 { memarg } => (memarg, 2, Some(ValType::I32)),
        I64Store8 { memarg } => (memarg, 1, Some(ValType::I64)),
        I64Store16 { memarg } => (memarg, 2, Some(ValType::I64)),
        I64Store32 { memarg } => (memarg, 4, Some(ValType::I64)),
        V128Store { memarg } => (memarg, 16, Some(ValType::V128)),
        _ => return None,
    };
    Some((memarg, size, stored.map_or(Access::Load, Access::Store)))
}

/// The lane loads and stores: the bytes of one lane.
fn lane_access(op: &Operator<'_>) -> Option<(wasmparser::MemArg, u32, Access)> {
    use Operator::*;
    let store = Access::Store(ValType::V128);
    Some(match *op {
        V128Load8Lane { memarg, .. } => (memarg, 1, Access::LoadLane),
        V128Load16Lane { memarg, .. } => (memarg, 2, Access::LoadLane),
        V128Load32Lane { memarg, .. } => (memarg, 4, Access::LoadLane),
        V128Load64Lane { memarg, .. } => (memarg, 8, Access::LoadLane),
        V128Store8Lane { memarg, .. } => (memarg, 1, store),
        V128Store16Lane { memarg, .. } => (memarg, 2, store),
        V128Store32Lane { memarg, .. } => (memarg, 4, store),
        V128Store64Lane { memarg, .. } => (memarg, 8, store),
        _ => return None,
    })
}

fn enc_val(t: ValType) -> wasm_encoder::ValType {
    match t {
        ValType::I32 => wasm_encoder::ValType::I32,
        ValType::I64 => wasm_encoder::ValType::I64,
        ValType::F32 => wasm_encoder::ValType::F32,
        ValType::F64 => wasm_encoder::ValType::F64,
        _ => wasm_encoder::ValType::V128,
    }
}

/// Scratch locals of an instrumented body.
struct Temps {
    /// An `i32` for addresses.
    addr: u32,
    /// Per simple type and `v128`: the first index and how many.
    by_type: Vec<(ValType, u32, u32)>,
}

impl Temps {
    fn get(&self, t: ValType, k: u32) -> u32 {
        let (_, first, _) = self
            .by_type
            .iter()
            .find(|(ty, _, _)| *ty == t)
            .copied()
            .unwrap_or((t, self.addr, 1));
        first + k
    }
}

/// Rewrites `module` (see the module documentation).
pub(crate) fn instrument(module: &[u8], info: &Info, mode: &Mode<'_>) -> Result<Vec<u8>, String> {
    let hooks = match mode {
        Mode::Profile => 0,
        Mode::Record(_) => HOOKS.len() as u32,
    };
    let mut shift = Shift {
        imported: info.imported_funcs,
        by: hooks,
    };
    let err = |e: reencode::Error<Infallible>| e.to_string();
    let defined_globals = info.globals.len() as u32;
    let n_defined = info.bodies.len() as u32;
    let hook_type_base = info.types.len() as u32;
    let mut out = wasm_encoder::Module::new();
    let has = |id: SectionId| info.sections.iter().any(|(s, _)| *s == id as u8);
    let order = [
        SectionId::Type,
        SectionId::Import,
        SectionId::Function,
        SectionId::Table,
        SectionId::Memory,
        SectionId::Tag,
        SectionId::Global,
        SectionId::Export,
        SectionId::Start,
        SectionId::Element,
        SectionId::DataCount,
        SectionId::Code,
        SectionId::Data,
    ];
    let payloads: Vec<Payload<'_>> = wasmparser::Parser::new(0)
        .parse_all(module)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let raw = |id: SectionId| {
        info.sections
            .iter()
            .find(|(s, _)| *s == id as u8)
            .map(|(_, r)| r.clone())
    };
    for id in order {
        match id {
            SectionId::Type if hooks > 0 || has(id) => {
                let mut types = wasm_encoder::TypeSection::new();
                for p in &payloads {
                    if let Payload::TypeSection(r) = p {
                        RoundtripReencoder
                            .parse_type_section(&mut types, r.clone())
                            .map_err(err)?;
                    }
                }
                if hooks > 0 {
                    for (_, params) in HOOKS {
                        types.ty().function(params.iter().map(|t| enc_val(*t)), []);
                    }
                }
                out.section(&types);
            }
            SectionId::Import if hooks > 0 || has(id) => {
                let mut imports = wasm_encoder::ImportSection::new();
                for p in &payloads {
                    if let Payload::ImportSection(r) = p {
                        RoundtripReencoder
                            .parse_import_section(&mut imports, r.clone())
                            .map_err(err)?;
                    }
                }
                for (k, (name, _)) in HOOKS.iter().enumerate().take(hooks as usize) {
                    imports.import(
                        "__rr",
                        name,
                        wasm_encoder::EntityType::Function(hook_type_base + k as u32),
                    );
                }
                out.section(&imports);
            }
            SectionId::Global if matches!(mode, Mode::Profile) || has(id) => {
                let mut globals = wasm_encoder::GlobalSection::new();
                for p in &payloads {
                    if let Payload::GlobalSection(r) = p {
                        shift
                            .parse_global_section(&mut globals, r.clone())
                            .map_err(err)?;
                    }
                }
                if let Mode::Profile = mode {
                    for _ in 0..n_defined {
                        globals.global(
                            wasm_encoder::GlobalType {
                                val_type: wasm_encoder::ValType::I64,
                                mutable: true,
                                shared: false,
                            },
                            &wasm_encoder::ConstExpr::i64_const(0),
                        );
                    }
                }
                out.section(&globals);
            }
            SectionId::Export => {
                let mut exports = wasm_encoder::ExportSection::new();
                for p in &payloads {
                    if let Payload::ExportSection(r) = p {
                        shift
                            .parse_export_section(&mut exports, r.clone())
                            .map_err(err)?;
                    }
                }
                if !info.memories.is_empty() {
                    exports.export(MEMORY_EXPORT, wasm_encoder::ExportKind::Memory, 0);
                }
                if let Mode::Record(_) = mode {
                    for t in 0..info.tables.len() as u32 {
                        exports.export(
                            &format!("{TABLE_EXPORT}{t}"),
                            wasm_encoder::ExportKind::Table,
                            t,
                        );
                    }
                }
                if let Mode::Profile = mode {
                    for i in 0..n_defined {
                        exports.export(
                            &format!("{COUNTER_EXPORT}{i}"),
                            wasm_encoder::ExportKind::Global,
                            defined_globals + i,
                        );
                    }
                }
                out.section(&exports);
            }
            SectionId::Start => {
                if let Some(s) = info.start {
                    out.section(&wasm_encoder::StartSection {
                        function_index: shift.function_index(s).map_err(err)?,
                    });
                }
            }
            SectionId::Element if has(id) => {
                let mut elements = wasm_encoder::ElementSection::new();
                for p in &payloads {
                    if let Payload::ElementSection(r) = p {
                        shift
                            .parse_element_section(&mut elements, r.clone())
                            .map_err(err)?;
                    }
                }
                out.section(&elements);
            }
            SectionId::Code if has(id) => {
                let mut code = wasm_encoder::CodeSection::new();
                let mut i = 0u32;
                for p in &payloads {
                    if let Payload::CodeSectionEntry(body) = p {
                        let f = info.imported_funcs + i;
                        i += 1;
                        match mode {
                            Mode::Profile => {
                                let mut func =
                                    shift.new_function_with_parsed_locals(body).map_err(err)?;
                                let g = defined_globals + (f - info.imported_funcs);
                                func.instructions()
                                    .global_get(g)
                                    .i64_const(1)
                                    .i64_add()
                                    .global_set(g);
                                let mut ops =
                                    body.get_operators_reader().map_err(|e| e.to_string())?;
                                while !ops.eof() {
                                    let op = ops.read().map_err(|e| e.to_string())?;
                                    func.instruction(&shift.instruction(op).map_err(err)?);
                                }
                                code.function(&func);
                            }
                            Mode::Record(set) if set.contains(&f) => {
                                let func = record_body(info, &mut shift, f, body)?;
                                code.function(&func);
                            }
                            Mode::Record(_) => {
                                shift
                                    .parse_function_body(&mut code, body.clone())
                                    .map_err(err)?;
                            }
                        }
                    }
                }
                out.section(&code);
            }
            _ => {
                if let Some(r) = raw(id) {
                    out.section(&wasm_encoder::RawSection {
                        id: id as u8,
                        data: &module[r],
                    });
                }
            }
        }
    }
    Ok(out.finish())
}

/// The body of function `f` with its hooks.
fn record_body(
    info: &Info,
    shift: &mut Shift,
    f: u32,
    body: &wasmparser::FunctionBody<'_>,
) -> Result<Function, String> {
    let err = |e: reencode::Error<Infallible>| e.to_string();
    let ty = info.func_type(f).ok_or("a function without a type")?;
    let mut locals: Vec<(u32, wasm_encoder::ValType)> = Vec::new();
    let mut count = ty.params().len() as u32;
    for l in body.get_locals_reader().map_err(|e| e.to_string())? {
        let (n, t) = l.map_err(|e| e.to_string())?;
        locals.push((n, shift.val_type(t).map_err(err)?));
        count += n;
    }
    // Scratch: enough of each type for the longest result list of any callee, and three
    // `i32`s for `memory.copy`/`memory.fill`.
    let mut need = [
        (ValType::I32, 3u32),
        (ValType::I64, 1),
        (ValType::F32, 1),
        (ValType::F64, 1),
        (ValType::V128, 1),
    ];
    for t in info.types.iter().flatten() {
        for (ty, n) in need.iter_mut() {
            let c = t.results().iter().filter(|r| *r == ty).count() as u32;
            *n = (*n).max(c);
        }
    }
    let addr = count;
    locals.push((1, wasm_encoder::ValType::I32));
    count += 1;
    let mut by_type = Vec::new();
    for (t, n) in need {
        by_type.push((t, count, n));
        locals.push((n, enc_val(t)));
        count += n;
    }
    let temps = Temps { addr, by_type };
    let hook = |k: u32| info.imported_funcs + k;
    let mut func = Function::new(locals);

    // Entry: the arguments, then the marker.
    for (i, p) in ty.params().iter().enumerate() {
        func.instructions().local_get(i as u32);
        push_value_hook(&mut func, *p, hook);
    }
    func.instructions().i32_const(f as i32).call(hook(ENTRY));

    let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
    while !ops.eof() {
        let op = ops.read().map_err(|e| e.to_string())?;
        if let Some((memarg, size, access)) = mem_access(&op) {
            let offset = memarg.offset as u32 as i32;
            match access {
                Access::Load => {
                    func.instructions()
                        .local_tee(temps.addr)
                        .local_get(temps.addr)
                        .i32_const(offset)
                        .i32_const(size as i32)
                        .call(hook(LOAD));
                    func.instruction(&shift.instruction(op).map_err(err)?);
                }
                Access::LoadLane => {
                    // The vector aside, the address hooked, the vector back.
                    let v = temps.get(ValType::V128, 0);
                    func.instructions()
                        .local_set(v)
                        .local_tee(temps.addr)
                        .local_get(temps.addr)
                        .i32_const(offset)
                        .i32_const(size as i32)
                        .call(hook(LOAD))
                        .local_get(v);
                    func.instruction(&shift.instruction(op).map_err(err)?);
                }
                Access::Store(vt) => {
                    let v = temps.get(vt, 0);
                    func.instructions()
                        .local_set(v)
                        .local_tee(temps.addr)
                        .local_get(v);
                    func.instruction(&shift.instruction(op).map_err(err)?);
                    func.instructions()
                        .local_get(temps.addr)
                        .i32_const(offset)
                        .i32_const(size as i32)
                        .call(hook(STORE));
                }
            }
            continue;
        }
        match op {
            Operator::Call { function_index } => {
                let callee_ty = info
                    .func_type(function_index)
                    .ok_or("a call to a function without a type")?
                    .clone();
                func.instructions()
                    .i32_const(function_index as i32)
                    .call(hook(CALL_BEFORE));
                func.instruction(&shift.instruction(op).map_err(err)?);
                results_hook(&mut func, &temps, callee_ty.results(), hook);
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let callee_ty = info
                    .types
                    .get(type_index as usize)
                    .and_then(|t| t.clone())
                    .ok_or("call_indirect of a non-function type")?;
                func.instructions()
                    .local_set(temps.addr)
                    .i32_const(table_index as i32)
                    .local_get(temps.addr)
                    .i32_const(type_index as i32)
                    .call(hook(CALL_INDIRECT_BEFORE))
                    .local_get(temps.addr);
                func.instruction(&shift.instruction(op).map_err(err)?);
                results_hook(&mut func, &temps, callee_ty.results(), hook);
            }
            Operator::GlobalGet { global_index } => {
                let t = info.globals[global_index as usize].content_type;
                let tmp = temps.get(t, 0);
                func.instruction(&shift.instruction(op).map_err(err)?);
                func.instructions().local_tee(tmp).local_get(tmp);
                push_value_hook(&mut func, t, hook);
                func.instructions()
                    .i32_const(global_index as i32)
                    .call(hook(GLOBAL_GET));
            }
            Operator::GlobalSet { global_index } => {
                let t = info.globals[global_index as usize].content_type;
                let tmp = temps.get(t, 0);
                func.instructions().local_set(tmp).local_get(tmp);
                push_value_hook(&mut func, t, hook);
                func.instructions()
                    .i32_const(global_index as i32)
                    .call(hook(GLOBAL_SET))
                    .local_get(tmp);
                func.instruction(&shift.instruction(op).map_err(err)?);
            }
            Operator::MemoryFill { .. } => {
                let (d, v, n) = (
                    temps.get(ValType::I32, 0),
                    temps.get(ValType::I32, 1),
                    temps.get(ValType::I32, 2),
                );
                func.instructions()
                    .local_set(n)
                    .local_set(v)
                    .local_set(d)
                    .local_get(d)
                    .local_get(v)
                    .local_get(n);
                func.instruction(&shift.instruction(op).map_err(err)?);
                func.instructions()
                    .local_get(d)
                    .i32_const(0)
                    .local_get(n)
                    .call(hook(STORE));
            }
            Operator::MemoryCopy { .. } => {
                let (d, s, n) = (
                    temps.get(ValType::I32, 0),
                    temps.get(ValType::I32, 1),
                    temps.get(ValType::I32, 2),
                );
                func.instructions()
                    .local_set(n)
                    .local_set(s)
                    .local_set(d)
                    .local_get(s)
                    .i32_const(0)
                    .local_get(n)
                    .call(hook(LOAD))
                    .local_get(d)
                    .local_get(s)
                    .local_get(n);
                func.instruction(&shift.instruction(op).map_err(err)?);
                func.instructions()
                    .local_get(d)
                    .i32_const(0)
                    .local_get(n)
                    .call(hook(STORE));
            }
            other => {
                func.instruction(&shift.instruction(other).map_err(err)?);
            }
        }
    }
    Ok(func)
}

/// Passes the value on top of the stack (consumed) to the value hook of its type.
fn push_value_hook(func: &mut Function, t: ValType, hook: impl Fn(u32) -> u32) {
    let mut i = func.instructions();
    match t {
        ValType::I32 => {
            i.call(hook(VAL_I32));
        }
        ValType::I64 => {
            i.call(hook(VAL_I64));
        }
        ValType::F32 => {
            i.i32_reinterpret_f32().call(hook(VAL_I32));
        }
        ValType::F64 => {
            i.i64_reinterpret_f64().call(hook(VAL_I64));
        }
        _ => {
            i.drop();
        }
    }
}

/// After a call: the results go to the value hooks, then `call_after`, and back on the
/// stack.
fn results_hook(
    func: &mut Function,
    temps: &Temps,
    results: &[ValType],
    hook: impl Fn(u32) -> u32 + Copy,
) {
    // The k-th result of type t goes to the k-th scratch local of t.
    let mut slots = Vec::with_capacity(results.len());
    let mut used: Vec<(ValType, u32)> = Vec::new();
    for r in results {
        let k = match used.iter_mut().find(|(t, _)| t == r) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                used.push((*r, 1));
                0
            }
        };
        slots.push(temps.get(*r, k));
    }
    for s in slots.iter().rev() {
        func.instructions().local_set(*s);
    }
    for (s, r) in slots.iter().zip(results) {
        func.instructions().local_get(*s);
        push_value_hook(func, *r, hook);
    }
    func.instructions().call(hook(CALL_AFTER));
    for s in &slots {
        func.instructions().local_get(*s);
    }
}
