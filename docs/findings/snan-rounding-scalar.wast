;; Binaryen 108 (`wasm-opt --fuzz-exec`) and wasm3 0.5: rounding a signalling NaN returns it
;; unquieted; the spec ($fceil_, $ffloor_, $ftrunc_, $fnearest_ on a NaN: $nans_) allows only an
;; arithmetic NaN. The reference engine passes every assertion.
(module
  (func (export "f64.ceil") (param f64) (result f64) local.get 0 f64.ceil)
  (func (export "f64.floor") (param f64) (result f64) local.get 0 f64.floor)
  (func (export "f64.trunc") (param f64) (result f64) local.get 0 f64.trunc)
  (func (export "f64.nearest") (param f64) (result f64) local.get 0 f64.nearest)
  (func (export "f32.ceil") (param f32) (result f32) local.get 0 f32.ceil))
(assert_return (invoke "f64.ceil" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.floor" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.trunc" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.nearest" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f32.ceil" (f32.const nan:0x200001)) (f32.const nan:arithmetic))
