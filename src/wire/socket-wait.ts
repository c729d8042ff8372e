/**
 * Waiting for a fresh socket to become usable (TCP connect, TLS handshake) within a time limit and an
 * AbortSignal, with errors named by the phase they happened in. Imports node:tls types, util and wire modules.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { formatDuration } from '../util/duration.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { socketError, type SocketPhase } from './socket-errors.js';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The error a read or wait rejects with when its signal aborts: the signal's own reason when it is ours. */
export function abortError(signal: AbortSignal, waitingFor?: string): MailprobeError {
  if (signal.reason instanceof MailprobeError) return signal.reason;
  return new MailprobeError(ErrorCode.INTERRUPTED, waitingFor ? `interrupted while ${waitingFor}` : 'interrupted');
}

/**
 * Resolves when `socket` emits `ready` ('connect' for TCP, 'secureConnect' for TLS). `phase` is where the
 * socket starts; a TLS socket that is still connecting moves to 'handshake' once TCP is up. On failure the
 * socket is destroyed.
 */
export function waitUntilReady(
  socket: net.Socket | tls.TLSSocket,
  ready: 'connect' | 'secureConnect',
  phase: SocketPhase,
  peer: string,
  options: WaitOptions,
): Promise<void> {
  let current = phase;
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onTcpUp);
      socket.off(ready, onReady);
    };
    const fail = (err: MailprobeError): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => fail(socketError(err, current, peer));
    const onTcpUp = (): void => {
      if (ready === 'secureConnect') current = 'handshake';
    };
    const onAbort = (): void => fail(abortError(options.signal!, `connecting to ${peer}`));
    const timer = setTimeout(() => {
      const within = formatDuration(options.timeoutMs);
      fail(
        current === 'handshake'
          ? new MailprobeError(ErrorCode.TLS, `TLS handshake with ${peer} not finished within ${within}`)
          : new MailprobeError(ErrorCode.CONNECT, `no connection to ${peer} within ${within}`),
      );
    }, options.timeoutMs);
    socket.on('error', onError);
    socket.on('connect', onTcpUp);
    socket.once(ready, onReady);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
