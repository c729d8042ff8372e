/**
 * The IMAP engine as the runner sees it: what a status means, default expectations, and opening a
 * session. Imports the shared wire driver and the IMAP session; the runner imports only this (through
 * the registry).
 */
import type { ActionKind, ProtocolDriver } from '../types.js';
import { wireDriver } from '../shared/wire-driver.js';
import { ImapSession } from './session.js';
import { ImapStatus } from './status.js';

/** The reply a step of each kind must get when the scenario names none: the tagged OK (RFC 9051 §7.1.1). */
const DEFAULT_STATUS: Partial<Record<ActionKind, string[]>> = {
  starttls: [ImapStatus.OK],
  auth: [ImapStatus.OK],
  message: [ImapStatus.OK],
  idle: [ImapStatus.OK],
};

export const imapDriver: ProtocolDriver = wireDriver({
  protocol: 'imap',
  defaultStatus: DEFAULT_STATUS,
  /** RFC 9051 §9: status words are case-insensitive atoms; the session reports them upper-cased. */
  statusMatches(actual: string, expected: string): boolean {
    return actual === expected.toUpperCase();
  },
  createSession: (connection) => new ImapSession(connection),
});
