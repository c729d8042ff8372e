/**
 * Exact round-trip comparison of two messages: the bytes must be equal once the trace headers a server
 * is allowed to add (RFC 5321 §4.4 Received and Return-Path; Delivered-To, X-Original-To) and any headers
 * the user names are removed. Buffer in, plain data out.
 */
import { excerpt, firstDifference } from './compare/difference.js';

/** Headers a delivering server may add (RFC 5321 §4.4; Postfix/Dovecot's Delivered-To, X-Original-To). */
export const TRACE_HEADERS: readonly string[] = ['received', 'return-path', 'delivered-to', 'x-original-to'];

export interface ExactDifference {
  /** Offset of the first differing byte, in the stripped messages. */
  offset: number;
  /** 1-based line of that byte in the sent message. */
  line: number;
  sent: string;
  received: string;
}

/** The message without the named header fields (each with its folded continuation lines). */
export function stripHeaders(message: Buffer, names: readonly string[]): Buffer {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  const end = message.indexOf('\r\n\r\n');
  const headerLength = end < 0 ? message.length : end + 2;
  const kept: Buffer[] = [];
  let dropping = false;
  let at = 0;
  while (at < headerLength) {
    const eol = message.indexOf('\r\n', at);
    const next = eol < 0 || eol >= headerLength ? headerLength : eol + 2;
    const line = message.subarray(at, next);
    const folded = line[0] === 0x20 || line[0] === 0x09;
    if (!folded) {
      const colon = line.indexOf(':');
      dropping = colon > 0 && drop.has(line.subarray(0, colon).toString('latin1').trim().toLowerCase());
    }
    if (!dropping) kept.push(line);
    at = next;
  }
  kept.push(message.subarray(headerLength));
  return Buffer.concat(kept);
}

/** undefined when equal after stripping; else where they first differ, with both sides around it. */
export function compareExact(sent: Buffer, received: Buffer, ignoreHeaders: readonly string[] = []): ExactDifference | undefined {
  const names = [...TRACE_HEADERS, ...ignoreHeaders];
  const a = stripHeaders(sent, names);
  const b = stripHeaders(received, names);
  if (a.equals(b)) return undefined;
  const offset = firstDifference(a, b);
  let line = 1;
  for (let i = 0; i < offset; i++) if (a[i] === 0x0a) line++;
  return { offset, line, sent: excerpt(a, offset), received: excerpt(b, offset) };
}
