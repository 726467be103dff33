//! The code of a module instance: function bodies flattened (without recursion, so that no
//! block nesting depth grows the host stack) into a sequence of ops whose structured
//! instructions carry their resolved branch targets.

use super::names::OpId;
use crate::ast::{BlockType, Func, Instr};
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

/// One instruction of a function's flat code: a leaf instruction as in the abstract
/// syntax, or a structured instruction whose body follows it, with its branch targets
/// resolved (indices into the function's code).
#[derive(Debug)]
pub(crate) enum Op {
    /// An instruction without a body (everything but `block`, `loop`, `if`), with the
    /// index of its name for the coverage counters.
    I(Instr, OpId),
    /// `BLOCK`: `p` parameters, `r` results; a branch to it continues at `end` (after its
    /// `End`).
    Block { p: u32, r: u32, end: u32 },
    /// `LOOP`: `p` parameters; a branch to it restarts its body (right after this op).
    Loop { p: u32 },
    /// `IF`: the then-branch follows; the else-branch starts at `els`; a branch to it
    /// continues at `end`.
    If { p: u32, r: u32, els: u32, end: u32 },
    /// The end of a then-branch: leaves the label and continues at `end`.
    Else { end: u32 },
    /// The end of a block, loop or if body (or of the function's body): leaves the label.
    End,
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
        BlockType::Type(i) => types
            .get(i as usize)
            .map(|t| (t.params.len() as u32, t.results.len() as u32))
            .unwrap_or((0, 0)),
    }
}

/// What a body being flattened ends as.
enum Open<'a> {
    Root,
    /// The op index of the block or loop header.
    Block(usize),
    /// The op index of the if header and its else-branch.
    Then(usize, &'a [Instr]),
    /// The op index of the if header and of the else op.
    Else(usize, usize),
}

/// Flattens a function body (without recursion): every body ends with `End`.
pub(crate) fn flatten(body: &[Instr], types: &[FuncType]) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(body.len() + 1);
    let mut stack: Vec<(&[Instr], usize, Open<'_>)> = vec![(body, 0, Open::Root)];
    while let Some((src, i, _)) = stack.last_mut() {
        if let Some(ins) = src.get(*i) {
            *i += 1;
            let at = out.len();
            match ins {
                Instr::Block(bt, b) => {
                    let (p, r) = block_arity(types, *bt);
                    out.push(Op::Block { p, r, end: 0 });
                    stack.push((b, 0, Open::Block(at)));
                }
                Instr::Loop(bt, b) => {
                    let (p, _) = block_arity(types, *bt);
                    out.push(Op::Loop { p });
                    stack.push((b, 0, Open::Block(at)));
                }
                Instr::If(bt, t, e) => {
                    let (p, r) = block_arity(types, *bt);
                    out.push(Op::If {
                        p,
                        r,
                        els: 0,
                        end: 0,
                    });
                    stack.push((t, 0, Open::Then(at, e)));
                }
                other => out.push(Op::I(other.clone(), OpId::of(other))),
            }
            continue;
        }
        let Some((_, _, open)) = stack.pop() else {
            break;
        };
        match open {
            Open::Root => {
                out.push(Op::End);
                break;
            }
            Open::Then(hdr, e) => {
                let at = out.len();
                out.push(Op::Else { end: 0 });
                if let Some(Op::If { els, .. }) = out.get_mut(hdr) {
                    *els = at as u32 + 1;
                }
                stack.push((e, 0, Open::Else(hdr, at)));
            }
            Open::Block(hdr) => {
                out.push(Op::End);
                let after = out.len() as u32;
                if let Some(Op::Block { end, .. }) = out.get_mut(hdr) {
                    *end = after;
                }
            }
            Open::Else(hdr, el) => {
                out.push(Op::End);
                let after = out.len() as u32;
                if let Some(Op::If { end, .. }) = out.get_mut(hdr) {
                    *end = after;
                }
                if let Some(Op::Else { end }) = out.get_mut(el) {
                    *end = after;
                }
            }
        }
    }
    out
}

/// The functions of a module instance, flattened.
#[derive(Debug, Default)]
pub(crate) struct Code(pub Vec<FlatFunc>);

impl Code {
    pub(crate) fn of(funcs: &[Func], types: &[FuncType]) -> Code {
        Code(
            funcs
                .iter()
                .map(|f| FlatFunc {
                    code: flatten(&f.body, types),
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
        let flat = flatten(&body, &[]);
        assert!(matches!(flat.last(), Some(Op::End)));
        drop(flat);
        drop_expr(copy);
        drop_expr(body);
    }

    #[test]
    fn flat_code_resolves_targets() {
        use crate::ast::{Instr::*, NumType};
        let body = vec![
            Block(BlockType::Result(None), vec![Br(0)]),
            If(BlockType::Result(None), vec![Nop], vec![]),
            Loop(BlockType::Result(None), vec![BrIf(0)]),
            Const(NumType::I32, 0),
        ];
        let f = flatten(&body, &[]);
        let shape: Vec<String> = f
            .iter()
            .map(|o| match o {
                Op::I(i, _) => format!("{i:?}"),
                o => format!("{o:?}"),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "Block { p: 0, r: 0, end: 3 }",
                "Br(0)",
                "End",
                "If { p: 0, r: 0, els: 6, end: 7 }",
                "Nop",
                "Else { end: 7 }",
                "End",
                "Loop { p: 0 }",
                "BrIf(0)",
                "End",
                "Const(I32, 0)",
                "End",
            ]
        );
    }
}
