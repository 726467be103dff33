;; The standard host: spectest's print functions (their calls and arguments are observed),
;; globals, table and memory.
(module
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_f64_f64" (func $print_f64_f64 (param f64 f64)))
  (import "spectest" "print" (func $print))
  (import "spectest" "global_i32" (global $gi i32))
  (import "spectest" "global_f64" (global $gf f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2))
  (export "memory" (memory 0))
  (func (export "report") (param i32) (result i32)
    (call $print)
    (call $print_i32 (i32.add (local.get 0) (global.get $gi)))
    (call $print_f64_f64 (global.get $gf) (f64.const nan:0x5))
    (i32.store (i32.const 0) (global.get $gi))
    (table.size 0))
  (func (export "grow_host_memory") (result i32) (memory.grow (i32.const 1))))
