/**
 * POP3 status indicators and protocol constants as named values, each with the RFC that defines it, so that
 * logic never compares bare strings. Imports nothing.
 */

export const Status = {
  /** RFC 1939 §3: positive status indicator. */
  OK: '+OK',
  /** RFC 1939 §3: negative status indicator. */
  ERR: '-ERR',
  /** RFC 5034 §4: continue-req, a SASL server challenge ("+" SP base64). */
  CONTINUE: '+',
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** RFC 1939 §3: a multi-line response ends with a line holding only the termination octet. */
export const TERMINATION_OCTET = 0x2e;

/** RFC 2449 §4: command lines are at most 255 octets, CRLF included; RFC 5034 §4 applies it to AUTH. */
export const MAX_COMMAND_LINE = 255;

/** RFC 5034 §4: the client's "*" line cancels an AUTH exchange. */
export const SASL_CANCEL = '*';

/** RFC 5034 §4: a zero-length initial response is sent as a single "=". */
export const EMPTY_INITIAL_RESPONSE = '=';
