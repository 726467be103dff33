;; An infinite loop: every engine must stop it at its limit (fuel, or the wall clock).
;; Running out is inconclusive, not a divergence.
(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "after") (result i32) (i32.const 42)))
