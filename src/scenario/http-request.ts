/**
 * An HTTP `request:` step (`method`, `path`, `headers`, `body`) → a typed RequestStep, with the checks a
 * request needs before anything is sent: a known method, an origin-form path, header names that are tokens
 * and values without line breaks. Imports scenario/{types,yaml-tree,build-context,issues} only.
 */
import type { RequestStep } from './types.js';
import { child, type YMap, type YNode } from './yaml-tree.js';
import type { BuildContext } from './build-context.js';
import { didYouMean } from './issues.js';

/** RFC 9110 §9.3 methods that take an origin-form target, and PATCH (RFC 5789 §2). CONNECT (authority-form)
 *  is left out: a request step always names a path. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** RFC 9110 §5.6.2 token: a header field name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9112 §3.2.1 origin-form: absolute-path [ "?" query ]; no spaces or line breaks in a request line.
 *  A path may start with a placeholder (`${api}`): the engine checks the interpolated path again. */
const ORIGIN_FORM = /^(\/|\$\{)[^\s]*$/;
/** RFC 9110 §15.3: what a request must get when its step names no `expect`. */
const DEFAULT_STATUS = ['2xx'];
const LINE_BREAK = /[\r\n]/;

type Common = Pick<RequestStep, 'index' | 'span' | 'session' | 'expect' | 'timeoutMs'>;

export function buildRequest(step: YMap, common: Common, ctx: BuildContext): RequestStep | undefined {
  const request = child(step, 'request');
  if (request?.kind !== 'map') return undefined; // the schema reported it
  const methodNode = child(request, 'method');
  const method = methodNode ? ctx.string(methodNode)?.toUpperCase() : 'GET';
  if (method !== undefined && !(HTTP_METHODS as readonly string[]).includes(method)) {
    ctx.issue(methodNode!.span, `unknown method \`${method}\`${didYouMean(method, HTTP_METHODS)}: use ${HTTP_METHODS.join(', ')}`);
  }
  const pathNode = child(request, 'path');
  const path = ctx.template(pathNode, true);
  if (path !== undefined && !ORIGIN_FORM.test(path)) {
    ctx.issue(pathNode!.span, `\`path: ${path}\` must start with "/" and hold no spaces or line breaks (encode them: %20)`);
  }
  const headers = buildHeaders(child(request, 'headers'), ctx);
  const bodyNode = child(request, 'body');
  const body = ctx.template(bodyNode, true);
  if (method === undefined || path === undefined || headers === undefined) return undefined;
  const expect = { match: [], notMatch: [], untagged: [], capture: {}, ...common.expect, status: common.expect?.status ?? DEFAULT_STATUS };
  const built: RequestStep = { ...common, expect, kind: 'request', method, path, headers };
  return body === undefined ? built : { ...built, body };
}

function buildHeaders(node: YNode | undefined, ctx: BuildContext): Array<[string, string]> | undefined {
  if (node === undefined) return [];
  if (node.kind !== 'map') return undefined;
  const headers: Array<[string, string]> = [];
  for (const { key, value } of node.entries) {
    if (!TOKEN.test(key.text)) ctx.issue(key.span, `\`${key.text}\` is not a header name (letters, digits and !#$%&'*+.^_\`|~-)`);
    const text = ctx.template(value, true);
    if (text === undefined) continue;
    if (LINE_BREAK.test(text)) ctx.issue(value.span, `the value of header \`${key.text}\` holds a line break`);
    headers.push([key.text, text]);
  }
  return headers;
}
