;; Base64 encoding in 76-character lines, each followed by CRLF (RFC 2045 §6.8), straight from the input
;; bytes: the hot loop of src/mime/encoding/base64.ts, through base64-encode-kernel.ts. Whole lines only;
;; the caller encodes the last short line and drops the last CRLF, so there is never any '=' padding here.
;; Memory (the caller's layout, see base64-encode-kernel.ts): input lines of 57 bytes at one offset, with
;; 16 readable bytes after the last one (the last step of a line loads 4 bytes past it); lines of 78 bytes
;; out at another.
(module
  (memory (export "memory") 2)

;; Encodes `lines` lines of 57 bytes from $src into lines of 76 characters + CRLF at $dst (78-byte strides).
  (func (export "encodeLines") (param $src i32) (param $dst i32) (param $lines i32)
    (local $in i32)
    (local $out i32)
    (local $groups v128)
    (local $sextets v128)
    (loop $line
      (if (local.get $lines)
        (then
          (local.set $in (local.get $src))
          (local.set $out (local.get $dst))
          ;; Five steps of 12 bytes → 16 characters: bytes 0–47 in four → characters 0–63; the fifth is moved
          ;; back 3 bytes and 4 characters, bytes 45–56 → characters 60–75, and repeats 4 characters of the
          ;; fourth, so nothing is written past character 75 (nor read past byte 60).
          (loop $step
            ;; Each group of 3 bytes b0 b1 b2 (RFC 4648 §4: 24-bit groups, most significant bit first) into one
            ;; 32-bit lane as the 16-bit halves b0 b1 (low) and b1 b2 (high), so that each 6-bit value lies
            ;; whole in one half: b0 b1 = aaaaaabb bbbbcccc, b1 b2 = bbbbcccc ccdddddd (values a, b, c, d).
            (local.set $groups
              (i8x16.swizzle (v128.load (local.get $in)) (v128.const i8x16 1 0 2 1  4 3 5 4  7 6 8 7  10 9 11 10)))
            ;; The four values into the lane's bytes 0 to 3 (memory order: a, b, c, d). A 16-bit multiply is a
            ;; left shift per half: a is b0 b1 >> 10 and c is (b1 b2 << 4) >> 10; b is (b0 b1 << 4) and d
            ;; (b1 b2 << 8), each masked to bits 8–13 of its half.
            (local.set $sextets
              (v128.or
                (i16x8.shr_u (i16x8.mul (local.get $groups) (v128.const i16x8 1 16 1 16 1 16 1 16)) (i32.const 10))
                (v128.and
                  (i16x8.mul (local.get $groups) (v128.const i16x8 16 256 16 256 16 256 16 256))
                  (v128.const i16x8 0x3f00 0x3f00 0x3f00 0x3f00 0x3f00 0x3f00 0x3f00 0x3f00))))
            ;; RFC 4648 §4 Table 1 is five ranges, each its value plus a constant: 0–25 'A'–'Z' (+65),
            ;; 26–51 'a'–'z' (+71), 52–61 '0'–'9' (−4), 62 '+' (−19), 63 '/' (−16). The value saturated down by
            ;; 51, plus 1 above 25, numbers the ranges: 0 ('A'–'Z'), 1 ('a'–'z'), 2–11 (digits), 12 ('+'),
            ;; 13 ('/'); a swizzle of that number into the table of constants gives what to add.
            (v128.store
              (local.get $out)
              (i8x16.add
                (local.get $sextets)
                (i8x16.swizzle
                  (v128.const i8x16 65 71 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -19 -16 0 0)
                  (i8x16.sub
                    (i8x16.sub_sat_u (local.get $sextets) (v128.const i8x16 51 51 51 51 51 51 51 51 51 51 51 51 51 51 51 51))
                    (i8x16.gt_s (local.get $sextets) (v128.const i8x16 25 25 25 25 25 25 25 25 25 25 25 25 25 25 25 25))))))
            (local.set $in (i32.add (local.get $in) (i32.const 12)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            ;; After the fourth step, the fifth moved back (pointers, not a multiply per step: measured faster).
            (if (i32.eq (local.get $in) (i32.add (local.get $src) (i32.const 48)))
              (then
                (local.set $in (i32.sub (local.get $in) (i32.const 3)))
                (local.set $out (i32.sub (local.get $out) (i32.const 4)))))
            (br_if $step (i32.lt_u (local.get $in) (i32.add (local.get $src) (i32.const 57)))))
          ;; CR LF, little-endian.
          (i32.store16 offset=76 (local.get $dst) (i32.const 0x0a0d))
          (local.set $src (i32.add (local.get $src) (i32.const 57)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 78)))
          (local.set $lines (i32.sub (local.get $lines) (i32.const 1)))
          (br $line)))))
)
