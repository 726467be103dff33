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

/// CPU seconds (user and system) used so far by this process and by the children it has
/// waited for (a full loop's campaign process and, through it, its engines' workers).
fn cpu_seconds() -> f64 {
    let mut total = 0.0;
    for who in [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN] {
        // SAFETY: `getrusage` writes only the `rusage` it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut u) } == 0 {
            for t in [u.ru_utime, u.ru_stime] {
                total += t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            }
        }
    }
    total
}

/// A part of the benchmark: its cases a second and the cores it kept busy (CPU time over
/// wall-clock time).
struct Part {
    rate: f64,
    cores: f64,
}

/// Times `f` over `n` cases, wall clock and CPU.
fn part<T>(n: usize, f: impl FnOnce() -> T) -> (T, Part) {
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let out = f();
    let wall = t.elapsed().as_secs_f64();
    let cores = (cpu_seconds() - cpu) / wall.max(1e-9);
    (
        out,
        Part {
            rate: rate(n, wall),
            cores,
        },
    )
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

    let (made, mut generation) = part(n as usize, || cases(0, n, &proposals));
    let n_made = made.len();
    generation.rate *= n_made as f64 / (n as f64).max(1.0);
    let ((), oracle) = part(n_made, || {
        for (bytes, plan) in &made {
            std::hint::black_box(oracle::expect::expect(bytes, plan, fuel));
        }
    });

    // The bare cost: the same engines compiling and running the same cases in this
    // process, one after the other, with no isolation, oracle, judge or disk. Each thread
    // compiles on one core, as the campaign's workers do (`RAYON_NUM_THREADS=1`): Wasmtime
    // compiles a module's functions on rayon's pool, which would otherwise lend the loop a
    // second core.
    let one_core = || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .context("cannot make a thread pool")
    };
    let pool = one_core()?;
    let ((), bare) = part(n_made, || {
        pool.install(|| {
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
        })
    });
    // The same on two threads, each with its own engines, pool and half of the cases.
    let halves = made.chunks(made.len().div_ceil(2).max(1));
    let threads = halves
        .map(|half| Ok((half, crate::diff::select_engines(&names)?, one_core()?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ((), bare2) = part(n_made, || {
        std::thread::scope(|s| {
            for (half, engines, pool) in threads {
                let limits = &limits;
                s.spawn(move || {
                    pool.install(|| {
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
                });
            }
        })
    });

    // The full loop's rate is the campaign's own (its loop, not its start-up); the cores
    // are those of the whole campaign process and its workers.
    let (full1, full1_run) = part(n_made, || full_loop(&names, n, 1, fuel));
    let (full2, full2_run) = part(n_made, || full_loop(&names, n, 2, fuel));
    let (full1, full2) = (full1?, full2?);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} cases (seed 0, smith), engines: {}",
        made.len(),
        names.join(", ")
    );
    let _ = writeln!(out, "| what | cases/s | cores busy |");
    let _ = writeln!(out, "|---|---:|---:|");
    let row = |out: &mut String, what: &str, rate: f64, cores: f64| {
        let _ = writeln!(out, "| {what} | {rate:.1} | {cores:.2} |");
    };
    row(
        &mut out,
        "generation alone (1 thread)",
        generation.rate,
        generation.cores,
    );
    // The oracle's row is generation and oracle together, per case.
    let both = 1.0 / (1.0 / generation.rate + 1.0 / oracle.rate);
    row(
        &mut out,
        "generation + oracle (1 thread)",
        both,
        oracle.cores,
    );
    row(
        &mut out,
        "bare engines, in process, no harness (1 thread)",
        bare.rate,
        bare.cores,
    );
    row(
        &mut out,
        "bare engines, in process, no harness (2 threads)",
        bare2.rate,
        bare2.cores,
    );
    row(
        &mut out,
        "full campaign loop, --jobs 1",
        full1,
        full1_run.cores,
    );
    row(
        &mut out,
        "full campaign loop, --jobs 2",
        full2,
        full2_run.cores,
    );
    let _ = writeln!(
        out,
        "\nfull loop / bare: {:.2} with 1 job, {:.2} with 2 (target >= 0.8); \
         scaling 1 -> 2 jobs: {:.2}x (target >= 1.8x; the bare engines: {:.2}x)\n\
         CPU per case: bare {:.2} ms, full loop {:.2} ms (1 job), {:.2} ms (2 jobs)",
        full1 / bare.rate,
        full2 / bare2.rate,
        full2 / full1,
        bare2.rate / bare.rate,
        1e3 * bare.cores / bare.rate,
        1e3 * full1_run.cores / full1_run.rate,
        1e3 * full2_run.cores / full2_run.rate,
    );
    print!("{out}");
    Ok(0)
}
