//! Self-checking modules: a module rewritten so that its `_start` performs a plan and checks
//! every result against what the spec allows (the oracle's [`Expectation`]), for engines
//! that can only run `_start` (`wamr-aot`, custom engines of the `command` protocol, any
//! engine with a bare command line: `harness gen --self-checking`).
//!
//! The module gets one import, `wasi_snapshot_preview1.proc_exit`, placed first so that every
//! function index of the module moves up by one (the whole module is re-encoded with the
//! shift); its own exports are replaced by `_start`. Its imports of the standard host
//! (`spectest`) become definitions in the same places of their index spaces: functions that
//! do nothing (so host calls are not checked), the globals' values, the table and the memory
//! with the host's limits; any other import is an error. `_start` calls each export of the plan
//! by index with its arguments as constants of exact bits, and checks each result: exact
//! bits, a NaN of the required class (canonical, or arithmetic: any sign), a `v128` lane by
//! lane, or nothing where the spec leaves the bits open. After the invocations it checks the
//! exported globals. Exit codes (`proc_exit`):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | every checked step did what the spec allows |
//! | 10 + k (10..=124) | step k (the k-th invocation, 0-based) did not: a result outside the allowed set, or a return where the spec requires a trap; k = n + g (n invocations): the g-th exported global after the plan is outside its allowed set |
//! | 125 | a step numbered 115 or more did not |
//! | anything else | the engine's own status: a trap (or a crash) |
//!
//! A trap ends `_start`, so the plan is performed up to its first step the spec requires to
//! trap, which comes last: the engine must then end with a trap of its own. Steps after it,
//! and steps after one the oracle cannot tell (`unknown`) or one that calls the host (the
//! host's functions do nothing here, so the calls cannot be seen), are not performed. Memories and
//! tables are not checked, nor are host calls, and host references cannot be passed as
//! arguments.

use oracle::expect::{Allowed, Expectation, ExpectedInstance, ExpectedOutcome};
use oracle::{HeapType, Plan, RefValue, ValType, Value};
use wasm_encoder::reencode::{Error as ReError, Reencode, utils};
use wasm_encoder::{
    BlockType, CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    ImportSection, Instruction, Module, SectionId, TypeSection, ValType as EV,
};
use wasmparser::{Payload, Validator, WasmFeatures};

/// The exit status of step 0 when it went wrong; step k exits with `FIRST_STATUS + k`.
/// Statuses below it are left to the engines (WAMR exits with 1 on a trap).
pub const FIRST_STATUS: i32 = 10;

/// The exit status of a step that went wrong (125 for step 115 and later: WASI runtimes
/// refuse statuses of 126 and more).
pub fn exit_code(step: usize) -> i32 {
    (FIRST_STATUS as usize + step).min(125) as i32
}

/// The step an exit status names (`None` for 0 and for the engine's own statuses; 125 names
/// "115 or later").
pub fn step_of(code: i32) -> Option<usize> {
    (FIRST_STATUS..=125)
        .contains(&code)
        .then(|| (code - FIRST_STATUS) as usize)
}

/// A self-checking module and what it checks.
#[derive(Clone, Debug)]
pub struct SelfChecking {
    /// The rewritten module.
    pub module: Vec<u8>,
    /// How many invocations of the plan `_start` performs (and checks).
    pub performed: usize,
    /// Whether the last performed invocation is one the spec requires to trap.
    pub ends_in_trap: bool,
    /// Whether the exported globals are checked after the invocations (step
    /// `plan.invocations.len()`).
    pub checks_globals: bool,
    /// Why the plan is not performed to its end, if it is not.
    pub stops_early: Option<String>,
}

/// Why a module cannot be made self-checking.
#[derive(Debug, thiserror::Error)]
#[error("cannot make a self-checking module: {0}")]
pub struct SelfCheckError(pub String);

/// Rewrites `module` so that `_start` performs `plan` (its first `upto` invocations, when
/// given) and checks it against `expectation` (see the module documentation).
pub fn self_checking(
    module: &[u8],
    plan: &Plan,
    expectation: &Expectation,
    upto: Option<usize>,
) -> Result<SelfChecking, SelfCheckError> {
    let err = |m: String| SelfCheckError(m);
    match &expectation.instantiation {
        ExpectedInstance::Instantiated => {}
        other => {
            return Err(err(format!(
                "the spec does not let the module instantiate ({other:?})"
            )));
        }
    }
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(module)
        .map_err(|e| err(e.message().to_string()))?;
    let shape = super::probe::shape(module).map_err(err)?;
    let host = host_imports(module).map_err(err)?;
    let exports = super::wrap::exports(module).map_err(err)?;
    let func_type = |name: &str| {
        exports.iter().flatten().find_map(|e| match e {
            super::wrap::Export::Func {
                name: n,
                params,
                results,
            } if n == name => Some((params.clone(), results.clone())),
            _ => None,
        })
    };
    let mut body = Body::new();
    let mut performed = 0;
    let mut ends_in_trap = false;
    let mut stops_early = None;
    let limit = upto.unwrap_or(usize::MAX);
    for (k, (inv, want)) in plan
        .invocations
        .iter()
        .zip(&expectation.invocations)
        .enumerate()
    {
        if k >= limit {
            stops_early = Some(format!("only the first {limit} invocations are performed"));
            break;
        }
        let Some(&(_, index)) = shape.func_index.iter().find(|(n, _)| *n == inv.export) else {
            return Err(err(format!("no exported function `{}`", inv.export)));
        };
        let (params, results) = func_type(&inv.export).ok_or_else(|| {
            err(format!(
                "`{}` has a type that cannot be checked",
                inv.export
            ))
        })?;
        if params.len() != inv.args.len() {
            return Err(err(format!(
                "`{}` takes {} arguments, the plan gives {}",
                inv.export,
                params.len(),
                inv.args.len()
            )));
        }
        if !want.host_calls.is_empty() {
            // Host calls go to functions that do nothing: they cannot be seen.
            stops_early = Some(format!(
                "step {k} calls the host, which a self-checking module cannot show"
            ));
            break;
        }
        match &want.outcome {
            ExpectedOutcome::Unknown { why } => {
                stops_early = Some(format!("step {k}: the oracle cannot tell ({why})"));
                break;
            }
            ExpectedOutcome::Return { values } => {
                body.call(index + 1, &inv.args).map_err(err)?;
                body.check_results(&results, &values[..], exit_code(k));
                performed += 1;
            }
            ExpectedOutcome::Trap { .. } => {
                body.call(index + 1, &inv.args).map_err(err)?;
                for _ in &results {
                    body.push(Instruction::Drop);
                }
                body.exit(exit_code(k));
                performed += 1;
                ends_in_trap = true;
                if k + 1 < plan.invocations.len() {
                    stops_early = Some(format!(
                        "step {k} must trap, which ends _start: the steps after it are not performed"
                    ));
                }
                break;
            }
        }
    }
    if stops_early.is_none() && performed < plan.invocations.len() {
        stops_early = Some("the oracle's expectation ends early".into());
    }
    let mut checks_globals = false;
    if stops_early.is_none()
        && !ends_in_trap
        && let Some(state) = &expectation.final_state
    {
        checks_globals = true;
        for (g, (name, allowed)) in state.globals.iter().enumerate() {
            let Some(&(_, index)) = shape.global_index.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let Some(ty) = exports.iter().flatten().find_map(|e| match e {
                super::wrap::Export::Global { name: n, ty, .. } if n == name => Some(*ty),
                _ => None,
            }) else {
                continue;
            };
            body.push(Instruction::GlobalGet(index));
            body.check_results(
                &[ty],
                std::slice::from_ref(allowed),
                exit_code(plan.invocations.len() + g),
            );
        }
    }
    let bytes = assemble(module, shape.types, shape.funcs, host, body).map_err(err)?;
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&bytes)
        .map_err(|e| err(format!("the rewritten module is invalid: {}", e.message())))?;
    Ok(SelfChecking {
        module: bytes,
        performed,
        ends_in_trap,
        checks_globals,
        stops_early,
    })
}

/// The standard host's imports of a module, which become definitions in the same places
/// of their index spaces (so no index moves): functions that do nothing, the globals'
/// values (every `global.get` of them becomes the constant), the table and the memory with
/// the host's limits.
#[derive(Default)]
struct HostImports {
    /// Type index of each imported function.
    funcs: Vec<u32>,
    /// Value of each imported global.
    globals: Vec<Value>,
    table: bool,
    memory: bool,
}

fn host_imports(module: &[u8]) -> Result<HostImports, String> {
    let mut h = HostImports::default();
    for p in wasmparser::Parser::new(0).parse_all(module) {
        let Payload::ImportSection(r) = p.map_err(|e| e.message().to_string())? else {
            continue;
        };
        for imp in r.into_imports() {
            let imp = imp.map_err(|e| e.message().to_string())?;
            let what = format!("{}.{}", imp.module, imp.name);
            if imp.module != "spectest" {
                return Err(format!(
                    "the module imports {what}; a bare command line has only the standard host (spectest)"
                ));
            }
            match (imp.ty, imp.name) {
                (wasmparser::TypeRef::Func(t), n)
                    if crate::host::FUNCS.iter().any(|(f, _)| *f == n) =>
                {
                    h.funcs.push(t)
                }
                (wasmparser::TypeRef::Global(_), "global_i32") => {
                    h.globals.push(Value::I32(crate::host::GLOBAL_INT))
                }
                (wasmparser::TypeRef::Global(_), "global_i64") => {
                    h.globals.push(Value::I64(crate::host::GLOBAL_INT as u64))
                }
                (wasmparser::TypeRef::Global(_), "global_f32") => {
                    h.globals.push(Value::F32(crate::host::GLOBAL_F32_BITS))
                }
                (wasmparser::TypeRef::Global(_), "global_f64") => {
                    h.globals.push(Value::F64(crate::host::GLOBAL_F64_BITS))
                }
                (wasmparser::TypeRef::Table(_), "table") if !h.table => h.table = true,
                (wasmparser::TypeRef::Memory(_), "memory") if !h.memory => h.memory = true,
                _ => {
                    return Err(format!(
                        "the module imports {what}, which cannot be replaced"
                    ));
                }
            }
        }
    }
    Ok(h)
}

fn const_of(v: Value) -> Instruction<'static> {
    match v {
        Value::I32(b) => Instruction::I32Const(b as i32),
        Value::I64(b) => Instruction::I64Const(b as i64),
        Value::F32(b) => Instruction::F32Const(f32::from_bits(b).into()),
        _ => Instruction::F64Const(
            f64::from_bits(match v {
                Value::F64(b) => b,
                _ => 0,
            })
            .into(),
        ),
    }
}

/// The body of `_start`, with its locals.
struct Body {
    locals: Vec<EV>,
    code: Vec<Instruction<'static>>,
}

/// The function index of `proc_exit`.
const EXIT: u32 = 0;

impl Body {
    fn new() -> Body {
        Body {
            locals: Vec::new(),
            code: Vec::new(),
        }
    }

    fn push(&mut self, i: Instruction<'static>) {
        self.code.push(i);
    }

    fn local(&mut self, t: EV) -> u32 {
        self.locals.push(t);
        self.locals.len() as u32 - 1
    }

    fn exit(&mut self, code: i32) {
        self.push(Instruction::I32Const(code));
        self.push(Instruction::Call(EXIT));
    }

    /// Pushes the arguments and calls function `index` (already shifted).
    fn call(&mut self, index: u32, args: &[Value]) -> Result<(), String> {
        for a in args {
            let i = match a {
                Value::I32(b) => Instruction::I32Const(*b as i32),
                Value::I64(b) => Instruction::I64Const(*b as i64),
                Value::F32(b) => Instruction::F32Const(f32::from_bits(*b).into()),
                Value::F64(b) => Instruction::F64Const(f64::from_bits(*b).into()),
                Value::V128(b) => Instruction::V128Const(*b as i128),
                Value::Ref(RefValue::Null(h)) => Instruction::RefNull(heap(*h)?),
                Value::Ref(_) => {
                    return Err(
                        "a non-null reference argument cannot be written as a constant".into(),
                    );
                }
            };
            self.push(i);
        }
        self.push(Instruction::Call(index));
        Ok(())
    }

    /// Checks the results on the stack (in order) against `allowed`; exits with `code` at
    /// the first that is not allowed.
    fn check_results(&mut self, types: &[ValType], allowed: &[Allowed], code: i32) {
        let locals: Vec<u32> = types.iter().map(|t| self.local(enc(*t))).collect();
        for l in locals.iter().rev() {
            self.push(Instruction::LocalSet(*l));
        }
        for ((t, a), l) in types.iter().zip(allowed).zip(&locals) {
            self.check(*t, a, *l, code);
        }
    }

    /// Pushes `i32` 1 when local `l` (of type `t`) is not in `a`, then exits if so.
    fn check(&mut self, t: ValType, a: &Allowed, l: u32, code: i32) {
        let pushed = match (a, t) {
            (Allowed::Any { .. }, _) => false,
            (Allowed::Exact { value }, _) => self.differs(*value, l),
            (Allowed::Nan { bits, canonical }, _) => {
                self.push(Instruction::LocalGet(l));
                if *bits == 32 {
                    self.push(Instruction::I32ReinterpretF32);
                    self.not_nan32(*canonical);
                } else {
                    self.push(Instruction::I64ReinterpretF64);
                    self.not_nan64(*canonical);
                }
                true
            }
            (Allowed::Lanes { value, width, nans }, _) => {
                self.push(Instruction::I32Const(0));
                for (i, n) in nans.iter().enumerate() {
                    self.push(Instruction::LocalGet(l));
                    let lane = (value >> (*width as usize * i)) as u64;
                    if *width == 32 {
                        self.push(Instruction::I32x4ExtractLane(i as u8));
                        match n {
                            None => {
                                self.push(Instruction::I32Const(lane as u32 as i32));
                                self.push(Instruction::I32Ne);
                            }
                            Some(c) => self.not_nan32(*c),
                        }
                    } else {
                        self.push(Instruction::I64x2ExtractLane(i as u8));
                        match n {
                            None => {
                                self.push(Instruction::I64Const(lane as i64));
                                self.push(Instruction::I64Ne);
                            }
                            Some(c) => self.not_nan64(*c),
                        }
                    }
                    self.push(Instruction::I32Or);
                }
                true
            }
        };
        if pushed {
            self.push(Instruction::If(BlockType::Empty));
            self.exit(code);
            self.push(Instruction::End);
        }
    }

    /// With an `i32` of f32 bits on the stack: whether it is not a NaN of the class
    /// (`canonical`: payload exactly the quiet bit; arithmetic: quiet bit set), any sign.
    fn not_nan32(&mut self, canonical: bool) {
        // NaN classes: `$canon_N` and `$arith_N` in 4.3-numerics.
        if canonical {
            self.push(Instruction::I32Const(0x7fff_ffff));
            self.push(Instruction::I32And);
            self.push(Instruction::I32Const(0x7fc0_0000));
            self.push(Instruction::I32Ne);
        } else {
            self.push(Instruction::I32Const(0x7fc0_0000));
            self.push(Instruction::I32And);
            self.push(Instruction::I32Const(0x7fc0_0000));
            self.push(Instruction::I32Ne);
        }
    }

    fn not_nan64(&mut self, canonical: bool) {
        let quiet = 0x7ff8_0000_0000_0000u64 as i64;
        if canonical {
            self.push(Instruction::I64Const(0x7fff_ffff_ffff_ffff));
        } else {
            self.push(Instruction::I64Const(quiet));
        }
        self.push(Instruction::I64And);
        self.push(Instruction::I64Const(quiet));
        self.push(Instruction::I64Ne);
    }

    /// Pushes whether local `l` differs from `value` (bits); false when there is nothing
    /// to compare.
    fn differs(&mut self, value: Value, l: u32) -> bool {
        self.push(Instruction::LocalGet(l));
        match value {
            Value::I32(b) => {
                self.push(Instruction::I32Const(b as i32));
                self.push(Instruction::I32Ne);
            }
            Value::F32(b) => {
                self.push(Instruction::I32ReinterpretF32);
                self.push(Instruction::I32Const(b as i32));
                self.push(Instruction::I32Ne);
            }
            Value::I64(b) => {
                self.push(Instruction::I64Const(b as i64));
                self.push(Instruction::I64Ne);
            }
            Value::F64(b) => {
                self.push(Instruction::I64ReinterpretF64);
                self.push(Instruction::I64Const(b as i64));
                self.push(Instruction::I64Ne);
            }
            Value::V128(b) => {
                self.push(Instruction::V128Const(b as i128));
                self.push(Instruction::I8x16Eq);
                self.push(Instruction::I8x16AllTrue);
                self.push(Instruction::I32Eqz);
            }
            Value::Ref(RefValue::Null(_)) => {
                self.push(Instruction::RefIsNull);
                self.push(Instruction::I32Eqz);
            }
            Value::Ref(_) => {
                // Non-null; its identity cannot be compared.
                self.push(Instruction::RefIsNull);
            }
        }
        true
    }

    fn finish(mut self) -> Function {
        let mut f = Function::new(self.locals.iter().map(|t| (1, *t)));
        for i in self.code.drain(..) {
            f.instruction(&i);
        }
        f.instruction(&Instruction::End);
        f
    }
}

fn heap(h: HeapType) -> Result<wasm_encoder::HeapType, String> {
    use wasm_encoder::{AbstractHeapType as A, HeapType as H};
    let a = |ty| H::Abstract { shared: false, ty };
    Ok(match h {
        HeapType::Func => a(A::Func),
        HeapType::Extern => a(A::Extern),
        HeapType::Any => a(A::Any),
        HeapType::Eq => a(A::Eq),
        HeapType::I31 => a(A::I31),
        HeapType::Struct => a(A::Struct),
        HeapType::Array => a(A::Array),
        HeapType::Exn => a(A::Exn),
        HeapType::None => a(A::None),
        HeapType::NoFunc => a(A::NoFunc),
        HeapType::NoExtern => a(A::NoExtern),
        HeapType::NoExn => a(A::NoExn),
        HeapType::Concrete(i) => H::Concrete(i),
    })
}

fn enc(t: ValType) -> EV {
    match t {
        ValType::I32 => EV::I32,
        ValType::I64 => EV::I64,
        ValType::F32 => EV::F32,
        ValType::F64 => EV::F64,
        ValType::V128 => EV::V128,
        ValType::Ref(r) => EV::Ref(wasm_encoder::RefType {
            nullable: r.nullable,
            heap_type: heap(r.heap).unwrap_or(wasm_encoder::HeapType::Abstract {
                shared: false,
                ty: wasm_encoder::AbstractHeapType::Any,
            }),
        }),
    }
}

/// Re-encodes the module with `proc_exit` as function 0 (every other function index one
/// up), `_start` appended and exported alone.
struct Rewriter {
    types: u32,
    funcs: u32,
    host: HostImports,
    start: Option<Function>,
    done: Vec<SectionId>,
}

impl Reencode for Rewriter {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReError<Self::Error>> {
        Ok(func + 1)
    }

    fn instruction<'a>(
        &mut self,
        arg: wasmparser::Operator<'a>,
    ) -> Result<Instruction<'a>, ReError<Self::Error>> {
        match arg {
            wasmparser::Operator::GlobalGet { global_index }
                if (global_index as usize) < self.host.globals.len() =>
            {
                Ok(const_of(self.host.globals[global_index as usize]))
            }
            other => utils::instruction(self, other),
        }
    }

    fn parse_table_section(
        &mut self,
        tables: &mut wasm_encoder::TableSection,
        section: wasmparser::TableSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        self.add_tables(tables);
        utils::parse_table_section(self, tables, section)
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut wasm_encoder::MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        self.add_memories(memories);
        utils::parse_memory_section(self, memories, section)
    }

    fn parse_global_section(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        self.add_globals(globals);
        utils::parse_global_section(self, globals, section)
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        utils::parse_type_section(self, types, section)?;
        self.add_types(types);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        // The host's imports become definitions.
        let _ = section;
        self.add_import(imports);
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        funcs: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        for t in &self.host.funcs {
            funcs.function(*t);
        }
        utils::parse_function_section(self, funcs, section)?;
        funcs.function(self.types + 1);
        self.done.push(SectionId::Function);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        _section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        self.add_exports(exports);
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        self.add_host_code(code);
        utils::parse_code_section(self, code, section)?;
        self.add_code(code);
        Ok(())
    }

    fn parse_custom_section(
        &mut self,
        _module: &mut Module,
        _section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), ReError<Self::Error>> {
        // Custom sections (names above all) would name the old indices: dropped.
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), ReError<Self::Error>> {
        // Sections the module lacks go in before the next one of the binary format's order.
        let order = [
            SectionId::Type,
            SectionId::Import,
            SectionId::Function,
            SectionId::Table,
            SectionId::Memory,
            SectionId::Tag,
            SectionId::Global,
            SectionId::Export,
            SectionId::Start,
            SectionId::Element,
            SectionId::DataCount,
            SectionId::Code,
            SectionId::Data,
        ];
        let rank = |s: SectionId| order.iter().position(|o| *o == s).unwrap_or(order.len());
        let limit = before.map_or(order.len(), rank);
        for id in [
            SectionId::Type,
            SectionId::Import,
            SectionId::Function,
            SectionId::Table,
            SectionId::Memory,
            SectionId::Global,
            SectionId::Export,
            SectionId::Code,
        ] {
            if rank(id) < limit && !self.done.contains(&id) {
                match id {
                    SectionId::Type => {
                        let mut s = TypeSection::new();
                        self.add_types(&mut s);
                        module.section(&s);
                    }
                    SectionId::Import => {
                        let mut s = ImportSection::new();
                        self.add_import(&mut s);
                        module.section(&s);
                    }
                    SectionId::Table => {
                        let mut s = wasm_encoder::TableSection::new();
                        self.add_tables(&mut s);
                        module.section(&s);
                    }
                    SectionId::Memory => {
                        let mut s = wasm_encoder::MemorySection::new();
                        self.add_memories(&mut s);
                        module.section(&s);
                    }
                    SectionId::Global => {
                        let mut s = wasm_encoder::GlobalSection::new();
                        self.add_globals(&mut s);
                        module.section(&s);
                    }
                    SectionId::Function => {
                        let mut s = FunctionSection::new();
                        for t in &self.host.funcs {
                            s.function(*t);
                        }
                        s.function(self.types + 1);
                        self.done.push(SectionId::Function);
                        module.section(&s);
                    }
                    SectionId::Export => {
                        let mut s = ExportSection::new();
                        self.add_exports(&mut s);
                        module.section(&s);
                    }
                    _ => {
                        let mut s = CodeSection::new();
                        self.add_host_code(&mut s);
                        self.add_code(&mut s);
                        module.section(&s);
                    }
                }
            }
        }
        Ok(())
    }
}

impl Rewriter {
    fn add_types(&mut self, types: &mut TypeSection) {
        // `types`: proc_exit (i32) -> (); `types + 1`: _start () -> ().
        types.ty().function([EV::I32], []);
        types.ty().function([], []);
        self.done.push(SectionId::Type);
    }

    fn add_tables(&mut self, tables: &mut wasm_encoder::TableSection) {
        if self.host.table {
            let (min, max) = crate::host::TABLE_LIMITS;
            tables.table(wasm_encoder::TableType {
                element_type: wasm_encoder::RefType::FUNCREF,
                table64: false,
                minimum: min as u64,
                maximum: Some(max as u64),
                shared: false,
            });
        }
        self.done.push(SectionId::Table);
    }

    fn add_memories(&mut self, memories: &mut wasm_encoder::MemorySection) {
        if self.host.memory {
            let (min, max) = crate::host::MEMORY_LIMITS;
            memories.memory(wasm_encoder::MemoryType {
                minimum: min as u64,
                maximum: Some(max as u64),
                memory64: false,
                shared: false,
                page_size_log2: None,
            });
        }
        self.done.push(SectionId::Memory);
    }

    fn add_globals(&mut self, globals: &mut wasm_encoder::GlobalSection) {
        for v in &self.host.globals {
            let val_type = match v {
                Value::I32(_) => EV::I32,
                Value::I64(_) => EV::I64,
                Value::F32(_) => EV::F32,
                _ => EV::F64,
            };
            let mut bytes = Vec::new();
            wasm_encoder::Encode::encode(&const_of(*v), &mut bytes);
            globals.global(
                wasm_encoder::GlobalType {
                    val_type,
                    mutable: false,
                    shared: false,
                },
                &wasm_encoder::ConstExpr::raw(bytes),
            );
        }
        self.done.push(SectionId::Global);
    }

    fn add_host_code(&mut self, code: &mut CodeSection) {
        for _ in &self.host.funcs {
            let mut f = Function::new([]);
            f.instruction(&Instruction::End);
            code.function(&f);
        }
    }

    fn add_import(&mut self, imports: &mut ImportSection) {
        imports.import(
            "wasi_snapshot_preview1",
            "proc_exit",
            EntityType::Function(self.types),
        );
        self.done.push(SectionId::Import);
    }

    fn add_exports(&mut self, exports: &mut ExportSection) {
        exports.export("_start", ExportKind::Func, self.funcs + 1);
        self.done.push(SectionId::Export);
    }

    fn add_code(&mut self, code: &mut CodeSection) {
        if let Some(f) = self.start.take() {
            code.function(&f);
        }
        self.done.push(SectionId::Code);
    }
}

fn assemble(
    module: &[u8],
    types: u32,
    funcs: u32,
    host: HostImports,
    body: Body,
) -> Result<Vec<u8>, String> {
    let mut r = Rewriter {
        types,
        funcs,
        host,
        start: Some(body.finish()),
        done: Vec::new(),
    };
    let mut out = Module::new();
    r.parse_core_module(&mut out, wasmparser::Parser::new(0), module)
        .map_err(|e| e.to_string())?;
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oracle::Invocation;

    fn plan(calls: &[(&str, Vec<Value>)]) -> Plan {
        Plan::new(
            calls
                .iter()
                .map(|(e, a)| Invocation {
                    export: e.to_string(),
                    args: a.clone(),
                })
                .collect(),
        )
    }

    #[test]
    fn the_rewritten_module_validates_and_stops_at_the_first_trap() {
        let module = wat::parse_str(
            r#"(module
                (global (export "g") (mut i32) (i32.const 0))
                (func $helper (result i32) (i32.const 1))
                (func (export "add") (param i32 i32) (result i32)
                  (global.set 0 (i32.add (global.get 0) (call $helper)))
                  (i32.add (local.get 0) (local.get 1)))
                (func (export "nan") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1)))
                (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
                (table 1 funcref) (elem (i32.const 0) func $helper)
                (start $helper2) (func $helper2))"#,
        )
        .unwrap();
        let p = plan(&[
            ("add", vec![Value::I32(1), Value::I32(2)]),
            ("nan", vec![Value::F32(0x7fa0_0000)]),
            ("div", vec![Value::I32(0)]),
            ("add", vec![Value::I32(1), Value::I32(2)]),
        ]);
        let exp = oracle::expect::expect(&module, &p, 1_000_000);
        let s = self_checking(&module, &p, &exp, None).unwrap();
        assert_eq!(s.performed, 3);
        assert!(s.ends_in_trap);
        assert!(!s.checks_globals);
        assert!(s.stops_early.is_some());
        let s = self_checking(&module, &p, &exp, Some(2)).unwrap();
        assert_eq!(s.performed, 2);
        assert!(!s.ends_in_trap);
        let exports: Vec<String> = wasmparser::Parser::new(0)
            .parse_all(&s.module)
            .filter_map(|p| match p.ok()? {
                Payload::ExportSection(r) => Some(
                    r.into_iter()
                        .map(|e| e.unwrap().name.to_string())
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(exports, vec!["_start".to_string()]);
    }

    #[test]
    fn modules_without_sections_and_with_imports() {
        let module = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
        let p = plan(&[("f", vec![])]);
        let exp = oracle::expect::expect(&module, &p, 1000);
        let s = self_checking(&module, &p, &exp, None).unwrap();
        assert!(s.checks_globals && s.stops_early.is_none());
        let module = wat::parse_str(
            r#"(module (import "spectest" "print_i32" (func (param i32)))
                 (import "spectest" "global_i32" (global $g i32))
                 (import "spectest" "memory" (memory 1))
                 (global $h i32 (global.get $g))
                 (func (export "f") (result i32) (global.get $h))
                 (func (export "g") (call 0 (i32.const 1))))"#,
        )
        .unwrap();
        let exp = oracle::expect::expect(&module, &p, 1000);
        let s = self_checking(&module, &p, &exp, None).unwrap();
        assert_eq!(s.performed, 1);
        // A step that calls the host is not performed: the call cannot be seen.
        let with_call = plan(&[("f", vec![]), ("g", vec![]), ("f", vec![])]);
        let exp = oracle::expect::expect(&module, &with_call, 1000);
        let s = self_checking(&module, &with_call, &exp, None).unwrap();
        assert_eq!(s.performed, 1);
        assert!(s.stops_early.unwrap().contains("host"));
        let module =
            wat::parse_str(r#"(module (import "env" "f" (func)) (func (export "f")))"#).unwrap();
        let exp = oracle::expect::expect(&module, &p, 1000);
        let e = self_checking(&module, &p, &exp, None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("cannot make a self-checking module"), "{e}");
    }

    #[test]
    fn exit_codes_name_steps() {
        assert_eq!(exit_code(0), 10);
        assert_eq!(step_of(10), Some(0));
        assert_eq!(exit_code(500), 125);
        assert_eq!(step_of(0), None);
        assert_eq!(step_of(1), None);
        assert_eq!(step_of(134), None);
    }
}

/// How one run of a module on an engine with a bare command line ended.
#[derive(Clone, Debug)]
pub enum Ended {
    /// It exited with this status; what it printed on standard error (the end of it).
    Exit {
        /// The exit status.
        code: i32,
        /// Standard error.
        stderr: String,
    },
    /// It overran its wall-clock limit and was killed.
    Timeout(String),
    /// It died of a signal, or could not be run.
    Crash(String),
    /// The engine refused the module before running it (a compiler's error).
    Rejected(String),
}

/// A value the allowed set contains (the oracle's own, with NaN lanes canonical): what a
/// step that the self-checking module found allowed is reported as.
pub fn representative(a: &Allowed) -> Value {
    match a {
        Allowed::Exact { value } => *value,
        Allowed::Nan { bits: 32, .. } => Value::F32(0x7fc0_0000),
        Allowed::Nan { .. } => Value::F64(0x7ff8_0000_0000_0000),
        Allowed::Lanes { value, width, nans } => {
            let mut v = *value;
            for (i, n) in nans.iter().enumerate() {
                if n.is_some() {
                    let shift = *width as usize * i;
                    let (mask, nan) = if *width == 32 {
                        (0xffff_ffffu128, 0x7fc0_0000u128)
                    } else {
                        (u64::MAX as u128, 0x7ff8_0000_0000_0000u128)
                    };
                    v = (v & !(mask << shift)) | (nan << shift);
                }
            }
            Value::V128(v)
        }
        Allowed::Any { ty } => match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::V128 => Value::V128(0),
            ValType::Ref(r) => Value::Ref(RefValue::Null(r.heap)),
        },
    }
}

/// What an engine's failure (not one of the self-checking module's statuses) says.
fn failure_outcome(ended: &Ended) -> oracle::Outcome {
    use oracle::{Outcome, TrapKind};
    match ended {
        Ended::Timeout(message) => Outcome::Timeout {
            message: message.clone(),
        },
        Ended::Crash(message) => Outcome::Crash {
            message: message.clone(),
        },
        Ended::Rejected(message) => Outcome::Error {
            message: message.clone(),
        },
        Ended::Exit { code, stderr } => {
            if let Some(i) = stderr.find("wasm trap: ") {
                let m = stderr[i + "wasm trap: ".len()..]
                    .lines()
                    .next()
                    .unwrap_or("");
                if let Some(o) = crate::wasmtime_engine::trap_message_outcome(m) {
                    return o;
                }
            }
            // Trap names may come in CamelCase (WAMR: `OutOfBoundsMemoryAccess`).
            let mut lower = String::with_capacity(stderr.len() + 16);
            for (i, c) in stderr.char_indices() {
                if c.is_ascii_uppercase()
                    && i > 0
                    && stderr[..i].ends_with(|p: char| p.is_ascii_lowercase())
                {
                    lower.push(' ');
                }
                lower.push(c.to_ascii_lowercase());
            }
            if lower.contains("stack overflow") || lower.contains("call stack exhausted") {
                return Outcome::Exhaustion {
                    message: stderr.clone(),
                };
            }
            let named = TrapKind::NAMED
                .iter()
                .filter(|k| lower.contains(k.message()))
                .max_by_key(|k| k.message().len());
            let message = if stderr.is_empty() {
                format!("exit status {code}")
            } else {
                format!("exit status {code}: {stderr}")
            };
            match named {
                Some(kind) => Outcome::Trap {
                    kind: kind.clone(),
                    message,
                },
                None => Outcome::Trap {
                    kind: TrapKind::Other(message.clone()),
                    message,
                },
            }
        }
    }
}

fn instance_failure(ended: &Ended) -> oracle::InstanceOutcome {
    use oracle::{InstanceOutcome, Outcome};
    match failure_outcome(ended) {
        Outcome::Trap { kind, message } => InstanceOutcome::Trap { kind, message },
        Outcome::Exhaustion { message } => InstanceOutcome::Exhaustion { message },
        Outcome::Timeout { message } => InstanceOutcome::Timeout { message },
        Outcome::Crash { message } => InstanceOutcome::Crash { message },
        Outcome::Return { .. } => InstanceOutcome::Instantiated,
        Outcome::Error { message } => InstanceOutcome::Rejected { message },
    }
}

/// Runs a plan through self-checking modules on an engine that only runs `_start` (`run`
/// runs one module) and says what was observed: each step the module found allowed is
/// reported as the allowed set's [`representative`]; a step it found wrong as an `error`
/// that says so; a trap, crash or timeout of the engine is located by running shorter
/// prefixes of the plan (a binary search) and reported at its step, with the trap kind
/// read from the engine's standard error when it names one. Steps the module does not
/// perform are not reported. `None` when the module cannot be made self-checking.
pub fn observe(
    engine: &str,
    module: &[u8],
    plan: &Plan,
    expectation: &Expectation,
    run: &mut dyn FnMut(&[u8]) -> Ended,
) -> Option<oracle::Observation> {
    use oracle::{FinalState, GlobalState, InstanceOutcome, Observation, Outcome, Step, Timings};
    let sc = self_checking(module, plan, expectation, None).ok()?;
    let mut obs = Observation {
        engine: engine.to_string(),
        instantiation: Step::bare(InstanceOutcome::Instantiated),
        invocations: Vec::new(),
        final_state: None,
        timings: Timings::default(),
    };
    let allowed_step = |k: usize| -> Step<Outcome> {
        let values = match &expectation.invocations[k].outcome {
            ExpectedOutcome::Return { values } => values.iter().map(representative).collect(),
            _ => Vec::new(),
        };
        Step::bare(Outcome::Return { values })
    };
    let globals = |skip: Option<usize>| -> FinalState {
        let mut state = FinalState::default();
        if let Some(s) = &expectation.final_state {
            for (i, (name, a)) in s.globals.iter().enumerate() {
                if Some(i) != skip {
                    state.globals.push(GlobalState {
                        name: name.clone(),
                        value: representative(a),
                    });
                }
            }
        }
        state
    };
    let n = plan.invocations.len();
    let n_globals = expectation
        .final_state
        .as_ref()
        .map_or(0, |s| s.globals.len());
    // Whether status 10 + k is one the module can exit with (else it is the engine's own).
    let names = |k: usize| k < sc.performed || (sc.checks_globals && k >= n && k < n + n_globals);
    let first = run(&sc.module);
    let failing = match &first {
        Ended::Exit { code: 0, .. } => {
            obs.invocations = (0..sc.performed).map(allowed_step).collect();
            if sc.checks_globals {
                obs.final_state = Some(globals(None));
            }
            return Some(obs);
        }
        Ended::Exit { code, .. } if step_of(*code).is_some_and(|k| *code < 125 && names(k)) => {
            let k = step_of(*code).unwrap_or(0);
            obs.invocations = (0..k.min(n)).map(allowed_step).collect();
            if k < n {
                obs.invocations.push(Step::bare(Outcome::Error {
                    message: format!(
                        "the self-checking module exited with {code}: step {k}'s result is not one the spec allows (or it returned where the spec requires a trap)"
                    ),
                }));
            } else {
                // A global after the plan: it is reported missing.
                obs.final_state = Some(globals(Some(k - n)));
            }
            return Some(obs);
        }
        other => other.clone(),
    };
    // The engine failed (or a step past 123 deviated): find the step with shorter prefixes.
    let mut runs: std::collections::HashMap<usize, Ended> = std::collections::HashMap::new();
    runs.insert(sc.performed, failing);
    let mut ended_at = |u: usize, runs: &mut std::collections::HashMap<usize, Ended>| -> Ended {
        if let Some(e) = runs.get(&u) {
            return e.clone();
        }
        let e = match self_checking(module, plan, expectation, Some(u)) {
            Ok(s) => run(&s.module),
            Err(e) => Ended::Crash(e.to_string()),
        };
        runs.insert(u, e.clone());
        e
    };
    let ok = |e: &Ended| matches!(e, Ended::Exit { code: 0, .. });
    // The smallest prefix length that fails.
    let (mut lo, mut hi) = (0usize, sc.performed);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if ok(&ended_at(mid, &mut runs)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let ended = ended_at(lo, &mut runs);
    if lo == 0 {
        obs.instantiation = Step::bare(instance_failure(&ended));
        return Some(obs);
    }
    let k = lo - 1;
    obs.invocations = (0..k).map(allowed_step).collect();
    obs.invocations.push(Step::bare(match &ended {
        Ended::Exit { code, .. } if step_of(*code) == Some(k.min(115)) => Outcome::Error {
            message: format!(
                "the self-checking module exited with {code}: step {k}'s result is not one the spec allows (or it returned where the spec requires a trap)"
            ),
        },
        other => failure_outcome(other),
    }));
    Some(obs)
}

#[cfg(test)]
mod observe_tests {
    use super::*;
    use oracle::{InstanceOutcome, Invocation, Outcome, TrapKind};

    fn case() -> (Vec<u8>, Plan, Expectation) {
        let module = wat::parse_str(
            r#"(module (global (export "g") (mut i32) (i32.const 0))
                 (func (export "f") (param i32) (result i32)
                   (global.set 0 (local.get 0)) (i32.div_u (i32.const 7) (local.get 0))))"#,
        )
        .unwrap();
        let plan = Plan::new(
            [1u32, 2, 0, 3]
                .iter()
                .map(|a| Invocation {
                    export: "f".into(),
                    args: vec![Value::I32(*a)],
                })
                .collect(),
        );
        let exp = oracle::expect::expect(&module, &plan, 1_000_000);
        (module, plan, exp)
    }

    /// A fake engine: each run's status from the number of steps the module performs.
    fn observed(status: impl Fn(usize) -> Ended) -> oracle::Observation {
        let (module, plan, exp) = case();
        let sizes: Vec<(usize, usize)> = (0..=plan.invocations.len())
            .map(|u| {
                let s = self_checking(&module, &plan, &exp, Some(u)).unwrap();
                (s.module.len(), s.performed)
            })
            .collect();
        let mut run = |m: &[u8]| {
            let performed = sizes.iter().find(|(len, _)| *len == m.len()).unwrap().1;
            status(performed)
        };
        observe("fake", &module, &plan, &exp, &mut run).unwrap()
    }

    fn trap(stderr: &str) -> Ended {
        Ended::Exit {
            code: 134,
            stderr: stderr.into(),
        }
    }

    #[test]
    fn an_expected_trap_at_the_last_performed_step_is_found_and_named() {
        let obs = observed(|performed| {
            if performed == 3 {
                trap("Error: wasm trap: integer divide by zero")
            } else {
                Ended::Exit {
                    code: 0,
                    stderr: String::new(),
                }
            }
        });
        assert_eq!(obs.invocations.len(), 3);
        assert!(matches!(
            &obs.invocations[2].outcome,
            Outcome::Trap {
                kind: TrapKind::IntegerDivideByZero,
                ..
            }
        ));
        assert_eq!(
            obs.invocations[1].outcome,
            Outcome::Return {
                values: vec![Value::I32(3)]
            }
        );
    }

    #[test]
    fn a_step_status_names_the_step_and_a_foreign_status_is_located() {
        let obs = observed(|_| Ended::Exit {
            code: 11,
            stderr: String::new(),
        });
        assert_eq!(obs.invocations.len(), 2);
        assert!(matches!(&obs.invocations[1].outcome, Outcome::Error { .. }));
        // An unknown trap at step 1: the prefixes locate it, the kind is not named.
        let obs = observed(|performed| {
            if performed >= 2 {
                trap("error.WasmTrap")
            } else {
                Ended::Exit {
                    code: 0,
                    stderr: String::new(),
                }
            }
        });
        assert_eq!(obs.invocations.len(), 2);
        assert!(matches!(
            &obs.invocations[1].outcome,
            Outcome::Trap {
                kind: TrapKind::Other(_),
                ..
            }
        ));
        // Failing before any step: instantiation.
        let obs = observed(|_| Ended::Timeout("late".into()));
        assert!(matches!(
            obs.instantiation.outcome,
            InstanceOutcome::Timeout { .. }
        ));
    }
}
