/**
 * The real-server targets of scripts/targets (Postfix, Dovecot) as test endpoints: ports are read from
 * scripts/targets/common.sh, so tests follow the script when it moves them. Tests against a target skip when
 * it is not reachable.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { Endpoint } from '../../../src/wire/types.js';

const COMMON_SH = new URL('../../../scripts/targets/common.sh', import.meta.url);
const CA_FILE = `${process.env.MAILPROBE_TARGETS_DIR ?? '/var/lib/mailprobe-targets'}/ca.pem`;

/** name → port and TLS mode, from the SERVICES lines ("pop3 1110 plain") of common.sh. */
function services(): Map<string, { port: number; tls: 'none' | 'implicit' }> {
  const found = new Map<string, { port: number; tls: 'none' | 'implicit' }>();
  for (const [, name, port, tls] of readFileSync(COMMON_SH, 'utf8').matchAll(/^\s*"([\w-]+) (\d+) (plain|implicit)"\s*$/gm)) {
    found.set(name!, { port: Number(port), tls: tls === 'implicit' ? 'implicit' : 'none' });
  }
  return found;
}

function readCa(): string | undefined {
  try {
    return readFileSync(CA_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

/** The named service as an endpoint; certificates verified against the targets' CA when it is readable. */
export function targetEndpoint(name: string): Endpoint {
  const service = services().get(name);
  if (!service) throw new Error(`no service "${name}" in scripts/targets/common.sh`);
  const ca = readCa();
  // Service names double as URL schemes ("pop3s") for the endpoint's label.
  const base = { host: '127.0.0.1', port: service.port, tls: service.tls, url: `${name}://127.0.0.1:${service.port}` };
  return ca === undefined ? { ...base, verify: false } : { ...base, verify: true, ca };
}

/** Why the endpoint cannot be used (for tap's skip), or false when something answers TCP on it. */
export async function unreachable(endpoint: Endpoint): Promise<string | false> {
  const answered = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(1000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
  return answered ? false : `nothing listens on ${endpoint.url} (start the targets: sudo bash scripts/targets/start.sh)`;
}
