;; NaN results. Arithmetic may return any NaN of the spec's class (canonical or arithmetic,
;; sign free); neg, abs, copysign and reinterpretation are exact, signalling payloads included.
(module
  (func (export "div0") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "sqrt_neg") (result f64) (f64.sqrt (f64.const -1)))
  (func (export "add_payload") (result f32) (f32.add (f32.const nan:0x200001) (f32.const 1)))
  (func (export "mul_param") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 3)))
  (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "neg_snan") (result f32) (f32.neg (f32.const nan:0x1)))
  (func (export "abs_snan") (result f64) (f64.abs (f64.const -nan:0x4)))
  (func (export "copysign") (result f32) (f32.copysign (f32.const nan:0x7) (f32.const -1)))
  (func (export "reinterpret") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
  (func (export "bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0))))
