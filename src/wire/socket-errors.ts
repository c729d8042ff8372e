/**
 * Node socket and TLS errors as MailprobeErrors with stable codes: a refused connection is CONNECT, a reset
 * is CLOSED, a failed handshake or certificate check is TLS (with Node's reason). Imports util/errors only.
 */
import { ErrorCode, MailprobeError } from '../util/errors.js';

/** Where the socket was when the error came: it decides what the same errno means. */
export type SocketPhase = 'connect' | 'handshake' | 'session';

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const CLOSED_CODES = new Set(['ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED', 'ERR_SOCKET_CLOSED']);
const CERTIFICATE_CODE = /CERT|SIGNED|VERIFY|ISSUER/;

function codeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** Appends the caller's context: "… while reading reply to EHLO". */
export function withContext(message: string, waitingFor: string | undefined): string {
  return waitingFor ? `${message} while ${waitingFor}` : message;
}

/** A MailprobeError for a socket error in the given phase; `peer` is "host:port". */
export function socketError(err: unknown, phase: SocketPhase, peer: string, waitingFor?: string): MailprobeError {
  if (err instanceof MailprobeError) return err;
  const code = codeOf(err) ?? '';
  if (phase === 'connect') {
    return new MailprobeError(ErrorCode.CONNECT, `cannot connect to ${peer}: ${reasonOf(err)}`, { cause: err });
  }
  if (phase === 'handshake') {
    const what = CERTIFICATE_CODE.test(code) ? 'certificate verification failed' : 'TLS handshake failed';
    return new MailprobeError(ErrorCode.TLS, `${what} with ${peer}: ${reasonOf(err)}`, { cause: err });
  }
  if (RESET_CODES.has(code)) {
    return new MailprobeError(ErrorCode.CLOSED, withContext('connection reset by server', waitingFor), { cause: err });
  }
  if (CLOSED_CODES.has(code)) {
    return new MailprobeError(ErrorCode.CLOSED, withContext('connection closed', waitingFor), { cause: err });
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new MailprobeError(ErrorCode.TLS, withContext(`TLS error: ${reasonOf(err)}`, waitingFor), { cause: err });
  }
  return new MailprobeError(ErrorCode.CLOSED, withContext(`connection failed: ${reasonOf(err)}`, waitingFor), { cause: err });
}
