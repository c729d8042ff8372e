/**
 * The POP3 engine as the runner sees it: what a status means, default expectations, and opening a session.
 * Imports the shared wire driver and the POP3 session; the runner imports only this.
 */
import type { ActionKind, ProtocolDriver } from '../types.js';
import { wireDriver } from '../shared/wire-driver.js';
import { Status } from './codes.js';
import { Pop3Session } from './session.js';

/** The reply a step of each kind must get when the scenario names none. */
const DEFAULT_STATUS: Partial<Record<ActionKind, string[]>> = {
  // RFC 2595 §4: +OK before the TLS handshake; RFC 1939 §7 / RFC 5034 §4: +OK once authenticated.
  starttls: [Status.OK],
  auth: [Status.OK],
};

export const pop3Driver: ProtocolDriver = wireDriver({
  protocol: 'pop3',
  defaultStatus: DEFAULT_STATUS,
  /** RFC 1939 §3: the status indicators are exact, upper-case strings. */
  statusMatches(actual: string, expected: string): boolean {
    return actual === expected;
  },
  createSession: (connection) => new Pop3Session(connection),
});
