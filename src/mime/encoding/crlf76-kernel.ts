/**
 * A WebAssembly SIMD kernel for the hot loop of wrapped base64 encoding: it moves 76-character lines to
 * 78-byte strides and puts CRLF after each, 16 bytes per load and store, four to five times as fast as the
 * 8-byte DataView moves of line-moves.ts. The module is assembled here, at load time, from the
 * instruction listing below (no toolchain, no binary in the repository); where WebAssembly or its SIMD
 * are missing (e.g. node --jitless) `crlf76Kernel` is undefined and callers use line-moves.ts.
 * Imports nothing.
 *
 * The function, in WebAssembly text format:
 *
 *   (memory (export "memory") 2)
 *   (func (export "spread") (param $src i32) (param $dst i32) (param $lines i32)
 *     (loop $next
 *       (if (local.get $lines) (then
 *         ;; bytes 0–63 in four moves, 60–75 in a fifth that overlaps the fourth: nothing past byte 75
 *         (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
 *         … offsets 16, 32, 48, 60 …
 *         (i32.store16 offset=76 (local.get $dst) (i32.const 0x0a0d))      ;; CR LF, little-endian
 *         (local.set $src (i32.add (local.get $src) (i32.const 76)))
 *         (local.set $dst (i32.add (local.get $dst) (i32.const 78)))
 *         (local.set $lines (i32.sub (local.get $lines) (i32.const 1)))
 *         (br $next)))))
 */

/** The kernel's memory: the source lines go in at KERNEL_SOURCE, the spread lines come out at KERNEL_DESTINATION. */
export interface Crlf76Kernel {
  memory: Buffer;
  /** Moves `lines` lines of 76 bytes from `src` to `dst`, each followed by CRLF (78-byte strides). */
  spread(src: number, dst: number, lines: number): void;
}

/** Lines per call: 512 lines of 76 source bytes and 78 destination bytes fit the two 64 KiB pages. */
export const KERNEL_MAX_LINES = 512;
export const KERNEL_SOURCE = 0;
export const KERNEL_DESTINATION = 40_960;
const MEMORY_PAGES = 2;

// Opcodes (WebAssembly core spec §5.4, SIMD proposal).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_STORE16 = 0x3b;
const LOOP = 0x03;
const IF = 0x04;
const BR = 0x0c;
const END = 0x0b;
const EMPTY_BLOCK = 0x40;
const SIMD_PREFIX = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const I32 = 0x7f;

const SRC = 0;
const DST = 1;
const LINES = 2;

/** Unsigned LEB128 (§5.2.2). */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 of a small non-negative constant: one more byte when bit 6 would read as a sign. */
function signed(value: number): number[] {
  const bytes = unsigned(value);
  return (bytes[bytes.length - 1]! & 0x40) === 0 ? bytes : [...bytes.slice(0, -1), bytes[bytes.length - 1]! | 0x80, 0];
}

/** memarg: alignment hint 1 byte (2^0), then the offset. */
const at = (offset: number): number[] => [0, ...unsigned(offset)];
const move16 = (offset: number): number[] => [LOCAL_GET, DST, LOCAL_GET, SRC, SIMD_PREFIX, V128_LOAD, ...at(offset), SIMD_PREFIX, V128_STORE, ...at(offset)];
const advance = (local: number, op: number, by: number): number[] => [LOCAL_GET, local, I32_CONST, ...signed(by), op, LOCAL_SET, local];

const SPREAD_BODY = [
  0, // no locals besides the parameters
  LOOP, EMPTY_BLOCK,
  LOCAL_GET, LINES, IF, EMPTY_BLOCK,
  ...move16(0), ...move16(16), ...move16(32), ...move16(48), ...move16(60),
  LOCAL_GET, DST, I32_CONST, ...signed(0x0a0d), I32_STORE16, ...at(76),
  ...advance(SRC, I32_ADD, 76),
  ...advance(DST, I32_ADD, 78),
  ...advance(LINES, I32_SUB, 1),
  BR, 1, // to the loop, from inside the if
  END, END, END,
];

const section = (id: number, content: number[]): number[] => [id, ...unsigned(content.length), ...content];
const name = (text: string): number[] => [...unsigned(text.length), ...Buffer.from(text, 'latin1')];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type 0: (i32 i32 i32) → ()
  ...section(3, [1, 0]), // function 0 has type 0
  ...section(5, [1, 0x00, MEMORY_PAGES]), // one memory, minimum 2 pages, no maximum
  ...section(7, [2, ...name('memory'), 0x02, 0, ...name('spread'), 0x00, 0]), // exports
  ...section(10, [1, ...unsigned(SPREAD_BODY.length), ...SPREAD_BODY]), // code
]);

/** The part of the WebAssembly JavaScript API used here (its types come with lib.dom, which we leave out). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer }; spread: Crlf76Kernel['spread'] } };
}

function instantiate(api: WebAssemblyApi): Crlf76Kernel | undefined {
  try {
    const { exports } = new api.Instance(new api.Module(MODULE));
    // The memory never grows, so this view of it stays valid.
    return { memory: Buffer.from(exports.memory.buffer), spread: exports.spread };
  } catch {
    return undefined; // no SIMD: the JavaScript moves do the job
  }
}

const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
export const crlf76Kernel: Crlf76Kernel | undefined = api === undefined ? undefined : instantiate(api);
