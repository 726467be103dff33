;; unreachable traps, also deep in a call chain and behind a branch.
(module
  (func $deep (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then unreachable)
      (else (call $deep (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "now") unreachable)
  (func (export "deep") (result i32) (call $deep (i32.const 20)))
  (func (export "maybe") (param i32) (result i32)
    (if (i32.gt_u (local.get 0) (i32.const 100)) (then unreachable))
    (local.get 0)))
