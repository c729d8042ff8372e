;; Quoted-printable decoding (RFC 2045 §6.7) of one block, lenient as real-world mail needs, and the strict
;; check of the same block. Used by src/mime/encoding/qp.ts through qp-decode-kernel.ts, which must give
;; exactly what qp.ts's JavaScript loops (decodeInto, validateQp) give: those stay as the fallback and finish
;; the last bytes of every input.
;;
;; Both functions scan 16 bytes at once for the bytes that need a decision ('=', and everything below 0x20:
;; CR, LF, tab, controls; for the check also 0x7F and 8-bit bytes). A clean run costs one load and one
;; store; decode also takes the escapes of 16 bytes at once (see there); the rest goes one byte at a time.
;;
;; The caller cuts blocks so that nothing starting before `end` needs a byte past the one at `end`: the
;; byte at `end` - 1 is not '=', space or tab. So an escape at `end` - 2 or a CRLF at `end` - 1 runs one
;; byte past `end` (the functions return where they stopped), a run of blanks never reaches `end`, and the
;; blanks before a line break are never in an earlier block.
;;
;; Memory: 0–255 the hex table; 256 the output length, 260 the violation, 264 the line start (i32 each);
;; 2048–4095 the lanes to keep for each 8-bit mask; the block at 4096 (32 KiB + 18 bytes of over-read), the
;; decoded block at 37888 (32 KiB + 16 of over-write).
(module
  (memory (export "memory") 2)

  ;; Hex digit → its value (either case, rule 1 as lenient decoding reads it); any other byte → 0x80.
  (data (i32.const 0)
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\00\01\02\03\04\05\06\07\08\09\80\80\80\80\80\80"
    "\80\0a\0b\0c\0d\0e\0f\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\0a\0b\0c\0d\0e\0f\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80")

  (global $KEEP i32 (i32.const 2048))
  (global $INPUT i32 (i32.const 4096))
  (global $OUTPUT i32 (i32.const 37888))
  (global $LINE_LENGTH i32 (i32.const 76))

;; KEEP + 8 × m: the indices of the bits set in m (0–255), lowest first, to gather with i8x16.swizzle.
  (func $fillKeep
    (local $mask i32) (local $bit i32) (local $at i32)
    (loop $masks
      (local.set $at (i32.add (global.get $KEEP) (i32.shl (local.get $mask) (i32.const 3))))
      (local.set $bit (i32.const 0))
      (loop $bits
        (if (i32.and (local.get $mask) (i32.shl (i32.const 1) (local.get $bit)))
          (then
            (i32.store8 (local.get $at) (local.get $bit))
            (local.set $at (i32.add (local.get $at) (i32.const 1)))))
        (local.set $bit (i32.add (local.get $bit) (i32.const 1)))
        (br_if $bits (i32.lt_u (local.get $bit) (i32.const 8))))
      (local.set $mask (i32.add (local.get $mask) (i32.const 1)))
      (br_if $masks (i32.lt_u (local.get $mask) (i32.const 256)))))
  (start $fillKeep)

  (func $isBlank (param $b i32) (result i32)
    (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x09))))

  ;; Decodes the block's bytes from 0 up to `end` (exclusive; see above for what may follow). Returns
  ;; where it stopped (`end` or `end` + 1) and leaves the decoded length at 256. Rules of §6.7 as qp.ts
  ;; applies them: "=XX" (hex of either case) is the byte XX; '=', blanks, then CRLF or LF is a soft line
  ;; break and gives nothing; any other '=' stays; blanks before a CRLF or LF are taken back (rule 3:
  ;; added in transport); every other byte, bare CR and 8-bit included, passes as it is.
  ;;
  ;; Per 16 bytes: lanes with no '=' and nothing below 0x20 pass in one store. The escapes before the
  ;; first other stop (a line break, a '=' that is no escape, a control) are decoded all at once: their
  ;; values replace their '=', their digits are dropped, and the lanes kept are gathered 8 at a time with
  ;; i8x16.swizzle. The other stop is then taken on the scalar path. Without one, the next 16 bytes follow
  ;; whatever these held, the digits of an escape in lane 14 or 15 being dropped there (`$carry`): the
  ;; address of the next load does not wait for this one's lanes.
  (func (export "decode") (param $end i32) (result i32)
    (local $i i32) (local $o i32) (local $v v128) (local $equals v128) (local $lanes i32) (local $rest i32)
    (local $escapes i32) (local $limit i32) (local $dropped i32) (local $kept i32) (local $b i32) (local $j i32)
    (local $carry i32)
    (local $next v128) (local $digit1 v128) (local $letter1 v128) (local $isDigit1 v128)
    (local $digit2 v128) (local $letter2 v128) (local $isDigit2 v128)
    (local.set $i (global.get $INPUT))
    (local.set $o (global.get $OUTPUT))
    (local.set $end (i32.add (local.get $end) (global.get $INPUT)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $rest (i32.sub (local.get $end) (local.get $i)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $equals (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x3d))))
        (local.set $lanes
          (i8x16.bitmask (v128.or (local.get $equals) (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
        (if (i32.eqz (i32.or (local.get $lanes) (local.get $carry)))
          (then
            (v128.store (local.get $o) (local.get $v))
            (if (i32.ge_u (local.get $rest) (i32.const 16))
              (then
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $next)))
            (local.set $o (i32.add (local.get $o) (local.get $rest)))
            (local.set $i (local.get $end))
            (br $done)))
        ;; Per lane, for the next byte and the one after: its value as a digit, as a letter less 10 (either
        ;; case), and whether it is a digit. A lane is an escape where both are hex digits after a '='.
        (local.set $next (v128.load offset=1 (local.get $i)))
        (local.set $digit1 (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x30))))
        (local.set $letter1
          (i8x16.sub (v128.or (local.get $next) (i8x16.splat (i32.const 0x20))) (i8x16.splat (i32.const 0x61))))
        (local.set $isDigit1 (i8x16.lt_u (local.get $digit1) (i8x16.splat (i32.const 10))))
        (local.set $next (v128.load offset=2 (local.get $i)))
        (local.set $digit2 (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x30))))
        (local.set $letter2
          (i8x16.sub (v128.or (local.get $next) (i8x16.splat (i32.const 0x20))) (i8x16.splat (i32.const 0x61))))
        (local.set $isDigit2 (i8x16.lt_u (local.get $digit2) (i8x16.splat (i32.const 10))))
        (local.set $escapes
          (i8x16.bitmask
            (v128.and
              (local.get $equals)
              (v128.and
                (v128.or (local.get $isDigit1) (i8x16.lt_u (local.get $letter1) (i8x16.splat (i32.const 6))))
                (v128.or (local.get $isDigit2) (i8x16.lt_u (local.get $letter2) (i8x16.splat (i32.const 6))))))))
        ;; The first stop that is not an escape (16 when none), never past the end. An escape's digits are
        ;; no stops, so every escape before it ends before it too, except at the end (cut rule: never past
        ;; `end`).
        (local.set $limit
          (i32.ctz (i32.or (i32.and (local.get $lanes) (i32.xor (local.get $escapes) (i32.const -1))) (i32.const 0x10000))))
        (if (i32.gt_u (local.get $limit) (local.get $rest))
          (then (local.set $limit (local.get $rest))))
        (local.set $escapes
          (i32.and (local.get $escapes) (i32.sub (i32.shl (i32.const 1) (local.get $limit)) (i32.const 1))))
        (local.set $v
              (v128.bitselect
                (v128.or
                  (i8x16.shl
                    (v128.bitselect
                      (local.get $digit1)
                      (i8x16.add (local.get $letter1) (i8x16.splat (i32.const 10)))
                      (local.get $isDigit1))
                    (i32.const 4))
                  (v128.bitselect
                    (local.get $digit2)
                    (i8x16.add (local.get $letter2) (i8x16.splat (i32.const 10)))
                    (local.get $isDigit2)))
                (local.get $v)
                (local.get $equals)))
        (local.set $dropped
          (i32.or
            (local.get $carry)
            (i32.or (i32.shl (local.get $escapes) (i32.const 1)) (i32.shl (local.get $escapes) (i32.const 2)))))
        (local.set $kept
          (i32.and
            (i32.xor (local.get $dropped) (i32.const -1))
            (i32.sub (i32.shl (i32.const 1) (local.get $limit)) (i32.const 1))))
        (i64.store
          (local.get $o)
          (i64x2.extract_lane 0
            (i8x16.swizzle
              (local.get $v)
              (v128.load64_zero
                (i32.add (global.get $KEEP) (i32.shl (i32.and (local.get $kept) (i32.const 0xff)) (i32.const 3)))))))
        (local.set $o (i32.add (local.get $o) (i32.popcnt (i32.and (local.get $kept) (i32.const 0xff)))))
        (i64.store
          (local.get $o)
          (i64x2.extract_lane 0
            (i8x16.swizzle
              (local.get $v)
              (i8x16.add
                (v128.load64_zero
                  (i32.add (global.get $KEEP) (i32.shl (i32.shr_u (local.get $kept) (i32.const 8)) (i32.const 3))))
                (i8x16.splat (i32.const 8))))))
        (local.set $o (i32.add (local.get $o) (i32.popcnt (i32.shr_u (local.get $kept) (i32.const 8)))))
        (if (i32.eq (local.get $limit) (i32.const 16))
          (then
            (local.set $carry (i32.shr_u (local.get $dropped) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $next)))
        ;; Before a stop, or at the end: the digits of an escape may still run one byte past the end.
        (local.set $carry (i32.const 0))
        (local.set $i
          (i32.add (local.get $i) (i32.add (local.get $limit) (i32.popcnt (i32.shr_u (local.get $dropped) (local.get $limit))))))
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        ;; The other stop, on the scalar path.
        (local.set $b (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $b) (i32.const 0x3d))
          (then
            ;; Not an escape: a soft line break ('=', blanks, CRLF or LF) or a bare '=' kept as it is.
            (local.set $j (i32.add (local.get $i) (i32.const 1)))
            (loop $blanks
              (local.set $b (i32.load8_u (local.get $j)))
              (if (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x09)))
                (then
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $blanks))))
            (if (i32.eq (local.get $b) (i32.const 0x0a))
              (then
                (local.set $i (i32.add (local.get $j) (i32.const 1)))
                (br $next)))
            (if (i32.eq (i32.load16_u (local.get $j)) (i32.const 0x0a0d))
              (then
                (local.set $i (i32.add (local.get $j) (i32.const 2)))
                (br $next)))
            (local.set $b (i32.const 0x3d))))
        (if (i32.or
              (i32.eq (local.get $b) (i32.const 0x0a))
              (i32.eq (i32.load16_u (local.get $i)) (i32.const 0x0a0d)))
          (then
            ;; Rule (3): the blanks before a line break were added in transport; they were copied, so
            ;; take them back. (The byte before the block is never a blank: see the cut above.)
            (local.set $j (local.get $i))
            (loop $back
              (local.set $rest (i32.load8_u offset=0 (i32.sub (local.get $j) (i32.const 1))))
              (if (i32.or (i32.eq (local.get $rest) (i32.const 0x20)) (i32.eq (local.get $rest) (i32.const 0x09)))
                (then
                  (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                  (local.set $o (i32.sub (local.get $o) (i32.const 1)))
                  (br $back))))
            (if (i32.eq (local.get $b) (i32.const 0x0d))
              (then
                (i32.store16 (local.get $o) (i32.const 0x0a0d))
                (local.set $o (i32.add (local.get $o) (i32.const 2)))
                (local.set $i (i32.add (local.get $i) (i32.const 2)))
                (br $next)))))
        ;; LF, a bare '=', and any other byte below 0x20 (bare CR, tab, controls) as it is.
        (i32.store8 (local.get $o) (local.get $b))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 256) (i32.sub (local.get $o) (global.get $OUTPUT)))
    ;; An escape's digits carried past the end (lane 14 of the last 16 bytes) were read too.
    (i32.sub (i32.add (local.get $i) (i32.popcnt (local.get $carry))) (global.get $INPUT)))

  ;; The strict check of RFC 2045 §6.7 rules 1–5 over the block's bytes from 0 up to `end`, byte for byte
  ;; as qp.ts's validateQp: CR only before LF, no bare LF, no line over 76 characters (the characters of an
  ;; escape after its '=' and the blanks after a soft-break '=' not counted), '=' only before two uppercase
  ;; hex digits or blanks and CRLF, no byte outside 33–126 but space and tab. `lineStart` is where the
  ;; current line began, relative to the block (zero or negative). Leaves where the last line began at
  ;; 264 (decode stops where this stops: at `end`, or one past it after an escape), and returns the offset
  ;; of the first violation, its kind left at 260 (0 there when there is none):
  ;; 1 CR without LF, 2 LF without CR, 3 line too long, 4 lowercase hex, 5 '=' alone, 6 byte to encode.
  (func (export "validate") (param $end i32) (param $lineStart i32) (result i32)
    (local $i i32) (local $v v128) (local $equals v128) (local $next v128) (local $hex1 v128) (local $lanes i32) (local $rest i32)
    (local $escapes i32) (local $limit i32) (local $dropped i32) (local $carry i32) (local $late i32)
    (local $b i32) (local $first i32) (local $second i32) (local $j i32) (local $violation i32) (local $at i32)
    (local.set $i (global.get $INPUT))
    (local.set $end (i32.add (local.get $end) (global.get $INPUT)))
    (local.set $lineStart (i32.add (local.get $lineStart) (global.get $INPUT)))
    (block $stopped
      (loop $next
        (br_if $stopped (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $rest (i32.sub (local.get $end) (local.get $i)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $equals (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x3d))))
        (local.set $lanes
          (i8x16.bitmask
            (v128.or
              (v128.or (local.get $equals) (i8x16.gt_u (local.get $v) (i8x16.splat (i32.const 0x7e))))
              (v128.and
                (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20)))
                (i8x16.ne (local.get $v) (i8x16.splat (i32.const 0x09)))))))
        ;; As in decode: the escapes (uppercase here) before the first other stop are passed together, the
        ;; digits of one in lane 14 or 15 carried into the next 16 bytes.
        (local.set $next (v128.load offset=1 (local.get $i)))
        (local.set $hex1
          (v128.or
            (i8x16.lt_u (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x30))) (i8x16.splat (i32.const 10)))
            (i8x16.lt_u (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x41))) (i8x16.splat (i32.const 6)))))
        (local.set $next (v128.load offset=2 (local.get $i)))
        (local.set $escapes
          (i8x16.bitmask
            (v128.and
              (v128.and (local.get $equals) (local.get $hex1))
              (v128.or
                (i8x16.lt_u (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x30))) (i8x16.splat (i32.const 10)))
                (i8x16.lt_u (i8x16.sub (local.get $next) (i8x16.splat (i32.const 0x41))) (i8x16.splat (i32.const 6)))))))
        (local.set $limit
          (i32.ctz (i32.or (i32.and (local.get $lanes) (i32.xor (local.get $escapes) (i32.const -1))) (i32.const 0x10000))))
        (if (i32.gt_u (local.get $limit) (local.get $rest))
          (then (local.set $limit (local.get $rest))))
        (local.set $escapes
          (i32.and (local.get $escapes) (i32.sub (i32.shl (i32.const 1) (local.get $limit)) (i32.const 1))))
        (local.set $dropped
          (i32.or
            (local.get $carry)
            (i32.or (i32.shl (local.get $escapes) (i32.const 1)) (i32.shl (local.get $escapes) (i32.const 2)))))
        ;; Rule (5): the first lane before the stop, an escape's digits aside, at column 76 or beyond.
        (local.set $late (i32.sub (i32.add (local.get $lineStart) (global.get $LINE_LENGTH)) (local.get $i)))
        (if (i32.lt_s (local.get $late) (i32.const 0))
          (then (local.set $late (i32.const 0))))
        (if (i32.gt_s (local.get $late) (i32.const 16))
          (then (local.set $late (i32.const 16))))
        (local.set $late
          (i32.and
            (i32.shl (i32.const 0xffff) (local.get $late))
            (i32.and
              (i32.xor (local.get $dropped) (i32.const -1))
              (i32.sub (i32.shl (i32.const 1) (local.get $limit)) (i32.const 1)))))
        (if (local.get $late)
          (then
            (local.set $at (i32.add (local.get $i) (i32.ctz (local.get $late))))
            (local.set $violation (i32.const 3))
            (br $stopped)))
        (if (i32.eq (local.get $limit) (i32.const 16))
          (then
            (local.set $carry (i32.shr_u (local.get $dropped) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $next)))
        (local.set $carry (i32.const 0))
        (local.set $i
          (i32.add (local.get $i) (i32.add (local.get $limit) (i32.popcnt (i32.shr_u (local.get $dropped) (local.get $limit))))))
        (br_if $stopped (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $i)))
        (local.set $at (local.get $i))
        (if (i32.eq (local.get $b) (i32.const 0x0d))
          (then
            (if (i32.ne (i32.load8_u offset=1 (local.get $i)) (i32.const 0x0a))
              (then
                (local.set $violation (i32.const 1))
                (br $stopped)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (local.set $lineStart (local.get $i))
            (br $next)))
        (if (i32.eq (local.get $b) (i32.const 0x0a))
          (then
            (local.set $violation (i32.const 2))
            (br $stopped)))
        (if (i32.ge_s (i32.sub (local.get $i) (local.get $lineStart)) (global.get $LINE_LENGTH))
          (then
            (local.set $violation (i32.const 3))
            (br $stopped)))
        (if (i32.eq (local.get $b) (i32.const 0x3d))
          (then
            (local.set $first (i32.load8_u offset=1 (local.get $i)))
            (local.set $second (i32.load8_u offset=2 (local.get $i)))
            (if (i32.eqz (i32.and (i32.or (i32.load8_u (local.get $first)) (i32.load8_u (local.get $second))) (i32.const 0x80)))
              (then
                ;; Hex digits, uppercase when both are below 'a'.
                (if (i32.and
                      (i32.lt_u (local.get $first) (i32.const 0x61))
                      (i32.lt_u (local.get $second) (i32.const 0x61)))
                  (then
                    (local.set $i (i32.add (local.get $i) (i32.const 3)))
                    (br $next)))
                (local.set $at (i32.add (local.get $i) (i32.const 1)))
                (local.set $violation (i32.const 4))
                (br $stopped)))
            ;; A soft line break: '=', blanks, CRLF (the CR LF is checked on the next turn).
            (local.set $j (i32.add (local.get $i) (i32.const 1)))
            (loop $blanks
              (if (call $isBlank (i32.load8_u (local.get $j)))
                (then
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $blanks))))
            (if (i32.eq (i32.load16_u (local.get $j)) (i32.const 0x0a0d))
              (then
                (local.set $i (local.get $j))
                (br $next)))
            (local.set $violation (i32.const 5))
            (br $stopped)))
        ;; Below 0x20 but not tab, CR or LF; or 0x7F and above.
        (local.set $violation (i32.const 6))))
    (i32.store (i32.const 260) (local.get $violation))
    (i32.store (i32.const 264) (i32.sub (local.get $lineStart) (global.get $INPUT)))
    (i32.sub (local.get $at) (global.get $INPUT)))
)
