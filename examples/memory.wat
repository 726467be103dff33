;; Linear memory: stores seen in the final state, loads at and past the bound
;; (out of bounds memory access), and growth within the declared maximum.
(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "harness")
  (func (export "store") (param i32)
    (i32.store (i32.const 100) (local.get 0))
    (i64.store offset=8 (i32.const 100) (i64.const -1)))
  (func (export "last_byte") (result i32) (i32.load8_u (i32.const 65535)))
  (func (export "oob") (result i32) (i32.load (i32.const 65534)))
  (func (export "oob_offset") (result i64) (i64.load offset=0xffffffff (i32.const 1)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "grow_past_max") (result i32) (memory.grow (i32.const 10)))
  (func (export "size") (result i32) (memory.size))
  (func (export "fill") (memory.fill (i32.const 200) (i32.const 0xab) (i32.const 32)))
  (func (export "fill_oob") (memory.fill (i32.const 200) (i32.const 0xab) (i32.const 0x7fffffff))))
