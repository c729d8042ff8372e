import t from 'tap';
import { DEFAULT_USERS, SANDBOX_DOMAIN, UserDirectory } from '../../src/sandbox/users.js';

t.test('defaults: alice, bob, carol (and dave, erin for the POP3 suite) at example.test', async (t) => {
  const users = new UserDirectory();
  t.equal(users.domain, SANDBOX_DOMAIN);
  t.same(users.users, DEFAULT_USERS);
  t.same(users.users.map((u) => `${u.name}/${u.password}`), ['alice/alicepw', 'bob/bobpw', 'carol/carolpw', 'dave/davepw', 'erin/erinpw']);
});

t.test('logins: bare name or address, any case; others unknown', async (t) => {
  const users = new UserDirectory();
  t.equal(users.findLogin('alice')?.password, 'alicepw');
  t.equal(users.findLogin('Bob@Example.TEST')?.name, 'bob');
  t.equal(users.findLogin('bob@elsewhere.test'), undefined);
  t.equal(users.findLogin('mallory'), undefined);
  t.equal(users.findLogin(''), undefined);
});

t.test('addresses: local user, unknown local name, remote; postmaster goes to the first user', async (t) => {
  const users = new UserDirectory();
  t.same(users.classify('CAROL@example.test'), { kind: 'local', user: { name: 'carol', password: 'carolpw' } });
  t.same(users.classify('nobody@example.test'), { kind: 'unknown-local' });
  t.same(users.classify('alice@elsewhere.test'), { kind: 'remote' });
  t.same(users.classify('alice@example.test.evil'), { kind: 'remote' });
  t.same(users.classify('Postmaster'), { kind: 'local', user: users.postmaster });
  t.same(users.classify('postmaster@EXAMPLE.test'), { kind: 'local', user: users.postmaster });
  t.equal(users.postmaster.name, 'alice');
});

t.test('other users and domains', async (t) => {
  const users = new UserDirectory([{ name: 'Dave', password: 'davepw' }], 'corp.test');
  t.equal(users.findLogin('dave@corp.test')?.password, 'davepw');
  t.equal(users.findLogin('alice'), undefined);
  t.same(users.classify('dave@CORP.test'), { kind: 'local', user: { name: 'dave', password: 'davepw' } });
  t.same(users.classify('dave@example.test'), { kind: 'remote' });
  t.throws(() => new UserDirectory([{ name: 'a', password: '1' }, { name: 'A', password: '2' }]), /duplicate sandbox user "A"/);
  t.throws(() => new UserDirectory([{ name: 'a@b', password: '1' }]), /invalid sandbox user name/);
  t.throws(() => new UserDirectory([]), /at least one user/);
});
