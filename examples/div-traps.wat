;; Integer division traps: divide by zero and overflow, signed and unsigned.
(module
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_by_zero") (result i32) (i32.div_u (i32.const 7) (i32.const 0)))
  (func (export "rem_by_zero") (result i64) (i64.rem_s (i64.const 7) (i64.const 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "overflow64") (result i64) (i64.div_s (i64.const 0x8000000000000000) (i64.const -1)))
  (func (export "rem_min") (result i32) (i32.rem_s (i32.const 0x80000000) (i32.const -1))))
