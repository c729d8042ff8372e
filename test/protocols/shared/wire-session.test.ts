import t from 'tap';
import { WireSession, type ProtocolAction } from '../../../src/protocols/shared/wire-session.js';
import type { Reply, StepContext } from '../../../src/protocols/types.js';
import type { Connection } from '../../../src/wire/connection.js';

const ctx: StepContext = { timeoutMs: 1000, signal: new AbortController().signal };

/** Only what WireSession itself calls on its connection, counted. */
function fakeConnection(): Connection & { closes: number; waits: string[] } {
  const fake = {
    closes: 0,
    waits: [] as string[],
    close: async () => {
      fake.closes++;
    },
    readUntilClose: async (options: { waitingFor: string }) => {
      fake.waits.push(options.waitingFor);
      return Buffer.alloc(0);
    },
  };
  return fake as unknown as Connection & { closes: number; waits: string[] };
}

class EchoSession extends WireSession<string> {
  constructor(
    connection: Connection,
    private readonly step: (action: ProtocolAction) => Promise<string | undefined>,
  ) {
    super(connection, (text): Reply | undefined => (text === undefined ? undefined : { status: 'OK', text }));
  }

  protected override dispatch(action: ProtocolAction): Promise<string | undefined> {
    return this.step(action);
  }
}

t.test('a step\'s result becomes a Reply; one that read nothing gives undefined', async (t) => {
  const session = new EchoSession(fakeConnection(), async (action) => (action.kind === 'send' ? `sent ${action.text}` : undefined));
  t.same(await session.perform({ kind: 'send', text: 'NOOP' }, ctx), { status: 'OK', text: 'sent NOOP' });
  t.equal(await session.perform({ kind: 'read' }, ctx), undefined);
});

t.test('close and expect_close end the connection without reaching the protocol', async (t) => {
  const connection = fakeConnection();
  const session = new EchoSession(connection, () => Promise.reject(new Error('dispatched')));
  t.equal(await session.perform({ kind: 'expect_close' }, ctx), undefined);
  t.same(connection.waits, ['waiting for the server to close the connection']);
  t.equal(await session.perform({ kind: 'close' }, ctx), undefined);
  await session.close();
  t.equal(connection.closes, 2);
});

t.test('a failure thrown at once or rejected later is a MailprobeError', async (t) => {
  const thrown = new EchoSession(fakeConnection(), () => {
    throw new TypeError('at once');
  });
  await t.rejects(thrown.perform({ kind: 'read' }, ctx), { name: 'MailprobeError', code: 'MP_ERR_PROTOCOL', message: 'at once' });
  const rejected = new EchoSession(fakeConnection(), () => Promise.reject(new Error('later')));
  await t.rejects(rejected.perform({ kind: 'read' }, ctx), { name: 'MailprobeError', code: 'MP_ERR_PROTOCOL', message: 'later' });
});
