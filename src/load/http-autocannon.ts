/**
 * The part of autocannon 9 (mcollina/autocannon, CommonJS, no bundled types) that the HTTP load uses, typed
 * here: `autocannon(options)` with a request sequence, `setupClient`, and the per-client events. Reading
 * lib/httpClient.js and lib/requestIterator.js: each connection (client) walks `requests` in order, one
 * request in flight (pipelining 1); `setupRequest(request, context)` builds each request just before it is
 * written and may return null to restart the sequence; `onResponse` sees the status, body and headers; the
 * client then emits `response` (status, bytes received, milliseconds from write to the last byte).
 * `context` is the client's own object, cloned from `initialContext` whenever the sequence starts over.
 * Imports node:module only.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

/** What a client keeps per connection across the sequence; ours holds the virtual user's number. */
export interface SequenceContext {
  vu?: number;
}

export interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  setupRequest?: (request: AutocannonRequest, context: SequenceContext) => AutocannonRequest | null;
  onResponse?: (status: number, body: string, context: SequenceContext, headers: Record<string, string | string[]>) => void;
}

export interface AutocannonClient extends EventEmitter {
  requestIterator: {
    initialContext: SequenceContext;
    currentRequestIndex: number;
    currentRequest: { requestBuffer?: Buffer };
    resetContext(): void;
    rebuildRequest(): unknown;
  };
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Seconds a request may wait for its response. */
  timeout: number;
  /** Requests per second over all connections (integer per connection). */
  overallRate?: number;
  requests: AutocannonRequest[];
  setupClient: (client: AutocannonClient) => void;
  servername?: string;
  tlsOptions?: { ca?: string };
}

/** The running load: a promise of autocannon's own summary (unused: we keep our own figures). */
export interface AutocannonInstance extends EventEmitter, PromiseLike<unknown> {
  stop(): void;
}

const require = createRequire(import.meta.url);

/** autocannon, required at the first HTTP load only: loading it took a tenth of a second of every SMTP load. */
export function autocannon(options: AutocannonOptions): AutocannonInstance {
  return (require('autocannon') as (options: AutocannonOptions) => AutocannonInstance)(options);
}
