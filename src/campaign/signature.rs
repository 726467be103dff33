//! What a case's verdict means for the campaign: each engine's class, and the signature a
//! finding is de-duplicated by.

use oracle::expect::{Allowed, Expectation, ExpectedInstance, ExpectedOutcome, SpecVerdict};
use oracle::{InstanceOutcome, NanClass, Observation, Outcome, StepId, Value};

/// A finding before it is stored: what de-duplicates it and what the report says.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// `deviation`, `crash` or `hang`.
    pub kind: &'static str,
    /// The engine.
    pub engine: String,
    /// (engine, step kind, expected class, observed class, detail), joined by ` | `.
    pub signature: String,
    /// What the spec allows at the step.
    pub expected: String,
    /// What the engine did.
    pub got: String,
}

/// One engine's verdict on one case, as the campaign counts it.
pub fn class(verdict: &SpecVerdict, obs: &Observation, exp: &Expectation) -> &'static str {
    match verdict {
        SpecVerdict::Conforms => "conforms",
        SpecVerdict::Unsupported => "unsupported",
        SpecVerdict::Deviates { step, .. } => match observed(obs, *step) {
            Some(Observed::Crash(_)) => "crash",
            _ => "deviates",
        },
        SpecVerdict::Inconclusive { step, .. } => match observed(obs, *step) {
            Some(Observed::Timeout) if definite(exp, *step) => "timeout",
            _ => "inconclusive",
        },
    }
}

/// The fault an engine's verdict shows, if any: a deviation from the spec, a crash, or a
/// hang (a wall-clock timeout at a step whose outcome the oracle computed).
pub fn fault(verdict: &SpecVerdict, obs: &Observation, exp: &Expectation) -> Option<Fault> {
    let (step, expected, got, kind) = match verdict {
        SpecVerdict::Deviates {
            step,
            expected,
            got,
        } => {
            let kind = match observed(obs, *step) {
                Some(Observed::Crash(_)) => "crash",
                _ => "deviation",
            };
            (*step, expected.clone(), got.clone(), kind)
        }
        SpecVerdict::Inconclusive { step, why }
            if matches!(observed(obs, *step), Some(Observed::Timeout)) && definite(exp, *step) =>
        {
            (*step, expected_class(exp, *step), why.clone(), "hang")
        }
        _ => return None,
    };
    let step_kind = match step {
        StepId::Instantiate => "instantiate",
        StepId::Invoke(_) => "invoke",
        StepId::FinalState => "final-state",
    };
    let observed_class = match observed(obs, step) {
        Some(Observed::Crash(m)) => format!("crash {}", normalise(&m)),
        Some(Observed::Timeout) => "timeout".into(),
        Some(Observed::Other(c)) => c,
        None => "state".into(),
    };
    let detail = match (
        step,
        exp.invocations.get(step_index(step)),
        obs_values(obs, step),
    ) {
        (
            StepId::Invoke(_),
            Some(oracle::expect::ExpectedStep {
                outcome: ExpectedOutcome::Return { values },
                ..
            }),
            Some(got),
        ) => values
            .iter()
            .zip(got)
            .position(|(a, g)| !a.contains(g))
            .map(|i| format!("result {}: {}", i, allowed_class(&values[i])))
            .unwrap_or_default(),
        (StepId::FinalState, ..) => final_detail(&expected),
        _ => String::new(),
    };
    Some(Fault {
        kind,
        engine: obs.engine.clone(),
        signature: [
            obs.engine.as_str(),
            step_kind,
            &expected_class(exp, step),
            &observed_class,
            &detail,
        ]
        .join(" | "),
        expected,
        got,
    })
}

enum Observed {
    Crash(String),
    /// Past the wall-clock limit (not fuel: running out of fuel is a harness limit).
    Timeout,
    Other(String),
}

/// Whether a timeout was the wall clock's (a hang) rather than the fuel's.
fn wall_clock(message: &str) -> bool {
    message.contains("wall-clock")
}

fn step_index(step: StepId) -> usize {
    match step {
        StepId::Invoke(i) => i,
        _ => usize::MAX,
    }
}

fn observed(obs: &Observation, step: StepId) -> Option<Observed> {
    match step {
        StepId::Instantiate => Some(match &obs.instantiation.outcome {
            InstanceOutcome::Crash { message } => Observed::Crash(message.clone()),
            InstanceOutcome::Timeout { message } if wall_clock(message) => Observed::Timeout,
            InstanceOutcome::Instantiated => Observed::Other("instantiated".into()),
            InstanceOutcome::Rejected { .. } => Observed::Other("rejected".into()),
            InstanceOutcome::Unlinkable { .. } => Observed::Other("unlinkable".into()),
            InstanceOutcome::Trap { kind, .. } => Observed::Other(format!("trap {kind}")),
            other => Observed::Other(oracle::judge::render_instance(other)),
        }),
        StepId::Invoke(i) => obs.invocations.get(i).map(|s| match &s.outcome {
            Outcome::Crash { message } => Observed::Crash(message.clone()),
            Outcome::Timeout { message } if wall_clock(message) => Observed::Timeout,
            Outcome::Timeout { .. } => Observed::Other("out of fuel".into()),
            Outcome::Return { values } => Observed::Other(format!(
                "return [{}]",
                values.iter().map(value_class).collect::<Vec<_>>().join(" ")
            )),
            Outcome::Trap { kind, .. } => Observed::Other(format!("trap {kind}")),
            Outcome::Exhaustion { .. } => Observed::Other("exhaustion".into()),
            Outcome::Error { .. } => Observed::Other("error".into()),
        }),
        StepId::FinalState => None,
    }
}

fn obs_values(obs: &Observation, step: StepId) -> Option<&[Value]> {
    match (step, obs.invocations.get(step_index(step))) {
        (StepId::Invoke(_), Some(s)) => match &s.outcome {
            Outcome::Return { values } => Some(values),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the oracle computed the outcome of this step (not its own limit).
fn definite(exp: &Expectation, step: StepId) -> bool {
    match step {
        StepId::Instantiate => !matches!(exp.instantiation, ExpectedInstance::Unknown { .. }),
        StepId::Invoke(i) => exp
            .invocations
            .get(i)
            .is_some_and(|s| !matches!(s.outcome, ExpectedOutcome::Unknown { .. })),
        StepId::FinalState => exp.final_state.is_some(),
    }
}

fn expected_class(exp: &Expectation, step: StepId) -> String {
    match step {
        StepId::Instantiate => match &exp.instantiation {
            ExpectedInstance::Instantiated => "instantiated".into(),
            ExpectedInstance::Rejected { .. } => "rejected".into(),
            ExpectedInstance::Unlinkable { .. } => "unlinkable".into(),
            ExpectedInstance::Trap { kind } => format!("trap {kind}"),
            ExpectedInstance::Unknown { .. } => "unknown".into(),
        },
        StepId::Invoke(i) => match exp.invocations.get(i).map(|s| &s.outcome) {
            Some(ExpectedOutcome::Return { values }) => format!(
                "return [{}]",
                values
                    .iter()
                    .map(allowed_class)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Some(ExpectedOutcome::Trap { kind }) => format!("trap {kind}"),
            Some(ExpectedOutcome::Unknown { .. }) | None => "unknown".into(),
        },
        StepId::FinalState => "state".into(),
    }
}

fn allowed_class(a: &Allowed) -> String {
    match a {
        Allowed::Exact { value } => value_class(value),
        Allowed::Nan { bits, canonical } => format!(
            "f{bits} nan:{}",
            if *canonical {
                "canonical"
            } else {
                "arithmetic"
            }
        ),
        Allowed::Lanes { .. } => "v128 with NaN lanes".into(),
        Allowed::Any { ty } => ty.to_string(),
    }
}

fn value_class(v: &Value) -> String {
    let nan = match v {
        Value::F32(b) => NanClass::of_f32(*b),
        Value::F64(b) => NanClass::of_f64(*b),
        _ => None,
    };
    match nan {
        Some(NanClass::Canonical) => format!("{} nan:canonical", v.ty()),
        Some(NanClass::Arithmetic) => format!("{} nan:arithmetic", v.ty()),
        Some(NanClass::Signalling) => format!("{} nan:signalling", v.ty()),
        None => v.ty().to_string(),
    }
}

/// Which part of the final state differs: the first word of the judge's description
/// (`global`, `memory`, `table`).
fn final_detail(expected: &str) -> String {
    ["global", "memory", "table"]
        .iter()
        .find(|w| expected.contains(*w))
        .map(|w| w.to_string())
        .unwrap_or_default()
}

/// A crash message without what varies from run to run (numbers, addresses): the signal
/// and the headline of the panic stay.
fn normalise(message: &str) -> String {
    // A word with a digit in it (a number, an address, a pid) becomes `N`.
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().any(|c| c.is_ascii_digit()) {
            out.push('N');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in message.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_messages_lose_their_numbers_only() {
        assert_eq!(
            normalise("worker killed by signal 11 (SIGSEGV): at 0x7f12 pid 4242"),
            "worker killed by signal N (SIGSEGV): at N pid N"
        );
    }
}
