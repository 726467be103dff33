;; Reference types: externref arguments made by the harness come back unchanged, null
;; checks, and funcref results (compared as null or not). Winch compiles no externref, so
;; it is reported unsupported, never divergent.
(module
  (table $t 2 externref)
  (func $f (export "f"))
  (elem declare func $f)
  (func (export "echo") (param externref) (result externref) (local.get 0))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "stash") (param externref) (table.set $t (i32.const 1) (local.get 0)))
  (func (export "unstash") (result externref) (table.get $t (i32.const 1)))
  (func (export "func") (result funcref) (ref.func $f)))
