;; Imports spectest.print_i32 with the wrong type: every engine must refuse to link it.
(module
  (import "spectest" "print_i32" (func (param f64)))
  (func (export "f")))
