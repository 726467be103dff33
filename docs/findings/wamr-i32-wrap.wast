;; wamr-aot (PyPI wamr-bin 3.0.0-dev): an i32.add result is not wrapped to 32 bits ($iadd_: modulo
;; 2^32), so comparing it with 0x80000000 gives 0. The same holds for sub, mul, rotl, rotr, shr_u
;; and div_u. The reference engine passes.
(module
  (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add-eq") (result i32)
    (i32.eq (call $add (i32.const 1) (i32.const 0x7fffffff)) (i32.const 0x80000000))))
(assert_return (invoke "add-eq") (i32.const 1))
