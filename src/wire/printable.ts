/**
 * Bytes as printable text for transcripts and error messages: valid UTF-8 is decoded, bytes that are not
 * (and control bytes other than CR, LF and TAB) are written as \xNN. Pure; imports nothing.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function hex(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** Escapes control characters other than CR, LF and TAB in already-decoded text. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => hex(c.charCodeAt(0)));
}

/** Length of the UTF-8 sequence a lead byte announces, or 0 when it cannot start one (RFC 3629 §4). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Decodes UTF-8, writing each byte that is not part of a valid sequence as \xNN. */
export function decodeLenient(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Slow path only for invalid input: walk sequence by sequence.
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      out += String.fromCharCode(lead);
      i += 1;
      continue;
    }
    const n = sequenceLength(lead);
    if (n > 0 && i + n <= bytes.length) {
      try {
        out += strictUtf8.decode(bytes.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // not a valid sequence: fall through and escape the lead byte
      }
    }
    out += hex(lead);
    i += 1;
  }
  return out;
}

/** Printable form of bytes: lenient UTF-8 with control bytes escaped. */
export function printable(bytes: Buffer): string {
  return escapeControls(decodeLenient(bytes));
}

/** A short printable excerpt for error messages ("rest of the line"). */
export function excerpt(bytes: Buffer, maxBytes = 60): string {
  const shown = printable(bytes.subarray(0, maxBytes));
  return bytes.length > maxBytes ? `${shown}…` : shown;
}

/** "64 KiB", "1.5 MiB", "300 bytes": sizes in messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
}
