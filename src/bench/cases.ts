/**
 * What `mailprobe bench` times: for each operation of the encoding core, our implementation beside Node's
 * native one and each installed peer, all on the same input, each with a correctness check run before it
 * is timed. Imports src/mime and sibling bench modules only.
 */
import { base64Decode, base64Encode, decodeWords, encodeWord, qpDecode, qpEncode } from '../mime/index.js';
import { makeInput, type InputKind } from './inputs.js';
import type { Peers } from './peers.js';

/** One input of one size, with its encodings prepared once, outside the timed calls. */
export interface Fixture {
  data: Buffer;
  /** `data` as Unicode text (for header encoders). */
  text: string;
  /** `data` as a binary string, one character per byte (for peers that take those). */
  binary: string;
  /** The encoded form a decoder benchmark decodes, as bytes and as a string. */
  encoded: Buffer;
  encodedText: string;
}

export interface Implementation {
  name: string;
  /** Ours: the one every other implementation is compared with is the first. */
  ours: boolean;
  /** Why this one is not quite the same job (e.g. no line wrapping). */
  note?: string;
  /** A call on the fixture, ready to be timed. */
  call(fixture: Fixture): () => unknown;
  /** What is wrong with `output`, or undefined when it is correct. */
  check(output: unknown, fixture: Fixture): string | undefined;
}

export interface Benchmark {
  id: string;
  title: string;
  input: InputKind;
  prepare(size: number): Fixture;
  implementations: Implementation[];
}

const latin1 = (value: unknown): string => (typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('latin1'));

function sameBytes(output: unknown, fixture: Fixture): string | undefined {
  const bytes = typeof output === 'string' ? Buffer.from(output, 'latin1') : Buffer.from(output as Uint8Array);
  return bytes.equals(fixture.data) ? undefined : `decoded ${bytes.length} bytes differ from the ${fixture.data.length} encoded`;
}

/** Decodes to the input, with lines of at most `lineLength` characters when wrapped. */
function checkBase64(wrapped: boolean) {
  return (output: unknown, fixture: Fixture): string | undefined => {
    const text = latin1(output);
    if (wrapped && text.split('\r\n').some((line) => line.length > 76)) return 'a line is longer than 76 characters';
    return sameBytes(Buffer.from(text, 'base64'), fixture);
  };
}

/** Decodes to the input, with no line over 76 characters (counting bare CR and LF as breaks, see libqp). */
function checkQp(output: unknown, fixture: Fixture): string | undefined {
  const text = latin1(output);
  if (text.split(/\r\n|\r|\n/).some((line) => line.length > 76)) return 'a line is longer than 76 characters';
  return sameBytes(qpDecode(text), fixture);
}

function checkWords(output: unknown, fixture: Fixture): string | undefined {
  const words = String(output).split(/\s+/);
  if (words.some((word) => word.length > 75)) return 'an encoded word is longer than 75 characters';
  return decodeWords(String(output)).text === fixture.text ? undefined : 'does not decode to the input';
}

const checkText = (output: unknown, fixture: Fixture): string | undefined => (output === fixture.text ? undefined : 'decoded text differs from the input');

function fixture(kind: InputKind, size: number, encode: (data: Buffer) => Buffer): Fixture {
  const data = makeInput(kind, size);
  const encoded = encode(data);
  return { data, text: data.toString('utf8'), binary: data.toString('latin1'), encoded, encodedText: encoded.toString('latin1') };
}

/** Native encode, then 76-column lines in plain JavaScript: the obvious way, for scale. */
function nativeThenJsWrap(data: Buffer): string {
  const plain = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < plain.length; i += 76) lines.push(plain.slice(i, i + 76));
  return lines.join('\r\n');
}

function base64Benchmarks(peers: Peers): Benchmark[] {
  const encode: Benchmark = {
    id: 'base64-encode',
    title: 'base64 encode, 76-column lines + CRLF',
    input: 'random',
    prepare: (size) => fixture('random', size, (d) => d),
    implementations: [
      { name: 'mailprobe', ours: true, call: (f) => () => base64Encode(f.data), check: checkBase64(true) },
      { name: 'node', ours: false, note: 'unwrapped, native to string', call: (f) => () => f.data.toString('base64'), check: checkBase64(false) },
      { name: 'node→Buffer', ours: false, note: 'unwrapped, native to Buffer', call: (f) => () => Buffer.from(f.data.toString('base64'), 'latin1'), check: checkBase64(false) },
      { name: 'node+JS wrap', ours: false, note: 'native, then slice/join', call: (f) => () => nativeThenJsWrap(f.data), check: checkBase64(true) },
    ],
  };
  const decode: Benchmark = {
    id: 'base64-decode',
    title: 'base64 decode of 76-column CRLF text',
    input: 'random',
    prepare: (size) => fixture('random', size, (d) => base64Encode(d)),
    implementations: [
      { name: 'mailprobe', ours: true, note: 'from a Buffer', call: (f) => () => base64Decode(f.encoded), check: sameBytes },
      { name: 'mailprobe(str)', ours: true, note: 'from a string', call: (f) => () => base64Decode(f.encodedText), check: sameBytes },
      { name: 'node', ours: false, note: 'Buffer.from(string, base64)', call: (f) => () => Buffer.from(f.encodedText, 'base64'), check: sameBytes },
    ],
  };
  const libbase64 = peers.libbase64;
  if (libbase64) {
    encode.implementations.push({ name: 'libbase64', ours: false, call: (f) => () => libbase64.wrap(libbase64.encode(f.data), 76), check: checkBase64(true) });
    decode.implementations.push({ name: 'libbase64', ours: false, call: (f) => () => libbase64.decode(f.encodedText), check: sameBytes });
  }
  const jsBase64 = peers['js-base64'];
  if (jsBase64) {
    encode.implementations.push({ name: 'js-base64', ours: false, note: 'unwrapped', call: (f) => () => jsBase64.fromUint8Array(f.data), check: checkBase64(false) });
    decode.implementations.push({ name: 'js-base64', ours: false, call: (f) => () => jsBase64.toUint8Array(f.encodedText), check: sameBytes });
  }
  return [encode, decode];
}

function qpBenchmarks(peers: Peers, kind: InputKind): Benchmark[] {
  const mode = kind === 'text' ? 'text' : 'binary';
  const encode: Benchmark = {
    id: `qp-encode-${kind}`,
    title: `quoted-printable encode, ${kind === 'text' ? 'mostly-ASCII text' : 'random bytes'}`,
    input: kind,
    prepare: (size) => fixture(kind, size, (d) => d),
    implementations: [{ name: 'mailprobe', ours: true, note: `${mode} mode`, call: (f) => () => qpEncode(f.data, { mode }), check: checkQp }],
  };
  const decode: Benchmark = {
    id: `qp-decode-${kind}`,
    title: `quoted-printable decode, ${kind === 'text' ? 'mostly-ASCII text' : 'random bytes'}`,
    input: kind,
    prepare: (size) => fixture(kind, size, (d) => qpEncode(d, { mode })),
    implementations: [{ name: 'mailprobe', ours: true, call: (f) => () => qpDecode(f.encoded), check: sameBytes }],
  };
  const libqp = peers.libqp;
  if (libqp) {
    const note = kind === 'random' ? 'leaves bare CR and LF unencoded (RFC 2045 §6.7 rule 4)' : undefined;
    encode.implementations.push({ name: 'libqp', ours: false, ...(note ? { note } : {}), call: (f) => () => libqp.wrap(libqp.encode(f.data), 76), check: checkQp });
    decode.implementations.push({ name: 'libqp', ours: false, call: (f) => () => libqp.decode(f.encodedText), check: sameBytes });
  }
  const quotedPrintable = peers['quoted-printable'];
  if (quotedPrintable) {
    encode.implementations.push({ name: 'quoted-printable', ours: false, note: 'binary string in', call: (f) => () => quotedPrintable.encode(f.binary), check: checkQp });
    decode.implementations.push({ name: 'quoted-printable', ours: false, call: (f) => () => quotedPrintable.decode(f.encodedText), check: sameBytes });
  }
  return [encode, decode];
}

function wordBenchmarks(peers: Peers): Benchmark[] {
  const encodings = ['B', 'Q'] as const;
  const benchmarks: Benchmark[] = encodings.map((encoding) => ({
    id: `word-encode-${encoding}`,
    title: `RFC 2047 encoded words (${encoding}), UTF-8 mail text`,
    input: 'text',
    prepare: (size) => fixture('text', size, (d) => d),
    implementations: [{ name: 'mailprobe', ours: true, call: (f) => () => encodeWord(f.text, { encoding }), check: checkWords }],
  }));
  const decode: Benchmark = {
    id: 'word-decode',
    title: 'RFC 2047 encoded words, decode (B words of UTF-8 mail text)',
    input: 'text',
    prepare: (size) => fixture('text', size, (d) => Buffer.from(encodeWord(d.toString('utf8')), 'latin1')),
    implementations: [{ name: 'mailprobe', ours: true, call: (f) => () => decodeWords(f.encodedText).text, check: checkText }],
  };
  const libmime = peers.libmime;
  if (libmime) {
    for (const [i, encoding] of encodings.entries()) {
      benchmarks[i]!.implementations.push({ name: 'libmime', ours: false, call: (f) => () => libmime.encodeWord(f.text, encoding, 75), check: checkWords });
    }
    decode.implementations.push({ name: 'libmime', ours: false, call: (f) => () => libmime.decodeWords(f.encodedText), check: checkText });
  }
  return [...benchmarks, decode];
}

/** Every benchmark, with the peers that are installed. */
export function benchmarks(peers: Peers): Benchmark[] {
  return [...base64Benchmarks(peers), ...qpBenchmarks(peers, 'text'), ...qpBenchmarks(peers, 'random'), ...wordBenchmarks(peers)];
}
