//! Abstract syntax of modules, after `1.2-syntax.types.spectec`, `1.3-syntax.instructions.spectec`
//! and `1.4-syntax.modules.spectec`: the WebAssembly 2.0 subset (MVP, sign extension,
//! non-trapping conversions, multi-value, bulk memory, reference types, fixed-width SIMD).
//!
//! The decoder ([`crate::binary`]) produces it, the validator ([`crate::valid`]) checks it,
//! the interpreter ([`crate::exec`]) runs it. Names follow the spec's constructors
//! (`BINOP`, `VSHIFTOP`, `MEMORY.FILL`, ...), in Rust's case.

use crate::value::{FuncType, HeapType, RefType, ValType};

/// `numtype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl NumType {
    /// `$size(numtype)` in bits.
    pub fn size(self) -> u32 {
        match self {
            NumType::I32 | NumType::F32 => 32,
            NumType::I64 | NumType::F64 => 64,
        }
    }

    /// Whether it is `i32` or `i64`.
    pub fn is_int(self) -> bool {
        matches!(self, NumType::I32 | NumType::I64)
    }

    /// Whether it is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        !self.is_int()
    }

    /// As a value type.
    pub fn val_type(self) -> ValType {
        match self {
            NumType::I32 => ValType::I32,
            NumType::I64 => ValType::I64,
            NumType::F32 => ValType::F32,
            NumType::F64 => ValType::F64,
        }
    }
}

/// `sx`: signedness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sx {
    /// Unsigned.
    U,
    /// Signed.
    S,
}

/// `sz`: a pack size in bits (8, 16, 32, 64).
pub type Sz = u32;

/// `unop_(numtype)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `CLZ` (integer).
    Clz,
    /// `CTZ` (integer).
    Ctz,
    /// `POPCNT` (integer).
    Popcnt,
    /// `EXTEND sz` (integer sign extension from the low `sz` bits).
    Extend(Sz),
    /// `ABS` (float).
    Abs,
    /// `NEG` (float).
    Neg,
    /// `SQRT` (float).
    Sqrt,
    /// `CEIL` (float).
    Ceil,
    /// `FLOOR` (float).
    Floor,
    /// `TRUNC` (float).
    Trunc,
    /// `NEAREST` (float).
    Nearest,
}

/// `binop_(numtype)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `ADD`
    Add,
    /// `SUB`
    Sub,
    /// `MUL`
    Mul,
    /// `DIV sx` (integer) / `DIV` (float: `None`).
    Div(Option<Sx>),
    /// `REM sx` (integer).
    Rem(Sx),
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `SHL`
    Shl,
    /// `SHR sx`
    Shr(Sx),
    /// `ROTL`
    Rotl,
    /// `ROTR`
    Rotr,
    /// `MIN` (float).
    Min,
    /// `MAX` (float).
    Max,
    /// `COPYSIGN` (float).
    Copysign,
}

/// `relop_(numtype)`; the signedness is `None` for floats and for `EQ`/`NE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelOp {
    /// `EQ`
    Eq,
    /// `NE`
    Ne,
    /// `LT sx?`
    Lt(Option<Sx>),
    /// `GT sx?`
    Gt(Option<Sx>),
    /// `LE sx?`
    Le(Option<Sx>),
    /// `GE sx?`
    Ge(Option<Sx>),
}

/// `cvtop__(numtype_1, numtype_2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CvtOp {
    /// `EXTEND sx` (i32 to i64).
    Extend(Sx),
    /// `WRAP` (i64 to i32).
    Wrap,
    /// `CONVERT sx` (integer to float).
    Convert(Sx),
    /// `TRUNC sx` (float to integer, trapping).
    Trunc(Sx),
    /// `TRUNC_SAT sx` (float to integer, saturating).
    TruncSat(Sx),
    /// `PROMOTE` (f32 to f64).
    Promote,
    /// `DEMOTE` (f64 to f32).
    Demote,
    /// `REINTERPRET` (same size).
    Reinterpret,
}

/// `lanetype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneType {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl LaneType {
    /// `$lsize(lanetype)` in bits.
    pub fn size(self) -> u32 {
        match self {
            LaneType::I8 => 8,
            LaneType::I16 => 16,
            LaneType::I32 | LaneType::F32 => 32,
            LaneType::I64 | LaneType::F64 => 64,
        }
    }

    /// Whether it is an integer lane type.
    pub fn is_int(self) -> bool {
        !matches!(self, LaneType::F32 | LaneType::F64)
    }
}

/// `shape`: `lanetype X dim`, with `lsize * dim = 128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// The lane type.
    pub lane: LaneType,
    /// The number of lanes.
    pub dim: u32,
}

impl Shape {
    /// `i8x16`
    pub const I8X16: Shape = Shape {
        lane: LaneType::I8,
        dim: 16,
    };
    /// `i16x8`
    pub const I16X8: Shape = Shape {
        lane: LaneType::I16,
        dim: 8,
    };
    /// `i32x4`
    pub const I32X4: Shape = Shape {
        lane: LaneType::I32,
        dim: 4,
    };
    /// `i64x2`
    pub const I64X2: Shape = Shape {
        lane: LaneType::I64,
        dim: 2,
    };
    /// `f32x4`
    pub const F32X4: Shape = Shape {
        lane: LaneType::F32,
        dim: 4,
    };
    /// `f64x2`
    pub const F64X2: Shape = Shape {
        lane: LaneType::F64,
        dim: 2,
    };
}

/// `half`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Half {
    /// `LOW`
    Low,
    /// `HIGH`
    High,
}

/// `vvunop`, `vvbinop`, `vvternop`, `vvtestop` (bitwise on the whole v128).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VvOp {
    /// `NOT`
    Not,
    /// `AND`
    And,
    /// `ANDNOT`
    AndNot,
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `BITSELECT`
    Bitselect,
    /// `ANY_TRUE`
    AnyTrue,
}

/// `vunop_(shape)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VUnOp {
    /// `ABS`
    Abs,
    /// `NEG`
    Neg,
    /// `POPCNT` (i8x16).
    Popcnt,
    /// `SQRT` (float).
    Sqrt,
    /// `CEIL` (float).
    Ceil,
    /// `FLOOR` (float).
    Floor,
    /// `TRUNC` (float).
    Trunc,
    /// `NEAREST` (float).
    Nearest,
}

/// `vbinop_(shape)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VBinOp {
    /// `ADD`
    Add,
    /// `SUB`
    Sub,
    /// `ADD_SAT sx`
    AddSat(Sx),
    /// `SUB_SAT sx`
    SubSat(Sx),
    /// `MUL`
    Mul,
    /// `AVGR U`
    AvgrU,
    /// `Q15MULR_SAT S`
    Q15MulrSatS,
    /// `MIN sx` (integer) / `MIN` (float: `None`).
    Min(Option<Sx>),
    /// `MAX sx` (integer) / `MAX` (float: `None`).
    Max(Option<Sx>),
    /// `DIV` (float).
    Div,
    /// `PMIN` (float).
    Pmin,
    /// `PMAX` (float).
    Pmax,
}

/// `vshiftop_(ishape)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VShiftOp {
    /// `SHL`
    Shl,
    /// `SHR sx`
    Shr(Sx),
}

/// `vcvtop__(shape_1, shape_2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VCvtOp {
    /// `EXTEND half sx` (integer widening).
    Extend(Half, Sx),
    /// `CONVERT half? sx` (integer to float; `LOW` for i32x4 to f64x2).
    Convert(Option<Half>, Sx),
    /// `TRUNC_SAT sx zero?` (float to integer).
    TruncSat(Sx, bool),
    /// `DEMOTE ZERO` (f64x2 to f32x4).
    DemoteZero,
    /// `PROMOTE LOW` (f32x4 to f64x2).
    PromoteLow,
}

/// `vloadop_(vectype)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VLoadOp {
    /// `SHAPE sz X M _ sx`: load `M` lanes of `sz` bits, extend each to twice the size.
    Shape {
        /// Bits per loaded lane (8, 16, 32).
        sz: Sz,
        /// Number of lanes.
        m: u32,
        /// Signedness of the extension.
        sx: Sx,
    },
    /// `SPLAT sz`: load one lane of `sz` bits and splat it.
    Splat(Sz),
    /// `ZERO sz`: load `sz` bits (32 or 64) into lane 0, zero the rest.
    Zero(Sz),
}

/// `memarg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// Alignment exponent (log2 of bytes).
    pub align: u32,
    /// Static offset.
    pub offset: u64,
}

/// `blocktype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockType {
    /// No parameters, one optional result (`_RESULT valtype?`).
    Result(Option<ValType>),
    /// A function type by index (`_IDX typeidx`).
    Type(u32),
}

/// `instr`: every instruction of the 2.0 subset.
#[derive(Clone, Debug, PartialEq)]
pub enum Instr {
    /// `NOP`
    Nop,
    /// `UNREACHABLE`
    Unreachable,
    /// `DROP`
    Drop,
    /// `SELECT (valtype*)?`
    Select(Option<Vec<ValType>>),
    /// `BLOCK blocktype instr*`
    Block(BlockType, Vec<Instr>),
    /// `LOOP blocktype instr*`
    Loop(BlockType, Vec<Instr>),
    /// `IF blocktype instr* ELSE instr*`
    If(BlockType, Vec<Instr>, Vec<Instr>),
    /// `BR labelidx`
    Br(u32),
    /// `BR_IF labelidx`
    BrIf(u32),
    /// `BR_TABLE labelidx* labelidx`
    BrTable(Vec<u32>, u32),
    /// `CALL funcidx`
    Call(u32),
    /// `CALL_INDIRECT tableidx typeidx`
    CallIndirect(u32, u32),
    /// `RETURN`
    Return,
    /// `LOCAL.GET localidx`
    LocalGet(u32),
    /// `LOCAL.SET localidx`
    LocalSet(u32),
    /// `LOCAL.TEE localidx`
    LocalTee(u32),
    /// `GLOBAL.GET globalidx`
    GlobalGet(u32),
    /// `GLOBAL.SET globalidx`
    GlobalSet(u32),
    /// `TABLE.GET tableidx`
    TableGet(u32),
    /// `TABLE.SET tableidx`
    TableSet(u32),
    /// `TABLE.SIZE tableidx`
    TableSize(u32),
    /// `TABLE.GROW tableidx`
    TableGrow(u32),
    /// `TABLE.FILL tableidx`
    TableFill(u32),
    /// `TABLE.COPY tableidx tableidx` (destination, source)
    TableCopy(u32, u32),
    /// `TABLE.INIT tableidx elemidx`
    TableInit(u32, u32),
    /// `ELEM.DROP elemidx`
    ElemDrop(u32),
    /// `LOAD numtype (sz _ sx)? memidx memarg`
    Load(NumType, Option<(Sz, Sx)>, u32, MemArg),
    /// `STORE numtype sz? memidx memarg`
    Store(NumType, Option<Sz>, u32, MemArg),
    /// `VLOAD V128 vloadop? memidx memarg`
    VLoad(Option<VLoadOp>, u32, MemArg),
    /// `VLOAD_LANE V128 sz memidx memarg laneidx`
    VLoadLane(Sz, u32, MemArg, u8),
    /// `VSTORE V128 memidx memarg`
    VStore(u32, MemArg),
    /// `VSTORE_LANE V128 sz memidx memarg laneidx`
    VStoreLane(Sz, u32, MemArg, u8),
    /// `MEMORY.SIZE memidx`
    MemorySize(u32),
    /// `MEMORY.GROW memidx`
    MemoryGrow(u32),
    /// `MEMORY.FILL memidx`
    MemoryFill(u32),
    /// `MEMORY.COPY memidx memidx` (destination, source)
    MemoryCopy(u32, u32),
    /// `MEMORY.INIT memidx dataidx`
    MemoryInit(u32, u32),
    /// `DATA.DROP dataidx`
    DataDrop(u32),
    /// `REF.NULL heaptype`
    RefNull(HeapType),
    /// `REF.IS_NULL`
    RefIsNull,
    /// `REF.FUNC funcidx`
    RefFunc(u32),
    /// `CONST numtype num`: the bits (an `i32`/`f32` in the low 32 bits).
    Const(NumType, u64),
    /// `UNOP numtype unop`
    Unop(NumType, UnOp),
    /// `BINOP numtype binop`
    Binop(NumType, BinOp),
    /// `TESTOP numtype EQZ`
    Testop(NumType),
    /// `RELOP numtype relop`
    Relop(NumType, RelOp),
    /// `CVTOP numtype_1 numtype_2 cvtop`: convert from `numtype_2` to `numtype_1`.
    Cvtop(NumType, NumType, CvtOp),
    /// `VCONST V128 vec`
    VConst(u128),
    /// `VVUNOP`, `VVBINOP`, `VVTERNOP`, `VVTESTOP` on V128.
    Vvop(VvOp),
    /// `VUNOP shape vunop`
    VUnop(Shape, VUnOp),
    /// `VBINOP shape vbinop`
    VBinop(Shape, VBinOp),
    /// `VTESTOP shape ALL_TRUE`
    VAllTrue(Shape),
    /// `VRELOP shape vrelop` (signedness as in [`RelOp`]).
    VRelop(Shape, RelOp),
    /// `VSHIFTOP ishape vshiftop`
    VShiftop(Shape, VShiftOp),
    /// `VBITMASK ishape`
    VBitmask(Shape),
    /// `VSWIZZLOP I8X16 SWIZZLE`
    VSwizzle,
    /// `VSHUFFLE I8X16 laneidx*` (16 lane indices)
    VShuffle([u8; 16]),
    /// `VEXTUNOP ishape_1 ishape_2 EXTADD_PAIRWISE sx` (to `shape_1` from `shape_2`)
    VExtaddPairwise(Shape, Shape, Sx),
    /// `VEXTBINOP ishape_1 ishape_2 EXTMUL half sx` (to `shape_1` from `shape_2`)
    VExtmul(Shape, Shape, Half, Sx),
    /// `VEXTBINOP I32X4 I16X8 DOT S`
    VDot,
    /// `VNARROW ishape_1 ishape_2 sx` (to `shape_1` from `shape_2`)
    VNarrow(Shape, Shape, Sx),
    /// `VCVTOP shape_1 shape_2 vcvtop` (to `shape_1` from `shape_2`)
    VCvtop(Shape, Shape, VCvtOp),
    /// `VSPLAT shape`
    VSplat(Shape),
    /// `VEXTRACT_LANE shape sx? laneidx`
    VExtractLane(Shape, Option<Sx>, u8),
    /// `VREPLACE_LANE shape laneidx`
    VReplaceLane(Shape, u8),
}

/// `expr`: an instruction sequence.
pub type Expr = Vec<Instr>;

/// `limits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Minimum.
    pub min: u64,
    /// Maximum, if any.
    pub max: Option<u64>,
}

/// `tabletype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// Size limits, in elements.
    pub limits: Limits,
    /// Element type.
    pub elem: RefType,
}

/// `memtype` (limits in pages of 64 KiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemType {
    /// Size limits, in pages.
    pub limits: Limits,
}

/// `globaltype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// `MUT?`
    pub mutable: bool,
    /// The value type.
    pub ty: ValType,
}

/// `externtype` of an import (functions by type index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportDesc {
    /// `FUNC typeidx`
    Func(u32),
    /// `TABLE tabletype`
    Table(TableType),
    /// `MEM memtype`
    Mem(MemType),
    /// `GLOBAL globaltype`
    Global(GlobalType),
}

/// `import`.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// What is imported.
    pub desc: ImportDesc,
}

/// `externidx` of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportDesc {
    /// `FUNC funcidx`
    Func(u32),
    /// `TABLE tableidx`
    Table(u32),
    /// `MEM memidx`
    Mem(u32),
    /// `GLOBAL globalidx`
    Global(u32),
}

/// `export`.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The name.
    pub name: String,
    /// What is exported.
    pub desc: ExportDesc,
}

/// `func`: a function defined by the module.
#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    /// Its type's index.
    pub ty: u32,
    /// Its locals, run-length encoded as in the binary format (count, type), so that a
    /// module claiming 2^32 locals costs nothing until validation rejects it.
    pub locals: Vec<(u32, ValType)>,
    /// Its body.
    pub body: Expr,
}

/// `global`.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// Its type.
    pub ty: GlobalType,
    /// Its constant initialiser.
    pub init: Expr,
}

/// `elemmode`.
#[derive(Clone, Debug, PartialEq)]
pub enum ElemMode {
    /// `PASSIVE`
    Passive,
    /// `ACTIVE tableidx expr`
    Active(u32, Expr),
    /// `DECLARE`
    Declare,
}

/// `elem`.
#[derive(Clone, Debug, PartialEq)]
pub struct Elem {
    /// The element type.
    pub ty: RefType,
    /// One constant expression per element.
    pub init: Vec<Expr>,
    /// Its mode.
    pub mode: ElemMode,
}

/// `datamode`.
#[derive(Clone, Debug, PartialEq)]
pub enum DataMode {
    /// `PASSIVE`
    Passive,
    /// `ACTIVE memidx expr`
    Active(u32, Expr),
}

/// `data`.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    /// The bytes.
    pub init: Vec<u8>,
    /// Its mode.
    pub mode: DataMode,
}

/// `module`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// `type*`: function types.
    pub types: Vec<FuncType>,
    /// `import*`
    pub imports: Vec<Import>,
    /// `func*`: the functions the module defines.
    pub funcs: Vec<Func>,
    /// `table*`: the tables the module defines.
    pub tables: Vec<TableType>,
    /// `mem*`: the memories the module defines.
    pub mems: Vec<MemType>,
    /// `global*`: the globals the module defines.
    pub globals: Vec<Global>,
    /// `elem*`
    pub elems: Vec<Elem>,
    /// `data*`
    pub datas: Vec<Data>,
    /// `start?`
    pub start: Option<u32>,
    /// `export*`
    pub exports: Vec<Export>,
    /// The data count section's value, when present (the binary format needs it to
    /// validate `memory.init` and `data.drop` in one pass).
    pub data_count: Option<u32>,
}
