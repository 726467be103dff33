;; Float-heavy: a 200 x 150 Mandelbrot set, at most 256 iterations per point, in f64.
;; `run` returns the total iteration count (about 1.4 million inner iterations of ~30
;; instructions each: some 40 million instructions).
(module
  (func (export "run") (result i64)
    (local $px i32) (local $py i32) (local $i i32)
    (local $cx f64) (local $cy f64) (local $x f64) (local $y f64) (local $xx f64) (local $yy f64)
    (local $total i64)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $py) (i32.const 150)))
        (local.set $cy
          (f64.add (f64.const -1.2)
                   (f64.mul (f64.convert_i32_u (local.get $py)) (f64.const 0.016))))
        (local.set $px (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $px) (i32.const 200)))
            (local.set $cx
              (f64.add (f64.const -2.2)
                       (f64.mul (f64.convert_i32_u (local.get $px)) (f64.const 0.016))))
            (local.set $x (f64.const 0))
            (local.set $y (f64.const 0))
            (local.set $i (i32.const 0))
            (block $esc
              (loop $iter
                (local.set $xx (f64.mul (local.get $x) (local.get $x)))
                (local.set $yy (f64.mul (local.get $y) (local.get $y)))
                (br_if $esc (f64.gt (f64.add (local.get $xx) (local.get $yy)) (f64.const 4)))
                (br_if $esc (i32.ge_u (local.get $i) (i32.const 256)))
                (local.set $y
                  (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $x)) (local.get $y))
                           (local.get $cy)))
                (local.set $x
                  (f64.add (f64.sub (local.get $xx) (local.get $yy)) (local.get $cx)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iter)))
            (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $i))))
            (local.set $px (i32.add (local.get $px) (i32.const 1)))
            (br $cols)))
        (local.set $py (i32.add (local.get $py) (i32.const 1)))
        (br $rows)))
    (local.get $total)))
