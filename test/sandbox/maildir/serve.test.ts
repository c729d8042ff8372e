/**
 * `mailprobe serve --maildir DIR --unknown-recipients bounce`, as a user starts it: a message to an unknown
 * user is accepted, its bounce lands in the sender’s Maildir, and Ctrl-C leaves it there for the next start;
 * a DIR that cannot be one is a usage error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, startServe } from '../../helpers/cli.js';
import { readReply } from '../client.js';

t.test('serve --maildir with --unknown-recipients bounce: the bounce is a file in the sender’s new/', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-serve-maildir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { child, stdout, exited } = await startServe(t, ['--maildir', dir, '--unknown-recipients', 'bounce']);
  t.match(stdout, new RegExp(`^maildir +${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/<user>$`, 'm'));
  const port = Number(/^smtp +smtp:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1]);
  const socket = net.connect(port, '127.0.0.1');
  t.teardown(() => void socket.destroy());
  const replies: string[] = [await readReply(socket)];
  for (const line of ['EHLO probe.example', 'MAIL FROM:<alice@example.test>', 'RCPT TO:<ghost@example.test>', 'DATA', 'Subject: to a ghost\r\n\r\nboo\r\n.', 'QUIT']) {
    const reply = readReply(socket);
    socket.write(`${line}\r\n`);
    replies.push(await reply);
  }
  t.match(replies.slice(3, 6), [/^250 /, /^354 /, /^250 /], 'the unknown recipient is accepted, and the message');
  child.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C stops it cleanly');
  const delivered = readdirSync(join(dir, 'alice', 'new'));
  t.equal(delivered.length, 1, 'one file: the bounce');
  const bounce = readFileSync(join(dir, 'alice', 'new', delivered[0]!), 'latin1');
  t.match(bounce, /^Return-Path: <>\r\n/);
  t.match(bounce, /Content-Type: multipart\/report; report-type=delivery-status/);
  t.match(bounce, /Final-Recipient: rfc822;ghost@example\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
  t.match(readFileSync(join(dir, 'alice', 'mailprobe-uidlist'), 'utf8'), new RegExp(`^mailprobe-uidlist 1 V\\d+ N1\\n1 ${delivered[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
});

t.test('serve --maildir with a DIR that cannot be one is a usage error naming it, before anything listens', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-serve-maildir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a-file'), '');
  const res = await runCli(['serve', '--smtp-port', '0', '--maildir', join(dir, 'a-file')]);
  t.equal(res.code, 2);
  t.match(res.stderr, `mailprobe: --maildir: cannot keep mail in ${join(dir, 'a-file')}: `);
  t.equal(res.stdout, '', 'no service listed');
});
