//! `harness corpus`: work on campaign directories as a whole.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

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
}

/// `harness corpus`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.what {
        What::Merge { out, dirs } => merge(&out, &dirs),
    }
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
