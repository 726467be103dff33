//! Helpers shared by the integration tests: run the real `harness` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

pub fn harness(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .output()
        .expect("the harness binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the harness panicked:\n{}",
        run.stderr
    );
    run
}

pub fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .display()
        .to_string()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The outcome of invocation `k` for `engine` in a `--json` report.
pub fn invocation<'a>(
    report: &'a serde_json::Value,
    engine: &str,
    k: usize,
) -> &'a serde_json::Value {
    let obs = report["observations"].as_array().unwrap();
    let o = obs
        .iter()
        .find(|o| o["engine"] == engine)
        .unwrap_or_else(|| panic!("no observation of {engine}"));
    &o["invocations"][k]["outcome"]
}
