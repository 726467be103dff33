//! The code of a module instance: function bodies copied (and later dropped) without
//! recursion, so that no block nesting depth grows the host stack.

use crate::ast::{BlockType, Func, Instr};

/// What a body being copied becomes in its parent.
enum Hdr<'a> {
    Root,
    Block(BlockType),
    Loop(BlockType),
    Then(BlockType, &'a [Instr]),
    Else(BlockType, Vec<Instr>),
}

struct Work<'a> {
    src: &'a [Instr],
    i: usize,
    out: Vec<Instr>,
    hdr: Hdr<'a>,
}

fn work<'a>(src: &'a [Instr], hdr: Hdr<'a>) -> Work<'a> {
    Work {
        src,
        i: 0,
        out: Vec::with_capacity(src.len()),
        hdr,
    }
}

/// A deep copy of an instruction sequence, with an explicit stack.
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

/// The functions of a module instance.
#[derive(Debug, Default)]
pub(crate) struct Code(pub Vec<Func>);

impl Code {
    pub(crate) fn of(funcs: &[Func]) -> Code {
        Code(
            funcs
                .iter()
                .map(|f| Func {
                    ty: f.ty,
                    locals: f.locals.clone(),
                    body: clone_expr(&f.body),
                })
                .collect(),
        )
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        for f in self.0.drain(..) {
            drop_expr(f.body);
        }
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
        drop_expr(copy);
        drop_expr(body);
    }
}
