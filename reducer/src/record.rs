//! Runs an instrumented module on Wasmtime (Cranelift) and records what it reports.

use std::collections::HashSet;

use oracle::{Plan, Value};
use wasmtime::{
    Caller, Config, Engine, Extern, Func, Global, GlobalType, Instance, Linker, Memory, MemoryType,
    Module, Mutability, Ref, RefType, Store, Table, TableType, Val, ValType,
};

use crate::instrument::{COUNTER_EXPORT, HOOKS, MEMORY_EXPORT, TABLE_EXPORT};

/// The most events one recording keeps before giving up on the target.
const MAX_EVENTS: usize = 4_000_000;
/// The most bytes of loads and stores one recording keeps.
const MAX_BYTES: usize = 256 << 20;

/// What a recorded function set did, in order.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Event {
    /// A call into the set from outside: the function, its arguments' bits, and the
    /// memory size (pages) at that moment.
    Entry {
        func: u32,
        args: Vec<u64>,
        pages: u64,
    },
    /// The set read memory.
    Load { addr: u64, bytes: Vec<u8> },
    /// The set wrote memory (the bytes after the write).
    Store { addr: u64, bytes: Vec<u8> },
    /// The set read a global.
    GlobalGet { global: u32, bits: u64 },
    /// The set wrote a global.
    GlobalSet { global: u32, bits: u64 },
    /// The set called outside itself.
    Call { callee: Callee },
    /// That call returned these results; memory size afterwards.
    Return { results: Vec<u64>, pages: u64 },
}

/// Who a call out of the set went to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum Callee {
    /// A direct call.
    Func(u32),
    /// A `call_indirect` through a table slot, at a type.
    Slot { table: u32, slot: u32, ty: u32 },
}

/// Why a recording failed.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) enum RecordError {
    /// The module cannot run here at all (imports, compilation).
    Unrecordable(String),
    /// This target did too much to record.
    TooBig,
}

/// What a profile run found.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Profile {
    /// Entries of each defined function.
    pub counts: Vec<u64>,
    /// Functions on the stack of each trap, innermost first.
    pub trap_frames: Vec<u32>,
}

#[derive(Default)]
struct Hooks {
    set: HashSet<u32>,
    pending: Vec<u64>,
    /// Calls in progress: whether each goes outside the set.
    stack: Vec<bool>,
    ignore: u32,
    events: Vec<Event>,
    bytes: usize,
    overflow: bool,
}

impl Hooks {
    fn push(&mut self, e: Event) -> wasmtime::Result<()> {
        if let Event::Load { bytes, .. } | Event::Store { bytes, .. } = &e {
            self.bytes += bytes.len();
        }
        self.events.push(e);
        if self.events.len() > MAX_EVENTS || self.bytes > MAX_BYTES {
            self.overflow = true;
            return Err(wasmtime::Error::msg("recording too large"));
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.pending.clear();
        self.stack.clear();
        self.ignore = 0;
    }
}

fn engine() -> Result<Engine, String> {
    let mut c = Config::new();
    c.consume_fuel(true)
        .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(64));
    c.wasm_features(wasmparser::WasmFeatures::all(), false);
    c.wasm_features(runners::inspect::features_of(&oracle::Proposal::ALL), true);
    c.strategy(wasmtime::Strategy::Cranelift);
    Engine::new(&c).map_err(|e| format!("{e:#}"))
}

fn memory_of(caller: &mut Caller<'_, Hooks>) -> Option<Memory> {
    match caller.get_export(MEMORY_EXPORT) {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    }
}

fn read(caller: &mut Caller<'_, Hooks>, addr: u64, len: u64) -> Option<Vec<u8>> {
    let mem = memory_of(caller)?;
    let data = mem.data(&*caller);
    let end = addr.checked_add(len)?;
    data.get(addr as usize..end as usize).map(|b| b.to_vec())
}

fn pages(caller: &mut Caller<'_, Hooks>) -> u64 {
    memory_of(caller).map_or(0, |m| m.size(&*caller))
}

fn linker(engine: &Engine, store: &mut Store<Hooks>) -> Result<Linker<Hooks>, String> {
    let mut l = Linker::new(engine);
    let e = |e: wasmtime::Error| format!("{e:#}");
    for (name, params) in runners::host::FUNCS {
        let params: Vec<ValType> = params
            .iter()
            .map(|t| match t {
                oracle::ValType::I64 => ValType::I64,
                oracle::ValType::F32 => ValType::F32,
                oracle::ValType::F64 => ValType::F64,
                _ => ValType::I32,
            })
            .collect();
        let ty = wasmtime::FuncType::new(engine, params, []);
        l.func_new("spectest", name, ty, |_, _, _| Ok(()))
            .map_err(e)?;
    }
    let int = runners::host::GLOBAL_INT;
    let globals = [
        ("global_i32", ValType::I32, Val::I32(int as i32)),
        ("global_i64", ValType::I64, Val::I64(int as i64)),
        (
            "global_f32",
            ValType::F32,
            Val::F32(runners::host::GLOBAL_F32_BITS),
        ),
        (
            "global_f64",
            ValType::F64,
            Val::F64(runners::host::GLOBAL_F64_BITS),
        ),
    ];
    for (name, ty, v) in globals {
        let g = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), v).map_err(e)?;
        l.define(&mut *store, "spectest", name, g).map_err(e)?;
    }
    let (tmin, tmax) = runners::host::TABLE_LIMITS;
    let t = Table::new(
        &mut *store,
        TableType::new(RefType::FUNCREF, tmin, Some(tmax)),
        Ref::Func(None),
    )
    .map_err(e)?;
    l.define(&mut *store, "spectest", "table", t).map_err(e)?;
    let (mmin, mmax) = runners::host::MEMORY_LIMITS;
    let m = Memory::new(&mut *store, MemoryType::new(mmin, Some(mmax))).map_err(e)?;
    l.define(&mut *store, "spectest", "memory", m).map_err(e)?;

    // The hooks (see `instrument`).
    let [
        val_i32,
        val_i64,
        entry,
        load,
        store_h,
        global_get,
        global_set,
        call_before,
        call_indirect_before,
        call_after,
    ] = HOOKS.map(|(n, _)| n);
    l.func_wrap("__rr", val_i32, |mut c: Caller<'_, Hooks>, v: i32| {
        c.data_mut().pending.push(v as u32 as u64);
    })
    .map_err(e)?;
    l.func_wrap("__rr", val_i64, |mut c: Caller<'_, Hooks>, v: i64| {
        c.data_mut().pending.push(v as u64);
    })
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        entry,
        |mut c: Caller<'_, Hooks>, f: i32| -> wasmtime::Result<()> {
            let args = std::mem::take(&mut c.data_mut().pending);
            let r = c.data();
            if r.ignore > 0 || r.stack.last() == Some(&true) {
                return Ok(());
            }
            let pages = pages(&mut c);
            c.data_mut().push(Event::Entry {
                func: f as u32,
                args,
                pages,
            })
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        load,
        |mut c: Caller<'_, Hooks>, a: i32, off: i32, len: i32| -> wasmtime::Result<()> {
            if c.data().ignore > 0 {
                return Ok(());
            }
            let addr = a as u32 as u64 + off as u32 as u64;
            match read(&mut c, addr, len as u32 as u64) {
                Some(bytes) if !bytes.is_empty() => c.data_mut().push(Event::Load { addr, bytes }),
                _ => Ok(()),
            }
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        store_h,
        |mut c: Caller<'_, Hooks>, a: i32, off: i32, len: i32| -> wasmtime::Result<()> {
            if c.data().ignore > 0 {
                return Ok(());
            }
            let addr = a as u32 as u64 + off as u32 as u64;
            match read(&mut c, addr, len as u32 as u64) {
                Some(bytes) if !bytes.is_empty() => c.data_mut().push(Event::Store { addr, bytes }),
                _ => Ok(()),
            }
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        global_get,
        |mut c: Caller<'_, Hooks>, g: i32| -> wasmtime::Result<()> {
            let r = c.data_mut();
            let bits = r.pending.pop().unwrap_or(0);
            r.pending.clear();
            if r.ignore > 0 {
                return Ok(());
            }
            r.push(Event::GlobalGet {
                global: g as u32,
                bits,
            })
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        global_set,
        |mut c: Caller<'_, Hooks>, g: i32| -> wasmtime::Result<()> {
            let r = c.data_mut();
            let bits = r.pending.pop().unwrap_or(0);
            r.pending.clear();
            if r.ignore > 0 {
                return Ok(());
            }
            r.push(Event::GlobalSet {
                global: g as u32,
                bits,
            })
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        call_before,
        |mut c: Caller<'_, Hooks>, f: i32| -> wasmtime::Result<()> {
            let r = c.data_mut();
            let outside = !r.set.contains(&(f as u32));
            let recorded = r.ignore == 0 && outside;
            r.stack.push(!outside);
            if outside {
                r.ignore += 1;
            }
            if recorded {
                r.push(Event::Call {
                    callee: Callee::Func(f as u32),
                })?;
            }
            Ok(())
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        call_indirect_before,
        |mut c: Caller<'_, Hooks>, table: i32, slot: i32, ty: i32| -> wasmtime::Result<()> {
            // A null or out-of-bounds slot traps at the call: the replay leaves it so.
            let filled = match c.get_export(&format!("{TABLE_EXPORT}{table}")) {
                Some(Extern::Table(t)) => t
                    .get(&mut c, slot as u32 as u64)
                    .is_some_and(|r| !r.is_null()),
                _ => false,
            };
            let r = c.data_mut();
            let recorded = r.ignore == 0 && filled;
            r.stack.push(false);
            r.ignore += 1;
            if recorded {
                r.push(Event::Call {
                    callee: Callee::Slot {
                        table: table as u32,
                        slot: slot as u32,
                        ty: ty as u32,
                    },
                })?;
            }
            Ok(())
        },
    )
    .map_err(e)?;
    l.func_wrap(
        "__rr",
        call_after,
        |mut c: Caller<'_, Hooks>| -> wasmtime::Result<()> {
            let results = std::mem::take(&mut c.data_mut().pending);
            let r = c.data_mut();
            let inside = r.stack.pop().unwrap_or(true);
            if inside {
                return Ok(());
            }
            r.ignore = r.ignore.saturating_sub(1);
            if r.ignore > 0 {
                return Ok(());
            }
            let pages = pages(&mut c);
            c.data_mut().push(Event::Return { results, pages })
        },
    )
    .map_err(e)?;
    Ok(l)
}

fn to_val(v: &Value) -> Option<Val> {
    Some(match v {
        Value::I32(x) => Val::I32(*x as i32),
        Value::I64(x) => Val::I64(*x as i64),
        Value::F32(x) => Val::F32(*x),
        Value::F64(x) => Val::F64(*x),
        Value::V128(x) => Val::V128((*x).into()),
        Value::Ref(oracle::RefValue::Null(_)) => Val::FuncRef(None),
        Value::Ref(_) => return None,
    })
}

/// Runs `module` (already instrumented) with `plan`; `set` are the recorded functions.
fn run(
    module: &[u8],
    plan: &Plan,
    fuel: u64,
    set: HashSet<u32>,
    on_trap: &mut dyn FnMut(&wasmtime::Error),
) -> Result<(Store<Hooks>, Option<Instance>), RecordError> {
    let engine = engine().map_err(RecordError::Unrecordable)?;
    let compiled = Module::new(&engine, module)
        .map_err(|e| RecordError::Unrecordable(format!("Wasmtime cannot compile it: {e:#}")))?;
    let mut store = Store::new(
        &engine,
        Hooks {
            set,
            ..Hooks::default()
        },
    );
    let linker = linker(&engine, &mut store).map_err(RecordError::Unrecordable)?;
    store.set_fuel(fuel).ok();
    let instance = match linker.instantiate(&mut store, &compiled) {
        Ok(i) => i,
        Err(e) => {
            if store.data().overflow {
                return Err(RecordError::TooBig);
            }
            let text = format!("{e:#}");
            if text.contains("unknown import") || text.contains("incompatible import") {
                return Err(RecordError::Unrecordable(format!(
                    "its imports cannot be provided: {}",
                    text.lines().next().unwrap_or("")
                )));
            }
            on_trap(&e);
            return Ok((store, None));
        }
    };
    for inv in &plan.invocations {
        store.data_mut().reset();
        store.set_fuel(fuel).ok();
        let Some(func): Option<Func> = instance.get_func(&mut store, &inv.export) else {
            continue;
        };
        let Some(args): Option<Vec<Val>> = inv.args.iter().map(to_val).collect() else {
            continue;
        };
        let n = func.ty(&store).results().len();
        let mut results = vec![Val::I32(0); n];
        let started = std::time::Instant::now();
        let outcome = func.call(&mut store, &args, &mut results);
        tracing::debug!(
            "recording run: `{}` used {} fuel in {:?}",
            inv.export,
            fuel - store.get_fuel().unwrap_or(0),
            started.elapsed()
        );
        if let Err(e) = outcome {
            if store.data().overflow {
                return Err(RecordError::TooBig);
            }
            on_trap(&e);
        }
    }
    Ok((store, Some(instance)))
}

/// Runs the profile-instrumented module: how often each defined function ran, and where
/// traps happened (function indices of the original module).
pub(crate) fn profile(
    instrumented: &[u8],
    defined: usize,
    plan: &Plan,
    fuel: u64,
) -> Result<Profile, RecordError> {
    let mut frames = Vec::new();
    let mut on_trap = |e: &wasmtime::Error| {
        if let Some(bt) = e.downcast_ref::<wasmtime::WasmBacktrace>() {
            for f in bt.frames() {
                if !frames.contains(&f.func_index()) {
                    frames.push(f.func_index());
                }
            }
        }
    };
    let (mut store, instance) = run(instrumented, plan, fuel, HashSet::new(), &mut on_trap)?;
    let mut counts = vec![0; defined];
    if let Some(instance) = instance {
        for (i, c) in counts.iter_mut().enumerate() {
            if let Some(g) = instance.get_global(&mut store, &format!("{COUNTER_EXPORT}{i}"))
                && let Val::I64(v) = g.get(&mut store)
            {
                *c = v as u64;
            }
        }
    }
    Ok(Profile {
        counts,
        trap_frames: frames,
    })
}

/// Runs the record-instrumented module and returns the events of `set`.
pub(crate) fn record(
    instrumented: &[u8],
    set: &HashSet<u32>,
    plan: &Plan,
    fuel: u64,
) -> Result<Vec<Event>, RecordError> {
    let (store, _) = run(instrumented, plan, fuel, set.clone(), &mut |_| {})?;
    Ok(store.into_data().events)
}

/// What a recording worker is asked to do (one JSON object on its standard input).
#[derive(serde::Serialize, serde::Deserialize)]
enum Request {
    /// [`profile`] of the module in this file.
    Profile {
        module: std::path::PathBuf,
        defined: usize,
        plan: Plan,
        fuel: u64,
    },
    /// [`record`] of the module in this file.
    Record {
        module: std::path::PathBuf,
        set: Vec<u32>,
        plan: Plan,
        fuel: u64,
    },
}

/// A recording worker's answer (one JSON object on its standard output).
#[derive(serde::Serialize, serde::Deserialize)]
enum Response {
    Profile(Result<Profile, RecordError>),
    Record(Result<Vec<Event>, RecordError>),
}

/// Serves one recording request from `input` to `output` (the isolated side of
/// [`Recorder::Worker`]).
pub fn serve(input: impl std::io::Read, output: impl std::io::Write) -> Result<(), String> {
    let request: Request =
        serde_json::from_reader(input).map_err(|e| format!("bad request: {e}"))?;
    let response = match request {
        Request::Profile {
            module,
            defined,
            plan,
            fuel,
        } => {
            let bytes = std::fs::read(&module)
                .map_err(|e| format!("cannot read {}: {e}", module.display()))?;
            Response::Profile(profile(&bytes, defined, &plan, fuel))
        }
        Request::Record {
            module,
            set,
            plan,
            fuel,
        } => {
            let bytes = std::fs::read(&module)
                .map_err(|e| format!("cannot read {}: {e}", module.display()))?;
            let set: HashSet<u32> = set.into_iter().collect();
            Response::Record(record(&bytes, &set, &plan, fuel))
        }
    };
    serde_json::to_writer(output, &response).map_err(|e| format!("cannot answer: {e}"))
}

/// Where recording runs.
pub(crate) enum Recorder<'a> {
    /// In this process.
    InProcess,
    /// In a worker process (a crash of Wasmtime on the module costs only that run).
    Worker {
        command: &'a runners::worker::WorkerCommand,
        dir: &'a std::path::Path,
        timeout: std::time::Duration,
    },
}

impl Recorder<'_> {
    /// [`profile`], here or in a worker.
    pub(crate) fn profile(
        &self,
        instrumented: &[u8],
        defined: usize,
        plan: &Plan,
        fuel: u64,
    ) -> Result<Profile, RecordError> {
        match self {
            Recorder::InProcess => profile(instrumented, defined, plan, fuel),
            Recorder::Worker { dir, .. } => {
                let module = dir.join("profile.wasm");
                self.write(&module, instrumented)?;
                match self.ask(&Request::Profile {
                    module,
                    defined,
                    plan: plan.clone(),
                    fuel,
                })? {
                    Response::Profile(r) => r,
                    Response::Record(_) => Err(RecordError::Unrecordable(
                        "the recorder answered something else".into(),
                    )),
                }
            }
        }
    }

    /// [`record`], here or in a worker.
    pub(crate) fn record(
        &self,
        instrumented: &[u8],
        set: &HashSet<u32>,
        plan: &Plan,
        fuel: u64,
    ) -> Result<Vec<Event>, RecordError> {
        match self {
            Recorder::InProcess => record(instrumented, set, plan, fuel),
            Recorder::Worker { dir, .. } => {
                let module = dir.join("record.wasm");
                self.write(&module, instrumented)?;
                let mut set: Vec<u32> = set.iter().copied().collect();
                set.sort();
                match self.ask(&Request::Record {
                    module,
                    set,
                    plan: plan.clone(),
                    fuel,
                })? {
                    Response::Record(r) => r,
                    Response::Profile(_) => Err(RecordError::Unrecordable(
                        "the recorder answered something else".into(),
                    )),
                }
            }
        }
    }

    fn write(&self, path: &std::path::Path, bytes: &[u8]) -> Result<(), RecordError> {
        std::fs::write(path, bytes)
            .map_err(|e| RecordError::Unrecordable(format!("cannot write {}: {e}", path.display())))
    }

    fn ask(&self, request: &Request) -> Result<Response, RecordError> {
        let Recorder::Worker {
            command, timeout, ..
        } = self
        else {
            return Err(RecordError::Unrecordable("no worker".into()));
        };
        use std::io::{Read, Write};
        use std::process::{Command, Stdio};
        let fail = |what: String| RecordError::Unrecordable(what);
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| fail(format!("cannot start the recorder: {e}")))?;
        let text = serde_json::to_vec(request).map_err(|e| fail(e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(&text)
                .map_err(|e| fail(format!("cannot send the recorder its request: {e}")))?;
        }
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| fail("no output".into()))?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            let _ = tx.send(out);
        });
        let out = match rx.recv_timeout(*timeout) {
            Ok(out) => out,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "the recorder ran past {timeout:?} and was killed"
                )));
            }
        };
        let status = child
            .wait()
            .map_err(|e| fail(format!("cannot wait for the recorder: {e}")))?;
        if !status.success() {
            return Err(fail(format!("the recorder (Wasmtime) died: {status}")));
        }
        serde_json::from_slice(&out)
            .map_err(|e| fail(format!("the recorder's answer does not read: {e}")))
    }
}
