/**
 * Drives a server with mailprobe's own SMTP engine, like a transcript: "send this, expect that reply".
 * The session is closed in the test's teardown.
 */
import type { Test } from 'tap';
import { smtpDriver } from '../../src/protocols/smtp/driver.js';
import type { ProtocolSession, Reply, StepAction, StepContext } from '../../src/protocols/types.js';
import type { Endpoint } from '../../src/wire/types.js';
import { Transcript } from '../../src/wire/transcript.js';

export const ctx: StepContext = { timeoutMs: 5000, signal: new AbortController().signal };

export interface SmtpClient {
  session: ProtocolSession;
  transcript: Transcript;
  /** Performs an action and returns its reply (rejects when none came). */
  step(action: StepAction): Promise<Reply>;
  send(text: string): Promise<Reply>;
  /** Sends a command and asserts the reply code and, when given, that the text matches. */
  expect(text: string, status: string, match?: RegExp): Promise<Reply>;
}

export async function openSmtpClient(t: Test, endpoint: Endpoint): Promise<SmtpClient> {
  const transcript = new Transcript({ startNs: process.hrtime.bigint() });
  const session = await smtpDriver.open({ endpoint, transcript: transcript.sink('default'), connectTimeoutMs: 2000, signal: ctx.signal });
  t.teardown(() => session.close());
  const step = async (action: StepAction): Promise<Reply> => {
    const reply = await session.perform(action, ctx);
    if (!reply) throw new Error(`no reply to ${action.kind}`);
    return reply;
  };
  const send = (text: string): Promise<Reply> => step({ kind: 'send', text });
  const expect = async (text: string, status: string, match?: RegExp): Promise<Reply> => {
    const reply = await send(text);
    t.equal(reply.status, status, `${text} → ${reply.text}`);
    if (match) t.match(reply.text, match, `${text}: reply text`);
    return reply;
  };
  return { session, transcript, step, send, expect };
}
