/**
 * Charsets for header text (RFC 2047 encoded words, RFC 2231 parameters): bytes to text through
 * TextDecoder for every charset Node's ICU knows, and text to bytes for the few charsets we write.
 * Also the warnings the header decoders return instead of throwing. Imports only node:util.
 */
import { TextDecoder } from 'node:util';

/** Something a decoder could not take at face value; the text it returns keeps the original there. */
export interface MimeWarning {
  code: 'unknown-charset' | 'invalid-encoding' | 'missing-continuation';
  message: string;
}

type Decode = (bytes: Uint8Array) => string;
const decoders = new Map<string, Decode | null>();

/** `bytes` as text in `charset`, or undefined when Node does not know the charset. Malformed bytes become U+FFFD. */
export function decodeCharset(bytes: Uint8Array, charset: string): string | undefined {
  const label = charset.trim().toLowerCase();
  let decode = decoders.get(label);
  if (decode === undefined) {
    decode = newDecoder(label);
    decoders.set(label, decode);
  }
  return decode?.(bytes);
}

function newDecoder(label: string): Decode | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null;
  }
  // Node 20 decodes windows-1252 (and so ISO-8859-1 and US-ASCII, its WHATWG aliases) as plain Latin-1,
  // which loses € and the typographic quotes that mislabelled mail is full of.
  return decoder.encoding === 'windows-1252' ? decodeWindows1252 : (bytes) => decoder.decode(bytes);
}

/** WHATWG windows-1252 for 0x80–0x9F; the rest of the charset is Latin-1. */
const WINDOWS_1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** Charsets we encode header text in, by their canonical name (RFC 2978 registry spelling). */
const ENCODABLE: Record<string, 'utf8' | 'latin1' | 'ascii'> = { 'UTF-8': 'utf8', 'ISO-8859-1': 'latin1', 'US-ASCII': 'ascii' };

/** `text` in `charset` (UTF-8, ISO-8859-1 or US-ASCII); throws a RangeError when it cannot be represented. */
export function encodeCharset(text: string, charset: string): Buffer {
  const encoding = ENCODABLE[charset.toUpperCase()];
  if (encoding === undefined) throw new RangeError(`cannot encode text in charset ${charset}: use UTF-8, ISO-8859-1 or US-ASCII`);
  const limit = encoding === 'utf8' ? Infinity : encoding === 'latin1' ? 0xff : 0x7f;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > limit) throw new RangeError(`character U+${text.charCodeAt(i).toString(16).toUpperCase()} at ${i} is not in ${charset}`);
  }
  return Buffer.from(text, encoding);
}
