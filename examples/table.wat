;; Tables: out of bounds table access (table.get, table.set, table.fill), growth, and the
;; final null-or-not state of every slot.
(module
  (table $t (export "t") 3 10 funcref)
  (func $f (export "f"))
  (elem declare func $f)
  (func (export "set") (param i32) (table.set $t (local.get 0) (ref.func $f)))
  (func (export "set1") (table.set $t (i32.const 1) (ref.func $f)))
  (func (export "get_oob") (result i32) (ref.is_null (table.get $t (i32.const 3))))
  (func (export "fill_oob") (table.fill $t (i32.const 2) (ref.null func) (i32.const 2)))
  (func (export "grow") (result i32) (table.grow $t (ref.func $f) (i32.const 2)))
  (func (export "size") (result i32) (table.size $t)))
