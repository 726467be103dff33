//! `harness corpus`: work on campaign directories as a whole.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use oracle::Proposal;

use crate::campaign::store::{Dir, FindingMeta, Record, STATE_SCHEMA, State};

/// Arguments of `harness corpus`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Combine the directories of a campaign's shards (`harness campaign --shard K/N`) or of
    /// separate sessions into a new one: cases, corpus and findings, each finding once.
    Merge {
        /// The new campaign directory (must not exist or be empty).
        #[arg(long, short)]
        out: PathBuf,
        /// The campaign directories to merge.
        #[arg(required = true, num_args = 1..)]
        dirs: Vec<PathBuf>,
    },
    /// Write a libFuzzer seed corpus (for the `fuzz/` targets): each kept module of the
    /// campaigns and each finding's module, with its plan in a custom section
    /// (`harness-plan`), and the official suites' modules; or, with `--scripts`, the suites'
    /// `.wast` scripts (for the `wast` target). Files are named by their SHA-256.
    Export {
        /// The seed corpus directory (created; files already there are kept).
        #[arg(long, value_name = "DIR")]
        libfuzzer: PathBuf,
        /// Campaign directories whose corpus and findings to export.
        dirs: Vec<PathBuf>,
        /// Also every module of an official suite: `v2` or `simd` (repeatable).
        #[arg(long = "suite", value_name = "NAME")]
        suites: Vec<String>,
        /// Write the suites' scripts instead of their modules.
        #[arg(long, requires = "suites")]
        scripts: bool,
        /// Leave out files larger than this many bytes.
        #[arg(long, value_name = "BYTES", default_value_t = 16384)]
        max_len: usize,
    },
    /// Bring libFuzzer crash artifacts of the `differential` or `validate` target back as
    /// a campaign: each artifact becomes a case (written down before any engine runs it),
    /// judged against the oracle on every engine; deviations become findings with their
    /// reports, reduced. Merge the result with others by `harness corpus merge`.
    Import {
        /// The new campaign directory.
        #[arg(long, short)]
        out: PathBuf,
        /// The target that wrote the artifacts: `differential` (module and plan, or
        /// wasm-smith input) or `validate` (a module, judged at instantiation).
        #[arg(long, default_value = "differential")]
        target: String,
        /// Engines to judge (repeatable; default: every bundled engine).
        #[arg(long = "engine", value_name = "NAME")]
        engines: Vec<String>,
        /// Parallel cases (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Reduce each finding for at most this many seconds; 0 turns reduction off.
        #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
        reduce_budget: f64,
        /// The artifacts (`crash-*` files) or directories of them.
        #[arg(required = true, num_args = 1..)]
        artifacts: Vec<PathBuf>,
    },
}

/// `harness corpus`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.what {
        What::Merge { out, dirs } => merge(&out, &dirs),
        What::Export {
            libfuzzer,
            dirs,
            suites,
            scripts,
            max_len,
        } => export(&libfuzzer, &dirs, &suites, scripts, max_len),
        What::Import {
            out,
            target,
            engines,
            jobs,
            reduce_budget,
            artifacts,
        } => import(&out, &target, &engines, jobs, reduce_budget, &artifacts),
    }
}

/// The official suites' scripts: name and text.
fn suite_scripts(suites: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let all = crate::bench::suite_scripts();
    let mut out = Vec::new();
    for s in suites {
        if !["v2", "simd"].contains(&s.as_str()) {
            bail!("unknown suite `{s}`; known: v2, simd");
        }
        let label = format!("{s}/");
        out.extend(
            all.iter()
                .filter(|(n, _, _)| n.starts_with(&label))
                .map(|(n, t, _)| (n.clone(), t.clone())),
        );
    }
    Ok(out)
}

fn export(
    out: &Path,
    dirs: &[PathBuf],
    suites: &[String],
    scripts: bool,
    max_len: usize,
) -> anyhow::Result<u8> {
    if dirs.is_empty() && suites.is_empty() {
        bail!("give campaign directories or --suite v2 to export");
    }
    let mut files: Vec<Vec<u8>> = Vec::new();
    for d in dirs {
        if !d.join("campaign.json").is_file() {
            bail!(
                "{} is not a campaign directory (no campaign.json)",
                d.display()
            );
        }
        let dir = Dir::open(d)?;
        for (k, bytes) in dir.corpus() {
            files.push(generator::fuzz::with_plan(&bytes, &k.plan));
        }
        for m in dir.findings_meta() {
            let f = dir.findings().join(&m.id);
            let module = std::fs::read(f.join("module.wasm"));
            let plan = std::fs::read(f.join("plan.json"))
                .ok()
                .and_then(|p| serde_json::from_slice::<oracle::Plan>(&p).ok());
            match (module, plan) {
                (Ok(module), Some(plan)) => files.push(generator::fuzz::with_plan(&module, &plan)),
                _ => eprintln!(
                    "warning: finding {} has no readable module and plan, left out",
                    m.id
                ),
            }
        }
    }
    for (name, text) in suite_scripts(suites)? {
        if scripts {
            files.push(text.into_bytes());
            continue;
        }
        let commands = runners::wast::parse_script(&text, &name)
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        for c in commands {
            use oracle::script::{Command, ModuleSource};
            match c.command {
                Command::Module { bytes, .. } => files.push(bytes),
                Command::AssertInvalid { module, .. }
                | Command::AssertMalformed { module, .. }
                | Command::AssertUnlinkable { module, .. }
                | Command::AssertUninstantiable { module, .. } => {
                    if let ModuleSource::Binary { bytes } = module {
                        files.push(bytes);
                    }
                }
                _ => {}
            }
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let (mut written, mut long) = (0, 0);
    let mut seen = HashSet::new();
    for f in files {
        if f.len() > max_len {
            long += 1;
            continue;
        }
        let name = oracle::judge::sha256_hex(&f);
        if seen.insert(name.clone()) {
            corpus::write_atomic(&out.join(&name), &f)
                .with_context(|| format!("cannot write {}", out.join(&name).display()))?;
            written += 1;
        }
    }
    println!(
        "{written} seeds in {}{}",
        out.display(),
        if long > 0 {
            format!(" ({long} larger than {max_len} bytes left out)")
        } else {
            String::new()
        }
    );
    Ok(0)
}

fn import(
    out: &Path,
    target: &str,
    engines: &[String],
    jobs: Option<usize>,
    reduce_budget: f64,
    artifacts: &[PathBuf],
) -> anyhow::Result<u8> {
    match target {
        "differential" | "validate" => {}
        "wast" | "reduce" => bail!(
            "a crash of the `{target}` target is a bug of the harness itself, not an engine's: \
             reproduce it with `cargo fuzz run -s none -O -a {target} ARTIFACT` in fuzz/"
        ),
        other => bail!("unknown target `{other}`; artifacts import from: differential, validate"),
    }
    let mut paths = Vec::new();
    for a in artifacts {
        if a.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(a)
                .with_context(|| format!("cannot read {}", a.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            inside.sort();
            paths.extend(inside);
        } else {
            paths.push(a.clone());
        }
    }
    let mut cases = Vec::new();
    for p in &paths {
        let data = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
        let made = if target == "validate" {
            // The bytes as they are: the spec decides whether they decode and validate.
            let plan = runners::inspect::inspect(&data)
                .map(|info| generator::default_plan(&info.funcs, 0).0)
                .unwrap_or_else(|_| oracle::Plan::new(vec![]));
            Ok((data, plan))
        } else {
            generator::fuzz::case_from_bytes(&data, &Proposal::WASM2, |m| {
                runners::inspect::runnable_exports(m, &Proposal::WASM2)
            })
            .map(|c| (c.module, c.plan))
            .map_err(|e| e.to_string())
        };
        match made {
            Ok((module, plan)) => cases.push(crate::campaign::Imported {
                strategy: format!("import:{target}"),
                module,
                plan,
            }),
            Err(why) => eprintln!("warning: {} makes no case ({why}), skipped", p.display()),
        }
    }
    if cases.is_empty() {
        bail!("none of the {} artifacts makes a case", paths.len());
    }
    eprintln!("importing {} cases into {}", cases.len(), out.display());
    crate::campaign::import(out, cases, engines, jobs, reduce_budget)
}

fn merge(out: &Path, inputs: &[PathBuf]) -> anyhow::Result<u8> {
    if out.exists()
        && out
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} exists and is not empty: merge into a new directory",
            out.display()
        );
    }
    let mut states = Vec::new();
    let mut dirs = Vec::new();
    for d in inputs {
        if !d.join("campaign.json").is_file() {
            bail!(
                "{} is not a campaign directory (no campaign.json)",
                d.display()
            );
        }
        let dir = Dir::open(d)?;
        states.push(dir.load_state()?);
        dirs.push(dir);
    }
    let first = &states[0].config;
    for (s, d) in states.iter().zip(inputs) {
        if s.config.seed != first.seed
            || s.config.engines != first.engines
            || s.config.generator != first.generator
        {
            bail!(
                "{} is another campaign (seed, engines or generator differ from {}'s): \
                 only shards or sessions of one campaign merge",
                d.display(),
                inputs[0].display()
            );
        }
    }
    let target = Dir::open(out)?;
    let mut config = first.clone();
    config.shard = None;

    // Cases: every case number once.
    let mut seen = HashSet::new();
    let mut records: Vec<Record> = Vec::new();
    for d in &dirs {
        for r in d.records() {
            if seen.insert(r.case) {
                records.push(r);
            }
        }
    }
    records.sort_by_key(|r| r.case);
    for r in &records {
        target.log(r)?;
    }

    // Corpus: each kept module once.
    let mut kept = 0;
    for d in &dirs {
        for (k, bytes) in d.corpus() {
            let hash = target.modules.put(&bytes)?;
            if hash.as_str() != k.module {
                bail!("corpus entry {} does not match its module", k.module);
            }
            target.keep(&k)?;
            kept += 1;
        }
    }

    // Findings: one directory per signature, the earliest case's.
    let mut best: BTreeMap<String, (FindingMeta, PathBuf)> = BTreeMap::new();
    for d in &dirs {
        for m in d.findings_meta() {
            let src = d.findings().join(&m.id);
            match best.get(&m.signature) {
                Some((b, _)) if b.first_case <= m.first_case => {}
                _ => {
                    best.insert(m.signature.clone(), (m, src));
                }
            }
        }
    }
    for (m, src) in best.values() {
        copy_dir(src, &target.findings().join(&m.id))?;
    }

    let state = State {
        schema: STATE_SCHEMA.into(),
        config,
        elapsed_s: states.iter().map(|s| s.elapsed_s).fold(0.0, f64::max),
        sessions: states.iter().map(|s| s.sessions).sum(),
        next_case: records.last().map_or(0, |r| r.case + 1),
    };
    target.save_state(&state)?;
    let report = crate::campaign::write_report(&target, true)?;
    println!(
        "merged {} directories: {} cases, {} kept, {} findings -> {}",
        inputs.len(),
        report.cases,
        kept,
        report.findings.len(),
        out.display()
    );
    Ok(0)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for e in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let e = e?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with(".tmp") || !e.path().is_file() {
            continue;
        }
        let mut bytes = std::fs::read(e.path())?;
        // The reproduction command names the finding's directory: the new one now.
        if ["repro", "finding.json", "report.md"].contains(&&*name.to_string_lossy())
            && let Ok(text) = String::from_utf8(bytes.clone())
        {
            let (a, b) = (from.display().to_string(), to.display().to_string());
            bytes = text
                .replace(&a, &b)
                .replace(&a.replace('"', "\\\""), &b.replace('"', "\\\""))
                .into_bytes();
        }
        corpus::write_atomic(&to.join(&name), &bytes)
            .with_context(|| format!("cannot write {}", to.join(&name).display()))?;
    }
    Ok(())
}
