//! Wasmer 7.4 with its Cranelift or Singlepass compiler, in this process: a world (one
//! store with the standard host and whatever was registered) and its instances by id.
//!
//! Values cross with exact bits (this is Rust: no NaN payload is lost). There is no fuel:
//! the harness's wall-clock limit kills this process when a step runs too long.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use oracle::{
    FinalState, GlobalState, HeapType, HostCall, InstanceOutcome, MemoryState, Observe, Outcome,
    RefValue, TableState, TrapKind, Value,
};
use wasmer::{
    Extern, ExternRef, Function, FunctionType, Global, Imports, InstantiationError, Memory,
    MemoryType, Module, RuntimeError, Store, Table, TableType, Type, Value as Val,
};

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

    fn store(self) -> Store {
        let builder = match self {
            Compiler::Cranelift => wasmer::sys::EngineBuilder::new(wasmer::sys::Cranelift::new()),
            Compiler::Singlepass => {
                wasmer::sys::EngineBuilder::new(wasmer::sys::Singlepass::default())
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

/// One store with the standard host, what was registered, and the instances by id.
pub struct World {
    store: Store,
    imports: Imports,
    log: Log,
    instances: HashMap<String, wasmer::Instance>,
}

impl World {
    /// An empty world of this compiler.
    pub fn new(compiler: Compiler) -> Result<World, String> {
        let mut store = compiler.store();
        let log: Log = Arc::default();
        let imports = spectest(&mut store, &log)?;
        Ok(World {
            store,
            imports,
            log,
            instances: HashMap::new(),
        })
    }

    fn take(&self) -> Vec<HostCall> {
        self.log
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    fn instance(&self, id: &str) -> Result<wasmer::Instance, String> {
        self.instances
            .get(id)
            .cloned()
            .ok_or_else(|| format!("no instance `{id}`"))
    }

    /// Compiles and instantiates `bytes` as instance `id` (replacing one of that id).
    pub fn instantiate(&mut self, id: &str, bytes: &[u8]) -> Instantiated {
        let t = Instant::now();
        let module = Module::new(&self.store, bytes);
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
        let result = wasmer::Instance::new(&mut self.store, &module, &self.imports);
        let instantiate_us = t.elapsed().as_micros() as u64;
        let outcome = match result {
            Ok(instance) => {
                self.instances.insert(id.to_string(), instance);
                InstanceOutcome::Instantiated
            }
            Err(e) => instance_error(e),
        };
        Instantiated {
            outcome,
            host_calls: self.take(),
            compile_us,
            instantiate_us,
        }
    }

    /// Makes instance `id`'s exports importable from module `as_name`.
    pub fn register(&mut self, id: &str, as_name: &str) -> Result<(), String> {
        let instance = self.instance(id)?;
        let exports: Vec<(String, Extern)> = instance
            .exports
            .iter()
            .map(|(n, e)| (n.clone(), e.clone()))
            .collect();
        self.imports.register_namespace(as_name, exports);
        Ok(())
    }

    /// Calls export `export` of instance `id`: the outcome and the calls into `spectest`.
    pub fn invoke(&mut self, id: &str, export: &str, args: &[Value]) -> (Outcome, Vec<HostCall>) {
        let outcome = match self.instance(id) {
            Ok(instance) => self.call(&instance, export, args),
            Err(message) => Outcome::Error { message },
        };
        (outcome, self.take())
    }

    fn call(&mut self, instance: &wasmer::Instance, export: &str, args: &[Value]) -> Outcome {
        let Ok(f) = instance.exports.get_function(export) else {
            return Outcome::Error {
                message: format!("no exported function `{export}`"),
            };
        };
        let store = &mut self.store;
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

    /// Reads exported global `export` of instance `id`.
    pub fn get(&mut self, id: &str, export: &str) -> Outcome {
        let instance = match self.instance(id) {
            Ok(i) => i,
            Err(message) => return Outcome::Error { message },
        };
        match instance.exports.get_global(export) {
            Ok(g) => {
                let v = g.get(&mut self.store);
                Outcome::Return {
                    values: vec![from_val(&self.store, &v)],
                }
            }
            Err(_) => Outcome::Error {
                message: format!("no exported global `{export}`"),
            },
        }
    }

    /// The exported state of instance `id` that `observe` asks for.
    pub fn final_state(&mut self, id: &str, observe: &Observe) -> Result<FinalState, String> {
        let instance = self.instance(id)?;
        let exports: Vec<(String, Extern)> = instance
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
                    state.memories.push(MemoryState {
                        name,
                        size: bytes.len() as u64,
                        sha256: oracle::judge::sha256_hex(&bytes),
                        contents: None,
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
            let i = w.instantiate("m", &m);
            assert_eq!(i.outcome, InstanceOutcome::Instantiated);
            let (o, _) = w.invoke("m", "id", &[Value::F32(0x7fa0_0001)]);
            assert_eq!(
                o,
                Outcome::Return {
                    values: vec![Value::F32(0x7fa0_0001)]
                },
                "{compiler:?}"
            );
            let (o, _) = w.invoke("m", "div", &[Value::I32(1), Value::I32(0)]);
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
            let (o, calls) = w.invoke("m", "say", &[]);
            assert_eq!(o, Outcome::Return { values: vec![] });
            assert_eq!(calls[0].args, vec![Value::I32(7)]);
        }
    }

    #[test]
    fn bad_modules_and_names_are_outcomes_not_panics() {
        let mut w = World::new(Compiler::Singlepass).unwrap();
        let i = w.instantiate("m", b"\0asm\x01\0\0\0\xff");
        assert!(matches!(i.outcome, InstanceOutcome::Rejected { .. }));
        // Multiple memories are not WebAssembly 2.0: invalid in this configuration.
        let i = w.instantiate("m", &wasm("(module (memory 1) (memory 1))"));
        assert!(
            matches!(i.outcome, InstanceOutcome::Rejected { .. }),
            "{:?}",
            i.outcome
        );
        let (o, _) = w.invoke("nope", "f", &[]);
        assert!(matches!(o, Outcome::Error { .. }));
        assert!(w.register("nope", "M").is_err());
        assert!(w.final_state("nope", &ALL).is_err());
    }
}
