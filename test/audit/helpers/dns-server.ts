/**
 * An in-process DNS server (dns2, UDP on 127.0.0.1:0) answering from a zone the test writes: unknown
 * names get NXDOMAIN, known names without the asked type an empty answer (NODATA). `--resolver` points
 * the audit at it. close() stops it, so tap can exit.
 */
import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';

const { Packet } = dns2;
/** RFC 1035 §4.1.1 RCODE 3, name error; dns2 has Packet.RCODE but its types omit it. */
const NXDOMAIN = 3;

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ exchange: string; priority: number }>;
  TXT?: string[];
  CNAME?: string;
  PTR?: string[];
}

export type Zone = Record<string, ZoneEntry>;

export interface TestDnsServer {
  port: number;
  /** "127.0.0.1:PORT", as --resolver takes it. */
  address: string;
  /** Every question asked, "TYPE name". */
  questions: string[];
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, keyof ZoneEntry> = {
  [Packet.TYPE.A]: 'A',
  [Packet.TYPE.AAAA]: 'AAAA',
  [Packet.TYPE.MX]: 'MX',
  [Packet.TYPE.TXT]: 'TXT',
  [Packet.TYPE.CNAME]: 'CNAME',
  [Packet.TYPE.PTR]: 'PTR',
};

function answersFor(name: string, type: number, entry: ZoneEntry): Array<Partial<dns2.Packet.Resource>> {
  const base = { name, type, class: Packet.CLASS.IN, ttl: 60 };
  switch (TYPE_NAMES[type]) {
    case 'A':
      return (entry.A ?? []).map((address) => ({ ...base, address }));
    case 'AAAA':
      return (entry.AAAA ?? []).map((address) => ({ ...base, address }));
    case 'MX':
      return (entry.MX ?? []).map((mx) => ({ ...base, exchange: mx.exchange, priority: mx.priority }));
    case 'TXT':
      return (entry.TXT ?? []).map((data) => ({ ...base, data }));
    case 'CNAME':
      return entry.CNAME ? [{ ...base, domain: entry.CNAME }] : [];
    case 'PTR':
      return (entry.PTR ?? []).map((domain) => ({ ...base, domain }));
    default:
      return [];
  }
}

export async function startDnsServer(zone: Zone): Promise<TestDnsServer> {
  const questions: string[] = [];
  const lowered = new Map(Object.entries(zone).map(([name, entry]) => [name.toLowerCase(), entry]));
  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (!question) return send(response);
    questions.push(`${TYPE_NAMES[question.type] ?? question.type} ${question.name}`);
    const entry = lowered.get(question.name.toLowerCase());
    if (!entry) response.header.rcode = NXDOMAIN;
    else for (const answer of answersFor(question.name, question.type, entry)) response.answers.push(answer as dns2.Packet.Resource);
    send(response);
  });
  await server.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    questions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
