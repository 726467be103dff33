//! Process isolation: every engine runs in a worker process of the `harness` binary.
//!
//! Protocol: the parent writes one JSON [`Request`] to the worker's standard input and
//! closes it; the worker writes one JSON [`Event`](crate::Event) per line to its standard
//! output as each step ends, then exits. The parent gives each step a wall-clock limit and
//! kills the worker when it runs out. When the worker dies (signal, abort, out of memory),
//! the step it was in becomes a `crash` outcome carrying the signal and the end of its
//! standard error; the steps before it keep their results.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Command_, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use oracle::script::{Command, CommandOutcome, Located};
use oracle::{FinalState, InstanceOutcome, Observation, Outcome, Plan, Step, Timings};
use serde::{Deserialize, Serialize};

use crate::inspect::{Support, support_features};
use crate::{Engine, Event, Limits, run_plan};

/// What a worker is asked to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    /// The engine's name.
    pub engine: String,
    /// Path of the module's binary.
    pub module: PathBuf,
    /// The plan.
    pub plan: Plan,
    /// The limits.
    pub limits: Limits,
    /// Where to write the contents of exported memories, if anywhere.
    pub dump_dir: Option<PathBuf>,
}

/// A `.wast` script for a worker: run every command in order on one session.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScriptRequest {
    /// The engine's name.
    pub engine: String,
    /// The script's path.
    pub script: PathBuf,
    /// The limits (per command).
    pub limits: Limits,
    /// The proposals to enable (the engine's own when absent).
    #[serde(default)]
    pub profile: Option<Vec<oracle::Proposal>>,
}

/// What a worker is asked to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "kebab-case")]
pub enum Job {
    /// Run a module and plan.
    Plan(Request),
    /// Run a `.wast` script.
    Script(ScriptRequest),
}

/// One command's outcome, as a script worker sends it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScriptEvent {
    /// The command's index in the script.
    pub index: usize,
    /// What happened.
    pub outcome: CommandOutcome,
}

/// The final event as the worker sends it: memory contents go to files.
#[derive(Serialize, Deserialize)]
struct Dumps {
    event: String,
    dumps: Vec<Option<PathBuf>>,
}

/// How to start a worker: the `harness` binary and the arguments of its worker subcommand.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Environment variables to set for it (for example `RAYON_NUM_THREADS=1`, so that a
    /// campaign's workers compile on one core each).
    pub env: Vec<(String, String)>,
}

/// A worker failed before it could serve.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The request could not be read.
    #[error("bad request: {0}")]
    Request(String),
    /// No engine by that name.
    #[error("no engine named `{0}`")]
    Engine(String),
    /// The module file could not be read.
    #[error("cannot read {0}: {1}")]
    Module(PathBuf, std::io::Error),
    /// Writing to the parent failed.
    #[error("cannot write to the parent: {0}")]
    Write(std::io::Error),
}

fn limit_self(bytes: u64) {
    // The data segment, not the address space: Wasmtime reserves large inaccessible regions
    // for its memories, which RLIMIT_DATA does not count until they are made writable.
    let data = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    let core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit only reads the structs passed by reference.
    unsafe {
        libc::setrlimit(libc::RLIMIT_DATA, &data);
        libc::setrlimit(libc::RLIMIT_CORE, &core);
    }
}

/// The worker's side: reads jobs from `input`, one JSON object a line, runs each in turn
/// and writes its events to `output`; returns at the end of the input.
///
/// A one-shot parent writes one line and closes the pipe; a persistent parent
/// ([`Persistent`]) keeps it open and sends the next job after the last event of the one
/// before (a plan's `final` event). Engines are made once per process, so a persistent
/// worker compiles with the same Wasmtime engine every time.
pub fn serve(input: impl BufRead, mut output: impl Write) -> Result<(), WorkerError> {
    die_with_parent();
    let mut engines: Vec<Box<dyn Engine>> = Vec::new();
    for line in input.lines() {
        let line = line.map_err(|e| WorkerError::Request(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let job: Job =
            serde_json::from_str(&line).map_err(|e| WorkerError::Request(e.to_string()))?;
        let name = match &job {
            Job::Plan(r) => &r.engine,
            Job::Script(r) => &r.engine,
        };
        let engine = match engines.iter().position(|e| e.info().name == *name) {
            Some(i) => i,
            None => {
                engines.push(
                    crate::in_process_by_name(name)
                        .ok_or_else(|| WorkerError::Engine(name.clone()))?,
                );
                engines.len() - 1
            }
        };
        let engine = engines[engine].as_ref();
        match job {
            Job::Plan(req) => serve_plan(engine, req, &mut output)?,
            Job::Script(req) => serve_script(engine, req, &mut output)?,
        }
    }
    Ok(())
}

/// A worker must not outlive the harness (a `kill -9` of a campaign): it asks the kernel for
/// SIGKILL when its parent goes.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

fn serve_script(
    engine: &dyn Engine,
    req: ScriptRequest,
    mut output: impl Write,
) -> Result<(), WorkerError> {
    let text = std::fs::read_to_string(&req.script)
        .map_err(|e| WorkerError::Module(req.script.clone(), e))?;
    let commands = crate::wast::parse_script(&text, &req.script.display().to_string())
        .map_err(|e| WorkerError::Request(e.to_string()))?;
    limit_self(req.limits.worker_memory);
    let mut session = engine
        .session(&req.limits, req.profile.as_deref())
        .map_err(WorkerError::Request)?;
    let gate = crate::wast::Gate::new(engine, req.profile.as_deref());
    let mut runner = crate::wast::ScriptRunner::new(session.as_mut(), gate);
    for (index, c) in commands.iter().enumerate() {
        let outcome = runner.run(&c.command);
        let mut line = serde_json::to_string(&ScriptEvent { index, outcome }).unwrap_or_default();
        line.push('\n');
        output
            .write_all(line.as_bytes())
            .and_then(|_| output.flush())
            .map_err(WorkerError::Write)?;
    }
    Ok(())
}

fn serve_plan(
    engine: &dyn Engine,
    req: Request,
    mut output: impl Write,
) -> Result<(), WorkerError> {
    let module =
        std::fs::read(&req.module).map_err(|e| WorkerError::Module(req.module.clone(), e))?;
    limit_self(req.limits.worker_memory);
    let mut failure = None;
    run_plan(engine, &module, &req.plan, &req.limits, &mut |event| {
        if failure.is_some() {
            return;
        }
        let mut line = match &event {
            Event::Final { state: Some(state) } => {
                let dumps = write_dumps(state, &req);
                let mut v = serde_json::to_value(&event).unwrap_or_default();
                v["dumps"] = serde_json::to_value(dumps).unwrap_or_default();
                v.to_string()
            }
            _ => serde_json::to_string(&event).unwrap_or_default(),
        };
        line.push('\n');
        if let Err(e) = output
            .write_all(line.as_bytes())
            .and_then(|_| output.flush())
        {
            failure = Some(WorkerError::Write(e));
        }
    });
    failure.map_or(Ok(()), Err)
}

fn write_dumps(state: &FinalState, req: &Request) -> Vec<Option<PathBuf>> {
    let Some(dir) = &req.dump_dir else {
        return vec![None; state.memories.len()];
    };
    state
        .memories
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let path = dir.join(format!("{}-{i}.mem", req.engine));
            let bytes = m.contents.as_deref()?;
            std::fs::write(&path, bytes.as_slice()).ok().map(|_| path)
        })
        .collect()
}

/// Builds an [`Observation`] from events, and from how the events stopped.
pub struct Collector {
    engine: String,
    instantiation: Option<Step<InstanceOutcome>>,
    invocations: Vec<Step<Outcome>>,
    final_state: Option<FinalState>,
    finished: bool,
    stopped: bool,
    timings: Timings,
}

impl Collector {
    /// An empty collector for an engine.
    pub fn new(engine: String) -> Collector {
        Collector {
            engine,
            instantiation: None,
            invocations: Vec::new(),
            final_state: None,
            finished: false,
            stopped: false,
            timings: Timings::default(),
        }
    }

    /// Takes one event.
    pub fn push(&mut self, event: Event) {
        match event {
            Event::Started => {}
            Event::Instantiated {
                step,
                compile_us,
                instantiate_us,
            } => {
                self.instantiation = Some(step);
                self.timings.compile_us = compile_us;
                self.timings.instantiate_us = instantiate_us;
            }
            Event::Invoked { step, us } => {
                self.invocations.push(step);
                self.timings.invoke_us += us;
            }
            Event::Final { state } => {
                self.final_state = state;
                self.finished = true;
            }
        }
    }

    /// Whether the final event arrived.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Records that the run stopped early: the step in progress gets this outcome.
    fn stop(&mut self, crash: bool, message: String, plan_len: usize) {
        if self.finished {
            return;
        }
        self.stopped = true;
        match &self.instantiation {
            None => {
                self.instantiation = Some(Step::bare(if crash {
                    InstanceOutcome::Crash { message }
                } else {
                    InstanceOutcome::Timeout { message }
                }));
            }
            Some(s)
                if s.outcome == InstanceOutcome::Instantiated
                    && self.invocations.len() < plan_len =>
            {
                self.invocations.push(Step::bare(if crash {
                    Outcome::Crash { message }
                } else {
                    Outcome::Timeout { message }
                }));
            }
            // Died while reading the final state: there is none, and the comparison says so.
            _ => {}
        }
        self.finished = true;
    }

    /// The observation.
    pub fn finish(self, total: Option<Duration>) -> Observation {
        let mut timings = self.timings;
        timings.total_us = total.map_or(0, |d| d.as_micros() as u64);
        Observation {
            engine: self.engine,
            instantiation: self.instantiation.unwrap_or_else(|| {
                Step::bare(InstanceOutcome::Crash {
                    message: "the engine reported nothing".into(),
                })
            }),
            invocations: self.invocations,
            final_state: self.final_state,
            timings,
        }
    }
}

fn describe(status: Option<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Some(s) => match (s.code(), s.signal()) {
            (_, Some(sig)) => {
                let name = match sig {
                    libc::SIGSEGV => "SIGSEGV",
                    libc::SIGABRT => "SIGABRT",
                    libc::SIGBUS => "SIGBUS",
                    libc::SIGILL => "SIGILL",
                    libc::SIGFPE => "SIGFPE",
                    libc::SIGKILL => "SIGKILL (killed, perhaps for memory)",
                    _ => "signal",
                };
                format!("worker killed by signal {sig} ({name})")
            }
            (Some(code), _) => format!("worker exited with status {code}"),
            (None, None) => "worker ended".into(),
        },
        None => "worker status unknown".into(),
    }
}

/// The informative part of a dead worker's standard error: the line that says what went
/// wrong (a panic, a failed allocation, a stack overflow), else its last lines.
fn tail(bytes: &[u8]) -> String {
    const HEADLINES: [&str; 5] = [
        "panicked",
        "memory allocation",
        "overflowed its stack",
        "fatal runtime error",
        "error",
    ];
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(head) = lines
        .iter()
        .find(|l| HEADLINES.iter().any(|h| l.contains(h)))
    {
        return head.to_string();
    }
    let start = lines.len().saturating_sub(3);
    lines[start..].join(" | ")
}

/// Observes one engine in a worker process of its own, which serves this plan only.
pub fn observe(
    cmd: &WorkerCommand,
    engine: &dyn Engine,
    module: &[u8],
    module_path: &Path,
    plan: &Plan,
    limits: &Limits,
    dump_dir: Option<&Path>,
) -> Observation {
    Persistent::new(cmd.clone()).observe(engine, module, module_path, plan, limits, dump_dir)
}

/// The observation of an engine that lacks a proposal the module uses, if it does.
/// The observation of an engine that does not implement what the module uses (by its
/// exact feature set), without running it; `None` when it does.
pub fn unsupported(engine: &dyn Engine, module: &[u8]) -> Option<Observation> {
    let info = engine.info();
    match support_features(module, engine.features(), &info.proposals) {
        Support::Unsupported(proposals, message) => {
            let mut c = Collector::new(info.name);
            c.instantiation = Some(Step::bare(InstanceOutcome::Unsupported {
                message,
                proposals,
            }));
            c.finished = true;
            Some(c.finish(None))
        }
        _ => None,
    }
}

/// A worker process that serves plan after plan for one caller (a campaign thread), so
/// that neither process start-up nor engine set-up is paid per case. A worker that
/// crashes, hangs past a step's limit or sends garbage is killed, the step gets its
/// `crash` or `timeout` outcome as with [`observe`], and the next plan starts a fresh one.
pub struct Persistent {
    cmd: WorkerCommand,
    worker: Option<Worker<Event>>,
    restarts: u64,
}

impl Persistent {
    /// No process yet: the first plan starts one.
    pub fn new(cmd: WorkerCommand) -> Persistent {
        Persistent {
            cmd,
            worker: None,
            restarts: 0,
        }
    }

    /// How many workers were replaced after a crash, a timeout or garbage.
    pub fn restarts(&self) -> u64 {
        self.restarts
    }

    /// Observes one engine on a module and plan, in this caller's worker process (the
    /// engine may differ from plan to plan).
    pub fn observe(
        &mut self,
        engine: &dyn Engine,
        module: &[u8],
        module_path: &Path,
        plan: &Plan,
        limits: &Limits,
        dump_dir: Option<&Path>,
    ) -> Observation {
        if let Some(unsupported) = unsupported(engine, module) {
            return unsupported;
        }
        self.observe_supported(engine, module, module_path, plan, limits, dump_dir)
    }

    /// [`observe`](Persistent::observe) without checking first that the engine supports
    /// the module's proposals (the caller knows it does: a campaign generates only what
    /// every engine supports; an engine given more rejects the module itself).
    pub fn observe_supported(
        &mut self,
        engine: &dyn Engine,
        module: &[u8],
        module_path: &Path,
        plan: &Plan,
        limits: &Limits,
        dump_dir: Option<&Path>,
    ) -> Observation {
        let start = Instant::now();
        if engine.external() {
            // Already in processes of its own, under its limits: driven from here. A dump
            // directory means memory contents are wanted: some engines give them only then.
            let asking = dump_dir.and_then(|_| engine.with_memory_contents());
            let engine = asking.as_deref().unwrap_or(engine);
            let mut obs = crate::observe_in_process(engine, module, plan, limits);
            obs.timings.total_us = start.elapsed().as_micros() as u64;
            return obs;
        }
        let name = engine.info().name;
        let job = Job::Plan(Request {
            engine: name.clone(),
            module: module_path.to_path_buf(),
            plan: plan.clone(),
            limits: limits.clone(),
            dump_dir: dump_dir.map(Path::to_path_buf),
        });
        let mut collector = Collector::new(name);
        // An idle worker that died (its pipe is closed) is replaced once.
        let mut sent = false;
        for _ in 0..2 {
            if self.worker.is_none() {
                match Worker::spawn(&self.cmd, parse_event) {
                    Ok(w) => self.worker = Some(w),
                    Err(e) => {
                        collector.stop(
                            true,
                            format!("cannot start the worker: {e}"),
                            plan.invocations.len(),
                        );
                        return collector.finish(Some(start.elapsed()));
                    }
                }
            }
            if let Some(w) = &mut self.worker
                && w.send(&job).is_ok()
            {
                sent = true;
                break;
            }
            self.worker = None;
        }
        match (&mut self.worker, sent) {
            (Some(w), true) => drive(w, &mut collector, plan.invocations.len(), limits),
            _ => collector.stop(
                true,
                "cannot send the job to the worker".into(),
                plan.invocations.len(),
            ),
        }
        if collector.stopped {
            // Killed (by Drop) and replaced at the next plan.
            self.worker = None;
            self.restarts += 1;
        }
        collector.finish(Some(start.elapsed()))
    }
}

/// A running worker process: its events as they arrive, and its standard error, kept for
/// when it dies. Dropping it kills the process if it still runs.
struct Worker<E> {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    events: mpsc::Receiver<Result<E, String>>,
    reader: Option<std::thread::JoinHandle<()>>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
}

/// What waiting for a worker's next event gave.
enum Next<E> {
    /// An event.
    Event(E),
    /// A line that is not an event.
    Bad(String),
    /// Nothing within the wall-clock limit.
    Late,
    /// The worker ended; how, with the telling line of its standard error.
    Died(String),
}

impl<E: Send + 'static> Worker<E> {
    /// Starts `harness worker`, sends it the job and closes its input: it serves that job
    /// only.
    fn start(
        cmd: &WorkerCommand,
        job: &Job,
        parse: fn(&str) -> Result<E, String>,
    ) -> std::io::Result<Worker<E>> {
        let mut w = Worker::spawn(cmd, parse)?;
        // A worker that dies at once closes the pipe: that shows up as its death.
        let _ = w.send(job);
        w.stdin = None;
        Ok(w)
    }

    /// Sends a job (one line).
    fn send(&mut self, job: &Job) -> std::io::Result<()> {
        let mut body = serde_json::to_vec(job).map_err(std::io::Error::other)?;
        body.push(b'\n');
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the worker's input is closed"))?;
        stdin.write_all(&body)?;
        stdin.flush()
    }

    /// Starts `harness worker`, in a process group of its own (a Ctrl-C meant for the
    /// harness must not kill the engines it is observing), its input left open.
    fn spawn(
        cmd: &WorkerCommand,
        parse: fn(&str) -> Result<E, String>,
    ) -> std::io::Result<Worker<E>> {
        use std::os::unix::process::CommandExt;
        let mut child = Command_::new(&cmd.program)
            .args(&cmd.args)
            .env("RUST_BACKTRACE", "0")
            .envs(cmd.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let stdin = child.stdin.take();
        let (tx, events) = mpsc::channel();
        let stdout = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(parse(&line)).is_err() {
                    break;
                }
            }
        });
        let stderr = child.stderr.take();
        let stderr = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut s) = stderr {
                let _ = s.read_to_end(&mut buf);
            }
            if buf.len() > 8192 {
                buf.drain(..buf.len() - 8192);
            }
            buf
        });
        tracing::debug!(pid = child.id(), "worker started");
        Ok(Worker {
            child,
            stdin,
            events,
            reader: Some(reader),
            stderr: Some(stderr),
        })
    }

    /// Waits for the next event, at most `limit`.
    fn next(&mut self, limit: Duration) -> Next<E> {
        match self.events.recv_timeout(limit) {
            Ok(Ok(e)) => Next::Event(e),
            Ok(Err(bad)) => Next::Bad(bad),
            Err(RecvTimeoutError::Timeout) => {
                tracing::debug!(
                    pid = self.child.id(),
                    "step past its wall-clock limit: killing the worker"
                );
                Next::Late
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().ok();
                let err = self
                    .stderr
                    .take()
                    .and_then(|h| h.join().ok())
                    .unwrap_or_default();
                let mut message = describe(status);
                tracing::debug!(pid = self.child.id(), %message, "worker ended before its last event");
                let t = tail(&err);
                if !t.is_empty() {
                    message = format!("{message}: {t}");
                }
                Next::Died(message)
            }
        }
    }
}

impl<E> Drop for Worker<E> {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        if let Some(h) = self.stderr.take() {
            let _ = h.join();
        }
    }
}

fn wall_clock(limits: &Limits) -> String {
    format!("wall-clock limit of {} ms exceeded", limits.step_timeout_ms)
}

fn drive(worker: &mut Worker<Event>, collector: &mut Collector, plan_len: usize, limits: &Limits) {
    let step_limit = Duration::from_millis(limits.step_timeout_ms);
    while !collector.finished() {
        match worker.next(step_limit) {
            Next::Event(event) => collector.push(event),
            Next::Bad(bad) => collector.stop(
                true,
                format!("worker sent an unreadable event: {bad}"),
                plan_len,
            ),
            Next::Late => collector.stop(false, wall_clock(limits), plan_len),
            Next::Died(message) => collector.stop(true, message, plan_len),
        }
    }
}

fn parse_event(line: &str) -> Result<Event, String> {
    let mut event: Event =
        serde_json::from_str(line).map_err(|e| format!("{e}: {}", &line[..line.len().min(200)]))?;
    if let Event::Final { state: Some(state) } = &mut event {
        let dumps: Dumps = serde_json::from_str(line).map_err(|e| e.to_string())?;
        for (m, path) in state.memories.iter_mut().zip(dumps.dumps) {
            if let Some(path) = path {
                if let Ok(bytes) = std::fs::read(&path) {
                    m.contents = Some(Arc::new(bytes));
                }
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    Ok(event)
}

/// Observes every engine, each in its own worker, in parallel.
pub fn observe_all(
    cmd: &WorkerCommand,
    engines: &[Box<dyn Engine>],
    module: &[u8],
    module_path: &Path,
    plan: &Plan,
    limits: &Limits,
    dump_dir: Option<&Path>,
) -> Vec<Observation> {
    std::thread::scope(|s| {
        let handles: Vec<_> = engines
            .iter()
            .map(|e| {
                s.spawn(|| observe(cmd, e.as_ref(), module, module_path, plan, limits, dump_dir))
            })
            .collect();
        handles
            .into_iter()
            .zip(engines)
            .map(|(h, e)| {
                h.join().unwrap_or_else(|_| {
                    let mut c = Collector::new(e.info().name);
                    c.stop(
                        true,
                        "the harness thread observing this engine panicked".into(),
                        0,
                    );
                    c.finish(None)
                })
            })
            .collect()
    })
}

/// What a dead or stuck worker means for the command it was running.
fn stopped(command: &Command, message: String, crash: bool) -> CommandOutcome {
    let instance = matches!(
        command,
        Command::Module { .. }
            | Command::AssertInvalid { .. }
            | Command::AssertMalformed { .. }
            | Command::AssertUnlinkable { .. }
            | Command::AssertUninstantiable { .. }
    );
    match (instance, crash) {
        (true, true) => CommandOutcome::Instance {
            outcome: InstanceOutcome::Crash { message },
        },
        (true, false) => CommandOutcome::Instance {
            outcome: InstanceOutcome::Timeout { message },
        },
        (false, true) => CommandOutcome::Action {
            outcome: Outcome::Crash { message },
        },
        (false, false) => CommandOutcome::Action {
            outcome: Outcome::Timeout { message },
        },
    }
}

/// Runs a script's commands (already read by the caller from the same file) on one engine
/// in a worker process. Every command gets an outcome: when the worker dies or a command
/// passes its wall-clock limit, that command gets `crash`/`timeout` and the rest `not run`.
pub fn observe_script(
    cmd: &WorkerCommand,
    engine: &dyn Engine,
    script: &Path,
    commands: &[Located],
    limits: &Limits,
    profile: Option<&[oracle::Proposal]>,
) -> Vec<CommandOutcome> {
    if let Some(outcomes) = engine.run_script(script, commands, limits) {
        return outcomes;
    }
    if engine.external() {
        return external_script(engine, commands, limits, profile);
    }
    let name = engine.info().name;
    let request = Job::Script(ScriptRequest {
        engine: name,
        script: script.to_path_buf(),
        limits: limits.clone(),
        profile: profile.map(<[oracle::Proposal]>::to_vec),
    });
    let mut outcomes: Vec<CommandOutcome> = Vec::with_capacity(commands.len());
    let fill_rest = |outcomes: &mut Vec<CommandOutcome>, why: String| {
        if let Some(c) = commands.get(outcomes.len()) {
            let crash = !why.starts_with("wall-clock");
            outcomes.push(stopped(&c.command, why.clone(), crash));
        }
        while outcomes.len() < commands.len() {
            outcomes.push(CommandOutcome::NotRun {
                reason: format!("the engine stopped earlier: {why}"),
            });
        }
    };
    let parse: fn(&str) -> Result<ScriptEvent, String> =
        |line| serde_json::from_str(line).map_err(|e| e.to_string());
    let mut worker = match Worker::start(cmd, &request, parse) {
        Ok(w) => w,
        Err(e) => {
            fill_rest(&mut outcomes, format!("cannot start the worker: {e}"));
            return outcomes;
        }
    };
    let step_limit = Duration::from_millis(limits.step_timeout_ms);
    while outcomes.len() < commands.len() {
        match worker.next(step_limit) {
            Next::Event(ev) if ev.index == outcomes.len() => outcomes.push(ev.outcome),
            Next::Event(ev) => fill_rest(
                &mut outcomes,
                format!("worker sent command {} out of order", ev.index),
            ),
            Next::Bad(bad) => fill_rest(
                &mut outcomes,
                format!("worker sent an unreadable event: {bad}"),
            ),
            Next::Late => fill_rest(&mut outcomes, wall_clock(limits)),
            Next::Died(message) => fill_rest(&mut outcomes, message),
        }
    }
    outcomes
}

/// Runs a script's commands on an external engine's session, from this process (its
/// driver process is the isolation).
fn external_script(
    engine: &dyn Engine,
    commands: &[Located],
    limits: &Limits,
    profile: Option<&[oracle::Proposal]>,
) -> Vec<CommandOutcome> {
    let mut session = match engine.session(limits, profile) {
        Ok(s) => s,
        Err(e) => {
            return commands
                .iter()
                .map(|_| CommandOutcome::NotRun { reason: e.clone() })
                .collect();
        }
    };
    let gate = crate::wast::Gate::new(engine, profile);
    let mut runner = crate::wast::ScriptRunner::new(session.as_mut(), gate);
    commands.iter().map(|c| runner.run(&c.command)).collect()
}
