/**
 * What a load run keeps of the wire instead of a transcript: bytes each way, TCP connect time and STARTTLS
 * handshake time per session. One RunWire belongs to one virtual user and is reset before each run, so the
 * hot path allocates one small object per session opened, nothing per step.
 * The wire layer announces a finished connect and a finished handshake only as transcript events; their
 * texts ("connected to …", "TLS established: …", from src/wire/connect.ts and connection.ts) are matched here.
 * Imports wire/types only.
 */
import type { TranscriptDirection, TranscriptSink } from '../wire/types.js';

const CONNECTED = 'connected to ';
const TLS_UP = 'TLS established';

const sinceMs = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e6;

export class SessionWire implements TranscriptSink {
  readonly name: string;
  private readonly openedNs = process.hrtime.bigint();
  private lastReceivedNs = 0n;
  /** TCP connect (with the handshake for implicit TLS); -1 until connected. */
  connectMs = -1;

  constructor(
    name: string,
    private readonly run: RunWire,
  ) {
    this.name = name;
  }

  record(dir: TranscriptDirection, data: Buffer | string): void {
    if (dir === 'c') {
      this.run.bytesSent += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    } else if (dir === 's') {
      this.run.bytesReceived += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      this.lastReceivedNs = process.hrtime.bigint();
    } else if (typeof data === 'string') {
      if (this.connectMs < 0 && data.startsWith(CONNECTED)) this.connectMs = sinceMs(this.openedNs);
      // RFC 3207 §4: the handshake starts once the 220 reply to STARTTLS is read; implicit TLS has no such
      // reply, its handshake is inside the connect time.
      else if (this.lastReceivedNs !== 0n && data.startsWith(TLS_UP)) this.run.tlsMs.push(sinceMs(this.lastReceivedNs));
    }
  }
}

export class RunWire {
  bytesSent = 0;
  bytesReceived = 0;
  readonly sessions: SessionWire[] = [];
  readonly tlsMs: number[] = [];
  /** Delivery (submit→visible) latencies the run's IDLE `during:` steps measured. */
  readonly deliveryMs: number[] = [];

  /** Handed to runScenario as `onDelivery`. */
  readonly recordDelivery = (ms: number): void => {
    this.deliveryMs.push(ms);
  };

  /** Handed to runScenario as `transcriptSink`; created once per RunWire. */
  readonly sinkFor = (session: string): TranscriptSink => {
    const wire = new SessionWire(session, this);
    this.sessions.push(wire);
    return wire;
  };

  reset(): void {
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.sessions.length = 0;
    this.tlsMs.length = 0;
    this.deliveryMs.length = 0;
  }

  /** Connect time of the first connection of a session in this run, or 0 when it never connected. */
  connectMsOf(session: string): number {
    for (const wire of this.sessions) if (wire.name === session) return Math.max(0, wire.connectMs);
    return 0;
  }
}
