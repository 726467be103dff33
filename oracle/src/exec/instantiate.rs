//! Instantiation and invocation (`9-module.spectec`; `4.4-execution.modules.spectec` in 3.0):
//! `$instantiate#1`, `$allocmodule#1` and its allocation functions, `Eval_expr` of constant
//! expressions, `$runelem_`/`$rundata_`, and `$invoke#1`.

use std::rc::Rc;

use super::store::{
    ElemInst, ExternType, FuncInst, GlobalInst, MemInst, ModuleInst, PAGE, Slot, Store, TableInst,
};
use super::{ExecError, ExternVal, FuncAddr, InstantiateError, Tagged, taint};
use crate::TrapKind;
use crate::ast::{DataMode, ElemMode, ExportDesc, ImportDesc, Instr, Limits, Module};
use crate::value::{FuncType, Value};

/// `Limits_sub`: `[n1 .. m1?]` matches `[n2 .. m2?]`.
fn limits_sub(have: Limits, want: Limits) -> bool {
    have.min >= want.min
        && match (have.max, want.max) {
            (_, None) => {
                // Limits_sub/eps
                crate::hit!("Limits_sub/eps");
                true
            }
            (Some(m1), Some(m2)) => {
                // Limits_sub/max
                crate::hit!("Limits_sub/max");
                m1 <= m2
            }
            (None, Some(_)) => false,
        }
}

/// `Valtype_sub` between the value types of two external types that must be equal (a
/// global's or a table's, both ways).
fn valtype_sub_both(a: crate::value::ValType, b: crate::value::ValType) -> bool {
    crate::valid::valtype_sub(a, b) && crate::valid::valtype_sub(b, a)
}

/// What a constant expression may read while the module is being instantiated: the
/// function addresses (`moduleinst_init.FUNCS`) and the globals evaluated so far.
struct ConstCtx<'a> {
    funcs: &'a [FuncAddr],
    globals: &'a [Slot],
}

/// `Eval_expr`: runs a constant expression (`t.const`, `v128.const`, `ref.null`,
/// `ref.func`, `global.get`) to its value.
fn eval_const(expr: &[Instr], ctx: &ConstCtx<'_>) -> Result<Slot, InstantiateError> {
    crate::hit!("Eval_expr");
    let bad =
        |m: &str| InstantiateError::Unlinkable(format!("unsupported constant expression: {m}"));
    let mut stack: Vec<Slot> = Vec::with_capacity(1);
    for i in expr {
        let s = match i {
            Instr::Const(_, bits) => Slot::exact(u128::from(*bits)),
            Instr::VConst(bits) => Slot::exact(*bits),
            Instr::RefNull(_) => Slot::ZERO,
            Instr::RefFunc(x) => {
                let a = ctx
                    .funcs
                    .get(*x as usize)
                    .ok_or_else(|| bad("ref.func index"))?;
                Slot::exact(1 + *a as u128)
            }
            Instr::GlobalGet(x) => *ctx
                .globals
                .get(*x as usize)
                .ok_or_else(|| bad("global.get index"))?,
            other => return Err(bad(super::instr_name(other))),
        };
        stack.push(s);
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(s), true) => Ok(s),
        _ => Err(bad("not one value")),
    }
}

impl Store {
    /// `$instantiate#1`: instantiates a validated module with its imports (in import order)
    /// and returns its exports (`$allocexports#1`), in the module's order.
    ///
    /// Checks each import's type (`Externtype_sub`: function types equal, limits
    /// subsumed, global types equal); allocates the instance (`$allocmodule#1`), then runs
    /// the element and data segments (`$runelem`, `$rundata`; out of bounds traps, and
    /// what was written before stays) and the start function.
    pub fn instantiate(
        &mut self,
        module: &Module,
        imports: &[ExternVal],
    ) -> Result<Vec<(String, ExternVal)>, InstantiateError> {
        crate::hit!("$instantiate#1");
        if imports.len() != module.imports.len() {
            return Err(InstantiateError::Unlinkable(format!(
                "expected {} imports, got {}",
                module.imports.len(),
                imports.len()
            )));
        }
        let incompatible = || InstantiateError::Unlinkable("incompatible import type".into());
        let (mut funcs, mut tables, mut mems, mut globals) = (vec![], vec![], vec![], vec![]);
        for (imp, ext) in module.imports.iter().zip(imports) {
            // Externaddr_ok: the external value's type, as the store sees it now.
            let have = self
                .extern_type(*ext)
                .ok_or_else(|| InstantiateError::Unlinkable("unknown address".into()))?;
            // Externaddr_ok/sub: the address's type is a subtype of the import's
            // (Externtype_ok of the import's type, closed, then Externtype_sub).
            crate::hit!("Externaddr_ok/sub");
            match (imp.desc, have, *ext) {
                (ImportDesc::Func(x), ExternType::Func(ft), ExternVal::Func(a)) => {
                    // Externaddr_ok/func
                    crate::hit!("Externaddr_ok/func");
                    // Typeuse_ok/deftype: Externtype_ok/func of the closed import type
                    crate::hit!("Typeuse_ok/deftype");
                    // Deftype_ok
                    crate::hit!("Deftype_ok");
                    // Rectype_ok2/cons: its recursive type of one subtype
                    crate::hit!("Rectype_ok2/cons");
                    // Rectype_ok2/empty
                    crate::hit!("Rectype_ok2/empty");
                    // Subtype_ok2
                    crate::hit!("Subtype_ok2");
                    // Comptype_ok/func
                    crate::hit!("Comptype_ok/func");
                    // Expand_use/deftype
                    crate::hit!("Expand_use/deftype");
                    // Externtype_sub/func
                    crate::hit!("Externtype_sub/func");
                    let want = module.types.get(x as usize).ok_or_else(incompatible)?;
                    // Deftype_sub/refl: equal (closed) function types.
                    crate::hit!("Deftype_sub/refl");
                    if *want != ft {
                        return Err(incompatible());
                    }
                    funcs.push(a);
                }
                (ImportDesc::Table(want), ExternType::Table(tt), ExternVal::Table(a)) => {
                    // Externaddr_ok/table
                    crate::hit!("Externaddr_ok/table");
                    // Externtype_sub/table
                    crate::hit!("Externtype_sub/table");
                    // Tabletype_sub
                    crate::hit!("Tabletype_sub");
                    if !limits_sub(tt.limits, want.limits)
                        || !valtype_sub_both(
                            crate::value::ValType::Ref(want.elem),
                            crate::value::ValType::Ref(tt.elem),
                        )
                    {
                        return Err(incompatible());
                    }
                    tables.push(a);
                }
                (ImportDesc::Mem(want), ExternType::Mem(mt), ExternVal::Mem(a)) => {
                    // Externaddr_ok/mem
                    crate::hit!("Externaddr_ok/mem");
                    // Externtype_sub/mem
                    crate::hit!("Externtype_sub/mem");
                    // Memtype_sub
                    crate::hit!("Memtype_sub");
                    if !limits_sub(mt.limits, want.limits) {
                        return Err(incompatible());
                    }
                    mems.push(a);
                }
                (ImportDesc::Global(want), ExternType::Global(gt), ExternVal::Global(a)) => {
                    // Externaddr_ok/global
                    crate::hit!("Externaddr_ok/global");
                    // Externtype_sub/global
                    crate::hit!("Externtype_sub/global");
                    let ok = match (want.mutable, gt.mutable) {
                        (false, false) => {
                            // Globaltype_sub/const
                            crate::hit!("Globaltype_sub/const");
                            crate::valid::valtype_sub(gt.ty, want.ty)
                        }
                        (true, true) => {
                            // Globaltype_sub/var
                            crate::hit!("Globaltype_sub/var");
                            valtype_sub_both(gt.ty, want.ty)
                        }
                        _ => false,
                    };
                    if !ok {
                        return Err(incompatible());
                    }
                    globals.push(a);
                }
                _ => return Err(incompatible()),
            }
        }
        // Host limits, checked before anything is allocated.
        for m in &module.mems {
            if m.limits.min > self.max_memory_pages {
                return Err(InstantiateError::Exhaustion);
            }
        }
        for t in &module.tables {
            if t.limits.min > self.max_table_elems {
                return Err(InstantiateError::Exhaustion);
            }
        }

        // moduleinst_init: imported functions, then the addresses the module's functions
        // will get; imported globals.
        let func_base = self.funcs.len();
        funcs.extend((0..module.funcs.len()).map(|i| func_base + i));
        let mut global_vals: Vec<Slot> = globals.iter().map(|&g| self.globals[g].val).collect();
        // $alloctypes#1 ... #2: the module's types, each defined (2.0: no recursion).
        crate::hit!("$alloctypes#1");
        if !module.types.is_empty() {
            crate::hit!("$alloctypes#2");
        }
        // $evalglobals#1 ... #2: (Eval_expr : z; expr_G ~>* z; val)*, each global seeing
        // the ones before it.
        crate::hit!("$evalglobals#1");
        if !module.globals.is_empty() {
            crate::hit!("$evalglobals#2");
        }
        for g in &module.globals {
            let v = eval_const(
                &g.init,
                &ConstCtx {
                    funcs: &funcs,
                    globals: &global_vals,
                },
            )?;
            global_vals.push(v);
        }
        let ctx = ConstCtx {
            funcs: &funcs,
            globals: &global_vals,
        };
        // $evalexprs#1: the tables' initialisers (2.0: none, the default null)
        crate::hit!("$evalexprs#1");
        // $evalexprss#1 ... #2: (Eval_expr : z; expr_E ~>* z; ref)**, by $evalexprs#1 ... #2
        crate::hit!("$evalexprss#1");
        if !module.elems.is_empty() {
            crate::hit!("$evalexprss#2");
            if module.elems.iter().any(|e| !e.init.is_empty()) {
                crate::hit!("$evalexprs#2");
            }
        }
        let mut elem_refs: Vec<Vec<u64>> = Vec::with_capacity(module.elems.len());
        for e in &module.elems {
            let mut refs = Vec::with_capacity(e.init.len());
            for x in &e.init {
                refs.push(eval_const(x, &ctx)?.v as u64);
            }
            elem_refs.push(refs);
        }

        // $allocmodule#1
        crate::hit!("$allocmodule#1");
        // The plural allocations end in their empty clause (#1), after one cons clause
        // (#2) per item: $allocfuncs, $alloctables, $allocmems, $allocglobals,
        // $allocelems, $allocdatas.
        crate::hit!("$allocfuncs#1");
        crate::hit!("$alloctables#1");
        crate::hit!("$allocmems#1");
        crate::hit!("$allocglobals#1");
        crate::hit!("$allocelems#1");
        crate::hit!("$allocdatas#1");
        if !module.funcs.is_empty() {
            crate::hit!("$allocfuncs#2");
        }
        if !module.tables.is_empty() {
            crate::hit!("$alloctables#2");
        }
        if !module.mems.is_empty() {
            crate::hit!("$allocmems#2");
        }
        if !module.globals.is_empty() {
            crate::hit!("$allocglobals#2");
        }
        if !module.elems.is_empty() {
            crate::hit!("$allocelems#2");
        }
        if !module.datas.is_empty() {
            crate::hit!("$allocdatas#2");
        }
        let inst_idx = self.instances.len();
        let mut local_counts = Vec::with_capacity(module.funcs.len());
        for (i, f) in module.funcs.iter().enumerate() {
            // $allocfunc#1
            crate::hit!("$allocfunc#1");
            let ty = module
                .types
                .get(f.ty as usize)
                .cloned()
                .unwrap_or(FuncType {
                    params: vec![],
                    results: vec![],
                });
            local_counts.push(f.locals.iter().map(|&(n, _)| n as usize).sum());
            self.funcs.push(FuncInst::Wasm {
                ty,
                inst: inst_idx,
                idx: i,
            });
        }
        for t in &module.tables {
            // $alloctable#1
            crate::hit!("$alloctable#1");
            self.tables.push(TableInst {
                ty: *t,
                elems: vec![0; t.limits.min as usize],
            });
            tables.push(self.tables.len() - 1);
        }
        for m in &module.mems {
            // $allocmem#1
            crate::hit!("$allocmem#1");
            self.mems.push(MemInst {
                ty: *m,
                data: vec![0; (m.limits.min * PAGE) as usize],
                taint: Vec::new(),
            });
            mems.push(self.mems.len() - 1);
        }
        for (g, v) in module.globals.iter().zip(&global_vals[globals.len()..]) {
            // $allocglobal#1
            crate::hit!("$allocglobal#1");
            self.globals.push(GlobalInst { ty: g.ty, val: *v });
        }
        globals.extend(self.globals.len() - module.globals.len()..self.globals.len());
        let mut elems = Vec::with_capacity(module.elems.len());
        for refs in elem_refs {
            // $allocelem#1
            crate::hit!("$allocelem#1");
            self.elems.push(ElemInst { refs });
            elems.push(self.elems.len() - 1);
        }
        let mut datas = Vec::with_capacity(module.datas.len());
        for d in &module.datas {
            // $allocdata#1
            crate::hit!("$allocdata#1");
            self.datas.push(d.init.clone());
            datas.push(self.datas.len() - 1);
        }
        // $allocexports#1 (2.0: $instexport)
        let mut exports = Vec::with_capacity(module.exports.len());
        for e in &module.exports {
            crate::hit!("$allocexports#1");
            let get = |v: &Vec<usize>, i: u32| {
                v.get(i as usize)
                    .copied()
                    .ok_or_else(|| InstantiateError::Unlinkable("export index".into()))
            };
            let ev = match e.desc {
                ExportDesc::Func(i) => {
                    // $allocexport#5
                    crate::hit!("$allocexport#5");
                    ExternVal::Func(get(&funcs, i)?)
                }
                ExportDesc::Table(i) => {
                    // $allocexport#4
                    crate::hit!("$allocexport#4");
                    ExternVal::Table(get(&tables, i)?)
                }
                ExportDesc::Mem(i) => {
                    // $allocexport#3
                    crate::hit!("$allocexport#3");
                    ExternVal::Mem(get(&mems, i)?)
                }
                ExportDesc::Global(i) => {
                    // $allocexport#2
                    crate::hit!("$allocexport#2");
                    ExternVal::Global(get(&globals, i)?)
                }
            };
            exports.push((e.name.clone(), ev));
        }
        let func_arities: Vec<(u32, u32)> = funcs
            .iter()
            .map(|&a| {
                self.funcs.get(a).map_or((0, 0), |f| {
                    let t = f.ty();
                    (t.params.len() as u32, t.results.len() as u32)
                })
            })
            .collect();
        let inst = ModuleInst {
            types: module.types.clone(),
            code: super::code::Code::of(&module.funcs, &module.types, &func_arities),
            funcs,
            tables,
            mems,
            globals,
            elems,
            datas,
            local_counts,
        };
        let start = module
            .start
            .and_then(|x| inst.funcs.get(x as usize).copied());
        self.instances.push(Rc::new(inst));

        // instr_E*: $runelem_
        for (i, e) in module.elems.iter().enumerate() {
            let ea = self.instances[inst_idx].elems[i];
            match &e.mode {
                ElemMode::Passive => {
                    crate::hit!("$runelem_#1", "passive");
                }
                ElemMode::Declare => {
                    crate::hit!("$runelem_#2", "declare");
                    self.elems[ea].refs.clear();
                }
                ElemMode::Active(x, offset) => {
                    crate::hit!("$runelem_#3", "active");
                    let ctx = ConstCtx {
                        funcs: &self.instances[inst_idx].funcs,
                        globals: &[],
                    };
                    let d = self.eval_offset(offset, &ctx, inst_idx)?;
                    let ta = *self.instances[inst_idx]
                        .tables
                        .get(*x as usize)
                        .ok_or_else(|| InstantiateError::Unlinkable("table index".into()))?;
                    let n = self.elems[ea].refs.len() as u64;
                    let table = &mut self.tables[ta];
                    if d + n > table.elems.len() as u64 {
                        return Err(InstantiateError::Trap(TrapKind::OutOfBoundsTableAccess));
                    }
                    table.elems[d as usize..(d + n) as usize].copy_from_slice(&self.elems[ea].refs);
                    self.elems[ea].refs.clear();
                }
            }
        }
        // instr_D*: $rundata_
        for (i, dseg) in module.datas.iter().enumerate() {
            let da = self.instances[inst_idx].datas[i];
            match &dseg.mode {
                DataMode::Passive => {
                    crate::hit!("$rundata_#1", "passive");
                }
                DataMode::Active(x, offset) => {
                    crate::hit!("$rundata_#2", "active");
                    let ctx = ConstCtx {
                        funcs: &self.instances[inst_idx].funcs,
                        globals: &[],
                    };
                    let d = self.eval_offset(offset, &ctx, inst_idx)?;
                    let ma = *self.instances[inst_idx]
                        .mems
                        .get(*x as usize)
                        .ok_or_else(|| InstantiateError::Unlinkable("memory index".into()))?;
                    let n = self.datas[da].len() as u64;
                    let mem = &mut self.mems[ma];
                    if d + n > mem.data.len() as u64 {
                        return Err(InstantiateError::Trap(TrapKind::OutOfBoundsMemoryAccess));
                    }
                    mem.data[d as usize..(d + n) as usize].copy_from_slice(&self.datas[da]);
                    taint::clear(&mut mem.taint, d, d + n);
                    self.datas[da].clear();
                }
            }
        }
        // (CALL x)?
        if let Some(f) = start {
            crate::hit!("$instantiate#1", "start");
            self.run(f, Vec::new())?;
        }
        Ok(exports)
    }

    /// Evaluates a segment's offset expression in the new instance (its globals are
    /// allocated by now): an `i32`, as an unsigned number.
    fn eval_offset(
        &self,
        expr: &[Instr],
        ctx: &ConstCtx<'_>,
        inst: usize,
    ) -> Result<u64, InstantiateError> {
        let globals: Vec<Slot> = self.instances[inst]
            .globals
            .iter()
            .map(|&g| self.globals[g].val)
            .collect();
        let ctx = ConstCtx {
            funcs: ctx.funcs,
            globals: &globals,
        };
        Ok(u64::from(eval_const(expr, &ctx)?.v as u32))
    }

    /// `$invoke#1`: calls a function with arguments (checked against its type) and returns
    /// its results with what the spec leaves open about them.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<Tagged>, ExecError> {
        crate::hit!("$invoke#1");
        let ty = self
            .funcs
            .get(func)
            .ok_or_else(|| ExecError::Unsupported("unknown function address".into()))?
            .ty()
            .clone();
        if args.len() != ty.params.len() {
            return Err(ExecError::Unsupported("argument count mismatch".into()));
        }
        for a in args {
            val_ok(a);
        }
        let slots = args
            .iter()
            .zip(&ty.params)
            .map(|(a, t)| Slot::from_value(a, *t))
            .collect::<Result<Vec<_>, _>>()?;
        let results = self.run(func, slots)?;
        Ok(results
            .into_iter()
            .zip(&ty.results)
            .map(|(s, t)| s.tagged(*t))
            .collect())
    }
}

/// `(Val_ok: s |- val : t_1)*` of `$invoke`: the store typing of an argument (whether it
/// has the parameter's type is checked by [`Slot::from_value`]).
fn val_ok(v: &Value) {
    use crate::value::RefValue;
    match v {
        Value::I32(_) | Value::I64(_) | Value::F32(_) | Value::F64(_) => {
            // Val_ok/num
            crate::hit!("Val_ok/num");
            // Num_ok
            crate::hit!("Num_ok");
        }
        Value::V128(_) => {
            // Val_ok/vec
            crate::hit!("Val_ok/vec");
            // Vec_ok
            crate::hit!("Vec_ok");
        }
        Value::Ref(r) => {
            // Val_ok/ref
            crate::hit!("Val_ok/ref");
            // Ref_ok/sub: to the parameter's nullable abstract type
            crate::hit!("Ref_ok/sub");
            match r {
                RefValue::Null(_) => {
                    // Ref_ok/null
                    crate::hit!("Ref_ok/null");
                }
                RefValue::Extern(_) => {
                    // Ref_ok/extern: `ref.extern n` is a host address seen as extern
                    crate::hit!("Ref_ok/extern");
                    // Ref_ok/host
                    crate::hit!("Ref_ok/host");
                }
                RefValue::NonNull(_) => {}
            }
        }
    }
}
