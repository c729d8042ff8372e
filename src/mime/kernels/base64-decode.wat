;; Base64 decoding (RFC 2045 §6.8, alphabet of RFC 4648 §4) of one block of input, resumable: the bits of
;; an unfinished quantum (0–3 characters) and the padding seen stay in globals from one block to the next.
;; Used by src/mime/encoding/base64.ts through base64-decode-kernel.ts.
;;
;; Memory: the input block goes in at 0 (up to 65536 bytes), the decoded bytes come out at 65536 (up to
;; 3/4 of the input plus 3 bytes of a quantum begun in an earlier block, plus 16 bytes of slack for the
;; last vector store); the byte classes of the scalar path are at 118784.
;;
;; Two paths over the same state:
;; - vector: when no quantum is open, 16 characters at once are classified (RFC 4648 §4 alphabet or not)
;;   by two nibble lookup tables, translated to their 6-bit values, packed four by four into 3 bytes, and
;;   stored; a vector that holds a non-alphabet byte still yields the whole quanta before that byte, so a
;;   76-column line costs four full vectors, one partial vector and the CRLF.
;; - scalar: one byte at a time through a 256-byte class table, for line breaks, other bytes outside the
;;   alphabet, '=' padding, the URL-safe '-' and '_', quanta split across lines or blocks, and the tail.
;;
;; Lenient mode, as Node's Buffer.from(text, 'base64') decodes (RFC 2045 §6.8: "Any characters outside of
;; the base64 alphabet are to be ignored"): bytes outside the alphabet are skipped, '-' and '_' count as 62
;; and 63, and the first '=' ends the data (whatever follows it is ignored). Strict mode: only the
;; RFC 4648 §4 alphabet, space, tab, CR and LF; at most two '=' and only as the third or fourth character
;; of the last quantum, then only whitespace. A strict error stops decoding and leaves its kind and the
;; offset of the byte in $error and $error_at.
(module
  (memory (export "memory") 2)

  ;; Byte classes: 0–63 a character of the RFC 4648 §4 alphabet and its value; 64 + value for the URL-safe
  ;; '-' (62) and '_' (63) of RFC 4648 §5; SPACE for space, tab, CR, LF; PAD for '='; INVALID otherwise.
  (data (i32.const 118784)
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\80\80\ff\ff\80\ff\ff"  ;; 0x00–0x0f: tab, LF, CR
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"  ;; 0x10–0x1f
    "\80\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\3e\ff\7e\ff\3f"  ;; 0x20–0x2f: space, '+' 62, '-' 64+62, '/' 63
    "\34\35\36\37\38\39\3a\3b\3c\3d\ff\ff\ff\81\ff\ff"  ;; 0x30–0x3f: '0'–'9' 52–61, '=' PAD
    "\ff\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e"  ;; 0x40–0x4f: 'A'–'O' 0–14
    "\0f\10\11\12\13\14\15\16\17\18\19\ff\ff\ff\ff\7f"  ;; 0x50–0x5f: 'P'–'Z' 15–25, '_' 64+63
    "\ff\1a\1b\1c\1d\1e\1f\20\21\22\23\24\25\26\27\28"  ;; 0x60–0x6f: 'a'–'o' 26–40
    "\29\2a\2b\2c\2d\2e\2f\30\31\32\33\ff\ff\ff\ff\ff"  ;; 0x70–0x7f: 'p'–'z' 41–51
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff"
    "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")

  ;; The vectors of the line and run paths, by step: where each reads (0, 16, 32, 48, 60 in a line, 78 on
  ;; in the next) and writes (three quarters of that), then what the whole path consumes and writes, by its
  ;; number of steps (4: a run, 64 → 48; 5: a line, 78 → 57; 10: two lines, 156 → 114).
  (data (i32.const 119040) "\00\10\20\30\3c\4e\5e\6e\7e\8a")
  (data (i32.const 119056) "\00\0c\18\24\2d\39\45\51\5d\66")
  (data (i32.const 119076) "\40\4e\00\00\00\00\9c")
  (data (i32.const 119092) "\30\39\00\00\00\00\72")

  ;; The open quantum: its 6-bit values so far (newest in the low bits) and how many (0–3).
  (global $bits (mut i32) (i32.const 0))
  (global $count (export "count") (mut i32) (i32.const 0))
  ;; '=' seen: lenient decoding has ended; strict decoding counts them (1–2) and accepts only whitespace.
  (global $pads (export "pads") (mut i32) (i32.const 0))
  ;; Offset of the last alphabet character or '=' the scalar path read (-1: none yet), for the error of a
  ;; quantum left open: the vector paths run only with no quantum open and leave none, so when one is open
  ;; at the end its last character went through the scalar path.
  (global $last_at (export "lastAt") (mut i32) (i32.const -1))
  ;; Strict errors: 0 none, 1 a byte outside the alphabet, 2 a misplaced '=', 3 data after the padding.
  (global $error (export "error") (mut i32) (i32.const 0))
  (global $error_at (export "errorAt") (mut i32) (i32.const 0))

  (func (export "reset")
    (global.set $bits (i32.const 0))
    (global.set $count (i32.const 0))
    (global.set $pads (i32.const 0))
    (global.set $last_at (i32.const -1))
    (global.set $error (i32.const 0))
    (global.set $error_at (i32.const 0)))

  ;; Decodes the `length` bytes at 0, which start at offset `base` of the whole input; returns how many
  ;; bytes it wrote at 65536. Returns early when lenient decoding meets '=' or strict decoding an error.
  (func (export "decode") (param $length i32) (param $base i32) (param $strict i32) (result i32)
    (local $i i32) (local $o i32) (local $invalid i32) (local $quanta i32)
    (local $class i32) (local $bits i32) (local $count i32) (local $last i32)
    (local $steps i32) (local $step i32) (local $at i32) (local $v v128) (local $high v128) (local $bad v128)
    ;; The vector constants, set once so that they stay in registers.
    (local $by_low v128) (local $by_high v128) (local $low_nibble v128) (local $offset_by_high v128)
    (local $slashes v128) (local $low_bytes v128) (local $pack v128)
    (local.set $o (i32.const 65536))
    (local.set $last (i32.const -1))
    (local.set $by_low (v128.const i8x16 0x0a 0x0e 0x0e 0x0e 0x0e 0x0e 0x0e 0x0e 0x0e 0x0e 0x0c 0x05 0x04 0x04 0x04 0x05))
    (local.set $by_high (v128.const i8x16 0 0 1 2 4 8 4 8 0 0 0 0 0 0 0 0))
    (local.set $low_nibble (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $offset_by_high (v128.const i8x16 0 16 19 4 -65 -65 -71 -71 0 0 0 0 0 0 0 0))
    (local.set $slashes (v128.const i8x16 47 47 47 47 47 47 47 47 47 47 47 47 47 47 47 47))
    (local.set $low_bytes (v128.const i16x8 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff))
    (local.set $pack (v128.const i16x8 4096 1 4096 1 4096 1 4096 1))
    (local.set $bits (global.get $bits))
    (local.set $count (global.get $count))
    (block $done
      ;; Lenient decoding that met '=' has nothing more to read; strict decoding checks what follows.
      (br_if $done (i32.and (i32.eqz (local.get $strict)) (i32.ne (global.get $pads) (i32.const 0))))
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        ;; The vector paths start at an alphabet character with no quantum open.
        (if (i32.and (i32.eqz (local.get $count))
              (i32.lt_u (i32.load8_u offset=118784 (i32.load8_u (local.get $i))) (i32.const 64)))
          (then
            ;; Line path: one or two 76-column lines and their CRLF (RFC 2045 §6.8), 57 bytes a line from
            ;; five vectors, the last one at column 60 overlapping the fourth (it writes bytes 45–47 again,
            ;; the same). Run path: four vectors of 16 characters. Either taken only when all their
            ;; characters are in the alphabet; otherwise, and near the end of the block, one vector.
            (local.set $steps
              (if (result i32) (i32.and (i32.le_u (i32.add (local.get $i) (i32.const 78)) (local.get $length))
                    (i32.eq (i32.load16_u offset=76 (local.get $i)) (i32.const 0x0a0d)))
                (then (select (i32.const 10) (i32.const 5)
                  (i32.and (i32.le_u (i32.add (local.get $i) (i32.const 156)) (local.get $length))
                    (i32.eq (i32.load16_u offset=154 (local.get $i)) (i32.const 0x0a0d)))))
                (else (select (i32.const 4) (i32.const 1) (i32.le_u (i32.add (local.get $i) (i32.const 64)) (local.get $length))))))
            (if (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $length))
              (then
                (block $vectors_done
                  (loop $vectors_again
                    (local.set $bad (v128.const i64x2 0 0))
                    (local.set $step (i32.const 0))
                    (loop $vectors
                      (local.set $at (i32.load8_u offset=119040 (local.get $step)))
                      ;; 16 characters at $i + $at → 12 bytes at $o + $at·3/4 (and 4 bytes of no meaning after
                      ;; them); the lanes of the bytes outside the alphabet are set in $bad (their output is
                      ;; garbage: only the quanta before the first such byte are kept).
                      (local.set $v (v128.load (i32.add (local.get $i) (local.get $at))))
                      (local.set $high (i8x16.shr_u (local.get $v) (i32.const 4)))
                      ;; A byte belongs to the alphabet when the bit its high nibble selects (2 → bit 0: '+'
                      ;; '/'; 3 → bit 1: digits; 4 and 6 → bit 2: 'A'–'O', 'a'–'o'; 5 and 7 → bit 3: 'P'–'Z',
                      ;; 'p'–'z'; 0, 1 and 8–15 none) is set in the entry of its low nibble.
                      (local.set $bad (v128.or (local.get $bad) (i8x16.eq
                        (v128.and
                          (i8x16.swizzle
                            (local.get $by_low)
                            (v128.and (local.get $v) (local.get $low_nibble)))
                          (i8x16.swizzle (local.get $by_high) (local.get $high)))
                        (v128.const i64x2 0 0))))
                      ;; Value = byte + an offset chosen by the high nibble: '+' 43 → 62 (+19), digits 48 → 52
                      ;; (+4), 'A' 65 → 0 (-65), 'a' 97 → 26 (-71); '/' 47 → 63 (+16) takes the entry of high
                      ;; nibble 1 (its own, 2, minus the all-ones lanes of the comparison with '/'), which no
                      ;; alphabet character has.
                      (local.set $v (i8x16.add (local.get $v)
                        (i8x16.swizzle (local.get $offset_by_high)
                          (i8x16.add (local.get $high) (i8x16.eq (local.get $v) (local.get $slashes))))))
                      ;; Pack: byte pairs (a, b) → 12-bit a·64 + b in 16-bit lanes, then pairs of those (p, q) →
                      ;; 24-bit p·4096 + q in 32-bit lanes, whose bytes 2, 1, 0 are the output, in that order.
                      (local.set $v (i32x4.dot_i16x8_s
                        (v128.or
                          (i16x8.shl (v128.and (local.get $v) (local.get $low_bytes)) (i32.const 6))
                          (i16x8.shr_u (local.get $v) (i32.const 8)))
                        (local.get $pack)))
                      (v128.store (i32.add (local.get $o) (i32.load8_u offset=119056 (local.get $step)))
                        (i8x16.shuffle 2 1 0 6 5 4 10 9 8 14 13 12 3 7 11 15 (local.get $v) (local.get $v)))
                      (local.set $step (i32.add (local.get $step) (i32.const 1)))
                      (br_if $vectors (i32.lt_u (local.get $step) (local.get $steps))))
                    (local.set $invalid (i8x16.bitmask (local.get $bad)))
                    (br_if $vectors_done (i32.eq (local.get $steps) (i32.const 1)))
                    (if (i32.eqz (local.get $invalid))
                      (then
                        (local.set $o (i32.add (local.get $o) (i32.load8_u offset=119088 (local.get $steps))))
                        (local.set $i (i32.add (local.get $i) (i32.load8_u offset=119072 (local.get $steps))))
                        (br $next)))
                    ;; Not a clean line or run: its first vector again, alone.
                    (local.set $steps (i32.const 1))
                    (br $vectors_again)))
                ;; Keep the whole quanta before the first byte outside the alphabet; the scalar path goes on.
                (local.set $quanta (select (i32.const 4) (i32.shr_u (i32.ctz (local.get $invalid)) (i32.const 2)) (i32.eqz (local.get $invalid))))
                (if (local.get $quanta)
                  (then
                    (local.set $i (i32.add (local.get $i) (i32.shl (local.get $quanta) (i32.const 2))))
                    (local.set $o (i32.add (local.get $o) (i32.mul (local.get $quanta) (i32.const 3))))
                    (br_if $next (i32.eq (local.get $quanta) (i32.const 4)))))))))
        ;; Scalar path: one byte.
        (local.set $class (i32.load8_u offset=118784 (i32.load8_u (local.get $i))))
        (block $byte_done
          (if (i32.lt_u (local.get $class) (i32.const 128))
            (then
              (if (i32.ge_u (local.get $class) (i32.const 64))
                (then
                  ;; '-' or '_': RFC 4648 §5, not §4; Node accepts them.
                  (if (local.get $strict) (then (global.set $error (i32.const 1)) (br $done)))
                  (local.set $class (i32.and (local.get $class) (i32.const 63)))))
              (if (global.get $pads) (then (global.set $error (i32.const 3)) (br $done)))
              (local.set $last (local.get $i))
              (local.set $bits (i32.or (i32.shl (local.get $bits) (i32.const 6)) (local.get $class)))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))
              (br_if $byte_done (i32.lt_u (local.get $count) (i32.const 4)))
              (i32.store8 offset=0 (local.get $o) (i32.shr_u (local.get $bits) (i32.const 16)))
              (i32.store8 offset=1 (local.get $o) (i32.shr_u (local.get $bits) (i32.const 8)))
              (i32.store8 offset=2 (local.get $o) (local.get $bits))
              (local.set $o (i32.add (local.get $o) (i32.const 3)))
              (local.set $bits (i32.const 0))
              (local.set $count (i32.const 0))
              (br $byte_done)))
          (br_if $byte_done (i32.eq (local.get $class) (i32.const 0x80)))
          (if (i32.eq (local.get $class) (i32.const 0x81))
            (then
              (if (i32.eqz (local.get $strict))
                (then (global.set $pads (i32.const 1)) (br $done)))
              ;; '=' only as the third or fourth character of a quantum, at most two.
              (if (i32.or
                    (i32.lt_u (i32.and (i32.add (local.get $count) (global.get $pads)) (i32.const 3)) (i32.const 2))
                    (i32.eq (global.get $pads) (i32.const 2)))
                (then (global.set $error (i32.const 2)) (br $done)))
              (global.set $pads (i32.add (global.get $pads) (i32.const 1)))
              (local.set $last (local.get $i))
              (br $byte_done)))
          (if (local.get $strict) (then (global.set $error (i32.const 1)) (br $done))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $error_at (i32.add (local.get $base) (local.get $i)))
    (if (i32.ge_s (local.get $last) (i32.const 0))
      (then (global.set $last_at (i32.add (local.get $base) (local.get $last)))))
    (global.set $bits (local.get $bits))
    (global.set $count (local.get $count))
    (i32.sub (local.get $o) (i32.const 65536)))

  ;; The bytes of the quantum left open at the end (RFC 4648 §4: two characters make one byte, three make
  ;; two; one makes none), written at 65536; returns how many.
  (func (export "finish") (result i32)
    (if (i32.eq (global.get $count) (i32.const 2))
      (then
        (i32.store8 (i32.const 65536) (i32.shr_u (global.get $bits) (i32.const 4)))
        (return (i32.const 1))))
    (if (i32.eq (global.get $count) (i32.const 3))
      (then
        (i32.store8 (i32.const 65536) (i32.shr_u (global.get $bits) (i32.const 10)))
        (i32.store8 (i32.const 65537) (i32.shr_u (global.get $bits) (i32.const 2)))
        (return (i32.const 2))))
    (i32.const 0))
)
