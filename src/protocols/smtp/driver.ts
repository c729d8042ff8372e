/**
 * The SMTP engine as the runner sees it: default ports, what a status means, default expectations, and
 * opening a session. Imports wire/connect and the SMTP session; the runner imports only this.
 */
import type { ActionKind, ProtocolDriver, ProtocolSession, SessionOptions } from '../types.js';
import { connect } from '../../wire/connect.js';
import { REPLY_CLASS, ReplyCode } from './codes.js';
import { SmtpSession } from './session.js';

/** The reply a step of each kind must get when the scenario names none. */
const DEFAULT_STATUS: Partial<Record<ActionKind, string[]>> = {
  starttls: [ReplyCode.SERVICE_READY],
  auth: [ReplyCode.AUTH_SUCCEEDED],
  message: [ReplyCode.OK],
};

export const smtpDriver: ProtocolDriver = {
  protocol: 'smtp',
  defaultStatus(kind: ActionKind): string[] | undefined {
    return DEFAULT_STATUS[kind];
  },

  /** "250" matches "250"; a class "2xx" matches every code of that class (RFC 5321 §4.2.1). */
  statusMatches(actual: string, expected: string): boolean {
    if (REPLY_CLASS.test(expected)) return actual[0] === expected[0];
    return actual === expected;
  },

  async open(options: SessionOptions): Promise<ProtocolSession> {
    const connection = await connect(options.endpoint, {
      connectTimeoutMs: options.connectTimeoutMs,
      signal: options.signal,
      transcript: options.transcript,
    });
    return new SmtpSession(connection);
  },
};
