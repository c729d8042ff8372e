/**
 * A driver for a protocol spoken over a wire Connection: default expectations from a table, the
 * protocol's own status rule, and `open`, which connects (TCP, or TLS for implicit-TLS endpoints) and
 * wraps the connection in the protocol's session. Imports wire/connect; the runner sees only the driver.
 */
import { connect } from '../../wire/connect.js';
import type { Connection } from '../../wire/connection.js';
import type { Protocol } from '../../scenario/types.js';
import type { ActionKind, ProtocolDriver, ProtocolSession, SessionOptions } from '../types.js';

export interface WireProtocol {
  protocol: Protocol;
  /** The reply a step of each kind must get when the scenario names none. */
  defaultStatus: Partial<Record<ActionKind, string[]>>;
  statusMatches(actual: string, expected: string): boolean;
  /** The protocol's session over a fresh connection; reads nothing (the greeting is a step's). */
  createSession(connection: Connection): ProtocolSession;
}

export function wireDriver({ protocol, defaultStatus, statusMatches, createSession }: WireProtocol): ProtocolDriver {
  return {
    protocol,
    statusMatches,
    defaultStatus(kind: ActionKind): string[] | undefined {
      return defaultStatus[kind];
    },
    async open(options: SessionOptions): Promise<ProtocolSession> {
      const connection = await connect(options.endpoint, {
        connectTimeoutMs: options.connectTimeoutMs,
        signal: options.signal,
        transcript: options.transcript,
      });
      return createSession(connection);
    },
  };
}
