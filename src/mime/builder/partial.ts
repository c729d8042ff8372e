/**
 * message/partial (RFC 2046 §5.2.2): one fragment of a built message. The whole message — its header
 * first, as §5.2.2.1 asks — is cut into `total` pieces at line ends, the body shared out evenly, and
 * fragment `number` is wrapped in a message of its own (Content-Type: message/partial; id; number; total).
 * Building the same spec with the same seed gives the same pieces, so each scenario step may send one
 * fragment. Pure; imports builder modules and mime/message only.
 */
import { messageIdOf } from '../message.js';
import { ErrorCode, MailprobeError } from '../../util/errors.js';
import { field, withParameters } from './header-fields.js';
import type { SeededTokens } from './seeded.js';
import type { PartialSpec } from './spec.js';
import { lineSafe, shapeOf } from './transfer.js';

export interface FragmentOptions {
  tokens: SeededTokens;
  /** The fragment's own identity fields (From, To, Subject, Date, Message-ID …), given its Message-ID. */
  outerHeader: (messageId: string) => string;
}

/** Where each of the `total` pieces of `whole` ends: line ends nearest to an even share of the body. */
export function fragmentEnds(whole: Buffer, total: number): number[] {
  const headerEnd = whole.indexOf('\r\n\r\n');
  const bodyStart = headerEnd < 0 ? whole.length : headerEnd + 4;
  const bodyLength = whole.length - bodyStart;
  const ends: number[] = [];
  for (let k = 1; k < total; k++) {
    const target = bodyStart + Math.round((k * bodyLength) / total);
    const lineEnd = whole.indexOf(0x0a, Math.max(target - 1, ends.at(-1) ?? bodyStart));
    ends.push(lineEnd < 0 ? whole.length : lineEnd + 1);
  }
  ends.push(whole.length);
  return ends;
}

/** Fragment `partial.number` of `whole`, as a complete message. */
export function splitIntoFragment(whole: Buffer, partial: PartialSpec, options: FragmentOptions): Buffer {
  const shape = shapeOf(whole);
  // RFC 2046 §5.2.2: "No encoding other than "7bit" is permitted for entities of type message/partial".
  if (shape.high > 0 || !lineSafe(shape)) {
    throw new MailprobeError(ErrorCode.CONFIG, 'message mime partial: the message must be 7bit throughout; drop encoding: 8bit / binary');
  }
  const ends = fragmentEnds(whole, partial.total);
  const start = partial.number === 1 ? 0 : ends[partial.number - 2]!;
  const piece = whole.subarray(start, ends[partial.number - 1]);
  const domain = /@([^>]+)>/.exec(messageIdOf(whole) ?? '')?.[1] ?? 'mailprobe.invalid';
  const id = partial.id ?? `${options.tokens.hex(32)}@${domain}`;
  const messageId = `<${options.tokens.derive(`fragment ${partial.number}`).hex(32)}@${domain}>`;
  const parameters = new Map([
    ['id', id],
    ['number', String(partial.number)],
    ['total', String(partial.total)],
  ]);
  const header = `${options.outerHeader(messageId)}${field('MIME-Version', '1.0')}${field('Content-Type', withParameters('message/partial', parameters))}`;
  return Buffer.concat([Buffer.from(`${header}\r\n`, 'latin1'), piece]);
}
