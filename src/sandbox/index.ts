/**
 * The embedded sandbox: mailprobe's own mail system on loopback, the default target when no --target is
 * given, and `mailprobe serve`. This slice runs the SMTP side (smtp, submission, smtps) over an in-memory
 * store; POP3 and IMAP will serve the same store. Start takes ~0.1 s (certificate + listeners); close()
 * frees every socket and timer so the process can exit.
 * Imports sandbox/ modules only (they import smtp-server, selfsigned and node:*); the CLI and runner import
 * this module, never the other way round.
 */
import { SandboxLimits } from './limits.js';
import { startSmtp, type SmtpListenerName } from './smtp.js';
import { MailStore } from './store.js';
import { createCertificate } from './tls.js';
import { DEFAULT_USERS, SANDBOX_DOMAIN, UserDirectory, type SandboxUser } from './users.js';

export type { MailStore, Mailbox, StoredMessage, StoreChange } from './store.js';
export type { SandboxUser } from './users.js';
export { DEFAULT_USERS, SANDBOX_DOMAIN, SandboxLimits };

export type SandboxServiceName = SmtpListenerName;

export interface SandboxOptions {
  /** Where to listen; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port per service; 0 or absent = a free port. */
  ports?: Partial<Record<SandboxServiceName, number>>;
  /** Default: alice/alicepw, bob/bobpw, carol/carolpw. */
  users?: readonly SandboxUser[];
  /** The local domain; default example.test. */
  domain?: string;
}

export interface Sandbox {
  /** Service name → URL: { smtp: "smtp://127.0.0.1:40125", submission: "smtp://…", smtps: "smtps://…" }. */
  targets: Record<SandboxServiceName, string>;
  /** The PEM certificate the services present; self-signed, so clients trust it as their CA. */
  ca: string;
  store: MailStore;
  users: SandboxUser[];
  domain: string;
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
/** The service URL scheme: implicit TLS gets its own (SCENARIO-FORMAT.md, Targets). */
const SCHEMES: Readonly<Record<SandboxServiceName, string>> = { smtp: 'smtp', submission: 'smtp', smtps: 'smtps' };

/** A URL host: IPv6 literals go in brackets (RFC 3986 §3.2.2). */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? DEFAULT_HOST;
  const users = new UserDirectory(options.users ?? DEFAULT_USERS, options.domain ?? SANDBOX_DOMAIN);
  const store = new MailStore(users.users.map((user) => user.name));
  const certificate = await createCertificate();
  const smtp = await startSmtp({
    host,
    ports: { smtp: options.ports?.smtp ?? 0, submission: options.ports?.submission ?? 0, smtps: options.ports?.smtps ?? 0 },
    hostname: `mx.${users.domain}`,
    certificate,
    users,
    store,
  });
  const targets = Object.fromEntries(
    Object.entries(smtp.ports).map(([name, port]) => [name, `${SCHEMES[name as SandboxServiceName]}://${urlHost(host)}:${port}`]),
  ) as Record<SandboxServiceName, string>;
  let closing: Promise<void> | undefined;
  return {
    targets,
    ca: certificate.cert,
    store,
    users: users.users,
    domain: users.domain,
    close: () => (closing ??= smtp.close()),
  };
}
