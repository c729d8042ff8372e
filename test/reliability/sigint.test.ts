/**
 * Ctrl-C in the middle of POP3 and IMAP sessions (the SMTP case is in test/cli/run.test.ts) — waiting for
 * the greeting, and deep in the dialogue (inside a multi-line reply, inside a literal): the CLI writes the
 * results so far to every report, marks the unfinished scenarios interrupted and exits 130.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import t from 'tap';
import type { RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';
import type { Socket } from 'node:net';
import { startRawServer } from '../helpers/raw-server.js';
import { writeScenario, type MatrixProtocol } from './scenarios.js';

/** Reads a socket line by line (CRLF), handing each line to `answer`. */
function onLines(socket: Socket, answer: (line: string) => void): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
      answer(pending.slice(0, end));
      pending = pending.slice(end + 2);
    }
  });
}

/**
 * A POP3 server that plays along (CAPA, USER, PASS, STAT) and then, in the middle of RETR's multi-line
 * reply (RFC 1939 §7), stops sending and tells `stalled`.
 */
function pop3StallingInRetr(stalled: () => void) {
  return (socket: Socket): void => {
    socket.write('+OK ready\r\n');
    onLines(socket, (line) => {
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'CAPA') socket.write('+OK\r\nUSER\r\n.\r\n');
      else if (verb === 'STAT') socket.write('+OK 1 40\r\n');
      else if (verb === 'RETR') socket.write('+OK 40 octets\r\nSubject: half a message\r\n', stalled);
      else socket.write('+OK\r\n');
    });
  };
}

/**
 * An IMAP server that plays along (CAPABILITY, LOGIN, SELECT) and then answers FETCH with a literal
 * (RFC 3501 §4.3) of which only the first octets come, and tells `stalled`.
 */
function imapStallingInLiteral(stalled: () => void) {
  return (socket: Socket): void => {
    socket.write('* OK ready\r\n');
    onLines(socket, (line) => {
      const [tag, verb = ''] = line.split(' ');
      if (verb.toUpperCase() === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
      else if (verb.toUpperCase() === 'SELECT') socket.write(`* 1 EXISTS\r\n${tag} OK [READ-WRITE] done\r\n`);
      else if (verb.toUpperCase() === 'FETCH') socket.write('* 1 FETCH (BODY[] {100}\r\nSubject: half', stalled);
      else socket.write(`${tag} OK done\r\n`);
    });
  };
}

interface Interrupted {
  code: number | null;
  /** Milliseconds from SIGINT to exit. */
  exitMs: number;
  json: RunResult;
  junit: string;
}

/** Runs the scenarios in `dir` against `targets`, sends SIGINT once `ready` resolves, reads both reports. */
async function runUntilInterrupted(dir: string, targets: string[], ready: Promise<void>): Promise<Interrupted> {
  let interruptedAt = 0;
  const started = Date.now();
  const res = await runCli(['run', dir, ...targets, '--timeout', '30s', '--reporter', `json=${dir}/r.json`, '--reporter', `junit=${dir}/j.xml`], {
    onSpawn: (kill) =>
      void ready.then(() => {
        interruptedAt = Date.now() - started;
        kill('SIGINT');
      }),
    timeoutMs: 60_000,
  });
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
  return { code: res.code, exitMs: res.ms - interruptedAt, json, junit: readFileSync(join(dir, 'j.xml'), 'utf8') };
}

function wellFormed(xml: string): Error | undefined {
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error = e));
  parser.write(xml).close();
  return error;
}

t.test('SIGINT during POP3 and IMAP sessions: partial reports, interrupted scenarios, exit 130', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-sigint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const protocols: MatrixProtocol[] = ['pop3', 'imap'];
  let connections = 0;
  let allConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (allConnected = resolve));
  // Servers that accept and never answer, so that both sessions are in flight when SIGINT comes.
  const servers = await Promise.all(protocols.map(() => startRawServer(() => ++connections === protocols.length && allConnected())));
  t.teardown(() => Promise.all(servers.map((server) => server.close())));
  const targets = protocols.flatMap((protocol, i) => {
    writeScenario(dir, { name: `silent ${protocol}`, protocol, target: `silent-${protocol}`, starttls: false, user: 'alice' });
    return ['--target', `silent-${protocol}=${protocol}://127.0.0.1:${servers[i]!.port}`];
  });
  const { code, exitMs, json, junit } = await runUntilInterrupted(dir, targets, connected);
  t.equal(code, 130);
  t.ok(exitMs < 5000, `exits within 5 s of SIGINT, long before the 30s timeout (${exitMs} ms)`);
  t.equal(json.interrupted, true);
  t.same(json.scenarios.map((s) => s.name).sort(), ['silent imap', 'silent pop3']);
  for (const scenario of json.scenarios) {
    t.equal(scenario.outcome, 'interrupted', scenario.name);
    t.equal(scenario.failure?.code, 'MP_ERR_INTERRUPTED');
  }
  t.equal(wellFormed(junit), undefined, 'JUnit well-formed');
});

t.test('SIGINT while POP3 is inside a RETR reply and IMAP inside a FETCH literal: exit 130, steps so far kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-sigint-mid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let stalls = 0;
  let bothStalled: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (bothStalled = resolve));
  const stalled = (): void => void (++stalls === 2 && bothStalled());
  const pop3 = await startRawServer(pop3StallingInRetr(stalled));
  const imap = await startRawServer(imapStallingInLiteral(stalled));
  t.teardown(() => Promise.all([pop3.close(), imap.close()]));
  writeScenario(dir, { name: 'pop3 mid-RETR', protocol: 'pop3', target: 'stall-pop3', starttls: false, user: 'alice' });
  writeScenario(dir, { name: 'imap mid-literal', protocol: 'imap', target: 'stall-imap', starttls: false, user: 'alice' });
  const targets = ['--target', `stall-pop3=pop3://127.0.0.1:${pop3.port}`, '--target', `stall-imap=imap://127.0.0.1:${imap.port}`];
  const { code, exitMs, json, junit } = await runUntilInterrupted(dir, targets, ready);
  t.equal(code, 130);
  t.ok(exitMs < 5000, `exits within 5 s of SIGINT, long before the 30s timeout (${exitMs} ms)`);
  t.equal(json.interrupted, true);
  for (const scenario of json.scenarios) {
    t.equal(scenario.outcome, 'interrupted', scenario.name);
    t.equal(scenario.failure?.code, 'MP_ERR_INTERRUPTED', scenario.name);
    const passed = scenario.steps.filter((step) => step.outcome === 'passed').map((step) => step.label);
    // Greeting, login and STAT / SELECT passed; RETR / FETCH, under way when SIGINT came, did not.
    t.equal(passed.length, 3, `${scenario.name}: steps passed before SIGINT: ${passed.join(' | ')}`);
  }
  t.same(json.scenarios.map((s) => s.name).sort(), ['imap mid-literal', 'pop3 mid-RETR']);
  t.equal(wellFormed(junit), undefined, 'JUnit well-formed');
});
