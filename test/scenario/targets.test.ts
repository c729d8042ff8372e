import t from 'tap';
import { looksLikeUrl, targetUrlProblem } from '../../src/scenario/targets.js';

t.test('valid target URLs', async (t) => {
  for (const url of [
    'smtp://127.0.0.1:2525',
    'smtps://mail.example.test',
    'pop3://[::1]:110',
    'pop3s://h:995/',
    'imap://h:143?tls=insecure',
    'imaps://h?tls=verify&servername=mail.example.test',
  ]) {
    t.equal(targetUrlProblem(url), undefined, url);
  }
});

t.test('invalid target URLs say why', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['not a url', /is not a valid URL/],
    ['ftp://h', /unknown URL scheme `ftp:`: use smtp, smtps, pop3, pop3s, imap, imaps, http, https/],
    ['smtpx://h', /did you mean `smtp`\?/],
    ['smtp://h:99999', /is not a valid URL/],
    ['smtp://user:pw@h', /credentials/],
    ['smtp://h/path', /no path/],
    ['smtp://h#x', /fragment/],
    ['smtp://h?tsl=verify', /unknown target option `tsl` \(did you mean `tls`\?\)/],
    ['smtp://h?tls=off', /tls=verify or tls=insecure/],
    ['smtp://h?servername=', /needs a host name/],
  ];
  for (const [url, message] of cases) t.match(targetUrlProblem(url), message, url);
});

t.test('the scheme must fit the session protocol when one is given', async (t) => {
  t.equal(targetUrlProblem('imaps://h', 'imap'), undefined);
  t.equal(targetUrlProblem('smtps://h', 'pop3'), '`smtps://h` is an SMTP URL but the session speaks POP3');
});

t.test('looksLikeUrl tells names from URLs', async (t) => {
  t.ok(looksLikeUrl('smtp://h'));
  t.notOk(looksLikeUrl('submission'));
});
