/**
 * The sandbox's users: who may log in with which password, and which addresses are local. Logins are
 * accepted as the bare name ("alice") or as the address ("alice@example.test"), as Dovecot does with
 * auth_default_realm. Pure; imports nothing.
 */

export interface SandboxUser {
  /** Login name and local part of the address, e.g. "alice". */
  name: string;
  password: string;
  /** Bytes all the user's messages may take together (default SandboxLimits.userBytes). A delivery that
   *  does not fit is bounced with 5.2.2 mailbox full (RFC 3463 §3.3); an IMAP APPEND is refused. */
  quota?: number;
}

/** The sandbox's only local domain (RFC 2606 reserves .test for testing). */
export const SANDBOX_DOMAIN = 'example.test';

export const DEFAULT_USERS: readonly SandboxUser[] = [
  { name: 'alice', password: 'alicepw' },
  { name: 'bob', password: 'bobpw' },
  { name: 'carol', password: 'carolpw' },
  // The POP3 suite's own mailboxes: POP3 cannot search, so no other built-in suite delivers to them.
  { name: 'dave', password: 'davepw' },
  { name: 'erin', password: 'erinpw' },
];

/** RFC 5321 §4.5.1: the reserved, case-insensitive local name every mail system must accept. */
const POSTMASTER = 'postmaster';

/** What an address means to the sandbox: one of its users, an unknown name in its domain, or elsewhere. */
export type AddressKind = { kind: 'local'; user: SandboxUser } | { kind: 'unknown-local' } | { kind: 'remote' };

export class UserDirectory {
  readonly domain: string;
  /** Who receives mail for "postmaster". */
  readonly postmaster: SandboxUser;
  private readonly byName = new Map<string, SandboxUser>();

  constructor(users: readonly SandboxUser[] = DEFAULT_USERS, domain: string = SANDBOX_DOMAIN) {
    this.domain = domain.toLowerCase();
    for (const user of users) {
      const key = user.name.toLowerCase();
      if (!key || key.includes('@')) throw new Error(`invalid sandbox user name "${user.name}"`);
      if (this.byName.has(key)) throw new Error(`duplicate sandbox user "${user.name}"`);
      if (user.quota !== undefined && !(Number.isSafeInteger(user.quota) && user.quota >= 0)) {
        throw new Error(`sandbox user "${user.name}": quota must be a whole number of bytes, not ${user.quota}`);
      }
      this.byName.set(key, { name: key, password: user.password, ...(user.quota === undefined ? {} : { quota: user.quota }) });
    }
    const first = this.byName.values().next();
    if (first.done) throw new Error('the sandbox needs at least one user');
    this.postmaster = first.value;
  }

  get users(): SandboxUser[] {
    return [...this.byName.values()];
  }

  /** "alice" or "alice@example.test" (any case) → the user; undefined for anyone else. */
  findLogin(login: string): SandboxUser | undefined {
    const lower = login.toLowerCase();
    const suffix = `@${this.domain}`;
    return this.byName.get(lower.endsWith(suffix) ? lower.slice(0, -suffix.length) : lower);
  }

  /**
   * Classifies an envelope address. Local parts are compared without case: RFC 5321 §2.4 lets the
   * receiving host decide, and every common MTA folds them. "postmaster", bare or in the local domain,
   * must be accepted (RFC 5321 §4.5.1): it is delivered to the first user unless a user has that name.
   */
  classify(address: string): AddressKind {
    const at = address.lastIndexOf('@');
    const domain = at < 0 ? this.domain : address.slice(at + 1).toLowerCase();
    if (domain !== this.domain) return { kind: 'remote' };
    const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
    const user = this.byName.get(local) ?? (local === POSTMASTER ? this.postmaster : undefined);
    return user ? { kind: 'local', user } : { kind: 'unknown-local' };
  }
}
