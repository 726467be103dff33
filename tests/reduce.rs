//! `harness reduce` end to end: large generated programs that make a faulty test engine
//! deviate, reduced through the built-in and the command predicate; and bad input.

mod common;

#[path = "../reducer/examples/reduce_programs.rs"]
#[allow(dead_code)]
mod programs;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{harness, write};
use programs::{Bug, program};

fn large(dir: &Path, name: &str, seed: u64, bug: Bug) -> PathBuf {
    let bytes = wat::parse_str(program(seed, 450, bug)).unwrap();
    assert!(bytes.len() > 100_000, "{} bytes", bytes.len());
    write(dir, name, &bytes)
}

fn instructions(stats: &serde_json::Value) -> u64 {
    stats["instructions"].as_u64().unwrap()
}

/// A predicate script: interesting when `harness diff` on the candidate with `engine`
/// deviates from the spec (exit 1).
fn diff_predicate(dir: &Path, engine: &str) -> String {
    let script = dir.join("pred.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n'{}' diff --engine {engine} \"$1\" >/dev/null 2>&1\ntest $? -eq 1\n",
            env!("CARGO_BIN_EXE_harness")
        ),
    )
    .unwrap();
    format!("sh {}", script.display())
}

#[test]
fn builtin_predicate_reduces_a_finding_to_a_replay_module_then_a_few_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let input = large(dir.path(), "big.wasm", 0, Bug::DivZero);
    let findings = dir.path().join("findings");
    let d = harness(&[
        "diff",
        input.to_str().unwrap(),
        "--engine",
        "test-wrong-trap",
        "--save",
        findings.to_str().unwrap(),
    ]);
    assert_eq!(d.code, 1, "{}{}", d.stdout, d.stderr);
    let finding = std::fs::read_dir(&findings)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();

    // Record and replay alone: a replay module of the dividing function.
    let rr_out = dir.path().join("rr.wasm");
    let r = harness(&[
        "reduce",
        finding.to_str().unwrap(),
        "--strategy",
        "rr",
        "-o",
        rr_out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = r.json();
    assert_eq!(report["schema"], "harness.reduce/1");
    assert!(report["replay_target"].is_array(), "{report}");
    let original = report["original"]["bytes"].as_u64().unwrap();
    let replay = report["reduced"]["bytes"].as_u64().unwrap();
    assert!(replay * 50 < original, "{replay} of {original}");
    let text = std::fs::read_to_string(rr_out.with_extension("wat")).unwrap();
    assert!(text.contains("(export \"_start\""), "{text}");
    assert!(text.contains("i32.div_u"), "{text}");
    // The replay module still shows the bug, as `harness diff` sees it.
    let check = harness(&[
        "diff",
        rr_out.to_str().unwrap(),
        "--engine",
        "test-wrong-trap",
    ]);
    assert_eq!(check.code, 1, "{}", check.stdout);

    // Hybrid (the default): a handful of instructions, written into the finding.
    let r = harness(&["reduce", finding.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = r.json();
    assert!(instructions(&report["reduced"]) <= 12, "{report}");
    assert!(instructions(&report["original"]) > 10_000, "{report}");
    let stages: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["record-replay", "shrink"]);
    let reduced = finding.join("reduced.wasm");
    assert!(finding.join("reduced.wat").is_file());
    let check = harness(&[
        "diff",
        reduced.to_str().unwrap(),
        "--engine",
        "test-wrong-trap",
    ]);
    assert_eq!(check.code, 1, "{}", check.stdout);
}

#[test]
fn command_predicate_reduces_a_wrong_value_to_a_few_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let input = large(dir.path(), "big.wasm", 1, Bug::Value);
    let out = dir.path().join("small.wasm");
    let pred = diff_predicate(dir.path(), "test-wrong-value");
    let r = harness(&[
        "reduce",
        input.to_str().unwrap(),
        "--predicate",
        &pred,
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = r.json();
    assert!(report["replay_target"].is_array(), "{report}");
    assert!(instructions(&report["reduced"]) <= 6, "{report}");
    assert!(report["calls"].as_u64().unwrap() > 2);
    let check = harness(&[
        "diff",
        out.to_str().unwrap(),
        "--engine",
        "test-wrong-value",
    ]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    // The human report names sizes, time and stages.
    let r = harness(&[
        "reduce",
        out.to_str().unwrap(),
        "--predicate",
        &pred,
        "-o",
        dir.path().join("again.wasm").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for word in [
        "bytes:",
        "functions:",
        "instructions:",
        "predicate calls",
        "shrink",
    ] {
        assert!(r.stdout.contains(word), "{word}: {}", r.stdout);
    }
}

const SMALL: &str = r#"(module (memory 1) (data (i32.const 0) "magic")
    (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))"#;

#[test]
fn a_predicate_false_at_the_start_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "m.wat", SMALL.as_bytes());
    let out = dir.path().join("out.wasm");
    let r = harness(&[
        "reduce",
        input.to_str().unwrap(),
        "--predicate",
        "false",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("does not find the input interesting"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(!out.exists() && !out.with_extension("wat").exists());
}

#[test]
fn a_predicate_true_for_everything_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "m.wat", SMALL.as_bytes());
    let out = dir.path().join("out.wasm");
    let r = harness(&[
        "reduce",
        input.to_str().unwrap(),
        "--predicate",
        "true",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("even the empty module"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_hanging_predicate_is_stopped_by_its_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "m.wat", SMALL.as_bytes());
    let start = Instant::now();
    let r = harness(&[
        "reduce",
        input.to_str().unwrap(),
        "--predicate",
        "sleep 60; true",
        "--predicate-timeout",
        "0.5",
        "-o",
        dir.path().join("out.wasm").to_str().unwrap(),
    ]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("timed out"), "{}", r.stderr);
}

#[test]
fn an_invalid_module_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "bad.wasm", b"\0asm\x01\0\0\0\x01\x05junk!");
    let r = harness(&["reduce", input.to_str().unwrap(), "--predicate", "true"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not a valid module"), "{}", r.stderr);
    assert!(!dir.path().join("bad.reduced.wasm").exists());
}

#[test]
fn imports_the_recorder_cannot_provide_fall_back_to_plain_mode() {
    let dir = tempfile::tempdir().unwrap();
    let m = r#"(module (import "env" "mystery" (func $m (result i32)))
        (memory 1) (data (i32.const 0) "magic")
        (func (export "f") (result i32) (i32.add (call $m) (i32.const 2)))
        (func (export "g") (result i32) (i32.mul (call $m) (i32.const 3))))"#;
    let input = write(dir.path(), "m.wat", m.as_bytes());
    let out = dir.path().join("out.wasm");
    let pred = dir.path().join("magic.sh");
    std::fs::write(&pred, "grep -q magic \"$1\"\n").unwrap();
    let r = harness(&[
        "reduce",
        input.to_str().unwrap(),
        "--predicate",
        &format!("sh {}", pred.display()),
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = r.json();
    let notes = report["notes"].to_string();
    assert!(notes.contains("falling back to plain"), "{notes}");
    assert!(notes.contains("env"), "{notes}");
    let small = std::fs::read(&out).unwrap();
    let original = wat::parse_str(m).unwrap();
    assert!(
        small.len() < original.len() / 2,
        "{} of {}",
        small.len(),
        original.len()
    );
    assert!(small.windows(5).any(|w| w == b"magic"));
}
