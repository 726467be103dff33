//! Validator tests on hand-built modules.

use super::*;
use crate::ast::*;
use crate::value::{FuncType, HeapType, RefType, ValType};

use Instr as I;
use NumType::{F32, F64, I32, I64};
use ValType as V;

// ---- builders ----

fn ft(params: &[ValType], results: &[ValType]) -> FuncType {
    FuncType {
        params: params.to_vec(),
        results: results.to_vec(),
    }
}

/// A module of one function `params -> results` with `body` and no locals.
fn func(params: &[ValType], results: &[ValType], body: Vec<Instr>) -> Module {
    func_locals(params, results, vec![], body)
}

fn func_locals(
    params: &[ValType],
    results: &[ValType],
    locals: Vec<(u32, ValType)>,
    body: Vec<Instr>,
) -> Module {
    Module {
        types: vec![ft(params, results)],
        funcs: vec![Func {
            ty: 0,
            locals,
            body,
        }],
        ..Module::default()
    }
}

fn limits(min: u64, max: Option<u64>) -> Limits {
    Limits { min, max }
}

/// Adds a memory of one page.
fn mem(mut m: Module) -> Module {
    m.mems.push(MemType {
        limits: limits(1, None),
    });
    m
}

/// Adds a funcref table of 10 elements.
fn table(mut m: Module) -> Module {
    m.tables.push(TableType {
        limits: limits(10, None),
        elem: funcref(),
    });
    m
}

fn funcref() -> RefType {
    RefType {
        nullable: true,
        heap: HeapType::Func,
    }
}

fn externref() -> RefType {
    RefType {
        nullable: true,
        heap: HeapType::Extern,
    }
}

fn ma(align: u32) -> MemArg {
    MemArg { align, offset: 0 }
}

fn i32c(v: i32) -> Instr {
    I::Const(I32, v as u32 as u64)
}

fn i64c(v: i64) -> Instr {
    I::Const(I64, v as u64)
}

fn f32c() -> Instr {
    I::Const(F32, 0)
}

fn f64c() -> Instr {
    I::Const(F64, 0)
}

fn v128c() -> Instr {
    I::VConst(0)
}

fn block(results: &[ValType], body: Vec<Instr>) -> Instr {
    I::Block(BlockType::Result(results.first().copied()), body)
}

#[track_caller]
fn ok(m: &Module) -> ModuleType {
    match validate(m) {
        Ok(t) => t,
        Err(e) => panic!("expected valid, got {e:?}"),
    }
}

#[track_caller]
fn invalid(m: &Module, prefix: &str) -> ValidationError {
    match validate(m) {
        Ok(_) => panic!("expected invalid ({prefix}), got valid"),
        Err(e) => {
            assert!(
                e.message.starts_with(prefix),
                "expected {prefix:?}, got {:?}",
                e.message
            );
            e
        }
    }
}

// ---- valid modules ----

#[test]
fn empty_module() {
    let t = ok(&Module::default());
    assert!(t.imports.is_empty() && t.exports.is_empty());
}

#[test]
fn numeric_instructions() {
    use BinOp::*;
    let body = vec![
        // i32
        i32c(1),
        i32c(2),
        I::Binop(I32, Add),
        I::Unop(I32, UnOp::Clz),
        I::Unop(I32, UnOp::Extend(8)),
        i32c(3),
        I::Binop(I32, Div(Some(Sx::S))),
        i32c(3),
        I::Binop(I32, Rotl),
        I::Testop(I32),
        i32c(0),
        I::Relop(I32, RelOp::Lt(Some(Sx::U))),
        I::Drop,
        // i64
        i64c(1),
        I::Unop(I64, UnOp::Extend(32)),
        i64c(2),
        I::Binop(I64, Shr(Sx::U)),
        I::Cvtop(I32, I64, CvtOp::Wrap),
        I::Cvtop(I64, I32, CvtOp::Extend(Sx::S)),
        I::Cvtop(F64, I64, CvtOp::Reinterpret),
        // f64 / f32
        f64c(),
        I::Binop(F64, Copysign),
        I::Unop(F64, UnOp::Nearest),
        I::Cvtop(F32, F64, CvtOp::Demote),
        I::Cvtop(I32, F32, CvtOp::TruncSat(Sx::U)),
        I::Cvtop(F32, I32, CvtOp::Convert(Sx::S)),
        f32c(),
        I::Relop(F32, RelOp::Ge(None)),
        // select with and without type
        i64c(1),
        i64c(2),
        i32c(0),
        I::Select(None),
        i64c(3),
        i32c(1),
        I::Select(Some(vec![V::I64])),
        I::Drop,
        I::Nop,
    ];
    ok(&func(&[], &[V::I32], body));
}

#[test]
fn locals_and_globals() {
    let mut m = func_locals(
        &[V::I32],
        &[V::F64],
        vec![(2, V::I64), (1, V::F64)],
        vec![
            I::LocalGet(0),
            I::GlobalSet(1),
            i64c(0),
            I::LocalSet(2),
            I::LocalGet(3),
            I::LocalTee(3),
            I::GlobalGet(0),
            I::Drop,
        ],
    );
    m.imports.push(Import {
        module: "m".into(),
        name: "g".into(),
        desc: ImportDesc::Global(GlobalType {
            mutable: false,
            ty: V::I32,
        }),
    });
    m.globals.push(Global {
        ty: GlobalType {
            mutable: true,
            ty: V::I32,
        },
        init: vec![I::GlobalGet(0)],
    });
    ok(&m);
}

#[test]
fn control_instructions() {
    let mut m = table(func(
        &[V::I32],
        &[V::I32],
        vec![
            block(
                &[V::I32],
                vec![
                    i32c(1),
                    I::LocalGet(0),
                    I::BrIf(0),
                    I::Drop,
                    I::Loop(
                        BlockType::Result(None),
                        vec![I::LocalGet(0), I::BrIf(0), i32c(5), I::Br(1)],
                    ),
                    i32c(2),
                ],
            ),
            I::If(
                BlockType::Result(Some(V::I32)),
                vec![i32c(1)],
                vec![i32c(2), I::Return],
            ),
            block(
                &[],
                vec![block(
                    &[],
                    vec![I::LocalGet(0), I::BrTable(vec![0, 1, 0], 1)],
                )],
            ),
            I::If(BlockType::Result(None), vec![], vec![]),
            I::LocalGet(0),
            I::Call(0),
            i32c(0),
            I::CallIndirect(0, 0),
        ],
    ));
    m.exports.push(Export {
        name: "f".into(),
        desc: ExportDesc::Func(0),
    });
    let t = ok(&m);
    assert_eq!(
        t.exports,
        vec![("f".to_string(), ExternType::Func(ft(&[V::I32], &[V::I32])))]
    );
}

#[test]
fn multi_value_blocks_with_params() {
    // type 1: [i32 i64] -> [i64 i32]
    let mut m = func(
        &[],
        &[V::I64, V::I32],
        vec![
            i32c(1),
            i64c(2),
            I::Block(BlockType::Type(1), vec![I::Drop, I::Drop, i64c(3), i32c(4)]),
            I::Drop,
            I::Drop,
            i32c(1),
            i64c(2),
            I::Loop(BlockType::Type(1), vec![I::Drop, I::Drop, i64c(3), i32c(4)]),
            I::Drop,
            I::Drop,
            i32c(7),
            i64c(8),
            i32c(1),
            I::If(
                BlockType::Type(1),
                vec![I::Drop, I::Drop, i64c(3), i32c(4)],
                vec![I::Drop, I::Drop, i64c(3), i32c(4)],
            ),
            I::Drop,
            I::Drop,
            i64c(5),
            i32c(6),
        ],
    );
    m.types.push(ft(&[V::I32, V::I64], &[V::I64, V::I32]));
    ok(&m);

    // a loop's label takes its parameters: `br 0` inside needs [i32 i64]
    let mut m = func(
        &[],
        &[],
        vec![
            i32c(1),
            i64c(2),
            I::Loop(BlockType::Type(1), vec![I::Br(0)]),
            I::Drop,
            I::Drop,
        ],
    );
    m.types.push(ft(&[V::I32, V::I64], &[V::I64, V::I32]));
    ok(&m);
}

#[test]
fn unreachable_polymorphism() {
    ok(&func(
        &[],
        &[V::I32],
        vec![I::Unreachable, I::Binop(I32, BinOp::Add)],
    ));
    ok(&func(
        &[],
        &[],
        vec![I::Unreachable, I::Select(None), I::Drop],
    ));
    ok(&func(
        &[],
        &[V::I64],
        vec![I::Unreachable, I::Select(None), I::Unop(I64, UnOp::Clz)],
    ));
    ok(&func(
        &[],
        &[V::F32],
        vec![f32c(), I::Return, I::Drop, f32c()],
    ));
    ok(&func(
        &[],
        &[V::I32],
        vec![block(&[V::I32], vec![i32c(0), I::Br(0), I::RefIsNull])],
    ));
    ok(&func(
        &[],
        &[],
        vec![block(&[], vec![i32c(0), I::BrTable(vec![], 0), I::Drop])],
    ));
    // the bottom type does not make a known operand polymorphic
    invalid(
        &func(
            &[],
            &[V::I32],
            vec![I::Unreachable, i64c(0), I::Binop(I32, BinOp::Add)],
        ),
        "type mismatch",
    );
    // select with one known numeric and one unknown operand is fine; with a reference it is not
    invalid(
        &func(
            &[],
            &[],
            vec![
                I::Unreachable,
                I::RefNull(HeapType::Func),
                i32c(0),
                I::Select(None),
                I::Drop,
            ],
        ),
        "type mismatch",
    );
}

#[test]
fn memory_instructions() {
    let mut m = mem(func(
        &[],
        &[],
        vec![
            i32c(0),
            I::Load(I32, None, 0, ma(2)),
            i32c(0),
            I::Load(I64, Some((32, Sx::U)), 0, ma(2)),
            I::Store(I64, Some(8), 0, ma(0)),
            i32c(0),
            i32c(0),
            I::Store(
                I32,
                None,
                0,
                MemArg {
                    align: 1,
                    offset: 1 << 31,
                },
            ),
            i32c(0),
            I::Load(F64, None, 0, ma(3)),
            I::Drop,
            I::MemorySize(0),
            I::MemoryGrow(0),
            I::Drop,
            i32c(0),
            i32c(0),
            i32c(0),
            I::MemoryFill(0),
            i32c(0),
            i32c(0),
            i32c(0),
            I::MemoryCopy(0, 0),
            i32c(0),
            i32c(0),
            i32c(0),
            I::MemoryInit(0, 0),
            I::DataDrop(0),
        ],
    ));
    m.datas.push(Data {
        init: vec![1, 2],
        mode: DataMode::Passive,
    });
    m.datas.push(Data {
        init: vec![],
        mode: DataMode::Active(0, vec![i32c(8)]),
    });
    m.data_count = Some(2);
    ok(&m);
}

#[test]
fn table_and_reference_instructions() {
    let mut m = table(func(
        &[],
        &[V::I32],
        vec![
            i32c(0),
            I::TableGet(0),
            I::RefIsNull,
            I::Drop,
            i32c(0),
            I::RefFunc(0),
            I::TableSet(0),
            I::RefNull(HeapType::Func),
            i32c(1),
            I::TableGrow(0),
            I::Drop,
            i32c(0),
            I::RefNull(HeapType::Func),
            i32c(1),
            I::TableFill(0),
            i32c(0),
            i32c(0),
            i32c(0),
            I::TableCopy(0, 0),
            i32c(0),
            i32c(0),
            i32c(0),
            I::TableInit(0, 0),
            I::ElemDrop(1),
            i32c(0),
            I::TableGet(1),
            I::RefIsNull,
            I::Drop,
            I::TableSize(1),
        ],
    ));
    m.tables.push(TableType {
        limits: limits(0, Some(u64::from(u32::MAX))),
        elem: externref(),
    });
    // elem 0: passive funcref with a ref.func; elem 1: declarative
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![vec![I::RefFunc(0)], vec![I::RefNull(HeapType::Func)]],
        mode: ElemMode::Passive,
    });
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![],
        mode: ElemMode::Declare,
    });
    m.elems.push(Elem {
        ty: externref(),
        init: vec![vec![I::RefNull(HeapType::Extern)]],
        mode: ElemMode::Active(1, vec![i32c(0)]),
    });
    ok(&m);
}

#[test]
fn simd_instructions() {
    let body = vec![
        v128c(),
        v128c(),
        I::VBinop(Shape::F32X4, VBinOp::Mul),
        v128c(),
        I::VBinop(Shape::I8X16, VBinOp::AddSat(Sx::U)),
        I::VUnop(Shape::I8X16, VUnOp::Popcnt),
        I::VUnop(Shape::F64X2, VUnOp::Sqrt),
        v128c(),
        I::VRelop(Shape::I64X2, RelOp::Lt(Some(Sx::S))),
        i32c(3),
        I::VShiftop(Shape::I32X4, VShiftOp::Shr(Sx::U)),
        v128c(),
        I::VSwizzle,
        v128c(),
        I::VShuffle([0, 31, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
        v128c(),
        v128c(),
        I::Vvop(VvOp::Bitselect),
        I::Vvop(VvOp::Not),
        v128c(),
        I::Vvop(VvOp::AndNot),
        I::VExtaddPairwise(Shape::I16X8, Shape::I8X16, Sx::S),
        v128c(),
        I::VExtmul(Shape::I64X2, Shape::I32X4, Half::High, Sx::U),
        v128c(),
        I::VDot,
        v128c(),
        I::VNarrow(Shape::I8X16, Shape::I16X8, Sx::U),
        I::VCvtop(
            Shape::F64X2,
            Shape::I32X4,
            VCvtOp::Convert(Some(Half::Low), Sx::S),
        ),
        I::VCvtop(Shape::I32X4, Shape::F64X2, VCvtOp::TruncSat(Sx::S, true)),
        I::VCvtop(
            Shape::I16X8,
            Shape::I8X16,
            VCvtOp::Extend(Half::High, Sx::U),
        ),
        f32c(),
        I::VReplaceLane(Shape::F32X4, 3),
        I::VExtractLane(Shape::I8X16, Some(Sx::S), 15),
        I::VSplat(Shape::I16X8),
        I::VExtractLane(Shape::I64X2, None, 1),
        I::VSplat(Shape::I64X2),
        I::Vvop(VvOp::AnyTrue),
        v128c(),
        I::VAllTrue(Shape::I16X8),
        I::Binop(I32, BinOp::Xor),
        v128c(),
        I::VBitmask(Shape::I32X4),
        I::Binop(I32, BinOp::Or),
        I::Drop,
        // memory
        i32c(0),
        I::VLoad(None, 0, ma(4)),
        I::Drop,
        i32c(0),
        I::VLoad(
            Some(VLoadOp::Shape {
                sz: 16,
                m: 4,
                sx: Sx::S,
            }),
            0,
            ma(3),
        ),
        I::Drop,
        i32c(0),
        I::VLoad(Some(VLoadOp::Splat(8)), 0, ma(0)),
        I::Drop,
        i32c(0),
        I::VLoad(Some(VLoadOp::Zero(64)), 0, ma(3)),
        I::Drop,
        i32c(0),
        v128c(),
        I::VStore(0, ma(4)),
        i32c(0),
        v128c(),
        I::VLoadLane(16, 0, ma(1), 7),
        I::Drop,
        i32c(0),
        v128c(),
        I::VStoreLane(16, 0, ma(1), 7),
    ];
    let m = mem(func(&[], &[], body));
    ok(&m);
}

#[test]
fn constant_expressions() {
    let mut m = func(&[], &[], vec![]);
    m.imports.push(Import {
        module: "m".into(),
        name: "g".into(),
        desc: ImportDesc::Global(GlobalType {
            mutable: false,
            ty: V::I32,
        }),
    });
    m.imports.push(Import {
        module: "m".into(),
        name: "f".into(),
        desc: ImportDesc::Func(0),
    });
    m = mem(table(m));
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            ty: V::FUNCREF,
        },
        init: vec![I::RefFunc(1)],
    });
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            ty: V::V128,
        },
        init: vec![v128c()],
    });
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![vec![I::RefFunc(0)], vec![I::RefNull(HeapType::Func)]],
        mode: ElemMode::Active(0, vec![I::GlobalGet(0)]),
    });
    m.datas.push(Data {
        init: vec![0],
        mode: DataMode::Active(0, vec![I::GlobalGet(0)]),
    });
    // a function body may name the functions declared outside bodies
    m.funcs[0].body = vec![I::RefFunc(0), I::RefFunc(1), I::Drop, I::Drop];
    m.exports.push(Export {
        name: "g".into(),
        desc: ExportDesc::Global(2),
    });
    m.exports.push(Export {
        name: "mem".into(),
        desc: ExportDesc::Mem(0),
    });
    let t = ok(&m);
    assert_eq!(
        t.imports,
        vec![
            ExternType::Global(GlobalType {
                mutable: false,
                ty: V::I32
            }),
            ExternType::Func(ft(&[], &[])),
        ]
    );
    assert_eq!(t.exports.len(), 2);
    assert_eq!(
        t.exports[1].1,
        ExternType::Mem(MemType {
            limits: limits(1, None)
        })
    );
}

/// Takes a nested block tree apart level by level, so that dropping it does not recurse.
fn dismantle(mut body: Vec<Instr>) {
    while let Some(I::Block(_, inner)) = body.pop() {
        body = inner;
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 10_000;
    let mut body = vec![i32c(1)];
    for _ in 0..depth {
        body = vec![block(&[V::I32], body)];
    }
    let m = func(&[], &[V::I32], body);
    ok(&m);
    // also deep: a branch to the outermost label from the innermost block
    let Module { funcs, .. } = m;
    for f in funcs {
        dismantle(f.body);
    }
    let mut body = vec![i32c(1), I::Br(depth)];
    for _ in 0..depth {
        body = vec![block(&[V::I32], body)];
    }
    let m = func(&[], &[V::I32], body);
    ok(&m);
    let Module { funcs, .. } = m;
    for f in funcs {
        dismantle(f.body);
    }
}

#[test]
fn huge_local_counts_are_not_expanded() {
    // 2^32 - 1 locals in runs: allowed, and looked up without expansion
    let m = func_locals(
        &[V::I64],
        &[V::F32],
        vec![(u32::MAX - 10, V::I32), (10, V::F32)],
        vec![
            I::LocalGet(0),
            I::Drop,
            I::LocalGet(u32::MAX - 10),
            I::Drop,
            I::LocalGet(u32::MAX - 9),
            I::Drop,
            I::LocalGet(u32::MAX),
        ],
    );
    ok(&m);
    // 2^32 + 1 claimed: too many
    let m = func_locals(&[], &[], vec![(u32::MAX, V::I32), (2, V::I64)], vec![]);
    invalid(&m, "too many locals");
}

// ---- invalid modules, one per message ----

#[test]
fn type_mismatch() {
    let e = invalid(
        &func(
            &[],
            &[V::I32],
            vec![i32c(0), f32c(), I::Binop(I32, BinOp::Add)],
        ),
        "type mismatch",
    );
    assert_eq!(e.func, Some(0));
    assert_eq!(e.instr, Some(2));
    // nothing left for the result
    invalid(&func(&[], &[V::I32], vec![]), "type mismatch");
    // too much left
    invalid(&func(&[], &[], vec![i32c(0)]), "type mismatch");
    // if without else must map params to results
    invalid(
        &func(
            &[],
            &[V::I32],
            vec![
                i32c(0),
                I::If(BlockType::Result(Some(V::I32)), vec![i32c(1)], vec![]),
            ],
        ),
        "type mismatch",
    );
    // block result
    invalid(
        &func(&[], &[], vec![block(&[V::I32], vec![i64c(0)]), I::Drop]),
        "type mismatch",
    );
    // select without type of references
    invalid(
        &func(
            &[],
            &[],
            vec![
                I::RefNull(HeapType::Func),
                I::RefNull(HeapType::Func),
                i32c(0),
                I::Select(None),
                I::Drop,
            ],
        ),
        "type mismatch",
    );
    // call_indirect on an externref table
    let mut m = func(&[], &[], vec![i32c(0), I::CallIndirect(0, 0)]);
    m.tables.push(TableType {
        limits: limits(1, None),
        elem: externref(),
    });
    invalid(&m, "type mismatch");
    // ref.is_null of a number
    invalid(
        &func(&[], &[], vec![i32c(0), I::RefIsNull, I::Drop]),
        "type mismatch",
    );
}

#[test]
fn br_table_mixed_arities() {
    invalid(
        &func(
            &[],
            &[V::I32],
            vec![
                block(&[], vec![i32c(1), i32c(0), I::BrTable(vec![0], 1)]),
                i32c(0),
            ],
        ),
        "type mismatch",
    );
    // even after unreachable
    invalid(
        &func(
            &[],
            &[V::I32],
            vec![
                block(&[], vec![I::Unreachable, I::BrTable(vec![0], 1)]),
                i32c(0),
            ],
        ),
        "type mismatch",
    );
}

#[test]
fn unknown_indices() {
    invalid(
        &func(&[], &[], vec![I::LocalGet(0), I::Drop]),
        "unknown local",
    );
    invalid(
        &func(&[], &[], vec![I::GlobalGet(0), I::Drop]),
        "unknown global",
    );
    invalid(&func(&[], &[], vec![I::Call(1)]), "unknown function");
    invalid(
        &func(&[], &[], vec![I::TableSize(0), I::Drop]),
        "unknown table",
    );
    invalid(
        &func(
            &[],
            &[],
            vec![i32c(0), I::Load(I32, None, 0, ma(2)), I::Drop],
        ),
        "unknown memory 0",
    );
    invalid(
        &func(&[], &[], vec![I::MemorySize(0), I::Drop]),
        "unknown memory",
    );
    invalid(
        &table(func(&[], &[], vec![i32c(0), I::CallIndirect(0, 9)])),
        "unknown type",
    );
    invalid(
        &func(&[], &[], vec![I::Block(BlockType::Type(5), vec![])]),
        "unknown type",
    );
    let mut m = func(&[], &[], vec![]);
    m.funcs[0].ty = 3;
    invalid(&m, "unknown type");
    invalid(
        &func(&[], &[], vec![block(&[], vec![I::Br(2)])]),
        "unknown label",
    );
    invalid(
        &func(&[], &[], vec![i32c(0), I::BrTable(vec![0, 7], 0)]),
        "unknown label",
    );
    let mut m = mem(func(&[], &[], vec![I::DataDrop(1)]));
    m.datas.push(Data {
        init: vec![],
        mode: DataMode::Passive,
    });
    m.data_count = Some(1);
    invalid(&m, "unknown data segment");
    invalid(
        &table(func(&[], &[], vec![I::ElemDrop(0)])),
        "unknown elem segment",
    );
    let mut m = Module::default();
    m.exports.push(Export {
        name: "t".into(),
        desc: ExportDesc::Table(0),
    });
    invalid(&m, "unknown table");
    // an element segment for a missing table, a data segment for a missing memory
    let mut m = Module::default();
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![],
        mode: ElemMode::Active(0, vec![i32c(0)]),
    });
    invalid(&m, "unknown table");
    let mut m = Module::default();
    m.datas.push(Data {
        init: vec![],
        mode: DataMode::Active(0, vec![i32c(0)]),
    });
    invalid(&m, "unknown memory 0");
}

#[test]
fn data_count_required() {
    let mut m = mem(func(&[], &[], vec![I::DataDrop(0)]));
    m.datas.push(Data {
        init: vec![],
        mode: DataMode::Passive,
    });
    invalid(&m, "data count section required");
}

#[test]
fn global_is_immutable() {
    let mut m = func(&[], &[], vec![i32c(1), I::GlobalSet(0)]);
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            ty: V::I32,
        },
        init: vec![i32c(0)],
    });
    invalid(&m, "global is immutable");
}

#[test]
fn alignment() {
    invalid(
        &mem(func(
            &[],
            &[],
            vec![i32c(0), I::Load(I32, None, 0, ma(3)), I::Drop],
        )),
        "alignment must not be larger than natural",
    );
    invalid(
        &mem(func(
            &[],
            &[],
            vec![i32c(0), i64c(0), I::Store(I64, Some(16), 0, ma(2))],
        )),
        "alignment must not be larger than natural",
    );
    invalid(
        &mem(func(
            &[],
            &[],
            vec![
                i32c(0),
                I::VLoad(Some(VLoadOp::Splat(32)), 0, ma(3)),
                I::Drop,
            ],
        )),
        "alignment must not be larger than natural",
    );
    invalid(
        &mem(func(
            &[],
            &[],
            vec![i32c(0), I::Load(I32, None, 0, ma(u32::MAX)), I::Drop],
        )),
        "alignment must not be larger than natural",
    );
}

#[test]
fn constant_expression_required() {
    let global = |init: Vec<Instr>| {
        let mut m = Module::default();
        m.globals.push(Global {
            ty: GlobalType {
                mutable: false,
                ty: V::I32,
            },
            init,
        });
        m
    };
    invalid(
        &global(vec![i32c(1), i32c(2), I::Binop(I32, BinOp::Add)]),
        "constant expression required",
    );
    invalid(
        &global(vec![I::Nop, i32c(1)]),
        "constant expression required",
    );
    // a mutable imported global
    let mut m = global(vec![I::GlobalGet(0)]);
    m.imports.push(Import {
        module: "m".into(),
        name: "g".into(),
        desc: ImportDesc::Global(GlobalType {
            mutable: true,
            ty: V::I32,
        }),
    });
    invalid(&m, "constant expression required");
    // 2.0: only imported globals are visible to global initialisers
    let mut m = global(vec![i32c(0)]);
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            ty: V::I32,
        },
        init: vec![I::GlobalGet(0)],
    });
    invalid(&m, "unknown global");
    // typed all the same
    invalid(&global(vec![i64c(0)]), "type mismatch");
    invalid(&global(vec![]), "type mismatch");
}

#[test]
fn duplicate_export_name() {
    let mut m = func(&[], &[], vec![]);
    for _ in 0..2 {
        m.exports.push(Export {
            name: "f".into(),
            desc: ExportDesc::Func(0),
        });
    }
    invalid(&m, "duplicate export name");
}

#[test]
fn multiple_memories() {
    let mut m = mem(Module::default());
    m.imports.push(Import {
        module: "m".into(),
        name: "mem".into(),
        desc: ImportDesc::Mem(MemType {
            limits: limits(0, None),
        }),
    });
    invalid(&m, "multiple memories");
    invalid(&mem(mem(Module::default())), "multiple memories");
}

#[test]
fn limits_bounds() {
    let mut m = Module::default();
    m.mems.push(MemType {
        limits: limits(65537, None),
    });
    invalid(&m, "memory size must be at most 65536 pages (4GiB)");
    let mut m = Module::default();
    m.mems.push(MemType {
        limits: limits(0, Some(65537)),
    });
    invalid(&m, "memory size must be at most 65536 pages (4GiB)");
    let mut m = Module::default();
    m.mems.push(MemType {
        limits: limits(0, Some(65536)),
    });
    ok(&m);
    let mut m = Module::default();
    m.mems.push(MemType {
        limits: limits(2, Some(1)),
    });
    invalid(&m, "size minimum must not be greater than maximum");
    let mut m = Module::default();
    m.tables.push(TableType {
        limits: limits(2, Some(1)),
        elem: funcref(),
    });
    invalid(&m, "size minimum must not be greater than maximum");
    let mut m = Module::default();
    m.tables.push(TableType {
        limits: limits(1 << 32, None),
        elem: funcref(),
    });
    invalid(&m, "table size must be at most 2^32-1");
}

#[test]
fn start_function() {
    let mut m = func(&[V::I32], &[], vec![]);
    m.start = Some(0);
    invalid(&m, "start function");
    let mut m = func(&[], &[], vec![]);
    m.start = Some(1);
    invalid(&m, "unknown function");
    m.start = Some(0);
    ok(&m);
}

#[test]
fn undeclared_function_reference() {
    invalid(
        &func(&[], &[], vec![I::RefFunc(0), I::Drop]),
        "undeclared function reference",
    );
    invalid(
        &func(&[], &[], vec![I::RefFunc(3), I::Drop]),
        "unknown function",
    );
}

#[test]
fn invalid_lane_index() {
    invalid(
        &func(
            &[],
            &[V::I32],
            vec![v128c(), I::VExtractLane(Shape::I8X16, Some(Sx::U), 16)],
        ),
        "invalid lane index",
    );
    invalid(
        &func(
            &[],
            &[],
            vec![v128c(), v128c(), I::VShuffle([32; 16]), I::Drop],
        ),
        "invalid lane index",
    );
    invalid(
        &func(
            &[],
            &[],
            vec![v128c(), f64c(), I::VReplaceLane(Shape::F64X2, 2), I::Drop],
        ),
        "invalid lane index",
    );
    invalid(
        &mem(func(
            &[],
            &[],
            vec![i32c(0), v128c(), I::VLoadLane(64, 0, ma(3), 2), I::Drop],
        )),
        "invalid lane index",
    );
}

#[test]
fn invalid_result_arity() {
    invalid(
        &func(
            &[],
            &[],
            vec![
                i32c(0),
                i32c(0),
                i32c(0),
                I::Select(Some(vec![V::I32, V::I32])),
                I::Drop,
            ],
        ),
        "invalid result arity",
    );
    invalid(
        &func(&[], &[], vec![i32c(0), I::Select(Some(vec![]))]),
        "invalid result arity",
    );
}

#[test]
fn not_in_2_0() {
    // syntax the AST can hold but 2.0 cannot
    invalid(
        &func(&[], &[], vec![f32c(), I::Unop(F32, UnOp::Clz), I::Drop]),
        "invalid instruction",
    );
    let mut m = func(&[], &[], vec![]);
    m.types[0].params.push(V::Ref(RefType {
        nullable: false,
        heap: HeapType::Func,
    }));
    invalid(&m, "invalid reference type");
    invalid(
        &func(&[], &[], vec![I::RefNull(HeapType::Any), I::Drop]),
        "invalid heap type",
    );
}

#[test]
fn coverage_names_rule_and_opcode() {
    ok(&func(
        &[],
        &[V::F32],
        vec![f32c(), f32c(), I::Binop(F32, BinOp::Mul)],
    ));
    let snap = crate::coverage::snapshot();
    assert!(
        snap.iter()
            .any(|h| h.name == "Instr_ok/binop" && h.detail == "f32.mul" && h.count > 0)
    );
    assert!(snap.iter().any(|h| h.name == "Module_ok"));
}

#[test]
fn error_positions_and_branches() {
    // the else branch is checked against the block type too; the error names the
    // pre-order index of the faulty instruction (if = 1, then = 2, else = 3, 4)
    let e = invalid(
        &func(
            &[],
            &[V::I32],
            vec![
                i32c(0),
                I::If(
                    BlockType::Result(Some(V::I32)),
                    vec![i32c(1)],
                    vec![f32c(), I::Unop(I32, UnOp::Ctz)],
                ),
            ],
        ),
        "type mismatch",
    );
    assert_eq!((e.func, e.instr), (Some(0), Some(4)));
    // an imported function shifts the function index
    let mut m = func(
        &[],
        &[],
        vec![I::Nop, block(&[], vec![I::Nop, I::LocalGet(0)])],
    );
    m.imports.push(Import {
        module: "m".into(),
        name: "f".into(),
        desc: ImportDesc::Func(0),
    });
    let e = invalid(&m, "unknown local 0");
    assert_eq!((e.func, e.instr), (Some(1), Some(3)));
}

#[test]
fn segment_and_table_type_mismatches() {
    let mut m = table(func(
        &[],
        &[],
        vec![i32c(0), i32c(0), i32c(0), I::TableInit(0, 0)],
    ));
    m.elems.push(Elem {
        ty: externref(),
        init: vec![],
        mode: ElemMode::Passive,
    });
    invalid(&m, "type mismatch");
    let mut m = table(func(
        &[],
        &[],
        vec![i32c(0), i32c(0), i32c(0), I::TableCopy(0, 1)],
    ));
    m.tables.push(TableType {
        limits: limits(0, None),
        elem: externref(),
    });
    invalid(&m, "type mismatch");
    // an active segment must match its table's type
    let mut m = table(Module::default());
    m.elems.push(Elem {
        ty: externref(),
        init: vec![],
        mode: ElemMode::Active(0, vec![i32c(0)]),
    });
    invalid(&m, "type mismatch");
    // its elements must have its type
    let mut m = Module::default();
    m.elems.push(Elem {
        ty: externref(),
        init: vec![vec![I::RefNull(HeapType::Func)]],
        mode: ElemMode::Passive,
    });
    invalid(&m, "type mismatch");
    // the data count must match the data segments
    let m = Module {
        data_count: Some(1),
        ..Module::default()
    };
    invalid(&m, "data count and data section have inconsistent lengths");
}
