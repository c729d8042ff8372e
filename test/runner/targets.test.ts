import t from 'tap';
import { parseTargetArgs, parseTargetUrl, resolveSessionTarget, MissingTargetError } from '../../src/runner/targets.js';

t.test('parseTargetUrl: schemes, default ports, TLS policy', async (t) => {
  const plain = parseTargetUrl('smtp://127.0.0.1:2525');
  t.same(plain, { protocol: 'smtp', endpoint: { host: '127.0.0.1', port: 2525, tls: 'none', verify: true, url: 'smtp://127.0.0.1:2525' } });
  t.equal(parseTargetUrl('smtps://mail.example.test').endpoint.port, 465);
  t.equal(parseTargetUrl('smtps://mail.example.test').endpoint.tls, 'implicit');
  t.equal(parseTargetUrl('pop3s://h').endpoint.port, 995);
  t.equal(parseTargetUrl('imaps://h').endpoint.port, 993);
  t.equal(parseTargetUrl('imap://h').protocol, 'imap');
  t.equal(parseTargetUrl('smtp://[::1]:25').endpoint.host, '::1');
  t.equal(parseTargetUrl('smtps://h', { insecure: true }).endpoint.verify, false, '--insecure');
  t.equal(parseTargetUrl('smtps://h?tls=verify', { insecure: true }).endpoint.verify, true, 'the URL wins over --insecure');
  t.equal(parseTargetUrl('smtps://h?tls=insecure').endpoint.verify, false);
  t.equal(parseTargetUrl('smtps://h', { ca: 'PEM' }).endpoint.ca, 'PEM', '--ca reaches the endpoint');
  t.equal(parseTargetUrl('smtps://10.0.0.1?servername=mx.example.test').endpoint.servername, 'mx.example.test');
  t.throws(() => parseTargetUrl('smtp://user:secret@h:25'), /credentials/, 'credentials belong in an auth step, never in a URL that reaches a report');
  t.throws(() => parseTargetUrl('ftp://h'), /unknown URL scheme `ftp:`/);
  t.same(parseTargetUrl('https://mail.example.test').endpoint, { host: 'mail.example.test', port: 443, tls: 'implicit', verify: true, url: 'https://mail.example.test' });
  t.throws(() => parseTargetUrl('not a url'), /is not a valid URL/);
  t.throws(() => parseTargetUrl('smtp://h?tls=maybe'), /use tls=verify or tls=insecure/);
});

t.test('parseTargetArgs: default and named targets', async (t) => {
  t.same(parseTargetArgs(['smtp://h:1', 'submission=smtp://h:2']), { defaultUrl: 'smtp://h:1', named: { submission: 'smtp://h:2' } });
  t.same(parseTargetArgs(['smtp://h:1?servername=a=b']), { defaultUrl: 'smtp://h:1?servername=a=b', named: {} }, '= after :// is part of the URL');
  t.throws(() => parseTargetArgs(['smtp://a', 'smtp://b']), /two default targets/);
  t.throws(() => parseTargetArgs(['x=ftp://a']), /unknown URL scheme/);
});

t.test('resolveSessionTarget: own target, then default of the same protocol, then the protocol name', async (t) => {
  const ctx = { defaultUrl: 'smtp://h:2525', named: { submission: 'smtp://h:2587', imap: 'imap://h:2143' }, tls: {} };
  t.equal(resolveSessionTarget({ protocol: 'smtp' }, ctx).endpoint.port, 2525);
  t.equal(resolveSessionTarget({ protocol: 'smtp', target: 'submission' }, ctx).endpoint.port, 2587);
  t.equal(resolveSessionTarget({ protocol: 'smtp', target: 'smtps://h:9' }, ctx).endpoint.port, 9);
  t.equal(resolveSessionTarget({ protocol: 'imap' }, ctx).endpoint.port, 2143);
  t.throws(() => resolveSessionTarget({ protocol: 'pop3' }, ctx), MissingTargetError);
  t.throws(() => resolveSessionTarget({ protocol: 'smtp', target: 'relay' }, ctx), /needs target "relay"/);
  t.throws(() => resolveSessionTarget({ protocol: 'smtp', target: 'imap' }, ctx), /speaks smtp but its target imap:\/\/h:2143 is imap/);
});
