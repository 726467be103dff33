;; call_indirect: a call through a valid slot, an index past the table (undefined element),
;; a null slot (uninitialized element) and a function of another type (indirect call type
;; mismatch).
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table (export "tab") 4 funcref)
  (elem (i32.const 0) $double $nothing)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nothing (type $v))
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $ii) (i32.const 21) (local.get 0)))
  (func (export "ok") (result i32) (call_indirect (type $ii) (i32.const 21) (i32.const 0)))
  (func (export "undefined") (result i32) (call_indirect (type $ii) (i32.const 1) (i32.const 4)))
  (func (export "uninitialized") (result i32) (call_indirect (type $ii) (i32.const 1) (i32.const 3)))
  (func (export "mismatch") (result i32) (call_indirect (type $ii) (i32.const 1) (i32.const 1))))
