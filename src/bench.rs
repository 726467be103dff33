//! `harness bench`: measurements reported in BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context;
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
}

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
    let What::Diff {
        functions,
        runs,
        engines,
    } = args.what;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("bench-{functions}.wat"));
    std::fs::write(&path, bench_module(functions))?;
    let prepared = prepare(&path, None, None, 0)?;
    let engines = select_engines(&engines)?;
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
    let ms = |us: u64| format!("{:.1}", us as f64 / 1000.0);
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
