//! WAMR's AOT engine (`wamr-aot`): PyPI's `wamr-bin` and `wamrc-bin` (a rewrite of WAMR,
//! 3.0.0-dev). `wamrc compile` turns a module into native code and `wamr run` runs its
//! `_start`, and nothing else: so the plan runs as self-checking modules
//! ([`super::self_check`]), two processes each (compile, run). A trap prints only
//! `error.WasmTrap` and exits with 1: its kind is not known, so a trap the spec requires is
//! judged inconclusive (the engine trapped where it must, with no kind to compare).

use std::path::{Path, PathBuf};
use std::time::Instant;

use oracle::expect::ExpectedInstance;
use oracle::script::{Action, Command, CommandOutcome, Located, ModuleSource};
use oracle::{InstanceOutcome, Invocation, Observation, Outcome, Plan, Proposal, Step, Timings};

use super::process::{Caps, Program};
use super::self_check::Ended;
use crate::{EngineInfo, Instantiation, Limits};

/// WAMR as found here: its compiler and its runtime.
#[derive(Clone, Debug)]
pub struct Wamr {
    wamrc: PathBuf,
    wamr: PathBuf,
    version: String,
}

/// Finds `wamrc` and `wamr`: `$HARNESS_WAMR_DIR`, the install script's virtual
/// environment, then `PATH`.
pub fn discover() -> (Vec<Wamr>, Vec<String>) {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("HARNESS_WAMR_DIR") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(super::v8::prefix().join("venv/bin"));
    for dir in dirs {
        let (wamrc, wamr) = (dir.join("wamrc"), dir.join("wamr"));
        if let Some(w) = found(&wamrc, &wamr) {
            return (vec![w], Vec::new());
        }
    }
    if let (Some(wamrc), Some(wamr)) = (super::which("wamrc"), super::which("wamr"))
        && let Some(w) = found(&wamrc, &wamr)
    {
        return (vec![w], Vec::new());
    }
    (
        Vec::new(),
        vec![
            "wamr-aot: wamrc and wamr not found (PyPI's wamrc-bin and wamr-bin; scripts/install-engines.sh installs them)"
                .into(),
        ],
    )
}

fn found(wamrc: &Path, wamr: &Path) -> Option<Wamr> {
    if !wamrc.is_file() || !wamr.is_file() {
        return None;
    }
    let line = super::version_of(&Program::new(wamr).with_args(["version"]))?;
    super::version_of(&Program::new(wamrc).with_args(["version"]))?;
    let version = line.strip_prefix("wamr ").unwrap_or(&line).to_string();
    Some(Wamr {
        wamrc: wamrc.to_path_buf(),
        wamr: wamr.to_path_buf(),
        version,
    })
}

impl Wamr {
    /// Compiles a module with `wamrc` into `dir`: the `.cwasm`, or why not.
    fn compile(&self, dir: &Path, bytes: &[u8], caps: Caps) -> Result<PathBuf, Ended> {
        let wasm = dir.join("m.wasm");
        let cwasm = dir.join("m.cwasm");
        let _ = std::fs::remove_file(&cwasm);
        std::fs::write(&wasm, bytes)
            .map_err(|e| Ended::Crash(format!("cannot write the module: {e}")))?;
        let program = Program::new(&self.wamrc).with_args([
            "compile".to_string(),
            wasm.display().to_string(),
            "-o".into(),
            cwasm.display().to_string(),
        ]);
        match super::custom::run_ended(&program, caps) {
            Ended::Exit { code: 0, .. } if cwasm.is_file() => Ok(cwasm),
            Ended::Exit { code, stderr } => Err(Ended::Rejected(format!(
                "wamrc compile exited with status {code}: {stderr}"
            ))),
            other => Err(other),
        }
    }

    /// Compiles and runs one module's `_start`.
    fn run_module(&self, dir: &Path, bytes: &[u8], caps: Caps) -> Ended {
        match self.compile(dir, bytes, caps) {
            Ok(cwasm) => super::custom::run_ended(
                &Program::new(&self.wamr)
                    .with_args(["run".to_string(), cwasm.display().to_string()]),
                caps,
            ),
            Err(e) => e,
        }
    }

    fn plan(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Observation {
        let expectation = oracle::expect::expect(module, plan, limits.fuel);
        self.plan_with(module, plan, &expectation, limits)
    }

    fn plan_with(
        &self,
        module: &[u8],
        plan: &Plan,
        expectation: &oracle::expect::Expectation,
        limits: &Limits,
    ) -> Observation {
        let start = Instant::now();
        let caps = super::caps(limits, 1 << 20);
        let mut obs = Observation {
            engine: "wamr-aot".into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: Vec::new(),
            final_state: None,
            timings: Timings::default(),
        };
        let dir = match tempfile::Builder::new().prefix("harness-wamr-").tempdir() {
            Ok(d) => d,
            Err(e) => {
                obs.instantiation = Step::bare(InstanceOutcome::Crash {
                    message: format!("cannot create a scratch directory: {e}"),
                });
                return obs;
            }
        };
        let mut run = |bytes: &[u8]| self.run_module(dir.path(), bytes, caps);
        if let Some(mut o) =
            super::self_check::observe("wamr-aot", module, plan, expectation, &mut run)
        {
            o.timings.total_us = start.elapsed().as_micros() as u64;
            return o;
        }
        // Not self-checking (the spec does not let it instantiate, or it imports what a
        // bare command line does not have): only whether wamrc compiles it can be seen.
        obs.instantiation = Step::bare(match self.compile(dir.path(), module, caps) {
            Err(Ended::Rejected(message)) => InstanceOutcome::Rejected { message },
            Err(Ended::Timeout(message)) => InstanceOutcome::Timeout { message },
            Err(Ended::Crash(message)) => InstanceOutcome::Crash { message },
            Err(Ended::Exit { code, stderr }) => InstanceOutcome::Crash {
                message: format!("exit status {code}: {stderr}"),
            },
            Ok(_) if matches!(expectation.instantiation, ExpectedInstance::Rejected { .. }) => {
                // wamrc accepted a module the spec rejects.
                InstanceOutcome::Instantiated
            }
            Ok(_) => InstanceOutcome::Unsupported {
                proposals: Vec::new(),
                message: format!(
                    "wamr-aot runs only _start, through self-checking modules, and this one cannot be made self-checking ({})",
                    match super::self_check::self_checking(module, plan, expectation, None) {
                        Err(e) => e.to_string(),
                        Ok(_) => "no reason".into(),
                    }
                ),
            },
        });
        obs.timings.total_us = start.elapsed().as_micros() as u64;
        obs
    }
}

/// Why a step whose bits the spec leaves open is not reported.
const OPEN_BITS: &str =
    "the spec leaves these bits open: a self-checking module accepts any, and cannot show which";

/// A module of a script and the invocations on it, by command index.
struct Group {
    module: Option<(usize, Vec<u8>)>,
    name: Option<String>,
    calls: Vec<(usize, Invocation)>,
}

impl Wamr {
    /// A `.wast` script, module by module: each module with the invocations on it up to the
    /// next module as one plan, through self-checking modules. A plan is performed up to its
    /// first trap; the steps after it run in a plan that replays the steps before it that
    /// returned (the trapping call's effects before it trapped are not replayed: exact when
    /// it changed nothing, as in the official suite's traps). `get`, `register` and calls on
    /// earlier modules are not run.
    fn script(&self, commands: &[Located], limits: &Limits) -> Vec<CommandOutcome> {
        let not_run = |reason: &str| CommandOutcome::NotRun {
            reason: reason.into(),
        };
        let cannot = |reason: &str| CommandOutcome::CannotAsk {
            reason: reason.into(),
        };
        let mut out: Vec<Option<CommandOutcome>> = vec![None; commands.len()];
        let mut groups: Vec<Group> = vec![Group {
            module: None,
            name: None,
            calls: Vec::new(),
        }];
        let caps = super::caps(limits, 1 << 20);
        let dir = tempfile::Builder::new()
            .prefix("harness-wamr-")
            .tempdir()
            .ok();
        for (i, c) in commands.iter().enumerate() {
            let g = groups.len() - 1;
            match &c.command {
                Command::Module { name, bytes } => groups.push(Group {
                    module: Some((i, bytes.clone())),
                    name: name.clone(),
                    calls: Vec::new(),
                }),
                Command::Action { action }
                | Command::AssertReturn { action, .. }
                | Command::AssertTrap { action, .. }
                | Command::AssertExhaustion { action, .. } => match action {
                    Action::Invoke {
                        module,
                        export,
                        args,
                    } if groups[g].module.is_some()
                        && (module.is_none() || *module == groups[g].name) =>
                    {
                        groups[g].calls.push((
                            i,
                            Invocation {
                                export: export.clone(),
                                args: args.clone(),
                            },
                        ))
                    }
                    Action::Invoke { .. } => {
                        out[i] = Some(cannot("wamr-aot runs calls on the latest module only"))
                    }
                    Action::Get { .. } => {
                        out[i] = Some(cannot("wamr-aot reads globals only after a plan"))
                    }
                },
                Command::Register { .. } => {
                    out[i] = Some(cannot("wamr-aot cannot link modules to one another"))
                }
                Command::AssertInvalid { module, .. } | Command::AssertMalformed { module, .. } => {
                    out[i] = Some(match (module, &dir) {
                        (ModuleSource::Binary { bytes }, Some(d)) => CommandOutcome::Instance {
                            outcome: match self.compile(d.path(), bytes, caps) {
                                Ok(_) => InstanceOutcome::Instantiated,
                                Err(Ended::Rejected(message)) => {
                                    InstanceOutcome::Rejected { message }
                                }
                                Err(Ended::Timeout(message)) => {
                                    InstanceOutcome::Timeout { message }
                                }
                                Err(other) => InstanceOutcome::Crash {
                                    message: format!("{other:?}"),
                                },
                            },
                        },
                        _ => not_run("the text does not parse"),
                    })
                }
                Command::AssertUnlinkable { module, .. }
                | Command::AssertUninstantiable { module, .. } => {
                    out[i] = Some(match module {
                        ModuleSource::Binary { bytes } => CommandOutcome::Instance {
                            outcome: self
                                .plan(bytes, &Plan::new(Vec::new()), limits)
                                .instantiation
                                .outcome,
                        },
                        ModuleSource::BadText { .. } => not_run("the text does not parse"),
                    })
                }
            }
        }
        for g in groups {
            let Some((at, module)) = g.module else {
                for (i, _) in g.calls {
                    out[i] = Some(not_run("no module"));
                }
                continue;
            };
            // A self-checking module has the standard host only: nothing registered.
            let links = crate::inspect::inspect(&module).is_ok_and(|info| {
                info.imports
                    .iter()
                    .any(|im| im.module != "spectest" && !crate::host::provides(im))
            });
            if links {
                let why = "wamr-aot runs a module with the standard host only: it cannot import \
                           from registered modules";
                out[at] = Some(cannot(why));
                for (i, _) in g.calls {
                    out[i] = Some(cannot(why));
                }
                continue;
            }
            let n = g.calls.len();
            let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
            let mut returned: Vec<usize> = Vec::new();
            let mut done = 0;
            let mut first = true;
            let mut unrun = cannot(
                "not performed by a self-checking module (after a host call, or a step the oracle cannot tell)",
            );
            while done < n || first {
                let replay: Vec<Invocation> =
                    returned.iter().map(|&j| g.calls[j].1.clone()).collect();
                let mut invocations = replay.clone();
                invocations.extend(g.calls[done..].iter().map(|(_, inv)| inv.clone()));
                let plan = Plan::new(invocations);
                let expectation = oracle::expect::expect(&module, &plan, limits.fuel);
                let obs = self.plan_with(&module, &plan, &expectation, limits);
                if let InstanceOutcome::Unsupported { message, .. } = &obs.instantiation.outcome {
                    // No self-checking module for it: a limit of the driver.
                    unrun = cannot(message);
                } else if !matches!(obs.instantiation.outcome, InstanceOutcome::Instantiated) {
                    unrun = not_run(&format!(
                        "the module did not instantiate here ({})",
                        oracle::judge::render_instance(&obs.instantiation.outcome)
                    ));
                }
                // Bits the spec leaves open pass the self-check whatever they are: the
                // value is not seen.
                let open = |k: usize| {
                    matches!(
                        expectation.invocations.get(k).map(|e| &e.outcome),
                        Some(oracle::expect::ExpectedOutcome::Return { values })
                            if values.iter().any(|a| matches!(a, oracle::expect::Allowed::Any { .. }))
                    )
                };
                if first {
                    out[at] = Some(CommandOutcome::Instance {
                        outcome: obs.instantiation.outcome.clone(),
                    });
                    first = false;
                }
                let new: Vec<Outcome> = obs
                    .invocations
                    .into_iter()
                    .enumerate()
                    .skip(replay.len())
                    .map(|(k, s)| {
                        if open(k) {
                            Outcome::Error {
                                message: OPEN_BITS.into(),
                            }
                        } else {
                            s.outcome
                        }
                    })
                    .collect();
                if new.is_empty() {
                    break;
                }
                for (p, o) in new.into_iter().enumerate() {
                    if matches!(o, Outcome::Return { .. }) {
                        returned.push(done + p);
                    }
                    outcomes[done + p] = Some(o);
                    if p + 1 == n - done {
                        break;
                    }
                }
                done = returned
                    .last()
                    .copied()
                    .into_iter()
                    .chain(outcomes.iter().rposition(Option::is_some))
                    .max()
                    .map_or(n, |l| l + 1);
            }
            for ((i, _), o) in g.calls.iter().zip(outcomes) {
                out[*i] = Some(match o {
                    Some(Outcome::Error { message }) if message == OPEN_BITS => cannot(OPEN_BITS),
                    Some(outcome) => CommandOutcome::Action { outcome },
                    None => unrun.clone(),
                });
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| not_run("not run")))
            .collect()
    }
}

impl crate::Engine for Wamr {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "wamr-aot".into(),
            version: self.version.clone(),
            config: format!(
                "WAMR's AOT compiler and runtime (wamrc compile, wamr run), self-checking modules, no fuel (wall clock): {} {}",
                self.wamrc.display(),
                self.wamr.display()
            ),
            // wamrc 3.0.0-dev.14 has no SIMD ("error.UnsupportedV128").
            proposals: Proposal::WASM2
                .iter()
                .copied()
                .filter(|p| *p != Proposal::Simd)
                .collect(),
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
        Some(self.script(commands, limits))
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        super::custom::replay_instantiate(Box::new(self.clone()), module, limits)
    }
}
