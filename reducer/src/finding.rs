//! The built-in predicate: the finding's divergence signature still holds (the same
//! engine deviates from the oracle at the same kind of step, in the same way).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use oracle::expect::{Expectation, ExpectedInstance, ExpectedOutcome, SpecVerdict};
use oracle::{InstanceOutcome, Invocation, Observation, Outcome, Plan, StepId};
use runners::worker::WorkerCommand;
use runners::{Engine, Limits};

use crate::predicate::{Interesting, Predicate, PredicateError};

/// What makes two deviations "the same bug".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signature {
    /// The deviating engine.
    pub engine: String,
    /// `instantiate`, `invoke` or `final-state`.
    pub step: String,
    /// The class of what the spec allows there (`return`, `trap: <kind>`, ...).
    pub expected: String,
    /// The class of what the engine did.
    pub got: String,
}

impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} deviates at {}: spec {}, got {}",
            self.engine, self.step, self.expected, self.got
        )
    }
}

/// The built-in predicate could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum FindingError {
    /// No engine deviates from the spec on the original module.
    #[error("no engine deviates from the spec on this module and plan: nothing to reduce")]
    NoDeviation,
    /// The named engine does not deviate.
    #[error("engine `{0}` does not deviate from the spec on this module and plan")]
    EngineConforms(String),
    /// A system operation failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done.
        action: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

/// Runs the deviating engine in a worker and the oracle in-process on each candidate.
///
/// A candidate exporting `_start` (a replay module) is run by invoking `_start`; any
/// other candidate with the finding's plan, without the invocations whose export it no
/// longer has (with the same type).
pub struct FindingPredicate {
    worker: WorkerCommand,
    engine: Box<dyn Engine>,
    plan: Plan,
    limits: Limits,
    signature: Signature,
    hint_export: Option<String>,
    dir: tempfile::TempDir,
    calls: u64,
    last: String,
}

impl std::fmt::Debug for FindingPredicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FindingPredicate")
            .field("signature", &self.signature)
            .field("calls", &self.calls)
            .finish_non_exhaustive()
    }
}

fn class_instance(o: &InstanceOutcome) -> String {
    match o {
        InstanceOutcome::Instantiated => "instantiated".into(),
        InstanceOutcome::Trap { kind, .. } => format!("trap: {kind}"),
        other => oracle::judge::render_instance(other)
            .split([':', ' '])
            .next()
            .unwrap_or("?")
            .to_string(),
    }
}

fn class_expected_instance(e: &ExpectedInstance) -> String {
    match e {
        ExpectedInstance::Instantiated => "instantiated".into(),
        ExpectedInstance::Rejected { .. } => "rejected".into(),
        ExpectedInstance::Unlinkable { .. } => "unlinkable".into(),
        ExpectedInstance::Trap { kind } => format!("trap: {kind}"),
        ExpectedInstance::Unknown { .. } => "unknown".into(),
    }
}

fn class_outcome(o: &Outcome) -> String {
    match o {
        Outcome::Return { .. } => "return".into(),
        Outcome::Trap { kind, .. } => format!("trap: {kind}"),
        Outcome::Exhaustion { .. } => "exhaustion".into(),
        Outcome::Timeout { .. } => "timeout".into(),
        Outcome::Crash { .. } => "crash".into(),
        Outcome::Error { .. } => "error".into(),
    }
}

fn class_expected(e: &ExpectedOutcome) -> String {
    match e {
        ExpectedOutcome::Return { .. } => "return".into(),
        ExpectedOutcome::Trap { kind } => format!("trap: {kind}"),
        ExpectedOutcome::Unknown { .. } => "unknown".into(),
    }
}

/// The signature of `observation`'s deviation from `expectation`, if it deviates.
pub fn signature(expectation: &Expectation, observation: &Observation) -> Option<Signature> {
    let SpecVerdict::Deviates { step, .. } = oracle::expect::judge(expectation, observation) else {
        return None;
    };
    let (step, expected, got) = match step {
        StepId::Instantiate => (
            "instantiate".to_string(),
            class_expected_instance(&expectation.instantiation),
            class_instance(&observation.instantiation.outcome),
        ),
        StepId::Invoke(i) => (
            "invoke".to_string(),
            expectation
                .invocations
                .get(i)
                .map_or("none".into(), |s| class_expected(&s.outcome)),
            observation
                .invocations
                .get(i)
                .map_or("none".into(), |s| class_outcome(&s.outcome)),
        ),
        StepId::FinalState => (
            "final-state".to_string(),
            "state".to_string(),
            "state".to_string(),
        ),
    };
    Some(Signature {
        engine: observation.engine.clone(),
        step,
        expected,
        got,
    })
}

/// The oracle's expectation, on a thread of its own, abandoned past `limit`.
fn expectation(module: &[u8], plan: &Plan, fuel: u64, limit: Duration) -> Option<Expectation> {
    let (tx, rx) = mpsc::channel();
    let (bytes, plan) = (module.to_vec(), plan.clone());
    std::thread::Builder::new()
        .name("oracle".into())
        .spawn(move || {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                oracle::expect::expect(&bytes, &plan, fuel)
            }));
            let _ = tx.send(run);
        })
        .ok()?;
    rx.recv_timeout(limit).ok()?.ok()
}

impl FindingPredicate {
    /// Runs `engines` on the original module and plan, and takes the deviation of the
    /// first deviating engine (or of `engine`, when named) as the signature to keep.
    pub fn new(
        module: &[u8],
        plan: Plan,
        engines: Vec<Box<dyn Engine>>,
        engine: Option<&str>,
        worker: WorkerCommand,
        limits: Limits,
    ) -> Result<FindingPredicate, FindingError> {
        let dir = tempfile::Builder::new()
            .prefix("harness-reduce-")
            .tempdir()
            .map_err(|source| FindingError::Io {
                action: "create a temporary directory".into(),
                source,
            })?;
        let path = dir.path().join("original.wasm");
        std::fs::write(&path, module).map_err(|source| FindingError::Io {
            action: "write the module".into(),
            source,
        })?;
        let observations = runners::worker::observe_all(
            &worker,
            &engines,
            module,
            &path,
            &plan,
            &limits,
            Some(dir.path()),
        );
        let steps = plan.invocations.len() as u32 + 1;
        let exp = expectation(
            module,
            &plan,
            limits.fuel,
            Duration::from_millis(limits.step_timeout_ms) * steps,
        )
        .ok_or(FindingError::NoDeviation)?;
        let mut chosen = None;
        for (e, o) in engines.into_iter().zip(&observations) {
            if engine.is_some_and(|n| n != o.engine) {
                continue;
            }
            if let Some(s) = signature(&exp, o) {
                let hint_export = match oracle::expect::judge(&exp, o) {
                    SpecVerdict::Deviates {
                        step: StepId::Invoke(i),
                        ..
                    } => plan.invocations.get(i).map(|inv| inv.export.clone()),
                    _ => None,
                };
                chosen = Some((e, s, hint_export));
                break;
            }
        }
        let Some((engine_box, signature, hint_export)) = chosen else {
            return Err(match engine {
                Some(n) => FindingError::EngineConforms(n.into()),
                None => FindingError::NoDeviation,
            });
        };
        Ok(FindingPredicate {
            worker,
            engine: engine_box,
            plan,
            limits,
            signature,
            hint_export,
            dir,
            calls: 0,
            last: String::new(),
        })
    }

    /// The signature every candidate must keep.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The export whose invocation deviates, when it is an invocation.
    pub fn deviating_export(&self) -> Option<&str> {
        self.hint_export.as_deref()
    }

    /// The plan a candidate is run with.
    pub fn plan_for(&self, candidate: &[u8]) -> Plan {
        let funcs = runners::inspect::inspect(candidate)
            .map(|i| i.funcs)
            .unwrap_or_default();
        if funcs
            .iter()
            .any(|f| f.name == "_start" && f.ty.params.is_empty())
        {
            let mut p = self.plan.clone();
            p.invocations = vec![Invocation {
                export: "_start".into(),
                args: vec![],
            }];
            return p;
        }
        let mut p = self.plan.clone();
        p.invocations.retain(|inv| {
            funcs.iter().any(|f| {
                f.name == inv.export
                    && f.ty.params.len() == inv.args.len()
                    && f.ty.params.iter().zip(&inv.args).all(|(t, a)| *t == a.ty())
            })
        });
        p
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("candidate.wasm")
    }
}

impl Predicate for FindingPredicate {
    fn test(&mut self, candidate: &[u8]) -> Result<Interesting, PredicateError> {
        self.calls += 1;
        let path = self.path();
        std::fs::write(&path, candidate).map_err(|source| PredicateError::Io {
            action: format!("write the candidate to {}", path.display()),
            source,
        })?;
        let plan = self.plan_for(candidate);
        let observation = runners::worker::observe(
            &self.worker,
            self.engine.as_ref(),
            candidate,
            &path,
            &plan,
            &self.limits,
            Some(self.dir.path()),
        );
        let steps = plan.invocations.len() as u32 + 1;
        let Some(exp) = expectation(
            candidate,
            &plan,
            self.limits.fuel,
            Duration::from_millis(self.limits.step_timeout_ms) * steps,
        ) else {
            self.last = "the oracle did not finish".into();
            return Ok(Interesting::No);
        };
        let got = signature(&exp, &observation);
        self.last = match &got {
            Some(s) => s.to_string(),
            None => format!("{} does not deviate", observation.engine),
        };
        Ok(Interesting::from(got.as_ref() == Some(&self.signature)))
    }

    fn calls(&self) -> u64 {
        self.calls
    }

    fn explain(&self) -> Option<String> {
        Some(self.last.clone())
    }
}
