//! Wasmer 7.4 with its Singlepass compiler (`wasmer-singlepass`), in process, behind the
//! `wasmer` cargo feature (its build costs minutes). Like every in-process engine it runs in
//! a worker process of its own, so Wasmer's signal handlers never meet Wasmtime's.
//!
//! Wasmer's Cranelift compiler (`wasmer-cranelift`) is not here: `wasmer-compiler-cranelift`
//! 7.4.x pins `cranelift-codegen =0.135.0`, and the bundled Wasmtime 48.0.8 needs
//! `^0.135.8`, so one build cannot hold both (README, "External engines").
//!
//! There is no fuel (a loop ends at the worker's wall-clock limit) and no cap on memory
//! growth but the worker's memory limit.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use oracle::{
    FinalState, GlobalState, HeapType, HostCall, InstanceOutcome, Observe, Outcome, Proposal,
    RefValue, Step, TableState, TrapKind, Value,
};
use wasmer::{
    Extern, ExternRef, Function, FunctionType, Global, Imports, InstantiationError, Memory,
    MemoryType, Module, RuntimeError, Store, Table, TableType, Type, Value as Val,
};

use crate::host;
use crate::wast::{Names, Session};
use crate::{Engine, EngineInfo, Instance, Instantiation, Limits, micros};

const VERSION: &str = "7.4.2";

/// Wasmer with Singlepass.
#[derive(Default)]
pub struct WasmerSinglepass;

fn proposals() -> Vec<Proposal> {
    // Singlepass compiles no SIMD.
    Proposal::WASM2
        .iter()
        .copied()
        .filter(|p| *p != Proposal::Simd)
        .collect()
}

fn store() -> Store {
    let compiler = wasmer::sys::Singlepass::default();
    Store::new(wasmer::sys::EngineBuilder::new(compiler).engine())
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

fn call_error(e: RuntimeError) -> Outcome {
    let message = e.message();
    // Wasmer's trap codes, by name (`wasmer_types::TrapCode`, not re-exported by `wasmer`).
    let Some(code) = e.to_trap().map(|t| format!("{t:?}")) else {
        return Outcome::Error { message };
    };
    let kind = match code.as_str() {
        "StackOverflow" => return Outcome::Exhaustion { message },
        "HeapAccessOutOfBounds" => TrapKind::OutOfBoundsMemoryAccess,
        "HeapMisaligned" | "UnalignedAtomic" => TrapKind::UnalignedAtomic,
        "TableAccessOutOfBounds" => TrapKind::OutOfBoundsTableAccess,
        "IndirectCallToNull" => TrapKind::UninitializedElement,
        "BadSignature" => TrapKind::IndirectCallTypeMismatch,
        "IntegerOverflow" => TrapKind::IntegerOverflow,
        "IntegerDivisionByZero" => TrapKind::IntegerDivideByZero,
        "BadConversionToInteger" => TrapKind::InvalidConversionToInteger,
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

struct Live {
    store: Store,
    instance: wasmer::Instance,
    log: Log,
}

fn take(log: &Log) -> Vec<HostCall> {
    log.lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default()
}

/// Calls export `export` of `instance` with the harness's values.
fn call(store: &mut Store, instance: &wasmer::Instance, export: &str, args: &[Value]) -> Outcome {
    let Ok(f) = instance.exports.get_function(export) else {
        return Outcome::Error {
            message: format!("no exported function `{export}`"),
        };
    };
    let f = f.clone();
    let ty = f.ty(store);
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
        .map(|(a, t)| to_val(store, a, t))
        .collect();
    match vals {
        Err(message) => Outcome::Error { message },
        Ok(vals) => match f.call(store, &vals) {
            Ok(results) => Outcome::Return {
                values: results.iter().map(|v| from_val(store, v)).collect(),
            },
            Err(e) => call_error(e),
        },
    }
}

impl Instance for Live {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        let outcome = call(&mut self.store, &self.instance, export, args);
        Step {
            outcome,
            host_calls: take(&self.log),
            resources: Vec::new(),
        }
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        let exports: Vec<(String, Extern)> = self
            .instance
            .exports
            .iter()
            .map(|(n, e)| (n.clone(), e.clone()))
            .collect();
        let mut state = FinalState::default();
        for (name, ext) in exports {
            match ext {
                Extern::Global(g) if observe.globals => {
                    let v = g.get(&mut self.store);
                    let value = from_val(&self.store, &v);
                    state.globals.push(GlobalState { name, value });
                }
                Extern::Memory(m) if observe.memories => {
                    let bytes = m.view(&self.store).copy_to_vec().unwrap_or_default();
                    state.memories.push(crate::memory_state(&name, &bytes));
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
        state
    }
}

/// A `.wast` session: one store, imports that grow with each `register`.
struct WastSession {
    store: Store,
    imports: Imports,
    log: Log,
    names: Names<wasmer::Instance>,
}

impl Session for WastSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let module = match Module::new(&self.store, bytes) {
            Ok(m) => m,
            Err(e) => {
                return InstanceOutcome::Rejected {
                    message: e.to_string(),
                };
            }
        };
        let outcome = match wasmer::Instance::new(&mut self.store, &module, &self.imports) {
            Ok(instance) => {
                self.names.add(name, instance);
                InstanceOutcome::Instantiated
            }
            Err(e) => instance_error(e),
        };
        take(&self.log);
        outcome
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        let instance = self.names.get(module)?;
        let exports: Vec<(String, Extern)> = instance
            .exports
            .iter()
            .map(|(n, e)| (n.clone(), e.clone()))
            .collect();
        self.imports.register_namespace(as_name, exports);
        Ok(())
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        let outcome = match self.names.get(module) {
            Ok(instance) => call(&mut self.store, &instance, export, args),
            Err(message) => Outcome::Error { message },
        };
        take(&self.log);
        outcome
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.names.get(module) {
            Ok(instance) => match instance.exports.get_global(export) {
                Ok(g) => {
                    let v = g.get(&mut self.store);
                    Outcome::Return {
                        values: vec![from_val(&self.store, &v)],
                    }
                }
                Err(_) => Outcome::Error {
                    message: format!("no exported global `{export}`"),
                },
            },
            Err(message) => Outcome::Error { message },
        }
    }
}

impl Engine for WasmerSinglepass {
    fn session(
        &self,
        _limits: &Limits,
        _profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        let mut store = store();
        let log: Log = Arc::default();
        let imports = spectest(&mut store, &log)?;
        Ok(Box::new(WastSession {
            store,
            imports,
            log,
            names: Names::default(),
        }))
    }

    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wasmer-singlepass".into(),
            version: VERSION.into(),
            config:
                "Singlepass compiler, in process (cargo feature `wasmer`), no fuel (wall clock)"
                    .into(),
            proposals: proposals(),
        }
    }

    fn instantiate(&self, module: &[u8], _limits: &Limits) -> Instantiation {
        let mut store = store();
        let t = Instant::now();
        let compiled = Module::new(&store, module);
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
        let log: Log = Arc::default();
        let imports = match spectest(&mut store, &log) {
            Ok(i) => i,
            Err(message) => {
                return Instantiation {
                    step: Step::bare(InstanceOutcome::Crash { message }),
                    instance: None,
                    compile_us,
                };
            }
        };
        let result = wasmer::Instance::new(&mut store, &compiled, &imports);
        let host_calls = take(&log);
        let (outcome, instance) = match result {
            Ok(i) => (InstanceOutcome::Instantiated, Some(i)),
            Err(e) => (instance_error(e), None),
        };
        Instantiation {
            step: Step {
                outcome,
                host_calls,
                resources: Vec::new(),
            },
            instance: instance.map(|instance| {
                Box::new(Live {
                    store,
                    instance,
                    log,
                }) as Box<dyn Instance>
            }),
            compile_us,
        }
    }
}
