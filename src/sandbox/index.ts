/**
 * The embedded sandbox: mailprobe's own mail system on loopback, the default target when no --target is
 * given, and `mailprobe serve`. SMTP (smtp, submission, smtps), POP3 (pop3, pop3s) and IMAP (imap, imaps)
 * serve one store, in memory or (`maildir`) persisted in Maildirs. With `fault`, the services of the
 * protocols that fault applies to are replaced by listeners that misbehave that way (faults/table.ts). Start takes ~0.1 s (certificate +
 * listeners); close() frees every socket and timer so the process can exit.
 * Imports sandbox/ modules only (they import smtp-server, selfsigned, node:* and the pure src/mime builder);
 * the CLI and runner import this module, never the other way round.
 */
import { startFaultListeners } from './faults/listener.js';
import type { FaultProtocol } from './faults/responders.js';
import { faultAppliesTo, type FaultName } from './faults/table.js';
import { SandboxLimits } from './limits.js';
import { IMAP_LISTENERS, startImap, type ImapListenerName } from './imap/server.js';
import { POP3_LISTENERS, startPop3, type Pop3ListenerName } from './pop3/server.js';
import { SMTP_LISTENERS, startSmtp, type SmtpListenerName } from './smtp.js';
import { openMaildir } from './maildir/index.js';
import { MailStore } from './store.js';
import { createCertificate } from './tls.js';
import { DEFAULT_USERS, SANDBOX_DOMAIN, UserDirectory, type SandboxUser } from './users.js';
import type { UnknownRecipientPolicy } from './delivery.js';

export type { MailStore, Mailbox, StoredMessage, StoreChange } from './store.js';
export type { SandboxUser } from './users.js';
export { DEFAULT_USERS, SANDBOX_DOMAIN, SandboxLimits };
export { FAULTS, FAULT_NAMES, isFaultName, type FaultName } from './faults/table.js';
export { UNKNOWN_RECIPIENT_POLICIES, type UnknownRecipientPolicy } from './delivery.js';
export type { FaultProtocol } from './faults/responders.js';

export type SandboxServiceName = SmtpListenerName | Pop3ListenerName | ImapListenerName;

export interface SandboxOptions {
  /** Where to listen; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port per service; 0 or absent = a free port. */
  ports?: Partial<Record<SandboxServiceName, number>>;
  /** Default: alice/alicepw, bob/bobpw, carol/carolpw. */
  users?: readonly SandboxUser[];
  /** The local domain; default example.test. */
  domain?: string;
  /** Every service of the protocols this fault applies to misbehaves this way (see FAULTS). */
  fault?: FaultName;
  /** Only these protocols' services get the fault (default: all it applies to); the others stay healthy. */
  faultProtocols?: readonly FaultProtocol[];
  /**
   * RCPT TO an unknown user of the local domain: 'reject' (default) answers 550 5.1.1; 'bounce' accepts it
   * and then sends the sender a delivery status notification (RFC 3464) with 5.1.1.
   */
  unknownRecipients?: UnknownRecipientPolicy;
  /** Told, one line each, about mail the sandbox drops (remote recipients, notifications it cannot deliver). */
  log?: (line: string) => void;
  /**
   * Keep the store in Maildirs under this directory (DIR/<user>, Maildir++ folders) instead of memory
   * only: loaded at start (ours, or another program's such as Dovecot's), written as it changes.
   */
  maildir?: string;
}

export interface Sandbox {
  /** Service name → URL: { smtp: "smtp://127.0.0.1:40125", submission: "smtp://…", smtps: "smtps://…", imap: "imap://…", imaps: "imaps://…" }. */
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
const SCHEMES: Readonly<Record<SandboxServiceName, string>> = {
  smtp: 'smtp',
  submission: 'smtp',
  smtps: 'smtps',
  pop3: 'pop3',
  pop3s: 'pop3s',
  imap: 'imap',
  imaps: 'imaps',
};
/** The services that speak TLS from the first byte (RFC 8314). */
const IMPLICIT_TLS: ReadonlySet<string> = new Set(['smtps', 'pop3s', 'imaps']);

interface Started {
  ports: Partial<Record<SandboxServiceName, number>>;
  close(): Promise<void>;
}

/** A URL host: IPv6 literals go in brackets (RFC 3986 §3.2.2). */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? DEFAULT_HOST;
  const users = new UserDirectory(options.users ?? DEFAULT_USERS, options.domain ?? SANDBOX_DOMAIN);
  const store = new MailStore(users.users);
  const log = options.log ?? (() => undefined);
  const certificate = await createCertificate();
  const hostname = `mx.${users.domain}`;
  const port = (name: SandboxServiceName): number => options.ports?.[name] ?? 0;
  const { fault } = options;
  /** The fault's listeners in place of a protocol's services, or undefined if that protocol stays healthy. */
  const faulty = (protocol: FaultProtocol, names: readonly SandboxServiceName[]): Promise<Started> | undefined => {
    if (fault === undefined || !faultAppliesTo(fault, protocol) || !(options.faultProtocols?.includes(protocol) ?? true)) return undefined;
    const services = names.map((name) => ({ name, port: port(name), implicitTls: IMPLICIT_TLS.has(name) }));
    return startFaultListeners({ fault, protocol, host, services, certificate });
  };
  const starters: Array<() => Promise<Started>> = [
    () =>
      faulty('smtp', SMTP_LISTENERS) ??
      startSmtp({
        host,
        ports: { smtp: port('smtp'), submission: port('submission'), smtps: port('smtps') },
        hostname,
        certificate,
        users,
        store,
        unknownRecipients: options.unknownRecipients ?? 'reject',
        log,
      }),
    () => faulty('pop3', POP3_LISTENERS) ?? startPop3({ host, ports: { pop3: port('pop3'), pop3s: port('pop3s') }, hostname, certificate, users, store }),
    () => faulty('imap', IMAP_LISTENERS) ?? startImap({ host, ports: { imap: port('imap'), imaps: port('imaps') }, hostname, certificate, users, store }),
  ];
  // Loaded before any service listens, so that the first session sees what was kept.
  const persistence = options.maildir === undefined ? undefined : await openMaildir(options.maildir, store, users.users.map((user) => user.name), log);
  const started: Started[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.map((service) => service.close()));
    // After the services: what their last sessions changed is written too.
    await persistence?.close();
  };
  try {
    for (const start of starters) started.push(await start());
  } catch (err) {
    await closeAll();
    throw err;
  }
  const ports = Object.assign({}, ...started.map((service) => service.ports)) as Record<SandboxServiceName, number>;
  const targets = Object.fromEntries(
    Object.entries(ports).map(([name, bound]) => [name, `${SCHEMES[name as SandboxServiceName]}://${urlHost(host)}:${bound}`]),
  ) as Record<SandboxServiceName, string>;
  let closing: Promise<void> | undefined;
  return {
    targets,
    ca: certificate.cert,
    store,
    users: users.users,
    domain: users.domain,
    close: () => (closing ??= closeAll()),
  };
}
