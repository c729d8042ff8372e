/**
 * A session's view of its selected mailbox, kept in step with the shared store (RFC 3501 §5.2, §7.4.1;
 * RFC 9051 §5.2): sequence numbers are this session's, new messages become visible with "* n EXISTS",
 * other sessions' flag changes come as "* n FETCH (FLAGS …)", and expunged messages keep their sequence
 * number until "* n EXPUNGE" may be sent — never while no command is in progress, nor during FETCH,
 * STORE or SEARCH (the UID forms excepted). \Recent goes to the first session that sees a message.
 * The registry listens to the store once and hands each change to the views it concerns.
 * Imports sandbox/store types and sandbox/imap modules; never a socket.
 */
import type { MailStore, Mailbox, StoreChange, StoredMessage } from '../store.js';
import { normalizeMailboxName } from '../store.js';
import { CommandFailure } from './failure.js';
import { STAR, type SequenceSet } from './parser.js';
import { list, line } from './response.js';

export interface ViewEntry {
  message: StoredMessage;
  /** Gone from the store; the "* n EXPUNGE" has not been sent yet. */
  expunged: boolean;
  /** Another session changed its flags; the "* n FETCH (FLAGS …)" has not been sent yet. */
  flagsChanged: boolean;
  /** RFC 3501 §2.3.2 \Recent: this session is the first to see the message. */
  recent: boolean;
}

/** RFC 3501 §2.3.2: which messages some session has already been told about as \Recent. */
export class RecentClaims {
  private readonly claimed = new Map<string, number>();

  /** Marks these UIDs (ascending) as seen by one session; returns those that were recent for it. */
  claim(user: string, mailbox: string, uids: readonly number[]): Set<number> {
    const key = `${user}\0${mailbox}`;
    const highest = this.claimed.get(key) ?? 0;
    const recent = new Set(uids.filter((uid) => uid > highest));
    if (uids.length > 0) this.claimed.set(key, Math.max(highest, uids[uids.length - 1]!));
    return recent;
  }

  /** How many of these UIDs no session has seen yet (STATUS RECENT), without claiming them. */
  unclaimed(user: string, mailbox: string, uids: readonly number[]): number {
    const highest = this.claimed.get(`${user}\0${mailbox}`) ?? 0;
    return uids.filter((uid) => uid > highest).length;
  }
}

/** RFC 3501 §2.3.2 system flags; \Recent is the server's and never stored. */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;
export const RECENT_FLAG = '\\Recent';

export function flagList(entry: ViewEntry): Buffer {
  const flags = [...entry.message.flags];
  if (entry.recent) flags.push(RECENT_FLAG);
  return list(flags);
}

export class SelectedView {
  readonly user: string;
  mailbox: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  entries: ViewEntry[];
  /** Arrived in the store, not yet announced with EXISTS. */
  private pendingNew: StoredMessage[] = [];
  /** While true, flag changes are this session's own (STORE, FETCH BODY[]) and reported by it. */
  private ownChanges = false;
  private readonly recentClaims: RecentClaims;
  /** Called after a change was applied (the session pushes it during IDLE). */
  onChange: (() => void) | undefined;

  constructor(user: string, box: Mailbox, readOnly: boolean, recentClaims: RecentClaims) {
    this.user = user;
    this.mailbox = box.name;
    this.readOnly = readOnly;
    this.uidValidity = box.uidValidity;
    this.recentClaims = recentClaims;
    const recent = readOnly ? new Set<number>() : recentClaims.claim(user, box.name, box.messages.map((m) => m.uid));
    this.entries = box.messages.map((message) => ({ message, expunged: false, flagsChanged: false, recent: recent.has(message.uid) }));
  }

  /** Messages as the client knows them (RFC 3501 §7.3.1 EXISTS). */
  get exists(): number {
    return this.entries.length;
  }

  /** Runs store operations whose flag changes the caller reports itself. */
  own<T>(operation: () => T): T {
    this.ownChanges = true;
    try {
      return operation();
    } finally {
      this.ownChanges = false;
    }
  }

  apply(change: StoreChange): void {
    switch (change.type) {
      case 'append':
        if (!this.entries.some((e) => e.message.uid === change.message.uid)) this.pendingNew.push(change.message);
        break;
      case 'flags': {
        const entry = this.entries.find((e) => e.message.uid === change.message.uid);
        if (entry) {
          entry.message = change.message;
          entry.flagsChanged ||= !this.ownChanges;
        } else {
          this.pendingNew = this.pendingNew.map((m) => (m.uid === change.message.uid ? change.message : m));
        }
        break;
      }
      case 'expunge': {
        const gone = new Set(change.uids);
        for (const entry of this.entries) if (gone.has(entry.message.uid)) entry.expunged = true;
        this.pendingNew = this.pendingNew.filter((m) => !gone.has(m.uid));
        break;
      }
      case 'delete':
        for (const entry of this.entries) entry.expunged = true;
        this.pendingNew = [];
        break;
      case 'rename':
        this.mailbox = change.newName;
        break;
      case 'create':
        break;
    }
    this.onChange?.();
  }

  /**
   * The untagged responses owed to the client (RFC 3501 §7.4.1, §7.3.1): EXPUNGEs when `allowExpunge`,
   * FLAGS of messages other sessions changed, then EXISTS and RECENT for new mail.
   */
  flush(allowExpunge: boolean, withUid: boolean): Buffer[] {
    const out: Buffer[] = [];
    if (allowExpunge) {
      // Each EXPUNGE renumbers the messages after it, so the index is not advanced past a removal.
      for (let i = 0; i < this.entries.length; ) {
        if (this.entries[i]!.expunged) {
          out.push(line(`* ${i + 1} EXPUNGE`));
          this.entries.splice(i, 1);
        } else {
          i++;
        }
      }
    }
    this.entries.forEach((entry, i) => {
      if (!entry.flagsChanged || entry.expunged) return;
      entry.flagsChanged = false;
      out.push(line(`* ${i + 1} FETCH (`, withUid ? `UID ${entry.message.uid} ` : '', 'FLAGS ', flagList(entry), ')'));
    });
    if (this.pendingNew.length > 0) {
      const arrived = this.pendingNew;
      this.pendingNew = [];
      const recent = this.readOnly ? new Set<number>() : this.recentClaims.claim(this.user, this.mailbox, arrived.map((m) => m.uid));
      for (const message of arrived) this.entries.push({ message, expunged: false, flagsChanged: false, recent: recent.has(message.uid) });
      out.push(line(`* ${this.entries.length} EXISTS`), line(`* ${this.entries.filter((e) => e.recent).length} RECENT`));
    }
    return out;
  }

  /**
   * The indexes (sequence number − 1, ascending, without repeats) a sequence set names. With `byUid`
   * it names UIDs, and UIDs not here are ignored (RFC 3501 §6.4.8); "n:*" always includes the last
   * message. Sequence numbers must exist (RFC 3501 §9 seq-number), else BAD.
   */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    const chosen = new Set<number>();
    if (byUid) {
      const last = this.entries.at(-1)?.message.uid ?? 0;
      for (const range of set) {
        const a = range.start === STAR ? last : range.start;
        const b = range.end === undefined ? a : range.end === STAR ? last : range.end;
        const [low, high] = a <= b ? [a, b] : [b, a];
        this.entries.forEach((entry, i) => {
          if (entry.message.uid >= low && entry.message.uid <= high) chosen.add(i);
        });
      }
    } else {
      for (const range of set) {
        const a = range.start === STAR ? this.exists : range.start;
        const b = range.end === undefined ? a : range.end === STAR ? this.exists : range.end;
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (low < 1 || high > this.exists) throw new CommandFailure('BAD', `invalid message sequence number (the mailbox has ${this.exists} messages)`);
        for (let n = low; n <= high; n++) chosen.add(n - 1);
      }
    }
    return [...chosen].sort((x, y) => x - y);
  }
}

/** Every selected view of one sandbox; a single store listener feeds them all. */
export class ViewRegistry {
  private readonly views = new Set<SelectedView>();
  private readonly store: MailStore;
  private readonly listener = (change: StoreChange): void => {
    for (const view of this.views) {
      if (view.user === change.user && view.mailbox === normalizeMailboxName(change.mailbox)) view.apply(change);
    }
  };
  readonly recent = new RecentClaims();

  constructor(store: MailStore) {
    this.store = store;
    store.on('change', this.listener);
  }

  add(view: SelectedView): void {
    this.views.add(view);
  }

  remove(view: SelectedView): void {
    this.views.delete(view);
  }

  close(): void {
    this.store.off('change', this.listener);
    this.views.clear();
  }
}
