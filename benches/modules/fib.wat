;; Integer and call-heavy: recursive fibonacci plus an integer mixing loop.
;; `run` returns fib(27) xor a 3,000,000-step xorshift/LCG hash: about 35 million
;; instructions in one call.
(module
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $mix (param $n i32) (result i64)
    (local $x i64) (local $acc i64)
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (local.set $acc
          (i64.add (i64.mul (local.get $acc) (i64.const 6364136223846793005))
                   (local.get $x)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $acc))
  (func (export "run") (result i64)
    (i64.xor
      (i64.extend_i32_u (call $fib (i32.const 27)))
      (call $mix (i32.const 1000000)))))
