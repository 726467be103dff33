//! `harness bench oracle`: the oracle timed against another engine on modules exporting
//! `run`, their results checked to agree.

mod common;

use common::{harness, write};

/// `run` sums 0..999 (499,500) with `i32.add`, looping while the counter is below 1,000.
const SUM: &str = r#"(module
  (func (export "run") (result i32) (local i32 i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
    (local.get 1)))"#;

/// `harness bench oracle --module sum.wat` with `args` before the module.
fn bench_sum(args: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "sum.wat", SUM.as_bytes());
    let mut all = vec!["bench", "oracle"];
    all.extend_from_slice(args);
    all.extend(["--module", m.to_str().unwrap()]);
    harness(&all)
}

#[test]
fn bench_oracle_times_both_engines_on_a_module_and_shows_their_result() {
    let r = bench_sum(&["--runs", "2"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("| sum |"))
        .unwrap_or_else(|| panic!("no row for the module:\n{}", r.stdout));
    assert!(row.ends_with("| I32(499500) |"), "{row}");
    assert!(r.stdout.contains("geometric mean of the ratios"));
}

#[test]
fn bench_oracle_names_a_module_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "norun.wat",
        br#"(module (func (export "main") (result i32) (i32.const 1)))"#,
    );
    let r = harness(&["bench", "oracle", "--module", m.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("module norun") && r.stderr.contains("no function `run`"),
        "{}",
        r.stderr
    );
    let missing = dir.path().join("missing.wat");
    let r = harness(&["bench", "oracle", "--module", missing.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}

/// An engine that computes `i32.add` as `i32.xor` never counts up to 1,000 (0, 1, 0, ...):
/// the fuel ends its loop, and the bench says the engines disagree instead of running on.
#[cfg(feature = "test-engines")]
#[test]
fn bench_oracle_fails_when_the_engines_disagree_and_a_loop_ends_with_its_fuel() {
    let r = bench_sum(&[
        "--runs",
        "1",
        "--fuel",
        "100000",
        "--against",
        "test-wrong-opcode",
    ]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("| DISAGREE |"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("sum: the engines do not both return the same result")
            && r.stderr.contains("reference gave I32(499500)")
            && r.stderr.contains("fuel limit of 100000 exhausted"),
        "{}",
        r.stderr
    );
}

#[test]
fn bench_campaign_times_every_part_and_refuses_what_it_cannot_time() {
    let r = harness(&["bench", "campaign", "--cases", "6", "--engine", "wasmi"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for part in [
        "| generation alone (1 thread) |",
        "| generation + oracle (1 thread) |",
        "| bare engines, in process, no harness (1 thread) |",
        "| full campaign loop, --jobs 1 |",
        "| full campaign loop, --jobs 2 |",
        "scaling 1 -> 2 jobs",
        "CPU per case",
    ] {
        assert!(r.stdout.contains(part), "no `{part}`:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("NaN"), "{}", r.stdout);
    let r = harness(&["bench", "campaign", "--cases", "0"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--cases"), "{}", r.stderr);
    let r = harness(&["bench", "campaign", "--cases", "3", "--engine", "nosuch"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("no engine named `nosuch`"),
        "{}",
        r.stderr
    );
}

#[test]
fn bench_diff_times_each_engine_and_the_whole_command() {
    let r = harness(&["bench", "diff", "--functions", "3", "--runs", "1"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for engine in ["wasmi", "wasmtime-cranelift", "reference"] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(&format!("| {engine} |"))),
            "no row for {engine}:\n{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("whole `harness diff`"), "{}", r.stdout);
}

#[test]
fn bench_suite_runs_every_official_assertion_and_names_an_unknown_engine() {
    let r = harness(&["bench", "suite", "--runs", "1"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("in process: 52225 passed, 0 failed, 0 skipped"),
        "{}",
        r.stdout
    );
    let r = harness(&["bench", "suite", "--runs", "1", "--engine", "nosuch"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("no engine named `nosuch`"),
        "{}",
        r.stderr
    );
}
