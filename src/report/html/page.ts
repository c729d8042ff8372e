/**
 * The shell every HTML report shares: an `html` template tag that escapes whatever it interpolates, and
 * one self-contained page (inline CSS and at most one inline script, nothing fetched) that is also
 * well-formed XML, so a strict parser can check that no server text broke out of its element.
 * A Content-Security-Policy allows only the page's own script (by hash) and no network at all: even text
 * that slipped past the escaping could not run or load anything.
 * Pure; imports report/text and node:crypto.
 */
import { createHash } from 'node:crypto';
import { printable } from '../text.js';

/** Markup built by `html` (or trusted by `rawHtml`): interpolated as it is, never escaped again. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What `html` interpolates: text is escaped, Html kept, lists joined, undefined / false / null dropped. */
export type HtmlValue = Html | string | number | undefined | null | false | readonly HtmlValue[];

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as safe HTML and XML content or attribute value: controls escaped as `\xNN` (report/text), then the
 * five markup characters as entities. `</script>`, `</style>`, `-->`, `]]>` all lose their `<` or `>`.
 */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (ch) => ENTITY[ch]!);
}

function interpolate(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(interpolate).join('');
}

/** Template tag: `html\`<td>${serverText}</td>\`` escapes serverText; nested `html` results pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0]!;
  for (let i = 0; i < values.length; i++) markup += interpolate(values[i]!) + strings[i + 1]!;
  return new Html(markup);
}

/** A table of text cells (escaped) or markup cells; the first column is left-aligned by the stylesheet. */
export function htmlTable(header: readonly HtmlValue[], rows: readonly (readonly HtmlValue[])[], className?: string): Html {
  return html`<table${className ? html` class="${className}"` : ''}><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** The stylesheet of every report; a report adds its own rules after it. */
export const BASE_STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#111827;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb}h3{font-size:1rem;margin:1.25rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e5e7eb;padding:.25rem .5rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f9fafb;border:1px solid #e5e7eb;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.25rem 0}
.badge{display:inline-block;min-width:3.5em;text-align:center;border-radius:3px;padding:0 .35em;font-size:12px;font-weight:600;color:#fff;background:#6b7280}
.badge.pass{background:#15803d}.badge.fail{background:#b91c1c}.badge.warn{background:#b45309}.badge.skip{background:#6b7280}.badge.info{background:#2563eb}
.muted{color:#6b7280}`;

/** sha256 source of an inline script, as a CSP script-src entry (CSP Level 2 §4.2.4). */
function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

export interface PageOptions {
  title: string;
  /** Appended to BASE_STYLE. */
  style?: string;
  body: Html;
  /**
   * Progressive enhancement only: the page reads completely without it. Must contain neither `<` nor `&`,
   * so that the page stays well-formed XML without a CDATA section.
   */
  script?: string;
}

/** One self-contained page: nothing fetched, only its own script runs. */
export function renderPage(options: PageOptions): string {
  const { title, style = '', body, script } = options;
  if (script !== undefined && /[<&]/.test(script)) throw new Error('report script must not contain "<" or "&" (XML well-formedness)');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${script === undefined ? "'none'" : scriptHash(script)}`;
  return `<!DOCTYPE html>
${html`<html lang="en" xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width,initial-scale=1"/>
<meta http-equiv="Content-Security-Policy" content="${csp}"/>
<title>${title}</title><style>${new Html(BASE_STYLE + style)}</style></head><body>
${body}
${script === undefined ? '' : html`<script>${new Html(script)}</script>`}
</body></html>`}
`;
}
