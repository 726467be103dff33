//! Finding directories.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::atomic::{sync_dir, write_atomic};
use crate::error::CorpusError;
use crate::hash::Hash;

/// How many hex digits of the module's hash name a finding's directory.
const ID_LEN: usize = 16;

/// A divergence worth reporting, with everything needed to reproduce and read it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The module (binary).
    pub module: Vec<u8>,
    /// Its text form, when one is available.
    pub wat: Option<String>,
    /// How the module was exercised.
    pub plan: oracle::Plan,
    /// What each engine did.
    pub observations: Vec<oracle::Observation>,
    /// The judgement of those observations.
    pub comparison: oracle::Comparison,
    /// The human-readable report.
    pub report_markdown: String,
    /// A one-line shell command that reproduces the finding.
    pub repro: String,
}

/// The name of a finding's directory: the first 16 hex digits of the module's SHA-256.
pub fn finding_id(module: &[u8]) -> String {
    Hash::of(module).as_str()[..ID_LEN].to_owned()
}

/// Writes `finding` to `dir/<finding id>/` and returns that directory.
///
/// The directory holds `module.wasm`, `module.wat` (only when the finding has text;
/// a stale one from an earlier save is removed otherwise), `plan.json`,
/// `observations.json`, `comparison.json`, `report.md` and `repro` (the command and a
/// newline). Each file is written with [`write_atomic`], so saving the same module's
/// finding again replaces the files one by one, never leaving a partial file.
///
/// A `repro` that spans several lines is rejected (trailing line breaks are dropped).
pub fn save_finding(dir: &Path, finding: &Finding) -> Result<PathBuf, CorpusError> {
    let repro = finding.repro.trim_end_matches(['\n', '\r']);
    if repro.contains(['\n', '\r']) {
        return Err(CorpusError::InvalidFinding(
            "the reproduction command must be a single line".into(),
        ));
    }
    if repro.trim().is_empty() {
        return Err(CorpusError::InvalidFinding(
            "the reproduction command is empty".into(),
        ));
    }

    let out = dir.join(finding_id(&finding.module));
    let existed = out.is_dir();
    fs::create_dir_all(&out).map_err(|e| CorpusError::io("create directory", &out, e))?;
    if !existed {
        sync_dir(dir)?;
    }

    write_atomic(&out.join("module.wasm"), &finding.module)?;
    let wat_path = out.join("module.wat");
    match &finding.wat {
        Some(wat) => write_atomic(&wat_path, wat.as_bytes())?,
        None => match fs::remove_file(&wat_path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(CorpusError::io("remove", wat_path, e)),
        },
    }
    write_json(&out.join("plan.json"), &finding.plan)?;
    write_json(&out.join("observations.json"), &finding.observations)?;
    write_json(&out.join("comparison.json"), &finding.comparison)?;
    write_atomic(&out.join("report.md"), finding.report_markdown.as_bytes())?;
    write_atomic(&out.join("repro"), format!("{repro}\n").as_bytes())?;
    Ok(out)
}

/// Reads back the module (`module.wasm`) and plan (`plan.json`) of the finding
/// directory `dir` (the path [`save_finding`] returned).
pub fn load_finding_module_and_plan(dir: &Path) -> Result<(Vec<u8>, oracle::Plan), CorpusError> {
    let module_path = dir.join("module.wasm");
    let module = fs::read(&module_path).map_err(|e| CorpusError::io("read", module_path, e))?;
    let plan_path = dir.join("plan.json");
    let text =
        fs::read_to_string(&plan_path).map_err(|e| CorpusError::io("read", &plan_path, e))?;
    let plan = oracle::Plan::from_json(&text).map_err(|source| CorpusError::Plan {
        path: plan_path,
        source,
    })?;
    Ok((module, plan))
}

fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), CorpusError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|source| CorpusError::Json {
        action: "write",
        path: path.to_owned(),
        source,
    })?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oracle::{
        CompareContext, InstanceOutcome, Invocation, Observation, Outcome, Plan, Step, Timings,
        Value, compare,
    };

    fn observation(engine: &str, result: u32) -> Observation {
        Observation {
            engine: engine.into(),
            instantiation: Step::bare(InstanceOutcome::Instantiated),
            invocations: vec![Step::bare(Outcome::Return {
                values: vec![Value::I32(result)],
            })],
            final_state: None,
            timings: Timings::default(),
        }
    }

    fn finding() -> Finding {
        let plan = Plan::new(vec![Invocation {
            export: "f".into(),
            args: vec![Value::I32(7)],
        }]);
        let observations = vec![observation("a", 1), observation("b", 2)];
        let comparison = compare(&observations, &plan, &CompareContext::default());
        Finding {
            module: b"\0asm\x01\0\0\0 pretend".to_vec(),
            wat: Some("(module)\n".into()),
            plan,
            observations,
            comparison,
            report_markdown: "# Finding\n\nengines disagree\n".into(),
            repro: "harness diff module.wasm --plan plan.json".into(),
        }
    }

    #[test]
    fn saves_and_loads_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let f = finding();
        let out = save_finding(dir.path(), &f).unwrap();
        assert_eq!(out, dir.path().join(&Hash::of(&f.module).as_str()[..16]));
        assert_eq!(
            out.file_name().unwrap().to_str().unwrap(),
            finding_id(&f.module)
        );

        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "comparison.json",
                "module.wasm",
                "module.wat",
                "observations.json",
                "plan.json",
                "report.md",
                "repro"
            ]
        );
        assert_eq!(
            fs::read_to_string(out.join("repro")).unwrap(),
            "harness diff module.wasm --plan plan.json\n"
        );
        assert_eq!(
            fs::read_to_string(out.join("module.wat")).unwrap(),
            "(module)\n"
        );
        assert_eq!(
            fs::read_to_string(out.join("report.md")).unwrap(),
            f.report_markdown
        );
        let obs: Vec<Observation> =
            serde_json::from_str(&fs::read_to_string(out.join("observations.json")).unwrap())
                .unwrap();
        assert_eq!(obs.len(), 2);
        let cmp: oracle::Comparison =
            serde_json::from_str(&fs::read_to_string(out.join("comparison.json")).unwrap())
                .unwrap();
        assert_eq!(cmp.verdict, f.comparison.verdict);

        let (module, plan) = load_finding_module_and_plan(&out).unwrap();
        assert_eq!(module, f.module);
        assert_eq!(plan, f.plan);
    }

    #[test]
    fn saving_again_without_text_removes_the_stale_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = finding();
        let out = save_finding(dir.path(), &f).unwrap();
        f.wat = None;
        f.repro = "harness reduce module.wasm\n".into();
        assert_eq!(save_finding(dir.path(), &f).unwrap(), out);
        assert!(!out.join("module.wat").exists());
        assert_eq!(
            fs::read_to_string(out.join("repro")).unwrap(),
            "harness reduce module.wasm\n"
        );
        let temps = fs::read_dir(&out).unwrap().filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        });
        assert_eq!(temps.count(), 0);
    }

    #[test]
    fn rejects_a_multi_line_or_empty_repro() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = finding();
        f.repro = "cd x\nharness diff m.wasm".into();
        assert!(matches!(
            save_finding(dir.path(), &f),
            Err(CorpusError::InvalidFinding(_))
        ));
        f.repro = "  \n".into();
        assert!(matches!(
            save_finding(dir.path(), &f),
            Err(CorpusError::InvalidFinding(_))
        ));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn loading_reports_missing_or_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load_finding_module_and_plan(dir.path()),
            Err(CorpusError::Io { .. })
        ));
        fs::write(dir.path().join("module.wasm"), b"\0asm").unwrap();
        assert!(matches!(
            load_finding_module_and_plan(dir.path()),
            Err(CorpusError::Io { .. })
        ));
        fs::write(dir.path().join("plan.json"), br#"{"version": 99}"#).unwrap();
        let err = load_finding_module_and_plan(dir.path()).unwrap_err();
        assert!(matches!(err, CorpusError::Plan { .. }), "{err}");
        assert!(err.to_string().contains("plan.json"), "{err}");
    }
}
