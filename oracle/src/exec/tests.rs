//! Hand-built modules run through the store.

use super::*;
use crate::ast::*;
use crate::value::{FuncType, HeapType, RefType, RefValue, ValType, Value};

use ValType::{F32, I32, I64};

fn ft(p: &[ValType], r: &[ValType]) -> FuncType {
    FuncType {
        params: p.to_vec(),
        results: r.to_vec(),
    }
}

fn i32c(v: i32) -> Instr {
    Instr::Const(NumType::I32, u64::from(v as u32))
}

fn i64c(v: i64) -> Instr {
    Instr::Const(NumType::I64, v as u64)
}

fn f32c(bits: u32) -> Instr {
    Instr::Const(NumType::F32, u64::from(bits))
}

fn add(nt: NumType) -> Instr {
    Instr::Binop(nt, BinOp::Add)
}

fn func(ty: u32, locals: &[ValType], body: Vec<Instr>) -> Func {
    Func {
        ty,
        locals: locals.iter().map(|t| (1, *t)).collect(),
        body,
    }
}

fn export_funcs(m: &mut Module) {
    for i in 0..m.funcs.len() {
        let imported = m
            .imports
            .iter()
            .filter(|i| matches!(i.desc, ImportDesc::Func(_)))
            .count();
        m.exports.push(Export {
            name: format!("f{i}"),
            desc: ExportDesc::Func((imported + i) as u32),
        });
    }
}

/// A module of functions (each exported as `f<i>`), with the given types.
fn module(types: Vec<FuncType>, funcs: Vec<Func>) -> Module {
    let mut m = Module {
        types,
        funcs,
        ..Module::default()
    };
    export_funcs(&mut m);
    m
}

fn mem_arg(offset: u64) -> MemArg {
    MemArg { align: 0, offset }
}

fn limits(min: u64, max: Option<u64>) -> Limits {
    Limits { min, max }
}

struct Inst {
    store: Store,
    exports: Vec<(String, ExternVal)>,
}

impl Inst {
    fn new(m: &Module) -> Inst {
        let mut store = Store::new();
        let exports = store.instantiate(m, &[]).expect("instantiates");
        Inst { store, exports }
    }

    fn get(&self, name: &str) -> ExternVal {
        self.exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e)
            .expect("export")
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, ExecError> {
        Ok(self
            .call_tagged(name, args)?
            .into_iter()
            .map(|t| t.value)
            .collect())
    }

    fn call_tagged(&mut self, name: &str, args: &[Value]) -> Result<Vec<Tagged>, ExecError> {
        let ExternVal::Func(f) = self.get(name) else {
            panic!("not a function")
        };
        self.store.invoke(f, args)
    }
}

fn trap(k: crate::TrapKind) -> Result<Vec<Value>, ExecError> {
    Err(ExecError::Trap(k))
}

#[test]
fn factorial_recursive_and_iterative() {
    let ty = ft(&[I64], &[I64]);
    let rec = func(
        0,
        &[],
        vec![
            Instr::LocalGet(0),
            Instr::Testop(NumType::I64),
            Instr::If(
                BlockType::Result(Some(I64)),
                vec![i64c(1)],
                vec![
                    Instr::LocalGet(0),
                    Instr::LocalGet(0),
                    i64c(1),
                    Instr::Binop(NumType::I64, BinOp::Sub),
                    Instr::Call(0),
                    Instr::Binop(NumType::I64, BinOp::Mul),
                ],
            ),
        ],
    );
    // acc = 1; loop { if n == 0 break; acc *= n; n -= 1 }
    let iter = func(
        0,
        &[I64],
        vec![
            i64c(1),
            Instr::LocalSet(1),
            Instr::Block(
                BlockType::Result(None),
                vec![Instr::Loop(
                    BlockType::Result(None),
                    vec![
                        Instr::LocalGet(0),
                        Instr::Testop(NumType::I64),
                        Instr::BrIf(1),
                        Instr::LocalGet(1),
                        Instr::LocalGet(0),
                        Instr::Binop(NumType::I64, BinOp::Mul),
                        Instr::LocalSet(1),
                        Instr::LocalGet(0),
                        i64c(1),
                        Instr::Binop(NumType::I64, BinOp::Sub),
                        Instr::LocalSet(0),
                        Instr::Br(0),
                    ],
                )],
            ),
            Instr::LocalGet(1),
        ],
    );
    let mut i = Inst::new(&module(vec![ty], vec![rec, iter]));
    for f in ["f0", "f1"] {
        assert_eq!(i.call(f, &[Value::I64(0)]), Ok(vec![Value::I64(1)]));
        assert_eq!(i.call(f, &[Value::I64(5)]), Ok(vec![Value::I64(120)]));
        assert_eq!(
            i.call(f, &[Value::I64(20)]),
            Ok(vec![Value::I64(2_432_902_008_176_640_000)])
        );
    }
    // Wrong arguments are an error, not a panic.
    assert!(matches!(
        i.call("f0", &[Value::I32(1)]),
        Err(ExecError::Unsupported(_))
    ));
    assert!(matches!(i.call("f0", &[]), Err(ExecError::Unsupported(_))));
}

#[test]
fn deep_recursion_is_exhaustion_and_loops_run_out_of_fuel() {
    let m = module(
        vec![ft(&[], &[]), ft(&[I32], &[I32])],
        vec![
            func(0, &[], vec![Instr::Call(0)]),
            func(
                0,
                &[],
                vec![Instr::Loop(BlockType::Result(None), vec![Instr::Br(0)])],
            ),
            // Recursion to depth n.
            func(
                1,
                &[],
                vec![
                    Instr::LocalGet(0),
                    Instr::If(
                        BlockType::Result(Some(I32)),
                        vec![
                            Instr::LocalGet(0),
                            i32c(1),
                            Instr::Binop(NumType::I32, BinOp::Sub),
                            Instr::Call(2),
                            i32c(1),
                            add(NumType::I32),
                        ],
                        vec![i32c(0)],
                    ),
                ],
            ),
        ],
    );
    let mut i = Inst::new(&m);
    assert_eq!(i.call("f0", &[]), Err(ExecError::Exhaustion));
    i.store.set_max_call_depth(200_000);
    assert_eq!(i.call("f0", &[]), Err(ExecError::Exhaustion));
    assert_eq!(
        i.call("f2", &[Value::I32(150_000)]),
        Ok(vec![Value::I32(150_000)])
    );
    i.store.set_fuel(Some(10_000));
    assert_eq!(i.call("f1", &[]), Err(ExecError::OutOfFuel));
    assert_eq!(i.store.fuel(), Some(0));
    i.store.set_fuel(None);
}

#[test]
fn deeply_nested_blocks_do_not_grow_the_host_stack() {
    let mut body = vec![i32c(7)];
    for _ in 0..3_000 {
        body = vec![Instr::Block(BlockType::Result(Some(I32)), body)];
    }
    body.push(Instr::Br(0));
    let mut i = Inst::new(&module(vec![ft(&[], &[I32])], vec![func(0, &[], body)]));
    assert_eq!(i.call("f0", &[]), Ok(vec![Value::I32(7)]));
}

#[test]
fn scalar_traps() {
    use crate::TrapKind as T;
    let ty = ft(&[], &[I32]);
    let bodies: Vec<(Vec<Instr>, T)> = vec![
        (vec![Instr::Unreachable], T::Unreachable),
        (
            vec![
                i32c(1),
                i32c(0),
                Instr::Binop(NumType::I32, BinOp::Div(Some(Sx::S))),
            ],
            T::IntegerDivideByZero,
        ),
        (
            vec![
                i32c(1),
                i32c(0),
                Instr::Binop(NumType::I32, BinOp::Rem(Sx::U)),
            ],
            T::IntegerDivideByZero,
        ),
        (
            vec![
                i32c(i32::MIN),
                i32c(-1),
                Instr::Binop(NumType::I32, BinOp::Div(Some(Sx::S))),
            ],
            T::IntegerOverflow,
        ),
        (
            vec![
                f32c(0x7fc0_0000),
                Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Trunc(Sx::S)),
            ],
            T::InvalidConversionToInteger,
        ),
        (
            vec![
                f32c(0x4f80_0000), // 2^32
                Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Trunc(Sx::U)),
            ],
            T::IntegerOverflow,
        ),
    ];
    let funcs = bodies
        .iter()
        .map(|(b, _)| func(0, &[], b.clone()))
        .collect();
    let mut i = Inst::new(&module(vec![ty], funcs));
    for (k, (_, kind)) in bodies.iter().enumerate() {
        assert_eq!(i.call(&format!("f{k}"), &[]), trap(kind.clone()), "f{k}");
    }
    // rem_s of MIN by -1 is 0, not a trap.
    let m = module(
        vec![ft(&[], &[I32])],
        vec![func(
            0,
            &[],
            vec![
                i32c(i32::MIN),
                i32c(-1),
                Instr::Binop(NumType::I32, BinOp::Rem(Sx::S)),
            ],
        )],
    );
    assert_eq!(Inst::new(&m).call("f0", &[]), Ok(vec![Value::I32(0)]));
}

#[test]
fn br_table_select_and_multi_value() {
    // block (result i32) block block br_table 0 1 default=2 (index) end i32 10 br 1 end i32 20 br 0 end
    let bt = |x: i32| {
        vec![Instr::Block(
            BlockType::Result(Some(I32)),
            vec![
                Instr::Block(
                    BlockType::Result(None),
                    vec![
                        Instr::Block(
                            BlockType::Result(None),
                            vec![i32c(100), i32c(x), Instr::BrTable(vec![0, 1], 2)],
                        ),
                        i32c(10),
                        Instr::Br(1),
                    ],
                ),
                i32c(20),
                Instr::Br(0),
            ],
        )]
    };
    let types = vec![
        ft(&[], &[I32]),
        ft(&[I32, I64], &[I64, I32]),
        ft(&[], &[I64, I32]),
        ft(&[I32], &[I32]),
    ];
    let mut funcs: Vec<Func> = [0, 1, 2, 7, -1]
        .iter()
        .map(|&x| func(0, &[], bt(x)))
        .collect();
    // f5: swap through a block with parameters: (i32, i64) -> (i64, i32)
    funcs.push(func(
        1,
        &[I32],
        vec![
            Instr::LocalGet(0),
            Instr::LocalGet(1),
            Instr::Block(
                BlockType::Type(1),
                vec![
                    Instr::LocalSet(1),
                    Instr::LocalSet(2),
                    Instr::LocalGet(1),
                    Instr::LocalGet(2),
                ],
            ),
        ],
    ));
    // f6: calls f5 and returns through `return` inside a loop.
    funcs.push(func(
        2,
        &[],
        vec![Instr::Loop(
            BlockType::Result(None),
            vec![i32c(3), i64c(4), Instr::Call(5), Instr::Return],
        )],
    ));
    // f7: select, and a loop with a parameter counting down to 0.
    funcs.push(func(
        3,
        &[],
        vec![
            i32c(11),
            i32c(22),
            Instr::LocalGet(0),
            Instr::Select(None),
            Instr::Loop(
                BlockType::Type(3),
                vec![
                    i32c(1),
                    Instr::Binop(NumType::I32, BinOp::Sub),
                    Instr::LocalTee(0),
                    Instr::LocalGet(0),
                    Instr::BrIf(0),
                ],
            ),
            Instr::Drop,
            Instr::LocalGet(0),
        ],
    ));
    let mut i = Inst::new(&module(types, funcs));
    assert_eq!(i.call("f0", &[]), Ok(vec![Value::I32(10)]));
    assert_eq!(i.call("f1", &[]), Ok(vec![Value::I32(20)]));
    assert_eq!(i.call("f2", &[]), Ok(vec![Value::I32(100)]));
    assert_eq!(i.call("f3", &[]), Ok(vec![Value::I32(100)]));
    assert_eq!(i.call("f4", &[]), Ok(vec![Value::I32(100)]));
    assert_eq!(
        i.call("f5", &[Value::I32(1), Value::I64(2)]),
        Ok(vec![Value::I64(2), Value::I32(1)])
    );
    assert_eq!(i.call("f6", &[]), Ok(vec![Value::I64(4), Value::I32(3)]));
    assert_eq!(i.call("f7", &[Value::I32(1)]), Ok(vec![Value::I32(0)]));
    assert_eq!(i.call("f7", &[Value::I32(0)]), Ok(vec![Value::I32(0)]));
}

fn mem_module(min: u64, max: Option<u64>, funcs: Vec<Func>, types: Vec<FuncType>) -> Module {
    let mut m = module(types, funcs);
    m.mems.push(MemType {
        limits: limits(min, max),
    });
    m.exports.push(Export {
        name: "mem".into(),
        desc: ExportDesc::Mem(0),
    });
    m
}

#[test]
fn loads_and_stores_of_every_width() {
    // f0(addr: i32, v: i64): i64.store at addr + 1 (offset 1)
    // f1..: loads of every width at addr with offset 1, as i64 (i32 results extended unsigned)
    let ty_store = ft(&[I32, I64], &[]);
    let ty_load = ft(&[I32], &[I64]);
    let mut funcs = vec![func(
        0,
        &[],
        vec![
            Instr::LocalGet(0),
            Instr::LocalGet(1),
            Instr::Store(NumType::I64, None, 0, mem_arg(1)),
        ],
    )];
    let loads: Vec<(NumType, Option<(Sz, Sx)>)> = vec![
        (NumType::I64, None),
        (NumType::I32, None),
        (NumType::I32, Some((8, Sx::S))),
        (NumType::I32, Some((8, Sx::U))),
        (NumType::I32, Some((16, Sx::S))),
        (NumType::I32, Some((16, Sx::U))),
        (NumType::I64, Some((8, Sx::S))),
        (NumType::I64, Some((8, Sx::U))),
        (NumType::I64, Some((16, Sx::S))),
        (NumType::I64, Some((16, Sx::U))),
        (NumType::I64, Some((32, Sx::S))),
        (NumType::I64, Some((32, Sx::U))),
        (NumType::F32, None),
        (NumType::F64, None),
    ];
    for (nt, pack) in &loads {
        let mut body = vec![Instr::LocalGet(0), Instr::Load(*nt, *pack, 0, mem_arg(1))];
        match nt {
            NumType::I32 => body.push(Instr::Cvtop(
                NumType::I64,
                NumType::I32,
                CvtOp::Extend(Sx::U),
            )),
            NumType::F32 => {
                body.push(Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Reinterpret));
                body.push(Instr::Cvtop(
                    NumType::I64,
                    NumType::I32,
                    CvtOp::Extend(Sx::U),
                ));
            }
            NumType::F64 => body.push(Instr::Cvtop(NumType::I64, NumType::F64, CvtOp::Reinterpret)),
            NumType::I64 => {}
        }
        funcs.push(func(1, &[], body));
    }
    // Narrow stores: f15 i32.store8, f16 i32.store16, f17 i64.store32 at addr (offset 0)
    for (nt, sz) in [(NumType::I32, 8), (NumType::I32, 16), (NumType::I64, 32)] {
        let v = if nt == NumType::I32 {
            vec![
                Instr::LocalGet(1),
                Instr::Cvtop(NumType::I32, NumType::I64, CvtOp::Wrap),
            ]
        } else {
            vec![Instr::LocalGet(1)]
        };
        let mut body = vec![Instr::LocalGet(0)];
        body.extend(v);
        body.push(Instr::Store(nt, Some(sz), 0, mem_arg(0)));
        funcs.push(func(0, &[], body));
    }
    let mut i = Inst::new(&mem_module(1, None, funcs, vec![ty_store, ty_load]));
    let v = 0x8877_6655_4433_2281u64;
    assert_eq!(i.call("f0", &[Value::I32(0), Value::I64(v)]), Ok(vec![]));
    let expect: [u64; 14] = [
        v,
        0x4433_2281,
        0xffff_ff81,
        0x81,
        0x2281,
        0x2281,
        0xffff_ffff_ffff_ff81,
        0x81,
        0x2281,
        0x2281,
        0x4433_2281,
        0x4433_2281,
        0x4433_2281,
        v,
    ];
    for (k, e) in expect.iter().enumerate() {
        assert_eq!(
            i.call(&format!("f{}", k + 1), &[Value::I32(0)]),
            Ok(vec![Value::I64(*e)]),
            "load {k}"
        );
    }
    let ExternVal::Mem(ma) = i.get("mem") else {
        panic!()
    };
    assert_eq!(
        &i.store.memory(ma)[..10],
        &[0, 0x81, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0]
    );
    // At the bound: an 8-byte load at 65535 - 8 + 1 - 1 (offset 1) is the last one in range.
    let last = 65536 - 8 - 1;
    assert!(i.call("f1", &[Value::I32(last)]).is_ok());
    use crate::TrapKind::OutOfBoundsMemoryAccess as Oob;
    assert_eq!(i.call("f1", &[Value::I32(last + 1)]), trap(Oob));
    assert_eq!(i.call("f1", &[Value::I32(u32::MAX)]), trap(Oob));
    assert!(i.call("f0", &[Value::I32(last), Value::I64(1)]).is_ok());
    assert_eq!(
        i.call("f0", &[Value::I32(last + 1), Value::I64(1)]),
        trap(Oob)
    );
    // 1-byte load (offset 1) at 65534 reads the last byte; at 65535 it is out of bounds.
    assert!(i.call("f4", &[Value::I32(65534)]).is_ok());
    assert_eq!(i.call("f4", &[Value::I32(65535)]), trap(Oob));
    // Narrow stores.
    assert!(
        i.call("f15", &[Value::I32(100), Value::I64(0x1_2345_6789)])
            .is_ok()
    );
    assert!(
        i.call("f16", &[Value::I32(104), Value::I64(0x1_2345_6789)])
            .is_ok()
    );
    assert!(
        i.call("f17", &[Value::I32(108), Value::I64(0x1_2345_6789)])
            .is_ok()
    );
    assert_eq!(
        &i.store.memory(ma)[100..112],
        &[0x89, 0, 0, 0, 0x89, 0x67, 0, 0, 0x89, 0x67, 0x45, 0x23]
    );
    assert_eq!(
        i.call("f17", &[Value::I32(65533), Value::I64(1)]),
        trap(Oob)
    );
    assert!(i.call("f15", &[Value::I32(65535), Value::I64(1)]).is_ok());
}

#[test]
fn memory_grow_and_size() {
    let ty = ft(&[I32], &[I32]);
    let funcs = vec![
        func(0, &[], vec![Instr::LocalGet(0), Instr::MemoryGrow(0)]),
        func(0, &[], vec![Instr::MemorySize(0)]),
    ];
    let mut i = Inst::new(&mem_module(1, Some(3), funcs.clone(), vec![ty.clone()]));
    assert_eq!(i.call("f0", &[Value::I32(0)]), Ok(vec![Value::I32(1)]));
    assert_eq!(i.call("f0", &[Value::I32(2)]), Ok(vec![Value::I32(1)]));
    assert_eq!(i.call("f1", &[Value::I32(0)]), Ok(vec![Value::I32(3)]));
    assert_eq!(
        i.call("f0", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1i32 as u32)])
    );
    assert_eq!(i.call("f0", &[Value::I32(0)]), Ok(vec![Value::I32(3)]));
    let ExternVal::Mem(ma) = i.get("mem") else {
        panic!()
    };
    assert_eq!(i.store.memory(ma).len(), 3 * 65536);
    // No maximum: the host limit decides.
    let mut i = Inst::new(&mem_module(0, None, funcs, vec![ty]));
    i.store.set_max_memory_pages(4);
    assert_eq!(i.call("f0", &[Value::I32(4)]), Ok(vec![Value::I32(0)]));
    assert_eq!(
        i.call("f0", &[Value::I32(1)]),
        Ok(vec![Value::I32(u32::MAX)])
    );
    assert_eq!(
        i.call("f0", &[Value::I32(u32::MAX)]),
        Ok(vec![Value::I32(u32::MAX)])
    );
}

#[test]
fn bulk_memory() {
    let ty = ft(&[I32, I32, I32], &[]);
    let funcs = vec![
        func(
            0,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::LocalGet(1),
                Instr::LocalGet(2),
                Instr::MemoryFill(0),
            ],
        ),
        func(
            0,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::LocalGet(1),
                Instr::LocalGet(2),
                Instr::MemoryCopy(0, 0),
            ],
        ),
        func(
            0,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::LocalGet(1),
                Instr::LocalGet(2),
                Instr::MemoryInit(0, 0),
            ],
        ),
        func(0, &[], vec![Instr::DataDrop(0)]),
    ];
    let mut m = mem_module(1, None, funcs, vec![ty, ft(&[], &[])]);
    m.funcs[3].ty = 1;
    m.datas.push(Data {
        init: vec![1, 2, 3, 4, 5],
        mode: DataMode::Passive,
    });
    m.data_count = Some(1);
    let mut i = Inst::new(&m);
    let ExternVal::Mem(ma) = i.get("mem") else {
        panic!()
    };
    let a = |x: u32, y: u32, z: u32| [Value::I32(x), Value::I32(y), Value::I32(z)];
    use crate::TrapKind::OutOfBoundsMemoryAccess as Oob;
    assert!(i.call("f0", &a(10, 0xaa, 3)).is_ok());
    assert_eq!(&i.store.memory(ma)[9..14], &[0, 0xaa, 0xaa, 0xaa, 0]);
    assert!(i.call("f0", &a(65536, 0xaa, 0)).is_ok());
    assert_eq!(i.call("f0", &a(65536, 0xaa, 1)), trap(Oob));
    assert_eq!(i.call("f0", &a(65530, 0xbb, 7)), trap(Oob));
    assert_eq!(i.store.memory(ma)[65530], 0, "nothing written on a trap");
    // init
    assert!(i.call("f2", &a(20, 1, 4)).is_ok());
    assert_eq!(&i.store.memory(ma)[20..25], &[2, 3, 4, 5, 0]);
    assert_eq!(i.call("f2", &a(20, 1, 5)), trap(Oob));
    assert!(i.call("f2", &a(65536, 5, 0)).is_ok());
    assert_eq!(i.call("f2", &a(65536, 6, 0)), trap(Oob));
    // copy, overlapping forwards (d > s) and backwards (d < s)
    assert!(i.call("f1", &a(21, 20, 4)).is_ok());
    assert_eq!(&i.store.memory(ma)[20..26], &[2, 2, 3, 4, 5, 0]);
    assert!(i.call("f1", &a(19, 20, 5)).is_ok());
    assert_eq!(&i.store.memory(ma)[19..26], &[2, 2, 3, 4, 5, 5, 0]);
    assert_eq!(i.call("f1", &a(0, 65535, 2)), trap(Oob));
    assert_eq!(i.call("f1", &a(65535, 0, 2)), trap(Oob));
    assert!(i.call("f1", &a(65536, 65536, 0)).is_ok());
    // drop, then init traps unless empty
    assert!(i.call("f3", &[]).is_ok());
    assert_eq!(i.call("f2", &a(0, 0, 1)), trap(Oob));
    assert!(i.call("f2", &a(0, 0, 0)).is_ok());
}

fn funcref() -> RefType {
    RefType {
        nullable: true,
        heap: HeapType::Func,
    }
}

#[test]
fn tables_and_call_indirect() {
    use crate::TrapKind as T;
    let types = vec![
        ft(&[], &[I32]),
        ft(&[I32], &[I32]),
        ft(&[I32, I32, I32], &[]),
    ];
    let mut funcs = vec![
        func(0, &[], vec![i32c(42)]),
        func(1, &[], vec![Instr::LocalGet(0)]),
        // f2(i): call_indirect type 0 through table 0
        func(1, &[], vec![Instr::LocalGet(0), Instr::CallIndirect(0, 0)]),
        // f3(n): table.grow by n with ref.func 1
        func(
            1,
            &[],
            vec![Instr::RefFunc(1), Instr::LocalGet(0), Instr::TableGrow(0)],
        ),
        // f4(i, _, n): table.fill with null
        func(
            2,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::RefNull(HeapType::Func),
                Instr::LocalGet(2),
                Instr::TableFill(0),
            ],
        ),
        // f5(d, s, n): table.copy
        func(
            2,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::LocalGet(1),
                Instr::LocalGet(2),
                Instr::TableCopy(0, 0),
            ],
        ),
        // f6(d, s, n): table.init from segment 1 (passive: f0 f1 null)
        func(
            2,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::LocalGet(1),
                Instr::LocalGet(2),
                Instr::TableInit(0, 1),
            ],
        ),
        // f7(i): table.get i is null?
        func(
            1,
            &[],
            vec![Instr::LocalGet(0), Instr::TableGet(0), Instr::RefIsNull],
        ),
        // f8(): table.size
        func(0, &[], vec![Instr::TableSize(0)]),
        // f9(i): table.set i null
        func(
            1,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::RefNull(HeapType::Func),
                Instr::TableSet(0),
                i32c(0),
            ],
        ),
    ];
    funcs[0].ty = 0;
    let mut m = module(types, funcs);
    m.tables.push(TableType {
        limits: limits(3, Some(6)),
        elem: funcref(),
    });
    m.exports.push(Export {
        name: "tab".into(),
        desc: ExportDesc::Table(0),
    });
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![vec![Instr::RefFunc(0)], vec![Instr::RefFunc(1)]],
        mode: ElemMode::Active(0, vec![i32c(0)]),
    });
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![
            vec![Instr::RefFunc(0)],
            vec![Instr::RefFunc(1)],
            vec![Instr::RefNull(HeapType::Func)],
        ],
        mode: ElemMode::Passive,
    });
    let mut i = Inst::new(&m);
    let a3 = |x: u32, y: u32, z: u32| [Value::I32(x), Value::I32(y), Value::I32(z)];
    assert_eq!(i.call("f2", &[Value::I32(0)]), Ok(vec![Value::I32(42)]));
    assert_eq!(
        i.call("f2", &[Value::I32(1)]),
        trap(T::IndirectCallTypeMismatch)
    );
    assert_eq!(
        i.call("f2", &[Value::I32(2)]),
        trap(T::UninitializedElement)
    );
    assert_eq!(i.call("f2", &[Value::I32(3)]), trap(T::UndefinedElement));
    assert_eq!(
        i.call("f7", &[Value::I32(3)]),
        trap(T::OutOfBoundsTableAccess)
    );
    assert_eq!(
        i.call("f9", &[Value::I32(3)]),
        trap(T::OutOfBoundsTableAccess)
    );
    // grow to the maximum, then fail
    assert_eq!(i.call("f3", &[Value::I32(2)]), Ok(vec![Value::I32(3)]));
    assert_eq!(i.call("f3", &[Value::I32(1)]), Ok(vec![Value::I32(5)]));
    assert_eq!(
        i.call("f3", &[Value::I32(1)]),
        Ok(vec![Value::I32(u32::MAX)])
    );
    assert_eq!(i.call("f8", &[]), Ok(vec![Value::I32(6)]));
    assert_eq!(i.call("f7", &[Value::I32(5)]), Ok(vec![Value::I32(0)]));
    // fill
    assert!(i.call("f4", &a3(4, 0, 2)).is_ok());
    assert_eq!(i.call("f7", &[Value::I32(4)]), Ok(vec![Value::I32(1)]));
    assert_eq!(i.call("f4", &a3(5, 0, 2)), trap(T::OutOfBoundsTableAccess));
    assert!(i.call("f4", &a3(6, 0, 0)).is_ok());
    // copy slots 0..2 to 3..5
    assert!(i.call("f5", &a3(3, 0, 2)).is_ok());
    assert_eq!(i.call("f2", &[Value::I32(3)]), Ok(vec![Value::I32(42)]));
    assert_eq!(i.call("f5", &a3(5, 0, 2)), trap(T::OutOfBoundsTableAccess));
    // init from the passive segment
    assert!(i.call("f6", &a3(0, 1, 2)).is_ok());
    assert_eq!(i.call("f7", &[Value::I32(1)]), Ok(vec![Value::I32(1)]));
    assert_eq!(
        i.call("f2", &[Value::I32(0)]),
        trap(T::IndirectCallTypeMismatch)
    );
    assert_eq!(i.call("f6", &a3(0, 2, 2)), trap(T::OutOfBoundsTableAccess));
    let ExternVal::Table(ta) = i.get("tab") else {
        panic!()
    };
    let t = i.store.table(ta);
    assert_eq!(t.len(), 6);
    assert_eq!(t[1], Value::Ref(RefValue::Null(HeapType::Func)));
    assert_eq!(t[0], Value::Ref(RefValue::NonNull(HeapType::Func)));

    // A second module calls through the first's table, imported.
    let mut m2 = module(
        vec![ft(&[], &[I32]), ft(&[I32], &[I32])],
        vec![func(
            1,
            &[],
            vec![Instr::LocalGet(0), Instr::CallIndirect(0, 0)],
        )],
    );
    m2.imports.push(Import {
        module: "m".into(),
        name: "tab".into(),
        desc: ImportDesc::Table(TableType {
            limits: limits(6, None),
            elem: funcref(),
        }),
    });
    let exports = i
        .store
        .instantiate(&m2, &[ExternVal::Table(ta)])
        .expect("links");
    let ExternVal::Func(f) = exports[0].1 else {
        panic!()
    };
    assert_eq!(
        i.store.invoke(f, &[Value::I32(3)]).map(|v| v[0].value),
        Ok(Value::I32(42))
    );
    // A table of the wrong size does not link.
    m2.imports[0].desc = ImportDesc::Table(TableType {
        limits: limits(7, None),
        elem: funcref(),
    });
    assert!(matches!(
        i.store.instantiate(&m2, &[ExternVal::Table(ta)]),
        Err(InstantiateError::Unlinkable(_))
    ));
}

#[test]
fn globals_imports_and_host_calls() {
    let mut store = Store::new();
    let g_imm = store.alloc_global(
        GlobalType {
            mutable: false,
            ty: I32,
        },
        Value::I32(40),
    );
    let print = store.alloc_host_func(ft(&[I32, F32], &[]), "print_i32_f32");
    let mut m = module(
        vec![ft(&[I32, F32], &[]), ft(&[], &[I32])],
        vec![
            // f0: g1 += g0 + 2; print(g1, 1.5); g1
            func(
                1,
                &[],
                vec![
                    Instr::GlobalGet(1),
                    Instr::GlobalGet(0),
                    add(NumType::I32),
                    i32c(2),
                    add(NumType::I32),
                    Instr::GlobalSet(1),
                    Instr::GlobalGet(1),
                    f32c(0x3fc0_0000),
                    Instr::Call(0),
                    Instr::GlobalGet(1),
                ],
            ),
        ],
    );
    m.imports.push(Import {
        module: "spectest".into(),
        name: "print".into(),
        desc: ImportDesc::Func(0),
    });
    m.imports.push(Import {
        module: "spectest".into(),
        name: "g".into(),
        desc: ImportDesc::Global(GlobalType {
            mutable: false,
            ty: I32,
        }),
    });
    m.exports[0].desc = ExportDesc::Func(1);
    m.globals.push(Global {
        ty: GlobalType {
            mutable: true,
            ty: I32,
        },
        init: vec![Instr::GlobalGet(0)],
    });
    m.exports.push(Export {
        name: "g1".into(),
        desc: ExportDesc::Global(1),
    });
    let exports = store
        .instantiate(&m, &[ExternVal::Func(print), ExternVal::Global(g_imm)])
        .expect("links");
    let ExternVal::Func(f) = exports[0].1 else {
        panic!()
    };
    let ExternVal::Global(g1) = exports[1].1 else {
        panic!()
    };
    assert_eq!(store.global(g1).value, Value::I32(40));
    let r = store.invoke(f, &[]).expect("runs");
    assert_eq!(r[0].value, Value::I32(82));
    assert_eq!(store.global(g1).value, Value::I32(82));
    let calls = store.take_host_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].func, "print_i32_f32");
    assert_eq!(calls[0].args, vec![Value::I32(82), Value::F32(0x3fc0_0000)]);
    assert!(store.take_host_calls().is_empty());

    // Import type mismatches.
    let mismatch = |r: Result<Vec<(String, ExternVal)>, InstantiateError>| {
        matches!(r, Err(InstantiateError::Unlinkable(_)))
    };
    let g_mut = store.alloc_global(
        GlobalType {
            mutable: true,
            ty: I32,
        },
        Value::I32(0),
    );
    assert!(mismatch(store.instantiate(
        &m,
        &[ExternVal::Func(print), ExternVal::Global(g_mut)]
    )));
    let other = store.alloc_host_func(ft(&[I32], &[]), "print_i32");
    assert!(mismatch(store.instantiate(
        &m,
        &[ExternVal::Func(other), ExternVal::Global(g_imm)]
    )));
    assert!(mismatch(store.instantiate(
        &m,
        &[ExternVal::Global(g_imm), ExternVal::Func(print)]
    )));
    assert!(mismatch(store.instantiate(&m, &[ExternVal::Func(print)])));
    let mem = store.alloc_mem(MemType {
        limits: limits(1, Some(2)),
    });
    let mut mm = Module::default();
    mm.imports.push(Import {
        module: "spectest".into(),
        name: "memory".into(),
        desc: ImportDesc::Mem(MemType {
            limits: limits(1, None),
        }),
    });
    assert!(store.instantiate(&mm, &[ExternVal::Mem(mem)]).is_ok());
    mm.imports[0].desc = ImportDesc::Mem(MemType {
        limits: limits(1, Some(1)),
    });
    assert!(mismatch(store.instantiate(&mm, &[ExternVal::Mem(mem)])));
    mm.imports[0].desc = ImportDesc::Mem(MemType {
        limits: limits(2, None),
    });
    assert!(mismatch(store.instantiate(&mm, &[ExternVal::Mem(mem)])));
}

#[test]
fn externrefs_come_back_unchanged() {
    let eref = ValType::EXTERNREF;
    let m = module(
        vec![ft(&[eref], &[eref, I32])],
        vec![func(
            0,
            &[],
            vec![Instr::LocalGet(0), Instr::LocalGet(0), Instr::RefIsNull],
        )],
    );
    let mut i = Inst::new(&m);
    assert_eq!(
        i.call("f0", &[Value::Ref(RefValue::Extern(7))]),
        Ok(vec![Value::Ref(RefValue::Extern(7)), Value::I32(0)])
    );
    assert_eq!(
        i.call("f0", &[Value::Ref(RefValue::Null(HeapType::Extern))]),
        Ok(vec![
            Value::Ref(RefValue::Null(HeapType::Extern)),
            Value::I32(1)
        ])
    );
}

#[test]
fn instantiation_traps() {
    use crate::TrapKind as T;
    // A start function that traps.
    let mut m = module(
        vec![ft(&[], &[])],
        vec![func(0, &[], vec![Instr::Unreachable])],
    );
    m.start = Some(0);
    assert_eq!(
        Store::new().instantiate(&m, &[]),
        Err(InstantiateError::Trap(T::Unreachable))
    );
    // A data segment past the memory's end; the segment before it stays written.
    let mut m = mem_module(1, None, vec![], vec![]);
    m.datas.push(Data {
        init: vec![9],
        mode: DataMode::Active(0, vec![i32c(0)]),
    });
    m.datas.push(Data {
        init: vec![1, 2],
        mode: DataMode::Active(0, vec![i32c(65535)]),
    });
    let mut store = Store::new();
    assert_eq!(
        store.instantiate(&m, &[]),
        Err(InstantiateError::Trap(T::OutOfBoundsMemoryAccess))
    );
    assert_eq!(store.memory(0)[0], 9);
    // An element segment past the table's end.
    let mut m = module(vec![ft(&[], &[])], vec![func(0, &[], vec![])]);
    m.tables.push(TableType {
        limits: limits(1, None),
        elem: funcref(),
    });
    m.elems.push(Elem {
        ty: funcref(),
        init: vec![vec![Instr::RefFunc(0)], vec![Instr::RefFunc(0)]],
        mode: ElemMode::Active(0, vec![i32c(0)]),
    });
    assert_eq!(
        Store::new().instantiate(&m, &[]),
        Err(InstantiateError::Trap(T::OutOfBoundsTableAccess))
    );
    // A start function that runs: its store effects are visible.
    let mut m = mem_module(
        1,
        None,
        vec![func(
            0,
            &[],
            vec![
                i32c(3),
                i32c(77),
                Instr::Store(NumType::I32, Some(8), 0, mem_arg(0)),
            ],
        )],
        vec![ft(&[], &[])],
    );
    m.start = Some(0);
    let mut store = Store::new();
    assert!(store.instantiate(&m, &[]).is_ok());
    assert_eq!(store.memory(0)[3], 77);
}

#[test]
fn nan_tags() {
    let f32nan = |c| Nondet::Nan(c);
    let unary = |body: Vec<Instr>, r: ValType| {
        let mut i = Inst::new(&mem_module(
            1,
            None,
            vec![func(0, &[], body)],
            vec![ft(&[], &[r])],
        ));
        let out = i.call_tagged("f0", &[]).expect("runs");
        let ExternVal::Mem(ma) = i.get("mem") else {
            panic!()
        };
        (out[0].clone(), i.store.memory_tainted(ma).to_vec())
    };
    let zero_div = vec![
        f32c(0),
        f32c(0),
        Instr::Binop(NumType::F32, BinOp::Div(None)),
    ];
    // 0/0 through an add: canonical.
    let mut body = zero_div.clone();
    body.extend([f32c(0x3f80_0000), add(NumType::F32)]);
    let (t, _) = unary(body, F32);
    assert_eq!(t.nondet, f32nan(crate::numerics::FloatSet::CanonicalNan));
    assert_eq!(t.value, Value::F32(0x7fc0_0000));
    // nan:0x200000 + 1: arithmetic.
    let arith = vec![f32c(0x7fe0_0000), f32c(0x3f80_0000), add(NumType::F32)];
    let (t, _) = unary(arith.clone(), F32);
    assert_eq!(t.nondet, f32nan(crate::numerics::FloatSet::ArithmeticNan));
    assert_eq!(t.value, Value::F32(0x7fc0_0001));
    // neg keeps the tag.
    let mut body = arith.clone();
    body.push(Instr::Unop(NumType::F32, UnOp::Neg));
    let (t, _) = unary(body, F32);
    assert_eq!(t.nondet, f32nan(crate::numerics::FloatSet::ArithmeticNan));
    assert_eq!(t.value, Value::F32(0xffc0_0001));
    // reinterpret: unknown.
    let mut body = arith.clone();
    body.push(Instr::Cvtop(NumType::I32, NumType::F32, CvtOp::Reinterpret));
    let (t, _) = unary(body, I32);
    assert_eq!(t.nondet, Nondet::Unknown);
    // copysign with a NaN's sign: unknown; comparisons and trunc_sat: exact.
    let mut body = vec![f32c(0x3f80_0000)];
    body.extend(zero_div.clone());
    body.push(Instr::Binop(NumType::F32, BinOp::Copysign));
    assert_eq!(unary(body, F32).0.nondet, Nondet::Unknown);
    let mut body = zero_div.clone();
    body.extend([f32c(0), Instr::Relop(NumType::F32, RelOp::Eq)]);
    assert_eq!(
        unary(body, I32).0,
        Tagged {
            value: Value::I32(0),
            nondet: Nondet::None
        }
    );
    let mut body = zero_div.clone();
    body.push(Instr::Cvtop(
        NumType::I32,
        NumType::F32,
        CvtOp::TruncSat(Sx::S),
    ));
    assert_eq!(
        unary(body, I32).0,
        Tagged {
            value: Value::I32(0),
            nondet: Nondet::None
        }
    );
    // Store then load: the bytes are tainted, the load unknown; an exact store clears it.
    let mut body = vec![i32c(8)];
    body.extend(arith.clone());
    body.extend([
        Instr::Store(NumType::F32, None, 0, mem_arg(0)),
        i32c(10),
        Instr::Load(NumType::I32, Some((8, Sx::U)), 0, mem_arg(0)),
    ]);
    let (t, taint) = unary(body.clone(), I32);
    assert_eq!(t.nondet, Nondet::Unknown);
    assert_eq!(taint, vec![(8, 12)]);
    body.truncate(body.len() - 2);
    body.extend([
        i32c(9),
        i32c(0),
        Instr::Store(NumType::I32, Some(16), 0, mem_arg(0)),
        i32c(12),
        Instr::Load(NumType::I32, None, 0, mem_arg(0)),
    ]);
    let (t, taint) = unary(body, I32);
    assert_eq!(t.nondet, Nondet::None);
    assert_eq!(taint, vec![(8, 9), (11, 12)]);
    // Tags travel through locals, globals, blocks and calls.
    let mut m = module(
        vec![ft(&[], &[F32]), ft(&[F32], &[F32])],
        vec![
            func(0, &[F32], {
                let mut b = arith.clone();
                b.extend([
                    Instr::LocalSet(0),
                    Instr::Block(BlockType::Result(Some(F32)), vec![Instr::LocalGet(0)]),
                    Instr::Call(1),
                    Instr::GlobalSet(0),
                    Instr::GlobalGet(0),
                ]);
                b
            }),
            func(1, &[], vec![Instr::LocalGet(0)]),
        ],
    );
    m.globals.push(Global {
        ty: GlobalType {
            mutable: true,
            ty: F32,
        },
        init: vec![f32c(0)],
    });
    m.exports.push(Export {
        name: "g".into(),
        desc: ExportDesc::Global(0),
    });
    let mut i = Inst::new(&m);
    let r = i.call_tagged("f0", &[]).expect("runs");
    assert_eq!(
        r[0].nondet,
        f32nan(crate::numerics::FloatSet::ArithmeticNan)
    );
    let ExternVal::Global(g) = i.get("g") else {
        panic!()
    };
    assert_eq!(
        i.store.global(g).nondet,
        f32nan(crate::numerics::FloatSet::ArithmeticNan)
    );
}

#[test]
fn every_instruction_has_a_name() {
    assert_eq!(instr_name(&add(NumType::I32)), "i32.add");
    assert_eq!(
        instr_name(&Instr::VBinop(Shape::F32X4, VBinOp::Mul)),
        "f32x4.mul"
    );
    assert_eq!(
        instr_name(&Instr::Load(NumType::I64, Some((32, Sx::S)), 0, mem_arg(0))),
        "i64.load32_s"
    );
    assert_eq!(
        instr_name(&Instr::VCvtop(
            Shape::I32X4,
            Shape::F64X2,
            VCvtOp::TruncSat(Sx::U, true)
        )),
        "i32x4.trunc_sat_f64x2_u_zero"
    );
}

#[test]
fn vectors_and_lane_tags() {
    use crate::numerics::FloatSet::CanonicalNan;
    let v = |x: u128| Instr::VConst(x);
    let lanes_f32 = |l: [u32; 4]| {
        l.iter()
            .enumerate()
            .fold(0u128, |acc, (k, &b)| acc | (u128::from(b) << (32 * k)))
    };
    let run = |body: Vec<Instr>, r: ValType| {
        let mut i = Inst::new(&mem_module(
            1,
            None,
            vec![func(0, &[], body)],
            vec![ft(&[], &[r])],
        ));
        i.call_tagged("f0", &[]).expect("runs")[0].clone()
    };
    // f32x4.div: lane 1 is 0/0.
    let a = lanes_f32([0x3f80_0000, 0, 0x4000_0000, 0x4040_0000]);
    let b = lanes_f32([0x3f80_0000, 0, 0x3f80_0000, 0x3f80_0000]);
    let div = vec![v(a), v(b), Instr::VBinop(Shape::F32X4, VBinOp::Div)];
    let t = run(div.clone(), ValType::V128);
    assert_eq!(
        t.value,
        Value::V128(lanes_f32([
            0x3f80_0000,
            0x7fc0_0000,
            0x4000_0000,
            0x4040_0000
        ]))
    );
    assert_eq!(
        t.nondet,
        Nondet::Lanes(vec![None, Some(CanonicalNan), None, None])
    );
    // Extracting the NaN lane gives a tagged f32, another lane an exact one.
    let mut body = div.clone();
    body.push(Instr::VExtractLane(Shape::F32X4, None, 1));
    assert_eq!(run(body, F32).nondet, Nondet::Nan(CanonicalNan));
    let mut body = div.clone();
    body.push(Instr::VExtractLane(Shape::F32X4, None, 2));
    assert_eq!(
        run(body, F32),
        Tagged {
            value: Value::F32(0x4000_0000),
            nondet: Nondet::None
        }
    );
    // f32x4.neg keeps the lane's class; an integer op on it is unknown.
    let mut body = div.clone();
    body.push(Instr::VUnop(Shape::F32X4, VUnOp::Neg));
    assert_eq!(
        run(body, ValType::V128).nondet,
        Nondet::Lanes(vec![None, Some(CanonicalNan), None, None])
    );
    let mut body = div.clone();
    body.extend([v(0), Instr::VBinop(Shape::I32X4, VBinOp::Add)]);
    assert_eq!(run(body, ValType::V128).nondet, Nondet::Unknown);
    // Integer lanes, shuffle, splat, replace, bitmask, narrow, extmul, all_true.
    let body = vec![
        i32c(3),
        Instr::VSplat(Shape::I32X4),
        i32c(-1),
        Instr::VReplaceLane(Shape::I32X4, 2),
        v(1),
        Instr::VBinop(Shape::I32X4, VBinOp::Add),
    ];
    let t = run(body.clone(), ValType::V128);
    assert_eq!(
        t.value,
        Value::V128(0x0000_0003_ffff_ffff_0000_0003_0000_0004)
    );
    let mut b2 = body.clone();
    b2.push(Instr::VBitmask(Shape::I32X4));
    assert_eq!(run(b2, I32).value, Value::I32(0b0100));
    let mut b2 = body.clone();
    b2.push(Instr::VAllTrue(Shape::I32X4));
    assert_eq!(run(b2, I32).value, Value::I32(1));
    let mut b2 = body.clone();
    b2.extend([
        v(0),
        Instr::VShuffle([4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 0, 1, 2, 3]),
    ]);
    assert_eq!(
        run(b2, ValType::V128).value,
        Value::V128(0x0000_0004_ffff_ffff_0000_0000_0000_0003)
    );
    let mut b2 = body.clone();
    b2.extend([
        Instr::VExtractLane(Shape::I32X4, None, 2),
        Instr::VSplat(Shape::I16X8),
        Instr::VExtractLane(Shape::I16X8, Some(Sx::S), 5),
    ]);
    assert_eq!(run(b2, I32).value, Value::I32(u32::MAX));
    let body = vec![
        i32c(-3),
        Instr::VSplat(Shape::I16X8),
        i32c(1000),
        Instr::VSplat(Shape::I16X8),
        Instr::VExtmul(Shape::I32X4, Shape::I16X8, Half::High, Sx::S),
        Instr::VExtractLane(Shape::I32X4, None, 3),
    ];
    assert_eq!(run(body, I32).value, Value::I32(-3000i32 as u32));
    let body = vec![
        i32c(300),
        Instr::VSplat(Shape::I16X8),
        i32c(-300),
        Instr::VSplat(Shape::I16X8),
        Instr::VNarrow(Shape::I8X16, Shape::I16X8, Sx::S),
        Instr::VExtractLane(Shape::I8X16, Some(Sx::S), 12),
    ];
    assert_eq!(run(body, I32).value, Value::I32(-128i32 as u32));
    // v128 memory: store, load lanes, load8x8_s, splat, zero, store lane.
    let body = vec![
        i32c(16),
        v(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_01ff),
        Instr::VStore(0, mem_arg(0)),
        i32c(16),
        Instr::VLoad(
            Some(VLoadOp::Shape {
                sz: 8,
                m: 8,
                sx: Sx::S,
            }),
            0,
            mem_arg(0),
        ),
        Instr::VExtractLane(Shape::I16X8, Some(Sx::S), 0),
    ];
    assert_eq!(run(body, I32).value, Value::I32(u32::MAX));
    let body = vec![
        i32c(16),
        v(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_01ff),
        Instr::VStore(0, mem_arg(0)),
        i32c(0),
        v(0),
        Instr::VLoadLane(16, 0, mem_arg(17), 7),
        Instr::VExtractLane(Shape::I16X8, Some(Sx::U), 7),
    ];
    assert_eq!(run(body, I32).value, Value::I32(0x0201));
    let body = vec![
        i32c(65535 - 3),
        v(0),
        Instr::VStoreLane(32, 0, mem_arg(0), 0),
        i32c(65535 - 7),
        Instr::VLoad(Some(VLoadOp::Zero(64)), 0, mem_arg(0)),
        Instr::VBitmask(Shape::I8X16),
    ];
    assert_eq!(run(body, I32).value, Value::I32(0));
    let mut i = Inst::new(&mem_module(
        1,
        None,
        vec![func(
            0,
            &[],
            vec![
                Instr::LocalGet(0),
                Instr::VLoad(Some(VLoadOp::Splat(32)), 0, mem_arg(0)),
                Instr::VBitmask(Shape::I8X16),
            ],
        )],
        vec![ft(&[I32], &[I32])],
    ));
    assert_eq!(i.call("f0", &[Value::I32(65532)]), Ok(vec![Value::I32(0)]));
    assert_eq!(
        i.call("f0", &[Value::I32(65533)]),
        trap(crate::TrapKind::OutOfBoundsMemoryAccess)
    );
}

#[test]
fn fused_ops_take_fuel_for_each_op_they_stand_for() {
    use Instr::*;
    // acc += n; n -= 1 while n > 0: 1 (loop) + 11 per iteration + 1 (local.get).
    let m = module(
        vec![ft(&[I32], &[I32])],
        vec![func(
            0,
            &[I32],
            vec![
                Loop(
                    BlockType::Result(None),
                    vec![
                        LocalGet(1),
                        LocalGet(0),
                        add(NumType::I32),
                        LocalSet(1),
                        LocalGet(0),
                        i32c(1),
                        Binop(NumType::I32, BinOp::Sub),
                        LocalTee(0),
                        i32c(0),
                        Relop(NumType::I32, RelOp::Gt(Some(Sx::U))),
                        BrIf(0),
                    ],
                ),
                LocalGet(1),
            ],
        )],
    );
    let code = &super::code::flatten(&m.funcs[0].body, &m.types, &[(1, 1)], 1);
    let fused = code
        .iter()
        .filter(|o| {
            use super::code::Op::*;
            matches!(o, FusedPush(_) | FusedSet(..) | FusedBrIf(..))
        })
        .count();
    assert!(fused >= 3, "{code:?}");
    let mut i = Inst::new(&m);
    let total = 1 + 11 * 3 + 1;
    for fuel in 0..total + 3 {
        i.store.set_fuel(Some(fuel));
        let r = i.call("f0", &[Value::I32(3)]);
        if fuel < total {
            assert_eq!(r, Err(ExecError::OutOfFuel), "fuel {fuel}");
            assert_eq!(i.store.fuel(), Some(0));
        } else {
            assert_eq!(r, Ok(vec![Value::I32(6)]), "fuel {fuel}");
            assert_eq!(i.store.fuel(), Some(fuel - total));
        }
    }
    i.store.set_fuel(None);
    let before = crate::coverage::snapshot();
    let count = |hits: &[crate::coverage::Hit], name: &str| {
        hits.iter()
            .filter(|h| h.name == name)
            .map(|h| h.count)
            .sum::<u64>()
    };
    assert_eq!(i.call("f0", &[Value::I32(100)]), Ok(vec![Value::I32(5050)]));
    let after = crate::coverage::snapshot();
    // At least this run's firings (other tests may count at the same time).
    for (rule, n) in [
        ("Step_read/local.get", 301),
        ("Step/local.set", 100),
        ("Step_pure/br_if-true", 99),
        ("Step_pure/relop", 100),
    ] {
        assert!(count(&after, rule) - count(&before, rule) >= n, "{rule}");
    }
}

#[test]
fn fused_tests_ifs_loads_and_stores_take_fuel_and_count_as_their_ops() {
    use Instr::*;
    let i32t = Some(I32);
    let none = BlockType::Result(None);
    // f0(n): mem[i] = i for i < n (store8 with local address and value); then, i going
    // down, acc += mem[i - 1] (load8_u with a local address); then `if (eqz acc)`.
    let body = vec![
        Block(
            none,
            vec![Loop(
                none,
                vec![
                    LocalGet(1),
                    LocalGet(0),
                    Relop(NumType::I32, RelOp::Ge(Some(Sx::U))),
                    BrIf(1),
                    LocalGet(1),
                    LocalGet(1),
                    Store(NumType::I32, Some(8), 0, mem_arg(0)),
                    LocalGet(1),
                    i32c(1),
                    add(NumType::I32),
                    LocalSet(1),
                    Br(0),
                ],
            )],
        ),
        Block(
            none,
            vec![Loop(
                none,
                vec![
                    LocalGet(1),
                    Testop(NumType::I32),
                    BrIf(1),
                    LocalGet(1),
                    i32c(1),
                    Binop(NumType::I32, BinOp::Sub),
                    LocalSet(1),
                    LocalGet(2),
                    LocalGet(1),
                    Load(NumType::I32, Some((8, Sx::U)), 0, mem_arg(0)),
                    add(NumType::I32),
                    LocalSet(2),
                    Br(0),
                ],
            )],
        ),
        LocalGet(0),
        i32c(0),
        Store(NumType::I32, Some(8), 0, mem_arg(65534)),
        LocalGet(2),
        Testop(NumType::I32),
        If(BlockType::Result(i32t), vec![i32c(-1)], vec![LocalGet(2)]),
    ];
    let m = mem_module(
        1,
        None,
        vec![func(0, &[I32, I32], body)],
        vec![ft(&[I32], &[I32])],
    );
    let code = super::code::flatten(&m.funcs[0].body, &m.types, &[(1, 1)], 1);
    let count_ops = |f: &dyn Fn(&super::code::Op) -> bool| code.iter().filter(|o| f(o)).count();
    use super::code::Op as O;
    assert_eq!(
        count_ops(&|o| matches!(o, O::StoreLocal(..))),
        2,
        "{code:?}"
    );
    assert_eq!(count_ops(&|o| matches!(o, O::LoadLocal(..))), 1, "{code:?}");
    let one = |f: &super::code::Fused| matches!(f.args, super::code::Args::One(_));
    assert_eq!(count_ops(&|o| matches!(o, O::FusedIf(f, _) if one(f))), 1);
    assert_eq!(count_ops(&|o| matches!(o, O::FusedBrIf(f, _) if one(f))), 1);
    let mut i = Inst::new(&m);
    // n = 1: 2 + (12 + 4) + 2 + (13 + 3) + 3 (the last store) + 3 (if) + 1 (then).
    let total = 2 + 16 + 2 + 16 + 3 + 4;
    for fuel in 0..total + 3 {
        i.store.set_fuel(Some(fuel));
        let r = i.call("f0", &[Value::I32(1)]);
        if fuel < total {
            assert_eq!(r, Err(ExecError::OutOfFuel), "fuel {fuel}");
            assert_eq!(i.store.fuel(), Some(0));
        } else {
            assert_eq!(r, Ok(vec![Value::I32(u32::MAX)]), "fuel {fuel}");
            assert_eq!(i.store.fuel(), Some(fuel - total));
        }
    }
    i.store.set_fuel(None);
    assert_eq!(
        i.call("f0", &[Value::I32(0)]),
        Ok(vec![Value::I32(u32::MAX)])
    );
    // The last store lands at 65534 + n: out of bounds from n = 2.
    assert_eq!(
        i.call("f0", &[Value::I32(2)]),
        trap(crate::TrapKind::OutOfBoundsMemoryAccess)
    );
    let before = crate::coverage::snapshot();
    let count = |hits: &[crate::coverage::Hit], name: &str, detail: &str| {
        hits.iter()
            .filter(|h| h.name == name && (detail.is_empty() || h.detail == detail))
            .map(|h| h.count)
            .sum::<u64>()
    };
    assert_eq!(
        i.call("f0", &[Value::I32(0)]),
        Ok(vec![Value::I32(u32::MAX)])
    );
    assert_eq!(
        i.call("f0", &[Value::I32(3)]),
        trap(crate::TrapKind::OutOfBoundsMemoryAccess)
    );
    let after = crate::coverage::snapshot();
    // At least these two runs' firings (other tests may count at the same time): n = 0,
    // then n = 3 up to the store that traps.
    for (rule, detail, n) in [
        ("Step_read/local.get", "", 2 + 3 + 17 + 13 + 1),
        ("Step/store-pack-val", "i32.store8", 1 + 3),
        ("Step/store-pack-oob", "i32.store8", 1),
        ("Step_read/load-pack-val", "i32.load8_u", 3),
        ("Step_pure/testop", "i32.eqz", 1 + 1 + 4),
        ("Step_pure/if-true", "if", 1),
        ("Step_pure/br_if-true", "br_if", 2 + 2),
        ("Step_pure/br_if-false", "br_if", 6),
        ("Step_pure/relop", "i32.ge_u", 1 + 4),
    ] {
        let d = count(&after, rule, detail) - count(&before, rule, detail);
        assert!(d >= n, "{rule} {detail}: {d} < {n}");
    }
}
