//! The library code behind the libFuzzer targets of `harness` (each target in
//! `fuzz_targets/` is a few lines over one function here), and the custom mutator.
//!
//! - [`differential`]: a fuzzer input becomes a module and a plan
//!   ([`generator::fuzz::case_from_bytes`]), the oracle computes what the spec allows, every
//!   chosen engine runs the plan in this process, and the judge holds each observation
//!   against the expectation. A deviation panics with a readable message (a crash to
//!   libFuzzer).
//! - [`validate`]: the oracle's decoder and validator, wasmparser, Wasmtime and wasmi must all
//!   accept or all reject the bytes (under WebAssembly 2.0), and the oracle must not panic.
//! - [`wast`]: the `.wast` script runner over the oracle must not panic on any script.
//! - [`reduce`]: the reducer's invariants: its output validates and still shows the bug.
//! - [`mutate`]: a `wasm-mutate` based mutator for the targets that take modules.

#![deny(missing_docs)]

use std::sync::OnceLock;
use std::time::Duration;

use generator::fuzz::{FuzzCase, case_from_bytes};
use oracle::expect::SpecVerdict;
use oracle::{ExportedFunc, Invocation, Plan, Proposal};
use runners::{Engine, Limits};

/// The environment variable that chooses the engines of [`differential`]: a comma-separated
/// list of in-process engine names (`harness engines`; the test engines such as
/// `test-wrong-opcode` are compiled into the fuzz targets). Default: every bundled engine
/// but the reference interpreter, which is the judge.
pub const ENGINES_VAR: &str = "HARNESS_FUZZ_ENGINES";

/// The limits every target runs under: small, so that one input stays fast.
pub fn limits() -> Limits {
    Limits {
        fuel: 1_000_000,
        step_timeout_ms: 10_000,
        worker_memory: 4 << 30,
        max_memory: 16 << 20,
        max_table: 100_000,
    }
}

/// The exported functions of a module that the standard host can instantiate and that
/// stays within WebAssembly 2.0; an error (the reason) otherwise.
pub fn exports(module: &[u8]) -> Result<Vec<ExportedFunc>, String> {
    runners::inspect::runnable_exports(module, &Proposal::WASM2)
}

/// The case of a fuzzer input, as [`differential`] and `harness corpus import` see it.
pub fn case(data: &[u8]) -> Option<FuzzCase> {
    case_from_bytes(data, &Proposal::WASM2, exports).ok()
}

/// Panics of an engine's own code that are already known and reported (README,
/// "Findings"): the place (a fragment of the source path) and the message. Under the fuzzer
/// every crate runs with debug assertions, so an engine's internal assertion is a crash;
/// these are let through, so that a run goes on finding new ones.
const KNOWN_ENGINE_PANICS: &[(&str, &str)] = &[
    // wasmi 2.0.0's translator, on an `if` whose parameter is a computed value of a local
    // that a branch then sets (reduced: `fuzz/seeds/regressions/differential/wasmi-*`).
    (
        "wasmi-2.0.0/src/engine/translator/",
        "a register operand already exists on the stack",
    ),
];

thread_local! {
    /// Whether a known engine panic may unwind here (inside [`observe`]).
    static TOLERATING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the panic hook (libFuzzer's aborts) so that a known engine panic inside
/// [`observe`] unwinds instead.
fn install_panic_filter() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let file = info.location().map(|l| l.file()).unwrap_or_default();
            let known = KNOWN_ENGINE_PANICS
                .iter()
                .any(|(place, m)| file.contains(place) && message.contains(m));
            if known && TOLERATING.with(|t| t.get()) {
                return;
            }
            previous(info)
        }));
    });
}

/// An engine's observation, in this process; `None` when the engine hit a known panic.
fn observe(
    engine: &dyn Engine,
    module: &[u8],
    plan: &Plan,
    limits: &Limits,
) -> Option<oracle::Observation> {
    install_panic_filter();
    TOLERATING.with(|t| t.set(true));
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runners::observe_in_process(engine, module, plan, limits)
    }));
    TOLERATING.with(|t| t.set(false));
    run.ok()
}

fn chosen_engines() -> &'static [Box<dyn Engine>] {
    static ENGINES: OnceLock<Vec<Box<dyn Engine>>> = OnceLock::new();
    ENGINES.get_or_init(|| match std::env::var(ENGINES_VAR) {
        Ok(list) => list
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                runners::in_process_by_name(n).unwrap_or_else(|| {
                    panic!("{ENGINES_VAR}: no in-process engine `{n}` (see `harness engines`)")
                })
            })
            .collect(),
        Err(_) => runners::bundled()
            .into_iter()
            .filter(|e| e.info().name != "reference")
            .collect(),
    })
}

/// The `differential` target: one case, judged on every chosen engine that implements
/// the module's proposals. Panics on the first deviation, naming the engine, the step,
/// what the spec allows and what the engine did.
pub fn differential(data: &[u8]) {
    let Some(case) = case(data) else {
        return;
    };
    let limits = limits();
    let expectation = oracle::expect::expect(&case.module, &case.plan, limits.fuel);
    for engine in chosen_engines() {
        if runners::worker::unsupported(engine.as_ref(), &case.module).is_some() {
            continue;
        }
        let info = engine.info();
        let Some(observation) = observe(engine.as_ref(), &case.module, &case.plan, &limits) else {
            continue;
        };
        if let SpecVerdict::Deviates {
            step,
            expected,
            got,
        } = oracle::expect::judge(&expectation, &observation)
        {
            panic!(
                "{} deviates from the spec at {step:?}\n  the spec allows: {expected}\n  the engine did:  {got}\n  plan: {}\n  module ({} bytes): {}",
                info.name,
                serde_json::to_string(&case.plan).unwrap_or_default(),
                case.module.len(),
                hex(&case.module),
            );
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An error message that names an implementation limit: the spec lets an implementation
/// reject a module that exceeds its limits (Appendix, "Implementation Limitations").
fn implementation_limit(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "too many",
        "limit",
        "too large",
        "too big",
        "exceeds",
        "out of range: ",
        "overflow",
    ]
    .iter()
    .any(|k| m.contains(k))
}

/// Whether the oracle accepts the bytes when it reads them as WebAssembly 3.0 does where
/// 3.0 relaxed 2.0's binary format (limits as `u64`): the validators may then follow
/// either version.
fn accepted_by_3_0(data: &[u8]) -> bool {
    let three = oracle::binary::DecodeOptions { u64_limits: true };
    oracle::binary::decode_with(data, three).is_ok_and(|m| oracle::valid::validate(&m).is_ok())
}

/// The `validate` target: the verdicts of the oracle, wasmparser, Wasmtime and wasmi on
/// the bytes (WebAssembly 2.0). Panics when they disagree, unless the ones that reject
/// only name an implementation limit while the oracle accepts, or the module is one that
/// only 3.0's binary format accepts.
pub fn validate(data: &[u8]) {
    static ENGINES: OnceLock<Vec<Box<dyn Engine>>> = OnceLock::new();
    let engines = ENGINES.get_or_init(|| {
        vec![
            Box::new(runners::Reference) as Box<dyn Engine>,
            Box::new(runners::Wasmtime::new(runners::WasmtimeStrategy::Cranelift)),
            Box::new(runners::Wasmi::default()),
        ]
    });
    let profile = Proposal::WASM2;
    let mut verdicts: Vec<(String, Result<(), String>)> = vec![(
        "wasmparser".into(),
        wasmparser::Validator::new_with_features(runners::inspect::features_of(&profile))
            .validate_all(data)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    )];
    for e in engines {
        if let Some(v) = e.validate(data, &profile) {
            verdicts.push((e.info().name, v));
        }
    }
    let oracle_accepts = verdicts.iter().any(|(n, v)| n == "reference" && v.is_ok());
    let accepted = verdicts.iter().filter(|(_, v)| v.is_ok()).count();
    if accepted == 0 || accepted == verdicts.len() {
        return;
    }
    let only_limits = oracle_accepts
        && verdicts
            .iter()
            .all(|(_, v)| v.as_ref().err().is_none_or(|m| implementation_limit(m)));
    if only_limits || accepted_by_3_0(data) {
        return;
    }
    let lines: Vec<String> = verdicts
        .iter()
        .map(|(n, v)| match v {
            Ok(()) => format!("  {n}: accepts"),
            Err(m) => format!("  {n}: rejects: {m}"),
        })
        .collect();
    panic!(
        "the validators disagree on a {}-byte module:\n{}\n  module: {}",
        data.len(),
        lines.join("\n"),
        hex(data)
    );
}

/// The `wast` target: parses the bytes as a `.wast` script (when they are UTF-8) and runs
/// every command on the oracle, checking each assertion. Nothing may panic.
pub fn wast(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(commands) = runners::wast::parse_script(text, "fuzz.wast") else {
        return;
    };
    let engine = runners::Reference;
    let profile = Proposal::WASM2;
    let Ok(mut session) = engine.session(&limits(), Some(&profile)) else {
        return;
    };
    let gate = runners::wast::Gate::new(&engine, Some(&profile));
    let mut runner = runners::wast::ScriptRunner::new(session.as_mut(), gate);
    for c in &commands {
        let outcome = runner.run(&c.command);
        let _ = oracle::script::check(&c.command, &outcome);
    }
}

/// The plan a reduced candidate runs: `_start` when it is a replay module (it exports
/// `_start` and the original did not), else the original plan without the calls whose
/// export is gone or changed its type.
fn plan_for(original: &Plan, original_exports: &[ExportedFunc], candidate: &[u8]) -> Plan {
    let Ok(funcs) = exports(candidate) else {
        return Plan::new(vec![]);
    };
    let is_replay = |f: &ExportedFunc| f.name == "_start" && f.ty.params.is_empty();
    if funcs.iter().any(is_replay) && !original_exports.iter().any(is_replay) {
        return Plan::new(vec![Invocation {
            export: "_start".into(),
            args: vec![],
        }]);
    }
    let invocations = original
        .invocations
        .iter()
        .filter(|inv| {
            let before = original_exports.iter().find(|f| f.name == inv.export);
            funcs
                .iter()
                .any(|f| f.name == inv.export && Some(&f.ty) == before.map(|b| &b.ty))
        })
        .cloned()
        .collect();
    Plan::new(invocations)
}

/// The `reduce` target: a case on which the faulty test engine `test-wrong-opcode`
/// (`i32.add` run as `i32.xor`) deviates from the spec is reduced with the built-in
/// signature predicate, in this process. The reduction must succeed, its output must
/// validate (for wasmparser and for the oracle), be no larger than the input, and still
/// show the same deviation.
pub fn reduce(data: &[u8]) {
    const MAX_INPUT: usize = 2048;
    let Some(case) = case(data) else {
        return;
    };
    if case.module.len() > MAX_INPUT {
        return;
    }
    let Some(faulty) = runners::in_process_by_name("test-wrong-opcode") else {
        return;
    };
    let limits = limits();
    let Ok(original_exports) = exports(&case.module) else {
        return;
    };
    let signature = |candidate: &[u8]| {
        let plan = plan_for(&case.plan, &original_exports, candidate);
        let expectation = oracle::expect::expect(candidate, &plan, limits.fuel);
        let observation = observe(faulty.as_ref(), candidate, &plan, &limits)?;
        reducer::finding::signature(&expectation, &observation)
    };
    let Some(wanted) = signature(&case.module) else {
        return;
    };
    let mut predicate =
        reducer::SignaturePredicate::new(|c: &[u8]| signature(c).as_ref() == Some(&wanted));
    let options = reducer::Options {
        time_budget: Duration::from_secs(5),
        plan: case.plan.clone(),
        fuel: limits.fuel,
        max_targets: 20,
        ..reducer::Options::default()
    };
    let reduction = match reducer::reduce(
        &case.module,
        &mut predicate,
        &options,
        &mut reducer::NoObserver,
    ) {
        Ok(r) => r,
        Err(e) => panic!(
            "the reducer failed on a module that shows `{wanted}`: {e}\n  module: {}",
            hex(&case.module)
        ),
    };
    let out = &reduction.module;
    if let Err(e) = reducer::module::validate(out) {
        panic!(
            "the reduced module does not validate (wasmparser): {e}\n  input: {}\n  output: {}",
            hex(&case.module),
            hex(out)
        );
    }
    if let Err(e) = oracle::binary::decode(out)
        .map_err(|e| e.to_string())
        .and_then(|m| {
            oracle::valid::validate(&m)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    {
        panic!(
            "the reduced module does not validate (oracle): {e}\n  input: {}\n  output: {}",
            hex(&case.module),
            hex(out)
        );
    }
    assert!(
        out.len() <= case.module.len(),
        "the reduced module ({} bytes) is larger than its input ({} bytes)",
        out.len(),
        case.module.len()
    );
    let after = signature(out);
    assert!(
        after.as_ref() == Some(&wanted),
        "the reduced module no longer shows `{wanted}` (it shows {after:?})\n  input: {}\n  output: {}",
        hex(&case.module),
        hex(out)
    );
}

/// The custom mutator of the targets that take modules: a module input (with its plan
/// section, if any) is mutated by `wasm-mutate` three times in four, else (and whenever
/// `wasm-mutate` gives nothing that fits) by libFuzzer's own byte mutations, which also
/// make the malformed inputs the validators need.
pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let input = &data[..size.min(data.len())];
    if input.starts_with(b"\0asm") && seed % 4 != 0 {
        let (module, plan) = generator::fuzz::split_plan(input);
        if let Ok(m) = generator::mutate::mutate(&module, u64::from(seed)) {
            let out = match plan {
                Some(p) => generator::fuzz::with_plan(&m, &p),
                None => m,
            };
            if out.len() <= max_size && out.len() <= data.len() {
                data[..out.len()].copy_from_slice(&out);
                return out.len();
            }
        }
    }
    libfuzzer_sys::fuzzer_mutate(data, size, max_size)
}
