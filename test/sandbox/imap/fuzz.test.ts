/**
 * Fuzz by state (CODE-STYLE habit 15): a session driven without a socket is put in each state and fed
 * arbitrary bytes and mutated RFC 3501 example commands; it never throws, every response is a whole line
 * (or a literal inside one), no handler fails with an internal error, and BYE comes only with an end.
 */
import fc from 'fast-check';
import t from 'tap';
import { ImapSession, type ImapServerContext, type ImapTransport } from '../../../src/sandbox/imap/session.js';
import { ViewRegistry } from '../../../src/sandbox/imap/view.js';
import { MailStore } from '../../../src/sandbox/store.js';
import { UserDirectory } from '../../../src/sandbox/users.js';
import { message } from './client.js';

/** RFC 3501 examples and commands the suite sends: the seeds that mutations start from. */
const SEEDS = [
  'a001 LOGIN SMITH SESAME',
  'A142 SELECT INBOX',
  'A932 EXAMINE blurdybloop',
  'A003 APPEND saved-messages (\\Seen) {3}\r\nabc',
  'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])',
  'A003 STORE 2:4 +FLAGS (\\Deleted)',
  'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
  'A999 UID FETCH 4827313:4828442 FLAGS',
  'A202 EXPUNGE',
  'A682 LIST "" *',
  'A042 STATUS blurdybloop (UIDNEXT MESSAGES)',
  'a1 IDLE',
  'DONE',
  'a2 AUTHENTICATE PLAIN',
  'A3 MOVE 1:* Trash',
  'A4 FETCH 1 BODY.PEEK[1.2.MIME]<0.10>',
];

function harness(): { session: ImapSession; output: Buffer[]; ended: () => boolean; close: () => void } {
  const users = new UserDirectory();
  const store = new MailStore(users.users.map((u) => u.name));
  store.deliver('alice', message('one'));
  store.deliver('alice', Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\na\r\n--x--\r\n'));
  store.createMailbox('alice', 'Trash');
  const views = new ViewRegistry(store);
  const context: ImapServerContext = { users, store, views, subscriptions: new Map(), hostname: 'fuzz.test' };
  const output: Buffer[] = [];
  let ended = false;
  const transport: ImapTransport = {
    write: (bytes) => void output.push(bytes),
    secure: false,
    startTls: () => new Promise(() => undefined),
    end: () => void (ended = true),
  };
  const session = new ImapSession(transport, context);
  session.start();
  return { session, output, ended: () => ended, close: () => (session.closed(), views.close()) };
}

const PREAMBLES: Record<string, string> = {
  'not authenticated': '',
  authenticated: 'p1 LOGIN alice alicepw\r\n',
  selected: 'p1 LOGIN alice alicepw\r\np2 SELECT INBOX\r\n',
};

const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(60), fc.nat(8), fc.uint8Array({ maxLength: 6 }))
  .map(([seed, at, drop, insert]) => {
    const bytes = Buffer.from(seed + '\r\n', 'latin1');
    const cut = Math.min(at, bytes.length);
    return Buffer.concat([bytes.subarray(0, cut), Buffer.from(insert), bytes.subarray(Math.min(bytes.length, cut + drop))]);
  });
const input = fc.array(fc.oneof(mutated, fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a))), { maxLength: 6 });

for (const [state, preamble] of Object.entries(PREAMBLES)) {
  t.test(`arbitrary and mutated commands in the ${state} state`, async (t) => {
    fc.assert(
      fc.property(input, (chunks) => {
        const { session, output, ended, close } = harness();
        try {
          session.receive(Buffer.from(preamble));
          for (const chunk of chunks) session.receive(chunk);
          const text = Buffer.concat(output).toString('latin1');
          // Whole lines only, and no handler failed on its own (an internal error is answered [SERVERBUG]).
          return text.endsWith('\r\n') && !text.includes('[SERVERBUG]') && (ended() || !text.includes('* BYE'));
        } finally {
          close();
        }
      }),
      { numRuns: 300 },
    );
    t.pass('no throw, whole lines, no internal error');
  });
}
