import t from 'tap';
import { createHmac } from 'node:crypto';
import { createSaslClient, cramMd5Response, decodeBase64, plainMessage, xoauth2Message } from '../../../src/protocols/shared/sasl.js';

const alice = { username: 'alice', password: 'alicepw' };

t.test('PLAIN (RFC 4616): initial response, no challenges answered', async (t) => {
  t.same(plainMessage(alice), Buffer.from('\0alice\0alicepw'));
  t.same(plainMessage({ ...alice, authzid: 'admin' }), Buffer.from('admin\0alice\0alicepw'));
  const client = createSaslClient('plain', alice);
  t.equal(client.mechanism, 'PLAIN');
  t.same(client.initialResponse, Buffer.from('\0alice\0alicepw'));
  t.equal(client.respond(Buffer.alloc(0)), undefined);
});

t.test('LOGIN: username, then password, then nothing', async (t) => {
  const client = createSaslClient('LOGIN', alice);
  t.equal(client.initialResponse, undefined);
  t.same(client.respond(Buffer.from('Username:')), Buffer.from('alice'));
  t.same(client.respond(Buffer.from('Password:')), Buffer.from('alicepw'));
  t.equal(client.respond(Buffer.from('?')), undefined);
});

t.test('CRAM-MD5 (RFC 2195 §2 example)', async (t) => {
  const challenge = Buffer.from('<1896.697170952@postoffice.reston.mci.net>');
  t.equal(cramMd5Response('tim', 'tanstaaftanstaaf', challenge).toString(), 'tim b913a602c7eda7a495b4e6e7334d3890');
  const client = createSaslClient('CRAM-MD5', alice);
  const expected = createHmac('md5', 'alicepw').update(challenge).digest('hex');
  t.equal(client.respond(challenge)!.toString(), `alice ${expected}`);
  t.equal(client.respond(challenge), undefined);
});

t.test('XOAUTH2: token in the initial response, an empty answer to the error challenge', async (t) => {
  t.same(xoauth2Message('alice', 'tok'), Buffer.from('user=alice\x01auth=Bearer tok\x01\x01'));
  const client = createSaslClient('xoauth2', { username: 'alice', password: 'tok' });
  t.same(client.respond(Buffer.from('{"status":"401"}')), Buffer.alloc(0));
  t.equal(client.respond(Buffer.alloc(0)), undefined);
});

t.test('unknown mechanisms are UNSUPPORTED', async (t) => {
  t.throws(() => createSaslClient('GSSAPI', alice), { code: 'MP_ERR_UNSUPPORTED' });
});

t.test('decodeBase64 is strict (RFC 4648 §4)', async (t) => {
  t.same(decodeBase64('VXNlcm5hbWU6'), Buffer.from('Username:'));
  t.same(decodeBase64(''), Buffer.alloc(0));
  t.same(decodeBase64('YQ=='), Buffer.from('a'));
  t.equal(decodeBase64('YQ'), undefined);
  t.equal(decodeBase64('not base64!'), undefined);
});
