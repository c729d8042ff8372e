/**
 * What the wire layer offers the protocol engines: where to connect, and where to record what crossed the
 * wire. No protocol knowledge lives in src/wire/.
 */

/** A resolved network address with its TLS policy (parsed from a target URL by the runner). */
export interface Endpoint {
  host: string;
  port: number;
  /** 'implicit': TLS from the first byte (smtps, pop3s, imaps). */
  tls: 'none' | 'implicit';
  /** Verify the server certificate (default true; `--insecure` or `?tls=insecure` turn it off). */
  verify: boolean;
  /** SNI and the name checked in the certificate; default: host when it is a name. */
  servername?: string;
  /** Trusted CA certificates (PEM) instead of the system's: a private CA, the sandbox's own. */
  ca?: string;
  /** The URL as given, without userinfo: for reports. */
  url: string;
}

export type TranscriptDirection = 'c' | 's' | 'i';

/** One session's view of the scenario's transcript. */
export interface TranscriptSink {
  /**
   * Records bytes sent (c), received (s) or an event (i). `secret: true` stores a placeholder naming the
   * byte count instead of the bytes (AUTH payloads); known secret values are masked in every entry anyway.
   */
  record(dir: TranscriptDirection, data: Buffer | string, options?: { secret?: boolean }): void;
}
