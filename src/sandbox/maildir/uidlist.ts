/**
 * The small per-folder files that keep what a Maildir itself does not: UIDVALIDITY, the next UID and each
 * message's UID (RFC 9051 §2.3.1.1), so that IMAP clients stay in step across restarts; and the keyword
 * letters. Our own `mailprobe-uidlist`; Dovecot's `dovecot-uidlist` (version 3) read when ours is missing,
 * so that a Dovecot maildir keeps its UIDs; Dovecot's `dovecot-keywords`, read and written as Dovecot does.
 * Pure: text in, text out. Imports nothing.
 */

export const UIDLIST_FILE = 'mailprobe-uidlist';
export const DOVECOT_UIDLIST_FILE = 'dovecot-uidlist';
export const KEYWORDS_FILE = 'dovecot-keywords';

export interface UidList {
  uidValidity: number;
  uidNext: number;
  /** Message file base name (before ":") → UID. */
  uids: Map<string, number>;
}

const HEADER_TAG = 'mailprobe-uidlist 1';

/**
 * "mailprobe-uidlist 1 V<uidvalidity> N<uidnext>", then one "<uid> <base>" line per message. Lines are
 * appended as messages arrive (appendLine), so a UID may be below N with its file gone (expunged): those
 * are dropped when the folder is next loaded and the file rewritten.
 */
export function formatUidList(list: UidList): string {
  let text = `${HEADER_TAG} V${list.uidValidity} N${list.uidNext}\n`;
  for (const [base, uid] of [...list.uids].sort((a, b) => a[1] - b[1])) text += appendLine(uid, base);
  return text;
}

export function appendLine(uid: number, base: string): string {
  return `${uid} ${base}\n`;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && /^[0-9]+$/.test(text) && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Throws with the line number when the file is not ours or is damaged: a guess would break UIDs silently. */
export function parseUidList(text: string, file: string): UidList {
  const lines = text.split('\n');
  const header = /^mailprobe-uidlist 1 V([0-9]+) N([0-9]+)$/.exec(lines[0] ?? '');
  const uidValidity = positive(header?.[1]);
  const uidNext = positive(header?.[2]);
  if (uidValidity === undefined || uidNext === undefined) throw new Error(`${file}:1: not a ${HEADER_TAG} header: ${JSON.stringify(lines[0])}`);
  const list: UidList = { uidValidity, uidNext, uids: new Map() };
  lines.slice(1).forEach((line, i) => {
    if (line === '') return;
    const space = line.indexOf(' ');
    const uid = positive(line.slice(0, space));
    if (space < 0 || uid === undefined) throw new Error(`${file}:${i + 2}: expected "<uid> <file>": ${JSON.stringify(line)}`);
    list.uids.set(line.slice(space + 1), uid);
    list.uidNext = Math.max(list.uidNext, uid + 1);
  });
  return list;
}

/**
 * Dovecot's dovecot-uidlist, version 3: "3 V<uidvalidity> N<nextuid> …", then "<uid> [<ext>…] :<base>".
 * Undefined for another version or a damaged file: the folder then gets new UIDs, as Dovecot would.
 */
export function parseDovecotUidList(text: string): UidList | undefined {
  const lines = text.split('\n');
  const header = lines[0]?.split(' ') ?? [];
  if (header[0] !== '3') return undefined;
  const uidValidity = positive(header.find((field) => field.startsWith('V'))?.slice(1));
  const uidNext = positive(header.find((field) => field.startsWith('N'))?.slice(1));
  if (uidValidity === undefined || uidNext === undefined) return undefined;
  const list: UidList = { uidValidity, uidNext, uids: new Map() };
  for (const line of lines.slice(1)) {
    const match = /^([0-9]+)(?: [^ :]\S*)* :(.+)$/.exec(line);
    const uid = positive(match?.[1]);
    if (match && uid !== undefined) list.uids.set(match[2]!, uid);
  }
  return list;
}

/** dovecot-keywords: "<index> <keyword>" per line; index 0 is the letter "a", up to 25 ("z"). */
export function parseKeywords(text: string): string[] {
  const keywords: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9]+) (\S+)$/.exec(line);
    const index = Number(match?.[1]);
    if (match && index < LETTERS.length) keywords[index] = match[2]!;
  }
  return keywords;
}

export function formatKeywords(keywords: readonly string[]): string {
  return keywords.map((keyword, index) => `${index} ${keyword}\n`).join('');
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function keywordLetter(index: number): string | undefined {
  return LETTERS[index];
}

export function keywordIndex(letter: string): number {
  return LETTERS.indexOf(letter);
}
