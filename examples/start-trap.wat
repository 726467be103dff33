;; A start function that traps: instantiation fails with "out of bounds memory access"
;; (the module is uninstantiable), and every engine must say so.
(module
  (memory 1)
  (func $start (drop (i32.load (i32.const 70000))))
  (start $start)
  (func (export "never") (result i32) (i32.const 1)))
