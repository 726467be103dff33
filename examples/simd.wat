;; Fixed-width SIMD: integer and float lanes, NaN lanes, shuffles, lane extraction.
(module
  (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "fmul") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 2 -1 0.5 nan)))
  (func (export "fneg") (result v128) (f64x2.neg (v128.const f64x2 nan:0x1 -0)))
  (func (export "shuffle") (param v128) (result v128)
    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 0)))
  (func (export "sat") (result v128) (i16x8.add_sat_s (v128.const i16x8 32767 -32768 1 2 3 4 5 6) (v128.const i16x8 1 -1 1 1 1 1 1 1)))
  (func (export "lane") (param v128) (result f32) (f32x4.extract_lane 3 (local.get 0))))
