//! `harness gen --aimed`: cases aimed at points of the spec, checked with the oracle,
//! written as `.wast` scripts every engine must pass, and measured by `harness coverage`.

mod common;

use common::harness;

#[test]
fn aimed_cases_reach_their_points_and_pass_on_every_bundled_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("aimed");
    let d = dir.to_str().unwrap();
    let run = harness(&["gen", "--aimed", d, "--attempts", "60", "--seed", "3"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("aimed cases in"), "{}", run.stdout);
    assert!(run.stdout.contains("still missing"), "{}", run.stdout);
    let memory = std::fs::read_to_string(dir.join("aimed-memory.wast")).unwrap();
    assert!(memory.contains(";; profile: wasm-2.0"));
    // Each case names the recipe and the points it reached first.
    assert!(memory.contains(";; memory/bulk-at-bound: "), "{memory}");
    let module = std::fs::read_to_string(dir.join("aimed-module.wast")).unwrap();
    assert!(module.contains("(register \"m"), "{module}");

    let run = harness(&["coverage", d, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let count = |name: &str| {
        report["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["count"].as_u64().unwrap())
            .unwrap_or_else(|| panic!("{name} is no point"))
    };
    for point in [
        "Step_read/memory.copy-gt",
        "Step_read/memory.fill-oob",
        "Step_read/table.init-oob",
        "Step/table.grow-fail",
        "Step_pure/call_indirect",
        "Step_read/ref.cast-fail",
        "Globaltype_sub/var",
        "Limits_sub/max",
        "Externaddr_ok/global",
        "Step_pure/return-label",
    ] {
        assert!(count(point) > 0, "{point} not reached by the aimed suite");
    }

    let mut args = vec!["wast", d, "--json"];
    for e in [
        "reference",
        "wasmi",
        "wasmtime-cranelift",
        "wasmtime-pulley",
    ] {
        args.extend(["--engine", e]);
    }
    let run = harness(&args);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for e in run.json()["engines"].as_array().unwrap() {
        assert_eq!(e["failed"], 0, "{e:#}");
        assert!(e["passed"].as_u64().unwrap() > 50, "{e:#}");
    }
}

#[test]
fn aimed_generation_starts_from_a_suite_and_rejects_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let f = first.to_str().unwrap();
    assert_eq!(harness(&["gen", "--aimed", f, "--attempts", "30"]).code, 0);
    // Aiming again from what the first run wrote finds nothing new to keep.
    let second = tmp.path().join("second");
    let run = harness(&[
        "gen",
        "--aimed",
        second.to_str().unwrap(),
        "--from",
        f,
        "--attempts",
        "30",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("0 aimed cases"), "{}", run.stdout);

    let run = harness(&["gen", "--aimed", f, "--from", "/nonexistent/suite"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("/nonexistent/suite"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);

    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let run = harness(&["gen", "--aimed", file.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("cannot create"), "{}", run.stderr);
}
