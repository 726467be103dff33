;; Multiple results, block parameters and results, and multi-value calls.
(module
  (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "swap") (param i32 i64) (result i64 i32) (call $swap (local.get 0) (local.get 1)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "block") (param i32) (result i32 f64)
    (local.get 0)
    (block (param i32) (result i32 f64)
      (f64.const 2.5)))
  (func (export "triple") (result f32 f64 i64) (f32.const -0) (f64.const nan:0x8) (i64.const -1)))
