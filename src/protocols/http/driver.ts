/**
 * The HTTP engine as the runner sees it: what a status means (RFC 9110 §15: a code, or its class "2xx")
 * and opening a session; the connection opens with the first request. A request's default expectation
 * (2xx) is the loader's: every request step has one. Imports the HTTP session only.
 */
import type { ProtocolDriver, ProtocolSession, SessionOptions } from '../types.js';
import { HttpSession } from './session.js';

/** RFC 9110 §15: the first digit of a status code is its class. */
const STATUS_CLASS = /^[1-5][xX][xX]$/;

export const httpDriver: ProtocolDriver = {
  protocol: 'http',
  defaultStatus(): string[] | undefined {
    return undefined;
  },

  statusMatches(actual: string, expected: string): boolean {
    if (STATUS_CLASS.test(expected)) return actual[0] === expected[0];
    return actual === expected;
  },

  async open(options: SessionOptions): Promise<ProtocolSession> {
    return new HttpSession(options.endpoint, options.transcript, options.connectTimeoutMs);
  },
};
