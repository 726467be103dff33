;; Wasmer 7.4.2 with Singlepass panics ("assertion failed: !val.is_empty()") on a valid
;; module whose `name` section holds a subsection of an unknown id (0x78) with a size past
;; the section's end. The contents of a custom section do not make a module invalid (the
;; spec's binary format ignores them), and Wasmer with Cranelift, like every other engine
;; here, instantiates it.
;; Found by `harness campaign` on the external engines (2026-11-22; case 3567, strategy
;; mutate, 181 bytes), cut to 56 bytes by `harness reduce`, then by hand to this.
;;   harness wast docs/findings/wasmer-singlepass-name-section.wast --engine wasmer-singlepass
(module
  (func (export "f") (result i32) (i32.const 7))
  (@custom "name" "\78\85\5d\00\01\00\80"))
(assert_return (invoke "f") (i32.const 7))
