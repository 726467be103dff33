//! Judging observations.
//!
//! Until the reference interpreter computes expectations, engines are compared with one
//! another ([`compare`]), under the spec's nondeterminism:
//!
//! - a NaN result matches another NaN of the same spec class: a signalling NaN (one no
//!   arithmetic can produce) only matches its exact bits, arithmetic NaNs match each other
//!   with any sign and payload; a canonical NaN against a non-canonical arithmetic one is
//!   allowed only when an operand NaN was non-canonical, which a comparison between engines
//!   cannot see, so it is accepted with a note (the reference interpreter decides it);
//! - call-stack exhaustion or a limit running out in one engine makes that engine's later
//!   steps of the instance inconclusive;
//! - a grow that fails in one engine and succeeds in another is a resource difference, not
//!   a divergence, and the engine whose grow failed is compared no further;
//! - a module that uses relaxed SIMD may legally produce different values: value differences
//!   are inconclusive there.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::observation::{
    FinalState, HostCall, InstanceOutcome, MemoryState, Observation, Outcome, ResourceEvent, Step,
};
use crate::plan::Plan;
use crate::value::{NanClass, Value};

/// The version of the comparison format (part of `harness diff --json`).
pub const COMPARISON_VERSION: u32 = 1;

/// What the comparison knows about the module beyond the observations.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompareContext {
    /// The module uses relaxed SIMD, whose results are implementation-defined.
    pub relaxed_simd: bool,
}

/// A step of a plan: instantiation, one invocation, or reading the final state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", content = "index", rename_all = "kebab-case")]
pub enum StepId {
    /// Instantiation against the standard host.
    Instantiate,
    /// The invocation at this index of the plan.
    Invoke(usize),
    /// The exported state after the last invocation.
    FinalState,
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepId::Instantiate => f.write_str("instantiate"),
            StepId::Invoke(i) => write!(f, "invoke #{}", i + 1),
            StepId::FinalState => f.write_str("final state"),
        }
    }
}

/// How the engines compared at one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Every compared engine did the same (legal differences aside).
    Agree,
    /// Engines did different things.
    Diverge,
    /// Engines differ because a grow failed in some of them: not a bug.
    Resource,
    /// Nothing could be compared here (fewer than two engines left, or only legal
    /// nondeterminism such as exhaustion).
    Inconclusive,
}

/// Engines that did the same thing at a step, and that thing rendered for people.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    /// The engines, by name.
    pub engines: Vec<String>,
    /// What they did, one line per item (a result, a host call, a piece of state).
    pub lines: Vec<String>,
}

/// One step's comparison.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepReport {
    /// Which step.
    pub step: StepId,
    /// The overall status.
    pub status: StepStatus,
    /// The groups of engines that agree with each other (one group when all agree).
    pub groups: Vec<Group>,
    /// Engines not compared at this step and why (exhaustion, timeout, earlier events).
    pub inconclusive: Vec<EngineNote>,
    /// Engines whose process crashed at this step.
    pub crashed: Vec<EngineNote>,
    /// Legal differences worth knowing about (NaN payloads, failed grows, ...).
    pub notes: Vec<String>,
}

/// A remark about one engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineNote {
    /// The engine.
    pub engine: String,
    /// The remark.
    pub note: String,
}

/// The overall result of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// All engines agree, legal nondeterminism included.
    Agree,
    /// Every engine that supports the module rejects it, as the spec requires of an invalid
    /// or malformed module: they agree.
    AllReject,
    /// At least one engine diverges from the others, or crashed.
    Diverge,
    /// No engine supports the module's proposals: nothing was compared.
    NothingCompared,
}

/// The comparison of several engines' observations of one module and plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    /// Format version, [`COMPARISON_VERSION`].
    pub version: u32,
    /// The overall result.
    pub verdict: Verdict,
    /// The first step at which engines diverge or one crashed.
    pub first_divergence: Option<StepId>,
    /// Engines that deviate: those outside the largest group at a divergent step, and those
    /// that crashed. (Until the oracle judges, this is the odd one out, not a proof.)
    pub deviating: Vec<String>,
    /// Engines that do not support the module's proposals, with the missing proposals.
    pub unsupported: Vec<EngineNote>,
    /// Every step, in order.
    pub steps: Vec<StepReport>,
}

/// Whether two things engines produced agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Identical.
    Same,
    /// Different, in a way the spec allows; the note says how.
    Legal(String),
    /// Different, and no reading of the spec at this level allows it.
    Differ,
    /// Different, but this comparison cannot tell whether that is legal.
    Unknown(String),
}

impl Agreement {
    fn and(self, other: Agreement) -> Agreement {
        use Agreement::*;
        match (self, other) {
            (Differ, _) | (_, Differ) => Differ,
            (Unknown(a), _) | (_, Unknown(a)) => Unknown(a),
            (Legal(a), _) | (_, Legal(a)) => Legal(a),
            (Same, Same) => Same,
        }
    }
}

fn nans_agree(a: Option<NanClass>, b: Option<NanClass>, what: &str) -> Agreement {
    use NanClass::*;
    match (a, b) {
        (Some(Signalling), _) | (_, Some(Signalling)) | (None, _) | (_, None) => Agreement::Differ,
        (Some(Canonical), Some(Canonical)) => Agreement::Legal(format!(
            "{what}: canonical NaNs differ only in sign, which the spec leaves free"
        )),
        (Some(Arithmetic), Some(Arithmetic)) => Agreement::Legal(format!(
            "{what}: arithmetic NaNs with different sign or payload, which the spec allows"
        )),
        _ => Agreement::Legal(format!(
            "{what}: a canonical and a non-canonical arithmetic NaN; legal only if an operand NaN was non-canonical (the reference interpreter decides)"
        )),
    }
}

/// Whether two values agree under the spec's nondeterminism (see the module docs).
pub fn values_agree(a: &Value, b: &Value, ctx: &CompareContext) -> Agreement {
    if a == b {
        return Agreement::Same;
    }
    let verdict = match (a, b) {
        (Value::F32(x), Value::F32(y)) => {
            nans_agree(NanClass::of_f32(*x), NanClass::of_f32(*y), "f32")
        }
        (Value::F64(x), Value::F64(y)) => {
            nans_agree(NanClass::of_f64(*x), NanClass::of_f64(*y), "f64")
        }
        (Value::V128(x), Value::V128(y)) => {
            let lanes = |n: u32, width: u32, f: &dyn Fn(u128) -> Option<NanClass>| {
                let mask = (1u128 << width) - 1;
                let mut all = Agreement::Same;
                for i in 0..n {
                    let (l, r) = ((x >> (width * i)) & mask, (y >> (width * i)) & mask);
                    if l != r {
                        all = all.and(nans_agree(
                            f(l),
                            f(r),
                            &format!(
                                "v128 lane {i} as {}x{n}",
                                if width == 32 { "f32" } else { "f64" }
                            ),
                        ));
                    }
                }
                all
            };
            match lanes(4, 32, &|l| NanClass::of_f32(l as u32)) {
                Agreement::Differ => lanes(2, 64, &|l| NanClass::of_f64(l as u64)),
                ok => ok,
            }
        }
        _ => Agreement::Differ,
    };
    match verdict {
        Agreement::Differ if ctx.relaxed_simd && a.ty() == b.ty() => Agreement::Unknown(
            "the module uses relaxed SIMD, whose results may legally differ between engines".into(),
        ),
        v => v,
    }
}

fn value_lists_agree(a: &[Value], b: &[Value], ctx: &CompareContext) -> Agreement {
    if a.len() != b.len() {
        return Agreement::Differ;
    }
    a.iter().zip(b).fold(Agreement::Same, |acc, (x, y)| {
        acc.and(values_agree(x, y, ctx))
    })
}

fn host_calls_agree(a: &[HostCall], b: &[HostCall], ctx: &CompareContext) -> Agreement {
    if a.len() != b.len() {
        return Agreement::Differ;
    }
    a.iter().zip(b).fold(Agreement::Same, |acc, (x, y)| {
        if x.func != y.func {
            Agreement::Differ
        } else {
            acc.and(value_lists_agree(&x.args, &y.args, ctx))
        }
    })
}

fn outcomes_agree(a: &Outcome, b: &Outcome, ctx: &CompareContext) -> Agreement {
    match (a, b) {
        (Outcome::Return { values: x }, Outcome::Return { values: y }) => {
            value_lists_agree(x, y, ctx)
        }
        (Outcome::Trap { kind: x, .. }, Outcome::Trap { kind: y, .. }) if x.agrees_with(y) => {
            if x == y {
                Agreement::Same
            } else {
                Agreement::Legal(format!("traps `{x}` and `{y}` name one condition"))
            }
        }
        (Outcome::Error { .. }, Outcome::Error { .. }) => Agreement::Same,
        _ => Agreement::Differ,
    }
}

fn instances_agree(a: &InstanceOutcome, b: &InstanceOutcome) -> Agreement {
    use InstanceOutcome::*;
    match (a, b) {
        (Instantiated, Instantiated)
        | (Rejected { .. }, Rejected { .. })
        | (Unlinkable { .. }, Unlinkable { .. }) => Agreement::Same,
        (Trap { kind: x, .. }, Trap { kind: y, .. }) if x.agrees_with(y) => Agreement::Same,
        _ => Agreement::Differ,
    }
}

/// Renders an invocation outcome, one line per item.
pub fn render_outcome(o: &Outcome) -> Vec<String> {
    match o {
        Outcome::Return { values } if values.is_empty() => vec!["returned nothing".into()],
        Outcome::Return { values } => values.iter().map(|v| format!("returned {v}")).collect(),
        Outcome::Trap { kind, .. } => vec![format!("trap: {kind}")],
        Outcome::Exhaustion { .. } => vec!["call stack exhausted".into()],
        Outcome::Timeout { message } => vec![format!("timeout: {message}")],
        Outcome::Crash { message } => vec![format!("CRASH: {message}")],
        Outcome::Error { message } => vec![format!("not called: {message}")],
    }
}

/// Renders an instantiation outcome in one line.
pub fn render_instance(o: &InstanceOutcome) -> String {
    match o {
        InstanceOutcome::Instantiated => "instantiated".into(),
        InstanceOutcome::Unsupported { proposals, message } => {
            let p: Vec<_> = proposals.iter().map(|p| p.name()).collect();
            format!("unsupported ({}): {message}", p.join(", "))
        }
        InstanceOutcome::Rejected { message } => format!("rejected: {message}"),
        InstanceOutcome::Unlinkable { message } => format!("unlinkable: {message}"),
        InstanceOutcome::Trap { kind, .. } => format!("trap during instantiation: {kind}"),
        InstanceOutcome::Exhaustion { .. } => "call stack exhausted during instantiation".into(),
        InstanceOutcome::Timeout { message } => format!("timeout during instantiation: {message}"),
        InstanceOutcome::Crash { message } => format!("CRASH during instantiation: {message}"),
    }
}

fn render_step_extras<O>(step: &Step<O>, lines: &mut Vec<String>) {
    for c in &step.host_calls {
        let args: Vec<String> = c.args.iter().map(|v| v.to_string()).collect();
        lines.push(format!(
            "host call spectest.{}({})",
            c.func,
            args.join(", ")
        ));
    }
    for r in &step.resources {
        lines.push(format!(
            "{:?} grow {} -> {}: {}",
            r.kind,
            r.from,
            r.to,
            if r.granted { "granted" } else { "failed" }
        ));
    }
}

/// The first index at which two engines' grow requests were answered differently, if any;
/// the flag says whether `a` is the one whose grow failed.
fn resource_split(a: &[ResourceEvent], b: &[ResourceEvent]) -> Option<bool> {
    a.iter()
        .zip(b)
        .find(|(x, y)| x.granted != y.granted)
        .map(|(x, _)| !x.granted)
}

/// An engine taking part in the comparison of a step: its index among the observations,
/// its name, and what it did.
type Entry<'a, T> = (usize, &'a str, &'a T);

/// Engines grouped by agreement, with the legal differences and the undecidable ones seen.
struct Grouping {
    /// Groups of indices into the entries; the first member represents the group.
    groups: Vec<Vec<usize>>,
    /// Legal differences.
    notes: Vec<String>,
    /// Differences this comparison cannot judge.
    unknown: Vec<String>,
}

fn group_by<T>(entries: &[Entry<'_, T>], agree: impl Fn(&T, &T) -> Agreement) -> Grouping {
    let mut g = Grouping {
        groups: Vec::new(),
        notes: Vec::new(),
        unknown: Vec::new(),
    };
    for (i, (_, engine, item)) in entries.iter().enumerate() {
        let home = g.groups.iter().position(|members| {
            let (_, rep_engine, rep) = entries[members[0]];
            match agree(rep, item) {
                Agreement::Same => true,
                Agreement::Legal(n) => {
                    g.notes.push(format!("{rep_engine} vs {engine}: {n}"));
                    true
                }
                Agreement::Unknown(n) => {
                    g.unknown.push(format!("{rep_engine} vs {engine}: {n}"));
                    true
                }
                Agreement::Differ => false,
            }
        });
        match home {
            Some(h) => g.groups[h].push(i),
            None => g.groups.push(vec![i]),
        }
    }
    g
}

/// A step's status from its grouping: split groups diverge unless a failed grow or an
/// undecidable difference explains them; fewer than two engines compare nothing.
fn status_of(grouping: &Grouping, compared: usize, resource_split: bool) -> StepStatus {
    if grouping.groups.len() > 1 {
        if resource_split {
            StepStatus::Resource
        } else if !grouping.unknown.is_empty() {
            StepStatus::Inconclusive
        } else {
            StepStatus::Diverge
        }
    } else if compared < 2 {
        StepStatus::Inconclusive
    } else {
        StepStatus::Agree
    }
}

fn crashed(report: &mut StepReport, standing: &mut Standing, engine: &str, note: &str) {
    report.crashed.push(EngineNote {
        engine: engine.to_string(),
        note: note.to_string(),
    });
    *standing = Standing::Out("crashed".into());
}

/// Per-engine state while walking through the steps.
#[derive(Clone, Debug)]
enum Standing {
    /// Still compared.
    Live,
    /// Not compared any more, and why.
    Out(String),
}

/// Compares several engines' observations of one module and plan, step by step.
pub fn compare(observations: &[Observation], plan: &Plan, ctx: &CompareContext) -> Comparison {
    let mut standing: Vec<Standing> = vec![Standing::Live; observations.len()];
    let mut steps = Vec::new();
    let mut unsupported = Vec::new();

    // Unsupported engines never take part.
    for (i, o) in observations.iter().enumerate() {
        if let InstanceOutcome::Unsupported { proposals, .. } = &o.instantiation.outcome {
            let p: Vec<_> = proposals.iter().map(|p| p.name()).collect();
            let note = if p.is_empty() {
                "lacks part of a proposal".into()
            } else {
                format!("lacks {}", p.join(", "))
            };
            unsupported.push(EngineNote {
                engine: o.engine.clone(),
                note,
            });
            standing[i] = Standing::Out("unsupported".into());
        }
    }

    // Instantiation.
    {
        let mut report = new_report(StepId::Instantiate);
        let mut entries = Vec::new();
        for (i, o) in observations.iter().enumerate() {
            if !matches!(standing[i], Standing::Live) {
                continue;
            }
            let step = &o.instantiation;
            match &step.outcome {
                InstanceOutcome::Exhaustion { message } | InstanceOutcome::Timeout { message } => {
                    note_out(&mut report, &mut standing[i], &o.engine, message);
                }
                InstanceOutcome::Crash { message } => {
                    crashed(&mut report, &mut standing[i], &o.engine, message)
                }
                InstanceOutcome::Rejected { message } | InstanceOutcome::Unlinkable { message } => {
                    // Each engine's own reason, since a group shows one line for all.
                    report.notes.push(format!("{}: {message}", o.engine));
                    entries.push((i, o.engine.as_str(), step));
                }
                _ => entries.push((i, o.engine.as_str(), step)),
            }
        }
        let grouping = group_by(&entries, |a, b| {
            instances_agree(&a.outcome, &b.outcome).and(host_calls_agree(
                &a.host_calls,
                &b.host_calls,
                ctx,
            ))
        });
        settle(&mut report, grouping, &entries, &mut standing, |s| {
            let mut lines = vec![match &s.outcome {
                InstanceOutcome::Rejected { .. } => "rejected (invalid or malformed)".to_string(),
                InstanceOutcome::Unlinkable { .. } => "unlinkable".to_string(),
                other => render_instance(other),
            }];
            render_step_extras(s, &mut lines);
            lines
        });
        // Engines that did not instantiate have nothing more to compare.
        for (i, o) in observations.iter().enumerate() {
            if matches!(standing[i], Standing::Live)
                && o.instantiation.outcome != InstanceOutcome::Instantiated
            {
                standing[i] = Standing::Out("not instantiated".into());
            }
        }
        steps.push(report);
    }

    // Invocations.
    for k in 0..plan.invocations.len() {
        let mut report = new_report(StepId::Invoke(k));
        let mut entries = Vec::new();
        for (i, o) in observations.iter().enumerate() {
            if let Standing::Out(why) = &standing[i] {
                note_excluded(&mut report, o, why);
                continue;
            }
            let Some(step) = o.invocations.get(k) else {
                crashed(
                    &mut report,
                    &mut standing[i],
                    &o.engine,
                    "the engine reported nothing for this step",
                );
                continue;
            };
            match &step.outcome {
                Outcome::Exhaustion { message } => {
                    note_out(
                        &mut report,
                        &mut standing[i],
                        &o.engine,
                        &format!("call stack exhausted ({message})"),
                    );
                }
                Outcome::Timeout { message } => {
                    note_out(
                        &mut report,
                        &mut standing[i],
                        &o.engine,
                        &format!("timeout ({message})"),
                    );
                }
                Outcome::Crash { message } => {
                    crashed(&mut report, &mut standing[i], &o.engine, message)
                }
                _ => entries.push((i, o.engine.as_str(), step)),
            }
        }
        let grouping = group_by(&entries, |a, b| {
            outcomes_agree(&a.outcome, &b.outcome, ctx).and(host_calls_agree(
                &a.host_calls,
                &b.host_calls,
                ctx,
            ))
        });
        settle(&mut report, grouping, &entries, &mut standing, |s| {
            let mut lines = render_outcome(&s.outcome);
            render_step_extras(s, &mut lines);
            lines
        });
        steps.push(report);
    }

    // Final state, compared by export name.
    {
        let mut report = new_report(StepId::FinalState);
        let sorted: Vec<Option<FinalState>> = observations
            .iter()
            .map(|o| o.final_state.as_ref().map(FinalState::by_name))
            .collect();
        let mut entries = Vec::new();
        for (i, o) in observations.iter().enumerate() {
            match (&standing[i], &sorted[i]) {
                (Standing::Live, Some(fs)) => entries.push((i, o.engine.as_str(), fs)),
                (Standing::Live, None) => {
                    if o.instantiation.outcome == InstanceOutcome::Instantiated {
                        let note = "no final state: the worker died while reading it";
                        crashed(&mut report, &mut standing[i], &o.engine, note);
                    }
                }
                (Standing::Out(why), _) => note_excluded(&mut report, o, why),
            }
        }
        let grouping = group_by(&entries, |a, b| states_agree(a, b, ctx));
        if let Some((first, rest)) = grouping.groups.split_first() {
            for g in rest {
                report
                    .notes
                    .extend(memory_differences(entries[first[0]].2, entries[g[0]].2));
            }
        }
        report.groups = render_groups(&grouping, &entries, render_state);
        report.status = status_of(&grouping, entries.len(), false);
        report.notes.extend(grouping.notes);
        report.notes.extend(grouping.unknown);
        steps.push(report);
    }

    finish(observations, steps, unsupported)
}

fn new_report(step: StepId) -> StepReport {
    StepReport {
        step,
        status: StepStatus::Agree,
        groups: Vec::new(),
        inconclusive: Vec::new(),
        crashed: Vec::new(),
        notes: Vec::new(),
    }
}

fn note_out(report: &mut StepReport, standing: &mut Standing, engine: &str, why: &str) {
    report.inconclusive.push(EngineNote {
        engine: engine.to_string(),
        note: why.to_string(),
    });
    *standing = Standing::Out(format!("after {why} at {}", report.step));
}

/// Says why an instantiated engine is left out of a later step (crashes are said once).
fn note_excluded(report: &mut StepReport, o: &Observation, why: &str) {
    if o.instantiation.outcome == InstanceOutcome::Instantiated && !why.starts_with("crash") {
        report.inconclusive.push(EngineNote {
            engine: o.engine.clone(),
            note: why.to_string(),
        });
    }
}

fn render_groups<T>(
    grouping: &Grouping,
    entries: &[Entry<'_, T>],
    render: impl Fn(&T) -> Vec<String>,
) -> Vec<Group> {
    grouping
        .groups
        .iter()
        .map(|g| Group {
            engines: g.iter().map(|&n| entries[n].1.to_string()).collect(),
            lines: render(entries[g[0]].2),
        })
        .collect()
}

/// Turns a step's grouping into its report, handling resource differences: an engine whose
/// grow failed where another's succeeded is compared no further.
fn settle<O>(
    report: &mut StepReport,
    grouping: Grouping,
    entries: &[Entry<'_, Step<O>>],
    standing: &mut [Standing],
    render: impl Fn(&Step<O>) -> Vec<String>,
) {
    let mut limited = Vec::new();
    for (a, (ia, ea, sa)) in entries.iter().enumerate() {
        for (ib, eb, sb) in entries.iter().skip(a + 1) {
            if let Some(a_failed) = resource_split(&sa.resources, &sb.resources) {
                let (loser, loser_name, winner) = if a_failed {
                    (*ia, ea, eb)
                } else {
                    (*ib, eb, ea)
                };
                if !limited.contains(&loser) {
                    limited.push(loser);
                    report.notes.push(format!(
                        "resource difference: a grow failed in {loser_name} and succeeded in {winner} (the spec allows either)"
                    ));
                }
            }
        }
    }
    for &l in &limited {
        standing[l] = Standing::Out(format!(
            "a grow failed at {} where another engine's succeeded",
            report.step
        ));
    }
    report.groups = render_groups(&grouping, entries, render);
    report.status = status_of(&grouping, entries.len(), !limited.is_empty());
    report.notes.extend(grouping.notes);
    report.notes.extend(grouping.unknown);
}

fn states_agree(a: &FinalState, b: &FinalState, ctx: &CompareContext) -> Agreement {
    let names = |g: &FinalState| {
        (
            g.globals.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
            g.memories
                .iter()
                .map(|x| x.name.clone())
                .collect::<Vec<_>>(),
            g.tables.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        )
    };
    if names(a) != names(b) {
        return Agreement::Differ;
    }
    let mut all = Agreement::Same;
    for (x, y) in a.globals.iter().zip(&b.globals) {
        all = all.and(match values_agree(&x.value, &y.value, ctx) {
            Agreement::Legal(n) => Agreement::Legal(format!("global `{}`: {n}", x.name)),
            other => other,
        });
    }
    for (x, y) in a.memories.iter().zip(&b.memories) {
        if x.size != y.size || x.sha256 != y.sha256 {
            all = all.and(if ctx.relaxed_simd {
                Agreement::Unknown(format!(
                    "memory `{}` differs; the module uses relaxed SIMD",
                    x.name
                ))
            } else {
                Agreement::Differ
            });
        }
    }
    if a.tables != b.tables {
        all = Agreement::Differ;
    }
    all
}

fn render_state(s: &FinalState) -> Vec<String> {
    let mut lines = Vec::new();
    for g in &s.globals {
        lines.push(format!("global `{}` = {}", g.name, g.value));
    }
    for m in &s.memories {
        lines.push(format!(
            "memory `{}`: {} bytes, sha256 {}",
            m.name,
            m.size,
            &m.sha256[..m.sha256.len().min(16)]
        ));
    }
    for t in &s.tables {
        let ranges: Vec<String> = t
            .non_null
            .iter()
            .map(|(a, b)| format!("{a}..{b}"))
            .collect();
        lines.push(format!(
            "table `{}`: {} slots, non-null: {}",
            t.name,
            t.size,
            if ranges.is_empty() {
                "none".into()
            } else {
                ranges.join(", ")
            }
        ));
    }
    if lines.is_empty() {
        lines.push("no exported state".into());
    }
    lines
}

/// The SHA-256 of bytes, as lowercase hex: how memories are compared first.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first byte offset at which two byte strings differ (a length difference counts).
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let common = a.len().min(b.len());
    // Compare in chunks first: memories are large and mostly equal.
    let chunk = 4096;
    let mut start = 0;
    while start < common {
        let end = (start + chunk).min(common);
        if a[start..end] != b[start..end] {
            return a[start..end]
                .iter()
                .zip(&b[start..end])
                .position(|(x, y)| x != y)
                .map(|p| start + p);
        }
        start = end;
    }
    (a.len() != b.len()).then_some(common)
}

fn hex_window(m: &MemoryState, at: usize) -> String {
    let Some(c) = &m.contents else {
        return "(contents not kept)".into();
    };
    let from = at.saturating_sub(at % 16);
    let to = (from + 16).min(c.len());
    c.get(from..to)
        .map(|w| {
            w.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map(|h| format!("0x{from:x}: {h}"))
        .unwrap_or_else(|| "(past the end)".into())
}

fn memory_differences(a: &FinalState, b: &FinalState) -> Vec<String> {
    let mut notes = Vec::new();
    for (x, y) in a.memories.iter().zip(&b.memories) {
        if x.sha256 == y.sha256 && x.size == y.size {
            continue;
        }
        match (&x.contents, &y.contents) {
            (Some(cx), Some(cy)) => {
                if let Some(at) = first_difference(cx, cy) {
                    notes.push(format!(
                        "memory `{}` first differs at byte {at} (0x{at:x}): {} vs {}",
                        x.name,
                        hex_window(x, at),
                        hex_window(y, at)
                    ));
                }
            }
            _ => notes.push(format!(
                "memory `{}` differs (sizes {} and {})",
                x.name, x.size, y.size
            )),
        }
    }
    notes
}

fn finish(
    observations: &[Observation],
    steps: Vec<StepReport>,
    unsupported: Vec<EngineNote>,
) -> Comparison {
    let mut deviating: Vec<String> = Vec::new();
    let mut first_divergence = None;
    for s in &steps {
        let diverged = s.status == StepStatus::Diverge;
        if (diverged || !s.crashed.is_empty()) && first_divergence.is_none() {
            first_divergence = Some(s.step);
        }
        for c in &s.crashed {
            if !deviating.contains(&c.engine) {
                deviating.push(c.engine.clone());
            }
        }
        if diverged {
            let largest = s.groups.iter().map(|g| g.engines.len()).max().unwrap_or(0);
            let ties = s
                .groups
                .iter()
                .filter(|g| g.engines.len() == largest)
                .count();
            for g in &s.groups {
                if g.engines.len() < largest || ties > 1 {
                    for e in &g.engines {
                        if !deviating.contains(e) {
                            deviating.push(e.clone());
                        }
                    }
                }
            }
        }
    }
    let supported: Vec<&Observation> = observations
        .iter()
        .filter(|o| !matches!(o.instantiation.outcome, InstanceOutcome::Unsupported { .. }))
        .collect();
    let verdict = if first_divergence.is_some() {
        Verdict::Diverge
    } else if supported.is_empty() {
        Verdict::NothingCompared
    } else if supported
        .iter()
        .all(|o| matches!(o.instantiation.outcome, InstanceOutcome::Rejected { .. }))
    {
        Verdict::AllReject
    } else {
        Verdict::Agree
    };
    Comparison {
        version: COMPARISON_VERSION,
        verdict,
        first_divergence,
        deviating,
        unsupported,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::{ResourceKind, Timings};
    use crate::plan::Invocation;
    use crate::trap::TrapKind;

    fn obs(engine: &str, inst: InstanceOutcome, invs: Vec<Outcome>) -> Observation {
        Observation {
            engine: engine.into(),
            instantiation: Step::bare(inst),
            invocations: invs.into_iter().map(Step::bare).collect(),
            final_state: Some(FinalState::default()),
            timings: Timings::default(),
        }
    }

    fn ret(v: Value) -> Outcome {
        Outcome::Return { values: vec![v] }
    }

    fn plan(n: usize) -> Plan {
        Plan::new(
            (0..n)
                .map(|i| Invocation {
                    export: format!("f{i}"),
                    args: vec![],
                })
                .collect(),
        )
    }

    const CTX: CompareContext = CompareContext {
        relaxed_simd: false,
    };

    #[test]
    fn equal_results_agree() {
        let o = vec![
            obs("a", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
            obs("b", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
        ];
        let c = compare(&o, &plan(1), &CTX);
        assert_eq!(c.verdict, Verdict::Agree);
        assert!(c.deviating.is_empty());
    }

    #[test]
    fn the_odd_engine_out_is_named_at_the_first_divergent_step() {
        let o = vec![
            obs(
                "a",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(1)), ret(Value::I32(2))],
            ),
            obs(
                "b",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(1)), ret(Value::I32(2))],
            ),
            obs(
                "bad",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(1)), ret(Value::I32(3))],
            ),
        ];
        let c = compare(&o, &plan(2), &CTX);
        assert_eq!(c.verdict, Verdict::Diverge);
        assert_eq!(c.first_divergence, Some(StepId::Invoke(1)));
        assert_eq!(c.deviating, vec!["bad".to_string()]);
    }

    #[test]
    fn nan_classes_decide_float_agreement() {
        let v = |a: u32, b: u32| values_agree(&Value::F32(a), &Value::F32(b), &CTX);
        // Canonical NaNs of either sign.
        assert!(matches!(v(0x7fc0_0000, 0xffc0_0000), Agreement::Legal(_)));
        // Two arithmetic NaNs.
        assert!(matches!(v(0x7fc0_0001, 0xffc0_1000), Agreement::Legal(_)));
        // A signalling NaN is exact: no arithmetic produces one.
        assert_eq!(v(0x7fa0_0000, 0x7fe0_0000), Agreement::Differ);
        assert_eq!(v(0x7fa0_0000, 0x7fa0_0001), Agreement::Differ);
        // Not any NaN matches a number.
        assert_eq!(v(0x7fc0_0000, 0x3f80_0000), Agreement::Differ);
        // -0 and +0 are different values.
        assert_eq!(v(0x8000_0000, 0), Agreement::Differ);
        let d = |a: u64, b: u64| values_agree(&Value::F64(a), &Value::F64(b), &CTX);
        assert!(matches!(
            d(0x7ff8_0000_0000_0000, 0xfff8_0000_0000_0000),
            Agreement::Legal(_)
        ));
        assert_eq!(
            d(0x7ff0_0000_0000_0001, 0x7ff8_0000_0000_0001),
            Agreement::Differ
        );
    }

    #[test]
    fn v128_lanes_follow_the_nan_rules() {
        let a = Value::V128(0x7fc0_0000_u128 | (1u128 << 32));
        let b = Value::V128(0xffc0_0000_u128 | (1u128 << 32));
        assert!(matches!(values_agree(&a, &b, &CTX), Agreement::Legal(_)));
        let c = Value::V128(0x7fc0_0000_u128 | (2u128 << 32));
        assert_eq!(values_agree(&a, &c, &CTX), Agreement::Differ);
        let relaxed = CompareContext { relaxed_simd: true };
        assert!(matches!(
            values_agree(&a, &c, &relaxed),
            Agreement::Unknown(_)
        ));
    }

    #[test]
    fn exhaustion_makes_later_steps_inconclusive() {
        let o = vec![
            obs(
                "a",
                InstanceOutcome::Instantiated,
                vec![
                    Outcome::Exhaustion {
                        message: "x".into(),
                    },
                    ret(Value::I32(9)),
                ],
            ),
            obs(
                "b",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(5)), ret(Value::I32(1))],
            ),
        ];
        let c = compare(&o, &plan(2), &CTX);
        assert_eq!(c.verdict, Verdict::Agree);
        assert_eq!(c.steps[1].inconclusive[0].engine, "a");
        assert_eq!(c.steps[2].inconclusive[0].engine, "a");
        assert_eq!(c.steps[2].status, StepStatus::Inconclusive);
    }

    #[test]
    fn a_failed_grow_is_a_resource_difference() {
        let mut o = vec![
            obs(
                "a",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(1)), ret(Value::I32(1))],
            ),
            obs(
                "b",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(u32::MAX)), ret(Value::I32(7))],
            ),
            obs(
                "c",
                InstanceOutcome::Instantiated,
                vec![ret(Value::I32(1)), ret(Value::I32(1))],
            ),
        ];
        let grow = |granted| ResourceEvent {
            kind: ResourceKind::Memory,
            from: 65536,
            to: 131072,
            granted,
        };
        o[0].invocations[0].resources.push(grow(true));
        o[1].invocations[0].resources.push(grow(false));
        o[2].invocations[0].resources.push(grow(true));
        let c = compare(&o, &plan(2), &CTX);
        assert_eq!(c.steps[1].status, StepStatus::Resource);
        assert_eq!(c.verdict, Verdict::Agree);
        assert_eq!(c.steps[2].inconclusive[0].engine, "b");
    }

    #[test]
    fn crashes_are_divergences_and_others_still_compare() {
        let o = vec![
            obs("a", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
            obs("b", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
            obs(
                "boom",
                InstanceOutcome::Instantiated,
                vec![Outcome::Crash {
                    message: "SIGSEGV".into(),
                }],
            ),
        ];
        let c = compare(&o, &plan(1), &CTX);
        assert_eq!(c.verdict, Verdict::Diverge);
        assert_eq!(c.deviating, vec!["boom".to_string()]);
        assert_eq!(c.steps[1].groups[0].engines, vec!["a", "b"]);
    }

    #[test]
    fn rejection_by_all_and_by_some() {
        let rej = || InstanceOutcome::Rejected {
            message: "bad magic".into(),
        };
        let all = vec![obs("a", rej(), vec![]), obs("b", rej(), vec![])];
        assert_eq!(compare(&all, &plan(0), &CTX).verdict, Verdict::AllReject);
        let some = vec![
            obs("a", rej(), vec![]),
            obs("b", InstanceOutcome::Instantiated, vec![]),
        ];
        let c = compare(&some, &plan(0), &CTX);
        assert_eq!(c.verdict, Verdict::Diverge);
        assert_eq!(c.first_divergence, Some(StepId::Instantiate));
    }

    #[test]
    fn unsupported_engines_are_never_divergent() {
        let uns = InstanceOutcome::Unsupported {
            proposals: vec![crate::Proposal::Gc],
            message: String::new(),
        };
        let o = vec![
            obs("a", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
            obs("b", InstanceOutcome::Instantiated, vec![ret(Value::I32(1))]),
            obs("old", uns.clone(), vec![]),
        ];
        let c = compare(&o, &plan(1), &CTX);
        assert_eq!(c.verdict, Verdict::Agree);
        assert_eq!(c.unsupported[0].engine, "old");
        let none = vec![obs("old", uns, vec![])];
        assert_eq!(
            compare(&none, &plan(1), &CTX).verdict,
            Verdict::NothingCompared
        );
    }

    #[test]
    fn trap_kinds_are_compared() {
        let trap = |k| Outcome::Trap {
            kind: k,
            message: String::new(),
        };
        let o = vec![
            obs(
                "a",
                InstanceOutcome::Instantiated,
                vec![trap(TrapKind::IntegerOverflow)],
            ),
            obs(
                "b",
                InstanceOutcome::Instantiated,
                vec![trap(TrapKind::IntegerDivideByZero)],
            ),
        ];
        assert_eq!(compare(&o, &plan(1), &CTX).verdict, Verdict::Diverge);
    }

    #[test]
    fn state_is_compared_by_export_name_not_order() {
        let g = |n: &str, v| crate::GlobalState {
            name: n.into(),
            value: Value::I32(v),
        };
        let mut a = obs("a", InstanceOutcome::Instantiated, vec![]);
        let mut b = obs("b", InstanceOutcome::Instantiated, vec![]);
        a.final_state.as_mut().unwrap().globals = vec![g("x", 1), g("y", 2)];
        b.final_state.as_mut().unwrap().globals = vec![g("y", 2), g("x", 1)];
        assert_eq!(
            compare(&[a.clone(), b.clone()], &plan(0), &CTX).verdict,
            Verdict::Agree
        );
        b.final_state.as_mut().unwrap().globals[0] = g("y", 3);
        assert_eq!(compare(&[a, b], &plan(0), &CTX).verdict, Verdict::Diverge);
    }

    #[test]
    fn memory_differences_name_the_first_byte() {
        let mem = |bytes: Vec<u8>, hash: &str| MemoryState {
            name: "m".into(),
            size: bytes.len() as u64,
            sha256: hash.into(),
            contents: Some(std::sync::Arc::new(bytes)),
        };
        let mut a = obs("a", InstanceOutcome::Instantiated, vec![]);
        let mut b = obs("b", InstanceOutcome::Instantiated, vec![]);
        let mut bytes = vec![0u8; 70000];
        a.final_state
            .as_mut()
            .unwrap()
            .memories
            .push(mem(bytes.clone(), "x"));
        bytes[65540] = 9;
        b.final_state
            .as_mut()
            .unwrap()
            .memories
            .push(mem(bytes, "y"));
        let c = compare(&[a, b], &plan(0), &CTX);
        assert_eq!(c.verdict, Verdict::Diverge);
        assert_eq!(c.first_divergence, Some(StepId::FinalState));
        assert!(
            c.steps[1].notes.iter().any(|n| n.contains("byte 65540")),
            "{:?}",
            c.steps[1].notes
        );
        assert_eq!(first_difference(&[1, 2], &[1, 2, 3]), Some(2));
        assert_eq!(first_difference(&[1, 2], &[1, 2]), None);
    }
}
