//! WABT's interpreter (`wabt`), through `spectest-interp`.
//!
//! The harness writes the JSON command file that `wast2json` would (so no text goes
//! through WABT's parser, and 1.0.32's invalid JSON for multi-result `invoke`s never
//! arises), with every module carrying probes ([`super::probe`]): each action calls a
//! probe, so results print as integers of the same bits, and memories and tables are read
//! through probes too. One `spectest-interp` process runs a whole plan or script (about
//! 2 ms); there is no fuel, so a loop ends at the wall clock.

use std::path::{Path, PathBuf};
use std::time::Instant;

use oracle::script::{Action, Command, CommandOutcome, Located, ModuleSource};
use oracle::{
    FinalState, GlobalState, HostCall, InstanceOutcome, Observation, Outcome, Plan, Proposal, Step,
    TableState, Timings, TrapKind, ValType, Value,
};

use super::probe::{Probe, instrument, probe_name};
use super::process::{Caps, Process, Program, Reply, excerpt};
use super::wrap;
use crate::{EngineInfo, Instantiation, Limits};

/// The largest memory whose contents are read back (bytes): reading costs one call per 8.
const MAX_READ_MEMORY: u64 = 16 << 16;

/// WABT as found here.
#[derive(Clone, Debug)]
pub struct Wabt {
    interp: PathBuf,
    version: String,
}

/// Finds `spectest-interp` (Debian's `wabt`).
pub fn discover() -> (Vec<Wabt>, Vec<String>) {
    match super::find_packaged("wabt", "spectest-interp", "wabt") {
        Ok((interp, version)) => (vec![Wabt { interp, version }], Vec::new()),
        Err(note) => (Vec::new(), vec![note]),
    }
}

/// A module of the command file: its JSON name and its probes.
struct Loaded {
    json_name: String,
    probes: Vec<Probe>,
}

/// What one command of the file is, to read its output back.
enum Expect {
    /// A module: an error line, or nothing.
    Module,
    /// A `register`.
    Register,
    /// An action: a result line, `convert` turns its carriers into values.
    Action(Vec<ValType>),
    /// Nothing is run for this command (its outcome is known).
    Known(CommandOutcome),
}

/// Builds the command file, one command per line number.
struct Builder {
    dir: PathBuf,
    commands: Vec<Option<String>>,
    expects: Vec<Expect>,
    modules: Vec<Loaded>,
    names: crate::wast::Names<usize>,
}

/// A JSON object with its keys in this order (WABT's reader wants `wast2json`'s order).
fn obj(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(*k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn arg(ty: &str, value: &str) -> String {
    obj(&[("type", text(ty)), ("value", text(value))])
}

fn arg_json(v: &Value) -> Vec<String> {
    wrap::to_carriers(v)
        .into_iter()
        .map(|c| {
            if c == "null" {
                let ty = match v {
                    Value::Ref(oracle::RefValue::Null(
                        oracle::HeapType::Extern | oracle::HeapType::NoExtern,
                    )) => "externref",
                    _ => "funcref",
                };
                arg(ty, "null")
            } else if let Some(n) = c.strip_prefix("extern:") {
                arg("externref", n)
            } else {
                let (t, v) = c.split_once(':').unwrap_or(("i32", "0"));
                arg(t, v)
            }
        })
        .collect()
}

/// The standard host's `spectest` over WABT's own: WABT's defines `global_f32` and
/// `global_f64` as 666.0, the spec test suite's (every other engine's host here) as 666.6.
/// Registered as `spectest` before anything else, it re-exports WABT's host functions,
/// table, memory and integer globals, and defines the float globals as the standard host
/// does.
fn spectest_shim() -> String {
    let mut wat = String::from("(module\n");
    for (k, (name, params)) in crate::host::FUNCS.iter().enumerate() {
        let params: Vec<String> = params.iter().map(|t| t.to_string()).collect();
        wat.push_str(&format!(
            "  (import \"spectest\" \"{name}\" (func $f{k} (param {})))\n  (export \"{name}\" (func $f{k}))\n",
            params.join(" ")
        ));
    }
    let (table, memory) = (
        crate::spectest::TABLE_LIMITS.0,
        crate::spectest::MEMORY_LIMITS.0,
    );
    wat.push_str(&format!(
        "  (import \"spectest\" \"table\" (table $t {table} funcref)) (export \"table\" (table $t))\n\
         \x20 (import \"spectest\" \"memory\" (memory $m {memory})) (export \"memory\" (memory $m))\n\
         \x20 (import \"spectest\" \"global_i32\" (global $i i32)) (export \"global_i32\" (global $i))\n\
         \x20 (import \"spectest\" \"global_i64\" (global $l i64)) (export \"global_i64\" (global $l))\n\
         \x20 (global (export \"global_f32\") f32 (f32.const {:?}))\n\
         \x20 (global (export \"global_f64\") f64 (f64.const {:?})))\n",
        f32::from_bits(crate::spectest::GLOBAL_F32_BITS),
        f64::from_bits(crate::spectest::GLOBAL_F64_BITS),
    ));
    wat
}

impl Builder {
    /// Registers [`spectest_shim`] as `spectest`: its commands have line 0, and no
    /// expectation (they print nothing when they succeed).
    fn standard_spectest(&mut self) -> std::io::Result<()> {
        // The same module for every run: made once.
        static SHIM: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
        let bytes = SHIM
            .get_or_init(|| wat::parse_str(spectest_shim()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| std::io::Error::other(e.clone()))?;
        std::fs::write(self.dir.join("spectest.wasm"), bytes)?;
        self.commands.push(Some(obj(&[
            ("type", text("module")),
            ("line", "0".into()),
            ("name", text("$spectest")),
            ("filename", text("spectest.wasm")),
        ])));
        self.commands.push(Some(obj(&[
            ("type", text("register")),
            ("line", "0".into()),
            ("name", text("$spectest")),
            ("as", text("spectest")),
        ])));
        Ok(())
    }

    fn new(dir: &Path) -> Builder {
        Builder {
            dir: dir.to_path_buf(),
            commands: Vec::new(),
            expects: Vec::new(),
            modules: Vec::new(),
            names: crate::wast::Names::default(),
        }
    }

    fn line(&self) -> usize {
        self.expects.len() + 1
    }

    fn module(&mut self, name: Option<&str>, bytes: &[u8], define: bool) -> std::io::Result<()> {
        let k = self.modules.len();
        let (bytes, probes) = instrument(bytes).unwrap_or_else(|_| (bytes.to_vec(), Vec::new()));
        let file = format!("m{k}.wasm");
        std::fs::write(self.dir.join(&file), &bytes)?;
        let json_name = format!("$m{k}");
        self.commands.push(Some(obj(&[
            ("type", text("module")),
            ("line", self.line().to_string()),
            ("name", text(&json_name)),
            ("filename", text(&file)),
        ])));
        // Then its ping (same line): its answer shows that instantiation ended.
        if let Some(k) = probes.iter().position(|p| *p == Probe::Ping) {
            let action = obj(&[
                ("type", text("invoke")),
                ("module", text(&json_name)),
                ("field", text(&probe_name(k))),
                ("args", "[]".into()),
            ]);
            self.commands.push(Some(obj(&[
                ("type", text("action")),
                ("line", self.line().to_string()),
                ("action", action),
                ("expected", "[]".into()),
            ])));
        }
        self.expects.push(Expect::Module);
        self.modules.push(Loaded { json_name, probes });
        if define {
            self.names.add(name, k);
        }
        Ok(())
    }

    fn known(&mut self, outcome: CommandOutcome) {
        self.commands.push(None);
        self.expects.push(Expect::Known(outcome));
    }

    /// Calls probe `k` of module `m` (`None`: no such instance or probe).
    fn call_probe(&mut self, m: usize, k: usize, args: Vec<String>, results: Vec<ValType>) {
        let action = obj(&[
            ("type", text("invoke")),
            ("module", text(&self.modules[m].json_name)),
            ("field", text(&probe_name(k))),
            ("args", format!("[{}]", args.join(","))),
        ]);
        self.commands.push(Some(obj(&[
            ("type", text("action")),
            ("line", self.line().to_string()),
            ("action", action),
            ("expected", "[]".into()),
        ])));
        self.expects.push(Expect::Action(results));
    }

    fn action(&mut self, a: &Action) {
        let (module, export) = match a {
            Action::Invoke { module, export, .. } | Action::Get { module, export } => {
                (module.as_deref(), export.as_str())
            }
        };
        let m = match self.names.get(module) {
            Ok(m) => m,
            Err(message) => {
                return self.known(CommandOutcome::Action {
                    outcome: Outcome::Error { message },
                });
            }
        };
        let found = self.modules[m]
            .probes
            .iter()
            .enumerate()
            .find_map(|(k, p)| match (a, p) {
                (Action::Invoke { args, .. }, Probe::Call { name, results, .. })
                    if name == export =>
                {
                    Some((k, args.iter().flat_map(arg_json).collect(), results.clone()))
                }
                (Action::Get { .. }, Probe::Global { name, ty }) if name == export => {
                    Some((k, Vec::new(), vec![*ty]))
                }
                _ => None,
            });
        match found {
            Some((k, args, results)) => self.call_probe(m, k, args, results),
            None => self.known(CommandOutcome::Action {
                outcome: Outcome::Error {
                    message: format!("no export `{export}` that WABT can be called with exactly"),
                },
            }),
        }
    }

    fn command(&mut self, c: &Command) -> std::io::Result<()> {
        match c {
            Command::Module { name, bytes } => self.module(name.as_deref(), bytes, true)?,
            Command::Register { as_name, module } => match self.names.get(module.as_deref()) {
                Ok(m) => {
                    self.commands.push(Some(obj(&[
                        ("type", text("register")),
                        ("line", self.line().to_string()),
                        ("name", text(&self.modules[m].json_name)),
                        ("as", text(as_name)),
                    ])));
                    self.expects.push(Expect::Register);
                }
                Err(e) => self.known(CommandOutcome::Registered { error: Some(e) }),
            },
            Command::Action { action }
            | Command::AssertReturn { action, .. }
            | Command::AssertTrap { action, .. }
            | Command::AssertExhaustion { action, .. } => self.action(action),
            Command::AssertInvalid { module, .. }
            | Command::AssertMalformed { module, .. }
            | Command::AssertUnlinkable { module, .. }
            | Command::AssertUninstantiable { module, .. } => match module {
                ModuleSource::Binary { bytes } => self.module(None, bytes, false)?,
                ModuleSource::BadText { message } => self.known(CommandOutcome::NotRun {
                    reason: format!("the text does not parse: {message}"),
                }),
            },
        }
        Ok(())
    }

    fn write(&self) -> std::io::Result<PathBuf> {
        let commands: Vec<&str> = self.commands.iter().flatten().map(String::as_str).collect();
        let path = self.dir.join("commands.json");
        std::fs::write(
            &path,
            obj(&[
                ("source_filename", text("harness.wast")),
                ("commands", format!("[{}]", commands.join(",\n"))),
            ]),
        )?;
        Ok(path)
    }
}

/// A trap or instantiation message of WABT as the spec's trap kind.
pub fn trap_kind(message: &str) -> TrapKind {
    let m = message.trim_matches('"');
    if m.starts_with("unreachable") {
        return TrapKind::Unreachable;
    }
    if m.starts_with("undefined table index") {
        return TrapKind::UndefinedElement;
    }
    if m.starts_with("uninitialized table element") {
        return TrapKind::UninitializedElement;
    }
    if m.starts_with("indirect call signature mismatch") {
        return TrapKind::IndirectCallTypeMismatch;
    }
    TrapKind::from_message(m)
}

fn instance_error(message: &str) -> InstanceOutcome {
    let message = message.to_string();
    if let Some(m) = message.strip_prefix("error instantiating module: ") {
        let m = m.trim_matches('"');
        if m.contains("call stack exhausted") {
            InstanceOutcome::Exhaustion { message }
        } else if m.contains("import") || m.contains("than declared") {
            // "invalid import", "unknown import", "import signature mismatch", "actual size
            // (10) smaller than declared (12)", ...
            InstanceOutcome::Unlinkable { message }
        } else {
            InstanceOutcome::Trap {
                kind: trap_kind(m),
                message,
            }
        }
    } else if message.starts_with("error reading module") {
        InstanceOutcome::Rejected { message }
    } else {
        InstanceOutcome::Crash { message }
    }
}

fn action_error(message: &str) -> Outcome {
    let message = message.to_string();
    if message.contains("call stack exhausted") {
        Outcome::Exhaustion { message }
    } else {
        Outcome::Trap {
            kind: trap_kind(&message),
            message,
        }
    }
}

/// Values of `types` from WABT's printed results (`i32:N, i64:N, externref:N`).
fn results(types: &[ValType], text: &str) -> Result<Vec<Value>, String> {
    let carried: Vec<String> = if text.trim().is_empty() {
        Vec::new()
    } else {
        text.split(", ")
            .map(|r| {
                let (t, v) = r.split_once(':').unwrap_or(("", r));
                // WABT prints references as handles in its store: 0 is null, and the
                // host reference `ref.extern N` it was given is handle N + 1.
                match (t, v.parse::<u64>()) {
                    ("i32" | "i64", _) => v.to_string(),
                    (_, Ok(0)) => "null".into(),
                    _ if v.contains("null") => "null".into(),
                    ("externref", Ok(h)) => format!("extern:{}", h - 1),
                    _ => "func".into(),
                }
            })
            .collect()
    };
    wrap::from_carriers(types, &carried)
}

/// A host call line: `called host spectest.print_i32(i32:5) =>`.
fn host_call(line: &str) -> Option<HostCall> {
    let rest = line.strip_prefix("called host spectest.")?;
    let (func, args) = rest.split_once('(')?;
    let args = args.rsplit_once(')')?.0;
    let (_, params) = crate::host::FUNCS.iter().find(|(n, _)| *n == func)?;
    let mut values = Vec::new();
    for (a, t) in args
        .split(", ")
        .filter(|a| !a.is_empty())
        .zip(params.iter())
    {
        let v = a.split_once(':')?.1;
        values.push(match t {
            ValType::I32 => Value::I32(v.parse::<u64>().ok()? as u32),
            ValType::I64 => Value::I64(v.parse().ok()?),
            // WABT prints host arguments with `%f`-like precision: not bit-exact.
            ValType::F32 => Value::F32(v.parse::<f32>().map(f32::to_bits).unwrap_or(0x7fc0_0000)),
            _ => Value::F64(
                v.parse::<f64>()
                    .map(f64::to_bits)
                    .unwrap_or(0x7ff8_0000_0000_0000),
            ),
        });
    }
    Some(HostCall {
        func: func.to_string(),
        args: values,
        inexact: true,
    })
}

/// What the run printed, read back command by command.
fn read_back(
    expects: Vec<Expect>,
    lines: &[String],
    stopped: Option<String>,
) -> Vec<(CommandOutcome, Vec<HostCall>)> {
    let mut out = Vec::new();
    let mut i = 0;
    let prefix = |l: usize| format!("harness.wast:{l}: ");
    let mut line_no = 0;
    for e in expects {
        line_no += 1;
        let mine = prefix(line_no);
        let mut calls = Vec::new();
        let outcome = match e {
            Expect::Known(o) => o,
            Expect::Module => {
                // Host calls of a start function, an error (and the ping's own error), or
                // the ping's answer.
                let mut error = None;
                let mut pinged = false;
                while let Some(l) = lines.get(i) {
                    if let Some(c) = host_call(l) {
                        calls.push(c);
                    } else if let Some(msg) = l.strip_prefix(&mine) {
                        error.get_or_insert_with(|| msg.to_string());
                    } else if l.starts_with("harness.p") && !pinged && error.is_none() {
                        // The ping's answer ends the module's lines: host calls after it
                        // are the next command's.
                        pinged = true;
                        i += 1;
                        break;
                    } else {
                        break;
                    }
                    i += 1;
                }
                match error {
                    Some(msg) => CommandOutcome::Instance {
                        outcome: instance_error(&msg),
                    },
                    None if !pinged && stopped.is_some() => break,
                    None => CommandOutcome::Instance {
                        outcome: InstanceOutcome::Instantiated,
                    },
                }
            }
            Expect::Register => {
                let error = lines.get(i).and_then(|l| l.strip_prefix(&mine)).map(|m| {
                    i += 1;
                    m.to_string()
                });
                CommandOutcome::Registered { error }
            }
            Expect::Action(types) => {
                while let Some(c) = lines.get(i).and_then(|l| host_call(l)) {
                    calls.push(c);
                    i += 1;
                }
                let Some(l) = lines.get(i) else { break };
                if let Some(msg) = l.strip_prefix(&mine) {
                    i += 1;
                    CommandOutcome::Action {
                        outcome: Outcome::Error {
                            message: msg.to_string(),
                        },
                    }
                } else if let Some((_, r)) = l
                    .starts_with("harness.p")
                    .then(|| l.split_once(") =>"))
                    .flatten()
                {
                    let r = r.trim_start();
                    i += 1;
                    // An unexpected trap is said twice: once more on a line of its own.
                    if lines.get(i).is_some_and(|l| l.starts_with(&mine)) {
                        i += 1;
                    }
                    let outcome = match r.strip_prefix("error: ") {
                        Some(err) => action_error(err),
                        None => match results(&types, r) {
                            Ok(values) => Outcome::Return { values },
                            Err(e) => Outcome::Crash {
                                message: format!("cannot read WABT's results `{r}`: {e}"),
                            },
                        },
                    };
                    CommandOutcome::Action { outcome }
                } else {
                    CommandOutcome::Action {
                        outcome: Outcome::Crash {
                            message: format!(
                                "unexpected output of spectest-interp: {}",
                                excerpt(l)
                            ),
                        },
                    }
                }
            }
        };
        out.push((outcome, calls));
    }
    out
}

impl Wabt {
    /// Runs the commands; the output lines, and why the run stopped early if it did.
    fn run_file(&self, path: &Path, caps: Caps) -> (Vec<String>, Option<String>) {
        // Line-buffered, so that what ran before a hang is not lost with the process.
        let program = match super::which("stdbuf") {
            Some(stdbuf) => Program::new(stdbuf).with_args([
                "-oL".to_string(),
                self.interp.display().to_string(),
                path.display().to_string(),
            ]),
            None => Program::new(&self.interp).with_args([path.display().to_string()]),
        };
        let mut p = match Process::start(&program, caps) {
            Ok(p) => p,
            Err(e) => {
                return (
                    Vec::new(),
                    Some(format!("cannot start spectest-interp: {e}")),
                );
            }
        };
        p.close_input();
        let deadline = Instant::now() + caps.timeout;
        let mut lines = Vec::new();
        loop {
            match p.recv_within(deadline.saturating_duration_since(Instant::now())) {
                Reply::Line(l) => lines.push(l),
                Reply::Died(how) => {
                    // A status of 1 or more counts failed assertions: not a death, unless
                    // nothing was run at all (a command file it could not read).
                    let dead = how.contains("signal") || lines.is_empty();
                    return (lines, dead.then_some(how));
                }
                Reply::Late => {
                    return (
                        lines,
                        Some(format!(
                            "wall-clock limit of {} ms exceeded",
                            caps.timeout.as_millis()
                        )),
                    );
                }
                Reply::TooLong => {
                    return (
                        lines,
                        Some("spectest-interp printed more than its output cap".into()),
                    );
                }
            }
        }
    }

    fn outcomes(
        &self,
        build: impl FnOnce(&mut Builder) -> std::io::Result<()>,
        caps: Caps,
    ) -> Result<Vec<(CommandOutcome, Vec<HostCall>)>, String> {
        let dir = tempfile::Builder::new()
            .prefix("harness-wabt-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let mut b = Builder::new(dir.path());
        b.standard_spectest().map_err(|e| e.to_string())?;
        build(&mut b).map_err(|e| e.to_string())?;
        let path = b.write().map_err(|e| e.to_string())?;
        let n = b.expects.len();
        let modules: Vec<bool> = b
            .expects
            .iter()
            .map(|e| matches!(e, Expect::Module))
            .collect();
        let (lines, stopped) = self.run_file(&path, caps);
        let mut out = read_back(b.expects, &lines, stopped.clone());
        if out.len() < n {
            let why = stopped.unwrap_or_else(|| "spectest-interp stopped early".into());
            let timeout = why.starts_with("wall-clock");
            let message = why.clone();
            out.push((
                match (modules[out.len()], timeout) {
                    (true, true) => CommandOutcome::Instance {
                        outcome: InstanceOutcome::Timeout { message },
                    },
                    (true, false) => CommandOutcome::Instance {
                        outcome: InstanceOutcome::Crash { message },
                    },
                    (false, true) => CommandOutcome::Action {
                        outcome: Outcome::Timeout { message },
                    },
                    (false, false) => CommandOutcome::Action {
                        outcome: Outcome::Crash { message },
                    },
                },
                Vec::new(),
            ));
            while out.len() < n {
                out.push((
                    CommandOutcome::NotRun {
                        reason: format!("the engine stopped earlier: {why}"),
                    },
                    Vec::new(),
                ));
            }
        }
        Ok(out)
    }

    fn plan(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let start = Instant::now();
        let caps = super::caps(limits, super::DEFAULT_OUTPUT_CAP);
        let mut caps_plan = caps;
        caps_plan.timeout = caps.timeout * (plan.invocations.len() as u32 + 2);
        let mut obs = Observation {
            engine: "wabt".into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: Vec::new(),
            final_state: None,
            timings: Timings::default(),
        };
        // First pass: the plan, globals, and the sizes of memories and tables.
        let mut reads: Vec<(usize, u64)> = Vec::new();
        let result = self.outcomes(
            |b| {
                b.module(None, module, true)?;
                for inv in &plan.invocations {
                    b.action(&Action::Invoke {
                        module: None,
                        export: inv.export.clone(),
                        args: inv.args.clone(),
                    });
                }
                let probes = b.modules[0].probes.clone();
                for (k, p) in probes.iter().enumerate() {
                    match p {
                        Probe::Global { ty, .. } if plan.observe.globals => {
                            b.call_probe(0, k, vec![], vec![*ty])
                        }
                        Probe::MemorySize { .. } if plan.observe.memories => {
                            b.call_probe(0, k, vec![], vec![ValType::I64])
                        }
                        Probe::TableSize { .. } if plan.observe.tables => {
                            b.call_probe(0, k, vec![], vec![ValType::I64])
                        }
                        _ => {}
                    }
                }
                Ok(())
            },
            caps_plan,
        );
        let outcomes = match result {
            Ok(o) => o,
            Err(message) => {
                obs.instantiation = Step::bare(InstanceOutcome::Crash { message });
                return obs;
            }
        };
        let mut it = outcomes.into_iter();
        let Some((CommandOutcome::Instance { outcome }, calls)) = it.next() else {
            obs.instantiation = Step::bare(InstanceOutcome::Crash {
                message: "spectest-interp reported nothing".into(),
            });
            return obs;
        };
        obs.instantiation = Step {
            outcome,
            host_calls: calls,
            resources: Vec::new(),
        };
        if obs.instantiation.outcome != InstanceOutcome::Instantiated {
            return obs;
        }
        for _ in &plan.invocations {
            let (o, calls) = it.next().unwrap_or((
                CommandOutcome::NotRun {
                    reason: "missing".into(),
                },
                Vec::new(),
            ));
            let outcome = match o {
                CommandOutcome::Action { outcome } => outcome,
                CommandOutcome::NotRun { reason } => Outcome::Crash { message: reason },
                other => Outcome::Crash {
                    message: format!("unexpected {other:?}"),
                },
            };
            let stop = matches!(outcome, Outcome::Crash { .. } | Outcome::Timeout { .. });
            obs.invocations.push(Step {
                outcome,
                host_calls: calls,
                resources: Vec::new(),
            });
            if stop {
                return obs;
            }
        }
        let probes = match instrument(module) {
            Ok((_, p)) => p,
            Err(_) => Vec::new(),
        };
        let mut state = FinalState::default();
        let mut size_of: Vec<(usize, u64)> = Vec::new();
        for (k, p) in probes.iter().enumerate() {
            let wanted = match p {
                Probe::Global { .. } => plan.observe.globals,
                Probe::MemorySize { .. } => plan.observe.memories,
                Probe::TableSize { .. } => plan.observe.tables,
                _ => false,
            };
            if !wanted {
                continue;
            }
            let value = match it.next() {
                Some((
                    CommandOutcome::Action {
                        outcome: Outcome::Return { values },
                    },
                    _,
                )) if values.len() == 1 => values[0],
                _ => continue,
            };
            match (p, value) {
                (Probe::Global { name, .. }, value) => state.globals.push(GlobalState {
                    name: name.clone(),
                    value,
                }),
                (_, Value::I64(n)) => size_of.push((k, n)),
                _ => {}
            }
        }
        // Second pass, when there is state to read: the same run, then the reads.
        for &(k, n) in &size_of {
            let readable = match probes[k] {
                Probe::MemorySize { .. } => n <= MAX_READ_MEMORY,
                _ => n <= 1 << 16,
            };
            if readable {
                reads.push((k + 1, n));
            }
        }
        if !reads.is_empty() {
            let mut caps_read = caps_plan;
            caps_read.timeout *= 2;
            let result = self.outcomes(
                |b| {
                    b.module(None, module, true)?;
                    for inv in &plan.invocations {
                        b.action(&Action::Invoke {
                            module: None,
                            export: inv.export.clone(),
                            args: inv.args.clone(),
                        });
                    }
                    for &(k, n) in &reads {
                        let memory = matches!(probes[k], Probe::MemoryLoad { .. });
                        let step = if memory { 8 } else { 1 };
                        let result = if memory { ValType::I64 } else { ValType::I32 };
                        for at in (0..n).step_by(step) {
                            b.call_probe(0, k, vec![arg("i64", &at.to_string())], vec![result]);
                        }
                    }
                    Ok(())
                },
                caps_read,
            );
            if let Ok(outcomes) = result {
                let mut it = outcomes.into_iter().skip(1 + plan.invocations.len());
                for &(k, n) in &reads {
                    match &probes[k] {
                        Probe::MemoryLoad { name } => {
                            let mut bytes = Vec::with_capacity(n as usize);
                            for _ in (0..n).step_by(8) {
                                if let Some((
                                    CommandOutcome::Action {
                                        outcome: Outcome::Return { values },
                                    },
                                    _,
                                )) = it.next()
                                    && let [Value::I64(w)] = values[..]
                                {
                                    bytes.extend_from_slice(&w.to_le_bytes());
                                }
                            }
                            bytes.truncate(n as usize);
                            state.memories.push(crate::memory_state(name, &bytes));
                        }
                        Probe::TableIsNull { name } => {
                            let slots: Vec<bool> = (0..n)
                                .map(|_| {
                                    !matches!(
                                        it.next(),
                                        Some((
                                            CommandOutcome::Action {
                                                outcome: Outcome::Return { values },
                                            },
                                            _,
                                        )) if values == [Value::I32(1)]
                                    )
                                })
                                .collect();
                            state
                                .tables
                                .push(TableState::from_slots(name.clone(), slots));
                        }
                        _ => {}
                    }
                }
            }
        }
        obs.final_state = Some(state);
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }
}

impl crate::Engine for Wabt {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wabt".into(),
            version: self.version.clone(),
            config: format!(
                "WABT's interpreter through spectest-interp, probes for exact bits, no fuel (wall clock): {}",
                self.interp.display()
            ),
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
        _script: &Path,
        commands: &[Located],
        limits: &Limits,
    ) -> Option<Vec<CommandOutcome>> {
        let mut caps = super::caps(limits, super::DEFAULT_OUTPUT_CAP);
        caps.timeout *= commands.len().max(1) as u32;
        Some(
            match self.outcomes(
                |b| {
                    for c in commands {
                        b.command(&c.command)?;
                    }
                    Ok(())
                },
                caps,
            ) {
                Ok(o) => o.into_iter().map(|(o, _)| o).collect(),
                Err(e) => commands
                    .iter()
                    .map(|_| CommandOutcome::NotRun { reason: e.clone() })
                    .collect(),
            },
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
    fn the_spectest_shim_is_a_valid_module_with_the_standard_globals() {
        let wat = spectest_shim();
        let bytes = wat::parse_str(&wat).unwrap();
        let info = crate::inspect::inspect(&bytes).unwrap();
        assert_eq!(info.imports.len(), crate::host::FUNCS.len() + 4);
        assert!(wat.contains("(f32.const 666.6)") && wat.contains("(f64.const 666.6)"));
        assert!(wat.contains("(export \"print_f64_f64\""));
    }

    #[test]
    fn output_is_read_back_command_by_command() {
        let expects = vec![
            Expect::Module,
            Expect::Action(vec![ValType::F32]),
            Expect::Action(vec![ValType::I32]),
            Expect::Action(vec![]),
            Expect::Module,
        ];
        let lines: Vec<String> = [
            "harness.p9() => i32:1",
            "harness.p0(i32:1) => i32:2143289345",
            "harness.p1() => error: integer divide by zero",
            "harness.wast:3: unexpected trap: integer divide by zero",
            "called host spectest.print_i32(i32:5) =>",
            "harness.p2() =>",
            "harness.wast:5: error instantiating module: \"unreachable executed\"",
            "harness.wast:5: unknown invoke \"$m1.harness.p0\"",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let out = read_back(expects, &lines, None);
        assert_eq!(out.len(), 5);
        assert!(
            matches!(&out[1].0, CommandOutcome::Action { outcome: Outcome::Return { values } } if values == &[Value::F32(0x7fc0_0001)])
        );
        assert!(matches!(
            &out[2].0,
            CommandOutcome::Action {
                outcome: Outcome::Trap {
                    kind: TrapKind::IntegerDivideByZero,
                    ..
                }
            }
        ));
        assert_eq!(out[3].1.len(), 1);
        assert!(matches!(
            &out[4].0,
            CommandOutcome::Instance {
                outcome: InstanceOutcome::Trap {
                    kind: TrapKind::Unreachable,
                    ..
                }
            }
        ));
    }

    /// A campaign once blamed WABT for host calls it made: the calls of the first
    /// invocation, printed right after the module's ping, were counted as the start
    /// function's.
    #[test]
    fn host_calls_after_the_ping_belong_to_the_next_command() {
        let expects = vec![
            Expect::Module,
            Expect::Action(vec![]),
            Expect::Action(vec![]),
        ];
        let lines: Vec<String> = [
            "called host spectest.print() =>",
            "harness.p9() => i32:1",
            "called host spectest.print() =>",
            "called host spectest.print_i32(i32:7) =>",
            "harness.p0() =>",
            "harness.p1() =>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let out = read_back(expects, &lines, None);
        assert_eq!(out.len(), 3);
        let names = |k: usize| -> Vec<&str> { out[k].1.iter().map(|c| c.func.as_str()).collect() };
        assert!(matches!(
            &out[0].0,
            CommandOutcome::Instance {
                outcome: InstanceOutcome::Instantiated
            }
        ));
        assert_eq!(names(0), ["print"]);
        assert_eq!(names(1), ["print", "print_i32"]);
        assert_eq!(out[1].1[1].args, [Value::I32(7)]);
        assert!(names(2).is_empty());
    }
}
