/**
 * One HTTP/1.1 session: requests over one keep-alive connection (reopened when the server closes it), sent
 * with Node's own client (node:http / node:https, RFC 9112), the body read as exact bytes up to
 * Limits.bodyBytes. The transcript gets the request line and header fields (credential values as ***), the
 * body, the status line and header fields, and the response body. Errors are MailprobeErrors: CONNECT, TLS,
 * TIMEOUT, CLOSED, LIMIT. Imports node:http(s), wire/ helpers, util/ and http/headers.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProtocolSession, Reply, StepAction, StepContext } from '../types.js';
import type { Endpoint, TranscriptSink } from '../../wire/types.js';
import { tlsClientOptions } from '../../wire/connection.js';
import { socketError, type SocketPhase } from '../../wire/socket-errors.js';
import { ErrorCode, LimitError, MailprobeError } from '../../util/errors.js';
import { formatDuration } from '../../util/duration.js';
import { Limits } from '../../util/limits.js';
import { headerLines, headerMap, rawPairs } from './headers.js';

type RequestAction = Extract<StepAction, { kind: 'request' }>;

/** RFC 9112 §3.2.1 origin-form, checked again once placeholders are filled in. */
const ORIGIN_FORM = /^\/\S*$/;

export class HttpSession implements ProtocolSession {
  private readonly agent: http.Agent;
  private readonly peer: string;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly transcript: TranscriptSink,
    private readonly connectTimeoutMs: number,
  ) {
    // One connection, kept alive between steps: a session is a connection, as for the mail protocols.
    const agentOptions = { keepAlive: true, maxSockets: 1 };
    this.agent = endpoint.tls === 'implicit' ? new https.Agent({ ...agentOptions, ...tlsClientOptions(endpoint) }) : new http.Agent(agentOptions);
    this.peer = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  }

  perform(action: StepAction, ctx: StepContext): Promise<Reply | undefined> {
    if (action.kind !== 'request') {
      return Promise.reject(new MailprobeError(ErrorCode.UNSUPPORTED, `\`${action.kind}\` steps are not possible on HTTP sessions`));
    }
    if (!ORIGIN_FORM.test(action.path)) {
      return Promise.reject(new MailprobeError(ErrorCode.CONFIG, `request path ${JSON.stringify(action.path)} must start with "/" and hold no spaces`));
    }
    return this.request(action, ctx);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private request(action: RequestAction, ctx: StepContext): Promise<Reply> {
    const { endpoint } = this;
    const client = endpoint.tls === 'implicit' ? https : http;
    const headers: Array<[string, string]> = [...action.headers];
    if (action.body && !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) {
      headers.push(['Content-Length', String(action.body.length)]); // RFC 9112 §6.2
    }
    return new Promise<Reply>((resolve, reject) => {
      let phase: SocketPhase = 'connect';
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: unknown): void => {
        clearTimeout(timer);
        request.destroy();
        reject(socketError(err, phase, this.peer, `waiting for the response to ${action.method} ${action.path}`));
      };
      const request = client.request({
        agent: this.agent,
        host: endpoint.host,
        port: endpoint.port,
        method: action.method,
        path: action.path,
        signal: ctx.signal,
      });
      // One setHeader per name (repeated names as a list, RFC 9110 §5.3), so that Node still adds Host.
      const byName = new Map<string, string[]>();
      for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
      for (const [name, values] of byName) request.setHeader(name, values.length === 1 ? values[0]! : values);
      const expire = (ms: number, what: string): void => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(new MailprobeError(ErrorCode.TIMEOUT, `no ${what} within ${formatDuration(ms)} from ${this.peer}`)), ms);
      };
      const awaitResponse = (): void => expire(ctx.timeoutMs, `response to ${action.method} ${action.path}`);
      awaitResponse();
      request.on('socket', (socket: Socket) => this.watchSocket(socket, (next) => (phase = next), expire, awaitResponse));
      request.on('error', fail);
      request.on('response', (response) => {
        phase = 'session';
        const pairs = rawPairs(response.rawHeaders);
        const statusLine = `HTTP/${response.httpVersion} ${response.statusCode ?? 0} ${response.statusMessage ?? ''}`.trimEnd();
        this.transcript.record('s', [statusLine, ...headerLines(pairs), ''].join('\r\n'));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > Limits.bodyBytes) {
            fail(new LimitError('bodyBytes', Limits.bodyBytes, size, `response body over ${Limits.bodyBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          if (body.length > 0) this.transcript.record('s', body);
          resolve({ status: String(response.statusCode ?? 0), text: body.toString('utf8'), body, headers: headerMap(pairs) });
        });
      });
      const head = [`${action.method} ${action.path} HTTP/1.1`, ...headerLines(requestHeaders(request)), ''].join('\r\n');
      this.transcript.record('c', head);
      if (action.body && action.body.length > 0) this.transcript.record('c', action.body);
      request.end(action.body);
    });
  }

  /** A new connection: bounded by the connect timeout, announced in the transcript as the wire layer does. */
  private watchSocket(socket: Socket, setPhase: (phase: SocketPhase) => void, expire: (ms: number, what: string) => void, awaitResponse: () => void): void {
    if (!socket.connecting) {
      setPhase('session'); // a kept-alive connection
      return;
    }
    expire(this.connectTimeoutMs, 'connection');
    const tls = this.endpoint.tls === 'implicit';
    socket.once('connect', () => {
      setPhase(tls ? 'handshake' : 'session');
      if (!tls) this.connected(awaitResponse);
    });
    if (tls) {
      socket.once('secureConnect', () => {
        setPhase('session');
        this.connected(awaitResponse);
        const tlsSocket = socket as TLSSocket;
        const verified = this.endpoint.verify ? 'certificate verified' : 'certificate not verified';
        this.transcript.record('i', `TLS established: ${tlsSocket.getProtocol() ?? 'unknown'} ${tlsSocket.getCipher().name} (${verified})`);
      });
    }
  }

  private connected(awaitResponse: () => void): void {
    this.transcript.record('i', `connected to ${this.peer}`);
    awaitResponse();
  }
}

/** The header fields Node sends, Host included, as written (Node adds Connection when it writes). */
function requestHeaders(request: http.ClientRequest): Array<[string, string]> {
  return request.getRawHeaderNames().map((name) => {
    const value = request.getHeader(name);
    return [name, Array.isArray(value) ? value.join(', ') : String(value)];
  });
}
