/**
 * Walks the command table (commands.ts) through every state a client can send in (RFC 3501 §3): each
 * command is refused with BAD "not allowed" exactly where the table does not list it, and reaches its
 * handler everywhere else. The logout state reads nothing: the server closes after LOGOUT.
 */
import t, { type Test } from 'tap';
import { COMMANDS, ImapState } from '../../../src/sandbox/imap/commands.js';
import { connect, sandboxFor, type ImapTestClient } from './client.js';

const sandbox = await sandboxFor(t);

async function inState(t: Test, state: ImapState): Promise<ImapTestClient> {
  const { client } = await connect(t, sandbox.targets.imap);
  if (state !== ImapState.NOT_AUTHENTICATED) await client.command('LOGIN alice alicepw');
  if (state === ImapState.SELECTED) await client.command('SELECT INBOX');
  return client;
}

/** The first tagged or continuation response to `name` sent without arguments. */
async function answer(client: ImapTestClient, name: string): Promise<string> {
  client.write(`W1 ${name}\r\n`);
  for (;;) {
    const response = await client.response();
    if (!response.startsWith('* ')) return response;
  }
}

const STATES = [ImapState.NOT_AUTHENTICATED, ImapState.AUTHENTICATED, ImapState.SELECTED];

t.test('every command in every state', async (t) => {
  t.ok(Object.keys(COMMANDS).length >= 30, 'the table lists the commands');
  for (const [name, spec] of Object.entries(COMMANDS)) {
    for (const state of STATES) {
      const client = await inState(t, state);
      const response = await answer(client, name);
      const refused = new RegExp(`^W1 BAD ${name} is not allowed in the ${state} state$`);
      if (spec.states.includes(state)) t.notMatch(response, refused, `${name} runs in the ${state} state: ${response}`);
      else t.match(response, refused, `${name} is refused in the ${state} state`);
      client.close();
    }
  }
});

t.test('the logout state: nothing more is read', async (t) => {
  const client = await inState(t, ImapState.AUTHENTICATED);
  client.write('L1 LOGOUT\r\nL2 NOOP\r\n');
  t.match(await client.response(), /^\* BYE/);
  t.match(await client.response(), /^L1 OK/);
  await t.rejects(client.response(1000), /connection closed/);
});
