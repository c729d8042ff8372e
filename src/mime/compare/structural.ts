/**
 * The `roundtrip` step's structural mode: two messages are the same when their MIME trees have the same
 * shape, types and parameters, every leaf decodes to the same bytes and header values are equal once
 * unfolded. Every difference is reported with its part: headers added / removed / changed / refolded,
 * transfer encoding changed, content changed (hashes, first differing byte), line endings changed,
 * trailing whitespace stripped, message/partial parameters changed, and — for multipart/signed
 * (RFC 1847 §2.1) — any change to the signed part's bytes, which breaks its signature. Pure; imports the
 * parser, compare.ts and the comparison helpers.
 */
import { TRACE_HEADERS } from '../compare.js';
import { parseMessage } from '../parser/parse.js';
import type { MimePart, ParsedMessage } from '../parser/types.js';
import { excerpt, firstDifference, partName, sameButLineEnds, type StructuralDifference } from './difference.js';
import { compareHeaders } from './headers.js';
import { describeChange, reassembleSides } from './fragments.js';

export interface StructuralOptions {
  /** Further header names to ignore (case-insensitive), besides the trace fields servers add. */
  ignoreHeaders?: readonly string[];
}

interface Side {
  part: MimePart;
  bytes: Buffer;
}

/** Every difference between the sent and the received message, breaking or not, in tree order. */
export function compareStructural(sent: Buffer, received: Buffer, options: StructuralOptions = {}): StructuralDifference[] {
  return compareParsed(parseMessage(sent), parseMessage(received), options);
}

export function compareParsed(sent: ParsedMessage, received: ParsedMessage, options: StructuralOptions = {}): StructuralDifference[] {
  const out: StructuralDifference[] = [];
  const user = (options.ignoreHeaders ?? []).map((h) => h.toLowerCase());
  if (sent.lineEnding !== received.lineEnding && received.lineEnding !== 'none') {
    out.push({
      kind: 'line-endings',
      path: '',
      breaking: false,
      message: `line endings changed: the sent message's are ${sent.lineEnding.toUpperCase()}, the received message's ${received.lineEnding.toUpperCase()}`,
      expected: sent.lineEnding,
      actual: received.lineEnding,
    });
  }
  const rootIgnore = new Set([...TRACE_HEADERS, ...user]);
  compareParts({ part: sent.root, bytes: sent.bytes }, { part: received.root, bytes: received.bytes }, rootIgnore, new Set(user), out);
  return out;
}

/**
 * Fragments of one message/partial set, sent and received (in any order): each side must reassemble
 * (RFC 2046 §5.2.2.1), then the two reassembled messages are compared structurally. A fragment changed in
 * transit is listed as allowed: the verdict is the reassembled message's.
 */
export function compareFragments(sent: readonly Buffer[], received: readonly Buffer[], options: StructuralOptions = {}): StructuralDifference[] {
  const sides = reassembleSides({ fragments: sent, names: [] }, { fragments: received, names: [] }, options.ignoreHeaders);
  const out: StructuralDifference[] = sides.unassembled.map(({ side, problems }) => ({
    kind: 'partial',
    path: '',
    breaking: true,
    message: `the ${side} fragments do not reassemble: ${problems.join('; ')}`,
  }));
  for (const change of sides.changes) {
    out.push({ kind: 'partial', path: '', breaking: false, message: describeChange(change), expected: change.difference.sent, actual: change.difference.received });
  }
  if (sides.sent && sides.received) out.push(...compareStructural(sides.sent, sides.received, options));
  return out;
}

function compareParts(sent: Side, received: Side, ignore: ReadonlySet<string>, partIgnore: ReadonlySet<string>, out: StructuralDifference[]): void {
  const a = sent.part;
  const b = received.part;
  const where = partName(a);
  compareHeaders(sent, received, ignore, out);
  if (a.contentType.mediaType !== b.contentType.mediaType) {
    out.push({ kind: 'type', path: a.path, breaking: true, message: `${where}: content type changed`, expected: a.contentType.mediaType, actual: b.contentType.mediaType });
    return;
  }
  compareParameters(a, b, out);
  compareMimeFieldBytes(sent, received, out);
  if (a.transferEncoding !== b.transferEncoding) {
    out.push({
      kind: 'transfer-encoding',
      path: a.path,
      breaking: false,
      message: `${where}: transfer encoding changed from ${a.transferEncoding} to ${b.transferEncoding}`,
      expected: a.transferEncoding,
      actual: b.transferEncoding,
    });
  }
  if (a.contentType.mediaType === 'multipart/signed') compareSignedBytes(sent, received, out);
  if (a.message && b.message) {
    compareParts({ part: a.message, bytes: sent.bytes }, { part: b.message, bytes: received.bytes }, partIgnore, partIgnore, out);
  } else if (a.message || b.message) {
    out.push({ kind: 'shape', path: a.path, breaking: true, message: `${where}: the enclosed message ${a.message ? 'could not be parsed in the received copy' : 'appeared'}` });
  }
  if (a.children.length !== b.children.length) {
    out.push({
      kind: 'shape',
      path: a.path,
      breaking: true,
      message: `${where}: ${a.children.length} parts sent, ${b.children.length} received`,
      expected: a.children.map((c) => c.contentType.mediaType).join(', '),
      actual: b.children.map((c) => c.contentType.mediaType).join(', '),
    });
  }
  for (let i = 0; i < Math.min(a.children.length, b.children.length); i++) {
    compareParts({ part: a.children[i]!, bytes: sent.bytes }, { part: b.children[i]!, bytes: received.bytes }, partIgnore, partIgnore, out);
  }
  if (a.content && b.content) compareContent(a, b, out);
}

function compareParameters(a: MimePart, b: MimePart, out: StructuralDifference[]): void {
  const where = partName(a);
  const partial = a.contentType.mediaType === 'message/partial';
  const names = new Set([...a.contentType.parameters.keys(), ...b.contentType.parameters.keys()]);
  for (const name of names) {
    const s = a.contentType.parameters.get(name);
    const r = b.contentType.parameters.get(name);
    if (s === r) continue;
    if (name === 'boundary' && s !== undefined && r !== undefined) {
      out.push({ kind: 'boundary', path: a.path, breaking: false, message: `${where}: boundary changed (the parts were rewritten)`, expected: s, actual: r });
    } else if (partial && (name === 'id' || name === 'number' || name === 'total')) {
      out.push({ kind: 'partial', path: a.path, breaking: true, message: `${where}: fragment ${name} changed, so the fragments no longer reassemble (RFC 2046 §5.2.2)`, expected: s ?? '(absent)', actual: r ?? '(absent)' });
    } else {
      out.push({ kind: 'parameters', path: a.path, breaking: true, message: `${where}: Content-Type parameter ${name} ${s === undefined ? 'added' : r === undefined ? 'removed' : 'changed'}`, expected: s ?? '(absent)', actual: r ?? '(absent)' });
    }
  }
}

/** Content-Type / Content-Transfer-Encoding rewritten with the same meaning: reported as refolded. */
function compareMimeFieldBytes(sent: Side, received: Side, out: StructuralDifference[]): void {
  for (const key of ['content-type', 'content-transfer-encoding']) {
    const s = sent.part.headers.find((f) => f.key === key);
    const r = received.part.headers.find((f) => f.key === key);
    if (!s || !r || s.value !== r.value) continue; // a real change is reported as type, parameter or encoding
    if (sameButLineEnds(sent.bytes.subarray(s.raw.start, s.raw.end), received.bytes.subarray(r.raw.start, r.raw.end))) continue;
    out.push({
      kind: 'header-refolded',
      path: sent.part.path,
      breaking: false,
      message: `${partName(sent.part)}: header ${s.name} refolded (same value once unfolded)`,
      expected: JSON.stringify(sent.bytes.subarray(s.raw.start, s.raw.end).toString('latin1')),
      actual: JSON.stringify(received.bytes.subarray(r.raw.start, r.raw.end).toString('latin1')),
    });
  }
}

/** RFC 1847 §2.1: the first body part is signed as its exact bytes; any change breaks the signature. */
function compareSignedBytes(sent: Side, received: Side, out: StructuralDifference[]): void {
  const a = sent.part.children[0];
  const b = received.part.children[0];
  if (!a || !b) return;
  const signedA = sent.bytes.subarray(a.range.start, a.range.end);
  const signedB = received.bytes.subarray(b.range.start, b.range.end);
  if (signedA.equals(signedB)) return;
  const at = firstDifference(signedA, signedB);
  out.push({
    kind: 'signature',
    path: a.path,
    breaking: true,
    message: `${partName(a)}: the signed part's bytes changed at byte ${at} (refolded, re-encoded or new line endings), which breaks the multipart/signed signature`,
    expected: excerpt(signedA, at),
    actual: excerpt(signedB, at),
  });
}

const CRLF_OR_LF = /\r?\n/g;

function compareContent(a: MimePart, b: MimePart, out: StructuralDifference[]): void {
  if (a.sha256 === b.sha256) return;
  const s = a.content!;
  const r = b.content!;
  const where = partName(a);
  const sText = s.toString('latin1');
  const rText = r.toString('latin1');
  if (sText.replace(CRLF_OR_LF, '\n') === rText.replace(CRLF_OR_LF, '\n')) {
    const describe = (t: string): string => (t.includes('\r\n') ? 'CRLF' : t.includes('\n') ? 'LF' : 'none');
    out.push({ kind: 'line-endings', path: a.path, breaking: true, message: `${where}: line endings changed in the content`, expected: describe(sText), actual: describe(rText) });
    return;
  }
  const stripped = (t: string): string => t.replace(/[ \t]+(?=\r?\n|$)/g, '').replace(CRLF_OR_LF, '\n');
  if (stripped(sText) === stripped(rText)) {
    out.push({ kind: 'trailing-whitespace', path: a.path, breaking: true, message: `${where}: trailing whitespace stripped from lines`, expected: `sha256 ${a.sha256}`, actual: `sha256 ${b.sha256}` });
    return;
  }
  const at = firstDifference(s, r);
  out.push({
    kind: 'content',
    path: a.path,
    breaking: true,
    message: `${where}: decoded content changed at byte ${at} (${s.length} bytes sha256 ${a.sha256!.slice(0, 16)}… sent, ${r.length} bytes sha256 ${b.sha256!.slice(0, 16)}… received)`,
    expected: excerpt(s, at),
    actual: excerpt(r, at),
  });
}
