/**
 * The SMTP engine as the runner sees it: default ports, what a status means, default expectations, and
 * opening a session. Imports the shared wire driver and the SMTP session; the runner imports only this.
 */
import type { ActionKind, ProtocolDriver } from '../types.js';
import { wireDriver } from '../shared/wire-driver.js';
import { REPLY_CLASS, ReplyCode } from './codes.js';
import { SmtpSession } from './session.js';

/** The reply a step of each kind must get when the scenario names none. */
const DEFAULT_STATUS: Partial<Record<ActionKind, string[]>> = {
  starttls: [ReplyCode.SERVICE_READY],
  auth: [ReplyCode.AUTH_SUCCEEDED],
  message: [ReplyCode.OK],
};

export const smtpDriver: ProtocolDriver = wireDriver({
  protocol: 'smtp',
  defaultStatus: DEFAULT_STATUS,
  /** "250" matches "250"; a class "2xx" matches every code of that class (RFC 5321 §4.2.1). */
  statusMatches(actual: string, expected: string): boolean {
    if (REPLY_CLASS.test(expected)) return actual[0] === expected[0];
    return actual === expected;
  },
  createSession: (connection) => new SmtpSession(connection),
});
