//! `harness corpus export --libfuzzer` and `harness corpus import`: a campaign's corpus and
//! findings go out as libFuzzer seeds and come back, as crash artifacts, as the same cases.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use common::harness;

const ENGINES: [&str; 4] = ["--engine", "wasmi", "--engine", "test-wrong-opcode"];

fn wat2wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The campaign's logged modules (by hash).
fn logged_modules(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("cases.log"))
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|r| r["module"].as_str().map(str::to_string))
        .collect()
}

/// Each finding's signature and plan.
fn findings(dir: &Path) -> BTreeSet<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("findings")) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .map(|e| {
            let f = json(&e.path().join("finding.json"));
            let plan = json(&e.path().join("plan.json"));
            (
                f["signature"].as_str().unwrap().to_string(),
                plan.to_string(),
            )
        })
        .collect()
}

fn import(out: &Path, extra: &[&str], artifacts: &[&Path]) -> common::Run {
    let mut args = vec!["corpus", "import", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend(artifacts.iter().map(|a| a.to_str().unwrap()));
    harness(&args)
}

#[test]
fn exported_seeds_come_back_as_the_same_cases_and_findings() {
    let tmp = tempfile::tempdir().unwrap();
    // A crash artifact of the `differential` target: a module on which the faulty engine
    // computes 3 + 1 as 3 xor 1.
    let arts = tmp.path().join("artifacts");
    std::fs::create_dir_all(&arts).unwrap();
    let add =
        wat2wasm(r#"(module (func (export "f") (result i32) i32.const 3 i32.const 1 i32.add))"#);
    std::fs::write(arts.join("crash-add"), &add).unwrap();
    // And wasm-smith input: any other bytes.
    std::fs::write(
        arts.join("crash-bytes"),
        b"not a module, but wasm-smith reads anything",
    )
    .unwrap();
    let first = tmp.path().join("first");
    let mut extra = vec!["--reduce-budget", "20", "--jobs", "1"];
    extra.extend_from_slice(&ENGINES);
    let run = import(&first, &extra, &[&arts]);
    assert_eq!(
        run.code, 1,
        "a finding: exit 1\n{}\n{}",
        run.stdout, run.stderr
    );
    let found = findings(&first);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found.iter().next().unwrap().0.contains("test-wrong-opcode"));
    let finding_dir = files(&first.join("findings")).remove(0);
    // Reduced before the import returned.
    assert!(finding_dir.join("reduced.wasm").is_file(), "{}", run.stderr);
    assert!(finding_dir.join("report.md").is_file());
    assert_eq!(logged_modules(&first).len(), 2);

    // Out as seeds: the kept modules and the finding, each with its plan.
    let seeds = tmp.path().join("seeds");
    let run = harness(&[
        "corpus",
        "export",
        "--libfuzzer",
        seeds.to_str().unwrap(),
        first.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported = files(&seeds);
    assert!(!exported.is_empty());
    for f in &exported {
        let bytes = std::fs::read(f).unwrap();
        assert!(bytes.starts_with(b"\0asm"), "{}", f.display());
        // Named by content.
        let name = f.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64);
    }
    // Exporting again changes nothing.
    let again = harness(&[
        "corpus",
        "export",
        "--libfuzzer",
        seeds.to_str().unwrap(),
        first.to_str().unwrap(),
    ]);
    assert_eq!(again.code, 0);
    assert_eq!(files(&seeds), exported);

    // Back in as artifacts: the same modules, the same finding with the same plan.
    let second = tmp.path().join("second");
    let mut extra = vec!["--reduce-budget", "0"];
    extra.extend_from_slice(&ENGINES);
    let run = import(&second, &extra, &[&seeds]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let kept: HashSet<String> = files(&first.join("corpus"))
        .iter()
        .map(|p| json(p)["module"].as_str().unwrap().to_string())
        .collect();
    let back = logged_modules(&second);
    assert!(
        kept.iter().all(|m| back.contains(m)),
        "{kept:?} vs {back:?}"
    );
    assert_eq!(findings(&second), found);
}

#[test]
fn suites_export_as_modules_or_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let modules = tmp.path().join("m");
    let run = harness(&[
        "corpus",
        "export",
        "--libfuzzer",
        modules.to_str().unwrap(),
        "--suite",
        "v2",
        "--max-len",
        "4096",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let n = files(&modules).len();
    assert!(n > 2000, "{n} modules");
    assert!(
        run.stdout.contains("larger than 4096 bytes left out"),
        "{}",
        run.stdout
    );
    let scripts = tmp.path().join("s");
    let run = harness(&[
        "corpus",
        "export",
        "--libfuzzer",
        scripts.to_str().unwrap(),
        "--suite",
        "v2",
        "--scripts",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let some = std::fs::read_to_string(&files(&scripts)[0]).unwrap();
    assert!(
        some.contains("(module") || some.contains("(assert"),
        "{some}"
    );
}

#[test]
fn bad_exports_and_imports_get_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    // Not a campaign.
    let run = harness(&[
        "corpus",
        "export",
        "--libfuzzer",
        o,
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a campaign directory"),
        "{}",
        run.stderr
    );
    let run = harness(&["corpus", "export", "--libfuzzer", o, "--suite", "v9"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown suite"), "{}", run.stderr);
    let run = harness(&["corpus", "export", "--libfuzzer", o]);
    assert_eq!(run.code, 2);

    // A missing artifact, a target whose crashes are the harness's own, an unknown one.
    let missing = tmp.path().join("nope");
    let run = import(&out, &[], &[&missing]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
    let art = tmp.path().join("crash-1");
    std::fs::write(&art, b"(module").unwrap();
    let run = import(&out, &["--target", "wast"], &[&art]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bug of the harness itself"),
        "{}",
        run.stderr
    );
    let run = import(&out, &["--target", "fuzz"], &[&art]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown target"), "{}", run.stderr);

    // A module the standard host cannot instantiate makes no case: skipped, and with
    // nothing left, an error.
    let foreign = tmp.path().join("crash-2");
    std::fs::write(
        &foreign,
        wat2wasm(r#"(module (import "env" "f" (func)) (func (export "g") call 0))"#),
    )
    .unwrap();
    let run = import(&out, &[], &[&foreign]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("makes no case"), "{}", run.stderr);
    assert!(
        run.stderr.contains("none of the 1 artifacts"),
        "{}",
        run.stderr
    );
    assert!(!out.join("campaign.json").exists());

    // Into a directory that holds a campaign already.
    let ok = tmp.path().join("crash-3");
    std::fs::write(&ok, wat2wasm(r#"(module (func (export "f")))"#)).unwrap();
    let mut extra = vec!["--reduce-budget", "0"];
    extra.extend_from_slice(&ENGINES);
    let run = import(&out, &extra, &[&ok]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = import(&out, &extra, &[&ok]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("already holds a campaign"),
        "{}",
        run.stderr
    );

    // A `validate` artifact that does not even decode is a case too: every engine rejects it.
    let junk = tmp.path().join("crash-4");
    std::fs::write(&junk, b"\0asm\x01\0\0\0\x05\x02\x01").unwrap();
    let run = import(
        &tmp.path().join("v"),
        &[
            "--target",
            "validate",
            "--reduce-budget",
            "0",
            "--engine",
            "wasmi",
        ],
        &[&junk],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}
