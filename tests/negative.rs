//! `harness gen --negative`: invalid and malformed modules, one broken rule each, as `.wast`
//! scripts every engine must pass.

mod common;

use common::harness;

#[test]
fn every_bundled_engine_rejects_every_negative_test() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("neg");
    let d = dir.to_str().unwrap();
    let run = harness(&["gen", "--negative", d]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let invalid = std::fs::read_to_string(dir.join("invalid.wast")).unwrap();
    let malformed = std::fs::read_to_string(dir.join("malformed.wast")).unwrap();
    assert!(invalid.contains(";; profile: wasm-2.0"));
    // Each assertion names the rule it breaks.
    for text in [&invalid, &malformed] {
        let asserts = text.matches("\n(assert_").count();
        let rules = text.matches("\n;; ").count();
        assert!(asserts > 10 && rules >= asserts, "{asserts} {rules}");
    }
    let mut args = vec!["wast", d, "--json"];
    for e in [
        "reference",
        "wasmi",
        "wasmtime-cranelift",
        "wasmtime-winch",
        "wasmtime-pulley",
    ] {
        args.extend(["--engine", e]);
    }
    let run = harness(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    for e in report["engines"].as_array().unwrap() {
        assert_eq!(e["failed"], 0, "{e:#}");
        assert_eq!(e["skipped"], 0, "{e:#}");
        assert!(e["passed"].as_u64().unwrap() > 50, "{e:#}");
    }
}

#[test]
fn wabt_fails_only_the_data_count_test() {
    // WABT's spectest-interp (through wast2json) runs the scripts unchanged; it accepts a
    // data count section with no data section (README, findings).
    if !on_path("wast2json") || !on_path("spectest-interp") {
        assert!(std::env::var_os("CI").is_none(), "CI installs WABT");
        eprintln!("skipped: WABT is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("neg");
    let d = dir.to_str().unwrap();
    assert_eq!(harness(&["gen", "--negative", d]).code, 0);
    let run = harness(&["wast", d, "--json", "--engine", "wabt"]);
    assert_eq!(run.code, 1, "a failure: exit 1\n{}", run.stderr);
    let report = run.json();
    let wabt = &report["engines"][0];
    assert_eq!(wabt["failed"], 1, "{wabt:#}");
    let failure = wabt["failures"][0].to_string();
    assert!(failure.contains("malformed.wast"), "{failure}");
}

#[test]
fn negative_conflicts_with_the_other_modes() {
    let run = harness(&["gen", "--negative", "x", "--seed", "1"]);
    assert_eq!(run.code, 2);
    let run = harness(&["gen"]);
    assert_eq!(run.code, 2);
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

#[test]
fn the_campaign_runs_the_negative_strategy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("camp");
    let run = harness(&[
        "campaign",
        "--out",
        out.to_str().unwrap(),
        "--cases",
        "60",
        "--strategies",
        "negative=1",
        "--engine",
        "wasmi",
        "--engine",
        "wasmtime-cranelift",
        "--reduce-budget",
        "0",
        "--jobs",
        "1",
    ]);
    assert_eq!(
        run.code, 0,
        "no engine accepts a broken module\n{}",
        run.stderr
    );
    let log = std::fs::read_to_string(out.join("cases.log")).unwrap();
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 60);
    assert!(records.iter().all(|r| r["strategy"] == "negative"));
    // Most cases are judged (a few modules have nothing to break), every engine conforms.
    let judged: Vec<_> = records.iter().filter(|r| r["failed"].is_null()).collect();
    assert!(judged.len() > 40, "{}", judged.len());
    for r in judged {
        for (_, v) in r["verdicts"].as_object().unwrap() {
            assert_eq!(v, "conforms", "{r}");
        }
    }
}

#[test]
fn generated_cases_as_wast_pass_on_every_bundled_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gen");
    let d = dir.to_str().unwrap();
    let run = harness(&["gen", "--wast", d, "--cases", "60", "--seed", "7"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("generated-0000.wast")).unwrap();
    assert!(text.contains(";; profile: wasm-2.0"));
    assert!(text.contains("(assert_return (invoke"), "{text}");
    // The same seed writes the same scripts.
    let again = tmp.path().join("again");
    let run = harness(&[
        "gen",
        "--wast",
        again.to_str().unwrap(),
        "--cases",
        "60",
        "--seed",
        "7",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        std::fs::read(again.join("generated-0001.wast")).unwrap(),
        std::fs::read(dir.join("generated-0001.wast")).unwrap()
    );
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
    let report = run.json();
    for e in report["engines"].as_array().unwrap() {
        assert_eq!(e["failed"], 0, "{e:#}");
        assert!(e["passed"].as_u64().unwrap() > 200, "{e:#}");
    }
}

/// A script's cases share `spectest`: cases 250-299 of seed 0 once expected what a fresh
/// `spectest` gives after an earlier case of the file had grown its memory (and others
/// filled its table), and every engine, the oracle's own `harness wast` included, failed
/// them.
#[test]
fn generated_cases_that_share_spectest_are_expected_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gen");
    let d = dir.to_str().unwrap();
    let run = harness(&["gen", "--wast", d, "--cases", "300", "--seed", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = harness(&[
        "wast",
        d,
        "--json",
        "--engine",
        "reference",
        "--engine",
        "wasmi",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for e in run.json()["engines"].as_array().unwrap() {
        assert_eq!(e["failed"], 0, "{e:#}");
        assert!(e["passed"].as_u64().unwrap() > 2000, "{e:#}");
    }
}

/// A deliberately lax engine (`test-lax-align`: wasmi that accepts an alignment larger than
/// natural) fails exactly the negative tests of that rule (`Memarg_ok`, through a load and a
/// packed store), and nothing else.
#[test]
fn a_lax_engine_is_caught_by_the_negative_tests_of_its_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("neg");
    let d = dir.to_str().unwrap();
    assert_eq!(harness(&["gen", "--negative", d]).code, 0);
    let run = harness(&["wast", d, "--json", "--engine", "test-lax-align"]);
    let report = run.json();
    let engine = &report["engines"][0];
    assert_eq!(engine["engine"], "test-lax-align");
    let failures = engine["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2, "{failures:#?}");
    for f in failures {
        assert_eq!(f["command"], "assert_invalid");
        assert!(f["why"].as_str().unwrap().contains("instantiated"), "{f}");
        // The comment above the failing assertion names the rule the engine fails to check.
        let text = std::fs::read_to_string(f["file"].as_str().unwrap()).unwrap();
        let line = f["line"].as_u64().unwrap() as usize;
        let rule = text.lines().nth(line - 2).unwrap();
        assert!(rule.contains("align"), "{rule}");
    }
    // The same engine passes everything else: wasmi's validation, but for alignment.
    assert_eq!(engine["failed"], 2);
    assert!(engine["passed"].as_u64().unwrap() > 50, "{engine}");
}
