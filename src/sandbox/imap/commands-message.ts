/**
 * Commands of the selected state that change messages (RFC 3501 §6.4): CHECK, CLOSE, UNSELECT (RFC 3691),
 * EXPUNGE and UID EXPUNGE (RFC 4315 §2.1), STORE, COPY with COPYUID (RFC 4315 §3) and MOVE (RFC 6851).
 * FETCH and SEARCH have their own modules. Imports sandbox/ modules only.
 */
import type { CommandContext, Completion } from './commands.js';
import { CommandFailure, ResponseCode } from './failure.js';
import { line } from './response.js';
import { flagList, RECENT_FLAG, type SelectedView } from './view.js';

function viewOf({ session }: CommandContext): SelectedView {
  return session.view!;
}

function writable(context: CommandContext): SelectedView {
  const view = viewOf(context);
  if (view.readOnly) throw new CommandFailure('NO', 'The mailbox is read-only (EXAMINE)', ResponseCode.READ_ONLY);
  return view;
}

// RFC 3501 §6.4.1: nothing to write back in memory.
export function check({ args }: CommandContext): Completion {
  args.end();
  return { text: 'Check completed' };
}

/** RFC 4315 §3 uid-set: ascending UIDs written with ranges, "1:3,7". */
function uidSet(uids: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    ranges.push(i === j ? `${uids[i]}` : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/** The UIDs of messages marked \Deleted, among those `within` (all when undefined). */
function deletedUids(view: SelectedView, within?: readonly number[]): number[] {
  const candidates = within ?? view.entries.map((_, i) => i);
  return candidates.map((i) => view.entries[i]!).filter((e) => !e.expunged && e.message.flags.has('\\Deleted')).map((e) => e.message.uid);
}

// RFC 3501 §6.4.2: expunges without EXPUNGE responses, then leaves the selected state.
export function close(context: CommandContext): Completion {
  context.args.end();
  const view = viewOf(context);
  context.session.select(undefined);
  if (!view.readOnly) context.session.context.store.expunge(view.user, view.mailbox, deletedUids(view));
  return { text: 'Close completed' };
}

// RFC 3691 §2: leaves the selected state without expunging.
export function unselect(context: CommandContext): Completion {
  context.args.end();
  context.session.select(undefined);
  return { text: 'Unselect completed' };
}

// RFC 3501 §6.4.3 EXPUNGE; RFC 4315 §2.1 UID EXPUNGE sequence-set. The EXPUNGE responses come from the view.
export function expunge(context: CommandContext): Completion {
  const { args, session } = context;
  let within: number[] | undefined;
  if (context.uid) {
    args.sp();
    within = viewOf(context).resolve(args.sequenceSet(), true);
  }
  args.end();
  const view = writable(context);
  session.context.store.expunge(view.user, view.mailbox, deletedUids(view, within));
  return { text: 'Expunge completed' };
}

/** RFC 3501 §9 store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag))) */
function storeArguments(context: CommandContext): { action: '+' | '-' | ''; silent: boolean; flags: string[] } {
  const { args } = context;
  const action = args.take('+') ? '+' : args.take('-') ? '-' : '';
  args.expect('FLAGS');
  const silent = args.take('.SILENT');
  args.sp();
  let flags: string[];
  if (args.peek() === 0x28) {
    flags = args.flagList();
  } else {
    flags = [args.flag()];
    while (!args.atEnd()) {
      args.sp();
      flags.push(args.flag());
    }
  }
  // RFC 3501 §2.3.2: \Recent cannot be stored.
  return { action, silent, flags: flags.filter((flag) => flag.toLowerCase() !== RECENT_FLAG.toLowerCase()) };
}

/** Flags compare without case (RFC 3501 §2.3.2); the stored spelling is the first one seen. */
function applyFlags(current: ReadonlySet<string>, action: '+' | '-' | '', flags: readonly string[]): string[] {
  const lower = new Set(flags.map((f) => f.toLowerCase()));
  if (action === '') return [...new Set(flags)];
  const kept = [...current].filter((flag) => !lower.has(flag.toLowerCase()));
  if (action === '-') return kept;
  const result = [...current];
  const known = new Set(result.map((f) => f.toLowerCase()));
  for (const flag of flags) {
    if (known.has(flag.toLowerCase())) continue;
    known.add(flag.toLowerCase());
    result.push(flag);
  }
  return result;
}

// RFC 3501 §6.4.6 store = "STORE" SP sequence-set SP store-att-flags
export function store(context: CommandContext): Completion {
  const { args, session } = context;
  args.sp();
  const set = args.sequenceSet();
  args.sp();
  const { action, silent, flags } = storeArguments(context);
  args.end();
  const view = writable(context);
  const out: Buffer[] = [];
  for (const index of view.resolve(set, context.uid)) {
    const entry = view.entries[index]!;
    if (entry.expunged) continue;
    const next = applyFlags(entry.message.flags, action, flags);
    entry.message = view.own(() => session.context.store.setFlags(view.user, view.mailbox, entry.message.uid, next));
    // RFC 3501 §6.4.6: the updated flags unless .SILENT; the UID form also gives the UID (§6.4.8).
    if (!silent) out.push(line(`* ${index + 1} FETCH (`, context.uid ? `UID ${entry.message.uid} ` : '', 'FLAGS ', flagList(entry), ')'));
  }
  session.write(Buffer.concat(out));
  return { text: 'Store completed' };
}

/** Copies the chosen messages; returns the COPYUID response code (RFC 4315 §3) and the source UIDs. */
function copyMessages(context: CommandContext): { code: string | undefined; sourceUids: number[] } {
  const { args, session } = context;
  args.sp();
  const set = args.sequenceSet();
  args.sp();
  const target = args.mailbox();
  args.end();
  const view = viewOf(context);
  const { store } = session.context;
  const box = store.mailbox(view.user, target);
  if (!box) throw new CommandFailure('NO', `Mailbox doesn't exist: ${target}`, ResponseCode.TRYCREATE);
  const sources = view.resolve(set, context.uid).map((i) => view.entries[i]!).filter((e) => !e.expunged);
  const copied = sources.map((e) =>
    store.append(view.user, box.name, e.message.bytes, { flags: [...e.message.flags], internalDate: e.message.internalDate }),
  );
  const sourceUids = sources.map((e) => e.message.uid);
  const code = copied.length > 0 ? `COPYUID ${box.uidValidity} ${uidSet(sourceUids)} ${uidSet(copied.map((m) => m.uid))}` : undefined;
  return { code, sourceUids };
}

// RFC 3501 §6.4.7 copy = "COPY" SP sequence-set SP mailbox
export function copy(context: CommandContext): Completion {
  const { code } = copyMessages(context);
  return code ? { code, text: 'Copy completed' } : { text: 'Copy completed' };
}

// RFC 6851 §3.1 move = "MOVE" SP sequence-set SP mailbox: COPYUID in an untagged OK, then EXPUNGEs (§4.3).
export function move(context: CommandContext): Completion {
  const view = writable(context);
  const { code, sourceUids } = copyMessages(context);
  if (code) context.session.untagged(`OK [${code}] Moved`);
  context.session.context.store.expunge(view.user, view.mailbox, sourceUids);
  return { text: 'Move completed' };
}
