;; Quoted-printable encoding (RFC 2045 §6.7) of one block of input, for src/mime/encoding/qp-encode-kernel.ts.
;; The rules exactly as qp.ts's JavaScript encoder applies them, so that both give the same bytes:
;;   rule 1/2  bytes 33–126 except '=' are literal; '=' and every other byte is =XX (uppercase hex), except:
;;   rule 3    space and tab are literal, but =20 / =09 when they end an encoded line (before a hard break
;;             or at the very end of the input);
;;   rule 4    in text mode CR LF is a hard line break and stays CR LF (a lone CR or LF is =0D / =0A);
;;             in binary mode CR and LF are always encoded;
;;   rule 5    a soft line break "=" CR LF goes before anything that would push a line past lineLength - 1
;;             characters; a line may use all lineLength characters only when a hard break or the end of
;;             the input follows.
;; Clean runs (bytes 0x20–0x7E without '=') are classified 16 at a time and copied with one 16-byte store;
;; everything else takes the byte path below, with the =XX words from a table.
;;
;; Memory: the hex digits at 0, the escape table at 1024 (256 little-endian words "=XX\0"), the input block
;; at `input` (32 bytes of slack after it for the 16-byte loads), the output at `output` (16 bytes of slack
;; needed after the worst case, for the 16-byte and 4-byte stores whose tails are overwritten later).
;; Blocks: the line position carries over in `column`; a block that is not the last stops two bytes short
;; of its end (the rules look two bytes ahead) and says in `consumed` where the next block must begin.
(module
  (memory (export "memory") 4)
  (global $input (export "input") i32 (i32.const 4096))
  (global (export "inputCapacity") i32 (i32.const 32768))
  (global $output (export "output") i32 (i32.const 36928))
  (global (export "outputCapacity") i32 (i32.const 225216))
  ;; Line position of the output written so far, carried from block to block (0 before the first).
  (global $column (export "column") (mut i32) (i32.const 0))
  ;; Input bytes the last call encoded; the next block starts there.
  (global $consumed (export "consumed") (mut i32) (i32.const 0))

  (data (i32.const 0) "0123456789ABCDEF")

  ;; The escape table: for each byte, '=' and its two hex digits as one little-endian word.
  (func $fillEscapes
    (local $b i32)
    (loop $next
      (i32.store offset=1024
        (i32.shl (local.get $b) (i32.const 2))
        (i32.or
          (i32.const 0x3d)
          (i32.or
            (i32.shl (i32.load8_u (i32.shr_u (local.get $b) (i32.const 4))) (i32.const 8))
            (i32.shl (i32.load8_u (i32.and (local.get $b) (i32.const 15))) (i32.const 16)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $b) (i32.const 256)))))
  (start $fillEscapes)

  ;; Encodes the `length` bytes at `input` to `output`; returns the number of bytes written there.
  ;; `final`: the input ends with this block; `text`: text mode (else binary); `lineLength` ≥ 4.
  (func (export "encode") (param $length i32) (param $final i32) (param $text i32) (param $lineLength i32) (result i32)
    (local $p i32) (local $last i32) (local $end i32) (local $q i32) (local $column i32) (local $softLimit i32) (local $escapeLimit i32)
    (local $chunk v128) (local $run i32) (local $room i32) (local $b i32) (local $lineEnd i32) (local $width i32)
    (local.set $p (global.get $input))
    (local.set $last (i32.add (global.get $input) (local.get $length)))
    (local.set $end (select (local.get $last) (i32.sub (local.get $last) (i32.const 2)) (local.get $final)))
    ;; What follows the last byte must not read as CR LF in the look-ahead below.
    (i32.store16 (local.get $last) (i32.const 0))
    (local.set $q (global.get $output))
    (local.set $column (global.get $column))
    (local.set $softLimit (i32.sub (local.get $lineLength) (i32.const 1)))
    (local.set $escapeLimit (i32.sub (local.get $lineLength) (i32.const 4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; A clean run: bytes 0x20–0x7E without '=' (x + 0x60 wraps 0x20–0x7E to -128…-34, signed).
        (local.set $chunk (v128.load (local.get $p)))
        (local.set $run
          (i32.ctz
            (i32.or
              (i32.const 0x10000)
              (i8x16.bitmask
                (v128.or
                  (i8x16.gt_s (i8x16.add (local.get $chunk) (v128.const i8x16 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60))
                              (v128.const i8x16 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34))
                  (i8x16.eq (local.get $chunk) (v128.const i8x16 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d)))))))
        ;; No further than this block's end, nor than the soft limit of the line (rule 5).
        (if (i32.gt_u (local.get $run) (i32.sub (local.get $end) (local.get $p)))
          (then (local.set $run (i32.sub (local.get $end) (local.get $p)))))
        (local.set $room (i32.sub (local.get $softLimit) (local.get $column)))
        (if (i32.gt_s (local.get $run) (local.get $room))
          (then (local.set $run (select (local.get $room) (i32.const 0) (i32.gt_s (local.get $room) (i32.const 0))))))
        (if (local.get $run)
          (then
            ;; A space last in the run may end its line (rule 3: before CR LF or at the end of the input,
            ;; where the byte after it is CR or the zero stored past the end): the byte path decides.
            (if (i32.eq (i32.load16_u offset=0 (i32.sub (i32.add (local.get $p) (local.get $run)) (i32.const 1))) (i32.const 0x0d20))
              (then (local.set $run (i32.sub (local.get $run) (i32.const 1)))))
            (if (i32.eq (i32.load16_u offset=0 (i32.sub (i32.add (local.get $p) (local.get $run)) (i32.const 1))) (i32.const 0x0020))
              (then (local.set $run (i32.sub (local.get $run) (i32.const 1)))))
            (v128.store (local.get $q) (local.get $chunk))
            (local.set $p (i32.add (local.get $p) (local.get $run)))
            (local.set $q (i32.add (local.get $q) (local.get $run)))
            (local.set $column (i32.add (local.get $column) (local.get $run)))
            (br_if $next (i32.eq (local.get $run) (i32.const 16)))))
        ;; Escapes away from the end of a line (rules 1 and 2), one after another as in UTF-8 text: '=', and
        ;; bytes from 0x7F, while the line has room for =XX before its soft limit.
        (loop $escapes
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $b (i32.load8_u (local.get $p)))
          (if (i32.and
                (i32.or (i32.ge_u (local.get $b) (i32.const 0x7f)) (i32.eq (local.get $b) (i32.const 0x3d)))
                (i32.le_s (local.get $column) (local.get $escapeLimit)))
            (then
              (i32.store (local.get $q) (i32.load offset=1024 (i32.shl (local.get $b) (i32.const 2))))
              (local.set $q (i32.add (local.get $q) (i32.const 3)))
              (local.set $column (i32.add (local.get $column) (i32.const 3)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $escapes))))
        ;; A literal (33–126 but '=') with room on its line starts the next clean run.
        (br_if $next
          (i32.and
            (i32.and (i32.lt_u (i32.sub (local.get $b) (i32.const 0x21)) (i32.const 0x5e)) (i32.ne (local.get $b) (i32.const 0x3d)))
            (i32.lt_s (local.get $column) (local.get $softLimit))))
        ;; The byte path: one byte by the rules in full.
        ;; Rule 4, text mode: CR LF stays a hard line break.
        (if (i32.and (local.get $text) (i32.eq (i32.load16_u (local.get $p)) (i32.const 0x0a0d)))
          (then
            (i32.store16 (local.get $q) (i32.const 0x0a0d))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (local.set $column (i32.const 0))
            (br $next)))
        ;; Does the byte end its encoded line: the end of the input, or (text mode) a hard break next?
        (local.set $lineEnd
          (i32.or
            (i32.and (local.get $final) (i32.eq (i32.add (local.get $p) (i32.const 1)) (local.get $last)))
            (i32.and (local.get $text) (i32.eq (i32.load16_u offset=1 (local.get $p)) (i32.const 0x0a0d)))))
        ;; Width 3 for =XX (a blank ending its line by rule 3, others outside 33–126 or '=' by rules 1
        ;; and 2), else 1.
        (local.set $width
          (select (i32.const 3) (i32.const 1)
            (select
              (local.get $lineEnd)
              (i32.or
                (i32.gt_u (i32.sub (local.get $b) (i32.const 33)) (i32.const 93))
                (i32.eq (local.get $b) (i32.const 0x3d)))
              (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x09))))))
        ;; Rule 5: a soft line break first when the byte does not fit.
        (if (i32.gt_s (i32.add (local.get $column) (local.get $width)) (i32.add (local.get $softLimit) (local.get $lineEnd)))
          (then
            (i32.store (local.get $q) (i32.const 0x0a0d3d))
            (local.set $q (i32.add (local.get $q) (i32.const 3)))
            (local.set $column (i32.const 0))))
        (if (i32.eq (local.get $width) (i32.const 3))
          (then (i32.store (local.get $q) (i32.load offset=1024 (i32.shl (local.get $b) (i32.const 2)))))
          (else (i32.store8 (local.get $q) (local.get $b))))
        (local.set $q (i32.add (local.get $q) (local.get $width)))
        (local.set $column (i32.add (local.get $column) (local.get $width)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (global.set $column (local.get $column))
    (global.set $consumed (i32.sub (local.get $p) (global.get $input)))
    (i32.sub (local.get $q) (global.get $output)))
)
