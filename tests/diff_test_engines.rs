//! `harness diff` against deliberately faulty test engines (built with `--features
//! test-engines`): the harness must name the wrong engine and step, and report crashes,
//! hangs and out-of-memory deaths while still printing the other engines' results.

mod common;

use common::{example, harness, invocation, write};

fn diff_json(module: &str, engines: &[&str], extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["diff", module, "--json"];
    for e in engines {
        args.push("--engine");
        args.push(e);
    }
    args.extend_from_slice(extra);
    let run = harness(&args);
    (run.code, run.json())
}

#[test]
fn a_wrong_value_is_a_divergence_naming_engine_and_step() {
    let engines = [
        "wasmtime-cranelift",
        "wasmtime-pulley",
        "wasmi",
        "test-wrong-value",
    ];
    let (code, report) = diff_json(&example("arith.wat"), &engines, &[]);
    assert_eq!(code, 1);
    let c = &report["comparison"];
    assert_eq!(c["verdict"], "diverge");
    assert_eq!(c["deviating"], serde_json::json!(["test-wrong-value"]));
    // `add` is the first export: the first invocation is the first divergent step.
    assert_eq!(
        c["first_divergence"],
        serde_json::json!({"step": "invoke", "index": 0})
    );
    let mut args = vec!["diff".to_string(), example("arith.wat")];
    for e in engines {
        args.extend(["--engine".into(), e.into()]);
    }
    let run = harness(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("RESULT: DEVIATION FROM THE SPEC at step 2 (invoke `add`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("deviating: test-wrong-value"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+++ test-wrong-value"),
        "a side-by-side diff: {}",
        run.stdout
    );
}

fn crash_is_reported(engine: &str, needle: &str, extra: &[&str]) {
    let (code, report) = diff_json(
        &example("div-traps.wat"),
        &["wasmtime-cranelift", "wasmi", engine],
        extra,
    );
    assert_eq!(code, 1, "a crash is a finding");
    let c = &report["comparison"];
    assert_eq!(c["deviating"], serde_json::json!([engine]));
    let crashed = &c["steps"][1]["crashed"][0];
    assert_eq!(crashed["engine"], engine);
    assert!(
        crashed["note"].as_str().unwrap().contains(needle),
        "{crashed}"
    );
    assert_eq!(invocation(&report, engine, 0)["outcome"], "crash");
    // The other engines' results are all there.
    for other in ["wasmtime-cranelift", "wasmi"] {
        for k in 0..6 {
            let o = invocation(&report, other, k);
            assert!(
                o["outcome"] == "trap" || o["outcome"] == "return",
                "{other} {k}: {o}"
            );
        }
    }
    assert_eq!(
        c["steps"][2]["status"], "agree",
        "the survivors are still compared"
    );
}

#[test]
fn an_abort_is_a_crash_and_the_others_still_report() {
    crash_is_reported("test-abort", "SIGABRT", &[]);
}

#[test]
fn a_segfault_is_a_crash_and_the_others_still_report() {
    crash_is_reported("test-segfault", "SIGSEGV", &[]);
}

#[test]
fn running_out_of_memory_is_a_crash() {
    crash_is_reported("test-oom", "memory allocation", &["--worker-memory", "512"]);
}

#[test]
fn a_hang_ends_at_the_wall_clock_limit() {
    let (code, report) = diff_json(
        &example("div-traps.wat"),
        &["wasmi", "wasmtime-winch", "test-hang"],
        &["--timeout", "1"],
    );
    assert_eq!(code, 0, "a timeout is inconclusive, not a divergence");
    let o = invocation(&report, "test-hang", 0);
    assert_eq!(o["outcome"], "timeout");
    assert!(o["message"].as_str().unwrap().contains("wall-clock"), "{o}");
}

#[test]
fn a_module_some_engines_reject_is_a_divergence() {
    let (code, report) = diff_json(
        &example("arith.wat"),
        &["wasmi", "wasmtime-cranelift", "test-reject"],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        report["comparison"]["first_divergence"],
        serde_json::json!({"step": "instantiate"})
    );
    assert_eq!(
        report["comparison"]["deviating"],
        serde_json::json!(["test-reject"])
    );
}

#[test]
fn a_grow_that_fails_in_one_engine_is_a_resource_difference() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "grow.wat",
        br#"(module (memory (export "m") 1)
             (func (export "grow") (result i32) (memory.grow (i32.const 2)))
             (func (export "size") (result i32) (memory.size)))"#,
    );
    let (code, report) = diff_json(
        m.to_str().unwrap(),
        &["wasmi", "wasmtime-cranelift", "test-small-memory"],
        &[],
    );
    assert_eq!(code, 0, "{report:#}");
    let step = &report["comparison"]["steps"][1];
    assert_eq!(step["status"], "resource");
    assert!(
        step["notes"][0]
            .as_str()
            .unwrap()
            .contains("a grow failed in test-small-memory"),
        "{step}"
    );
    assert_eq!(
        invocation(&report, "test-small-memory", 0)["values"][0]["value"],
        u32::MAX.to_string()
    );
    assert_eq!(
        report["comparison"]["steps"][2]["inconclusive"][0]["engine"],
        "test-small-memory"
    );
}

#[test]
fn save_writes_a_finding_directory() {
    let dir = tempfile::tempdir().unwrap();
    let run = harness(&[
        "diff",
        &example("arith.wat"),
        "--engine",
        "wasmi",
        "--engine",
        "test-wrong-value",
        "--save",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    let finding = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for f in [
        "module.wasm",
        "module.wat",
        "plan.json",
        "observations.json",
        "comparison.json",
        "report.md",
        "repro",
    ] {
        assert!(finding.join(f).exists(), "{f} in {}", finding.display());
    }
    let report = std::fs::read_to_string(finding.join("report.md")).unwrap();
    assert!(report.contains("test-wrong-value"), "{report}");
    // The saved plan reproduces the divergence.
    let plan = finding.join("plan.json");
    let module = finding.join("module.wasm");
    let again = harness(&[
        "diff",
        module.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--engine",
        "wasmi",
        "--engine",
        "test-wrong-value",
    ]);
    assert_eq!(again.code, 1, "{}", again.stdout);
}

#[test]
fn a_wrong_memory_byte_is_located() {
    let engines = ["wasmi", "wasmtime-cranelift", "test-wrong-memory"];
    let mut args = vec![
        "diff".to_string(),
        example("memory.wat"),
        "--invoke".into(),
        "store".into(),
        "0x01020304".into(),
    ];
    args.splice(
        2..2,
        engines
            .iter()
            .flat_map(|e| ["--engine".to_string(), e.to_string()]),
    );
    let run = harness(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "RESULT: DEVIATION FROM THE SPEC at step 3 (final state); deviating: test-wrong-memory"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the spec allows memory `mem` byte 100 (0x64) = 0x04"),
        "{}",
        run.stdout
    );
    // i32.store at 100 wrote 04 03 02 01; the faulty engine reports byte 100 flipped.
    assert!(
        run.stdout
            .contains("first differs at byte 100 (0x64): 0x60: 00 00 00 00 04 03 02 01"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("0x60: 00 00 00 00 fb 03 02 01"),
        "{}",
        run.stdout
    );
}

fn spec_verdicts(report: &serde_json::Value) -> Vec<(String, String)> {
    report["spec"]["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["engine"].as_str().unwrap().to_string(),
                e["verdict"]["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_wrong_nan_class_deviates_from_the_spec_though_engines_cannot_tell() {
    let (code, report) = diff_json(
        &example("nan.wat"),
        &["wasmi", "wasmtime-cranelift", "test-wrong-nan"],
        &[],
    );
    assert_eq!(code, 1);
    // Between engines, a canonical and a non-canonical arithmetic NaN may both be legal...
    assert_eq!(report["comparison"]["verdict"], "agree");
    // ...but 0/0 has no NaN operand: the spec allows only a canonical NaN.
    let verdicts = spec_verdicts(&report);
    assert_eq!(
        verdicts[2],
        ("test-wrong-nan".to_string(), "deviates".to_string())
    );
    assert_eq!(
        report["spec"]["engines"][2]["verdict"]["step"],
        serde_json::json!({"step": "invoke", "index": 0})
    );
    assert!(
        report["spec"]["engines"][2]["verdict"]["expected"]
            .as_str()
            .unwrap()
            .contains("nan:canonical")
    );
    assert_eq!(verdicts[0].1, "conforms");
    assert_eq!(verdicts[1].1, "conforms");
}

#[test]
fn a_wrong_trap_kind_deviates_from_the_spec() {
    let (code, report) = diff_json(
        &example("div-traps.wat"),
        &["wasmi", "test-wrong-trap"],
        &[],
    );
    assert_eq!(code, 1);
    let v = &report["spec"]["engines"][1]["verdict"];
    assert_eq!(v["verdict"], "deviates");
    assert_eq!(v["expected"], "trap: integer divide by zero");
    assert_eq!(v["got"], "trap: integer overflow");
}

#[test]
fn crashes_and_resource_limits_are_judged_too() {
    let (code, report) = diff_json(&example("div-traps.wat"), &["wasmi", "test-segfault"], &[]);
    assert_eq!(code, 1);
    assert_eq!(spec_verdicts(&report)[1].1, "deviates");
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "grow.wat", br#"(module (memory (export "m") 1) (func (export "grow") (result i32) (memory.grow (i32.const 2))))"#);
    let (code, report) = diff_json(m.to_str().unwrap(), &["wasmi", "test-small-memory"], &[]);
    assert_eq!(code, 0, "a failed grow is allowed");
    assert_eq!(spec_verdicts(&report)[1].1, "inconclusive");
}
