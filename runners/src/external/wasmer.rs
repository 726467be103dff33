//! Wasmer 7.4 with its Cranelift (`wasmer-cranelift`) or Singlepass (`wasmer-singlepass`)
//! compiler, in a process of its own: the `harness-wasmer` program of `engines/wasmer`, a
//! workspace of its own (Wasmer's Cranelift pins `cranelift-codegen =0.135.0`, the bundled
//! Wasmtime needs `^0.135.8`: one lock cannot hold both).
//!
//! It is built with `scripts/install-engines.sh` (about 5 minutes cold on 2 cores) or
//! `cargo build --release --locked` in `engines/wasmer`, and found at `$HARNESS_WASMER`,
//! `engines/wasmer/target/release/harness-wasmer` (of the current directory or of the
//! checkout the harness was built from) or `harness-wasmer` on `PATH`.
//!
//! The harness keeps one persistent process per worker and drives it with session requests
//! (`instantiate`, `register`, `invoke`, `get`, `state`, `reset`; see the program's
//! documentation): values cross typed as in plan files with exact bits, host calls are
//! reported, and `.wast` scripts run with `register` and linking. Each instantiation and
//! call runs under the run's fuel (Wasmer's metering middleware, one unit per operator,
//! charged per basic block): running out is a `timeout` ("fuel limit of N exhausted"), as
//! with the bundled engines, and the process lives on. Memories come with their contents
//! (files in the driver's scratch directory) only when asked: `harness diff` asks, a
//! campaign compares digests.

use std::path::{Path, PathBuf};

use oracle::{FinalState, HostCall, InstanceOutcome, Observe, Outcome, Proposal, Step, Timings};
use serde::Deserialize;
use serde_json::json;

use super::memory_files::WireState;
use super::process::Program;
use super::v8::{Driver, Lost};
use crate::wast::{Names, Session};
use crate::{EngineInfo, Instance, Instantiation, Limits};

/// Wasmer's compilers, as the engines' names say them.
const COMPILERS: [&str; 2] = ["cranelift", "singlepass"];

/// One Wasmer engine: the program and the compiler it is run with.
#[derive(Clone, Debug)]
pub struct Wasmer {
    program: PathBuf,
    version: String,
    compiler: &'static str,
    /// Whether memories are read with their contents (`harness diff`).
    contents: bool,
}

/// Where the program is looked for, in order: only `$HARNESS_WASMER` when it is set.
fn candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("HARNESS_WASMER") {
        return vec![PathBuf::from(p)];
    }
    let mut out: Vec<PathBuf> = Vec::new();
    let built = "engines/wasmer/target/release/harness-wasmer";
    out.push(PathBuf::from(built));
    // The checkout this harness was built from.
    out.push(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(built),
    );
    out.extend(super::which("harness-wasmer"));
    out
}

/// The oldest `harness-wasmer` this harness can drive: 0.2 takes the `fuel` and
/// `memory_dir` keys (0.1 refuses them as unknown).
const OLDEST: (u32, u32) = (0, 2);

/// Whether `version` (`0.2.0`) is at least [`OLDEST`].
fn recent_enough(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= OLDEST
}

/// Finds `harness-wasmer`: both engines, or the note that says how to build it.
pub fn discover() -> (Vec<Wasmer>, Vec<String>) {
    discover_in(candidates())
}

/// The first of `candidates` that is a recent enough `harness-wasmer`.
fn discover_in(candidates: Vec<PathBuf>) -> (Vec<Wasmer>, Vec<String>) {
    let mut stale = None;
    for program in candidates.into_iter().filter(|p| p.is_file()) {
        let probe = Program::new(&program).with_args(["--version"]);
        // `harness-wasmer 0.2.0 wasmer 7.4.2 cranelift`
        let Some(line) = super::version_of(&probe) else {
            continue;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let own = words.get(1).copied().unwrap_or("");
        if !recent_enough(own) {
            stale = Some(format!(
                "wasmer-cranelift, wasmer-singlepass: {} is harness-wasmer {own}, older than \
                 this harness needs ({}.{}: fuel, memory contents); rebuild it: cargo build \
                 --release --locked in engines/wasmer",
                program.display(),
                OLDEST.0,
                OLDEST.1
            ));
            continue;
        }
        let Some(version) = words
            .iter()
            .position(|w| *w == "wasmer")
            .and_then(|k| words.get(k + 1))
        else {
            continue;
        };
        let found = COMPILERS
            .iter()
            .map(|compiler| Wasmer {
                program: program.clone(),
                version: version.to_string(),
                compiler,
                contents: false,
            })
            .collect();
        return (found, Vec::new());
    }
    let note = stale.unwrap_or_else(|| {
        "wasmer-cranelift, wasmer-singlepass: harness-wasmer not found (build it: \
         scripts/install-engines.sh wasmer, or cargo build --release --locked in \
         engines/wasmer; about 5 minutes cold on 2 cores; or set $HARNESS_WASMER)"
            .into()
    });
    (Vec::new(), vec![note])
}

/// A reply of `harness-wasmer` to a session request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    instantiation: Option<InstanceOutcome>,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(default)]
    host_calls: Vec<HostCall>,
    #[serde(default)]
    final_state: Option<WireState>,
    #[serde(default)]
    timings: Option<Timings>,
}

impl Reply {
    fn why(&self) -> String {
        self.error
            .clone()
            .unwrap_or_else(|| "harness-wasmer replied without the outcome".into())
    }
}

/// Compiles and instantiates `module` as instance `id` in the driver, its start function
/// under `fuel`; the step and the compile time.
fn instantiate_in(
    driver: &mut Driver,
    id: &str,
    module: &[u8],
    fuel: u64,
) -> (Step<InstanceOutcome>, u64) {
    let path = driver.scratch.path().join(format!("{id}.wasm"));
    if let Err(e) = std::fs::write(&path, module) {
        return (
            Step::bare(InstanceOutcome::Crash {
                message: format!("cannot write the module: {e}"),
            }),
            0,
        );
    }
    let reply = driver
        .request_as::<Reply>(json!({"op": "instantiate", "id": id, "module": path, "fuel": fuel}));
    let _ = std::fs::remove_file(&path);
    match reply {
        Err(lost) => (Step::bare(lost.instance()), 0),
        Ok(r) => {
            let compile_us = r.timings.map_or(0, |t| t.compile_us);
            let outcome = match r.instantiation {
                Some(o) => o,
                None => InstanceOutcome::Crash { message: r.why() },
            };
            (
                Step {
                    outcome,
                    host_calls: r.host_calls,
                    resources: Vec::new(),
                },
                compile_us,
            )
        }
    }
}

/// A call or a read: `request` must be an `invoke` or a `get`.
fn outcome_of(driver: &mut Driver, request: serde_json::Value) -> Step<Outcome> {
    match driver.request_as::<Reply>(request) {
        Err(lost) => Step::bare(lost.outcome()),
        Ok(r) => {
            let outcome = match r.outcome {
                Some(o) => o,
                None => Outcome::Crash { message: r.why() },
            };
            Step {
                outcome,
                host_calls: r.host_calls,
                resources: Vec::new(),
            }
        }
    }
}

fn invoke_in(
    driver: &mut Driver,
    id: &str,
    export: &str,
    args: &[oracle::Value],
    fuel: u64,
) -> Step<Outcome> {
    outcome_of(
        driver,
        json!({"op": "invoke", "id": id, "export": export, "args": args, "fuel": fuel}),
    )
}

fn get_in(driver: &mut Driver, id: &str, export: &str) -> Outcome {
    outcome_of(driver, json!({"op": "get", "id": id, "export": export})).outcome
}

impl Wasmer {
    fn name(&self) -> String {
        format!("wasmer-{}", self.compiler)
    }

    fn driver(&self, limits: &Limits) -> Result<Driver, String> {
        let program = Program::new(&self.program).with_args(["--compiler", self.compiler]);
        Driver::start(&self.name(), &program, limits)
    }
}

/// The one instance of a plan, in its driver.
struct WasmerInstance {
    driver: Driver,
    name: String,
    fuel: u64,
    contents: bool,
}

impl Instance for WasmerInstance {
    fn invoke(&mut self, export: &str, args: &[oracle::Value]) -> Step<Outcome> {
        invoke_in(&mut self.driver, "main", export, args, self.fuel)
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        let dir = self.driver.scratch.path().to_path_buf();
        let dir = self.contents.then_some(dir.as_path());
        state_in(&mut self.driver, &self.name, observe, dir)
    }
}

/// The exported state of the plan's instance; with `dir`, memories' contents through files
/// there.
fn state_in(driver: &mut Driver, name: &str, observe: &Observe, dir: Option<&Path>) -> FinalState {
    let mut req = json!({"op": "state", "id": "main", "observe": observe});
    if let Some(dir) = dir {
        req["memory_dir"] = json!(dir);
    }
    match driver.request_as::<Reply>(req) {
        Ok(r) => r
            .final_state
            .map(|s| s.into_state(name, dir))
            .unwrap_or_default(),
        Err(_) => FinalState::default(),
    }
}

impl crate::Engine for Wasmer {
    fn info(&self) -> EngineInfo {
        let mut proposals = Proposal::WASM2.to_vec();
        if self.compiler == "singlepass" {
            // Singlepass compiles no SIMD.
            proposals.retain(|p| *p != Proposal::Simd);
        }
        EngineInfo {
            name: self.name(),
            version: self.version.clone(),
            config: format!(
                "{} compiler, configured with WebAssembly 2.0's proposals, in a persistent \
                 process of its own (harness-wasmer), exact bits, fuel (Wasmer's metering, \
                 one unit per operator, charged per basic block): {}",
                self.compiler,
                self.program.display()
            ),
            proposals,
        }
    }

    fn external(&self) -> bool {
        true
    }

    fn with_memory_contents(&self) -> Option<Box<dyn crate::Engine>> {
        Some(Box::new(Wasmer {
            contents: true,
            ..self.clone()
        }))
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        let mut driver = match self.driver(limits) {
            Ok(d) => d,
            Err(message) => return Instantiation::crashed(message),
        };
        let (step, compile_us) = instantiate_in(&mut driver, "main", module, limits.fuel);
        let live = step.outcome == InstanceOutcome::Instantiated;
        Instantiation {
            step,
            instance: live.then(|| {
                Box::new(WasmerInstance {
                    driver,
                    name: self.name(),
                    fuel: limits.fuel,
                    contents: self.contents,
                }) as Box<dyn Instance>
            }),
            compile_us,
        }
    }

    fn session(
        &self,
        limits: &Limits,
        _profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn Session>, String> {
        Ok(Box::new(WasmerSession {
            driver: self.driver(limits)?,
            names: Names::default(),
            next: 0,
            fuel: limits.fuel,
        }))
    }
}

/// A `.wast` session in one driver: instances by id, `register` done by Wasmer itself.
struct WasmerSession {
    driver: Driver,
    names: Names<String>,
    next: usize,
    fuel: u64,
}

impl Session for WasmerSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome {
        self.next += 1;
        let id = format!("i{}", self.next);
        let (step, _) = instantiate_in(&mut self.driver, &id, bytes, self.fuel);
        if step.outcome == InstanceOutcome::Instantiated {
            self.names.add(name, id);
        }
        step.outcome
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        let id = self.names.get(module)?;
        match self
            .driver
            .request_as::<Reply>(json!({"op": "register", "id": id, "as": as_name}))
        {
            Ok(r) => r.error.map_or(Ok(()), Err),
            Err(Lost::Timeout(m) | Lost::Crash(m)) => Err(m),
        }
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[oracle::Value]) -> Outcome {
        match self.names.get(module) {
            Ok(id) => invoke_in(&mut self.driver, &id, export, args, self.fuel).outcome,
            Err(message) => Outcome::Error { message },
        }
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        match self.names.get(module) {
            Ok(id) => get_in(&mut self.driver, &id, export),
            Err(message) => Outcome::Error { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    #[test]
    fn a_missing_program_is_a_note_that_says_how_to_build_it() {
        let w = Wasmer {
            program: PathBuf::from("/no/such/harness-wasmer"),
            version: "7.4.2".into(),
            compiler: "singlepass",
            contents: false,
        };
        assert!(!w.info().proposals.contains(&Proposal::Simd));
        let i = w.instantiate(b"\0asm\x01\0\0\0", &Limits::default());
        assert!(
            matches!(&i.step.outcome, InstanceOutcome::Crash { message } if message.contains("cannot start")),
            "{:?}",
            i.step.outcome
        );
        let (found, notes) = discover();
        assert!(found.len() == 2 || notes[0].contains("cargo build --release --locked"));
        let asked = w.with_memory_contents().unwrap();
        assert_eq!(asked.info().name, "wasmer-singlepass");
    }

    #[test]
    fn an_older_harness_wasmer_is_refused_with_a_note() {
        assert!(!recent_enough("0.1.0"));
        assert!(!recent_enough("garbage"));
        assert!(recent_enough("0.2.0") && recent_enough("0.10.1") && recent_enough("1.0.0"));
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("harness-wasmer");
        std::fs::write(
            &old,
            "#!/bin/sh\necho harness-wasmer 0.1.0 wasmer 7.4.2 cranelift\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (found, notes) = discover_in(vec![old]);
        assert!(found.is_empty());
        assert!(
            notes[0].contains("harness-wasmer 0.1.0, older"),
            "{notes:?}"
        );
    }

    #[test]
    fn replies_without_their_outcome_are_crashes_that_say_why() {
        let r: Reply = serde_json::from_str(r#"{"error":"no instance `x`"}"#).unwrap();
        assert_eq!(r.why(), "no instance `x`");
        assert!(serde_json::from_str::<Reply>(r#"{"surprise":1}"#).is_err());
    }
}
