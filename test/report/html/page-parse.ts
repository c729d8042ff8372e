/**
 * Reads an HTML report with saxes, a strict XML 1.0 parser (the reports are polyglot: HTML that is also
 * well-formed XML), into a tree that keeps text in document order, for assertions on what a reader sees.
 */
import { SaxesParser } from 'saxes';

export interface PageNode {
  name: string;
  attributes: Record<string, string>;
  children: (PageNode | string)[];
}

/** The root element and every well-formedness error. */
export function parsePage(page: string): { root: PageNode | undefined; errors: string[] } {
  const parser = new SaxesParser();
  const errors: string[] = [];
  const stack: PageNode[] = [];
  let root: PageNode | undefined;
  parser.on('error', (err) => errors.push(err.message));
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[name] = String(value);
    const node: PageNode = { name: tag.name, attributes, children: [] };
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (text) => stack.at(-1)?.children.push(text));
  parser.on('closetag', () => stack.pop());
  parser.write(page).close();
  return { root, errors };
}

/** Every element under (and including) `node` that matches, in document order. */
export function findAll(node: PageNode, match: (n: PageNode) => boolean): PageNode[] {
  const own = match(node) ? [node] : [];
  return [...own, ...node.children.flatMap((child) => (typeof child === 'string' ? [] : findAll(child, match)))];
}

export function byId(node: PageNode, id: string): PageNode {
  const found = findAll(node, (n) => n.attributes['id'] === id)[0];
  if (!found) throw new Error(`no element with id ${id}`);
  return found;
}

/** The text a reader sees, in order, with a space at every element boundary and whitespace runs as one space. */
export function textOf(node: PageNode): string {
  const raw = (n: PageNode): string => n.children.map((child) => (typeof child === 'string' ? child : ` ${raw(child)} `)).join('');
  return raw(node).replace(/[ \t\n]+/g, ' ').trim();
}
