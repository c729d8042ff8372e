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
;; Three paths, fastest first:
;;   - clean runs (bytes 0x20–0x7E without '=') are classified 16 at a time and copied with one 16-byte store;
;;   - eight bytes mixing literals and escapes, away from line ends and hard breaks, are expanded at once:
;;     their hex digits by two swizzles, the output (8 to 24 bytes) by swizzles whose lane indices come from
;;     a table with one entry per mask of the bytes to escape;
;;   - everything else byte by byte with the =XX words from a table, runs of escapes in a tight loop.
;;
;; Memory: the hex digits at 0, the escape table at 1024 (256 little-endian words "=XX\0"), the expansion
;; table at 4096 (256 × 64 bytes), the input block at `input` (64 bytes of slack after it for the 16-byte
;; loads), the output at `output` (needing 32 bytes of slack after the worst case, for the 16-byte and 4-byte
;; stores whose tails are overwritten later).
;; Blocks: the line position carries over in `column`; a block that is not the last stops two bytes short
;; of its end (the rules look two bytes ahead) and says in `consumed` where the next block must begin.
(module
  (memory (export "memory") 4)
  (global $input (export "input") i32 (i32.const 20480))
  (global (export "inputCapacity") i32 (i32.const 32768))
  (global $output (export "output") i32 (i32.const 53312))
  (global (export "outputCapacity") i32 (i32.const 208832))
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

  ;; The expansion table: for each mask m of eight input bytes (bit k: byte k becomes =XX), where each output
  ;; byte comes from. Sources: T1 = the eight input bytes, then their high hex digits; T2 = their low hex
  ;; digits, then '='. Entry m at 4096 + 64 m: T1 lanes for output bytes 0–15, T2 lanes for 0–15, T1 lanes
  ;; for 16–31, T2 lanes for 16–31; lane 0x80 (out of range) gives a zero for the other source to fill.
  (func $fillExpansions
    (local $m i32) (local $k i32) (local $j i32) (local $entry i32)
    (memory.fill (i32.const 4096) (i32.const 0x80) (i32.const 16384))
    (loop $masks
      (local.set $entry (i32.add (i32.const 4096) (i32.shl (local.get $m) (i32.const 6))))
      (local.set $j (i32.const 0))
      (local.set $k (i32.const 0))
      (loop $bytes
        (if (i32.and (i32.shr_u (local.get $m) (local.get $k)) (i32.const 1))
          (then
            (call $route (local.get $entry) (local.get $j) (i32.const 1) (i32.const 8))
            (call $route (local.get $entry) (i32.add (local.get $j) (i32.const 1)) (i32.const 0) (i32.add (local.get $k) (i32.const 8)))
            (call $route (local.get $entry) (i32.add (local.get $j) (i32.const 2)) (i32.const 1) (local.get $k))
            (local.set $j (i32.add (local.get $j) (i32.const 3))))
          (else
            (call $route (local.get $entry) (local.get $j) (i32.const 0) (local.get $k))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $bytes (i32.lt_u (local.get $k) (i32.const 8))))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br_if $masks (i32.lt_u (local.get $m) (i32.const 256)))))

  ;; In table entry `entry`: output byte `j` is lane `lane` of source T1 (`source` 0) or T2 (1).
  (func $route (param $entry i32) (param $j i32) (param $source i32) (param $lane i32)
    (i32.store8
      (i32.add
        (local.get $entry)
        (i32.add
          (i32.and (local.get $j) (i32.const 15))
          (i32.add (i32.shl (local.get $source) (i32.const 4)) (i32.shl (i32.shr_u (local.get $j) (i32.const 4)) (i32.const 5)))))
      (local.get $lane)))

  (func $fillTables
    (call $fillEscapes)
    (call $fillExpansions))
  (start $fillTables)

  ;; Encodes the `length` bytes at `input` to `output`; returns the number of bytes written there.
  ;; `final`: the input ends with this block; `text`: text mode (else binary); `lineLength` ≥ 4.
  (func (export "encode") (param $length i32) (param $final i32) (param $text i32) (param $lineLength i32) (result i32)
    (local $p i32) (local $last i32) (local $end i32) (local $q i32) (local $column i32) (local $softLimit i32) (local $escapeLimit i32)
    (local $chunk v128) (local $mask i32) (local $digits v128) (local $entry i32) (local $run i32) (local $room i32) (local $b i32) (local $lineEnd i32) (local $width i32)
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
        ;; Eight bytes at once, when they fit before the soft limit of the line (rule 5), hold no CR in
        ;; text mode (rule 4) and do not end in a blank (rule 3): then each is literal, or =XX (rules 1 and 2).
        (block $bytes
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (br_if $bytes (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
          (local.set $chunk (v128.load (local.get $p)))
          ;; Bytes to escape: the stop bytes of a clean run, but tab.
          (local.set $mask
            (i32.and
              (i32.const 0xff)
              (i8x16.bitmask
                (v128.andnot
                  (v128.or
                    (i8x16.gt_s (i8x16.add (local.get $chunk) (v128.const i8x16 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60))
                                (v128.const i8x16 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34 -34))
                    (i8x16.eq (local.get $chunk) (v128.const i8x16 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d)))
                  (i8x16.eq (local.get $chunk) (v128.const i8x16 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09))))))
          (local.set $width (i32.add (i32.const 8) (i32.shl (i32.popcnt (local.get $mask)) (i32.const 1))))
          (br_if $bytes
            (i32.or
              (i32.gt_s (i32.add (local.get $column) (local.get $width)) (local.get $softLimit))
              (i32.or
                (select
                  (i32.and (i32.const 0xff) (i8x16.bitmask (i8x16.eq (local.get $chunk) (v128.const i8x16 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d))))
                  (i32.const 0)
                  (local.get $text))
                (i32.or
                  (i32.eq (i32.load8_u offset=7 (local.get $p)) (i32.const 0x20))
                  (i32.eq (i32.load8_u offset=7 (local.get $p)) (i32.const 0x09))))))
          (local.set $entry (i32.add (i32.const 4096) (i32.shl (local.get $mask) (i32.const 6))))
          ;; T2 in $digits: the low hex digits, then '='; T1 in $chunk: the bytes, then their high hex digits.
          (local.set $digits
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 16 16 16 16 16 16 16
              (i8x16.swizzle (v128.const i8x16 0x30 0x31 0x32 0x33 0x34 0x35 0x36 0x37 0x38 0x39 0x41 0x42 0x43 0x44 0x45 0x46)
                             (v128.and (local.get $chunk) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
              (v128.const i8x16 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d)))
          (local.set $chunk
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (local.get $chunk)
              (i8x16.swizzle (v128.const i8x16 0x30 0x31 0x32 0x33 0x34 0x35 0x36 0x37 0x38 0x39 0x41 0x42 0x43 0x44 0x45 0x46)
                             (i8x16.shr_u (local.get $chunk) (i32.const 4)))))
          (v128.store offset=0 (local.get $q)
            (v128.or (i8x16.swizzle (local.get $chunk) (v128.load offset=0 (local.get $entry)))
                     (i8x16.swizzle (local.get $digits) (v128.load offset=16 (local.get $entry)))))
          (v128.store offset=16 (local.get $q)
            (v128.or (i8x16.swizzle (local.get $chunk) (v128.load offset=32 (local.get $entry)))
                     (i8x16.swizzle (local.get $digits) (v128.load offset=48 (local.get $entry)))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $q (i32.add (local.get $q) (local.get $width)))
          (local.set $column (i32.add (local.get $column) (local.get $width)))
          (br $next))
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
