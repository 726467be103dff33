//! Text and Markdown renderings of a [`DiffReport`].

use std::fmt::Write;

use oracle::expect::SpecVerdict;
use oracle::judge::{Group, StepReport, StepStatus};
use oracle::{StepId, Verdict};
use similar::TextDiff;

use crate::{DiffReport, escape};

fn step_label(report: &DiffReport, step: StepId) -> String {
    match step {
        StepId::Instantiate => "instantiate".into(),
        StepId::FinalState => "final state".into(),
        StepId::Invoke(k) => match report.plan.invocations.get(k) {
            Some(inv) => {
                let args: Vec<String> = inv.args.iter().map(|v| v.to_string()).collect();
                format!("invoke `{}`({})", escape(&inv.export), args.join(", "))
            }
            None => format!("invoke #{}", k + 1),
        },
    }
}

fn status_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Agree => "agree",
        StepStatus::Diverge => "DIVERGE",
        StepStatus::Resource => "resource",
        StepStatus::Inconclusive => "inconclusive",
    }
}

fn group_name(g: &Group) -> String {
    g.engines.join(", ")
}

/// Side-by-side difference of two groups' renderings.
fn diff_lines(a: &Group, b: &Group) -> String {
    let left = a.lines.join("\n") + "\n";
    let right = b.lines.join("\n") + "\n";
    let diff = TextDiff::from_lines(&left, &right);
    diff.unified_diff()
        .context_radius(3)
        .header(&group_name(a), &group_name(b))
        .to_string()
}

fn render_step(out: &mut String, report: &DiffReport, s: &StepReport, n: usize, total: usize) {
    let label = step_label(report, s.step);
    let summary = match (s.status, s.groups.as_slice()) {
        (StepStatus::Agree, [g]) | (StepStatus::Inconclusive, [g]) => {
            let mut first = g.lines.first().cloned().unwrap_or_default();
            if g.lines.len() > 1 {
                first.push_str(&format!(" (+{} more)", g.lines.len() - 1));
            }
            first
        }
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "step {n}/{total}  {label}\n  {:<12} {summary}",
        status_word(s.status)
    );
    let split = s.groups.len() > 1;
    if split || (s.groups.len() == 1 && s.groups[0].lines.len() > 1) {
        for g in &s.groups {
            let _ = writeln!(out, "    {}:", group_name(g));
            for l in &g.lines {
                let _ = writeln!(out, "      {l}");
            }
        }
    }
    if split {
        for g in &s.groups[1..] {
            for l in diff_lines(&s.groups[0], g).lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    for c in &s.crashed {
        let _ = writeln!(out, "    CRASH {}: {}", c.engine, c.note);
    }
    for i in &s.inconclusive {
        let _ = writeln!(out, "    not compared: {}: {}", i.engine, i.note);
    }
    for note in &s.notes {
        let _ = writeln!(out, "    note: {note}");
    }
}

/// The human-readable account of a diff: each step, where engines split, and the verdict.
pub fn render_text(report: &DiffReport) -> String {
    let mut out = String::new();
    let m = &report.module;
    let seed = report
        .seed
        .map(|s| format!(" (default plan, seed {s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "module {}: {} bytes, {} exported functions; plan: {} invocations{seed}",
        m.path,
        m.bytes,
        m.exported_funcs,
        report.plan.invocations.len()
    );
    let names: Vec<String> = report.engines.iter().map(|e| e.name.clone()).collect();
    let _ = writeln!(out, "engines: {}", names.join(", "));
    for u in &report.comparison.unsupported {
        let _ = writeln!(out, "unsupported: {} ({})", u.engine, u.note);
    }
    for s in &report.skipped {
        let _ = writeln!(out, "skipped export `{}`: {}", escape(&s.export), s.reason);
    }
    let _ = writeln!(out);
    let c = &report.comparison;
    if c.verdict == Verdict::AllReject {
        let _ = writeln!(out, "all engines reject the module:");
        for o in &report.observations {
            let _ = writeln!(
                out,
                "  {}: {}",
                o.engine,
                oracle::judge::render_instance(&o.instantiation.outcome)
            );
        }
    } else {
        let total = c.steps.len();
        for (n, s) in c.steps.iter().enumerate() {
            render_step(&mut out, report, s, n + 1, total);
        }
    }
    let _ = writeln!(out);
    match (&report.spec, &report.spec_unavailable) {
        (Some(spec), _) => {
            let _ = writeln!(
                out,
                "judged against the spec (the reference interpreter's allowed outcomes):"
            );
            for e in &spec.engines {
                let _ = writeln!(
                    out,
                    "  {:<22} {}",
                    e.engine,
                    spec_verdict(report, &e.verdict)
                );
            }
        }
        (None, Some(why)) => {
            let _ = writeln!(out, "not judged against the spec: {why}");
        }
        (None, None) => {}
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", verdict_line(report));
    out
}

fn spec_verdict(report: &DiffReport, v: &SpecVerdict) -> String {
    let step_name = |s: StepId| {
        let n = report
            .comparison
            .steps
            .iter()
            .position(|r| r.step == s)
            .map_or(0, |i| i + 1);
        format!("step {n} ({})", step_label(report, s))
    };
    match v {
        SpecVerdict::Conforms => "conforms".into(),
        SpecVerdict::Deviates {
            step,
            expected,
            got,
        } => {
            format!(
                "DEVIATES at {}: the spec allows {expected}; got {got}",
                step_name(*step)
            )
        }
        SpecVerdict::Inconclusive { step, why } => format!(
            "conforms up to {}, then not judged: {why}",
            step_name(*step)
        ),
        SpecVerdict::Unsupported => "not judged (unsupported)".into(),
    }
}

fn verdict_line(report: &DiffReport) -> String {
    let c = &report.comparison;
    if let Some(spec) = &report.spec {
        let deviating = spec.deviating();
        return match deviating.first() {
            None => format!(
                "RESULT: every engine conforms to the spec ({} judged{})",
                spec.engines
                    .iter()
                    .filter(|e| e.verdict != SpecVerdict::Unsupported)
                    .count(),
                if spec
                    .engines
                    .iter()
                    .any(|e| matches!(e.verdict, SpecVerdict::Inconclusive { .. }))
                {
                    "; some only in part, see above"
                } else {
                    ""
                }
            ),
            Some(first) => {
                let names: Vec<&str> = deviating.iter().map(|e| e.engine.as_str()).collect();
                let step = match first.verdict {
                    SpecVerdict::Deviates { step, .. } => step,
                    _ => StepId::Instantiate,
                };
                let n = c
                    .steps
                    .iter()
                    .position(|r| r.step == step)
                    .map_or(0, |i| i + 1);
                format!(
                    "RESULT: DEVIATION FROM THE SPEC at step {n} ({}); deviating: {}",
                    step_label(report, step),
                    names.join(", ")
                )
            }
        };
    }
    match c.verdict {
        Verdict::Agree => format!(
            "RESULT: all {} engines agree{}",
            report.engines.len() - c.unsupported.len(),
            if c.steps
                .iter()
                .any(|s| !s.notes.is_empty() || !s.inconclusive.is_empty())
            {
                " (see the notes above)"
            } else {
                ""
            }
        ),
        Verdict::AllReject => "RESULT: all engines reject the module, as they must agree to".into(),
        Verdict::NothingCompared => {
            "RESULT: no engine supports this module's proposals; nothing was compared".into()
        }
        Verdict::Diverge => {
            let step = c.first_divergence.map(|s| {
                let n = c
                    .steps
                    .iter()
                    .position(|r| r.step == s)
                    .map_or(0, |i| i + 1);
                format!("step {n} ({})", step_label(report, s))
            });
            format!(
                "RESULT: DIVERGENCE at {}; deviating: {}",
                step.unwrap_or_else(|| "an unknown step".into()),
                if c.deviating.is_empty() {
                    "unclear".into()
                } else {
                    c.deviating.join(", ")
                }
            )
        }
    }
}

/// A Markdown report of a divergence, fit to paste into an engine's bug tracker.
pub fn render_markdown(report: &DiffReport, repro: &str) -> String {
    let mut out = String::new();
    let c = &report.comparison;
    let _ = writeln!(
        out,
        "# {}\n",
        verdict_line(report).trim_start_matches("RESULT: ")
    );
    let _ = writeln!(
        out,
        "- module: `{}` ({} bytes, sha256 `{}`)",
        report.module.path, report.module.bytes, report.module.sha256
    );
    for e in &report.engines {
        let _ = writeln!(out, "- engine `{}` {} ({})", e.name, e.version, e.config);
    }
    let _ = writeln!(out, "\nReproduce with:\n\n```sh\n{repro}\n```\n");
    for s in c
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Diverge || !s.crashed.is_empty())
    {
        let _ = writeln!(out, "## {}\n", step_label(report, s.step));
        for g in &s.groups {
            let _ = writeln!(
                out,
                "**{}**\n\n```\n{}\n```\n",
                group_name(g),
                g.lines.join("\n")
            );
        }
        for cr in &s.crashed {
            let _ = writeln!(out, "**{}** crashed: `{}`\n", cr.engine, cr.note);
        }
        for note in &s.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}
