//! Record and replay: find the function (or group of functions) whose replay module is
//! still interesting.

use std::collections::{BTreeSet, HashSet};
use std::time::Instant;

use crate::instrument::{self, Mode};
use crate::module::{self, Info};
use crate::predicate::{Interesting, Predicate};
use crate::record::{RecordError, Recorder};
use crate::reduce::{Observer, Options, ReduceError};
use crate::replay;

/// How record and replay ended.
pub(crate) enum Outcome {
    /// An interesting replay module of these functions.
    Replay { module: Vec<u8>, target: Vec<u32> },
    /// The module ran, but no tried target reproduced.
    NoTarget(String),
    /// The module cannot be recorded.
    Unrecordable(String),
}

/// Function indices named in a predicate's or engine's output: `wasm-function[N]`,
/// `function N`, `func N`, `$fN`, or a name from the name section as a whole word.
pub(crate) fn named_functions(text: &str, info: &Info) -> Vec<u32> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for marker in ["function[", "function ", "func[", "func ", "$f", "func_"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(marker) {
            let start = from + i + marker.len();
            let digits: String = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .map(|&b| b as char)
                .collect();
            if let Ok(n) = digits.parse::<u32>()
                && (n as usize) < info.func_types.len()
                && !out.contains(&n)
            {
                out.push(n);
            }
            from = start;
        }
    }
    for (idx, name) in &info.names {
        if name.len() < 3 {
            continue;
        }
        let whole = text.match_indices(name.as_str()).any(|(i, _)| {
            let before = text[..i].chars().last();
            let after = text[i + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        });
        if whole && !out.contains(idx) {
            out.push(*idx);
        }
    }
    out
}

/// Record and replay (see the crate documentation).
pub(crate) fn reduce(
    input: &[u8],
    predicate: &mut dyn Predicate,
    options: &Options,
    observer: &mut dyn Observer,
    deadline: Instant,
    first_output: &str,
) -> Result<Outcome, ReduceError> {
    let info = match Info::parse(input) {
        Ok(i) => i,
        Err(e) => return Ok(Outcome::Unrecordable(e)),
    };
    if let Some((m, n)) = info.imports.iter().find(|(m, n)| {
        m != "spectest"
            || !runners::host::FUNCS.iter().any(|(f, _)| f == n)
                && !matches!(
                    n.as_str(),
                    "global_i32" | "global_i64" | "global_f32" | "global_f64" | "table" | "memory"
                )
    }) {
        return Ok(Outcome::Unrecordable(format!(
            "it imports \"{m}\" \"{n}\", which the recorder cannot provide"
        )));
    }
    let profiled = match instrument::instrument(input, &info, &Mode::Profile) {
        Ok(m) => m,
        Err(e) => return Ok(Outcome::Unrecordable(format!("cannot instrument it: {e}"))),
    };
    let dir = tempfile::Builder::new()
        .prefix("harness-record-")
        .tempdir()
        .map_err(|source| crate::predicate::PredicateError::Io {
            action: "create a temporary directory".into(),
            source,
        })?;
    let recorder = match &options.recorder {
        Some(command) => Recorder::Worker {
            command,
            dir: dir.path(),
            timeout: options.record_timeout,
        },
        None => Recorder::InProcess,
    };
    let profile = match recorder.profile(&profiled, info.bodies.len(), &options.plan, options.fuel)
    {
        Ok(p) => p,
        Err(RecordError::Unrecordable(why)) => return Ok(Outcome::Unrecordable(why)),
        Err(RecordError::TooBig) => {
            return Ok(Outcome::Unrecordable("the run is too large".into()));
        }
    };

    // Target order: hints, named functions, trap frames, executed (least often first),
    // then the rest.
    let is_defined = |f: u32| {
        f >= info.imported_funcs && ((f - info.imported_funcs) as usize) < info.bodies.len()
    };
    let mut order: Vec<u32> = Vec::new();
    let push = |f: u32, order: &mut Vec<u32>| {
        if is_defined(f) && !order.contains(&f) {
            order.push(f);
        }
    };
    for &f in &options.hints {
        push(f, &mut order);
    }
    for f in named_functions(first_output, &info) {
        push(f, &mut order);
    }
    for &f in &profile.trap_frames {
        push(f, &mut order);
    }
    let mut executed: Vec<(u64, u32)> = profile
        .counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| (*c, info.defined(i)))
        .collect();
    executed.sort();
    for (_, f) in &executed {
        push(*f, &mut order);
    }
    for i in 0..info.bodies.len() {
        push(info.defined(i), &mut order);
    }

    tracing::debug!(
        "record and replay: {} targets in order, first {:?}; trap frames {:?}",
        order.len(),
        &order[..order.len().min(8)],
        profile.trap_frames
    );
    let mut tried = 0usize;
    let mut skipped: Vec<String> = Vec::new();
    let attempt = |set: BTreeSet<u32>,
                   predicate: &mut dyn Predicate,
                   observer: &mut dyn Observer,
                   skipped: &mut Vec<String>|
     -> Result<Option<Vec<u8>>, ReduceError> {
        for &f in &set {
            if let Some(why) = instrument::unsupported(input, &info, f) {
                skipped.push(why);
                return Ok(None);
            }
        }
        let hashed: HashSet<u32> = set.iter().copied().collect();
        let instrumented = match instrument::instrument(input, &info, &Mode::Record(&hashed)) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(format!("{set:?}: cannot instrument: {e}"));
                return Ok(None);
            }
        };
        let events = match recorder.record(&instrumented, &hashed, &options.plan, options.fuel) {
            Ok(e) => e,
            Err(RecordError::TooBig) => {
                skipped.push(format!("{set:?}: too many interactions to record"));
                return Ok(None);
            }
            Err(RecordError::Unrecordable(why)) => {
                skipped.push(format!("{set:?}: {why}"));
                return Ok(None);
            }
        };
        let replay = match replay::build(input, &info, &set, &events) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(format!("{set:?}: {e}"));
                return Ok(None);
            }
        };
        if let Err(e) = module::validate(&replay) {
            skipped.push(format!("{set:?}: the replay module does not validate: {e}"));
            return Ok(None);
        }
        let interesting = predicate.test(&replay)? == Interesting::Yes;
        observer.tested(predicate.calls(), input.len());
        Ok(interesting.then_some(replay))
    };

    // Single functions first, then each with its callees, then with all it reaches.
    for level in 0..3 {
        for &f in &order {
            if tried >= options.max_targets || Instant::now() >= deadline {
                break;
            }
            let mut set: BTreeSet<u32> = [f].into_iter().collect();
            if level >= 1 {
                let callees = replay::defined_callees(input, &info, &set);
                if callees.is_empty() {
                    continue;
                }
                set.extend(callees);
            }
            if level == 2 {
                let before = set.len();
                loop {
                    let more = replay::defined_callees(input, &info, &set);
                    if more.is_empty() {
                        break;
                    }
                    set.extend(more);
                }
                if set.len() == before {
                    continue;
                }
            }
            tried += 1;
            if let Some(module) = attempt(set.clone(), predicate, observer, &mut skipped)? {
                return Ok(Outcome::Replay {
                    module,
                    target: set.into_iter().collect(),
                });
            }
        }
    }
    let mut why = format!("{tried} targets tried");
    if !skipped.is_empty() {
        why.push_str(&format!(
            "; {} could not be replayed (first: {})",
            skipped.len(),
            skipped[0]
        ));
    }
    Ok(Outcome::NoTarget(why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_functions_named_in_output() {
        let m = wat::parse_str(
            r#"(module (func $alpha) (func $beta) (func $gamma) (func) (func) (func))"#,
        )
        .unwrap();
        let info = Info::parse(&m).unwrap();
        let text =
            "wasm trap: unreachable\n  0: wasm-function[4]\n  1: beta\n  at func 2; alphabet";
        assert_eq!(named_functions(text, &info), vec![4, 2, 1]);
    }
}

#[cfg(test)]
mod replay_tests {
    use super::*;
    use crate::reduce::{NoObserver, Strategy, reduce};
    use crate::signature::SignaturePredicate;
    use oracle::expect::{ExpectedOutcome, expect};
    use oracle::{Invocation, Plan, TrapKind};

    /// `$target` divides by a value it computes from memory another function wrote, a
    /// global, an import's and a callee's results and an indirect call: only a faithful
    /// replay of all of them still divides by zero on its third entry.
    const PROGRAM: &str = r#"(module
        (import "spectest" "print_i32" (func $print (param i32)))
        (memory 1)
        (global $g (mut i32) (i32.const 5))
        (table 4 funcref)
        (elem (i32.const 2) $seven)
        (type $t (func (result i32)))
        (func $seven (result i32) i32.const 7)
        (func $fill (param i32)
            (i32.store (i32.const 100) (local.get 0))
            (global.set $g (i32.add (global.get $g) (i32.const 1))))
        (func $helper (param i32) (result i32) (call $print (local.get 0)) (i32.mul (local.get 0) (i32.const 3)))
        (func $target (param i32) (result i32)
            (local $d i32)
            (call $fill (local.get 0))
            (local.set $d (i32.sub (i32.load (i32.const 100)) (global.get $g)))
            (local.set $d (i32.add (local.get $d) (call $helper (local.get 0))))
            (local.set $d (i32.sub (local.get $d) (call_indirect (type $t) (i32.const 2))))
            (i32.div_u (i32.const 1000) (local.get $d)))
        (func $noise (param i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $l
                (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
            (local.get $acc))
        (func (export "main") (result i32)
            (drop (call $noise (i32.const 50)))
            (drop (call $target (i32.const 9)))
            (drop (call $target (i32.const 4)))
            (drop (call $noise (i32.const 10)))
            (call $target (i32.const 3))))"#;

    fn traps_div_zero(m: &[u8]) -> bool {
        traps(m, TrapKind::IntegerDivideByZero)
    }

    fn traps(m: &[u8], kind: TrapKind) -> bool {
        let info = Info::parse(m).unwrap();
        let export = if info.exports.iter().any(|(n, ..)| n == "_start") {
            "_start"
        } else {
            "main"
        };
        let plan = Plan::new(vec![Invocation {
            export: export.into(),
            args: vec![],
        }]);
        let e = expect(m, &plan, 1_000_000);
        matches!(
            e.invocations.first().map(|s| &s.outcome),
            Some(ExpectedOutcome::Trap { kind: k }) if *k == kind
        )
    }

    #[test]
    fn a_crashing_recorder_falls_back_to_shrinking() {
        let text = PROGRAM.replace(
            "(global $g (mut i32) (i32.const 5))",
            "(global $g (mut i32) (i32.const 2))",
        );
        let m = wat::parse_str(&text).unwrap();
        let mut p = SignaturePredicate::new(traps_div_zero);
        let options = Options {
            plan: Plan::new(vec![Invocation {
                export: "main".into(),
                args: vec![],
            }]),
            recorder: Some(runners::worker::WorkerCommand {
                program: "sh".into(),
                args: vec!["-c".into(), "cat >/dev/null; kill -SEGV $$".into()],
                env: Vec::new(),
            }),
            time_budget: std::time::Duration::from_secs(60),
            ..Options::default()
        };
        let r = reduce(&m, &mut p, &options, &mut NoObserver).unwrap();
        assert_eq!(r.replay_target, None);
        let notes = r.notes.join("\n");
        assert!(
            notes.contains("died") && notes.contains("falling back"),
            "{notes}"
        );
        assert!(r.module.len() < m.len() / 2);
        assert!(traps_div_zero(&r.module));
    }

    #[test]
    fn a_null_table_slot_stays_null_in_the_replay() {
        let m = wat::parse_str(
            r#"(module
                (type $t (func (result i32)))
                (table 4 funcref)
                (elem (i32.const 0) $a $b)
                (func $a (result i32) i32.const 1)
                (func $b (result i32) i32.const 2)
                (func $target (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
                (func (export "main") (result i32)
                    (drop (call $target (i32.const 0)))
                    (drop (call $target (i32.const 1)))
                    (call $target (i32.const 2))))"#,
        )
        .unwrap();
        let null = |m: &[u8]| traps(m, TrapKind::UninitializedElement);
        assert!(null(&m));
        let mut p = SignaturePredicate::new(null);
        let options = Options {
            strategy: Strategy::Rr,
            plan: Plan::new(vec![Invocation {
                export: "main".into(),
                args: vec![],
            }]),
            ..Options::default()
        };
        let r = reduce(&m, &mut p, &options, &mut NoObserver).unwrap();
        assert_eq!(r.replay_target, Some(vec![2]), "{:?}", r.notes);
        assert!(null(&r.module));
    }

    #[test]
    fn replays_the_target_with_its_memory_globals_and_callees() {
        // The divisor is x - g + 3x - 7 with x the argument and g the global after the
        // fill: with $g starting at 2, the third call (x = 3, g = 5) divides by zero.
        let text = PROGRAM.replace(
            "(global $g (mut i32) (i32.const 5))",
            "(global $g (mut i32) (i32.const 2))",
        );
        let m = wat::parse_str(&text).unwrap();
        assert!(traps_div_zero(&m), "the original must trap");
        let mut p = SignaturePredicate::new(traps_div_zero);
        let options = Options {
            strategy: Strategy::Rr,
            plan: Plan::new(vec![Invocation {
                export: "main".into(),
                args: vec![],
            }]),
            ..Options::default()
        };
        let r = reduce(&m, &mut p, &options, &mut NoObserver).unwrap();
        let text = wasmprinter::print_bytes(&r.module).unwrap();
        // $target is function 4 (after the import).
        assert_eq!(r.replay_target, Some(vec![4]), "{text}\n{:?}", r.notes);
        assert!(text.contains("i32.div_u"), "{text}");
        assert!(!text.contains("i32.load8_u"), "the noise is gone: {text}");
        assert!(traps_div_zero(&r.module));
        if std::env::var_os("SHOW").is_some() {
            eprintln!("{text}");
        }
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::reduce::{NoObserver, Strategy, reduce};
    use crate::signature::SignaturePredicate;
    use oracle::expect::{ExpectedOutcome, expect};
    use oracle::{Invocation, Plan};

    /// `_start` (or, before the replay, `main`) returns 42 and the module's text still has
    /// each of `needles`.
    fn returns_42_with(m: &[u8], needles: &[&str]) -> bool {
        let Ok(info) = Info::parse(m) else {
            return false;
        };
        let export = if info.exported_function("_start").is_some() {
            "_start"
        } else {
            "main"
        };
        let plan = Plan::new(vec![Invocation {
            export: export.into(),
            args: vec![],
        }]);
        let returns_42 = matches!(
            expect(m, &plan, 1_000_000).invocations.first().map(|s| &s.outcome),
            Some(ExpectedOutcome::Return { values }) if values.len() == 1
                && values[0].contains(&oracle::Value::I32(42))
        );
        returns_42
            && wasmprinter::print_bytes(m).is_ok_and(|t| needles.iter().all(|n| t.contains(n)))
    }

    /// Interesting: 42, and the target's `i32.sub` and its callee's `i32.rem_u`: no single
    /// function's replay has both.
    fn interesting(m: &[u8]) -> bool {
        returns_42_with(m, &["i32.rem_u", "i32.sub"])
    }

    /// Interesting: 42, and the module still loads and stores a lane.
    fn lanes_give_42(m: &[u8]) -> bool {
        returns_42_with(m, &["v128.load32_lane", "v128.store8_lane"])
    }

    /// Record and replay alone, with a plan calling `main`.
    fn rr_main() -> Options {
        Options {
            strategy: Strategy::Rr,
            plan: Plan::new(vec![Invocation {
                export: "main".into(),
                args: vec![],
            }]),
            ..Options::default()
        }
    }

    #[test]
    fn a_target_that_loads_and_stores_lanes_is_replayed() {
        // $fill (noise) writes the 40 and the 2 that $target reads: its lane load takes
        // the 40 into lane 1, its lane store writes that lane's low byte to 48, and it
        // adds the byte at 48 to the one at 32.
        let m = wat::parse_str(
            r#"(module
                (memory 1)
                (func $fill
                    (i32.store (i32.const 16) (i32.const 40))
                    (i32.store8 (i32.const 32) (i32.const 2)))
                (func $target (result i32) (local v128)
                    (local.set 0 (v128.load32_lane 1 (i32.const 16) (v128.const i32x4 7 7 7 7)))
                    (v128.store8_lane 4 (i32.const 48) (local.get 0))
                    (i32.add (i32.load8_u (i32.const 48)) (i32.load8_u (i32.const 32))))
                (func (export "main") (result i32) (call $fill) (call $target)))"#,
        )
        .unwrap();
        assert!(lanes_give_42(&m));
        let mut p = SignaturePredicate::new(lanes_give_42);
        let r = reduce(&m, &mut p, &rr_main(), &mut NoObserver).unwrap();
        assert_eq!(r.replay_target, Some(vec![1]), "{:?}", r.notes);
        assert!(lanes_give_42(&r.module));
        let text = wasmprinter::print_bytes(&r.module).unwrap();
        assert!(!text.contains("i32.store8 (i32.const 32)"), "{text}");
    }

    #[test]
    fn a_target_with_its_callees_when_no_single_function_reproduces() {
        let m = wat::parse_str(
            r#"(module
                (func $callee (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 50)))
                (func $target (param i32) (result i32) (i32.sub (call $callee (local.get 0)) (i32.const 0)))
                (func $other (result i32) (i32.const 100))
                (func (export "main") (result i32) (call $target (i32.add (call $other) (i32.const 42)))))"#,
        )
        .unwrap();
        assert!(interesting(&m));
        let mut p = SignaturePredicate::new(interesting);
        let r = reduce(&m, &mut p, &rr_main(), &mut NoObserver).unwrap();
        assert_eq!(r.replay_target, Some(vec![0, 1]), "{:?}", r.notes);
        assert!(interesting(&r.module));
    }
}
