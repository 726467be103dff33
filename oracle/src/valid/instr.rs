//! Validation of instructions (`2.3-validation.instructions.spectec`): `Instr_ok`,
//! `Instrs_ok`, `Expr_ok` and the constant expressions (`Instr_const`, `Expr_const`,
//! `Expr_ok_const`).
//!
//! `Instrs_ok` is decided by the spec appendix's algorithm: an operand stack whose entries
//! are a value type or unknown (the bottom type that `Instr_ok/unreachable`, `br`,
//! `br_table` and `return` may pick), and a stack of control frames, one per block being
//! checked. Blocks are entered and left by pushing and popping frames, never by recursion,
//! so that nesting depth costs heap, not native stack.

use std::collections::HashSet;

use super::ValidationError;
use super::name::well_formed;
use super::types::{heaptype_ok, valtype_ok, valtype_sub};
use crate::ast::{
    BlockType, GlobalType, Instr, LaneType, MemArg, MemType, Shape, TableType, VLoadOp, VvOp,
};
use crate::exec::instr_name;
use crate::value::{FuncType, RefType, ValType};

type Result<T> = std::result::Result<T, ValidationError>;

/// The validation context `C` of `2.0-validation.contexts.spectec`, less the parts that
/// belong to one function (locals, labels, return), which the checker keeps itself.
#[derive(Default)]
pub(crate) struct Context<'m> {
    /// `TYPES`
    pub types: &'m [FuncType],
    /// `FUNCS`: each function's type.
    pub funcs: Vec<&'m FuncType>,
    /// `TABLES`
    pub tables: Vec<TableType>,
    /// `MEMS`
    pub mems: Vec<MemType>,
    /// `GLOBALS`
    pub globals: Vec<GlobalType>,
    /// `ELEMS`
    pub elems: Vec<RefType>,
    /// `DATAS`: how many data segments, or `None` without a data count section (then
    /// `memory.init` and `data.drop` cannot be validated in one pass).
    pub datas: Option<u32>,
    /// `REFS`: the functions that `ref.func` may name in a function body.
    pub refs: HashSet<u32>,
}

/// `LOCALS` of a function: its parameters and locals, run-length, with each run's end
/// (exclusive) as a prefix sum, so that lookup never expands a claimed count.
pub(crate) struct Locals {
    runs: Vec<(u64, ValType)>,
}

impl Locals {
    /// No locals (constant expressions).
    pub(crate) fn none() -> Locals {
        Locals { runs: Vec::new() }
    }

    /// From runs of (count, type); empty runs are dropped.
    pub(crate) fn from_runs(runs: impl IntoIterator<Item = (u64, ValType)>) -> Locals {
        let mut end = 0u64;
        let mut out = Vec::new();
        for (n, t) in runs {
            if n > 0 {
                end = end.saturating_add(n);
                out.push((end, t));
            }
        }
        Locals { runs: out }
    }

    fn get(&self, x: u32) -> Option<ValType> {
        let x = u64::from(x);
        let i = self.runs.partition_point(|(end, _)| *end <= x);
        self.runs.get(i).map(|(_, t)| *t)
    }
}

/// A block's parameter or result types: borrowed from a function type, or the one
/// optional result of `_RESULT valtype?`.
#[derive(Clone, Copy)]
enum Types<'m> {
    Slice(&'m [ValType]),
    One(ValType),
}

impl<'m> Types<'m> {
    const EMPTY: Types<'static> = Types::Slice(&[]);

    fn as_slice(&self) -> &[ValType] {
        match self {
            Types::Slice(s) => s,
            Types::One(t) => std::slice::from_ref(t),
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }
}

#[derive(Clone, Copy)]
enum Kind<'m> {
    /// The whole expression (function body or constant expression).
    Expr,
    Block,
    Loop,
    /// The `then` branch of an `if`, with its `else` branch still to check.
    If(&'m [Instr]),
    Else,
}

struct Frame<'m> {
    kind: Kind<'m>,
    params: Types<'m>,
    results: Types<'m>,
    /// The operand stack's height when the block began.
    height: usize,
    /// Whether the rest of the block is unreachable (the stack is polymorphic).
    unreachable: bool,
    body: &'m [Instr],
    pc: usize,
    /// The pre-order index of the block instruction (`None` for the expression).
    at: Option<usize>,
}

struct Checker<'c, 'm> {
    c: &'c Context<'m>,
    locals: &'c Locals,
    ret: Option<&'m [ValType]>,
    vals: Vec<Option<ValType>>,
    ctrls: Vec<Frame<'m>>,
    /// Instructions entered so far (the next one's pre-order index).
    count: usize,
    /// The pre-order index of the instruction being checked.
    at: Option<usize>,
}

fn unpacked(sh: Shape) -> ValType {
    match sh.lane {
        LaneType::I8 | LaneType::I16 | LaneType::I32 => ValType::I32,
        LaneType::I64 => ValType::I64,
        LaneType::F32 => ValType::F32,
        LaneType::F64 => ValType::F64,
    }
}

const I32: ValType = ValType::I32;
const V128: ValType = ValType::V128;

impl<'c, 'm> Checker<'c, 'm> {
    fn err(&self, message: impl Into<String>) -> ValidationError {
        ValidationError {
            message: message.into(),
            func: None,
            instr: self.at,
        }
    }

    fn top(&self) -> (usize, bool) {
        self.ctrls
            .last()
            .map(|f| (f.height, f.unreachable))
            .unwrap_or((0, false))
    }

    fn push(&mut self, t: ValType) {
        self.vals.push(Some(t));
    }

    fn push_vals(&mut self, ts: &[ValType]) {
        self.vals.extend(ts.iter().map(|t| Some(*t)));
    }

    fn pop(&mut self) -> Result<Option<ValType>> {
        let (height, unreachable) = self.top();
        if self.vals.len() <= height {
            if unreachable {
                // Instrs_ok/sub: the code after `unreachable`, `br`, `br_table` or
                // `return` takes any input type, a subtype (Instrtype_sub,
                // Resulttype_sub) of the one it needs.
                crate::hit!("Instrs_ok/sub");
                crate::hit!("Instrtype_sub");
                crate::hit!("Resulttype_sub");
                return Ok(None);
            }
            return Err(self.err("type mismatch: operand stack empty"));
        }
        Ok(self.vals.pop().flatten())
    }

    fn pop_expect(&mut self, t: ValType) -> Result<Option<ValType>> {
        match self.pop()? {
            Some(a) if !valtype_sub(a, t) => {
                Err(self.err(format!("type mismatch: expected {t}, found {a}")))
            }
            Some(a) => Ok(Some(a)),
            None => Ok(None),
        }
    }

    fn pop_vals(&mut self, ts: &[ValType]) -> Result<()> {
        for t in ts.iter().rev() {
            self.pop_expect(*t)?;
        }
        Ok(())
    }

    fn set_unreachable(&mut self) {
        let (height, _) = self.top();
        self.vals.truncate(height);
        if let Some(f) = self.ctrls.last_mut() {
            f.unreachable = true;
        }
    }

    fn label(&self, l: u32) -> Result<Types<'m>> {
        let n = self.ctrls.len();
        usize::try_from(l)
            .ok()
            .filter(|l| *l < n)
            .map(|l| {
                // `C.LABELS[l]`: a loop's label takes its parameters, others their results
                let f = &self.ctrls[n - 1 - l];
                match f.kind {
                    Kind::Loop => f.params,
                    _ => f.results,
                }
            })
            .ok_or_else(|| self.err(format!("unknown label {l}")))
    }

    fn func(&self, x: u32) -> Result<&'m FuncType> {
        self.c
            .funcs
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown function {x}")))
    }

    fn ty(&self, x: u32) -> Result<&'m FuncType> {
        self.c
            .types
            .get(x as usize)
            .ok_or_else(|| self.err(format!("unknown type {x}")))
    }

    fn table(&self, x: u32) -> Result<TableType> {
        self.c
            .tables
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown table {x}")))
    }

    fn mem(&self, x: u32) -> Result<MemType> {
        self.c
            .mems
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown memory {x}")))
    }

    fn global(&self, x: u32) -> Result<GlobalType> {
        self.c
            .globals
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown global {x}")))
    }

    fn elem(&self, x: u32) -> Result<RefType> {
        self.c
            .elems
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown elem segment {x}")))
    }

    fn data(&self, x: u32) -> Result<()> {
        match self.c.datas {
            None => Err(self.err("data count section required")),
            Some(n) if x < n => Ok(()),
            Some(_) => Err(self.err(format!("unknown data segment {x}"))),
        }
    }

    fn local(&self, x: u32) -> Result<ValType> {
        self.locals
            .get(x)
            .ok_or_else(|| self.err(format!("unknown local {x}")))
    }

    /// `Blocktype_ok`.
    fn blocktype(&self, bt: BlockType) -> Result<(Types<'m>, Types<'m>)> {
        match bt {
            BlockType::Result(None) => {
                // Blocktype_ok/valtype
                crate::hit!("Blocktype_ok/valtype");
                Ok((Types::EMPTY, Types::EMPTY))
            }
            BlockType::Result(Some(t)) => {
                // Blocktype_ok/valtype
                crate::hit!("Blocktype_ok/valtype");
                valtype_ok(t).map_err(|e| self.err(e.message))?;
                Ok((Types::EMPTY, Types::One(t)))
            }
            BlockType::Type(x) => {
                // Blocktype_ok/typeidx
                crate::hit!("Blocktype_ok/typeidx");
                // Expand: C.TYPES[typeidx] ~~ FUNC t_1* -> t_2*
                crate::hit!("Expand");
                let ft = self.ty(x)?;
                Ok((Types::Slice(&ft.params), Types::Slice(&ft.results)))
            }
        }
    }

    /// `Memarg_ok`: `2^align <= N/8` and the offset fits the address type (`i32`).
    fn memarg(&self, m: MemArg, n: u32) -> Result<()> {
        // Memarg_ok
        crate::hit!("Memarg_ok");
        let natural = u64::from(n / 8);
        if m.align >= 64 || (1u64 << m.align) > natural {
            return Err(self.err("alignment must not be larger than natural"));
        }
        if m.offset > u64::from(u32::MAX) {
            return Err(self.err("offset out of range"));
        }
        Ok(())
    }

    fn lane(&self, i: u8, dim: u32) -> Result<()> {
        if u32::from(i) < dim {
            Ok(())
        } else {
            Err(self.err(format!("invalid lane index {i}")))
        }
    }

    fn enter(&mut self, kind: Kind<'m>, params: Types<'m>, results: Types<'m>, body: &'m [Instr]) {
        let height = self.vals.len();
        self.ctrls.push(Frame {
            kind,
            params,
            results,
            height,
            unreachable: false,
            body,
            pc: 0,
            at: self.at,
        });
        self.push_vals(params.as_slice());
    }

    /// The end of the innermost block: its results must be exactly on the stack.
    fn end(&mut self) -> Result<()> {
        let Some(frame) = self.ctrls.last() else {
            return Ok(());
        };
        let (results, params, height, kind, at) = (
            frame.results,
            frame.params,
            frame.height,
            frame.kind,
            frame.at,
        );
        self.at = at;
        self.pop_vals(results.as_slice())?;
        if self.vals.len() != height {
            return Err(self.err(format!(
                "type mismatch: {} values left on the stack at the end of a block",
                self.vals.len().saturating_sub(height)
            )));
        }
        self.ctrls.pop();
        match kind {
            Kind::If(else_body) => {
                // Instr_ok/if: the else branch, `instr_2* : t_1* -> t_2*`
                self.enter(Kind::Else, params, results, else_body);
            }
            _ => self.push_vals(results.as_slice()),
        }
        Ok(())
    }

    /// `Instrs_ok` of the expression `body : eps -> results`.
    fn run(&mut self, body: &'m [Instr], results: Types<'m>) -> Result<()> {
        if body.is_empty() {
            // Instrs_ok/empty
            crate::hit!("Instrs_ok/empty");
        }
        self.enter(Kind::Expr, Types::EMPTY, results, body);
        loop {
            let Some(top) = self.ctrls.last_mut() else {
                return Ok(());
            };
            match top.body.get(top.pc) {
                Some(instr) => {
                    top.pc += 1;
                    if top.pc > 1 {
                        // Instrs_ok/seq
                        crate::hit!("Instrs_ok/seq");
                    }
                    if self.vals.len() > top.height {
                        // Instrs_ok/frame: values below what the instruction uses stay.
                        crate::hit!("Instrs_ok/frame");
                    }
                    self.at = Some(self.count);
                    self.count += 1;
                    // Instrs_ok/instr
                    crate::hit!("Instrs_ok/instr");
                    self.instr(instr)?;
                }
                None => self.end()?,
            }
        }
    }

    fn unop(&mut self, t: ValType) -> Result<()> {
        self.pop_expect(t)?;
        self.push(t);
        Ok(())
    }

    fn binop(&mut self, t: ValType) -> Result<()> {
        self.pop_expect(t)?;
        self.pop_expect(t)?;
        self.push(t);
        Ok(())
    }

    /// `Instr_ok`: one instruction's effect on the operand stack.
    fn instr(&mut self, instr: &'m Instr) -> Result<()> {
        if !well_formed(instr) {
            return Err(self.err(format!("invalid instruction {}", instr_name(instr))));
        }
        match instr {
            Instr::Nop => {
                // Instr_ok/nop
                crate::exec::hit_op!("Instr_ok/nop", instr);
            }
            Instr::Unreachable => {
                // Instr_ok/unreachable
                crate::exec::hit_op!("Instr_ok/unreachable", instr);
                // Instrtype_ok
                crate::hit!("Instrtype_ok");
                self.set_unreachable();
            }
            Instr::Drop => {
                // Instr_ok/drop
                crate::exec::hit_op!("Instr_ok/drop", instr);
                self.pop()?;
            }
            Instr::Select(None) => {
                // Instr_ok/select-impl
                crate::exec::hit_op!("Instr_ok/select-impl", instr);
                self.pop_expect(I32)?;
                let t1 = self.pop()?;
                let t2 = self.pop()?;
                let numvec = |t: Option<ValType>| !matches!(t, Some(ValType::Ref(_)));
                if !numvec(t1) || !numvec(t2) {
                    return Err(self.err(
                        "type mismatch: select without a type needs numeric or vector operands",
                    ));
                }
                if let (Some(a), Some(b)) = (t1, t2)
                    && a != b
                {
                    return Err(self.err(format!("type mismatch: select of {b} and {a}")));
                }
                self.vals.push(t1.or(t2));
            }
            Instr::Select(Some(ts)) => {
                // Instr_ok/select-expl
                crate::exec::hit_op!("Instr_ok/select-expl", instr);
                let [t] = ts.as_slice() else {
                    return Err(self.err("invalid result arity"));
                };
                valtype_ok(*t).map_err(|e| self.err(e.message))?;
                self.pop_expect(I32)?;
                self.pop_expect(*t)?;
                self.pop_expect(*t)?;
                self.push(*t);
            }
            Instr::Block(bt, body) => {
                // Instr_ok/block
                crate::exec::hit_op!("Instr_ok/block", instr);
                let (params, results) = self.blocktype(*bt)?;
                self.pop_vals(params.as_slice())?;
                self.enter(Kind::Block, params, results, body);
            }
            Instr::Loop(bt, body) => {
                // Instr_ok/loop
                crate::exec::hit_op!("Instr_ok/loop", instr);
                let (params, results) = self.blocktype(*bt)?;
                self.pop_vals(params.as_slice())?;
                self.enter(Kind::Loop, params, results, body);
            }
            Instr::If(bt, then, els) => {
                // Instr_ok/if
                crate::exec::hit_op!("Instr_ok/if", instr);
                let (params, results) = self.blocktype(*bt)?;
                self.pop_expect(I32)?;
                self.pop_vals(params.as_slice())?;
                self.enter(Kind::If(els), params, results, then);
            }
            Instr::Br(l) => {
                // Instr_ok/br
                crate::exec::hit_op!("Instr_ok/br", instr);
                // Instrtype_ok: the instruction's type `t_1* t* -> t_2*`
                crate::hit!("Instrtype_ok");
                let ts = self.label(*l)?;
                self.pop_vals(ts.as_slice())?;
                self.set_unreachable();
            }
            Instr::BrIf(l) => {
                // Instr_ok/br_if
                crate::exec::hit_op!("Instr_ok/br_if", instr);
                self.pop_expect(I32)?;
                let ts = self.label(*l)?;
                self.pop_vals(ts.as_slice())?;
                self.push_vals(ts.as_slice());
            }
            Instr::BrTable(ls, d) => {
                // Instr_ok/br_table
                crate::exec::hit_op!("Instr_ok/br_table", instr);
                // Instrtype_ok, and `Resulttype_sub: t* <: C.LABELS[l]` below
                crate::hit!("Instrtype_ok");
                self.pop_expect(I32)?;
                let dts = self.label(*d)?;
                let arity = dts.len();
                for l in ls {
                    let ts = self.label(*l)?;
                    if ts.len() != arity {
                        return Err(self.err(format!(
                            "type mismatch: br_table targets of arity {} and {arity}",
                            ts.len()
                        )));
                    }
                    // `t* <: C.LABELS[l]` for the one `t*` left by the operands: check
                    // against this label, then put back what was there (unknowns stay
                    // unknown).
                    crate::hit!("Resulttype_sub");
                    let mut popped = Vec::with_capacity(arity);
                    for t in ts.as_slice().iter().rev() {
                        popped.push(self.pop_expect(*t)?);
                    }
                    self.vals.extend(popped.into_iter().rev());
                }
                self.pop_vals(dts.as_slice())?;
                self.set_unreachable();
            }
            Instr::Call(x) => {
                // Instr_ok/call
                crate::exec::hit_op!("Instr_ok/call", instr);
                let ft = self.func(*x)?;
                self.pop_vals(&ft.params)?;
                self.push_vals(&ft.results);
            }
            Instr::CallIndirect(x, y) => {
                // Instr_ok/call_indirect
                crate::exec::hit_op!("Instr_ok/call_indirect", instr);
                // Expand: C.TYPES[y] ~~ FUNC t_1* -> t_2*
                crate::hit!("Expand");
                let tt = self.table(*x)?;
                if ValType::Ref(tt.elem) != ValType::FUNCREF {
                    return Err(self.err(format!(
                        "type mismatch: call_indirect on a table of {}",
                        ValType::Ref(tt.elem)
                    )));
                }
                let ft = self.ty(*y)?;
                self.pop_expect(I32)?;
                self.pop_vals(&ft.params)?;
                self.push_vals(&ft.results);
            }
            Instr::Return => {
                // Instr_ok/return
                crate::exec::hit_op!("Instr_ok/return", instr);
                // Instrtype_ok
                crate::hit!("Instrtype_ok");
                let Some(ts) = self.ret else {
                    return Err(self.err("type mismatch: return outside a function"));
                };
                self.pop_vals(ts)?;
                self.set_unreachable();
            }
            Instr::LocalGet(x) => {
                // Instr_ok/local.get
                crate::exec::hit_op!("Instr_ok/local.get", instr);
                let t = self.local(*x)?;
                self.push(t);
            }
            Instr::LocalSet(x) => {
                // Instr_ok/local.set
                crate::exec::hit_op!("Instr_ok/local.set", instr);
                let t = self.local(*x)?;
                self.pop_expect(t)?;
            }
            Instr::LocalTee(x) => {
                // Instr_ok/local.tee
                crate::exec::hit_op!("Instr_ok/local.tee", instr);
                let t = self.local(*x)?;
                self.unop(t)?;
            }
            Instr::GlobalGet(x) => {
                // Instr_ok/global.get
                crate::exec::hit_op!("Instr_ok/global.get", instr);
                let gt = self.global(*x)?;
                self.push(gt.ty);
            }
            Instr::GlobalSet(x) => {
                // Instr_ok/global.set
                crate::exec::hit_op!("Instr_ok/global.set", instr);
                let gt = self.global(*x)?;
                if !gt.mutable {
                    return Err(self.err(format!("global is immutable: global {x}")));
                }
                self.pop_expect(gt.ty)?;
            }
            Instr::TableGet(x) => {
                // Instr_ok/table.get
                crate::exec::hit_op!("Instr_ok/table.get", instr);
                let tt = self.table(*x)?;
                self.pop_expect(I32)?;
                self.push(ValType::Ref(tt.elem));
            }
            Instr::TableSet(x) => {
                // Instr_ok/table.set
                crate::exec::hit_op!("Instr_ok/table.set", instr);
                let tt = self.table(*x)?;
                self.pop_expect(ValType::Ref(tt.elem))?;
                self.pop_expect(I32)?;
            }
            Instr::TableSize(x) => {
                // Instr_ok/table.size
                crate::exec::hit_op!("Instr_ok/table.size", instr);
                self.table(*x)?;
                self.push(I32);
            }
            Instr::TableGrow(x) => {
                // Instr_ok/table.grow
                crate::exec::hit_op!("Instr_ok/table.grow", instr);
                let tt = self.table(*x)?;
                self.pop_expect(I32)?;
                self.pop_expect(ValType::Ref(tt.elem))?;
                self.push(I32);
            }
            Instr::TableFill(x) => {
                // Instr_ok/table.fill
                crate::exec::hit_op!("Instr_ok/table.fill", instr);
                let tt = self.table(*x)?;
                self.pop_expect(I32)?;
                self.pop_expect(ValType::Ref(tt.elem))?;
                self.pop_expect(I32)?;
            }
            Instr::TableCopy(x1, x2) => {
                // Instr_ok/table.copy
                crate::exec::hit_op!("Instr_ok/table.copy", instr);
                let t1 = self.table(*x1)?;
                let t2 = self.table(*x2)?;
                if !valtype_sub(ValType::Ref(t2.elem), ValType::Ref(t1.elem)) {
                    return Err(self.err(format!(
                        "type mismatch: table.copy from {} to {}",
                        ValType::Ref(t2.elem),
                        ValType::Ref(t1.elem)
                    )));
                }
                self.pop_vals(&[I32, I32, I32])?;
            }
            Instr::TableInit(x, y) => {
                // Instr_ok/table.init
                crate::exec::hit_op!("Instr_ok/table.init", instr);
                let tt = self.table(*x)?;
                let rt = self.elem(*y)?;
                if !valtype_sub(ValType::Ref(rt), ValType::Ref(tt.elem)) {
                    return Err(self.err(format!(
                        "type mismatch: table.init of {} into {}",
                        ValType::Ref(rt),
                        ValType::Ref(tt.elem)
                    )));
                }
                self.pop_vals(&[I32, I32, I32])?;
            }
            Instr::ElemDrop(x) => {
                // Instr_ok/elem.drop
                crate::exec::hit_op!("Instr_ok/elem.drop", instr);
                self.elem(*x)?;
            }
            Instr::Load(nt, None, x, m) => {
                // Instr_ok/load-val
                crate::exec::hit_op!("Instr_ok/load-val", instr);
                self.mem(*x)?;
                self.memarg(*m, nt.size())?;
                self.unop_to(I32, nt.val_type())?;
            }
            Instr::Load(nt, Some((sz, _)), x, m) => {
                // Instr_ok/load-pack
                crate::exec::hit_op!("Instr_ok/load-pack", instr);
                self.mem(*x)?;
                self.memarg(*m, *sz)?;
                self.unop_to(I32, nt.val_type())?;
            }
            Instr::Store(nt, None, x, m) => {
                // Instr_ok/store-val
                crate::exec::hit_op!("Instr_ok/store-val", instr);
                self.mem(*x)?;
                self.memarg(*m, nt.size())?;
                self.pop_vals(&[I32, nt.val_type()])?;
            }
            Instr::Store(nt, Some(sz), x, m) => {
                // Instr_ok/store-pack
                crate::exec::hit_op!("Instr_ok/store-pack", instr);
                self.mem(*x)?;
                self.memarg(*m, *sz)?;
                self.pop_vals(&[I32, nt.val_type()])?;
            }
            Instr::VLoad(op, x, m) => {
                let n = match op {
                    None => {
                        // Instr_ok/vload-val
                        crate::exec::hit_op!("Instr_ok/vload-val", instr);
                        128
                    }
                    Some(VLoadOp::Shape { sz, m, .. }) => {
                        // Instr_ok/vload-pack
                        crate::exec::hit_op!("Instr_ok/vload-pack", instr);
                        sz.saturating_mul(*m)
                    }
                    Some(VLoadOp::Splat(n)) => {
                        // Instr_ok/vload-splat
                        crate::exec::hit_op!("Instr_ok/vload-splat", instr);
                        *n
                    }
                    Some(VLoadOp::Zero(n)) => {
                        // Instr_ok/vload-zero
                        crate::exec::hit_op!("Instr_ok/vload-zero", instr);
                        *n
                    }
                };
                self.mem(*x)?;
                self.memarg(*m, n)?;
                self.unop_to(I32, V128)?;
            }
            Instr::VLoadLane(n, x, m, i) => {
                // Instr_ok/vload_lane
                crate::exec::hit_op!("Instr_ok/vload_lane", instr);
                self.mem(*x)?;
                self.memarg(*m, *n)?;
                self.lane(*i, 128 / (*n).max(1))?;
                self.pop_vals(&[I32, V128])?;
                self.push(V128);
            }
            Instr::VStore(x, m) => {
                // Instr_ok/vstore
                crate::exec::hit_op!("Instr_ok/vstore", instr);
                self.mem(*x)?;
                self.memarg(*m, 128)?;
                self.pop_vals(&[I32, V128])?;
            }
            Instr::VStoreLane(n, x, m, i) => {
                // Instr_ok/vstore_lane
                crate::exec::hit_op!("Instr_ok/vstore_lane", instr);
                self.mem(*x)?;
                self.memarg(*m, *n)?;
                self.lane(*i, 128 / (*n).max(1))?;
                self.pop_vals(&[I32, V128])?;
            }
            Instr::MemorySize(x) => {
                // Instr_ok/memory.size
                crate::exec::hit_op!("Instr_ok/memory.size", instr);
                self.mem(*x)?;
                self.push(I32);
            }
            Instr::MemoryGrow(x) => {
                // Instr_ok/memory.grow
                crate::exec::hit_op!("Instr_ok/memory.grow", instr);
                self.mem(*x)?;
                self.unop(I32)?;
            }
            Instr::MemoryFill(x) => {
                // Instr_ok/memory.fill
                crate::exec::hit_op!("Instr_ok/memory.fill", instr);
                self.mem(*x)?;
                self.pop_vals(&[I32, I32, I32])?;
            }
            Instr::MemoryCopy(x1, x2) => {
                // Instr_ok/memory.copy
                crate::exec::hit_op!("Instr_ok/memory.copy", instr);
                self.mem(*x1)?;
                self.mem(*x2)?;
                self.pop_vals(&[I32, I32, I32])?;
            }
            Instr::MemoryInit(x, y) => {
                // Instr_ok/memory.init
                crate::exec::hit_op!("Instr_ok/memory.init", instr);
                self.mem(*x)?;
                self.data(*y)?;
                self.pop_vals(&[I32, I32, I32])?;
            }
            Instr::DataDrop(x) => {
                // Instr_ok/data.drop
                crate::exec::hit_op!("Instr_ok/data.drop", instr);
                self.data(*x)?;
            }
            Instr::RefNull(ht) => {
                // Instr_ok/ref.null
                crate::exec::hit_op!("Instr_ok/ref.null", instr);
                heaptype_ok(*ht).map_err(|e| self.err(e.message))?;
                self.push(ValType::Ref(RefType {
                    nullable: true,
                    heap: *ht,
                }));
            }
            Instr::RefIsNull => {
                // Instr_ok/ref.is_null
                crate::exec::hit_op!("Instr_ok/ref.is_null", instr);
                match self.pop()? {
                    None | Some(ValType::Ref(_)) => {}
                    Some(t) => {
                        return Err(
                            self.err(format!("type mismatch: expected a reference, found {t}"))
                        );
                    }
                }
                self.push(I32);
            }
            Instr::RefFunc(x) => {
                // Instr_ok/ref.func
                crate::exec::hit_op!("Instr_ok/ref.func", instr);
                self.func(*x)?;
                if !self.c.refs.contains(x) {
                    return Err(self.err(format!("undeclared function reference {x}")));
                }
                self.push(ValType::FUNCREF);
            }
            Instr::Const(nt, _) => {
                // Instr_ok/const
                crate::exec::hit_op!("Instr_ok/const", instr);
                self.push(nt.val_type());
            }
            Instr::Unop(nt, _) => {
                // Instr_ok/unop
                crate::exec::hit_op!("Instr_ok/unop", instr);
                self.unop(nt.val_type())?;
            }
            Instr::Binop(nt, _) => {
                // Instr_ok/binop
                crate::exec::hit_op!("Instr_ok/binop", instr);
                self.binop(nt.val_type())?;
            }
            Instr::Testop(nt) => {
                // Instr_ok/testop
                crate::exec::hit_op!("Instr_ok/testop", instr);
                self.unop_to(nt.val_type(), I32)?;
            }
            Instr::Relop(nt, _) => {
                // Instr_ok/relop
                crate::exec::hit_op!("Instr_ok/relop", instr);
                self.pop_expect(nt.val_type())?;
                self.pop_expect(nt.val_type())?;
                self.push(I32);
            }
            Instr::Cvtop(to, from, _) => {
                // Instr_ok/cvtop
                crate::exec::hit_op!("Instr_ok/cvtop", instr);
                self.unop_to(from.val_type(), to.val_type())?;
            }
            Instr::VConst(_) => {
                // Instr_ok/vconst
                crate::exec::hit_op!("Instr_ok/vconst", instr);
                self.push(V128);
            }
            Instr::Vvop(op) => match op {
                VvOp::Not => {
                    // Instr_ok/vvunop
                    crate::exec::hit_op!("Instr_ok/vvunop", instr);
                    self.unop(V128)?;
                }
                VvOp::And | VvOp::AndNot | VvOp::Or | VvOp::Xor => {
                    // Instr_ok/vvbinop
                    crate::exec::hit_op!("Instr_ok/vvbinop", instr);
                    self.binop(V128)?;
                }
                VvOp::Bitselect => {
                    // Instr_ok/vvternop
                    crate::exec::hit_op!("Instr_ok/vvternop", instr);
                    self.pop_vals(&[V128, V128, V128])?;
                    self.push(V128);
                }
                VvOp::AnyTrue => {
                    // Instr_ok/vvtestop
                    crate::exec::hit_op!("Instr_ok/vvtestop", instr);
                    self.unop_to(V128, I32)?;
                }
            },
            Instr::VUnop(..) => {
                // Instr_ok/vunop
                crate::exec::hit_op!("Instr_ok/vunop", instr);
                self.unop(V128)?;
            }
            Instr::VBinop(..) => {
                // Instr_ok/vbinop
                crate::exec::hit_op!("Instr_ok/vbinop", instr);
                self.binop(V128)?;
            }
            Instr::VAllTrue(_) => {
                // Instr_ok/vtestop
                crate::exec::hit_op!("Instr_ok/vtestop", instr);
                self.unop_to(V128, I32)?;
            }
            Instr::VRelop(..) => {
                // Instr_ok/vrelop
                crate::exec::hit_op!("Instr_ok/vrelop", instr);
                self.binop(V128)?;
            }
            Instr::VShiftop(..) => {
                // Instr_ok/vshiftop
                crate::exec::hit_op!("Instr_ok/vshiftop", instr);
                self.pop_vals(&[V128, I32])?;
                self.push(V128);
            }
            Instr::VBitmask(_) => {
                // Instr_ok/vbitmask
                crate::exec::hit_op!("Instr_ok/vbitmask", instr);
                self.unop_to(V128, I32)?;
            }
            Instr::VSwizzle => {
                // Instr_ok/vswizzlop
                crate::exec::hit_op!("Instr_ok/vswizzlop", instr);
                self.binop(V128)?;
            }
            Instr::VShuffle(lanes) => {
                // Instr_ok/vshuffle
                crate::exec::hit_op!("Instr_ok/vshuffle", instr);
                for i in lanes {
                    self.lane(*i, 2 * Shape::I8X16.dim)?;
                }
                self.binop(V128)?;
            }
            Instr::VSplat(sh) => {
                // Instr_ok/vsplat
                crate::exec::hit_op!("Instr_ok/vsplat", instr);
                self.unop_to(unpacked(*sh), V128)?;
            }
            Instr::VExtractLane(sh, _, i) => {
                // Instr_ok/vextract_lane
                crate::exec::hit_op!("Instr_ok/vextract_lane", instr);
                self.lane(*i, sh.dim)?;
                self.unop_to(V128, unpacked(*sh))?;
            }
            Instr::VReplaceLane(sh, i) => {
                // Instr_ok/vreplace_lane
                crate::exec::hit_op!("Instr_ok/vreplace_lane", instr);
                self.lane(*i, sh.dim)?;
                self.pop_vals(&[V128, unpacked(*sh)])?;
                self.push(V128);
            }
            Instr::VExtaddPairwise(..) => {
                // Instr_ok/vextunop
                crate::exec::hit_op!("Instr_ok/vextunop", instr);
                self.unop(V128)?;
            }
            Instr::VExtmul(..) | Instr::VDot => {
                // Instr_ok/vextbinop
                crate::exec::hit_op!("Instr_ok/vextbinop", instr);
                self.binop(V128)?;
            }
            Instr::VNarrow(..) => {
                // Instr_ok/vnarrow
                crate::exec::hit_op!("Instr_ok/vnarrow", instr);
                self.binop(V128)?;
            }
            Instr::VCvtop(..) => {
                // Instr_ok/vcvtop
                crate::exec::hit_op!("Instr_ok/vcvtop", instr);
                self.unop(V128)?;
            }
        }
        Ok(())
    }

    fn unop_to(&mut self, from: ValType, to: ValType) -> Result<()> {
        self.pop_expect(from)?;
        self.push(to);
        Ok(())
    }
}

/// `Expr_ok`: `C |- expr : results`, with the given locals and `RETURN` (none in
/// constant expressions). The function's own label is the expression's frame.
pub(crate) fn expr_ok<'m>(
    c: &Context<'m>,
    locals: &Locals,
    ret: Option<&'m [ValType]>,
    expr: &'m [Instr],
    results: &'m [ValType],
) -> Result<()> {
    // Expr_ok
    crate::hit!("Expr_ok");
    let mut checker = Checker {
        c,
        locals,
        ret,
        vals: Vec::new(),
        ctrls: Vec::new(),
        count: 0,
        at: None,
    };
    checker.run(expr, Types::Slice(results))
}

/// `Expr_ok_const`: `C |- expr : t CONST`, that is `Expr_const` (every instruction is
/// constant, checked first, as the spec test suite expects "constant expression
/// required" for `nop` rather than "type mismatch") and `Expr_ok`.
pub(crate) fn expr_ok_const(c: &Context<'_>, expr: &[Instr], t: ValType) -> Result<()> {
    // Expr_ok_const
    crate::hit!("Expr_ok_const");
    // Expr_const
    crate::hit!("Expr_const");
    for (i, instr) in expr.iter().enumerate() {
        let at = |message: String| ValidationError {
            message,
            func: None,
            instr: Some(i),
        };
        match instr {
            Instr::Const(..) => {
                // Instr_const/const
                crate::exec::hit_op!("Instr_const/const", instr);
            }
            Instr::VConst(_) => {
                // Instr_const/vconst
                crate::exec::hit_op!("Instr_const/vconst", instr);
            }
            Instr::RefNull(_) => {
                // Instr_const/ref.null
                crate::exec::hit_op!("Instr_const/ref.null", instr);
            }
            Instr::RefFunc(_) => {
                // Instr_const/ref.func
                crate::exec::hit_op!("Instr_const/ref.func", instr);
            }
            Instr::GlobalGet(x) => {
                // Instr_const/global.get (2.0: `C.GLOBALS[x] = t`, an immutable global;
                // the context holds only the imported globals)
                crate::exec::hit_op!("Instr_const/global.get", instr);
                let gt = c
                    .globals
                    .get(*x as usize)
                    .ok_or_else(|| at(format!("unknown global {x}")))?;
                if gt.mutable {
                    return Err(at(format!(
                        "constant expression required: global {x} is mutable"
                    )));
                }
            }
            other => {
                return Err(at(format!(
                    "constant expression required: {} is not constant",
                    instr_name(other)
                )));
            }
        }
    }
    let locals = Locals::none();
    let mut checker = Checker {
        c,
        locals: &locals,
        ret: None,
        vals: Vec::new(),
        ctrls: Vec::new(),
        count: 0,
        at: None,
    };
    // Expr_ok
    crate::hit!("Expr_ok");
    checker.run(expr, Types::One(t))
}
