import t from 'tap';
import { smtpDriver } from '../../../src/protocols/smtp/driver.js';
import { commandName } from '../../../src/protocols/smtp/session.js';

t.test('statuses', async (t) => {
  t.ok(smtpDriver.statusMatches('250', '250'));
  t.ok(smtpDriver.statusMatches('250', '2xx'));
  t.ok(smtpDriver.statusMatches('251', '2XX'));
  t.notOk(smtpDriver.statusMatches('250', '251'));
  t.notOk(smtpDriver.statusMatches('450', '2xx'));
});

t.test('default expectations', async (t) => {
  t.same(smtpDriver.defaultStatus('starttls'), ['220']);
  t.same(smtpDriver.defaultStatus('auth'), ['235']);
  t.same(smtpDriver.defaultStatus('message'), ['250']);
  t.equal(smtpDriver.defaultStatus('send'), undefined);
  t.equal(smtpDriver.protocol, 'smtp');
});

t.test('command names in messages', async (t) => {
  t.equal(commandName('EHLO probe.example'), 'EHLO');
  t.equal(commandName('mail from:<a@b>'), 'MAIL FROM');
  t.equal(commandName('RCPT TO: <a@b>'), 'RCPT TO');
  t.equal(commandName('AUTH PLAIN secret'), 'AUTH');
  t.equal(commandName(''), 'command');
});
