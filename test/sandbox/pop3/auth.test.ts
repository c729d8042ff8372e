import { createHash, createHmac } from 'node:crypto';
import t from 'tap';
import { connect, sandboxFor } from './client.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

t.test('USER/PASS: wrong password, PASS without USER, a password with spaces (RFC 1939 §7)', async (t) => {
  const sandbox = await sandboxFor(t, { users: [{ name: 'dave', password: 'two words' }] });
  const { client } = await connect(t, sandbox.targets.pop3);
  t.equal(await client.command('PASS two words'), '-ERR No USER given');
  t.equal(await client.command('USER dave'), '+OK');
  t.equal(await client.command('PASS wrong'), '-ERR [AUTH] Authentication failed', 'RFC 3206 AUTH response code');
  t.equal(await client.command('PASS two words'), '-ERR No USER given', 'a failed PASS needs a new USER');
  t.equal(await client.command('USER nobody'), '+OK', 'USER does not tell which users exist');
  t.equal(await client.command('PASS two words'), '-ERR [AUTH] Authentication failed');
  t.equal(await client.command('USER'), '-ERR Syntax: USER name');
  await client.command('USER dave');
  t.match(await client.command('PASS two words'), /^\+OK Logged in/);
});

t.test('APOP with the greeting timestamp (RFC 1939 §7)', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client, greeting } = await connect(t, sandbox.targets.pop3);
  const timestamp = /<[^>]+@mx\.example\.test>/.exec(greeting)?.[0];
  t.ok(timestamp, `the greeting carries a msg-id timestamp: ${greeting}`);
  const digest = (password: string): string => createHash('md5').update(timestamp! + password).digest('hex');
  t.equal(await client.command(`APOP alice ${digest('wrong')}`), '-ERR [AUTH] Authentication failed');
  t.equal(await client.command('APOP alice'), '-ERR Syntax: APOP name digest');
  t.match(await client.command(`APOP alice ${digest('alicepw').toUpperCase()}`), /^\+OK Logged in/, 'hex digits in either case');
  const other = await connect(t, sandbox.targets.pop3);
  t.not(other.greeting, greeting, 'each greeting has its own timestamp');
});

t.test('AUTH PLAIN with an initial response, after an empty challenge, and "=" (RFC 5034 §4)', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  t.equal(await client.command(`AUTH PLAIN ${b64('\0alice\0wrong')}`), '-ERR [AUTH] Authentication failed');
  t.equal(await client.command(`AUTH PLAIN ${b64('bob\0alice\0alicepw')}`), '-ERR [AUTH] Authentication failed', 'no authorizing as someone else');
  t.equal(await client.command('AUTH PLAIN ='), '-ERR [AUTH] Authentication failed', 'an empty initial response');
  t.equal(await client.command('AUTH PLAIN'), '+ ', 'empty challenge');
  t.match(await client.command(b64('alice\0alice\0alicepw')), /^\+OK Logged in/, 'authzid equal to the user');
});

t.test('AUTH LOGIN and CRAM-MD5 (RFC 2195)', async (t) => {
  const sandbox = await sandboxFor(t);
  const login = (await connect(t, sandbox.targets.pop3)).client;
  t.equal(unb64((await login.command('AUTH LOGIN')).slice(2)), 'Username:');
  t.equal(unb64((await login.command(b64('bob'))).slice(2)), 'Password:');
  t.match(await login.command(b64('bobpw')), /^\+OK Logged in/);

  const cram = (await connect(t, sandbox.targets.pop3)).client;
  const challenge = unb64((await cram.command('AUTH CRAM-MD5')).slice(2));
  t.match(challenge, /^<\d+\.\d+@mx\.example\.test>$/);
  t.equal(await cram.command(b64(`carol ${createHmac('md5', 'wrong').update(challenge).digest('hex')}`)), '-ERR [AUTH] Authentication failed');
  const again = unb64((await cram.command('AUTH CRAM-MD5')).slice(2));
  t.match(await cram.command(b64(`carol ${createHmac('md5', 'carolpw').update(again).digest('hex')}`)), /^\+OK Logged in/);
});

t.test('AUTH XOAUTH2: the password stands for the token; a refusal is an error challenge, then -ERR', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  const refusal = await client.command(`AUTH XOAUTH2 ${b64('user=alice\x01auth=Bearer nope\x01\x01')}`);
  t.same(JSON.parse(unb64(refusal.slice(2))), { status: '401', schemes: 'bearer', scope: 'mail' });
  t.equal(await client.command(''), '-ERR [AUTH] Authentication failed');
  t.match(await client.command(`AUTH XOAUTH2 ${b64('user=alice@example.test\x01auth=Bearer alicepw\x01\x01')}`), /^\+OK Logged in/);
});

t.test('AUTH: cancel with "*", bad base64, unknown mechanism, no mechanism', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  await client.command('AUTH LOGIN');
  t.equal(await client.command('*'), '-ERR Authentication cancelled');
  t.equal(await client.command('AUTH PLAIN not/base64!'), '-ERR Invalid base64 data in SASL response');
  await client.command('AUTH PLAIN');
  t.equal(await client.command('%%%'), '-ERR Invalid base64 data in SASL response');
  t.equal(await client.command('AUTH GSSAPI'), '-ERR Unsupported authentication mechanism GSSAPI');
  t.equal(await client.command('AUTH'), '-ERR Syntax: AUTH mechanism [initial-response]');
  t.equal(await client.command('USER alice'), '+OK', 'still in AUTHORIZATION');
});

t.test('CAPA before login lists USER, SASL and STLS (RFC 2449 §5, RFC 2595 §4)', async (t) => {
  const sandbox = await sandboxFor(t);
  const { client } = await connect(t, sandbox.targets.pop3);
  const capa = await client.multiline('CAPA');
  t.equal(capa.status, '+OK Capability list follows');
  const lines = capa.body.toString().split('\r\n');
  for (const line of ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN LOGIN CRAM-MD5 XOAUTH2', 'STLS']) {
    t.ok(lines.includes(line), line);
  }
});
