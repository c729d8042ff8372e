import t from 'tap';
import { COMMAND_TABLE, POP3_COMMANDS, Pop3State, isAllowed, parseCommandLine, type Pop3Command } from '../../../src/sandbox/pop3/commands.js';
import { connect, loggedIn, sandboxFor } from './client.js';

/** A well-formed use of each command, so that only the state decides whether it may run. */
const SAMPLE: Readonly<Record<Pop3Command, string>> = {
  USER: 'USER alice',
  PASS: 'PASS alicepw',
  APOP: 'APOP alice 00000000000000000000000000000000',
  AUTH: `AUTH PLAIN ${Buffer.from('\0alice\0alicepw').toString('base64')}`,
  STLS: 'STLS',
  CAPA: 'CAPA',
  QUIT: 'QUIT',
  STAT: 'STAT',
  LIST: 'LIST',
  RETR: 'RETR 1',
  DELE: 'DELE 1',
  NOOP: 'NOOP',
  RSET: 'RSET',
  TOP: 'TOP 1 0',
  UIDL: 'UIDL',
};

t.test('the table: TRANSACTION commands only after login, AUTHORIZATION commands only before, UPDATE takes none', async (t) => {
  t.same(COMMAND_TABLE.STAT.states, [Pop3State.TRANSACTION]);
  t.same(COMMAND_TABLE.STLS.states, [Pop3State.AUTHORIZATION]);
  t.same(COMMAND_TABLE.QUIT.states, [Pop3State.AUTHORIZATION, Pop3State.TRANSACTION]);
  t.notOk(POP3_COMMANDS.some((command) => isAllowed(command, Pop3State.UPDATE)));
});

t.test('parsing: case-insensitive keyword, runs of spaces, the rest of the line kept for PASS', async (t) => {
  t.same(parseCommandLine('retr  1'), { keyword: 'RETR', args: ['1'], rest: ' 1' });
  t.same(parseCommandLine('PASS two words'), { keyword: 'PASS', args: ['two', 'words'], rest: 'two words' });
  t.same(parseCommandLine(''), { keyword: '', args: [], rest: '' });
});

t.test('walking the table over the wire: every command in every reachable state', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', Buffer.from('Subject: walk\r\n\r\nbody\r\n'));
  for (const state of [Pop3State.AUTHORIZATION, Pop3State.TRANSACTION]) {
    for (const command of POP3_COMMANDS) {
      await t.test(`${command} in ${state}`, async (t) => {
        const client = state === Pop3State.TRANSACTION ? await loggedIn(t, sandbox.targets.pop3) : (await connect(t, sandbox.targets.pop3)).client;
        const reply = await client.command(SAMPLE[command]);
        if (isAllowed(command, state)) {
          t.notMatch(reply, /not allowed/, `allowed: ${reply}`);
          if (state === Pop3State.TRANSACTION) t.match(reply, /^\+OK/, 'and it works');
        } else {
          t.equal(reply, `-ERR ${command} not allowed in the ${state} state`);
          t.match(await client.command('NOOP'), state === Pop3State.TRANSACTION ? /^\+OK/ : /^-ERR NOOP not allowed/, 'the state did not change');
        }
        // RSET undoes a DELE; QUIT (or a broken STLS handshake) ends the session and frees the lock for the next one.
        client.write('RSET\r\nQUIT\r\n');
        await client.closedByServer();
      });
    }
  }
});

t.test('an unknown command is -ERR in every state, and the session goes on', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  t.equal(await client.command('FROB x'), '-ERR Unknown command: FROB');
  t.equal(await client.command('LAST'), '-ERR Unknown command: LAST', 'RFC 1725 LAST is gone from RFC 1939');
  t.equal(await client.command(''), '-ERR Unknown command: ');
  t.equal(await client.command('USER alice'), '+OK');
});

t.test('UPDATE: QUIT from TRANSACTION commits, answers +OK and closes; nothing is taken after', async (t) => {
  const sandbox = await sandboxFor(t);
  sandbox.store.deliver('alice', Buffer.from('Subject: one\r\n\r\n1\r\n'));
  const client = await loggedIn(t, sandbox.targets.pop3);
  t.match(await client.command('DELE 1'), /^\+OK/);
  client.write('QUIT\r\nNOOP\r\n');
  t.equal(await client.line(), '+OK Logging out');
  await client.closedByServer();
  t.ok(client.isClosed, 'no reply to NOOP after QUIT');
  t.equal(sandbox.store.mailbox('alice', 'INBOX')!.messages.length, 0, 'the deletion was committed');
});
