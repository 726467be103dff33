//! The code of a module instance: function bodies flattened (without recursion, so that no
//! block nesting depth grows the host stack) into a sequence of ops whose structured
//! instructions carry their resolved branch targets.

use super::names::OpId;
use crate::ast::{BinOp, BlockType, Func, Instr, MemArg, NumType, RelOp, Sx, Sz, UnOp, VvOp};
use crate::value::FuncType;

/// What a body being copied becomes in its parent.
#[cfg(test)]
enum Hdr<'a> {
    Root,
    Block(BlockType),
    Loop(BlockType),
    Then(BlockType, &'a [Instr]),
    Else(BlockType, Vec<Instr>),
}

#[cfg(test)]
struct Work<'a> {
    src: &'a [Instr],
    i: usize,
    out: Vec<Instr>,
    hdr: Hdr<'a>,
}

#[cfg(test)]
fn work<'a>(src: &'a [Instr], hdr: Hdr<'a>) -> Work<'a> {
    Work {
        src,
        i: 0,
        out: Vec::with_capacity(src.len()),
        hdr,
    }
}

/// A deep copy of an instruction sequence, with an explicit stack.
#[cfg(test)]
pub(crate) fn clone_expr(e: &[Instr]) -> Vec<Instr> {
    let mut stack = vec![work(e, Hdr::Root)];
    loop {
        let Some(top) = stack.last_mut() else {
            return Vec::new();
        };
        if let Some(ins) = top.src.get(top.i) {
            top.i += 1;
            match ins {
                Instr::Block(bt, b) => stack.push(work(b, Hdr::Block(*bt))),
                Instr::Loop(bt, b) => stack.push(work(b, Hdr::Loop(*bt))),
                Instr::If(bt, t, e) => stack.push(work(t, Hdr::Then(*bt, e))),
                other => top.out.push(other.clone()),
            }
            continue;
        }
        let Some(done) = stack.pop() else {
            return Vec::new();
        };
        let finished = match done.hdr {
            Hdr::Root => return done.out,
            Hdr::Then(bt, e) => {
                stack.push(work(e, Hdr::Else(bt, done.out)));
                continue;
            }
            Hdr::Block(bt) => Instr::Block(bt, done.out),
            Hdr::Loop(bt) => Instr::Loop(bt, done.out),
            Hdr::Else(bt, then) => Instr::If(bt, then, done.out),
        };
        if let Some(parent) = stack.last_mut() {
            parent.out.push(finished);
        }
    }
}

/// Drops an instruction sequence with an explicit stack.
#[cfg(test)]
pub(crate) fn drop_expr(e: Vec<Instr>) {
    let mut pending = vec![e];
    while let Some(mut v) = pending.pop() {
        for ins in v.iter_mut() {
            match ins {
                Instr::Block(_, b) | Instr::Loop(_, b) => pending.push(std::mem::take(b)),
                Instr::If(_, t, e) => {
                    pending.push(std::mem::take(t));
                    pending.push(std::mem::take(e));
                }
                _ => {}
            }
        }
    }
}

/// Where a branch goes, resolved when flattening: validation fixes the operand stack's
/// height at every instruction (relative to the frame's), so labels need no runtime
/// record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The op where execution continues; [`RETURN`] leaves the function.
    pub to: u32,
    /// The label's height above the frame's base: the kept values move down to it.
    pub height: u32,
    /// How many values the branch keeps.
    pub arity: u32,
    /// Whether the label index is 0 (`Step_pure/br-label-zero`) rather than more
    /// (`Step_pure/br-label-succ`).
    pub zero: bool,
}

/// [`Target::to`] of a branch to the function's body label.
pub(crate) const RETURN: u32 = u32::MAX;

/// One instruction of a function's flat code: a leaf instruction as in the abstract
/// syntax, or a structured instruction whose body follows it, branches with their targets
/// resolved (indices into the function's code), and the most frequent leaf instructions
/// in a form that dispatches once.
#[derive(Debug)]
pub(crate) enum Op {
    /// An instruction without a body and without a form of its own below, with the index
    /// of its name for the coverage counters.
    I(Instr, OpId),
    /// `BLOCK`: its body follows.
    Block,
    /// `LOOP`: its body follows (a branch to it continues there).
    Loop,
    /// `IF`: the then-branch follows; the else-branch starts at `els`.
    If { els: u32 },
    /// The end of a then-branch: leaves the label and continues at `end`.
    Else { end: u32 },
    /// The end of a block, loop or if body: leaves the label.
    End,
    /// The end of the function's body: leaves the frame.
    EndFrame,
    /// `BR l`.
    Br(Target),
    /// `BR_IF l`.
    BrIf(Target),
    /// `BR_TABLE l* l`: the targets of `l*`, then the default's.
    BrTable(Box<[Target]>),
    /// `RETURN`; whether it is inside a block, loop or if of its function.
    Return(bool),
    /// `CALL x`.
    Call(u32),
    /// `LOCAL.GET x`.
    LocalGet(u32),
    /// `LOCAL.SET x`.
    LocalSet(u32),
    /// `LOCAL.TEE x`.
    LocalTee(u32),
    /// `CONST nt c` (bits).
    Const(u64),
    /// `UNOP nt unop`.
    Unop(NumType, UnOp, OpId),
    /// `BINOP nt binop`.
    Binop(NumType, BinOp, OpId),
    /// `TESTOP nt testop`.
    Testop(NumType, OpId),
    /// `RELOP nt relop`.
    Relop(NumType, RelOp, OpId),
    /// `LOAD nt (sz sx)? x memarg`.
    Load(NumType, Option<(Sz, Sx)>, u32, MemArg, OpId),
    /// `STORE nt sz? x memarg`.
    Store(NumType, Option<Sz>, u32, MemArg, OpId),
    /// A binary or relational operator with the ops before it, fused (see [`Fused`]),
    /// leaving its result on the stack.
    FusedPush(Fused),
    /// The same, then `LOCAL.SET z`.
    FusedSet(Fused, u32),
    /// The same, then `BR_IF l`.
    FusedBrIf(Fused, Target),
    /// The same, then `IF` (whose else-branch starts at `els`).
    FusedIf(Fused, u32),
    /// `LOCAL.GET x` then the `LOAD` after it, run as one op (see [`Fused`] for how the
    /// ops it stands for stay in the code, take fuel and count).
    LoadLocal(u32, NumType, Option<(Sz, Sx)>, u32, MemArg, OpId),
    /// `LOCAL.GET x`, then `CONST c` or `LOCAL.GET y`, then the `STORE` after them, run as
    /// one op (the same way).
    StoreLocal(u32, Val, NumType, Option<Sz>, u32, MemArg, OpId),
}

/// The value operand of a [`Op::StoreLocal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Val {
    /// `CONST c` (bits).
    Const(u64),
    /// `LOCAL.GET y`.
    Local(u32),
}

/// Which operator a [`Fused`] op applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FOp {
    /// `BINOP nt binop`.
    Bin(NumType, BinOp),
    /// `RELOP nt relop`.
    Rel(NumType, RelOp),
    /// `TESTOP nt` (`eqz`): one operand.
    Test(NumType),
}

impl FOp {
    /// Whether it takes one operand.
    #[inline(always)]
    pub(crate) fn unary(self) -> bool {
        matches!(self, FOp::Test(_))
    }
}

/// Where a [`Fused`] op takes its operands from: the op runs the `LOCAL.GET`s and
/// `CONST`s that precede the operator in the code (or takes the operands from the stack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Args {
    /// `LOCAL.GET x LOCAL.GET y op`.
    LocalLocal(u32, u32),
    /// `LOCAL.GET x CONST c op`.
    LocalConst(u32, u64),
    /// `LOCAL.GET x op`: the first operand on the stack.
    Local(u32),
    /// `CONST c op`: the first operand on the stack.
    Const(u64),
    /// `op`: the operands on the stack (only with a `LOCAL.SET`, `BR_IF` or `IF` after
    /// it).
    Stack,
    /// `LOCAL.GET x op` for an operator of one operand.
    One(u32),
}

/// Up to four ops run as one (a "superinstruction"), so that they dispatch once. The
/// ops it stands for stay in the code after it (a branch may land among them), and it
/// continues after the last; it counts every rule they fire, and takes one unit of fuel
/// for each of them. With too little fuel it runs only its first op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fused {
    pub args: Args,
    pub op: FOp,
    /// The operator's name index.
    pub id: OpId,
}

impl Fused {
    /// How many ops it stands for up to the operator.
    pub(crate) fn len(&self) -> u64 {
        match self.args {
            Args::LocalLocal(..) | Args::LocalConst(..) => 3,
            Args::Local(_) | Args::Const(_) | Args::One(_) => 2,
            Args::Stack => 1,
        }
    }
}

/// The memory access with a local's address that starts at `at(0)`, if any.
fn fuse_access<'a>(at: impl Fn(usize) -> Option<&'a Op>) -> Option<Op> {
    let Some(Op::LocalGet(a)) = at(0) else {
        return None;
    };
    match (at(1), at(2)) {
        (Some(Op::Load(nt, pack, x, ma, id)), _) => {
            Some(Op::LoadLocal(*a, *nt, *pack, *x, *ma, *id))
        }
        (Some(Op::Const(c)), Some(Op::Store(nt, pack, x, ma, id))) => {
            Some(Op::StoreLocal(*a, Val::Const(*c), *nt, *pack, *x, *ma, *id))
        }
        (Some(Op::LocalGet(y)), Some(Op::Store(nt, pack, x, ma, id))) => {
            Some(Op::StoreLocal(*a, Val::Local(*y), *nt, *pack, *x, *ma, *id))
        }
        _ => None,
    }
}

/// Puts a [`Fused`] op (or a [`Op::LoadLocal`], [`Op::StoreLocal`]) in place of each op
/// that starts a sequence it stands for.
fn fuse(code: &mut [Op]) {
    for i in 0..code.len() {
        let at = |k: usize| code.get(i + k);
        if let Some(op) = fuse_access(at) {
            code[i] = op;
            continue;
        }
        let (args, n) = match (at(0), at(1)) {
            (Some(Op::LocalGet(x)), Some(Op::LocalGet(y))) => (Args::LocalLocal(*x, *y), 2),
            (Some(Op::LocalGet(x)), Some(Op::Const(c))) => (Args::LocalConst(*x, *c), 2),
            (Some(Op::LocalGet(x)), _) => (Args::Local(*x), 1),
            (Some(Op::Const(c)), _) => (Args::Const(*c), 1),
            (Some(Op::Binop(..) | Op::Relop(..) | Op::Testop(..)), _) => (Args::Stack, 0),
            _ => continue,
        };
        // A two-operand shape whose operator is not next may still be a one-operand one.
        let (args, n) = match (args, at(n)) {
            (Args::LocalLocal(x, _) | Args::LocalConst(x, _), Some(op))
                if !matches!(op, Op::Binop(..) | Op::Relop(..)) =>
            {
                (Args::Local(x), 1)
            }
            other => (other.0, n),
        };
        let (op, id) = match at(n) {
            Some(Op::Binop(nt, op, id)) => (FOp::Bin(*nt, *op), *id),
            Some(Op::Relop(nt, op, id)) => (FOp::Rel(*nt, *op), *id),
            Some(Op::Testop(nt, id)) => (FOp::Test(*nt), *id),
            _ => continue,
        };
        let args = match (op, args) {
            (FOp::Test(_), Args::Local(x)) => Args::One(x),
            (FOp::Test(_), Args::Stack) => Args::Stack,
            (FOp::Test(_), _) => continue,
            (_, args) => args,
        };
        let f = Fused { args, op, id };
        code[i] = match at(n + 1) {
            Some(Op::LocalSet(z)) => Op::FusedSet(f, *z),
            Some(Op::BrIf(t)) => Op::FusedBrIf(f, *t),
            Some(Op::If { els }) => Op::FusedIf(f, *els),
            _ if args == Args::Stack => continue,
            _ => Op::FusedPush(f),
        };
    }
}

/// A function defined by a module, flattened.
#[derive(Debug)]
pub(crate) struct FlatFunc {
    pub code: Vec<Op>,
}

/// `(params, results)` of a block type.
fn block_arity(types: &[FuncType], bt: BlockType) -> (u32, u32) {
    match bt {
        BlockType::Result(None) => (0, 0),
        BlockType::Result(Some(_)) => (0, 1),
        BlockType::Type(i) => arity(types.get(i as usize)),
    }
}

fn arity(t: Option<&FuncType>) -> (u32, u32) {
    t.map(|t| (t.params.len() as u32, t.results.len() as u32))
        .unwrap_or((0, 0))
}

/// How many operands an instruction without a body pops and pushes (calls and branches
/// aside).
fn effect(i: &Instr) -> (u32, u32) {
    use Instr::*;
    match i {
        Nop | Unreachable | Br(_) | Return | ElemDrop(_) | DataDrop(_) => (0, 0),
        Drop | BrIf(_) | BrTable(..) | LocalSet(_) | GlobalSet(_) => (1, 0),
        Select(_) => (3, 1),
        LocalGet(_) | GlobalGet(_) | TableSize(_) | MemorySize(_) | RefNull(_) | RefFunc(_)
        | Const(..) | VConst(_) => (0, 1),
        LocalTee(_) | TableGet(_) | Load(..) | VLoad(..) | MemoryGrow(_) | RefIsNull | Unop(..)
        | Testop(_) | Cvtop(..) | VUnop(..) | VAllTrue(_) | VBitmask(_) | VExtaddPairwise(..)
        | VCvtop(..) | VSplat(_) | VExtractLane(..) => (1, 1),
        TableSet(_) | Store(..) | VStore(..) | VStoreLane(..) => (2, 0),
        TableGrow(_) | VLoadLane(..) | Binop(..) | Relop(..) | VBinop(..) | VRelop(..)
        | VShiftop(..) | VSwizzle | VShuffle(_) | VExtmul(..) | VDot | VNarrow(..)
        | VReplaceLane(..) => (2, 1),
        TableFill(_) | TableCopy(..) | TableInit(..) | MemoryFill(_) | MemoryCopy(..)
        | MemoryInit(..) => (3, 0),
        Vvop(op) => match op {
            VvOp::Not | VvOp::AnyTrue => (1, 1),
            VvOp::Bitselect => (3, 1),
            VvOp::And | VvOp::AndNot | VvOp::Or | VvOp::Xor => (2, 1),
        },
        // Bodies are flattened, calls are looked up.
        Block(..) | Loop(..) | If(..) | Call(_) | CallIndirect(..) => (0, 0),
    }
}

/// A block, loop, if or function body being flattened.
struct Ctl<'a> {
    src: &'a [Instr],
    i: usize,
    kind: Kind<'a>,
    /// The op index of the header (the function's: 0).
    hdr: usize,
    /// The operand stack height below the label's operands.
    height: u32,
    params: u32,
    results: u32,
    /// The rest of the body cannot be reached (after `br`, `return`, ...).
    dead: bool,
    /// Branches to the label waiting for its end: (op, index in a `BrTable`).
    pending: Vec<(usize, usize)>,
}

enum Kind<'a> {
    Func,
    Block,
    Loop,
    Then(&'a [Instr]),
    /// The op index of the `Else`.
    Else(usize),
}

/// How many blocks, loops and ifs of its function enclose the op at `at` of flat code.
pub(crate) fn label_depth(code: &[Op], at: usize) -> usize {
    let mut depth: usize = 0;
    for op in code.iter().take(at) {
        match op {
            Op::Block | Op::Loop | Op::If { .. } => depth += 1,
            Op::End => depth = depth.saturating_sub(1),
            // `Else` ends the then-branch and starts the else-branch: one label still.
            _ => {}
        }
    }
    depth
}

/// Flattens a function body (without recursion): every body ends with `End` (the
/// function's with `EndFrame`). `funcs` are the `(params, results)` of the module's
/// functions, imports first; `results` the function's own.
pub(crate) fn flatten(
    body: &[Instr],
    types: &[FuncType],
    funcs: &[(u32, u32)],
    results: u32,
) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(body.len() + 1);
    let mut h: u32 = 0;
    let mut stack: Vec<Ctl<'_>> = vec![Ctl {
        src: body,
        i: 0,
        kind: Kind::Func,
        hdr: 0,
        height: 0,
        params: 0,
        results,
        dead: false,
        pending: Vec::new(),
    }];
    // The target of label `l` (pending when its end is not known yet).
    let target = |stack: &mut Vec<Ctl<'_>>, l: u32, at: usize, k: usize| -> Target {
        let zero = l == 0;
        let depth = stack.len();
        let Some(c) = (l as usize)
            .checked_add(1)
            .and_then(|n| depth.checked_sub(n))
            .and_then(|j| stack.get_mut(j))
            .filter(|c| !matches!(c.kind, Kind::Func))
        else {
            return Target {
                to: RETURN,
                height: 0,
                arity: results,
                zero,
            };
        };
        if let Kind::Loop = c.kind {
            return Target {
                to: c.hdr as u32 + 1,
                height: c.height,
                arity: c.params,
                zero,
            };
        }
        c.pending.push((at, k));
        Target {
            to: 0,
            height: c.height,
            arity: c.results,
            zero,
        }
    };
    while let Some(top) = stack.last_mut() {
        if let Some(ins) = top.src.get(top.i) {
            top.i += 1;
            let at = out.len();
            let (pop, push) = match ins {
                Instr::Call(x) => funcs.get(*x as usize).copied().unwrap_or((0, 0)),
                Instr::CallIndirect(_, y) => {
                    let (p, r) = arity(types.get(*y as usize));
                    (p + 1, r)
                }
                i => effect(i),
            };
            let (bt, kind, body, cond) = match ins {
                Instr::Block(bt, b) => (*bt, Kind::Block, b, 0),
                Instr::Loop(bt, b) => (*bt, Kind::Loop, b, 0),
                Instr::If(bt, t, e) => (*bt, Kind::Then(e), t, 1),
                _ => {
                    let op = match ins {
                        Instr::Br(l) => Op::Br(target(&mut stack, *l, at, usize::MAX)),
                        Instr::BrIf(l) => Op::BrIf(target(&mut stack, *l, at, usize::MAX)),
                        Instr::BrTable(ls, d) => Op::BrTable(
                            ls.iter()
                                .chain(std::iter::once(d))
                                .enumerate()
                                .map(|(k, l)| target(&mut stack, *l, at, k))
                                .collect(),
                        ),
                        Instr::Return => Op::Return(stack.len() > 1),
                        Instr::Call(x) => Op::Call(*x),
                        Instr::LocalGet(x) => Op::LocalGet(*x),
                        Instr::LocalSet(x) => Op::LocalSet(*x),
                        Instr::LocalTee(x) => Op::LocalTee(*x),
                        Instr::Const(_, c) => Op::Const(*c),
                        Instr::Unop(nt, op) => Op::Unop(*nt, *op, OpId::of(ins)),
                        Instr::Binop(nt, op) => Op::Binop(*nt, *op, OpId::of(ins)),
                        Instr::Testop(nt) => Op::Testop(*nt, OpId::of(ins)),
                        Instr::Relop(nt, op) => Op::Relop(*nt, *op, OpId::of(ins)),
                        Instr::Load(nt, pack, x, ma) => {
                            Op::Load(*nt, *pack, *x, *ma, OpId::of(ins))
                        }
                        Instr::Store(nt, pack, x, ma) => {
                            Op::Store(*nt, *pack, *x, *ma, OpId::of(ins))
                        }
                        other => Op::I(other.clone(), OpId::of(other)),
                    };
                    out.push(op);
                    let Some(top) = stack.last_mut() else { break };
                    if !top.dead {
                        h = h.saturating_sub(pop) + push;
                    }
                    if matches!(
                        ins,
                        Instr::Br(_) | Instr::BrTable(..) | Instr::Return | Instr::Unreachable
                    ) {
                        top.dead = true;
                    }
                    continue;
                }
            };
            let (params, results) = block_arity(types, bt);
            h = h.saturating_sub(cond);
            let height = h.saturating_sub(params);
            out.push(match kind {
                Kind::Block => Op::Block,
                Kind::Loop => Op::Loop,
                _ => Op::If { els: 0 },
            });
            stack.push(Ctl {
                src: body,
                i: 0,
                kind,
                hdr: at,
                height,
                params,
                results,
                dead: false,
                pending: Vec::new(),
            });
            continue;
        }
        let Some(done) = stack.pop() else {
            break;
        };
        h = done.height + done.params;
        if let Kind::Then(e) = done.kind {
            // The else-branch starts with the label's parameters again.
            let at = out.len();
            out.push(Op::Else { end: 0 });
            if let Some(Op::If { els }) = out.get_mut(done.hdr) {
                *els = at as u32 + 1;
            }
            stack.push(Ctl {
                src: e,
                i: 0,
                kind: Kind::Else(at),
                dead: false,
                ..done
            });
            continue;
        }
        h = done.height + done.results;
        out.push(if let Kind::Func = done.kind {
            Op::EndFrame
        } else {
            Op::End
        });
        let after = out.len() as u32;
        if let Kind::Else(el) = done.kind
            && let Some(Op::Else { end }) = out.get_mut(el)
        {
            *end = after;
        }
        for (at, k) in done.pending {
            match out.get_mut(at) {
                Some(Op::Br(t) | Op::BrIf(t)) => t.to = after,
                Some(Op::BrTable(ts)) => {
                    if let Some(t) = ts.get_mut(k) {
                        t.to = after;
                    }
                }
                _ => {}
            }
        }
    }
    fuse(&mut out);
    out
}

/// The functions of a module instance, flattened.
#[derive(Debug, Default)]
pub(crate) struct Code(pub Vec<FlatFunc>);

impl Code {
    /// `funcs`: the `(params, results)` of every function of the module, imports first.
    pub(crate) fn of(funcs: &[Func], types: &[FuncType], all: &[(u32, u32)]) -> Code {
        Code(
            funcs
                .iter()
                .map(|f| FlatFunc {
                    code: flatten(&f.body, types, all, arity(types.get(f.ty as usize)).1),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_bodies_copy_and_drop_without_recursion() {
        let mut body = vec![Instr::Nop];
        for k in 0..200_000 {
            body = if k % 3 == 0 {
                vec![Instr::If(BlockType::Result(None), body, vec![Instr::Drop])]
            } else {
                vec![Instr::Nop, Instr::Block(BlockType::Result(None), body)]
            };
        }
        let copy = clone_expr(&body);
        // Compare a few levels, then drop both without recursion.
        assert_eq!(copy.len(), body.len());
        let (mut a, mut b) = (&copy, &body);
        for _ in 0..1000 {
            match (a.last(), b.last()) {
                (Some(Instr::Block(_, x)), Some(Instr::Block(_, y))) => (a, b) = (x, y),
                (Some(Instr::If(_, x, ex)), Some(Instr::If(_, y, ey))) => {
                    assert_eq!(ex, ey);
                    (a, b) = (x, y)
                }
                other => panic!("{other:?}"),
            }
        }
        let flat = flatten(&body, &[], &[], 0);
        assert!(matches!(flat.last(), Some(Op::EndFrame)));
        drop(flat);
        drop_expr(copy);
        drop_expr(body);
    }

    #[test]
    fn flat_code_resolves_targets() {
        use crate::ast::{Instr::*, NumType};
        use crate::value::ValType;
        let i32 = Some(ValType::I32);
        let body = vec![
            Const(NumType::I32, 7),
            Block(BlockType::Result(None), vec![Br(0)]),
            Const(NumType::I32, 0),
            If(BlockType::Result(None), vec![Nop], vec![]),
            Loop(
                BlockType::Result(None),
                vec![Const(NumType::I32, 1), BrIf(0)],
            ),
            Block(
                BlockType::Result(i32),
                vec![
                    Const(NumType::I32, 1),
                    Const(NumType::I32, 2),
                    BrTable(vec![0, 1], 0),
                    Drop,
                ],
            ),
            Call(0),
            Br(0),
        ];
        let f = flatten(&body, &[], &[(2, 1)], 1);
        let shape: Vec<String> = f
            .iter()
            .map(|o| match o {
                Op::I(i, _) => format!("{i:?}"),
                o => format!("{o:?}"),
            })
            .collect();
        let t = |to, height, arity, zero| {
            format!(
                "{:?}",
                Target {
                    to,
                    height,
                    arity,
                    zero
                }
            )
        };
        assert_eq!(
            shape,
            [
                "Const(7)".to_string(),
                "Block".into(),
                format!("Br({})", t(4, 1, 0, true)),
                "End".into(),
                "Const(0)".into(),
                "If { els: 8 }".into(),
                "Nop".into(),
                "Else { end: 9 }".into(),
                "End".into(),
                "Loop".into(),
                "Const(1)".into(),
                format!("BrIf({})", t(10, 1, 0, true)),
                "End".into(),
                "Block".into(),
                "Const(1)".into(),
                "Const(2)".into(),
                format!(
                    "BrTable([{}, {}, {}])",
                    t(19, 1, 1, true),
                    t(RETURN, 0, 1, false),
                    t(19, 1, 1, true)
                ),
                "Drop".into(),
                "End".into(),
                "Call(0)".into(),
                format!("Br({})", t(RETURN, 0, 1, true)),
                "EndFrame".into(),
            ]
        );
    }
}
