/**
 * The POP3 engine as the runner sees it: what a status means, default expectations, and opening a session.
 * Imports wire/connect and the POP3 session; the runner imports only this.
 */
import type { ActionKind, ProtocolDriver, ProtocolSession, SessionOptions } from '../types.js';
import { connect } from '../../wire/connect.js';
import { Status } from './codes.js';
import { Pop3Session } from './session.js';

/** The reply a step of each kind must get when the scenario names none. */
const DEFAULT_STATUS: Partial<Record<ActionKind, string[]>> = {
  // RFC 2595 §4: +OK before the TLS handshake; RFC 1939 §7 / RFC 5034 §4: +OK once authenticated.
  starttls: [Status.OK],
  auth: [Status.OK],
};

export const pop3Driver: ProtocolDriver = {
  protocol: 'pop3',
  defaultStatus(kind: ActionKind): string[] | undefined {
    return DEFAULT_STATUS[kind];
  },

  /** RFC 1939 §3: the status indicators are exact, upper-case strings. */
  statusMatches(actual: string, expected: string): boolean {
    return actual === expected;
  },

  async open(options: SessionOptions): Promise<ProtocolSession> {
    const connection = await connect(options.endpoint, {
      connectTimeoutMs: options.connectTimeoutMs,
      signal: options.signal,
      transcript: options.transcript,
    });
    return new Pop3Session(connection);
  },
};
