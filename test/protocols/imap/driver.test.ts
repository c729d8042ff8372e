import t from 'tap';
import { imapDriver } from '../../../src/protocols/imap/driver.js';
import { driverFor } from '../../../src/protocols/registry.js';

t.test('the registry knows the IMAP engine', async (t) => {
  t.equal(driverFor('imap'), imapDriver);
  t.equal(imapDriver.protocol, 'imap');
});

t.test('statuses match case-insensitively and exactly', async (t) => {
  t.ok(imapDriver.statusMatches('OK', 'OK'));
  t.ok(imapDriver.statusMatches('OK', 'ok'));
  t.notOk(imapDriver.statusMatches('NO', 'OK'));
  t.notOk(imapDriver.statusMatches('BYE', 'BAD'));
  t.ok(imapDriver.statusMatches('PREAUTH', 'PREAUTH'));
});

t.test('starttls, auth, message and idle expect the tagged OK unless told otherwise', async (t) => {
  for (const kind of ['starttls', 'auth', 'message', 'idle'] as const) t.same(imapDriver.defaultStatus(kind), ['OK'], kind);
  for (const kind of ['send', 'raw', 'read', 'close', 'expect_close'] as const) t.equal(imapDriver.defaultStatus(kind), undefined, kind);
});
