/**
 * YAML text → a small tree whose every node knows its file:line:column, built from js-yaml's event stream
 * (its own AST carries no positions). Scalars are resolved with the YAML 1.2 core schema and keep their
 * decoded text too, so a field that wants a string can take `0123` as written. Duplicate keys, complex keys
 * and unsupported tags become issues. Imports js-yaml and scenario/{types,issues} only.
 */
import {
  parseEvents,
  getScalarValue,
  YAMLException,
  EVENT_ID,
  SCALAR_STYLE,
  NOT_RESOLVED,
  nullCoreTag,
  boolCoreTag,
  intCoreTag,
  floatCoreTag,
  type Event,
  type ScalarEvent,
  type ScalarTagDefinition,
} from 'js-yaml';
import type { SourceSpan } from './types.js';
import type { LoadIssue } from './issues.js';

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  kind: 'scalar';
  span: SourceSpan;
  value: ScalarValue;
  /** The decoded text, whatever type it resolved to. */
  text: string;
  /** Where `text` stands in its source when written there verbatim (plain, or quoted without escapes),
   *  so that a position inside the text can be named; else undefined. */
  verbatim?: { start: number; lines: LineIndex };
}
export interface YEntry {
  key: YScalar;
  value: YNode;
}
export interface YMap {
  kind: 'map';
  span: SourceSpan;
  entries: YEntry[];
}
export interface YSeq {
  kind: 'seq';
  span: SourceSpan;
  items: YNode[];
}
export type YNode = YScalar | YMap | YSeq;

export interface ParsedYaml {
  /** Undefined for an empty document or a syntax error. */
  root?: YNode;
  issues: LoadIssue[];
}

const IMPLICIT_TAGS: readonly ScalarTagDefinition<ScalarValue>[] = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag];
const EXPLICIT_SCALAR_TAGS: Record<string, ScalarTagDefinition<ScalarValue> | 'str'> = {
  '!!str': 'str',
  '!': 'str',
  '!!null': nullCoreTag,
  '!!bool': boolCoreTag,
  '!!int': intCoreTag,
  '!!float': floatCoreTag,
};
const COLLECTION_TAGS = new Set(['!!map', '!!seq', '!']);

/** 1-based positions for offsets of one source text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(
    readonly file: string,
    source: string,
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  span(offset: number): SourceSpan {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** Parses one YAML document; a second document in the same file is an issue. */
export function parseYaml(source: string, file: string): ParsedYaml {
  const lines = new LineIndex(file, source);
  let events: Event[];
  try {
    events = parseEvents(source, { filename: file });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const span = err.mark ? { file, line: err.mark.line + 1, column: err.mark.column + 1 } : { file, line: 1, column: 1 };
    return { issues: [{ span, message: `YAML syntax error: ${err.reason}` }] };
  }
  return new TreeBuilder(source, lines, events).build();
}

class TreeBuilder {
  private pos = 0;
  /** Where the last node ended: the position given to an empty scalar, which has no offset of its own. */
  private lastEnd = 0;
  private readonly anchors = new Map<string, YNode>();
  readonly issues: LoadIssue[] = [];

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly events: Event[],
  ) {}

  build(): ParsedYaml {
    let root: YNode | undefined;
    let documents = 0;
    while (this.pos < this.events.length) {
      const event = this.events[this.pos++]!;
      if (event.type !== EVENT_ID.DOCUMENT) continue;
      documents++;
      const next = this.events[this.pos];
      if (next && next.type !== EVENT_ID.POP) {
        const node = this.node();
        if (documents === 1) root = node;
        else this.issue(node.span, 'a scenario file holds one YAML document; remove the extra `---` document');
      }
      this.pos++; // the document's POP
    }
    return root ? { root, issues: this.issues } : { issues: this.issues };
  }

  private issue(span: SourceSpan, message: string): void {
    this.issues.push({ span, message });
  }

  private text(start: number, end: number): string {
    return start >= 0 ? this.source.slice(start, end) : '';
  }

  private node(): YNode {
    const event = this.events[this.pos++]!;
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return this.remember(event.anchorStart, event.anchorEnd, this.scalar(event));
      case EVENT_ID.MAPPING:
        this.checkCollectionTag(event.tagStart, event.tagEnd, event.start);
        return this.remember(event.anchorStart, event.anchorEnd, this.mapping(event.start));
      case EVENT_ID.SEQUENCE: {
        this.checkCollectionTag(event.tagStart, event.tagEnd, event.start);
        const seq: YSeq = { kind: 'seq', span: this.lines.span(event.start), items: [] };
        const anchored = this.remember(event.anchorStart, event.anchorEnd, seq);
        while (this.events[this.pos]?.type !== EVENT_ID.POP) seq.items.push(this.node());
        this.pos++;
        return anchored;
      }
      case EVENT_ID.ALIAS: {
        const name = this.text(event.anchorStart, event.anchorEnd);
        const target = this.anchors.get(name);
        if (target) return target;
        const span = this.lines.span(event.anchorStart - 1); // the `*`
        this.issue(span, `unknown YAML alias *${name}`);
        return { kind: 'scalar', span, value: null, text: '' };
      }
      default:
        throw new Error(`unexpected YAML event ${event.type}`);
    }
  }

  private remember<N extends YNode>(anchorStart: number, anchorEnd: number, node: N): N {
    if (anchorStart >= 0) this.anchors.set(this.text(anchorStart, anchorEnd), node);
    return node;
  }

  private mapping(start: number): YMap {
    const map: YMap = { kind: 'map', span: this.lines.span(start), entries: [] };
    const seen = new Map<string, YScalar>();
    while (this.events[this.pos]?.type !== EVENT_ID.POP) {
      const keyNode = this.node();
      const value = this.node();
      if (keyNode.kind !== 'scalar') {
        this.issue(keyNode.span, 'mapping keys must be plain strings');
        continue;
      }
      const key: YScalar = { ...keyNode, value: keyNode.text };
      const first = seen.get(key.text);
      if (first) {
        this.issue(key.span, `duplicate key \`${key.text}\` (first at line ${first.span.line})`);
        continue;
      }
      seen.set(key.text, key);
      map.entries.push({ key, value });
    }
    this.pos++;
    return map;
  }

  private checkCollectionTag(tagStart: number, tagEnd: number, start: number): void {
    const tag = this.text(tagStart, tagEnd);
    if (tag && !COLLECTION_TAGS.has(tag)) this.issue(this.lines.span(start), `unsupported YAML tag ${tag}`);
  }

  private scalar(event: ScalarEvent): YScalar {
    const text = getScalarValue(this.source, event);
    const start = this.scalarStart(event);
    const span = this.lines.span(start);
    if (event.valueStart >= 0) this.lastEnd = event.valueEnd;
    const verbatim = event.valueStart >= 0 && this.source.slice(event.valueStart, event.valueEnd) === text;
    const node: YScalar = { kind: 'scalar', span, value: text, text };
    if (verbatim) node.verbatim = { start: event.valueStart, lines: this.lines };

    const tag = this.text(event.tagStart, event.tagEnd);
    if (tag) {
      const explicit = EXPLICIT_SCALAR_TAGS[tag];
      if (explicit === undefined) this.issue(span, `unsupported YAML tag ${tag}`);
      else if (explicit !== 'str') {
        const value = explicit.resolve(text, true, explicit.tagName);
        if (value === NOT_RESOLVED) this.issue(span, `\`${text}\` is not a valid ${tag} value`);
        else node.value = value;
      }
    } else if (event.style === SCALAR_STYLE.PLAIN) {
      node.value = resolvePlain(text);
    }
    return node;
  }

  /** Where the scalar starts as the user sees it: the opening quote, the first content character of a
   *  block scalar, or (empty scalar) just after whatever preceded it. */
  private scalarStart(event: ScalarEvent): number {
    if (event.valueStart < 0) return this.lastEnd;
    switch (event.style) {
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        return event.valueStart - 1;
      case SCALAR_STYLE.LITERAL_BLOCK:
      case SCALAR_STYLE.FOLDED_BLOCK:
        return event.valueStart + Math.max(0, event.indent);
      default:
        return event.valueStart;
    }
  }
}

function resolvePlain(text: string): ScalarValue {
  for (const tag of IMPLICIT_TAGS) {
    const value = tag.resolve(text, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return text;
}

/** The plain JavaScript value of a subtree (what ajv validates). */
export function toPlain(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of node.entries) out[key.text] = toPlain(value);
      return out;
    }
  }
}

/** The position of `offset` within a scalar's text, or the scalar's own position when the text is not
 *  verbatim in the source (escapes, folding). */
export function spanWithin(scalar: YScalar, offset: number | undefined): SourceSpan {
  if (offset === undefined || !scalar.verbatim) return scalar.span;
  return scalar.verbatim.lines.span(scalar.verbatim.start + offset);
}

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key.text === key);
}

export function child(map: YMap, key: string): YNode | undefined {
  return entry(map, key)?.value;
}

/** The node at a JSON-pointer-like path (ajv's instancePath split), or the deepest one found. */
export function nodeAt(root: YNode, segments: readonly string[]): YNode {
  let node = root;
  for (const segment of segments) {
    const next =
      node.kind === 'map' ? child(node, segment) : node.kind === 'seq' ? node.items[Number(segment)] : undefined;
    if (!next) break;
    node = next;
  }
  return node;
}
