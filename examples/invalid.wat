;; Well-formed text, but invalid: the function returns an i64 where it declares i32.
;; Every engine must reject it; they agree ("all engines reject").
(module
  (func (export "f") (result i32) (i64.const 0)))
