/**
 * The not-authenticated state (RFC 3501 §6.2): LOGIN, AUTHENTICATE with PLAIN, LOGIN, CRAM-MD5 and
 * XOAUTH2 through continuations and with SASL-IR (RFC 4959), STARTTLS with the sandbox certificate, and
 * implicit TLS on imaps.
 */
import { createHmac } from 'node:crypto';
import t from 'tap';
import { connect, expectCommand, sandboxFor } from './client.js';

const sandbox = await sandboxFor(t);
const b64 = (text: string): string => Buffer.from(text).toString('base64');

t.test('LOGIN: good, bad password, unknown user, address form, quoted and literal arguments', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  await expectCommand(t, client, 'LOGIN alice wrong', 'NO', /\[AUTHENTICATIONFAILED\]/);
  await expectCommand(t, client, 'LOGIN nobody nobodypw', 'NO', /\[AUTHENTICATIONFAILED\]/);
  await expectCommand(t, client, 'LOGIN "alice@example.test" "alicepw"', 'OK');
  await expectCommand(t, client, 'LOGIN alice alicepw', 'BAD', /not allowed in the authenticated state/);
  const { client: literal } = await connect(t, sandbox.targets.imap);
  literal.write('L1 LOGIN {3}\r\n');
  t.match(await literal.response(), /^\+ /, 'continuation for a synchronizing literal');
  literal.write('bob {5+}\r\nbobpw\r\n');
  t.match(await literal.response(), /^L1 OK /);
});

t.test('AUTHENTICATE PLAIN with continuation, with SASL-IR, cancelled, failed', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  client.write('P1 AUTHENTICATE PLAIN\r\n');
  t.equal(await client.response(), '+ ', 'empty challenge');
  client.write('*\r\n');
  t.match(await client.response(), /^P1 BAD .*cancel/);
  client.write('P2 AUTHENTICATE PLAIN\r\n');
  await client.response();
  client.write(`${b64('\0alice\0wrong')}\r\n`);
  t.match(await client.response(), /^P2 NO \[AUTHENTICATIONFAILED\]/);
  client.write('P3 AUTHENTICATE PLAIN\r\n');
  await client.response();
  client.write('not base64!\r\n');
  t.match(await client.response(), /^P3 BAD /);
  await expectCommand(t, client, `AUTHENTICATE PLAIN ${b64('\0alice\0alicepw')}`, 'OK', /\[CAPABILITY /);
  await expectCommand(t, client, 'SELECT INBOX', 'OK');
});

t.test('AUTHENTICATE LOGIN, CRAM-MD5 and XOAUTH2', async (t) => {
  const { client: login } = await connect(t, sandbox.targets.imap);
  login.write('L1 AUTHENTICATE LOGIN\r\n');
  t.equal(Buffer.from((await login.response()).slice(2), 'base64').toString(), 'Username:');
  login.write(`${b64('carol')}\r\n`);
  t.equal(Buffer.from((await login.response()).slice(2), 'base64').toString(), 'Password:');
  login.write(`${b64('carolpw')}\r\n`);
  t.match(await login.response(), /^L1 OK /);

  const { client: cram } = await connect(t, sandbox.targets.imap);
  cram.write('C1 AUTHENTICATE CRAM-MD5\r\n');
  const challenge = Buffer.from((await cram.response()).slice(2), 'base64');
  t.match(challenge.toString(), /^<[^>]+@[^>]+>$/);
  cram.write(`${b64(`bob ${createHmac('md5', 'bobpw').update(challenge).digest('hex')}`)}\r\n`);
  t.match(await cram.response(), /^C1 OK /);

  const { client: oauth } = await connect(t, sandbox.targets.imap);
  await expectCommand(t, oauth, `AUTHENTICATE XOAUTH2 ${b64('user=alice\x01auth=Bearer alicepw\x01\x01')}`, 'OK');
});

t.test('XOAUTH2 refusal: an error challenge, an empty response, then NO', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  client.write(`X1 AUTHENTICATE XOAUTH2 ${b64('user=alice\x01auth=Bearer nope\x01\x01')}\r\n`);
  t.match(Buffer.from((await client.response()).slice(2), 'base64').toString(), /"status":"401"/);
  client.write('\r\n');
  t.match(await client.response(), /^X1 NO /);
});

t.test('unsupported mechanism, SASL-IR "=" for an empty initial response', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  await expectCommand(t, client, 'AUTHENTICATE GSSAPI', 'NO');
  client.write('E1 AUTHENTICATE PLAIN =\r\n');
  t.match(await client.response(), /^E1 NO \[AUTHENTICATIONFAILED\]/);
});

t.test('STARTTLS: verified with the sandbox CA, capabilities change, pipelined bytes dropped', async (t) => {
  const { client } = await connect(t, sandbox.targets.imap);
  client.write('S1 STARTTLS\r\nS2 NOOP\r\n');
  t.match(await client.response(), /^S1 OK /);
  await client.startTls(sandbox.ca);
  const caps = await expectCommand(t, client, 'CAPABILITY', 'OK');
  t.notMatch(caps.untagged[0]!, /STARTTLS/);
  t.ok(await client.silentFor(50), 'the pipelined S2 was not answered');
  await expectCommand(t, client, 'STARTTLS', 'BAD');
  await expectCommand(t, client, 'LOGIN alice alicepw', 'OK');
});

t.test('imaps: TLS from the first byte', async (t) => {
  const { client, greeting } = await connect(t, sandbox.targets.imaps, sandbox.ca);
  t.match(greeting, /^\* OK /);
  t.notMatch(greeting, /STARTTLS/);
  await expectCommand(t, client, 'LOGIN bob bobpw', 'OK');
});
