//! Engines behind one [`Engine`] trait, and the isolation that runs them.
//!
//! Runners observe; they never judge. Each engine turns a module and a [`Plan`] into an
//! [`Observation`] with exact bits; [`worker`] runs every engine in a child process of the
//! `harness` binary so that a crash of the engine is an observation, not the end of the run.

#![deny(missing_docs)]

pub mod external;
pub mod host;
pub mod inspect;
mod reference;
mod registry;
mod spectest;
#[cfg(feature = "test-engines")]
pub mod test_engines;
mod wasmi_engine;
mod wasmtime_engine;
pub mod wast;
pub mod worker;

use std::sync::Arc;
use std::time::Instant;

use oracle::{
    FinalState, InstanceOutcome, MemoryState, Observation, Observe, Outcome, Plan, Proposal, Step,
    Value,
};
use serde::{Deserialize, Serialize};

pub use reference::Reference;
pub use registry::{available, bundled, by_name, in_process, in_process_by_name};
pub use wasmi_engine::Wasmi;
pub use wasmtime_engine::{Wasmtime, WasmtimeStrategy};

/// What `harness engines` shows about an engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineInfo {
    /// The name used on the command line.
    pub name: String,
    /// The engine's version.
    pub version: String,
    /// How it is configured (compiler, tier, limits).
    pub config: String,
    /// The proposals it implements, as configured.
    pub proposals: Vec<Proposal>,
}

/// Limits every run is held to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Limits {
    /// Fuel for instantiation and for each call (roughly one unit per instruction).
    pub fuel: u64,
    /// Wall-clock limit per step, in milliseconds, enforced on the worker process.
    pub step_timeout_ms: u64,
    /// Memory limit of a worker process (its data segment), in bytes.
    pub worker_memory: u64,
    /// Largest size, in bytes, a linear memory may grow to.
    pub max_memory: u64,
    /// Largest size, in elements, a table may grow to.
    pub max_table: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 100_000_000,
            step_timeout_ms: 10_000,
            worker_memory: 4 << 30,
            max_memory: 1 << 30,
            max_table: 10_000_000,
        }
    }
}

/// An engine that can run modules.
pub trait Engine: Send + Sync {
    /// Name, version, configuration and proposals.
    fn info(&self) -> EngineInfo;

    /// The exact feature set the engine validates with (by default, its proposals').
    fn features(&self) -> wasmparser::WasmFeatures {
        inspect::features_of(&self.info().proposals)
    }

    /// The feature set the engine validates with when only `profile` is enabled.
    fn profile_features(&self, profile: &[Proposal]) -> wasmparser::WasmFeatures {
        let own: Vec<Proposal> = self
            .info()
            .proposals
            .into_iter()
            .filter(|p| profile.contains(p))
            .collect();
        inspect::features_of(&own)
    }

    /// Compiles and instantiates the module against the standard host.
    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation;

    /// A stateful session for `.wast` scripts (several modules, `register`, linking),
    /// with only the proposals of `profile` enabled (all of the engine's when `None`).
    fn session(
        &self,
        limits: &Limits,
        profile: Option<&[Proposal]>,
    ) -> Result<Box<dyn wast::Session>, String> {
        let _ = (limits, profile);
        Err(format!("{} cannot run .wast scripts", self.info().name))
    }

    /// Whether the engine runs in processes of its own (an external engine): it is then
    /// driven from the harness process rather than from a worker, so that a persistent
    /// driver outlives one run.
    fn external(&self) -> bool {
        false
    }

    /// The same engine set to give its memories' contents, for an external engine that
    /// gives them only when asked (`harness diff` asks, to locate a difference; a campaign
    /// does not); `None` when it needs no asking (the default), or cannot give them.
    fn with_memory_contents(&self) -> Option<Box<dyn Engine>> {
        None
    }

    /// Decodes and validates the module with only `profile`'s proposals enabled (of the
    /// engine's own), without compiling or running it: `Ok` when the engine accepts it.
    /// `None` when the engine cannot validate on its own (external engines).
    fn validate(&self, module: &[u8], profile: &[Proposal]) -> Option<Result<(), String>> {
        let _ = (module, profile);
        None
    }

    /// Runs a whole plan at once, for engines that take module and plan together (a
    /// custom engine's protocol); `None` when the engine is driven step by step.
    fn run_whole(&self, module: &[u8], plan: &Plan, limits: &Limits) -> Option<Observation> {
        let _ = (module, plan, limits);
        None
    }

    /// Runs a whole `.wast` script at once, for engines that read scripts themselves;
    /// `None` when the harness drives a [`wast::Session`].
    fn run_script(
        &self,
        script: &std::path::Path,
        commands: &[oracle::script::Located],
        limits: &Limits,
    ) -> Option<Vec<oracle::script::CommandOutcome>> {
        let _ = (script, commands, limits);
        None
    }
}

/// The result of [`Engine::instantiate`].
pub struct Instantiation {
    /// The step as observed.
    pub step: Step<InstanceOutcome>,
    /// The live instance, when instantiation succeeded.
    pub instance: Option<Box<dyn Instance>>,
    /// Time spent compiling, in microseconds.
    pub compile_us: u64,
}

impl Instantiation {
    /// An instantiation that did not happen because the engine's process could not be
    /// driven (it would not start, or died): a crash, no instance.
    pub fn crashed(message: String) -> Instantiation {
        Instantiation {
            step: Step::bare(InstanceOutcome::Crash { message }),
            instance: None,
            compile_us: 0,
        }
    }
}

/// A live instance of a module in one engine.
pub trait Instance {
    /// Calls an export.
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome>;

    /// Reads the exported state (memory contents included).
    fn final_state(&mut self, observe: &Observe) -> FinalState;
}

/// One event of a run, in order: `Compiled`, `Instantiated`, one `Invoked` per invocation
/// (unless instantiation failed), `Final`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// About to instantiate.
    Started,
    /// Instantiation ended.
    Instantiated {
        /// The step.
        step: Step<InstanceOutcome>,
        /// Compile time, µs.
        compile_us: u64,
        /// Instantiation time, µs.
        instantiate_us: u64,
    },
    /// One invocation ended.
    Invoked {
        /// The step.
        step: Step<Outcome>,
        /// Its time, µs.
        us: u64,
    },
    /// The plan is done.
    Final {
        /// The exported state, when there is an instance.
        state: Option<FinalState>,
    },
}

/// Runs a plan on an engine in this process, reporting each event as it happens.
pub fn run_plan(
    engine: &dyn Engine,
    module: &[u8],
    plan: &Plan,
    limits: &Limits,
    emit: &mut dyn FnMut(Event),
) {
    emit(Event::Started);
    if let Some(obs) = engine.run_whole(module, plan, limits) {
        emit(Event::Instantiated {
            step: obs.instantiation,
            compile_us: obs.timings.compile_us,
            instantiate_us: obs.timings.instantiate_us,
        });
        for step in obs.invocations {
            emit(Event::Invoked { step, us: 0 });
        }
        emit(Event::Final {
            state: obs.final_state,
        });
        return;
    }
    let start = Instant::now();
    let Instantiation {
        step,
        instance,
        compile_us,
    } = engine.instantiate(module, limits);
    let instantiate_us = (start.elapsed().as_micros() as u64).saturating_sub(compile_us);
    emit(Event::Instantiated {
        step,
        compile_us,
        instantiate_us,
    });
    let Some(mut instance) = instance else {
        emit(Event::Final { state: None });
        return;
    };
    for inv in &plan.invocations {
        let t = Instant::now();
        let step = instance.invoke(&inv.export, &inv.args);
        emit(Event::Invoked {
            step,
            us: t.elapsed().as_micros() as u64,
        });
    }
    emit(Event::Final {
        state: Some(instance.final_state(&plan.observe)),
    });
}

/// Runs a plan in this process and collects the observation (no isolation: for engines
/// that cannot crash the process, and for tests).
pub fn observe_in_process(
    engine: &dyn Engine,
    module: &[u8],
    plan: &Plan,
    limits: &Limits,
) -> oracle::Observation {
    let start = Instant::now();
    let mut collector = worker::Collector::new(engine.info().name);
    run_plan(engine, module, plan, limits, &mut |e| collector.push(e));
    let mut obs = collector.finish(None);
    obs.timings.total_us = start.elapsed().as_micros() as u64;
    obs
}

/// A memory's observable state from its bytes.
pub fn memory_state(name: &str, bytes: &[u8]) -> MemoryState {
    MemoryState {
        name: name.to_string(),
        size: bytes.len() as u64,
        sha256: oracle::judge::sha256_hex(bytes),
        contents: Some(Arc::new(bytes.to_vec())),
    }
}

/// Microseconds since `t`.
pub(crate) fn micros(t: Instant) -> u64 {
    t.elapsed().as_micros() as u64
}
