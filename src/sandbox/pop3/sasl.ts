/**
 * Server side of the SASL mechanisms the sandbox offers (PLAIN RFC 4616, LOGIN, CRAM-MD5 RFC 2195,
 * XOAUTH2) as small state machines over decoded bytes: start with the optional initial response, answer
 * each client response with a challenge or an outcome. Carrying them (base64, "+" lines) is the protocol's
 * job, so POP3 (RFC 5034) and IMAP (RFC 9051 §6.2.2) can share this. Imports node:crypto and
 * sandbox/users only.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxUser, UserDirectory } from '../users.js';

export const SERVER_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'] as const;
export type ServerMechanism = (typeof SERVER_MECHANISMS)[number];

export type SaslStep =
  /** Send this challenge and wait for the client's response. */
  | { kind: 'challenge'; data: Buffer }
  /** The exchange is over: authenticated as `user`, or failed (undefined). */
  | { kind: 'done'; user: SandboxUser | undefined };

export interface SaslServer {
  /** `initial`: the initial response sent with the command (RFC 4954 §4, RFC 5034 §4), if any. */
  start(initial: Buffer | undefined): SaslStep;
  respond(response: Buffer): SaslStep;
}

export function isServerMechanism(name: string): name is ServerMechanism {
  return (SERVER_MECHANISMS as readonly string[]).includes(name);
}

const EMPTY = Buffer.alloc(0);
const challenge = (data: Buffer | string): SaslStep => ({ kind: 'challenge', data: Buffer.isBuffer(data) ? data : Buffer.from(data) });
const done = (user: SandboxUser | undefined): SaslStep => ({ kind: 'done', user });

function samePassword(given: string, user: SandboxUser): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(user.password, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function login(users: UserDirectory, name: string, password: string): SandboxUser | undefined {
  const user = users.findLogin(name);
  return user && samePassword(password, user) ? user : undefined;
}

/** RFC 4616 §2: [authzid] NUL authcid NUL passwd; an authzid other than the user itself is refused. */
function plain(users: UserDirectory): SaslServer {
  const check = (message: Buffer): SaslStep => {
    const [authzid, authcid, password, ...extra] = message.toString('utf8').split('\0');
    if (authcid === undefined || password === undefined || extra.length > 0) return done(undefined);
    const user = login(users, authcid, password);
    const asSelf = !authzid || (user !== undefined && users.findLogin(authzid) === user);
    return done(asSelf ? user : undefined);
  };
  return {
    // RFC 4616 §2: without an initial response the server sends an empty challenge.
    start: (initial) => (initial === undefined ? challenge(EMPTY) : check(initial)),
    respond: check,
  };
}

/** draft-murchison-sasl-login: "Username:", then "Password:". */
function loginMechanism(users: UserDirectory): SaslServer {
  let username: string | undefined;
  return {
    start(initial) {
      if (initial === undefined || initial.length === 0) return challenge('Username:');
      username = initial.toString('utf8');
      return challenge('Password:');
    },
    respond(response) {
      if (username === undefined) {
        username = response.toString('utf8');
        return challenge('Password:');
      }
      return done(login(users, username, response.toString('utf8')));
    },
  };
}

/** RFC 2195 §2: a unique msg-id challenge; the client answers "user" SP hex HMAC-MD5(password, challenge). */
function cramMd5(users: UserDirectory, hostname: string): SaslServer {
  const sent = Buffer.from(`<${randomBytes(8).readBigUInt64BE()}.${Date.now()}@${hostname}>`);
  return {
    start: () => challenge(sent),
    respond(response) {
      const text = response.toString('utf8');
      const space = text.lastIndexOf(' ');
      const user = users.findLogin(text.slice(0, space));
      if (space < 0 || !user) return done(undefined);
      const expected = createHmac('md5', Buffer.from(user.password, 'utf8')).update(sent).digest('hex');
      return done(text.slice(space + 1).toLowerCase() === expected ? user : undefined);
    },
  };
}

/**
 * Google's XOAUTH2: "user=" name ^A "auth=Bearer " token ^A^A. The sandbox has no OAuth server, so the
 * user's password stands for the token (as on its SMTP side). A refusal is first a challenge carrying
 * an error object; the client answers it with an empty response, then the exchange fails.
 */
function xoauth2(users: UserDirectory): SaslServer {
  let refused = false;
  const check = (message: Buffer): SaslStep => {
    if (refused) return done(undefined);
    const fields = new Map(
      message
        .toString('utf8')
        .split('\x01')
        .filter((field) => field !== '')
        .map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const),
    );
    const token = /^Bearer (.+)$/.exec(fields.get('auth') ?? '')?.[1];
    const user = token === undefined ? undefined : login(users, fields.get('user') ?? '', token);
    if (user) return done(user);
    refused = true;
    return challenge(JSON.stringify({ status: '401', schemes: 'bearer', scope: 'mail' }));
  };
  return {
    start: (initial) => (initial === undefined ? challenge(EMPTY) : check(initial)),
    respond: check,
  };
}

/** A server for one exchange of this mechanism. */
export function createSaslServer(mechanism: ServerMechanism, users: UserDirectory, hostname: string): SaslServer {
  switch (mechanism) {
    case 'PLAIN':
      return plain(users);
    case 'LOGIN':
      return loginMechanism(users);
    case 'CRAM-MD5':
      return cramMd5(users, hostname);
    case 'XOAUTH2':
      return xoauth2(users);
  }
}
