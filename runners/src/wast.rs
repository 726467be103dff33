//! `.wast` scripts: reading them (with the `wast` crate, at the edge) into the oracle's
//! script model, and running them on an engine's [`Session`].

use std::collections::HashMap;

use oracle::script::{Action, Command, CommandOutcome, Expected, Located, ModuleSource};
use oracle::{HeapType, InstanceOutcome, Outcome, RefValue, Value};
use wast::core::{HeapType as WHeap, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// A script could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct ScriptError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// A stateful run of a script on one engine: instances by name, registrations, the latest
/// instance.
pub trait Session {
    /// Compiles and instantiates a module against the standard host and everything
    /// registered so far; on success it becomes the latest instance (and `name`'s).
    fn instantiate(&mut self, name: Option<&str>, bytes: &[u8]) -> InstanceOutcome;
    /// Makes an instance's exports importable under `as_name`.
    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<(), String>;
    /// Calls an export.
    fn invoke(&mut self, module: Option<&str>, export: &str, args: &[Value]) -> Outcome;
    /// Reads an exported global.
    fn get(&mut self, module: Option<&str>, export: &str) -> Outcome;
}

fn heap(h: &WHeap<'_>) -> HeapType {
    match h {
        WHeap::Abstract { ty, .. } => match ty {
            wast::core::AbstractHeapType::Func => HeapType::Func,
            wast::core::AbstractHeapType::Extern => HeapType::Extern,
            wast::core::AbstractHeapType::Any => HeapType::Any,
            wast::core::AbstractHeapType::NoFunc => HeapType::NoFunc,
            wast::core::AbstractHeapType::NoExtern => HeapType::NoExtern,
            wast::core::AbstractHeapType::None => HeapType::None,
            wast::core::AbstractHeapType::Eq => HeapType::Eq,
            wast::core::AbstractHeapType::Struct => HeapType::Struct,
            wast::core::AbstractHeapType::Array => HeapType::Array,
            wast::core::AbstractHeapType::I31 => HeapType::I31,
            wast::core::AbstractHeapType::Exn => HeapType::Exn,
            wast::core::AbstractHeapType::NoExn => HeapType::NoExn,
            _ => HeapType::Any,
        },
        WHeap::Concrete(_) | WHeap::Exact(_) => HeapType::Func,
    }
}

fn arg(a: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(a) = a else {
        return Err("component-model arguments are not supported".into());
    };
    Ok(match a {
        WastArgCore::I32(x) => Value::I32(*x as u32),
        WastArgCore::I64(x) => Value::I64(*x as u64),
        WastArgCore::F32(x) => Value::F32(x.bits),
        WastArgCore::F64(x) => Value::F64(x.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(h) => Value::Ref(RefValue::Null(heap(h))),
        WastArgCore::RefExtern(n) => Value::Ref(RefValue::Extern(*n)),
        WastArgCore::RefHost(_) => return Err("ref.host arguments are not supported".into()),
    })
}

fn nan32(p: &NanPattern<wast::token::F32>) -> Expected {
    match p {
        NanPattern::CanonicalNan => Expected::CanonicalNan { bits: 32 },
        NanPattern::ArithmeticNan => Expected::ArithmeticNan { bits: 32 },
        NanPattern::Value(v) => Expected::Value {
            value: Value::I64(v.bits as u64),
        },
    }
}

fn nan64(p: &NanPattern<wast::token::F64>) -> Expected {
    match p {
        NanPattern::CanonicalNan => Expected::CanonicalNan { bits: 64 },
        NanPattern::ArithmeticNan => Expected::ArithmeticNan { bits: 64 },
        NanPattern::Value(v) => Expected::Value {
            value: Value::I64(v.bits),
        },
    }
}

fn ret_core(r: &WastRetCore<'_>) -> Result<Expected, String> {
    let lanes = |width: u32, v: Vec<u64>| Expected::Lanes {
        width,
        lanes: v
            .into_iter()
            .map(|x| Expected::Value {
                value: Value::I64(x),
            })
            .collect(),
    };
    Ok(match r {
        WastRetCore::I32(x) => Expected::Value {
            value: Value::I32(*x as u32),
        },
        WastRetCore::I64(x) => Expected::Value {
            value: Value::I64(*x as u64),
        },
        WastRetCore::F32(NanPattern::Value(v)) => Expected::Value {
            value: Value::F32(v.bits),
        },
        WastRetCore::F64(NanPattern::Value(v)) => Expected::Value {
            value: Value::F64(v.bits),
        },
        WastRetCore::F32(p) => nan32(p),
        WastRetCore::F64(p) => nan64(p),
        WastRetCore::V128(p) => match p {
            V128Pattern::I8x16(l) => lanes(8, l.iter().map(|x| *x as u8 as u64).collect()),
            V128Pattern::I16x8(l) => lanes(16, l.iter().map(|x| *x as u16 as u64).collect()),
            V128Pattern::I32x4(l) => lanes(32, l.iter().map(|x| *x as u32 as u64).collect()),
            V128Pattern::I64x2(l) => lanes(64, l.iter().map(|x| *x as u64).collect()),
            V128Pattern::F32x4(l) => Expected::Lanes {
                width: 32,
                lanes: l.iter().map(nan32).collect(),
            },
            V128Pattern::F64x2(l) => Expected::Lanes {
                width: 64,
                lanes: l.iter().map(nan64).collect(),
            },
        },
        WastRetCore::RefNull(_) => Expected::RefNull,
        WastRetCore::RefExtern(n) => Expected::RefExtern { value: *n },
        WastRetCore::RefFunc(_) => Expected::RefFunc,
        WastRetCore::Either(alts) => Expected::Either {
            alternatives: alts.iter().map(ret_core).collect::<Result<_, _>>()?,
        },
        other => return Err(format!("result pattern {other:?} is not supported")),
    })
}

fn ret(r: &WastRet<'_>) -> Result<Expected, String> {
    match r {
        WastRet::Core(c) => ret_core(c),
        #[allow(unreachable_patterns)]
        _ => Err("component-model results are not supported".into()),
    }
}

fn invoke(i: &WastInvoke<'_>) -> Result<Action, String> {
    Ok(Action::Invoke {
        module: i.module.map(|m| m.name().to_string()),
        export: i.name.to_string(),
        args: i.args.iter().map(arg).collect::<Result<_, _>>()?,
    })
}

fn execute(e: &mut WastExecute<'_>) -> Result<Result<Action, ModuleSource>, String> {
    Ok(match e {
        WastExecute::Invoke(i) => Ok(invoke(i)?),
        WastExecute::Get { module, global, .. } => Ok(Action::Get {
            module: module.map(|m| m.name().to_string()),
            export: global.to_string(),
        }),
        WastExecute::Wat(w) => Err(match w.encode() {
            Ok(bytes) => ModuleSource::Binary { bytes },
            Err(e) => ModuleSource::BadText {
                message: e.message(),
            },
        }),
    })
}

fn source(q: &mut QuoteWat<'_>) -> ModuleSource {
    match q.encode() {
        Ok(bytes) => ModuleSource::Binary { bytes },
        Err(e) => ModuleSource::BadText {
            message: e.message(),
        },
    }
}

/// Reads a `.wast` script into commands. Directives outside the core 2.0/3.0 script
/// language (threads, components, custom-section assertions) are errors naming the line.
pub fn parse_script(text: &str, path: &str) -> Result<Vec<Located>, ScriptError> {
    let err_at = |offset: usize, message: String| {
        let (line, col) = line_col(text, offset);
        ScriptError {
            path: path.to_string(),
            line,
            col,
            message,
        }
    };
    // The suite's names.wast uses bidirectional-override characters on purpose.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf =
        ParseBuffer::new_with_lexer(lexer).map_err(|e| err_at(e.span().offset(), e.message()))?;
    let wast: Wast<'_> = parser::parse(&buf).map_err(|e| err_at(e.span().offset(), e.message()))?;
    let mut out = Vec::new();
    // Directives come in order: count lines incrementally, not from the start each time.
    let (mut seen, mut line) = (0usize, 1usize);
    for mut d in wast.directives {
        let offset = d.span().offset().min(text.len());
        if offset >= seen {
            line += text.as_bytes()[seen..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            seen = offset;
        }
        let bad = |m: String| err_at(offset, m);
        let command = match &mut d {
            WastDirective::Module(q) => {
                let name = q.name().map(|n| n.name().to_string());
                match source(q) {
                    ModuleSource::Binary { bytes } => Command::Module { name, bytes },
                    ModuleSource::BadText { message } => return Err(bad(message)),
                }
            }
            WastDirective::Register { name, module, .. } => Command::Register {
                as_name: name.to_string(),
                module: module.map(|m| m.name().to_string()),
            },
            WastDirective::Invoke(i) => Command::Action {
                action: invoke(i).map_err(bad)?,
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                match execute(exec).map_err(bad)? {
                    Ok(action) => Command::AssertReturn {
                        action,
                        expected: results
                            .iter()
                            .map(ret)
                            .collect::<Result<_, _>>()
                            .map_err(bad)?,
                    },
                    Err(_) => return Err(bad("assert_return on a module is not supported".into())),
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match execute(exec).map_err(bad)? {
                Ok(action) => Command::AssertTrap {
                    action,
                    message: message.to_string(),
                },
                Err(module) => Command::AssertUninstantiable {
                    module,
                    message: message.to_string(),
                },
            },
            WastDirective::AssertExhaustion { call, message, .. } => Command::AssertExhaustion {
                action: invoke(call).map_err(bad)?,
                message: message.to_string(),
            },
            WastDirective::AssertInvalid {
                module, message, ..
            } => Command::AssertInvalid {
                module: source(module),
                message: message.to_string(),
            },
            WastDirective::AssertMalformed {
                module, message, ..
            } => Command::AssertMalformed {
                module: source(module),
                message: message.to_string(),
            },
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let module = match module.encode() {
                    Ok(bytes) => ModuleSource::Binary { bytes },
                    Err(e) => ModuleSource::BadText {
                        message: e.message(),
                    },
                };
                Command::AssertUnlinkable {
                    module,
                    message: message.to_string(),
                }
            }
            other => {
                return Err(bad(format!(
                    "unsupported directive: {}",
                    directive_name(other)
                )));
            }
        };
        out.push(Located { line, command });
    }
    Ok(out)
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
            "custom-section assertion"
        }
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) | WastDirective::Wait { .. } => "thread",
        _ => "directive",
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Which modules an engine is asked to run in a script: those within its proposals under
/// the script's profile. A module valid under the profile but using what the engine lacks
/// is *unsupported* (skipped, with every command on it); a module invalid under the profile
/// is run, since the engine must reject it.
pub struct Gate {
    /// The engine's exact feature set under the profile.
    pub features: wasmparser::WasmFeatures,
    /// The proposals the engine declares, within the profile.
    pub declared: Vec<oracle::Proposal>,
    /// The profile: what the script may use.
    pub profile: Vec<oracle::Proposal>,
}

impl Gate {
    /// The gate of an engine for a profile (every proposal when `None`).
    pub fn new(engine: &dyn crate::Engine, profile: Option<&[oracle::Proposal]>) -> Gate {
        let profile = profile.map_or_else(|| oracle::Proposal::ALL.to_vec(), <[_]>::to_vec);
        let declared: Vec<_> = engine
            .info()
            .proposals
            .into_iter()
            .filter(|p| profile.contains(p))
            .collect();
        Gate {
            features: engine.profile_features(&profile),
            declared,
            profile,
        }
    }

    /// Why the engine cannot run this module, if it cannot.
    fn unsupported(&self, bytes: &[u8]) -> Option<String> {
        if wasmparser::Validator::new_with_features(self.features)
            .validate_all(bytes)
            .is_ok()
            || crate::inspect::validate(bytes, &self.profile).is_err()
        {
            return None;
        }
        match crate::inspect::support_features(bytes, self.features, &self.declared) {
            crate::inspect::Support::Unsupported(_, why) => Some(why),
            _ => Some("the engine does not implement everything this module uses".into()),
        }
    }
}

/// Runs a script's commands on a session, one at a time, remembering which instances
/// stand for unsupported modules.
pub struct ScriptRunner<'a> {
    session: &'a mut dyn Session,
    gate: Gate,
    unsupported: HashMap<Option<String>, String>,
}

impl<'a> ScriptRunner<'a> {
    /// A runner over a session.
    pub fn new(session: &'a mut dyn Session, gate: Gate) -> ScriptRunner<'a> {
        ScriptRunner {
            session,
            gate,
            unsupported: HashMap::new(),
        }
    }

    fn skipped_target(&self, module: Option<&str>) -> Option<String> {
        match module {
            Some(m) => self.unsupported.get(&Some(m.to_string())).cloned(),
            None => self.unsupported.get(&None).cloned(),
        }
    }

    fn instance(&mut self, name: Option<&str>, m: &ModuleSource, define: bool) -> CommandOutcome {
        let bytes = match m {
            ModuleSource::Binary { bytes } => bytes,
            ModuleSource::BadText { message } => {
                return CommandOutcome::NotRun {
                    reason: format!("the text does not parse: {message}"),
                };
            }
        };
        if let Some(why) = self.gate.unsupported(bytes) {
            if define {
                self.unsupported.insert(None, why.clone());
                if let Some(n) = name {
                    self.unsupported.insert(Some(n.to_string()), why.clone());
                }
            }
            return CommandOutcome::Instance {
                outcome: InstanceOutcome::Unsupported {
                    proposals: Vec::new(),
                    message: why,
                },
            };
        }
        let outcome = self
            .session
            .instantiate(if define { name } else { None }, bytes);
        if define {
            match &outcome {
                InstanceOutcome::Instantiated => {
                    self.unsupported.remove(&None);
                    if let Some(n) = name {
                        self.unsupported.remove(&Some(n.to_string()));
                    }
                }
                // The session found it cannot run the module (wasm3: imports its host
                // cannot give): the commands on it are skipped, as for the gate's.
                InstanceOutcome::Unsupported { message, .. } => {
                    self.unsupported.insert(None, message.clone());
                    if let Some(n) = name {
                        self.unsupported
                            .insert(Some(n.to_string()), message.clone());
                    }
                }
                _ => {}
            }
        }
        CommandOutcome::Instance { outcome }
    }

    /// Runs one command.
    pub fn run(&mut self, command: &Command) -> CommandOutcome {
        let action = |runner: &mut Self, a: &Action| {
            let module = match a {
                Action::Invoke { module, .. } | Action::Get { module, .. } => module.as_deref(),
            };
            if let Some(why) = runner.skipped_target(module) {
                return CommandOutcome::NotRun {
                    reason: format!("unsupported module: {why}"),
                };
            }
            CommandOutcome::Action {
                outcome: match a {
                    Action::Invoke {
                        module,
                        export,
                        args,
                    } => runner.session.invoke(module.as_deref(), export, args),
                    Action::Get { module, export } => runner.session.get(module.as_deref(), export),
                },
            }
        };
        match command {
            Command::Module { name, bytes } => self.instance(
                name.as_deref(),
                &ModuleSource::Binary {
                    bytes: bytes.clone(),
                },
                true,
            ),
            Command::Register { as_name, module } => {
                if let Some(why) = self.skipped_target(module.as_deref()) {
                    return CommandOutcome::NotRun {
                        reason: format!("unsupported module: {why}"),
                    };
                }
                CommandOutcome::Registered {
                    error: self.session.register(as_name, module.as_deref()).err(),
                }
            }
            Command::Action { action: a }
            | Command::AssertReturn { action: a, .. }
            | Command::AssertTrap { action: a, .. }
            | Command::AssertExhaustion { action: a, .. } => action(self, a),
            Command::AssertInvalid { module, .. }
            | Command::AssertMalformed { module, .. }
            | Command::AssertUnlinkable { module, .. }
            | Command::AssertUninstantiable { module, .. } => self.instance(None, module, false),
        }
    }
}

/// Instances by name and the latest one, for sessions to share.
pub struct Names<I> {
    named: HashMap<String, I>,
    latest: Option<I>,
}

impl<I> Default for Names<I> {
    fn default() -> Self {
        Names {
            named: HashMap::new(),
            latest: None,
        }
    }
}

impl<I: Clone> Names<I> {
    /// Records a new instance (the latest, and `name`'s if named).
    pub fn add(&mut self, name: Option<&str>, instance: I) {
        if let Some(n) = name {
            self.named.insert(n.to_string(), instance.clone());
        }
        self.latest = Some(instance);
    }

    /// The instance of that name, or the latest.
    pub fn get(&self, name: Option<&str>) -> Result<I, String> {
        match name {
            Some(n) => self
                .named
                .get(n)
                .cloned()
                .ok_or_else(|| format!("no module named {n}")),
            None => self
                .latest
                .clone()
                .ok_or_else(|| "no module instantiated yet".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_command_with_lines() {
        let text = r#"
(module $m (func (export "f") (param i32) (result i32) local.get 0))
(register "m" $m)
(assert_return (invoke "f" (i32.const -1)) (i32.const -1))
(assert_return (invoke $m "f" (i32.const 0)) (either (i32.const 0) (i32.const 1)))
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_return (invoke "g") (f32.const nan:canonical) (v128.const f32x4 1 nan:arithmetic 0 -0))
"#;
        let cmds = parse_script(text, "t.wast").unwrap();
        let kinds: Vec<&str> = cmds.iter().map(|c| c.command.keyword()).collect();
        assert_eq!(
            kinds,
            [
                "module",
                "register",
                "assert_return",
                "assert_return",
                "assert_trap",
                "assert_invalid",
                "assert_malformed",
                "assert_malformed",
                "assert_unlinkable",
                "assert_uninstantiable",
                "assert_return"
            ]
        );
        assert_eq!(cmds[2].line, 4);
        assert!(matches!(
            &cmds[6].command,
            Command::AssertMalformed {
                module: ModuleSource::BadText { .. },
                ..
            }
        ));
        assert!(matches!(
            &cmds[7].command,
            Command::AssertMalformed {
                module: ModuleSource::Binary { .. },
                ..
            }
        ));
    }

    #[test]
    fn malformed_scripts_are_errors_with_line_and_column() {
        let e = parse_script(
            "(module)\n(assert_return (invoke \"f\" (i32.const)))",
            "bad.wast",
        )
        .unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("bad.wast", 2), "{e}");
        let e =
            parse_script("(module\n  (func (result i32) (i32.konst 1)))", "t.wast").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
