/**
 * Names in a Maildir (https://cr.yp.to/proto/maildir.html) with Maildir++ folders (Courier's layout, which
 * Dovecot's `maildir:` uses): unique file names, the ":2,<flags>" info suffix, and folder directories.
 * Pure: strings in, strings out. Imports nothing.
 */

/** The maildir's subdirectories: written in tmp, delivered to new, seen (with flags) in cur. */
export const SUBDIRS = ['tmp', 'new', 'cur'] as const;
export type Subdir = (typeof SUBDIRS)[number];

/**
 * The Maildir spec's info flags and the IMAP flags they stand for (RFC 9051 §2.3.2). "P" (passed) has no
 * system flag; it stands for the $Forwarded keyword, as it means. Other keywords take the letters a–z
 * through the folder's dovecot-keywords file (keywords.ts).
 */
const FLAG_LETTERS: ReadonlyArray<readonly [letter: string, flag: string]> = [
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['P', '$Forwarded'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
];
const FLAG_OF_LETTER = new Map(FLAG_LETTERS);
const LETTER_OF_FLAG = new Map(FLAG_LETTERS.map(([letter, flag]) => [flag.toLowerCase(), letter]));

/** The Maildir spec's "experimental semantics" marker: info starting "2," carries flags. */
const INFO_PREFIX = ':2,';

export interface FileName {
  /** The unique part, before ":": what identifies the message across flag changes. */
  base: string;
  /** The info flags, e.g. "FS"; empty when there are none or no info at all. */
  letters: string;
}

/** "1795459032.V…vm:2,FS" → base and letters; a name without ":2," (as in new/) has no flags. */
export function parseFileName(name: string): FileName {
  const colon = name.indexOf(':');
  if (colon < 0) return { base: name, letters: '' };
  const info = name.slice(colon);
  return { base: name.slice(0, colon), letters: info.startsWith(INFO_PREFIX) ? info.slice(INFO_PREFIX.length) : '' };
}

/** base + ":2," + the letters in ASCII order, as the spec wants them. */
export function fileNameWithFlags(base: string, letters: string): string {
  return `${base}${INFO_PREFIX}${[...new Set(letters)].sort().join('')}`;
}

/**
 * IMAP flags → info letters. Keywords get their letter from `keywordLetter` (which may assign one);
 * \Recent is a session flag and never stored (RFC 9051 §2.3.2); a keyword without a letter is dropped.
 */
export function lettersOf(flags: Iterable<string>, keywordLetter: (keyword: string) => string | undefined): string {
  let letters = '';
  for (const flag of flags) {
    const letter = LETTER_OF_FLAG.get(flag.toLowerCase()) ?? (flag.startsWith('\\') ? undefined : keywordLetter(flag));
    if (letter !== undefined) letters += letter;
  }
  return letters;
}

/** Info letters → IMAP flags; lower-case letters are keywords looked up in `keywordOf`. */
export function flagsOf(letters: string, keywordOf: (letter: string) => string | undefined): string[] {
  const flags: string[] = [];
  for (const letter of letters) {
    const flag = FLAG_OF_LETTER.get(letter) ?? keywordOf(letter);
    if (flag !== undefined) flags.push(flag);
  }
  return flags;
}

/**
 * The Maildir spec's unique name "time.MusecPpidQn.host", with ",S=<size>" (the size Dovecot and Courier
 * read without opening the file). "/" and ":" in the host name are written "\057" and "\072", as the spec says.
 */
export function uniqueBase(now: Date, pid: number, counter: number, host: string, size: number): string {
  const seconds = Math.floor(now.getTime() / 1000);
  const micros = (now.getTime() % 1000) * 1000;
  const safeHost = host.replace(/\//g, '\\057').replace(/:/g, '\\072');
  return `${seconds}.M${micros}P${pid}Q${counter}.${safeHost},S=${size}`;
}

/** The escape for "." inside a folder name: Maildir++ uses "." as the hierarchy separator. */
const DOT_ESCAPE = '&AC4-';

/**
 * Maildir++: INBOX is the maildir itself (""); "Work/Projects" is the directory ".Work.Projects". A "." in a
 * name is written as its modified-UTF-7 form "&AC4-" (RFC 3501 §5.1.3), which an IMAP client never sends
 * for a printable character, so that the mapping goes back unambiguously.
 */
export function folderDirectory(mailbox: string, delimiter: string): string {
  if (mailbox === 'INBOX') return '';
  return `.${mailbox
    .split(delimiter)
    .map((part) => part.replaceAll('.', DOT_ESCAPE))
    .join('.')}`;
}

/** ".Work.Projects" → "Work/Projects"; undefined for what is not a Maildir++ folder directory. */
export function mailboxOfDirectory(directory: string, delimiter: string): string | undefined {
  if (!directory.startsWith('.') || directory === '.' || directory === '..') return undefined;
  const parts = directory.slice(1).split('.');
  if (parts.some((part) => part === '')) return undefined;
  return parts.map((part) => part.replaceAll(DOT_ESCAPE, '.')).join(delimiter);
}
