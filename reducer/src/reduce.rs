//! The reduction driver: check the predicate, record and replay, then shrink.

use std::time::{Duration, Instant};

use crate::module::{self, EMPTY_MODULE, Stats};
use crate::predicate::{Interesting, Predicate, PredicateError};
use crate::rr;
use crate::shrink::{self, Tester};

/// Which stages run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Record and replay only: the smallest interesting replay module.
    Rr,
    /// Record and replay, then syntactic reduction to a fixpoint (the default).
    #[default]
    Hybrid,
    /// Syntactic reduction only (plain mode, for modules that cannot be recorded).
    Shrink,
}

/// How to reduce.
#[derive(Clone, Debug)]
pub struct Options {
    /// The stages.
    pub strategy: Strategy,
    /// Wall-clock budget of the whole reduction; the best result so far is returned when
    /// it is spent.
    pub time_budget: Duration,
    /// How the module is exercised while recording (the plan the predicate's engines
    /// run; the harness's default plan for a user's command).
    pub plan: oracle::Plan,
    /// Fuel for each step of the recording run (Wasmtime fuel, about one unit per
    /// instruction).
    pub fuel: u64,
    /// Functions to try first as replay targets (named in the predicate's or engine's
    /// output, or the export of the deviating invocation).
    pub hints: Vec<u32>,
    /// The most targets (or groups) tried before giving up on record and replay.
    pub max_targets: usize,
    /// Seed of the mutation stage.
    pub seed: u64,
    /// Where recording runs: in a worker process started with this command (which must
    /// call [`crate::serve_recording`] on its standard input and output), or, when `None`,
    /// in this process (a crash of Wasmtime on the module then ends the reduction).
    pub recorder: Option<runners::worker::WorkerCommand>,
    /// Wall-clock limit of one recording run in a worker.
    pub record_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strategy: Strategy::Hybrid,
            time_budget: Duration::from_secs(600),
            plan: oracle::Plan::new(vec![]),
            fuel: 10_000_000_000,
            hints: Vec::new(),
            max_targets: 200,
            seed: 0,
            recorder: None,
            record_timeout: Duration::from_secs(300),
        }
    }
}

/// Told about progress as the reduction goes.
pub trait Observer {
    /// A stage starts.
    fn stage(&mut self, _name: &str) {}
    /// A new best module (write it out now: the reduction may be stopped at any time).
    fn best(&mut self, _module: &[u8]) {}
    /// After each predicate call: calls so far and the best size in bytes.
    fn tested(&mut self, _calls: u64, _best_bytes: usize) {}
    /// Something the user should know (a fallback, a skipped target).
    fn note(&mut self, _message: &str) {}
}

/// An observer that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// One stage's share of the work.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageReport {
    /// `record-replay` or `shrink`.
    pub name: String,
    /// Wall-clock time spent.
    pub seconds: f64,
    /// Predicate calls made.
    pub calls: u64,
    /// Size of the best module when it ended.
    pub bytes_after: usize,
}

/// The result of a reduction.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Reduction {
    /// The smallest interesting module found.
    #[serde(skip)]
    pub module: Vec<u8>,
    /// Sizes of the input.
    pub original: Stats,
    /// Sizes of the result.
    pub reduced: Stats,
    /// Total wall-clock time.
    pub seconds: f64,
    /// Total predicate calls.
    pub calls: u64,
    /// Each stage, in order.
    pub stages: Vec<StageReport>,
    /// The functions (indices in the input) the replay module keeps, when record and
    /// replay succeeded.
    pub replay_target: Option<Vec<u32>>,
    /// What the user should know (fallbacks, why record and replay did not apply).
    pub notes: Vec<String>,
    /// Whether the budget ran out before a fixpoint.
    pub budget_spent: bool,
}

/// A reduction could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum ReduceError {
    /// The input does not validate.
    #[error("the input is not a valid module: {0}")]
    Invalid(String),
    /// The predicate rejects the input.
    #[error("the predicate does not find the input interesting, so there is nothing to reduce{0}")]
    NotInteresting(String),
    /// The predicate accepts even the empty module.
    #[error(
        "the predicate finds even the empty module interesting: it would reduce anything to nothing (a bug in the predicate?){0}"
    )]
    AlwaysInteresting(String),
    /// The predicate itself failed.
    #[error(transparent)]
    Predicate(#[from] PredicateError),
}

fn last_words(p: &dyn Predicate) -> String {
    match p.explain() {
        Some(s) if !s.trim().is_empty() => {
            let line = s
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>();
            format!(
                " (last run: {})",
                line.join(" | ").chars().take(400).collect::<String>()
            )
        }
        _ => String::new(),
    }
}

/// Reduces `input` to a smaller module the predicate still finds interesting.
///
/// Checks first that the input validates, that the predicate finds it interesting and
/// that it does not find the empty module interesting. Then, unless the strategy is
/// [`Strategy::Shrink`], records a run of the module on Wasmtime and looks for one
/// function (or a group) whose replay module is interesting; then, unless the strategy
/// is [`Strategy::Rr`], shrinks syntactically until nothing helps or the budget is spent.
/// Every new best module goes to [`Observer::best`] at once.
pub fn reduce(
    input: &[u8],
    predicate: &mut dyn Predicate,
    options: &Options,
    observer: &mut dyn Observer,
) -> Result<Reduction, ReduceError> {
    let started = Instant::now();
    let deadline = started + options.time_budget;
    module::validate(input).map_err(ReduceError::Invalid)?;
    if predicate.test(input)? != Interesting::Yes {
        return Err(ReduceError::NotInteresting(last_words(predicate)));
    }
    let first_output = predicate.explain().unwrap_or_default();
    if predicate.test(EMPTY_MODULE)? == Interesting::Yes {
        return Err(ReduceError::AlwaysInteresting(last_words(predicate)));
    }
    let mut notes = Vec::new();
    let mut stages = Vec::new();
    let mut replay_target = None;
    let mut best = input.to_vec();

    if options.strategy != Strategy::Shrink {
        observer.stage("record-replay");
        let t0 = Instant::now();
        let calls0 = predicate.calls();
        let outcome = rr::reduce(input, predicate, options, observer, deadline, &first_output)?;
        match outcome {
            rr::Outcome::Replay { module, target } => {
                if module.len() < best.len() {
                    best = module;
                    observer.best(&best);
                } else {
                    notes.push(format!(
                        "the replay module of {target:?} ({} bytes) is not smaller than the input",
                        module.len()
                    ));
                }
                replay_target = Some(target);
            }
            rr::Outcome::NoTarget(why) => {
                let msg = format!("record and replay found no reproducing target: {why}");
                observer.note(&msg);
                notes.push(msg);
            }
            rr::Outcome::Unrecordable(why) => {
                let msg = if options.strategy == Strategy::Rr {
                    format!("cannot record this module ({why}); --strategy shrink reduces it")
                } else {
                    format!(
                        "cannot record this module ({why}): falling back to plain syntactic reduction"
                    )
                };
                observer.note(&msg);
                notes.push(msg);
            }
        }
        stages.push(StageReport {
            name: "record-replay".into(),
            seconds: t0.elapsed().as_secs_f64(),
            calls: predicate.calls() - calls0,
            bytes_after: best.len(),
        });
    }

    let mut budget_spent = Instant::now() >= deadline;
    if options.strategy != Strategy::Rr && !budget_spent {
        observer.stage("shrink");
        let t0 = Instant::now();
        let calls0 = predicate.calls();
        let mut tester = Tester::new(predicate, observer, best, deadline);
        shrink::shrink(&mut tester, options.seed)?;
        budget_spent = tester.expired();
        best = tester.best;
        stages.push(StageReport {
            name: "shrink".into(),
            seconds: t0.elapsed().as_secs_f64(),
            calls: predicate.calls() - calls0,
            bytes_after: best.len(),
        });
    }

    Ok(Reduction {
        original: Stats::of(input),
        reduced: Stats::of(&best),
        module: best,
        seconds: started.elapsed().as_secs_f64(),
        calls: predicate.calls(),
        stages,
        replay_target,
        notes,
        budget_spent,
    })
}
