/**
 * Peer libraries used as correctness oracles (devDependencies, CommonJS without type declarations):
 * loaded through createRequire and typed here with only what the tests call.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LibQp {
  encode(data: Buffer | string): string;
  decode(text: string): Buffer;
  wrap(text: string, lineLength?: number): string;
}
export interface LibBase64 {
  encode(data: Buffer | string): string;
  decode(text: string): Buffer;
  wrap(text: string, lineLength?: number): string;
}
export interface LibMime {
  decodeWords(text: string): string;
  encodeWord(data: string, mimeWordEncoding?: 'Q' | 'B', maxLength?: number): string;
}

export const libqp = require('libqp') as LibQp;
export const libbase64 = require('libbase64') as LibBase64;
export const libmime = require('libmime') as LibMime;
