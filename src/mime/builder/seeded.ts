/**
 * Deterministic tokens for the builder (boundaries, Message-IDs, message/partial ids): the same seed gives
 * the same sequence, so a spec built twice with one seed gives identical bytes and tests can use golden
 * files; the runner seeds with the run's UUID, so every run gets new values. Imports only node:crypto.
 */
import { createHash } from 'node:crypto';

export class SeededTokens {
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** `length` lowercase hex digits (at most 64), new at each call. */
  hex(length: number): string {
    const digest = createHash('sha256').update(`${this.seed}\0${this.counter++}`).digest('hex');
    return digest.slice(0, length);
  }

  /** A token stream of its own, independent of how many tokens this one has handed out. */
  derive(label: string): SeededTokens {
    return new SeededTokens(`${this.seed}\0${label}`);
  }
}
