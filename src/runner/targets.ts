/**
 * Target URLs (`smtp://host:port`, `smtps://`, `pop3(s)://`, `imap(s)://`, query `tls=verify|insecure`,
 * `servername=`) and which target each session of a scenario talks to. Knows protocols only by name.
 */
import type { Protocol, SessionSpec, TargetMap } from '../scenario/types.js';
import type { Endpoint } from '../wire/types.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';
import { SCHEMES, looksLikeUrl, targetUrlProblem } from '../scenario/targets.js';

export interface Target {
  protocol: Protocol;
  endpoint: Endpoint;
}

function configError(message: string): MailprobeError {
  return new MailprobeError(ErrorCode.CONFIG, message);
}

/** How certificates are checked unless a URL says otherwise (--insecure, --ca). */
export interface TlsPolicy {
  insecure?: boolean;
  /** Trusted CA certificates (PEM), e.g. a private CA's or the sandbox's. */
  ca?: string;
}

/** Parses a target URL; `insecure` turns verification off unless the URL says tls=verify. */
export function parseTargetUrl(text: string, policy: TlsPolicy = {}): Target {
  const problem = targetUrlProblem(text);
  if (problem !== undefined) throw configError(`target ${problem}`);
  const url = new URL(text);
  const scheme = SCHEMES[url.protocol.slice(0, -1)]!;
  const tlsMode = url.searchParams.get('tls');
  const servername = url.searchParams.get('servername');
  return {
    protocol: scheme.protocol,
    endpoint: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : scheme.defaultPort,
      tls: scheme.tls,
      verify: tlsMode === null ? !policy.insecure : tlsMode === 'verify',
      ...(servername ? { servername } : {}),
      ...(policy.ca === undefined ? {} : { ca: policy.ca }),
      url: `${url.protocol}//${url.host}${url.search}`,
    },
  };
}

export interface TargetContext {
  /** --target URL without a name. */
  defaultUrl?: string;
  /** Named targets: --target NAME=URL, suite.yaml, targets.yaml. */
  named: TargetMap;
  tls: TlsPolicy;
}

/** A session's target could not be found: the scenario is skipped with this reason, not failed. */
export class MissingTargetError extends MailprobeError {
  constructor(message: string) {
    super(ErrorCode.CONFIG, message);
    this.name = 'MissingTargetError';
  }
}

/** Parsed targets per context, by URL: a load resolves each target once, not at every run. */
const parsed = new WeakMap<TargetContext, Map<string, Target>>();
/** Bounds the cache when `target:` templates make a URL per run (`${vu}` in a port). */
const MAX_CACHED_TARGETS = 1000;

function targetOf(url: string, ctx: TargetContext): Target {
  let cache = parsed.get(ctx);
  if (!cache) parsed.set(ctx, (cache = new Map()));
  let target = cache.get(url);
  if (target === undefined) {
    target = parseTargetUrl(url, ctx.tls);
    if (cache.size < MAX_CACHED_TARGETS) cache.set(url, target);
  }
  return target;
}

/**
 * Resolves a session's target: its own `target:` (a name or a URL) first; else the default --target when
 * it speaks the session's protocol; else the target named after the protocol (`smtp`, `imap` …). The
 * Target returned may be shared with other runs: read it, never change it.
 */
export function resolveSessionTarget(spec: SessionSpec, ctx: TargetContext): Target {
  const ref = spec.target;
  let target: Target;
  if (ref !== undefined) {
    if (looksLikeUrl(ref)) target = targetOf(ref, ctx);
    else {
      const url = ctx.named[ref];
      if (url === undefined) {
        throw new MissingTargetError(`needs target "${ref}" (give --target ${ref}=URL or a targets.yaml entry)`);
      }
      target = targetOf(url, ctx);
    }
  } else {
    const fallback = ctx.defaultUrl !== undefined ? targetOf(ctx.defaultUrl, ctx) : undefined;
    const named = ctx.named[spec.protocol];
    if (fallback?.protocol === spec.protocol) target = fallback;
    else if (named !== undefined) target = targetOf(named, ctx);
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
