//! `harness diff` on the bundled engines: every example, and every kind of bad input.

mod common;

use common::{example, harness, invocation, write};

const BUNDLED: [&str; 4] = [
    "wasmtime-cranelift",
    "wasmtime-winch",
    "wasmtime-pulley",
    "wasmi",
];

/// Every example's expected verdict: none of them makes the bundled engines diverge.
#[test]
fn every_example_has_its_verdict() {
    let expected = [
        ("arith.wat", "agree"),
        ("call-indirect.wat", "agree"),
        ("conversions.wat", "agree"),
        ("div-traps.wat", "agree"),
        ("globals.wat", "agree"),
        ("infinite-loop.wat", "agree"),
        ("invalid.wat", "all-reject"),
        ("memory.wat", "agree"),
        ("multi-value.wat", "agree"),
        ("nan.wat", "agree"),
        ("recursion.wat", "agree"),
        ("references.wat", "agree"),
        ("simd.wat", "agree"),
        ("spectest-imports.wat", "agree"),
        ("start-trap.wat", "agree"),
        ("table.wat", "agree"),
        ("unlinkable.wat", "agree"),
        ("unreachable.wat", "agree"),
    ];
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .count();
    assert_eq!(
        on_disk,
        expected.len(),
        "every example has an expectation here"
    );
    for (name, verdict) in expected {
        let run = harness(&["diff", &example(name), "--json"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stdout);
        let report = run.json();
        assert_eq!(report["schema"], "harness.diff/1");
        assert_eq!(report["comparison"]["verdict"], verdict, "{name}");
        assert_eq!(report["exit_code"], 0);
        // Every engine is judged against the spec, and none deviates.
        for e in report["spec"]["engines"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: judged by the spec"))
        {
            let v = e["verdict"]["verdict"].as_str().unwrap();
            assert!(
                ["conforms", "inconclusive", "unsupported"].contains(&v),
                "{name}: {e}"
            );
        }
    }
}

fn text(name: &str, extra: &[&str]) -> String {
    let mut args = vec!["diff", name];
    args.extend_from_slice(extra);
    let run = harness(&args);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run.stdout
}

#[test]
fn every_trap_kind_is_named() {
    let div = text(&example("div-traps.wat"), &[]);
    assert!(div.contains("trap: integer divide by zero"), "{div}");
    assert!(div.contains("trap: integer overflow"), "{div}");
    let conv = text(&example("conversions.wat"), &[]);
    assert!(
        conv.contains("trap: invalid conversion to integer"),
        "{conv}"
    );
    let mem = text(&example("memory.wat"), &[]);
    assert!(mem.contains("trap: out of bounds memory access"), "{mem}");
    let tab = text(&example("table.wat"), &[]);
    assert!(tab.contains("trap: out of bounds table access"), "{tab}");
    let unr = text(&example("unreachable.wat"), &[]);
    assert!(unr.contains("trap: unreachable"), "{unr}");
    let start = text(&example("start-trap.wat"), &[]);
    assert!(
        start.contains("trap during instantiation: out of bounds memory access"),
        "{start}"
    );
    let report = harness(&["diff", &example("call-indirect.wat"), "--json"]).json();
    let plan: Vec<String> = report["plan"]["invocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["export"].as_str().unwrap().to_string())
        .collect();
    let at = |e: &str| plan.iter().position(|p| p == e).unwrap();
    for engine in BUNDLED {
        assert_eq!(
            invocation(&report, engine, at("ok"))["values"][0]["value"],
            "42"
        );
        assert_eq!(
            invocation(&report, engine, at("uninitialized"))["kind"],
            "uninitialized element",
            "{engine}"
        );
        assert_eq!(
            invocation(&report, engine, at("mismatch"))["kind"],
            "indirect call type mismatch",
            "{engine}"
        );
        let undefined = invocation(&report, engine, at("undefined"))["kind"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            ["undefined element", "out of bounds table access"].contains(&undefined.as_str()),
            "{engine}: {undefined}"
        );
    }
}

#[test]
fn nan_results_keep_their_bits_and_classes() {
    let report = harness(&["diff", &example("nan.wat"), "--json"]).json();
    assert_eq!(report["comparison"]["verdict"], "agree");
    for engine in BUNDLED {
        // neg, abs, copysign and reinterpret are exact, signalling payloads included.
        assert_eq!(
            invocation(&report, engine, 5)["values"][0]["value"],
            (0xff80_0001u32).to_string(),
            "{engine}"
        );
        assert_eq!(
            invocation(&report, engine, 6)["values"][0]["value"],
            (0x7ff0_0000_0000_0004u64).to_string()
        );
        assert_eq!(
            invocation(&report, engine, 7)["values"][0]["value"],
            (0xff80_0007u32).to_string()
        );
        assert_eq!(
            invocation(&report, engine, 8)["values"][0]["value"],
            (0x7fa0_0001u32).to_string()
        );
        // 0/0 is a NaN: canonical, since no operand was a NaN.
        let div0: u32 = invocation(&report, engine, 0)["values"][0]["value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(div0 & 0x7fff_ffff, 0x7fc0_0000, "{engine}: {div0:#x}");
    }
}

#[test]
fn multi_value_state_and_host_calls_are_observed() {
    let mv = harness(&["diff", &example("multi-value.wat"), "--json"]).json();
    assert_eq!(
        invocation(&mv, "wasmi", 3)["values"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let globals = text(&example("globals.wat"), &[]);
    assert!(globals.contains("global `count` = i32:10"), "{globals}");
    let imports = text(&example("spectest-imports.wat"), &[]);
    // The default plan (seed 0) passes -2; the module adds spectest.global_i32 (666).
    assert!(
        imports.contains("host call spectest.print_i32(i32:664)"),
        "{imports}"
    );
    assert!(
        imports.contains("host call spectest.print_f64_f64(f64:666.6"),
        "{imports}"
    );
    let mem = harness(&["diff", &example("memory.wat"), "--json"]).json();
    for o in mem["observations"].as_array().unwrap() {
        assert_eq!(
            o["final_state"]["memories"][0]["size"], 131072,
            "{}",
            o["engine"]
        );
    }
}

#[test]
fn an_infinite_loop_ends_within_its_limit_on_every_engine() {
    // Fuel stops it.
    let report = harness(&["diff", &example("infinite-loop.wat"), "--json"]).json();
    for engine in BUNDLED {
        let o = invocation(&report, engine, 0);
        assert_eq!(o["outcome"], "timeout", "{engine}: {o}");
        assert!(o["message"].as_str().unwrap().contains("fuel"), "{o}");
    }
    // With fuel out of reach, the wall clock stops it, and the worker is killed.
    let run = harness(&[
        "diff",
        &example("infinite-loop.wat"),
        "--fuel",
        "100000000000000",
        "--timeout",
        "1",
        "--json",
    ]);
    assert_eq!(run.code, 0);
    let report = run.json();
    for engine in BUNDLED {
        let o = invocation(&report, engine, 0);
        assert_eq!(o["outcome"], "timeout", "{engine}: {o}");
        assert!(o["message"].as_str().unwrap().contains("wall-clock"), "{o}");
    }
}

#[test]
fn exhaustion_and_unsupported_are_not_divergences() {
    let report = harness(&["diff", &example("recursion.wat"), "--json"]).json();
    for engine in BUNDLED {
        assert_eq!(
            invocation(&report, engine, 0)["outcome"],
            "exhaustion",
            "{engine}"
        );
    }
    let refs = harness(&["diff", &example("references.wat"), "--json"]).json();
    assert_eq!(
        refs["comparison"]["unsupported"][0]["engine"],
        "wasmtime-winch"
    );
    let echo = invocation(&refs, "wasmi", 0);
    assert_eq!(echo["outcome"], "return");
}

#[test]
fn invoke_and_plan_files() {
    let run = harness(&[
        "diff",
        &example("arith.wat"),
        "--json",
        "--invoke",
        "add",
        "-1",
        "0x7fffffff",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        invocation(&report, "wasmi", 0)["values"][0]["value"],
        "2147483646"
    );
    let dir = tempfile::tempdir().unwrap();
    let plan = write(
        dir.path(),
        "plan.json",
        br#"{"version": 1, "invocations": [{"export": "fdiv", "args": [{"type": "f32", "value": "2143289345"}, {"type": "f32", "value": "0"}]}]}"#,
    );
    let run = harness(&[
        "diff",
        &example("arith.wat"),
        "--plan",
        plan.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()["plan"]["invocations"].as_array().unwrap().len(),
        1
    );
    // Seeds change the default plan's arguments, deterministically.
    let a = harness(&["diff", &example("arith.wat"), "--json", "--seed", "3"]).json();
    let b = harness(&["diff", &example("arith.wat"), "--json", "--seed", "3"]).json();
    let c = harness(&["diff", &example("arith.wat"), "--json", "--seed", "4"]).json();
    assert_eq!(a["plan"], b["plan"]);
    assert_ne!(a["plan"], c["plan"]);
}

fn usage_error(args: &[&str], needle: &str) {
    let run = harness(args);
    assert_eq!(run.code, 2, "{args:?}: {}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(needle),
        "{args:?}: expected `{needle}` in:\n{}",
        run.stderr
    );
    let lines = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .count();
    assert_eq!(lines, 1, "one clear line: {}", run.stderr);
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    usage_error(
        &["diff", d.join("nope.wasm").to_str().unwrap()],
        "cannot read",
    );
    usage_error(
        &["diff", write(d, "empty.wasm", b"").to_str().unwrap()],
        "is empty",
    );
    let random: Vec<u8> = (0..256u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80)
        .collect();
    usage_error(
        &["diff", write(d, "random.bin", &random).to_str().unwrap()],
        "not a WebAssembly module",
    );
    usage_error(
        &[
            "diff",
            write(d, "bad.wat", b"(module\n  (func (result i32) i32.konst 1))")
                .to_str()
                .unwrap(),
        ],
        "bad.wat:2:",
    );
    let imports = write(
        d,
        "imports.wat",
        br#"(module (import "env" "f" (func (param i32))))"#,
    );
    usage_error(
        &["diff", imports.to_str().unwrap()],
        "\"env\" \"f\" (func [i32] -> [])",
    );
    let arith = example("arith.wat");
    usage_error(
        &["diff", &arith, "--invoke", "nope"],
        "exports no function `nope`",
    );
    usage_error(
        &["diff", &arith, "--invoke", "add", "1"],
        "but 1 arguments were given",
    );
    usage_error(
        &["diff", &arith, "--invoke", "add", "1", "one"],
        "`one` is not a i32 value",
    );
    usage_error(
        &["diff", &arith, "--invoke", "add", "1", "2", "--json"],
        "put options before --invoke",
    );
    usage_error(&["diff", &arith, "--engine", "v9"], "no engine named `v9`");
    usage_error(
        &[
            "diff",
            &arith,
            "--plan",
            write(d, "p1.json", b"{").to_str().unwrap(),
        ],
        "not a valid plan",
    );
    usage_error(
        &[
            "diff",
            &arith,
            "--plan",
            write(d, "p2.json", br#"{"version": 7}"#).to_str().unwrap(),
        ],
        "version 7",
    );
    let wrong_types = br#"{"version": 1, "invocations": [{"export": "add", "args": [{"type": "i64", "value": "1"}]}]}"#;
    usage_error(
        &[
            "diff",
            &arith,
            "--plan",
            write(d, "p3.json", wrong_types).to_str().unwrap(),
        ],
        "step 1 of the plan calls `add`",
    );
    let run = harness(&["diff"]);
    assert_eq!(run.code, 2, "clap usage errors exit 2");
}

#[test]
fn modules_the_engines_must_reject() {
    // Invalid: every engine rejects, each reason shown, exit 0.
    let run = harness(&["diff", &example("invalid.wat")]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("all engines reject the module"),
        "{}",
        run.stdout
    );
    for engine in BUNDLED {
        assert!(
            run.stdout.contains(&format!("  {engine}: rejected: ")),
            "{engine}: {}",
            run.stdout
        );
    }
    // A truncated binary is malformed: rejected by all.
    let dir = tempfile::tempdir().unwrap();
    let full = wat::parse_file(example("arith.wat")).unwrap();
    let cut = write(dir.path(), "cut.wasm", &full[..full.len() / 2]);
    let run = harness(&["diff", cut.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["comparison"]["verdict"], "all-reject");
}

#[test]
fn exports_the_plan_cannot_call_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "nonnull.wat",
        br#"(module (type $t (func)) (func (export "needs_ref") (param (ref $t))) (func (export "fine") (result i32) i32.const 1))"#,
    );
    let run = harness(&["diff", m.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("skipped export `needs_ref`: it takes a non-null (ref 0) argument"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("unsupported: wasmi"), "{}", run.stdout);
}

#[test]
fn engines_lists_versions_configs_and_proposals() {
    let run = harness(&["engines", "--json", "--check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["schema"], "harness.engines/1");
    let engines = v["engines"].as_array().unwrap();
    for name in BUNDLED {
        let e = engines
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        assert_eq!(e["check"], "ok", "{name}");
        assert!(
            e["proposals"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "simd"),
            "{name}"
        );
    }
    let text = harness(&["engines"]).stdout;
    assert!(
        text.contains("wasmtime-cranelift 48.0.8") && text.contains("wasmi 2.0.0"),
        "{text}"
    );
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_command_quietly() {
    // `harness engines | head -1`, `harness diff ... | head`: the reader is gone before
    // the harness writes; the harness stops as a Unix filter does, without a panic.
    for args in [
        vec!["engines"],
        vec!["gen", "--seed", "1", "--wat"],
        vec!["diff", "examples/arith.wat", "--engine", "wasmi"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
