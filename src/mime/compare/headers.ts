/**
 * Header fields of one part, sent against received: fields added or removed (by name, counting repeats),
 * values changed once unfolded (RFC 5322 §2.2.3), and fields whose bytes changed but whose unfolded
 * value did not (refolded). Content-Type and Content-Transfer-Encoding are left to the part comparison.
 * Pure; imports parser types and difference helpers.
 */
import type { HeaderField, MimePart } from '../parser/types.js';
import { partName, sameButLineEnds, type StructuralDifference } from './difference.js';

/** Compared as type, parameters and encoding, not as text. */
const MIME_STRUCTURE_FIELDS = new Set(['content-type', 'content-transfer-encoding']);

function byKey(fields: readonly HeaderField[], ignore: ReadonlySet<string>): Map<string, HeaderField[]> {
  const map = new Map<string, HeaderField[]>();
  for (const f of fields) {
    if (ignore.has(f.key) || MIME_STRUCTURE_FIELDS.has(f.key)) continue;
    const list = map.get(f.key);
    if (list) list.push(f);
    else map.set(f.key, [f]);
  }
  return map;
}

function rawText(bytes: Buffer, f: HeaderField): string {
  return bytes.subarray(f.raw.start, f.raw.end).toString('latin1');
}

export function compareHeaders(
  sent: { part: MimePart; bytes: Buffer },
  received: { part: MimePart; bytes: Buffer },
  ignore: ReadonlySet<string>,
  out: StructuralDifference[],
): void {
  const a = byKey(sent.part.headers, ignore);
  const b = byKey(received.part.headers, ignore);
  const where = partName(sent.part);
  const path = sent.part.path;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(key) ?? [];
    const right = b.get(key) ?? [];
    const name = (left[0] ?? right[0])!.name;
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const s = left[i];
      const r = right[i];
      const nth = Math.max(left.length, right.length) > 1 ? ` (#${i + 1})` : '';
      if (!r) {
        out.push({ kind: 'header-removed', path, breaking: true, message: `${where}: header ${name}${nth} removed`, expected: `${name}: ${s!.value}`, actual: '(absent)' });
      } else if (!s) {
        out.push({ kind: 'header-added', path, breaking: true, message: `${where}: header ${r.name}${nth} added`, expected: '(absent)', actual: `${r.name}: ${r.value}` });
      } else if (s.value !== r.value) {
        out.push({ kind: 'header-changed', path, breaking: true, message: `${where}: header ${name}${nth} changed`, expected: s.value, actual: r.value });
      } else if (!sameButLineEnds(sent.bytes.subarray(s.raw.start, s.raw.end), received.bytes.subarray(r.raw.start, r.raw.end))) {
        out.push({
          kind: 'header-refolded',
          path,
          breaking: false,
          message: `${where}: header ${name}${nth} refolded (same value once unfolded)`,
          expected: JSON.stringify(rawText(sent.bytes, s)),
          actual: JSON.stringify(rawText(received.bytes, r)),
        });
      }
    }
  }
}
