//! wasm3 (`wasm3`), through PyPI's pywasm3 in a persistent Python driver
//! (`runners/drivers/wasm3-driver.py`).
//!
//! pywasm3 passes floats as Python floats and cannot link two modules, so the module gets
//! probes ([`super::probe`]): the driver calls them, and every value crosses as an integer.
//! Memories are read whole by the driver; globals and tables through probes. wasm3 has no
//! reference types, no SIMD and no `register` (modules cannot import from one another).

use std::path::PathBuf;

use oracle::{
    FinalState, GlobalState, InstanceOutcome, Outcome, Proposal, Step, TableState, TrapKind,
    ValType, Value,
};
use serde_json::json;

use super::probe::{Probe, instrument, probe_name};
use super::process::Program;
use super::v8::{Driver, call_error, driver_files, host_calls};
use super::wrap;
use crate::{EngineInfo, Instance, Instantiation, Limits};

const DRIVER: &str = include_str!("../../drivers/wasm3-driver.py");

/// wasm3 as found here: the Python that has pywasm3.
#[derive(Clone, Debug)]
pub struct Wasm3 {
    python: PathBuf,
    version: String,
}

/// Finds a Python with pywasm3: the install script's virtual environment, `$HARNESS_PYTHON`,
/// then `python3` on `PATH`.
pub fn discover() -> (Vec<Wasm3>, Vec<String>) {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("HARNESS_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(super::v8::prefix().join("venv/bin/python"));
    candidates.extend(super::which("python3"));
    for python in candidates.into_iter().filter(|p| p.is_file()) {
        let probe = Program::new(&python)
            .with_args(["-c", "import wasm3; print('wasm3 ' + wasm3.M3_VERSION)"]);
        if let Some(line) = super::version_of(&probe)
            && let Some(version) = line.strip_prefix("wasm3 ")
        {
            return (
                vec![Wasm3 {
                    python,
                    version: version.to_string(),
                }],
                Vec::new(),
            );
        }
    }
    (
        Vec::new(),
        vec!["wasm3: no Python with pywasm3 found (scripts/install-engines.sh installs it)".into()],
    )
}

/// A wasm3 trap message (`[trap] integer overflow`) as the spec's trap kind.
pub fn trap_kind(message: &str) -> TrapKind {
    let m = message.trim_start_matches("[trap] ");
    if m.starts_with("unreachable") {
        TrapKind::Unreachable
    } else if m.starts_with("undefined element") {
        // wasm3 says this for a null slot too, in `call_indirect`: it names no one trap.
        TrapKind::Other(m.to_string())
    } else if m.starts_with("null table element") {
        TrapKind::UninitializedElement
    } else if m.starts_with("data segment out of bounds") {
        TrapKind::OutOfBoundsMemoryAccess
    } else {
        TrapKind::from_message(m)
    }
}

/// Host calls as the Python host saw them: floats came as doubles (a signalling NaN
/// quieted), so they are judged as near.
fn inexact(mut calls: Vec<oracle::HostCall>) -> Vec<oracle::HostCall> {
    for c in &mut calls {
        c.inexact = true;
    }
    calls
}

/// Why the driver cannot give the module its imports, if it cannot: pywasm3 links host
/// functions only, so `spectest`'s memory, table and globals would be missing, and wasm3
/// would say "unallocated linear memory" or read an imported global as 0, through no fault
/// of its own. (An import of something `spectest` does not have is left to wasm3, which
/// must refuse to link it.)
fn unlinkable_here(module: &[u8]) -> Option<String> {
    use crate::inspect::ImportKind;
    let info = crate::inspect::inspect(module).ok()?;
    let missing: Vec<String> = info
        .imports
        .iter()
        .filter(|i| {
            i.module == "spectest"
                && matches!(
                    (i.name.as_str(), &i.kind),
                    ("memory", ImportKind::Memory)
                        | ("table", ImportKind::Table)
                        | (
                            "global_i32" | "global_i64" | "global_f32" | "global_f64",
                            ImportKind::Global
                        )
                )
        })
        .map(|i| format!("spectest.{}", i.name))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the wasm3 driver links host functions only (pywasm3): it cannot give the module {}",
            missing.join(", ")
        )
    })
}

/// One instance: its probes.
struct Probed {
    id: String,
    probes: Vec<Probe>,
    memories: Vec<(String, u32)>,
}

fn instantiate_in(
    driver: &mut Driver,
    id: &str,
    module: &[u8],
) -> (Step<InstanceOutcome>, Option<Probed>) {
    if let Some(why) = unlinkable_here(module) {
        return (
            Step::bare(InstanceOutcome::Unsupported {
                proposals: Vec::new(),
                message: why,
            }),
            None,
        );
    }
    let (bytes, probes) = match instrument(module) {
        Ok(x) => x,
        Err(e) => {
            return (
                Step::bare(InstanceOutcome::Rejected {
                    message: format!("invalid: {e}"),
                }),
                None,
            );
        }
    };
    let path = driver.scratch.path().join(format!("{id}.wasm"));
    if let Err(e) = std::fs::write(&path, &bytes) {
        return (
            Step::bare(InstanceOutcome::Crash {
                message: format!("cannot write the module: {e}"),
            }),
            None,
        );
    }
    let ping = probes.len() - 1;
    let reply = driver.request(json!({
        "op": "instantiate", "id": id, "module": path, "ping": probe_name(ping),
    }));
    let _ = std::fs::remove_file(&path);
    match reply {
        Err(lost) => (Step::bare(lost.instance()), None),
        Ok(r) => {
            let calls = inexact(host_calls(&r.host_calls));
            let message = format!("{}: {}", r.error, r.message);
            let outcome = if r.ok {
                InstanceOutcome::Instantiated
            } else if r.message.contains("segment out of bounds") {
                // wasm3 checks segments while loading: a trap of instantiation.
                InstanceOutcome::Trap {
                    kind: trap_kind(&r.message),
                    message,
                }
            } else if r.phase == "compile" {
                InstanceOutcome::Rejected { message }
            } else if r.phase == "link" {
                InstanceOutcome::Unlinkable { message }
            } else if r.message.starts_with("[trap] stack overflow") {
                InstanceOutcome::Exhaustion { message }
            } else if r.message.starts_with("[trap]") {
                InstanceOutcome::Trap {
                    kind: trap_kind(&r.message),
                    message,
                }
            } else {
                InstanceOutcome::Crash { message }
            };
            let live = outcome == InstanceOutcome::Instantiated;
            let memories = memory_indices(module);
            (
                Step {
                    outcome,
                    host_calls: calls,
                    resources: Vec::new(),
                },
                live.then(|| Probed {
                    id: id.to_string(),
                    probes,
                    memories,
                }),
            )
        }
    }
}

fn memory_indices(module: &[u8]) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(wasmparser::Payload::ExportSection(r)) = p {
            for e in r.into_iter().flatten() {
                if e.kind == wasmparser::ExternalKind::Memory {
                    out.push((e.name.to_string(), e.index));
                }
            }
        }
    }
    out
}

/// Calls probe `k` with these carriers; the values of `types`.
fn call_probe(
    driver: &mut Driver,
    id: &str,
    k: usize,
    args: Vec<String>,
    types: &[ValType],
) -> Step<Outcome> {
    let req = json!({"op": "invoke", "id": id, "export": probe_name(k), "args": args});
    match driver.request(req) {
        Err(lost) => Step::bare(lost.outcome()),
        Ok(r) => {
            let calls = inexact(host_calls(&r.host_calls));
            let outcome = if r.ok {
                match wrap::from_carriers(types, &r.results) {
                    Ok(values) => Outcome::Return { values },
                    Err(e) => Outcome::Crash {
                        message: format!("the driver's results do not fit the type: {e}"),
                    },
                }
            } else if r.message.starts_with("[trap] stack overflow") {
                Outcome::Exhaustion {
                    message: r.message.clone(),
                }
            } else if r.message.starts_with("[trap]") {
                Outcome::Trap {
                    kind: trap_kind(&r.message),
                    message: r.message.clone(),
                }
            } else {
                call_error(&r)
            };
            Step {
                outcome,
                host_calls: calls,
                resources: Vec::new(),
            }
        }
    }
}

fn invoke_in(driver: &mut Driver, inst: &Probed, export: &str, args: &[Value]) -> Step<Outcome> {
    let found = inst.probes.iter().enumerate().find_map(|(k, p)| match p {
        Probe::Call { name, results, .. } if name == export => Some((k, results.clone())),
        _ => None,
    });
    let Some((k, results)) = found else {
        return Step::bare(Outcome::Error {
            message: format!("`{export}` is not an exported function wasm3 can be called with"),
        });
    };
    let carried: Vec<String> = args.iter().flat_map(wrap::to_carriers).collect();
    call_probe(driver, &inst.id, k, carried, &results)
}

fn get_in(driver: &mut Driver, inst: &Probed, export: &str) -> Outcome {
    let found = inst.probes.iter().enumerate().find_map(|(k, p)| match p {
        Probe::Global { name, ty } if name == export => Some((k, *ty)),
        _ => None,
    });
    match found {
        Some((k, ty)) => call_probe(driver, &inst.id, k, vec![], &[ty]).outcome,
        None => Outcome::Error {
            message: format!("no exported global `{export}`"),
        },
    }
}

fn one_value(step: Step<Outcome>) -> Option<Value> {
    match step.outcome {
        Outcome::Return { values } if values.len() == 1 => Some(values[0]),
        _ => None,
    }
}

/// A live instance in a wasm3 driver.
struct Wasm3Instance {
    driver: Driver,
    inst: Probed,
}

impl Instance for Wasm3Instance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        invoke_in(&mut self.driver, &self.inst, export, args)
    }

    fn final_state(&mut self, observe: &oracle::Observe) -> FinalState {
        let mut state = FinalState::default();
        let id = self.inst.id.clone();
        for (k, p) in self.inst.probes.clone().iter().enumerate() {
            match p {
                Probe::Global { name, ty } if observe.globals => {
                    if let Some(value) =
                        one_value(call_probe(&mut self.driver, &id, k, vec![], &[*ty]))
                    {
                        state.globals.push(GlobalState {
                            name: name.clone(),
                            value,
                        });
                    }
                }
                Probe::TableSize { name } if observe.tables => {
                    let Some(Value::I64(n)) = one_value(call_probe(
                        &mut self.driver,
                        &id,
                        k,
                        vec![],
                        &[ValType::I64],
                    )) else {
                        // The probe needs `table.size`, which wasm3 lacks.
                        state.unobserved.push(name.clone());
                        continue;
                    };
                    let slots: Vec<bool> = (0..n.min(1 << 16))
                        .map(|i| {
                            one_value(call_probe(
                                &mut self.driver,
                                &id,
                                k + 1,
                                vec![format!("i64:{i}")],
                                &[ValType::I32],
                            )) == Some(Value::I32(0))
                        })
                        .collect();
                    state
                        .tables
                        .push(TableState::from_slots(name.clone(), slots));
                }
                _ => {}
            }
        }
        if observe.memories && !self.inst.memories.is_empty() {
            let memories: Vec<serde_json::Value> = self
                .inst
                .memories
                .iter()
                .map(|(name, index)| json!({"name": name, "index": index}))
                .collect();
            let dir = self.driver.scratch.path().to_path_buf();
            let req = json!({"op": "state", "id": id, "dir": dir, "memories": memories});
            if let Ok(r) = self.driver.request(req) {
                for m in r.memories {
                    let bytes = std::fs::read(&m.file).unwrap_or_default();
                    let _ = std::fs::remove_file(&m.file);
                    state.memories.push(crate::memory_state(&m.name, &bytes));
                }
            }
        }
        state
    }
}

impl Wasm3 {
    fn driver(&self, limits: &Limits) -> Result<Driver, String> {
        let files = driver_files(&[("wasm3-driver.py", DRIVER.as_bytes())])?;
        let program = Program::new(&self.python).with_args([files[0].display().to_string()]);
        Driver::start("wasm3", &program, limits)
    }
}

impl crate::Engine for Wasm3 {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wasm3".into(),
            version: self.version.clone(),
            config: format!(
                "wasm3 interpreter through pywasm3, persistent Python driver, probes for exact bits, no fuel (wall clock): {}",
                self.python.display()
            ),
            proposals: vec![
                Proposal::MutableGlobal,
                Proposal::SignExtension,
                Proposal::SaturatingFloatToInt,
                Proposal::MultiValue,
                Proposal::BulkMemory,
            ],
        }
    }

    fn external(&self) -> bool {
        true
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        let mut driver = match self.driver(limits) {
            Ok(d) => d,
            Err(message) => return Instantiation::crashed(message),
        };
        let (step, inst) = instantiate_in(&mut driver, "main", module);
        Instantiation {
            step,
            instance: inst
                .map(|inst| Box::new(Wasm3Instance { driver, inst }) as Box<dyn Instance>),
            compile_us: 0,
        }
    }

    fn session(
        &self,
        limits: &Limits,
        _profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn crate::wast::Session>, String> {
        Ok(Box::new(Wasm3Session {
            driver: self.driver(limits)?,
            names: crate::wast::Names::default(),
            instances: Vec::new(),
        }))
    }
}

/// A `.wast` session in one wasm3 driver (no `register`).
struct Wasm3Session {
    driver: Driver,
    names: crate::wast::Names<usize>,
    instances: Vec<Probed>,
}

impl crate::wast::Session for Wasm3Session {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        let id = format!("i{}", self.instances.len());
        let (step, inst) = instantiate_in(&mut self.driver, &id, bytes);
        if let Some(inst) = inst {
            self.instances.push(inst);
            self.names.add(name, self.instances.len() - 1);
        }
        step.outcome
    }

    fn register(&mut self, _as_name: &str, _module: Option<&str>) -> Result<(), String> {
        Err("wasm3 cannot link modules to one another".into())
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        match self.names.get(module) {
            Ok(k) => invoke_in(&mut self.driver, &self.instances[k], export, args).outcome,
            Err(message) => Outcome::Error { message },
        }
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.names.get(module) {
            Ok(k) => get_in(&mut self.driver, &self.instances[k], export),
            Err(message) => Outcome::Error { message },
        }
    }
}
