/**
 * Where the real-server IMAP targets listen, read from scripts/targets/common.sh (the single source of
 * ports and users), and whether they answer. Tests against Dovecot skip with this reason when they do not.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

const COMMON = new URL('../../../scripts/targets/common.sh', import.meta.url);

export interface DovecotTarget {
  imapPort: number;
  imapsPort: number;
  /** name → password. */
  users: Record<string, string>;
}

/** Parses `SERVICES=( "imap 1143 plain" … )` and `MAIL_USERS=(alice:alicepw …)`. */
export function dovecotTarget(): DovecotTarget {
  const script = readFileSync(COMMON, 'utf8');
  const port = (name: string): number => {
    const m = new RegExp(`"${name} (\\d+) (?:plain|implicit)"`).exec(script);
    if (!m) throw new Error(`scripts/targets/common.sh names no ${name} service`);
    return Number(m[1]);
  };
  const users = /MAIL_USERS=\(([^)]*)\)/.exec(script)?.[1] ?? '';
  return {
    imapPort: port('imap'),
    imapsPort: port('imaps'),
    users: Object.fromEntries(users.trim().split(/\s+/).map((entry) => entry.split(':') as [string, string])),
  };
}

/** Undefined when something accepts connections on 127.0.0.1:port, else why not. */
export function unreachable(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(1000, () => done(`no answer from 127.0.0.1:${port} within 1s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(`127.0.0.1:${port}: ${err.message}`));
  });
}
