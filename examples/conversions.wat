;; Float-to-integer conversions: the trapping ones (NaN: invalid conversion; out of range:
;; integer overflow) and the saturating ones, which never trap.
(module
  (func (export "trunc_nan") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "trunc_big") (result i32) (i32.trunc_f64_u (f64.const 4294967296)))
  (func (export "trunc_neg") (result i64) (i64.trunc_f32_u (f32.const -1)))
  (func (export "trunc_ok") (result i32) (i32.trunc_f64_s (f64.const -2147483648.9)))
  (func (export "sat_nan") (result i32) (i32.trunc_sat_f32_s (f32.const nan)))
  (func (export "sat_big") (result i64) (i64.trunc_sat_f64_u (f64.const 1e300)))
  (func (export "trunc_param") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
  (func (export "promote") (param f32) (result f64) (f64.promote_f32 (local.get 0))))
