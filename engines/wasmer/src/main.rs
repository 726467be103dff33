//! `harness-wasmer`: Wasmer 7.4 (its Cranelift or Singlepass compiler) as an engine of the
//! harness, in a process of its own.
//!
//! It is a workspace of its own with its own lock: Wasmer's Cranelift (`cranelift-codegen
//! =0.135.0`) cannot share one build with the bundled Wasmtime's (`^0.135.8`), and its
//! signal handlers never meet Wasmtime's. It reads one JSON request per line on standard
//! input and prints one reply line for each, for as long as its input is open:
//!
//! - the documented **invoke** protocol (`docs/engine-protocol.md`): a request with
//!   `"protocol": "harness-invoke/1"`, a module and a plan; the reply is the observation.
//!   So an engine file can name this program (`persistent = true` or not; it gives memory
//!   contents, `memory-contents = true`). `limits.fuel` is the fuel of each step.
//! - **session requests** (`"op"`: `instantiate`, `register`, `invoke`, `get`, `state`,
//!   `reset`), the way the harness itself drives it (`runners/src/external/wasmer.rs`), so
//!   that `.wast` scripts with `register` and linking run in one process. Values are typed
//!   as in plan files, with exact bits; `instantiate` and `invoke` take the step's `fuel`
//!   (unlimited without), `state` a `memory_dir` to write memories' bytes to.
//!
//! A request it cannot read gets a one-line `{"error": ...}` reply; a panic of Wasmer
//! becomes a crash of that request and an empty world for the next.

mod engine;
mod fuel;
#[path = "../../../runners/src/spectest.rs"]
mod spectest;

use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use engine::{Compiler, State, World};
use oracle::{HostCall, InstanceOutcome, Observe, Outcome, Plan, Timings, Value};
use serde::{Deserialize, Serialize};

/// The Wasmer this program is built with (pinned in `Cargo.toml`).
const WASMER_VERSION: &str = "7.4.2";

/// The tag of invoke requests this program speaks.
const INVOKE_PROTOCOL: &str = "harness-invoke/1";

/// Wasmer 7.4 as an engine of the harness: one JSON request per line in, one reply out.
#[derive(Parser)]
#[command(name = "harness-wasmer", disable_version_flag = true)]
struct Cli {
    /// Wasmer's compiler.
    #[arg(long, value_enum, default_value = "cranelift")]
    compiler: Compiler,
    /// Print `harness-wasmer VERSION wasmer VERSION COMPILER` and exit.
    #[arg(long)]
    version: bool,
}

/// A session request.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum Op {
    Instantiate {
        id: String,
        module: PathBuf,
        /// The start function's fuel (unlimited when absent).
        #[serde(default)]
        fuel: Option<u64>,
    },
    Register {
        id: String,
        #[serde(rename = "as")]
        as_name: String,
    },
    Invoke {
        id: String,
        export: String,
        #[serde(default)]
        args: Vec<Value>,
        /// The call's fuel (unlimited when absent).
        #[serde(default)]
        fuel: Option<u64>,
    },
    Get {
        id: String,
        export: String,
    },
    State {
        id: String,
        observe: Observe,
        /// Where to write each exported memory's bytes (named by `file` in the reply).
        #[serde(default)]
        memory_dir: Option<PathBuf>,
    },
    Reset,
}

/// The reply to a session request: the fields of what was asked.
#[derive(Default, Serialize)]
struct OpReply {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instantiation: Option<InstanceOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    host_calls: Vec<HostCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    final_state: Option<State>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timings: Option<Timings>,
}

/// A request of the invoke protocol.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvokeRequest {
    protocol: String,
    module: PathBuf,
    plan: Plan,
    limits: Limits,
    /// Where to write each exported memory's bytes (the harness asks only engines whose
    /// engine file says `memory-contents = true`).
    #[serde(default)]
    memory_dir: Option<PathBuf>,
}

/// The limits of an invoke request; others than these are the harness's business.
#[derive(Deserialize)]
struct Limits {
    /// The fuel of instantiation and of each call.
    #[serde(default)]
    fuel: Option<u64>,
}

/// The reply of the invoke protocol.
#[derive(Serialize)]
struct InvokeReply {
    instantiation: InstanceOutcome,
    invocations: Vec<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    final_state: Option<State>,
    timings: Timings,
}

fn crash(message: String) -> InvokeReply {
    InvokeReply {
        instantiation: InstanceOutcome::Crash { message },
        invocations: Vec::new(),
        final_state: None,
        timings: Timings::default(),
    }
}

/// The invoke protocol: a world of its own for the one module and plan.
fn run_plan(compiler: Compiler, request: InvokeRequest) -> InvokeReply {
    if request.protocol != INVOKE_PROTOCOL {
        return crash(format!(
            "protocol `{}` is not spoken here ({INVOKE_PROTOCOL} is)",
            request.protocol
        ));
    }
    let bytes = match std::fs::read(&request.module) {
        Ok(b) => b,
        Err(e) => return crash(format!("cannot read {}: {e}", request.module.display())),
    };
    let mut world = match World::new(compiler) {
        Ok(w) => w,
        Err(e) => return crash(format!("cannot create the standard host: {e}")),
    };
    let fuel = request.limits.fuel;
    let made = world.instantiate("main", &bytes, fuel);
    let mut reply = InvokeReply {
        instantiation: made.outcome,
        invocations: Vec::new(),
        final_state: None,
        timings: Timings {
            compile_us: made.compile_us,
            instantiate_us: made.instantiate_us,
            ..Timings::default()
        },
    };
    if reply.instantiation != InstanceOutcome::Instantiated {
        return reply;
    }
    let t = Instant::now();
    for call in &request.plan.invocations {
        let (outcome, _) = world.invoke("main", &call.export, &call.args, fuel);
        reply.invocations.push(outcome);
    }
    reply.timings.invoke_us = t.elapsed().as_micros() as u64;
    reply.final_state = world
        .final_state("main", &request.plan.observe, request.memory_dir.as_deref())
        .ok();
    reply
}

/// A session request on the world of this process (made when first needed).
fn run_op(compiler: Compiler, world: &mut Option<World>, op: Op) -> OpReply {
    if let Op::Reset = op {
        *world = None;
        return OpReply::default();
    }
    if world.is_none() {
        match World::new(compiler) {
            Ok(w) => *world = Some(w),
            Err(e) => {
                return OpReply {
                    error: Some(format!("cannot create the standard host: {e}")),
                    ..OpReply::default()
                };
            }
        }
    }
    let Some(w) = world.as_mut() else {
        return OpReply::default();
    };
    match op {
        Op::Reset => OpReply::default(),
        Op::Instantiate { id, module, fuel } => match std::fs::read(&module) {
            Err(e) => OpReply {
                error: Some(format!("cannot read {}: {e}", module.display())),
                ..OpReply::default()
            },
            Ok(bytes) => {
                let made = w.instantiate(&id, &bytes, fuel);
                OpReply {
                    instantiation: Some(made.outcome),
                    host_calls: made.host_calls,
                    timings: Some(Timings {
                        compile_us: made.compile_us,
                        instantiate_us: made.instantiate_us,
                        ..Timings::default()
                    }),
                    ..OpReply::default()
                }
            }
        },
        Op::Register { id, as_name } => OpReply {
            error: w.register(&id, &as_name).err(),
            ..OpReply::default()
        },
        Op::Invoke {
            id,
            export,
            args,
            fuel,
        } => {
            let (outcome, host_calls) = w.invoke(&id, &export, &args, fuel);
            OpReply {
                outcome: Some(outcome),
                host_calls,
                ..OpReply::default()
            }
        }
        Op::Get { id, export } => OpReply {
            outcome: Some(w.get(&id, &export)),
            ..OpReply::default()
        },
        Op::State {
            id,
            observe,
            memory_dir,
        } => match w.final_state(&id, &observe, memory_dir.as_deref()) {
            Ok(state) => OpReply {
                final_state: Some(state),
                ..OpReply::default()
            },
            Err(e) => OpReply {
                error: Some(e),
                ..OpReply::default()
            },
        },
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// One request line: its reply line.
fn serve_line(compiler: Compiler, world: &mut Option<World>, line: &str) -> String {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error_line(format!("the request is not JSON: {e}")),
    };
    let is_invoke = value.get("protocol").is_some();
    let is_op = value.get("op").is_some();
    let result = catch_unwind(AssertUnwindSafe(|| {
        if is_invoke {
            serde_json::from_value::<InvokeRequest>(value)
                .map_err(|e| format!("not an invoke request: {e}"))
                .map(|r| serde_json::to_string(&run_plan(compiler, r)))
        } else if is_op {
            serde_json::from_value::<Op>(value)
                .map_err(|e| format!("not a session request: {e}"))
                .map(|op| serde_json::to_string(&run_op(compiler, world, op)))
        } else {
            Err("a request has `protocol` (invoke) or `op` (session)".to_string())
        }
    }));
    match result {
        Ok(Ok(Ok(line))) => line,
        Ok(Ok(Err(e))) => error_line(format!("cannot write the reply: {e}")),
        Ok(Err(e)) => error_line(e),
        Err(p) => {
            *world = None;
            let message = format!("Wasmer panicked: {}", panic_text(p.as_ref()));
            if is_invoke {
                serde_json::to_string(&crash(message)).unwrap_or_default()
            } else {
                error_line(message)
            }
        }
    }
}

fn error_line(message: String) -> String {
    serde_json::json!({ "error": message }).to_string()
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.version {
        println!(
            "harness-wasmer {} wasmer {WASMER_VERSION} {}",
            env!("CARGO_PKG_VERSION"),
            cli.compiler.name()
        );
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut world: Option<World> = None;
    for line in stdin.lock().split(b'\n') {
        let line = line.context("reading standard input")?;
        let reply = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => serve_line(cli.compiler, &mut world, text),
            Err(e) => error_line(format!("the request is not UTF-8: {e}")),
        };
        writeln!(out, "{reply}").context("writing standard output")?;
        out.flush().context("writing standard output")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_unknown_requests_get_one_line_errors() {
        let mut world = None;
        for (line, needle) in [
            ("hello", "not JSON"),
            ("{}", "`protocol`"),
            (r#"{"op":"fly"}"#, "not a session request"),
            (
                r#"{"op":"instantiate","id":"a","module":"/no/such"}"#,
                "cannot read",
            ),
            (
                r#"{"protocol":"harness-invoke/1"}"#,
                "not an invoke request",
            ),
        ] {
            let reply = serve_line(Compiler::Singlepass, &mut world, line);
            assert!(!reply.contains('\n'), "{reply}");
            let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
            let e = v["error"].as_str().unwrap_or_default();
            assert!(e.contains(needle), "{line}: {reply}");
        }
    }

    #[test]
    fn the_invoke_protocol_meters_each_step_and_writes_memories_when_asked() {
        let dir = std::env::temp_dir().join(format!("harness-wasmer-fuel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.wasm");
        let buf = wast::parser::ParseBuffer::new(
            r#"(module (memory (export "mem") 1) (data (i32.const 3) "\07")
                       (func (export "spin") (loop (br 0)))
                       (func (export "one") (result i32) i32.const 1))"#,
        )
        .unwrap();
        let mut m = wast::parser::parse::<wast::Wat>(&buf).unwrap();
        std::fs::write(&path, m.encode().unwrap()).unwrap();
        let calls =
            serde_json::json!([{"export": "spin", "args": []}, {"export": "one", "args": []}]);
        let req = serde_json::json!({
            "protocol": "harness-invoke/1", "module": path,
            "plan": {"version": 1, "invocations": calls},
            "limits": {"fuel": 5000, "step_timeout_ms": 1000, "a_later_limit": 1},
            "memory_dir": dir,
        });
        for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
            let mut world = None;
            let reply = serve_line(compiler, &mut world, &req.to_string());
            let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
            assert_eq!(v["invocations"][0]["outcome"], "timeout", "{reply}");
            assert_eq!(
                v["invocations"][0]["message"], "fuel limit of 5000 exhausted",
                "{reply}"
            );
            assert_eq!(v["invocations"][1]["values"][0]["value"], "1", "{reply}");
            let file = v["final_state"]["memories"][0]["file"].as_str().unwrap();
            let bytes = std::fs::read(file).unwrap();
            assert_eq!((bytes.len(), bytes[3]), (65536, 7), "{reply}");
        }
        // Without `memory_dir`, no file.
        let mut plain = req.clone();
        plain.as_object_mut().unwrap().remove("memory_dir");
        let reply = serve_line(Compiler::Singlepass, &mut None, &plain.to_string());
        assert!(!reply.contains("\"file\""), "{reply}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_invoke_protocol_runs_a_plan_with_exact_bits() {
        let dir = std::env::temp_dir().join(format!("harness-wasmer-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.wasm");
        let buf = wast::parser::ParseBuffer::new(
            r#"(module (func (export "nan") (result f64) f64.const nan:0x4000000000001)
                       (global (export "g") i32 (i32.const 7)))"#,
        )
        .unwrap();
        let mut m = wast::parser::parse::<wast::Wat>(&buf).unwrap();
        std::fs::write(&path, m.encode().unwrap()).unwrap();
        let req = serde_json::json!({
            "protocol": "harness-invoke/1", "module": path,
            "plan": {"version": 1, "invocations": [{"export": "nan", "args": []}]},
            "limits": {"fuel": 1000, "step_timeout_ms": 1000},
        });
        let mut world = None;
        let reply = serve_line(Compiler::Cranelift, &mut world, &req.to_string());
        let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(v["instantiation"]["outcome"], "instantiated", "{reply}");
        assert_eq!(
            v["invocations"][0]["values"][0]["value"],
            (0x7ff4_0000_0000_0001u64).to_string(),
            "{reply}"
        );
        assert_eq!(v["final_state"]["globals"][0]["value"]["value"], "7");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
