;; wasmi 2.0.0 (the bundled engine): after this function runs, the exported global `g` holds a
;; value nobody stored (a different one from run to run: 0x87537b90, 0xa553db90, ...) instead
;; of the argument; the reference engine, Cranelift, Winch and Pulley store the argument.
;; Found by a campaign (`harness campaign --time 30s`, seed 0, generator smith-1), cut from
;; 1,166 to 246 bytes by `harness reduce` (the shrink stage; record and replay could not
;; replay `v128.store16_lane`). The `if` takes its `i32` from the stack; on this memory its
;; condition is 0, so the `else` arm stores that 0 and the block's result, the argument, is
;; stored last.
(module
  (type (;0;) (func))
  (type (;1;) (func (param i32)))
  (global (;0;) i32 (i32.const 666))
  (memory (;0;) 1 2)
  (global (;1;) (mut i64) i64.const 0)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (export "3" (func 0))
  (export "g" (global 4))
  (func (;0;) (type 1) (param i32)
    i64.const 0
    loop (type 0) ;; label = @1
      block (result f64) ;; label = @2
        block (result i32) ;; label = @3
          local.get 0
          i64.const 0
          i64.const 0
          i32.const 0
          global.get 0
          v128.load16_splat offset=40318 align=1
          i16x8.bitmask
          if (type 1) (param i32) ;; label = @4
            v128.load8x8_u offset=32555 align=4
            f64.const 0x0p+0 (;=0;)
            v128.const i32x4 0x793162eb 0x37afb88e 0x8a51bf15 0x480264d2
            f64.const 0x0p+0 (;=0;)
            block (result f32) ;; label = @5
              f32.const 0x1p-119 (;=0.0000000000000000000000000000000000015046328;)
            end
            i32.reinterpret_f32
            global.set 3
            i64.reinterpret_f64
            global.set 2
            global.set 5
            i64.reinterpret_f64
            global.set 2
            global.set 5
          else
            global.set 4
          end
          i64.xor
          global.set 1
        end
        global.set 4
        f64.const 0x1.cp-1072 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000035;)
      end
      i64.reinterpret_f64
      global.set 2
    end
    global.set 1
  )
)
(invoke "3" (i32.const -2))
(assert_return (get "g") (i32.const -2))
(invoke "3" (i32.const 7))
(assert_return (get "g") (i32.const 7))
