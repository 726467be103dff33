//! `.wast` scripts as the spec test suite writes them, and the judgement of what an engine
//! did with each command.
//!
//! The script model is independent of any parser: runners read `.wast` text into
//! [`Command`]s (turning text modules into binaries at the edge), engines run them, and
//! [`check`] decides each assertion against what the spec allows.

use serde::{Deserialize, Serialize};

use crate::ast::NumType;
use crate::observation::{InstanceOutcome, Outcome};
use crate::trap::TrapKind;
use crate::value::{HeapType, NanClass, RefValue, Value};

/// One command of a script, with the line it starts on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Located {
    /// 1-based line in the script.
    pub line: usize,
    /// The command.
    pub command: Command,
}

/// An action: a call or a global read on a (named or the latest) module instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// `(invoke $m? "name" args*)`
    Invoke {
        /// The instance's name, or the latest one.
        module: Option<String>,
        /// The export.
        export: String,
        /// The arguments.
        args: Vec<Value>,
    },
    /// `(get $m? "name")`
    Get {
        /// The instance's name, or the latest one.
        module: Option<String>,
        /// The exported global.
        export: String,
    },
}

/// A lane or value pattern of `assert_return`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "pattern", rename_all = "kebab-case")]
pub enum Expected {
    /// Exactly this value.
    Value {
        /// The value.
        value: Value,
    },
    /// `nan:canonical` of a float type.
    CanonicalNan {
        /// 32 or 64.
        bits: u32,
    },
    /// `nan:arithmetic` of a float type.
    ArithmeticNan {
        /// 32 or 64.
        bits: u32,
    },
    /// A `v128` given lane by lane, where float lanes may be NaN patterns.
    Lanes {
        /// The lane width in bits.
        width: u32,
        /// One pattern per lane (`Value` holds the lane's bits as `I64`).
        lanes: Vec<Expected>,
    },
    /// `ref.null` of any heap type.
    RefNull,
    /// `ref.extern N`, or any non-null extern reference.
    RefExtern {
        /// The host value, when given.
        value: Option<u32>,
    },
    /// `ref.func`: any non-null function reference.
    RefFunc,
    /// `(either ...)`: any of these patterns.
    Either {
        /// The alternatives.
        alternatives: Vec<Expected>,
    },
}

/// A module as the script gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "kebab-case")]
pub enum ModuleSource {
    /// A binary (from `(module binary ...)`, or text turned into one).
    Binary {
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Text that the text-format parser rejected (`module quote` of malformed text).
    BadText {
        /// The parser's message.
        message: String,
    },
}

/// A script command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    /// `(module $name? ...)`: instantiate; it becomes the latest instance.
    Module {
        /// Its name.
        name: Option<String>,
        /// The binary.
        bytes: Vec<u8>,
    },
    /// `(register "as" $name?)`
    Register {
        /// The name other modules import it by.
        as_name: String,
        /// The instance, or the latest one.
        module: Option<String>,
    },
    /// A bare action.
    Action {
        /// The action.
        action: Action,
    },
    /// `(assert_return action expected*)`
    AssertReturn {
        /// The action.
        action: Action,
        /// The expected results.
        expected: Vec<Expected>,
    },
    /// `(assert_trap action "message")`
    AssertTrap {
        /// The action.
        action: Action,
        /// The message.
        message: String,
    },
    /// `(assert_exhaustion action "message")`
    AssertExhaustion {
        /// The action.
        action: Action,
        /// The message.
        message: String,
    },
    /// `(assert_invalid module "message")`
    AssertInvalid {
        /// The module.
        module: ModuleSource,
        /// The message.
        message: String,
    },
    /// `(assert_malformed module "message")`
    AssertMalformed {
        /// The module.
        module: ModuleSource,
        /// The message.
        message: String,
    },
    /// `(assert_unlinkable module "message")`
    AssertUnlinkable {
        /// The module.
        module: ModuleSource,
        /// The message.
        message: String,
    },
    /// `(assert_trap module "message")` / `(assert_uninstantiable ...)`: instantiation traps.
    AssertUninstantiable {
        /// The module.
        module: ModuleSource,
        /// The message.
        message: String,
    },
}

impl Command {
    /// Whether the command is an assertion (counted in conformance tables).
    pub fn is_assertion(&self) -> bool {
        !matches!(
            self,
            Command::Module { .. } | Command::Register { .. } | Command::Action { .. }
        )
    }

    /// The assertion's keyword, for reports.
    pub fn keyword(&self) -> &'static str {
        match self {
            Command::Module { .. } => "module",
            Command::Register { .. } => "register",
            Command::Action { .. } => "action",
            Command::AssertReturn { .. } => "assert_return",
            Command::AssertTrap { .. } => "assert_trap",
            Command::AssertExhaustion { .. } => "assert_exhaustion",
            Command::AssertInvalid { .. } => "assert_invalid",
            Command::AssertMalformed { .. } => "assert_malformed",
            Command::AssertUnlinkable { .. } => "assert_unlinkable",
            Command::AssertUninstantiable { .. } => "assert_uninstantiable",
        }
    }
}

/// What an engine did with one command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CommandOutcome {
    /// A module was compiled and instantiated (or not).
    Instance {
        /// How it went.
        outcome: InstanceOutcome,
    },
    /// An action ran.
    Action {
        /// How it went.
        outcome: Outcome,
    },
    /// `register` succeeded or failed.
    Registered {
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// The engine was not asked (the text did not parse, an earlier crash, ...).
    NotRun {
        /// Why.
        reason: String,
    },
    /// The way the harness drives this engine cannot put this command to it (no linking,
    /// no `get` between calls, no host reference across a command line, ...): a limit of
    /// the driver, which says nothing about the engine. Never judged.
    CannotAsk {
        /// What the driver lacks.
        reason: String,
    },
}

/// The judgement of one command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "why", rename_all = "kebab-case")]
pub enum Verdict {
    /// The engine did what the spec requires.
    Pass,
    /// It did not; why.
    Fail(String),
    /// Not judged; why.
    Skip(String),
}

fn nan_class(bits: u32, v: u64) -> Option<NanClass> {
    match bits {
        32 => NanClass::of_f32(v as u32),
        _ => NanClass::of_f64(v),
    }
}

fn lane(v: u128, width: u32, i: usize) -> u64 {
    let mask = if width == 64 {
        u64::MAX as u128
    } else {
        (1u128 << width) - 1
    };
    ((v >> (width as usize * i)) & mask) as u64
}

/// Whether a value matches a pattern.
pub fn matches(expected: &Expected, got: &Value) -> bool {
    match (expected, got) {
        (Expected::Value { value }, got) => value == got,
        (Expected::CanonicalNan { bits: 32 }, Value::F32(b)) => {
            NanClass::of_f32(*b) == Some(NanClass::Canonical)
        }
        (Expected::CanonicalNan { bits: 64 }, Value::F64(b)) => {
            NanClass::of_f64(*b) == Some(NanClass::Canonical)
        }
        (Expected::ArithmeticNan { bits: 32 }, Value::F32(b)) => {
            matches!(
                NanClass::of_f32(*b),
                Some(NanClass::Canonical | NanClass::Arithmetic)
            )
        }
        (Expected::ArithmeticNan { bits: 64 }, Value::F64(b)) => {
            matches!(
                NanClass::of_f64(*b),
                Some(NanClass::Canonical | NanClass::Arithmetic)
            )
        }
        (Expected::Lanes { width, lanes }, Value::V128(v)) => {
            lanes.iter().enumerate().all(|(i, p)| {
                let l = lane(*v, *width, i);
                match p {
                    Expected::Value {
                        value: Value::I64(x),
                    } => *x == l,
                    Expected::CanonicalNan { .. } => {
                        nan_class(*width, l) == Some(NanClass::Canonical)
                    }
                    Expected::ArithmeticNan { .. } => {
                        matches!(
                            nan_class(*width, l),
                            Some(NanClass::Canonical | NanClass::Arithmetic)
                        )
                    }
                    _ => false,
                }
            })
        }
        (Expected::RefNull, Value::Ref(RefValue::Null(_))) => true,
        (
            Expected::RefExtern { value: None },
            Value::Ref(RefValue::Extern(_) | RefValue::NonNull(HeapType::Extern)),
        ) => true,
        (Expected::RefExtern { value: Some(n) }, Value::Ref(RefValue::Extern(m))) => n == m,
        (Expected::RefFunc, Value::Ref(RefValue::NonNull(HeapType::Func))) => true,
        (Expected::Either { alternatives }, got) => alternatives.iter().any(|a| matches(a, got)),
        _ => false,
    }
}

fn results_match(expected: &[Expected], got: &[Value]) -> bool {
    expected.len() == got.len() && expected.iter().zip(got).all(|(e, g)| matches(e, g))
}

fn show_values(values: &[Value]) -> String {
    let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", v.join(", "))
}

fn describe(outcome: &CommandOutcome) -> String {
    match outcome {
        CommandOutcome::Instance { outcome } => crate::judge::render_instance(outcome),
        CommandOutcome::Action {
            outcome: Outcome::Return { values },
        } => format!("returned {}", show_values(values)),
        CommandOutcome::Action { outcome } => crate::judge::render_outcome(outcome).join("; "),
        CommandOutcome::Registered { error: Some(e) } => format!("register failed: {e}"),
        CommandOutcome::Registered { error: None } => "registered".into(),
        CommandOutcome::NotRun { reason } => format!("not run: {reason}"),
        CommandOutcome::CannotAsk { reason } => format!("not asked: {reason}"),
    }
}

/// Judges one command against what the engine did.
///
/// Messages of `assert_invalid`, `assert_malformed` and `assert_unlinkable` are not
/// compared (engines word their errors freely); the phase is. Trap messages are compared as
/// trap kinds ([`TrapKind::agrees_with`]).
pub fn check(command: &Command, outcome: &CommandOutcome) -> Verdict {
    use CommandOutcome as O;
    let fail = || Verdict::Fail(format!("got {}", describe(outcome)));
    // A harness limit (fuel, wall clock) ending a command says nothing about the spec.
    if let O::Action {
        outcome: Outcome::Timeout { message },
    }
    | O::Instance {
        outcome: InstanceOutcome::Timeout { message },
    } = outcome
    {
        return Verdict::Skip(format!("stopped by a harness limit: {message}"));
    }
    if let O::Instance {
        outcome: InstanceOutcome::Unsupported { message, .. },
    } = outcome
    {
        return Verdict::Skip(message.clone());
    }
    if let O::CannotAsk { reason } = outcome {
        return Verdict::Skip(format!("the engine's driver cannot ask it: {reason}"));
    }
    if let O::NotRun { reason } = outcome {
        // A malformed text module is the text format's business: the parser rejected it.
        if let (
            Command::AssertMalformed {
                module: ModuleSource::BadText { .. },
                ..
            },
            _,
        ) = (command, outcome)
        {
            return Verdict::Pass;
        }
        if reason.starts_with("unsupported module") {
            return Verdict::Skip(reason.clone());
        }
        return if command.is_assertion() {
            Verdict::Fail(format!("not run: {reason}"))
        } else {
            Verdict::Skip(reason.clone())
        };
    }
    match command {
        Command::Module { .. } => match outcome {
            O::Instance {
                outcome: InstanceOutcome::Instantiated,
            } => Verdict::Pass,
            O::Instance {
                outcome: InstanceOutcome::Unsupported { message, .. },
            } => Verdict::Skip(message.clone()),
            _ => fail(),
        },
        Command::Register { .. } => match outcome {
            O::Registered { error: None } => Verdict::Pass,
            _ => fail(),
        },
        Command::Action { .. } => match outcome {
            O::Action {
                outcome: Outcome::Return { .. },
            } => Verdict::Pass,
            _ => fail(),
        },
        Command::AssertReturn { expected, .. } => match outcome {
            O::Action {
                outcome: Outcome::Return { values },
            } if results_match(expected, values) => Verdict::Pass,
            _ => fail(),
        },
        Command::AssertTrap { message, .. } => match outcome {
            O::Action {
                outcome: Outcome::Trap { kind, .. },
            } if kind.agrees_with(&TrapKind::from_message(message)) => Verdict::Pass,
            // A message that names no one trap (wasm3's "undefined element", said for a null
            // slot too) passes where it is the very text asserted.
            O::Action {
                outcome:
                    Outcome::Trap {
                        kind: TrapKind::Other(m),
                        ..
                    },
            } if m == message => Verdict::Pass,
            _ => fail(),
        },
        Command::AssertExhaustion { .. } => match outcome {
            O::Action {
                outcome: Outcome::Exhaustion { .. },
            } => Verdict::Pass,
            _ => fail(),
        },
        Command::AssertInvalid { .. } | Command::AssertMalformed { .. } => match outcome {
            O::Instance {
                outcome: InstanceOutcome::Rejected { .. },
            } => Verdict::Pass,
            O::Instance {
                outcome: InstanceOutcome::Unsupported { message, .. },
            } => Verdict::Skip(message.clone()),
            _ => fail(),
        },
        Command::AssertUnlinkable { .. } => match outcome {
            O::Instance {
                outcome: InstanceOutcome::Unlinkable { .. },
            } => Verdict::Pass,
            _ => fail(),
        },
        Command::AssertUninstantiable { message, .. } => match outcome {
            O::Instance {
                outcome: InstanceOutcome::Trap { kind, .. },
            } if kind.agrees_with(&TrapKind::from_message(message)) => Verdict::Pass,
            _ => fail(),
        },
    }
}

/// The float width of a number type, for NaN patterns.
pub fn float_bits(t: NumType) -> Option<u32> {
    match t {
        NumType::F32 => Some(32),
        NumType::F64 => Some(64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns_follow_the_spec_classes() {
        let canon = Expected::CanonicalNan { bits: 32 };
        let arith = Expected::ArithmeticNan { bits: 32 };
        assert!(matches(&canon, &Value::F32(0xffc0_0000)));
        assert!(!matches(&canon, &Value::F32(0x7fc0_0001)));
        assert!(matches(&arith, &Value::F32(0x7fc0_0001)));
        assert!(matches(&arith, &Value::F32(0x7fc0_0000)));
        assert!(
            !matches(&arith, &Value::F32(0x7fa0_0000)),
            "a signalling NaN is not arithmetic"
        );
        assert!(
            !matches(&canon, &Value::F64(0x7ff8_0000_0000_0000)),
            "width matters"
        );
    }

    #[test]
    fn lanes_and_either() {
        let p = Expected::Lanes {
            width: 32,
            lanes: vec![
                Expected::Value {
                    value: Value::I64(1),
                },
                Expected::CanonicalNan { bits: 32 },
                Expected::Value {
                    value: Value::I64(0),
                },
                Expected::ArithmeticNan { bits: 32 },
            ],
        };
        let v = 1u128 | (0x7fc0_0000u128 << 32) | (0x7fc0_0005u128 << 96);
        assert!(matches(&p, &Value::V128(v)));
        assert!(!matches(&p, &Value::V128(v | 1 << 64)));
        let either = vec![Expected::Either {
            alternatives: vec![
                Expected::Value {
                    value: Value::I32(1),
                },
                Expected::Value {
                    value: Value::I32(2),
                },
            ],
        }];
        assert!(results_match(&either, &[Value::I32(2)]));
        assert!(!results_match(&either, &[Value::I32(3)]));
    }

    #[test]
    fn assertions_are_judged_by_phase_and_kind() {
        let action = Action::Invoke {
            module: None,
            export: "f".into(),
            args: vec![],
        };
        let trap = Command::AssertTrap {
            action: action.clone(),
            message: "integer divide by zero".into(),
        };
        let got = |o: Outcome| CommandOutcome::Action { outcome: o };
        assert_eq!(
            check(
                &trap,
                &got(Outcome::Trap {
                    kind: TrapKind::IntegerDivideByZero,
                    message: String::new()
                })
            ),
            Verdict::Pass
        );
        assert!(matches!(
            check(
                &trap,
                &got(Outcome::Trap {
                    kind: TrapKind::IntegerOverflow,
                    message: String::new()
                })
            ),
            Verdict::Fail(_)
        ));
        // A message that names no one trap passes only as the very text asserted.
        let other = |m: &str| {
            got(Outcome::Trap {
                kind: TrapKind::Other(m.into()),
                message: String::new(),
            })
        };
        assert_eq!(
            check(&trap, &other("integer divide by zero")),
            Verdict::Pass
        );
        assert!(matches!(
            check(&trap, &other("float unrepresentable in integer range")),
            Verdict::Fail(_)
        ));
        let invalid = Command::AssertInvalid {
            module: ModuleSource::Binary { bytes: vec![] },
            message: "type mismatch".into(),
        };
        let rejected = CommandOutcome::Instance {
            outcome: InstanceOutcome::Rejected {
                message: "whatever".into(),
            },
        };
        assert_eq!(check(&invalid, &rejected), Verdict::Pass);
        let inst = CommandOutcome::Instance {
            outcome: InstanceOutcome::Instantiated,
        };
        assert!(matches!(check(&invalid, &inst), Verdict::Fail(_)));
        let bad_text = Command::AssertMalformed {
            module: ModuleSource::BadText {
                message: "x".into(),
            },
            message: "y".into(),
        };
        assert_eq!(
            check(
                &bad_text,
                &CommandOutcome::NotRun {
                    reason: "text".into()
                }
            ),
            Verdict::Pass
        );
    }

    #[test]
    fn what_the_driver_cannot_ask_is_skipped_what_was_not_run_fails() {
        let get = Command::AssertReturn {
            action: Action::Get {
                module: None,
                export: "g".into(),
            },
            expected: vec![],
        };
        // A limit of the driver: not the engine's failure.
        let cannot = CommandOutcome::CannotAsk {
            reason: "no get between calls".into(),
        };
        assert!(matches!(check(&get, &cannot), Verdict::Skip(why) if why.contains("no get")));
        // An assertion the engine never reached (it crashed before) counts against it.
        let not_run = CommandOutcome::NotRun {
            reason: "the engine stopped earlier".into(),
        };
        assert!(matches!(check(&get, &not_run), Verdict::Fail(_)));
    }
}
