/**
 * Reads an HTML report with the strict XML parser of the reporter tests (the reports are polyglot: HTML
 * that is also well-formed XML), and finds elements and the text a reader sees, in document order.
 */
import type { Test } from 'tap';
import { parseXml, type XmlElement } from '../fixtures/xml-parse.js';

export type { XmlElement as PageNode };

/** The page's root element, after asserting that a strict XML parser found no error in it. */
export function parsePage(t: Test, page: string): XmlElement {
  const { root, errors } = parseXml(page);
  t.same(errors, [], 'well-formed XML (strict parser)');
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under (and including) `node` that matches, in document order. */
export function findAll(node: XmlElement, match: (n: XmlElement) => boolean): XmlElement[] {
  return [...(match(node) ? [node] : []), ...node.children.flatMap((child) => findAll(child, match))];
}

export function byId(node: XmlElement, id: string): XmlElement {
  const found = findAll(node, (n) => n.attributes['id'] === id)[0];
  if (!found) throw new Error(`no element with id ${id}`);
  return found;
}

/** The text a reader sees, in order, with a space at every element boundary and whitespace runs as one space. */
export function textOf(node: XmlElement): string {
  const raw = (n: XmlElement): string => n.content.map((part) => (typeof part === 'string' ? part : ` ${raw(part)} `)).join('');
  return raw(node).replace(/[ \t\n]+/g, ' ').trim();
}
