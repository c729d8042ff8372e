/**
 * A POP3 session's view of a user's INBOX (RFC 1939 §5, §6): the messages as they were when the session
 * took the maildrop lock (mail arriving later waits for the next session), message numbers counted from
 * 1 in that snapshot, deletion marks that RSET clears and that only the UPDATE state commits, and the
 * per-user lock itself (RFC 1939 §8: one session per maildrop; RFC 2449 §8.1.2 IN-USE for the others).
 * Imports sandbox/store only; no sockets.
 */
import { INBOX, type MailStore, type StoredMessage } from '../store.js';

/** A login waiting for a locked maildrop. */
interface Waiter {
  /** release() passes the lock straight on: it stays held, now by this waiter. */
  grant(): void;
  /** Starts the waiter's patience; called once it is first in line. */
  startTimer(): void;
}

/**
 * Which users' maildrops are held by a session; shared by every POP3 listener of one sandbox. A login that
 * finds the maildrop locked queues for it, and once first in line waits up to `waitMs` before it is
 * refused: sessions that each hold the lock for a moment (a client polling, scenarios running side by
 * side) take turns instead of failing, while a session that keeps the maildrop still locks the others
 * out. The patience starts only at the head of the line, so one stuck waiter cannot time out those behind it.
 */
export class MaildropLocks {
  private readonly held = new Set<string>();
  private readonly lines = new Map<string, Waiter[]>();

  constructor(private readonly waitMs: number) {}

  /** Takes the user's lock; false if it stayed held `waitMs` while first in line, or `signal` aborted the wait. */
  acquire(user: string, signal?: AbortSignal): Promise<boolean> {
    if (!this.held.has(user)) {
      this.held.add(user);
      return Promise.resolve(true);
    }
    if (this.waitMs === 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const line = this.lines.get(user) ?? [];
      this.lines.set(user, line);
      let timer: NodeJS.Timeout | undefined;
      const settle = (granted: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = line.indexOf(waiter);
        if (index < 0) return;
        line.splice(index, 1);
        if (line.length === 0) this.lines.delete(user);
        else if (index === 0) line[0]!.startTimer();
        resolve(granted);
      };
      const waiter: Waiter = {
        grant: () => settle(true),
        startTimer: () => (timer = setTimeout(() => settle(false), this.waitMs)),
      };
      const onAbort = (): void => settle(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      line.push(waiter);
      if (line.length === 1) waiter.startTimer();
    });
  }

  release(user: string): void {
    const next = this.lines.get(user)?.[0];
    if (next) next.grant();
    else this.held.delete(user);
  }

  isHeld(user: string): boolean {
    return this.held.has(user);
  }
}

export interface ListedMessage {
  /** RFC 1939 §5: the message number, from 1. */
  number: number;
  message: StoredMessage;
}

/**
 * RFC 1939 §7 UIDL unique-id: 1 to 70 octets in 0x21–0x7E, the same for a message in every session.
 * UID and UIDVALIDITY in hex, the format Dovecot is configured with in our real targets (%08Xu%08Xv).
 */
export function uniqueId(uid: number, uidValidity: number): string {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
  return hex(uid) + hex(uidValidity);
}

export class Maildrop {
  private readonly messages: readonly StoredMessage[];
  private readonly uidValidity: number;
  private readonly deleted = new Set<number>();

  constructor(
    private readonly store: MailStore,
    readonly user: string,
  ) {
    const inbox = store.mailbox(user, INBOX);
    if (!inbox) throw new Error(`${user} has no ${INBOX}`);
    // A copy: the store appends to its array in place, and new mail must wait for the next session.
    this.messages = [...inbox.messages];
    this.uidValidity = inbox.uidValidity;
  }

  /** RFC 1939 §5: messages marked as deleted are not counted. */
  undeleted(): ListedMessage[] {
    return this.messages.flatMap((message, i) => (this.deleted.has(i + 1) ? [] : [{ number: i + 1, message }]));
  }

  /** STAT: RFC 1939 §5 drop listing "count size". */
  stat(): { count: number; octets: number } {
    const listed = this.undeleted();
    return { count: listed.length, octets: listed.reduce((sum, { message }) => sum + message.bytes.length, 0) };
  }

  /** The message with this number; 'deleted' if marked, undefined if there is none. */
  get(number: number): StoredMessage | 'deleted' | undefined {
    const message = Number.isSafeInteger(number) && number >= 1 ? this.messages[number - 1] : undefined;
    if (!message) return undefined;
    return this.deleted.has(number) ? 'deleted' : message;
  }

  uniqueId(message: StoredMessage): string {
    return uniqueId(message.uid, this.uidValidity);
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
  }

  /** RFC 1939 §5 RSET: unmarks every message. */
  reset(): void {
    this.deleted.clear();
  }

  /**
   * RFC 1939 §6 UPDATE: removes the marked messages from the store. Messages another client (IMAP)
   * removed meanwhile are simply gone already. Returns false if the store refused.
   */
  commit(): boolean {
    const uids = [...this.deleted].map((number) => this.messages[number - 1]!.uid);
    if (uids.length === 0) return true;
    try {
      this.store.expunge(this.user, INBOX, uids);
      return true;
    } catch {
      return false;
    }
  }
}
