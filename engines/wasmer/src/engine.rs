//! Wasmer 7.4 with its Cranelift or Singlepass compiler, in this process: a world (one
//! store with the standard host and whatever was registered) and its instances by id.
//!
//! Values cross with exact bits (this is Rust: no NaN payload is lost). Every step runs
//! under fuel (Wasmer's metering middleware, one unit per operator: see [`crate::fuel`]),
//! set per step like Wasmtime's `set_fuel`; running out is a `timeout` outcome ("fuel limit
//! of N exhausted"). The harness's wall-clock limit still kills this process when a step
//! runs too long for any other reason.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use oracle::{
    GlobalState, HeapType, HostCall, InstanceOutcome, MemoryState, Observe, Outcome, RefValue,
    TableState, TrapKind, Value,
};
use wasmer::{
    Extern, ExternRef, Function, FunctionType, Global, Imports, InstantiationError, Memory,
    MemoryType, Module, RuntimeError, Store, Table, TableType, Type, Value as Val,
};

use crate::fuel::{Fuel, Hidden};
use crate::spectest as host;

/// Which of Wasmer's compilers makes the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Compiler {
    /// The optimising compiler (Wasmer's own copy of Cranelift 0.135.0).
    Cranelift,
    /// The one-pass compiler (no SIMD).
    Singlepass,
}

impl Compiler {
    /// The compiler's name as in the engine's name (`wasmer-cranelift`).
    pub fn name(self) -> &'static str {
        match self {
            Compiler::Cranelift => "cranelift",
            Compiler::Singlepass => "singlepass",
        }
    }

    /// The proposals of WebAssembly 2.0 it is configured with: all of them, but Singlepass
    /// compiles no SIMD.
    fn features(self) -> wasmer::sys::Features {
        let mut f = wasmer::sys::Features::none();
        // Mutable globals, sign extension, saturating conversions: always on in Wasmer.
        f.reference_types(true)
            .bulk_memory(true)
            .multi_value(true)
            .simd(self == Compiler::Cranelift);
        f
    }

    /// A store whose engine meters every module it compiles with `fuel`.
    fn store(self, fuel: &Arc<Fuel>) -> Store {
        use wasmer::sys::CompilerConfig;
        let builder = match self {
            Compiler::Cranelift => {
                let mut config = wasmer::sys::Cranelift::new();
                config.push_middleware(fuel.clone());
                wasmer::sys::EngineBuilder::new(config)
            }
            Compiler::Singlepass => {
                let mut config = wasmer::sys::Singlepass::default();
                config.push_middleware(fuel.clone());
                wasmer::sys::EngineBuilder::new(config)
            }
        };
        Store::new(builder.set_features(Some(self.features())).engine())
    }
}

type Log = Arc<Mutex<Vec<HostCall>>>;

fn val_type(t: oracle::ValType) -> Type {
    match t {
        oracle::ValType::I32 => Type::I32,
        oracle::ValType::I64 => Type::I64,
        oracle::ValType::F32 => Type::F32,
        oracle::ValType::F64 => Type::F64,
        oracle::ValType::V128 => Type::V128,
        oracle::ValType::Ref(_) => Type::FuncRef,
    }
}

/// The `spectest` module (see [`host`]), logging host calls into `log`.
fn spectest(store: &mut Store, log: &Log) -> Result<Imports, String> {
    let mut imports = Imports::new();
    for (name, params) in host::FUNCS {
        let ty = FunctionType::new(params.iter().map(|t| val_type(*t)).collect::<Vec<_>>(), []);
        let log = Arc::clone(log);
        let f = Function::new(&mut *store, ty, move |args: &[Val]| {
            let args = args.iter().map(from_val_plain).collect();
            if let Ok(mut l) = log.lock() {
                l.push(HostCall {
                    func: name.to_string(),
                    args,
                    inexact: false,
                });
            }
            Ok(vec![])
        });
        imports.define("spectest", name, f);
    }
    let globals = [
        ("global_i32", Val::I32(host::GLOBAL_INT as i32)),
        ("global_i64", Val::I64(host::GLOBAL_INT as i64)),
        (
            "global_f32",
            Val::F32(f32::from_bits(host::GLOBAL_F32_BITS)),
        ),
        (
            "global_f64",
            Val::F64(f64::from_bits(host::GLOBAL_F64_BITS)),
        ),
    ];
    for (name, val) in globals {
        let g = Global::new(&mut *store, val);
        imports.define("spectest", name, g);
    }
    let (tmin, tmax) = host::TABLE_LIMITS;
    let table = Table::new(
        &mut *store,
        TableType::new(Type::FuncRef, tmin, Some(tmax)),
        Val::FuncRef(None),
    )
    .map_err(|e| e.message())?;
    imports.define("spectest", "table", table);
    let (mmin, mmax) = host::MEMORY_LIMITS;
    let memory = Memory::new(&mut *store, MemoryType::new(mmin, Some(mmax), false))
        .map_err(|e| e.to_string())?;
    imports.define("spectest", "memory", memory);
    Ok(imports)
}

/// A value without the store (host call arguments: no references among them).
fn from_val_plain(v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(*x),
        Val::FuncRef(None) => Value::Ref(RefValue::Null(HeapType::Func)),
        Val::FuncRef(Some(_)) => Value::Ref(RefValue::NonNull(HeapType::Func)),
        Val::ExternRef(None) => Value::Ref(RefValue::Null(HeapType::Extern)),
        _ => Value::Ref(RefValue::NonNull(HeapType::Extern)),
    }
}

fn from_val(store: &Store, v: &Val) -> Value {
    match v {
        Val::ExternRef(Some(r)) => match r.downcast::<u32>(store) {
            Some(n) => Value::Ref(RefValue::Extern(*n)),
            None => Value::Ref(RefValue::NonNull(HeapType::Extern)),
        },
        other => from_val_plain(other),
    }
}

fn to_val(store: &mut Store, v: &Value, ty: &Type) -> Result<Val, String> {
    Ok(match (v, ty) {
        (Value::I32(x), Type::I32) => Val::I32(*x as i32),
        (Value::I64(x), Type::I64) => Val::I64(*x as i64),
        (Value::F32(b), Type::F32) => Val::F32(f32::from_bits(*b)),
        (Value::F64(b), Type::F64) => Val::F64(f64::from_bits(*b)),
        (Value::V128(x), Type::V128) => Val::V128(*x),
        (Value::Ref(RefValue::Null(_)), Type::FuncRef) => Val::FuncRef(None),
        (Value::Ref(RefValue::Null(_)), Type::ExternRef) => Val::ExternRef(None),
        (Value::Ref(RefValue::Extern(n)), Type::ExternRef) => {
            Val::ExternRef(Some(ExternRef::new(&mut *store, *n)))
        }
        _ => return Err(format!("cannot pass {v} as a {ty:?} argument")),
    })
}

/// A trap's kind by Wasmer's trap code (`wasmer_types::TrapCode`, by name: `wasmer` does
/// not re-export it), as the spec test suite names it.
fn call_error(e: RuntimeError) -> Outcome {
    let message = e.message();
    let Some(code) = e.to_trap().map(|t| format!("{t:?}")) else {
        return Outcome::Error { message };
    };
    let kind = match code.as_str() {
        "StackOverflow" => return Outcome::Exhaustion { message },
        // Step_read/load-num-trap, Step/store-num-trap and the other bounds checks of memory.
        "HeapAccessOutOfBounds" => TrapKind::OutOfBoundsMemoryAccess,
        "HeapMisaligned" | "UnalignedAtomic" => TrapKind::UnalignedAtomic,
        // Step_read/table.get-trap and the other bounds checks of tables.
        "TableAccessOutOfBounds" => TrapKind::OutOfBoundsTableAccess,
        // Step_read/call_indirect-trap: a null slot.
        "IndirectCallToNull" => TrapKind::UninitializedElement,
        // Step_read/call_indirect-trap: a slot of another type.
        "BadSignature" => TrapKind::IndirectCallTypeMismatch,
        "IntegerOverflow" => TrapKind::IntegerOverflow,
        "IntegerDivisionByZero" => TrapKind::IntegerDivideByZero,
        "BadConversionToInteger" => TrapKind::InvalidConversionToInteger,
        // Step_pure/unreachable.
        "UnreachableCodeReached" => TrapKind::Unreachable,
        "UncaughtException" => TrapKind::UncaughtException,
        _ => TrapKind::Other(message.clone()),
    };
    Outcome::Trap { kind, message }
}

fn instance_error(e: InstantiationError) -> InstanceOutcome {
    match e {
        InstantiationError::Start(r) => match call_error(r) {
            Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
            Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
            other => InstanceOutcome::Crash {
                message: oracle::judge::render_outcome(&other).join("; "),
            },
        },
        InstantiationError::Link(l) => {
            let message = l.to_string();
            // Wasmer reports a segment out of bounds as a link-time trap.
            if let wasmer::LinkError::Trap(r) = l
                && let Outcome::Trap { kind, message } = call_error(r)
            {
                return InstanceOutcome::Trap { kind, message };
            }
            InstanceOutcome::Unlinkable { message }
        }
        other => InstanceOutcome::Unlinkable {
            message: other.to_string(),
        },
    }
}

/// What instantiating a module did.
pub struct Instantiated {
    /// How it ended.
    pub outcome: InstanceOutcome,
    /// The calls into `spectest` of its start function.
    pub host_calls: Vec<HostCall>,
    /// Time spent compiling, in microseconds.
    pub compile_us: u64,
    /// Time spent linking and instantiating, in microseconds.
    pub instantiate_us: u64,
}

/// The message of a step that ran out of fuel (as the bundled engines say it).
fn out_of_fuel(fuel: u64) -> String {
    format!("fuel limit of {fuel} exhausted")
}

/// An instance's metering globals and the exports that are not the module's own.
struct Meter {
    remaining: Global,
    exhausted: Global,
    hidden: Hidden,
}

impl Meter {
    fn of(instance: &wasmer::Instance, hidden: Hidden) -> Result<Meter, String> {
        let global = |name: &str| {
            instance
                .exports
                .get_global(name)
                .cloned()
                .map_err(|_| format!("the metered module lacks its global `{name}`"))
        };
        Ok(Meter {
            remaining: global(&hidden.remaining)?,
            exhausted: global(&hidden.exhausted)?,
            hidden,
        })
    }

    /// Gives the instance `fuel` points and clears its flag.
    fn fill(&self, store: &mut Store, fuel: u64) {
        // An i64 global compared unsigned: u64::MAX is "unlimited".
        let _ = self.remaining.set(&mut *store, Val::I64(fuel as i64));
        let _ = self.exhausted.set(&mut *store, Val::I32(0));
    }

    /// Whether the instance's points ran out.
    fn ran_out(&self, store: &mut Store) -> bool {
        matches!(self.exhausted.get(&mut *store), Val::I32(x) if x != 0)
    }
}

/// An instance and its meter.
struct Live {
    instance: wasmer::Instance,
    meter: Meter,
}

impl Live {
    /// The instance's exports that are the module's own, in export order.
    fn exports(&self) -> Vec<(String, Extern)> {
        self.instance
            .exports
            .iter()
            .filter(|(n, _)| !self.meter.hidden.hides(n))
            .map(|(n, e)| (n.clone(), e.clone()))
            .collect()
    }
}

/// One store with the standard host, what was registered, and the instances by id.
pub struct World {
    store: Store,
    imports: Imports,
    log: Log,
    fuel: Arc<Fuel>,
    instances: HashMap<String, Arc<Live>>,
    /// Every instance made, live or failed in its start function: code of any of them
    /// may run in a later step (through a table or a registered export).
    meters: Vec<Arc<Live>>,
}

/// `fuel` as given, `None` meaning unlimited.
fn points(fuel: Option<u64>) -> u64 {
    fuel.unwrap_or(u64::MAX)
}

impl World {
    /// An empty world of this compiler.
    pub fn new(compiler: Compiler) -> Result<World, String> {
        let fuel = Fuel::new();
        let mut store = compiler.store(&fuel);
        let log: Log = Arc::default();
        let imports = spectest(&mut store, &log)?;
        Ok(World {
            store,
            imports,
            log,
            fuel,
            instances: HashMap::new(),
            meters: Vec::new(),
        })
    }

    fn take(&self) -> Vec<HostCall> {
        self.log
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    fn live(&self, id: &str) -> Result<Arc<Live>, String> {
        self.instances
            .get(id)
            .cloned()
            .ok_or_else(|| format!("no instance `{id}`"))
    }

    /// Gives every instance `fuel` points: a step's code may run in any of them, and each
    /// is metered on its own.
    fn fill(&mut self, fuel: u64) {
        for m in &self.meters {
            m.meter.fill(&mut self.store, fuel);
        }
    }

    /// Whether any instance ran out of points in the step that just ended.
    fn ran_out(&mut self) -> bool {
        let store = &mut self.store;
        self.meters.iter().any(|m| m.meter.ran_out(store))
    }

    /// Compiles and instantiates `bytes` as instance `id` (replacing one of that id),
    /// its start function under `fuel` (unlimited when `None`).
    pub fn instantiate(&mut self, id: &str, bytes: &[u8], fuel: Option<u64>) -> Instantiated {
        let fuel = points(fuel);
        let t = Instant::now();
        // The module's metering starts with the fuel of its start function.
        self.fuel.set_next(fuel);
        let module = Module::new(&self.store, bytes);
        let hidden = self.fuel.hidden();
        let compile_us = t.elapsed().as_micros() as u64;
        let module = match module {
            Ok(m) => m,
            Err(e) => {
                return Instantiated {
                    outcome: InstanceOutcome::Rejected {
                        message: e.to_string(),
                    },
                    host_calls: Vec::new(),
                    compile_us,
                    instantiate_us: 0,
                };
            }
        };
        let t = Instant::now();
        let outcome = self.link_and_start(id, &module, hidden, fuel);
        let instantiate_us = t.elapsed().as_micros() as u64;
        Instantiated {
            outcome,
            host_calls: self.take(),
            compile_us,
            instantiate_us,
        }
    }

    fn link_and_start(
        &mut self,
        id: &str,
        module: &Module,
        hidden: Hidden,
        fuel: u64,
    ) -> InstanceOutcome {
        let instance = match wasmer::Instance::new(&mut self.store, module, &self.imports) {
            Ok(i) => i,
            Err(e) => return instance_error(e),
        };
        let meter = match Meter::of(&instance, hidden) {
            Ok(m) => m,
            Err(message) => return InstanceOutcome::Crash { message },
        };
        let start = meter.hidden.start.clone();
        let live = Arc::new(Live { instance, meter });
        self.meters.push(Arc::clone(&live));
        // Module_ok/start: the start function runs after the segments are applied.
        if let Some(start) = start {
            let f = match live.instance.exports.get_function(&start) {
                Ok(f) => f.clone(),
                Err(e) => {
                    return InstanceOutcome::Crash {
                        message: format!("the start function is not reachable: {e}"),
                    };
                }
            };
            self.fill(fuel);
            if let Err(e) = f.call(&mut self.store, &[]) {
                return match self.step_error(e, fuel) {
                    Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
                    Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
                    Outcome::Timeout { message } => InstanceOutcome::Timeout { message },
                    other => InstanceOutcome::Crash {
                        message: oracle::judge::render_outcome(&other).join("; "),
                    },
                };
            }
        }
        self.instances.insert(id.to_string(), live);
        InstanceOutcome::Instantiated
    }

    /// The outcome of a step that failed: out of fuel when an instance's flag says so.
    fn step_error(&mut self, e: RuntimeError, fuel: u64) -> Outcome {
        if self.ran_out() {
            return Outcome::Timeout {
                message: out_of_fuel(fuel),
            };
        }
        call_error(e)
    }

    /// Makes instance `id`'s exports importable from module `as_name`.
    pub fn register(&mut self, id: &str, as_name: &str) -> Result<(), String> {
        let live = self.live(id)?;
        self.imports.register_namespace(as_name, live.exports());
        Ok(())
    }

    /// Calls export `export` of instance `id` under `fuel` (unlimited when `None`): the
    /// outcome and the calls into `spectest`.
    pub fn invoke(
        &mut self,
        id: &str,
        export: &str,
        args: &[Value],
        fuel: Option<u64>,
    ) -> (Outcome, Vec<HostCall>) {
        let outcome = match self.live(id) {
            Ok(live) => self.call(&live, export, args, points(fuel)),
            Err(message) => Outcome::Error { message },
        };
        (outcome, self.take())
    }

    fn call(&mut self, live: &Live, export: &str, args: &[Value], fuel: u64) -> Outcome {
        let f = match live.instance.exports.get_function(export) {
            Ok(f) if !live.meter.hidden.hides(export) => f.clone(),
            _ => {
                return Outcome::Error {
                    message: format!("no exported function `{export}`"),
                };
            }
        };
        let ty = f.ty(&self.store);
        if ty.params().len() != args.len() {
            return Outcome::Error {
                message: format!(
                    "expected {} arguments, got {}",
                    ty.params().len(),
                    args.len()
                ),
            };
        }
        let vals: Result<Vec<Val>, String> = args
            .iter()
            .zip(ty.params())
            .map(|(a, t)| to_val(&mut self.store, a, t))
            .collect();
        let vals = match vals {
            Err(message) => return Outcome::Error { message },
            Ok(v) => v,
        };
        self.fill(fuel);
        match f.call(&mut self.store, &vals) {
            Ok(results) => Outcome::Return {
                values: results.iter().map(|v| from_val(&self.store, v)).collect(),
            },
            Err(e) => self.step_error(e, fuel),
        }
    }

    /// Reads exported global `export` of instance `id`.
    pub fn get(&mut self, id: &str, export: &str) -> Outcome {
        let live = match self.live(id) {
            Ok(l) => l,
            Err(message) => return Outcome::Error { message },
        };
        match live.instance.exports.get_global(export) {
            Ok(g) if !live.meter.hidden.hides(export) => {
                let v = g.get(&mut self.store);
                Outcome::Return {
                    values: vec![from_val(&self.store, &v)],
                }
            }
            _ => Outcome::Error {
                message: format!("no exported global `{export}`"),
            },
        }
    }

    /// The exported state of instance `id` that `observe` asks for; with `memory_dir`,
    /// each exported memory's bytes are written to a file there too (`memory-K.bin`, K its
    /// position in the state), named by the memory's `file`. A file that cannot be written
    /// is left out (the memory's size and digest are still there) and said on standard
    /// error.
    pub fn final_state(
        &mut self,
        id: &str,
        observe: &Observe,
        memory_dir: Option<&Path>,
    ) -> Result<State, String> {
        let live = self.live(id)?;
        let mut state = State::default();
        for (name, ext) in live.exports() {
            match ext {
                Extern::Global(g) if observe.globals => {
                    let v = g.get(&mut self.store);
                    let value = from_val(&self.store, &v);
                    state.globals.push(GlobalState { name, value });
                }
                Extern::Memory(m) if observe.memories => {
                    let bytes = m.view(&self.store).copy_to_vec().unwrap_or_default();
                    let file = memory_dir.and_then(|dir| {
                        let path = dir.join(format!("memory-{}.bin", state.memories.len()));
                        match std::fs::write(&path, &bytes) {
                            Ok(()) => Some(path),
                            Err(e) => {
                                // The memory is still reported (size, digest), without
                                // its file; standard error says why.
                                eprintln!(
                                    "harness-wasmer: cannot write memory `{name}` to {}: {e}",
                                    path.display()
                                );
                                None
                            }
                        }
                    });
                    state.memories.push(MemoryReply {
                        state: MemoryState {
                            name,
                            size: bytes.len() as u64,
                            sha256: oracle::judge::sha256_hex(&bytes),
                            contents: None,
                        },
                        file,
                    });
                }
                Extern::Table(t) if observe.tables => {
                    let size = t.size(&self.store);
                    let slots: Vec<bool> = (0..size)
                        .map(|i| {
                            !matches!(
                                t.get(&mut self.store, i),
                                None | Some(Val::FuncRef(None)) | Some(Val::ExternRef(None))
                            )
                        })
                        .collect();
                    state.tables.push(TableState::from_slots(name, slots));
                }
                _ => {}
            }
        }
        Ok(state)
    }
}

/// A final state as this program replies it: a memory may name the file of its bytes.
#[derive(Debug, Default, serde::Serialize)]
pub struct State {
    /// Exported globals, in export order.
    pub globals: Vec<GlobalState>,
    /// Exported memories, in export order.
    pub memories: Vec<MemoryReply>,
    /// Exported tables, in export order.
    pub tables: Vec<TableState>,
}

/// A memory of [`State`]: size and digest, and the file of its bytes when asked.
#[derive(Debug, serde::Serialize)]
pub struct MemoryReply {
    /// Name, size and digest.
    #[serde(flatten)]
    pub state: MemoryState,
    /// The file its bytes were written to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Observe = Observe {
        globals: true,
        memories: true,
        tables: true,
    };

    fn wasm(text: &str) -> Vec<u8> {
        let buf = wast::parser::ParseBuffer::new(text).unwrap();
        let mut module = wast::parser::parse::<wast::Wat>(&buf).unwrap();
        module.encode().unwrap()
    }

    #[test]
    fn nan_payloads_and_traps_keep_their_bits_and_kinds() {
        for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
            let mut w = World::new(compiler).unwrap();
            let m = wasm(
                r#"(module
                    (import "spectest" "print_i32" (func $p (param i32)))
                    (func (export "id") (param f32) (result f32) local.get 0)
                    (func (export "div") (param i32 i32) (result i32)
                      local.get 0 local.get 1 i32.div_s)
                    (func (export "say") (call $p (i32.const 7))))"#,
            );
            let i = w.instantiate("m", &m, None);
            assert_eq!(i.outcome, InstanceOutcome::Instantiated);
            let (o, _) = w.invoke("m", "id", &[Value::F32(0x7fa0_0001)], None);
            assert_eq!(
                o,
                Outcome::Return {
                    values: vec![Value::F32(0x7fa0_0001)]
                },
                "{compiler:?}"
            );
            let (o, _) = w.invoke("m", "div", &[Value::I32(1), Value::I32(0)], Some(1000));
            assert!(
                matches!(
                    o,
                    Outcome::Trap {
                        kind: TrapKind::IntegerDivideByZero,
                        ..
                    }
                ),
                "{compiler:?}: {o:?}"
            );
            let (o, calls) = w.invoke("m", "say", &[], Some(1000));
            assert_eq!(o, Outcome::Return { values: vec![] });
            assert_eq!(calls[0].args, vec![Value::I32(7)]);
        }
    }

    #[test]
    fn bad_modules_and_names_are_outcomes_not_panics() {
        let mut w = World::new(Compiler::Singlepass).unwrap();
        let i = w.instantiate("m", b"\0asm\x01\0\0\0\xff", None);
        assert!(matches!(i.outcome, InstanceOutcome::Rejected { .. }));
        // Multiple memories are not WebAssembly 2.0: invalid in this configuration.
        let i = w.instantiate("m", &wasm("(module (memory 1) (memory 1))"), None);
        assert!(
            matches!(i.outcome, InstanceOutcome::Rejected { .. }),
            "{:?}",
            i.outcome
        );
        let (o, _) = w.invoke("nope", "f", &[], None);
        assert!(matches!(o, Outcome::Error { .. }));
        assert!(w.register("nope", "M").is_err());
        assert!(w.final_state("nope", &ALL, None).is_err());
    }

    fn timeout(o: &Outcome) -> Option<&str> {
        match o {
            Outcome::Timeout { message } => Some(message),
            _ => None,
        }
    }

    #[test]
    fn fuel_stops_loops_in_calls_and_start_functions_and_is_renewed_per_step() {
        for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
            let mut w = World::new(compiler).unwrap();
            let m = wasm(
                r#"(module
                    (func (export "spin") (loop (br 0)))
                    (func (export "count") (param i32) (result i32)
                      (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                            (br_if 0 (local.get 0)))
                      (local.get 0))
                    (func (export "trap") unreachable))"#,
            );
            assert_eq!(
                w.instantiate("m", &m, Some(1000)).outcome,
                InstanceOutcome::Instantiated
            );
            let (o, _) = w.invoke("m", "spin", &[], Some(100_000));
            assert_eq!(
                timeout(&o),
                Some("fuel limit of 100000 exhausted"),
                "{compiler:?}: {o:?}"
            );
            // Each step gets its fuel anew: 1000 turns of 6 operators fit in 10 000.
            let (o, _) = w.invoke("m", "count", &[Value::I32(1000)], Some(10_000));
            assert_eq!(
                o,
                Outcome::Return {
                    values: vec![Value::I32(0)]
                },
                "{compiler:?}"
            );
            let (o, _) = w.invoke("m", "count", &[Value::I32(1000)], Some(1_000));
            assert!(timeout(&o).is_some(), "{compiler:?}: {o:?}");
            // A real `unreachable` stays a trap.
            let (o, _) = w.invoke("m", "trap", &[], Some(1_000));
            assert!(
                matches!(
                    o,
                    Outcome::Trap {
                        kind: TrapKind::Unreachable,
                        ..
                    }
                ),
                "{compiler:?}: {o:?}"
            );
            // The start function runs under the instantiation's fuel.
            let looping = wasm("(module (func $s (loop (br 0))) (start $s))");
            let i = w.instantiate("s", &looping, Some(50_000));
            assert_eq!(
                i.outcome,
                InstanceOutcome::Timeout {
                    message: "fuel limit of 50000 exhausted".into()
                },
                "{compiler:?}"
            );
            let trapping = wasm("(module (func $s unreachable) (start $s))");
            let i = w.instantiate("t", &trapping, Some(50_000));
            assert!(
                matches!(
                    i.outcome,
                    InstanceOutcome::Trap {
                        kind: TrapKind::Unreachable,
                        ..
                    }
                ),
                "{compiler:?}: {:?}",
                i.outcome
            );
        }
    }

    #[test]
    fn metering_exports_stay_hidden_and_a_module_keeps_its_own_of_those_names() {
        let mut w = World::new(Compiler::Singlepass).unwrap();
        let m = wasm(
            r#"(module
                (global (export "wasmer_metering_remaining_points") i32 (i32.const 5))
                (global (export "harness-wasmer:remaining_points") i32 (i32.const 6))
                (func $s) (start $s)
                (func (export "f") (result i32) i32.const 1))"#,
        );
        assert_eq!(
            w.instantiate("m", &m, Some(100)).outcome,
            InstanceOutcome::Instantiated
        );
        let state = w.final_state("m", &ALL, None).unwrap();
        let globals: Vec<(String, Value)> = state
            .globals
            .iter()
            .map(|g| (g.name.clone(), g.value))
            .collect();
        assert_eq!(
            globals,
            vec![
                (
                    "wasmer_metering_remaining_points".to_string(),
                    Value::I32(5)
                ),
                ("harness-wasmer:remaining_points".to_string(), Value::I32(6)),
            ]
        );
        let (o, _) = w.invoke("m", "harness-wasmer:start", &[], None);
        assert!(matches!(o, Outcome::Error { .. }), "{o:?}");
        let (o, _) = w.invoke("m", "f", &[], Some(100));
        assert_eq!(
            o,
            Outcome::Return {
                values: vec![Value::I32(1)]
            }
        );
    }

    #[test]
    fn memories_are_written_to_files_only_when_asked() {
        let dir = std::env::temp_dir().join(format!("harness-wasmer-mem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut w = World::new(Compiler::Cranelift).unwrap();
        let m = wasm(r#"(module (memory (export "mem") 1) (data (i32.const 100) "\2a"))"#);
        assert_eq!(
            w.instantiate("m", &m, None).outcome,
            InstanceOutcome::Instantiated
        );
        let plain = w.final_state("m", &ALL, None).unwrap();
        assert_eq!(plain.memories[0].file, None);
        let state = w.final_state("m", &ALL, Some(&dir)).unwrap();
        let mem = &state.memories[0];
        let path = mem.file.clone().unwrap();
        assert!(path.starts_with(&dir));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 65536);
        assert_eq!(bytes[100], 0x2a);
        assert_eq!(mem.state.sha256, oracle::judge::sha256_hex(&bytes));
        let line = serde_json::to_value(&state).unwrap();
        assert_eq!(line["memories"][0]["size"], 65536);
        assert_eq!(line["memories"][0]["file"], path.display().to_string());
        // A directory that cannot be written: the memory is reported without a file.
        let state = w
            .final_state("m", &ALL, Some(Path::new("/no/such/dir")))
            .unwrap();
        assert_eq!(state.memories[0].file, None);
        assert_eq!(state.memories[0].state.size, 65536);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
