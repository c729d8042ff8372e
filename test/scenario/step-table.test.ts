import t from 'tap';
import { ACTION_KEYS, STEP_PROTOCOLS, statusProblem } from '../../src/scenario/step-table.js';
import { PROTOCOLS } from '../../src/scenario/types.js';

t.test('SMTP statuses: codes 200–599 and classes', async (t) => {
  for (const ok of [200, 250, 599, '250', '2xx', '5XX', '4xX']) t.equal(statusProblem('smtp', ok), undefined, String(ok));
  for (const bad of [199, 600, 2500, '25', '2x', '6xx', 'OK', '+OK', 25.5]) t.type(statusProblem('smtp', bad), 'string', String(bad));
});

t.test('POP3 and IMAP statuses', async (t) => {
  t.equal(statusProblem('pop3', '+OK'), undefined);
  t.equal(statusProblem('pop3', '-ERR'), undefined);
  t.equal(statusProblem('pop3', '-err'), '`-err` is not a POP3 status: use +OK, -ERR (did you mean `-ERR`?)');
  for (const ok of ['OK', 'NO', 'BAD', 'PREAUTH', 'BYE']) t.equal(statusProblem('imap', ok), undefined, ok);
  t.equal(statusProblem('imap', '+'), undefined, 'a continuation request');
  t.equal(statusProblem('imap', 250), '`250` is not an IMAP status: use OK, NO, BAD, PREAUTH, BYE, +');
});

t.test('every action is a step kind the table knows', async (t) => {
  for (const action of ACTION_KEYS) t.ok(STEP_PROTOCOLS[action], action);
  for (const kind of Object.keys(STEP_PROTOCOLS)) {
    const protocols = STEP_PROTOCOLS[kind as keyof typeof STEP_PROTOCOLS];
    t.ok(protocols.every((p) => PROTOCOLS.includes(p)), kind);
  }
  t.same(STEP_PROTOCOLS.idle, ['imap']);
  t.same(STEP_PROTOCOLS.message, ['smtp', 'imap']);
});
