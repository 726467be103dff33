;; Memory-heavy: a byte sieve of Eratosthenes over 1,000,000 numbers, run 4 times, then
;; an FNV-1a hash over the whole buffer. `run` returns the prime count xor'd with the hash
;; (some 40 million instructions, most of them loads and stores).
(module
  (memory (export "mem") 16)
  (func $sieve (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    ;; clear
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (i32.store8 (i32.const 0) (i32.const 0))
    (i32.store8 (i32.const 1) (i32.const 0))
    (local.set $i (i32.const 2))
    (block $outer_done
      (loop $outer
        (br_if $outer_done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $inner_done
              (loop $inner
                (br_if $inner_done (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    ;; count, four bytes at a time
    (local.set $i (i32.const 0))
    (block $count_done
      (loop $count_loop
        (br_if $count_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $count
          (i32.add (local.get $count) (i32.popcnt (i32.load (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $count_loop)))
    (local.get $count))
  (func $fnv (param $n i32) (result i32)
    (local $i i32) (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h
          (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i)))
                   (i32.const 0x01000193)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $h))
  (func (export "run") (result i32)
    (local $k i32) (local $c i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $k) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (call $sieve (i32.const 1000000))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $top)))
    (i32.xor (local.get $c) (call $fnv (i32.const 1000000)))))
