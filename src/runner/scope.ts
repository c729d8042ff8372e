/**
 * The variables of one scenario run: the scenario's vars (interpolated lazily, so they may refer to each
 * other and to builtins), captures and kept messages as steps produce them, builtins and the environment.
 */
import { randomUUID } from 'node:crypto';
import { interpolate, type KeptMessage, type VarValue } from '../scenario/interpolate.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';

export interface Builtins {
  /** Run-wide counter value for this scenario run. */
  seq: number;
  /** Virtual user number (load runs); 0 in a plain run. */
  vu: number;
  /** Iteration of this virtual user, or the repetition of a plain run. */
  iteration: number;
}

/** Variables whose values must never reach a report. */
const SECRET_NAME = /pass|secret|token|credential|api.?key/i;

export class Scope {
  private readonly values = new Map<string, VarValue>();
  private readonly resolving = new Set<string>();
  private readonly uuid = randomUUID();

  constructor(
    private readonly vars: Record<string, string>,
    private readonly builtins: Builtins,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The Resolver handed to interpolate(): every name a scenario may use. */
  readonly resolve = (name: string): VarValue | undefined => {
    const known = this.values.get(name);
    if (known !== undefined) return known;
    if (name.startsWith('env.')) return this.env[name.slice(4)];
    switch (name) {
      case 'uuid':
        return this.uuid;
      case 'seq':
        return String(this.builtins.seq);
      case 'vu':
        return String(this.builtins.vu);
      case 'iteration':
        return String(this.builtins.iteration);
      case 'now':
        return new Date().toISOString();
    }
    if (name in this.vars) return this.resolveVar(name);
    const dot = name.lastIndexOf('.');
    if (dot > 0 && name.slice(dot + 1) === 'messageId') {
      const kept = this.values.get(name.slice(0, dot));
      if (kept !== undefined && typeof kept !== 'string') return kept.messageId;
    }
    return undefined;
  };

  private resolveVar(name: string): string {
    if (this.resolving.has(name)) {
      throw new MailprobeError(ErrorCode.CONFIG, `variable \${${name}} refers to itself`);
    }
    this.resolving.add(name);
    try {
      const value = interpolate(this.vars[name]!, this.resolve);
      this.values.set(name, value);
      return value;
    } finally {
      this.resolving.delete(name);
    }
  }

  set(name: string, value: VarValue): void {
    this.values.set(name, value);
  }

  keep(name: string, message: KeptMessage): void {
    this.values.set(name, message);
  }

  text(template: string): string {
    return interpolate(template, this.resolve);
  }

  /** Values of vars named like secrets (password, token …), interpolated: to be masked in reports. */
  secretValues(): string[] {
    return Object.keys(this.vars)
      .filter((name) => SECRET_NAME.test(name))
      .map((name) => this.resolveVar(name))
      .filter((value) => value.length > 0);
  }
}
