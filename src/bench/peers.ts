/**
 * The peer libraries `mailprobe bench` compares against, loaded with dynamic import when installed (in the
 * current directory's node_modules, as in bench/, or beside mailprobe) and skipped when not. Each is typed
 * here with only what the benchmarks call. Imports only node:module, node:path and node:url.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LibBase64 {
  encode(data: Buffer): string;
  decode(text: string): Buffer;
  wrap(text: string, lineLength: number): string;
}
export interface LibQp {
  encode(data: Buffer): string;
  decode(text: string): Buffer;
  wrap(text: string, lineLength: number): string;
}
export interface LibMime {
  encodeWord(text: string, encoding: 'B' | 'Q', maxLength: number): string;
  decodeWords(text: string): string;
}
/** mathiasbynens/quoted-printable: "binary strings" (one character per byte) in and out. */
export interface QuotedPrintable {
  encode(binary: string): string;
  decode(text: string): string;
}
export interface JsBase64 {
  fromUint8Array(bytes: Uint8Array): string;
  toUint8Array(text: string): Uint8Array;
}

export interface Peers {
  libbase64?: LibBase64;
  libqp?: LibQp;
  libmime?: LibMime;
  'quoted-printable'?: QuotedPrintable;
  'js-base64'?: JsBase64;
}
export type PeerName = keyof Peers;
export const PEER_NAMES: readonly PeerName[] = ['libbase64', 'libqp', 'libmime', 'quoted-printable', 'js-base64'];

/** Where a package is looked up: the working directory first (bench/ has its own node_modules), then here. */
function resolvePeer(name: string, cwd: string): string | undefined {
  for (const base of [join(cwd, 'package.json'), import.meta.url]) {
    try {
      return createRequire(base).resolve(name);
    } catch {
      // not installed there; try the next place
    }
  }
  return undefined;
}

/** Every peer that is installed, by name; a missing one is simply absent. */
export async function loadPeers(cwd: string): Promise<Peers> {
  const peers: Peers = {};
  for (const name of PEER_NAMES) {
    const path = resolvePeer(name, cwd);
    if (path === undefined) continue;
    const loaded = (await import(pathToFileURL(path).href)) as { default?: unknown; Base64?: unknown };
    // CommonJS modules arrive as `default`; js-base64 exports a Base64 namespace.
    const api = name === 'js-base64' ? (loaded.Base64 ?? (loaded.default as { Base64?: unknown } | undefined)?.Base64) : (loaded.default ?? loaded);
    Object.assign(peers, { [name]: api });
  }
  return peers;
}
