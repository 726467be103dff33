//! A campaign's directory: its state, its case log, the cases in flight, the corpus and the
//! findings. Everything is written atomically; nothing needed to resume lives only in
//! memory.
//!
//! ```text
//! DIR/campaign.json      configuration and session counters
//! DIR/cases.log          one JSON line per finished case (appended with one write)
//! DIR/pending/*.log      per session and thread, the cases claimed (module and plan),
//!                        each appended before any engine runs it
//! DIR/modules/           the modules of kept cases, content-addressed
//! DIR/scratch/           the module each campaign thread's workers read
//! DIR/corpus/H.json      a kept case (it reached coverage points no case had reached)
//! DIR/findings/ID/       one directory per distinct finding
//! DIR/stats.jsonl        samples over time, for the report's plots
//! DIR/report.{json,md,html}
//! ```

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use oracle::{Plan, Proposal};
use serde::{Deserialize, Serialize};

/// The schema of `campaign.json`.
pub const STATE_SCHEMA: &str = "harness.campaign/1";

/// What a campaign was started with; a resume keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    /// The campaign's seed: case N's seed derives from it.
    pub seed: u64,
    /// The engines judged.
    pub engines: Vec<String>,
    /// The proposals generation is restricted to.
    pub proposals: Vec<Proposal>,
    /// Strategy weights.
    pub strategies: Vec<(String, u32)>,
    /// Fuel per call (engines and oracle).
    pub fuel: u64,
    /// Wall-clock limit per step, ms.
    pub timeout_ms: u64,
    /// Worker memory limit, bytes.
    pub worker_memory: u64,
    /// Generator and mutator versions.
    pub generator: String,
    /// This machine's share of the case numbers, when the campaign is split across
    /// machines (`--shard K/N`: the numbers `K, K+N, K+2N, ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// Shard `index` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 0.
    pub index: u64,
    /// N.
    pub count: u64,
}

impl Shard {
    /// Reads `K/N` (0 <= K < N).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: write a shard as K/N, e.g. 0/3"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: K is not a number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: N is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("`{s}`: K must be at least 0 and less than N"));
        }
        Ok(Shard { index, count })
    }

    /// The first case number and the step between this shard's case numbers.
    pub fn numbering(shard: Option<Shard>) -> (u64, u64) {
        shard.map_or((0, 1), |s| (s.index, s.count))
    }
}

/// `campaign.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct State {
    /// [`STATE_SCHEMA`].
    pub schema: String,
    /// The configuration.
    pub config: Config,
    /// Campaign seconds over the sessions before this one.
    pub elapsed_s: f64,
    /// Sessions started.
    pub sessions: u32,
    /// The next case number to claim (at least; the log and pending cases can say more).
    pub next_case: u64,
}

/// A case in flight: everything needed to run it again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    /// Its number.
    pub case: u64,
    /// Its strategy.
    pub strategy: String,
    /// Its seed.
    pub seed: u64,
    /// The seed module it mutates, by hash.
    pub parent: Option<String>,
    /// Its module's hash.
    pub module: String,
    /// Its module, in hexadecimal: the pending file is all a resume needs.
    pub bytes: String,
    /// Its plan.
    pub plan: Plan,
}

/// Bytes as lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hexadecimal back to bytes, or `None` if it is not.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A finished case, as logged.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Record {
    /// Its number.
    pub case: u64,
    /// Its strategy.
    pub strategy: String,
    /// Its seed.
    pub seed: u64,
    /// Its module's hash (none when generation failed).
    pub module: Option<String>,
    /// Why no module came out, if none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// Whether it was kept in the corpus.
    pub kept: bool,
    /// Coverage points it reached first.
    pub new_points: u64,
    /// Each engine's class (`conforms`, `deviates`, `crash`, `timeout`, ...).
    pub verdicts: BTreeMap<String, String>,
    /// The findings it showed (new or known), by id.
    pub findings: Vec<String>,
    /// Campaign seconds when it finished.
    pub t: f64,
}

/// One campaign thread's journal of claimed cases (see [`Dir::journal`]).
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: fs::File,
    bytes: u64,
    /// The size past which the journal starts afresh.
    rewrite_at: u64,
}

impl Journal {
    /// Records a case before any engine runs it: one appended line, not flushed to the
    /// disk (a `kill -9` keeps what was written; only a power loss would not).
    pub fn claim(&mut self, p: &Pending) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(p)?;
        line.push(b'\n');
        crate_disk_check(line.len())
            .and_then(|_| self.file.write_all(&line))
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.bytes += line.len() as u64;
        Ok(())
    }

    /// A claimed case is logged: once the journal is large, start it afresh with only the
    /// cases this thread still has in flight (claimed, not yet logged), swapped in by an
    /// atomic rename so that a `kill -9` finds either journal whole.
    pub fn done<'a>(
        &mut self,
        in_flight: impl IntoIterator<Item = &'a Pending>,
    ) -> anyhow::Result<()> {
        if self.bytes > self.rewrite_at {
            let mut text = Vec::new();
            for p in in_flight {
                text.extend(serde_json::to_vec(p)?);
                text.push(b'\n');
            }
            corpus::write_atomic_unsynced(&self.path, &text)?;
            self.file = OpenOptions::new()
                .append(true)
                .open(&self.path)
                .with_context(|| format!("cannot open {}", self.path.display()))?;
            self.bytes = text.len() as u64;
        }
        Ok(())
    }
}

/// The simulated full disk of the tests (`HARNESS_TEST_DISK_BYTES`) applies to the
/// journal's appends as to every atomic write.
fn crate_disk_check(len: usize) -> std::io::Result<()> {
    corpus::check_disk_budget(len)
}

/// A kept case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Kept {
    /// The case's number.
    pub case: u64,
    /// Its module, by hash.
    pub module: String,
    /// Its plan.
    pub plan: Plan,
    /// The points it reached first.
    pub new_points: u64,
}

/// `findings/ID/finding.json`: what identifies a finding.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FindingMeta {
    /// The directory's name.
    pub id: String,
    /// `deviation`, `crash` or `hang`.
    pub kind: String,
    /// The engine.
    pub engine: String,
    /// The de-duplication signature.
    pub signature: String,
    /// What the spec allows.
    pub expected: String,
    /// What the engine did.
    pub got: String,
    /// The first case that showed it.
    pub first_case: u64,
    /// The reproduction command.
    pub repro: String,
}

/// One sample of `stats.jsonl`.
pub type Sample = reports::campaign::Sample;

/// The campaign directory.
#[derive(Clone, Debug)]
pub struct Dir {
    root: PathBuf,
    /// The modules.
    pub modules: corpus::Store,
    log: std::sync::Arc<std::sync::Mutex<Option<fs::File>>>,
}

impl Dir {
    /// Creates (or opens, for a resume) the directory and its parts; an unwritable place is
    /// an error here, before anything runs.
    pub fn open(root: &Path) -> anyhow::Result<Dir> {
        for sub in ["", "pending", "corpus", "findings"] {
            let d = root.join(sub);
            fs::create_dir_all(&d)
                .with_context(|| format!("cannot create the campaign directory {}", d.display()))?;
        }
        let modules = corpus::Store::open(root.join("modules"))
            .with_context(|| format!("cannot create {}", root.join("modules").display()))?;
        let probe = root.join(".write-test");
        corpus::write_atomic(&probe, b"ok")
            .with_context(|| format!("cannot write in {}", root.display()))?;
        let _ = fs::remove_file(probe);
        Ok(Dir {
            root: root.to_path_buf(),
            modules,
            log: Default::default(),
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The findings' directory.
    pub fn findings(&self) -> PathBuf {
        self.root.join("findings")
    }

    /// Reads `campaign.json`.
    pub fn load_state(&self) -> anyhow::Result<State> {
        let path = self.root.join("campaign.json");
        let text = fs::read_to_string(&path).with_context(|| {
            format!(
                "{} is not a campaign directory (no readable campaign.json)",
                self.root.display()
            )
        })?;
        let state: State = serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged", path.display()))?;
        if state.schema != STATE_SCHEMA {
            bail!(
                "{} has schema {:?}; this harness reads {STATE_SCHEMA:?}",
                path.display(),
                state.schema
            );
        }
        Ok(state)
    }

    /// Writes `campaign.json`.
    pub fn save_state(&self, state: &State) -> anyhow::Result<()> {
        write_json(&self.root.join("campaign.json"), state, true)
    }

    /// A journal of the cases one campaign thread claims: each is appended (one write)
    /// before any engine runs it. `name` must be new to this directory (a session and
    /// thread), so that a resume never appends to a journal it is reading.
    pub fn journal(&self, name: &str) -> anyhow::Result<Journal> {
        let path = self.root.join("pending").join(format!("{name}.log"));
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Journal {
            path,
            file,
            bytes: 0,
            rewrite_at: 4 << 20,
        })
    }

    /// Every case the journals (and older sessions' pending files) hold, once each by case
    /// number; lines a kill cut short are skipped.
    pub fn pending(&self) -> Vec<Pending> {
        let mut out: BTreeMap<u64, Pending> = BTreeMap::new();
        let Ok(entries) = fs::read_dir(self.root.join("pending")) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let text = fs::read_to_string(&path).unwrap_or_default();
            let claims: Vec<Pending> = if path.extension().is_some_and(|x| x == "json") {
                serde_json::from_str(&text).ok().into_iter().collect()
            } else {
                text.lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect()
            };
            for p in claims {
                out.insert(p.case, p);
            }
        }
        out.into_values().collect()
    }

    /// Removes every journal: at the end of a session whose every claimed case is logged.
    pub fn clear_pending(&self) {
        if let Ok(entries) = fs::read_dir(self.root.join("pending")) {
            for e in entries.flatten() {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Appends a finished case to the log, with one write (to a handle kept open).
    pub fn log(&self, r: &Record) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(r)?;
        line.push(b'\n');
        let path = self.root.join("cases.log");
        let mut log = self
            .log
            .lock()
            .map_err(|_| anyhow::anyhow!("a campaign thread panicked"))?;
        if log.is_none() {
            *log = Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?,
            );
        }
        if let Some(f) = log.as_mut() {
            f.write_all(&line)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Removes the temporary files of atomic writes a kill cut short (they are never
    /// read: every reader skips them), anywhere in the directory.
    pub fn sweep(&self) {
        fn walk(dir: &Path) {
            let Ok(entries) = fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    walk(&path);
                } else if e.file_name().to_string_lossy().starts_with(".tmp") {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        walk(&self.root);
    }

    /// Ends the log with a line break if a kill cut its last write short, so that the next
    /// record starts a line of its own.
    pub fn repair_log(&self) -> anyhow::Result<()> {
        let path = self.root.join("cases.log");
        match fs::read(&path) {
            Ok(b) if !b.is_empty() && !b.ends_with(b"\n") => OpenOptions::new()
                .append(true)
                .open(&path)
                .and_then(|mut f| f.write_all(b"\n"))
                .with_context(|| format!("cannot repair {}", path.display())),
            _ => Ok(()),
        }
    }

    /// The log; a damaged line (the end of a write cut by a kill) is skipped with a warning.
    pub fn records(&self) -> Vec<Record> {
        let Ok(text) = fs::read_to_string(self.root.join("cases.log")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            match serde_json::from_str::<Record>(line) {
                Ok(r) => out.push(r),
                Err(e) => eprintln!("warning: cases.log line {} is damaged, skipped: {e}", i + 1),
            }
        }
        out
    }

    /// Keeps a case in the corpus.
    pub fn keep(&self, k: &Kept) -> anyhow::Result<()> {
        write_json(
            &self.root.join("corpus").join(format!("{}.json", k.module)),
            k,
            false,
        )
    }

    /// The corpus: kept cases with their modules; a damaged entry (unreadable, or whose
    /// module no longer matches its hash) is skipped with a warning.
    pub fn corpus(&self) -> Vec<(Kept, Vec<u8>)> {
        let mut out = Vec::new();
        for path in list(&self.root.join("corpus")) {
            let loaded = read_json::<Kept>(&path).and_then(|k| {
                let hash: corpus::Hash = k.module.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
                let bytes = self.modules.get(&hash)?;
                Ok((k, bytes))
            });
            match loaded {
                Ok(x) => out.push(x),
                Err(e) => {
                    eprintln!("warning: skipping corpus entry {}: {e:#}", path.display())
                }
            }
        }
        out.sort_by_key(|(k, _)| k.case);
        out
    }

    /// Appends a sample.
    pub fn sample(&self, s: &Sample) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(s)?;
        line.push(b'\n');
        let path = self.root.join("stats.jsonl");
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&line))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// The samples.
    pub fn samples(&self) -> Vec<Sample> {
        fs::read_to_string(self.root.join("stats.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The findings' metadata; damaged ones skipped with a warning.
    pub fn findings_meta(&self) -> Vec<FindingMeta> {
        let mut out = Vec::new();
        let Ok(entries) = fs::read_dir(self.findings()) else {
            return out;
        };
        for e in entries.flatten() {
            let path = e.path().join("finding.json");
            if !path.exists() {
                continue;
            }
            match read_json::<FindingMeta>(&path) {
                Ok(m) => out.push(m),
                Err(e) => eprintln!("warning: skipping a damaged finding: {e:#}"),
            }
        }
        out.sort_by_key(|m| m.first_case);
        out
    }

    /// Writes a file of the campaign atomically (and flushed).
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        corpus::write_atomic(&self.root.join(name), bytes)
            .with_context(|| format!("cannot write {}", self.root.join(name).display()))
    }
}

/// The files of a directory, sorted; temporary files of interrupted writes are left out.
fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "json")
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(".tmp"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is damaged", path.display()))
}

/// Writes JSON atomically; `sync` flushes it to the disk too.
pub fn write_json<T: Serialize>(path: &Path, value: &T, sync: bool) -> anyhow::Result<()> {
    let bytes = serde_json::to_vec_pretty(value)?;
    let r = if sync {
        corpus::write_atomic(path, &bytes)
    } else {
        corpus::write_atomic_unsynced(path, &bytes)
    };
    r.with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(case: u64) -> Pending {
        Pending {
            case,
            strategy: "smith".into(),
            seed: case,
            parent: None,
            module: format!("m{case}"),
            bytes: "0061736d01000000".into(),
            plan: Plan::new(vec![]),
        }
    }

    #[test]
    fn a_journal_started_afresh_keeps_the_cases_still_in_flight() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Dir::open(tmp.path()).unwrap();
        let mut journal = dir.journal("s0-t0").unwrap();
        journal.rewrite_at = 1;
        let cases: Vec<Pending> = (0..4).map(pending).collect();
        for p in &cases {
            journal.claim(p).unwrap();
        }
        // Case 0 is logged while 2 and 3 are in flight (1 was logged before).
        journal.done([&cases[2], &cases[3]]).unwrap();
        let left: Vec<u64> = dir.pending().iter().map(|p| p.case).collect();
        assert_eq!(left, [2, 3]);
        // The journal goes on appending after the rewrite.
        journal.claim(&pending(4)).unwrap();
        let left: Vec<u64> = dir.pending().iter().map(|p| p.case).collect();
        assert_eq!(left, [2, 3, 4]);
        // Below the size, nothing is rewritten.
        journal.rewrite_at = u64::MAX;
        journal.done([]).unwrap();
        assert_eq!(dir.pending().len(), 3);
    }
}
