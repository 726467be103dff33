//! Every bundled engine, in process, on small modules: exact bits, trap kinds, limits.

use oracle::{InstanceOutcome, Invocation, Outcome, Plan, RefValue, TrapKind, Value};
use runners::inspect::{Support, support_features};
use runners::{Limits, bundled, observe_in_process};

/// Runs on every bundled engine that supports the module.
fn run(wat: &str, calls: &[(&str, Vec<Value>)]) -> Vec<oracle::Observation> {
    let wasm = wat::parse_str(wat).unwrap();
    let plan = Plan::new(
        calls
            .iter()
            .map(|(e, a)| Invocation {
                export: e.to_string(),
                args: a.clone(),
            })
            .collect(),
    );
    let limits = Limits {
        fuel: 1_000_000,
        ..Limits::default()
    };
    bundled()
        .iter()
        .filter(|e| {
            support_features(&wasm, e.features(), &e.info().proposals) == Support::Supported
        })
        .map(|e| observe_in_process(e.as_ref(), &wasm, &plan, &limits))
        .collect()
}

fn outcomes(obs: &[oracle::Observation], k: usize) -> Vec<(String, Outcome)> {
    obs.iter()
        .map(|o| (o.engine.clone(), o.invocations[k].outcome.clone()))
        .collect()
}

#[test]
fn every_engine_returns_exact_bits() {
    let obs = run(
        r#"(module
            (func (export "id32") (param f32) (result f32) local.get 0)
            (func (export "neg") (param f64) (result f64) local.get 0 f64.neg)
            (func (export "pair") (param i64) (result i64 i32) local.get 0 i32.const -1)
            (func (export "v") (param v128) (result v128) local.get 0)
            (func (export "ext") (param externref) (result externref) local.get 0))"#,
        &[
            ("id32", vec![Value::F32(0x7fa0_0001)]),
            ("neg", vec![Value::F64(0x7ff0_0000_0000_0001)]),
            ("pair", vec![Value::I64(u64::MAX)]),
            (
                "v",
                vec![Value::V128(0x0123_4567_89ab_cdef_0011_2233_4455_6677)],
            ),
            ("ext", vec![Value::Ref(RefValue::Extern(42))]),
        ],
    );
    // Winch compiles no externref: the reference interpreter, Cranelift, Pulley and wasmi run.
    assert_eq!(obs.len(), 4);
    for o in &obs {
        assert_eq!(
            o.instantiation.outcome,
            InstanceOutcome::Instantiated,
            "{}",
            o.engine
        );
        let vals: Vec<_> = o
            .invocations
            .iter()
            .map(|s| match &s.outcome {
                Outcome::Return { values } => values.clone(),
                other => panic!("{}: {other:?}", o.engine),
            })
            .collect();
        assert_eq!(vals[0], vec![Value::F32(0x7fa0_0001)], "{}", o.engine);
        assert_eq!(
            vals[1],
            vec![Value::F64(0xfff0_0000_0000_0001)],
            "{}",
            o.engine
        );
        assert_eq!(
            vals[2],
            vec![Value::I64(u64::MAX), Value::I32(u32::MAX)],
            "{}",
            o.engine
        );
        assert_eq!(
            vals[3],
            vec![Value::V128(0x0123_4567_89ab_cdef_0011_2233_4455_6677)],
            "{}",
            o.engine
        );
        assert_eq!(
            vals[4],
            vec![Value::Ref(RefValue::Extern(42))],
            "{}",
            o.engine
        );
    }
}

#[test]
fn traps_are_named_as_the_test_suite_names_them() {
    let obs = run(
        r#"(module
            (type $t (func))
            (table 2 funcref)
            (elem (i32.const 0) $f)
            (memory 1)
            (func $f (param i32))
            (func (export "div") (result i32) i32.const 1 i32.const 0 i32.div_s)
            (func (export "ovf") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
            (func (export "conv") (result i32) f32.const nan i32.trunc_f32_s)
            (func (export "oob") (result i32) i32.const 65536 i32.load)
            (func (export "unr") unreachable)
            (func (export "null") i32.const 1 call_indirect (type $t))
            (func (export "sig") i32.const 0 call_indirect (type $t))
            (func (export "undef") i32.const 5 call_indirect (type $t))
            (func $rec (export "rec") call $rec))"#,
        &[
            ("div", vec![]),
            ("ovf", vec![]),
            ("conv", vec![]),
            ("oob", vec![]),
            ("unr", vec![]),
            ("null", vec![]),
            ("sig", vec![]),
            ("undef", vec![]),
            ("rec", vec![]),
        ],
    );
    let expected = [
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::InvalidConversionToInteger,
        TrapKind::OutOfBoundsMemoryAccess,
        TrapKind::Unreachable,
        TrapKind::UninitializedElement,
        TrapKind::IndirectCallTypeMismatch,
        TrapKind::UndefinedElement,
    ];
    for (k, want) in expected.iter().enumerate() {
        for (engine, got) in outcomes(&obs, k) {
            match got {
                Outcome::Trap { kind, .. } => assert!(
                    kind.agrees_with(want),
                    "{engine} step {k}: {kind} vs {want}"
                ),
                other => panic!("{engine} step {k}: {other:?}"),
            }
        }
    }
    for (engine, got) in outcomes(&obs, 8) {
        assert!(
            matches!(got, Outcome::Exhaustion { .. }),
            "{engine}: {got:?}"
        );
    }
}

#[test]
fn an_infinite_loop_runs_out_of_fuel_everywhere() {
    let obs = run(
        r#"(module (func (export "spin") (loop (br 0))))"#,
        &[("spin", vec![])],
    );
    for (engine, got) in outcomes(&obs, 0) {
        assert!(matches!(got, Outcome::Timeout { .. }), "{engine}: {got:?}");
    }
}

#[test]
fn host_calls_grows_and_state_are_observed() {
    let obs = run(
        r#"(module
            (import "spectest" "print_f32" (func $p (param f32)))
            (import "spectest" "global_i32" (global $g i32))
            (memory (export "mem") 1 3)
            (global (export "counter") (mut i32) (i32.const 0))
            (table (export "tab") 3 funcref)
            (elem (i32.const 1) $bump)
            (func $bump (export "bump") (result i32)
              (global.set 1 (i32.add (global.get 1) (global.get $g)))
              (i32.store (i32.const 8) (global.get 1))
              (call $p (f32.const -nan:0x200001))
              (memory.grow (i32.const 1))))"#,
        &[("bump", vec![]), ("bump", vec![]), ("bump", vec![])],
    );
    for o in &obs {
        let grows: Vec<bool> = o
            .invocations
            .iter()
            .flat_map(|s| s.resources.iter().map(|r| r.granted))
            .collect();
        // The third grow passes the declared maximum: a failure the spec requires, not a
        // resource event. The reference interpreter has no host limit and reports none.
        if o.engine != "reference" {
            assert_eq!(grows, vec![true, true], "{}", o.engine);
        }
        let call = &o.invocations[0].host_calls[0];
        assert_eq!(
            (call.func.as_str(), &call.args[..]),
            ("print_f32", &[Value::F32(0xffa0_0001)][..]),
            "{}",
            o.engine
        );
        let fs = o.final_state.as_ref().unwrap();
        assert_eq!(fs.globals[0].value, Value::I32(3 * 666), "{}", o.engine);
        assert_eq!(fs.memories[0].size, 3 * 65536, "{}", o.engine);
        assert_eq!(fs.tables[0].non_null, vec![(1, 2)], "{}", o.engine);
    }
    let hashes: Vec<&str> = obs
        .iter()
        .map(|o| o.final_state.as_ref().unwrap().memories[0].sha256.as_str())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
}

#[test]
fn invalid_and_unlinkable_modules_are_told_apart() {
    let limits = Limits::default();
    let plan = Plan::new(vec![]);
    let unlinkable =
        wat::parse_str(r#"(module (import "spectest" "print_i32" (func (param f64))))"#).unwrap();
    let invalid = b"\0asm\x01\0\0\0\x01\x05".to_vec();
    for e in bundled() {
        let o = observe_in_process(e.as_ref(), &unlinkable, &plan, &limits);
        assert!(
            matches!(o.instantiation.outcome, InstanceOutcome::Unlinkable { .. }),
            "{:?}",
            o.instantiation
        );
        let o = observe_in_process(e.as_ref(), &invalid, &plan, &limits);
        assert!(
            matches!(o.instantiation.outcome, InstanceOutcome::Rejected { .. }),
            "{:?}",
            o.instantiation
        );
    }
}

/// A module may recurse as deep as a campaign's termination fuel lets it (1,000 calls):
/// every bundled engine goes that deep, wasmi too (its own default limit is 1,000 frames),
/// and an unbounded recursion still ends in exhaustion everywhere.
#[test]
fn every_engine_recurses_a_few_thousand_deep_and_exhausts_without_end() {
    let wat = r#"(module
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (local.get 0)
          (then (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
          (else (i32.const 0))))
      (func $forever (export "forever") (param i32) (result i32)
        (i32.add (call $forever (local.get 0)) (i32.const 1))))"#;
    let obs = run(
        wat,
        &[
            ("down", vec![Value::I32(5000)]),
            ("forever", vec![Value::I32(0)]),
        ],
    );
    assert!(obs.iter().any(|o| o.engine == "wasmi"));
    for (engine, o) in outcomes(&obs, 0) {
        assert_eq!(
            o,
            Outcome::Return {
                values: vec![Value::I32(5000)]
            },
            "{engine}"
        );
    }
    for (engine, o) in outcomes(&obs, 1) {
        assert!(matches!(o, Outcome::Exhaustion { .. }), "{engine}: {o:?}");
    }
}
