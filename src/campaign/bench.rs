//! `harness bench campaign`: what a campaign case costs, part by part, and how the full
//! loop compares with the bare cost of the same engines on the same cases.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context;
use oracle::Plan;
use runners::Limits;

use super::{case_seed, common_proposals};

/// The cases of a smith-only campaign with this seed: module and plan of each case that
/// gives one.
fn cases(seed: u64, n: u64, proposals: &[oracle::Proposal]) -> Vec<(Vec<u8>, Plan)> {
    (0..n)
        .filter_map(|i| {
            let s = case_seed(seed, i);
            let bytes = generator::smith::generate(s, proposals).ok()?.bytes;
            let info = runners::inspect::inspect(&bytes).ok()?;
            Some((bytes, generator::default_plan(&info.funcs, s).0))
        })
        .collect()
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs.max(1e-9)
}

/// Runs `harness campaign` on `n` smith cases with `jobs` jobs and returns its cases a
/// second (from the campaign's own report, which times the loop, not the start-up).
fn full_loop(engines: &[String], n: u64, jobs: usize, fuel: u64) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("camp");
    let exe = std::env::current_exe()?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["campaign", "--out"])
        .arg(&out)
        .args(["--cases", &n.to_string(), "--jobs", &jobs.to_string()])
        .args(["--strategies", "smith=1", "--fuel", &fuel.to_string()])
        .args(["--reduce-budget", "0"])
        .stdout(std::process::Stdio::null());
    for e in engines {
        cmd.args(["--engine", e]);
    }
    let status = cmd.status().context("cannot run the campaign")?;
    anyhow::ensure!(
        matches!(status.code(), Some(0 | 1)),
        "the campaign failed: {status}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json"))?)?;
    report["cases_per_s"]
        .as_f64()
        .context("report.json has no cases_per_s")
}

/// `harness bench campaign`.
pub fn bench(n: u64, engine_names: &[String]) -> anyhow::Result<u8> {
    let names = super::default_engines(engine_names);
    let engines = crate::diff::select_engines(&names)?;
    let proposals = common_proposals(&engines);
    let fuel = 1_000_000;
    let limits = Limits {
        fuel,
        ..Limits::default()
    };

    let t = Instant::now();
    let made = cases(0, n, &proposals);
    let gen_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    for (bytes, plan) in &made {
        std::hint::black_box(oracle::expect::expect(bytes, plan, fuel));
    }
    let oracle_s = t.elapsed().as_secs_f64();

    // The bare cost: the same engines compiling and running the same cases in this
    // process, one after the other, with no isolation, oracle, judge or disk.
    let t = Instant::now();
    for (bytes, plan) in &made {
        for e in &engines {
            std::hint::black_box(runners::observe_in_process(
                e.as_ref(),
                bytes,
                plan,
                &limits,
            ));
        }
    }
    let bare_s = t.elapsed().as_secs_f64();
    // The same on two threads, each with its own engines and half of the cases.
    let t = Instant::now();
    std::thread::scope(|s| {
        for half in made.chunks(made.len().div_ceil(2).max(1)) {
            let (names, limits) = (&names, &limits);
            s.spawn(move || {
                let Ok(engines) = crate::diff::select_engines(names) else {
                    return;
                };
                for (bytes, plan) in half {
                    for e in &engines {
                        std::hint::black_box(runners::observe_in_process(
                            e.as_ref(),
                            bytes,
                            plan,
                            limits,
                        ));
                    }
                }
            });
        }
    });
    let bare2_s = t.elapsed().as_secs_f64();

    let full1 = full_loop(&names, n, 1, fuel)?;
    let full2 = full_loop(&names, n, 2, fuel)?;

    let gen_rate = rate(made.len(), gen_s);
    let oracle_rate = rate(made.len(), gen_s + oracle_s);
    let bare_rate = rate(made.len(), bare_s);
    let bare2_rate = rate(made.len(), bare2_s);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} cases (seed 0, smith), engines: {}",
        made.len(),
        names.join(", ")
    );
    let _ = writeln!(out, "| what | cases/s |");
    let _ = writeln!(out, "|---|---:|");
    let _ = writeln!(out, "| generation alone (1 thread) | {gen_rate:.0} |");
    let _ = writeln!(out, "| generation + oracle (1 thread) | {oracle_rate:.0} |");
    let _ = writeln!(
        out,
        "| bare engines, in process, no harness (1 thread) | {bare_rate:.1} |"
    );
    let _ = writeln!(
        out,
        "| bare engines, in process, no harness (2 threads) | {bare2_rate:.1} |"
    );
    let _ = writeln!(out, "| full campaign loop, --jobs 1 | {full1:.1} |");
    let _ = writeln!(out, "| full campaign loop, --jobs 2 | {full2:.1} |");
    let _ = writeln!(
        out,
        "\nfull loop / bare: {:.2} with 1 job, {:.2} with 2 (target >= 0.8); \
         scaling 1 -> 2 jobs: {:.2}x (target >= 1.8x; the bare engines: {:.2}x)",
        full1 / bare_rate,
        full2 / bare2_rate,
        full2 / full1,
        bare2_rate / bare_rate
    );
    print!("{out}");
    Ok(0)
}
