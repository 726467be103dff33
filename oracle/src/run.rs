//! The oracle run as an engine: decode, validate, link against the standard host and
//! registered instances, instantiate, invoke. Used by the `reference` engine and by
//! [`crate::expect`].

use std::collections::HashMap;

use crate::ast::{GlobalType, Limits, MemType, TableType};
use crate::exec::{ExecError, ExternVal, InstantiateError, Store, Tagged};
use crate::value::{FuncType, HeapType, RefType, RefValue, ValType, Value};
use crate::{InstanceOutcome, Outcome, TrapKind};

/// A module the oracle has read and validated.
pub struct Loaded {
    /// Its syntax.
    pub module: crate::ast::Module,
}

/// Decodes and validates a module (`Module_ok`), or says why it is malformed or invalid.
pub fn load(bytes: &[u8]) -> Result<Loaded, String> {
    let module = crate::binary::decode(bytes).map_err(|e| format!("malformed: {e}"))?;
    crate::valid::validate(&module).map_err(|e| format!("invalid: {e}"))?;
    Ok(Loaded { module })
}

/// A store with the standard host and named instances, as a `.wast` script sees them.
pub struct World {
    /// The store.
    pub store: Store,
    registry: HashMap<(String, String), ExternVal>,
    instances: HashMap<String, Vec<(String, ExternVal)>>,
    latest: Option<Vec<(String, ExternVal)>>,
    fuel: Option<u64>,
}

impl World {
    /// A store with `spectest` registered (its functions, globals, table and memory).
    pub fn new(fuel: Option<u64>) -> World {
        let mut store = Store::new();
        let mut registry = HashMap::new();
        let mut def = |name: &str, e: ExternVal| {
            registry.insert(("spectest".to_string(), name.to_string()), e)
        };
        for (name, params) in [
            ("print", vec![]),
            ("print_i32", vec![ValType::I32]),
            ("print_i64", vec![ValType::I64]),
            ("print_f32", vec![ValType::F32]),
            ("print_f64", vec![ValType::F64]),
            ("print_i32_f32", vec![ValType::I32, ValType::F32]),
            ("print_f64_f64", vec![ValType::F64, ValType::F64]),
        ] {
            let f = store.alloc_host_func(
                FuncType {
                    params,
                    results: vec![],
                },
                name,
            );
            def(name, ExternVal::Func(f));
        }
        for (name, ty, v) in [
            ("global_i32", ValType::I32, Value::I32(666)),
            ("global_i64", ValType::I64, Value::I64(666)),
            ("global_f32", ValType::F32, Value::F32(0x4426_a666)),
            (
                "global_f64",
                ValType::F64,
                Value::F64(0x4084_d4cc_cccc_cccd),
            ),
        ] {
            let g = store.alloc_global(GlobalType { mutable: false, ty }, v);
            def(name, ExternVal::Global(g));
        }
        let funcref = RefType {
            nullable: true,
            heap: HeapType::Func,
        };
        let t = store.alloc_table(
            TableType {
                limits: Limits {
                    min: 10,
                    max: Some(20),
                },
                elem: funcref,
            },
            Value::Ref(RefValue::Null(HeapType::Func)),
        );
        def("table", ExternVal::Table(t));
        let m = store.alloc_mem(MemType {
            limits: Limits {
                min: 1,
                max: Some(2),
            },
        });
        def("memory", ExternVal::Mem(m));
        store.set_fuel(fuel);
        World {
            store,
            registry,
            instances: HashMap::new(),
            latest: None,
            fuel,
        }
    }

    /// Whether `spectest`'s memory and table are as [`World::new`] made them (one page of
    /// zeros, ten null slots): no module grew them or left anything in them.
    pub fn spectest_untouched(&self) -> bool {
        let get = |n: &str| self.registry.get(&("spectest".to_string(), n.to_string()));
        let memory = match get("memory") {
            Some(ExternVal::Mem(m)) => {
                let bytes = self.store.memory(*m);
                bytes.len() == 65536
                    && bytes.iter().all(|b| *b == 0)
                    && self.store.memory_tainted(*m).is_empty()
            }
            _ => false,
        };
        let table = match get("table") {
            Some(ExternVal::Table(t)) => {
                let slots = self.store.table(*t);
                slots.len() == 10
                    && slots
                        .iter()
                        .all(|v| matches!(v, Value::Ref(RefValue::Null(_))))
            }
            _ => false,
        };
        memory && table
    }

    /// Compiles and instantiates a module (`Instantiate`); on success it becomes the latest
    /// instance, and `name`'s.
    pub fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let loaded = match load(bytes) {
            Ok(l) => l,
            Err(message) => return InstanceOutcome::Rejected { message },
        };
        let mut imports = Vec::with_capacity(loaded.module.imports.len());
        for i in &loaded.module.imports {
            match self.registry.get(&(i.module.clone(), i.name.clone())) {
                Some(e) => imports.push(*e),
                None => {
                    return InstanceOutcome::Unlinkable {
                        message: format!("unknown import \"{}\" \"{}\"", i.module, i.name),
                    };
                }
            }
        }
        self.store.set_fuel(self.fuel);
        match self.store.instantiate(&loaded.module, &imports) {
            Ok(exports) => {
                if let Some(n) = name {
                    self.instances.insert(n.to_string(), exports.clone());
                }
                self.latest = Some(exports);
                InstanceOutcome::Instantiated
            }
            Err(InstantiateError::Unlinkable(message)) => InstanceOutcome::Unlinkable { message },
            Err(InstantiateError::Trap(kind)) => InstanceOutcome::Trap {
                message: kind.to_string(),
                kind,
            },
            Err(InstantiateError::Exhaustion) => InstanceOutcome::Exhaustion {
                message: "call stack exhausted".into(),
            },
            // The oracle cannot say more: like its own limits, not a verdict.
            Err(InstantiateError::Open(m)) => InstanceOutcome::Timeout {
                message: format!("the spec leaves instantiation open: {m}"),
            },
            Err(InstantiateError::OutOfFuel) => InstanceOutcome::Timeout {
                message: "the oracle's fuel ran out".into(),
            },
        }
    }

    /// The exports of a named instance, or of the latest.
    pub fn exports(&self, module: Option<&str>) -> Result<&[(String, ExternVal)], String> {
        match module {
            Some(m) => self
                .instances
                .get(m)
                .map(Vec::as_slice)
                .ok_or_else(|| format!("no module named {m}")),
            None => self
                .latest
                .as_deref()
                .ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    /// Makes an instance's exports importable as `as_name`.
    pub fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        let exports = self.exports(module)?.to_vec();
        for (field, e) in exports {
            self.registry.insert((as_name.to_string(), field), e);
        }
        Ok(())
    }

    fn export(&self, module: Option<&str>, name: &str) -> Result<ExternVal, String> {
        self.exports(module)?
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e)
            .ok_or_else(|| format!("no export `{name}`"))
    }

    /// Calls an exported function (`Invoke`), keeping what the spec leaves open.
    pub fn invoke_tagged(
        &mut self,
        module: Option<&str>,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Tagged>, Outcome> {
        let ExternVal::Func(f) = self
            .export(module, name)
            .map_err(|message| Outcome::Error { message })?
        else {
            return Err(Outcome::Error {
                message: format!("`{name}` is not a function"),
            });
        };
        self.store.set_fuel(self.fuel);
        self.store.invoke(f, args).map_err(|e| match e {
            ExecError::Trap(kind) => Outcome::Trap {
                message: kind.to_string(),
                kind,
            },
            ExecError::Exhaustion => Outcome::Exhaustion {
                message: "call stack exhausted".into(),
            },
            ExecError::OutOfFuel => Outcome::Timeout {
                message: "the oracle's fuel ran out".into(),
            },
            ExecError::Unsupported(m) => Outcome::Error {
                message: format!("the oracle does not implement this: {m}"),
            },
            ExecError::Open(m) => Outcome::Error {
                message: format!("the spec leaves this step open: {m}"),
            },
        })
    }

    /// Calls an exported function, as an engine's observation.
    pub fn invoke(&mut self, module: Option<&str>, name: &str, args: &[Value]) -> Outcome {
        match self.invoke_tagged(module, name, args) {
            Ok(values) => Outcome::Return {
                values: values.into_iter().map(|t| t.value).collect(),
            },
            Err(o) => o,
        }
    }

    /// Reads an exported global.
    pub fn get_tagged(&self, module: Option<&str>, name: &str) -> Result<Tagged, String> {
        match self.export(module, name)? {
            ExternVal::Global(g) => Ok(self.store.global(g)),
            _ => Err(format!("`{name}` is not a global")),
        }
    }
}

/// A trap kind an exhaustion-free, fuel-free oracle step never reports: used to keep
/// `TrapKind` in this module's vocabulary explicit.
pub fn is_trap(o: &Outcome) -> Option<&TrapKind> {
    match o {
        Outcome::Trap { kind, .. } => Some(kind),
        _ => None,
    }
}
