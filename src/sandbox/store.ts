/**
 * The sandbox's in-memory mail store, shared by its SMTP, POP3 and IMAP servers: users → mailboxes (folders
 * with "/" as the hierarchy delimiter) → messages kept as the exact bytes delivered, each with a UID, flags
 * and an internal date (the IMAP model, RFC 9051 §2.3, of which POP3 needs a subset). Every change is
 * emitted as a 'change' event, so that an IMAP IDLE can push it (RFC 2177).
 * Imports node:events, util/errors and sandbox/limits only; never a socket.
 */
import { EventEmitter } from 'node:events';
import { LimitError } from '../util/errors.js';
import { SandboxLimits } from './limits.js';

/** RFC 9051 §5.1: INBOX is case-insensitive and always exists. */
export const INBOX = 'INBOX';
/** RFC 9051 §5.1.1: the hierarchy delimiter of mailbox names. */
export const HIERARCHY_DELIMITER = '/';

export interface StoredMessage {
  /** RFC 9051 §2.3.1.1: strictly ascending within a mailbox, never reused. */
  readonly uid: number;
  /** The message exactly as delivered (trace headers included). */
  readonly bytes: Buffer;
  /** RFC 9051 §2.3.2 system flags ("\Seen" …) and keywords; replaced, never mutated, by setFlags. */
  readonly flags: ReadonlySet<string>;
  /** RFC 9051 §2.3.3: when the message arrived. */
  readonly internalDate: Date;
}

export interface Mailbox {
  readonly name: string;
  /** RFC 9051 §2.3.1.1: UIDs are valid as long as this stays the same. */
  readonly uidValidity: number;
  /** The UID the next message will get. */
  readonly uidNext: number;
  /** In UID order; a message's sequence number is its index + 1. */
  readonly messages: readonly StoredMessage[];
}

export type StoreChange =
  | { type: 'append'; user: string; mailbox: string; message: StoredMessage }
  | { type: 'flags'; user: string; mailbox: string; message: StoredMessage }
  | { type: 'expunge'; user: string; mailbox: string; uids: number[] }
  | { type: 'create'; user: string; mailbox: string }
  /** RFC 9051 §6.3.5 DELETE: the mailbox and its messages are gone. */
  | { type: 'delete'; user: string; mailbox: string }
  /** RFC 9051 §6.3.6 RENAME: `mailbox` is now called `newName` (one event per renamed inferior too). */
  | { type: 'rename'; user: string; mailbox: string; newName: string };

interface StoreEvents {
  change: [StoreChange];
}

export interface AppendOptions {
  flags?: Iterable<string>;
  internalDate?: Date;
}

interface MailboxState {
  name: string;
  uidValidity: number;
  uidNext: number;
  messages: StoredMessage[];
}

interface UserState {
  mailboxes: Map<string, MailboxState>;
  bytes: number;
  /** The most `bytes` may reach. */
  limit: number;
}

/** "inbox" → "INBOX"; every other name is kept as written (RFC 9051 §5.1: only INBOX folds case). */
export function normalizeMailboxName(name: string): string {
  return name.toUpperCase() === INBOX ? INBOX : name;
}

function isValidMailboxName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.startsWith(HIERARCHY_DELIMITER) &&
    !name.endsWith(HIERARCHY_DELIMITER) &&
    !name.includes(HIERARCHY_DELIMITER + HIERARCHY_DELIMITER) &&
    !/[\x00-\x1f\x7f]/.test(name)
  );
}

function sizeOf(messages: readonly StoredMessage[]): number {
  return messages.reduce((sum, m) => sum + m.bytes.length, 0);
}

export class MailStore extends EventEmitter<StoreEvents> {
  private readonly users = new Map<string, UserState>();
  /** UIDVALIDITY values must differ between mailboxes that ever had the same name; time + counter does. */
  private nextUidValidity = Math.floor(Date.now() / 1000);

  /**
   * `users`: the login names (lower case) that have mailboxes, each with its storage limit (`quota`,
   * default `userBytes`, itself defaulting to SandboxLimits.userBytes); each starts with an empty INBOX.
   */
  constructor(users: Iterable<string | { name: string; quota?: number }>, options: { userBytes?: number } = {}) {
    super();
    for (const entry of users) {
      const { name: user, quota } = typeof entry === 'string' ? { name: entry, quota: undefined } : entry;
      const state: UserState = { mailboxes: new Map(), bytes: 0, limit: quota ?? options.userBytes ?? SandboxLimits.userBytes };
      this.users.set(user, state);
      this.addMailbox(state, INBOX);
    }
  }

  hasUser(user: string): boolean {
    return this.users.has(user);
  }

  /** Final delivery (RFC 5321 §4.4): the exact bytes into the user's INBOX. */
  deliver(user: string, bytes: Buffer): StoredMessage {
    return this.append(user, INBOX, bytes);
  }

  /**
   * Adds a message to a mailbox (delivery, IMAP APPEND, COPY). The bytes are copied, so the caller may
   * reuse its buffer. Throws a LimitError past the user's storage limit.
   */
  append(user: string, mailbox: string, bytes: Buffer, options: AppendOptions = {}): StoredMessage {
    const state = this.userState(user);
    const box = this.mailboxState(state, user, mailbox);
    const total = state.bytes + bytes.length;
    if (total > state.limit) {
      throw new LimitError('userBytes', state.limit, total, `mailbox storage of ${user} full (${total} > ${state.limit} bytes)`);
    }
    const message: StoredMessage = {
      uid: box.uidNext++,
      bytes: Buffer.from(bytes),
      flags: new Set(options.flags ?? []),
      internalDate: options.internalDate ?? new Date(),
    };
    box.messages.push(message);
    state.bytes = total;
    this.emit('change', { type: 'append', user, mailbox: box.name, message });
    return message;
  }

  /** The mailbox, or undefined if the user or the mailbox does not exist. */
  mailbox(user: string, name: string): Mailbox | undefined {
    return this.users.get(user)?.mailboxes.get(normalizeMailboxName(name));
  }

  /** The user's mailbox names, INBOX first, then in creation order. */
  mailboxNames(user: string): string[] {
    return [...this.userState(user).mailboxes.keys()];
  }

  /**
   * RFC 9051 §6.3.4 CREATE: makes the mailbox and any missing superiors ("a/b/c" makes "a" and "a/b").
   * Throws if it exists already or the name is not valid.
   */
  createMailbox(user: string, name: string): Mailbox {
    const state = this.userState(user);
    const normalized = normalizeMailboxName(name);
    if (!isValidMailboxName(normalized)) throw new Error(`invalid mailbox name "${name}"`);
    if (state.mailboxes.has(normalized)) throw new Error(`mailbox "${normalized}" already exists`);
    const parts = normalized.split(HIERARCHY_DELIMITER);
    for (let depth = 1; depth < parts.length; depth++) {
      const superior = parts.slice(0, depth).join(HIERARCHY_DELIMITER);
      if (!state.mailboxes.has(superior)) this.createIn(state, user, superior);
    }
    return this.createIn(state, user, normalized);
  }

  /**
   * Puts back a mailbox as it was persisted (sandbox/maildir), before any session starts: its UIDVALIDITY
   * (a new one when absent), next UID and messages (UIDs ascending, below uidNext) replace what the store
   * has; missing superiors are created. Emits nothing. A user over quota keeps what was there; only new
   * mail is refused. Returns the mailbox.
   */
  restoreMailbox(user: string, name: string, saved: { uidValidity?: number; uidNext: number; messages: readonly StoredMessage[] }): Mailbox {
    const state = this.userState(user);
    const normalized = normalizeMailboxName(name);
    if (!isValidMailboxName(normalized)) throw new Error(`invalid mailbox name "${name}"`);
    const parts = normalized.split(HIERARCHY_DELIMITER);
    for (let depth = 1; depth < parts.length; depth++) {
      const superior = parts.slice(0, depth).join(HIERARCHY_DELIMITER);
      if (!state.mailboxes.has(superior)) this.addMailbox(state, superior);
    }
    const previous = state.mailboxes.get(normalized);
    if (previous) state.bytes -= sizeOf(previous.messages);
    const uidValidity = saved.uidValidity ?? this.nextUidValidity++;
    const box: MailboxState = { name: normalized, uidValidity, uidNext: saved.uidNext, messages: [...saved.messages] };
    state.mailboxes.set(normalized, box);
    state.bytes += sizeOf(saved.messages);
    // RFC 9051 §2.3.1.1: a mailbox created later must not get a UIDVALIDITY an earlier one had.
    this.nextUidValidity = Math.max(this.nextUidValidity, uidValidity + 1);
    return box;
  }

  /** Replaces a message's flags (RFC 9051 §6.4.6 STORE does the set arithmetic before calling this). */
  setFlags(user: string, mailbox: string, uid: number, flags: Iterable<string>): StoredMessage {
    const box = this.mailboxState(this.userState(user), user, mailbox);
    const index = box.messages.findIndex((m) => m.uid === uid);
    if (index < 0) throw new Error(`no message with UID ${uid} in "${box.name}"`);
    const message: StoredMessage = { ...box.messages[index]!, flags: new Set(flags) };
    box.messages[index] = message;
    this.emit('change', { type: 'flags', user, mailbox: box.name, message });
    return message;
  }

  /** Removes the messages with these UIDs (RFC 9051 §6.4.3 EXPUNGE); returns the UIDs it removed. */
  expunge(user: string, mailbox: string, uids: Iterable<number>): number[] {
    const state = this.userState(user);
    const box = this.mailboxState(state, user, mailbox);
    const wanted = new Set(uids);
    const removed = box.messages.filter((m) => wanted.has(m.uid));
    if (removed.length === 0) return [];
    box.messages = box.messages.filter((m) => !wanted.has(m.uid));
    state.bytes -= sizeOf(removed);
    const removedUids = removed.map((m) => m.uid);
    this.emit('change', { type: 'expunge', user, mailbox: box.name, uids: removedUids });
    return removedUids;
  }

  /**
   * RFC 9051 §6.3.5 DELETE. INBOX cannot be deleted; a mailbox with inferiors is refused too (Dovecot's
   * "Mailbox has children"), so that no \Noselect placeholders are needed. Throws with the reason.
   */
  deleteMailbox(user: string, name: string): void {
    const state = this.userState(user);
    const box = this.mailboxState(state, user, name);
    if (box.name === INBOX) throw new Error('INBOX cannot be deleted');
    if (this.inferiors(state, box.name).length > 0) throw new Error(`mailbox "${box.name}" has inferiors; delete them first`);
    state.mailboxes.delete(box.name);
    state.bytes -= sizeOf(box.messages);
    this.emit('change', { type: 'delete', user, mailbox: box.name });
  }

  /**
   * RFC 9051 §6.3.6 RENAME: renames the mailbox and its inferiors, creating missing superiors of the new
   * name; UIDVALIDITY and UIDs are kept. Renaming INBOX moves its messages into a new mailbox and leaves
   * INBOX empty. Throws if the source is missing, the target exists or is not a valid name.
   */
  renameMailbox(user: string, from: string, to: string): void {
    const state = this.userState(user);
    const box = this.mailboxState(state, user, from);
    const target = normalizeMailboxName(to);
    if (!isValidMailboxName(target)) throw new Error(`invalid mailbox name "${to}"`);
    if (state.mailboxes.has(target)) throw new Error(`mailbox "${target}" already exists`);
    if (target.startsWith(box.name + HIERARCHY_DELIMITER)) throw new Error(`cannot rename "${box.name}" into itself`);
    if (box.name === INBOX) {
      const moved = box.messages;
      this.createMailbox(user, target);
      const created = state.mailboxes.get(target)!;
      created.messages = moved;
      created.uidNext = box.uidNext;
      box.messages = [];
      this.emit('change', { type: 'expunge', user, mailbox: INBOX, uids: moved.map((m) => m.uid) });
      return;
    }
    const renames = [box.name, ...this.inferiors(state, box.name)].map((old) => [old, target + old.slice(box.name.length)] as const);
    const parts = target.split(HIERARCHY_DELIMITER);
    for (let depth = 1; depth < parts.length; depth++) {
      const superior = parts.slice(0, depth).join(HIERARCHY_DELIMITER);
      if (!state.mailboxes.has(superior)) this.createIn(state, user, superior);
    }
    for (const [old, renamed] of renames) {
      const moving = state.mailboxes.get(old)!;
      state.mailboxes.delete(old);
      moving.name = renamed;
      state.mailboxes.set(renamed, moving);
      this.emit('change', { type: 'rename', user, mailbox: old, newName: renamed });
    }
  }

  private inferiors(state: UserState, name: string): string[] {
    return [...state.mailboxes.keys()].filter((other) => other.startsWith(name + HIERARCHY_DELIMITER));
  }

  private createIn(state: UserState, user: string, name: string): Mailbox {
    const box = this.addMailbox(state, name);
    this.emit('change', { type: 'create', user, mailbox: name });
    return box;
  }

  private addMailbox(state: UserState, name: string): MailboxState {
    const box: MailboxState = { name, uidValidity: this.nextUidValidity++, uidNext: 1, messages: [] };
    state.mailboxes.set(name, box);
    return box;
  }

  private userState(user: string): UserState {
    const state = this.users.get(user);
    if (!state) throw new Error(`no sandbox user "${user}"`);
    return state;
  }

  private mailboxState(state: UserState, user: string, name: string): MailboxState {
    const box = state.mailboxes.get(normalizeMailboxName(name));
    if (!box) throw new Error(`${user} has no mailbox "${name}"`);
    return box;
  }
}
