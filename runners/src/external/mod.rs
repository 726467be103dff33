//! External engines: other runtimes run as child processes of the harness (Node's V8
//! tiers, Wasmer, and any engine a user describes in an engine file).
//!
//! They are discovered once per process: each is found automatically when installed, and
//! skipped with a note when not. Their processes run with the limits of every run (a
//! wall-clock limit per step, a memory limit, a cap on what they print); they are already
//! isolated, so they are driven from the harness process itself, where a persistent driver
//! survives from one run to the next.

pub mod binaryen;
pub mod custom;
mod memory_files;
pub mod probe;
pub mod process;
pub mod self_check;
pub mod v8;
pub mod wabt;
pub mod wamr;
pub mod wasm3;
pub mod wasmer;
pub mod wasmtime_cli;
pub mod wast_text;
pub mod wrap;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use process::{Caps, Process, Program};

use crate::{Engine, Limits};

/// The version of the engine protocols (`docs/engine-protocol.md`).
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest line an external engine may print by default (a reply with memory
/// contents can be long).
pub const DEFAULT_OUTPUT_CAP: usize = 64 << 20;

/// One engine found, or why an expected engine is not there.
enum Found {
    Custom(custom::CustomEngine),
    V8(v8::V8),
    Wabt(wabt::Wabt),
    Wasm3(wasm3::Wasm3),
    Binaryen(binaryen::Binaryen),
    WasmtimeCli(wasmtime_cli::WasmtimeCli),
    Wamr(wamr::Wamr),
    Wasmer(wasmer::Wasmer),
}

impl Found {
    fn engine(&self) -> Box<dyn Engine> {
        match self {
            Found::Custom(c) => Box::new(c.clone()),
            Found::V8(v) => Box::new(v.clone()),
            Found::Wabt(w) => Box::new(w.clone()),
            Found::Wasm3(w) => Box::new(w.clone()),
            Found::Binaryen(b) => Box::new(b.clone()),
            Found::WasmtimeCli(w) => Box::new(w.clone()),
            Found::Wamr(w) => Box::new(w.clone()),
            Found::Wasmer(w) => Box::new(w.clone()),
        }
    }
}

struct Discovery {
    found: Vec<Found>,
    notes: Vec<String>,
}

fn discovery() -> &'static Discovery {
    static DISCOVERY: OnceLock<Discovery> = OnceLock::new();
    DISCOVERY.get_or_init(|| {
        let mut found = Vec::new();
        let mut notes = Vec::new();
        let (v8s, v8_notes) = v8::discover();
        found.extend(v8s.into_iter().map(Found::V8));
        notes.extend(v8_notes);
        let (wabts, wabt_notes) = wabt::discover();
        found.extend(wabts.into_iter().map(Found::Wabt));
        notes.extend(wabt_notes);
        let (wasm3s, wasm3_notes) = wasm3::discover();
        found.extend(wasm3s.into_iter().map(Found::Wasm3));
        notes.extend(wasm3_notes);
        let (binaryens, binaryen_notes) = binaryen::discover();
        found.extend(binaryens.into_iter().map(Found::Binaryen));
        notes.extend(binaryen_notes);
        let (clis, cli_notes) = wasmtime_cli::discover();
        found.extend(clis.into_iter().map(Found::WasmtimeCli));
        notes.extend(cli_notes);
        let (wamrs, wamr_notes) = wamr::discover();
        found.extend(wamrs.into_iter().map(Found::Wamr));
        notes.extend(wamr_notes);
        let (wasmers, wasmer_notes) = wasmer::discover();
        found.extend(wasmers.into_iter().map(Found::Wasmer));
        notes.extend(wasmer_notes);
        for dir in engine_dirs() {
            let (customs, custom_notes) = custom::load_dir(&dir);
            found.extend(customs.into_iter().map(Found::Custom));
            notes.extend(custom_notes);
        }
        Discovery { found, notes }
    })
}

/// The directories engine files are read from: `$HARNESS_ENGINES_DIR` (a `:`-separated
/// list) when set, else `$XDG_CONFIG_HOME/harness/engines` (or `~/.config/harness/engines`).
pub fn engine_dirs() -> Vec<PathBuf> {
    if let Some(dirs) = std::env::var_os("HARNESS_ENGINES_DIR") {
        return std::env::split_paths(&dirs)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")));
    config
        .map(|c| vec![c.join("harness").join("engines")])
        .unwrap_or_default()
}

/// Every external engine found on this machine.
pub fn found() -> Vec<Box<dyn Engine>> {
    discovery().found.iter().map(Found::engine).collect()
}

/// Why expected engines are missing, and engine files that could not be read.
pub fn notes() -> Vec<String> {
    discovery().notes.clone()
}

/// Looks a program up on `PATH` (or takes it as is when it has a `/`).
pub fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Finds a Debian-packaged engine's program on `PATH` and its `--version`: the program and
/// version, or the note that says why the engine is skipped.
pub fn find_packaged(
    engine: &str,
    program: &str,
    package: &str,
) -> Result<(PathBuf, String), String> {
    let path = which(program).ok_or_else(|| {
        format!(
            "{engine}: {program} not found (Debian's {package}; scripts/install-engines.sh installs it)"
        )
    })?;
    let version = version_of(&Program::new(&path).with_args(["--version"]))
        .ok_or_else(|| format!("{engine}: {} --version fails", path.display()))?;
    Ok((path, version))
}

/// Runs `program --version`-like commands: the first line of what it prints, if it ends
/// well within two seconds, or else within ten on a second try (a busy machine can take
/// longer to start a program: a campaign once began without an engine that was there).
pub fn version_of(program: &Program) -> Option<String> {
    version_within(program, Duration::from_secs(2))
        .or_else(|| version_within(program, Duration::from_secs(10)))
}

fn version_within(program: &Program, limit: Duration) -> Option<String> {
    let caps = Caps {
        timeout: limit,
        memory: 0,
        output: 4096,
    };
    let mut p = Process::start(program, caps).ok()?;
    p.close_input();
    let first = match p.recv() {
        process::Reply::Line(l) => l,
        _ => return None,
    };
    let status = p.wait_within(limit)?;
    status.success().then(|| first.trim().to_string())
}

/// The caps of a run under `limits`.
pub fn caps(limits: &Limits, output: usize) -> Caps {
    Caps {
        timeout: Duration::from_millis(limits.step_timeout_ms.max(1)),
        memory: limits.worker_memory,
        output,
    }
}

/// Idle persistent drivers, by engine name and memory limit: a driver serves one run at a
/// time and goes back here after it, unless it died or was killed.
type Pool = Mutex<HashMap<(String, u64), Vec<Process>>>;

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Mutex::new(HashMap::new()))
}

/// An idle driver of this engine, or a new one.
pub fn checkout(name: &str, program: &Program, caps: Caps) -> std::io::Result<Process> {
    let key = (name.to_string(), caps.memory);
    if let Ok(mut p) = pool().lock()
        && let Some(list) = p.get_mut(&key)
    {
        while let Some(d) = list.pop() {
            if !d.dead {
                return Ok(d);
            }
        }
    }
    Process::start(program, caps)
}

/// Whether persistent drivers are kept between runs (`HARNESS_PERSISTENT=0` turns them
/// off: every run starts its own, as for measuring what persistence saves).
pub fn persistent() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HARNESS_PERSISTENT").is_none_or(|v| v != "0"))
}

/// Gives a driver back for the next run (a dead one is dropped).
pub fn checkin(name: &str, driver: Process, memory: u64) {
    if driver.dead || !persistent() {
        return;
    }
    if let Ok(mut p) = pool().lock() {
        p.entry((name.to_string(), memory))
            .or_default()
            .push(driver);
    }
}

#[cfg(test)]
mod version_tests {
    use super::*;

    #[test]
    fn a_version_slow_to_come_the_first_time_is_asked_again() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("started");
        let script = format!(
            "if [ -e {m} ]; then echo 'engine 1.2'; else touch {m}; sleep 3; echo 'engine 1.2'; fi",
            m = marker.display()
        );
        let slow = Program::new("/bin/sh").with_args(["-c".to_string(), script]);
        assert_eq!(version_of(&slow).as_deref(), Some("engine 1.2"));
        let broken = Program::new("/bin/sh").with_args(["-c", "exit 3"]);
        assert_eq!(version_of(&broken), None);
    }
}
