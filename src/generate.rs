//! `harness gen`: the campaign's generator on its own, so that any case can be made again
//! from its seed.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use oracle::Proposal;

/// Arguments of `harness gen`.
#[derive(clap::Args)]
pub struct Args {
    /// The seed (a campaign's case seed, as its log and pending files record it).
    #[arg(long, required_unless_present_any = ["negative", "wast", "aimed"])]
    seed: Option<u64>,
    /// Write the negative tests instead: `invalid.wast` (modules that break one validation
    /// rule each) and `malformed.wast` (one binary-format rule each) into this directory,
    /// every assertion commented with the SpecTec rule it breaks.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["seed", "mutate", "self_checking", "plan", "wat", "output"])]
    negative: Option<PathBuf>,
    /// Write `--cases` generated cases as `.wast` scripts into this directory, each step's
    /// expectation computed by the oracle (`assert_return` with exact bits or NaN classes,
    /// `assert_trap`), 50 cases a file; case K is the campaign's case K of `--seed`.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["negative", "mutate", "self_checking", "plan", "wat", "output"])]
    wast: Option<PathBuf>,
    /// Write aimed cases into this directory: small modules built to reach the points of the
    /// spec that `--from` (or nothing) has not reached, each checked with the oracle, as
    /// `.wast` scripts with the oracle's expectations, one file per family of rules
    /// (`aimed-memory.wast`, ...), each case commented with the points it reaches first.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["negative", "wast", "mutate", "self_checking", "plan", "wat", "output"])]
    aimed: Option<PathBuf>,
    /// The suite aimed generation starts from (paths as `harness coverage` takes them, or
    /// `suite:v2`): only points it misses are aimed at.
    #[arg(long, value_name = "PATH", num_args = 1.., requires = "aimed")]
    from: Vec<PathBuf>,
    /// At most this many candidates per recipe of `--aimed`.
    #[arg(long, default_value_t = 200, requires = "aimed")]
    attempts: u64,
    /// How many cases `--wast` writes.
    #[arg(long, default_value_t = 100, requires = "wast")]
    cases: u64,
    /// Mutate this module (`.wasm`/`.wat`) with wasm-mutate instead of generating one with
    /// wasm-smith.
    #[arg(long, value_name = "FILE")]
    mutate: Option<PathBuf>,
    /// Restrict generation to these proposals (default: every WebAssembly 2.0 proposal).
    #[arg(long = "proposal", value_name = "NAME")]
    proposals: Vec<String>,
    /// Write the module here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the text format instead of the binary.
    #[arg(long)]
    wat: bool,
    /// Also write the default plan (edge-value arguments from the same seed) here.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Write a self-checking module: its `_start` performs the default plan and checks each
    /// result against the spec, exiting (WASI `proc_exit`) with 10 + the first wrong step
    /// (README, "Self-checking modules").
    #[arg(long)]
    self_checking: bool,
}

/// `harness gen`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if let Some(dir) = &args.negative {
        return negative(dir);
    }
    if let Some(dir) = &args.wast {
        return wast(dir, args.seed.unwrap_or_default(), args.cases);
    }
    if let Some(dir) = &args.aimed {
        return aimed(
            dir,
            &args.from,
            args.seed.unwrap_or_default(),
            args.attempts,
        );
    }
    let seed = args.seed.unwrap_or_default();
    let proposals: Vec<Proposal> = if args.proposals.is_empty() {
        Proposal::WASM2.to_vec()
    } else {
        args.proposals
            .iter()
            .map(|n| {
                Proposal::WASM2
                    .iter()
                    .copied()
                    .find(|p| p.name() == n)
                    .with_context(|| {
                        let known: Vec<&str> = Proposal::WASM2.iter().map(|p| p.name()).collect();
                        format!(
                            "unknown proposal `{n}`; generation knows {}",
                            known.join(", ")
                        )
                    })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let bytes = match &args.mutate {
        Some(path) => {
            let input = crate::input::load_module(path)?;
            generator::mutate::mutate(&input.bytes, seed)
                .with_context(|| format!("cannot mutate {}", path.display()))?
        }
        None => {
            generator::smith::generate(seed, &proposals)
                .with_context(|| format!("seed {} gives no module", seed))?
                .bytes
        }
    };
    if let Some(plan_path) = &args.plan {
        let info = runners::inspect::inspect(&bytes)
            .map_err(|e| anyhow::anyhow!("the module does not validate: {e}"))?;
        let (plan, _) = generator::default_plan(&info.funcs, seed);
        std::fs::write(plan_path, serde_json::to_string_pretty(&plan)?)
            .with_context(|| format!("cannot write {}", plan_path.display()))?;
    }
    let bytes = if args.self_checking {
        let info = runners::inspect::inspect(&bytes)
            .map_err(|e| anyhow::anyhow!("the module does not validate: {e}"))?;
        let (plan, _) = generator::default_plan(&info.funcs, seed);
        let expectation = oracle::expect::expect(&bytes, &plan, runners::Limits::default().fuel);
        let s = runners::external::self_check::self_checking(&bytes, &plan, &expectation, None)?;
        eprintln!(
            "self-checking: _start performs {} of {} invocations{}",
            s.performed,
            plan.invocations.len(),
            s.stops_early.map(|w| format!(" ({w})")).unwrap_or_default()
        );
        s.module
    } else {
        bytes
    };
    let out = if args.wat {
        let mut t = wasmprinter::print_bytes(&bytes).context("cannot print the module")?;
        t.push('\n');
        t.into_bytes()
    } else {
        bytes
    };
    match &args.output {
        Some(path) => std::fs::write(path, &out)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            if !args.wat && std::io::IsTerminal::is_terminal(&stdout) {
                bail!("the module is binary: give -o FILE, --wat, or redirect standard output");
            }
            stdout.write_all(&out)?;
        }
    }
    Ok(0)
}

/// `harness gen --negative DIR`.
fn negative(dir: &std::path::Path) -> anyhow::Result<u8> {
    use generator::negative::{Kind, catalogue, to_wast};
    let all = catalogue()?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (kind, name, title) in [
        (
            Kind::Invalid,
            "invalid.wast",
            "Modules that break one validation rule each (assert_invalid).",
        ),
        (
            Kind::Malformed,
            "malformed.wast",
            "Binaries that break one rule of the binary format each (assert_malformed).",
        ),
    ] {
        let cases: Vec<_> = all.iter().filter(|c| c.kind == kind).cloned().collect();
        let path = dir.join(name);
        corpus::write_atomic(&path, to_wast(title, &cases).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}: {} assertions", path.display(), cases.len());
    }
    Ok(0)
}

/// `harness gen --wast DIR`: generated cases with the oracle's expectations, as scripts.
///
/// A script's modules share one `spectest`, whose memory and table a module can import,
/// write and grow. A case that changes them (or may have: a step the oracle cannot tell)
/// ends its file, so every case of a file meets `spectest` as a fresh store has it, and
/// its expectation is computed in one, whichever cases before it an engine skipped.
fn wast(dir: &std::path::Path, seed: u64, cases: u64) -> anyhow::Result<u8> {
    const PER_FILE: u64 = 50;
    const FUEL: u64 = 1_000_000;
    const DEPTH: Option<usize> = Some(100);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (mut written, mut left_out, mut files) = (0, 0, 0);
    let mut body = String::new();
    let (mut first, mut in_file) = (0, 0);
    let mut flush = |body: &mut String, first: u64, last: u64| -> anyhow::Result<()> {
        if body.is_empty() {
            // Every case of it was left out.
            return Ok(());
        }
        let text = format!(
            ";; Generated by `harness gen --wast --seed {seed}`: cases {first} to {last}, each a\n\
             ;; wasm-smith module and its default plan; the assertions are the oracle's (only\n\
             ;; the last case of a file may change `spectest`).\n\
             ;; profile: wasm-2.0\n{body}"
        );
        let path = dir.join(format!("generated-{files:04}.wast"));
        corpus::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        files += 1;
        body.clear();
        Ok(())
    };
    for k in 0..cases {
        let case_seed = crate::campaign::case_seed(seed, k);
        let made = generator::smith::generate(case_seed, &Proposal::WASM2)
            .ok()
            .and_then(|g| {
                let funcs = runners::inspect::runnable_exports(&g.bytes, &Proposal::WASM2).ok()?;
                Some((g.bytes, generator::default_plan(&funcs, case_seed).0))
            });
        let mut ends_file = in_file + 1 == PER_FILE || k + 1 == cases;
        if let Some((bytes, plan)) = made {
            // Shallow calls only: deeper, an engine may exhaust its stack (allowed).
            let (e, untouched) = oracle::expect::expect_within_shared(&bytes, &plan, FUEL, DEPTH);
            match generator::wast_out::case_commands(&bytes, &plan, &e) {
                Some(c) => {
                    body.push_str(&format!("\n;; case {k} (seed {case_seed})\n{c}"));
                    written += 1;
                    if !untouched || (e.has_unknown() && shares_spectest_state(&bytes)) {
                        ends_file = true;
                    }
                }
                // Not written: no engine runs it.
                None => left_out += 1,
            }
        } else {
            left_out += 1;
        }
        in_file += 1;
        if ends_file {
            flush(&mut body, first, k)?;
            (first, in_file) = (k + 1, 0);
        }
    }
    println!(
        "{written} cases in {} files in {} ({left_out} left out: no module, or an instantiation the oracle cannot tell)",
        files,
        dir.display()
    );
    Ok(0)
}

/// Whether a module imports `spectest`'s memory or table, the state a script's modules
/// share.
fn shares_spectest_state(module: &[u8]) -> bool {
    use runners::inspect::ImportKind;
    runners::inspect::inspect(module).is_ok_and(|i| {
        i.imports.iter().any(|imp| {
            imp.module == "spectest" && matches!(imp.kind, ImportKind::Memory | ImportKind::Table)
        })
    })
}

/// `harness gen --aimed DIR`: cases aimed at the points `from` misses.
fn aimed(dir: &std::path::Path, from: &[PathBuf], seed: u64, attempts: u64) -> anyhow::Result<u8> {
    use generator::aimed::{AimOptions, aim};
    use oracle::coverage;
    if coverage::catalogue().is_empty() {
        bail!("this build has no coverage catalogue (the spec was not found at build time)");
    }
    let mut reached = std::collections::HashSet::new();
    if !from.is_empty() {
        let (suites, paths): (Vec<PathBuf>, Vec<PathBuf>) = from
            .iter()
            .cloned()
            .partition(|p| p.to_string_lossy().starts_with("suite:"));
        let suites: Vec<String> = suites
            .iter()
            .map(|p| p.to_string_lossy()["suite:".len()..].to_string())
            .collect();
        let (counts, _) = crate::coverage::measure(&paths, &suites)?;
        for (p, n) in coverage::catalogue().iter().zip(counts) {
            if n > 0 {
                reached.insert(p.name.to_string());
            }
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let options = AimOptions {
        seed,
        attempts_per_recipe: attempts,
        ..AimOptions::default()
    };
    let bar = indicatif::ProgressBar::new_spinner();
    let report = aim(&reached, &options, |n, have| {
        if n % 50 == 0 {
            bar.set_message(format!("{n} candidates, {have} points reached"));
            bar.tick();
        }
    });
    bar.finish_and_clear();
    for (recipe, error) in &report.broken {
        eprintln!("harness: recipe {recipe} cannot build a candidate: {error}");
    }
    let mut files: std::collections::BTreeMap<&str, String> = Default::default();
    let mut written = 0;
    for kept in &report.kept {
        let Some(commands) = kept.candidate.wast(options.fuel, options.max_call_depth) else {
            continue;
        };
        let text = files.entry(kept.family).or_insert_with(|| {
            format!(
                ";; Generated by `harness gen --aimed --seed {seed}`: cases aimed at points of\n\
                 ;; the spec, each kept because it reaches the points named above it first;\n\
                 ;; the assertions are the oracle's.\n\
                 ;; profile: wasm-2.0\n"
            )
        });
        text.push_str(&format!(
            "\n;; {}: {}\n{commands}",
            kept.recipe,
            kept.reached.join(" ")
        ));
        written += 1;
    }
    // Exhaustion has no coverage point (the spec allows it at any depth): one case of it.
    let exhaustion = generator::aimed::exhaustion_commands(100_000_000)
        .map_err(|e| anyhow::anyhow!("the exhaustion case: {e}"))?;
    files
        .entry("control")
        .or_insert_with(|| {
            format!(
                ";; Generated by `harness gen --aimed --seed {seed}`: cases aimed at points of\n\
                 ;; the spec; the assertions are the oracle's.\n\
                 ;; profile: wasm-2.0\n"
            )
        })
        .push_str(&format!(
            "\n;; Step_read/call: an unbounded recursion; the spec lets the call stack run out at\n\
             ;; any depth, and allows nothing else\n{exhaustion}"
        ));
    for (family, text) in &files {
        let path = dir.join(format!("aimed-{family}.wast"));
        corpus::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "{written} aimed cases (and the exhaustion case) in {} file(s) of {} ({} candidates); {} reachable points still missing ({} aimed at by no recipe)",
        files.len(),
        dir.display(),
        report.attempts,
        report.missing.len(),
        report.unaimed.len(),
    );
    let mut by_chapter: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for p in &report.missing {
        let chapter = coverage::point(p).map_or("?", |p| p.chapter);
        by_chapter.entry(chapter).or_default().push(p);
    }
    for (chapter, points) in by_chapter {
        println!("  missing in {chapter}: {}", points.join(" "));
    }
    Ok(if report.broken.is_empty() { 0 } else { 1 })
}
