/**
 * Limits of the IMAP engine beyond the shared ones in util/limits.ts (line bytes, literal size =
 * Limits.bodyBytes): how deep lists may nest and how large one response, or all the responses to one
 * command, may grow. Each refusal is a LimitError naming the limit. Imports util/limits only.
 */
import { Limits } from '../../util/limits.js';

export const ImapLimits = {
  /** Deepest nesting of parenthesised lists (BODYSTRUCTURE of a deep MIME tree stays far below it). */
  nestingDepth: 64,
  /** Largest single response, its lines and literals together: a body at the literal limit plus its FETCH line. */
  responseBytes: Limits.bodyBytes + Limits.lineBytes,
  /** Most bytes of all the responses to one command (a FETCH over many messages) that a step keeps. */
  commandBytes: 2 * Limits.bodyBytes,
  /** RFC 7888 §4: LITERAL- allows non-synchronizing literals only up to this many octets. */
  literalMinusBytes: 4096,
} as const;
