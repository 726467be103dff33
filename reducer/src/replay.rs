//! The replay module: the target functions unchanged, a stub for each function they call
//! that returns the recorded results and applies the recorded side effects, memory and
//! globals initialised to what the targets read, and a `_start` driver that calls the
//! targets with the recorded arguments, in order, and returns what the last call returned.
//!
//! Side effects are found by replaying the recorded reads against a shadow of the replay
//! module's own state: a byte (or global) read for the first time goes into the initial
//! state; a read that differs from what the replay would hold there (something outside
//! the targets changed it) becomes a write applied by the last stub that returned (or by
//! the driver before the entry), so that only what the targets read is kept.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::convert::Infallible;

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind, ExportSection,
    Function, FunctionSection, GlobalSection, GlobalType, Ieee32, Ieee64, MemArg, MemorySection,
    MemoryType, TableSection, TableType, TypeSection,
};
use wasmparser::{Operator, Payload, ValType};

use crate::module::Info;
use crate::record::{Callee, Event};

const PAGE: u64 = 65536;

/// State changes applied at one point of the replay.
#[derive(Default, Debug)]
struct Point {
    grow_to: Option<u64>,
    memory: BTreeMap<u64, u8>,
    globals: BTreeMap<u32, u64>,
}

struct CallRecord {
    results: Option<Vec<u64>>,
    point: usize,
}

/// Builds the replay module of `set` from its recorded `events`.
pub(crate) fn build(
    module: &[u8],
    info: &Info,
    set: &BTreeSet<u32>,
    events: &[Event],
) -> Result<Vec<u8>, String> {
    // ---- Replay the events against the shadow state.
    let initial_pages = events
        .iter()
        .find_map(|e| match e {
            Event::Entry { pages, .. } => Some(*pages),
            _ => None,
        })
        .or_else(|| info.memories.first().map(|m| m.initial))
        .unwrap_or(0);
    let mut init_mem: BTreeMap<u64, u8> = BTreeMap::new();
    let mut init_glob: HashMap<u32, u64> = HashMap::new();
    let mut shadow_mem: HashMap<u64, u8> = HashMap::new();
    let mut shadow_glob: HashMap<u32, u64> = HashMap::new();
    let mut points: Vec<Point> = Vec::new();
    let mut entries: Vec<(u32, Vec<u64>, usize)> = Vec::new();
    let mut calls: BTreeMap<Callee, Vec<CallRecord>> = BTreeMap::new();
    let mut first_seen: Vec<Callee> = Vec::new();
    let mut open_call: Option<(Callee, usize)> = None;
    let mut current: Option<usize> = None;
    let mut pages_now = initial_pages;
    for e in events {
        match e {
            Event::Entry { func, args, pages } => {
                open_call = None;
                let mut p = Point::default();
                if *pages > pages_now {
                    p.grow_to = Some(*pages);
                    pages_now = *pages;
                }
                points.push(p);
                current = Some(points.len() - 1);
                entries.push((*func, args.clone(), points.len() - 1));
            }
            Event::Call { callee } => {
                points.push(Point::default());
                current = Some(points.len() - 1);
                let list = calls.entry(*callee).or_default();
                if list.is_empty() {
                    first_seen.push(*callee);
                }
                list.push(CallRecord {
                    results: None,
                    point: points.len() - 1,
                });
                open_call = Some((*callee, list.len() - 1));
            }
            Event::Return { results, pages } => {
                if let Some((c, k)) = open_call.take()
                    && let Some(rec) = calls.get_mut(&c).and_then(|l| l.get_mut(k))
                {
                    rec.results = Some(results.clone());
                    if *pages > pages_now {
                        points[rec.point].grow_to = Some(*pages);
                        pages_now = *pages;
                    }
                }
            }
            Event::Load { addr, bytes } => {
                for (i, b) in bytes.iter().enumerate() {
                    let a = addr + i as u64;
                    match shadow_mem.get(&a) {
                        Some(v) if v == b => {}
                        None if a < initial_pages * PAGE => {
                            init_mem.insert(a, *b);
                            shadow_mem.insert(a, *b);
                        }
                        _ => {
                            let p = current.ok_or("a load before any entry")?;
                            points[p].memory.insert(a, *b);
                            shadow_mem.insert(a, *b);
                        }
                    }
                }
            }
            Event::Store { addr, bytes } => {
                for (i, b) in bytes.iter().enumerate() {
                    shadow_mem.insert(addr + i as u64, *b);
                }
            }
            Event::GlobalGet { global, bits } => match shadow_glob.get(global) {
                Some(v) if v == bits => {}
                None => {
                    init_glob.insert(*global, *bits);
                    shadow_glob.insert(*global, *bits);
                }
                _ => {
                    let p = current.ok_or("a global read before any entry")?;
                    points[p].globals.insert(*global, *bits);
                    shadow_glob.insert(*global, *bits);
                }
            },
            Event::GlobalSet { global, bits } => {
                shadow_glob.insert(*global, *bits);
            }
        }
    }

    // ---- Direct callees outside the set need stubs even when never called.
    for &f in set {
        let body = &info.bodies[(f - info.imported_funcs) as usize];
        for op in crate::module::operators(module, body) {
            if let Operator::Call { function_index } = op {
                let c = Callee::Func(function_index);
                if !set.contains(&function_index) && !calls.contains_key(&c) {
                    calls.insert(c, Vec::new());
                    first_seen.push(c);
                }
            }
        }
    }

    // ---- Index spaces of the replay module.
    let stubs: Vec<Callee> = first_seen;
    let n_stubs = stubs.len() as u32;
    let mut fmap: HashMap<u32, u32> = HashMap::new();
    for (k, c) in stubs.iter().enumerate() {
        if let Callee::Func(f) = c {
            fmap.insert(*f, k as u32);
        }
    }
    for (k, f) in set.iter().enumerate() {
        fmap.insert(*f, n_stubs + k as u32);
    }
    let driver = n_stubs + set.len() as u32;
    let driver_type = info.types.len() as u32;
    let n_globals = info.globals.len() as u32;
    let stub_type = |c: &Callee| -> Option<u32> {
        match c {
            Callee::Func(f) => info.func_types.get(*f as usize).copied(),
            Callee::Slot { ty, .. } => Some(*ty),
        }
    };
    let type_of = |t: u32| info.types.get(t as usize).and_then(|t| t.as_ref());

    let mut out = wasm_encoder::Module::new();
    // Types: the original ones (indices kept) and the driver's.
    let mut types = TypeSection::new();
    for p in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(Payload::TypeSection(r)) = p {
            RoundtripReencoder
                .parse_type_section(&mut types, r)
                .map_err(|e| e.to_string())?;
        }
    }
    // The driver returns what the last entry returned, so that a wrong result shows.
    let last_results: Vec<wasm_encoder::ValType> = match entries.last() {
        Some((f, ..)) => info
            .func_type(*f)
            .map(|t| t.results().to_vec())
            .unwrap_or_default()
            .into_iter()
            .map(|t| RoundtripReencoder.val_type(t))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    types.ty().function([], last_results);
    out.section(&types);

    let mut funcs = FunctionSection::new();
    for c in &stubs {
        funcs.function(stub_type(c).ok_or("a callee without a type")?);
    }
    for f in set {
        funcs.function(info.func_types[*f as usize]);
    }
    funcs.function(driver_type);
    out.section(&funcs);

    // Tables: as the original's, each as large as the slots used.
    let mut slots: BTreeMap<u32, BTreeMap<u32, u32>> = BTreeMap::new();
    for (k, c) in stubs.iter().enumerate() {
        if let Callee::Slot { table, slot, .. } = c {
            slots.entry(*table).or_default().insert(*slot, k as u32);
        }
    }
    if !info.tables.is_empty() {
        let mut tables = TableSection::new();
        for (t, ty) in info.tables.iter().enumerate() {
            if !ty.element_type.is_nullable() || ty.table64 {
                return Err("a table of non-nullable references or 64-bit".into());
            }
            let used = slots
                .get(&(t as u32))
                .and_then(|s| s.keys().last())
                .map_or(0, |s| *s as u64 + 1);
            let min = ty.initial.max(used);
            tables.table(TableType {
                element_type: RoundtripReencoder
                    .ref_type(ty.element_type)
                    .map_err(|e| e.to_string())?,
                table64: false,
                minimum: min,
                maximum: ty.maximum.map(|m| m.max(min)),
                shared: false,
            });
        }
        out.section(&tables);
    }
    if let Some(m) = info.memories.first() {
        let mut mems = MemorySection::new();
        mems.memory(MemoryType {
            minimum: initial_pages,
            maximum: m.maximum.map(|x| x.max(initial_pages)),
            memory64: false,
            shared: false,
            page_size_log2: m.page_size_log2,
        });
        out.section(&mems);
    }
    // Globals: the original index space with recorded initial values, then one call
    // counter per stub.
    let mut globals = GlobalSection::new();
    for (g, gt) in info.globals.iter().enumerate() {
        let bits = init_glob.get(&(g as u32)).copied().unwrap_or(0);
        let init = match gt.content_type {
            ValType::I32 => ConstExpr::i32_const(bits as u32 as i32),
            ValType::I64 => ConstExpr::i64_const(bits as i64),
            ValType::F32 => ConstExpr::f32_const(Ieee32::new(bits as u32)),
            ValType::F64 => ConstExpr::f64_const(Ieee64::new(bits)),
            ValType::V128 => ConstExpr::v128_const(0),
            ValType::Ref(r) if r.is_nullable() => ConstExpr::ref_null(
                RoundtripReencoder
                    .heap_type(r.heap_type())
                    .map_err(|e| e.to_string())?,
            ),
            ValType::Ref(_) => return Err("a global of a non-nullable reference".into()),
        };
        globals.global(
            GlobalType {
                val_type: RoundtripReencoder
                    .val_type(gt.content_type)
                    .map_err(|e| e.to_string())?,
                mutable: gt.mutable,
                shared: false,
            },
            &init,
        );
    }
    for _ in &stubs {
        globals.global(
            GlobalType {
                val_type: wasm_encoder::ValType::I32,
                mutable: true,
                shared: false,
            },
            &ConstExpr::i32_const(0),
        );
    }
    out.section(&globals);

    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, driver);
    for (name, kind, idx) in &info.exports {
        if *kind == wasmparser::ExternalKind::Memory && *idx == 0 {
            exports.export(name, ExportKind::Memory, 0);
        }
    }
    out.section(&exports);

    if !slots.is_empty() {
        let mut elems = ElementSection::new();
        for (t, s) in &slots {
            for (slot, stub) in s {
                elems.active(
                    Some(*t),
                    &ConstExpr::i32_const(*slot as i32),
                    Elements::Functions(vec![*stub].into()),
                );
            }
        }
        out.section(&elems);
    }

    // ---- Code.
    let mut code = CodeSection::new();
    for (k, c) in stubs.iter().enumerate() {
        let ty = type_of(stub_type(c).ok_or("a callee without a type")?)
            .ok_or("a callee of a non-function type")?;
        let counter = n_globals + k as u32;
        let records = calls.get(c).map(|v| v.as_slice()).unwrap_or(&[]);
        let mut f = Function::new([]);
        let uniform = !records.is_empty()
            && records.iter().all(|r| {
                r.results.is_some() && r.results == records[0].results && is_empty(&points[r.point])
            });
        if uniform {
            push_values(
                &mut f,
                ty.results(),
                records[0].results.as_deref().unwrap_or(&[]),
            );
        } else {
            for (n, r) in records.iter().enumerate() {
                let Some(results) = &r.results else { continue };
                f.instructions()
                    .block(wasm_encoder::BlockType::Empty)
                    .global_get(counter)
                    .i32_const(n as i32)
                    .i32_ne()
                    .br_if(0)
                    .global_get(counter)
                    .i32_const(1)
                    .i32_add()
                    .global_set(counter);
                apply(&mut f, &points[r.point], info);
                push_values(&mut f, ty.results(), results);
                f.instructions().return_().end();
            }
            f.instructions().unreachable();
        }
        f.instructions().end();
        code.function(&f);
    }
    let mut map = Map { fmap };
    for f in set {
        let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(
            &module[info.bodies[(f - info.imported_funcs) as usize]
                .range
                .clone()],
            info.bodies[(f - info.imported_funcs) as usize].range.start,
        ));
        map.parse_function_body(&mut code, body)
            .map_err(|e| e.to_string())?;
    }
    let mut d = Function::new([]);
    for (n, (func, args, point)) in entries.iter().enumerate() {
        apply(&mut d, &points[*point], info);
        let ty = info
            .func_type(*func)
            .ok_or("an entry of a function without a type")?;
        push_values(&mut d, ty.params(), args);
        d.instructions()
            .call(*map.fmap.get(func).ok_or("an entry outside the set")?);
        if n + 1 < entries.len() {
            for _ in ty.results() {
                d.instructions().drop();
            }
        }
    }
    d.instructions().end();
    code.function(&d);
    out.section(&code);

    // ---- Data: the initial bytes, in merged ranges (gaps of up to 8 zero bytes filled).
    if !init_mem.is_empty() {
        let mut data = DataSection::new();
        for (start, bytes) in runs(&init_mem, 8) {
            data.active(0, &ConstExpr::i32_const(start as u32 as i32), bytes);
        }
        out.section(&data);
    }
    Ok(out.finish())
}

fn is_empty(p: &Point) -> bool {
    p.grow_to.is_none() && p.memory.is_empty() && p.globals.is_empty()
}

/// Contiguous runs of `bytes`, joining runs separated by at most `gap` missing bytes
/// (filled with zeros).
fn runs(bytes: &BTreeMap<u64, u8>, gap: u64) -> Vec<(u64, Vec<u8>)> {
    let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
    for (&a, &b) in bytes {
        match out.last_mut() {
            Some((start, run)) if a <= *start + run.len() as u64 + gap => {
                run.resize((a - *start) as usize, 0);
                run.push(b);
            }
            _ => out.push((a, vec![b])),
        }
    }
    out
}

/// Emits a point's state changes.
fn apply(f: &mut Function, p: &Point, info: &Info) {
    if let Some(pages) = p.grow_to {
        f.instructions()
            .i32_const(pages as u32 as i32)
            .memory_size(0)
            .i32_sub()
            .memory_grow(0)
            .drop();
    }
    let byte = MemArg {
        offset: 0,
        align: 0,
        memory_index: 0,
    };
    for (start, bytes) in runs(&p.memory, 0) {
        let mut at = 0;
        while at + 8 <= bytes.len() {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            f.instructions()
                .i32_const((start + at as u64) as u32 as i32)
                .i64_const(i64::from_le_bytes(word))
                .i64_store(byte);
            at += 8;
        }
        for (i, b) in bytes[at..].iter().enumerate() {
            f.instructions()
                .i32_const((start + (at + i) as u64) as u32 as i32)
                .i32_const(*b as i32)
                .i32_store8(byte);
        }
    }
    for (g, bits) in &p.globals {
        if let Some(gt) = info.globals.get(*g as usize) {
            push_values(f, &[gt.content_type], &[*bits]);
            f.instructions().global_set(*g);
        }
    }
}

/// Pushes constants of the given types from their bits.
fn push_values(f: &mut Function, types: &[ValType], bits: &[u64]) {
    for (t, b) in types.iter().zip(bits.iter().chain(std::iter::repeat(&0))) {
        let mut i = f.instructions();
        match t {
            ValType::I32 => i.i32_const(*b as u32 as i32),
            ValType::I64 => i.i64_const(*b as i64),
            ValType::F32 => i.f32_const(Ieee32::new(*b as u32)),
            ValType::F64 => i.f64_const(Ieee64::new(*b)),
            _ => i.unreachable(),
        };
    }
}

/// Renumbers functions in the targets' bodies.
struct Map {
    fmap: HashMap<u32, u32>,
}

impl Reencode for Map {
    type Error = Infallible;
    fn function_index(&mut self, f: u32) -> Result<u32, reencode::Error<Infallible>> {
        Ok(self.fmap.get(&f).copied().unwrap_or(0))
    }
}

/// The functions `set` calls directly, outside itself, that are defined (for groups).
pub(crate) fn defined_callees(module: &[u8], info: &Info, set: &BTreeSet<u32>) -> HashSet<u32> {
    let mut out = HashSet::new();
    for &f in set {
        let Some(body) = f
            .checked_sub(info.imported_funcs)
            .and_then(|d| info.bodies.get(d as usize))
        else {
            continue;
        };
        for op in crate::module::operators(module, body) {
            if let Operator::Call { function_index } = op
                && function_index >= info.imported_funcs
                && !set.contains(&function_index)
            {
                out.insert(function_index);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_small_gaps() {
        let m: BTreeMap<u64, u8> = [(0, 1), (1, 2), (5, 3), (100, 4)].into_iter().collect();
        assert_eq!(
            runs(&m, 8),
            vec![(0, vec![1, 2, 0, 0, 0, 3]), (100, vec![4])]
        );
        assert_eq!(runs(&m, 0).len(), 3);
    }
}
