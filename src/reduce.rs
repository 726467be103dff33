//! `harness reduce`: make a bug-triggering module small (record and replay, then shrink).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use reducer::{CommandPredicate, FindingPredicate, Options, Predicate, Strategy};
use runners::Limits;

use crate::diff::select_engines;
use crate::engines::worker_command;
use crate::input::load_module;

/// Schema of `harness reduce --json`.
pub const REDUCE_SCHEMA: &str = "harness.reduce/1";

/// Arguments of `harness reduce`.
#[derive(clap::Args)]
pub struct Args {
    /// A module (.wasm or .wat) or a finding directory (from `harness diff --save`).
    input: PathBuf,
    /// Where to write the result (and its text next to it, `.wat`); default: next to the
    /// input, `NAME.reduced.wasm` (`reduced.wasm` inside a finding directory).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Interestingness test: a shell command run as `CMD candidate.wasm`, exit 0 meaning
    /// interesting (as for `wasm-tools shrink`, `wasm-reduce`, creduce). Without it the
    /// built-in test is used: the same engine still deviates from the spec the same way.
    #[arg(long, value_name = "CMD")]
    predicate: Option<String>,
    /// Which stages: rr (record and replay only), hybrid (then shrink), shrink (plain).
    #[arg(long, value_enum, default_value_t = StrategyArg::Hybrid)]
    strategy: StrategyArg,
    /// Wall-clock budget of the whole reduction, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    time_budget: f64,
    /// Wall-clock limit of each predicate run, in seconds (a command running longer is
    /// killed and counts as not interesting).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    predicate_timeout: f64,
    /// Built-in test: the engines to run (default: the finding's, or every bundled one).
    #[arg(long = "engine", value_name = "NAME")]
    engines: Vec<String>,
    /// Seed of the default plan's arguments (for modules without a plan) and of the
    /// mutation stage.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fuel for each step of the built-in test (the recording run, on Wasmtime's native
    /// code, gets 100 times as much).
    #[arg(long, default_value_t = Limits::default().fuel)]
    fuel: u64,
    /// Machine-readable report (schema `harness.reduce/1`).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum StrategyArg {
    Rr,
    Hybrid,
    Shrink,
}

/// Writes each new best module at once (atomically, binary and text) and shows progress.
struct Writer {
    out: PathBuf,
    wat: PathBuf,
    bar: ProgressBar,
    input_bytes: usize,
    best: usize,
    calls: u64,
    stage: String,
    error: Option<anyhow::Error>,
}

impl Writer {
    fn message(&self) {
        let pct = 100.0 * self.best as f64 / self.input_bytes.max(1) as f64;
        self.bar.set_message(format!(
            "{}: {} bytes ({pct:.2}% of the input), {} predicate calls",
            self.stage, self.best, self.calls
        ));
    }

    fn write(&mut self, module: &[u8]) -> anyhow::Result<()> {
        corpus::write_atomic(&self.out, module)
            .with_context(|| format!("cannot write {}", self.out.display()))?;
        let text = wasmprinter::print_bytes(module).unwrap_or_else(|e| format!(";; {e}\n"));
        corpus::write_atomic(&self.wat, text.as_bytes())
            .with_context(|| format!("cannot write {}", self.wat.display()))?;
        Ok(())
    }
}

impl reducer::Observer for Writer {
    fn stage(&mut self, name: &str) {
        self.stage = name.into();
        self.message();
    }

    fn best(&mut self, module: &[u8]) {
        self.best = module.len();
        if let Err(e) = self.write(module) {
            self.error.get_or_insert(e);
        }
        self.message();
    }

    fn tested(&mut self, calls: u64, best_bytes: usize) {
        self.calls = calls;
        self.best = best_bytes;
        self.message();
    }

    fn note(&mut self, message: &str) {
        self.bar.println(format!("note: {message}"));
    }
}

fn default_output(input: &Path, finding: bool) -> PathBuf {
    if finding {
        return input.join("reduced.wasm");
    }
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "module".into());
    input.with_file_name(format!("{stem}.reduced.wasm"))
}

fn seconds(name: &str, v: f64) -> anyhow::Result<Duration> {
    if !(v > 0.0 && v.is_finite()) {
        bail!("--{name} must be a positive number of seconds");
    }
    Ok(Duration::from_secs_f64(v))
}

/// `harness reduce`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let budget = seconds("time-budget", args.time_budget)?;
    let predicate_timeout = seconds("predicate-timeout", args.predicate_timeout)?;
    let finding = args.input.is_dir();
    let (bytes, plan, finding_engines) = if finding {
        let (module, plan) = corpus::load_finding_module_and_plan(&args.input)
            .with_context(|| format!("cannot read the finding {}", args.input.display()))?;
        let names = std::fs::read_to_string(args.input.join("observations.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Vec<oracle::Observation>>(&t).ok())
            .map(|obs| obs.into_iter().map(|o| o.engine).collect::<Vec<_>>())
            .unwrap_or_default();
        (module, plan, names)
    } else {
        let input = load_module(&args.input)?;
        let funcs = runners::inspect::inspect(&input.bytes)
            .map(|i| i.funcs)
            .unwrap_or_default();
        let (plan, _) = generator::default_plan(&funcs, args.seed);
        (input.bytes, plan, Vec::new())
    };
    if let Err(e) = reducer::module::validate(&bytes) {
        bail!("{} is not a valid module: {e}", args.input.display());
    }
    let limits = Limits {
        fuel: args.fuel,
        step_timeout_ms: predicate_timeout.as_millis() as u64,
        ..Limits::default()
    };
    let strategy = match args.strategy {
        StrategyArg::Rr => Strategy::Rr,
        StrategyArg::Hybrid => Strategy::Hybrid,
        StrategyArg::Shrink => Strategy::Shrink,
    };
    let mut hints = Vec::new();
    let mut predicate: Box<dyn Predicate> = match &args.predicate {
        Some(cmd) => {
            let script = format!("{cmd} \"$@\"");
            Box::new(CommandPredicate::new(
                "sh",
                vec![OsString::from("-c"), script.into(), "sh".into()],
                predicate_timeout,
            ))
        }
        None => {
            let names = if args.engines.is_empty() {
                finding_engines
            } else {
                args.engines.clone()
            };
            let engines = select_engines(&names)?;
            let p = FindingPredicate::new(
                &bytes,
                plan.clone(),
                engines,
                None,
                worker_command()?,
                limits.clone(),
            )
            .context("built-in predicate")?;
            if let Some(export) = p.deviating_export()
                && let Ok(info) = reducer::module::Info::parse(&bytes)
            {
                hints.extend(info.exported_function(export));
            }
            if !args.json {
                eprintln!("keeping: {}", p.signature());
            }
            Box::new(p)
        }
    };

    let out = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.input, finding));
    if out.extension().is_some_and(|e| e == "wat") {
        bail!(
            "the output {} must be a binary module: its text goes next to it as .wat",
            out.display()
        );
    }
    let wat = out.with_extension("wat");
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut writer = Writer {
        out: out.clone(),
        wat: wat.clone(),
        bar,
        input_bytes: bytes.len(),
        best: bytes.len(),
        calls: 0,
        stage: "checking the predicate".into(),
        error: None,
    };
    writer.message();
    let options = Options {
        strategy,
        time_budget: budget,
        plan,
        fuel: args.fuel.saturating_mul(100),
        hints,
        seed: args.seed,
        recorder: Some(runners::worker::WorkerCommand {
            program: std::env::current_exe().context("cannot find the harness binary")?,
            args: vec!["reduce-record".into()],
            env: Vec::new(),
        }),
        ..Options::default()
    };
    let started = Instant::now();
    let result = reducer::reduce(&bytes, predicate.as_mut(), &options, &mut writer);
    writer.bar.finish_and_clear();
    let reduction = result.map_err(anyhow::Error::from)?;
    if let Some(e) = writer.error.take() {
        return Err(e);
    }
    // The best module is on disk already when it improved; write it in any case.
    writer.write(&reduction.module)?;
    if args.json {
        let mut v = serde_json::to_value(&reduction)?;
        v["schema"] = REDUCE_SCHEMA.into();
        v["output"] = out.display().to_string().into();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(0);
    }
    let (o, r) = (reduction.original, reduction.reduced);
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!("wrote {} and {}", out.display(), wat.display());
    println!(
        "bytes:        {} -> {} ({:.3}%)",
        o.bytes,
        r.bytes,
        pct(r.bytes, o.bytes)
    );
    println!(
        "code bytes:   {} -> {} ({:.3}%)",
        o.code_bytes,
        r.code_bytes,
        pct(r.code_bytes, o.code_bytes)
    );
    println!("functions:    {} -> {}", o.functions, r.functions);
    println!("instructions: {} -> {}", o.instructions, r.instructions);
    if let Some(t) = &reduction.replay_target {
        println!("replayed:     function(s) {t:?} of the input");
    }
    println!(
        "time:         {:.1} s, {} predicate calls{}",
        started.elapsed().as_secs_f64(),
        reduction.calls,
        if reduction.budget_spent {
            " (time budget spent)"
        } else {
            ""
        }
    );
    for s in &reduction.stages {
        println!(
            "  {:<14} {:>8.1} s {:>7} calls  -> {} bytes",
            s.name, s.seconds, s.calls, s.bytes_after
        );
    }
    for n in &reduction.notes {
        println!("note: {n}");
    }
    Ok(0)
}

/// `harness reduce-record`: one recording run of `reduce`, isolated (exit 3 on a bad
/// request).
pub fn record_worker() -> anyhow::Result<u8> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match reducer::serve_recording(stdin.lock(), stdout.lock()) {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("harness reduce-record: {e}");
            Ok(3)
        }
    }
}
