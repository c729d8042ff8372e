/**
 * What step and scenario builders share while turning one file's YAML tree into typed values: where to
 * report issues, the variable scope, and small readers that take a node's value only when it has the
 * right type (the schema has already reported wrong types, so readers stay quiet). Imports util/duration
 * and scenario/{types,yaml-tree,variables,pattern,interpolate}.
 */
import { parseDuration } from '../util/duration.js';
import { compilePattern, parsePattern } from './pattern.js';
import { placeholders } from './interpolate.js';
import { Scope, checkTemplate, type ReportAt } from './variables.js';
import { spanWithin, type YNode, type YScalar } from './yaml-tree.js';
import type { Pattern, SourceSpan } from './types.js';

/** A file a step refers to; the loader checks it exists once all files are built. */
export interface FileReference {
  path: string;
  span: SourceSpan;
  what: string;
}

export class BuildContext {
  readonly fileReferences: FileReference[] = [];
  /** The names defined at the step being built: the vars, then what earlier steps captured or kept. */
  scope: Scope;

  constructor(
    /** Absolute directory of the scenario file: relative `file:` paths start here. */
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly addIssue: (span: SourceSpan, message: string) => void,
  ) {
    this.scope = new Scope(env, []);
  }

  /** Starts the scope of the steps with the scenario's vars. */
  startScope(varNames: Iterable<string>): void {
    this.scope = new Scope(this.env, varNames);
  }

  issue(span: SourceSpan, message: string): void {
    this.addIssue(span, message);
  }

  /** Points inside the scalar's text when the text stands verbatim in the source. */
  readonly reportAt: ReportAt = (scalar, offset, message) => this.addIssue(spanWithin(scalar, offset), message);

  /** A string value (numbers as written, when `numbers` allows), or undefined. */
  string(node: YNode | undefined, numbers = false): string | undefined {
    if (node?.kind !== 'scalar') return undefined;
    if (typeof node.value === 'string' || (numbers && typeof node.value === 'number')) return node.text;
    return undefined;
  }

  /** A string whose placeholders must name existing variables. */
  template(node: YNode | undefined, numbers = false): string | undefined {
    const text = this.string(node, numbers);
    if (text !== undefined) checkTemplate(node as YScalar, text, this.scope, this.reportAt);
    return text;
  }

  strings(node: YNode | undefined): Array<{ text: string; node: YScalar }> {
    const items = node?.kind === 'seq' ? node.items : node ? [node] : [];
    return items.flatMap((item) => {
      const text = this.string(item);
      return text === undefined ? [] : [{ text, node: item as YScalar }];
    });
  }

  /** Milliseconds, or undefined (with an issue when the text is not a duration). */
  duration(node: YNode | undefined, what: string, positive = false): number | undefined {
    if (node?.kind !== 'scalar' || (typeof node.value !== 'string' && typeof node.value !== 'number')) return undefined;
    const ms = parseDuration(node.value);
    if (ms === undefined) {
      this.issue(node.span, `\`${what}: ${node.text}\` is not a duration: write 250ms, 10s, 2m or 1h`);
    } else if (positive && ms === 0) {
      this.issue(node.span, `\`${what}\` must be more than 0`);
      return undefined;
    }
    return ms;
  }

  /** A regex, checked to compile (placeholders stand in as plain text) and to name existing variables. */
  pattern(node: YScalar, text: string): { pattern: Pattern; regex?: RegExp } {
    const pattern = parsePattern(text, node.span);
    const found = checkTemplate(node, pattern.source, this.scope, this.reportAt);
    if (found.length === 0 && pattern.source.includes('${')) return { pattern }; // broken placeholder, reported
    let sample = pattern.source;
    for (const p of placeholders(pattern.source).reverse()) {
      sample = `${sample.slice(0, p.offset)}x${sample.slice(sample.indexOf('}', p.offset) + 1)}`;
    }
    try {
      return { pattern, regex: compilePattern(pattern, sample) };
    } catch (err) {
      const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
      this.issue(node.span, `bad regex \`${text}\`: ${reason}`);
      return { pattern };
    }
  }
}
