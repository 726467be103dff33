//! Wasmtime 48, in three configurations: Cranelift (optimising), Winch (baseline) and the
//! Pulley interpreter. Everything Wasmtime-specific stays in this file.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use oracle::{
    FinalState, GlobalState, HeapType, HostCall, InstanceOutcome, Observe, Outcome, Proposal,
    RefValue, ResourceKind, Step, TableState, TrapKind, Value,
};
use wasmtime::{
    AsContext, AsContextMut, Config, Extern, ExternRef, Func, FuncType, Global, GlobalType, Linker,
    Memory, MemoryType, Module, Mutability, OptLevel, Ref, RefType, ResourceLimiter, Store,
    Strategy, Table, TableType, Trap, V128, Val, ValType,
};

use crate::host::{self, HostLog};
use crate::inspect::features_of;
use crate::wast::{Names, Session};
use crate::{Engine, EngineInfo, Instance, Instantiation, Limits, micros};

/// Which of Wasmtime's compilers runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmtimeStrategy {
    /// Cranelift, the optimising compiler.
    Cranelift,
    /// Winch, the baseline compiler.
    Winch,
    /// Cranelift targeting the Pulley interpreter's bytecode.
    Pulley,
}

/// Wasmtime with one strategy.
pub struct Wasmtime {
    strategy: WasmtimeStrategy,
    engine: OnceLock<Result<wasmtime::Engine, String>>,
    /// Engines configured for validation under a profile, by feature set.
    validators: Mutex<Vec<(wasmparser::WasmFeatures, wasmtime::Engine)>>,
}

const VERSION: &str = "48.0.8";

impl Wasmtime {
    /// Wasmtime using this strategy.
    pub fn new(strategy: WasmtimeStrategy) -> Wasmtime {
        Wasmtime {
            strategy,
            engine: OnceLock::new(),
            validators: Mutex::new(Vec::new()),
        }
    }

    fn proposals(&self) -> Vec<Proposal> {
        use Proposal::*;
        match self.strategy {
            // Cranelift implements every proposal the harness knows.
            WasmtimeStrategy::Cranelift => Proposal::ALL.to_vec(),
            // Pulley: no atomics.
            WasmtimeStrategy::Pulley => Proposal::ALL
                .into_iter()
                .filter(|p| *p != Threads)
                .collect(),
            // Winch: no typed function references, GC, tail calls, exceptions, relaxed SIMD.
            WasmtimeStrategy::Winch => {
                let mut p = Proposal::WASM2.to_vec();
                p.extend([MultiMemory, Memory64, ExtendedConst, Threads]);
                p
            }
        }
    }

    fn wasm_features(&self) -> wasmparser::WasmFeatures {
        self.features_for(&self.proposals())
    }

    /// The feature set for a profile (limited to what this strategy implements).
    fn features_for(&self, profile: &[Proposal]) -> wasmparser::WasmFeatures {
        let own = self.proposals();
        let chosen: Vec<Proposal> = profile
            .iter()
            .copied()
            .filter(|p| own.contains(p))
            .collect();
        let mut features = features_of(&chosen);
        if self.strategy == WasmtimeStrategy::Winch {
            // Winch compiles no GC types at all, not even `externref`.
            features.remove(wasmparser::WasmFeatures::GC_TYPES);
        }
        features
    }

    fn config(&self, features: wasmparser::WasmFeatures) -> Result<Config, String> {
        let mut c = Config::new();
        c.consume_fuel(true).wasm_backtrace_max_frames(None);
        // Told to use one thread (`RAYON_NUM_THREADS=1`, as a campaign tells its workers),
        // compile on this one: rayon would run the work on a pool thread of its own while
        // this one waits, and that thread spins after each module looking for more.
        if std::env::var("RAYON_NUM_THREADS").is_ok_and(|n| n.trim() == "1") {
            c.parallel_compilation(false);
        }
        c.wasm_features(wasmparser::WasmFeatures::all(), false);
        c.wasm_features(features, true);
        match self.strategy {
            WasmtimeStrategy::Cranelift => {
                c.strategy(Strategy::Cranelift)
                    .cranelift_opt_level(OptLevel::Speed);
            }
            WasmtimeStrategy::Winch => {
                c.strategy(Strategy::Winch);
            }
            WasmtimeStrategy::Pulley => {
                c.strategy(Strategy::Cranelift)
                    .target("pulley64")
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(c)
    }

    fn engine(&self) -> Result<&wasmtime::Engine, String> {
        self.engine
            .get_or_init(|| {
                let c = self.config(self.wasm_features())?;
                wasmtime::Engine::new(&c).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| e.clone())
    }
}

impl Engine for Wasmtime {
    fn info(&self) -> EngineInfo {
        let (name, config) = match self.strategy {
            WasmtimeStrategy::Cranelift => {
                ("wasmtime-cranelift", "Cranelift, opt-level speed, fuel")
            }
            WasmtimeStrategy::Winch => ("wasmtime-winch", "Winch baseline compiler, fuel"),
            WasmtimeStrategy::Pulley => (
                "wasmtime-pulley",
                "Pulley interpreter (target pulley64), fuel",
            ),
        };
        EngineInfo {
            name: name.into(),
            version: VERSION.into(),
            config: config.into(),
            proposals: self.proposals(),
        }
    }

    fn features(&self) -> wasmparser::WasmFeatures {
        self.wasm_features()
    }

    fn profile_features(&self, profile: &[Proposal]) -> wasmparser::WasmFeatures {
        self.features_for(profile)
    }

    fn validate(&self, module: &[u8], profile: &[Proposal]) -> Option<Result<(), String>> {
        let features = self.features_for(profile);
        let mut engines = self.validators.lock().ok()?;
        let engine = match engines.iter().find(|(f, _)| *f == features) {
            Some((_, e)) => e.clone(),
            None => {
                let e = self
                    .config(features)
                    .and_then(|c| wasmtime::Engine::new(&c).map_err(|e| format!("{e:#}")));
                match e {
                    Ok(e) => {
                        engines.push((features, e.clone()));
                        e
                    }
                    Err(e) => return Some(Err(e)),
                }
            }
        };
        drop(engines);
        Some(wasmtime::Module::validate(&engine, module).map_err(|e| format!("{e:#}")))
    }

    fn session(
        &self,
        limits: &Limits,
        profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        let custom;
        let engine = match profile {
            None => self.engine()?,
            Some(p) => {
                custom = wasmtime::Engine::new(&self.config(self.features_for(p))?)
                    .map_err(|e| format!("{e:#}"))?;
                &custom
            }
        };
        let mut store = Store::new(
            engine,
            State {
                log: HostLog::new(limits.max_memory, limits.max_table),
            },
        );
        store.limiter(|s| s as &mut dyn ResourceLimiter);
        let mut linker = spectest(&mut store).map_err(|e| format!("{e:#}"))?;
        linker.allow_shadowing(true);
        Ok(Box::new(WastSession {
            store,
            linker,
            names: Names::default(),
            fuel: limits.fuel,
        }))
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        let engine = match self.engine() {
            Ok(e) => e,
            Err(e) => {
                return Instantiation {
                    step: Step::bare(InstanceOutcome::Crash {
                        message: format!("engine set-up failed: {e}"),
                    }),
                    instance: None,
                    compile_us: 0,
                };
            }
        };
        let t = Instant::now();
        let compiled = Module::new(engine, module);
        let compile_us = micros(t);
        let compiled = match compiled {
            Ok(m) => m,
            Err(e) => {
                return Instantiation {
                    step: Step::bare(InstanceOutcome::Rejected {
                        message: format!("{e:#}"),
                    }),
                    instance: None,
                    compile_us,
                };
            }
        };
        let mut store = Store::new(
            engine,
            State {
                log: HostLog::new(limits.max_memory, limits.max_table),
            },
        );
        store.limiter(|s| s as &mut dyn ResourceLimiter);
        store.data_mut().log.creating = true;
        let linked = spectest(&mut store).and_then(|linker| {
            let _ = store.set_fuel(limits.fuel);
            linker.instantiate(&mut store, &compiled)
        });
        store.data_mut().log.creating = false;
        let (host_calls, resources) = store.data_mut().log.take();
        let (outcome, instance) = match linked {
            Ok(instance) => (InstanceOutcome::Instantiated, Some(instance)),
            Err(e) => (instance_error(&e, limits.fuel), None),
        };
        Instantiation {
            step: Step {
                outcome,
                host_calls,
                resources,
            },
            instance: instance.map(|instance| {
                Box::new(Live {
                    store,
                    instance,
                    fuel: limits.fuel,
                }) as Box<dyn Instance>
            }),
            compile_us,
        }
    }
}

struct State {
    log: HostLog,
}

impl ResourceLimiter for State {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self
            .log
            .growing(ResourceKind::Memory, current, desired, maximum))
    }
    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.log.grow_failed();
        Ok(())
    }
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self
            .log
            .growing(ResourceKind::Table, current, desired, maximum))
    }
    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.log.grow_failed();
        Ok(())
    }
}

fn val_type(t: oracle::ValType) -> ValType {
    match t {
        oracle::ValType::I32 => ValType::I32,
        oracle::ValType::I64 => ValType::I64,
        oracle::ValType::F32 => ValType::F32,
        oracle::ValType::F64 => ValType::F64,
        oracle::ValType::V128 => ValType::V128,
        oracle::ValType::Ref(_) => ValType::FUNCREF,
    }
}

/// The `spectest` module (see [`host`]).
fn spectest(store: &mut Store<State>) -> wasmtime::Result<Linker<State>> {
    let engine = store.engine().clone();
    let mut linker: Linker<State> = Linker::new(&engine);
    for (name, params) in host::FUNCS {
        let ty = FuncType::new(&engine, params.iter().map(|t| val_type(*t)), []);
        linker.func_new("spectest", name, ty, move |mut caller, args, _results| {
            let args = args.iter().map(|v| from_val(&mut caller, v)).collect();
            caller.data_mut().log.calls.push(HostCall {
                func: name.to_string(),
                args,
                inexact: false,
            });
            Ok(())
        })?;
    }
    let globals = [
        (
            "global_i32",
            ValType::I32,
            Val::I32(host::GLOBAL_INT as i32),
        ),
        (
            "global_i64",
            ValType::I64,
            Val::I64(host::GLOBAL_INT as i64),
        ),
        ("global_f32", ValType::F32, Val::F32(host::GLOBAL_F32_BITS)),
        ("global_f64", ValType::F64, Val::F64(host::GLOBAL_F64_BITS)),
    ];
    for (name, ty, val) in globals {
        let g = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), val)?;
        linker.define(&*store, "spectest", name, g)?;
    }
    let (tmin, tmax) = host::TABLE_LIMITS;
    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FUNCREF, tmin, Some(tmax)),
        Ref::Func(None),
    )?;
    linker.define(&*store, "spectest", "table", table)?;
    let (mmin, mmax) = host::MEMORY_LIMITS;
    let memory = Memory::new(&mut *store, MemoryType::new(mmin, Some(mmax)))?;
    linker.define(&*store, "spectest", "memory", memory)?;
    Ok(linker)
}

/// The outcome of a Wasmtime trap message (`wasm trap: integer divide by zero`, as another
/// Wasmtime version prints it), through the same mapping as the bundled engine's traps;
/// `None` when no trap of this Wasmtime has that message.
pub(crate) fn trap_message_outcome(message: &str) -> Option<Outcome> {
    let m = message.trim();
    let trap = (0..=u8::MAX)
        .filter_map(Trap::from_u8)
        .find(|t| t.to_string() == m || t.to_string().strip_prefix("wasm trap: ") == Some(m))?;
    Some(match trap_kind(trap) {
        Ok(kind) => Outcome::Trap {
            kind,
            message: m.to_string(),
        },
        Err(Outcome::Timeout { .. }) => Outcome::Timeout {
            message: format!("{m} (its fuel limit)"),
        },
        Err(other) => other,
    })
}

fn trap_kind(trap: Trap) -> Result<TrapKind, Outcome> {
    Ok(match trap {
        Trap::StackOverflow => {
            return Err(Outcome::Exhaustion {
                message: trap.to_string(),
            });
        }
        Trap::OutOfFuel | Trap::Interrupt => {
            return Err(Outcome::Timeout {
                message: trap.to_string(),
            });
        }
        Trap::MemoryOutOfBounds => TrapKind::OutOfBoundsMemoryAccess,
        Trap::HeapMisaligned => TrapKind::UnalignedAtomic,
        Trap::TableOutOfBounds => TrapKind::OutOfBoundsTableAccess,
        Trap::IndirectCallToNull => TrapKind::UninitializedElement,
        Trap::BadSignature => TrapKind::IndirectCallTypeMismatch,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        Trap::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        Trap::UnreachableCodeReached => TrapKind::Unreachable,
        Trap::NullReference => TrapKind::NullReference,
        Trap::ArrayOutOfBounds => TrapKind::OutOfBoundsArrayAccess,
        Trap::CastFailure => TrapKind::CastFailure,
        other => TrapKind::Other(other.to_string()),
    })
}

/// Maps an error from a call to an outcome.
fn call_error(e: &wasmtime::Error, fuel: u64) -> Outcome {
    match e.downcast_ref::<Trap>() {
        Some(&trap) => match trap_kind(trap) {
            Ok(kind) => Outcome::Trap {
                kind,
                message: trap.to_string(),
            },
            Err(Outcome::Timeout { .. }) => Outcome::Timeout {
                message: format!("fuel limit of {fuel} exhausted"),
            },
            Err(other) => other,
        },
        None if e.is::<wasmtime::ThrownException>() => Outcome::Trap {
            kind: TrapKind::UncaughtException,
            message: format!("{e:#}"),
        },
        None => Outcome::Error {
            message: format!("{e:#}"),
        },
    }
}

fn instance_error(e: &wasmtime::Error, fuel: u64) -> InstanceOutcome {
    match call_error(e, fuel) {
        Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
        Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
        Outcome::Timeout { message } => InstanceOutcome::Timeout { message },
        // Anything else failed while resolving imports: unknown import, type mismatch.
        _ => InstanceOutcome::Unlinkable {
            message: format!("{e:#}"),
        },
    }
}

fn from_val(mut store: impl AsContextMut, v: &Val) -> Value {
    let nn = |present: bool, h: HeapType| {
        Value::Ref(if present {
            RefValue::NonNull(h)
        } else {
            RefValue::Null(h)
        })
    };
    match v {
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(b) => Value::F32(*b),
        Val::F64(b) => Value::F64(*b),
        Val::V128(x) => Value::V128(x.as_u128()),
        Val::FuncRef(f) => nn(f.is_some(), HeapType::Func),
        Val::ExternRef(None) => Value::Ref(RefValue::Null(HeapType::Extern)),
        Val::ExternRef(Some(r)) => {
            let ctx = store.as_context_mut();
            match r
                .data(ctx)
                .ok()
                .flatten()
                .and_then(|d| d.downcast_ref::<u32>())
            {
                Some(n) => Value::Ref(RefValue::Extern(*n)),
                None => Value::Ref(RefValue::NonNull(HeapType::Extern)),
            }
        }
        Val::AnyRef(a) => nn(a.is_some(), HeapType::Any),
        Val::ExnRef(e) => nn(e.is_some(), HeapType::Exn),
        Val::ContRef(c) => nn(c.is_some(), HeapType::Any),
    }
}

fn to_val(store: &mut Store<State>, v: &Value, ty: &ValType) -> Result<Val, String> {
    Ok(match (v, ty) {
        (Value::I32(x), ValType::I32) => Val::I32(*x as i32),
        (Value::I64(x), ValType::I64) => Val::I64(*x as i64),
        (Value::F32(b), ValType::F32) => Val::F32(*b),
        (Value::F64(b), ValType::F64) => Val::F64(*b),
        (Value::V128(x), ValType::V128) => Val::V128(V128::from(*x)),
        (Value::Ref(RefValue::Null(_)), ValType::Ref(r)) if r.is_nullable() => {
            Val::null_ref(r.heap_type())
        }
        (Value::Ref(RefValue::Extern(n)), ValType::Ref(r)) if r.heap_type().is_extern() => {
            let r = ExternRef::new(&mut *store, *n).map_err(|e| e.to_string())?;
            Val::ExternRef(Some(r))
        }
        _ => return Err(format!("cannot pass {v} as a {ty} argument")),
    })
}

struct Live {
    store: Store<State>,
    instance: wasmtime::Instance,
    fuel: u64,
}

/// Calls a function with the harness's values, under the fuel limit.
fn call(store: &mut Store<State>, func: Func, args: &[Value], fuel: u64) -> Outcome {
    let ty = func.ty(&*store);
    let params: Vec<ValType> = ty.params().collect();
    if params.len() != args.len() {
        return Outcome::Error {
            message: format!("expected {} arguments, got {}", params.len(), args.len()),
        };
    }
    let mut vals = Vec::with_capacity(args.len());
    for (a, t) in args.iter().zip(&params) {
        match to_val(store, a, t) {
            Ok(v) => vals.push(v),
            Err(message) => return Outcome::Error { message },
        }
    }
    let mut results = vec![Val::I32(0); ty.results().len()];
    let _ = store.set_fuel(fuel);
    match func.call(&mut *store, &vals, &mut results) {
        Ok(()) => Outcome::Return {
            values: results.iter().map(|v| from_val(&mut *store, v)).collect(),
        },
        Err(e) => call_error(&e, fuel),
    }
}

impl Live {
    fn call(&mut self, func: Func, args: &[Value]) -> Outcome {
        call(&mut self.store, func, args, self.fuel)
    }
}

impl Instance for Live {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        let outcome = match self.instance.get_func(&mut self.store, export) {
            Some(f) => self.call(f, args),
            None => Outcome::Error {
                message: format!("no exported function `{export}`"),
            },
        };
        let (host_calls, resources) = self.store.data_mut().log.take();
        Step {
            outcome,
            host_calls,
            resources,
        }
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        let exports: Vec<(String, Extern)> = self
            .instance
            .exports(&mut self.store)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        let mut state = FinalState::default();
        for (name, ext) in exports {
            match ext {
                Extern::Global(g) if observe.globals => {
                    let v = g.get(&mut self.store);
                    let value = from_val(&mut self.store, &v);
                    state.globals.push(GlobalState { name, value });
                }
                Extern::Memory(m) if observe.memories => {
                    state
                        .memories
                        .push(crate::memory_state(&name, m.data(&self.store)));
                }
                Extern::SharedMemory(m) if observe.memories => {
                    // Single-threaded here: nothing else writes to it while it is copied.
                    let bytes: Vec<u8> = m.data().iter().map(|c| unsafe { *c.get() }).collect();
                    state.memories.push(crate::memory_state(&name, &bytes));
                }
                Extern::Table(t) if observe.tables => {
                    let size = t.size(&self.store);
                    let slots: Vec<bool> = (0..size)
                        .map(|i| t.get(&mut self.store, i).is_some_and(|r| !r.is_null()))
                        .collect();
                    state.tables.push(TableState::from_slots(name, slots));
                }
                _ => {}
            }
        }
        let _ = self.store.as_context();
        state
    }
}

/// A `.wast` session: one store, a linker that grows with each `register`.
struct WastSession {
    store: Store<State>,
    linker: Linker<State>,
    names: Names<wasmtime::Instance>,
    fuel: u64,
}

impl Session for WastSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let module = match Module::new(self.store.engine(), bytes) {
            Ok(m) => m,
            Err(e) => {
                return InstanceOutcome::Rejected {
                    message: format!("{e:#}"),
                };
            }
        };
        let _ = self.store.set_fuel(self.fuel);
        let outcome = match self.linker.instantiate(&mut self.store, &module) {
            Ok(instance) => {
                self.names.add(name, instance);
                InstanceOutcome::Instantiated
            }
            Err(e) => instance_error(&e, self.fuel),
        };
        self.store.data_mut().log.take();
        outcome
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        let instance = self.names.get(module)?;
        self.linker
            .instance(&mut self.store, as_name, instance)
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        let outcome = match self.names.get(module) {
            Ok(instance) => match instance.get_func(&mut self.store, export) {
                Some(f) => call(&mut self.store, f, args, self.fuel),
                None => Outcome::Error {
                    message: format!("no exported function `{export}`"),
                },
            },
            Err(message) => Outcome::Error { message },
        };
        self.store.data_mut().log.take();
        outcome
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.names.get(module) {
            Ok(instance) => match instance.get_global(&mut self.store, export) {
                Some(g) => {
                    let v = g.get(&mut self.store);
                    Outcome::Return {
                        values: vec![from_val(&mut self.store, &v)],
                    }
                }
                None => Outcome::Error {
                    message: format!("no exported global `{export}`"),
                },
            },
            Err(message) => Outcome::Error { message },
        }
    }
}
