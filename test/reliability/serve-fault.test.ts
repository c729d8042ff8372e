/**
 * `mailprobe serve --fault NAME`: the sandbox misbehaving on demand, as a user starts it; and the fault
 * list in `serve --help`.
 */
import net from 'node:net';
import t from 'tap';
import { FAULT_NAMES } from '../../src/sandbox/index.js';
import { runCli, startServe } from '../helpers/cli.js';

t.test('serve --fault close-after-greeting: POP3 greets and closes at the first command; SMTP too', async (t) => {
  const { child, stdout, exited } = await startServe(t, ['--fault', 'close-after-greeting']);
  t.match(stdout, /^fault +close-after-greeting: greets, then closes/m);
  for (const scheme of ['pop3', 'smtp']) {
    const port = Number(new RegExp(`^${scheme} +${scheme}://127\\.0\\.0\\.1:(\\d+)$`, 'm').exec(stdout)?.[1]);
    const socket = net.connect(port, '127.0.0.1');
    t.teardown(() => void socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.endsWith('\r\n')) socket.write('NOOP\r\n');
    });
    await new Promise((resolve) => socket.once('end', resolve));
    t.match(received, scheme === 'pop3' ? /^\+OK [^\r\n]*\r\n$/ : /^220 [^\r\n]*\r\n$/, `${scheme}: the greeting, then the close`);
  }
  child.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C stops it cleanly');
});

t.test('serve --help lists every fault; an unknown fault is a usage error', async (t) => {
  const help = await runCli(['serve', '--help']);
  t.equal(help.code, 0);
  for (const name of FAULT_NAMES) t.match(help.stdout, name);
  const unknown = await runCli(['serve', '--fault', 'no-such-fault']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /no-such-fault/);
});
