/**
 * Commands of the authenticated state on mailboxes (RFC 3501 §6.3): SELECT and EXAMINE, CREATE, DELETE,
 * RENAME with the hierarchy delimiter "/", SUBSCRIBE / UNSUBSCRIBE, LIST and LSUB with the "*" and "%"
 * wildcards (§6.3.8) and CHILDREN attributes (RFC 3348), NAMESPACE (RFC 2342), STATUS and APPEND with
 * APPENDUID (RFC 4315). A missing mailbox is NO [NONEXISTENT] (RFC 5530), or [TRYCREATE] for APPEND.
 * Imports sandbox/ modules only.
 */
import { HIERARCHY_DELIMITER, INBOX, normalizeMailboxName, type Mailbox } from '../store.js';
import type { CommandContext, Completion } from './commands.js';
import { CommandFailure, ResponseCode } from './failure.js';
import { astring, line, list as parenthesized, string } from './response.js';
import { SelectedView, SYSTEM_FLAGS } from './view.js';

/** The logged-in user's name (the table only lets these commands run after login). */
function userOf({ session }: CommandContext): string {
  return session.user!.name;
}

function existing(context: CommandContext, name: string, code: string = ResponseCode.NONEXISTENT): Mailbox {
  const box = context.session.context.store.mailbox(userOf(context), name);
  if (!box) throw new CommandFailure('NO', `Mailbox doesn't exist: ${name}`, code);
  return box;
}

/** RFC 3501 §6.3.1 SELECT / §6.3.2 EXAMINE. */
function open(context: CommandContext, readOnly: boolean): Completion {
  const { session, args } = context;
  args.sp();
  const name = args.mailbox();
  args.end();
  // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
  session.select(undefined);
  const box = existing(context, name);
  const view = new SelectedView(userOf(context), box, readOnly, session.context.views.recent);
  const keywords = new Set(box.messages.flatMap((m) => [...m.flags]).filter((flag) => !flag.startsWith('\\')));
  const flags = [...SYSTEM_FLAGS, ...keywords];
  const firstUnseen = view.entries.findIndex((entry) => !entry.message.flags.has('\\Seen'));
  session.write(
    Buffer.concat([
      line('* FLAGS ', parenthesized(flags)),
      line('* OK [PERMANENTFLAGS ', parenthesized(readOnly ? [] : [...flags, '\\*']), '] Flags permitted'),
      line(`* ${view.exists} EXISTS`),
      line(`* ${view.entries.filter((e) => e.recent).length} RECENT`),
      ...(firstUnseen >= 0 ? [line(`* OK [UNSEEN ${firstUnseen + 1}] First unseen`)] : []),
      line(`* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`),
      line(`* OK [UIDNEXT ${box.uidNext}] Predicted next UID`),
    ]),
  );
  session.select(view);
  return { code: readOnly ? ResponseCode.READ_ONLY : ResponseCode.READ_WRITE, text: `${readOnly ? 'Examine' : 'Select'} completed` };
}

export const select = (context: CommandContext): Completion => open(context, false);
export const examine = (context: CommandContext): Completion => open(context, true);

/** A mailbox argument with a trailing delimiter dropped (RFC 3501 §6.3.3). */
function mailboxArgument(context: CommandContext): string {
  const name = context.args.mailbox();
  return normalizeMailboxName(name.endsWith(HIERARCHY_DELIMITER) ? name.slice(0, -1) : name);
}

// RFC 3501 §6.3.3
export function create(context: CommandContext): Completion {
  context.args.sp();
  const name = mailboxArgument(context);
  context.args.end();
  const { store } = context.session.context;
  if (store.mailbox(userOf(context), name)) throw new CommandFailure('NO', `Mailbox already exists: ${name}`, ResponseCode.ALREADYEXISTS);
  try {
    store.createMailbox(userOf(context), name);
  } catch (err) {
    throw new CommandFailure('NO', err instanceof Error ? err.message : String(err), ResponseCode.CANNOT);
  }
  return { text: 'Create completed' };
}

// RFC 3501 §6.3.4
export function deleteMailbox(context: CommandContext): Completion {
  context.args.sp();
  const name = mailboxArgument(context);
  context.args.end();
  existing(context, name);
  try {
    context.session.context.store.deleteMailbox(userOf(context), name);
  } catch (err) {
    throw new CommandFailure('NO', err instanceof Error ? err.message : String(err), ResponseCode.CANNOT);
  }
  return { text: 'Delete completed' };
}

// RFC 3501 §6.3.5
export function rename(context: CommandContext): Completion {
  const { args } = context;
  args.sp();
  const from = mailboxArgument(context);
  args.sp();
  const to = mailboxArgument(context);
  args.end();
  existing(context, from);
  const { store } = context.session.context;
  if (store.mailbox(userOf(context), to)) throw new CommandFailure('NO', `Mailbox already exists: ${to}`, ResponseCode.ALREADYEXISTS);
  try {
    store.renameMailbox(userOf(context), from, to);
  } catch (err) {
    throw new CommandFailure('NO', err instanceof Error ? err.message : String(err), ResponseCode.CANNOT);
  }
  return { text: 'Rename completed' };
}

function subscriptionsOf(context: CommandContext): Set<string> {
  const all = context.session.context.subscriptions;
  const user = userOf(context);
  let mine = all.get(user);
  if (!mine) all.set(user, (mine = new Set()));
  return mine;
}

// RFC 3501 §6.3.6: a name may be subscribed whether or not it exists.
export function subscribe(context: CommandContext): Completion {
  context.args.sp();
  const name = mailboxArgument(context);
  context.args.end();
  subscriptionsOf(context).add(name);
  return { text: 'Subscribe completed' };
}

// RFC 3501 §6.3.7
export function unsubscribe(context: CommandContext): Completion {
  context.args.sp();
  const name = mailboxArgument(context);
  context.args.end();
  subscriptionsOf(context).delete(name);
  return { text: 'Unsubscribe completed' };
}

/** RFC 3501 §6.3.8: "*" matches anything, "%" anything but the delimiter; INBOX matches in any case. */
function patternMatcher(pattern: string): (name: string) => boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, `[^${HIERARCHY_DELIMITER}]*`);
  const exact = new RegExp(`^${source}$`, 'su');
  const folded = new RegExp(`^${source}$`, 'siu');
  return (name) => (name === INBOX ? folded.test(name) : exact.test(name));
}

/** LIST reference pattern: the arguments both LIST and LSUB take. */
function listArguments(context: CommandContext): { matches: (name: string) => boolean; empty: boolean } {
  const { args } = context;
  args.sp();
  const reference = args.mailbox();
  args.sp();
  const pattern = args.listMailbox();
  args.end();
  return { matches: patternMatcher(reference + pattern), empty: pattern === '' };
}

const DELIMITER = string(HIERARCHY_DELIMITER);

// RFC 3501 §6.3.8 LIST; an empty pattern asks for the delimiter
export function list(context: CommandContext): Completion {
  const { matches, empty } = listArguments(context);
  const names = context.session.context.store.mailboxNames(userOf(context));
  if (empty) {
    context.session.untagged('LIST (\\Noselect) ', DELIMITER, ' ""');
  } else {
    for (const name of names.filter(matches)) {
      const children = names.some((other) => other.startsWith(name + HIERARCHY_DELIMITER));
      context.session.untagged('LIST (', children ? '\\HasChildren' : '\\HasNoChildren', ') ', DELIMITER, ' ', astring(name));
    }
  }
  return { text: 'List completed' };
}

// RFC 3501 §6.3.9 LSUB: subscribed names; one that no longer exists is \Noselect
export function lsub(context: CommandContext): Completion {
  const { matches } = listArguments(context);
  const existingNames = new Set(context.session.context.store.mailboxNames(userOf(context)));
  for (const name of [...subscriptionsOf(context)].filter(matches)) {
    context.session.untagged('LSUB (', existingNames.has(name) ? '' : '\\Noselect', ') ', DELIMITER, ' ', astring(name));
  }
  return { text: 'Lsub completed' };
}

// RFC 2342 §5: one personal namespace, no others
export function namespace(context: CommandContext): Completion {
  context.args.end();
  context.session.untagged('NAMESPACE ((', string(''), ' ', DELIMITER, ')) NIL NIL');
  return { text: 'Namespace completed' };
}

// RFC 3501 §6.3.10 status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"; SIZE and DELETED from RFC 9051
export function status(context: CommandContext): Completion {
  const { args, session } = context;
  args.sp();
  const name = args.mailbox();
  args.sp();
  args.expect('(');
  const items: string[] = [];
  while (!args.take(')')) {
    if (items.length > 0) args.sp();
    items.push(args.atom().toUpperCase());
  }
  args.end();
  const box = existing(context, name);
  const uids = box.messages.map((m) => m.uid);
  const values: Record<string, () => number> = {
    MESSAGES: () => box.messages.length,
    RECENT: () => session.context.views.recent.unclaimed(userOf(context), box.name, uids),
    UIDNEXT: () => box.uidNext,
    UIDVALIDITY: () => box.uidValidity,
    UNSEEN: () => box.messages.filter((m) => !m.flags.has('\\Seen')).length,
    DELETED: () => box.messages.filter((m) => m.flags.has('\\Deleted')).length,
    SIZE: () => box.messages.reduce((sum, m) => sum + m.bytes.length, 0),
  };
  const pairs = items.map((item) => {
    const value = values[item];
    if (!value) throw new CommandFailure('BAD', `unknown STATUS item ${item}`);
    return `${item} ${value()}`;
  });
  session.untagged('STATUS ', astring(box.name), ` (${pairs.join(' ')})`);
  return { text: 'Status completed' };
}

// RFC 3501 §6.3.11 append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
export function append(context: CommandContext): Completion {
  const { args, session } = context;
  args.sp();
  const name = args.mailbox();
  args.sp();
  let flags: string[] = [];
  let internalDate: Date | undefined;
  if (args.peek() === 0x28) {
    flags = args.flagList().filter((flag) => flag.toLowerCase() !== '\\recent');
    args.sp();
  }
  if (args.peek() === 0x22) {
    internalDate = args.dateTime();
    args.sp();
  }
  const message = args.literal();
  args.end();
  const box = existing(context, name, ResponseCode.TRYCREATE);
  const stored = session.context.store.append(userOf(context), box.name, message, internalDate ? { flags, internalDate } : { flags });
  return { code: `APPENDUID ${box.uidValidity} ${stored.uid}`, text: 'Append completed' };
}
