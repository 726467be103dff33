//! Custom engines: an engine file (TOML) names a command and one of the protocols of
//! `docs/engine-protocol.md`, and the engine is run without any change to the harness.
//!
//! - `invoke`: the harness writes one request line (module path, plan, limits) to the
//!   command's standard input; the command prints one reply line, the observation.
//!   With `persistent = true` the process stays and serves one request per line. With
//!   `memory-contents = true` the engine can write memories' bytes to files: the harness
//!   asks for them (`memory_dir`) when it wants them (`harness diff`), and only then.
//! - `wast`: the command gets a `.wast` script's path as its last argument and prints one
//!   line per command of the script with what happened.
//! - `command`: the command gets a module's path as its last argument, runs its `_start`
//!   and its exit status is the result (used with self-checking modules).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oracle::script::{CommandOutcome, Located};
use oracle::{
    FinalState, InstanceOutcome, Invocation, Observation, Observe, Outcome, Plan, Proposal, Step,
    Timings, Value,
};
use serde::{Deserialize, Serialize};

use super::memory_files::WireState;
use super::process::{Caps, Process, Program, Reply, excerpt};
use super::{DEFAULT_OUTPUT_CAP, PROTOCOL_VERSION, wast_text};
use crate::{EngineInfo, Instance, Instantiation, Limits};

/// The protocols an engine file may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Module and plan in, observation out.
    Invoke,
    /// A `.wast` script in, one outcome per command out.
    Wast,
    /// A module in, run its `_start`; the exit status is the verdict.
    Command,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::Invoke => "invoke",
            Protocol::Wast => "wast",
            Protocol::Command => "command",
        }
    }
}

/// An engine file, as written (`docs/engine-protocol.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EngineFile {
    /// The protocol version the engine speaks; must be 1.
    protocol_version: u32,
    name: String,
    protocol: Protocol,
    command: Vec<String>,
    #[serde(default)]
    persistent: bool,
    #[serde(default)]
    memory_contents: bool,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    proposals: Option<Vec<String>>,
    #[serde(default)]
    timeout_ms: Option<u64>,
    #[serde(default)]
    memory_mib: Option<u64>,
    #[serde(default)]
    max_output_kib: Option<u64>,
    #[serde(default)]
    env: std::collections::BTreeMap<String, String>,
}

/// An engine described by an engine file.
#[derive(Clone, Debug)]
pub struct CustomEngine {
    name: String,
    protocol: Protocol,
    program: Program,
    persistent: bool,
    /// The engine file says the engine writes memory contents when asked.
    memory_contents: bool,
    /// The harness wants memory contents from this run (see `Engine::with_memory_contents`).
    asked: bool,
    version: String,
    description: String,
    proposals: Vec<Proposal>,
    file: PathBuf,
    timeout: Option<Duration>,
    memory: Option<u64>,
    output: usize,
}

/// An engine file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("engine file {path}: {message}")]
pub struct EngineFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

fn proposal_named(name: &str) -> Option<Vec<Proposal>> {
    match name {
        "wasm2" | "2.0" => Some(Proposal::WASM2.to_vec()),
        "all" => Some(Proposal::ALL.to_vec()),
        _ => Proposal::ALL
            .iter()
            .find(|p| p.name() == name)
            .map(|p| vec![*p]),
    }
}

impl CustomEngine {
    /// Reads an engine file. Relative paths in `command` that name an existing file next
    /// to the engine file are taken relative to it.
    pub fn from_file(path: &Path) -> Result<CustomEngine, EngineFileError> {
        let err = |message: String| EngineFileError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let file: EngineFile = toml::from_str(&text).map_err(|e| {
            err(e
                .to_string()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" "))
        })?;
        if file.protocol_version != PROTOCOL_VERSION {
            return Err(err(format!(
                "protocol-version {} is not supported (this harness speaks {PROTOCOL_VERSION})",
                file.protocol_version
            )));
        }
        if file.name.is_empty()
            || !file
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(err(format!(
                "name `{}` must be letters, digits, `-`, `_` or `.`",
                file.name
            )));
        }
        if file.persistent && file.protocol != Protocol::Invoke {
            return Err(err("persistent = true needs protocol = \"invoke\"".into()));
        }
        if file.memory_contents && file.protocol != Protocol::Invoke {
            return Err(err(
                "memory-contents = true needs protocol = \"invoke\"".into()
            ));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let resolve = |word: &String| -> String {
            let candidate = dir.join(word.trim_start_matches("./"));
            if !word.starts_with('/') && word.contains('/') && candidate.exists() {
                candidate.display().to_string()
            } else {
                word.clone()
            }
        };
        let mut words = file.command.iter().map(resolve);
        let program = words.next().ok_or_else(|| err("command is empty".into()))?;
        let resolved = super::which(&program)
            .ok_or_else(|| err(format!("command `{program}` is not found")))?;
        let mut program = Program::new(resolved).with_args(words);
        program.env = file.env.into_iter().collect();
        // Engines that adapt the harness itself find it in $HARNESS: this binary, unless
        // the caller set it.
        if std::env::var_os("HARNESS").is_none()
            && let Ok(me) = std::env::current_exe()
        {
            program
                .env
                .push(("HARNESS".into(), me.display().to_string()));
        }
        let proposals = match &file.proposals {
            None => Proposal::WASM2.to_vec(),
            Some(names) => {
                let mut out = Vec::new();
                for n in names {
                    let ps =
                        proposal_named(n).ok_or_else(|| err(format!("unknown proposal `{n}`")))?;
                    for p in ps {
                        if !out.contains(&p) {
                            out.push(p);
                        }
                    }
                }
                out
            }
        };
        Ok(CustomEngine {
            name: file.name,
            protocol: file.protocol,
            program,
            persistent: file.persistent,
            memory_contents: file.memory_contents,
            asked: false,
            version: file.version.unwrap_or_else(|| "unknown".into()),
            description: file.description.unwrap_or_default(),
            proposals,
            file: path.to_path_buf(),
            timeout: file.timeout_ms.map(Duration::from_millis),
            memory: file.memory_mib.map(|m| m << 20),
            output: file
                .max_output_kib
                .map_or(DEFAULT_OUTPUT_CAP, |k| (k as usize) << 10),
        })
    }

    /// The engine's protocol.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn caps(&self, limits: &Limits) -> Caps {
        let mut caps = super::caps(limits, self.output);
        if let Some(t) = self.timeout {
            caps.timeout = caps.timeout.min(t);
        }
        if let Some(m) = self.memory {
            caps.memory = if caps.memory == 0 {
                m
            } else {
                caps.memory.min(m)
            };
        }
        caps
    }

    fn start(&self, program: &Program, caps: Caps) -> Result<Process, String> {
        Process::start(program, caps)
            .map_err(|e| format!("cannot start `{}`: {e}", program.display()))
    }
}

/// Reads every `*.toml` engine file of a directory (none when it does not exist).
pub fn load_dir(dir: &Path) -> (Vec<CustomEngine>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut engines: Vec<CustomEngine> = Vec::new();
    let mut notes = Vec::new();
    for p in paths {
        match CustomEngine::from_file(&p) {
            Ok(e) if engines.iter().any(|o| o.name == e.name) => notes.push(format!(
                "engine file {}: engine `{}` is already defined; skipped",
                p.display(),
                e.name
            )),
            Ok(e) => engines.push(e),
            Err(e) => notes.push(format!("{e}; skipped")),
        }
    }
    (engines, notes)
}

/// The request of the invoke protocol.
#[derive(Serialize)]
struct InvokeRequest<'a> {
    protocol: String,
    module: &'a Path,
    plan: &'a Plan,
    limits: RequestLimits,
    /// Where to write memories' bytes: only to an engine that said it can, and only when
    /// the harness wants them.
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_dir: Option<&'a Path>,
}

#[derive(Serialize)]
struct RequestLimits {
    fuel: u64,
    step_timeout_ms: u64,
}

/// The reply of the invoke protocol.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvokeReply {
    instantiation: InstanceOutcome,
    #[serde(default)]
    invocations: Vec<Outcome>,
    #[serde(default)]
    final_state: Option<WireState>,
    #[serde(default)]
    timings: Option<Timings>,
}

/// One line of the wast protocol.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WastLine {
    index: usize,
    outcome: CommandOutcome,
}

/// Why a run stopped early, as the observation says it.
enum Stop {
    Timeout(String),
    Crash(String),
}

impl Stop {
    fn from_reply(reply: Reply, what: &str, limits_ms: u128) -> Stop {
        match reply {
            Reply::Late => Stop::Timeout(format!("wall-clock limit of {limits_ms} ms exceeded")),
            Reply::TooLong => Stop::Crash(format!(
                "the engine printed more than its output cap without ending its {what}"
            )),
            Reply::Died(how) => Stop::Crash(format!("{how} before its {what}")),
            Reply::Line(l) => Stop::Crash(format!(
                "the engine printed garbage instead of its {what}: {}",
                excerpt(&l)
            )),
        }
    }

    fn instance(self) -> InstanceOutcome {
        match self {
            Stop::Timeout(message) => InstanceOutcome::Timeout { message },
            Stop::Crash(message) => InstanceOutcome::Crash { message },
        }
    }

    fn outcome(self) -> Outcome {
        match self {
            Stop::Timeout(message) => Outcome::Timeout { message },
            Stop::Crash(message) => Outcome::Crash { message },
        }
    }
}

fn observation(name: &str, instantiation: InstanceOutcome) -> Observation {
    Observation {
        engine: name.to_string(),
        instantiation: Step::bare(instantiation),
        invocations: Vec::new(),
        final_state: None,
        timings: Timings::default(),
    }
}

impl CustomEngine {
    fn scratch(&self, name: &str, bytes: &[u8]) -> Result<(tempfile::TempDir, PathBuf), String> {
        let dir = tempfile::Builder::new()
            .prefix("harness-engine-")
            .tempdir()
            .map_err(|e| format!("cannot create a scratch directory: {e}"))?;
        let path = dir.path().join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok((dir, path))
    }

    /// The invoke protocol: one request, one reply.
    fn run_invoke(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let (dir, path) = match self.scratch("module.wasm", module) {
            Ok(x) => x,
            Err(e) => return observation(&self.name, InstanceOutcome::Crash { message: e }),
        };
        let memory_dir = (self.memory_contents && self.asked).then_some(dir.path());
        let request = InvokeRequest {
            protocol: format!("harness-invoke/{PROTOCOL_VERSION}"),
            module: &path,
            plan,
            limits: RequestLimits {
                fuel: limits.fuel,
                step_timeout_ms: limits.step_timeout_ms,
            },
            memory_dir,
        };
        let line = super::process::ascii_json(&serde_json::to_string(&request).unwrap_or_default());
        let caps = self.caps(limits);
        // The whole plan is one reply: its limit is one step's per step.
        let whole = caps.timeout * (plan.invocations.len() as u32 + 1);
        let mut proc = match if self.persistent {
            super::checkout(&self.name, &self.program, caps).map_err(|e| e.to_string())
        } else {
            self.start(&self.program, caps)
        } {
            Ok(p) => p,
            Err(e) => {
                return observation(
                    &self.name,
                    InstanceOutcome::Crash {
                        message: format!("cannot start the engine: {e}"),
                    },
                );
            }
        };
        let start = Instant::now();
        let sent = proc.send(&line);
        if !self.persistent {
            proc.close_input();
        }
        let reply = match sent {
            Ok(()) => proc.recv_within(whole),
            Err(_) => Reply::Died(proc.death()),
        };
        let total = start.elapsed();
        let result = match reply {
            Reply::Line(l) => match serde_json::from_str::<InvokeReply>(&l) {
                Ok(r) => self.accept(r, plan, memory_dir),
                Err(e) => Err(Stop::Crash(format!(
                    "the engine printed garbage instead of its reply ({e}): {}",
                    excerpt(&l)
                ))),
            },
            other => Err(Stop::from_reply(other, "reply", whole.as_millis())),
        };
        if self.persistent {
            if result.is_err() {
                proc.kill();
            }
            super::checkin(&self.name, proc, caps.memory);
        } else if result.is_ok() {
            // It has answered: give it a moment to end, then it is killed on drop.
            let _ = proc.wait_within(Duration::from_millis(200));
        }
        let mut obs = match result {
            Ok(obs) => obs,
            Err(stop) => observation(&self.name, stop.instance()),
        };
        obs.timings.total_us = total.as_micros() as u64;
        obs
    }

    /// Checks a reply against the plan: as many invocations as the plan when instantiated.
    fn accept(
        &self,
        r: InvokeReply,
        plan: &Plan,
        memory_dir: Option<&Path>,
    ) -> Result<Observation, Stop> {
        let instantiated = r.instantiation == InstanceOutcome::Instantiated;
        let want = if instantiated {
            plan.invocations.len()
        } else {
            0
        };
        let stopped = r
            .invocations
            .last()
            .is_some_and(|o| matches!(o, Outcome::Crash { .. } | Outcome::Timeout { .. }));
        if r.invocations.len() > want || (r.invocations.len() < want && !stopped) {
            return Err(Stop::Crash(format!(
                "the engine reported {} invocations for a plan of {want}",
                r.invocations.len()
            )));
        }
        Ok(Observation {
            engine: self.name.clone(),
            instantiation: Step::bare(r.instantiation),
            invocations: r.invocations.into_iter().map(Step::bare).collect(),
            final_state: match r.final_state {
                Some(s) if instantiated => Some(s.into_state(&self.name, memory_dir)),
                _ => None,
            },
            timings: r.timings.unwrap_or_default(),
        })
    }

    /// The wast protocol on a script file: one outcome per command.
    fn run_wast_file(
        &self,
        script: &Path,
        commands: &[Located],
        limits: &Limits,
    ) -> Vec<CommandOutcome> {
        let caps = self.caps(limits);
        let program = self
            .program
            .clone()
            .with_args([script.display().to_string()]);
        let mut outcomes: Vec<CommandOutcome> = Vec::with_capacity(commands.len());
        let fill_rest = |outcomes: &mut Vec<CommandOutcome>, stop: Stop| {
            if let Some(c) = commands.get(outcomes.len()) {
                let instance = matches!(
                    c.command,
                    oracle::script::Command::Module { .. }
                        | oracle::script::Command::AssertInvalid { .. }
                        | oracle::script::Command::AssertMalformed { .. }
                        | oracle::script::Command::AssertUnlinkable { .. }
                        | oracle::script::Command::AssertUninstantiable { .. }
                );
                let why = match &stop {
                    Stop::Timeout(m) | Stop::Crash(m) => m.clone(),
                };
                outcomes.push(if instance {
                    CommandOutcome::Instance {
                        outcome: stop.instance(),
                    }
                } else {
                    CommandOutcome::Action {
                        outcome: stop.outcome(),
                    }
                });
                while outcomes.len() < commands.len() {
                    outcomes.push(CommandOutcome::NotRun {
                        reason: format!("the engine stopped earlier: {why}"),
                    });
                }
            }
        };
        let mut proc = match self.start(&program, caps) {
            Ok(p) => p,
            Err(e) => {
                fill_rest(&mut outcomes, Stop::Crash(e));
                return outcomes;
            }
        };
        proc.close_input();
        while outcomes.len() < commands.len() {
            match proc.recv() {
                Reply::Line(l) => match serde_json::from_str::<WastLine>(&l) {
                    Ok(w) if w.index == outcomes.len() => outcomes.push(w.outcome),
                    Ok(w) if w.index > outcomes.len() && w.index < commands.len() => {
                        // Commands it skipped were not run.
                        while outcomes.len() < w.index {
                            outcomes.push(CommandOutcome::NotRun {
                                reason: "the engine did not report this command".into(),
                            });
                        }
                        outcomes.push(w.outcome);
                    }
                    Ok(w) => fill_rest(
                        &mut outcomes,
                        Stop::Crash(format!(
                            "the engine reported command {} out of order",
                            w.index
                        )),
                    ),
                    Err(e) => fill_rest(
                        &mut outcomes,
                        Stop::Crash(format!(
                            "the engine printed garbage instead of a command's outcome ({e}): {}",
                            excerpt(&l)
                        )),
                    ),
                },
                other => fill_rest(
                    &mut outcomes,
                    Stop::from_reply(other, "command's outcome", caps.timeout.as_millis()),
                ),
            }
        }
        outcomes
    }

    /// The wast protocol on a module and plan: the module, one `invoke` per invocation,
    /// one `get` per exported global.
    fn run_wast_plan(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let globals = if plan.observe.globals {
            super::wrap::exported_globals(module)
        } else {
            Vec::new()
        };
        let text = match wast_text::script(module, plan, &globals) {
            Ok(t) => t,
            Err(e) => {
                return observation(
                    &self.name,
                    InstanceOutcome::Crash {
                        message: format!("the plan cannot be written as a script: {e}"),
                    },
                );
            }
        };
        let (_dir, path) = match self.scratch("plan.wast", text.as_bytes()) {
            Ok(x) => x,
            Err(e) => return observation(&self.name, InstanceOutcome::Crash { message: e }),
        };
        let commands = match crate::wast::parse_script(&text, "plan.wast") {
            Ok(c) => c,
            Err(e) => {
                return observation(
                    &self.name,
                    InstanceOutcome::Crash {
                        message: format!("the plan's script does not read back: {e}"),
                    },
                );
            }
        };
        let start = Instant::now();
        let outcomes = self.run_wast_file(&path, &commands, limits);
        let mut outcomes = outcomes.into_iter();
        let instantiation = match outcomes.next() {
            Some(CommandOutcome::Instance { outcome }) => outcome,
            Some(other) => InstanceOutcome::Crash {
                message: format!("the engine reported {other:?} for the module"),
            },
            None => InstanceOutcome::Crash {
                message: "the engine reported nothing".into(),
            },
        };
        let mut obs = observation(&self.name, instantiation);
        if obs.instantiation.outcome == InstanceOutcome::Instantiated {
            let as_outcome = |o: CommandOutcome| match o {
                CommandOutcome::Action { outcome } => outcome,
                CommandOutcome::NotRun { reason } => Outcome::Crash { message: reason },
                other => Outcome::Crash {
                    message: format!("the engine reported {other:?} for an invocation"),
                },
            };
            for _ in &plan.invocations {
                let o = as_outcome(outcomes.next().unwrap_or(CommandOutcome::NotRun {
                    reason: "missing".into(),
                }));
                let stop = matches!(o, Outcome::Crash { .. } | Outcome::Timeout { .. });
                obs.invocations.push(Step::bare(o));
                if stop {
                    break;
                }
            }
            if obs.invocations.len() == plan.invocations.len() {
                let mut state = FinalState::default();
                for g in globals {
                    if let Some(CommandOutcome::Action {
                        outcome: Outcome::Return { values },
                    }) = outcomes.next()
                        && let [value] = values[..]
                    {
                        state.globals.push(oracle::GlobalState { name: g, value });
                    }
                }
                // Memories and tables cannot be read through a script: the state holds
                // what the script protocol can observe (see docs/engine-protocol.md).
                obs.final_state = Some(state);
            }
        }
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }

    /// The command protocol: the module's `_start` runs, the exit status is the result.
    fn run_command(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let start = Instant::now();
        let (_dir, path) = match self.scratch("module.wasm", module) {
            Ok(x) => x,
            Err(e) => return observation(&self.name, InstanceOutcome::Crash { message: e }),
        };
        let caps = self.caps(limits);
        // A self-checking module when there is one: the exit status is then a verdict on
        // each step (see `self_check`).
        let expectation = oracle::expect::expect(module, plan, limits.fuel);
        let mut run = |bytes: &[u8]| -> super::self_check::Ended {
            if let Err(e) = std::fs::write(&path, bytes) {
                return super::self_check::Ended::Crash(format!("cannot write the module: {e}"));
            }
            run_ended(
                &self.program.clone().with_args([path.display().to_string()]),
                caps,
            )
        };
        let checked = super::self_check::observe(&self.name, module, plan, &expectation, &mut run);
        let mut obs = match checked {
            Some(obs) => obs,
            None => {
                let program = self.program.clone().with_args([path.display().to_string()]);
                match run_to_exit(&program, caps) {
                    Ok(exit) => command_observation(&self.name, exit, plan),
                    Err(stop) => observation(&self.name, stop.instance()),
                }
            }
        };
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }
}

/// How a command-protocol run ended.
struct Exit {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_to_exit(program: &Program, caps: Caps) -> Result<Exit, Stop> {
    let mut p = Process::start(program, caps)
        .map_err(|e| Stop::Crash(format!("cannot start `{}`: {e}", program.display())))?;
    p.close_input();
    let mut stdout = Vec::new();
    let deadline = Instant::now() + caps.timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match p.recv_within(left) {
            Reply::Line(l) => {
                if stdout.len() < 20 {
                    stdout.push(l);
                }
            }
            Reply::Died(how) => {
                use std::os::unix::process::ExitStatusExt;
                let status = p.wait_within(Duration::from_millis(10));
                return match status.and_then(|s| s.code().map(|c| (c, s.signal()))) {
                    Some((code, None)) => Ok(Exit {
                        code,
                        stdout: stdout.join("\n"),
                        stderr: super::process::tail(&p.stderr_bytes()),
                    }),
                    _ => Err(Stop::Crash(how)),
                };
            }
            Reply::Late => {
                return Err(Stop::Timeout(format!(
                    "wall-clock limit of {} ms exceeded",
                    caps.timeout.as_millis()
                )));
            }
            Reply::TooLong => {
                return Err(Stop::Crash(
                    "the engine printed more than its output cap".into(),
                ));
            }
        }
    }
}

/// Runs a program to its end: its status and what it printed on standard error (standard
/// output when that is empty), or how it was stopped.
pub(crate) fn run_ended(program: &Program, caps: Caps) -> super::self_check::Ended {
    use super::self_check::Ended;
    match run_to_exit(program, caps) {
        Ok(exit) => Ended::Exit {
            code: exit.code,
            stderr: if exit.stderr.is_empty() {
                exit.stdout
            } else {
                exit.stderr
            },
        },
        Err(Stop::Timeout(m)) => Ended::Timeout(m),
        Err(Stop::Crash(m)) => Ended::Crash(m),
    }
}

/// What a command-protocol exit says, for a module that cannot be made self-checking (one
/// the spec does not let instantiate, or one with imports other than the standard host's):
/// the start function ran (exit 0) or not.
fn command_observation(name: &str, exit: Exit, plan: &Plan) -> Observation {
    let mut obs = observation(name, InstanceOutcome::Instantiated);
    if exit.code != 0 {
        obs.instantiation = Step::bare(InstanceOutcome::Crash {
            message: format!(
                "the command exited with status {}: {}",
                exit.code,
                if exit.stderr.is_empty() {
                    exit.stdout
                } else {
                    exit.stderr
                }
            ),
        });
        return obs;
    }
    for _ in &plan.invocations {
        obs.invocations.push(Step::bare(Outcome::Error {
            message: "the command protocol runs only _start".into(),
        }));
    }
    obs.final_state = Some(FinalState::default());
    obs
}

impl crate::Engine for CustomEngine {
    fn info(&self) -> EngineInfo {
        let mut config = format!(
            "custom engine, protocol {}/{PROTOCOL_VERSION}{}{}: {} (from {})",
            self.protocol.name(),
            if self.persistent { ", persistent" } else { "" },
            if self.memory_contents {
                ", memory contents"
            } else {
                ""
            },
            self.program.display(),
            self.file.display()
        );
        if !self.description.is_empty() {
            config = format!("{}; {config}", self.description);
        }
        EngineInfo {
            name: self.name.clone(),
            version: self.version.clone(),
            config,
            proposals: self.proposals.clone(),
        }
    }

    fn external(&self) -> bool {
        true
    }

    fn with_memory_contents(&self) -> Option<Box<dyn crate::Engine>> {
        self.memory_contents.then(|| {
            Box::new(CustomEngine {
                asked: true,
                ..self.clone()
            }) as Box<dyn crate::Engine>
        })
    }

    fn run_whole(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Option<Observation> {
        Some(match self.protocol {
            Protocol::Invoke => self.run_invoke(module, plan, limits),
            Protocol::Wast => self.run_wast_plan(module, plan, limits),
            Protocol::Command => self.run_command(module, plan, limits),
        })
    }

    fn run_script(
        &self,
        script: &Path,
        commands: &[Located],
        limits: &Limits,
    ) -> Option<Vec<CommandOutcome>> {
        (self.protocol == Protocol::Wast).then(|| self.run_wast_file(script, commands, limits))
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        replay_instantiate(Box::new(self.clone()), module, limits)
    }
}

/// Step by step over a whole-plan engine: instantiation runs an empty plan, and each
/// later step replays the plan so far (exact for a deterministic engine, quadratic in the
/// plan's length).
pub(crate) fn replay_instantiate(
    engine: Box<dyn crate::Engine>,
    module: &[u8],
    limits: &Limits,
) -> Instantiation {
    let name = engine.info().name;
    let empty = Plan {
        observe: Observe {
            globals: false,
            memories: false,
            tables: false,
        },
        ..Plan::new(Vec::new())
    };
    let obs = engine
        .run_whole(module, &empty, limits)
        .unwrap_or_else(|| observation(&name, InstanceOutcome::Instantiated));
    let instantiated = obs.instantiation.outcome == InstanceOutcome::Instantiated;
    Instantiation {
        compile_us: obs.timings.compile_us,
        step: obs.instantiation,
        instance: instantiated.then(|| {
            Box::new(Replay {
                engine,
                name,
                module: module.to_vec(),
                done: Vec::new(),
                limits: limits.clone(),
            }) as Box<dyn Instance>
        }),
    }
}

/// An instance of a whole-plan engine: every call replays the invocations before it.
struct Replay {
    engine: Box<dyn crate::Engine>,
    name: String,
    module: Vec<u8>,
    done: Vec<Invocation>,
    limits: Limits,
}

impl Replay {
    fn replay(&self, observe: Observe) -> Observation {
        let plan = Plan {
            observe,
            ..Plan::new(self.done.clone())
        };
        self.engine
            .run_whole(&self.module, &plan, &self.limits)
            .unwrap_or_else(|| observation(&self.name, InstanceOutcome::Instantiated))
    }
}

impl Instance for Replay {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        self.done.push(Invocation {
            export: export.to_string(),
            args: args.to_vec(),
        });
        let none = Observe {
            globals: false,
            memories: false,
            tables: false,
        };
        let obs = self.replay(none);
        obs.invocations
            .into_iter()
            .nth(self.done.len() - 1)
            .unwrap_or_else(|| {
                Step::bare(Outcome::Crash {
                    message: format!(
                        "replaying the plan, the engine stopped earlier ({})",
                        oracle::judge::render_instance(&obs.instantiation.outcome)
                    ),
                })
            })
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        self.replay(*observe).final_state.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    fn write_engine(dir: &Path, body: &str) -> PathBuf {
        let p = dir.join("e.toml");
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn bad_engine_files_say_what_is_wrong_in_one_line() {
        let dir = tempfile::tempdir().unwrap();
        for (body, needle) in [
            ("name = \"x\"", "protocol"),
            (
                "protocol-version = 2\nname = \"x\"\nprotocol = \"invoke\"\ncommand = [\"sh\"]",
                "protocol-version 2",
            ),
            (
                "protocol-version = 1\nname = \"x\"\nprotocol = \"telepathy\"\ncommand = [\"sh\"]",
                "telepathy",
            ),
            (
                "protocol-version = 1\nname = \"x\"\nprotocol = \"invoke\"\ncommand = [\"no-such-program-xyz\"]",
                "not found",
            ),
            (
                "protocol-version = 1\nname = \"x y\"\nprotocol = \"invoke\"\ncommand = [\"sh\"]",
                "name",
            ),
            (
                "protocol-version = 1\nname = \"x\"\nprotocol = \"wast\"\npersistent = true\ncommand = [\"sh\"]",
                "persistent",
            ),
            (
                "protocol-version = 1\nname = \"x\"\nprotocol = \"invoke\"\ncommand = [\"sh\"]\nproposals = [\"magic\"]",
                "magic",
            ),
            (
                "protocol-version = 1\nname = \"x\"\nprotocol = \"wast\"\nmemory-contents = true\ncommand = [\"sh\"]",
                "memory-contents",
            ),
        ] {
            let p = write_engine(dir.path(), body);
            let e = CustomEngine::from_file(&p).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    fn sh_engine(dir: &Path, protocol: &str, script: &str) -> CustomEngine {
        let s = dir.join("engine.sh");
        std::fs::write(&s, script).unwrap();
        let p = write_engine(
            dir,
            &format!(
                "protocol-version = 1\nname = \"t\"\nprotocol = \"{protocol}\"\ncommand = [\"/bin/sh\", \"{}\"]",
                s.display()
            ),
        );
        CustomEngine::from_file(&p).unwrap()
    }

    fn limits() -> Limits {
        Limits {
            step_timeout_ms: 500,
            ..Limits::default()
        }
    }

    fn one_call() -> Plan {
        Plan::new(vec![Invocation {
            export: "f".into(),
            args: vec![],
        }])
    }

    #[test]
    fn an_invoke_reply_becomes_the_observation() {
        let dir = tempfile::tempdir().unwrap();
        let e = sh_engine(
            dir.path(),
            "invoke",
            r#"read req; echo '{"instantiation":{"outcome":"instantiated"},"invocations":[{"outcome":"return","values":[{"type":"f32","value":"2143289345"}]}],"final_state":{"globals":[],"memories":[],"tables":[]}}'"#,
        );
        let obs = e
            .run_whole(b"\0asm\x01\0\0\0", &one_call(), &limits())
            .unwrap();
        assert_eq!(obs.instantiation.outcome, InstanceOutcome::Instantiated);
        assert_eq!(
            obs.invocations[0].outcome,
            Outcome::Return {
                values: vec![Value::F32(0x7fc0_0001)]
            }
        );
    }

    #[test]
    fn memory_contents_are_asked_for_only_when_wanted_and_read_from_the_named_directory() {
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("request.json");
        let sha = oracle::judge::sha256_hex(b"ab");
        // Writes the memory's two bytes where it is asked to, and names the file.
        let script = dir.path().join("engine.sh");
        std::fs::write(
            &script,
            format!(
                r#"read req; printf '%s' "$req" > {seen}
d=$(printf '%s' "$req" | sed -n 's/.*"memory_dir":"\([^"]*\)".*/\1/p')
f=""; if [ -n "$d" ]; then printf ab > "$d/m.bin"; f=",\"file\":\"$d/m.bin\""; fi
echo '{{"instantiation":{{"outcome":"instantiated"}},"invocations":[],"final_state":{{"globals":[],"memories":[{{"name":"mem","size":2,"sha256":"{sha}"'"$f"'}}],"tables":[]}}}}'"#,
                seen = seen.display()
            ),
        )
        .unwrap();
        let file = write_engine(
            dir.path(),
            &format!(
                "protocol-version = 1\nname = \"t\"\nprotocol = \"invoke\"\nmemory-contents = true\ncommand = [\"/bin/sh\", \"{}\"]",
                script.display()
            ),
        );
        let e = CustomEngine::from_file(&file).unwrap();
        assert!(e.info().config.contains("memory contents"));
        let module = b"\0asm\x01\0\0\0";
        let plan = Plan::new(vec![]);
        let plain = e.run_whole(module, &plan, &limits()).unwrap();
        let m = &plain.final_state.unwrap().memories[0];
        assert!(m.contents.is_none() && m.size == 2);
        assert!(
            !std::fs::read_to_string(&seen)
                .unwrap()
                .contains("memory_dir")
        );
        let asking = e.with_memory_contents().unwrap();
        let obs = asking.run_whole(module, &plan, &limits()).unwrap();
        let m = &obs.final_state.unwrap().memories[0];
        assert_eq!(m.contents.as_deref().map(Vec::as_slice), Some(&b"ab"[..]));
        assert!(
            std::fs::read_to_string(&seen)
                .unwrap()
                .contains("\"memory_dir\"")
        );
        // An engine file without the key is never asked.
        let other = sh_engine(dir.path(), "invoke", "read req");
        assert!(other.with_memory_contents().is_none());
    }

    #[test]
    fn hangs_garbage_crashes_and_short_replies_are_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        for (script, needle) in [
            ("sleep 30", "wall-clock limit"),
            ("read req; echo 'hello, I am not JSON'", "garbage"),
            ("kill -SEGV $$", "SIGSEGV"),
            ("read req; exit 3", "status 3"),
            (
                r#"read req; echo '{"instantiation":{"outcome":"instantiated"}}'"#,
                "reported 0 invocations for a plan of 1",
            ),
        ] {
            let e = sh_engine(dir.path(), "invoke", script);
            let obs = e
                .run_whole(b"\0asm\x01\0\0\0", &one_call(), &limits())
                .unwrap();
            let text = oracle::judge::render_instance(&obs.instantiation.outcome);
            assert!(text.contains(needle), "{script}: {text}");
        }
    }

    #[test]
    fn the_wast_protocol_reads_one_line_per_command_and_stops_on_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let e = sh_engine(
            dir.path(),
            "wast",
            r#"echo '{"index":0,"outcome":{"kind":"instance","outcome":{"outcome":"instantiated"}}}'; echo garbage"#,
        );
        let text = "(module (func (export \"f\")))\n(invoke \"f\")\n(invoke \"f\")";
        let script = dir.path().join("s.wast");
        std::fs::write(&script, text).unwrap();
        let commands = crate::wast::parse_script(text, "s.wast").unwrap();
        let out = e.run_script(&script, &commands, &limits()).unwrap();
        assert_eq!(out.len(), 3);
        assert!(
            matches!(&out[1], CommandOutcome::Action { outcome: Outcome::Crash { message } } if message.contains("garbage"))
        );
        assert!(matches!(&out[2], CommandOutcome::NotRun { .. }));
    }

    #[test]
    fn the_command_protocol_takes_the_exit_status() {
        let dir = tempfile::tempdir().unwrap();
        let ok = sh_engine(dir.path(), "command", "test -s \"$1\"");
        let obs = ok
            .run_whole(b"\0asm\x01\0\0\0", &Plan::new(vec![]), &limits())
            .unwrap();
        assert_eq!(obs.instantiation.outcome, InstanceOutcome::Instantiated);
        let bad = sh_engine(dir.path(), "command", "echo boom >&2; exit 9");
        let obs = bad
            .run_whole(b"\0asm\x01\0\0\0", &Plan::new(vec![]), &limits())
            .unwrap();
        let text = oracle::judge::render_instance(&obs.instantiation.outcome);
        assert!(text.contains("status 9") && text.contains("boom"), "{text}");
    }
}
