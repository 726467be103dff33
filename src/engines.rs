//! `harness engines`: what can run here.

use oracle::{InstanceOutcome, Plan};
use runners::Limits;
use runners::worker::WorkerCommand;

/// Arguments of `harness engines`.
#[derive(clap::Args)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// Also start each engine in a worker on an empty module, to show it works here.
    #[arg(long)]
    check: bool,
}

/// How to start a worker of this very binary.
pub fn worker_command() -> anyhow::Result<WorkerCommand> {
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find the harness binary: {e}"))?;
    Ok(WorkerCommand {
        program,
        args: vec!["worker".into()],
        env: Vec::new(),
    })
}

/// Lists the engines.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let engines = runners::available();
    let mut status = vec![None; engines.len()];
    if args.check {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("empty.wasm");
        let empty = b"\0asm\x01\0\0\0".to_vec();
        std::fs::write(&path, &empty)?;
        let cmd = worker_command()?;
        let obs = runners::worker::observe_all(
            &cmd,
            &engines,
            &empty,
            &path,
            &Plan::new(vec![]),
            &Limits::default(),
            None,
        );
        for (s, o) in status.iter_mut().zip(obs) {
            *s = Some(match o.instantiation.outcome {
                InstanceOutcome::Instantiated => "ok".to_string(),
                other => oracle::judge::render_instance(&other),
            });
        }
    }
    if args.json {
        let list: Vec<serde_json::Value> = engines
            .iter()
            .zip(&status)
            .map(|(e, s)| {
                let mut v = serde_json::to_value(e.info()).unwrap_or_default();
                if let Some(s) = s {
                    v["check"] = serde_json::Value::String(s.clone());
                }
                v
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "schema": "harness.engines/1",
                "engines": list,
                "notes": runners::external::notes(),
            }))?
        );
        return Ok(0);
    }
    for (e, s) in engines.iter().zip(&status) {
        let info = e.info();
        let proposals: Vec<&str> = info.proposals.iter().map(|p| p.name()).collect();
        println!("{} {}", info.name, info.version);
        println!("  config:    {}", info.config);
        println!("  proposals: {}", proposals.join(", "));
        if let Some(s) = s {
            println!("  check:     {s}");
        }
    }
    let notes = runners::external::notes();
    if !notes.is_empty() {
        println!();
        for n in notes {
            println!("note: {n}");
        }
    }
    Ok(0)
}
