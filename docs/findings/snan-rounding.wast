;; Binaryen 108: as snan-rounding-scalar.wast, and per lane for f32x4.ceil ($vunop_ by $fceil_).
;; The reference engine passes every assertion.
(module
  (func (export "f64.ceil") (param f64) (result f64) local.get 0 f64.ceil)
  (func (export "f64.floor") (param f64) (result f64) local.get 0 f64.floor)
  (func (export "f64.trunc") (param f64) (result f64) local.get 0 f64.trunc)
  (func (export "f64.nearest") (param f64) (result f64) local.get 0 f64.nearest)
  (func (export "f32.ceil") (param f32) (result f32) local.get 0 f32.ceil)
  (func (export "f32x4.ceil") (param v128) (result v128) local.get 0 f32x4.ceil))
(assert_return (invoke "f64.ceil" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.floor" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.trunc" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.nearest" (f64.const nan:0x4000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f32.ceil" (f32.const nan:0x200001)) (f32.const nan:arithmetic))
(assert_return (invoke "f32x4.ceil" (v128.const i32x4 0x7fa00001 0 0 0)) (v128.const f32x4 nan:arithmetic 0 0 0))
