//! Custom engines from engine files: the worked example through each protocol, and
//! engines that hang, print garbage or crash, each reported as such while the run goes on.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, example};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs the harness with engine files from `dir` only.
fn harness_with(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .env("HARNESS_ENGINES_DIR", dir)
        .output()
        .expect("the harness binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn examples_dir() -> PathBuf {
    repo("runners/engines/example")
}

fn verdict<'a>(report: &'a serde_json::Value, engine: &str) -> &'a serde_json::Value {
    report["spec"]["engines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["engine"] == engine)
        .map(|e| &e["verdict"])
        .unwrap_or_else(|| panic!("no verdict for {engine}: {report}"))
}

fn observation<'a>(report: &'a serde_json::Value, engine: &str) -> &'a serde_json::Value {
    report["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["engine"] == engine)
        .unwrap_or_else(|| panic!("no observation of {engine}"))
}

#[test]
fn engine_files_are_listed_and_a_broken_one_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(examples_dir()).unwrap() {
        let p = f.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("broken.toml"), "name = [").unwrap();
    let run = harness_with(dir.path(), &["engines", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let names: Vec<&str> = v["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for n in [
        "wasmi",
        "example-invoke",
        "example-invoke-persistent",
        "example-wast",
        "example-command",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let notes = v["notes"].to_string();
    assert!(notes.contains("broken.toml"), "{notes}");
}

#[test]
fn the_example_engine_conforms_through_invoke_and_wast() {
    let dir = examples_dir();
    for ex in [
        "arith.wat",
        "nan.wat",
        "div-traps.wat",
        "multi-value.wat",
        "globals.wat",
    ] {
        let run = harness_with(
            &dir,
            &[
                "diff",
                &example(ex),
                "--engine",
                "wasmi",
                "--engine",
                "example-invoke",
                "--engine",
                "example-invoke-persistent",
                "--engine",
                "example-wast",
                "--json",
            ],
        );
        let report = run.json();
        for e in [
            "example-invoke",
            "example-invoke-persistent",
            "example-wast",
        ] {
            assert_eq!(
                verdict(&report, e)["verdict"],
                "conforms",
                "{ex}: {e}: {}",
                report["spec"]
            );
        }
        // The same observation as the engine behind it, bit for bit.
        assert_eq!(
            observation(&report, "example-invoke")["invocations"],
            observation(&report, "wasmi")["invocations"],
            "{ex}"
        );
    }
}

#[test]
fn the_example_engine_runs_scripts_through_the_wast_protocol() {
    let script = repo("tests/wast/mixed.wast");
    let run = harness_with(
        &examples_dir(),
        &[
            "wast",
            script.to_str().unwrap(),
            "--engine",
            "wasmi",
            "--engine",
            "example-wast",
            "--json",
        ],
    );
    let v = run.json();
    let tallies = v["engines"].as_array().unwrap();
    let (a, b) = (&tallies[0], &tallies[1]);
    assert_eq!(b["engine"], "example-wast");
    assert!(a["passed"].as_u64().unwrap() > 0);
    assert_eq!(a["passed"], b["passed"]);
    assert_eq!(a["failed"], b["failed"]);
}

/// Runs `harness diff` on the example command engine with `EXAMPLE_WASI_RUNTIME` set.
fn diff_command(module: &Path, runtime: Option<&Path>, extra: &[&str]) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harness"));
    cmd.args([
        "diff",
        module.to_str().unwrap(),
        "--engine",
        "example-command",
        "--json",
    ])
    .args(extra)
    .env("HARNESS_ENGINES_DIR", examples_dir());
    if let Some(r) = runtime {
        cmd.env("EXAMPLE_WASI_RUNTIME", r);
    }
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

fn fake_runtime(dir: &Path, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join("runtime.sh");
    std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[test]
fn the_command_protocol_turns_exit_statuses_of_self_checking_modules_into_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let m = common::write(
        dir.path(),
        "m.wat",
        b"(module (func (export \"f\") (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0))))",
    );
    let plan = common::write(
        dir.path(),
        "plan.json",
        br#"{"version":1,"invocations":[
            {"export":"f","args":[{"type":"i32","value":"1"}]},
            {"export":"f","args":[{"type":"i32","value":"2"}]},
            {"export":"f","args":[{"type":"i32","value":"3"}]},
            {"export":"f","args":[{"type":"i32","value":"0"}]}]}"#,
    );
    let plan = ["--plan", plan.to_str().unwrap()];
    // A runtime that says step 1 (exit 11) is wrong.
    let two = fake_runtime(dir.path(), "exit 11");
    let report = diff_command(&m, Some(&two), &plan);
    let v = verdict(&report, "example-command");
    assert_eq!(v["verdict"], "deviates", "{report}");
    assert_eq!(v["step"]["index"], 1, "{report}");
    // A runtime that traps on every run, even with no step performed: the trap is
    // instantiation's, with the kind its message names.
    let trap = fake_runtime(
        dir.path(),
        "echo 'wasm trap: integer divide by zero' >&2; exit 134",
    );
    let report = diff_command(&m, Some(&trap), &plan);
    let v = verdict(&report, "example-command");
    assert_eq!(v["verdict"], "deviates", "{report}");
    assert_eq!(v["step"]["step"], "instantiate", "{report}");
    assert!(
        observation(&report, "example-command")["instantiation"]
            .to_string()
            .contains("integer divide by zero"),
        "{report}"
    );
    // A runtime that hangs.
    let hang = fake_runtime(dir.path(), "sleep 30");
    let report = diff_command(&m, Some(&hang), &["--timeout", "0.5", plan[0], plan[1]]);
    assert!(
        report["observations"].to_string().contains("wall-clock"),
        "{report}"
    );
    // A real one (the wasmtime CLI, when it is here): step 3 must trap, and does.
    let prefix =
        std::env::var("HARNESS_ENGINES_PREFIX").unwrap_or_else(|_| "/opt/harness-engines".into());
    let real = Some(Path::new(&prefix).join("bin/wasmtime")).filter(|p| p.exists());
    if let Some(real) = real {
        let wrapper = fake_runtime(dir.path(), &format!("exec {} run \"$1\"", real.display()));
        let report = diff_command(&m, Some(&wrapper), &plan);
        assert_eq!(
            verdict(&report, "example-command")["verdict"],
            "conforms",
            "{report}"
        );
        let obs = observation(&report, "example-command");
        assert_eq!(obs["invocations"].as_array().unwrap().len(), 4, "{obs}");
        assert!(
            obs["invocations"][3]
                .to_string()
                .contains("integer divide by zero")
        );
    } else {
        eprintln!("note: the wasmtime CLI is not installed here; not tested with it");
    }
}

#[test]
fn engines_that_hang_print_garbage_or_crash_are_reported_and_the_run_goes_on() {
    let run = harness_with(
        &repo("tests/engines/faulty"),
        &[
            "diff",
            &example("arith.wat"),
            "--engine",
            "faulty-hang",
            "--engine",
            "faulty-garbage",
            "--engine",
            "faulty-crash",
            "--engine",
            "wasmi",
            "--json",
        ],
    );
    let report = run.json();
    let inst = |e: &str| observation(&report, e)["instantiation"]["outcome"].clone();
    let hang = inst("faulty-hang");
    assert_eq!(hang["outcome"], "timeout", "{hang}");
    assert!(hang["message"].as_str().unwrap().contains("wall-clock"));
    let garbage = inst("faulty-garbage");
    assert_eq!(garbage["outcome"], "crash");
    assert!(
        garbage["message"].as_str().unwrap().contains("garbage"),
        "{garbage}"
    );
    let crash = inst("faulty-crash");
    assert_eq!(crash["outcome"], "crash");
    assert!(
        crash["message"].as_str().unwrap().contains("SIGSEGV"),
        "{crash}"
    );
    assert_eq!(verdict(&report, "wasmi")["verdict"], "conforms");
    assert_eq!(
        observation(&report, "wasmi")["invocations"]
            .as_array()
            .unwrap()
            .len(),
        report["plan"]["invocations"].as_array().unwrap().len()
    );
}

#[test]
fn a_missing_engine_named_explicitly_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = harness_with(
        dir.path(),
        &["diff", &example("arith.wat"), "--engine", "example-invoke"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no engine named `example-invoke`"));
}

#[test]
fn without_external_engines_only_the_bundled_ones_are_listed_with_a_note_for_each_missing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["engines", "--json"])
        .env("PATH", dir.path())
        .env("HARNESS_ENGINES_PREFIX", dir.path())
        .env("HARNESS_ENGINES_DIR", dir.path())
        .env("HARNESS_WASMER", dir.path().join("harness-wasmer"))
        .env_remove("HARNESS_NODE")
        .env_remove("HARNESS_PYTHON")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for external in [
        "v8-20-liftoff",
        "v8-26-turbofan",
        "wabt",
        "binaryen",
        "wasm3",
        "wasmer-cranelift",
    ] {
        assert!(!names.contains(&external), "{names:?}");
    }
    assert!(names.contains(&"wasmi") && names.contains(&"reference"));
    let notes = v["notes"].to_string();
    for missing in [
        "v8-20-liftoff",
        "v8-26-liftoff",
        "wabt",
        "binaryen",
        "wasm3",
        "wasmtime-cli",
        "wamr-aot",
        "wasmer-singlepass",
        "wasmer-cranelift",
    ] {
        assert!(notes.contains(missing), "no note for {missing}: {notes}");
    }
}

/// `harness diff` asks an engine whose file says `memory-contents = true` for its memories'
/// bytes: the first differing byte is located against another engine's, both shown.
#[cfg(feature = "test-engines")]
#[test]
fn the_example_engine_gives_memory_contents_so_a_wrong_byte_is_located() {
    let run = harness_with(
        &examples_dir(),
        &[
            "diff",
            &example("memory.wat"),
            "--engine",
            "example-invoke",
            "--engine",
            "test-wrong-memory",
            "--invoke",
            "store",
            "0x01020304",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
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
