;; Unbounded recursion: call stack exhaustion, allowed at any depth.
(module
  (func $down (export "down") (param i64) (result i64)
    (i64.add (i64.const 1) (call $down (i64.add (local.get 0) (i64.const 1)))))
  (func (export "ok") (result i32) (i32.const 1)))
