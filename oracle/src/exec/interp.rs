//! The interpreter: the `Step`, `Step_pure` and `Step_read` rules of `8-reduction.spectec`
//! (WebAssembly 2.0; `4.3-execution.instructions.spectec` in 3.0) over the abstract syntax,
//! with explicit stacks of frames and operands.
//!
//! Function bodies run as flat code ([`super::code::Op`]) whose labels were resolved when
//! flattening: validation fixes the operand stack's height at every instruction, so a
//! branch knows where it continues, the label's height above the frame's base and its
//! arity, and no label is pushed at run time. Reaching the `End` of a body is
//! `Step_pure/label-vals` (or `Step_pure/frame-vals` for a function's body), a branch moves
//! the label's arity of values down to the label's height and jumps. Frequent sequences run
//! as one op ([`super::code::Fused`]), counting every rule of the ops they stand for.

use std::rc::Rc;

use super::code::{Args, FOp, Fused, Op, RETURN, Target, Val};
use super::names::OpId;
use super::slots::Slots;
use super::store::{FuncInst, MemInst, ModuleInst, PAGE, Slot, Store, TableInst, Tag};
use super::{ExecError, FuncAddr, Tagged, hit_op, num, simd, taint};
use crate::TrapKind;
use crate::ast::{Instr, MemArg, NumType, Sx, UnOp, VLoadOp};

/// A frame: one call of a function defined by a module.
#[derive(Clone, Copy, Debug)]
struct Frame<'a> {
    /// The function's flat code.
    code: &'a [Op],
    /// Where the caller continues in its code.
    ret: usize,
    inst: usize,
    locals_base: usize,
    /// The operand stack's height below the function's (the body label's height): the
    /// heights of [`Target`]s are above it.
    base: usize,
    /// Number of results.
    arity: usize,
}

/// The configuration's stacks.
struct Machine<'a> {
    stack: Slots,
    locals: Slots,
    frames: Vec<Frame<'a>>,
    /// Control flow or an address depended on a value the spec leaves open: the results
    /// are whatever the other paths give, so they are reported as unknown.
    diverged: bool,
}

fn trap(k: TrapKind) -> ExecError {
    ExecError::Trap(k)
}

fn malformed(what: &str) -> ExecError {
    ExecError::Unsupported(format!("malformed module: {what}"))
}

#[inline(always)]
fn pop_i32(m: &mut Machine<'_>) -> u32 {
    let s = m.stack.pop();
    if !matches!(s.tag, Tag::None) {
        m.diverged = true;
    }
    s.v as u32
}

/// `$e` with `$t` bound to the number type `$nt` as a constant, so that the numeric rule
/// inlined in `$e` is compiled for each type alone (no test of the type left in it).
macro_rules! by_type {
    ($nt:expr, |$t:ident| $e:expr) => {
        match $nt {
            NumType::I32 => {
                let $t = NumType::I32;
                $e
            }
            NumType::I64 => {
                let $t = NumType::I64;
                $e
            }
            NumType::F32 => {
                let $t = NumType::F32;
                $e
            }
            NumType::F64 => {
                let $t = NumType::F64;
                $e
            }
        }
    };
}

/// The operator of a fused op.
#[inline(always)]
fn fop(op: FOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    match op {
        FOp::Bin(nt, op) => by_type!(nt, |t| num::binop(t, op, a, b, id)),
        FOp::Rel(nt, op) => by_type!(nt, |t| num::relop(t, op, a, b, id)),
        FOp::Test(nt) => by_type!(nt, |t| num::testop(t, a, id)),
    }
}

/// [`fop`] out of the reduction loop, for a fused op that runs only its operator (too
/// little fuel for the rest).
#[cold]
#[inline(never)]
fn fop_cold(op: FOp, a: Slot, b: Slot, id: OpId) -> Result<Slot, ExecError> {
    fop(op, a, b, id)
}

/// `UNOP` out of the reduction loop (rarer than the operators that fuse).
#[inline(never)]
fn unop_out_of_loop(nt: NumType, op: UnOp, a: Slot, id: OpId) -> Result<Slot, ExecError> {
    num::unop(nt, op, a, id)
}

/// Where execution goes after a branch or a return.
enum Flow {
    /// On at this op of the current function.
    Jump(usize),
    /// The frame was left: on at this op of the caller.
    Left(usize),
    /// The last frame was left.
    Done,
}

/// The effective address of an access of `width` bytes, if it is within `len`.
#[inline]
fn effective(i: u32, ma: &MemArg, width: u64, len: usize) -> Option<u64> {
    let ea = u64::from(i).checked_add(ma.offset)?;
    (ea.checked_add(width)? <= len as u64).then_some(ea)
}

/// `N` bytes from `s` (within `data`).
#[inline(always)]
fn bytes<const N: usize>(data: &[u8], s: usize) -> [u8; N] {
    let mut b = [0u8; N];
    if let Some(d) = data.get(s..s + N) {
        b.copy_from_slice(d);
    }
    b
}

/// The little-endian number of `width` bytes at `ea` (within `data`).
#[inline(always)]
fn read_le(data: &[u8], ea: u64, width: u64) -> u128 {
    let s = ea as usize;
    match width {
        1 => u128::from(data.get(s).copied().unwrap_or(0)),
        2 => u128::from(u16::from_le_bytes(bytes(data, s))),
        4 => u128::from(u32::from_le_bytes(bytes(data, s))),
        8 => u128::from(u64::from_le_bytes(bytes(data, s))),
        _ => u128::from_le_bytes(bytes(data, s)),
    }
}

#[inline(always)]
fn write_le(mem: &mut MemInst, ea: u64, width: u64, v: u128, tag: Tag) {
    let (s, w) = (ea as usize, width as usize);
    if let Some(d) = mem.data.get_mut(s..s + w) {
        match w {
            1 => d[0] = v as u8,
            2 => d.copy_from_slice(&(v as u16).to_le_bytes()),
            4 => d.copy_from_slice(&(v as u32).to_le_bytes()),
            8 => d.copy_from_slice(&(v as u64).to_le_bytes()),
            _ => d.copy_from_slice(&v.to_le_bytes()[..w]),
        }
    }
    if !matches!(tag, Tag::None) {
        taint::add(&mut mem.taint, ea, ea + width);
    } else if !mem.taint.is_empty() {
        taint::clear(&mut mem.taint, ea, ea + width);
    }
}

fn load_tag(mem: &MemInst, ea: u64, width: u64) -> Tag {
    if taint::overlaps(&mem.taint, ea, ea + width) {
        Tag::Unknown
    } else {
        Tag::None
    }
}

/// Sign- or zero-extends the low `sz` bits of `v` to `n` bits.
fn extend(v: u128, sz: u32, n: u32, sx: Sx) -> u128 {
    let v = v & ((1u128 << sz) - 1);
    let r = match sx {
        Sx::U => v,
        Sx::S => {
            let shift = 128 - sz;
            (((v << shift) as i128) >> shift) as u128
        }
    };
    if n >= 128 { r } else { r & ((1u128 << n) - 1) }
}

impl Store {
    #[inline(always)]
    fn mem_idx(inst: &ModuleInst, x: u32) -> Result<usize, ExecError> {
        inst.mems
            .get(x as usize)
            .copied()
            .ok_or_else(|| malformed("memory index"))
    }

    #[inline(always)]
    fn mem_mut(&mut self, inst: &ModuleInst, x: u32) -> Result<&mut MemInst, ExecError> {
        let a = Self::mem_idx(inst, x)?;
        self.mems
            .get_mut(a)
            .ok_or_else(|| malformed("memory address"))
    }

    fn table_mut(&mut self, inst: &ModuleInst, x: u32) -> Result<&mut TableInst, ExecError> {
        let a = inst
            .tables
            .get(x as usize)
            .copied()
            .ok_or_else(|| malformed("table index"))?;
        self.tables
            .get_mut(a)
            .ok_or_else(|| malformed("table address"))
    }

    fn grow_limit(&self, max: Option<u64>, host: u64, absolute: u64) -> u64 {
        max.unwrap_or(absolute).min(host).min(absolute)
    }

    /// Runs a function to completion: `$invoke#1`'s configuration reduced by `Steps`.
    pub(crate) fn run(&mut self, func: FuncAddr, args: Vec<Slot>) -> Result<Vec<Slot>, ExecError> {
        let mods: Vec<Rc<ModuleInst>> = self.instances.clone();
        let mut m = Machine {
            stack: Slots::from_vec(args),
            locals: Slots::default(),
            frames: Vec::new(),
            diverged: false,
        };
        let ran = self
            .call(&mods, &mut m, func, 0)
            .and_then(|_| self.exec(&mods, &mut m));
        match ran {
            // The trap was reached on a path (or at an address) chosen by bits the spec
            // leaves open: another allowed choice of those bits may not trap.
            Err(ExecError::Trap(k)) if m.diverged => {
                return Err(ExecError::Open(format!(
                    "whether it traps ({k}) depends on bits the spec leaves open"
                )));
            }
            Err(e) => {
                if let ExecError::Trap(_) = e
                    && let Some(fr) = m.frames.last()
                {
                    // Step_pure/trap-frame: the trap leaves the frame it happened in.
                    let _ = fr;
                    crate::hit!("Step_pure/trap-frame");
                }
                return Err(e);
            }
            Ok(_) => {}
        }
        if m.diverged {
            // The path it took (a branch, an address, a table index) was chosen by bits the
            // spec leaves open: another allowed choice may trap, loop or return otherwise.
            return Err(ExecError::Open(
                "the path it took depends on bits the spec leaves open".into(),
            ));
        }
        Ok(m.stack.into_vec())
    }

    /// `Step_read/call_ref-func`: enters a function (or runs a host function); whether a
    /// frame was entered. `ret` is where the caller continues.
    fn call<'a>(
        &mut self,
        mods: &'a [Rc<ModuleInst>],
        m: &mut Machine<'a>,
        addr: FuncAddr,
        ret: usize,
    ) -> Result<bool, ExecError> {
        let (inst, idx, nparams, nresults) = match self.funcs.get(addr) {
            Some(FuncInst::Wasm { ty, inst, idx }) => {
                (*inst, *idx, ty.params.len(), ty.results.len())
            }
            Some(FuncInst::Host { ty, name }) => {
                crate::hit!("Step_read/call_ref-func", "host");
                if !ty.results.is_empty() {
                    return Err(ExecError::Unsupported(format!(
                        "host function `{name}` with results"
                    )));
                }
                let n = ty.params.len();
                let split = m.stack.len().saturating_sub(n);
                let tagged: Vec<Tagged> = (split..m.stack.len())
                    .zip(&ty.params)
                    .map(|(i, t)| m.stack.get(i).tagged(*t))
                    .collect();
                m.stack.truncate(split);
                self.host_calls.push(crate::HostCall {
                    func: name.clone(),
                    args: tagged.iter().map(|t| t.value).collect(),
                    inexact: false,
                });
                // What the spec allows the host to see: after a branch or an address chosen
                // by open bits, which calls happen at all is open too.
                self.host_call_args
                    .push(if m.diverged { None } else { Some(tagged) });
                return Ok(false);
            }
            None => return Err(malformed("function address")),
        };
        // Step_read/call_ref-func
        crate::hit!("Step_read/call_ref-func", "wasm");
        if m.frames.len() >= self.max_call_depth {
            return Err(ExecError::Exhaustion);
        }
        let mi: &'a ModuleInst = mods.get(inst).ok_or_else(|| malformed("instance"))?;
        let f = mi.code.0.get(idx).ok_or_else(|| malformed("function"))?;
        let nlocals = mi.local_counts.get(idx).copied().unwrap_or(0);
        if m.stack.len() < nparams {
            return Err(malformed("operand stack underflow"));
        }
        if m.locals.len() + m.stack.len() + nlocals + nparams > self.max_stack_slots {
            return Err(ExecError::Exhaustion);
        }
        let split = m.stack.len() - nparams;
        let locals_base = m.locals.len();
        m.stack.move_to(split, &mut m.locals);
        m.locals.resize_zero(locals_base + nparams + nlocals);
        m.frames.push(Frame {
            code: &f.code,
            ret,
            inst,
            locals_base,
            base: split,
            arity: nresults,
        });
        if f.code.len() > 1 {
            // Step/ctxt-frame: the body steps inside the frame.
            crate::hit!("Step/ctxt-frame");
            if f.code.len() > 2 {
                // Step/ctxt-instrs: its first instruction steps with the rest after it.
                crate::hit!("Step/ctxt-instrs");
            }
        }
        Ok(true)
    }

    /// Leaves the current frame with its results (`Step_pure/frame-vals`,
    /// `Step_pure/return-frame`).
    fn leave(m: &mut Machine<'_>) -> Flow {
        let mut ret = 0;
        if let Some(fr) = m.frames.pop() {
            m.stack.keep_top(fr.base, fr.arity);
            m.locals.truncate(fr.locals_base);
            ret = fr.ret;
        }
        if m.frames.is_empty() {
            Flow::Done
        } else {
            Flow::Left(ret)
        }
    }

    /// `Step_pure/br-label-zero`, `Step_pure/br-label-succ`: branches to a label of the
    /// current frame, whose operand stack starts at `base`.
    #[inline(always)]
    fn branch(m: &mut Machine<'_>, base: usize, t: &Target) -> Flow {
        if t.zero {
            crate::hit!("Step_pure/br-label-zero");
        } else {
            crate::hit!("Step_pure/br-label-succ");
        }
        if t.to == RETURN {
            return Self::leave(m);
        }
        m.stack.keep_top(base + t.height as usize, t.arity as usize);
        Flow::Jump(t.to as usize)
    }

    /// The reduction loop, with the fuel in a local.
    fn exec<'a>(
        &mut self,
        mods: &'a [Rc<ModuleInst>],
        m: &mut Machine<'a>,
    ) -> Result<(), ExecError> {
        // Unlimited fuel is more than can run out.
        let mut fuel = self.fuel.unwrap_or(u64::MAX);
        // Like the fuel, the position is a local of this function, read only when the
        // loop ends.
        let mut pc = 0;
        let r = self.exec_fuel(mods, m, &mut fuel, &mut pc);
        if let Err(ExecError::Trap(_)) = &r
            && let Some(fr) = m.frames.last()
        {
            // The trap is the instruction before `pc`.
            if super::code::label_depth(fr.code, pc.saturating_sub(1)) > 0 {
                // Step_pure/trap-label: the trap leaves the labels around it.
                crate::hit!("Step_pure/trap-label");
            }
            if m.stack.len() > fr.base {
                // Step_pure/trap-instrs: values before it are dropped.
                crate::hit!("Step_pure/trap-instrs");
            }
        }
        if self.fuel.is_some() {
            self.fuel = Some(fuel);
        }
        r
    }

    /// The reduction loop.
    #[inline(always)]
    fn exec_fuel<'a>(
        &mut self,
        mods: &'a [Rc<ModuleInst>],
        m: &mut Machine<'a>,
        fuel: &mut u64,
        pc: &mut usize,
    ) -> Result<(), ExecError> {
        // Charges one unit of fuel for an instruction. (`fuel` is a local of the caller,
        // into which this function is inlined: it stays in a register.)
        macro_rules! charge {
            () => {{
                if *fuel == 0 {
                    return Err(ExecError::OutOfFuel);
                }
                *fuel -= 1;
            }};
        }
        let Some(fr) = m.frames.last() else {
            return Ok(());
        };
        let mut inst: &'a ModuleInst = &mods[fr.inst];
        let mut locals_base = fr.locals_base;
        let mut base = fr.base;
        let mut code: &'a [Op] = fr.code;
        *pc = 0;
        // Enters the current top frame's code at its start (after a call).
        macro_rules! enter_top {
            () => {{
                if let Some(fr) = m.frames.last() {
                    inst = &mods[fr.inst];
                    locals_base = fr.locals_base;
                    base = fr.base;
                    code = fr.code;
                    *pc = 0;
                }
            }};
        }
        macro_rules! after_leave {
            ($flow:expr) => {{
                match $flow {
                    Flow::Jump(to) => *pc = to,
                    Flow::Left(to) => {
                        if let Some(fr) = m.frames.last() {
                            inst = &mods[fr.inst];
                            locals_base = fr.locals_base;
                            base = fr.base;
                            code = fr.code;
                        }
                        *pc = to;
                    }
                    Flow::Done => return Ok(()),
                }
                continue;
            }};
        }
        // `Step_read/local.get`: the value of local `x`.
        macro_rules! local_get {
            ($x:expr) => {{
                // Step_read/local.get
                crate::hit!("Step_read/local.get", "local.get");
                let i = locals_base + $x as usize;
                if i >= m.locals.len() {
                    return Err(malformed("local index"));
                }
                m.locals.get(i)
            }};
        }
        // `Step/local.set`: sets local `x` to a value (popped).
        macro_rules! local_set {
            ($x:expr, $s:expr) => {{
                // Step/local.set
                crate::hit!("Step/local.set", "local.set");
                let s = $s;
                if !m.locals.set(locals_base + $x as usize, s) {
                    return Err(malformed("local index"));
                }
            }};
        }
        // `BR_IF` on a condition (popped).
        macro_rules! br_if {
            ($c:expr, $t:expr) => {{
                let c: Slot = $c;
                if !matches!(c.tag, Tag::None) {
                    m.diverged = true;
                }
                if c.v as u32 != 0 {
                    // Step_pure/br_if-true
                    crate::hit!("Step_pure/br_if-true", "br_if");
                    after_leave!(Self::branch(m, base, $t));
                }
                // Step_pure/br_if-false
                crate::hit!("Step_pure/br_if-false", "br_if");
            }};
        }
        // A numeric instruction on the top operands (popped, the last first).
        macro_rules! numeric {
            ($($a:ident),+ => $e:expr) => {{
                charge!();
                numeric!(@pop $($a),+);
                let r = $e?;
                m.stack.push(r);
                continue;
            }};
            (@pop $a:ident) => {
                let $a = m.stack.pop();
            };
            (@pop $a:ident, $b:ident) => {
                let $b = m.stack.pop();
                let $a = m.stack.pop();
            };
        }
        // `Step_read/load-*`: the value at address `i` (an operand popped, or a local).
        macro_rules! load {
            ($i:expr, $nt:expr, $pack:expr, $x:expr, $ma:expr, $id:expr) => {{
                let (i, nt, pack, x, ma, id) = ($i, $nt, $pack, $x, $ma, $id);
                let mem = self.mem_mut(inst, *x)?;
                let n = nt.size();
                let sz = pack.map(|(sz, _)| sz).unwrap_or(n);
                let width = u64::from(sz / 8);
                let Some(ea) = effective(i, ma, width, mem.data.len()) else {
                    if pack.is_some() {
                        // Step_read/load-pack-oob
                        hit_op!("Step_read/load-pack-oob", *id);
                    } else {
                        // Step_read/load-num-oob
                        hit_op!("Step_read/load-num-oob", *id);
                    }
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                let mut v = read_le(&mem.data, ea, width);
                if let Some((sz, sx)) = pack {
                    // Step_read/load-pack-val
                    hit_op!("Step_read/load-pack-val", *id);
                    // $inv_ibytes_ hint(builtin)
                    crate::hit!("$inv_ibytes_#1");
                    v = extend(v, *sz, n, *sx);
                } else {
                    // Step_read/load-num-val
                    hit_op!("Step_read/load-num-val", *id);
                    // $inv_nbytes_ hint(builtin)
                    crate::hit!("$inv_nbytes_#1");
                    if nt.is_float() {
                        // $inv_fbytes_ hint(builtin)
                        crate::hit!("$inv_fbytes_#1");
                    } else {
                        // $inv_ibytes_ hint(builtin)
                        crate::hit!("$inv_ibytes_#1");
                    }
                }
                let tag = load_tag(mem, ea, width);
                Slot::new(v, tag)
            }};
        }
        // `Step/store-*`: stores `c` at address `i`.
        macro_rules! store {
            ($i:expr, $c:expr, $nt:expr, $pack:expr, $x:expr, $ma:expr, $id:expr) => {{
                let (i, c, nt, pack, x, ma, id) = ($i, $c, $nt, $pack, $x, $ma, $id);
                let diverged = m.diverged;
                let mem = self.mem_mut(inst, *x)?;
                let width = u64::from(pack.unwrap_or(nt.size()) / 8);
                let Some(ea) = effective(i, ma, width, mem.data.len()) else {
                    if pack.is_some() {
                        // Step/store-pack-oob
                        hit_op!("Step/store-pack-oob", *id);
                    } else {
                        // Step/store-num-oob
                        hit_op!("Step/store-num-oob", *id);
                    }
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                if pack.is_some() {
                    // Step/store-pack-val
                    hit_op!("Step/store-pack-val", *id);
                    // $ibytes_ hint(builtin)
                    crate::hit!("$ibytes_#1");
                } else {
                    // Step/store-num-val
                    hit_op!("Step/store-num-val", *id);
                    // $nbytes_ hint(builtin)
                    crate::hit!("$nbytes_#1");
                    if nt.is_float() {
                        // $fbytes_ hint(builtin)
                        crate::hit!("$fbytes_#1");
                    } else {
                        // $ibytes_ hint(builtin)
                        crate::hit!("$ibytes_#1");
                    }
                }
                let tag = if diverged { Tag::Unknown } else { c.tag };
                write_le(mem, ea, width, c.v, tag);
            }};
        }
        // An address operand taken from a local: what `pop_i32` does with a popped one.
        macro_rules! address {
            ($s:expr) => {{
                let s: Slot = $s;
                if !matches!(s.tag, Tag::None) {
                    m.diverged = true;
                }
                s.v as u32
            }};
        }
        // The operands of a fused operator on the stack (popped, the last first).
        macro_rules! stack_operands {
            ($op:expr) => {{
                if $op.unary() {
                    (m.stack.pop(), Slot::ZERO)
                } else {
                    let b = m.stack.pop();
                    (m.stack.pop(), b)
                }
            }};
        }
        // A fused op (`more`: 1 with a `LOCAL.SET` or `BR_IF` after the operator, which
        // `then` runs on the result `r`).
        macro_rules! fused {
            ($f:expr, $more:expr, $r:ident => $then:expr) => {{
                let f: &Fused = $f;
                let k = f.len() + $more;
                if *fuel < k {
                    // Too little fuel for all: only the first op, then on op by op.
                    charge!();
                    let first = match f.args {
                        Args::LocalLocal(x, _)
                        | Args::LocalConst(x, _)
                        | Args::Local(x)
                        | Args::One(x) => local_get!(x),
                        Args::Const(c) => Slot::exact(u128::from(c)),
                        Args::Stack => {
                            let (a, b) = stack_operands!(f.op);
                            fop_cold(f.op, a, b, f.id)?
                        }
                    };
                    m.stack.push(first);
                    continue;
                }
                *fuel -= k;
                let (a, b) = match f.args {
                    Args::LocalLocal(x, y) => (local_get!(x), local_get!(y)),
                    Args::LocalConst(x, c) => (local_get!(x), Slot::exact(u128::from(c))),
                    Args::Local(x) => (m.stack.pop(), local_get!(x)),
                    Args::Const(c) => (m.stack.pop(), Slot::exact(u128::from(c))),
                    Args::One(x) => (local_get!(x), Slot::ZERO),
                    Args::Stack => stack_operands!(f.op),
                };
                let $r = fop(f.op, a, b, f.id)?;
                *pc += k as usize - 1;
                $then;
                continue;
            }};
        }
        loop {
            let Some(op) = code.get(*pc) else {
                return Err(malformed("code without end"));
            };
            *pc += 1;
            let (instr, id) = match op {
                Op::I(instr, id) => {
                    charge!();
                    (instr, *id)
                }
                Op::End => {
                    // Step_pure/label-vals
                    crate::hit!("Step_pure/label-vals");
                    continue;
                }
                Op::EndFrame => {
                    // Step_pure/frame-vals
                    crate::hit!("Step_pure/frame-vals");
                    after_leave!(Self::leave(m));
                }
                Op::Else { end } => {
                    // Step_pure/label-vals
                    crate::hit!("Step_pure/label-vals");
                    *pc = *end as usize;
                    continue;
                }
                Op::Block => {
                    charge!();
                    // Step_read/block
                    crate::hit!("Step_read/block", "block");
                    if !matches!(code.get(*pc), Some(Op::End)) {
                        // Step/ctxt-label: the body steps inside the label.
                        crate::hit!("Step/ctxt-label");
                    }
                    continue;
                }
                Op::Loop => {
                    charge!();
                    // Step_read/loop
                    crate::hit!("Step_read/loop", "loop");
                    if !matches!(code.get(*pc), Some(Op::End)) {
                        // Step/ctxt-label
                        crate::hit!("Step/ctxt-label");
                    }
                    continue;
                }
                Op::If { els } => {
                    charge!();
                    if pop_i32(m) != 0 {
                        // Step_pure/if-true
                        crate::hit!("Step_pure/if-true", "if");
                    } else {
                        // Step_pure/if-false
                        crate::hit!("Step_pure/if-false", "if");
                        *pc = *els as usize;
                    }
                    continue;
                }
                Op::Br(t) => {
                    charge!();
                    after_leave!(Self::branch(m, base, t));
                }
                Op::BrIf(t) => {
                    charge!();
                    br_if!(m.stack.pop(), t);
                    continue;
                }
                Op::BrTable(ts) => {
                    charge!();
                    let i = pop_i32(m) as usize;
                    let t = match ts.get(i).filter(|_| i + 1 < ts.len()) {
                        Some(t) => {
                            // Step_pure/br_table-lt
                            crate::hit!("Step_pure/br_table-lt", "br_table");
                            t
                        }
                        None => {
                            // Step_pure/br_table-ge
                            crate::hit!("Step_pure/br_table-ge", "br_table");
                            let Some(t) = ts.last() else {
                                return Err(malformed("br_table without targets"));
                            };
                            t
                        }
                    };
                    after_leave!(Self::branch(m, base, t));
                }
                Op::Return(in_label) => {
                    charge!();
                    if *in_label {
                        // Step_pure/return-label
                        crate::hit!("Step_pure/return-label", "return");
                    }
                    // Step_pure/return-frame
                    crate::hit!("Step_pure/return-frame", "return");
                    after_leave!(Self::leave(m));
                }
                Op::Call(x) => {
                    charge!();
                    // Step_read/call
                    crate::hit!("Step_read/call", "call");
                    let a = *inst
                        .funcs
                        .get(*x as usize)
                        .ok_or_else(|| malformed("function index"))?;
                    if self.call(mods, m, a, *pc)? {
                        enter_top!();
                    }
                    continue;
                }
                Op::LocalGet(x) => {
                    charge!();
                    let s = local_get!(*x);
                    m.stack.push(s);
                    continue;
                }
                Op::LocalSet(x) => {
                    charge!();
                    local_set!(*x, m.stack.pop());
                    continue;
                }
                Op::LocalTee(x) => {
                    charge!();
                    // Step_pure/local.tee
                    crate::hit!("Step_pure/local.tee", "local.tee");
                    let s = m.stack.last();
                    if !m.locals.set(locals_base + *x as usize, s) {
                        return Err(malformed("local index"));
                    }
                    continue;
                }
                Op::Const(bits) => {
                    charge!();
                    // (a constant is a value: no rule)
                    m.stack.push(Slot::exact(u128::from(*bits)));
                    continue;
                }
                Op::Unop(nt, op, id) => numeric!(a => unop_out_of_loop(*nt, *op, a, *id)),
                Op::Binop(nt, op, id) => {
                    numeric!(a, b => by_type!(*nt, |t| num::binop(t, *op, a, b, *id)))
                }
                Op::Testop(nt, id) => numeric!(a => by_type!(*nt, |t| num::testop(t, a, *id))),
                Op::Relop(nt, op, id) => {
                    numeric!(a, b => by_type!(*nt, |t| num::relop(t, *op, a, b, *id)))
                }
                Op::Load(nt, pack, x, ma, id) => {
                    charge!();
                    let i = pop_i32(m);
                    let v = load!(i, nt, pack, x, ma, id);
                    m.stack.push(v);
                    continue;
                }
                Op::Store(nt, pack, x, ma, id) => {
                    charge!();
                    let c = m.stack.pop();
                    let i = pop_i32(m);
                    store!(i, c, nt, pack, x, ma, id);
                    continue;
                }
                Op::LoadLocal(a, nt, pack, x, ma, id) => {
                    if *fuel < 2 {
                        // Too little fuel for both: only `LOCAL.GET`.
                        charge!();
                        let s = local_get!(*a);
                        m.stack.push(s);
                        continue;
                    }
                    *fuel -= 2;
                    let i = address!(local_get!(*a));
                    *pc += 1;
                    let v = load!(i, nt, pack, x, ma, id);
                    m.stack.push(v);
                    continue;
                }
                Op::StoreLocal(a, val, nt, pack, x, ma, id) => {
                    if *fuel < 3 {
                        // Too little fuel for all: only the first `LOCAL.GET`.
                        charge!();
                        let s = local_get!(*a);
                        m.stack.push(s);
                        continue;
                    }
                    *fuel -= 3;
                    let i = local_get!(*a);
                    let c = match val {
                        Val::Const(c) => Slot::exact(u128::from(*c)),
                        Val::Local(y) => local_get!(*y),
                    };
                    let i = address!(i);
                    *pc += 2;
                    store!(i, c, nt, pack, x, ma, id);
                    continue;
                }
                Op::FusedPush(f) => fused!(f, 0, r => m.stack.push(r)),
                Op::FusedSet(f, z) => fused!(f, 1, r => local_set!(*z, r)),
                Op::FusedBrIf(f, t) => fused!(f, 1, r => br_if!(r, t)),
                Op::FusedIf(f, els) => fused!(f, 1, r => {
                    if !matches!(r.tag, Tag::None) {
                        m.diverged = true;
                    }
                    if r.v as u32 != 0 {
                        // Step_pure/if-true
                        crate::hit!("Step_pure/if-true", "if");
                    } else {
                        // Step_pure/if-false
                        crate::hit!("Step_pure/if-false", "if");
                        *pc = *els as usize;
                    }
                }),
            };
            if self.step_instr(mods, m, inst, instr, id, *pc)? {
                enter_top!();
            }
        }
    }

    /// The steps of the instructions without an op of their own in flat code (see
    /// [`Op::I`]), out of the reduction loop so that the loop's own code stays small;
    /// whether a frame was entered (a call). `pc` is where the caller continues.
    #[inline(never)]
    fn step_instr<'a>(
        &mut self,
        mods: &'a [Rc<ModuleInst>],
        m: &mut Machine<'a>,
        inst: &'a ModuleInst,
        instr: &Instr,
        id: OpId,
        pc: usize,
    ) -> Result<bool, ExecError> {
        match instr {
            Instr::Nop => {
                // Step_pure/nop
                crate::hit!("Step_pure/nop", "nop");
            }
            Instr::Unreachable => {
                // Step_pure/unreachable
                crate::hit!("Step_pure/unreachable", "unreachable");
                return Err(trap(TrapKind::Unreachable));
            }
            Instr::Drop => {
                // Step_pure/drop
                crate::hit!("Step_pure/drop", "drop");
                m.stack.pop();
            }
            Instr::Select(_) => {
                let c = m.stack.pop();
                let b = m.stack.pop();
                let a = m.stack.pop();
                let mut r = if c.v as u32 != 0 {
                    // Step_pure/select-true
                    crate::hit!("Step_pure/select-true", "select");
                    a
                } else {
                    // Step_pure/select-false
                    crate::hit!("Step_pure/select-false", "select");
                    b
                };
                if !matches!(c.tag, Tag::None) {
                    r.tag = Tag::Unknown;
                }
                m.stack.push(r);
            }
            Instr::Block(..)
            | Instr::Loop(..)
            | Instr::If(..)
            | Instr::Br(_)
            | Instr::BrIf(_)
            | Instr::BrTable(..)
            | Instr::Return
            | Instr::Call(_)
            | Instr::LocalGet(_)
            | Instr::LocalSet(_)
            | Instr::LocalTee(_)
            | Instr::Const(..)
            | Instr::Unop(..)
            | Instr::Binop(..)
            | Instr::Testop(_)
            | Instr::Relop(..)
            | Instr::Load(..)
            | Instr::Store(..) => {
                // Flattening gives these their own ops.
                return Err(malformed("instruction without its own op in flat code"));
            }
            Instr::CallIndirect(x, y) => {
                // Step_pure/call_indirect: TABLE.GET x, REF.CAST (REF NULL y), CALL_REF y
                crate::hit!("Step_pure/call_indirect", "call_indirect");
                let i = pop_i32(m);
                let table = self.table_mut(inst, *x)?;
                let Some(&r) = table.elems.get(i as usize) else {
                    // Step_read/table.get-oob (2.0: Step_read/call_indirect-trap)
                    crate::hit!("Step_read/table.get-oob", "call_indirect");
                    return Err(trap(TrapKind::UndefinedElement));
                };
                // Step_read/table.get-val
                crate::hit!("Step_read/table.get-val", "call_indirect");
                if r == 0 {
                    // Step_read/ref.cast-succeed: null is in the nullable type
                    crate::hit!("Step_read/ref.cast-succeed", "call_indirect");
                    // Step_read/call_ref-null (2.0: Step_read/call_indirect-trap)
                    crate::hit!("Step_read/call_ref-null", "call_indirect");
                    return Err(trap(TrapKind::UninitializedElement));
                }
                let a = (r - 1) as usize;
                let want = inst
                    .types
                    .get(*y as usize)
                    .ok_or_else(|| malformed("type index"))?;
                if self.funcs.get(a).map(|f| f.ty()) != Some(want) {
                    // Step_read/ref.cast-fail (2.0: Step_read/call_indirect-trap)
                    crate::hit!("Step_read/ref.cast-fail", "call_indirect");
                    return Err(trap(TrapKind::IndirectCallTypeMismatch));
                }
                // Step_read/ref.cast-succeed
                crate::hit!("Step_read/ref.cast-succeed", "call_indirect");
                return self.call(mods, m, a, pc);
            }
            Instr::GlobalGet(x) => {
                // Step_read/global.get
                crate::hit!("Step_read/global.get", "global.get");
                let a = *inst
                    .globals
                    .get(*x as usize)
                    .ok_or_else(|| malformed("global index"))?;
                let s = self.globals.get(a).ok_or_else(|| malformed("global"))?.val;
                m.stack.push(s);
            }
            Instr::GlobalSet(x) => {
                // Step/global.set
                crate::hit!("Step/global.set", "global.set");
                let mut s = m.stack.pop();
                if m.diverged {
                    s.tag = Tag::Unknown;
                }
                let a = *inst
                    .globals
                    .get(*x as usize)
                    .ok_or_else(|| malformed("global index"))?;
                self.globals
                    .get_mut(a)
                    .ok_or_else(|| malformed("global"))?
                    .val = s;
            }
            Instr::TableGet(x) => {
                let i = pop_i32(m);
                let t = self.table_mut(inst, *x)?;
                let Some(&r) = t.elems.get(i as usize) else {
                    // Step_read/table.get-oob
                    crate::hit!("Step_read/table.get-oob", "table.get");
                    return Err(trap(TrapKind::OutOfBoundsTableAccess));
                };
                // Step_read/table.get-val
                crate::hit!("Step_read/table.get-val", "table.get");
                m.stack.push(Slot::exact(u128::from(r)));
            }
            Instr::TableSet(x) => {
                let r = m.stack.pop();
                let i = pop_i32(m);
                let t = self.table_mut(inst, *x)?;
                let Some(slot) = t.elems.get_mut(i as usize) else {
                    // Step/table.set-oob
                    crate::hit!("Step/table.set-oob", "table.set");
                    return Err(trap(TrapKind::OutOfBoundsTableAccess));
                };
                // Step/table.set-val
                crate::hit!("Step/table.set-val", "table.set");
                *slot = r.v as u64;
            }
            Instr::TableSize(x) => {
                // Step_read/table.size
                crate::hit!("Step_read/table.size", "table.size");
                let n = self.table_mut(inst, *x)?.elems.len();
                m.stack.push(Slot::exact(n as u128));
            }
            Instr::TableGrow(x) => {
                let n = u64::from(pop_i32(m));
                let r = m.stack.pop();
                let host = self.max_table_elems;
                let t = self.table_mut(inst, *x)?;
                let old = t.elems.len() as u64;
                let limit = t.ty.limits.max.unwrap_or(u64::from(u32::MAX)).min(host);
                let limit = limit.min(u64::from(u32::MAX));
                if old + n <= limit {
                    // Step/table.grow-succeed
                    crate::hit!("Step/table.grow-succeed", "table.grow");
                    t.elems.resize((old + n) as usize, r.v as u64);
                    m.stack.push(Slot::exact(u128::from(old)));
                } else {
                    // Step/table.grow-fail
                    crate::hit!("Step/table.grow-fail", "table.grow");
                    m.stack.push(Slot::exact(u128::from(u32::MAX)));
                }
            }
            Instr::TableFill(x) => {
                let n = u64::from(pop_i32(m));
                let r = m.stack.pop();
                let i = u64::from(pop_i32(m));
                let t = self.table_mut(inst, *x)?;
                if i + n > t.elems.len() as u64 {
                    // Step_read/table.fill-oob
                    crate::hit!("Step_read/table.fill-oob", "table.fill");
                    return Err(trap(TrapKind::OutOfBoundsTableAccess));
                }
                if n == 0 {
                    // Step_read/table.fill-zero
                    crate::hit!("Step_read/table.fill-zero", "table.fill");
                } else {
                    // Step_read/table.fill-succ
                    crate::hit!("Step_read/table.fill-succ", "table.fill");
                    t.elems[i as usize..(i + n) as usize].fill(r.v as u64);
                }
            }
            Instr::TableCopy(x, y) => {
                let n = u64::from(pop_i32(m));
                let s = u64::from(pop_i32(m));
                let d = u64::from(pop_i32(m));
                let src_len = self.table_mut(inst, *y)?.elems.len() as u64;
                let dst_len = self.table_mut(inst, *x)?.elems.len() as u64;
                if s + n > src_len || d + n > dst_len {
                    // Step_read/table.copy-oob
                    crate::hit!("Step_read/table.copy-oob", "table.copy");
                    return Err(trap(TrapKind::OutOfBoundsTableAccess));
                }
                if n == 0 {
                    // Step_read/table.copy-zero
                    crate::hit!("Step_read/table.copy-zero", "table.copy");
                } else {
                    if d <= s {
                        // Step_read/table.copy-le
                        crate::hit!("Step_read/table.copy-le", "table.copy");
                    } else {
                        // Step_read/table.copy-gt
                        crate::hit!("Step_read/table.copy-gt", "table.copy");
                    }
                    let (s, d, n) = (s as usize, d as usize, n as usize);
                    let src: Vec<u64> = self.table_mut(inst, *y)?.elems[s..s + n].to_vec();
                    self.table_mut(inst, *x)?.elems[d..d + n].copy_from_slice(&src);
                }
            }
            Instr::TableInit(x, y) => {
                let n = u64::from(pop_i32(m));
                let s = u64::from(pop_i32(m));
                let d = u64::from(pop_i32(m));
                let ea = *inst
                    .elems
                    .get(*y as usize)
                    .ok_or_else(|| malformed("element index"))?;
                let seg_len = self.elems.get(ea).map(|e| e.refs.len()).unwrap_or(0) as u64;
                let t = self.table_mut(inst, *x)?;
                if s + n > seg_len || d + n > t.elems.len() as u64 {
                    // Step_read/table.init-oob
                    crate::hit!("Step_read/table.init-oob", "table.init");
                    return Err(trap(TrapKind::OutOfBoundsTableAccess));
                }
                if n == 0 {
                    // Step_read/table.init-zero
                    crate::hit!("Step_read/table.init-zero", "table.init");
                } else {
                    // Step_read/table.init-succ
                    crate::hit!("Step_read/table.init-succ", "table.init");
                    let ta = inst.tables[*x as usize];
                    let (s, d, n) = (s as usize, d as usize, n as usize);
                    let seg = &self.elems[ea].refs[s..s + n];
                    self.tables[ta].elems[d..d + n].copy_from_slice(seg);
                }
            }
            Instr::ElemDrop(x) => {
                // Step/elem.drop
                crate::hit!("Step/elem.drop", "elem.drop");
                let ea = *inst
                    .elems
                    .get(*x as usize)
                    .ok_or_else(|| malformed("element index"))?;
                if let Some(e) = self.elems.get_mut(ea) {
                    e.refs = Vec::new();
                }
            }
            Instr::VLoad(op, x, ma) => {
                let i = pop_i32(m);
                let mem = self.mem_mut(inst, *x)?;
                let width = match op {
                    None => 16,
                    Some(VLoadOp::Shape { sz, m, .. }) => u64::from(sz * m / 8),
                    Some(VLoadOp::Splat(sz) | VLoadOp::Zero(sz)) => u64::from(*sz / 8),
                };
                let Some(ea) = effective(i, ma, width, mem.data.len()) else {
                    match op {
                        // Step_read/vload-oob
                        None => hit_op!("Step_read/vload-oob", id),
                        // Step_read/vload-pack-oob
                        Some(VLoadOp::Shape { .. }) => {
                            hit_op!("Step_read/vload-pack-oob", id)
                        }
                        // Step_read/vload-splat-oob
                        Some(VLoadOp::Splat(_)) => hit_op!("Step_read/vload-splat-oob", id),
                        // Step_read/vload-zero-oob
                        Some(VLoadOp::Zero(_)) => hit_op!("Step_read/vload-zero-oob", id),
                    }
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                let raw = read_le(&mem.data, ea, width);
                if op.is_none() {
                    // $inv_vbytes_ hint(builtin)
                    crate::hit!("$inv_vbytes_#1");
                } else {
                    // $inv_ibytes_ hint(builtin)
                    crate::hit!("$inv_ibytes_#1");
                }
                let v = match op {
                    None => {
                        // Step_read/vload-val
                        hit_op!("Step_read/vload-val", id);
                        raw
                    }
                    Some(VLoadOp::Shape { sz, m: lanes, sx }) => {
                        // Step_read/vload-pack-val
                        hit_op!("Step_read/vload-pack-val", id);
                        let mut out = 0u128;
                        for k in 0..*lanes {
                            let lane = extend(raw >> (k * sz), *sz, 2 * sz, *sx);
                            out |= lane << (k * 2 * sz);
                        }
                        out
                    }
                    Some(VLoadOp::Splat(sz)) => {
                        // Step_read/vload-splat-val
                        hit_op!("Step_read/vload-splat-val", id);
                        simd::splat_bits(raw, *sz)
                    }
                    Some(VLoadOp::Zero(_)) => {
                        // Step_read/vload-zero-val
                        hit_op!("Step_read/vload-zero-val", id);
                        raw
                    }
                };
                let tag = load_tag(mem, ea, width);
                m.stack.push(Slot::new(v, tag));
            }
            Instr::VLoadLane(sz, x, ma, lane) => {
                let vec = m.stack.pop();
                let i = pop_i32(m);
                let mem = self.mem_mut(inst, *x)?;
                let width = u64::from(*sz / 8);
                let Some(ea) = effective(i, ma, width, mem.data.len()) else {
                    // Step_read/vload_lane-oob
                    hit_op!("Step_read/vload_lane-oob", id);
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                // Step_read/vload_lane-val
                hit_op!("Step_read/vload_lane-val", id);
                // $inv_ibytes_ hint(builtin)
                crate::hit!("$inv_ibytes_#1");
                let raw = read_le(&mem.data, ea, width);
                let shift = u32::from(*lane) * sz;
                let mask = ((1u128 << sz) - 1) << shift;
                let v = (vec.v & !mask) | ((raw << shift) & mask);
                let tag = if !matches!(vec.tag, Tag::None) {
                    Tag::Unknown
                } else {
                    load_tag(mem, ea, width)
                };
                m.stack.push(Slot::new(v, tag));
            }
            Instr::VStore(x, ma) => {
                let c = m.stack.pop();
                let i = pop_i32(m);
                let diverged = m.diverged;
                let mem = self.mem_mut(inst, *x)?;
                let Some(ea) = effective(i, ma, 16, mem.data.len()) else {
                    // Step/vstore-oob
                    hit_op!("Step/vstore-oob", id);
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                // Step/vstore-val
                hit_op!("Step/vstore-val", id);
                // $vbytes_ hint(builtin)
                crate::hit!("$vbytes_#1");
                let tag = if diverged { Tag::Unknown } else { c.tag };
                write_le(mem, ea, 16, c.v, tag);
            }
            Instr::VStoreLane(sz, x, ma, lane) => {
                let c = m.stack.pop();
                let i = pop_i32(m);
                let diverged = m.diverged;
                let mem = self.mem_mut(inst, *x)?;
                let width = u64::from(*sz / 8);
                let Some(ea) = effective(i, ma, width, mem.data.len()) else {
                    // Step/vstore_lane-oob
                    hit_op!("Step/vstore_lane-oob", id);
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                };
                // Step/vstore_lane-val
                hit_op!("Step/vstore_lane-val", id);
                // $ibytes_ hint(builtin)
                crate::hit!("$ibytes_#1");
                let tag = if diverged { Tag::Unknown } else { c.tag };
                write_le(mem, ea, width, c.v >> (u32::from(*lane) * sz), tag);
            }
            Instr::MemorySize(x) => {
                // Step_read/memory.size
                crate::hit!("Step_read/memory.size", "memory.size");
                let pages = self.mem_mut(inst, *x)?.data.len() as u64 / PAGE;
                m.stack.push(Slot::exact(u128::from(pages)));
            }
            Instr::MemoryGrow(x) => {
                let n = u64::from(pop_i32(m));
                let a = Self::mem_idx(inst, *x)?;
                let max = self.mems.get(a).and_then(|mm| mm.ty.limits.max);
                let limit = self.grow_limit(max, self.max_memory_pages, 65536);
                let mem = self.mem_mut(inst, *x)?;
                let old = mem.data.len() as u64 / PAGE;
                let grown = if old + n <= limit {
                    let extra = (n * PAGE) as usize;
                    mem.data.try_reserve_exact(extra).is_ok()
                } else {
                    false
                };
                if grown {
                    // Step/memory.grow-succeed
                    crate::hit!("Step/memory.grow-succeed", "memory.grow");
                    mem.data.resize(((old + n) * PAGE) as usize, 0);
                    m.stack.push(Slot::exact(u128::from(old)));
                } else {
                    // Step/memory.grow-fail
                    crate::hit!("Step/memory.grow-fail", "memory.grow");
                    m.stack.push(Slot::exact(u128::from(u32::MAX)));
                }
            }
            Instr::MemoryFill(x) => {
                let n = u64::from(pop_i32(m));
                let val = m.stack.pop();
                let d = u64::from(pop_i32(m));
                let diverged = m.diverged;
                let mem = self.mem_mut(inst, *x)?;
                if d + n > mem.data.len() as u64 {
                    // Step_read/memory.fill-oob
                    crate::hit!("Step_read/memory.fill-oob", "memory.fill");
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                }
                if n == 0 {
                    // Step_read/memory.fill-zero
                    crate::hit!("Step_read/memory.fill-zero", "memory.fill");
                } else {
                    // Step_read/memory.fill-succ
                    crate::hit!("Step_read/memory.fill-succ", "memory.fill");
                    mem.data[d as usize..(d + n) as usize].fill(val.v as u8);
                    if !matches!(val.tag, Tag::None) || diverged {
                        taint::add(&mut mem.taint, d, d + n);
                    } else {
                        taint::clear(&mut mem.taint, d, d + n);
                    }
                }
            }
            Instr::MemoryCopy(x, y) => {
                let n = u64::from(pop_i32(m));
                let s = u64::from(pop_i32(m));
                let d = u64::from(pop_i32(m));
                let diverged = m.diverged;
                let (xa, ya) = (Self::mem_idx(inst, *x)?, Self::mem_idx(inst, *y)?);
                let src_len = self.mems.get(ya).map(|mm| mm.data.len()).unwrap_or(0) as u64;
                let dst_len = self.mems.get(xa).map(|mm| mm.data.len()).unwrap_or(0) as u64;
                if s + n > src_len || d + n > dst_len {
                    // Step_read/memory.copy-oob
                    crate::hit!("Step_read/memory.copy-oob", "memory.copy");
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                }
                if n == 0 {
                    // Step_read/memory.copy-zero
                    crate::hit!("Step_read/memory.copy-zero", "memory.copy");
                } else {
                    if d <= s {
                        // Step_read/memory.copy-le
                        crate::hit!("Step_read/memory.copy-le", "memory.copy");
                    } else {
                        // Step_read/memory.copy-gt
                        crate::hit!("Step_read/memory.copy-gt", "memory.copy");
                    }
                    let src_taint = taint::within(&self.mems[ya].taint, s, s + n);
                    let (su, du, nu) = (s as usize, d as usize, n as usize);
                    if xa == ya {
                        self.mems[xa].data.copy_within(su..su + nu, du);
                    } else {
                        let bytes = self.mems[ya].data[su..su + nu].to_vec();
                        self.mems[xa].data[du..du + nu].copy_from_slice(&bytes);
                    }
                    let dst = &mut self.mems[xa].taint;
                    taint::clear(dst, d, d + n);
                    for (ts, te) in src_taint {
                        taint::add(dst, ts - s + d, te - s + d);
                    }
                    if diverged {
                        taint::add(dst, d, d + n);
                    }
                }
            }
            Instr::MemoryInit(x, y) => {
                let n = u64::from(pop_i32(m));
                let s = u64::from(pop_i32(m));
                let d = u64::from(pop_i32(m));
                let diverged = m.diverged;
                let da = *inst
                    .datas
                    .get(*y as usize)
                    .ok_or_else(|| malformed("data index"))?;
                let seg_len = self.datas.get(da).map(|b| b.len()).unwrap_or(0) as u64;
                let xa = Self::mem_idx(inst, *x)?;
                let dst_len = self.mems.get(xa).map(|mm| mm.data.len()).unwrap_or(0) as u64;
                if s + n > seg_len || d + n > dst_len {
                    // Step_read/memory.init-oob
                    crate::hit!("Step_read/memory.init-oob", "memory.init");
                    return Err(trap(TrapKind::OutOfBoundsMemoryAccess));
                }
                if n == 0 {
                    // Step_read/memory.init-zero
                    crate::hit!("Step_read/memory.init-zero", "memory.init");
                } else {
                    // Step_read/memory.init-succ
                    crate::hit!("Step_read/memory.init-succ", "memory.init");
                    let (su, du, nu) = (s as usize, d as usize, n as usize);
                    let mem = &mut self.mems[xa];
                    mem.data[du..du + nu].copy_from_slice(&self.datas[da][su..su + nu]);
                    if diverged {
                        taint::add(&mut mem.taint, d, d + n);
                    } else {
                        taint::clear(&mut mem.taint, d, d + n);
                    }
                }
            }
            Instr::DataDrop(x) => {
                // Step/data.drop
                crate::hit!("Step/data.drop", "data.drop");
                let da = *inst
                    .datas
                    .get(*x as usize)
                    .ok_or_else(|| malformed("data index"))?;
                if let Some(d) = self.datas.get_mut(da) {
                    *d = Vec::new();
                }
            }
            Instr::RefNull(_) => {
                // (ref.null is a value in 2.0: no rule)
                m.stack.push(Slot::ZERO);
            }
            Instr::RefIsNull => {
                let r = m.stack.pop();
                let b = if r.v == 0 {
                    // Step_pure/ref.is_null-true
                    crate::hit!("Step_pure/ref.is_null-true", "ref.is_null");
                    1
                } else {
                    // Step_pure/ref.is_null-false
                    crate::hit!("Step_pure/ref.is_null-false", "ref.is_null");
                    0
                };
                m.stack.push(Slot::exact(b));
            }
            Instr::RefFunc(x) => {
                // Step_read/ref.func
                crate::hit!("Step_read/ref.func", "ref.func");
                let a = *inst
                    .funcs
                    .get(*x as usize)
                    .ok_or_else(|| malformed("function index"))?;
                m.stack.push(Slot::exact(1 + a as u128));
            }
            Instr::VConst(bits) => {
                m.stack.push(Slot::exact(*bits));
            }
            Instr::Cvtop(to, from, op) => {
                let a = m.stack.pop();
                let r = num::cvtop(*to, *from, *op, a, id)?;
                m.stack.push(r);
            }
            _ => {
                // Vector instructions other than memory accesses and constants.
                simd::exec(&mut m.stack, instr)?;
            }
        }
        Ok(false)
    }
}
