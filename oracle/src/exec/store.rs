//! The store (`store` in `4.0-execution.configurations.spectec`): every runtime object,
//! by address, and the conversions between the oracle's slots and the harness's values.

use std::rc::Rc;

use super::{ExecError, ExternVal, FuncAddr, GlobalAddr, MemAddr, Nondet, TableAddr, Tagged};
use crate::ast::{GlobalType, MemType, TableType};
use crate::numerics::FloatSet;
use crate::value::{FuncType, HeapType, RefType, RefValue, ValType, Value};

/// Bytes in a page.
pub(crate) const PAGE: u64 = 65536;

/// What the spec leaves open about a slot's value (the compact form of [`Nondet`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// Exact.
    None,
    /// Any canonical NaN.
    Canon,
    /// Any arithmetic NaN.
    Arith,
    /// A vector of `dim` float lanes; bit `i` of `canon`/`arith` marks lane `i` as any NaN
    /// of that class.
    Lanes { dim: u8, canon: u8, arith: u8 },
    /// Anything.
    Unknown,
}

impl Tag {
    /// The public form.
    pub(crate) fn nondet(self) -> Nondet {
        match self {
            Tag::None => Nondet::None,
            Tag::Canon => Nondet::Nan(FloatSet::CanonicalNan),
            Tag::Arith => Nondet::Nan(FloatSet::ArithmeticNan),
            Tag::Lanes { dim, canon, arith } => Nondet::Lanes(
                (0..dim)
                    .map(|i| {
                        if canon >> i & 1 == 1 {
                            Some(FloatSet::CanonicalNan)
                        } else if arith >> i & 1 == 1 {
                            Some(FloatSet::ArithmeticNan)
                        } else {
                            None
                        }
                    })
                    .collect(),
            ),
            Tag::Unknown => Nondet::Unknown,
        }
    }
}

/// An operand, local or global: untyped bits (validation fixes the type) and a tag.
///
/// `i32`/`f32` live in the low 32 bits, `i64`/`f64` in the low 64, a reference is 0 for
/// null and `1 + address` (a function) or `1 + n` (host reference `n`) otherwise. Every
/// type's default value is all zeros.
///
/// The interpreter's stacks keep the bits and the tags apart ([`super::slots::Slots`]); a
/// `Slot` is one value in transit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    /// The bits.
    pub v: u128,
    /// What else the value could be.
    pub tag: Tag,
}

impl Slot {
    /// Zero bits, exact: the default value of every type.
    pub(crate) const ZERO: Slot = Slot::new(0, Tag::None);

    /// Bits with a tag.
    #[inline]
    pub(crate) const fn new(v: u128, tag: Tag) -> Slot {
        Slot { v, tag }
    }

    /// Exact bits.
    #[inline]
    pub(crate) fn exact(v: u128) -> Slot {
        Slot::new(v, Tag::None)
    }

    /// A slot from a harness value of a type.
    pub(crate) fn from_value(v: &Value, ty: ValType) -> Result<Slot, ExecError> {
        let mismatch = || ExecError::Unsupported("argument type mismatch".into());
        let bits = match (*v, ty) {
            (Value::I32(b), ValType::I32) | (Value::F32(b), ValType::F32) => u128::from(b),
            (Value::I64(b), ValType::I64) | (Value::F64(b), ValType::F64) => u128::from(b),
            (Value::V128(b), ValType::V128) => b,
            (Value::Ref(RefValue::Null(_)), ValType::Ref(RefType { nullable: true, .. })) => 0,
            (
                Value::Ref(RefValue::Extern(n)),
                ValType::Ref(RefType {
                    heap: HeapType::Extern,
                    ..
                }),
            ) => 1 + u128::from(n),
            (Value::Ref(RefValue::NonNull(_)), ValType::Ref(_)) => {
                return Err(ExecError::Unsupported(
                    "a non-null reference of unknown identity as an argument".into(),
                ));
            }
            _ => return Err(mismatch()),
        };
        Ok(Slot::exact(bits))
    }

    /// The harness value of this slot, read as a type.
    pub(crate) fn value(self, ty: ValType) -> Value {
        match ty {
            ValType::I32 => Value::I32(self.v as u32),
            ValType::F32 => Value::F32(self.v as u32),
            ValType::I64 => Value::I64(self.v as u64),
            ValType::F64 => Value::F64(self.v as u64),
            ValType::V128 => Value::V128(self.v),
            ValType::Ref(rt) => Value::Ref(ref_value(self.v as u64, rt.heap)),
        }
    }

    /// The tagged harness value.
    pub(crate) fn tagged(self, ty: ValType) -> Tagged {
        Tagged {
            value: self.value(ty),
            nondet: self.tag.nondet(),
        }
    }
}

/// The harness form of a reference's bits (see [`Slot`]) of a heap type.
pub(crate) fn ref_value(bits: u64, heap: HeapType) -> RefValue {
    match (bits, heap) {
        (0, h) => RefValue::Null(h),
        (n, HeapType::Extern) => RefValue::Extern((n - 1) as u32),
        (_, h) => RefValue::NonNull(h),
    }
}

/// `funcinst`.
#[derive(Clone, Debug)]
pub(crate) enum FuncInst {
    /// A function of a module instance: its type, the instance, its index among the
    /// functions the module defines.
    Wasm {
        ty: FuncType,
        inst: usize,
        idx: usize,
    },
    /// A host function: calling it records the call.
    Host { ty: FuncType, name: String },
}

impl FuncInst {
    pub(crate) fn ty(&self) -> &FuncType {
        match self {
            FuncInst::Wasm { ty, .. } | FuncInst::Host { ty, .. } => ty,
        }
    }
}

/// `tableinst`.
#[derive(Clone, Debug)]
pub(crate) struct TableInst {
    pub ty: TableType,
    /// References as in [`Slot`].
    pub elems: Vec<u64>,
}

/// `meminst`, with the ranges of its bytes the spec leaves open.
#[derive(Clone, Debug)]
pub(crate) struct MemInst {
    pub ty: MemType,
    pub data: Vec<u8>,
    pub taint: Vec<(u64, u64)>,
}

/// `globalinst`.
#[derive(Clone, Debug)]
pub(crate) struct GlobalInst {
    pub ty: GlobalType,
    pub val: Slot,
}

/// `eleminst` (emptied by `elem.drop`).
#[derive(Clone, Debug)]
pub(crate) struct ElemInst {
    pub refs: Vec<u64>,
}

/// `moduleinst`, with the module's code.
#[derive(Debug)]
pub(crate) struct ModuleInst {
    /// The module's function types.
    pub types: Vec<FuncType>,
    /// The module's functions (copied without recursion).
    pub code: super::code::Code,
    pub funcs: Vec<FuncAddr>,
    pub tables: Vec<TableAddr>,
    pub mems: Vec<MemAddr>,
    pub globals: Vec<GlobalAddr>,
    pub elems: Vec<usize>,
    pub datas: Vec<usize>,
    /// Per function the module defines: how many locals it declares (beyond parameters).
    pub local_counts: Vec<usize>,
}

/// `store`: all runtime objects, by address.
#[derive(Debug)]
pub struct Store {
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) elems: Vec<ElemInst>,
    pub(crate) datas: Vec<Vec<u8>>,
    pub(crate) instances: Vec<Rc<ModuleInst>>,
    pub(crate) host_calls: Vec<crate::HostCall>,
    /// Per host call, its arguments with what else the spec allows, or `None` when the
    /// call was made on a path chosen by bits the spec leaves open.
    pub(crate) host_call_args: Vec<Option<Vec<Tagged>>>,
    pub(crate) fuel: Option<u64>,
    pub(crate) max_call_depth: usize,
    pub(crate) max_memory_pages: u64,
    pub(crate) max_table_elems: u64,
    pub(crate) max_stack_slots: usize,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl Store {
    /// An empty store: unlimited fuel, call depth 10 000, memories up to 65 536 pages.
    pub fn new() -> Store {
        Store {
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            host_calls: Vec::new(),
            host_call_args: Vec::new(),
            fuel: None,
            max_call_depth: 10_000,
            max_memory_pages: 65536,
            max_table_elems: 10_000_000,
            max_stack_slots: 1 << 23,
        }
    }

    /// Sets the fuel: one unit per instruction executed; `None` is unlimited.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// The fuel left (`None`: unlimited).
    pub fn fuel(&self) -> Option<u64> {
        self.fuel
    }

    /// Sets the call depth beyond which execution stops with [`ExecError::Exhaustion`].
    pub fn set_max_call_depth(&mut self, depth: usize) {
        self.max_call_depth = depth;
    }

    /// Sets the host's memory limit in pages: `memory.grow` past it fails (returns -1), and
    /// instantiating a memory larger than it is [`super::InstantiateError::Exhaustion`].
    pub fn set_max_memory_pages(&mut self, pages: u64) {
        self.max_memory_pages = pages;
    }

    /// Sets the host's table limit in elements (default 10 000 000), as
    /// [`Store::set_max_memory_pages`] does for memories.
    pub fn set_max_table_elems(&mut self, elems: u64) {
        self.max_table_elems = elems;
    }

    /// Allocates a host function: calling it records a [`crate::HostCall`] named `name`
    /// with its arguments. It returns no results (calling one whose type has results is
    /// [`ExecError::Unsupported`]).
    pub fn alloc_host_func(&mut self, ty: FuncType, name: &str) -> FuncAddr {
        self.funcs.push(FuncInst::Host {
            ty,
            name: name.to_string(),
        });
        self.funcs.len() - 1
    }

    /// The host calls made since the last call of this function, in order.
    pub fn take_host_calls(&mut self) -> Vec<crate::HostCall> {
        self.host_call_args.clear();
        std::mem::take(&mut self.host_calls)
    }

    /// The host calls since the last take, each with its arguments as the spec allows
    /// them (`None`: the call happened on a path chosen by open bits).
    pub fn take_host_calls_tagged(&mut self) -> Vec<(crate::HostCall, Option<Vec<Tagged>>)> {
        let args = std::mem::take(&mut self.host_call_args);
        std::mem::take(&mut self.host_calls)
            .into_iter()
            .zip(args.into_iter().chain(std::iter::repeat(None)))
            .collect()
    }

    /// `$alloctable#1`: a table of the type's minimum size, every slot `init` (a reference;
    /// anything else, or a non-null reference of unknown identity, is taken as null).
    pub fn alloc_table(&mut self, ty: TableType, init: Value) -> TableAddr {
        crate::hit!("$alloctable#1");
        let bits = match init {
            Value::Ref(RefValue::Extern(n)) => 1 + u64::from(n),
            _ => 0,
        };
        let n = usize::try_from(ty.limits.min).unwrap_or(usize::MAX);
        let n = n.min(self.max_table_elems as usize);
        self.tables.push(TableInst {
            ty,
            elems: vec![bits; n],
        });
        self.tables.len() - 1
    }

    /// `$allocmem#1`: a memory of the type's minimum size, zeroed (at most the host limit).
    pub fn alloc_mem(&mut self, ty: MemType) -> MemAddr {
        crate::hit!("$allocmem#1");
        let pages = ty.limits.min.min(self.max_memory_pages);
        self.mems.push(MemInst {
            ty,
            data: vec![0; (pages * PAGE) as usize],
            taint: Vec::new(),
        });
        self.mems.len() - 1
    }

    /// `$allocglobal#1`: a global of a type holding `init` (when `init` does not fit the
    /// type, the type's default value).
    pub fn alloc_global(&mut self, ty: GlobalType, init: Value) -> GlobalAddr {
        crate::hit!("$allocglobal#1");
        let val = Slot::from_value(&init, ty.ty).unwrap_or(Slot::ZERO);
        self.globals.push(GlobalInst { ty, val });
        self.globals.len() - 1
    }

    /// A function's type (the empty type for an address not in the store).
    pub fn func_type(&self, f: FuncAddr) -> FuncType {
        self.funcs
            .get(f)
            .map(|f| f.ty().clone())
            .unwrap_or(FuncType {
                params: Vec::new(),
                results: Vec::new(),
            })
    }

    /// A global's value, tagged (`i32` 0 for an address not in the store).
    pub fn global(&self, g: GlobalAddr) -> Tagged {
        match self.globals.get(g) {
            Some(g) => g.val.tagged(g.ty.ty),
            None => Tagged {
                value: Value::I32(0),
                nondet: Nondet::None,
            },
        }
    }

    /// A memory's bytes (empty for an address not in the store).
    pub fn memory(&self, m: MemAddr) -> &[u8] {
        self.mems.get(m).map(|m| &m.data[..]).unwrap_or(&[])
    }

    /// The byte ranges `[start, end)` of a memory whose contents the spec leaves open,
    /// sorted and disjoint.
    pub fn memory_tainted(&self, m: MemAddr) -> &[(u64, u64)] {
        self.mems.get(m).map(|m| &m.taint[..]).unwrap_or(&[])
    }

    /// A table's slots: `Ref(Null(..))`, `Ref(Extern(n))` or `Ref(NonNull(..))`.
    pub fn table(&self, t: TableAddr) -> Vec<Value> {
        match self.tables.get(t) {
            Some(t) => t
                .elems
                .iter()
                .map(|&r| Value::Ref(ref_value(r, t.ty.elem.heap)))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The type of an external value as the store sees it now (`$externtype` of
    /// `Externaddr_ok`): tables and memories with their current size as minimum.
    pub(crate) fn extern_type(&self, e: ExternVal) -> Option<ExternType> {
        Some(match e {
            ExternVal::Func(a) => ExternType::Func(self.funcs.get(a)?.ty().clone()),
            ExternVal::Table(a) => {
                let t = self.tables.get(a)?;
                let mut ty = t.ty;
                ty.limits.min = t.elems.len() as u64;
                ExternType::Table(ty)
            }
            ExternVal::Mem(a) => {
                let m = self.mems.get(a)?;
                let mut ty = m.ty;
                ty.limits.min = m.data.len() as u64 / PAGE;
                ExternType::Mem(ty)
            }
            ExternVal::Global(a) => ExternType::Global(self.globals.get(a)?.ty),
        })
    }
}

/// `externtype`, with function types resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExternType {
    Func(FuncType),
    Table(TableType),
    Mem(MemType),
    Global(GlobalType),
}
