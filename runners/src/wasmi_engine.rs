//! wasmi 2, the register-machine interpreter. Everything wasmi-specific stays in this file.

use std::time::Instant;

use oracle::{
    FinalState, GlobalState, HeapType, HostCall, InstanceOutcome, Observe, Outcome, Proposal,
    RefValue, ResourceKind, Step, TableState, TrapKind, Value,
};
use wasmi::errors::{MemoryError, TableError};
use wasmi::{
    AsContext, CompilationMode, Config, Extern, ExternRef, Func, FuncType, Global, Linker, Memory,
    MemoryType, Module, Mutability, Nullable, Ref, RefType, ResourceLimiter, Store, Table,
    TableType, Val, ValType,
};
use wasmi::{F32, F64, TrapCode, V128};
use wasmi_core::LimiterError;

use crate::host::{self, HostLog};
use crate::wast::{Names, Session};
use crate::{Engine, EngineInfo, Instance, Instantiation, Limits, micros};

const VERSION: &str = "2.0.0";

/// wasmi's call depth limit here (its default: 1,000).
const MAX_RECURSION_DEPTH: usize = 20_000;

/// wasmi's value stack limit here, in bytes (its default: 1,000,000).
const MAX_STACK_BYTES: usize = 16 << 20;

/// wasmi, compiling eagerly (so that every function is validated before anything runs).
#[derive(Default)]
pub struct Wasmi {
    /// The largest memory, in bytes, this instance of the engine grants (the harness's limit
    /// applies too). Only the tests lower it.
    pub memory_cap: Option<u64>,
}

impl Wasmi {
    fn proposals() -> Vec<Proposal> {
        use Proposal::*;
        let mut p = Proposal::WASM2.to_vec();
        p.extend([
            RelaxedSimd,
            TailCall,
            MultiMemory,
            Memory64,
            ExtendedConst,
            CustomPageSizes,
            WideArithmetic,
        ]);
        p
    }

    /// The configuration for a profile (limited to what wasmi implements).
    fn config(profile: &[Proposal]) -> Config {
        use Proposal::*;
        let on = |p: Proposal| profile.contains(&p) && Self::proposals().contains(&p);
        let mut c = Config::default();
        c.consume_fuel(true)
            .compilation_mode(CompilationMode::Eager)
            // wasmi's own defaults (1,000 frames, a 1 MB value stack) exhaust where the
            // Wasmtime engines do not: a campaign module may recurse up to its termination
            // fuel (1,000 entries), and the spec allows exhaustion at any depth, so every
            // such step went unjudged for wasmi alone. Its stack is on the heap, not the
            // host's, so it can be deep.
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .set_max_stack_height(MAX_STACK_BYTES);
        c.wasm_mutable_global(on(MutableGlobal))
            .wasm_sign_extension(on(SignExtension))
            .wasm_saturating_float_to_int(on(SaturatingFloatToInt))
            .wasm_multi_value(on(MultiValue))
            .wasm_bulk_memory(on(BulkMemory))
            .wasm_reference_types(on(ReferenceTypes))
            .wasm_simd(on(Simd))
            .wasm_relaxed_simd(on(RelaxedSimd))
            .wasm_tail_call(on(TailCall))
            .wasm_multi_memory(on(MultiMemory))
            .wasm_memory64(on(Memory64))
            .wasm_extended_const(on(ExtendedConst))
            .wasm_custom_page_sizes(on(CustomPageSizes))
            .wasm_wide_arithmetic(on(WideArithmetic));
        c
    }
}

impl Engine for Wasmi {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wasmi".into(),
            version: VERSION.into(),
            config: "interpreter, eager compilation, fuel, 20,000 frames deep".into(),
            proposals: Self::proposals(),
        }
    }

    fn validate(&self, module: &[u8], profile: &[Proposal]) -> Option<Result<(), String>> {
        // One engine per profile, kept: validation is called per input by the fuzz targets.
        static ENGINES: std::sync::Mutex<Vec<(Vec<Proposal>, wasmi::Engine)>> =
            std::sync::Mutex::new(Vec::new());
        let mut engines = ENGINES.lock().ok()?;
        let engine = match engines.iter().find(|(p, _)| p == profile) {
            Some((_, e)) => e.clone(),
            None => {
                let e = wasmi::Engine::new(&Self::config(profile));
                engines.push((profile.to_vec(), e.clone()));
                e
            }
        };
        drop(engines);
        Some(wasmi::Module::validate(&engine, module).map_err(|e| e.to_string()))
    }

    fn session(
        &self,
        limits: &Limits,
        profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        let engine = wasmi::Engine::new(&Self::config(profile.unwrap_or(&Proposal::ALL)));
        let max_memory = self
            .memory_cap
            .map_or(limits.max_memory, |c| c.min(limits.max_memory));
        let mut store = Store::new(
            &engine,
            State {
                log: HostLog::new(max_memory, limits.max_table),
            },
        );
        store.limiter(|s| s as &mut dyn ResourceLimiter);
        let mut linker = spectest(&mut store).map_err(|e| e.to_string())?;
        linker.allow_shadowing(true);
        Ok(Box::new(WastSession {
            store,
            linker,
            names: Names::default(),
            fuel: limits.fuel,
        }))
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        let engine = wasmi::Engine::new(&Self::config(&Proposal::ALL));
        let t = Instant::now();
        let compiled = Module::new(&engine, module);
        let compile_us = micros(t);
        let compiled = match compiled {
            Ok(m) => m,
            Err(e) => {
                return Instantiation {
                    step: Step::bare(InstanceOutcome::Rejected {
                        message: e.to_string(),
                    }),
                    instance: None,
                    compile_us,
                };
            }
        };
        let max_memory = self
            .memory_cap
            .map_or(limits.max_memory, |c| c.min(limits.max_memory));
        let mut store = Store::new(
            &engine,
            State {
                log: HostLog::new(max_memory, limits.max_table),
            },
        );
        store.limiter(|s| s as &mut dyn ResourceLimiter);
        store.data_mut().log.creating = true;
        let linked = spectest(&mut store).and_then(|linker| {
            let _ = store.set_fuel(limits.fuel);
            linker.instantiate_and_start(&mut store, &compiled)
        });
        store.data_mut().log.creating = false;
        let (host_calls, resources) = store.data_mut().log.take();
        let (outcome, instance) = match linked {
            Ok(i) => (InstanceOutcome::Instantiated, Some(i)),
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
    ) -> Result<bool, LimiterError> {
        Ok(self
            .log
            .growing(ResourceKind::Memory, current, desired, maximum))
    }
    fn memory_grow_failed(&mut self, _error: &MemoryError) -> Result<(), LimiterError> {
        self.log.grow_failed();
        Ok(())
    }
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(self
            .log
            .growing(ResourceKind::Table, current, desired, maximum))
    }
    fn table_grow_failed(&mut self, _error: &TableError) -> Result<(), LimiterError> {
        self.log.grow_failed();
        Ok(())
    }
    fn instances(&self) -> usize {
        1000
    }
    fn tables(&self) -> usize {
        1000
    }
    fn memories(&self) -> usize {
        1000
    }
}

fn val_type(t: oracle::ValType) -> ValType {
    match t {
        oracle::ValType::I32 => ValType::I32,
        oracle::ValType::I64 => ValType::I64,
        oracle::ValType::F32 => ValType::F32,
        oracle::ValType::F64 => ValType::F64,
        oracle::ValType::V128 => ValType::V128,
        oracle::ValType::Ref(_) => ValType::FuncRef,
    }
}

/// The `spectest` module (see [`host`]).
fn spectest(store: &mut Store<State>) -> Result<Linker<State>, wasmi::Error> {
    let engine = store.engine().clone();
    let mut linker: Linker<State> = Linker::new(&engine);
    for (name, params) in host::FUNCS {
        let ty = FuncType::new(params.iter().map(|t| val_type(*t)), []);
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
        ("global_i32", Val::I32(host::GLOBAL_INT as i32)),
        ("global_i64", Val::I64(host::GLOBAL_INT as i64)),
        (
            "global_f32",
            Val::F32(F32::from_bits(host::GLOBAL_F32_BITS)),
        ),
        (
            "global_f64",
            Val::F64(F64::from_bits(host::GLOBAL_F64_BITS)),
        ),
    ];
    for (name, val) in globals {
        let g = Global::new(&mut *store, val, Mutability::Const);
        linker.define("spectest", name, g)?;
    }
    let (tmin, tmax) = host::TABLE_LIMITS;
    let table = Table::new(
        &mut *store,
        TableType::new(RefType::Func, tmin, Some(tmax)),
        Ref::Func(Nullable::Null),
    )?;
    linker.define("spectest", "table", table)?;
    let (mmin, mmax) = host::MEMORY_LIMITS;
    let memory = Memory::new(&mut *store, MemoryType::new(mmin, Some(mmax)))?;
    linker.define("spectest", "memory", memory)?;
    Ok(linker)
}

fn call_error(e: &wasmi::Error, fuel: u64) -> Outcome {
    let message = e.to_string();
    let kind = match e.as_trap_code() {
        Some(TrapCode::StackOverflow) => return Outcome::Exhaustion { message },
        Some(TrapCode::OutOfFuel) => {
            return Outcome::Timeout {
                message: format!("fuel limit of {fuel} exhausted"),
            };
        }
        Some(TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(TrapCode::MemoryOutOfBounds) => TrapKind::OutOfBoundsMemoryAccess,
        Some(TrapCode::TableOutOfBounds) => TrapKind::OutOfBoundsTableAccess,
        Some(TrapCode::IndirectCallToNull) => TrapKind::UninitializedElement,
        Some(TrapCode::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
        Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(TrapCode::BadConversionToInteger) => TrapKind::InvalidConversionToInteger,
        Some(TrapCode::BadSignature) => TrapKind::IndirectCallTypeMismatch,
        Some(other) => TrapKind::Other(other.trap_message().to_string()),
        None => return Outcome::Error { message },
    };
    Outcome::Trap { kind, message }
}

fn instance_error(e: &wasmi::Error, fuel: u64) -> InstanceOutcome {
    // wasmi reports an element segment past its table as an instantiation error; the spec
    // makes it a trap ("out of bounds table access") during instantiation.
    if let wasmi::errors::ErrorKind::Instantiation(
        wasmi::errors::InstantiationError::ElementSegmentDoesNotFit { .. },
    ) = e.kind()
    {
        return InstanceOutcome::Trap {
            kind: TrapKind::OutOfBoundsTableAccess,
            message: e.to_string(),
        };
    }
    match call_error(e, fuel) {
        Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
        Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
        Outcome::Timeout { message } => InstanceOutcome::Timeout { message },
        _ => InstanceOutcome::Unlinkable {
            message: e.to_string(),
        },
    }
}

fn from_val(store: impl AsContext, v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(x.as_u128()),
        Val::FuncRef(Nullable::Null) => Value::Ref(RefValue::Null(HeapType::Func)),
        Val::FuncRef(Nullable::Val(_)) => Value::Ref(RefValue::NonNull(HeapType::Func)),
        Val::ExternRef(Nullable::Null) => Value::Ref(RefValue::Null(HeapType::Extern)),
        Val::ExternRef(Nullable::Val(r)) => {
            match r.data(store.as_context()).downcast_ref::<u32>() {
                Some(n) => Value::Ref(RefValue::Extern(*n)),
                None => Value::Ref(RefValue::NonNull(HeapType::Extern)),
            }
        }
    }
}

fn to_val(store: &mut Store<State>, v: &Value, ty: &ValType) -> Result<Val, String> {
    Ok(match (v, ty) {
        (Value::I32(x), ValType::I32) => Val::I32(*x as i32),
        (Value::I64(x), ValType::I64) => Val::I64(*x as i64),
        (Value::F32(b), ValType::F32) => Val::F32(F32::from_bits(*b)),
        (Value::F64(b), ValType::F64) => Val::F64(F64::from_bits(*b)),
        (Value::V128(x), ValType::V128) => Val::V128(V128::from(*x)),
        (Value::Ref(RefValue::Null(_)), ValType::FuncRef) => Val::FuncRef(Nullable::Null),
        (Value::Ref(RefValue::Null(_)), ValType::ExternRef) => Val::ExternRef(Nullable::Null),
        (Value::Ref(RefValue::Extern(n)), ValType::ExternRef) => {
            Val::ExternRef(Nullable::Val(ExternRef::new(&mut *store, *n)))
        }
        _ => return Err(format!("cannot pass {v} as a {ty:?} argument")),
    })
}

struct Live {
    store: Store<State>,
    instance: wasmi::Instance,
    fuel: u64,
}

/// Calls a function with the harness's values, under the fuel limit.
fn call(store: &mut Store<State>, func: Func, args: &[Value], fuel: u64) -> Outcome {
    let ty = func.ty(&*store);
    if ty.params().len() != args.len() {
        return Outcome::Error {
            message: format!(
                "expected {} arguments, got {}",
                ty.params().len(),
                args.len()
            ),
        };
    }
    let mut vals = Vec::with_capacity(args.len());
    for (a, t) in args.iter().zip(ty.params()) {
        match to_val(store, a, t) {
            Ok(v) => vals.push(v),
            Err(message) => return Outcome::Error { message },
        }
    }
    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|t| Val::default_for_ty(*t))
        .collect();
    let _ = store.set_fuel(fuel);
    match func.call(&mut *store, &vals, &mut results) {
        Ok(()) => Outcome::Return {
            values: results.iter().map(|v| from_val(&*store, v)).collect(),
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
        let outcome = match self.instance.get_func(&self.store, export) {
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
            .exports(&self.store)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        let mut state = FinalState::default();
        for (name, ext) in exports {
            match ext {
                Extern::Global(g) if observe.globals => {
                    let v = g.get(&self.store);
                    let value = from_val(&mut self.store, &v);
                    state.globals.push(GlobalState { name, value });
                }
                Extern::Memory(m) if observe.memories => {
                    state
                        .memories
                        .push(crate::memory_state(&name, m.data(&self.store)));
                }
                Extern::Table(t) if observe.tables => {
                    let size = t.size(&self.store);
                    let slots: Vec<bool> = (0..size)
                        .map(|i| match t.get(&self.store, i) {
                            Some(Ref::Func(f)) => matches!(f, Nullable::Val(_)),
                            Some(Ref::Extern(e)) => matches!(e, Nullable::Val(_)),
                            None => false,
                        })
                        .collect();
                    state.tables.push(TableState::from_slots(name, slots));
                }
                _ => {}
            }
        }
        state
    }
}

/// A `.wast` session: one store, a linker that grows with each `register`.
struct WastSession {
    store: Store<State>,
    linker: Linker<State>,
    names: Names<wasmi::Instance>,
    fuel: u64,
}

impl Session for WastSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let module = match Module::new(self.store.engine(), bytes) {
            Ok(m) => m,
            Err(e) => {
                return InstanceOutcome::Rejected {
                    message: e.to_string(),
                };
            }
        };
        let _ = self.store.set_fuel(self.fuel);
        let outcome = match self.linker.instantiate_and_start(&mut self.store, &module) {
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
            .map_err(|e| e.to_string())
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        let outcome = match self.names.get(module) {
            Ok(instance) => match instance.get_func(&self.store, export) {
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
            Ok(instance) => match instance.get_global(&self.store, export) {
                Some(g) => {
                    let v = g.get(&self.store);
                    Outcome::Return {
                        values: vec![from_val(&self.store, &v)],
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
