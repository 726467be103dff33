#[test]
fn wasm3_conforms_on_the_examples_it_implements() {
    let engines = present(&["wasm3"]);
    if engines.is_empty() {
        return;
    }
    for ex in [
        "div-traps.wat",
        "multi-value.wat",
        "globals.wat",
        "memory.wat",
        "conversions.wat",
        "unreachable.wat",
        "invalid.wat",
    ] {
        let report = diff(&example(ex), &engines, &[]);
        assert_eq!(verdict(&report, "wasm3"), "conforms", "{ex}: {report}");
    }
    // What it does not implement is unsupported, not a deviation.
    let report = diff(&example("simd.wat"), &engines, &[]);
    assert_eq!(
        report["observations"][0]["instantiation"]["outcome"]["outcome"],
        "unsupported"
    );
    // Unbounded recursion: exhaustion, or a crash of the driver (wasm3 can overflow its
    // own stack), then the next run gets a new driver.
    let report = diff(&example("recursion.wat"), &engines, &["--timeout", "2"]);
    let steps = report["observations"][0]["invocations"].to_string();
    assert!(
        steps.contains("exhaustion") || steps.contains("crash"),
        "{steps}"
    );
    let again = diff(
        &example("arith.wat"),
        &engines,
        &["--invoke", "add", "1", "2"],
    );
    assert_eq!(verdict(&again, "wasm3"), "conforms");
}
