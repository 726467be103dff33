//! Expectations: for each step of a plan, the set of outcomes the spec allows, computed by
//! the reference interpreter; and the judge that holds an engine's observation against them.
//!
//! The interpreter keeps, with every value, what the spec leaves open about it
//! ([`Nondet`]): a NaN result of arithmetic may be any NaN of its class (`$nans_`), a
//! `v128` of float lanes per lane, and a value computed from such bits is unknown. Grows may
//! fail and the call stack may be exhausted at any depth: an engine that does either is not
//! judged from that step on.

use serde::{Deserialize, Serialize};

use crate::exec::{ExternVal, Nondet, Tagged};
use crate::judge::{StepId, values_agree};
use crate::numerics::FloatSet;
use crate::run::World;
use crate::value::{NanClass, ValType, Value};
use crate::{HostCall, InstanceOutcome, Observation, Outcome, Plan, TableState, TrapKind};

/// The format version of expectations and spec verdicts (part of `harness diff --json`).
pub const EXPECTATION_VERSION: u32 = 1;

/// The values the spec allows in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "allowed", rename_all = "kebab-case")]
pub enum Allowed {
    /// Exactly this value.
    Exact {
        /// The value.
        value: Value,
    },
    /// Any NaN of this class, either sign (`$nans_`).
    Nan {
        /// 32 or 64.
        bits: u32,
        /// Canonical only, or any arithmetic NaN.
        canonical: bool,
    },
    /// A `v128`: exact but for these float lanes, which may be any NaN of their class.
    Lanes {
        /// The oracle's representative.
        value: u128,
        /// Lane width (32 or 64).
        width: u32,
        /// Per lane: `None` exact, `Some(true)` canonical NaN, `Some(false)` arithmetic NaN.
        nans: Vec<Option<bool>>,
    },
    /// Anything of this type: the oracle cannot say more (bits of a NaN of free payload
    /// reinterpreted, for example).
    Any {
        /// The type.
        ty: ValType,
    },
}

impl Allowed {
    /// What the spec allows for a value the interpreter computed.
    pub fn of(t: &Tagged) -> Allowed {
        let bits = |v: &Value| if matches!(v, Value::F32(_)) { 32 } else { 64 };
        match &t.nondet {
            Nondet::None => Allowed::Exact { value: t.value },
            Nondet::Nan(FloatSet::CanonicalNan) => Allowed::Nan {
                bits: bits(&t.value),
                canonical: true,
            },
            Nondet::Nan(FloatSet::ArithmeticNan) => Allowed::Nan {
                bits: bits(&t.value),
                canonical: false,
            },
            Nondet::Nan(FloatSet::Exact(_)) => Allowed::Exact { value: t.value },
            Nondet::Lanes(lanes) => match t.value {
                Value::V128(v) => Allowed::Lanes {
                    value: v,
                    width: if lanes.len() == 4 { 32 } else { 64 },
                    nans: lanes
                        .iter()
                        .map(|l| match l {
                            Some(FloatSet::CanonicalNan) => Some(true),
                            Some(FloatSet::ArithmeticNan) => Some(false),
                            _ => None,
                        })
                        .collect(),
                },
                other => Allowed::Any { ty: other.ty() },
            },
            Nondet::Unknown => Allowed::Any { ty: t.value.ty() },
        }
    }

    /// Whether the spec allows `got` here.
    pub fn contains(&self, got: &Value) -> bool {
        let nan_ok = |bits: u32, v: u64, canonical: bool| {
            let class = if bits == 32 {
                NanClass::of_f32(v as u32)
            } else {
                NanClass::of_f64(v)
            };
            match class {
                Some(NanClass::Canonical) => true,
                Some(NanClass::Arithmetic) => !canonical,
                _ => false,
            }
        };
        match (self, got) {
            (Allowed::Exact { value }, got) => value == got,
            (
                Allowed::Nan {
                    bits: 32,
                    canonical,
                },
                Value::F32(v),
            ) => nan_ok(32, *v as u64, *canonical),
            (
                Allowed::Nan {
                    bits: 64,
                    canonical,
                },
                Value::F64(v),
            ) => nan_ok(64, *v, *canonical),
            (Allowed::Lanes { value, width, nans }, Value::V128(g)) => {
                let mask = if *width == 64 {
                    u64::MAX as u128
                } else {
                    (1u128 << width) - 1
                };
                nans.iter().enumerate().all(|(i, n)| {
                    let shift = *width as usize * i;
                    let (want, have) = (
                        ((value >> shift) & mask) as u64,
                        ((g >> shift) & mask) as u64,
                    );
                    match n {
                        None => want == have,
                        Some(canonical) => nan_ok(*width, have, *canonical),
                    }
                })
            }
            (Allowed::Any { ty }, got) => {
                got.ty() == *ty || matches!((ty, got), (ValType::Ref(_), Value::Ref(_)))
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Allowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Allowed::Exact { value } => write!(f, "{value}"),
            Allowed::Nan {
                bits,
                canonical: true,
            } => write!(f, "f{bits}:nan:canonical (either sign)"),
            Allowed::Nan {
                bits,
                canonical: false,
            } => write!(f, "f{bits}:nan:arithmetic (any sign and payload)"),
            Allowed::Lanes { value, width, nans } => {
                let lanes: Vec<String> = nans
                    .iter()
                    .enumerate()
                    .map(|(i, n)| match n {
                        Some(true) => "nan:canonical".into(),
                        Some(false) => "nan:arithmetic".into(),
                        None => format!(
                            "0x{:x}",
                            (value >> (*width as usize * i)) & ((1u128 << width) - 1)
                        ),
                    })
                    .collect();
                write!(f, "v128:f{width}x{} {}", nans.len(), lanes.join(" "))
            }
            Allowed::Any { ty } => write!(f, "any {ty} (the spec leaves its bits open here)"),
        }
    }
}

/// What the spec allows for instantiation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "expected", rename_all = "kebab-case")]
pub enum ExpectedInstance {
    /// It instantiates.
    Instantiated,
    /// It is malformed or invalid: every engine must reject it.
    Rejected {
        /// The oracle's reason.
        reason: String,
    },
    /// It cannot be linked against the standard host.
    Unlinkable {
        /// The oracle's reason.
        reason: String,
    },
    /// Instantiation traps.
    Trap {
        /// The kind.
        kind: TrapKind,
    },
    /// The oracle cannot tell (its own limits).
    Unknown {
        /// Why.
        why: String,
    },
}

/// What the spec allows for one invocation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "expected", rename_all = "kebab-case")]
pub enum ExpectedOutcome {
    /// Returns values from these sets.
    Return {
        /// One set per result.
        values: Vec<Allowed>,
    },
    /// Traps with this kind.
    Trap {
        /// The kind.
        kind: TrapKind,
    },
    /// The oracle cannot tell (its call-depth or fuel limit, or an unimplemented feature).
    Unknown {
        /// Why.
        why: String,
    },
}

/// One invocation's expectation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpectedStep {
    /// The outcome.
    pub outcome: ExpectedOutcome,
    /// The host calls, in order (the oracle's representatives).
    pub host_calls: Vec<HostCall>,
    /// Per host call, what the spec allows for each argument; `None` from the first call
    /// made on a path chosen by bits the spec leaves open, after which which calls happen
    /// is open too. Empty: every argument exactly as in `host_calls`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_args: Vec<Option<Vec<Allowed>>>,
}

/// An exported memory as the spec leaves it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExpectedMemory {
    /// The export's name.
    pub name: String,
    /// Its contents (not serialised: its size and open ranges are).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Its size in bytes.
    pub size: u64,
    /// Byte ranges `[start, end)` whose contents the spec leaves open.
    pub open: Vec<(u64, u64)>,
}

/// The exported state as the spec leaves it after the plan.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExpectedState {
    /// Globals by export name.
    pub globals: Vec<(String, Allowed)>,
    /// Memories.
    pub memories: Vec<ExpectedMemory>,
    /// Tables (exact).
    pub tables: Vec<TableState>,
}

/// What the spec allows at every step of a plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Expectation {
    /// [`EXPECTATION_VERSION`].
    pub version: u32,
    /// Instantiation.
    pub instantiation: ExpectedInstance,
    /// Invocations, in plan order (empty when instantiation fails).
    pub invocations: Vec<ExpectedStep>,
    /// The final state, when the instance lives to the end.
    pub final_state: Option<ExpectedState>,
}

/// Runs the plan on the reference interpreter and records what the spec allows.
pub fn expect(module: &[u8], plan: &Plan, fuel: u64) -> Expectation {
    expect_within(module, plan, fuel, None)
}

/// [`expect`] with the oracle's call stack limited to `max_call_depth` frames: a step that
/// goes deeper is [`ExpectedOutcome::Unknown`]. The spec lets an engine exhaust its stack at
/// any depth, so a test that asserts a result must stay shallow for every engine to pass it
/// (`harness gen --wast` uses 100).
pub fn expect_within(
    module: &[u8],
    plan: &Plan,
    fuel: u64,
    max_call_depth: Option<usize>,
) -> Expectation {
    expect_linked(&[], module, plan, fuel, max_call_depth)
}

/// [`expect_within`] after instantiating each of `registered` and registering its exports
/// under its name (a script's `(module $m ...)` then `(register "m" $m)`), so that the
/// module can import them. A registered module that does not instantiate makes the
/// instantiation [`ExpectedInstance::Unknown`].
pub fn expect_linked(
    registered: &[(&str, &[u8])],
    module: &[u8],
    plan: &Plan,
    fuel: u64,
    max_call_depth: Option<usize>,
) -> Expectation {
    let mut world = store(fuel, max_call_depth);
    for (name, bytes) in registered {
        let outcome = world.instantiate(Some(name), bytes);
        let registered = match outcome {
            InstanceOutcome::Instantiated => world.register(name, Some(name)),
            other => Err(crate::judge::render_instance(&other)),
        };
        if let Err(why) = registered {
            return Expectation {
                version: EXPECTATION_VERSION,
                instantiation: ExpectedInstance::Unknown {
                    why: format!("registered module `{name}`: {why}"),
                },
                invocations: Vec::new(),
                final_state: None,
            };
        }
    }
    expect_in(&mut world, module, plan)
}

/// [`expect_within`], and whether the case left `spectest`'s memory and table as a fresh
/// store has them (no module grew them or left anything in them). A script's modules
/// share `spectest`: a case that changed it changes what the cases after it meet.
pub fn expect_within_shared(
    module: &[u8],
    plan: &Plan,
    fuel: u64,
    max_call_depth: Option<usize>,
) -> (Expectation, bool) {
    let mut world = store(fuel, max_call_depth);
    let e = expect_in(&mut world, module, plan);
    (e, world.spectest_untouched())
}

/// A fresh store with `spectest`, the oracle's fuel per call and its call depth.
fn store(fuel: u64, max_call_depth: Option<usize>) -> World {
    let mut world = World::new(Some(fuel));
    if let Some(depth) = max_call_depth {
        world.store.set_max_call_depth(depth);
    }
    world
}

impl Expectation {
    /// Whether the oracle could not tell a step (its instantiation or an invocation): what
    /// the case did to state it shares (`spectest`'s memory or table) is then unknown too.
    pub fn has_unknown(&self) -> bool {
        matches!(self.instantiation, ExpectedInstance::Unknown { .. })
            || self
                .invocations
                .iter()
                .any(|s| matches!(s.outcome, ExpectedOutcome::Unknown { .. }))
    }
}

/// A case's expectation in `world`: its module instantiated there (the latest instance),
/// the plan's invocations on it, its exports' final state.
fn expect_in(world: &mut World, module: &[u8], plan: &Plan) -> Expectation {
    let instantiation = match world.instantiate(None, module) {
        InstanceOutcome::Instantiated => ExpectedInstance::Instantiated,
        InstanceOutcome::Rejected { message } => ExpectedInstance::Rejected { reason: message },
        InstanceOutcome::Unlinkable { message } => ExpectedInstance::Unlinkable { reason: message },
        InstanceOutcome::Trap { kind, .. } => ExpectedInstance::Trap { kind },
        other => ExpectedInstance::Unknown {
            why: crate::judge::render_instance(&other),
        },
    };
    world.store.take_host_calls();
    let mut exp = Expectation {
        version: EXPECTATION_VERSION,
        instantiation,
        invocations: Vec::new(),
        final_state: None,
    };
    if exp.instantiation != ExpectedInstance::Instantiated {
        return exp;
    }
    for inv in &plan.invocations {
        let outcome = match world.invoke_tagged(None, &inv.export, &inv.args) {
            Ok(values) => ExpectedOutcome::Return {
                values: values.iter().map(Allowed::of).collect(),
            },
            Err(Outcome::Trap { kind, .. }) => ExpectedOutcome::Trap { kind },
            Err(other) => ExpectedOutcome::Unknown {
                why: crate::judge::render_outcome(&other).join("; "),
            },
        };
        let unknown = matches!(outcome, ExpectedOutcome::Unknown { .. });
        let (host_calls, host_args) = world
            .store
            .take_host_calls_tagged()
            .into_iter()
            .map(|(call, args)| (call, args.map(|a| a.iter().map(Allowed::of).collect())))
            .unzip();
        exp.invocations.push(ExpectedStep {
            outcome,
            host_calls,
            host_args,
        });
        if unknown {
            // The oracle's own limit: what follows depends on state it did not compute.
            return exp;
        }
    }
    let mut state = ExpectedState::default();
    if let Ok(exports) = world.exports(None) {
        for (name, e) in exports {
            match *e {
                ExternVal::Global(g) if plan.observe.globals => {
                    state
                        .globals
                        .push((name.clone(), Allowed::of(&world.store.global(g))));
                }
                ExternVal::Mem(m) if plan.observe.memories => {
                    let bytes = world.store.memory(m).to_vec();
                    state.memories.push(ExpectedMemory {
                        name: name.clone(),
                        size: bytes.len() as u64,
                        bytes,
                        open: world.store.memory_tainted(m).to_vec(),
                    });
                }
                ExternVal::Table(t) if plan.observe.tables => {
                    let slots = world
                        .store
                        .table(t)
                        .into_iter()
                        .map(|v| !matches!(v, Value::Ref(crate::RefValue::Null(_))));
                    state
                        .tables
                        .push(TableState::from_slots(name.clone(), slots));
                }
                _ => {}
            }
        }
    }
    exp.final_state = Some(state);
    exp
}

/// An engine's observation held against the spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum SpecVerdict {
    /// Everything the engine did is allowed by the spec.
    Conforms,
    /// The engine did something the spec does not allow.
    Deviates {
        /// The first step where it did.
        step: StepId,
        /// What the spec allows there.
        expected: String,
        /// What the engine did.
        got: String,
    },
    /// Judged up to a step, then no more: why (exhaustion, a failed grow, a limit).
    Inconclusive {
        /// The step.
        step: StepId,
        /// Why.
        why: String,
    },
    /// The engine does not implement the module's proposals.
    Unsupported,
}

/// One engine's verdict against the spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineVerdict {
    /// The engine.
    pub engine: String,
    /// Its verdict.
    pub verdict: SpecVerdict,
}

/// Every engine judged against one expectation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpecJudgement {
    /// What the spec allows.
    pub expectation: Expectation,
    /// Each engine's verdict, in observation order.
    pub engines: Vec<EngineVerdict>,
}

impl SpecJudgement {
    /// Judges every observation.
    pub fn new(expectation: Expectation, observations: &[Observation]) -> SpecJudgement {
        let engines = observations
            .iter()
            .map(|o| EngineVerdict {
                engine: o.engine.clone(),
                verdict: judge(&expectation, o),
            })
            .collect();
        SpecJudgement {
            expectation,
            engines,
        }
    }

    /// The engines that deviate from the spec.
    pub fn deviating(&self) -> Vec<&EngineVerdict> {
        self.engines
            .iter()
            .filter(|e| matches!(e.verdict, SpecVerdict::Deviates { .. }))
            .collect()
    }
}

fn show(values: &[Value]) -> String {
    let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", v.join(", "))
}

fn show_allowed(values: &[Allowed]) -> String {
    let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// Whether a float argument that an engine's host saw only approximately
/// ([`HostCall::inexact`]) may be one `allowed` allows: any NaN for a NaN (its sign, payload
/// and class may be lost on the way), a number within the rounding of six decimals.
fn near(allowed: &Allowed, got: &Value) -> bool {
    let close = |a: f64, b: f64| {
        a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-6 + 1e-9 * a.abs().max(b.abs())
    };
    match (allowed, got) {
        (Allowed::Nan { .. }, Value::F32(v)) => f32::from_bits(*v).is_nan(),
        (Allowed::Nan { .. }, Value::F64(v)) => f64::from_bits(*v).is_nan(),
        (
            Allowed::Exact {
                value: Value::F32(a),
            },
            Value::F32(b),
        ) => close(f64::from(f32::from_bits(*a)), f64::from(f32::from_bits(*b))),
        (
            Allowed::Exact {
                value: Value::F64(a),
            },
            Value::F64(b),
        ) => close(f64::from_bits(*a), f64::from_bits(*b)),
        _ => false,
    }
}

fn host_calls_allowed(want: &ExpectedStep, got: &[HostCall]) -> bool {
    let ctx = crate::CompareContext::default();
    let expected = &want.host_calls;
    // From the first call on an open path, any calls are allowed.
    let open_from = want
        .host_args
        .iter()
        .position(Option::is_none)
        .unwrap_or(expected.len());
    if open_from == expected.len() && expected.len() != got.len() {
        return false;
    }
    if got.len() < open_from {
        return false;
    }
    expected[..open_from]
        .iter()
        .zip(got)
        .enumerate()
        .all(|(i, (e, g))| {
            e.func == g.func
                && e.args.len() == g.args.len()
                && match want.host_args.get(i).and_then(Option::as_ref) {
                    Some(allowed) => allowed
                        .iter()
                        .zip(&g.args)
                        .all(|(a, v)| a.contains(v) || (g.inexact && near(a, v))),
                    None => {
                        e.args.iter().zip(&g.args).all(|(a, b)| {
                            values_agree(a, b, &ctx) != crate::judge::Agreement::Differ
                        })
                    }
                }
        })
}

/// Holds an engine's observation against the expectation.
pub fn judge(expectation: &Expectation, observation: &Observation) -> SpecVerdict {
    use SpecVerdict::*;
    let got_instance = &observation.instantiation.outcome;
    let deviates = |step, expected: String, got: String| Deviates {
        step,
        expected,
        got,
    };
    // Instantiation.
    match (got_instance, &expectation.instantiation) {
        (InstanceOutcome::Unsupported { .. }, _) => return Unsupported,
        (InstanceOutcome::Crash { message }, _) => {
            return deviates(
                StepId::Instantiate,
                "no crash".into(),
                format!("crash: {message}"),
            );
        }
        (InstanceOutcome::Exhaustion { .. } | InstanceOutcome::Timeout { .. }, _) => {
            return Inconclusive {
                step: StepId::Instantiate,
                why: crate::judge::render_instance(got_instance),
            };
        }
        (_, ExpectedInstance::Unknown { why }) => {
            return Inconclusive {
                step: StepId::Instantiate,
                why: why.clone(),
            };
        }
        (InstanceOutcome::Instantiated, ExpectedInstance::Instantiated) => {}
        (InstanceOutcome::Rejected { .. }, ExpectedInstance::Rejected { .. })
        | (InstanceOutcome::Unlinkable { .. }, ExpectedInstance::Unlinkable { .. }) => {
            return Conforms;
        }
        (InstanceOutcome::Trap { kind, .. }, ExpectedInstance::Trap { kind: want })
            if kind.agrees_with(want) =>
        {
            return Conforms;
        }
        // It trapped while instantiating where the spec says it must, with a message that
        // names no trap (V8's for a start function's `call_indirect` or `trunc`), as for
        // an invocation below.
        (
            InstanceOutcome::Trap {
                kind: crate::TrapKind::Other(m),
                ..
            },
            ExpectedInstance::Trap { .. },
        ) => {
            return Inconclusive {
                step: StepId::Instantiate,
                why: format!(
                    "trapped during instantiation, but the engine's message does not say \
                     which trap: {m}"
                ),
            };
        }
        (got, want) => {
            let want = match want {
                ExpectedInstance::Instantiated => "instantiated".to_string(),
                ExpectedInstance::Rejected { reason } => format!("rejected ({reason})"),
                ExpectedInstance::Unlinkable { reason } => format!("unlinkable ({reason})"),
                ExpectedInstance::Trap { kind } => format!("trap during instantiation: {kind}"),
                ExpectedInstance::Unknown { why } => why.clone(),
            };
            return deviates(
                StepId::Instantiate,
                want,
                crate::judge::render_instance(got),
            );
        }
    }
    // Invocations.
    for (k, want) in expectation.invocations.iter().enumerate() {
        let step = StepId::Invoke(k);
        let Some(got) = observation.invocations.get(k) else {
            return Inconclusive {
                step,
                why: "the engine reported nothing for this step".into(),
            };
        };
        if let Some(r) = got.resources.iter().find(|r| !r.granted) {
            return Inconclusive {
                step,
                why: format!(
                    "a grow from {} to {} failed, which the spec allows",
                    r.from, r.to
                ),
            };
        }
        match (&got.outcome, &want.outcome) {
            (Outcome::Crash { message }, _) => {
                return deviates(step, "no crash".into(), format!("crash: {message}"));
            }
            (Outcome::Exhaustion { .. } | Outcome::Timeout { .. }, _) => {
                return Inconclusive {
                    step,
                    why: crate::judge::render_outcome(&got.outcome).join("; "),
                };
            }
            (_, ExpectedOutcome::Unknown { why }) => {
                return Inconclusive {
                    step,
                    why: why.clone(),
                };
            }
            (Outcome::Return { values }, ExpectedOutcome::Return { values: allowed })
                if values.len() == allowed.len()
                    && allowed.iter().zip(values).all(|(a, v)| a.contains(v)) => {}
            (Outcome::Trap { kind, .. }, ExpectedOutcome::Trap { kind: w })
                if kind.agrees_with(w) => {}
            // It trapped where the spec says it must, with a message that names no trap
            // (V8 says "float unrepresentable in integer range" for two of them).
            (
                Outcome::Trap {
                    kind: crate::TrapKind::Other(m),
                    ..
                },
                ExpectedOutcome::Trap { .. },
            ) => {
                return Inconclusive {
                    step,
                    why: format!("trapped, but the engine's message does not say which trap: {m}"),
                };
            }
            (got_o, want_o) => {
                let want_s = match want_o {
                    ExpectedOutcome::Return { values } => {
                        format!("returns {}", show_allowed(values))
                    }
                    ExpectedOutcome::Trap { kind } => format!("trap: {kind}"),
                    ExpectedOutcome::Unknown { why } => why.clone(),
                };
                let got_s = match got_o {
                    Outcome::Return { values } => format!("returned {}", show(values)),
                    other => crate::judge::render_outcome(other).join("; "),
                };
                return deviates(step, want_s, got_s);
            }
        }
        if !host_calls_allowed(want, &got.host_calls) {
            let calls = |c: &[HostCall]| {
                c.iter()
                    .map(|h| format!("{}{}", h.func, show(&h.args)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return deviates(
                step,
                format!("host calls [{}]", calls(&want.host_calls)),
                format!("host calls [{}]", calls(&got.host_calls)),
            );
        }
    }
    if expectation.invocations.len() < observation.invocations.len() {
        return Inconclusive {
            step: StepId::Invoke(expectation.invocations.len()),
            why: "the oracle stopped at its own limit".into(),
        };
    }
    // Final state.
    let (Some(want), Some(got)) = (&expectation.final_state, &observation.final_state) else {
        return Conforms;
    };
    judge_state(want, got).map_or(Conforms, |(e, g)| deviates(StepId::FinalState, e, g))
}

/// The first difference between the expected and the observed final state, if any.
fn judge_state(want: &ExpectedState, got: &crate::FinalState) -> Option<(String, String)> {
    for (name, allowed) in &want.globals {
        match got.globals.iter().find(|g| &g.name == name) {
            Some(g) if allowed.contains(&g.value) => {}
            Some(g) => {
                return Some((
                    format!("global `{name}` = {allowed}"),
                    format!("global `{name}` = {}", g.value),
                ));
            }
            None if got.unobserved.contains(name) => {}
            None => {
                return Some((
                    format!("global `{name}` exported"),
                    format!("no global `{name}`"),
                ));
            }
        }
    }
    for m in &want.memories {
        let Some(gm) = got.memories.iter().find(|g| g.name == m.name) else {
            if got.unobserved.contains(&m.name) {
                continue;
            }
            return Some((
                format!("memory `{}` exported", m.name),
                format!("no memory `{}`", m.name),
            ));
        };
        if gm.size != m.size {
            return Some((
                format!("memory `{}` of {} bytes", m.name, m.size),
                format!("{} bytes", gm.size),
            ));
        }
        let open = |i: usize| {
            m.open
                .iter()
                .any(|(a, b)| (*a as usize) <= i && i < (*b as usize))
        };
        match &gm.contents {
            Some(bytes) => {
                if let Some(i) = (0..m.bytes.len()).find(|&i| m.bytes[i] != bytes[i] && !open(i)) {
                    let window = |b: &[u8]| {
                        let from = i - i % 16;
                        let to = (from + 16).min(b.len());
                        b[from..to]
                            .iter()
                            .map(|x| format!("{x:02x}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    return Some((
                        format!(
                            "memory `{}` byte {i} (0x{i:x}) = 0x{:02x}: {}",
                            m.name,
                            m.bytes[i],
                            window(&m.bytes)
                        ),
                        format!("0x{:02x}: {}", bytes[i], window(bytes)),
                    ));
                }
            }
            None if m.open.is_empty() => {
                let want_hash = crate::judge::sha256_hex(&m.bytes);
                if want_hash != gm.sha256 {
                    return Some((
                        format!("memory `{}` sha256 {want_hash}", m.name),
                        format!("sha256 {}", gm.sha256),
                    ));
                }
            }
            None => {}
        }
    }
    for t in &want.tables {
        match got.tables.iter().find(|g| g.name == t.name) {
            Some(g) if g == t => {}
            Some(g) => {
                return Some((
                    format!(
                        "table `{}`: {} slots, non-null {:?}",
                        t.name, t.size, t.non_null
                    ),
                    format!("{} slots, non-null {:?}", g.size, g.non_null),
                ));
            }
            None if got.unobserved.contains(&t.name) => {}
            None => {
                return Some((
                    format!("table `{}` exported", t.name),
                    format!("no table `{}`", t.name),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FinalState, Invocation, Step, Timings};

    fn expectation(wat: &str, calls: &[&str]) -> Expectation {
        let module = wat::parse_str(wat).expect("test module");
        let plan = Plan::new(
            calls
                .iter()
                .map(|c| Invocation {
                    export: c.to_string(),
                    args: vec![],
                })
                .collect(),
        );
        expect(&module, &plan, 1_000_000)
    }

    /// One step that trapped with `kind`.
    fn trapped(kind: crate::TrapKind) -> Observation {
        observed(vec![Outcome::Trap {
            kind,
            message: String::new(),
        }])
    }

    fn observed(outcomes: Vec<Outcome>) -> Observation {
        Observation {
            engine: "e".into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: outcomes.into_iter().map(Step::bare).collect(),
            final_state: Some(FinalState::default()),
            timings: Timings::default(),
        }
    }

    fn verdict(wat: &str, got: Value) -> SpecVerdict {
        let e = expectation(wat, &["f"]);
        judge(&e, &observed(vec![Outcome::Return { values: vec![got] }]))
    }

    fn func(ty: &str, body: &str) -> String {
        format!("(module (func (export \"f\") (result {ty}) {body}))")
    }

    /// An address or a branch computed from a NaN's open payload: whether the step traps
    /// is open too, so a trap and a return are both allowed (found by a campaign, where
    /// Cranelift and wasmi trapped and Pulley did not).
    #[test]
    fn a_trap_chosen_by_open_nan_bits_is_not_expected() {
        let wat = r#"(module (memory 1)
          (func (export "f") (result i32)
            f32.const nan:0x200001 f32.ceil i32.reinterpret_f32 i32.const 0xffff i32.and
            i32.load offset=65532)
          (func (export "g") (result i32)
            v128.const f32x4 nan:0x200001 0 0 0 f32x4.trunc i16x8.extract_lane_u 0
            if (result i32) unreachable else i32.const 5 end)
          (func (export "h") (result i32)
            v128.const f32x4 nan:0x200001 0 0 0 f32x4.trunc i16x8.extract_lane_u 0
            if (result i32) i32.const 5 else unreachable end)
          )"#;
        // `h` is `g` with the arms swapped: the oracle's own choice of the bits returns,
        // another traps; the step is open either way.
        for f in ["f", "g", "h"] {
            let e = expectation(wat, &[f]);
            assert!(
                matches!(e.invocations[0].outcome, ExpectedOutcome::Unknown { .. }),
                "{f}: {:?}",
                e.invocations[0].outcome
            );
            let trapped = trapped(crate::TrapKind::OutOfBoundsMemoryAccess);
            assert!(!matches!(judge(&e, &trapped), SpecVerdict::Deviates { .. }));
        }
    }

    /// A truncation or a division whose operand has bits the spec leaves open may trap or
    /// not, whichever bits the oracle computed with (found by a campaign: Cranelift, Pulley
    /// and wasmi trapped with "integer overflow" on `i64.trunc_f32_u` of a lane whose bits
    /// came from a NaN's open sign, the oracle returned).
    #[test]
    fn a_trap_that_open_bits_decide_is_not_expected_either_way() {
        // The sign of sqrt(-1)'s canonical NaN, open, as a bit; then as ±1.0.
        let sign = "(i32.shr_u (i32.reinterpret_f32 (f32.sqrt (f32.const -1))) (i32.const 31))";
        let one = format!(
            "(f32.reinterpret_i32 (i32.or (i32.shl {sign} (i32.const 31)) (i32.const 0x3f800000)))"
        );
        let wat = format!(
            r#"(module
              (func (export "trunc") (result i64) (i64.trunc_f32_u {one}))
              (func (export "div") (result i32) (i32.div_u (i32.const 7) {sign}))
              (func (export "div_s") (result i32)
                (i32.div_s (i32.const 0x80000000) (i32.sub (i32.const 0) {sign})))
              (func (export "rem") (result i32) (i32.rem_s (i32.const 7) {sign}))
              (func (export "sat") (result i64) (i64.trunc_sat_f32_u {one}))
              (func (export "div_by_2") (result i32) (i32.div_s {sign} (i32.const 2))))"#
        );
        for f in ["trunc", "div", "div_s", "rem"] {
            let e = expectation(&wat, &[f]);
            assert!(
                matches!(e.invocations[0].outcome, ExpectedOutcome::Unknown { .. }),
                "{f}: {:?}",
                e.invocations[0].outcome
            );
            let trapped = trapped(crate::TrapKind::IntegerOverflow);
            assert!(!matches!(judge(&e, &trapped), SpecVerdict::Deviates { .. }));
        }
        // What cannot trap stays a return, of a value the spec leaves open.
        for f in ["sat", "div_by_2"] {
            let e = expectation(&wat, &[f]);
            assert!(
                matches!(e.invocations[0].outcome, ExpectedOutcome::Return { .. }),
                "{f}: {:?}",
                e.invocations[0].outcome
            );
            let trapped = trapped(crate::TrapKind::IntegerOverflow);
            assert!(
                matches!(judge(&e, &trapped), SpecVerdict::Deviates { .. }),
                "{f}"
            );
        }
    }

    /// A host call's argument computed from a NaN's open payload may be any of the values
    /// the spec allows (found by a campaign: the three engines agreed, the oracle did not).
    #[test]
    fn host_call_arguments_are_judged_by_what_the_spec_allows() {
        let wat = r#"(module (import "spectest" "print_i32" (func $p (param i32)))
          (func (export "f")
            v128.const i64x2 0xFFFF567FFFFF5909 0xFFFF25ECFFFF1F6F
            f64x2.sqrt i8x16.all_true call $p
            i32.const 7 call $p))"#;
        let e = expectation(wat, &["f"]);
        let with = |first: i32, second: i32| {
            let mut o = observed(vec![Outcome::Return { values: vec![] }]);
            o.invocations[0].host_calls = vec![
                HostCall {
                    func: "print_i32".into(),
                    args: vec![Value::I32(first as u32)],
                    inexact: false,
                },
                HostCall {
                    func: "print_i32".into(),
                    args: vec![Value::I32(second as u32)],
                    inexact: false,
                },
            ];
            judge(&e, &o)
        };
        assert_eq!(with(0, 7), SpecVerdict::Conforms);
        assert_eq!(with(1, 7), SpecVerdict::Conforms);
        assert!(matches!(with(1, 8), SpecVerdict::Deviates { .. }));
    }

    #[test]
    fn a_trap_message_that_names_no_trap_is_not_judged_by_kind() {
        let e = expectation(
            "(module (func (export \"f\") (result i32) f32.const nan i32.trunc_f32_s))",
            &["f"],
        );
        let o = observed(vec![Outcome::Trap {
            kind: crate::TrapKind::Other("float unrepresentable in integer range".into()),
            message: String::new(),
        }]);
        assert!(matches!(judge(&e, &o), SpecVerdict::Inconclusive { .. }));
        let o = observed(vec![Outcome::Return {
            values: vec![Value::I32(0)],
        }]);
        assert!(matches!(judge(&e, &o), SpecVerdict::Deviates { .. }));
    }

    #[test]
    fn a_trap_message_that_names_no_trap_is_not_judged_by_kind_when_instantiating() {
        // The start function traps on a null slot: V8 says "function signature mismatch"
        // for that and for a mismatched type alike.
        let e = expectation(
            "(module (type (func)) (table 1 funcref) \
               (func $s i32.const 0 call_indirect (type 0)) (start $s) \
               (func (export \"f\")))",
            &["f"],
        );
        let trap = |kind| {
            let mut o = observed(vec![]);
            o.instantiation = Step::bare(InstanceOutcome::Trap {
                kind,
                message: String::new(),
            });
            judge(&e, &o)
        };
        let other = crate::TrapKind::Other("function signature mismatch".into());
        assert!(matches!(trap(other), SpecVerdict::Inconclusive { .. }));
        assert_eq!(
            trap(crate::TrapKind::UninitializedElement),
            SpecVerdict::Conforms
        );
        // A trap the engine does name must still be the spec's.
        assert!(matches!(
            trap(crate::TrapKind::Unreachable),
            SpecVerdict::Deviates { .. }
        ));
        let mut o = observed(vec![]);
        o.instantiation = Step::bare(InstanceOutcome::Instantiated);
        assert!(matches!(judge(&e, &o), SpecVerdict::Deviates { .. }));
    }

    const CANON32: u32 = 0x7fc0_0000;
    const ARITH32: u32 = 0x7fc0_1234;
    const SIGNAL32: u32 = 0x7fa0_0000;
    const CANON64: u64 = 0x7ff8_0000_0000_0000;
    const ARITH64: u64 = 0x7ff8_0000_0000_1234;
    const SIGNAL64: u64 = 0x7ff4_0000_0000_0000;

    /// Every arithmetic operation's NaN rule (`$nans_`): canonical operands allow only a
    /// canonical NaN (either sign); an arithmetic operand allows any arithmetic NaN; never a
    /// signalling NaN.
    #[test]
    fn each_nans_rule_accepts_legal_and_rejects_illegal_nans() {
        let f32_ops = [
            "(f32.add (f32.const {a}) (f32.const 1))",
            "(f32.sub (f32.const {a}) (f32.const 1))",
            "(f32.mul (f32.const {a}) (f32.const 2))",
            "(f32.div (f32.const {a}) (f32.const 2))",
            "(f32.sqrt (f32.const {a}))",
            "(f32.min (f32.const {a}) (f32.const 1))",
            "(f32.max (f32.const {a}) (f32.const 1))",
            "(f32.ceil (f32.const {a}))",
            "(f32.floor (f32.const {a}))",
            "(f32.trunc (f32.const {a}))",
            "(f32.nearest (f32.const {a}))",
            "(f32.demote_f64 (f64.const {a}))",
        ];
        for op in f32_ops {
            let canon = func("f32", &op.replace("{a}", "nan"));
            assert_eq!(
                verdict(&canon, Value::F32(CANON32)),
                SpecVerdict::Conforms,
                "{op}"
            );
            assert_eq!(
                verdict(&canon, Value::F32(CANON32 | 1 << 31)),
                SpecVerdict::Conforms,
                "{op}: sign is free"
            );
            assert!(
                matches!(
                    verdict(&canon, Value::F32(ARITH32)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}: canonical required"
            );
            assert!(
                matches!(
                    verdict(&canon, Value::F32(SIGNAL32)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}"
            );
            let arith = func("f32", &op.replace("{a}", "nan:0x200001"));
            assert_eq!(
                verdict(&arith, Value::F32(ARITH32)),
                SpecVerdict::Conforms,
                "{op}"
            );
            assert_eq!(
                verdict(&arith, Value::F32(CANON32)),
                SpecVerdict::Conforms,
                "{op}"
            );
            // A non-arithmetic NaN from arithmetic on an arithmetic NaN input.
            assert!(
                matches!(
                    verdict(&arith, Value::F32(SIGNAL32)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}"
            );
            assert!(
                matches!(
                    verdict(&arith, Value::F32(0x3f80_0000)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}: not a number"
            );
        }
        let f64_ops = [
            "(f64.add (f64.const {a}) (f64.const 1))",
            "(f64.mul (f64.const {a}) (f64.const 2))",
            "(f64.div (f64.const 0) (f64.const {a}))",
            "(f64.sqrt (f64.const {a}))",
            "(f64.min (f64.const 1) (f64.const {a}))",
            "(f64.nearest (f64.const {a}))",
            "(f64.promote_f32 (f32.const {a}))",
        ];
        for op in f64_ops {
            let canon = func("f64", &op.replace("{a}", "nan"));
            assert_eq!(
                verdict(&canon, Value::F64(CANON64 | 1 << 63)),
                SpecVerdict::Conforms,
                "{op}"
            );
            assert!(
                matches!(
                    verdict(&canon, Value::F64(ARITH64)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}"
            );
            let arith = func(
                "f64",
                &op.replace("{a}", "nan:0x4000000000001").replace(
                    "(f32.const nan:0x4000000000001)",
                    "(f32.const nan:0x200001)",
                ),
            );
            assert_eq!(
                verdict(&arith, Value::F64(ARITH64)),
                SpecVerdict::Conforms,
                "{op}"
            );
            assert!(
                matches!(
                    verdict(&arith, Value::F64(SIGNAL64)),
                    SpecVerdict::Deviates { .. }
                ),
                "{op}"
            );
        }
        // 0/0 and sqrt(-1) make a NaN from no NaN: canonical.
        let zero = func("f32", "(f32.div (f32.const 0) (f32.const 0))");
        assert_eq!(
            verdict(&zero, Value::F32(CANON32 | 1 << 31)),
            SpecVerdict::Conforms
        );
        assert!(matches!(
            verdict(&zero, Value::F32(ARITH32)),
            SpecVerdict::Deviates { .. }
        ));
    }

    /// Where the spec is exact, so is the judge: `fneg`, `fabs`, `fcopysign`, reinterpret,
    /// loads and stores keep every bit, signalling payloads included.
    #[test]
    fn exact_operations_allow_exactly_one_value() {
        for (body, want) in [
            ("(f32.neg (f32.const nan:0x1))", 0xff80_0001u32),
            ("(f32.abs (f32.const -nan:0x200000))", 0x7fa0_0000),
            (
                "(f32.copysign (f32.const nan:0x7) (f32.const -1))",
                0xff80_0007,
            ),
            ("(f32.reinterpret_i32 (i32.const 0x7fa00001))", 0x7fa0_0001),
        ] {
            let m = func("f32", body);
            assert_eq!(
                verdict(&m, Value::F32(want)),
                SpecVerdict::Conforms,
                "{body}"
            );
            assert!(
                matches!(
                    verdict(&m, Value::F32(want | 0x0040_0000)),
                    SpecVerdict::Deviates { .. }
                ),
                "{body}: quietened"
            );
        }
        let mem = "(module (memory 1) (func (export \"f\") (result f64) (f64.store (i32.const 8) (f64.const nan:0x4)) (f64.load (i32.const 8))))";
        assert_eq!(
            verdict(mem, Value::F64(0x7ff0_0000_0000_0004)),
            SpecVerdict::Conforms
        );
        assert!(matches!(
            verdict(mem, Value::F64(CANON64)),
            SpecVerdict::Deviates { .. }
        ));
    }

    /// Bits of a NaN whose payload the spec leaves open are themselves open.
    #[test]
    fn reinterpreted_open_nans_allow_any_bits() {
        let m = func(
            "i32",
            "(i32.reinterpret_f32 (f32.add (f32.const nan:0x200001) (f32.const 1)))",
        );
        assert_eq!(verdict(&m, Value::I32(0x7fc0_1234)), SpecVerdict::Conforms);
        assert!(
            matches!(verdict(&m, Value::I64(0)), SpecVerdict::Deviates { .. }),
            "but not another type"
        );
    }

    #[test]
    fn lanes_follow_the_nan_rules() {
        let m = func(
            "v128",
            "(f32x4.add (v128.const f32x4 nan 1 nan:0x200001 2) (v128.const f32x4 1 1 1 1))",
        );
        let lanes = |l: [u32; 4]| {
            Value::V128(
                l.iter()
                    .enumerate()
                    .fold(0u128, |a, (i, x)| a | (*x as u128) << (32 * i)),
            )
        };
        assert_eq!(
            verdict(&m, lanes([CANON32, 0x4000_0000, ARITH32, 0x4040_0000])),
            SpecVerdict::Conforms
        );
        assert!(matches!(
            verdict(&m, lanes([ARITH32, 0x4000_0000, ARITH32, 0x4040_0000])),
            SpecVerdict::Deviates { .. }
        ));
        assert!(matches!(
            verdict(&m, lanes([CANON32, 0x4000_0001, ARITH32, 0x4040_0000])),
            SpecVerdict::Deviates { .. }
        ));
    }

    #[test]
    fn traps_rejections_grows_and_exhaustion() {
        let div =
            "(module (func (export \"f\") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))";
        let e = expectation(div, &["f"]);
        let trap = |k| Outcome::Trap {
            kind: k,
            message: String::new(),
        };
        assert_eq!(
            judge(&e, &observed(vec![trap(TrapKind::IntegerDivideByZero)])),
            SpecVerdict::Conforms
        );
        assert!(matches!(
            judge(&e, &observed(vec![trap(TrapKind::IntegerOverflow)])),
            SpecVerdict::Deviates { .. }
        ));
        assert!(matches!(
            judge(
                &e,
                &observed(vec![Outcome::Exhaustion {
                    message: String::new()
                }])
            ),
            SpecVerdict::Inconclusive { .. }
        ));
        // An invalid module: rejecting conforms, accepting deviates.
        let invalid = expectation("(module (func (result i32) (i64.const 0)))", &[]);
        let mut rejected = observed(vec![]);
        rejected.instantiation = Step::bare(InstanceOutcome::Rejected {
            message: "no".into(),
        });
        assert_eq!(judge(&invalid, &rejected), SpecVerdict::Conforms);
        assert!(matches!(
            judge(&invalid, &observed(vec![])),
            SpecVerdict::Deviates {
                step: StepId::Instantiate,
                ..
            }
        ));
        // A failed grow makes the rest inconclusive.
        let grow = expectation(
            "(module (memory 1) (func (export \"f\") (result i32) (memory.grow (i32.const 1))))",
            &["f"],
        );
        let mut o = observed(vec![Outcome::Return {
            values: vec![Value::I32(u32::MAX)],
        }]);
        o.invocations[0].resources.push(crate::ResourceEvent {
            kind: crate::ResourceKind::Memory,
            from: 65536,
            to: 131072,
            granted: false,
        });
        assert!(matches!(judge(&grow, &o), SpecVerdict::Inconclusive { .. }));
    }

    #[test]
    fn final_state_and_host_calls_are_judged() {
        let m = "(module (import \"spectest\" \"print_i32\" (func $p (param i32))) (memory (export \"m\") 1) (global (export \"g\") (mut i32) (i32.const 0))
                  (func (export \"f\") (call $p (i32.const 5)) (global.set 0 (i32.const 9)) (i32.store8 (i32.const 3) (i32.const 7))))";
        let e = expectation(m, &["f"]);
        let mut o = observed(vec![Outcome::Return { values: vec![] }]);
        o.invocations[0].host_calls.push(HostCall {
            func: "print_i32".into(),
            args: vec![Value::I32(5)],
            inexact: false,
        });
        let mut bytes = vec![0u8; 65536];
        bytes[3] = 7;
        o.final_state = Some(FinalState {
            globals: vec![crate::GlobalState {
                name: "g".into(),
                value: Value::I32(9),
            }],
            memories: vec![crate::MemoryState {
                name: "m".into(),
                size: 65536,
                sha256: crate::judge::sha256_hex(&bytes),
                contents: Some(std::sync::Arc::new(bytes.clone())),
            }],
            tables: vec![],
            unobserved: vec![],
        });
        assert_eq!(judge(&e, &o), SpecVerdict::Conforms);
        // What the runner says it cannot read is not judged; what it leaves out silently is.
        let mut blind = o.clone();
        let state = blind.final_state.as_mut().unwrap();
        state.memories.clear();
        assert!(matches!(judge(&e, &blind), SpecVerdict::Deviates { .. }));
        blind.final_state.as_mut().unwrap().unobserved = vec!["m".into()];
        assert_eq!(judge(&e, &blind), SpecVerdict::Conforms);
        let mut wrong = o.clone();
        bytes[3] = 8;
        wrong.final_state.as_mut().unwrap().memories[0].contents = Some(std::sync::Arc::new(bytes));
        match judge(&e, &wrong) {
            SpecVerdict::Deviates {
                step: StepId::FinalState,
                expected,
                ..
            } => assert!(expected.contains("byte 3"), "{expected}"),
            other => panic!("{other:?}"),
        }
        let mut calls = o.clone();
        calls.invocations[0].host_calls[0].args[0] = Value::I32(6);
        assert!(matches!(judge(&e, &calls), SpecVerdict::Deviates { .. }));
    }

    /// Cases of one script share `spectest`: a case that grows its memory or fills its
    /// table changes what the next one meets (a generated suite once expected the trap of
    /// a fresh `spectest` after such a case, and every engine returned).
    #[test]
    fn a_case_that_changes_spectest_is_told_apart() {
        let grow = wat::parse_str(
            r#"(module (import "spectest" "memory" (memory 1 2))
                 (func (export "g") (drop (memory.grow (i32.const 1)))))"#,
        )
        .unwrap();
        let fill = wat::parse_str(
            r#"(module (import "spectest" "table" (table 10 funcref))
                 (func $f) (elem (i32.const 0) $f) (func (export "g")))"#,
        )
        .unwrap();
        let read = wat::parse_str(
            r#"(module (import "spectest" "memory" (memory 1 2))
                 (import "spectest" "table" (table 10 funcref))
                 (func (export "size") (result i32) (memory.size))
                 (func (export "call") (call_indirect (i32.const 0))))"#,
        )
        .unwrap();
        let plan = |names: &[&str]| {
            Plan::new(
                names
                    .iter()
                    .map(|n| Invocation {
                        export: n.to_string(),
                        args: vec![],
                    })
                    .collect(),
            )
        };
        let run = |m: &[u8], names: &[&str]| expect_within_shared(m, &plan(names), 1_000_000, None);
        assert!(!run(&grow, &["g"]).1);
        assert!(!run(&fill, &["g"]).1);
        // Reading leaves it as it was, and meets a fresh one: a page, a null slot.
        let (e, untouched) = run(&read, &["size", "call"]);
        assert!(untouched);
        assert_eq!(
            e.invocations[0].outcome,
            ExpectedOutcome::Return {
                values: vec![Allowed::Exact {
                    value: Value::I32(1)
                }]
            }
        );
        assert!(matches!(
            e.invocations[1].outcome,
            ExpectedOutcome::Trap {
                kind: crate::TrapKind::UninitializedElement
            }
        ));
    }

    /// WABT prints host-call floats with six decimals, wasm3's Python host quiets a
    /// signalling NaN: such calls are judged as near, and only such calls.
    #[test]
    fn inexact_host_call_floats_are_judged_as_near() {
        let m = "(module (import \"spectest\" \"print_f32\" (func $p (param f32)))
                  (import \"spectest\" \"print_f64\" (func $q (param f64)))
                  (func (export \"f\") (call $p (f32.const 0.1)) (call $q (f64.const 1e300))
                    (call $p (f32.const nan:0x200001))))";
        let e = expectation(m, &["f"]);
        let judged = |args: [Value; 3], inexact: bool| {
            let mut o = observed(vec![Outcome::Return { values: vec![] }]);
            for (func, a) in ["print_f32", "print_f64", "print_f32"]
                .into_iter()
                .zip(args)
            {
                o.invocations[0].host_calls.push(HostCall {
                    func: func.into(),
                    args: vec![a],
                    inexact,
                });
            }
            judge(&e, &o)
        };
        let exact = [
            Value::F32(0.1f32.to_bits()),
            Value::F64(1e300f64.to_bits()),
            Value::F32(0x7fa0_0001),
        ];
        assert_eq!(judged(exact, false), SpecVerdict::Conforms);
        // "0.100000" read back, 1e300 printed in full and read back a little off, the
        // NaN quieted.
        let seen = [
            Value::F32("0.100000".parse::<f32>().unwrap().to_bits() + 1),
            Value::F64(1e300f64.to_bits() + 1),
            Value::F32(0x7fe0_0001),
        ];
        assert_eq!(judged(seen, true), SpecVerdict::Conforms);
        assert!(matches!(judged(seen, false), SpecVerdict::Deviates { .. }));
        // Near is not anything: another number, or a number for a NaN, still deviates.
        let mut wrong = seen;
        wrong[0] = Value::F32(0.2f32.to_bits());
        assert!(matches!(judged(wrong, true), SpecVerdict::Deviates { .. }));
        let mut wrong = seen;
        wrong[2] = Value::F32(1.0f32.to_bits());
        assert!(matches!(judged(wrong, true), SpecVerdict::Deviates { .. }));
    }
}
