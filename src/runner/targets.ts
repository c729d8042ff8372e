/**
 * Target URLs (`smtp://host:port`, `smtps://`, `pop3(s)://`, `imap(s)://`, query `tls=verify|insecure`,
 * `servername=`) and which target each session of a scenario talks to. Knows protocols only by name.
 */
import type { Protocol, SessionSpec, TargetMap } from '../scenario/types.js';
import type { Endpoint } from '../wire/types.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';

interface SchemeInfo {
  protocol: Protocol;
  tls: Endpoint['tls'];
  port: number;
}

/** Default ports: RFC 5321 §4.5.4.1 / RFC 8314 §3.3 (smtp 25, smtps 465), RFC 1939 / 8314 (110, 995),
 *  RFC 9051 / 8314 (143, 993). */
const SCHEMES: Record<string, SchemeInfo> = {
  smtp: { protocol: 'smtp', tls: 'none', port: 25 },
  smtps: { protocol: 'smtp', tls: 'implicit', port: 465 },
  pop3: { protocol: 'pop3', tls: 'none', port: 110 },
  pop3s: { protocol: 'pop3', tls: 'implicit', port: 995 },
  imap: { protocol: 'imap', tls: 'none', port: 143 },
  imaps: { protocol: 'imap', tls: 'implicit', port: 993 },
};

export interface Target {
  protocol: Protocol;
  endpoint: Endpoint;
}

function configError(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

/** Parses a target URL; `insecure` (from --insecure) turns verification off unless the URL says tls=verify. */
export function parseTargetUrl(text: string, insecure = false): Target {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError(`invalid target URL "${text}" (expected e.g. smtp://127.0.0.1:2525)`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const info = SCHEMES[scheme];
  if (!info) {
    throw configError(`unsupported scheme "${scheme}:" in target "${text}" (use ${Object.keys(SCHEMES).join(', ')})`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw configError(`target "${text}" has no host`);
  const port = url.port ? Number(url.port) : info.port;
  const tlsMode = url.searchParams.get('tls');
  if (tlsMode !== null && tlsMode !== 'verify' && tlsMode !== 'insecure') {
    throw configError(`target "${text}": tls= must be verify or insecure`);
  }
  const servername = url.searchParams.get('servername') ?? undefined;
  const display = `${scheme}://${url.host}${url.search}`;
  return {
    protocol: info.protocol,
    endpoint: {
      host,
      port,
      tls: info.tls,
      verify: tlsMode === null ? !insecure : tlsMode === 'verify',
      ...(servername ? { servername } : {}),
      url: display,
    },
  };
}

export interface TargetContext {
  /** --target URL without a name. */
  defaultUrl?: string;
  /** Named targets: --target NAME=URL, suite.yaml, targets.yaml. */
  named: TargetMap;
  insecure: boolean;
}

/** A session's target could not be found: the scenario is skipped with this reason, not failed. */
export class MissingTargetError extends MailprobeError {
  constructor(message: string) {
    super(ErrorCode.CONFIG, message);
    this.name = 'MissingTargetError';
  }
}

/**
 * Resolves a session's target: its own `target:` (a name or a URL) first; else the default --target when
 * it speaks the session's protocol; else the target named after the protocol (`smtp`, `imap` …).
 */
export function resolveSessionTarget(spec: SessionSpec, ctx: TargetContext): Target {
  const ref = spec.target;
  let target: Target;
  if (ref !== undefined) {
    if (ref.includes('://')) target = parseTargetUrl(ref, ctx.insecure);
    else {
      const url = ctx.named[ref];
      if (url === undefined) {
        throw new MissingTargetError(`needs target "${ref}" (give --target ${ref}=URL or a targets.yaml entry)`);
      }
      target = parseTargetUrl(url, ctx.insecure);
    }
  } else {
    const fallback = ctx.defaultUrl !== undefined ? parseTargetUrl(ctx.defaultUrl, ctx.insecure) : undefined;
    const named = ctx.named[spec.protocol];
    if (fallback?.protocol === spec.protocol) target = fallback;
    else if (named !== undefined) target = parseTargetUrl(named, ctx.insecure);
    else {
      throw new MissingTargetError(
        `needs a ${spec.protocol} target (give --target ${spec.protocol}://HOST:PORT or --target ${spec.protocol}=URL)`,
      );
    }
  }
  if (target.protocol !== spec.protocol) {
    throw configError(`session speaks ${spec.protocol} but its target ${target.endpoint.url} is ${target.protocol}`);
  }
  return target;
}

/** "--target NAME=URL" or "--target URL" → named map and default URL. A URL never contains "=" before "://". */
export function parseTargetArgs(args: readonly string[]): { defaultUrl?: string; named: TargetMap } {
  const named: TargetMap = {};
  let defaultUrl: string | undefined;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const scheme = arg.indexOf('://');
    if (eq > 0 && (scheme < 0 || eq < scheme)) {
      const name = arg.slice(0, eq);
      const url = arg.slice(eq + 1);
      parseTargetUrl(url);
      named[name] = url;
    } else {
      if (defaultUrl !== undefined) throw configError(`two default targets given: ${defaultUrl} and ${arg} (name one: NAME=URL)`);
      parseTargetUrl(arg);
      defaultUrl = arg;
    }
  }
  return defaultUrl === undefined ? { named } : { defaultUrl, named };
}
