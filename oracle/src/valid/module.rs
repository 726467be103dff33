//! Validation of modules (`2.4-validation.modules.spectec`), as in WebAssembly 2.0:
//! globals, tables, memories, element and data segments are checked under `C'`, which
//! holds every function but only the imported globals; function bodies, the start
//! function and exports under the full `C`.

use std::collections::HashSet;

use super::instr::{Context, Locals, expr_ok, expr_ok_const};
use super::types::{functype_ok, globaltype_ok, memtype_ok, reftype_ok, tabletype_ok, valtype_ok};
use super::{ExternType, ModuleType, ValidationError};
use crate::ast::{DataMode, ElemMode, ExportDesc, ImportDesc, Instr, Module};
use crate::value::{FuncType, ValType};

type Result<T> = std::result::Result<T, ValidationError>;

/// Calls `f` on every instruction of `expr`, nested ones included, in pre-order, without
/// recursion.
fn for_each_instr<'m>(expr: &'m [Instr], mut f: impl FnMut(&'m Instr)) {
    let mut stack: Vec<std::slice::Iter<'m, Instr>> = vec![expr.iter()];
    while let Some(top) = stack.last_mut() {
        let Some(instr) = top.next() else {
            stack.pop();
            continue;
        };
        f(instr);
        match instr {
            Instr::Block(_, body) | Instr::Loop(_, body) => stack.push(body.iter()),
            Instr::If(_, then, els) => {
                stack.push(els.iter());
                stack.push(then.iter());
            }
            _ => {}
        }
    }
}

/// `$funcidx_nonfuncs(global* mem* table* elem* export*)`: the functions named outside
/// function bodies, which `ref.func` may name inside them (`C.REFS`).
fn refs(m: &Module) -> HashSet<u32> {
    let mut refs = HashSet::new();
    let mut add = |i: &Instr| {
        if let Instr::RefFunc(x) = i {
            refs.insert(*x);
        }
    };
    for g in &m.globals {
        for_each_instr(&g.init, &mut add);
    }
    for e in &m.elems {
        for expr in &e.init {
            for_each_instr(expr, &mut add);
        }
        if let ElemMode::Active(_, offset) = &e.mode {
            for_each_instr(offset, &mut add);
        }
    }
    for d in &m.datas {
        if let DataMode::Active(_, offset) = &d.mode {
            for_each_instr(offset, &mut add);
        }
    }
    for e in &m.exports {
        if let ExportDesc::Func(x) = e.desc {
            refs.insert(x);
        }
    }
    refs
}

fn unknown(what: &str, x: u32) -> ValidationError {
    ValidationError::new(format!("unknown {what} {x}"))
}

/// `Module_ok`.
pub(crate) fn module_ok(m: &Module) -> Result<ModuleType> {
    // Module_ok
    crate::hit!("Module_ok");

    // Types_ok: each `Type_ok`, a function type in 2.0; Types_ok/cons per type, then
    // Types_ok/empty.
    // Types_ok/empty
    crate::hit!("Types_ok/empty");
    for ft in &m.types {
        // Types_ok/cons
        crate::hit!("Types_ok/cons");
        // Rectype_ok/cons: a 2.0 type is a recursive type of one final subtype ...
        crate::hit!("Rectype_ok/cons");
        // Rectype_ok/empty
        crate::hit!("Rectype_ok/empty");
        // Subtype_ok: ... without supertypes, of a function type (Comptype_ok/func below)
        crate::hit!("Subtype_ok");
        // Type_ok
        crate::hit!("Type_ok");
        functype_ok(ft)?;
    }

    let mut c = Context {
        types: &m.types,
        ..Context::default()
    };

    // Import_ok, each under {TYPES dt'*}
    let mut imports = Vec::with_capacity(m.imports.len());
    for imp in &m.imports {
        // Import_ok
        crate::hit!("Import_ok");
        let xt = match imp.desc {
            ImportDesc::Func(x) => {
                // Externtype_ok/func
                crate::hit!("Externtype_ok/func");
                // Typeuse_ok/typeidx: the import's type index
                crate::hit!("Typeuse_ok/typeidx");
                // Expand_use/typeidx
                crate::hit!("Expand_use/typeidx");
                let ft = m.types.get(x as usize).ok_or_else(|| unknown("type", x))?;
                c.funcs.push(ft);
                ExternType::Func(ft.clone())
            }
            ImportDesc::Table(tt) => {
                // Externtype_ok/table
                crate::hit!("Externtype_ok/table");
                tabletype_ok(tt)?;
                c.tables.push(tt);
                ExternType::Table(tt)
            }
            ImportDesc::Mem(mt) => {
                // Externtype_ok/mem
                crate::hit!("Externtype_ok/mem");
                memtype_ok(mt)?;
                c.mems.push(mt);
                ExternType::Mem(mt)
            }
            ImportDesc::Global(gt) => {
                // Externtype_ok/global
                crate::hit!("Externtype_ok/global");
                globaltype_ok(gt)?;
                c.globals.push(gt);
                ExternType::Global(gt)
            }
        };
        imports.push(xt);
    }
    let imported_funcs = c.funcs.len();

    // C'.FUNCS = dt_I* dt*: the defined functions' types
    for (i, f) in m.funcs.iter().enumerate() {
        let ft = m.types.get(f.ty as usize).ok_or_else(|| ValidationError {
            func: u32::try_from(imported_funcs + i).ok(),
            ..unknown("type", f.ty)
        })?;
        c.funcs.push(ft);
    }
    // C'.REFS = $funcidx_nonfuncs(global* mem* table* elem* export*)
    c.refs = refs(m);

    // Globals_ok: Global_ok, under C' (imported globals only); Globals_ok/cons per
    // global, then Globals_ok/empty.
    // Globals_ok/empty
    crate::hit!("Globals_ok/empty");
    for g in &m.globals {
        // Globals_ok/cons
        crate::hit!("Globals_ok/cons");
        // Global_ok
        crate::hit!("Global_ok");
        globaltype_ok(g.ty)?;
        expr_ok_const(&c, &g.init, g.ty.ty)?;
    }

    // Table_ok
    for tt in &m.tables {
        // Table_ok
        crate::hit!("Table_ok");
        tabletype_ok(*tt)?;
        c.tables.push(*tt);
    }

    // Mem_ok
    for mt in &m.mems {
        // Mem_ok
        crate::hit!("Mem_ok");
        memtype_ok(*mt)?;
        c.mems.push(*mt);
    }
    // Module_ok (2.0): `|mt*| <= 1`, imported memories included
    if c.mems.len() > 1 {
        return Err(ValidationError::new("multiple memories"));
    }

    // Elem_ok, under C'
    let mut elems = Vec::with_capacity(m.elems.len());
    for e in &m.elems {
        // Elem_ok
        crate::hit!("Elem_ok");
        reftype_ok(e.ty)?;
        for expr in &e.init {
            expr_ok_const(&c, expr, ValType::Ref(e.ty))?;
        }
        match &e.mode {
            ElemMode::Passive => {
                // Elemmode_ok/passive
                crate::hit!("Elemmode_ok/passive");
            }
            ElemMode::Declare => {
                // Elemmode_ok/declare
                crate::hit!("Elemmode_ok/declare");
            }
            ElemMode::Active(x, offset) => {
                // Elemmode_ok/active
                crate::hit!("Elemmode_ok/active");
                let tt = c
                    .tables
                    .get(*x as usize)
                    .ok_or_else(|| unknown("table", *x))?;
                if ValType::Ref(e.ty) != ValType::Ref(tt.elem) {
                    return Err(ValidationError::new(format!(
                        "type mismatch: element segment of {} for a table of {}",
                        ValType::Ref(e.ty),
                        ValType::Ref(tt.elem)
                    )));
                }
                expr_ok_const(&c, offset, ValType::I32)?;
            }
        }
        elems.push(e.ty);
    }

    // Data_ok, under C'
    for d in &m.datas {
        // Data_ok
        crate::hit!("Data_ok");
        match &d.mode {
            DataMode::Passive => {
                // Datamode_ok/passive
                crate::hit!("Datamode_ok/passive");
            }
            DataMode::Active(x, offset) => {
                // Datamode_ok/active
                crate::hit!("Datamode_ok/active");
                c.mems
                    .get(*x as usize)
                    .ok_or_else(|| unknown("memory", *x))?;
                expr_ok_const(&c, offset, ValType::I32)?;
            }
        }
    }

    // C = C' ++ {GLOBALS gt*, ELEMS rt*, DATAS ok*}
    c.globals.extend(m.globals.iter().map(|g| g.ty));
    c.elems = elems;
    c.datas = match m.data_count {
        Some(n) if n as usize != m.datas.len() => {
            return Err(ValidationError::new(
                "data count and data section have inconsistent lengths",
            ));
        }
        Some(n) => Some(n),
        None => None,
    };

    // Func_ok, under C
    for (i, (f, ft)) in m
        .funcs
        .iter()
        .zip(c.funcs.iter().skip(imported_funcs))
        .enumerate()
    {
        // Func_ok
        crate::hit!("Func_ok");
        // Expand: C.TYPES[x] ~~ FUNC t_1* -> t_2*
        crate::hit!("Expand");
        let idx = u32::try_from(imported_funcs + i).ok();
        let in_func = |e: ValidationError| ValidationError { func: idx, ..e };
        let ft: &FuncType = ft;
        let mut total: u64 = 0;
        for (n, t) in &f.locals {
            // Local_ok/set (every 2.0 value type is defaultable)
            crate::hit!("Local_ok/set");
            valtype_ok(*t).map_err(in_func)?;
            // Defaultable
            crate::hit!("Defaultable");
            total += u64::from(*n);
        }
        if total > u64::from(u32::MAX) {
            return Err(in_func(ValidationError::new("too many locals")));
        }
        let locals = Locals::from_runs(
            ft.params
                .iter()
                .map(|t| (1, *t))
                .chain(f.locals.iter().map(|(n, t)| (u64::from(*n), *t))),
        );
        expr_ok(&c, &locals, Some(&ft.results), &f.body, &ft.results).map_err(in_func)?;
    }

    // Start_ok
    if let Some(x) = m.start {
        // Start_ok
        crate::hit!("Start_ok");
        let ft = c
            .funcs
            .get(x as usize)
            .ok_or_else(|| unknown("function", x))?;
        if !ft.params.is_empty() || !ft.results.is_empty() {
            return Err(ValidationError::new(format!(
                "start function must have type [] -> [], not {ft}"
            )));
        }
    }

    // Export_ok, and `$disjoint_(name, nm*)`
    let mut names = HashSet::new();
    let mut exports = Vec::with_capacity(m.exports.len());
    for e in &m.exports {
        // Export_ok
        crate::hit!("Export_ok");
        let xt = match e.desc {
            ExportDesc::Func(x) => {
                // Externidx_ok/func
                crate::hit!("Externidx_ok/func");
                let ft = c
                    .funcs
                    .get(x as usize)
                    .ok_or_else(|| unknown("function", x))?;
                ExternType::Func((*ft).clone())
            }
            ExportDesc::Table(x) => {
                // Externidx_ok/table
                crate::hit!("Externidx_ok/table");
                let tt = c
                    .tables
                    .get(x as usize)
                    .ok_or_else(|| unknown("table", x))?;
                ExternType::Table(*tt)
            }
            ExportDesc::Mem(x) => {
                // Externidx_ok/mem
                crate::hit!("Externidx_ok/mem");
                let mt = c.mems.get(x as usize).ok_or_else(|| unknown("memory", x))?;
                ExternType::Mem(*mt)
            }
            ExportDesc::Global(x) => {
                // Externidx_ok/global
                crate::hit!("Externidx_ok/global");
                let gt = c
                    .globals
                    .get(x as usize)
                    .ok_or_else(|| unknown("global", x))?;
                ExternType::Global(*gt)
            }
        };
        if !names.insert(e.name.as_str()) {
            return Err(ValidationError::new(format!(
                "duplicate export name {:?}",
                e.name
            )));
        }
        exports.push((e.name.clone(), xt));
    }

    Ok(ModuleType { imports, exports })
}
