/**
 * A scripted IMAP peer for fault tests, on test/helpers/raw-server.ts: sends a greeting, then hands each
 * line the client sends (without CRLF) to the test's script, which answers as it likes. Also opens an
 * ImapSession to it, closed at teardown.
 */
import type net from 'node:net';
import type { Test } from 'tap';
import { imapDriver } from '../../../src/protocols/imap/driver.js';
import type { ProtocolSession, Reply, StepAction, StepContext } from '../../../src/protocols/types.js';
import type { Transcript } from '../../../src/wire/transcript.js';
import { startRawServer, testTranscript, type RawServer } from '../../helpers/raw-server.js';

export type Script = (line: string, socket: net.Socket) => void;

export const ctx: StepContext = { timeoutMs: 2000, signal: new AbortController().signal };

export interface ScriptedClient {
  server: RawServer;
  session: ProtocolSession;
  transcript: Transcript;
  /** Everything the server received, as latin1 text. */
  received(): string;
  perform(action: StepAction): Promise<Reply>;
}

/** A server greeting with `greeting` (a whole line, CRLF added) and answering lines with `script`. */
export async function scripted(t: Test, greeting: string, script: Script): Promise<ScriptedClient> {
  const server = await startRawServer((socket) => {
    socket.write(`${greeting}\r\n`);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        script(line, socket);
      }
    });
  });
  const { transcript, sink } = testTranscript();
  const session = await imapDriver.open({ endpoint: server.endpoint(), transcript: sink, connectTimeoutMs: 2000, signal: ctx.signal });
  t.teardown(async () => {
    await session.close();
    await server.close();
  });
  const perform = async (action: StepAction): Promise<Reply> => {
    const reply = await session.perform(action, ctx);
    if (!reply) throw new Error(`no reply to ${action.kind}`);
    return reply;
  };
  return {
    server,
    session,
    transcript,
    received: () => Buffer.concat(server.received.flat()).toString('latin1'),
    perform,
  };
}

/** The tag of a command line ("A001 NOOP" → "A001"). */
export function tagOf(line: string): string {
  return line.split(' ')[0]!;
}
