/**
 * DNS for the audit: one resolver (the system's, or --resolver IP[:PORT]) with a timeout, every query and
 * answer logged as transcript entries (session "dns") so DNS findings carry evidence like SMTP ones, and
 * errors named (no such name, no data, timeout). Also the resolver function mailauth takes.
 * Imports node:dns, node:net (isIP), results/types and audit/types only.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TranscriptEntry } from '../results/types.js';
import type { NetworkProblem } from './types.js';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR';

/** Answers as Node's resolver gives them, per type. */
export interface Answers {
  A: string[];
  AAAA: string[];
  MX: Array<{ exchange: string; priority: number }>;
  TXT: string[][];
  CNAME: string[];
  PTR: string[];
}

export type DnsOutcome<T extends RecordType> =
  | { ok: true; answers: Answers[T] }
  /** nxdomain: the name does not exist; nodata: it exists without records of this type. */
  | { ok: false; reason: 'nxdomain' | 'nodata' | 'timeout' | 'error'; message: string };

const NAMED_ERRORS: Record<string, 'nxdomain' | 'nodata' | 'timeout'> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ETIMEOUT: 'timeout',
};

/** RFC 1035 §3.5 in-addr.arpa and RFC 3596 §2.5 ip6.arpa names of an address. */
export function reverseName(address: string): string {
  if (isIP(address) === 4) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = address.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const nibbles = full.map((group) => group.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

export function problemOfDns(reason: 'nxdomain' | 'nodata' | 'timeout' | 'error'): NetworkProblem {
  return reason === 'timeout' ? 'dns-timeout' : 'dns';
}

function render(type: RecordType, answers: Answers[RecordType]): string[] {
  if (type === 'MX') return (answers as Answers['MX']).map((mx) => `MX ${mx.priority} ${mx.exchange}`);
  if (type === 'TXT') return (answers as Answers['TXT']).map((parts) => `TXT "${parts.join('')}"`);
  return (answers as string[]).map((answer) => `${type} ${answer}`);
}

export class DnsClient {
  private readonly resolver: Resolver;
  private readonly log: TranscriptEntry[] = [];

  /** `server`: "IP" or "IP:PORT" ("[IPv6]:PORT"); the system's resolvers when undefined. */
  constructor(
    server: string | undefined,
    timeoutMs: number,
    private readonly startNs: bigint,
  ) {
    // c-ares retries `tries` times, each waiting `timeout` ms: keep the whole query within timeoutMs.
    this.resolver = new Resolver({ timeout: Math.max(100, Math.floor(timeoutMs / 2)), tries: 2 });
    if (server !== undefined) this.resolver.setServers([server]);
  }

  /** Log entries from `mark` on: the evidence of the queries made since. */
  since(mark: number): TranscriptEntry[] {
    return this.log.slice(mark);
  }

  mark(): number {
    return this.log.length;
  }

  async query<T extends RecordType>(type: T, name: string): Promise<DnsOutcome<T>> {
    this.record('c', `${type} ${name}?`);
    try {
      // PTR asks the server for the arpa name: Resolver.reverse() would answer from /etc/hosts first.
      const asked = type === 'PTR' && isIP(name) !== 0 ? reverseName(name) : name;
      const answers = (await this.resolver.resolve(asked, type)) as Answers[T];
      const lines = render(type, answers);
      this.record('s', lines.length > 0 ? lines.join('\n') : `no ${type} records`);
      return { ok: true, answers };
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      const reason = NAMED_ERRORS[code] ?? 'error';
      const message = `${type} ${name}: ${reason === 'nxdomain' ? 'no such name' : reason === 'nodata' ? `no ${type} records` : reason === 'timeout' ? 'DNS timeout' : code || String(err)}`;
      this.record('s', message);
      return { ok: false, reason, message };
    }
  }

  /** A, then AAAA: the addresses of a name (RFC 5321 §5.1), with the first failure when there are none. */
  async addresses(name: string): Promise<{ addresses: string[]; failure?: DnsOutcome<'A'> & { ok: false } }> {
    const v4 = await this.query('A', name);
    const v6 = await this.query('AAAA', name);
    const addresses = [...(v4.ok ? v4.answers : []), ...(v6.ok ? v6.answers : [])];
    if (addresses.length > 0) return { addresses };
    const failure = !v4.ok ? v4 : !v6.ok ? v6 : { ok: false as const, reason: 'nodata' as const, message: `${name} has no addresses` };
    return { addresses, failure };
  }

  /** mailauth's resolver contract: Node's answers for the type, Node's error codes (ENOTFOUND, ENODATA). */
  readonly forMailauth = async (name: string, type: string): Promise<string[][] | string[]> => {
    this.record('c', `${type} ${name}?`);
    try {
      const answers = (await this.resolver.resolve(name, type)) as string[][] | string[];
      this.record('s', type === 'TXT' ? (answers as string[][]).map((parts) => `TXT "${parts.join('')}"`).join('\n') || 'no TXT records' : JSON.stringify(answers));
      return answers;
    } catch (err) {
      this.record('s', `${type} ${name}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  };

  private record(dir: 'c' | 's', text: string): void {
    const atMs = Math.round(Number(process.hrtime.bigint() - this.startNs) / 1000) / 1000;
    this.log.push({ session: 'dns', dir, atMs, text });
  }
}
