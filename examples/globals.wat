;; Exported globals: state that persists between calls and is compared at the end.
(module
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $sum (export "sum") (mut i64) (i64.const 0))
  (global $last (export "last") (mut f64) (f64.const 0))
  (global (export "const") f32 (f32.const -nan:0x123))
  (func (export "bump") (param i64 f64) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.set $sum (i64.add (global.get $sum) (local.get 0)))
    (global.set $last (local.get 1))
    (global.get $count))
  (func (export "bump_again") (result i32)
    (global.set $count (i32.mul (global.get $count) (i32.const 10)))
    (global.get $count)))
