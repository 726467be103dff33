//! Deliberately faulty engines, built only with the `test-engines` feature, so that the
//! tests can show the harness catches what it claims to catch. Each wraps wasmi and breaks
//! one thing at the first invocation.

use oracle::{FinalState, Observe, Outcome, Step, Value};

use crate::{Engine, EngineInfo, Instance, Instantiation, Limits, Wasmi};

/// What a test engine breaks.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Flips the lowest bit of the first integer result of every call.
    WrongValue,
    /// Aborts the process at the first call.
    Abort,
    /// Raises SIGSEGV at the first call.
    Segfault,
    /// Allocates without bound at the first call (the worker's memory limit stops it).
    Oom,
    /// Sleeps forever at the first call (the wall-clock limit stops it).
    Hang,
    /// Rejects every module.
    Reject,
    /// Grants memory only up to 2 pages (a legal, but different, resource limit).
    SmallMemory,
    /// Reports byte 100 of the first exported memory with its bits flipped.
    WrongMemory,
    /// Returns a canonical NaN result as a non-canonical arithmetic NaN (legal only when an
    /// operand NaN was non-canonical).
    WrongNan,
    /// Reports "integer divide by zero" as "integer overflow" and the other way round.
    WrongTrap,
    /// Computes `i32.add` as `i32.xor`: wrong for one opcode, and only on operands whose
    /// bits overlap (a carry), as a real miscompilation would be.
    WrongOpcode,
    /// Validates too little: accepts a load or store whose alignment is larger than its
    /// natural alignment (`Memarg_ok`), as if the hint did not matter, and runs the module
    /// as it would run with alignment 0. Everything else it validates as wasmi does.
    LaxAlign,
}

const FAULTS: [(&str, Fault); 12] = [
    ("test-wrong-value", Fault::WrongValue),
    ("test-abort", Fault::Abort),
    ("test-segfault", Fault::Segfault),
    ("test-oom", Fault::Oom),
    ("test-hang", Fault::Hang),
    ("test-reject", Fault::Reject),
    ("test-small-memory", Fault::SmallMemory),
    ("test-wrong-memory", Fault::WrongMemory),
    ("test-wrong-nan", Fault::WrongNan),
    ("test-wrong-trap", Fault::WrongTrap),
    ("test-wrong-opcode", Fault::WrongOpcode),
    ("test-lax-align", Fault::LaxAlign),
];

struct Faulty {
    name: &'static str,
    fault: Fault,
    inner: Wasmi,
}

/// Every test engine.
pub fn all() -> Vec<Box<dyn Engine>> {
    FAULTS
        .iter()
        .map(|&(name, fault)| {
            let inner = Wasmi {
                memory_cap: matches!(fault, Fault::SmallMemory).then_some(2 * 65536),
            };
            Box::new(Faulty { name, fault, inner }) as Box<dyn Engine>
        })
        .collect()
}

impl Engine for Faulty {
    fn info(&self) -> EngineInfo {
        let inner = self.inner.info();
        EngineInfo {
            name: self.name.into(),
            version: inner.version,
            config: format!("TEST ENGINE: wasmi with fault {:?}", self.fault),
            proposals: inner.proposals,
        }
    }

    fn session(
        &self,
        limits: &Limits,
        profile: Option<&[oracle::Proposal]>,
    ) -> Result<Box<dyn crate::wast::Session>, String> {
        // The faults are for `diff`; in scripts the test engines behave as wasmi, but for
        // the lax one, whose fault is in what it accepts.
        let inner = self.inner.session(limits, profile)?;
        Ok(match self.fault {
            Fault::LaxAlign => Box::new(LaxSession(inner)),
            _ => inner,
        })
    }

    fn instantiate(&self, module: &[u8], limits: &Limits) -> Instantiation {
        if let Fault::Reject = self.fault {
            return Instantiation {
                step: Step::bare(oracle::InstanceOutcome::Rejected {
                    message: "test engine rejects everything".into(),
                }),
                instance: None,
                compile_us: 0,
            };
        }
        let rewritten;
        let module = match self.fault {
            Fault::WrongOpcode => match add_as_xor(module) {
                Some(m) => {
                    rewritten = m;
                    &rewritten[..]
                }
                None => module,
            },
            Fault::LaxAlign => match align_zero(module) {
                Some(m) => {
                    rewritten = m;
                    &rewritten[..]
                }
                None => module,
            },
            _ => module,
        };
        let mut inst = self.inner.instantiate(module, limits);
        inst.instance = inst.instance.map(|inner| {
            Box::new(FaultyInstance {
                fault: self.fault,
                inner,
            }) as Box<dyn Instance>
        });
        inst
    }
}

/// The module with every `i32.add` replaced by `i32.xor`, or `None` when it does not
/// parse (wasmi then rejects the original as it should).
fn add_as_xor(module: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Error, Reencode, utils};

    struct Swap;
    impl Reencode for Swap {
        type Error = std::convert::Infallible;
        fn instruction<'a>(
            &mut self,
            op: wasmparser::Operator<'a>,
        ) -> Result<wasm_encoder::Instruction<'a>, Error<Self::Error>> {
            match op {
                wasmparser::Operator::I32Add => Ok(wasm_encoder::Instruction::I32Xor),
                other => utils::instruction(self, other),
            }
        }
    }
    let mut out = wasm_encoder::Module::new();
    Swap.parse_core_module(&mut out, wasmparser::Parser::new(0), module)
        .ok()?;
    Some(out.finish())
}

/// The module with every memory access's alignment set to 0 (always valid), or `None`
/// when it does not parse.
fn align_zero(module: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Error, Reencode, utils};

    struct Zero;
    impl Reencode for Zero {
        type Error = std::convert::Infallible;
        fn mem_arg(
            &mut self,
            arg: wasmparser::MemArg,
        ) -> Result<wasm_encoder::MemArg, Error<Self::Error>> {
            utils::mem_arg(self, wasmparser::MemArg { align: 0, ..arg })
        }
    }
    let mut out = wasm_encoder::Module::new();
    Zero.parse_core_module(&mut out, wasmparser::Parser::new(0), module)
        .ok()?;
    Some(out.finish())
}

/// A script session of `test-lax-align`: every module has its alignments set to 0 first.
struct LaxSession(Box<dyn crate::wast::Session>);

impl crate::wast::Session for LaxSession {
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> oracle::InstanceOutcome {
        let lax = align_zero(bytes);
        self.0.instantiate(name, lax.as_deref().unwrap_or(bytes))
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String> {
        self.0.register(as_name, module)
    }

    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome {
        self.0.invoke(module, export, args)
    }

    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome {
        self.0.get(module, export)
    }
}

struct FaultyInstance {
    fault: Fault,
    inner: Box<dyn Instance>,
}

impl Instance for FaultyInstance {
    fn invoke(&mut self, export: &str, args: &[Value]) -> Step<Outcome> {
        match self.fault {
            Fault::Abort => std::process::abort(),
            Fault::Segfault => {
                // SAFETY: restoring the default action and raising the signal is the point.
                unsafe {
                    libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                    libc::raise(libc::SIGSEGV);
                }
            }
            Fault::Oom => {
                let mut hog: Vec<Vec<u8>> = Vec::new();
                loop {
                    hog.push(vec![1u8; 64 << 20]);
                    std::hint::black_box(&hog);
                }
            }
            Fault::Hang => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            _ => {}
        }
        let mut step = self.inner.invoke(export, args);
        match (self.fault, &mut step.outcome) {
            (Fault::WrongNan, Outcome::Return { values }) => {
                for v in values.iter_mut() {
                    *v = match *v {
                        Value::F32(b) if b & 0x7fff_ffff == 0x7fc0_0000 => Value::F32(b | 1),
                        Value::F64(b) if b & !(1 << 63) == 0x7ff8_0000_0000_0000 => {
                            Value::F64(b | 1)
                        }
                        other => other,
                    };
                }
            }
            (Fault::WrongTrap, Outcome::Trap { kind, .. }) => {
                let swapped = match &*kind {
                    oracle::TrapKind::IntegerDivideByZero => oracle::TrapKind::IntegerOverflow,
                    oracle::TrapKind::IntegerOverflow => oracle::TrapKind::IntegerDivideByZero,
                    other => other.clone(),
                };
                *kind = swapped;
            }
            _ => {}
        }
        if let (Fault::WrongValue, Outcome::Return { values }) = (self.fault, &mut step.outcome)
            && let Some(v) = values
                .iter_mut()
                .find(|v| matches!(v, Value::I32(_) | Value::I64(_)))
        {
            *v = match *v {
                Value::I32(x) => Value::I32(x ^ 1),
                Value::I64(x) => Value::I64(x ^ 1),
                other => other,
            };
        }
        step
    }

    fn final_state(&mut self, observe: &Observe) -> FinalState {
        let mut state = self.inner.final_state(observe);
        if let (Fault::WrongMemory, Some(m)) = (self.fault, state.memories.first_mut())
            && let Some(bytes) = m.contents.as_deref().filter(|b| b.len() > 100)
        {
            let mut bytes = bytes.clone();
            bytes[100] ^= 0xff;
            *m = crate::memory_state(&m.name, &bytes);
        }
        state
    }
}
