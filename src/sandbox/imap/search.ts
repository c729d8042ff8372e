/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4): search keys parsed into a predicate over the view's messages —
 * flags, sequence and UID sets, sizes, internal and sent dates, header fields (values unfolded and RFC 2047
 * decoded), BODY and TEXT as case-insensitive substrings, NOT, OR and parenthesized lists. Messages
 * expunged by another session but not yet reported are left out. Imports src/mime (encoded words) and
 * sandbox/imap modules.
 */
import { decodeWords } from '../../mime/index.js';
import type { CommandContext, Completion } from './commands.js';
import { CommandFailure } from './failure.js';
import { ImapServerLimits } from './limits.js';
import { parseEntity, type Entity } from './mime.js';
import type { Cursor } from './parser.js';
import type { SelectedView, ViewEntry } from './view.js';

/** What a key looks at: the message, its sequence number, and its parsed structure on demand. */
interface Candidate {
  entry: ViewEntry;
  seq: number;
  entity(): Entity;
  text(): string;
}
type Predicate = (candidate: Candidate) => boolean;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar day of a date, in UTC (INTERNALDATE is written in UTC). */
function dayOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

function flag(name: string, present = true): Predicate {
  return ({ entry }) => entry.message.flags.has(name) === present;
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/** RFC 3501 §6.4.4 HEADER: the field exists and its value contains the string ("" matches any value). */
function header(name: string, needle: string): Predicate {
  const field = name.toLowerCase();
  return (c) => c.entity().headers.some((h) => h.name === field && contains(decodeWords(h.value).text, needle));
}

/** RFC 3501 §6.4.4 SENT*: the Date header's day. */
function sentDay(c: Candidate): number | undefined {
  const value = c.entity().headers.find((h) => h.name === 'date')?.value;
  const time = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : dayOf(new Date(time));
}

const FLAG_KEYS: Readonly<Record<string, Predicate>> = {
  ALL: () => true,
  ANSWERED: flag('\\Answered'),
  DELETED: flag('\\Deleted'),
  DRAFT: flag('\\Draft'),
  FLAGGED: flag('\\Flagged'),
  SEEN: flag('\\Seen'),
  UNANSWERED: flag('\\Answered', false),
  UNDELETED: flag('\\Deleted', false),
  UNDRAFT: flag('\\Draft', false),
  UNFLAGGED: flag('\\Flagged', false),
  UNSEEN: flag('\\Seen', false),
  RECENT: ({ entry }) => entry.recent,
  OLD: ({ entry }) => !entry.recent,
  NEW: ({ entry }) => entry.recent && !entry.message.flags.has('\\Seen'),
};

const ADDRESS_HEADERS = ['FROM', 'TO', 'CC', 'BCC', 'SUBJECT'];
/** Keys followed by arguments; any other key that is not a flag key is unknown. */
const KEYS_WITH_ARGUMENTS: ReadonlySet<string> = new Set([
  ...ADDRESS_HEADERS,
  ...['NOT', 'OR', 'HEADER', 'BODY', 'TEXT', 'KEYWORD', 'UNKEYWORD', 'LARGER', 'SMALLER', 'UID'],
  ...['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'],
]);

// RFC 3501 §9 search-key
function searchKey(args: Cursor, view: SelectedView, depth: number): Predicate {
  if (depth > ImapServerLimits.nesting) args.fail('search keys nested too deeply');
  if (args.take('(')) {
    const keys = searchKeys(args, view, depth + 1);
    args.expect(')');
    return (c) => keys.every((key) => key(c));
  }
  if (args.atSequenceSet()) {
    const chosen = new Set(view.resolve(args.sequenceSet(), false));
    return (c) => chosen.has(c.seq - 1);
  }
  const name = args.atom().toUpperCase();
  const known = FLAG_KEYS[name];
  if (known) return known;
  if (!KEYS_WITH_ARGUMENTS.has(name)) args.fail(`unknown search key ${name}`);
  args.sp();
  if (ADDRESS_HEADERS.includes(name)) return header(name, args.astringText());
  switch (name) {
    case 'NOT': {
      const key = searchKey(args, view, depth + 1);
      return (c) => !key(c);
    }
    case 'OR': {
      const left = searchKey(args, view, depth + 1);
      args.sp();
      const right = searchKey(args, view, depth + 1);
      return (c) => left(c) || right(c);
    }
    case 'HEADER': {
      const field = args.astringText();
      args.sp();
      return header(field, args.astringText());
    }
    case 'BODY': {
      const needle = args.astring().toString('latin1');
      return (c) => contains(c.text().slice(c.entity().bodyStart), needle);
    }
    case 'TEXT': {
      const needle = args.astring().toString('latin1');
      return (c) => contains(c.text(), needle);
    }
    case 'KEYWORD':
    case 'UNKEYWORD': {
      const keyword = args.atom();
      return flag(keyword, name === 'KEYWORD');
    }
    case 'LARGER': {
      const size = args.number();
      return ({ entry }) => entry.message.bytes.length > size;
    }
    case 'SMALLER': {
      const size = args.number();
      return ({ entry }) => entry.message.bytes.length < size;
    }
    case 'UID': {
      const chosen = new Set(view.resolve(args.sequenceSet(), true));
      return (c) => chosen.has(c.seq - 1);
    }
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      return dateKey(name, dayOf(args.date()), ({ entry }) => dayOf(entry.message.internalDate));
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return dateKey(name.slice(4), dayOf(args.date()), sentDay);
    default:
      return args.fail(`unknown search key ${name}`);
  }
}


function dateKey(comparison: string, day: number, dayOfCandidate: (c: Candidate) => number | undefined): Predicate {
  return (c) => {
    const actual = dayOfCandidate(c);
    if (actual === undefined) return false;
    return comparison === 'BEFORE' ? actual < day : comparison === 'ON' ? actual === day : actual >= day;
  };
}

function searchKeys(args: Cursor, view: SelectedView, depth: number): Predicate[] {
  const keys = [searchKey(args, view, depth)];
  while (args.take(' ')) keys.push(searchKey(args, view, depth));
  return keys;
}

// RFC 3501 §6.4.4 search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
export function search(context: CommandContext): Completion {
  const { args, session } = context;
  const view = session.view!;
  args.sp();
  if (args.take('CHARSET ')) {
    const charset = args.astringText().toUpperCase();
    // RFC 3501 §6.4.4: US-ASCII must be supported; UTF-8 is what the strings are read as anyway.
    if (charset !== 'UTF-8' && charset !== 'US-ASCII') throw new CommandFailure('NO', `unsupported charset ${charset}`, 'BADCHARSET (UTF-8 US-ASCII)');
    args.sp();
  }
  const keys = searchKeys(args, view, 0);
  args.end();
  const found: number[] = [];
  view.entries.forEach((entry, i) => {
    if (entry.expunged) return;
    let entity: Entity | undefined;
    let text: string | undefined;
    const candidate: Candidate = {
      entry,
      seq: i + 1,
      entity: () => (entity ??= parseEntity(entry.message.bytes)),
      // latin1 keeps one character per octet, so entity offsets index this text and needles compare as octets.
      text: () => (text ??= entry.message.bytes.toString('latin1')),
    };
    if (keys.every((key) => key(candidate))) found.push(context.uid ? entry.message.uid : i + 1);
  });
  session.untagged(['SEARCH', ...found].join(' '));
  return { text: 'Search completed' };
}
