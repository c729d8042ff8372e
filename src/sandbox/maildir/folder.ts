/**
 * One Maildir folder on disk (INBOX's maildir or a Maildir++ ".Folder" directory): reading it back into
 * messages with their UIDs, and the file operations that mirror the store — a new message written in tmp/
 * and renamed into new/ (or cur/ with its flags), flags changed by renaming into cur/ with ":2,<flags>",
 * expunge by unlinking. The modification time of a message file is its INTERNALDATE, as for Dovecot.
 * Imports node:fs, node:path and the sandbox's maildir names and uidlist modules.
 */
import { appendFile, mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { StoredMessage } from '../store.js';
import { fileNameWithFlags, flagsOf, lettersOf, parseFileName, SUBDIRS, uniqueBase, type Subdir } from './names.js';
import {
  appendLine,
  DOVECOT_UIDLIST_FILE,
  formatKeywords,
  formatUidList,
  keywordIndex,
  keywordLetter,
  KEYWORDS_FILE,
  parseDovecotUidList,
  parseKeywords,
  parseUidList,
  UIDLIST_FILE,
  type UidList,
} from './uidlist.js';

/** Where a message's file is now. */
interface MessageFile {
  subdir: Exclude<Subdir, 'tmp'>;
  base: string;
  name: string;
}

export interface LoadedFolder {
  folder: MaildirFolder;
  /** From the folder's uidlist; absent when it had none (the store then makes one up). */
  uidValidity?: number;
  uidNext: number;
  /** In UID order. */
  messages: StoredMessage[];
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Writes a file whole or not at all: a temporary name in the same directory, then rename. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

let counter = 0;
const HOST = hostname();

export class MaildirFolder {
  /** UID → its file. */
  private readonly files = new Map<number, MessageFile>();
  /** Every base name this folder has had: new/ entries that are ours, not another program's. */
  private readonly bases = new Set<string>();
  /** Keyword letters: index 0 is "a" (dovecot-keywords). */
  private keywords: string[] = [];
  /** How many of them the keywords file has. */
  private savedKeywords = 0;

  constructor(public dir: string) {}

  /** Makes tmp/, new/ and cur/ (and the folder directory) where missing. */
  async create(): Promise<void> {
    for (const subdir of SUBDIRS) await mkdir(join(this.dir, subdir), { recursive: true });
  }

  /**
   * Reads the folder: our uidlist, else Dovecot's, gives UIDs; files it does not name get new UIDs in the
   * order they arrived (modification time, then name). Throws when our own uidlist is damaged.
   */
  async load(): Promise<LoadedFolder> {
    await this.create();
    this.keywords = parseKeywords((await readOptional(join(this.dir, KEYWORDS_FILE))) ?? '');
    this.savedKeywords = this.keywords.length;
    const ours = await readOptional(join(this.dir, UIDLIST_FILE));
    const dovecot = ours === undefined ? await readOptional(join(this.dir, DOVECOT_UIDLIST_FILE)) : undefined;
    const list: UidList | undefined = ours !== undefined ? parseUidList(ours, join(this.dir, UIDLIST_FILE)) : dovecot !== undefined ? parseDovecotUidList(dovecot) : undefined;
    const found: Array<{ file: MessageFile; bytes: Buffer; mtime: Date }> = [];
    for (const subdir of ['new', 'cur'] as const) {
      for (const name of await readdir(join(this.dir, subdir))) {
        if (name.startsWith('.')) continue;
        const { base } = parseFileName(name);
        if (this.bases.has(base)) continue;
        const path = join(this.dir, subdir, name);
        const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
        if (!info.isFile()) continue;
        this.bases.add(base);
        found.push({ file: { subdir, base, name }, bytes, mtime: info.mtime });
      }
    }
    let uidNext = list?.uidNext ?? 1;
    const known = found.filter((f) => list?.uids.has(f.file.base));
    const unknown = found.filter((f) => !list?.uids.has(f.file.base)).sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || (a.file.name < b.file.name ? -1 : 1));
    const messages: StoredMessage[] = [];
    for (const { file, bytes, mtime } of [...known, ...unknown]) {
      const uid = list?.uids.get(file.base) ?? uidNext++;
      uidNext = Math.max(uidNext, uid + 1);
      this.files.set(uid, file);
      const letters = file.subdir === 'cur' ? parseFileName(file.name).letters : '';
      messages.push({ uid, bytes, flags: new Set(flagsOf(letters, (letter) => this.keywords[keywordIndex(letter)])), internalDate: mtime });
    }
    messages.sort((a, b) => a.uid - b.uid);
    return { folder: this, ...(list ? { uidValidity: list.uidValidity } : {}), uidNext, messages };
  }

  /** Rewrites the uidlist with exactly the messages there are (after load, and when the folder is made). */
  async saveUidList(uidValidity: number, uidNext: number): Promise<void> {
    const uids = new Map([...this.files].map(([uid, file]) => [file.base, uid]));
    await writeAtomically(join(this.dir, UIDLIST_FILE), formatUidList({ uidValidity, uidNext, uids }));
  }

  has(uid: number): boolean {
    return this.files.has(uid);
  }

  /** True for a file name in new/ that this folder did not write or read: another program delivered it. */
  isForeign(name: string): boolean {
    return !this.bases.has(parseFileName(name).base);
  }

  /**
   * Claims the name a message will have, now (so that the watcher knows the file is ours and later flag
   * changes find it); `write` puts the bytes there. A message in a file another program wrote is claimed
   * by `adopt` instead.
   */
  claim(message: StoredMessage): MessageFile {
    const base = uniqueBase(new Date(), process.pid, ++counter, HOST, message.bytes.length);
    const letters = this.letters(message.flags);
    const file: MessageFile = letters === '' ? { subdir: 'new', base, name: base } : { subdir: 'cur', base, name: fileNameWithFlags(base, letters) };
    this.bases.add(base);
    this.files.set(message.uid, file);
    return file;
  }

  /** Returns the file's base name, for the uidlist. */
  adopt(uid: number, name: string): string {
    const { base } = parseFileName(name);
    this.bases.add(base);
    this.files.set(uid, { subdir: 'new', base, name });
    return base;
  }

  /** The Maildir delivery: write in tmp/, set the date, rename into place; then the uidlist line. */
  async write(message: StoredMessage, file: MessageFile): Promise<void> {
    const temporary = join(this.dir, 'tmp', file.base);
    await writeFile(temporary, message.bytes);
    await utimes(temporary, message.internalDate, message.internalDate);
    await rename(temporary, join(this.dir, file.subdir, file.name));
    await this.recordUid(message.uid, file.base);
    await this.saveKeywords();
  }

  async recordUid(uid: number, base: string): Promise<void> {
    await appendFile(join(this.dir, UIDLIST_FILE), appendLine(uid, base));
  }

  /** Renames the message's file into cur/ with its new flags; a no-op when the name stays. */
  async setFlags(message: StoredMessage): Promise<void> {
    const file = this.files.get(message.uid);
    if (!file) return;
    const name = fileNameWithFlags(file.base, this.letters(message.flags));
    await this.saveKeywords();
    if (file.subdir === 'cur' && file.name === name) return;
    await rename(join(this.dir, file.subdir, file.name), join(this.dir, 'cur', name));
    this.files.set(message.uid, { subdir: 'cur', base: file.base, name });
  }

  async remove(uid: number): Promise<void> {
    const file = this.files.get(uid);
    if (!file) return;
    this.files.delete(uid);
    try {
      await unlink(join(this.dir, file.subdir, file.name));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  /** Writes dovecot-keywords when a keyword got a letter since it was last written. */
  private async saveKeywords(): Promise<void> {
    if (this.keywords.length === this.savedKeywords) return;
    this.savedKeywords = this.keywords.length;
    await writeAtomically(join(this.dir, KEYWORDS_FILE), formatKeywords(this.keywords));
  }

  /** Info letters of these flags; a keyword without a letter gets the next free one (26 at most). */
  private letters(flags: Iterable<string>): string {
    return lettersOf(flags, (keyword) => {
      let index = this.keywords.indexOf(keyword);
      if (index < 0 && keywordLetter(this.keywords.length) !== undefined) index = this.keywords.push(keyword) - 1;
      return index < 0 ? undefined : keywordLetter(index);
    });
  }
}
