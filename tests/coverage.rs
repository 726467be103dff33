//! `harness coverage`, through the real binary.

mod common;

use common::harness;

#[test]
fn a_module_reaches_its_rules_and_a_comparison_shows_the_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let add = common::write(
        tmp.path(),
        "add.wat",
        br#"(module (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#,
    );
    let div = common::write(
        tmp.path(),
        "div.wat",
        br#"(module (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))"#,
    );
    let run = harness(&[
        "coverage",
        add.to_str().unwrap(),
        "--compare",
        div.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["schema"], "harness.coverage/1");
    let point = |name: &str| {
        r["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in the catalogue"))
            .clone()
    };
    let add_rule = point("$iadd_#1");
    assert!(add_rule["count"].as_u64().unwrap() > 0);
    assert_eq!(add_rule["count_b"], 0);
    let div_rule = point("$idiv_#2");
    assert!(
        div_rule["count_b"].as_u64().unwrap() > 0
            || point("$idiv_#3")["count_b"].as_u64().unwrap() > 0
    );
    assert!(
        r["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[1] == "i32.add")
    );
    // Unreachable points carry their reason.
    assert!(r["points"].as_array().unwrap().iter().any(|p| {
        p["unreachable"]
            .as_str()
            .is_some_and(|w| w.contains("soundness"))
    }));

    let html = tmp.path().join("cov.html");
    let run = harness(&[
        "coverage",
        add.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("all "), "{}", run.stdout);
    assert!(std::fs::read_to_string(html).unwrap().contains("$iadd_#1"));
}

#[test]
fn bad_input_gets_one_clear_line() {
    for args in [
        vec!["coverage"],
        vec!["coverage", "--suite", "v9"],
        vec!["coverage", "/nonexistent/x.wasm"],
        vec!["coverage", "Cargo.toml"],
    ] {
        let run = harness(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
    }
}
