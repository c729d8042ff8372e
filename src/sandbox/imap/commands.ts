/**
 * The command table (RFC 3501 §6): which commands exist, in which states each is allowed, and who runs
 * it. The session dispatches from here only; a test walks the table through every state.
 * Imports the handler modules; they import the session's type only.
 */
import { capability, enable, id, idle, logout, noop } from './commands-any.js';
import { authenticate, login, starttls } from './commands-auth.js';
import { append, create, deleteMailbox, examine, list, lsub, namespace, rename, select, status, subscribe, unsubscribe } from './commands-mailbox.js';
import { check, close, copy, expunge, move, store, unselect } from './commands-message.js';
import { CommandFailure } from './failure.js';
import { fetch } from './fetch.js';
import { search } from './search.js';
import type { Cursor } from './parser.js';
import type { ImapSession } from './session.js';

// RFC 3501 §3 states (the selected mailbox's read-only-ness is the view's, not a state).
export const ImapState = {
  NOT_AUTHENTICATED: 'not authenticated',
  AUTHENTICATED: 'authenticated',
  SELECTED: 'selected',
  LOGOUT: 'logout',
} as const;
export type ImapState = (typeof ImapState)[keyof typeof ImapState];

export interface CommandContext {
  session: ImapSession;
  tag: string;
  /** The command name, upper case ("FETCH"; "FETCH" too under UID, with `uid` set). */
  name: string;
  /** Positioned after the command name. */
  args: Cursor;
  /** RFC 3501 §6.4.8: the UID form; sets and results are UIDs. */
  uid: boolean;
}

/** A successful tagged completion: "OK [code] text". */
export interface Completion {
  text: string;
  code?: string;
}

/** Undefined when the handler wrote the completion itself or handed the connection to an exchange. */
export type CommandHandler = (context: CommandContext) => Completion | undefined;

export interface CommandSpec {
  states: readonly ImapState[];
  run: CommandHandler;
  /** RFC 3501 §7.4.1: no EXPUNGE responses while answering it (FETCH, STORE, SEARCH; not their UID forms). */
  defersExpunge?: boolean;
}

const ANY = [ImapState.NOT_AUTHENTICATED, ImapState.AUTHENTICATED, ImapState.SELECTED] as const;
const NOT_AUTHENTICATED = [ImapState.NOT_AUTHENTICATED] as const;
const AUTHENTICATED = [ImapState.AUTHENTICATED, ImapState.SELECTED] as const;
const SELECTED = [ImapState.SELECTED] as const;

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  // RFC 3501 §6.1 any state
  CAPABILITY: { states: ANY, run: capability },
  NOOP: { states: ANY, run: noop },
  LOGOUT: { states: ANY, run: logout },
  ID: { states: ANY, run: id }, // RFC 2971
  // RFC 3501 §6.2 not authenticated
  STARTTLS: { states: NOT_AUTHENTICATED, run: starttls },
  AUTHENTICATE: { states: NOT_AUTHENTICATED, run: authenticate },
  LOGIN: { states: NOT_AUTHENTICATED, run: login },
  // RFC 3501 §6.3 authenticated
  ENABLE: { states: AUTHENTICATED, run: enable }, // RFC 5161
  SELECT: { states: AUTHENTICATED, run: select },
  EXAMINE: { states: AUTHENTICATED, run: examine },
  CREATE: { states: AUTHENTICATED, run: create },
  DELETE: { states: AUTHENTICATED, run: deleteMailbox },
  RENAME: { states: AUTHENTICATED, run: rename },
  SUBSCRIBE: { states: AUTHENTICATED, run: subscribe },
  UNSUBSCRIBE: { states: AUTHENTICATED, run: unsubscribe },
  LIST: { states: AUTHENTICATED, run: list },
  LSUB: { states: AUTHENTICATED, run: lsub },
  NAMESPACE: { states: AUTHENTICATED, run: namespace }, // RFC 2342
  STATUS: { states: AUTHENTICATED, run: status },
  APPEND: { states: AUTHENTICATED, run: append },
  IDLE: { states: AUTHENTICATED, run: idle }, // RFC 2177
  // RFC 3501 §6.4 selected
  CHECK: { states: SELECTED, run: check },
  CLOSE: { states: SELECTED, run: close },
  UNSELECT: { states: SELECTED, run: unselect }, // RFC 3691
  EXPUNGE: { states: SELECTED, run: expunge },
  SEARCH: { states: SELECTED, run: search, defersExpunge: true },
  FETCH: { states: SELECTED, run: fetch, defersExpunge: true },
  STORE: { states: SELECTED, run: store, defersExpunge: true },
  COPY: { states: SELECTED, run: copy },
  MOVE: { states: SELECTED, run: move }, // RFC 6851
  UID: { states: SELECTED, run: uid },
};

/** RFC 3501 §6.4.8 (and RFC 4315 §2.1 UID EXPUNGE, RFC 6851 UID MOVE): what may follow "UID". */
export const UID_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  FETCH: fetch,
  STORE: store,
  SEARCH: search,
  COPY: copy,
  MOVE: move,
  EXPUNGE: expunge,
};

// RFC 3501 §6.4.8 UID: the named command with UIDs instead of sequence numbers.
function uid(context: CommandContext): Completion | undefined {
  context.args.sp();
  const name = context.args.atom().toUpperCase();
  const run = UID_COMMANDS[name];
  if (!run) throw new CommandFailure('BAD', `UID ${name} is not a UID command`);
  return run({ ...context, name, uid: true });
}
