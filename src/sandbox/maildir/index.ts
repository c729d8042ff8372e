/**
 * `--maildir DIR`: the sandbox's store persisted as standard Maildirs, one per user (DIR/<user>/{tmp,new,cur},
 * folders as Maildir++ ".Parent.Child" directories, flags in the ":2,<flags>" suffix), so that a restart
 * finds every message byte for byte with its flags, UID and the folder's UIDVALIDITY, and so that other
 * Maildir programs can read it — and the sandbox can load theirs (Dovecot's, Postfix's). The in-memory
 * store stays the authority: at start each folder is read into it, then its changes are written behind it
 * in the order they happened (one queue), and a file another program drops into a folder's new/ is taken
 * in as a new message.
 * Imports node:fs, node:path, the store and the maildir modules.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HIERARCHY_DELIMITER, INBOX, type MailStore, type StoreChange } from '../store.js';
import { MaildirFolder } from './folder.js';
import { folderDirectory, mailboxOfDirectory } from './names.js';

export interface MaildirPersistence {
  /** Resolves when every change so far is on disk. */
  flush(): Promise<void>;
  /** Stops watching, then writes what is still queued. */
  close(): Promise<void>;
}

interface Registered {
  folder: MaildirFolder;
  user: string;
  mailbox: string;
  watcher?: FSWatcher;
}

class Maildir implements MaildirPersistence {
  /** `${user}\0${mailbox}` → its folder. */
  private readonly folders = new Map<string, Registered>();
  private tail: Promise<void> = Promise.resolve();
  /** The file being taken in from another program: its append is recorded, not written again. */
  private importing: { folder: MaildirFolder; name: string } | undefined;
  private readonly onChange = (change: StoreChange): void => this.mirror(change);
  /** Set by close(): folders still being made get no watcher (it would keep the process alive). */
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly store: MailStore,
    private readonly log: (line: string) => void,
  ) {}

  async load(users: readonly string[]): Promise<void> {
    for (const user of users) {
      // A user's Maildir is DIR/<user>: a name that is not one plain directory name would land elsewhere.
      if (user.startsWith('.') || /[/\\\0]/.test(user)) throw new Error(`sandbox user "${user}" cannot have a Maildir: not a plain directory name`);
      const userDir = join(this.root, user);
      await mkdir(userDir, { recursive: true });
      const folders = (await readdir(userDir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map((entry) => [entry.name, mailboxOfDirectory(entry.name, HIERARCHY_DELIMITER)] as const)
        .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
        // Parents first: ".a" sorts before ".a.b".
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
      for (const [directory, mailbox] of [['', INBOX] as const, ...folders]) {
        const loaded = await new MaildirFolder(join(userDir, directory)).load();
        const box = this.store.restoreMailbox(user, mailbox, loaded);
        await loaded.folder.saveUidList(box.uidValidity, box.uidNext);
        this.register({ folder: loaded.folder, user, mailbox: box.name });
      }
      // Superiors the store made for folders whose parents had no directory.
      for (const mailbox of this.store.mailboxNames(user)) {
        if (this.folders.has(key(user, mailbox))) continue;
        const folder = new MaildirFolder(this.directoryOf(user, mailbox));
        await folder.create();
        const box = this.store.mailbox(user, mailbox)!;
        await folder.saveUidList(box.uidValidity, box.uidNext);
        this.register({ folder, user, mailbox });
      }
    }
    this.store.on('change', this.onChange);
  }

  flush(): Promise<void> {
    const tail = this.tail;
    return tail.then(() => (tail === this.tail ? undefined : this.flush()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.store.off('change', this.onChange);
    for (const registered of this.folders.values()) registered.watcher?.close();
    await this.flush();
  }

  private directoryOf(user: string, mailbox: string): string {
    return join(this.root, user, folderDirectory(mailbox, HIERARCHY_DELIMITER));
  }

  /** Runs file operations one after another, in the order the store changed; a failure is logged, not fatal. */
  private enqueue(operation: () => Promise<void>): void {
    this.tail = this.tail.then(operation).catch((err: unknown) => this.log(`maildir: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Keeps track of a folder and watches its new/ for files other programs deliver. */
  private register(registered: Registered): void {
    this.folders.set(key(registered.user, registered.mailbox), registered);
    if (this.closed) return;
    const { folder } = registered;
    registered.watcher = watch(join(folder.dir, 'new'), (_event, name) => {
      if (name !== null && folder.isForeign(name)) this.enqueue(() => this.take(registered, name));
    });
    // A folder deleted or renamed under the watcher is not an error of the sandbox.
    registered.watcher.on('error', () => undefined);
  }

  /** A file another program put into new/ becomes the folder's next message. */
  private async take(registered: Registered, name: string): Promise<void> {
    const { folder, user, mailbox } = registered;
    if (!folder.isForeign(name) || this.folders.get(key(user, mailbox)) !== registered) return;
    const path = join(folder.dir, 'new', name);
    let bytes: Buffer;
    let modified: Date;
    try {
      [bytes, modified] = await Promise.all([readFile(path), stat(path).then((info) => info.mtime)]);
    } catch {
      return; // Gone again (moved to cur/ or deleted by its writer) before it could be read.
    }
    this.importing = { folder, name };
    try {
      this.store.append(user, mailbox, bytes, { internalDate: modified });
    } catch (err) {
      this.log(`maildir: ${path} not taken in: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.importing = undefined;
    }
  }

  private mirror(change: StoreChange): void {
    const registered = this.folders.get(key(change.user, change.mailbox));
    switch (change.type) {
      case 'create':
        return this.created(change.user, change.mailbox);
      case 'delete':
        if (!registered) return;
        this.folders.delete(key(change.user, change.mailbox));
        registered.watcher?.close();
        return this.enqueue(() => rm(registered.folder.dir, { recursive: true, force: true }));
      case 'rename':
        return this.renamed(change.user, change.mailbox, change.newName);
    }
    if (!registered) return this.log(`maildir: no folder for ${change.user}'s "${change.mailbox}"`);
    const { folder } = registered;
    switch (change.type) {
      case 'append': {
        const { message } = change;
        if (this.importing?.folder === folder) {
          const base = folder.adopt(message.uid, this.importing.name);
          return this.enqueue(() => folder.recordUid(message.uid, base));
        }
        const file = folder.claim(message);
        return this.enqueue(() => folder.write(message, file));
      }
      case 'flags':
        return this.enqueue(() => folder.setFlags(change.message));
      case 'expunge':
        return this.enqueue(async () => {
          for (const uid of change.uids) await folder.remove(uid);
        });
    }
  }

  /**
   * A new folder: its directory and uidlist. Messages it already holds when this runs (RENAME INBOX moves
   * INBOX's messages into a new mailbox without an append each) are written too.
   */
  private created(user: string, mailbox: string): void {
    const folder = new MaildirFolder(this.directoryOf(user, mailbox));
    const registered: Registered = { folder, user, mailbox };
    this.folders.set(key(user, mailbox), registered);
    this.enqueue(async () => {
      await folder.create();
      const box = this.store.mailbox(user, registered.mailbox);
      if (!box || this.folders.get(key(user, registered.mailbox)) !== registered) return;
      for (const message of box.messages) if (!folder.has(message.uid)) await folder.write(message, folder.claim(message));
      await folder.saveUidList(box.uidValidity, box.uidNext);
      this.register(registered);
    });
  }

  /** RFC 9051 §6.3.6: one event per renamed mailbox (inferiors too); each is one flat Maildir++ directory. */
  private renamed(user: string, from: string, to: string): void {
    const registered = this.folders.get(key(user, from));
    if (!registered) return;
    this.folders.delete(key(user, from));
    registered.mailbox = to;
    this.folders.set(key(user, to), registered);
    const target = this.directoryOf(user, to);
    this.enqueue(async () => {
      await rename(registered.folder.dir, target);
      registered.folder.dir = target;
    });
  }
}

/** Loads (or makes) the users' Maildirs under `root` into the store, then keeps them in step with it. */
export async function openMaildir(root: string, store: MailStore, users: readonly string[], log: (line: string) => void): Promise<MaildirPersistence> {
  const maildir = new Maildir(root, store, log);
  try {
    await maildir.load(users);
  } catch (err) {
    await maildir.close(); // the watchers of the folders loaded so far
    throw err;
  }
  return maildir;
}

function key(user: string, mailbox: string): string {
  return `${user}\0${mailbox}`;
}
