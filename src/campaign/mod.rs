//! `harness campaign`: generate modules and plans, run them on every engine in isolated
//! workers, judge each engine against the oracle, keep what reaches new coverage points,
//! de-duplicate findings, and report. Resumable after an interrupt or a `kill -9`.

pub mod bench;
mod signature;
pub mod store;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use oracle::expect::{Expectation, SpecJudgement};
use oracle::{Plan, Proposal};
use reports::campaign::{
    CAMPAIGN_SCHEMA, CampaignReport, EngineRow, FindingRow, Sample, StrategyRow,
};
use runners::worker::Persistent;
use runners::{Engine, Limits};

use crate::engines::worker_command;
use store::{Config, Dir, FindingMeta, Kept, Pending, Record, STATE_SCHEMA, Shard, State};

/// Arguments of `harness campaign`.
#[derive(clap::Args)]
pub struct Args {
    /// How long to run this session: `90s`, `30m`, `8h` (default: until `--cases` or Ctrl-C).
    #[arg(long, value_parser = parse_duration)]
    time: Option<Duration>,
    /// Stop when the campaign has run this many cases in all.
    #[arg(long)]
    cases: Option<u64>,
    /// The campaign's directory (created; must not hold a campaign already).
    #[arg(long, value_name = "DIR", required_unless_present = "resume")]
    out: Option<PathBuf>,
    /// Continue the campaign in DIR with its configuration.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    resume: Option<PathBuf>,
    /// Engines to judge (repeatable; default: every bundled engine, judged by the oracle).
    #[arg(long = "engine", value_name = "NAME")]
    engines: Vec<String>,
    /// Generate only with these proposals (repeatable; default: every WebAssembly 2.0
    /// proposal all the engines support).
    #[arg(long = "proposal", value_name = "NAME")]
    proposals: Vec<String>,
    /// Run only shard K of N (`--shard 0/3`): N machines sharing only the seed split the
    /// case numbers (K, K+N, K+2N, ...); `harness corpus merge` combines their directories.
    /// `--cases` then counts this shard's cases.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Parallel cases (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// The campaign's seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Strategy weights: `smith=3,mutate=1` (smith: wasm-smith swarm; mutate: wasm-mutate
    /// of the official suite's modules and the corpus; negative: a generated module with one
    /// rule of validation or of the binary format broken, which every engine must reject).
    #[arg(long, default_value = "smith=3,mutate=1")]
    strategies: String,
    /// Fuel per call, for the engines and the oracle.
    #[arg(long, default_value_t = 1_000_000)]
    fuel: u64,
    /// Wall-clock limit of each step, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    timeout: f64,
    /// Memory limit of each engine's worker process, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 2048)]
    worker_memory: u64,
    /// Reduce each new finding (`harness reduce`, built-in predicate) in the background
    /// for at most this many seconds; 0 turns reduction off.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    reduce_budget: f64,
    /// When the cases are done, reduce every finding not reduced yet before exiting
    /// (by default the reduction under way finishes and the others wait for a resume).
    #[arg(long)]
    finish_reductions: bool,
    /// Refresh the report every this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    report_every: u64,
}

/// Reads `90s`, `30m`, `8h`, `1d` or a plain number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_alphabetic()).unwrap_or(s.len()));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 90s, 30m, 8h)"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        _ => return Err(format!("unknown unit `{unit}` in `{s}` (use s, m, h or d)")),
    };
    if !(secs > 0.0 && secs.is_finite()) {
        return Err(format!("`{s}` is not a positive duration"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn parse_strategies(s: &str) -> anyhow::Result<Vec<(String, u32)>> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let (name, w) = part
            .split_once('=')
            .with_context(|| format!("`{part}`: write strategies as name=weight"))?;
        let name = name.trim();
        if !STRATEGIES.contains(&name) {
            bail!(
                "unknown strategy `{name}`; known: {}",
                STRATEGIES.join(", ")
            );
        }
        let w: u32 = w
            .trim()
            .parse()
            .with_context(|| format!("`{part}`: the weight must be a whole number"))?;
        out.push((name.to_string(), w));
    }
    if out.iter().all(|(_, w)| *w == 0) {
        bail!("every strategy has weight 0");
    }
    Ok(out)
}

const STRATEGIES: [&str; 3] = ["smith", "mutate", "negative"];

/// Small modules exercising one 2.0 proposal each: an engine whose features reject one
/// cannot take modules using that proposal.
const PROBES: [(Proposal, &str); 7] = [
    (
        Proposal::MutableGlobal,
        r#"(module (global (export "g") (mut i32) (i32.const 0)))"#,
    ),
    (
        Proposal::SignExtension,
        "(module (func (result i32) i32.const 0 i32.extend8_s))",
    ),
    (
        Proposal::SaturatingFloatToInt,
        "(module (func (result i32) f32.const 0 i32.trunc_sat_f32_s))",
    ),
    (
        Proposal::MultiValue,
        "(module (func (result i32 i32) i32.const 0 i32.const 0))",
    ),
    (
        Proposal::BulkMemory,
        "(module (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.fill))",
    ),
    (
        Proposal::ReferenceTypes,
        "(module (table 1 externref) (func (param externref)))",
    ),
    (
        Proposal::Simd,
        "(module (func (result v128) v128.const i64x2 0 0))",
    ),
];

/// The proposals every engine and the oracle support: generation stays inside them.
pub fn common_proposals(engines: &[Box<dyn Engine>]) -> Vec<Proposal> {
    PROBES
        .iter()
        .filter(|(p, wat)| {
            let Ok(bytes) = wat::parse_str(wat) else {
                return false;
            };
            Proposal::WASM2.contains(p)
                && engines.iter().all(|e| {
                    e.info().proposals.contains(p)
                        && matches!(
                            runners::inspect::support_features(
                                &bytes,
                                e.features(),
                                &e.info().proposals
                            ),
                            runners::inspect::Support::Supported
                        )
                })
        })
        .map(|(p, _)| *p)
        .collect()
}

/// The common proposals, narrowed to those named (an error names one that is not common).
fn restrict(common: Vec<Proposal>, named: &[String]) -> anyhow::Result<Vec<Proposal>> {
    if named.is_empty() {
        return Ok(common);
    }
    named
        .iter()
        .map(|n| {
            common
                .iter()
                .copied()
                .find(|p| p.name() == n)
                .with_context(|| {
                    let names: Vec<&str> = common.iter().map(|p| p.name()).collect();
                    format!(
                        "--proposal {n}: not one every engine and the oracle support ({})",
                        names.join(", ")
                    )
                })
        })
        .collect()
}

/// Stops the campaign at Ctrl-C (a second one kills it as usual).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        // SAFETY: async-signal-safe calls only.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::raise(libc::SIGINT);
        }
    }
}

fn catch_interrupt() {
    // SAFETY: the handler only touches an atomic and async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_sigint as *const () as libc::sighandler_t);
    }
}

/// What every campaign thread shares.
struct Shared {
    dir: Dir,
    config: Config,
    engines: Vec<Box<dyn Engine>>,
    limits: Limits,
    start: Instant,
    elapsed_before: f64,
    next_case: AtomicU64,
    /// Cases to re-run first (pending at the last stop).
    redo: Mutex<Vec<Pending>>,
    /// Case numbers an earlier session claimed but never wrote down (killed in between):
    /// made again, from their number.
    holes: Mutex<Vec<u64>>,
    /// Case threads still running.
    running: AtomicU64,
    /// Mutation seeds: the official suite's modules and the corpus.
    seeds: RwLock<Vec<(String, Arc<Vec<u8>>)>>,
    stop: AtomicBool,
    /// This session's number (names the journals).
    session: u32,
    /// Whether the background reducer is running.
    reducing: AtomicBool,
    /// Whether it goes on after the cases, until every finding is reduced.
    finish_reductions: bool,
    fatal: Mutex<Option<anyhow::Error>>,
    tally: Mutex<Tally>,
    deadline: Option<Instant>,
    max_cases: Option<u64>,
}

/// Counters derived from the log (and so rebuilt exactly on resume).
#[derive(Default)]
struct Tally {
    cases: u64,
    logged: HashSet<u64>,
    corpus: u64,
    per_engine: BTreeMap<String, EngineRow>,
    per_strategy: BTreeMap<String, StrategyRow>,
    findings: BTreeMap<String, FindingRow>,
    by_signature: HashMap<String, String>,
}

impl Tally {
    fn add(&mut self, r: &Record) {
        if !self.logged.insert(r.case) {
            return;
        }
        self.cases += 1;
        if r.kept {
            self.corpus += 1;
        }
        let s = self
            .per_strategy
            .entry(r.strategy.clone())
            .or_insert_with(|| StrategyRow {
                name: r.strategy.clone(),
                ..StrategyRow::default()
            });
        s.cases += 1;
        s.kept += u64::from(r.kept);
        s.failures += u64::from(r.failed.is_some());
        s.with_findings += u64::from(!r.findings.is_empty());
        for (engine, class) in &r.verdicts {
            let e = self
                .per_engine
                .entry(engine.clone())
                .or_insert_with(|| EngineRow {
                    engine: engine.clone(),
                    ..EngineRow::default()
                });
            match class.as_str() {
                "conforms" => e.conforms += 1,
                "deviates" => e.deviates += 1,
                "unsupported" => e.unsupported += 1,
                "crash" => e.crash += 1,
                "timeout" => e.timeout += 1,
                _ => e.inconclusive += 1,
            }
        }
        for id in &r.findings {
            if let Some(f) = self.findings.get_mut(id) {
                f.hits += 1;
            }
        }
    }
}

/// `harness campaign`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a positive number of seconds");
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let (dir, state) = match (&args.resume, &args.out) {
        (Some(d), _) => {
            if !d.join("campaign.json").is_file() {
                bail!(
                    "{} is not a campaign directory (no campaign.json)",
                    d.display()
                );
            }
            let dir = Dir::open(d)?;
            let state = dir.load_state()?;
            (dir, state)
        }
        (None, Some(d)) => {
            if d.join("campaign.json").exists() {
                bail!(
                    "{} already holds a campaign: continue it with --resume {}",
                    d.display(),
                    d.display()
                );
            }
            let dir = Dir::open(d)?;
            let engines = crate::diff::select_engines(&default_engines(&args.engines))?;
            let config = Config {
                seed: args.seed,
                engines: engines.iter().map(|e| e.info().name).collect(),
                proposals: restrict(common_proposals(&engines), &args.proposals)?,
                strategies: parse_strategies(&args.strategies)?,
                fuel: args.fuel,
                timeout_ms: (args.timeout * 1000.0) as u64,
                worker_memory: args.worker_memory.saturating_mul(1 << 20),
                generator: format!(
                    "{} {}",
                    generator::smith::GENERATOR_VERSION,
                    generator::mutate::MUTATOR_VERSION
                ),
                shard: args.shard,
            };
            let state = State {
                schema: STATE_SCHEMA.into(),
                config,
                elapsed_s: 0.0,
                sessions: 0,
                next_case: Shard::numbering(args.shard).0,
            };
            dir.save_state(&state)?;
            (dir, state)
        }
        (None, None) => bail!("give --out DIR for a new campaign or --resume DIR"),
    };
    let engines = crate::diff::select_engines(&state.config.engines)?;
    let limits = Limits {
        fuel: state.config.fuel,
        step_timeout_ms: state.config.timeout_ms,
        worker_memory: state.config.worker_memory,
        ..Limits::default()
    };

    // What the log says is done, what was in flight, what was found.
    dir.sweep();
    dir.repair_log()?;
    let records = dir.records();
    let mut tally = Tally::default();
    for m in dir.findings_meta() {
        tally.by_signature.insert(m.signature.clone(), m.id.clone());
        tally.findings.insert(m.id.clone(), finding_row(&m));
    }
    for r in &records {
        tally.add(r);
    }
    let redo: Vec<Pending> = dir
        .pending()
        .into_iter()
        .filter(|p| !tally.logged.contains(&p.case))
        .collect();
    let (first, stride) = Shard::numbering(state.config.shard);
    let next_case = records
        .iter()
        .map(|r| r.case + stride)
        .chain(redo.iter().map(|p| p.case + stride))
        .chain([state.next_case])
        .max()
        .unwrap_or(0);
    let in_flight: HashSet<u64> = redo.iter().map(|p| p.case).collect();
    let mut holes: Vec<u64> = (first..next_case)
        .step_by(stride as usize)
        .filter(|n| !tally.logged.contains(n) && !in_flight.contains(n))
        .collect();
    holes.reverse();

    // Mutation seeds, and the corpus run once through the oracle so that coverage is
    // where the last session left it.
    let corpus = dir.corpus();
    let mut seeds: Vec<(String, Arc<Vec<u8>>)> = Vec::new();
    if state
        .config
        .strategies
        .iter()
        .any(|(n, w)| n == "mutate" && *w > 0)
    {
        seeds.extend(suite_seeds(&state.config.proposals));
    }
    for (k, bytes) in &corpus {
        let _ = std::panic::catch_unwind(|| oracle::expect::expect(bytes, &k.plan, limits.fuel));
        seeds.push((k.module.clone(), Arc::new(bytes.clone())));
    }
    oracle::coverage::take_fresh();

    let resumed = state.sessions > 0;
    let mut state = state;
    state.sessions += 1;
    state.next_case = next_case;
    dir.save_state(&state)?;
    if resumed {
        eprintln!(
            "resuming {}: {} cases done, {} pending re-run, {} findings, corpus of {}",
            dir.root().display(),
            tally.cases,
            redo.len() + holes.len(),
            tally.findings.len(),
            corpus.len()
        );
    }

    let shared = Arc::new(Shared {
        dir: dir.clone(),
        config: state.config.clone(),
        engines,
        limits,
        start: Instant::now(),
        elapsed_before: state.elapsed_s,
        next_case: AtomicU64::new(next_case),
        redo: Mutex::new(redo),
        holes: Mutex::new(holes),
        running: AtomicU64::new(jobs as u64),
        seeds: RwLock::new(seeds),
        stop: AtomicBool::new(false),
        reducing: AtomicBool::new(args.reduce_budget > 0.0),
        finish_reductions: args.finish_reductions,
        session: state.sessions,
        fatal: Mutex::new(None),
        tally: Mutex::new(tally),
        deadline: args.time.map(|t| Instant::now() + t),
        max_cases: args.cases,
    });
    catch_interrupt();
    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    progress.enable_steady_tick(Duration::from_millis(200));

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs + 1)
        .thread_name(|i| format!("campaign-{i}"))
        .build()
        .context("cannot start the campaign's threads")?;
    let report_every = Duration::from_secs(args.report_every.max(1));
    pool.scope(|s| {
        for _ in 0..jobs {
            let shared = Arc::clone(&shared);
            s.spawn(move |_| case_thread(&shared));
        }
        let shared2 = Arc::clone(&shared);
        let progress = progress.clone();
        s.spawn(move |_| monitor(&shared2, &progress, report_every));
        if args.reduce_budget > 0.0 {
            let shared = Arc::clone(&shared);
            let budget = args.reduce_budget;
            // Not a pool thread: it mostly waits for a child process.
            std::thread::spawn(move || reduce_loop(&shared, budget));
        }
    });
    // The reducer stops with the cases (its child is killed, its best result kept).
    while shared.reducing.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    progress.finish_and_clear();

    let elapsed = shared.elapsed_before + shared.start.elapsed().as_secs_f64();
    state.elapsed_s = elapsed;
    state.next_case = shared.next_case.load(Ordering::SeqCst);
    let fatal = shared.fatal.lock().ok().and_then(|mut f| f.take());
    if let Some(e) = fatal {
        // Best effort: the state and report may not be writable either.
        let _ = shared.dir.save_state(&state);
        return Err(e.context(format!(
            "the campaign in {} stopped; everything written before this error is intact \
             (continue with --resume)",
            shared.dir.root().display()
        )));
    }
    shared.dir.save_state(&state)?;
    // Every claimed case is logged (the threads finished theirs): the journals go.
    if shared.redo.lock().is_ok_and(|r| r.is_empty()) {
        shared.dir.clear_pending();
    }
    sample(&shared)?;
    let report = write_report(&shared.dir, true)?;
    println!(
        "{} cases in {:.0} s ({:.1} cases/s), {} findings, {} coverage points, corpus of {}",
        report.cases,
        report.elapsed_s,
        report.cases_per_s,
        report.findings.len(),
        report.points_reached,
        report.corpus
    );
    for f in &report.findings {
        println!(
            "  {} {} {}: {} hits, {}",
            f.id,
            f.engine,
            f.kind,
            f.hits,
            shared.dir.findings().join(&f.id).display()
        );
    }
    println!(
        "findings: {}\nreport:   {}",
        shared.dir.findings().display(),
        shared.dir.root().join("report.html").display()
    );
    if INTERRUPTED.load(Ordering::SeqCst) {
        println!(
            "interrupted: continue with harness campaign --resume {}",
            shared.dir.root().display()
        );
    }
    Ok(if report.findings.is_empty() { 0 } else { 1 })
}

/// A case brought in from outside (a libFuzzer artifact), to be run as a campaign's case.
pub struct Imported {
    /// Where it came from (`import:<target>`), the case's strategy in the log.
    pub strategy: String,
    /// The module (it need not validate: the spec then expects a rejection).
    pub module: Vec<u8>,
    /// How it is exercised.
    pub plan: Plan,
}

/// Creates the campaign directory `out` holding exactly these cases, and runs them as
/// `harness campaign` would: each is written down (in a pending journal) before any engine
/// runs it, judged against the oracle on `engines` (default: every bundled engine), its
/// findings de-duplicated, written with their reports and reduced. Interrupted, it goes on
/// with `harness campaign --resume out` (which then stops once these cases are done, unless
/// given more `--cases`).
pub fn import(
    out: &Path,
    cases: Vec<Imported>,
    engines: &[String],
    jobs: Option<usize>,
    reduce_budget: f64,
) -> anyhow::Result<u8> {
    if out.join("campaign.json").exists() {
        bail!(
            "{} already holds a campaign: import into a new directory, then `harness corpus merge`",
            out.display()
        );
    }
    let dir = Dir::open(out)?;
    let engines = crate::diff::select_engines(&default_engines(engines))?;
    // The campaign's defaults, as its command line has them.
    let args =
        {
            use clap::{Args as _, FromArgMatches as _};
            let matches = Args::augment_args(clap::Command::new("campaign"))
                .try_get_matches_from(["campaign", "--resume", &out.to_string_lossy()])?;
            Args::from_arg_matches(&matches)?
        };
    let config = Config {
        seed: args.seed,
        engines: engines.iter().map(|e| e.info().name).collect(),
        proposals: common_proposals(&engines),
        strategies: parse_strategies(&args.strategies)?,
        fuel: args.fuel,
        timeout_ms: (args.timeout * 1000.0) as u64,
        worker_memory: args.worker_memory.saturating_mul(1 << 20),
        generator: format!(
            "{} {}",
            generator::smith::GENERATOR_VERSION,
            generator::mutate::MUTATOR_VERSION
        ),
        shard: None,
    };
    let n = cases.len() as u64;
    let mut journal = dir.journal("import")?;
    for (i, c) in cases.into_iter().enumerate() {
        journal.claim(&Pending {
            case: i as u64,
            strategy: c.strategy,
            seed: 0,
            parent: None,
            module: corpus::Hash::of(&c.module).to_string(),
            bytes: store::hex(&c.module),
            plan: c.plan,
        })?;
    }
    drop(journal);
    dir.save_state(&State {
        schema: STATE_SCHEMA.into(),
        config,
        elapsed_s: 0.0,
        sessions: 0,
        next_case: n,
    })?;
    run(Args {
        cases: Some(n),
        jobs,
        reduce_budget,
        finish_reductions: true,
        ..args
    })
}

fn default_engines(named: &[String]) -> Vec<String> {
    if !named.is_empty() {
        return named.to_vec();
    }
    // The oracle judges in-process; running it as an engine too would only repeat it.
    runners::bundled()
        .iter()
        .map(|e| e.info().name)
        .filter(|n| n != "reference")
        .collect()
}

/// The official 2.0 suite's modules that use only the campaign's proposals and import
/// only what the standard host provides.
fn suite_seeds(proposals: &[Proposal]) -> Vec<(String, Arc<Vec<u8>>)> {
    let mut out = Vec::new();
    for (name, text) in crate::wast::suite_scripts() {
        let Ok(commands) = runners::wast::parse_script(text, &name) else {
            continue;
        };
        for c in commands {
            if let oracle::script::Command::Module { bytes, .. } = c.command
                && let Ok(info) = runners::inspect::inspect(&bytes)
                && info.proposals.iter().all(|p| proposals.contains(p))
                && info.imports.iter().all(runners::host::provides)
            {
                out.push((corpus::Hash::of(&bytes).to_string(), Arc::new(bytes)));
            }
        }
    }
    out
}

fn finding_row(m: &FindingMeta) -> FindingRow {
    FindingRow {
        id: m.id.clone(),
        engine: m.engine.clone(),
        kind: m.kind.clone(),
        signature: m.signature.clone(),
        expected: m.expected.clone(),
        got: m.got.clone(),
        first_case: m.first_case,
        hits: 0,
        repro: m.repro.clone(),
        bytes: 0,
        reduced_bytes: None,
    }
}

fn should_stop(shared: &Shared) -> bool {
    shared.stop.load(Ordering::SeqCst)
        || INTERRUPTED.load(Ordering::SeqCst)
        || shared.deadline.is_some_and(|d| Instant::now() >= d)
}

/// Claims the next case: a pending one first, else a new number (none past `--cases`).
fn claim(shared: &Shared) -> Option<Claim> {
    if let Some(p) = shared.redo.lock().ok().and_then(|mut r| r.pop()) {
        return Some(Claim::Redo(p));
    }
    if let Some(n) = shared.holes.lock().ok().and_then(|mut h| h.pop()) {
        return Some(Claim::New(n));
    }
    let (first, stride) = Shard::numbering(shared.config.shard);
    let n = shared.next_case.fetch_add(stride, Ordering::SeqCst);
    if shared.max_cases.is_some_and(|m| (n - first) / stride >= m) {
        shared.next_case.fetch_sub(stride, Ordering::SeqCst);
        return None;
    }
    Some(Claim::New(n))
}

enum Claim {
    New(u64),
    Redo(Pending),
}

/// The seed of case `n` of a campaign.
pub fn case_seed(campaign: u64, n: u64) -> u64 {
    let mut r = generator::SplitMix64::new(campaign ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    r.next_u64()
}

fn pick_strategy(config: &Config, seed: u64, have_seeds: bool) -> String {
    let usable: Vec<&(String, u32)> = config
        .strategies
        .iter()
        .filter(|(n, w)| *w > 0 && (n != "mutate" || have_seeds))
        .collect();
    let total: u64 = usable.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return "smith".into();
    }
    let mut x = (seed >> 8) % total;
    for (n, w) in &usable {
        if x < u64::from(*w) {
            return n.clone();
        }
        x -= u64::from(*w);
    }
    "smith".into()
}

/// One thread's cases, each engine in this thread's own persistent worker.
/// Counts a case thread out when it ends, however it ends.
struct Running<'a>(&'a Shared);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A case thread: a panic in it (a bug of ours) stops the campaign with an error, as any
/// other fatal error does, instead of leaving the others waiting for it.
fn case_thread(shared: &Shared) {
    let _running = Running(shared);
    if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case_loop(shared)))
    {
        fail(
            shared,
            anyhow::anyhow!("a case thread panicked: {}", crate::panic_message(&*panic)),
        );
    }
}

fn case_loop(shared: &Shared) {
    let mut cmd = match worker_command() {
        Ok(c) => c,
        Err(e) => {
            fail(shared, e);
            return;
        }
    };
    // Each worker compiles on one core: the campaign's parallelism is across cases.
    cmd.env.push(("RAYON_NUM_THREADS".into(), "1".into()));
    let scratch_dir = shared.dir.root().join("scratch");
    let thread = rayon::current_thread_index().unwrap_or(0);
    // One scratch file per case in flight, rewritten in place.
    let scratch: Vec<PathBuf> = (0..IN_FLIGHT)
        .map(|slot| scratch_dir.join(format!("{thread}-{slot}.wasm")))
        .collect();
    if let Err(e) = std::fs::create_dir_all(&scratch_dir) {
        fail(
            shared,
            anyhow::Error::new(e).context(format!("cannot create {}", scratch_dir.display())),
        );
        return;
    }
    let mut journal = match shared.dir.journal(&format!(
        "s{}-t{}",
        shared.session,
        rayon::current_thread_index().unwrap_or(0)
    )) {
        Ok(j) => j,
        Err(e) => {
            fail(shared, e);
            return;
        }
    };
    // One thread per engine for the whole job, owning that engine's worker process (which
    // dies with the thread that started it): the engines run each case at the same time.
    std::thread::scope(|s| {
        let drivers: Vec<Driver> = shared
            .engines
            .iter()
            .map(|e| Driver::start(s, e.as_ref(), Persistent::new(cmd.clone()), &shared.limits))
            .collect();
        // Up to IN_FLIGHT cases at once: while the engines run one, this thread makes,
        // journals and dispatches the next and runs the oracle on it, so that neither
        // the engines nor this thread wait for the other. Observations come back in order.
        let mut flight: VecDeque<InFlight> = VecDeque::new();
        let mut oracle: Option<OracleThread> = None;
        let mut started = 0usize;
        loop {
            while flight.len() < IN_FLIGHT && !should_stop(shared) {
                let Some(claim) = claim(shared) else { break };
                let slot = &scratch[started % IN_FLIGHT];
                match start_case(shared, &drivers, &mut oracle, &mut journal, slot, claim) {
                    Ok(Some(f)) => {
                        flight.push_back(f);
                        started += 1;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        fail(shared, e);
                        break;
                    }
                }
            }
            // Stopping, cases in flight finish: nothing claimed is left unlogged.
            let Some(f) = flight.pop_front() else { break };
            if let Err(e) = finish_case(shared, &drivers, &mut journal, f, &flight) {
                fail(shared, e);
                // The rest cannot be judged; they stay in the journal for a resume.
                break;
            }
        }
    });
}

/// What an engine's driver thread is asked: observe this module and plan (checking first
/// that the engine supports it, for cases brought in from outside).
struct Task {
    bytes: Arc<Vec<u8>>,
    path: PathBuf,
    plan: Plan,
    check_support: bool,
}

/// A thread that drives one engine's worker for a job, a case at a time.
struct Driver {
    tasks: mpsc::Sender<Task>,
    done: mpsc::Receiver<oracle::Observation>,
}

impl Driver {
    fn start<'scope, 'env: 'scope>(
        s: &'scope std::thread::Scope<'scope, 'env>,
        engine: &'env dyn Engine,
        mut worker: Persistent,
        limits: &'env Limits,
    ) -> Driver {
        let (tasks, task_rx) = mpsc::channel::<Task>();
        let (done_tx, done) = mpsc::channel();
        s.spawn(move || {
            for t in task_rx {
                let obs = if t.check_support {
                    worker.observe(engine, &t.bytes, &t.path, &t.plan, limits, None)
                } else {
                    // Memories are judged by their hash; contents cross only for `diff`.
                    worker.observe_supported(engine, &t.bytes, &t.path, &t.plan, limits, None)
                };
                if done_tx.send(obs).is_err() {
                    break;
                }
            }
        });
        Driver { tasks, done }
    }
}

fn fail(shared: &Shared, e: anyhow::Error) {
    if let Ok(mut f) = shared.fatal.lock()
        && f.is_none()
    {
        *f = Some(e);
    }
    shared.stop.store(true, Ordering::SeqCst);
}

/// A case's module and plan, or why there is none. A generator that panics (a bug of
/// wasm-smith's, wasm-mutate's or ours) fails this case only, with the message.
fn make_case(shared: &Shared, n: u64) -> (Pending, Option<Vec<u8>>, Option<String>) {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        make_case_unguarded(shared, n)
    }))
    .unwrap_or_else(|panic| {
        let seed = case_seed(shared.config.seed, n);
        let have_seeds = shared.seeds.read().is_ok_and(|s| !s.is_empty());
        let pending = Pending {
            case: n,
            strategy: pick_strategy(&shared.config, seed, have_seeds),
            seed,
            parent: None,
            module: String::new(),
            bytes: String::new(),
            plan: Plan::new(vec![]),
        };
        let why = format!("the generator panicked: {}", crate::panic_message(&*panic));
        (pending, None, Some(why))
    })
}

fn make_case_unguarded(shared: &Shared, n: u64) -> (Pending, Option<Vec<u8>>, Option<String>) {
    // A generator bug, for the tests: `HARNESS_TEST_GENERATOR_PANIC=N` panics at case N.
    #[cfg(feature = "test-engines")]
    if std::env::var("HARNESS_TEST_GENERATOR_PANIC").is_ok_and(|v| v == n.to_string()) {
        panic!("simulated generator bug at case {n}");
    }
    let seed = case_seed(shared.config.seed, n);
    let have_seeds = shared.seeds.read().is_ok_and(|s| !s.is_empty());
    let strategy = pick_strategy(&shared.config, seed, have_seeds);
    let mut parent = None;
    let made = match strategy.as_str() {
        "mutate" => {
            let chosen =
                shared.seeds.read().ok().and_then(|s| {
                    (!s.is_empty()).then(|| s[(seed % s.len() as u64) as usize].clone())
                });
            match chosen {
                Some((hash, bytes)) => {
                    parent = Some(hash);
                    generator::mutate::mutate(&bytes, seed).map_err(|e| e.to_string())
                }
                None => Err("no seed module".into()),
            }
        }
        "negative" => {
            // A generated module with one rule broken: every engine must reject it (the
            // oracle's expectation, from the bytes, says whether it still validates).
            let broken = generator::smith::generate(seed, &shared.config.proposals)
                .map_err(|e| e.to_string())
                .and_then(|g| {
                    generator::negative::break_one(&g.bytes, seed)
                        .ok_or_else(|| "no rule to break in this module".to_string())
                });
            let mut pending = Pending {
                case: n,
                strategy,
                seed,
                parent: None,
                module: String::new(),
                bytes: String::new(),
                plan: Plan::new(vec![]),
            };
            return match broken {
                Ok((bytes, _rule)) => {
                    if let Ok(info) = runners::inspect::inspect(&bytes) {
                        pending.plan = generator::default_plan(&info.funcs, seed).0;
                    }
                    (pending, Some(bytes), None)
                }
                Err(why) => (pending, None, Some(why)),
            };
        }
        _ => generator::smith::generate(seed, &shared.config.proposals)
            .map(|g| g.bytes)
            .map_err(|e| e.to_string()),
    };
    // A mutant may use what the campaign leaves out, or import what no host provides.
    let made = made.and_then(|bytes| match runners::inspect::inspect(&bytes) {
        Ok(info)
            if info
                .proposals
                .iter()
                .all(|p| shared.config.proposals.contains(p))
                && info.imports.iter().all(runners::host::provides) =>
        {
            Ok((bytes, info))
        }
        Ok(_) => Err("uses a proposal or an import outside the campaign's".into()),
        Err(e) => Err(format!("does not validate: {e}")),
    });
    let mut pending = Pending {
        case: n,
        strategy,
        seed,
        parent,
        module: String::new(),
        bytes: String::new(),
        plan: Plan::new(vec![]),
    };
    match made {
        Ok((bytes, info)) => {
            pending.plan = generator::default_plan(&info.funcs, seed).0;
            (pending, Some(bytes), None)
        }
        Err(why) => (pending, None, Some(why)),
    }
}

/// How many cases a job has in flight at once (dispatched to the engines, not yet judged).
const IN_FLIGHT: usize = 3;

/// A case dispatched to every engine's driver, waiting for their observations.
struct InFlight {
    pending: Pending,
    bytes: Vec<u8>,
    /// The oracle's expectation, or why there is none (the observations are then
    /// collected and dropped).
    expectation: Result<Expectation, String>,
    new_points: u64,
}

/// Makes (or takes back) a claimed case, journals it, writes its module to `scratch`,
/// sends it to every engine's driver and runs the oracle on it while they work. `None`
/// when the claim gives no case to run (logged as failed, or a pending case that is not
/// intact).
fn start_case(
    shared: &Shared,
    drivers: &[Driver],
    oracle: &mut Option<OracleThread>,
    journal: &mut store::Journal,
    scratch: &Path,
    claim: Claim,
) -> anyhow::Result<Option<InFlight>> {
    let t = || shared.elapsed_before + shared.start.elapsed().as_secs_f64();
    let (pending, bytes) = match claim {
        Claim::New(n) => {
            let (mut pending, bytes, failed) = make_case(shared, n);
            let Some(bytes) = bytes else {
                let r = Record {
                    case: n,
                    strategy: pending.strategy,
                    seed: pending.seed,
                    failed,
                    t: t(),
                    ..Record::default()
                };
                shared.dir.log(&r)?;
                add(shared, &r);
                return Ok(None);
            };
            // Written before any engine runs it.
            pending.module = corpus::Hash::of(&bytes).to_string();
            pending.bytes = store::hex(&bytes);
            journal.claim(&pending)?;
            (pending, bytes)
        }
        Claim::Redo(p) => {
            match store::unhex(&p.bytes).filter(|b| corpus::Hash::of(b).as_str() == p.module) {
                Some(b) => {
                    // In this session's journal too: the last one's go at this one's end.
                    journal.claim(&p)?;
                    (p, b)
                }
                None => {
                    eprintln!(
                        "warning: pending case {} has no intact module, dropped",
                        p.case
                    );
                    return Ok(None);
                }
            }
        }
    };
    // The workers read the module from this slot's scratch file, rewritten in place.
    std::fs::write(scratch, &bytes)
        .with_context(|| format!("cannot write {}", scratch.display()))?;
    let shared_bytes = Arc::new(bytes.clone());
    for d in drivers {
        d.tasks
            .send(Task {
                bytes: Arc::clone(&shared_bytes),
                path: scratch.to_path_buf(),
                plan: pending.plan.clone(),
                // Generation kept to what every engine supports: no support check per
                // engine, but for cases brought in from outside.
                check_support: pending.strategy.starts_with("import"),
            })
            .map_err(|_| anyhow::anyhow!("an engine's driver thread is gone"))?;
    }
    // The oracle: the expectation, and which coverage points this case reached first.
    let (expectation, new_points) = oracle_run(shared, oracle, &bytes, &pending.plan);
    Ok(Some(InFlight {
        pending,
        bytes,
        expectation,
        new_points,
    }))
}

/// Collects a dispatched case's observations (the oldest in flight: each driver answers
/// in order), judges them against the oracle, records findings and logs the case.
fn finish_case(
    shared: &Shared,
    drivers: &[Driver],
    journal: &mut store::Journal,
    case: InFlight,
    still_in_flight: &VecDeque<InFlight>,
) -> anyhow::Result<()> {
    let t = || shared.elapsed_before + shared.start.elapsed().as_secs_f64();
    let InFlight {
        pending,
        bytes,
        expectation,
        new_points,
    } = case;
    let observations = drivers
        .iter()
        .map(|d| {
            d.done
                .recv()
                .map_err(|_| anyhow::anyhow!("an engine's driver thread is gone"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let in_flight = still_in_flight.iter().map(|f| &f.pending);
    let expectation = match expectation {
        Ok(e) => e,
        Err(why) => {
            let dir = shared.dir.root().join("oracle-failures");
            std::fs::create_dir_all(&dir)?;
            corpus::write_atomic(&dir.join(format!("{}.wasm", pending.module)), &bytes)?;
            tracing::warn!(
                case = pending.case,
                "{why}: module kept in {}",
                dir.display()
            );
            let r = Record {
                case: pending.case,
                strategy: pending.strategy.clone(),
                seed: pending.seed,
                module: Some(pending.module.clone()),
                failed: Some(why),
                t: t(),
                ..Record::default()
            };
            shared.dir.log(&r)?;
            journal.done(in_flight)?;
            add(shared, &r);
            return Ok(());
        }
    };
    let judgement = SpecJudgement::new(expectation, &observations);
    let mut record = Record {
        case: pending.case,
        strategy: pending.strategy.clone(),
        seed: pending.seed,
        module: Some(pending.module.clone()),
        new_points,
        t: t(),
        ..Record::default()
    };
    for (v, o) in judgement.engines.iter().zip(&observations) {
        if let oracle::expect::SpecVerdict::Inconclusive { step, why } = &v.verdict {
            tracing::debug!(case = pending.case, engine = %v.engine, %step, why, "inconclusive");
        }
        record.verdicts.insert(
            v.engine.clone(),
            signature::class(&v.verdict, o, &judgement.expectation).into(),
        );
        if let Some(fault) = signature::fault(&v.verdict, o, &judgement.expectation) {
            let id = record_finding(shared, &fault, &pending, &bytes, &observations, &judgement)?;
            if !record.findings.contains(&id) {
                record.findings.push(id);
            }
        }
    }
    if new_points > 0 {
        record.kept = true;
        shared.dir.modules.put_unsynced(&bytes)?;
        shared.dir.keep(&Kept {
            case: pending.case,
            module: pending.module.clone(),
            plan: pending.plan.clone(),
            new_points,
        })?;
        if let Ok(mut s) = shared.seeds.write() {
            s.push((pending.module.clone(), Arc::new(bytes.clone())));
        }
    }
    shared.dir.log(&record)?;
    journal.done(in_flight)?;
    add(shared, &record);
    Ok(())
}

/// What the oracle's thread answers: the expectation (or the panic), and how many
/// coverage points the case reached first.
type OracleAnswer = (std::thread::Result<Expectation>, u64);

/// A job's oracle thread, which runs one case at a time for as long as the job lasts.
struct OracleThread {
    tasks: mpsc::Sender<(Vec<u8>, Plan)>,
    done: mpsc::Receiver<OracleAnswer>,
}

impl OracleThread {
    fn start(fuel: u64) -> std::io::Result<OracleThread> {
        let (tasks, task_rx) = mpsc::channel::<(Vec<u8>, Plan)>();
        let (done_tx, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("oracle".into())
            .spawn(move || {
                for (bytes, plan) in task_rx {
                    oracle::coverage::take_fresh();
                    let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        oracle::expect::expect(&bytes, &plan, fuel)
                    }));
                    if done_tx.send((e, oracle::coverage::take_fresh())).is_err() {
                        break;
                    }
                }
            })?;
        Ok(OracleThread { tasks, done })
    }
}

/// Runs the oracle on the job's oracle thread under the campaign's wall-clock limit (all
/// steps together), and counts the coverage points it reached first. A run past the limit
/// is abandoned with its thread (its fuel ends it later; the next case starts a new one)
/// and the case is not judged.
fn oracle_run(
    shared: &Shared,
    thread: &mut Option<OracleThread>,
    bytes: &[u8],
    plan: &Plan,
) -> (Result<Expectation, String>, u64) {
    if thread.is_none() {
        match OracleThread::start(shared.limits.fuel) {
            Ok(t) => *thread = Some(t),
            Err(e) => return (Err(format!("cannot start the oracle: {e}")), 0),
        }
    }
    let Some(t) = thread.as_ref() else {
        return (Err("cannot start the oracle".into()), 0);
    };
    if t.tasks.send((bytes.to_vec(), plan.clone())).is_err() {
        *thread = None;
        return (Err("the oracle's thread is gone (a bug of ours)".into()), 0);
    }
    let steps = plan.invocations.len() as u64 + 1;
    let limit = Duration::from_millis(shared.limits.step_timeout_ms.saturating_mul(steps));
    match t.done.recv_timeout(limit) {
        Ok((Ok(e), fresh)) => (Ok(e), fresh),
        Ok((Err(_), fresh)) => (Err("the oracle failed (a bug of ours)".into()), fresh),
        Err(_) => {
            *thread = None;
            (
                Err(format!(
                    "the oracle passed the wall-clock limit ({} ms a step)",
                    shared.limits.step_timeout_ms
                )),
                0,
            )
        }
    }
}

fn add(shared: &Shared, r: &Record) {
    if let Ok(mut t) = shared.tally.lock() {
        t.add(r);
    }
}

/// Reduces the findings that have no reduction yet, one at a time, each with
/// `harness reduce` in a child process (its own workers, its own limits), until the
/// campaign stops (the reduction under way then finishes, unless interrupted). The result lands in the finding's directory: `reduced.wasm`,
/// `reduced.wat`, `reduction.json` (or `reduction-failed.txt` with the reason).
fn reduce_loop(shared: &Shared, budget: f64) {
    let mut tried: HashSet<String> = HashSet::new();
    let go_on = || {
        !shared.stop.load(Ordering::SeqCst)
            || (shared.finish_reductions
                && !INTERRUPTED.load(Ordering::SeqCst)
                && shared.fatal.lock().is_ok_and(|f| f.is_none()))
    };
    'outer: while go_on() {
        let stopped = shared.stop.load(Ordering::SeqCst);
        let next = shared.dir.findings_meta().into_iter().find(|m| {
            let d = shared.dir.findings().join(&m.id);
            m.kind == "deviation"
                && !tried.contains(&m.id)
                && !d.join("reduction.json").exists()
                && !d.join("reduction-failed.txt").exists()
        });
        let Some(meta) = next else {
            if stopped {
                // Every finding of the finished cases has had its reduction.
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
            continue;
        };
        tried.insert(meta.id.clone());
        let dir = shared.dir.findings().join(&meta.id);
        let Ok(exe) = std::env::current_exe() else {
            break;
        };
        use std::os::unix::process::CommandExt;
        let child = std::process::Command::new(exe)
            .arg("reduce")
            .arg(&dir)
            .arg("-o")
            .arg(dir.join("reduced.wasm"))
            .args(["--time-budget", &budget.to_string()])
            .args(["--fuel", &shared.limits.fuel.to_string()])
            .args([
                "--predicate-timeout",
                &(shared.limits.step_timeout_ms as f64 / 1000.0).to_string(),
            ])
            .args(["--engine", &meta.engine, "--json"])
            .env("RAYON_NUM_THREADS", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .spawn();
        let Ok(mut child) = child else {
            break;
        };
        let out = child.stdout.take();
        let err = child.stderr.take();
        let read = |r: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_end(&mut buf);
                }
                buf
            })
        };
        let out = read(out.map(|o| Box::new(o) as Box<dyn std::io::Read + Send>));
        let err = read(err.map(|e| Box::new(e) as Box<dyn std::io::Read + Send>));
        let status = loop {
            // At the campaign's end the reduction under way may finish (within its budget);
            // an interrupt or an error stops it at once, its best result kept.
            let abort = INTERRUPTED.load(Ordering::SeqCst)
                || shared.fatal.lock().map_or(true, |f| f.is_some());
            if abort {
                // SAFETY: kill takes a process group id and a signal; it touches no memory.
                unsafe {
                    libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
                }
                let _ = child.wait();
                break 'outer;
            }
            match child.try_wait() {
                Ok(Some(st)) => break st,
                Ok(None) => std::thread::sleep(Duration::from_millis(100)),
                Err(_) => break 'outer,
            }
        };
        let (out, err) = (
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
        );
        let r = if status.success() {
            corpus::write_atomic(&dir.join("reduction.json"), &out)
        } else {
            let why = String::from_utf8_lossy(&err);
            let line = why
                .lines()
                .rfind(|l| l.starts_with("error"))
                .unwrap_or("the reducer failed");
            corpus::write_atomic(
                &dir.join("reduction-failed.txt"),
                format!("{line}\n").as_bytes(),
            )
        };
        if let Err(e) = r {
            tracing::warn!("cannot write the reduction of {}: {e}", meta.id);
        }
    }
    shared.reducing.store(false, Ordering::SeqCst);
}

/// Stores a finding the first time its signature shows; returns its id.
fn record_finding(
    shared: &Shared,
    fault: &signature::Fault,
    pending: &Pending,
    bytes: &[u8],
    observations: &[oracle::Observation],
    judgement: &SpecJudgement,
) -> anyhow::Result<String> {
    let id = oracle::judge::sha256_hex(fault.signature.as_bytes())[..16].to_string();
    // The tally's lock makes the first sight of a signature happen once.
    let mut tally = shared
        .tally
        .lock()
        .map_err(|_| anyhow::anyhow!("a campaign thread panicked"))?;
    if tally.by_signature.contains_key(&fault.signature) {
        return Ok(id);
    }
    let engines: String = shared
        .config
        .engines
        .iter()
        .map(|e| format!(" --engine {e}"))
        .collect();
    let findings = shared.dir.findings();
    let dir = findings.join(&id);
    let repro = format!(
        "harness diff {d}/module.wasm --plan {d}/plan.json --fuel {} --timeout {}{engines}",
        shared.limits.fuel,
        shared.limits.step_timeout_ms as f64 / 1000.0,
        d = dir.display()
    );
    write_finding(&dir, fault, pending, bytes, observations, judgement, &repro)?;
    let meta = FindingMeta {
        id: id.clone(),
        kind: fault.kind.into(),
        engine: fault.engine.clone(),
        signature: fault.signature.clone(),
        expected: fault.expected.clone(),
        got: fault.got.clone(),
        first_case: pending.case,
        repro,
    };
    // Last: a directory with finding.json is complete.
    store::write_json(&dir.join("finding.json"), &meta, true)?;
    tally
        .by_signature
        .insert(meta.signature.clone(), id.clone());
    tally.findings.insert(id.clone(), finding_row(&meta));
    Ok(id)
}

fn write_finding(
    dir: &Path,
    fault: &signature::Fault,
    pending: &Pending,
    bytes: &[u8],
    observations: &[oracle::Observation],
    judgement: &SpecJudgement,
    repro: &str,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let w = |name: &str, data: &[u8]| {
        corpus::write_atomic(&dir.join(name), data)
            .with_context(|| format!("cannot write {}", dir.join(name).display()))
    };
    w("module.wasm", bytes)?;
    if let Ok(text) = wasmprinter::print_bytes(bytes) {
        w("module.wat", text.as_bytes())?;
    }
    w(
        "plan.json",
        serde_json::to_string_pretty(&pending.plan)?.as_bytes(),
    )?;
    w(
        "observations.json",
        serde_json::to_string_pretty(observations)?.as_bytes(),
    )?;
    w(
        "verdict.json",
        serde_json::to_string_pretty(judgement)?.as_bytes(),
    )?;
    w("repro", format!("{repro}\n").as_bytes())?;
    w(
        "report.md",
        finding_markdown(fault, pending, bytes, judgement, repro).as_bytes(),
    )?;
    Ok(())
}

/// A report for the engine's bug tracker.
fn finding_markdown(
    fault: &signature::Fault,
    pending: &Pending,
    bytes: &[u8],
    judgement: &SpecJudgement,
    repro: &str,
) -> String {
    use std::fmt::Write as _;
    let esc = reports::escape;
    let mut s = String::new();
    let what = match fault.kind {
        "crash" => "crashes",
        "hang" => "hangs",
        _ => "deviates from the WebAssembly spec",
    };
    let _ = writeln!(s, "# {} {what}\n", esc(&fault.engine));
    let _ = writeln!(
        s,
        "Found by `harness campaign` (case {}, strategy {}, seed {}); the module is {} bytes.\n",
        pending.case,
        pending.strategy,
        pending.seed,
        bytes.len()
    );
    let _ = writeln!(s, "- **The spec allows:** `{}`", esc(&fault.expected));
    let _ = writeln!(s, "- **{} did:** `{}`", esc(&fault.engine), esc(&fault.got));
    let _ = writeln!(s, "- **Signature:** `{}`\n", esc(&fault.signature));
    let _ = writeln!(s, "## Reproduce\n\n```sh\n{repro}\n```\n");
    let _ = writeln!(s, "## Every engine\n");
    for e in &judgement.engines {
        let v = match &e.verdict {
            oracle::expect::SpecVerdict::Conforms => "conforms".to_string(),
            oracle::expect::SpecVerdict::Unsupported => "unsupported".to_string(),
            oracle::expect::SpecVerdict::Deviates {
                step,
                expected,
                got,
            } => format!("DEVIATES at {step}: the spec allows {expected}; got {got}"),
            oracle::expect::SpecVerdict::Inconclusive { step, why } => {
                format!("judged up to {step}: {why}")
            }
        };
        let _ = writeln!(s, "- {}: {}", esc(&e.engine), esc(&v));
    }
    let _ = writeln!(
        s,
        "\n## Plan\n\n```json\n{}\n```",
        serde_json::to_string_pretty(&pending.plan).unwrap_or_default()
    );
    if let Ok(text) = wasmprinter::print_bytes(bytes)
        && text.len() <= 20_000
    {
        let _ = writeln!(
            s,
            "\n## Module\n\n```wat\n{}\n```",
            text.replace("```", "` ` `")
        );
    }
    s
}

/// Shows progress, samples the counters every few seconds and refreshes the report.
fn monitor(shared: &Shared, progress: &ProgressBar, report_every: Duration) {
    let mut last_sample = Instant::now();
    let mut last_report = Instant::now();
    if let Err(e) = sample(shared) {
        fail(shared, e);
    }
    loop {
        // Done when every case thread has run out of cases (or stopped).
        let done = shared.running.load(Ordering::SeqCst) == 0;
        if should_stop(shared) || done {
            // The case threads stop at their next claim.
            shared.stop.store(true, Ordering::SeqCst);
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
        let elapsed = shared.start.elapsed().as_secs_f64().max(1e-9);
        if let Ok(t) = shared.tally.lock() {
            let session_cases = t.cases;
            let (mut crashes, mut timeouts) = (0, 0);
            for e in t.per_engine.values() {
                crashes += e.crash;
                timeouts += e.timeout;
            }
            progress.set_message(format!(
                "{} cases ({:.1}/s), {} findings, {} coverage points, corpus {}, engine crashes {}, timeouts {}",
                session_cases,
                session_cases as f64 / (shared.elapsed_before + elapsed).max(1e-9),
                t.findings.len(),
                oracle::coverage::reached(),
                t.corpus,
                crashes,
                timeouts
            ));
        }
        if last_sample.elapsed() >= Duration::from_secs(5) {
            last_sample = Instant::now();
            if let Err(e) = sample(shared) {
                fail(shared, e);
            }
        }
        if last_report.elapsed() >= report_every {
            last_report = Instant::now();
            let elapsed_s = shared.elapsed_before + shared.start.elapsed().as_secs_f64();
            let state = shared.dir.load_state().map(|mut s| {
                s.elapsed_s = elapsed_s;
                s.next_case = shared.next_case.load(Ordering::SeqCst);
                s
            });
            let r = state
                .and_then(|s| shared.dir.save_state(&s))
                .and_then(|_| write_report(&shared.dir, false).map(|_| ()));
            if let Err(e) = r {
                fail(shared, e);
            }
        }
    }
}

fn sample(shared: &Shared) -> anyhow::Result<()> {
    let (cases, findings) = shared
        .tally
        .lock()
        .map(|t| (t.cases, t.findings.len() as u64))
        .unwrap_or_default();
    shared.dir.sample(&Sample {
        t: shared.elapsed_before + shared.start.elapsed().as_secs_f64(),
        cases,
        findings,
        points: oracle::coverage::reached() as u64,
    })
}

/// Renders the report from the campaign's files (and so `harness report DIR` too) and
/// writes `report.json`, `report.md` and `report.html`.
pub fn write_report(dir: &Dir, finished: bool) -> anyhow::Result<CampaignReport> {
    let state = dir.load_state()?;
    let mut tally = Tally::default();
    for m in dir.findings_meta() {
        tally.findings.insert(m.id.clone(), finding_row(&m));
    }
    for r in dir.records() {
        tally.add(&r);
    }
    let series = dir.samples();
    let elapsed_s = if finished {
        state.elapsed_s
    } else {
        series
            .last()
            .map_or(state.elapsed_s, |s| s.t.max(state.elapsed_s))
    };
    let weights: BTreeMap<&str, u32> = state
        .config
        .strategies
        .iter()
        .map(|(n, w)| (n.as_str(), *w))
        .collect();
    let mut strategies: Vec<StrategyRow> = state
        .config
        .strategies
        .iter()
        .map(|(n, _)| {
            tally.per_strategy.get(n).cloned().unwrap_or(StrategyRow {
                name: n.clone(),
                ..StrategyRow::default()
            })
        })
        .collect();
    for s in &mut strategies {
        s.weight = weights.get(s.name.as_str()).copied().unwrap_or(0);
    }
    let mut findings: Vec<FindingRow> = tally.findings.into_values().collect();
    for f in &mut findings {
        let d = dir.findings().join(&f.id);
        let size = |name: &str| std::fs::metadata(d.join(name)).ok().map(|m| m.len());
        f.bytes = size("module.wasm").unwrap_or(0);
        f.reduced_bytes = size("reduction.json").and(size("reduced.wasm"));
    }
    findings.sort_by_key(|f| f.first_case);
    let report = CampaignReport {
        schema: CAMPAIGN_SCHEMA.into(),
        dir: dir.root().display().to_string(),
        seed: state.config.seed,
        generator: state.config.generator.clone(),
        engines: state.config.engines.clone(),
        proposals: state
            .config
            .proposals
            .iter()
            .map(|p| p.name().to_string())
            .collect(),
        elapsed_s,
        sessions: state.sessions,
        finished,
        cases: tally.cases,
        cases_per_s: tally.cases as f64 / elapsed_s.max(1e-9),
        corpus: tally.corpus,
        points_reached: series.last().map_or(0, |s| s.points),
        points_catalogued: oracle::coverage::catalogue().len() as u64,
        strategies,
        engine_counts: state
            .config
            .engines
            .iter()
            .map(|e| {
                tally.per_engine.get(e).cloned().unwrap_or(EngineRow {
                    engine: e.clone(),
                    ..EngineRow::default()
                })
            })
            .collect(),
        findings,
        series,
    };
    dir.write(
        "report.json",
        serde_json::to_string_pretty(&report)?.as_bytes(),
    )?;
    dir.write(
        "report.md",
        reports::campaign::render_campaign_markdown(&report).as_bytes(),
    )?;
    dir.write(
        "report.html",
        reports::campaign::render_campaign_html(&report).as_bytes(),
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_duration("8h").unwrap(), Duration::from_secs(28800));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("8x").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn strategies_are_checked() {
        assert_eq!(
            parse_strategies("smith=3,mutate=1").unwrap(),
            vec![("smith".into(), 3), ("mutate".into(), 1)]
        );
        assert!(parse_strategies("smith=0").is_err());
        assert!(parse_strategies("fuzz=1").is_err());
        assert!(parse_strategies("smith").is_err());
    }

    #[test]
    fn strategies_are_drawn_by_weight() {
        let config = Config {
            seed: 0,
            engines: vec![],
            proposals: vec![],
            strategies: vec![("smith".into(), 3), ("mutate".into(), 1)],
            fuel: 1,
            timeout_ms: 1,
            worker_memory: 1,
            generator: String::new(),
            shard: None,
        };
        let mutate = (0..4000)
            .filter(|n| pick_strategy(&config, case_seed(7, *n), true) == "mutate")
            .count();
        assert!((800..1200).contains(&mutate), "{mutate} of 4000");
        assert!((0..100).all(|n| pick_strategy(&config, case_seed(7, n), false) == "smith"));
    }

    #[test]
    fn bundled_engines_share_all_of_2_0_but_winch_lacks_reference_types() {
        let all = common_proposals(&runners::bundled());
        assert!(!all.contains(&Proposal::ReferenceTypes));
        assert!(all.contains(&Proposal::Simd));
        let no_winch: Vec<Box<dyn Engine>> = runners::bundled()
            .into_iter()
            .filter(|e| e.info().name != "wasmtime-winch")
            .collect();
        assert_eq!(common_proposals(&no_winch).len(), PROBES.len());
    }
}
