//! Binaryen's interpreter (`binaryen`), through `wasm-opt --fuzz-exec`.
//!
//! `--fuzz-exec` instantiates a module once and calls every export in order with no
//! arguments, going on after a trap, and prints each result with its exact bits. So the
//! harness rewrites the module: its own exports are dropped and replaced by one
//! argument-less export per step of the plan (the call with its arguments as constants of
//! exact bits, the results returned as integers of the same bits), then getters for the
//! exported globals and the sizes of exported memories and tables, and, in a second run
//! when there is state to read, readers of 64 words of memory or 64 table slots each.

use std::path::PathBuf;
use std::time::Instant;

use oracle::{
    FinalState, GlobalState, InstanceOutcome, Observation, Outcome, Plan, Proposal, Step,
    TableState, Timings, TrapKind, ValType, Value,
};
use wasm_encoder::{Function, Ieee32, Ieee64, Instruction, MemArg, ValType as EV};

use super::probe::{Built, shape, splice};
use super::process::{Process, Program, Reply};
use super::wrap::{self, Export};
use crate::{EngineInfo, Instantiation, Limits};

/// Words of memory (or table slots) one reader returns.
const CHUNK: u64 = 64;
/// The largest memory read back, bytes.
const MAX_READ_MEMORY: u64 = 16 << 16;

/// Binaryen as found here.
#[derive(Clone, Debug)]
pub struct Binaryen {
    wasm_opt: PathBuf,
    version: String,
}

/// Finds `wasm-opt` (Debian's `binaryen`).
pub fn discover() -> (Vec<Binaryen>, Vec<String>) {
    match super::find_packaged("binaryen", "wasm-opt", "binaryen") {
        Ok((wasm_opt, version)) => (vec![Binaryen { wasm_opt, version }], Vec::new()),
        Err(note) => (Vec::new(), vec![note]),
    }
}

/// A constant of exact bits.
fn constant(f: &mut Function, v: &Value) -> Result<(), String> {
    match v {
        Value::I32(b) => f.instruction(&Instruction::I32Const(*b as i32)),
        Value::I64(b) => f.instruction(&Instruction::I64Const(*b as i64)),
        Value::F32(b) => f.instruction(&Instruction::F32Const(Ieee32::new(*b))),
        Value::F64(b) => f.instruction(&Instruction::F64Const(Ieee64::new(*b))),
        Value::V128(b) => f.instruction(&Instruction::V128Const(*b as i128)),
        Value::Ref(oracle::RefValue::Null(oracle::HeapType::Extern)) => {
            f.instruction(&Instruction::RefNull(wasm_encoder::HeapType::EXTERN))
        }
        Value::Ref(oracle::RefValue::Null(oracle::HeapType::Func)) => {
            f.instruction(&Instruction::RefNull(wasm_encoder::HeapType::FUNC))
        }
        other => {
            return Err(format!(
                "{other} cannot be passed to --fuzz-exec (only constants can)"
            ));
        }
    };
    Ok(())
}

fn carrier_types(types: &[ValType]) -> Vec<EV> {
    types
        .iter()
        .flat_map(|t| match t {
            ValType::I32 | ValType::F32 => vec![EV::I32],
            ValType::I64 | ValType::F64 => vec![EV::I64],
            ValType::V128 => vec![EV::I32; 4],
            ValType::Ref(r) if r.heap == oracle::HeapType::Extern => {
                vec![EV::Ref(wasm_encoder::RefType::EXTERNREF)]
            }
            ValType::Ref(_) => vec![EV::Ref(wasm_encoder::RefType::FUNCREF)],
        })
        .collect()
}

fn enc(t: ValType) -> EV {
    match t {
        ValType::I32 => EV::I32,
        ValType::I64 => EV::I64,
        ValType::F32 => EV::F32,
        ValType::F64 => EV::F64,
        ValType::V128 => EV::V128,
        ValType::Ref(_) => carrier_types(&[t])[0],
    }
}

/// What each appended export returns, to read its result line back.
#[derive(Clone, Debug)]
enum Read {
    Step(Vec<ValType>),
    Global(String, ValType),
    MemorySize(String),
    TableSize(String),
    Memory(String),
    Table(String),
}

/// Calls `index` with `args` as constants; results as carriers.
fn step(index: u32, args: &[Value], results: &[ValType]) -> Result<Built, String> {
    let mut f = Function::new(results.iter().map(|t| (1, enc(*t))));
    for a in args {
        constant(&mut f, a)?;
    }
    f.instruction(&Instruction::Call(index));
    for i in (0..results.len() as u32).rev() {
        f.instruction(&Instruction::LocalSet(i));
    }
    for (i, t) in results.iter().enumerate() {
        wrap::wrap_result(&mut f, *t, i as u32);
    }
    f.instruction(&Instruction::End);
    Ok(Built {
        params: vec![],
        results: carrier_types(results),
        body: f,
    })
}

/// The module of one run: the plan's steps, then the state's getters (first run) or
/// readers of `reads` (second run).
fn plan_module(
    module: &[u8],
    plan: &Plan,
    reads: &[(Read, u64)],
) -> Result<(Vec<u8>, Vec<Read>), String> {
    let sh = shape(module)?;
    let exports: Vec<Export> = wrap::exports(module)?.into_iter().flatten().collect();
    let mut built = Vec::new();
    let mut what = Vec::new();
    for inv in &plan.invocations {
        let (index, results) = exports
            .iter()
            .find_map(|e| match e {
                Export::Func { name, results, .. } if *name == inv.export => sh
                    .func_index
                    .iter()
                    .find(|(n, _)| *n == inv.export)
                    .map(|(_, i)| (*i, results.clone())),
                _ => None,
            })
            .ok_or_else(|| format!("`{}` cannot be called exactly through wasm-opt", inv.export))?;
        built.push(step(index, &inv.args, &results)?);
        what.push(Read::Step(results));
    }
    if reads.is_empty() {
        if plan.observe.globals {
            for e in &exports {
                if let Export::Global { name, ty, .. } = e
                    && let Some((_, index)) = sh.global_index.iter().find(|(n, _)| n == name)
                {
                    let mut f = Function::new([(1, enc(*ty))]);
                    f.instruction(&Instruction::GlobalGet(*index));
                    f.instruction(&Instruction::LocalSet(0));
                    wrap::wrap_result(&mut f, *ty, 0);
                    f.instruction(&Instruction::End);
                    built.push(Built {
                        params: vec![],
                        results: carrier_types(&[*ty]),
                        body: f,
                    });
                    what.push(Read::Global(name.clone(), *ty));
                }
            }
        }
        let sizes = sh
            .memories
            .iter()
            .filter(|_| plan.observe.memories)
            .map(|m| (m, true))
            .chain(
                sh.tables
                    .iter()
                    .filter(|_| plan.observe.tables)
                    .map(|t| (t, false)),
            );
        for ((name, index, is64), memory) in sizes {
            let mut f = Function::new([]);
            if memory {
                f.instruction(&Instruction::MemorySize(*index));
            } else {
                f.instruction(&Instruction::TableSize(*index));
            }
            if !is64 {
                f.instruction(&Instruction::I64ExtendI32U);
            }
            if memory {
                f.instruction(&Instruction::I64Const(16));
                f.instruction(&Instruction::I64Shl);
            }
            f.instruction(&Instruction::End);
            built.push(Built {
                params: vec![],
                results: vec![EV::I64],
                body: f,
            });
            what.push(if memory {
                Read::MemorySize(name.clone())
            } else {
                Read::TableSize(name.clone())
            });
        }
    }
    for (read, size) in reads {
        let (name, memory) = match read {
            Read::Memory(n) => (n, true),
            Read::Table(n) => (n, false),
            _ => continue,
        };
        let list = if memory { &sh.memories } else { &sh.tables };
        let Some((_, index, is64)) = list.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        let unit = if memory { 8 } else { 1 };
        let mut at = 0;
        while at < *size {
            let mut f = Function::new([]);
            let count = CHUNK.min((size - at) / unit);
            for k in 0..count {
                let addr = at + k * unit;
                if *is64 {
                    f.instruction(&Instruction::I64Const(addr as i64));
                } else {
                    f.instruction(&Instruction::I32Const(addr as i32));
                }
                if memory {
                    f.instruction(&Instruction::I64Load(MemArg {
                        offset: 0,
                        align: 0,
                        memory_index: *index,
                    }));
                } else {
                    f.instruction(&Instruction::TableGet(*index));
                    f.instruction(&Instruction::RefIsNull);
                }
            }
            f.instruction(&Instruction::End);
            built.push(Built {
                params: vec![],
                results: vec![if memory { EV::I64 } else { EV::I32 }; count as usize],
                body: f,
            });
            what.push(read.clone());
            at += count.max(1) * unit;
        }
    }
    let names: Vec<String> = (0..built.len()).map(|k| format!("s{k}")).collect();
    Ok((splice(module, &sh, &built, &names, false)?, what))
}

/// A Binaryen trap text (`[trap i32.div_s by 0]`) as the spec's trap kind.
pub fn trap_kind(m: &str) -> Option<TrapKind> {
    let has = |s: &str| m.contains(s);
    Some(if has("unreachable") {
        TrapKind::Unreachable
    } else if has("> memory")
        || has("memory access")
        || has("out of bounds memory")
        || has("segment access in memory")
    {
        TrapKind::OutOfBoundsMemoryAccess
    } else if has("by 0") || has("divide by zero") {
        TrapKind::IntegerDivideByZero
    } else if has("nan") || has("invalid conversion") {
        TrapKind::InvalidConversionToInteger
    } else if has("overflow") && !has("callTable") {
        TrapKind::IntegerOverflow
    } else if has("stack limit") {
        return None;
    } else if has("signature") || has("bad type") || has("don't match") {
        TrapKind::IndirectCallTypeMismatch
    } else if has("uninitialized") || has("null") {
        TrapKind::UninitializedElement
    } else if has("callTable overflow") || has("table") && has("out of bounds") {
        TrapKind::UndefinedElement
    } else if has("signature") || has("bad type") || has("don't match") {
        TrapKind::IndirectCallTypeMismatch
    } else {
        TrapKind::Other(m.to_string())
    })
}

fn trap_outcome(text: &str) -> Outcome {
    let message = text.to_string();
    match trap_kind(text) {
        Some(kind) => Outcome::Trap { kind, message },
        None => Outcome::Exhaustion { message },
    }
}

/// One export's fate in the first block of `--fuzz-exec` output.
enum Ran {
    Results(Vec<String>),
    Trap(String),
}

/// Reads `[fuzz-exec] calling sK`, then a result line or a trap line, for each export,
/// until the second pass starts (`--fuzz-exec` runs the module again after optimising).
fn parse(lines: &[String], n: usize) -> (Option<String>, Vec<Ran>) {
    let mut start_trap = None;
    let mut out: Vec<Ran> = Vec::new();
    let mut calling: Option<usize> = None;
    for l in lines {
        if let Some(name) = l.strip_prefix("[fuzz-exec] calling s") {
            let k: usize = name.trim().parse().unwrap_or(usize::MAX);
            if k < out.len() || out.len() >= n {
                break;
            }
            if calling.is_some() {
                out.push(Ran::Results(Vec::new()));
            }
            calling = Some(k);
        } else if let Some(rest) = l.strip_prefix("[fuzz-exec] note result: s") {
            let r = rest.split_once(" => ").map_or("", |(_, r)| r);
            let r = r.trim().trim_start_matches('(').trim_end_matches(')');
            out.push(Ran::Results(
                r.split(", ")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            ));
            calling = None;
        } else if let Some(t) = l.strip_prefix("[trap ") {
            let t = t.trim_end_matches(']').to_string();
            if calling.take().is_some() {
                out.push(Ran::Trap(t));
            } else if out.is_empty() {
                start_trap.get_or_insert(t);
                break;
            }
        }
    }
    if calling.is_some() && out.len() < n {
        out.push(Ran::Results(Vec::new()));
    }
    (start_trap, out)
}

/// Carriers as printed (signed decimals) back to values of `types`.
fn values(types: &[ValType], printed: &[String]) -> Result<Vec<Value>, String> {
    let carried: Vec<String> = printed
        .iter()
        .map(|p| match p.parse::<i64>() {
            Ok(n) => (n as u64).to_string(),
            Err(_) if p.contains("null") => "null".into(),
            Err(_) => "func".into(),
        })
        .collect();
    // An i32 carrier printed signed: keep its 32 bits.
    let mut fixed = Vec::new();
    let mut it = carried.into_iter();
    for t in types {
        let n = match t {
            ValType::V128 => 4,
            _ => 1,
        };
        for _ in 0..n {
            let c = it.next().unwrap_or_default();
            fixed.push(match t {
                ValType::I32 | ValType::F32 | ValType::V128 => c
                    .parse::<u64>()
                    .map_or(c.clone(), |x| (x as u32).to_string()),
                _ => c,
            });
        }
    }
    wrap::from_carriers(types, &fixed)
}

impl Binaryen {
    fn run(&self, bytes: &[u8], limits: &Limits, steps: usize) -> Result<Vec<String>, Outcome> {
        match self.run_keeping(bytes, limits, steps)? {
            (lines, None) => Ok(lines),
            (_, Some(message)) => Err(Outcome::Timeout { message }),
        }
    }

    /// [`Binaryen::run`], but a run past its wall-clock limit gives the lines printed so
    /// far, with the limit's message.
    fn run_keeping(
        &self,
        bytes: &[u8],
        limits: &Limits,
        steps: usize,
    ) -> Result<(Vec<String>, Option<String>), Outcome> {
        let dir = tempfile::Builder::new()
            .prefix("harness-binaryen-")
            .tempdir()
            .map_err(|e| Outcome::Crash {
                message: e.to_string(),
            })?;
        let path = dir.path().join("plan.wasm");
        std::fs::write(&path, bytes).map_err(|e| Outcome::Crash {
            message: e.to_string(),
        })?;
        let args = [
            path.display().to_string(),
            "-all".into(),
            "--fuzz-exec".into(),
            "-q".into(),
        ];
        // Line-buffered, so that the calls that ended before a hang are not lost with the
        // process (its `std::cout` goes through C's buffered `stdout`).
        let program = match super::which("stdbuf") {
            Some(stdbuf) => Program::new(stdbuf)
                .with_args(["-oL".to_string(), self.wasm_opt.display().to_string()])
                .with_args(args),
            None => Program::new(&self.wasm_opt).with_args(args),
        };
        let mut caps = super::caps(limits, super::DEFAULT_OUTPUT_CAP);
        caps.timeout *= steps as u32 + 2;
        let mut p = Process::start(&program, caps).map_err(|e| Outcome::Crash {
            message: format!("cannot start wasm-opt: {e}"),
        })?;
        p.close_input();
        let deadline = Instant::now() + caps.timeout;
        let mut lines = Vec::new();
        loop {
            match p.recv_within(deadline.saturating_duration_since(Instant::now())) {
                Reply::Line(l) => lines.push(l),
                Reply::Died(how) => {
                    if how.contains("status 0") || !lines.is_empty() {
                        return Ok((lines, None));
                    }
                    return Err(Outcome::Crash { message: how });
                }
                Reply::Late => {
                    let message = format!(
                        "wall-clock limit of {} ms exceeded",
                        caps.timeout.as_millis()
                    );
                    return Ok((lines, Some(message)));
                }
                Reply::TooLong => {
                    return Err(Outcome::Crash {
                        message: "wasm-opt printed more than its output cap".into(),
                    });
                }
            }
        }
    }

    fn plan(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let start = Instant::now();
        let mut obs = Observation {
            engine: "binaryen".into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: Vec::new(),
            final_state: None,
            timings: Timings::default(),
        };
        if crate::inspect::inspect(module).is_ok_and(|i| !i.imports.is_empty()) {
            obs.instantiation = Step::bare(InstanceOutcome::Unsupported {
                proposals: Vec::new(),
                message: "Binaryen's --fuzz-exec links its own fuzzing host, not the standard \
                          one: modules with imports are not run"
                    .into(),
            });
            return obs;
        }
        let (bytes, what) = match plan_module(module, plan, &[]) {
            Ok(x) => x,
            Err(e) => {
                // Invalid modules are the engine's to reject: give it the module as is.
                let rejected = super::wrap::exports(module).is_err();
                obs.instantiation = Step::bare(if rejected {
                    match self.run(module, limits, 0) {
                        Err(Outcome::Crash { message }) => InstanceOutcome::Rejected { message },
                        _ => InstanceOutcome::Instantiated,
                    }
                } else {
                    InstanceOutcome::Crash {
                        message: format!("cannot drive this module through wasm-opt: {e}"),
                    }
                });
                return obs;
            }
        };
        let (lines, late) = match self.run_keeping(&bytes, limits, what.len()) {
            Ok(x) => x,
            Err(other) => {
                let message = match other {
                    Outcome::Crash { message } => message,
                    o => format!("{o:?}"),
                };
                // Binaryen 108 fails to read some valid modules, or its validator refuses
                // them (a passive segment larger than the memory): it rejects them.
                let rejected = message.contains("parse exception")
                    || message.contains("wasm-validator error")
                    || message.contains("error validating input");
                obs.instantiation = Step::bare(if rejected {
                    InstanceOutcome::Rejected { message }
                } else {
                    InstanceOutcome::Crash { message }
                });
                return obs;
            }
        };
        let called = |l: &String| l.starts_with("[fuzz-exec] calling s");
        if let Some(message) = &late
            && !lines.iter().any(called)
        {
            // Out of time before the first call: in instantiation.
            obs.instantiation = Step::bare(InstanceOutcome::Timeout {
                message: message.clone(),
            });
            return obs;
        }
        let (start_trap, mut ran) = parse(&lines, what.len());
        if late.is_some()
            && lines
                .iter()
                .rev()
                .find(|l| {
                    called(l) || l.starts_with("[fuzz-exec] note result") || l.starts_with("[trap ")
                })
                .is_some_and(called)
        {
            // The last call had not ended: it is where the time ran out, not a call that
            // returned nothing.
            ran.pop();
        }
        if let Some(t) = start_trap {
            obs.instantiation = Step::bare(match trap_outcome(&t) {
                Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
                _ => InstanceOutcome::Exhaustion { message: t },
            });
            return obs;
        }
        let mut state = FinalState::default();
        let mut reads = Vec::new();
        for (k, w) in what.iter().enumerate() {
            let r = ran.get(k);
            match (w, r) {
                (Read::Step(types), Some(Ran::Results(p))) => {
                    obs.invocations.push(Step::bare(match values(types, p) {
                        Ok(values) => Outcome::Return { values },
                        Err(e) => Outcome::Crash {
                            message: format!("cannot read wasm-opt's results: {e}"),
                        },
                    }))
                }
                (Read::Step(_), Some(Ran::Trap(t))) => {
                    obs.invocations.push(Step::bare(trap_outcome(t)))
                }
                (Read::Step(_), None) => {
                    obs.invocations.push(Step::bare(match &late {
                        Some(message) => Outcome::Timeout {
                            message: message.clone(),
                        },
                        None => Outcome::Crash {
                            message: "wasm-opt stopped before this call".into(),
                        },
                    }));
                    return obs;
                }
                (Read::Global(name, ty), Some(Ran::Results(p))) => {
                    if let Ok(v) = values(&[*ty], p) {
                        state.globals.push(GlobalState {
                            name: name.clone(),
                            value: v[0],
                        });
                    }
                }
                (Read::MemorySize(name), Some(Ran::Results(p))) => {
                    let n: u64 = p.first().and_then(|x| x.parse().ok()).unwrap_or(0);
                    if n <= MAX_READ_MEMORY {
                        reads.push((Read::Memory(name.clone()), n));
                    }
                }
                (Read::TableSize(name), Some(Ran::Results(p))) => {
                    let n: u64 = p.first().and_then(|x| x.parse().ok()).unwrap_or(0);
                    if n <= 1 << 16 {
                        reads.push((Read::Table(name.clone()), n));
                    }
                }
                _ => {}
            }
        }
        if !reads.is_empty()
            && let Ok((bytes, what2)) = plan_module(module, plan, &reads)
            && let Ok(lines) = self.run(&bytes, limits, what2.len())
        {
            let (_, ran) = parse(&lines, what2.len());
            for (read, size) in &reads {
                let mut words: Vec<i64> = Vec::new();
                for (w, r) in what2.iter().zip(&ran) {
                    let same = matches!((w, read), (Read::Memory(a), Read::Memory(b)) | (Read::Table(a), Read::Table(b)) if a == b);
                    if let (true, Ran::Results(p)) = (same, r) {
                        words.extend(p.iter().filter_map(|x| x.parse::<i64>().ok()));
                    }
                }
                match read {
                    Read::Memory(name) => {
                        let mut bytes: Vec<u8> =
                            words.iter().flat_map(|w| w.to_le_bytes()).collect();
                        bytes.truncate(*size as usize);
                        state.memories.push(crate::memory_state(name, &bytes));
                    }
                    Read::Table(name) => state.tables.push(TableState::from_slots(
                        name.clone(),
                        words.iter().map(|w| *w == 0),
                    )),
                    _ => {}
                }
            }
        }
        obs.final_state = Some(state);
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }
}

impl crate::Engine for Binaryen {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "binaryen".into(),
            version: self.version.clone(),
            config: format!(
                "Binaryen's interpreter through `wasm-opt -all --fuzz-exec`, argument-less step exports of exact bits, no fuel (wall clock): {}",
                self.wasm_opt.display()
            ),
            // No standard host: `--fuzz-exec` links no `spectest`.
            proposals: Proposal::WASM2.to_vec(),
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
        _script: &std::path::Path,
        commands: &[oracle::script::Located],
        limits: &Limits,
    ) -> Option<Vec<oracle::script::CommandOutcome>> {
        use oracle::script::{Action, Command, CommandOutcome, ModuleSource};
        let mut out: Vec<Option<CommandOutcome>> = vec![None; commands.len()];
        let quiet = oracle::Observe {
            globals: false,
            memories: false,
            tables: false,
        };
        // Each module with the calls on it that follow it, up to the next module: one
        // `--fuzz-exec` run, in which the instance lives through them all.
        for (i, c) in commands.iter().enumerate() {
            let Command::Module { name, bytes } = &c.command else {
                continue;
            };
            let mut calls = Vec::new();
            for (j, later) in commands.iter().enumerate().skip(i + 1) {
                match &later.command {
                    Command::Module { .. } => break,
                    Command::Action { action }
                    | Command::AssertReturn { action, .. }
                    | Command::AssertTrap { action, .. }
                    | Command::AssertExhaustion { action, .. } => {
                        if let Action::Invoke {
                            module,
                            export,
                            args,
                        } = action
                            && (module.is_none() || module == name)
                        {
                            if args.iter().any(|a| {
                                matches!(
                                    a,
                                    Value::Ref(
                                        oracle::RefValue::Extern(_) | oracle::RefValue::NonNull(_)
                                    )
                                )
                            }) {
                                // Left out of the run (the calls after it run without it).
                                out[j] = Some(CommandOutcome::CannotAsk {
                                    reason: "host references cannot be passed to --fuzz-exec"
                                        .into(),
                                });
                                continue;
                            }
                            calls.push((
                                j,
                                oracle::Invocation {
                                    export: export.clone(),
                                    args: args.clone(),
                                },
                            ));
                        }
                    }
                    _ => {}
                }
            }
            let plan = Plan {
                observe: quiet,
                ..Plan::new(calls.iter().map(|(_, inv)| inv.clone()).collect())
            };
            let obs = self.plan(bytes, &plan, limits);
            let why = match &obs.instantiation.outcome {
                // As for in-process engines: the calls on it are skipped too.
                InstanceOutcome::Unsupported { message, .. } => {
                    Some(format!("unsupported module: {message}"))
                }
                InstanceOutcome::Instantiated => None,
                other => Some(format!(
                    "the module did not instantiate: {}",
                    oracle::judge::render_instance(other)
                )),
            };
            if let Some(why) = why {
                for (j, _) in &calls {
                    out[*j] = Some(CommandOutcome::NotRun {
                        reason: why.clone(),
                    });
                }
            }
            out[i] = Some(CommandOutcome::Instance {
                outcome: obs.instantiation.outcome,
            });
            for ((j, _), step) in calls.iter().zip(obs.invocations) {
                out[*j] = Some(CommandOutcome::Action {
                    outcome: step.outcome,
                });
            }
        }
        let empty = Plan {
            observe: quiet,
            ..Plan::new(Vec::new())
        };
        Some(
            commands
                .iter()
                .zip(out)
                .map(|(c, o)| {
                    o.unwrap_or_else(|| match &c.command {
                        Command::AssertInvalid { module, .. }
                        | Command::AssertMalformed { module, .. }
                        | Command::AssertUnlinkable { module, .. }
                        | Command::AssertUninstantiable { module, .. } => match module {
                            ModuleSource::Binary { bytes } => CommandOutcome::Instance {
                                outcome: self.plan(bytes, &empty, limits).instantiation.outcome,
                            },
                            ModuleSource::BadText { message } => CommandOutcome::NotRun {
                                reason: format!("the text does not parse: {message}"),
                            },
                        },
                        Command::Register { .. } => CommandOutcome::CannotAsk {
                            reason: "binaryen runs one module at a time: no linking".into(),
                        },
                        _ => CommandOutcome::CannotAsk {
                            reason: "binaryen runs only calls on the latest module (no get, \
                                     no calls on earlier modules)"
                                .into(),
                        },
                    })
                })
                .collect(),
        )
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        super::custom::replay_instantiate(Box::new(self.clone()), module, limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_pass_is_read_and_the_second_ignored() {
        let lines: Vec<String> = [
            "[fuzz-exec] calling s0",
            "[fuzz-exec] note result: s0 => -1",
            "[fuzz-exec] calling s1",
            "[trap i32.div_s by 0]",
            "[fuzz-exec] calling s2",
            "[fuzz-exec] calling s3",
            "[fuzz-exec] note result: s3 => (1, -1)",
            "[fuzz-exec] calling s0",
            "[fuzz-exec] note result: s0 => 5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (start, ran) = parse(&lines, 4);
        assert!(start.is_none());
        assert_eq!(
            trap_kind("out of bounds segment access in memory.copy"),
            Some(TrapKind::OutOfBoundsMemoryAccess)
        );
        assert_eq!(trap_kind("stack limit"), None);
        assert_eq!(ran.len(), 4);
        assert!(matches!(&ran[1], Ran::Trap(t) if t.contains("by 0")));
        assert!(matches!(&ran[2], Ran::Results(r) if r.is_empty()));
        assert_eq!(
            values(
                &[ValType::I32, ValType::I64],
                match &ran[3] {
                    Ran::Results(r) => r,
                    _ => unreachable!(),
                }
            )
            .unwrap(),
            vec![Value::I32(1), Value::I64(u64::MAX)]
        );
    }
}
