/**
 * What each protocol can do: which step kinds, step fields, SASL mechanisms and reply statuses it has.
 * The loader checks every step against these tables so that `idle` on an SMTP session fails at load time,
 * not mid-run. Pure; imports scenario/types and issues only.
 */
import type { Protocol, StepKind } from './types.js';
import { didYouMean } from './issues.js';

/** Keys that make a step do something; a step has exactly one, or none when it only reads (`expect`). */
export const ACTION_KEYS = [
  'send',
  'raw',
  'starttls',
  'auth',
  'message',
  'idle',
  'sleep',
  'close',
  'expect_close',
  'roundtrip',
  'request',
  'audit',
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

/** Keys that describe the reply a step reads. */
export const EXPECTATION_KEYS = ['expect', 'match', 'not_match', 'untagged', 'capture', 'within'] as const;

/** Step keys that only make sense beside one action. */
export const ACTION_FIELDS: Readonly<Record<string, ActionKey>> = {
  as: 'message',
  chunking: 'message',
  mailbox: 'message',
  flags: 'message',
  multiline: 'send',
};

export const STEP_KEYS: readonly string[] = [
  ...ACTION_KEYS,
  ...EXPECTATION_KEYS,
  ...Object.keys(ACTION_FIELDS),
  'timeout',
  'session',
  'when',
  'retry',
];

export function isActionKey(key: string): key is ActionKey {
  return (ACTION_KEYS as readonly string[]).includes(key);
}

const ALL: readonly Protocol[] = ['smtp', 'pop3', 'imap'];

/** Step kinds per protocol. POP3 cannot submit messages; IDLE is IMAP's (RFC 2177); HTTP has requests. */
export const STEP_PROTOCOLS: Readonly<Record<StepKind, readonly Protocol[]>> = {
  send: ALL,
  raw: ALL,
  read: ALL,
  starttls: ALL,
  auth: ALL,
  message: ['smtp', 'imap'],
  idle: ['imap'],
  sleep: [...ALL, 'http'],
  close: ALL,
  expect_close: ALL,
  roundtrip: ALL,
  request: ['http'],
  audit: ALL,
};

/** Steps that use no connection, so they need no session. */
export const SESSIONLESS_KINDS: ReadonlySet<StepKind> = new Set(['sleep', 'roundtrip']);
/** Steps that read no reply, so expectations and `timeout` do not apply. */
export const NO_REPLY_KINDS: ReadonlySet<StepKind> = new Set(['sleep', 'close', 'roundtrip']);

/** Step fields limited to some protocols. */
export const FIELD_PROTOCOLS: Readonly<Record<string, readonly Protocol[]>> = {
  untagged: ['imap'],
  multiline: ['pop3'],
  chunking: ['smtp'], // RFC 3030 BDAT
  mailbox: ['imap'],
  flags: ['imap'],
};

/** Mechanisms as written after upper-casing, and where they exist. USER = POP3 USER/PASS (RFC 1939 §7),
 *  APOP (RFC 1939 §7), LOGIN-COMMAND = IMAP LOGIN (RFC 9051 §6.2.3); the rest are SASL. */
export const AUTH_MECHANISMS: Readonly<Record<string, readonly Protocol[]>> = {
  PLAIN: ALL,
  LOGIN: ALL,
  'CRAM-MD5': ALL,
  XOAUTH2: ALL,
  USER: ['pop3'],
  APOP: ['pop3'],
  'LOGIN-COMMAND': ['imap'],
};

export const PROTOCOL_NAMES: Readonly<Record<Protocol, string>> = { smtp: 'SMTP', pop3: 'POP3', imap: 'IMAP', http: 'HTTP' };
/** "an SMTP", "a POP3", "an IMAP": as the names are read aloud. */
export const WITH_ARTICLE: Readonly<Record<Protocol, string>> = { smtp: 'an SMTP', pop3: 'a POP3', imap: 'an IMAP', http: 'an HTTP' };

const POP3_STATUSES = ['+OK', '-ERR']; // RFC 1939 §3
const IMAP_STATUSES = ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE', '+']; // RFC 9051 §7.1; '+' a continuation request (§7.5)
const SMTP_CODE = /^[2-5]\d\d$/; // RFC 5321 §4.2: 2yz–5yz
const SMTP_CLASS = /^[2-5][xX][xX]$/;
const HTTP_CODE = /^[1-5]\d\d$/; // RFC 9110 §15: 100–599
const HTTP_CLASS = /^[1-5][xX][xX]$/;

/** Why `expect: value` cannot be a status of this protocol, or undefined when it can. */
export function statusProblem(protocol: Protocol, value: string | number): string | undefined {
  const text = String(value);
  if (protocol === 'smtp') {
    if (SMTP_CODE.test(text) || (typeof value === 'string' && SMTP_CLASS.test(text))) return undefined;
    return `\`${text}\` is not an SMTP reply status: write a code from 200 to 599 (250) or a class ("2xx")`;
  }
  if (protocol === 'http') {
    if (HTTP_CODE.test(text) || (typeof value === 'string' && HTTP_CLASS.test(text))) return undefined;
    return `\`${text}\` is not an HTTP status: write a code from 100 to 599 (200) or a class ("2xx")`;
  }
  const allowed = protocol === 'pop3' ? POP3_STATUSES : IMAP_STATUSES;
  if (typeof value === 'string' && allowed.includes(value)) return undefined;
  const hint = didYouMean(text, allowed);
  return `\`${text}\` is not ${WITH_ARTICLE[protocol]} status: use ${allowed.join(', ')}${hint}`;
}
