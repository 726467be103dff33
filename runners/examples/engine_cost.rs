//! The cost of one case per external engine, with and without a persistent driver
//! (BENCHMARKS.md, "External engines"):
//!
//! ```text
//! cargo run -p runners --example engine_cost -- [RUNS] [ENGINE...]
//! HARNESS_PERSISTENT=0 cargo run -p runners --example engine_cost -- [RUNS] [ENGINE...]
//! ```
//!
//! A case is `examples/arith.wat` with a plan of 9 calls. For each engine it prints the
//! median over RUNS runs in one process (after one warm-up run) of the whole run and of
//! its parts as the engine reports them: compile, instantiate, the calls.

use std::time::Instant;

use oracle::{Invocation, Plan, Value};
use runners::{Engine, Limits};

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let wanted: Vec<String> = args.collect();
    let wat = include_str!("../../examples/arith.wat");
    let module = wat::parse_str(wat).expect("the example parses");
    let call = |export: &str, args: Vec<Value>| Invocation {
        export: export.into(),
        args,
    };
    let plan = Plan::new(vec![
        call("add", vec![Value::I32(1), Value::I32(2)]),
        call("mul64", vec![Value::I64(1 << 40), Value::I64(3)]),
        call("rotl", vec![Value::I32(1), Value::I32(33)]),
        call("clz", vec![Value::I64(1)]),
        call("add", vec![Value::I32(u32::MAX), Value::I32(1)]),
        call("mul64", vec![Value::I64(u64::MAX), Value::I64(u64::MAX)]),
        call("rotl", vec![Value::I32(0x8000_0000), Value::I32(1)]),
        call("clz", vec![Value::I64(0)]),
        call("add", vec![Value::I32(7), Value::I32(8)]),
    ]);
    let limits = Limits::default();
    let engines: Vec<Box<dyn Engine>> = runners::available()
        .into_iter()
        .filter(|e| {
            let name = e.info().name;
            if wanted.is_empty() {
                e.external()
            } else {
                wanted.contains(&name)
            }
        })
        .collect();
    println!(
        "persistent drivers: {}; {runs} runs per engine (medians, µs)",
        if runners::external::persistent() {
            "on"
        } else {
            "off"
        }
    );
    println!("| engine | whole run | compile | instantiate (with driver start-up) | 9 calls |");
    println!("|---|---:|---:|---:|---:|");
    for e in engines {
        let mut whole = Vec::new();
        let mut compile = Vec::new();
        let mut inst = Vec::new();
        let mut calls = Vec::new();
        for i in 0..=runs {
            let t = Instant::now();
            let obs = runners::observe_in_process(e.as_ref(), &module, &plan, &limits);
            let us = t.elapsed().as_micros() as u64;
            if obs.invocations.len() != plan.invocations.len() {
                eprintln!(
                    "{}: the run did not complete: {:?}",
                    e.info().name,
                    obs.instantiation.outcome
                );
                break;
            }
            if i == 0 {
                continue;
            }
            whole.push(us);
            compile.push(obs.timings.compile_us);
            inst.push(obs.timings.instantiate_us);
            calls.push(obs.timings.invoke_us);
        }
        if whole.is_empty() {
            continue;
        }
        println!(
            "| {} | {} | {} | {} | {} |",
            e.info().name,
            median(whole),
            median(compile),
            median(inst),
            median(calls)
        );
    }
}
