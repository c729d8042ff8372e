/**
 * A JMAP-shaped HTTP server on loopback for the HTTP engine and load tests: the session resource at
 * GET /.well-known/jmap (RFC 8620 §2) behind a bearer token, POST /jmap/api answering Mailbox/get
 * (RFC 8621 §2.1) and echoing an unknown method as an error (RFC 8620 §3.6.2), /echo returning the
 * request's header fields, /status/NNN answering NNN, /slow never answering. Plain or TLS.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificate } from '../../../src/sandbox/tls.js';

export const TOKEN = 'tok-3f9a7c1e5d';
const ACCOUNT = 'A13824';

export interface JmapServer {
  url: string;
  /** PEM of the self-signed certificate (TLS servers), to trust with --ca. */
  ca?: string;
  /** Requests served so far, by path. */
  requests: Map<string, number>;
  /** Request targets (path and query) of /echo requests, in order. */
  echoed: string[];
  close(): Promise<void>;
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  if (status === 204 || status === 304) return void res.writeHead(status).end(); // RFC 9110 §15.3.5, §15.4.5: no content
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

function methodResponse(call: unknown): unknown[] {
  const [name, args, id] = call as [string, { accountId?: string }, string];
  if (name !== 'Mailbox/get') return ['error', { type: 'unknownMethod' }, id];
  return [name, { accountId: args.accountId, state: 's1', list: [{ id: 'M1', name: 'Inbox', role: 'inbox' }], notFound: [] }, id];
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, requests: Map<string, number>, echoed: string[]): void {
  const path = (req.url ?? '/').replace(/\?.*/, '');
  requests.set(path, (requests.get(path) ?? 0) + 1);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (path === '/slow') return; // never answers
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) return json(res, Number(status[1]), { status: Number(status[1]) });
    if (path === '/echo') echoed.push(req.url ?? '');
    if (path === '/echo') return json(res, 200, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="jmap"');
      return json(res, 401, { type: 'urn:ietf:params:jmap:error:unauthorized' });
    }
    if (path === '/.well-known/jmap' && req.method === 'GET') {
      res.setHeader('ETag', '"session-7"');
      return json(res, 200, {
        capabilities: { 'urn:ietf:params:jmap:core': { maxSizeRequest: 10_000_000 }, 'urn:ietf:params:jmap:mail': {} },
        accounts: { [ACCOUNT]: { name: 'alice@example.test', isPersonal: true, isReadOnly: false } },
        primaryAccounts: { 'urn:ietf:params:jmap:mail': ACCOUNT },
        username: 'alice@example.test',
        apiUrl: `${'encrypted' in req.socket ? 'https' : 'http'}://${req.headers.host ?? ''}/jmap/api`,
        state: 'session-7',
      });
    }
    if (path === '/jmap/api' && req.method === 'POST') {
      let parsed: { methodCalls?: unknown[] };
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { methodCalls?: unknown[] };
      } catch {
        return json(res, 400, { type: 'urn:ietf:params:jmap:error:notJSON' });
      }
      return json(res, 200, { methodResponses: (parsed.methodCalls ?? []).map(methodResponse), sessionState: 'session-7' });
    }
    json(res, 404, { type: 'not found' });
  });
}

export async function startJmapServer(options: { tls?: boolean } = {}): Promise<JmapServer> {
  const requests = new Map<string, number>();
  const echoed: string[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => handle(req, res, requests, echoed);
  const certificate = options.tls ? await createCertificate() : undefined;
  const server = certificate ? https.createServer({ cert: certificate.cert, key: certificate.key }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(certificate ? { ca: certificate.cert } : {}),
    requests,
    echoed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
