//! The external engines on the examples, through `harness diff` and `harness wast`.
//!
//! An engine that is not installed is skipped with a note, except where it must be there:
//! in CI (`CI` set, after `scripts/install-engines.sh`) or with `HARNESS_REQUIRE_ENGINES=1`,
//! where a missing engine fails the test.

mod common;

use std::path::Path;

use common::{example, harness};

fn installed() -> Vec<String> {
    let v = harness(&["engines", "--json"]).json();
    v["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

/// The engines of `wanted` that are here; a missing one fails when engines are required.
fn present(wanted: &[&str]) -> Vec<String> {
    let have = installed();
    let required = std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var_os("HARNESS_REQUIRE_ENGINES").is_some_and(|v| v == "1");
    let mut out = Vec::new();
    for w in wanted {
        if have.iter().any(|h| h == w) {
            out.push(w.to_string());
        } else if required {
            panic!("engine {w} is not installed: run scripts/install-engines.sh");
        } else {
            eprintln!("note: engine {w} is not installed here; not tested");
        }
    }
    out
}

const V8: [&str; 4] = [
    "v8-20-liftoff",
    "v8-20-turbofan",
    "v8-26-liftoff",
    "v8-26-turbofan",
];

fn diff(module: &str, engines: &[String], extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<String> = vec!["diff".into(), module.into(), "--json".into()];
    for e in engines {
        args.push("--engine".into());
        args.push(e.clone());
    }
    // Last: `--invoke` takes every word after it.
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    harness(&refs).json()
}

/// The examples on which every engine of `engines` must conform.
const CONFORMING: [&str; 15] = [
    "arith.wat",
    "nan.wat",
    "div-traps.wat",
    "multi-value.wat",
    "globals.wat",
    "memory.wat",
    "table.wat",
    "call-indirect.wat",
    "conversions.wat",
    "references.wat",
    "spectest-imports.wat",
    "start-trap.wat",
    "unreachable.wat",
    "invalid.wat",
    "unlinkable.wat",
];

fn all_conform(engines: &[String], engine: &str, examples: &[&str]) {
    for ex in examples {
        let report = diff(&example(ex), engines, &[]);
        assert_eq!(verdict(&report, engine), "conforms", "{ex}: {report}");
    }
}

/// `tests/wast/mixed.wast` on wasmi and `engine`: the rows of the conformance table.
fn mixed_script_rows(engine: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wast/mixed.wast");
    harness(&[
        "wast",
        script.to_str().unwrap(),
        "--json",
        "--engine",
        "wasmi",
        "--engine",
        engine,
    ])
    .json()
}

fn verdict(report: &serde_json::Value, engine: &str) -> String {
    report["spec"]["engines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["engine"] == engine)
        .map(|e| e["verdict"]["verdict"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no verdict for {engine}: {report}"))
}

#[test]
fn v8_tiers_conform_on_the_examples() {
    let engines = present(&V8);
    if engines.is_empty() {
        return;
    }
    for ex in [
        "arith.wat",
        "nan.wat",
        "div-traps.wat",
        "multi-value.wat",
        "globals.wat",
        "memory.wat",
        "table.wat",
        "simd.wat",
        "references.wat",
        "spectest-imports.wat",
        "start-trap.wat",
        "unreachable.wat",
        "invalid.wat",
        "unlinkable.wat",
    ] {
        let report = diff(&example(ex), &engines, &[]);
        for e in &engines {
            assert_eq!(verdict(&report, e), "conforms", "{ex}: {e}");
        }
    }
}

#[test]
fn v8_keeps_nan_payloads_and_i64_bits_exact() {
    let engines = present(&V8);
    for e in &engines {
        let report = diff(&example("nan.wat"), std::slice::from_ref(e), &[]);
        // neg of nan:0x1 is the signalling NaN 0xff800001: it crosses as integer bits.
        assert_eq!(
            common::invocation(&report, e, 5)["values"][0]["value"],
            (0xff80_0001u32).to_string(),
            "{e}"
        );
        let report = diff(
            &example("arith.wat"),
            std::slice::from_ref(e),
            &["--invoke", "mul64", "0x7fffffffffffffff", "3"],
        );
        assert_eq!(
            common::invocation(&report, e, 0)["values"][0]["value"],
            (0x7fff_ffff_ffff_ffffu64.wrapping_mul(3)).to_string(),
            "{e}"
        );
    }
}

#[test]
fn v8_reports_what_it_cannot_tell_apart_as_its_own_text() {
    // V8 has one message for a null slot and a mismatched one in call_indirect, and one
    // for both trunc traps: they are deviations with V8's text, never a wrong spec name.
    let engines = present(&V8);
    for e in &engines {
        let report = diff(&example("conversions.wat"), std::slice::from_ref(e), &[]);
        let out = report["observations"][0]["invocations"].to_string();
        assert!(
            out.contains("float unrepresentable in integer range"),
            "{e}: {out}"
        );
    }
}

/// V8 says "function signature mismatch" for a null slot and a mismatched one alike: in a
/// start function too, that trap is not judged by its kind (a campaign once reported it).
#[test]
fn v8_start_function_traps_it_cannot_name_are_not_deviations() {
    let engines = present(&V8);
    if engines.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let m = module(
        &dir,
        "null-slot.wat",
        r#"(module (type (func)) (table 1 funcref)
             (func $s (call_indirect (type 0) (i32.const 0)))
             (start $s)
             (func (export "f")))"#,
    );
    let report = diff(&m, &engines, &[]);
    for e in &engines {
        assert_eq!(verdict(&report, e), "inconclusive", "{e}: {report}");
    }
}

#[test]
fn a_hung_v8_run_times_out_and_the_next_run_gets_a_fresh_driver() {
    let engines = present(&V8[..1]);
    for e in &engines {
        let report = diff(
            &example("infinite-loop.wat"),
            std::slice::from_ref(e),
            &["--timeout", "0.5"],
        );
        let steps = report["observations"][0]["invocations"].to_string();
        assert!(steps.contains("timeout"), "{e}: {steps}");
        let again = diff(&example("arith.wat"), std::slice::from_ref(e), &[]);
        assert_eq!(verdict(&again, e), "conforms");
    }
}

#[test]
fn v8_runs_scripts_like_the_bundled_engines() {
    let engines = present(&V8);
    if engines.is_empty() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wast/mixed.wast");
    let mut args = vec![
        "wast".to_string(),
        script.display().to_string(),
        "--json".into(),
        "--engine".into(),
        "wasmi".into(),
    ];
    for e in &engines {
        args.push("--engine".into());
        args.push(e.clone());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let v = harness(&refs).json();
    let tallies = v["engines"].as_array().unwrap();
    for t in &tallies[1..] {
        assert_eq!(t["passed"], tallies[0]["passed"], "{}", t["engine"]);
        assert_eq!(t["failed"], tallies[0]["failed"], "{}", t["engine"]);
    }
}

#[test]
fn wabt_conforms_on_the_examples() {
    let engines = present(&["wabt"]);
    if engines.is_empty() {
        return;
    }
    for ex in [
        "arith.wat",
        "nan.wat",
        "div-traps.wat",
        "multi-value.wat",
        "globals.wat",
        "memory.wat",
        "table.wat",
        "call-indirect.wat",
        "conversions.wat",
        "simd.wat",
        "references.wat",
        "start-trap.wat",
        "unreachable.wat",
        "invalid.wat",
        "unlinkable.wat",
        // Host-call floats (WABT prints them rounded: judged as near) and `spectest`'s
        // float globals (WABT's own are 666.0: the standard host's are registered over it).
        "spectest-imports.wat",
    ] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(verdict(&report, "wabt"), "conforms", "{ex}: {report}");
    }
    let report = diff(
        &example("infinite-loop.wat"),
        &engines,
        &["--timeout", "0.5"],
    );
    assert!(
        report["observations"][0]["invocations"]
            .to_string()
            .contains("wall-clock"),
        "{report}"
    );
}

/// A module of its own, written to a temporary directory.
fn module(dir: &tempfile::TempDir, name: &str, wat: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, wat).unwrap();
    path.to_str().unwrap().to_string()
}

/// A campaign once blamed WABT for the host calls of an invocation: printed right after
/// the module's ping, they were read as the start function's.
#[test]
fn wabt_host_calls_of_an_invocation_are_its_own() {
    let engines = present(&["wabt"]);
    if engines.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let m = module(
        &dir,
        "print.wat",
        r#"(module
             (import "spectest" "print" (func $p))
             (import "spectest" "print_i32" (func $pi (param i32)))
             (func $s (call $pi (i32.const 1)))
             (start $s)
             (func (export "f") (call $p) (call $pi (i32.const 2)))
             (func (export "g") (call $pi (i32.const 3))))"#,
    );
    let report = diff(&m, &engines, &[]);
    assert_eq!(verdict(&report, "wabt"), "conforms", "{report}");
}

/// Binaryen runs a whole plan in one `wasm-opt`: a call that loops until the wall clock
/// ends it is that call's timeout, after the calls before it, not the instantiation's (a
/// campaign once reported a hang at instantiation).
#[test]
fn binaryen_times_out_in_the_call_that_loops() {
    let engines = present(&["binaryen"]);
    if engines.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let m = module(
        &dir,
        "loop.wat",
        r#"(module (func (export "a") (result i32) (i32.const 1))
             (func (export "spin") (loop (br 0))))"#,
    );
    let report = diff(&m, &engines, &["--timeout", "1", "--invoke", "a"]);
    assert_eq!(verdict(&report, "binaryen"), "conforms", "{report}");
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"version": 1, "invocations": [{"export": "a"}, {"export": "spin"}]}"#,
    )
    .unwrap();
    let report = diff(
        &m,
        &engines,
        &["--timeout", "1", "--plan", plan.to_str().unwrap()],
    );
    let obs = &report["observations"][0];
    assert_eq!(
        obs["instantiation"]["outcome"]["outcome"], "instantiated",
        "{report}"
    );
    let steps = obs["invocations"].as_array().unwrap();
    assert_eq!(steps[0]["outcome"]["outcome"], "return", "{report}");
    assert_eq!(steps[1]["outcome"]["outcome"], "timeout", "{report}");
}

/// Binaryen 108's validator refuses a passive segment larger than the memory (valid: it is
/// checked only when `memory.init` runs): a rejection, reported as such, not a crash.
#[test]
fn binaryen_refusing_a_valid_module_rejects_it() {
    let engines = present(&["binaryen"]);
    if engines.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = "\\00".repeat(70_000);
    let m = module(
        &dir,
        "passive.wat",
        &format!(
            r#"(module (memory 1) (data "{data}") (func (export "f") (result i32) (i32.const 7)))"#
        ),
    );
    let report = diff(&m, &engines, &[]);
    let outcome = &report["observations"][0]["instantiation"]["outcome"];
    assert_eq!(outcome["outcome"], "rejected", "{report}");
    assert_eq!(verdict(&report, "binaryen"), "deviates", "{report}");
}

#[test]
fn wabt_runs_scripts_like_the_bundled_engines() {
    if present(&["wabt"]).is_empty() {
        return;
    }
    let v = mixed_script_rows("wabt");
    let t = v["engines"].as_array().unwrap();
    assert_eq!(t[1]["passed"], t[0]["passed"]);
    assert_eq!(t[1]["failed"], t[0]["failed"]);
}

#[test]
fn wasm3_conforms_on_the_examples_it_implements() {
    let engines = present(&["wasm3"]);
    if engines.is_empty() {
        return;
    }
    for ex in [
        "div-traps.wat",
        "multi-value.wat",
        "globals.wat",
        "memory.wat",
        "conversions.wat",
        "unreachable.wat",
        "invalid.wat",
    ] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(verdict(&report, "wasm3"), "conforms", "{ex}: {report}");
    }
    // What it does not implement is unsupported, not a deviation; so are `spectest`'s
    // memory, table and globals, which its Python host cannot give a module.
    for ex in ["simd.wat", "spectest-imports.wat"] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(
            report["observations"][0]["instantiation"]["outcome"]["outcome"], "unsupported",
            "{ex}: {report}"
        );
    }
    // Host-call floats reach its Python host as doubles, which quiets a signalling NaN:
    // judged as near, that is no deviation.
    let dir = tempfile::tempdir().unwrap();
    let m = module(
        &dir,
        "snan.wat",
        r#"(module (import "spectest" "print_f32" (func $p (param f32)))
             (func (export "f") (call $p (f32.const nan:0x200001)) (call $p (f32.const 0.1))))"#,
    );
    let report = diff(&m, &engines, &[]);
    assert_eq!(verdict(&report, "wasm3"), "conforms", "{report}");
    // A memory of no pages is read (pywasm3 gives none for it); tables cannot be (the probes
    // need `table.size`, which wasm3 lacks): not judged. A null slot and an index out of
    // range are both "undefined element" to wasm3: inconclusive.
    let m = module(
        &dir,
        "state.wat",
        r#"(module (memory (export "m") 0 10) (table (export "t") 1 22 funcref)
             (type $v (func))
             (func (export "f") (call_indirect (type $v) (i32.const 0))))"#,
    );
    let report = diff(&m, &engines, &[]);
    assert_eq!(verdict(&report, "wasm3"), "inconclusive", "{report}");
    let state = &report["observations"][0]["final_state"];
    assert_eq!(state["memories"][0]["size"], 0, "{report}");
    assert_eq!(state["unobserved"][0], "t", "{report}");
    // In a script, the commands on such a module are skipped with it, not failed.
    let script = module(
        &dir,
        "memory.wast",
        r#"(module (import "spectest" "memory" (memory 1)) (func (export "f") (result i32) (i32.const 1)))
           (assert_return (invoke "f") (i32.const 1))
           (module (func (export "g") (result i32) (i32.const 2)))
           (assert_return (invoke "g") (i32.const 2))"#,
    );
    let rows = harness(&["wast", &script, "--json", "--engine", "wasm3"]).json();
    let row = &rows["engines"][0];
    assert_eq!(row["failed"], 0, "{rows}");
    assert_eq!(row["skipped"], 1, "{rows}");
    assert_eq!(row["passed"], 1, "{rows}");
    // Unbounded recursion: exhaustion, or a crash of the driver (wasm3 can overflow its
    // own stack), then the next run gets a new driver.
    let report = diff(&example("recursion.wat"), &engines, &["--timeout", "2"]);
    let steps = report["observations"][0]["invocations"].to_string();
    assert!(
        steps.contains("exhaustion") || steps.contains("crash"),
        "{steps}"
    );
    let again = diff(
        &example("arith.wat"),
        &engines,
        &["--invoke", "add", "1", "2"],
    );
    assert_eq!(verdict(&again, "wasm3"), "conforms");
}

#[test]
fn binaryen_conforms_on_the_examples_it_can_run() {
    let engines = present(&["binaryen"]);
    if engines.is_empty() {
        return;
    }
    for ex in [
        "arith.wat",
        "nan.wat",
        "div-traps.wat",
        "globals.wat",
        "memory.wat",
        "call-indirect.wat",
        "conversions.wat",
        "simd.wat",
        "start-trap.wat",
        "unreachable.wat",
        "invalid.wat",
    ] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(verdict(&report, "binaryen"), "conforms", "{ex}: {report}");
    }
    // `--fuzz-exec` has no standard host: modules with imports are not run.
    let report = diff(&example("spectest-imports.wat"), &engines, &[]);
    assert_eq!(
        report["observations"][0]["instantiation"]["outcome"]["outcome"],
        "unsupported"
    );
}

#[test]
fn wasmtime_cli_conforms_on_the_examples() {
    let engines = present(&["wasmtime-cli"]);
    if engines.is_empty() {
        return;
    }
    all_conform(&engines, "wasmtime-cli", &CONFORMING);
    all_conform(&engines, "wasmtime-cli", &["simd.wat"]);
    // Exhaustion and the fuel limit end in `inconclusive`, and the steps after them run.
    let report = diff(&example("recursion.wat"), &engines, &[]);
    assert_eq!(verdict(&report, "wasmtime-cli"), "inconclusive", "{report}");
    let report = diff(
        &example("infinite-loop.wat"),
        &engines,
        &["--fuel", "100000"],
    );
    assert!(
        report["observations"][0]["invocations"]
            .to_string()
            .contains("fuel"),
        "{report}"
    );
}

#[test]
fn wasmtime_cli_keeps_the_state_a_trap_leaves_for_the_next_steps() {
    let engines = present(&["wasmtime-cli"]);
    if engines.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wat = dir.path().join("state.wat");
    // `bump` adds one to the global and to memory, then traps when its argument is 1: the
    // steps after the trap see what it left.
    std::fs::write(
        &wat,
        r#"(module
             (memory (export "mem") 1)
             (global $g (export "g") (mut i32) (i32.const 0))
             (func (export "bump") (param i32) (result i32)
               (global.set $g (i32.add (global.get $g) (i32.const 1)))
               (i32.store (i32.const 8) (global.get $g))
               (if (local.get 0) (then unreachable))
               (global.get $g)))"#,
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"version":1,"invocations":[
             {"export":"bump","args":[{"type":"i32","value":"0"}]},
             {"export":"bump","args":[{"type":"i32","value":"1"}]},
             {"export":"bump","args":[{"type":"i32","value":"1"}]},
             {"export":"bump","args":[{"type":"i32","value":"0"}]}]}"#,
    )
    .unwrap();
    let mut engines = engines;
    engines.push("wasmtime-cranelift".into());
    let report = diff(
        wat.to_str().unwrap(),
        &engines,
        &["--plan", plan.to_str().unwrap()],
    );
    assert_eq!(verdict(&report, "wasmtime-cli"), "conforms", "{report}");
    let obs = report["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["engine"] == "wasmtime-cli")
        .unwrap();
    let text = obs["invocations"][3].to_string();
    assert!(text.contains("\"4\""), "{obs}");
}

#[test]
fn wasmtime_cli_runs_scripts_like_the_bundled_engines() {
    if present(&["wasmtime-cli"]).is_empty() {
        return;
    }
    let v = mixed_script_rows("wasmtime-cli");
    let t = v["engines"].as_array().unwrap();
    assert_eq!(t[1]["passed"], t[0]["passed"], "{v}");
    assert_eq!(t[1]["failed"], t[0]["failed"], "{v}");
}

#[test]
fn wamr_aot_runs_plans_as_self_checking_modules() {
    let engines = present(&["wamr-aot"]);
    if engines.is_empty() {
        return;
    }
    for ex in ["globals.wat", "nan.wat"] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(verdict(&report, "wamr-aot"), "conforms", "{ex}: {report}");
    }
    // A trap where the spec requires one: WAMR does not say which, so not judged.
    for ex in ["div-traps.wat", "multi-value.wat"] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(
            verdict(&report, "wamr-aot"),
            "inconclusive",
            "{ex}: {report}"
        );
    }
    // wamrc 3.0.0-dev.14 computes `i32.rotl` of -1 by -2 wrong: the self-checking module
    // names the step.
    let report = diff(&example("arith.wat"), &engines, &[]);
    assert_eq!(verdict(&report, "wamr-aot"), "deviates", "{report}");
    assert!(
        report["observations"][0]["invocations"]
            .to_string()
            .contains("step 2"),
        "{report}"
    );
    // An invalid module is rejected by wamrc.
    let report = diff(&example("invalid.wat"), &engines, &[]);
    assert_eq!(verdict(&report, "wamr-aot"), "conforms", "{report}");
}

#[test]
fn wamr_aot_runs_scripts_module_by_module() {
    let engines = present(&["wamr-aot"]);
    if engines.is_empty() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wast/mixed.wast");
    let v = harness(&[
        "wast",
        script.to_str().unwrap(),
        "--json",
        "--engine",
        "wamr-aot",
    ])
    .json();
    let e = &v["engines"][0];
    let failures = e["failures"].to_string();
    // The assertion that is wrong on purpose fails with the value WAMR returned; the calls
    // and module assertions it can run pass.
    assert!(failures.contains("got returned [i32:3]"), "{v}");
    assert!(e["passed"].as_u64().unwrap() >= 5, "{v}");
}

/// The Wasmer engines (`scripts/install-engines.sh` builds `harness-wasmer`).
fn wasmer_built() -> Vec<String> {
    present(&["wasmer-cranelift", "wasmer-singlepass"])
}

#[test]
fn wasmer_conforms_on_the_examples_keeps_nan_bits_and_trap_kinds_and_runs_scripts() {
    for e in wasmer_built() {
        let report = diff(
            &example("arith.wat"),
            &[e.clone(), "reference".to_string()],
            &[],
        );
        assert_eq!(verdict(&report, &e), "conforms", "{report}");
        all_conform(std::slice::from_ref(&e), &e, &CONFORMING);
        // neg of nan:0x1 is the signalling NaN 0xff800001: its bits cross exactly.
        let report = diff(&example("nan.wat"), std::slice::from_ref(&e), &[]);
        assert_eq!(
            common::invocation(&report, &e, 5)["values"][0]["value"],
            (0xff80_0001u32).to_string(),
            "{e}"
        );
        // i32.div_u by zero traps with the spec's kind, i32.div_s of the minimum by -1 too.
        let report = diff(&example("div-traps.wat"), std::slice::from_ref(&e), &[]);
        let kinds = report["observations"][0]["invocations"].to_string();
        assert!(kinds.contains("integer divide by zero"), "{e}: {kinds}");
        assert!(kinds.contains("integer overflow"), "{e}: {kinds}");
        // A script with register, linking, a NaN pattern, traps and module assertions: the
        // same rows as wasmi, the assertions wrong on purpose failing on both.
        let v = mixed_script_rows(&e);
        let t = v["engines"].as_array().unwrap();
        assert_eq!(t[1]["passed"], t[0]["passed"], "{v}");
        assert_eq!(t[1]["failed"], t[0]["failed"], "{v}");
        assert!(t[1]["passed"].as_u64().unwrap() >= 10, "{v}");
    }
}

#[test]
fn a_hung_wasmer_run_times_out_and_the_next_run_gets_a_fresh_process() {
    for e in wasmer_built().into_iter().take(1) {
        // Fuel enough for hours: the wall clock stops it.
        let report = diff(
            &example("infinite-loop.wat"),
            std::slice::from_ref(&e),
            &["--timeout", "0.5", "--fuel", "1000000000000000"],
        );
        let steps = report["observations"][0]["invocations"].to_string();
        assert!(steps.contains("wall-clock limit of 500 ms"), "{e}: {steps}");
        let again = diff(&example("arith.wat"), std::slice::from_ref(&e), &[]);
        assert_eq!(verdict(&again, &e), "conforms");
    }
}

#[test]
fn wasmer_stops_loops_by_fuel_in_calls_and_start_functions_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let start = dir.path().join("start-loop.wat");
    std::fs::write(&start, "(module (func $s (loop (br 0))) (start $s))").unwrap();
    for e in wasmer_built() {
        // The wall clock (10 s by default) is far: fuel ends the loop, and the next call
        // runs in the same process with its fuel anew.
        let report = diff(
            &example("infinite-loop.wat"),
            std::slice::from_ref(&e),
            &["--fuel", "1000000"],
        );
        let spin = common::invocation(&report, &e, 0);
        assert_eq!(spin["outcome"], "timeout", "{e}: {report}");
        assert_eq!(spin["message"], "fuel limit of 1000000 exhausted", "{e}");
        let after = common::invocation(&report, &e, 1);
        assert_eq!(after["values"][0]["value"], "42", "{e}: {report}");
        let report = diff(
            start.to_str().unwrap(),
            std::slice::from_ref(&e),
            &["--fuel", "1000000"],
        );
        let inst = &report["observations"][0]["instantiation"]["outcome"];
        assert_eq!(inst["outcome"], "timeout", "{e}: {report}");
        assert_eq!(inst["message"], "fuel limit of 1000000 exhausted", "{e}");
    }
}

/// `harness diff` asks Wasmer for its memories' bytes: a wrong byte of another engine is
/// located against Wasmer's, both shown.
#[cfg(feature = "test-engines")]
#[test]
fn wasmer_gives_memory_contents_so_a_wrong_byte_is_located() {
    for e in wasmer_built() {
        let run = harness(&[
            "diff",
            &example("memory.wat"),
            "--engine",
            &e,
            "--engine",
            "test-wrong-memory",
            "--invoke",
            "store",
            "0x01020304",
        ]);
        assert_eq!(run.code, 1, "{e}: {}", run.stdout);
        assert!(
            run.stdout
                .contains("first differs at byte 100 (0x64): 0x60: 00 00 00 00 04 03 02 01"),
            "{e}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("0x60: 00 00 00 00 fb 03 02 01"),
            "{e}: {}",
            run.stdout
        );
    }
}

#[test]
fn gen_writes_self_checking_modules_that_a_bare_command_line_runs() {
    let dir = tempfile::tempdir().unwrap();
    // The first seeds whose module the spec lets instantiate.
    let mut written = Vec::new();
    for seed in 0..40 {
        let out = dir.path().join(format!("s{seed}.wasm"));
        let run = harness(&[
            "gen",
            "--seed",
            &seed.to_string(),
            "--self-checking",
            "-o",
            out.to_str().unwrap(),
        ]);
        if run.code == 0 {
            assert!(
                run.stderr.contains("self-checking: _start performs"),
                "{}",
                run.stderr
            );
            written.push(out);
        } else {
            // A clear one-line reason, never a panic.
            assert!(
                run.stderr.contains("cannot make a self-checking module"),
                "{}",
                run.stderr
            );
            assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        }
        if written.len() == 5 {
            break;
        }
    }
    assert_eq!(written.len(), 5);
    for m in &written {
        let bytes = std::fs::read(m).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("wasi_snapshot_preview1") && text.contains("_start"));
    }
    // On the wasmtime CLI (a correct engine): each exits 0, or with its own trap status (134)
    // when the plan ends in a trap the spec requires; never with a step's status (10..=125).
    if present(&["wasmtime-cli"]).is_empty() {
        return;
    }
    let prefix =
        std::env::var("HARNESS_ENGINES_PREFIX").unwrap_or_else(|_| "/opt/harness-engines".into());
    let wasmtime = Path::new(&prefix).join("bin/wasmtime");
    for m in &written {
        let status = std::process::Command::new(&wasmtime)
            .arg("run")
            .arg(m)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap()
            .status
            .code()
            .unwrap_or(-1);
        assert!(status == 0 || status == 134, "{}: {status}", m.display());
    }
}
