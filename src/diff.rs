//! `harness diff`: run one module on every engine and report where they disagree.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use oracle::{CompareContext, Observation, Plan, Proposal, Verdict};
use reports::{DIFF_SCHEMA, DiffReport, EngineSummary, ModuleSummary, SkippedExport};
use runners::inspect::{ImportKind, ModuleInfo};
use runners::{Engine, Limits};

use crate::engines::worker_command;
use crate::input::{Input, load_module};

/// Arguments of `harness diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The module: a binary (.wasm) or text (.wat) file.
    module: PathBuf,
    /// Run only these engines (repeatable; default: every bundled engine). See `harness engines`.
    #[arg(long = "engine", value_name = "NAME")]
    engines: Vec<String>,
    /// Call one export with these arguments, in the spec's text syntax
    /// (`--invoke add 1 -2`, floats as `1.5`, `-inf`, `nan:0x200000`, `0x1p-3`).
    /// It takes every word after it: put other options before it.
    #[arg(long, value_name = "NAME ARG", num_args = 1.., allow_hyphen_values = true, conflicts_with = "plan")]
    invoke: Option<Vec<String>>,
    /// A plan file (JSON, version 1; see the README).
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Seed of the default plan's arguments.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fuel for instantiation and for each call.
    #[arg(long, default_value_t = Limits::default().fuel)]
    fuel: u64,
    /// Wall-clock limit of each step, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
    /// Memory limit of each engine's worker process, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    worker_memory: u64,
    /// Machine-readable output (schema `harness.diff/1`).
    #[arg(long)]
    json: bool,
    /// On a divergence, save a finding directory (module, plan, observations, report) here.
    #[arg(long, value_name = "DIR")]
    save: Option<PathBuf>,
}

/// What to run, decided before any engine starts.
pub struct Prepared {
    /// The module.
    pub input: Input,
    /// What it declares, when it validates.
    pub info: Option<ModuleInfo>,
    /// The plan.
    pub plan: Plan,
    /// The default plan's seed.
    pub seed: Option<u64>,
    /// Exports not called.
    pub skipped: Vec<SkippedExport>,
}

/// Reads the module and makes the plan; errors are the user's to fix (exit 2).
pub fn prepare(
    path: &Path,
    invoke: Option<&[String]>,
    plan_file: Option<&Path>,
    seed: u64,
) -> anyhow::Result<Prepared> {
    let input = load_module(path)?;
    let info = runners::inspect::inspect(&input.bytes).ok();
    if let Some(info) = &info {
        let missing: Vec<String> = info
            .imports
            .iter()
            .filter(|i| !runners::host::provides(i))
            .map(|i| {
                let kind = match &i.kind {
                    ImportKind::Func(t) => format!("func {t}"),
                    ImportKind::Global => "global".into(),
                    ImportKind::Table => "table".into(),
                    ImportKind::Memory => "memory".into(),
                    ImportKind::Tag => "tag".into(),
                };
                format!(
                    "\"{}\" \"{}\" ({kind})",
                    reports::escape(&i.module),
                    reports::escape(&i.name)
                )
            })
            .collect();
        if !missing.is_empty() {
            bail!(
                "{} imports {}, which the standard host does not provide; it provides only \"spectest\": \
                 print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64, \
                 global_i32, global_i64, global_f32, global_f64, table, memory",
                path.display(),
                missing.join(", ")
            );
        }
    }
    let funcs = info
        .as_ref()
        .map(|i| i.funcs.as_slice())
        .unwrap_or_default();
    let (plan, seed, skipped) = match (invoke, plan_file) {
        (Some(words), _) => {
            let (name, args) = words
                .split_first()
                .context("--invoke needs an export name")?;
            if let Some(opt) = words.iter().find(|w| w.starts_with("--")) {
                bail!(
                    "`{opt}` was read as an argument of --invoke: put options before --invoke NAME ARG..."
                );
            }
            if info.is_none() {
                bail!(
                    "cannot --invoke `{name}`: the module does not validate, so it has no exports to call"
                );
            }
            (generator::invoke_plan(funcs, name, args)?, None, Vec::new())
        }
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read plan {}", file.display()))?;
            let plan =
                Plan::from_json(&text).with_context(|| format!("plan {}", file.display()))?;
            if info.is_some() {
                generator::check_plan(&plan, funcs)
                    .with_context(|| format!("plan {}", file.display()))?;
            }
            (plan, None, Vec::new())
        }
        (None, None) => {
            let (plan, skipped) = generator::default_plan(funcs, seed);
            let skipped = skipped
                .into_iter()
                .map(|s| SkippedExport {
                    export: s.export,
                    reason: s.reason,
                })
                .collect();
            (plan, Some(seed), skipped)
        }
    };
    Ok(Prepared {
        input,
        info,
        plan,
        seed,
        skipped,
    })
}

/// Picks engines by name (all bundled ones when none is named).
pub fn select_engines(names: &[String]) -> anyhow::Result<Vec<Box<dyn Engine>>> {
    if names.is_empty() {
        return Ok(runners::bundled());
    }
    names
        .iter()
        .map(|n| {
            runners::by_name(n).with_context(|| {
                let known: Vec<String> =
                    runners::available().iter().map(|e| e.info().name).collect();
                format!(
                    "no engine named `{n}`; this build has: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// What the spec allows for the prepared module and plan, computed by the reference
/// interpreter in this process; or why it cannot say.
pub fn expectation(
    prepared: &Prepared,
    limits: &Limits,
) -> Result<oracle::expect::Expectation, String> {
    if let Some(info) = &prepared.info {
        let beyond: Vec<&str> = info
            .proposals
            .iter()
            .filter(|p| !Proposal::WASM2.contains(p))
            .map(|p| p.name())
            .collect();
        if !beyond.is_empty() {
            return Err(format!(
                "the oracle implements WebAssembly 2.0 and the module uses {}: engines are compared with one another",
                beyond.join(", ")
            ));
        }
    }
    // The same wall-clock limit as the engines: on a thread of its own, abandoned (and ended
    // with the process) when it runs past the limit of every step.
    let (tx, rx) = std::sync::mpsc::channel();
    let (bytes, plan, fuel) = (
        prepared.input.bytes.clone(),
        prepared.plan.clone(),
        limits.fuel,
    );
    std::thread::Builder::new()
        .name("oracle".into())
        .spawn(move || {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                oracle::expect::expect(&bytes, &plan, fuel)
            }));
            let _ = tx.send(run);
        })
        .map_err(|e| format!("cannot start the oracle: {e}"))?;
    let steps = prepared.plan.invocations.len() as u64 + 1;
    let limit = std::time::Duration::from_millis(limits.step_timeout_ms.saturating_mul(steps));
    match rx.recv_timeout(limit) {
        Ok(Ok(e)) => Ok(e),
        Ok(Err(_)) => Err("the oracle failed on this module (a bug of ours; please report it): engines are compared with one another".into()),
        Err(_) => Err(format!(
            "the oracle did not finish within the wall-clock limit ({} ms per step): engines are compared with one another",
            limits.step_timeout_ms
        )),
    }
}

/// Runs every engine in its worker and compares.
pub fn execute(
    prepared: &Prepared,
    engines: &[Box<dyn Engine>],
    limits: &Limits,
) -> anyhow::Result<(Vec<Observation>, oracle::Comparison)> {
    let dir = tempfile::tempdir().context("cannot create a scratch directory")?;
    let module_path = dir.path().join("module.wasm");
    std::fs::write(&module_path, &prepared.input.bytes)
        .context("cannot write the scratch module")?;
    let cmd = worker_command()?;
    let observations = runners::worker::observe_all(
        &cmd,
        engines,
        &prepared.input.bytes,
        &module_path,
        &prepared.plan,
        limits,
        Some(dir.path()),
    );
    let relaxed_simd = prepared
        .info
        .as_ref()
        .is_some_and(|i| i.proposals.contains(&Proposal::RelaxedSimd));
    let comparison = oracle::compare(
        &observations,
        &prepared.plan,
        &CompareContext { relaxed_simd },
    );
    Ok((observations, comparison))
}

/// `harness diff`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a positive number of seconds");
    }
    let prepared = prepare(
        &args.module,
        args.invoke.as_deref(),
        args.plan.as_deref(),
        args.seed,
    )?;
    let engines = select_engines(&args.engines)?;
    let limits = Limits {
        fuel: args.fuel,
        step_timeout_ms: (args.timeout * 1000.0) as u64,
        worker_memory: args.worker_memory.saturating_mul(1 << 20),
        ..Limits::default()
    };
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message(format!("running {} engines", engines.len()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let (observations, comparison) = execute(&prepared, &engines, &limits)?;
    let (spec, spec_unavailable) = match expectation(&prepared, &limits) {
        Ok(e) => (
            Some(oracle::expect::SpecJudgement::new(e, &observations)),
            None,
        ),
        Err(why) => (None, Some(why)),
    };
    spinner.finish_and_clear();

    // The spec decides when it can; the comparison between engines only where it cannot.
    let diverged = match &spec {
        Some(s) => !s.deviating().is_empty(),
        None => comparison.verdict == Verdict::Diverge,
    };
    let exit_code = if diverged { 1 } else { 0 };
    let report = DiffReport {
        schema: DIFF_SCHEMA.into(),
        module: ModuleSummary {
            path: args.module.display().to_string(),
            bytes: prepared.input.bytes.len(),
            sha256: runners::memory_state("", &prepared.input.bytes).sha256,
            exported_funcs: prepared.info.as_ref().map_or(0, |i| i.funcs.len()),
        },
        seed: prepared.seed,
        plan: prepared.plan.clone(),
        skipped: prepared.skipped.clone(),
        engines: engines
            .iter()
            .map(|e| {
                let i = e.info();
                EngineSummary {
                    name: i.name,
                    version: i.version,
                    config: i.config,
                }
            })
            .collect(),
        observations,
        comparison,
        spec,
        spec_unavailable,
        exit_code: exit_code as i32,
    };
    if let (Some(dir), 1) = (&args.save, exit_code) {
        let saved = save(dir, &prepared, &report)?;
        eprintln!("finding saved in {}", saved.display());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", reports::render_text(&report));
    }
    Ok(exit_code)
}

fn save(dir: &Path, prepared: &Prepared, report: &DiffReport) -> anyhow::Result<PathBuf> {
    let engines: String = report
        .engines
        .iter()
        .map(|e| format!(" --engine {}", e.name))
        .collect();
    let repro = format!("harness diff FINDING/module.wasm --plan FINDING/plan.json{engines}");
    let finding = corpus::Finding {
        module: prepared.input.bytes.clone(),
        wat: prepared
            .input
            .text
            .clone()
            .or_else(|| wasmprinter::print_bytes(&prepared.input.bytes).ok()),
        plan: prepared.plan.clone(),
        observations: report.observations.clone(),
        comparison: report.comparison.clone(),
        report_markdown: reports::render_markdown(report, &repro),
        repro,
    };
    corpus::save_finding(dir, &finding)
        .with_context(|| format!("cannot save the finding in {}", dir.display()))
}
