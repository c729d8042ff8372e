;; The hot loop of wrapped base64 encoding: moves 76-character lines to 78-byte strides and puts CRLF
;; after each, 16 bytes per load and store. Used by src/mime/encoding/base64.ts through crlf76-kernel.ts.
;; Memory: the source lines go in at 0 (512 × 76 bytes), the spread lines come out at 40960 (512 × 78).
(module
  (memory (export "memory") 2)
  (func (export "spread") (param $src i32) (param $dst i32) (param $lines i32)
    (loop $next
      (if (local.get $lines)
        (then
          ;; Bytes 0–63 in four moves, 60–75 in a fifth that overlaps the fourth: nothing past byte 75.
          (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
          (v128.store offset=32 (local.get $dst) (v128.load offset=32 (local.get $src)))
          (v128.store offset=48 (local.get $dst) (v128.load offset=48 (local.get $src)))
          (v128.store offset=60 (local.get $dst) (v128.load offset=60 (local.get $src)))
          ;; CR LF, little-endian.
          (i32.store16 offset=76 (local.get $dst) (i32.const 0x0a0d))
          (local.set $src (i32.add (local.get $src) (i32.const 76)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 78)))
          (local.set $lines (i32.sub (local.get $lines) (i32.const 1)))
          (br $next)))))
)
